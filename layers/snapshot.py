"""Report-ready map snapshots: the map figure framed as a finished, citable figure.

Adds a title, a subtitle with the active filters and date, a scale bar and north arrow (honest
in this Mercator view: north is up everywhere, and the bar states the latitude its length holds
at), source attribution, the boundary disclaimer and "data as of · generated" stamps.
"""

from __future__ import annotations

import html
import math
import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go

from layers.i18n import label, t
from layers.view_state import ViewState

# A4 landscape at 96 CSS px per inch; PNG is rendered at SCALE_300_DPI for print resolution.
A4_LANDSCAPE_PX = (1123, 794)
SCALE_300_DPI = 300 / 96
EARTH_KM_PER_DEG = 111.32


@dataclass(frozen=True)
class SnapshotText:
    """Every line of text on the snapshot, already in the view's language."""

    title: str
    subtitle: str
    sources: str
    disclaimer: str
    stamp: str


def describe_filters(state: ViewState, region_names: dict[str, dict[str, str]], selected_name: str = "") -> str:
    """The subtitle: period and every active filter, in words (names, never internal ids)."""
    lang = state.lang
    parts = [state.period.label(lang), t("metric_" + state.metric, lang)]
    if state.regions:
        parts.append(f"{t('regions', lang)}: " + ", ".join(region_names.get(r, {}).get(lang, r) for r in state.regions))
    if state.donors:
        parts.append(f"{t('donors', lang)}: " + ", ".join(state.donors))
    if state.actors:
        parts.append(f"{t('actors', lang)}: " + ", ".join(label(a, lang) for a in state.actors))
    if state.sectors:
        parts.append(f"{t('sectors', lang)}: " + ", ".join(label(s, lang) for s in state.sectors))
    if state.search:
        parts.append(f"“{state.search}”")
    if state.selected:
        parts.append(f"{t('selected', lang)}: {selected_name or state.selected}")
    return " · ".join(parts)


def wrap(text: str, width: int = 190) -> list[str]:
    """Break footer text into lines (plotly annotations do not wrap by themselves)."""
    return textwrap.wrap(text, width=width, break_long_words=False) or [""]


def scale_bar_km(lon_span: float, lat: float) -> int:
    """A round bar length (km) near a fifth of the map's width at latitude ``lat``."""
    width_km = lon_span * EARTH_KM_PER_DEG * math.cos(math.radians(lat))
    target = width_km / 5
    for step in (50, 100, 200, 250, 500, 1000):
        if step >= target * 0.7:
            return step
    return 1000


def frame_snapshot(map_fig: go.Figure, text: SnapshotText, *, lon_range: tuple[float, float], lat_range: tuple[float, float]) -> go.Figure:
    """Return a copy of ``map_fig`` with title, scale bar, north arrow and footer."""
    fig = go.Figure(map_fig)
    # Plotly titles accept markup: text that came from a user (search, names) must stay text.
    text = SnapshotText(*(html.escape(part, quote=False) for part in (text.title, text.subtitle, text.sources, text.disclaimer, text.stamp)))
    lat_bar = lat_range[0] + 1.2
    km = scale_bar_km(lon_range[1] - lon_range[0], lat_bar)
    deg = km / (EARTH_KM_PER_DEG * math.cos(math.radians(lat_bar)))
    lon0 = lon_range[1] - deg - 1.0
    fig.add_trace(go.Scattergeo(
        lon=[lon0, lon0 + deg / 2, lon0 + deg], lat=[lat_bar] * 3, mode="lines+markers+text",
        line={"color": "#1a1a1a", "width": 3}, marker={"symbol": "line-ns", "size": 12, "line": {"width": 2, "color": "#1a1a1a"}},
        text=["0", "", f"{km} km ({lat_bar:.0f}°N)"], textposition="top center", textfont={"size": 12},
        hoverinfo="skip", showlegend=False,
    ))
    fig.update_layout(
        title={"text": f"<b>{text.title}</b><br><span style='font-size:15px'>{text.subtitle}</span>",
               "x": 0.01, "xanchor": "left", "y": 0.975, "yanchor": "top", "font": {"size": 22}},
        margin={"l": 20, "r": 20, "t": 90, "b": 92},
    )
    # North arrow: an arrow annotation pointing up, labelled N (no special glyph needed).
    fig.add_annotation(x=0.975, y=0.2, ax=0, ay=40, xref="paper", yref="paper", text="<b>N</b>", showarrow=True,
                       arrowhead=2, arrowsize=1.4, arrowwidth=2.5, arrowcolor="#1a1a1a", yanchor="bottom",
                       font={"size": 16})
    footer = "<br>".join([*wrap(text.sources), *wrap(text.disclaimer), text.stamp])
    fig.add_annotation(text=footer, x=0.0, y=-0.015, xref="paper", yref="paper", xanchor="left", yanchor="top",
                       showarrow=False, align="left", font={"size": 10, "color": "#333333"})
    return fig


def add_marking(fig: go.Figure, marking: str) -> go.Figure:
    """Put the handling or classification line (and contact) at the top right of a page."""
    if marking:
        fig.add_annotation(text=f"<b>{html.escape(marking, quote=False)}</b>", x=1.0, y=1.0, xref="paper", yref="paper",
                           xanchor="right", yanchor="bottom", yshift=58, showarrow=False, align="right",
                           font={"size": 12, "color": "#7a3b00"})
    return fig
