"""The engagement table: rows for the grid and the CSV/Excel download, sources included.

Downloads neutralise spreadsheet formulas: a cell that starts with ``= + - @`` (or a tab or
carriage return) is prefixed with an apostrophe, so a hostile value cannot run in Excel.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd

from layers import view_model as vm
from layers.i18n import fmt_date, label, t

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table_rows(tables: dict[str, pd.DataFrame], active: pd.DataFrame, lang: str, at: pd.Timestamp,
               budget_of: Callable[[str], vm.Budget] | None = None) -> tuple[list[dict[str, object]], list[tuple[str, str]]]:
    """Grid rows (one per engagement) and (field, header) column definitions.

    ``budget_of`` answers an engagement's budget at ``at`` (the view index does it without
    pandas work); by default the reference rule in ``layers.view_model``.
    """
    budget_of = budget_of or (lambda eid: vm.engagement_budget(tables, eid, at))
    columns = [
        ("acronym", "Sigle" if lang == "fr" else "Acronym"),
        ("name", t("name", lang)),
        ("actor", t("actors", lang)),
        ("lead", t("lead", lang)),
        ("sectors", t("sectors", lang)),
        ("start", t("start", lang)),
        ("end", t("end", lang)),
        ("scope", t("scope", lang)),
        ("budget_eur", t("budget", lang) + " (EUR)"),
        ("budget_basis", t("budget", lang) + " — base" if lang == "fr" else "Budget basis"),
        ("source_ids", t("sources", lang)),
        ("locators", t("locator", lang)),
    ]
    rows = []
    for eng in active.sort_values("start_date", na_position="last").itertuples():
        budget = budget_of(eng.engagement_id)
        sources = tuple(dict.fromkeys((*eng.source_ids, *budget.source_ids)))
        rows.append({
            "id": eng.engagement_id,
            "acronym": eng.acronym,
            "name": eng.name_fr if lang == "fr" else eng.name_en,
            "actor": label(eng.actor_type, lang),
            "lead": eng.lead_actor,
            "sectors": ", ".join(label(s, lang) for s in eng.sectors),
            "start": fmt_date(eng.start_date, lang, eng.start_date_text) if eng.start_date_text else t("unknown", lang),
            "end": fmt_date(eng.end_date, lang, eng.end_date_text) if eng.end_date_text else (t("ongoing", lang) if eng.status == "active" else t("unknown", lang)),
            "scope": label(eng.scope, lang),
            "budget_eur": budget.amount_eur,
            "budget_basis": label(budget.basis, lang) if budget.amount_eur is not None else t("unknown", lang),
            "source_ids": "; ".join(sources),
            "locators": " | ".join(eng.locators),
        })
    return rows, columns


def table_bytes(tables: dict[str, pd.DataFrame], active: pd.DataFrame, lang: str, at: pd.Timestamp, fmt: str, *,
                budget_of: Callable[[str], vm.Budget] | None = None) -> bytes:
    """The table as CSV (UTF-8 with BOM so Excel reads accents) or as an Excel workbook."""
    rows, columns = table_rows(tables, active, lang, at, budget_of)
    frame = pd.DataFrame(rows, columns=["id", *[c for c, _ in columns]])
    frame = frame.rename(columns=dict(columns)).map(neutralise)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="engagements")
        return buffer.getvalue()
    if fmt != "csv":
        raise ValueError(f"unknown table format {fmt!r}; expected csv or xlsx")
    return frame.to_csv(index=False).encode("utf-8-sig")
