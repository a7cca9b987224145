"""The detail panel: everything known about one engagement, each fact with its sources.

Rows cite source ids that link to one source list per panel (a mission with 20 mandates cites
the same few documents 60 times). Areas are named, not coded; a figure is printed once, with
its qualifier; the status comes from the rules engine, so it agrees with the timeline.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from dash import html

from dashboard.cards import citation
from dashboard.view import AppData
from layers.actor_names import actor_name
from layers.i18n import fmt_date, fmt_int, fmt_span, fmt_value, label, t
from layers.lookups import children_of, records_by_engagement, records_by_index, sites_by_engagement
from layers.map_base import Town
from layers.place_names import placed_at_text
from layers.strings import STRINGS
from sahel_data.schema import TABLES_BY_NAME

# The tables whose rows the detail panel lists per engagement.
BY_ENGAGEMENT = ("mandates", "funding", "indicators", "events")


def warm_detail_indexes(tables: dict[str, pd.DataFrame]) -> None:
    """Index now the rows the detail panel looks up (at start: in ``serve``'s master, shared by
    every worker, instead of each worker building them on its first click).
    """
    for name in BY_ENGAGEMENT:
        records_by_engagement(tables[name])
    sites_by_engagement(tables["sites"])
    children_of(tables["engagements"])
    records_by_index(tables["sources"])
    records_by_index(tables["disputes"])


def source_anchor(source_id: str) -> str:
    """The element id of a source in the detail panel's source list."""
    return "src-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in source_id)


def source_list(tables: dict[str, pd.DataFrame], source_ids: tuple[str, ...], locators: tuple[str, ...] = (),
                *, anchors: bool = False, lang: str = "en") -> html.Ul:
    """Sources as a list: citation, link or seed file, and the locator if given."""
    sources = records_by_index(tables["sources"])
    items = []
    for i, sid in enumerate(dict.fromkeys(source_ids)):
        src = sources.get(sid)
        if src is None:
            continue
        loc = locators[i] if i < len(locators) else (locators[0] if len(locators) == 1 else "")
        where = src["location"]
        if where.startswith("http"):
            link: Any = html.A(where, href=where, target="_blank", rel="noopener noreferrer")
        else:  # a document the project holds a copy of (a seed): its file name means nothing to a reader alone
            link = html.Span([t("archived_copy", lang), " ", html.Code(where)])
        items.append(html.Li([
            html.Strong(citation(tables, sid)), html.Br(), link,
            html.Div(html.Q(loc), className="locator") if loc else None,
        ], **({"id": source_anchor(sid)} if anchors else {})))
    return html.Ul(items, className="sources")


def _table(headers: list[str], rows: list[list[object]]) -> html.Table:
    return html.Table([
        html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
        html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
    ], className="detail-table")


def _sourced(row: dict[str, Any], cited: dict[str, None], lang: str) -> html.Details:
    """A row's sources: each links to the panel's source list, with the row's locator."""
    ids, locators = row["source_ids"], row["locators"]
    items = []
    for i, sid in enumerate(dict.fromkeys(ids)):
        cited[sid] = None
        loc = locators[i] if i < len(locators) else (locators[0] if len(locators) == 1 else "")
        items.append(html.Li([html.A(f"[{sid}]", href=f"#{source_anchor(sid)}"), " ", html.Q(loc, className="locator") if loc else ""]))
    return html.Details([html.Summary(t("n_sources", lang, n=len(ids))), html.Ul(items, className="sources")])


def _as_written(text: str, lang: str) -> html.Span | str:
    """Free text of the data, which is written in English (notes, legal bases, site names): in a
    French page it is shown as written and marked as English, so a screen reader reads it as
    English (WCAG 3.1.2). Names and descriptions have French columns and never come here.
    """
    return html.Span(text, lang="en") if lang != "en" and text else text


def area_names(tables: dict[str, pd.DataFrame], codes: tuple[str, ...], lang: str) -> str:
    """Area codes as names ("Kayes, Koulikoro …"), the country codes too."""
    regions = tables["regions"]
    col = "name_fr" if lang == "fr" else "name_en"
    return ", ".join(regions.at[c, col] if c in regions.index else c for c in codes)


AMOUNT_COLUMNS = {  # value, currency, qualifier, basis, type and scope columns of each table
    "mandates": ("budget_amount", "budget_currency", "budget_qualifier", "budget_basis", "budget_type", "budget_scope"),
    "funding": ("amount", "currency", "qualifier", "basis", "amount_type", "amount_scope"),
}


