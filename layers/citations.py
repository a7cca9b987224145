"""Sources as a reader cites them: numbered short citations on a figure, full ones at the end.

Pure: the sources table and source ids in, text out. Exports never print a source id or a file
path on the figure: each source is "[n] publisher, year: short title", and the full list
("[n] publisher, date: title — ref. ID") goes on the brief pack's last page and into the PDF's
metadata. Which sources a page cites is what it shows (:func:`map_source_ids`,
:func:`face_source_ids`): the map's region values and the key figures on the page, no more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.faces import printed_context
from layers.rules.engine import Engine, ViewFacts
from layers.rules.headlines import Line

SHORT_PUBLISHER = 40  # characters of a publisher's name on a figure
SHORT_TITLE = 52  # characters of a source's title on a figure
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&-]{1,11})\)")  # "(IRSEM)", "(EEAS)": a publisher's own short name
_NO_DATE = {"en": "n.d.", "fr": "s.d."}


@dataclass(frozen=True)
class Citation:
    """One cited source: its number on the page, and how it reads short and in full."""

    number: int
    source_id: str
    short: str
    full: str


def _cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters, cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–(")
    return cut + "…"


def short_publisher(publisher: str) -> str:
    """The publisher as a figure cites it: its acronym when it gives one, else its name up to a
    comma, "via" or a parenthesis, at most :data:`SHORT_PUBLISHER` characters.
    """
    acronym = _ACRONYM.search(publisher)
    if acronym:
        return acronym.group(1)
    name = re.split(r", | via | \(", publisher, maxsplit=1)[0].strip()
    return _cut(name or publisher, SHORT_PUBLISHER)


def short_citation(row: pd.Series, lang: str, title_chars: int = SHORT_TITLE) -> str:
    """"Publisher, year: short title" (the title cut to ``title_chars``)."""
    year = str(row["published_text"])[:4] or _NO_DATE.get(lang, "n.d.")
    return f"{short_publisher(str(row['publisher']))}, {year}: {_cut(str(row['title']), title_chars)}"


def full_citation(row: pd.Series, source_id: str, lang: str) -> str:
    """"Publisher, date: title — ref. ID" (the id finds the row in data/tables/sources.csv)."""
    date = str(row["published_text"]) or _NO_DATE.get(lang, "n.d.")
    ref = "réf." if lang == "fr" else "ref."
    return f"{row['publisher']}, {date}: {row['title']} — {ref} {source_id}"


def cite(sources: pd.DataFrame, source_ids: list[str] | tuple[str, ...], lang: str, title_chars: int = SHORT_TITLE,
         ) -> list[Citation]:
    """Each distinct known source once, numbered from 1 in the order given."""
    known = [s for s in dict.fromkeys(source_ids) if s in sources.index]
    return [Citation(n, s, short_citation(sources.loc[s], lang, title_chars), full_citation(sources.loc[s], s, lang))
            for n, s in enumerate(known, start=1)]


def _line_sources(lines: tuple[Line, ...] | list[Line]) -> list[str]:
    return [s for line in lines for s in line.source_ids]


def _area_sources(engine: Engine, positions: np.ndarray, start: pd.Timestamp, as_at: pd.Timestamp) -> list[str]:
    """Where each engagement worked from ``start`` to ``as_at``, by the rows that say so: the
    mandates in force then that state an area (see ``layers.rules.areas``), else the
    engagement's own row.
    """
    mandates = engine.areas.mandates
    starts, ends = mandates["start_date"], mandates["effective_end"]
    live = mandates[(starts <= as_at) & (ends.isna() | (ends >= start))]
    by_position: dict[int, list[str]] = {}
    for p, ids in zip(live["eng_pos"], live["source_ids"], strict=True):
        by_position.setdefault(int(p), []).extend(ids)
    engagements = engine.tables["engagements"]
    e = engine.rules.eng
    out: list[str] = []
    for position in positions.tolist():
        out += list(dict.fromkeys(by_position.get(int(position)) or engagements.at[str(e.ids[position]), "source_ids"]))
    return out


def map_source_ids(engine: Engine, facts: ViewFacts) -> list[str]:
    """The sources of the numbers the map shows for its metric, region by region."""
    metric = facts.state.metric
    values = facts.region_values
    if metric == "idp":
        counts = engine.displacement_at(facts.as_at).regions_at(facts.state.period, facts.as_at)
        return [s for code in values["region_code"] if code in counts for s in counts[code].source_ids]
    if metric == "budget":
        return [s for lines in values.get("lines", ()) for s in _line_sources(lines)]
    # Region-specific engagement counts: the engagements counted in some regions, not country-wide.
    counted = facts.selection.counted
    own = (facts.span_bits if facts.span_bits is not None else facts.bits)[counted]
    all_bits = engine.areas.regions.all_bits
    return _area_sources(engine, counted[(own != 0) & (own != all_bits)], facts.state.period.start, facts.as_at)


def face_source_ids(facts: ViewFacts) -> dict[str, list[str]]:
    """The sources of each key figure's value as :mod:`layers.faces` words it: the lines it
    adds, or the one amount it shows alone (a total for several years). The engagement count is
    a count of the table's rows, whose sources are in the table (brief pack, CSV).
    """
    money = facts.money
    money_lines = list(money.counted())
    if money.status == "listed":
        primary = [x for x in money.left_out() if x.reason == "basis_period" and x.value is not None]
        if int(money.extra.get("n_listed_values", 0)) == 1 and len(primary) == 1:  # type: ignore[call-overload]
            money_lines = primary
    return {
        "engagements": [],
        "money": _line_sources(money_lines),
        # The strength a printed page names under a partial total, too (layers.faces.printed_context).
        "personnel": _line_sources([*facts.personnel.counted(), *filter(None, [printed_context(facts.personnel)])]),
        # A partial or listed count shows each region's parts and dates in words: their sources.
        "idps": _line_sources(facts.idps.counted()) + [s for count in facts.idps.extra.get("regions") or ()  # type: ignore[union-attr]
                                                       for s in count.source_ids],
    }
