"""The four key-figure cards, each one click from the rows it adds and the quotes behind them.

A card is a native ``<details>``: its summary is the figure (keyboard: Tab, then Enter opens
it), its body states the rule in one sentence and lists every row the figure added and every
row it left out, with the reason, the source and the locator. Pure: headline objects in,
Dash components out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard import ids
from layers.faces import engagement_name, faces
from layers.i18n import fmt_date, fmt_span, fmt_value, label, t
from layers.lookups import per_frame
from layers.rules.engine import ViewFacts
from layers.rules.headlines import Headline, Line
from layers.view_state import Options

MAX_ROWS_SHOWN = 60  # rows per explanation table (the downloads and exports carry every row)


@per_frame
def _citations(sources: pd.DataFrame) -> dict[str, tuple[str, str]]:
    out = {}
    for sid, publisher, published, title, location in zip(sources["source_id"], sources["publisher"], sources["published_text"],
                                                          sources["title"], sources["location"], strict=True):
        short = title if len(title) <= 60 else title[:57].rstrip() + "…"  # noqa: PLR2004
        out[sid] = (", ".join(p for p in (publisher, published[:4]) if p) + f": {short}", location)
    return out


def citation(tables: dict[str, pd.DataFrame], source_id: str) -> str:
    """A short human citation: publisher, year, short title."""
    found = _citations(tables["sources"]).get(source_id)
    return found[0] if found else source_id


def quotes(tables: dict[str, pd.DataFrame], line: Line) -> html.Ul:
    """Each source of a line with its locator (the quote that supports it) and its link."""
    items = []
    for i, sid in enumerate(line.source_ids):
        loc = line.locators[i] if i < len(line.locators) else (line.locators[0] if len(line.locators) == 1 else "")
        where = _citations(tables["sources"]).get(sid, ("", ""))[1]
        cite = citation(tables, sid)
        items.append(html.Li([
            html.A(cite, href=where, target="_blank", rel="noopener noreferrer") if where.startswith("http") else html.Span(cite),
            html.Span(f" “{loc}”", className="locator") if loc else None,
        ]))
    return html.Ul(items, className="sources")


def _when(line: Line, lang: str) -> str:
    if line.table in ("indicators", "idp_counts"):
        return fmt_date(line.start, lang, line.date_text) if line.start is not None else ""
    return fmt_span(line.start, line.end, lang)


def _figure(line: Line, lang: str) -> str:
    text = fmt_value(line.value, line.unit, lang, line.qualifier) if line.value is not None else t("unknown", lang)
    details = [t(f"basis_{line.basis}", lang)] if line.basis in ("period_total", "annual", "unknown") else []
    if line.basis in ("planned_strength", "personnel_ceiling", "beneficiary_staff"):
        details.append(label(line.basis, lang))
    if line.amount_type:
        details.append(t(f"type_{line.amount_type}", lang))
    if line.scope and line.table != "idp_counts":
        details.append(t(f"scope_{line.scope}", lang))
    return f"{text} ({', '.join(details)})" if details else text


def explanation(tables: dict[str, pd.DataFrame], headline: Headline, rule_key: str, lang: str) -> list[Any]:
    """The body of a card: the rule, then what was added and what was left out, with quotes."""
    regions = tables["regions"]

    def name(line: Line) -> str:
        if line.engagement_id:
            return engagement_name(tables, line.engagement_id, lang)
        return str(regions.at[line.scope, "name_fr" if lang == "fr" else "name_en"]) if line.scope in regions.index else line.scope

    def table(lines: tuple[Line, ...]) -> html.Table:
        head = [t(k, lang) for k in ("col_engagement", "col_value", "col_when", "col_why", "col_source")]
        body = [html.Tr([html.Td(name(x)), html.Td(_figure(x, lang)), html.Td(_when(x, lang)),
                         html.Td(t("why_" + x.reason, lang)), html.Td(quotes(tables, x))]) for x in lines[:MAX_ROWS_SHOWN]]
        return html.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)], className="detail-table")

    out: list[Any] = [html.P(t(rule_key, lang), className="kf-rule")]
    if headline.counted():
        out += [html.H4(t("kf_added", lang)), table(headline.counted())]
    if headline.left_out():
        out += [html.H4(t("kf_not_added", lang)), table(headline.left_out())]
    missing = headline.extra.get("no_figure") or ()
    if missing:
        names = ", ".join(engagement_name(tables, e, lang) for e in list(missing)[:30])
        out.append(html.P(t("kf_no_figure_list", lang, names=names), className="muted"))
    return out


def _card(key: str, title: str, value: str, sub: str, *, notes: list[Any], after: Any = None) -> html.Div:
    # The body (the rows and their quotes) is filled when the card is first opened (a click or
    # Enter on the summary): sending every card's rows with every view change doubled its payload.
    # ``after`` sits outside the summary, so its links do not also open or close the card.
    return html.Div([
        html.Details([
            html.Summary([
                html.Span(title, className="kf-title"),
                html.Span(value, className="kf-value"),
                html.Span(sub, className="kf-sub"),
                *[html.Span(n, className="kf-note") for n in notes if n],
            ], className="kf-summary"),
            html.Div("…", id=ids.card_body(key), className="kf-explain"),
        ], id=ids.card(key), n_clicks=0),
        after,
    ], className="kf")


def engagement_groups(tables: dict[str, pd.DataFrame], facts: ViewFacts, lang: str) -> list[Any]:
    """The engagements card's body: the rule, then every listed engagement by group."""
    groups: dict[str, tuple[str, ...]] = facts.engagements.extra["groups"]  # type: ignore[assignment]
    body: list[Any] = [html.P(t("kf_rule_engagements", lang), className="kf-rule")]
    for group, members in groups.items():
        body += [html.H4(f"{t('group_' + group, lang)} ({len(members)})"),
                 html.P(", ".join(engagement_name(tables, e, lang) for e in members[:80]), className="muted")]
    return body


