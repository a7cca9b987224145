"""English left in a French page: strings of the English catalogue (``layers/strings.py``) found
where the French one should be.

A catalogue entry counts only when its English and French differ ("Sources", "Base", "Mali" are
the same word in both and never count). Each English string is matched as a template (``{x}``
stands for any text) against whole texts, never inside a longer word:

* one-word strings ("Lead", "Kind", "annual") only when they are the whole text of an element,
  a cell or an attribute: as a word inside a sentence they may be data quoted as written (an
  English source's title cited in a French page);
* longer strings ("as at {date}", "Download CSV") anywhere in a text, on word boundaries.

The texts come from the page itself (every visible text node, SVG included, and the names
screen readers read: ``aria-label``, ``title``, ``placeholder``, ``alt``) or from an export.
Left out, because they are shown as written: elements marked with another language
(``lang="en"``: the language's own name "English", the data's English free text), quotations
(``<q>``, the locators) and citations of sources (their publishers and titles as published).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from layers.strings import STRINGS, VOCAB

_FIELD = re.compile(r"\{[a-z_]+\}")
_WORD = r"[^\W_]"  # a letter or digit, any script


@dataclass(frozen=True)
class Entry:
    key: str
    english: str
    pattern: re.Pattern[str]
    whole_only: bool


def _template(text: str) -> str:
    parts = _FIELD.split(text)
    return ".+?".join(re.escape(p) for p in parts)


@cache
def english_entries() -> tuple[Entry, ...]:
    """Every catalogue string whose English differs from its French, as a pattern."""
    out = []
    for key, entry in {**VOCAB, **STRINGS}.items():
        en, fr = entry["en"].strip(), entry["fr"].strip()
        if en == fr:
            continue
        for line in (x.strip() for x in en.split("\n")):
            literal = _FIELD.sub("", line).strip(" :·,;()–-")
            if len(literal) < 2:
                continue
            whole_only = len(re.findall(rf"{_WORD}+", literal)) < 2
            body = _template(line)
            pattern = re.compile(rf"^\s*{body}\s*$" if whole_only else rf"(?<!{_WORD}){body}(?!{_WORD})")
            out.append(Entry(key, line, pattern, whole_only))
    return tuple(out)


def french_also(text: str) -> bool:
    """Whether ``text`` is also a French string of the catalogue (then it is not a leak)."""
    return text.strip() in _french_texts()


@cache
def _french_texts() -> frozenset[str]:
    return frozenset(e["fr"].strip() for e in (*STRINGS.values(), *VOCAB.values()))


CITATION = re.compile(r"^\s*(\[\d+\]|\d+\.\s)")  # "[3] IRSEM, 2020: …" in an export, "3. …" on a closing slide


def leaks(texts: list[str]) -> list[tuple[str, str, str]]:
    """(catalogue key, English string, text it was found in) for each English string in ``texts``."""
    found = []
    for text in dict.fromkeys(t for t in texts if t and t.strip()):
        if french_also(text) or CITATION.match(text):
            continue
        found += [(entry.key, entry.english, text[:160]) for entry in english_entries() if entry.pattern.search(text)]
    return found


# The page's texts: every text node that is shown (SVG included), one string per node, and
# every accessible name given as an attribute; elements in another language (lang=...) are left out.
PAGE_TEXTS_JS = """
const pageLang = document.documentElement.lang;
const out = [];
const AS_WRITTEN = 'q, cite, .locator, .sources, .bookend-citations, .foot-sources';
function otherLang(el) {
  const holder = el.closest('[lang]');
  return (holder && holder !== document.documentElement && holder.getAttribute('lang') !== pageLang) || !!el.closest(AS_WRITTEN);
}
function shown(el) {
  if (!el || !el.isConnected) { return false; }
  if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) { return false; }
  return !el.closest('[aria-hidden="true"]') || el.closest('svg');
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA'].includes(el.tagName)) { continue; }
  if (!shown(el) || otherLang(el)) { continue; }
  out.push(node.textContent);
}
for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], [aria-description], [aria-roledescription]')) {
  if (!shown(el) || otherLang(el)) { continue; }
  for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-roledescription']) {
    const value = el.getAttribute(name);
    if (value) { out.push(value); }
  }
}
out.push(document.title);
return out;
"""
