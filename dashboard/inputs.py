"""Every callback input checked at the boundary: what a browser posts may be anything.

Two layers, so the callbacks stay thin:

* :func:`install_request_guard` checks the shape of every POST to ``/_dash-update-component``
  before Dash reads it: a JSON object of bounded size and nesting, naming a server callback,
  with its outputs, inputs and state in the callback's own shape: one ``{"id", "property"}``
  per plain dependency, a list of them for a wildcard (``ALL``) dependency, whose ids carry the
  pattern's keys and scalar values, the same components in every list of one pattern, and
  ``changedPropIds`` naming its inputs. Anything else is answered ``400`` with one line that
  says why: never a 500, never a traceback in the log.
* The helpers below read one value each (a language, a list of codes, a click, a pair of
  years...) and return a safe value or ``None``; the callbacks answer ``no_update`` (or the
  default) for what they cannot use.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import flask
from dash import Dash

UPDATE_PATH = "_dash-update-component"
MAX_BODY_BYTES = 512 * 1024  # a real post is 1-20 KB (the view store and a few controls)
MAX_DEPTH = 24  # the deepest real value (a click's points) nests 6 levels
MAX_WILDCARD_ITEMS = 100  # components one wildcard pattern matches (the page has 17 view controls)
MAX_TEXT = 200  # characters of a text input the app reads (search boxes take 80)
LANGS = ("en", "fr")
_WILDCARDS = ("ALL", "MATCH", "ALLSMALLER")
_SCALARS = (str, int, float, bool)


class BadPost(ValueError):  # noqa: N818  (it is the answer, "bad post", not an error of ours)
    """A callback post that does not have its callback's shape; the message says what is wrong."""


# --- one value at a time: the callbacks' helpers ---------------------------------------------

def lang_of(value: Any) -> str:
    """The language asked for, or English."""
    return value if isinstance(value, str) and value in LANGS else "en"


def text_of(value: Any, limit: int = MAX_TEXT) -> str:
    """A text input, cut to ``limit`` characters; anything that is not text is empty."""
    return value[:limit] if isinstance(value, str) else ""


def str_list(value: Any, limit: int = MAX_WILDCARD_ITEMS) -> list[str]:
    """The text items of a list input (a multi-select's value); anything else is an empty list."""
    if not isinstance(value, list):
        return []
    return [v for v in value[:limit] if isinstance(v, str)]


def flag(value: Any, default: bool) -> bool:
    """A boolean property (``disabled``...), or ``default`` when it is not a boolean."""
    return value if isinstance(value, bool) else default


def clicks(value: Any) -> int | None:
    """A click count: a whole number from 0 (``None`` for anything else, booleans included)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def year_pair(value: Any, bounds: tuple[int, int]) -> tuple[int, int] | None:
    """``[first, last]`` years of a range slider, both whole numbers within ``bounds``, first <= last."""
    if not (isinstance(value, list) and len(value) == 2):  # noqa: PLR2004  (two handles)
        return None
    if not all(isinstance(y, int) and not isinstance(y, bool) and bounds[0] <= y <= bounds[1] for y in value):
        return None
    return (value[0], value[1]) if value[0] <= value[1] else None


def first_point(click: Any, key: str) -> Any:
    """``key`` of the first point of a graph's ``clickData`` (``None`` if there is none)."""
    if not isinstance(click, dict):
        return None
    points = click.get("points")
    if not (isinstance(points, list) and points and isinstance(points[0], dict)):
        return None
    return points[0].get(key)


def first_row(rows: Any, key: str) -> Any:
    """``key`` of the first selected row of a grid (``None`` if there is none)."""
    if not (isinstance(rows, list) and rows and isinstance(rows[0], dict)):
        return None
    return rows[0].get(key)


def wildcard_keys(items: Any, key: str, allowed: frozenset[str] | set[str]) -> list[str] | None:
    """The ``key`` of each component a wildcard list names (``ctx.inputs_list[i]``...), in order;
    ``None`` unless every one is a known, distinct value.
    """
    if not isinstance(items, list):
        return None
    keys = [item.get("id", {}).get(key) if isinstance(item, dict) and isinstance(item.get("id"), dict) else None
            for item in items]
    if not all(isinstance(k, str) and k in allowed for k in keys) or len(set(keys)) != len(keys):
        return None
    return keys  # type: ignore[return-value]


# --- the whole post: the request guard ------------------------------------------------------

