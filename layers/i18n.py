"""English and French: every UI string, vocabulary label, number and date format.

French is a first-class language here (Malian and French counterparts are primary users), so
every key must exist in both; ``tests/test_i18n.py`` enforces it.
"""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd

from layers.period import MONTHS as _MONTHS
from layers.strings import STRINGS, VOCAB

Lang = str
# How a qualified figure reads: "about 500", "at least 15,500" (a sum with a lower bound).
_QUALIFIER_WORDS = {
    "en": {"approx": "about", "over": "at least", "at_least": "at least", "at_least_approx": "at least c.",
           "up_to": "up to", "almost": "almost"},
    "fr": {"approx": "environ", "over": "au moins", "at_least": "au moins", "at_least_approx": "au moins env.",
           "up_to": "jusqu’à", "almost": "près de"},
}
# Compact euro units, largest first: (size, English suffix, French suffix).
_EUR_UNITS = ((1e9, " bn", " Md"), (1e6, " M", " M"), (1e3, " k", " k"))
ISO_YEAR_LEN, ISO_MONTH_LEN = 4, 7  # "2019", "2019-05": the precision a date was given at
NBSP = "\u202f"  # French thousands separator (narrow no-break space)


def t(key: str, lang: Lang, **kwargs: object) -> str:
    """The UI string ``key`` in ``lang`` (falls back to English), formatted with kwargs."""
    entry = STRINGS.get(key) or VOCAB.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**kwargs) if kwargs else text


def label(code: str, lang: Lang) -> str:
    """The human label of a vocabulary code (actor type, sector, kind ...)."""
    entry = VOCAB.get(code)
    return (entry.get(lang) or entry["en"]) if entry else code


def fmt_int(value: float | None, lang: Lang) -> str:
    """A whole number with the language's thousands separator; "unknown" if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return t("unknown", lang)
    text = f"{round(float(value)):,}"
    return text.replace(",", NBSP) if lang == "fr" else text


def _compact(value: float, lang: Lang) -> tuple[str, str]:
    """(number, magnitude) of a compact amount: ("29.0", " M"); French: ("29,0", " M")."""
    number, magnitude = value, ""
    for unit, en, fr in _EUR_UNITS:
        if abs(value) >= unit:
            number, magnitude = value / unit, (fr if lang == "fr" else en)
            break
    if abs(value) >= _EUR_UNITS[0][0]:  # billions: two decimals where they carry information (US$1.17 bn)
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{number:,.1f}" if abs(value) >= _EUR_UNITS[-1][0] else f"{number:,.0f}"
    if lang == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text, magnitude


def fmt_eur(value: float | None, lang: Lang) -> str:
    """A euro amount, compact: "€29.0 M" in English, "29,0 M€" in French."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return t("unknown", lang)
    text, magnitude = _compact(float(value), lang)
    return f"{text}{magnitude or ' '}€" if lang == "fr" else f"€{text}{magnitude}"


def fmt_date(value: pd.Timestamp | date | None, lang: Lang, text: str = "") -> str:
    """A date at the precision it was given (``text`` is the source's ISO string)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return t("unknown", lang)
    ts = pd.Timestamp(value)
    month = _MONTHS.get(lang, _MONTHS["en"])[ts.month - 1]
    precision = len(text) if text else 10
    if precision == ISO_YEAR_LEN:
        return str(ts.year)
    if precision == ISO_MONTH_LEN:
        return f"{month} {ts.year}"
    return f"{ts.day} {month} {ts.year}"


_ISO_DATE = re.compile(r"\d{4}(-\d\d){0,2}")


def fmt_date_text(text: str, lang: Lang) -> str:
    """Dates as the data gives them (ISO at their precision, several joined with " / ") in words:
    "2020-12" -> "Dec 2020"; a part that is not an ISO date is shown as given.
    """
    words = [fmt_date(pd.Timestamp(part), lang, part) if _ISO_DATE.fullmatch(part) else part
             for part in (p.strip() for p in text.split(" / "))]
    return " / ".join(dict.fromkeys(words))


def fmt_amount(value: float | None, unit: str, lang: Lang) -> str:
    """An amount in its own currency, never converted: "€29.0 M", "US$1.1 bn", "3.0 bn XOF"."""
    if unit == "EUR" or value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt_eur(value, lang)
    text, magnitude = _compact(float(value), lang)
    if lang == "fr":
        return f"{text}{magnitude} {'$ US' if unit == 'USD' else 'FCFA'}"
    return f"US${text}{magnitude}" if unit == "USD" else f"{text}{magnitude} {unit}"


def fmt_value(value: float | None, unit: str, lang: Lang, qualifier: str = "exact") -> str:
    """A figure with its unit and qualifier: "about 15,500", "at least €89.0 M"."""
    text = fmt_amount(value, unit, lang) if unit in ("EUR", "USD", "XOF") else fmt_int(value, lang)
    word = _QUALIFIER_WORDS.get(lang, _QUALIFIER_WORDS["en"]).get(qualifier, "")
    return f"{word} {text}" if word and value is not None else text


def fmt_span(start: pd.Timestamp | None, end: pd.Timestamp | None, lang: Lang, start_text: str = "", end_text: str = "") -> str:
    """A period as "May 2018 – May 2020" (an open side says so), or one date when start == end."""
    if start is not None and end is not None and start == end:
        return fmt_date(start, lang, start_text or "2000-01")
    left = fmt_date(start, lang, start_text or "2000-01") if start is not None else "…"
    right = fmt_date(end, lang, end_text or "2000-01") if end is not None else t("open_end", lang)
    return f"{left} – {right}"
