"""What the view store (``ids.VIEW_STORE``) holds for a view, and the value each control shows.

The store is the view the page shows: its fields, the parts of a link it ignored, its canonical
query (what the share box, the export buttons and the briefing link carry: the view applied, never
a link's parts it ignored), and the value each view control shows for it. The browser compares the controls with those values
(``dashboard/callbacks/view_state.py``) and posts a change only when a control differs, or when
a post is still on its way and the controls moved again: so the controls the view callback writes
itself (a link, back/forward, Reset) post nothing more, and a change undone before its answer
still posts.
"""

from __future__ import annotations

import math
from dataclasses import fields as dataclass_fields
from typing import Any

from layers.view_state import Options, ViewState, to_query

# The fields a view control may stand for: every view-state field but the period, which is
# three controls (a range of years and the first and last month).
CONTROL_FIELDS = frozenset({*(f.name for f in dataclass_fields(ViewState) if f.name not in ("period", "ignored")),
                            "years", "month_from", "month_to"})


def control_value(state_dict: dict[str, Any], field: str) -> Any:
    """The value a control shows for a state field (dropdown ``None`` for no selection).

    The period is three controls: a range of years and the first and last month.
    """
    if field == "years":
        return [int(state_dict["from"][:4]), int(state_dict["to"][:4])]
    if field in ("month_from", "month_to"):  # a select's value is text: "1" to "12"
        return str(int(state_dict["from" if field == "month_from" else "to"][5:7]))
    value = state_dict[field]
    return value or None if field == "selected" else value


# What the store may echo from the browser (the values posted, the values the controls show):
# JSON that survives the trip back (plotly's encoder refuses integers past 64 bits, JavaScript
# rounds them past 2**53) and stays small. A hand-made post with anything else is not echoed.
ECHO_MAX_DEPTH, ECHO_MAX_ITEMS, ECHO_MAX_TEXT = 3, 500, 10_000


def echoable(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is small, plain JSON the store can send back as it came."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) <= 2**53
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= ECHO_MAX_TEXT
    if depth >= ECHO_MAX_DEPTH:
        return False
    if isinstance(value, list):
        return len(value) <= ECHO_MAX_ITEMS and all(echoable(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= ECHO_MAX_ITEMS and all(isinstance(k, str) and len(k) <= ECHO_MAX_TEXT and echoable(v, depth + 1)
                                                    for k, v in value.items())
    return False


def store_payload(state: ViewState, options: Options, *, shown: dict[str, Any] | None = None,
                  posted: Any = None) -> dict[str, Any]:
    """What the store holds for a view: its fields, the parts of a link it ignored, its query, the value
    every control shows (``shown``, when the controls show something else than the view: a
    period the view could not take), and the controls' values the page last posted (``posted``,
    echoed: until it comes back, a post is still on its way).
    """
    data = state.as_dict()
    controls = {f: control_value(data, f) for f in sorted(CONTROL_FIELDS)}
    if shown:
        controls.update({f: v for f, v in shown.items() if f in CONTROL_FIELDS and echoable(v)})
    if not (isinstance(posted, dict) and set(posted) <= CONTROL_FIELDS and echoable(posted)):
        posted = None  # not what the page posts: not echoed
    return {**data, "ignored": list(state.ignored), "query": to_query(state, options), "controls": controls, "posted": posted}


__all__ = ["CONTROL_FIELDS", "control_value", "echoable", "store_payload"]