@dataclass(frozen=True)
class Dependency:
    """One output, input or state of a callback: a plain id, or a pattern with wildcards."""

    id: str | dict[str, Any]
    prop: str

    @property
    def wildcard(self) -> str:
        """``ALL``, ``MATCH`` (or ``ALLSMALLER``) if the id is a pattern, else ``""``."""
        if isinstance(self.id, dict):
            for value in self.id.values():
                if isinstance(value, list) and len(value) == 1 and value[0] in _WILDCARDS:
                    return str(value[0])
        return ""

    @property
    def pattern(self) -> str:
        """The id as Dash writes it in a dependency string (one key per pattern)."""
        return json.dumps(self.id, sort_keys=True, separators=(",", ":")) if isinstance(self.id, dict) else self.id


@dataclass(frozen=True)
class CallbackShape:
    """What a post to one server callback must look like."""

    outputs: tuple[Dependency, ...]
    multi: bool  # several outputs: ``outputs`` is a list
    inputs: tuple[Dependency, ...]
    state: tuple[Dependency, ...]


def _dependency(spec: dict[str, Any]) -> Dependency:
    raw = spec["id"]
    return Dependency(json.loads(raw) if isinstance(raw, str) and raw.startswith("{") else raw, spec["property"])


def callback_shapes(app: Dash) -> dict[str, CallbackShape]:
    """The shape of every server callback of ``app``, by its output string."""
    from dash._utils import split_callback_id

    shapes = {}
    for output, cb in app.callback_map.items():
        if "callback" not in cb:
            continue  # a clientside callback: it runs in the browser, a post to it is refused
        parts = split_callback_id(output)
        outs = parts if isinstance(parts, list) else [parts]
        shapes[output] = CallbackShape(
            tuple(_dependency({"id": o["id"], "property": o["property"].split("@")[0]}) for o in outs),
            isinstance(parts, list),
            tuple(_dependency(d) for d in cb.get("inputs", [])),
            tuple(_dependency(d) for d in cb.get("state", [])),
        )
    return shapes


def _check_json(value: Any) -> None:
    """Bounded nesting and finite numbers (Python's JSON reads ``NaN`` and ``Infinity``)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadPost(f"values nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            stack += [(v, depth + 1) for v in node.values()]
        elif isinstance(node, list):
            stack += [(v, depth + 1) for v in node]
        elif isinstance(node, float) and not math.isfinite(node):
            raise BadPost("a number that is not finite (NaN or Infinity)")


def _prop_matches(given: Any, prop: str) -> bool:
    # The renderer may send a duplicate output's property with its "@hash" suffix.
    return isinstance(given, str) and (given == prop or given.startswith(prop + "@"))


def _check_id(given: Any, dep: Dependency, where: str, matched: dict[str, Any]) -> None:
    if not isinstance(dep.id, dict):
        if given != dep.id:
            raise BadPost(f"{where}: expected the component {dep.id!r}")
        return
    if not isinstance(given, dict) or set(given) != set(dep.id):
        raise BadPost(f"{where}: expected an id with the keys {sorted(dep.id)}")
    for key, want in dep.id.items():
        value = given[key]
        if isinstance(want, list):  # a wildcard key: any scalar (one value for all MATCH keys)
            if not isinstance(value, _SCALARS) or (isinstance(value, str) and len(value) > MAX_TEXT):
                raise BadPost(f"{where}: the id's {key!r} must be a short text or a number")
            if want == ["MATCH"] and matched.setdefault(key, value) != value:
                raise BadPost(f"{where}: MATCH ids of one post must name the same component")
        elif value != want:
            raise BadPost(f"{where}: expected {key}={want!r} in the id")


def _check_item(item: Any, dep: Dependency, where: str, matched: dict[str, Any]) -> Any:
    """One dependency's entry: a dict, or a list of dicts for ``ALL``; returns the ids it names."""
    if dep.wildcard in ("ALL", "ALLSMALLER"):
        if not isinstance(item, list) or len(item) > MAX_WILDCARD_ITEMS:
            raise BadPost(f"{where}: expected a list of at most {MAX_WILDCARD_ITEMS} components for {dep.pattern}")
        ids = []
        for i, entry in enumerate(item):
            _check_entry(entry, dep, f"{where}[{i}]", matched)
            ids.append(json.dumps(entry["id"], sort_keys=True))
        if len(set(ids)) != len(ids):
            raise BadPost(f"{where}: a component listed twice")
        return tuple(ids)
    _check_entry(item, dep, where, matched)
    return None


