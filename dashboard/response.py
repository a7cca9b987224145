"""The whole answer to a view change, built outside Dash: one callback, one round (issue 20).

What the browser posts (the address, every view control, the previous view) goes in; every part
of the page that depends on the view comes out, in one response, each part only when it changes:
the address and the controls, the store, the map as a Patch (never its geometry), the timeline,
the key figures, the table's rows, the warnings, the export hints, the detail panel, the scene
text, and on a language switch every translated text. A part left out is ``no_update``, so the
browser redraws each figure at most once per change and nothing else fires a request after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from typing import Any

from dash import Patch, no_update
from dash.exceptions import PreventUpdate

from dashboard.briefing import scene_query
from dashboard.export import view_title
from dashboard.inputs import lang_of
from dashboard.layout import timeline_config
from dashboard.outputs import (
    detail_output,
    detail_status,
    detail_waiting,
    key_figures_output,
    map_output,
    scene_output,
    table_output,
    table_waiting,
    timeline_output,
    warning_output,
)
from dashboard.page_text import engagement_options
from dashboard.view import AppData
from dashboard.view_store import CONTROL_FIELDS, control_value, store_payload
from layers.view_state import (
    ViewState,
    default_state,
    parse_query,
    state_from_controls,
    state_from_values,
    to_query,
)

# What fired the change: the address (a first visit, a link, back/forward), a control, Reset.
FROM_URL, FROM_CONTROLS, FROM_RESET = "url", "controls", "reset"

# For each part of the page, the view fields it does not read: a change of only these leaves it
# as it is (tests/test_view_response.py checks each claim against the real outputs).
EXPORT_ONLY = frozenset({"briefing", "scene", "title", "subtitle", "size"})
IGNORES: dict[str, frozenset[str]] = {
    "map": EXPORT_ONLY | {"timeline"},
    "timeline": EXPORT_ONLY | {"metric", "layers"},
    "table": EXPORT_ONLY | {"metric", "layers", "timeline", "mode", "selected"},
    "key_figures": frozenset(),  # a card links to its series' months: the whole view in each address
    "export_title": EXPORT_ONLY - {"title"} | {"layers", "timeline", "mode"},
}
PARTS = tuple(IGNORES)
# The table's columns (their names, and the "Changed since" column) depend on these fields only.
COLUMN_FIELDS = frozenset({"lang", "since"})
STATE_FIELDS = tuple(f.name for f in dataclass_fields(ViewState) if f.name != "ignored")

VIEW_KEYS = ("search", "controls", "store", "picker", "map_figure", "map_caption", "map_table",
             "timeline_figure", "timeline_style", "timeline_config", "key_figures", "rows", "columns",
             "table_caption", "deferred", "warning", "export_title", "detail", "detail_status", "scene", "view_lang")


@dataclass(frozen=True)
class ViewRequest:
    """What one post of the view callback carries (all of it from the browser: untrusted)."""

    source: str  # FROM_URL, FROM_CONTROLS or FROM_RESET
    search: Any  # the address's query ("?year=2019&...")
    fields: tuple[str, ...]  # the view controls the page has, in the order of ``values``
    values: tuple[Any, ...]  # their values
    store: Any  # the view the page shows (the store's payload)
    in_view: Any = None  # which deferrable parts are in the window ({"timeline": bool, ...}); None: all
    posted: Any = None  # the controls' values the page posted last (echoed in the store)

    def shows(self, part: str) -> bool:
        """Whether ``part`` ("timeline", "table", "detail", "map_table") is in view: drawn now, or kept aside
        (DEFERRED) until it scrolls into view. Anything but an explicit ``False`` draws it.
        """
        return not (isinstance(self.in_view, dict) and self.in_view.get(part) is False)


@dataclass(frozen=True)
class NextView:
    """The view after a change, and what of the address and the controls must be written."""

    state: ViewState
    search: Any = no_update  # the new address, or no_update
    controls: tuple[Any, ...] = ()  # one value (or no_update) per control
    usable: bool = True  # False: the controls asked for a period that cannot be shown


MONTH_TEXT = re.compile(r"[1-9]|1[0-2]")


def month_numbers(values: dict[str, Any]) -> dict[str, Any]:
    """The month selects' values ("1" to "12", text) as the numbers the view state reads; anything
    else is left as it is, for the view state to refuse.
    """
    return {k: int(v) if k in ("month_from", "month_to") and isinstance(v, str) and MONTH_TEXT.fullmatch(v) else v
            for k, v in values.items()}


def _controls_for(state: ViewState, request: ViewRequest) -> tuple[Any, ...]:
    """The controls' values for ``state``: no_update for each that already shows it."""
    data = state.as_dict()
    return tuple(no_update if (new := control_value(data, f)) == old else new
                 for f, old in zip(request.fields, request.values, strict=True))


