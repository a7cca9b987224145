"""The page's texts in each language: the controls' options (the engagement picker's a page
at a time), the grid's options, and every static string, for the language switch.

The layout is drawn in English; a language switch is string work in the browser: the layout
carries both languages' texts (``translations``) and a clientside callback
(dashboard/callbacks/panels.py) puts the chosen one in place, with no request.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dashboard import ids
from dashboard.export_controls import size_options
from dashboard.grid_locale import grid_locale
from dashboard.view import AppData
from layers.actor_names import actor_name
from layers.i18n import label, t
from layers.period import MONTHS
from layers.view_state import GEOS, LANGS, LAYERS, METRICS, TIMELINES


def translated_options(field: str, app: AppData, lang: str) -> list[dict[str, str]]:
    """Dropdown/radio options of a view-state field, labelled in ``lang``."""
    opts = app.options
    if field == "regions":
        names = app.map_base.region_names
        return [{"label": names[c][lang], "value": c} for c in sorted(opts.regions, key=lambda c: names[c][lang])]
    if field == "donors":  # the value is the data's name; the label the name in ``lang``
        return sorted(({"label": actor_name(d, lang), "value": d} for d in opts.donors), key=lambda o: o["label"].casefold())
    if field in ("actors", "sectors"):
        values = opts.actors if field == "actors" else opts.sectors
        return sorted(({"label": label(v, lang), "value": v} for v in values), key=lambda o: o["label"])
    if field == "metric":
        return [{"label": t("metric_" + m, lang), "value": m} for m in METRICS]
    if field == "layers":
        return [{"label": t("layer_" + m, lang), "value": m} for m in LAYERS]
    if field == "selected":
        return engagement_options(app, lang)
    if field == "lang":
        return [{"label": "English", "value": "en"}, {"label": "Français", "value": "fr"}]
    if field in ("month_from", "month_to"):  # a select's values are text: "1" to "12"
        return [{"label": MONTHS[lang][m - 1], "value": str(m)} for m in range(1, 13)]
    if field == "geo":
        return [{"label": t("geo_" + g, lang), "value": g} for g in GEOS]
    if field == "timeline":
        return [{"label": t("timeline_" + m, lang), "value": m} for m in TIMELINES]
    return []


# The engagement picker lists at most this many options at once; typing searches them all on
# the server (52,000 options at x1000 made the page and every language switch megabytes).
MAX_ENGAGEMENT_OPTIONS = 100


@lru_cache(maxsize=8)
def _all_engagement_options(app: AppData, lang: str) -> tuple[tuple[str, str, str], ...]:
    """(label, value, casefolded label) of every top-level engagement, sorted by label."""
    eng = app.tables["engagements"]
    eng = eng[eng["parent_id"] == ""]
    names = eng["name_fr" if lang == "fr" else "name_en"].to_numpy(object)  # arrays: a Series steps per item
    labels = [f"{a} — {n}" if a else n for a, n in zip(eng["acronym"].to_numpy(object), names, strict=True)]
    rows = sorted(zip(labels, eng["engagement_id"].to_numpy(object), strict=True), key=lambda r: r[0].casefold())
    return tuple((label_, value, label_.casefold()) for label_, value in rows)


def warm_engagement_options(app: AppData) -> None:
    """Sort the picker's labels in both languages now (seconds at x1000), not on a visitor's click."""
    for lang in ("en", "fr"):
        _all_engagement_options(app, lang)


def engagement_options(app: AppData, lang: str, search: str = "", keep: str = "") -> list[dict[str, str]]:
    """Engagement picker options: those whose label contains ``search`` (all when empty), at
    most ``MAX_ENGAGEMENT_OPTIONS``, plus ``keep`` (the current selection must stay listed).
    """
    needle = search.casefold().strip() if isinstance(search, str) else ""
    out, kept = [], False
    for label_, value, folded in _all_engagement_options(app, lang):
        if value == keep:
            out.append({"label": label_, "value": value})
            kept = True
        elif (not needle or needle in folded) and len(out) < MAX_ENGAGEMENT_OPTIONS + kept:
            out.append({"label": label_, "value": value})
    eng = app.tables["engagements"]
    if keep and not kept and keep in eng.index:  # a sub-engagement, which the list leaves out
        row = eng.loc[keep]
        name = row["name_fr"] if lang == "fr" else row["name_en"]
        out.append({"label": f"{row['acronym']} — {name}" if row["acronym"] else name, "value": keep})
    return out


def briefing_options(app: AppData, lang: str) -> list[dict[str, str]]:
    """The briefing picker's choices: each briefing's title in ``lang``."""
    return [{"label": b.title[lang], "value": b.briefing_id} for b in app.catalog.briefings.values()]


# The grid as dash-ag-grid 35 expects it: the Theming API (Quartz, with the page's font and an
# accent whose text and focus ring reach 4.5:1), rows kept by their id (a filter change updates
# rows in place instead of replacing them all), and one Tab stop: Tab enters the grid and the
# next Tab leaves it; the arrow keys move between headers and cells, Enter sorts, Space selects.
GRID_THEME = {"function": "themeQuartz.withParams({accentColor: '#0b4f8a', fontFamily: 'inherit', fontSize: 14,"
                          " foregroundColor: '#1a1a1a', headerTextColor: '#1a1a1a', subtleTextColor: '#4a4a4a'})"}


def grid_options() -> dict[str, Any]:
    """The grid's options, the same in both languages and never changed after the grid starts:
    AG Grid's own texts (menus, filters, ARIA labels) come from ``gridText``
    (``assets/dashAgGridFunctions.js``), which reads the page's ``<html lang>`` each time the grid
    draws one, from its French locale (``assets/ag-grid-locale-fr.json``) in the grid's context;
    English is built in.
    """
    return {
        "theme": GRID_THEME,
        "context": {"locales": {"fr": grid_locale("fr")}},
        "getLocaleText": {"function": "gridText(params)"},
        "rowSelection": {"mode": "singleRow", "enableClickSelection": True, "checkboxes": False},
        "animateRows": False, "tooltipShowDelay": 300,
        "tabToNextCell": {"function": "false"}, "tabToNextHeader": {"function": "false"},
    }

# The controls and buttons whose label (or text) is a translated string of their own, set by the
# language switch: (component id, prop, i18n key). A string in the control's own prop, not a Span
# with an id of its own inside it: every Dash component on the page adds to the cost of each of
# the store updates a change makes in Dash's renderer (about 90; a language switch about 200).
# The layout draws each in English (tests/test_page_text.py checks it against this list).
TEXT_PROPS: tuple[tuple[str | dict[str, str], str, str], ...] = (
    *((ids.control(field), "label", key) for field, key in (
        ("lang", "language"), ("month_from", "month_from"), ("month_to", "month_to"), ("regions", "regions"),
        ("donors", "donors"), ("actors", "actors"), ("sectors", "sectors"), ("geo", "geo"), ("selected", "selected"),
        ("metric", "metric"), ("layers", "layers"), ("timeline", "timeline_mode"))),
    (ids.BRIEF_PICK, "label", "briefing"),
    (ids.EXPORT_SIZE, "label", "export_size"),
    (ids.RESET_BUTTON, "children", "reset"),
    (ids.BRIEF_START, "children", "start_briefing"),
    (ids.BRIEF_PRESENT, "children", "present_view"),
    (ids.DECK_PPTX, "children", "download_deck"),
    (ids.DECK_PDF, "children", "download_deck_pdf"),
    (ids.DOWNLOAD_CSV_BUTTON, "children", "download_csv"),
    (ids.DOWNLOAD_XLSX_BUTTON, "children", "download_xlsx"),
)


# The selects whose options are translated, the searchable ones (their "nothing found" text),
# and the text boxes' placeholders (i18n keys).
TRANSLATED_SELECTS = ("regions", "donors", "actors", "sectors", "month_from", "month_to")
SEARCHABLE = ("regions", "donors", "actors", "sectors", "selected")
PLACEHOLDERS = {"regions": "any", "donors": "any", "actors": "any", "sectors": "any", "search": "search_placeholder"}
# The language switch's outputs besides the static texts, in the clientside callback's order.
TRANSLATED = (*(f"options_{f}" for f in TRANSLATED_SELECTS), "brief_options", "as_of", "export_sizes",
              *(f"placeholder_{f}" for f in PLACEHOLDERS), "placeholder_subtitle",
              *(f"nothing_found_{f}" for f in SEARCHABLE), "thumb_from", "thumb_to")


def translations(app: AppData, lang: str, keys: list[str]) -> dict[str, Any]:
    """Every static string (``keys``), option label and control name in ``lang``: what the
    language switch puts in place (``TRANSLATED``). The grid's own texts (AG Grid's locale) come
    with its French columns, in the view callback's answer (one update of the grid, not two).
    """
    out: dict[str, Any] = {"texts": {k: t(k, lang) for k in keys}}
    for field in TRANSLATED_SELECTS:
        out[f"options_{field}"] = translated_options(field, app, lang)
    out["brief_options"] = briefing_options(app, lang)
    out["as_of"] = app.as_of_line(lang)
    out["export_sizes"] = size_options(lang)
    for field, key in PLACEHOLDERS.items():
        out[f"placeholder_{field}"] = t(key, lang)
    out["placeholder_subtitle"] = t("export_subtitle_placeholder", lang)
    for field in SEARCHABLE:
        out[f"nothing_found_{field}"] = t("nothing_found", lang)
    out["thumb_from"], out["thumb_to"] = t("first_year", lang), t("last_year", lang)
    return out


def all_translations(app: AppData, keys: list[str]) -> dict[str, dict[str, Any]]:
    """``translations`` in every language, by language code."""
    return {lang: translations(app, lang, keys) for lang in LANGS}
