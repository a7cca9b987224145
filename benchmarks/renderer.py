"""A minimal stand-in for Dash's browser renderer, to replay a user interaction over HTTP.

Given the served layout and dependency graph, it changes one control's value and fires what
the browser would fire, in rounds: every callback with a changed input (pattern-matching ids
included), then every callback whose inputs those responses changed, until nothing changes.
Responses say which properties were updated (``no_update`` leaves a property out), so the
walk follows the app's real behaviour instead of a hand-written list of callbacks.

Used by the benchmark to measure a whole interaction's server time and bytes.
"""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass, field
from typing import Any

from benchmarks.payloads import output_parts
from dashboard import ids

Key = tuple[str, str]  # (component id as Dash stringifies it, property)
GATE: Key = (ids.CONTROLS_CHANGED, "data")  # written in the browser when a control differs from the view shown


def id_key(component_id: Any) -> str:
    """The string Dash uses for an id (dict ids: JSON with sorted keys, no spaces)."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def _walk(node: Any, props: dict[Key, Any], ids: dict[str, Any]) -> None:
    if isinstance(node, list):
        for child in node:
            _walk(child, props, ids)
    elif isinstance(node, dict) and "props" in node:
        p = node["props"]
        if "id" in p:
            key = id_key(p["id"])
            ids[key] = p["id"]
            for prop, value in p.items():
                props[(key, prop)] = value
        for value in p.values():
            _walk(value, props, ids)


@dataclass
class Fired:
    """One callback request of an interaction."""

    output: str
    ms: float
    bytes: int
    gzip_bytes: int = 0
    parts: dict[str, int] = field(default_factory=dict)  # bytes of each "id.prop" the answer wrote


@dataclass
class Renderer:
    """Props of every component with an id, and the callbacks that read them."""

    deps: list[dict[str, Any]]
    props: dict[Key, Any] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_client(cls, client: Any) -> Renderer:
        """A renderer that knows the app's callback graph and its initial layout props."""
        renderer = cls(client.get("/_dash-dependencies").get_json())
        _walk(client.get("/_dash-layout").get_json(), renderer.props, renderer.ids)
        return renderer

    def _matching(self, id_string: str) -> list[str] | None:
        """Concrete ids a pattern matches (``None``: not a wildcard pattern)."""
        if not id_string.startswith("{"):
            return None
        pattern = json.loads(id_string)
        if not any(v == ["ALL"] for v in pattern.values()):
            return None
        return [key for key, cid in self.ids.items() if isinstance(cid, dict) and cid.keys() == pattern.keys()
                and all(v == ["ALL"] or cid[k] == v for k, v in pattern.items())]

    def _spec(self, id_string: str, prop: str, *, value: bool) -> Any:
        def one(key: str) -> dict[str, Any]:
            item = {"id": self.ids.get(key, key), "property": prop}
            if value:
                item["value"] = self.props.get((key, prop))
            return item

        matching = self._matching(id_string)
        return [one(k) for k in matching] if matching is not None else one(id_string)

    def _reads(self, dep: dict[str, Any], changed: dict[Key, set[str]]) -> bool:
        """Whether ``dep`` reads a changed property that another callback (or the user) set:
        like Dash's renderer, a callback is not re-fired by its own outputs.
        """
        for item in dep["inputs"]:
            keys = self._matching(item["id"]) or [item["id"]]
            if any(changed.get((k, item["property"]), set()) - {dep["output"]} for k in keys):
                return True
        return False

    def _is_input(self, dep: dict[str, Any], key: str, prop: str) -> bool:
        return any(item["property"] == prop and key in (self._matching(item["id"]) or [item["id"]]) for item in dep["inputs"])

    def _gate(self, changed: dict[Key, set[str]]) -> dict[Key, set[str]]:
        """The one clientside callback that decides whether a change posts (ours: a control
        posts the view only when it differs from what the view store says it shows,
        ``dashboard/callbacks/view_state.py``), played as the browser plays it, before the round.
        """
        out: dict[Key, set[str]] = {}
        for dep in self.deps:
            if dep.get("clientside_function") and dep["output"] == f"{GATE[0]}.{GATE[1]}" and self._reads(dep, changed):
                controls = self._matching(dep["inputs"][0]["id"]) or []
                now = {json.loads(k)["field"]: self.props.get((k, "value")) for k in controls}
                store = self.props.get((ids.VIEW_STORE, "data"))
                shown = store.get("controls") if isinstance(store, dict) else None
                if now != shown:
                    self.props[GATE] = now
                    out[GATE] = {"clientside"}
        return out

    def body(self, dep: dict[str, Any], changed: dict[Key, set[str]]) -> dict[str, Any]:
        """The JSON the browser posts to ``/_dash-update-component`` for ``dep``."""
        outputs = [self._spec(c, p, value=False) for c, p in output_parts(dep["output"])]
        return {
            "output": dep["output"],
            "outputs": outputs if dep["output"].startswith("..") else outputs[0],
            "inputs": [self._spec(i["id"], i["property"], value=True) for i in dep["inputs"]],
            "state": [self._spec(s["id"], s["property"], value=True) for s in dep["state"]],
            # Like the browser: only the changed props this callback reads as inputs.
            "changedPropIds": [f"{k}.{p}" for k, p in sorted(changed) if self._is_input(dep, k, p)],
        }

    def change(self, client: Any, component: Any, prop: str, value: Any, max_rounds: int = 6) -> list[Fired]:
        """Set a property as a user would, then fire callbacks round by round."""
        key = id_key(component)
        self.props[(key, prop)] = value
        changed: dict[Key, set[str]] = {(key, prop): {"user"}}
        fired: list[Fired] = []
        for _ in range(max_rounds):
            changed = {**changed, **self._gate(changed)}
            next_changed: dict[Key, set[str]] = {}
            for dep in self.deps:
                if dep.get("clientside_function") or not self._reads(dep, changed):
                    continue
                body = self.body(dep, changed)
                start = time.perf_counter()
                response = client.post("/_dash-update-component", json=body)
                ms = (time.perf_counter() - start) * 1000
                done = Fired(dep["output"], ms, len(response.data), len(gzip.compress(response.data, 6)))
                fired.append(done)
                if response.status_code == 204:  # PreventUpdate: nothing changed
                    continue
                answer = response.get_json(silent=True) or {}
                done.parts = {f"{cid}.{p}": len(json.dumps(v, separators=(",", ":")))
                              for cid, props in (answer.get("response") or {}).items() for p, v in props.items()}
                # Outputs, and what the callback wrote with set_props (Dash's "sideUpdate").
                for cid, props in [*(answer.get("response") or {}).items(), *(answer.get("sideUpdate") or {}).items()]:
                    for p, v in props.items():
                        self.props[(cid, p)] = v
                        next_changed.setdefault((cid, p), set()).add(dep["output"])
                        if p == "search":  # dcc.Location reports the new address too
                            next_changed.setdefault((cid, "href"), set()).add("location")
            if not next_changed:
                break
            changed = next_changed
        return fired