def _amount(row: dict[str, Any], table: str, lang: str) -> str:
    value_col, currency_col, qualifier_col, basis_col, type_col, scope_col = AMOUNT_COLUMNS[table]
    if pd.isna(row[value_col]):
        return t("unknown", lang)
    parts = [t(f"basis_{row[basis_col]}", lang) if row[basis_col] else "", t(f"type_{row[type_col]}", lang) if row[type_col] else "",
             t(f"scope_{row[scope_col]}", lang) if row[scope_col] else ""]
    text = fmt_value(float(row[value_col]), row[currency_col], lang, row[qualifier_col] or "exact")
    return f"{text} ({', '.join(p for p in parts if p)})"


def _header(app: AppData, eng: pd.Series, lang: str) -> list[html.Component]:
    name = eng["name_fr"] if lang == "fr" else eng["name_en"]
    status, when = app.engine.rules.status_at(eng["engagement_id"], pd.Timestamp(app.data_date))
    start = fmt_date(eng["start_date"], lang, eng["start_date_text"]) if eng["start_date_text"] else t("unknown", lang)
    end = fmt_date(eng["end_date"], lang, eng["end_date_text"]) if eng["end_date_text"] else t("open_end", lang)
    status_text = t(f"status_{status}", lang, date=fmt_date(when, lang) if when is not None else "")
    out = [
        html.H3(f"{eng['acronym']} — {name}" if eng["acronym"] else name),
        html.P([html.Strong(label(eng["kind"], lang)), " · ", label(eng["actor_type"], lang), " · ",
                t("label_value", lang, label=t("lead", lang), value=actor_name(eng["lead_actor"], lang)), " · ", f"{start} – {end}", " · ",
                html.Strong(f"{status_text} ({t('as_at', lang, date=app.data_as_of(lang))})")]),
        html.P(eng["description_fr"] if lang == "fr" else eng["description_en"]),
        html.P(", ".join(label(s, lang) for s in eng["sectors"]), className="muted"),
    ]
    if eng["implementer"]:
        out.append(html.P([t("label_value", lang, label=t("implementer", lang), value=""), _as_written(eng["implementer"], lang)]))
    if eng["personnel_note"]:
        out.append(html.P([t("label_value", lang, label=t("personnel", lang), value=""), _as_written(eng["personnel_note"], lang)]))
    out.append(html.Details([html.Summary(t("sources", lang)), source_list(app.tables, eng["source_ids"], eng["locators"], lang=lang)]))
    return out


def detail_panel(app: AppData, engagement_id: str, lang: str) -> list[html.Component]:
    """Everything known about one engagement, each fact with its sources and locators."""
    tables = app.tables
    if not engagement_id or engagement_id not in tables["engagements"].index:
        return [html.P(t("detail_empty", lang), className="muted")]
    out = _header(app, tables["engagements"].loc[engagement_id], lang)
    cited: dict[str, None] = {}  # source ids cited by the rows below, in order of first citation
    mandates = sorted(records_by_engagement(tables["mandates"]).get(engagement_id, []), key=lambda m: m["start_date"])
    if mandates:
        out += [html.H4(t("mandates", lang)), _table(
            ["#", t("period", lang), t("legal_basis", lang), t("budget", lang), t("area", lang), t("sources", lang)],
            [[m["number"], fmt_span(m["start_date"], m["end_date"] if pd.notna(m["end_date"]) else None, lang,
                                    m["start_date_text"], m["end_date_text"]),
              _as_written(m["legal_basis"], lang),
              _amount(m, "mandates", lang),
              area_names(tables, m["area_regions"] + m["area_countries"], lang) or _as_written(m["area_note"], lang),
              _sourced(m, cited, lang)]
             for m in mandates],
        )]
    by_engagement = records_by_engagement(tables["funding"])
    funding = [f for eid in (engagement_id, *children_of(tables["engagements"]).get(engagement_id, ()))
               for f in by_engagement.get(eid, [])]
    if funding:
        out += [html.H4(t("funding", lang)), _table(
            [t("donor", lang), t("amount", lang), t("period", lang), t("sources", lang)],
            [[actor_name(f["donor"], lang), _amount(f, "funding", lang)
              + (f" — {t('why_component', lang)}" if f["is_component"] else ""),
              fmt_span(f["period_start"] if pd.notna(f["period_start"]) else None,
                       f["period_end"] if pd.notna(f["period_end"]) else None, lang, f["period_start_text"], f["period_end_text"])
              if f["period_start_text"] or f["period_end_text"] else t("basis_unknown", lang),
              _sourced(f, cited, lang)] for f in funding],
        )]
    out += _sites_and_figures(tables, engagement_id, lang, cited, app.map_base.towns)
    out += _disputes(tables, engagement_id, {"mandates": mandates, "funding": funding}, lang, cited)
    if cited:
        out += [html.H4(t("sources", lang)), source_list(tables, tuple(cited), anchors=True, lang=lang)]
    return out


