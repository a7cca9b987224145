"""The engagement table: rows for the grid and the CSV/Excel download, sources included.

It lists what the view lists (``layers.rules.selection``): the engagements it counts first,
then funds and portfolios, planned ones, those working outside Mali and those with dates
unknown; each sub-engagement or component sits right under its parent. Amounts are those in
force on the view's date, each in its own currency with its basis and period (never a bare
number). Downloads neutralise spreadsheet formulas: a cell that starts with ``= + - @`` (or
a tab or carriage return) is prefixed with an apostrophe, so a hostile value cannot run.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from layers.actor_names import actor_name
from layers.i18n import fmt_date, fmt_span, fmt_value, label, t
from layers.lookups import per_frame
from layers.rules.engine import Engine, ViewFacts
from layers.rules.headlines import Line
from layers.strings import STRINGS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GROUP_ORDER = ("counted", "not_in_force", "fund", "not_started", "outside_mali", "dates_unknown", "sub_engagement")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def columns(lang: str, since: str = "") -> list[tuple[str, str]]:
    """(field, header) of every column, in order; with ``since`` (a view's ``?since=``), the
    "Changed since" column after the name.
    """
    return [
        ("acronym", t("acronym", lang)),
        ("name", t("name", lang)),
        *([("changed", t("col_changed", lang, since=since))] if since else []),
        ("group", t("col_group", lang)),
        ("status", t("col_status", lang)),
        ("part_of", t("col_part_of", lang)),
        ("actor", t("actors", lang)),
        ("lead", t("lead", lang)),
        ("sectors", t("sectors", lang)),
        ("start", t("start", lang)),
        ("end", t("end", lang)),
        ("scope", t("scope", lang)),
        ("amounts", t("amounts_in_force", lang)),
        ("source_ids", t("sources", lang)),
        ("locators", t("locator", lang)),
    ]


def amount_text(line: Line, lang: str) -> str:
    """One amount in its own words: figure, basis, kind, scope and period."""
    text = fmt_value(line.value, line.unit, lang, line.qualifier) if line.value is not None else t("unknown", lang)
    parts = [t(f"basis_{line.basis}", lang), t(f"type_{line.amount_type}", lang), t(f"scope_{line.scope}", lang)]
    if line.reason == "component":
        parts.append(t("why_component", lang))
    return f"{text} ({', '.join(p for p in parts if p)}; {fmt_span(line.start, line.end, lang)})"


def change_text(changes: tuple, lang: str) -> str:
    """What changed about one engagement since a release, in words: "engagement changed
    (personnel_peak); mandate EUTM-MALI-M6 added" (``layers.changes.ViewChanges.engagements``).
    """
    parts = []
    for change in changes:
        what = t(f"change_row_{change.table}", lang) if f"change_row_{change.table}" in STRINGS else change.table
        if change.table != "engagements" and change.row_id:
            what += f" {change.row_id}"
        what += f" {t(f'change_{change.action}', lang)}"
        if change.action == "changed":
            what += f" ({', '.join(change.columns) if change.columns else t('change_columns_unknown', lang)})"
        parts.append(what)
    return "; ".join(parts)


def ordered_positions(engine: Engine, facts: ViewFacts) -> list[tuple[int, str]]:
    """(engagement position, group) in table order: groups, then start date; children under parents."""
    e, eng = engine.rules.eng, engine.tables["engagements"]
    groups: dict[str, tuple[str, ...]] = facts.engagements.extra["groups"]  # type: ignore[assignment]
    group_of = {eid: g for g, ids in groups.items() for eid in ids}
    listed = facts.selection.listed
    is_listed = np.zeros(len(e), dtype=bool)
    is_listed[listed] = True
    starts = eng["start_date"].to_numpy("datetime64[ns]")
    # A child whose parent is not listed stands on its own row; the others go under their parent.
    top = listed[(e.parent[listed] == "") | ~is_listed[e.root[listed]]]
    rank = {g: k for k, g in enumerate(GROUP_ORDER)}
    group_rank = np.array([rank.get(group_of.get(eid, "not_in_force"), len(GROUP_ORDER)) for eid in e.ids[top]])
    start = starts[top]
    undated = np.isnat(start)
    # Sort by group, then start date (unknown last), then id: one lexsort, not a Python key per row.
    top = top[np.lexsort((e.ids[top].astype(str), np.where(undated, 0, start.view(np.int64)), undated, group_rank))]
    children: dict[int, list[int]] = {}
    for i in listed:
        if e.parent[i] != "" and is_listed[e.root[i]]:
            children.setdefault(int(e.root[i]), []).append(int(i))
    out = []
    for i in top.tolist():
        out.append((i, group_of.get(e.ids[i], "not_in_force")))
        out += [(c, "sub_engagement") for c in children.get(i, [])]
    return out


# The engagement columns a table row reads.
ROW_TEXT = ("acronym", "name_en", "name_fr", "actor_type", "lead_actor", "sectors", "start_date_text", "end_date_text",
            "scope", "source_ids", "locators")


@per_frame
def row_columns(engagements: pd.DataFrame) -> dict[str, Any]:
    """The columns a table row reads, by row position (the rules engine's positions).

    Arrays, not a dict per row: those took seconds to build at x1000 (at start, for the first
    page's rows), and every worker copied the pages of the ones it read (reference counts).
    Text and tuples are the table's own objects; a date is a ``Timestamp`` made per read.
    """
    out: dict[str, Any] = {c: engagements[c].to_numpy(object) for c in ROW_TEXT}
    return out | {c: engagements[c].array for c in ("start_date", "end_date")}


def table_rows(engine: Engine, facts: ViewFacts, lang: str, limit: int | None = None) -> list[dict[str, object]]:
    """Grid rows (one per listed engagement), at most ``limit`` (the downloads take every row)."""
    e = engine.rules.eng
    row = row_columns(engine.tables["engagements"])
    order = ordered_positions(engine, facts)[:limit]
    amounts = engine.amounts_in_force(np.array([i for i, _ in order], dtype=np.int64), facts.as_at)
    rows = []
    changed = facts.changes.engagements if facts.state.since else None
    for i, group in order:
        eid = str(e.ids[i])
        status, when = engine.status(i, facts.as_at)
        lines = amounts.get(eid, ())
        sources = tuple(dict.fromkeys((*row["source_ids"][i], *(s for x in lines for s in x.source_ids))))
        parent = e.ids[e.root[i]] if e.parent[i] else ""
        name = row["name_fr"][i] if lang == "fr" else row["name_en"][i]
        start_text, end_text = row["start_date_text"][i], row["end_date_text"][i]
        rows.append({
            "id": eid,
            "acronym": row["acronym"][i],
            "name": ("↳ " if parent else "") + name,
            "group": t(f"group_{group}", lang),
            "status": t(f"status_{status}", lang, date=fmt_date(when, lang) if when is not None else ""),
            "part_of": row["acronym"][e.root[i]] or parent if parent else "",
            "actor": label(row["actor_type"][i], lang),
            "lead": actor_name(row["lead_actor"][i], lang),
            "sectors": ", ".join(label(s, lang) for s in row["sectors"][i]),
            "start": fmt_date(row["start_date"][i], lang, start_text) if start_text else t("unknown", lang),
            "end": fmt_date(row["end_date"][i], lang, end_text) if end_text else t("unknown", lang),
            "scope": label(row["scope"][i], lang),
            "amounts": "; ".join(amount_text(x, lang) for x in lines) or t("unknown", lang),
            "source_ids": "; ".join(sources),
            "locators": " | ".join(row["locators"][i]),
        })
        if changed is not None:  # ?since=: what changed about it since the release ("" if nothing)
            rows[-1]["changed"] = change_text(changed.get(eid, ()), lang)
    return rows


def table_bytes(engine: Engine, facts: ViewFacts, lang: str, fmt: str) -> bytes:
    """The table as CSV (UTF-8 with BOM so Excel reads accents) or as an Excel workbook."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown table format {fmt!r}; expected csv or xlsx")
    cols = columns(lang, facts.state.since)
    fields = ["id", *[c for c, _ in cols]]
    headers = [dict(cols).get(f, f) for f in fields]
    rows = table_rows(engine, facts, lang)
    if fmt == "csv":
        return csv_text(headers, ([neutralise(row.get(f)) for f in fields] for row in rows)).encode("utf-8-sig")
    frame = pd.DataFrame(rows, columns=fields).rename(columns=dict(cols)).map(neutralise)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="engagements")
    return buffer.getvalue()


def csv_text(headers: list[str], rows: Iterable[list[object]]) -> str:
    """Rows as CSV text, written as ``DataFrame.to_csv(index=False)`` writes them (the same
    ``csv`` dialect; a missing value empty), without building two frames of the whole table
    first (at x1000 they were most of an export's time and of the memory a worker kept after it).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=os.linesep, quoting=csv.QUOTE_MINIMAL)  # to_csv's defaults
    writer.writerow(headers)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    """A value as ``to_csv`` writes it: a gap (None, NA, NaN) empty, the rest as it is."""
    if isinstance(value, str):
        return value
    return "" if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else value
