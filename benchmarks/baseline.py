"""The baseline the scale benchmark compares our map against: the naive build's map.

``benchmarks/naive_app.py`` is the same view written the straightforward way from the plotly
and Dash documentation (pandas over the CSVs, ``px.choropleth`` with the GeoJSON and
``px.scatter_geo``, a whole figure every change), none of our rules or builders; here its map
is built for each step's view at each scale and serialised as Dash sends a figure (plotly's
JSON). It replaces an older baseline that ran reference rules kept in ``layers/``, gone with
the rules engine.
"""

from __future__ import annotations

from typing import Any

from benchmarks import naive_app


def naive_view(values: dict[str, Any]) -> dict[str, Any]:
    """The naive build's view for our controls' ``values`` (the period's last year)."""
    years = values.get("years") or [2019, 2019]
    return {"year": int(years[-1]), "regions": list(values.get("regions") or []),
            "donors": list(values.get("donors") or []), "selected": values.get("selected") or None,
            "metric": values.get("metric") or "engagements", "lang": values.get("lang") or "en"}


def baseline_map_json(data: dict[str, Any], values: dict[str, Any]) -> str:
    """The naive build's map of the view our controls' ``values`` describe, as JSON."""
    return naive_app.map_figure(data, naive_view(values)).to_json()
