"""The JSON bodies the browser posts to ``/_dash-update-component`` when the view store changes.

Shared by the benchmark, the load test and the HTTP-level tests, so all three exercise the
exact payloads Dash's renderer sends.
"""

from __future__ import annotations

from typing import Any

STORE_INPUT = {"id": "view-store", "property": "data"}


def output_parts(output: str) -> list[tuple[str, str]]:
    """A dependency's ``output`` string (``..a.x...b.y..`` or ``a.x@hash``) as [(id, property)]."""
    parts = []
    for part in output.strip(".").split("..."):
        component, prop = part.rsplit(".", 1)
        parts.append((component, prop.split("@")[0]))
    return parts


def output_spec(dep: dict[str, Any]) -> Any:
    """The ``outputs`` member for a dependency (one dict, or a list for multi-output callbacks)."""
    specs = [{"id": component, "property": prop} for component, prop in output_parts(dep["output"])]
    return specs if len(specs) > 1 else specs[0]


def store_callbacks(deps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dependencies whose only input is the view store (they all fire on a view change)."""
    return [d for d in deps if d["inputs"] == [STORE_INPUT]]


def store_body(dep: dict[str, Any], store: Any) -> dict[str, Any]:
    """The request body for ``dep`` when the store holds ``store``."""
    return {"output": dep["output"], "outputs": output_spec(dep), "changedPropIds": ["view-store.data"],
            "inputs": [{**STORE_INPUT, "value": store}], "state": []}
