"""HTML builders for the key-figure strip, the detail panel and the table rows.

Pure functions of (tables, view result, state) -> Dash components or row dicts. Every
figure shown carries its sources one click away (a native ``<details>`` element, which is
keyboard accessible and needs no callback).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from layers import view_model as vm
from layers.i18n import fmt_date, fmt_eur, fmt_int, label, t
from layers.view_state import ViewState


def source_list(tables: dict[str, pd.DataFrame], source_ids: tuple[str, ...], locators: tuple[str, ...] = (),
                *, anchors: bool = False) -> html.Ul:
    """Sources as a list: title, publisher, link or seed file, and the locator if given.

    ``anchors`` gives each item an element id, so rows can link to it.
    """
    sources = vm.records_by_index(tables["sources"])
    items = []
    for i, sid in enumerate(dict.fromkeys(source_ids)):
        src = sources.get(sid)
        if src is None:
            continue
        loc = locators[i] if i < len(locators) else (locators[0] if len(locators) == 1 else "")
        where = src["location"]
        link = html.A(where, href=where, target="_blank", rel="noopener noreferrer") if where.startswith("http") else html.Code(where)
        items.append(html.Li([
            html.Strong(f"[{sid}] "), f"{src['title']} — {src['publisher']}", html.Br(), link,
            html.Div(f"“{loc}”", className="locator") if loc else None,
        ], **({"id": source_anchor(sid)} if anchors else {})))
    return html.Ul(items, className="sources")


def _figure(title_key: str, value: str, note: str, sources: html.Ul, lang: str) -> html.Div:
    return html.Div([
        html.Div(t(title_key, lang), className="kf-title"),
        html.Div(value, className="kf-value"),
        html.Div(note, className="kf-note"),
        html.Details([html.Summary(t("sources", lang)), sources], className="kf-sources"),
    ], className="kf")


def key_figures_strip(tables: dict[str, pd.DataFrame], figures: vm.KeyFigures, state: ViewState, unattributed: tuple[float, float],
                      active_sources: tuple[str, ...] = ()) -> list[html.Div]:
    """The four key figures of the view, each with its basis and its sources."""
    lang = state.lang
    # Always say how much of the total is national or multi-country money: with a region
    # filter, the total still includes engagements that cover the region among others.
    budget_note = t("kf_budget_note", lang, n=figures.budget_known, u=figures.budget_unknown) + " · " + t(
        "of_which", lang, national=fmt_eur(unattributed[0], lang), multi=fmt_eur(unattributed[1], lang))
    return [
        _figure("kf_active", fmt_int(figures.active, lang), f"{t('in_year', lang)} {state.year}"
                + (" · " + t("funds_not_counted", lang, n=figures.funds) if figures.funds else ""),
                source_list(tables, active_sources), lang),
        _figure("kf_budget", fmt_eur(figures.budget_period_total, lang) if figures.budget_known else t("unknown", lang),
                budget_note, source_list(tables, figures.budget_sources), lang),
        _figure("kf_personnel", fmt_int(figures.personnel, lang) if figures.personnel_known else t("unknown", lang),
                t("kf_personnel_note", lang, n=figures.personnel_known, m=figures.active)
                + (f" · {t('figures_from', lang, years=figures.personnel_years)}" if figures.personnel_years else ""),
                source_list(tables, figures.personnel_sources), lang),
        _figure("kf_idp", fmt_int(figures.idps, lang) if figures.idps is not None else t("unknown", lang),
                t("kf_idp_note", lang, year=state.year) + (f" ({figures.idp_date_text})" if figures.idp_date_text else ""),
                source_list(tables, figures.idp_sources), lang),
    ]


def _table(headers: list[str], rows: list[list[object]]) -> html.Table:
    return html.Table([
        html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
        html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
    ], className="detail-table")


def source_anchor(source_id: str) -> str:
    """The element id of a source in the detail panel's source list."""
    return "src-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in source_id)


def _sourced(row: dict[str, Any], cited: dict[str, None]) -> html.Details:
    """A row's sources: each id links to the panel's one full source list, with the row's
    locator (the quote that supports it). Titles are not repeated on every row: a mission
    with 20 mandates cites the same few documents 60 times.
    """
    ids, locators = row["source_ids"], row["locators"]
    items = []
    for i, sid in enumerate(dict.fromkeys(ids)):
        cited[sid] = None
        loc = locators[i] if i < len(locators) else (locators[0] if len(locators) == 1 else "")
        items.append(html.Li([html.A(f"[{sid}]", href=f"#{source_anchor(sid)}"), f" “{loc}”" if loc else ""]))
    return html.Details([html.Summary(f"{len(ids)} ⓘ"), html.Ul(items, className="sources")])


