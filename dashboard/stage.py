"""The briefing stage's deck: every slide of a briefing, prepared in one response.

A briefing is stepped in the browser (``assets/stage.js``) without a server round trip: the
deck carries each slide's title, key figures, map and timeline (figures without geometry; the
geometry comes once), so the counter and title change as the key is pressed and the next
slide is already there. Served as JSON by ``/stage/<briefing id>?lang=`` and, for a single
view presented ad hoc, ``/stage/view?<view query>``.
"""

from __future__ import annotations

import functools
import html
from dataclasses import replace
from typing import Any

from dashboard.view import AppData, compute_view
from layers.faces import Face, as_at_text, engagement_name, faces
from layers.i18n import fmt_date, t
from layers.map_figure import map_date_text, map_legend, map_spec
from layers.places import named_places
from layers.region_notes import region_notes
from layers.snapshot import describe_filters
from layers.timeline import timeline_spec
from layers.view_state import ViewState, parse_query_strict, to_query
from sahel_data.briefings import Briefing, Scene

STAGE_TIMELINE_ROWS = (2, 4, 10)  # engagement rows of the stage's timelines: the stage draws the tallest that fits
MAX_FOOTER_SOURCES = 4


def _short_citation(app: AppData, source_id: str) -> str:
    """Publisher and year: a footer citation the back of the room can read."""
    src = app.tables["sources"].loc[source_id]
    return f"{src['publisher']} {src['published_text'][:4]}".strip()


def _sources(app: AppData, state: ViewState) -> list[str]:
    """Source ids behind the view's figures (counted lines first), each once."""
    facts = compute_view(app, state)
    ids = [s for h in (facts.money, facts.personnel, facts.idps) for line in h.counted() for s in line.source_ids]
    ids += [s for h in (facts.money, facts.personnel) for line in h.left_out()[:6] for s in line.source_ids]
    return list(dict.fromkeys(ids))


def _strip_geometry(spec: dict[str, Any]) -> dict[str, Any]:
    return {"data": [{k: v for k, v in trace.items() if k != "geojson"} for trace in spec["data"]], "layout": spec["layout"]}


@functools.lru_cache(maxsize=4)
def gazetteer(app: AppData) -> frozenset[str]:
    """Places the map can label: regions, neighbours and the towns of mapped sites, both languages.

    Mali itself is left out: every map is of Mali, and its name is not drawn on it.
    """
    names = {n for pair in app.map_base.region_names.values() for n in pair.values()}
    names |= {n for c in app.map_base.countries if c.iso3 != "MLI" for n in (c.name_en, c.name_fr)}
    names |= {n for town in app.map_base.towns for n in (town.name_en, town.name_fr)}
    placed = app.tables["sites"]["placed_at"].dropna().astype(str)
    names |= {p.removeprefix("GeoNames:").split(",")[0].strip() for p in placed if p.startswith("GeoNames:")}
    return frozenset(n for n in names if len(n) > 2)  # noqa: PLR2004  (two letters match too much prose)