def next_view(app: AppData, request: ViewRequest) -> NextView:
    """The view a change asks for: the address drives the controls on a first visit, a link and
    back/forward; the controls drive the address otherwise; Reset sets every control to the
    default view (keeping the language).

    A period the controls cannot give (the last month before the first...) keeps the view shown:
    the address stays, and the state carries the reason in ``ignored`` for the banner.
    """
    controls = dict(zip(request.fields, request.values, strict=True))
    search = request.search if isinstance(request.search, str) else ""
    if request.source == FROM_RESET:
        state = replace(default_state(app.options), lang=lang_of(controls.get("lang")))
        query = to_query(state, app.options)
        return NextView(state, query if query != search else no_update, _controls_for(state, request))
    if request.source == FROM_URL:
        state = parse_query(search, app.options)
        new_search: Any = no_update
        briefing = app.catalog.briefings.get(state.briefing)
        if briefing is not None and state.scene:
            # A briefing link names its scene; the scene file defines the view (language kept).
            scene_search = scene_query(briefing, state.scene, lang=state.lang)
            state = parse_query(scene_search, app.options)
            new_search = scene_search if scene_search != search else no_update
        return NextView(state, new_search, _controls_for(state, request))
    state, usable = state_from_controls(month_numbers(controls), request.store, app.options)
    query = to_query(state, app.options)
    return NextView(state, query if usable and query != search else no_update, (no_update,) * len(request.fields), usable)


def previous_view(app: AppData, store: Any) -> tuple[ViewState | None, list[Any]]:
    """The view the page shows (``None`` if the store holds none) and its ignored list."""
    if not isinstance(store, dict):
        return None, []
    ignored = store.get("ignored")
    return state_from_values(store, app.options), ignored if isinstance(ignored, list) else []


def changed_fields(old: ViewState | None, new: ViewState) -> frozenset[str]:
    """The view fields whose value differs (every one when the old view is unknown)."""
    if old is None:
        return frozenset(STATE_FIELDS)
    return frozenset(f for f in STATE_FIELDS if getattr(old, f) != getattr(new, f))


def parts_to_draw(changed: frozenset[str]) -> frozenset[str]:
    """The parts of the page a change of ``changed`` fields redraws."""
    return frozenset(part for part in PARTS if changed - IGNORES[part])


def view_response(app: AppData, request: ViewRequest) -> dict[str, Any]:
    """Every output of the view callback (``VIEW_KEYS``): each part that changes, else no_update."""
    if len(request.fields) != len(request.values) or not set(request.fields) <= CONTROL_FIELDS:
        raise PreventUpdate  # controls this page does not have: a hand-made post
    step = next_view(app, request)
    state = step.state
    old, old_ignored = previous_view(app, request.store)
    out: dict[str, Any] = dict.fromkeys(VIEW_KEYS, no_update)
    out["controls"] = list(step.controls)
    out["search"] = step.search
    # A period the controls ask for but the view cannot take: the store says what they show, so
    # putting them back posts again (and clears the banner).
    shown = None if step.usable else dict(zip(request.fields, request.values, strict=True))
    store = store_payload(state, app.options, shown=shown, posted=request.posted)  # it echoes only what the page posts
    if store == request.store:
        return out  # the page already shows this view (a first visit to a plain address)
    out["store"] = store
    changed = changed_fields(old, state)
    out.update(_view_parts(app, state, changed, list(state.ignored) != old_ignored))
    out.update(_defer_hidden(out, request, state.lang))
    if changed & {"lang", "selected"}:
        # The picker clears a value its options lack, and it lists only a page of engagements;
        # its labels are in the view's language (typed searches: panels.engagement_picker_options).
        out["picker"] = engagement_options(app, state.lang, keep=state.selected)
    return out