def detail_panel(tables: dict[str, pd.DataFrame], engagement_id: str, lang: str) -> list[html.Component]:
    """Everything known about one engagement, each fact with its sources and locators."""
    if not engagement_id or engagement_id not in tables["engagements"].index:
        return [html.P(t("detail_empty", lang), className="muted")]
    eng = tables["engagements"].loc[engagement_id]
    # Related rows come from per-table lookups built once: pandas filtering per click was most of the time.
    name = eng["name_fr"] if lang == "fr" else eng["name_en"]
    period = f"{fmt_date(eng['start_date'], lang, eng['start_date_text']) if eng['start_date_text'] else t('unknown', lang)} – " + (
        fmt_date(eng["end_date"], lang, eng["end_date_text"]) if eng["end_date_text"] else (t("ongoing", lang) if eng["status"] == "active" else t("unknown", lang)))
    out: list[html.Component] = [
        html.H3(f"{eng['acronym']} — {name}" if eng["acronym"] else name),
        html.P([html.Strong(label(eng["kind"], lang)), " · ", label(eng["actor_type"], lang), " · ",
                f"{t('lead', lang)}: {eng['lead_actor']}", " · ", period]),
        html.P(eng["description_fr"] if lang == "fr" else eng["description_en"]),
        html.P(", ".join(label(s, lang) for s in eng["sectors"]), className="muted"),
    ]
    if eng["implementer"]:
        out.append(html.P(f"{t('implementer', lang)}: {eng['implementer']}"))
    if eng["personnel_note"] or pd.notna(eng["personnel_peak"]):
        out.append(html.P(f"{t('personnel', lang)}: {fmt_int(eng['personnel_peak'], lang) if pd.notna(eng['personnel_peak']) else ''} {eng['personnel_note']}".strip()))
    out.append(html.Details([html.Summary(t("sources", lang)), source_list(tables, eng["source_ids"], eng["locators"])]))
    cited: dict[str, None] = {}  # source ids cited by the rows below, in order of first citation

    mandates = sorted(vm.records_by_engagement(tables["mandates"]).get(engagement_id, []), key=lambda m: m["start_date"])
    if mandates:
        out += [html.H4(t("mandates", lang)), _table(
            ["#", t("period", lang), t("legal_basis", lang), t("budget", lang), t("area", lang), t("sources", lang)],
            [[m["number"],
              f"{fmt_date(m['start_date'], lang, m['start_date_text'])} – {fmt_date(m['end_date'], lang, m['end_date_text']) if m['end_date_text'] else '…'}",
              m["legal_basis"],
              _budget_text(m, lang),
              ", ".join(m["area_regions"] + m["area_countries"]) or m["area_note"],
              _sourced(m, cited)] for m in mandates],
        )]
    by_engagement = vm.records_by_engagement(tables["funding"])
    funding = [f for eid in (engagement_id, *vm.children_of(tables["engagements"]).get(engagement_id, ())) for f in by_engagement.get(eid, [])]
    if funding:
        out += [html.H4(t("funding", lang)), _table(
            [t("donor", lang), t("amount", lang), t("period", lang), "", t("sources", lang)],
            [[f["donor"], _amount_text(f, lang),
              f"{f['period_start_text']} – {f['period_end_text']}".strip(" –"),
              t("component_not_added", lang) if f["is_component"] else label(f["basis"], lang),
              _sourced(f, cited)] for f in funding],
        )]
    sites = vm.sites_by_engagement(tables["sites"]).get(engagement_id, [])
    if sites:
        out += [html.H4(t("sites", lang)), _table(
            [t("name", lang), t("kind", lang), t("precision", lang), t("period", lang), t("sources", lang)],
            [[s["name"], label(s["kind"], lang),
              label(s["precision"], lang) + (f" ({s['placed_at']})" if s["placed_at"] else "") if s["precision"] != "unknown" else t("unmapped", lang),
              f"{s['active_from_text']} – {s['active_to_text']}".strip(" –"), _sourced(s, cited)] for s in sites],
        )]
    indicators = sorted(vm.records_by_engagement(tables["indicators"]).get(engagement_id, []), key=lambda i: i["date"])
    if indicators:
        out += [html.H4(t("figures", lang)), _table(
            [t("period", lang), "", "", t("sources", lang)],
            [[fmt_date(i["date"], lang, i["date_text"]), label(i["indicator"], lang),
              f"{label(i['qualifier'], lang) if i['qualifier'] != 'exact' else ''} {fmt_int(i['value'], lang)}".strip(),
              _sourced(i, cited)] for i in indicators],
        )]
    related = {
        "engagements": {engagement_id}, "mandates": {m["mandate_id"] for m in mandates}, "funding": {f["funding_id"] for f in funding},
        "sites": {x["site_id"] for x in sites}, "indicators": {i["indicator_id"] for i in indicators},
    }
    disputes = [d for d in vm.records_by_index(tables["disputes"]).values() if d["row_id"] in related.get(d["table_name"], set())]
    if disputes:
        out += [html.H4(t("disputes", lang)), _table(
            ["", "", "", t("sources", lang)],
            [[d["column_name"], d["value"] + (f" ({t('shown_value', lang)})" if d["shown"] else ""), d["reason"], _sourced(d, cited)]
             for d in disputes],
        )]
    if cited:
        out += [html.H4(t("sources", lang)), source_list(tables, tuple(cited), anchors=True)]
    return out


def _budget_text(row: dict[str, Any], lang: str) -> str:
    if pd.notna(row["budget_eur"]):
        return f"{fmt_eur(row['budget_eur'], lang)} ({label(row['budget_basis'], lang)})"
    if pd.notna(row["budget_amount"]):
        return f"{fmt_int(row['budget_amount'], lang)} {row['budget_currency']}"
    return t("unknown", lang)


def _amount_text(row: dict[str, Any], lang: str) -> str:
    if pd.notna(row["amount_eur"]):
        return fmt_eur(row["amount_eur"], lang)
    if pd.notna(row["amount"]):
        return f"{fmt_int(row['amount'], lang)} {row['currency']}"
    return t("unknown", lang)