def _sites_and_figures(tables: dict[str, pd.DataFrame], engagement_id: str, lang: str, cited: dict[str, None],
                       towns: tuple[Town, ...] = ()) -> list[Any]:
    out: list[Any] = []
    sites = sites_by_engagement(tables["sites"]).get(engagement_id, [])
    if sites:
        out += [html.H4(t("sites", lang)), _table(
            [t("name", lang), t("kind", lang), t("precision", lang), t("period", lang), t("sources", lang)],
            [[_as_written(s["name"], lang), label(s["kind"], lang),
              label(s["precision"], lang) + (f" ({placed_at_text(s['placed_at'], towns, lang)})" if s["placed_at"] else "")
              if s["precision"] != "unknown" else t("unmapped", lang),
              f"{s['active_from_text']} – {s['active_to_text']}".strip(" –"), _sourced(s, cited, lang)] for s in sites],
        )]
    indicators = sorted(records_by_engagement(tables["indicators"]).get(engagement_id, []), key=lambda i: i["date"])
    if indicators:
        out += [html.H4(t("figures", lang)), _table(
            [t("col_when", lang), t("kind", lang), t("col_value", lang), t("scope", lang), t("sources", lang)],
            [[fmt_date(i["date"], lang, i["date_text"]), label(i["indicator"], lang),
              fmt_value(float(i["value"]), "people", lang, i["qualifier"]), t(f"scope_{i['scope']}", lang), _sourced(i, cited, lang)]
             for i in indicators],
        )]
    return out


def _disputes(tables: dict[str, pd.DataFrame], engagement_id: str, rows: dict[str, list[dict[str, Any]]], lang: str,
              cited: dict[str, None]) -> list[Any]:
    """Where sources disagree about this engagement's rows: what, each value and whether it is the
    one shown, the sources; the curator's reasoning (English, with the data's own ids) folded away.
    """
    related: dict[str, dict[str, dict[str, Any]]] = {
        "engagements": {engagement_id: {}},
        "mandates": {m["mandate_id"]: m for m in rows["mandates"]},
        "funding": {f["funding_id"]: f for f in rows["funding"]},
        "sites": {x["site_id"]: x for x in sites_by_engagement(tables["sites"]).get(engagement_id, [])},
        "indicators": {i["indicator_id"]: i for i in records_by_engagement(tables["indicators"]).get(engagement_id, [])},
        "events": {ev["event_id"]: ev for ev in records_by_engagement(tables["events"]).get(engagement_id, [])},
    }
    disputes = [d for d in records_by_index(tables["disputes"]).values() if d["row_id"] in related.get(d["table_name"], {})]
    if not disputes:
        return []
    return [html.H4(t("disputes", lang)), _table(
        [t("disputed_what", lang), t("disputed_value", lang), t("disputed_here", lang), t("sources", lang)],
        [[disputed_what(d, related[d["table_name"]][d["row_id"]], lang),
          [disputed_value(d["table_name"], d["column_name"], d["value"], lang),
           html.Details([html.Summary(t("curator_note", lang)), _as_written(d["reason"], lang)], className="curator-note")],
          t("shown_value" if d["shown"] else "not_shown_value", lang), _sourced(d, cited, lang)]
         for d in disputes],
    )]


def disputed_what(dispute: dict[str, Any], row: dict[str, Any], lang: str) -> str | html.Span:
    """What a disputed value is, in words ("Start date", "Budget of mandate 3"), never a column name
    when the strings know it.
    """
    key = f"disputed_{dispute['table_name']}_{dispute['column_name']}"
    fields = {
        "title": row.get("title_fr" if lang == "fr" else "title_en", ""),
        "donor": actor_name(row["donor"], lang) if "donor" in row else "",
        "number": row.get("number", ""),
        "date": fmt_date(row["date"], lang, row.get("date_text", "")) if "date" in row else "",
    }
    if key not in STRINGS:  # a column no string names yet: shown as the data names it (a test checks the bundled ones)
        return html.Code(dispute["column_name"])
    return t(key, lang, **fields)


def disputed_value(table: str, column: str, value: str, lang: str) -> str | html.Span:
    """A disputed value as the page writes its column's kind (the schema's): a date at its
    precision, a whole number with the language's separators; a value that is not of its
    column's kind (a value with a note, "16000000 per year (IRSEM)") as written.
    """
    schema = TABLES_BY_NAME.get(table)
    kind = next((c.kind for c in schema.columns if c.name == column), "text") if schema else "text"
    try:
        if kind == "date" and _ISO_DATE.fullmatch(value):
            return fmt_date(pd.Timestamp(value), lang, value)
        if kind in ("int", "float") and _DIGITS.fullmatch(value):
            return fmt_int(float(value), lang)
    except ValueError:  # "2015-13", "2019-02-30": a slip in a row the page does not show; shown as written
        pass
    return _as_written(value, lang)


_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")