def card_body(tables: dict[str, pd.DataFrame], facts: ViewFacts, key: str, lang: str) -> list[Any]:
    """What a key figure lists when it is opened: its rule, its rows and their sources."""
    if key == "engagements":
        return engagement_groups(tables, facts, lang)
    headline = {"money": facts.money, "personnel": facts.personnel, "idps": facts.idps}[key]
    rule = {"money": "kf_rule_money_region" if facts.state.regions else "kf_rule_money",
            "personnel": "kf_rule_personnel", "idps": "kf_rule_idps_region" if facts.state.regions else "kf_rule_idps"}[key]
    return explanation(tables, headline, rule, lang)


# More counts than this (39 over 2013-2023) go under a disclosure: listed on the card's face they
# pushed the map below a 1366x768 window.
MAX_SERIES_CHIPS = 6


def _series(series: tuple[tuple[str, str], ...], lang: str) -> html.Div | html.Details | None:
    """The period's counts, one link each to its month; a long series under a disclosure."""
    chips = [dcc.Link(label_, href=href, className="chip") for label_, href in series]
    if len(chips) <= MAX_SERIES_CHIPS:
        return html.Div([t("kf_series", lang), " ", *chips], className="kf-series") if chips else None
    return html.Details([html.Summary(t("kf_series_many", lang, n=len(chips))), html.Div(chips, className="kf-series")],
                        className="kf-series-many")


def headline_cards(tables: dict[str, pd.DataFrame], facts: ViewFacts, options: Options,
                   region_names: dict[str, dict[str, str]], *, lang: str, data_as_of: str) -> list[html.Div]:
    """The four cards of a view: each face, its body filled when opened, the IDP series as links."""
    out = []
    for face in faces(tables, facts, options, region_names, lang=lang, data_as_of=data_as_of):
        after = _series(face.series, lang)
        out.append(_card(face.key, face.title, face.value, face.sub, notes=list(face.notes), after=after))
    return out
