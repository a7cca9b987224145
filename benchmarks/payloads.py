"""The JSON bodies the browser posts to ``/_dash-update-component`` for the view callback: the
dependency from ``/_dash-dependencies``, every wildcard list filled with the page's own
components from ``/_dash-layout``.

Shared by the load test and the HTTP-level tests, so both exercise the exact payloads Dash's
renderer sends; ``output_parts`` also serves the benchmark's ``renderer.py`` (which replays the
whole dependency graph) and ``interaction.py``.
"""

from __future__ import annotations

import json
from typing import Any

from dashboard import ids


def output_parts(output: str) -> list[tuple[str, str]]:
    """A dependency's ``output`` string (``..a.x...b.y..`` or ``a.x@hash``) as [(id, property)]."""
    parts = []
    for part in output.strip(".").split("..."):
        component, prop = part.rsplit(".", 1)
        parts.append((component, prop.split("@")[0]))
    return parts


VIEW_OUTPUT = "url.search"  # the view callback is the one whose outputs begin with the address


def view_dependency(deps: list[dict[str, Any]]) -> dict[str, Any]:
    """The view callback's dependency (dashboard/callbacks/view_state.py)."""
    return next(d for d in deps if d["output"].startswith(f"..{VIEW_OUTPUT}..."))


def layout_ids(layout: Any) -> list[dict[str, Any]]:
    """Every dict id in the page's layout, in document order."""
    found, stack = [], [layout]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if isinstance(node.get("id"), dict):
                found.append(node["id"])
            stack[:0] = list(node.values())
        elif isinstance(node, list):
            stack[:0] = node
    return found


def control_fields(layout: Any) -> list[str]:
    """The view controls' fields, in the page's order."""
    return [i["field"] for i in layout_ids(layout) if i.get("type") == ids.CONTROL]


def _ident(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def _prop_id(ident: Any, prop: str) -> str:
    return f"{ids.dom_id(ident)}.{prop}"


def view_body(dep: dict[str, Any], layout: Any, values: dict[str, Any], *, changed: str | None = None,
              search: str = "", store: Any = None, reset: int = 0) -> dict[str, Any]:
    """The body of a view-callback post: ``values`` per control field (missing ones ``None``);
    ``changed`` names the control the user changed ("url" or "reset" for those inputs; ``None``:
    the first call, on page load).
    """
    fields = control_fields(layout)
    outputs = []
    for component, prop in output_parts(dep["output"]):
        ident = _ident(component)
        if isinstance(ident, dict) and ["ALL"] in ident.values():
            kind = ident["type"]
            outputs.append([{"id": i, "property": prop} for i in layout_ids(layout) if i.get("type") == kind])
        else:
            outputs.append({"id": ident, "property": prop})
    controls = [{"id": ids.control(f), "property": "value", "value": values.get(f)} for f in fields]
    if changed is None:
        fired = []
    elif changed == "url":
        fired = [_prop_id(ids.URL, "search")]
    elif changed == "reset":
        fired = [_prop_id(ids.RESET_BUTTON, "n_clicks")]
    else:  # a control: the browser writes every control's value to CONTROLS_CHANGED, which posts
        fired = [_prop_id(ids.CONTROLS_CHANGED, "data")]
    written = {f: values.get(f) for f in fields} if changed not in (None, "url", "reset") else None
    return {
        "output": dep["output"], "outputs": outputs,
        "inputs": [{"id": ids.URL, "property": "search", "value": search},
                   {"id": ids.CONTROLS_CHANGED, "property": "data", "value": written},
                   {"id": ids.RESET_BUTTON, "property": "n_clicks", "value": reset}],
        "state": [controls, {"id": ids.VIEW_STORE, "property": "data", "value": store},
                  {"id": ids.IN_VIEW, "property": "data", "value": None}],
        "changedPropIds": fired,
    }