# What may wait while its part is out of view (ids.IN_VIEW_PARTS): the output, kept in DEFERRED
# under its own key (drawn by dashboard/callbacks/panels.py). The table's columns and caption wait
# with its rows (never new headers over old rows), the timeline's height with its figure (never
# the old figure resized); the detail panel shows a line meanwhile.
WAITS = {"timeline_figure": "timeline", "timeline_style": "timeline", "rows": "table", "columns": "table",
         "table_caption": "table", "detail": "detail", "map_table": "map_table"}
# What an answer that redraws the map draws after it, even in view: the map is what the user looks
# at, and plotly draws each figure of one answer before any of them is on screen (the timeline's
# redraw alone held the map back by 25-80 ms). Kept in DEFERRED, they are drawn by the clientside
# callback that DEFERRED fires, which Dash runs in a later pass, after the answer's map is drawn:
# observed at 1x and 4x CPU, not promised by Dash, so tests/test_browser.py checks the order.
# The detail panel is not among them: it would show its "waiting" line for a moment.
AFTER_MAP = frozenset({"timeline_figure", "timeline_style", "rows", "columns", "table_caption", "map_table"})


def _defer_hidden(out: dict[str, Any], request: ViewRequest, lang: str) -> dict[str, Any]:
    """The parts out of view (the timeline, the table, the detail panel below the window; the
    map's values as a table while its disclosure is closed) wait in DEFERRED, drawn when they come
    into view (assets/desk.js): a change then draws only what the user can see. When the map is
    redrawn, the parts in AFTER_MAP wait too, and those in view are drawn right after it.

    Each deferred part replaces any older one kept aside; each part drawn now drops it.
    """
    drawn = [key for key in WAITS if out.get(key, no_update) is not no_update]
    if not drawn:
        return {}
    map_first = out.get("map_figure", no_update) is not no_update
    patch = Patch()
    moved: dict[str, Any] = {}
    for key in drawn:
        if request.shows(WAITS[key]) and not (map_first and key in AFTER_MAP):
            del patch[key]
        else:
            patch[key] = out[key]
            moved[key] = no_update
    if "detail" in moved:  # never the previous engagement's details under a new selection
        moved["detail"] = detail_waiting(lang)
    if "table_caption" in moved and (not request.shows(WAITS["table_caption"]) or not isinstance(request.in_view, dict)):
        # Never the previous view's count (or the layout's, in English, on a link's first visit,
        # before the page has said what is in view) over the rows that wait; known to be in view,
        # the new caption follows the map at once (AFTER_MAP), so it is not blanked.
        moved["table_caption"] = table_waiting(lang)
    return {**moved, "deferred": patch}


def _view_parts(app: AppData, state: ViewState, changed: frozenset[str], ignored_changed: bool) -> dict[str, Any]:
    """The figures, tables and texts that ``changed`` fields redraw."""
    out: dict[str, Any] = {}
    draw = parts_to_draw(changed)
    lang_changed = "lang" in changed
    if "map" in draw:
        out["map_figure"], out["map_caption"], out["map_table"] = map_output(app, state)
    if "timeline" in draw:
        out["timeline_figure"], out["timeline_style"] = timeline_output(app, state)
        if lang_changed:  # the graph applies a config only with a figure: both in one response
            out["timeline_config"] = timeline_config(state.lang)
    if "table" in draw:
        rows, columns, out["table_caption"] = table_output(app, state)
        out["rows"] = rows
        if changed & COLUMN_FIELDS:  # new column definitions make AG Grid rebuild its header and size every column
            out["columns"] = columns
    if "key_figures" in draw:
        out["key_figures"] = key_figures_output(app, state)
    if "export_title" in draw:
        out["export_title"] = view_title(app, state)
    if lang_changed:  # the page's own texts follow (dashboard/callbacks/panels.py), after this answer
        out["view_lang"] = state.lang
    if ignored_changed or lang_changed:
        out["warning"] = warning_output(app, state, list(state.ignored))
    if changed & {"selected", "lang"}:
        out["detail"] = detail_output(app, state)
        out["detail_status"] = detail_status(app, state)
    if changed:
        out["scene"] = scene_output(app, state)
    return out


__all__ = ["AFTER_MAP", "FROM_CONTROLS", "FROM_RESET", "FROM_URL", "VIEW_KEYS", "WAITS", "ViewRequest", "month_numbers", "next_view",
           "view_response"]