def _map(app: AppData, state: ViewState, words: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The map figure (without geometry) and its legend, laid out beside it by the stage; the
    places the slide's words name are labelled first.
    """
    facts = compute_view(app, state)
    as_of_text = as_at_text(facts, state.lang)
    spec = map_spec(app.map_base, facts.region_values, state, footprint=facts.footprint,
                    sites=app.sites.where(facts.site_mask),
                    selected_sites=frozenset(app.tables["sites"]["site_id"].to_numpy()[facts.selected_sites]),
                    as_of_text=as_of_text, with_geometry=False, emphasis=named_places(words, gazetteer(app)),
                    notes=region_notes(facts.region_values, state.metric, app.tables, state.lang), layout_id=facts.layout_id,
                    changed=(facts.changes.regions, facts.changes.sites, facts.changes.baseline or facts.changes.since))
    return _strip_geometry(spec), map_legend(spec, state, as_of_text)


def _face(face: Face) -> dict[str, str]:
    # The date is said once above the figures (figures_as_at): in every title it took the room of
    # the timeline on a 16:9 projector, in French above all.
    return {"key": face.key, "title": face.heading, "value": face.value, "sub": face.sub}


def view_slide(app: AppData, state: ViewState, title: str, note: str) -> dict[str, Any]:
    """One view as a stage slide: title, filters in words, four figures, map, timeline, sources."""
    lang = state.lang
    facts = compute_view(app, state)
    sources = _sources(app, state)
    selected = engagement_name(app.tables, state.selected, lang) if state.selected else ""
    filters = describe_filters(state, app.map_base.region_names, selected)
    figure, legend = _map(app, state, f"{title} {note} {filters}")
    short = list(dict.fromkeys(_short_citation(app, s) for s in sources if s in app.tables["sources"].index))
    return {
        "kind": "view",
        "title": title,
        "note": note,
        "filters": filters,
        "query": to_query(replace(state, mode="explore", briefing="", scene=0), app.options),
        "figures_as_at": t("stage_figures_as_at", lang, date=as_at_text(facts, lang)),
        "figures": [_face(f) for f in faces(app.tables, facts, app.options, app.map_base.region_names, lang=lang,
                                            data_as_of=app.data_as_of(lang))],
        "map": figure,
        "legend": legend,
        # A short and a tall timeline: the stage draws the tallest that fits its height (16:9 to 4:3).
        "timelines": [timeline_spec(app.engine, facts, lang=lang, data_date=app.data_date, big=True, max_rows=rows)
                      for rows in STAGE_TIMELINE_ROWS],
        "sources": short[:MAX_FOOTER_SOURCES],
        "more_sources": t("stage_more_sources", lang, n=len(short) - MAX_FOOTER_SOURCES) if len(short) > MAX_FOOTER_SOURCES else "",
        "source_ids": sources,
    }


def _scene_state(app: AppData, view: str, lang: str) -> ViewState:
    return replace(parse_query_strict(view, app.options), lang=lang, mode="brief")


def scene_slide(app: AppData, scene: Scene, lang: str) -> dict[str, Any]:
    """A briefing scene: one view, or two (then and now) with the same colour classes."""
    if scene.kind != "then_and_now":
        return view_slide(app, _scene_state(app, scene.view, lang), scene.title[lang], scene.note[lang])
    then_state, now_state = _scene_state(app, scene.then, lang), _scene_state(app, scene.now, lang)
    now = view_slide(app, now_state, scene.title[lang], scene.note[lang])
    then = view_slide(app, then_state, scene.title[lang], scene.note[lang])
    # Each map's date in its own label ("Then: active in 2016"); the legend both share names the
    # unit only: its date and country-wide count were the second map's, read under the first too.
    legend = {**now["legend"], "subtitle": t("unit_" + now_state.metric, lang)}
    return {**now, "legend": legend, "kind": "then_and_now", "then": {key: then[key] for key in ("map", "figures", "filters", "query")},
            "labels": [map_date_text(s, as_at_text(compute_view(app, s), lang)) for s in (then_state, now_state)],
            "source_ids": list(dict.fromkeys(then["source_ids"] + now["source_ids"]))}


CITATIONS_PER_SLIDE = 20  # two columns of ten one-line citations fit at 1920x1080


def _citation(app: AppData, source_id: str) -> str:
    src = app.tables["sources"].loc[source_id]
    head = ", ".join(part for part in (src["publisher"], src["published_text"][:4]) if part)
    return f"{head}: {src['title']}"


def _opening(app: AppData, briefing: Briefing, lang: str, cited: list[str]) -> dict[str, Any]:
    slide = briefing.opening
    title = (slide.title[lang] if slide and slide.title[lang] else "") or briefing.title[lang]
    return {"kind": "opening", "title": title, "subtitle": briefing.subtitle[lang], "note": slide.note[lang] if slide else "",
            "lines": [app.as_of_line(lang), t("stage_n_sources", lang, n=len(cited))],
            "citations": [], "query": ""}


def _closing(app: AppData, briefing: Briefing, lang: str, cited: list[str]) -> list[dict[str, Any]]:
    """The closing slide, then as many more as the cited sources need (one line each)."""
    slide = briefing.closing
    title = (slide.title[lang] if slide and slide.title[lang] else "") or t("stage_sources", lang)
    citations = [_citation(app, s) for s in cited if s in app.tables["sources"].index]
    pages = [citations[i:i + CITATIONS_PER_SLIDE] for i in range(0, len(citations), CITATIONS_PER_SLIDE)] or [[]]
    lines = [app.as_of_line(lang), t("stage_boundaries", lang), t("attribution", lang)]
    return [{"kind": "closing", "title": title if n == 0 else f"{t('stage_sources', lang)} ({n + 1}/{len(pages)})",
             "subtitle": "", "note": slide.note[lang] if slide and n == 0 else "", "lines": lines if n == 0 else [],
             "citations": page, "first_citation": n * CITATIONS_PER_SLIDE + 1, "query": ""}
            for n, page in enumerate(pages)]


CHANGES_PER_SLIDE = 20  # one line per engagement or area: as many as the citations of a closing slide


def changes_since_rehearsal(briefing: Briefing, lang: str) -> str:
    """The release a briefing's "what changed" slide compares with: its own ``since``, else the
    data version recorded at its last rehearsal in ``lang`` (else in any language, the latest).
    """
    if briefing.changes_since:
        return briefing.changes_since
    own = briefing.rehearsed.get(lang)
    records = [r for r in briefing.rehearsed.values() if isinstance(r, dict)]
    best = own if isinstance(own, dict) else max(records, key=lambda r: str(r.get("date", "")), default=None)
    return str(best.get("data_version", "")) if best else ""


def _change_lines(app: AppData, rows: tuple, lang: str) -> list[str]:
    """One line per engagement (by name), area (by name) or kind of row: what changed about it."""
    from dashboard.export_table import change_text
    from layers.changes import engagements_of, regions_of

    names = app.map_base.region_names
    grouped: dict[str, list] = {}
    for change in rows:
        engagements = [e for e in engagements_of(change, app.tables) if e in app.tables["engagements"].index]
        areas = [a for a in regions_of(change) if a in names]
        if engagements:
            keys = [engagement_name(app.tables, e, lang) for e in engagements]
        elif areas:
            keys = [names[a][lang] for a in areas]
        else:
            keys = [t(f"change_row_{change.table}", lang) if change.table in CHANGE_ROWS else change.table]
        for key in keys:
            grouped.setdefault(key, []).append(change)
    return [f"{key}: {change_text(tuple(_unnamed(c) for c in found), lang)}" for key, found in grouped.items()]


CHANGE_ROWS = ("engagements", "mandates", "funding", "indicators", "events", "sites", "disputes", "idp_counts", "regions", "sources")


def _unnamed(change: Any) -> Any:
    """A change shown to an audience: the kind of row and what changed, not its id."""
    from sahel_data.releases import RowChange

    return RowChange(change.table, "", change.action, change.columns)


def changes_slide(app: AppData, briefing: Briefing, lang: str) -> dict[str, Any]:
    """"What changed since the last briefing": the data's changes since the release the briefing
    was last rehearsed with (or its own ``since``), from the release diff (``sahel_data.releases``),
    one line per engagement or area; a bookend slide (kind ``changes``).
    """
    slide = briefing.changes
    title = (slide.title[lang] if slide and slide.title[lang] else "") or t("stage_changes_title", lang)
    since = changes_since_rehearsal(briefing, lang)
    answer = app.releases.changes_since(since) if since and app.releases is not None else None
    items: list[str] = []
    if not since:
        lines = [t("stage_changes_not_rehearsed", lang)]
    elif answer is None:
        lines = [t("stage_changes_unknown", lang, since=since)]
    else:
        release, diff = answer
        lines = [t("stage_changes_since", lang, since=release.version, date=fmt_date(release.date, lang),
                   version=app.data_version)]
        if not diff.rows:
            lines.append(t("stage_changes_none", lang, since=release.version))
        else:
            lines.append(t("stage_changes_counts", lang, added=diff.count("added"), changed=diff.count("changed"),
                           removed=diff.count("removed")))
            items = _change_lines(app, diff.rows, lang)
            if len(items) > CHANGES_PER_SLIDE:
                items = [*items[:CHANGES_PER_SLIDE - 1], t("stage_changes_more", lang, n=len(items) - CHANGES_PER_SLIDE + 1)]
    return {"kind": "changes", "title": title, "subtitle": "", "note": slide.note[lang] if slide else "", "lines": lines,
            "changes": items, "citations": [], "since": since, "query": ""}


def briefing_deck(app: AppData, briefing: Briefing, lang: str) -> dict[str, Any]:
    """Every slide of a briefing, opening, "what changed" and closing slides included, in ``lang``."""
    slides = [scene_slide(app, scene, lang) for scene in briefing.scenes]
    cited = list(dict.fromkeys(s for slide in slides for s in slide["source_ids"]))
    deck = [_opening(app, briefing, lang, cited)] if briefing.opening else []
    deck += [changes_slide(app, briefing, lang)] if briefing.changes else []
    deck += slides
    if briefing.closing:
        deck += _closing(app, briefing, lang, cited)
    return _with_frame(app, deck, briefing.title[lang], lang)


def view_deck(app: AppData, state: ViewState) -> dict[str, Any]:
    """A single view presented as it is (Present this view)."""
    lang = state.lang
    slide = view_slide(app, replace(state, mode="brief"), t("title", lang), "")
    return _with_frame(app, [slide], t("title", lang), lang)


def _with_frame(app: AppData, slides: list[dict[str, Any]], title: str, lang: str) -> dict[str, Any]:
    markings = app.catalog.markings
    return {
        "title": title,
        "lang": lang,
        "slides": slides,
        "geometry": {"regions": app.map_base.regions_geojson, "countries": app.map_base.countries_geojson},
        "marking": markings.get("marking", {}).get(lang, ""),
        "contact": markings.get("contact", {}).get(lang, ""),
        "data_as_of": app.as_of_line(lang),  # "Data as of … · Data version …": every slide's and page's footer
        "strings": {key: t(key, lang) for key in STAGE_STRINGS},
    }


STAGE_STRINGS = ("stage_help", "stage_help_keys", "stage_overview", "stage_next", "stage_current", "stage_note",
                 "stage_clock", "stage_presenter", "stage_end", "stage_then", "stage_now", "stage_sources_short",
                 "stage_prev_button", "stage_next_button", "stage_exit_button")

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/00-fonts.css">
<link rel="stylesheet" href="/assets/stage.css">
</head>
<body class="stage-open">
<noscript>{noscript}</noscript>
<script src="/assets/plotly-bundle.min.js"></script>
<script src="/assets/plotly-locale-fr.js"></script>
<script src="/assets/stage.js"></script>
</body>
</html>
"""


def stage_page(lang: str) -> str:
    """The stage's HTML: fonts, styles, plotly.js and the stage script, all from this server."""
    return _PAGE.format(lang=lang, title=html.escape(t("title", lang)),
                        noscript=html.escape(t("stage_noscript", lang)))