def _check_entry(entry: Any, dep: Dependency, where: str, matched: dict[str, Any]) -> None:
    if not isinstance(entry, dict) or "id" not in entry:
        raise BadPost(f"{where}: expected an object with id and property")
    _check_id(entry["id"], dep, where, matched)
    if not _prop_matches(entry.get("property"), dep.prop):
        raise BadPost(f"{where}: expected the property {dep.prop!r}")


def _check_group(given: Any, deps: tuple[Dependency, ...], name: str, matched: dict[str, Any],
                 lists: dict[str, Any]) -> list[Any]:
    if not isinstance(given, list) or len(given) != len(deps):
        raise BadPost(f"{name}: expected a list of {len(deps)}")
    for i, (item, dep) in enumerate(zip(given, deps, strict=True)):
        ids = _check_item(item, dep, f"{name}[{i}]", matched)
        if ids is not None and lists.setdefault(dep.pattern, ids) != ids:
            # The renderer lists the same components, in the same order, wherever a pattern recurs.
            raise BadPost(f"{name}[{i}]: the components of {dep.pattern} differ from another list of it")
    return given


def check_post(body: Any, shapes: dict[str, CallbackShape]) -> None:
    """Raise :class:`BadPost` unless ``body`` has the shape of a post to one of ``shapes``."""
    if not isinstance(body, dict):
        raise BadPost("expected a JSON object")
    _check_json(body)
    output = body.get("output")
    shape = shapes.get(output) if isinstance(output, str) else None
    if shape is None:
        raise BadPost("output: not a server callback of this app")
    matched: dict[str, Any] = {}
    lists: dict[str, Any] = {}
    outputs = body.get("outputs")
    _check_group(outputs if shape.multi else [outputs], shape.outputs, "outputs", matched, lists)
    inputs = _check_group(body.get("inputs"), shape.inputs, "inputs", matched, lists)
    _check_group(body.get("state", [] if not shape.state else None), shape.state, "state", matched, lists)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or len(changed) > sum(len(i) if isinstance(i, list) else 1 for i in inputs):
        raise BadPost("changedPropIds: expected a list of the callback's inputs")
    names = {_prop_id(e) for item in inputs for e in (item if isinstance(item, list) else [item])}
    for prop_id in changed:
        if not isinstance(prop_id, str) or _parse_prop_id(prop_id) not in names:
            raise BadPost("changedPropIds: each must name one of the callback's inputs")


def _prop_id(entry: dict[str, Any]) -> tuple[str, str]:
    ident = entry["id"]
    key = json.dumps(ident, sort_keys=True) if isinstance(ident, dict) else str(ident)
    return key, entry["property"].split("@")[0]


def _parse_prop_id(prop_id: str) -> tuple[str, str] | None:
    ident, _, prop = prop_id.rpartition(".")
    if not ident or len(prop_id) > 2 * MAX_TEXT:
        return None
    if ident.startswith("{"):
        try:
            parsed = json.loads(ident)
        except ValueError:
            return None
        if not isinstance(parsed, dict):
            return None
        return json.dumps(parsed, sort_keys=True), prop
    return ident, prop


def _bad(message: str) -> flask.Response:
    return flask.Response(f"Bad request: {message[:300]}", 400, mimetype="text/plain")


def install_request_guard(app: Dash) -> None:
    """Answer 400 to any callback post that is not shaped like one of ``app``'s callbacks
    (and 413 to one larger than :data:`MAX_BODY_BYTES`), before Dash reads it.
    """
    path = app.config.routes_pathname_prefix + UPDATE_PATH
    cache: dict[str, Any] = {}

    def shapes() -> dict[str, CallbackShape]:
        # Dash moves the @callback registry onto the app at its first request: read it then.
        if cache.get("n") != len(app.callback_map):
            cache["shapes"], cache["n"] = callback_shapes(app), len(app.callback_map)
        return cache["shapes"]

    def guard() -> flask.Response | None:
        request = flask.request
        if request.path != path or request.method != "POST":
            return None
        request.max_content_length = MAX_BODY_BYTES  # larger bodies: 413, before a byte is parsed
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # the parser recurses per level; bounded by the body size, not below it
            return _bad(f"values nested more than {MAX_DEPTH} levels deep")
        if body is None:
            return _bad("expected a JSON object (Content-Type: application/json)")
        try:
            check_post(body, shapes())
        except BadPost as exc:
            return _bad(str(exc))
        return None

    app.server.before_request(guard)
