"""The reasons the banner gives for the parts of a link it did not apply, in the page's language.

The reasons are written in English where they arise (``layers.view_state``, ``layers.period``):
the same words answer the strict readers (exports, the CLI, briefing files), whose messages stay
English like any other API's. The page's banner lists them in French too, translated here from
their templates: each English template, with ``{fields}`` for the values it names, has its French.
A reason no template matches is shown as it is (a test checks every reason the code can give).
"""

from __future__ import annotations

import re
from functools import cache

# (English, French): the English exactly as layers.view_state and layers.period write it.
REASONS_FR: tuple[tuple[str, str], ...] = (
    ("longer than {n} characters", "plus de {n} caractères"),
    ("control characters removed", "caractères de contrôle retirés"),
    ("given twice", "donné deux fois"),
    ("{n} values more than {max}", "{n} valeurs au-delà de {max}"),
    ("{value} is not YYYY or YYYY-MM (ASCII digits 0-9)", "{value} n’est ni AAAA ni AAAA-MM (chiffres ASCII 0-9)"),
    ("{value} is not YYYY or YYYY-YYYY (ASCII digits 0-9)", "{value} n’est ni AAAA ni AAAA-AAAA (chiffres ASCII 0-9)"),
    ("{value}: month must be 01 to 12", "{value} : le mois va de 01 à 12"),
    ("{names} given without a value: give a value or leave the parameter out",
     "{names} sans valeur : donnez une valeur ou retirez le paramètre"),
    ("give either year= or from=/to=, not both", "year= ou from=/to=, pas les deux"),
    ("to= needs from= (from=YYYY-MM&to=YYYY-MM)", "to= demande from= (from=AAAA-MM&to=AAAA-MM)"),
    ("no period given", "aucune période donnée"),
    ("ends before it starts", "se termine avant de commencer"),
    ("the period must lie between {first} and {last}", "la période doit se situer entre {first} et {last}"),
    ("starts after the data's latest month, {month}: no figures stand for it yet",
     "commence après le dernier mois des données, {month} : aucun chiffre ne s’y rapporte encore"),
    ("not a text", "pas un texte"),
    ("no data release yet (sahel-dashboard release makes one)",
     "aucune version des données pour l’instant (sahel-dashboard release en crée une)"),
    ("not a release version or a date YYYY-MM-DD", "ni une version des données ni une date AAAA-MM-JJ"),
    ("not a day of the calendar", "pas un jour du calendrier"),
    ("before the first release ({version}, {date})", "avant la première version des données ({version}, {date})"),
    ("without briefing=", "sans briefing="),
    ("briefing {name} has scenes 1 to {n}", "la présentation {name} a les scènes 1 à {n}"),
    ("more than {n} parameters", "plus de {n} paramètres"),
    ("given without a value", "sans valeur"),
    ("{param}= given {n} times", "{param}= donné {n} fois"),
)

_FIELD = re.compile(r"\{([a-z]+)\}")


def _pattern(english: str) -> re.Pattern[str]:
    """A banner item "<what was given> (<reason>)" whose reason is ``english``, its fields captured."""
    parts = _FIELD.split(english)  # text, field, text, field, ...
    body = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(rf"(?P<given>.*?) \({body}\)", re.DOTALL)


@cache
def _catalogue() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    return tuple((_pattern(en), en, fr) for en, fr in REASONS_FR)


def _match(item: str) -> tuple[re.Match[str], str, str] | None:
    for pattern, english, french in _catalogue():
        found = pattern.fullmatch(item)
        if found:
            return found, english, french
    return None


def reason_template(item: str) -> str | None:
    """The English template of a banner item's reason (None: no reason, or one no template has)."""
    matched = _match(item)
    return matched[1] if matched else None


def issue_text(item: str, lang: str) -> str:
    """A banner item (``str(Issue)``: "year=abc ('abc' is not YYYY ...)") in ``lang``: its reason
    translated, what was given left as it was typed.
    """
    matched = _match(item) if lang == "fr" else None
    if matched is None:
        return item
    fields = matched[0].groupdict()
    if "names" in fields:  # "year= and from=": parameters joined by the English "and"
        fields["names"] = fields["names"].replace(" and ", " et ")
    return f"{fields.pop('given')} ({matched[2].format(**fields)})"


__all__ = ["REASONS_FR", "issue_text", "reason_template"]
