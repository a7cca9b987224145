"""The mandate timeline: one row per engagement, mandate periods as labelled segments,
key events as markers on their own row, and a cursor at the view's date.
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers.i18n import fmt_date, label, t
from layers.view_model import records_by_engagement

ACTOR_COLOURS = {
    "eu_csdp": "#0072B2",
    "eu_other": "#56B4E9",
    "trust_fund": "#009E73",
    "un": "#4D4D4D",
    "france": "#D55E00",
    "member_state": "#CC79A7",
    "regional": "#E69F00",
    "other_donor": "#8C6D31",
    "unknown": "#999999",
}
EVENT_SYMBOLS = {
    "coup": "x",
    "accord": "star",
    "resolution": "square",
    "summit": "diamond",
    "operation_start": "triangle-right",
    "operation_end": "triangle-left",
    "withdrawal": "triangle-left",
}
ROW_PX = 30
MAX_ROWS = 40
MS_PER_DAY = 86_400_000


def short_basis(text: str) -> str:
    """A compact legal-basis label for a segment: "Res. 2100", "2014/220/CFSP"."""
    m = re.search(r"resolution (\d{4})", text, re.IGNORECASE)
    if m:
        return f"Res. {m.group(1)}"
    m = re.search(r"(\(CFSP\) )?(\d{4}/\d+)(/CFSP)?", text)
    if m:
        return m.group(2)
    return text[:18]


def row_label(acronym: str, name: str, limit: int = 22) -> str:
    """A short, unique-enough row label: the acronym, else the name cut to ``limit``."""
    text = acronym or name
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def timeline_segments(engagements: pd.DataFrame, mandates: pd.DataFrame, until: pd.Timestamp) -> pd.DataFrame:
    """Segments to draw: numbered mandates with an end, else the engagement's own period.

    Open-ended periods run to ``until`` (today); undated engagements get no segment.
    """
    return pd.DataFrame(_segments(engagements, mandates, until), columns=SEGMENT_COLUMNS)


SEGMENT_COLUMNS = ["engagement_id", "start", "end", "text", "basis", "number", "open_end"]


def _segments(engagements: pd.DataFrame, mandates: pd.DataFrame, until: pd.Timestamp) -> list[tuple]:
    rows = []
    by_engagement = records_by_engagement(mandates)
    for eid, start, end in zip(engagements["engagement_id"], engagements["start_date"], engagements["end_date"], strict=True):
        own = sorted((m for m in by_engagement.get(eid, []) if pd.notna(m["end_date"])), key=lambda m: m["start_date"])
        if own:
            rows.extend(
                (eid, m["start_date"], m["end_date"], short_basis(m["legal_basis"]), m["legal_basis"], m["number"], False)
                for m in own
            )
        elif pd.notna(start):
            open_end = pd.isna(end)
            rows.append((eid, start, until if open_end else end, "", "", "", open_end))
    return rows


def _earliest(frame: pd.DataFrame, n: int, selected: str) -> pd.DataFrame:
    """Rows sorted by (start, id), undated last, cut to the ``n`` earliest (ties kept) plus the
    selected row: a partition first, so 20,000 rows are not all sorted by their string ids.
    """
    if len(frame) > n:
        starts = frame["start_date"].to_numpy("datetime64[ns]").view(np.int64).copy()
        starts[frame["start_date"].isna().to_numpy()] = np.iinfo(np.int64).max
        cut = np.partition(starts, n - 1)[n - 1]
        frame = frame[(starts <= cut) | (frame["engagement_id"] == selected).to_numpy()]
    return frame.sort_values(["start_date", "engagement_id"], na_position="last")


def build_timeline_figure(engagements: pd.DataFrame, mandates: pd.DataFrame, events: pd.DataFrame, **kwargs: object) -> go.Figure:
    """The timeline as a validated ``go.Figure`` (exports and tests); see :func:`timeline_spec`."""
    return go.Figure(timeline_spec(engagements, mandates, events, **kwargs))  # type: ignore[arg-type]


def timeline_spec(
    engagements: pd.DataFrame,
    mandates: pd.DataFrame,
    events: pd.DataFrame,
    *,
    lang: str,
    cursor: pd.Timestamp,
    until: pd.Timestamp,
    selected: str = "",
    big: bool = False,
    max_rows: int = MAX_ROWS,
) -> dict[str, Any]:
    """A Gantt-style figure dict; bars carry the engagement id in ``customdata`` for clicks.

    ``big`` enlarges type and rows for briefing mode on a projector. Plain dicts, not
    ``go.Figure``: validation was most of the build time of each interaction.
    """
    k = 1.3 if big else 1.0

    def fs(size: int) -> int:
        return round(size * k)

    order = _earliest(engagements.reset_index(drop=True), max_rows, selected)
    hidden = 0
    if len(engagements) > max_rows:
        # A readable chart has a bounded number of rows; the selected one always stays.
        keep = order.head(max_rows)
        if selected and selected not in set(keep["engagement_id"]):
            keep = pd.concat([keep.head(max_rows - 1), order[order["engagement_id"] == selected]])
        hidden = len(engagements) - len(keep)
        order = keep
    segments = _segments(order, mandates, until)
    drawn = {seg[0] for seg in segments}
    rows = {
        eid: (row_label(acronym, name_fr if lang == "fr" else name_en), actor, name_en, name_fr)
        for eid, acronym, name_en, name_fr, actor in zip(order["engagement_id"], order["acronym"], order["name_en"],
                                                         order["name_fr"], order["actor_type"], strict=True)
        if eid in drawn
    }
    events_row = f"◆ {t('events', lang)}"
    categories = [events_row, *[r[0] for r in rows.values()]]
    by_actor: dict[str, list[tuple]] = {}
    for seg in segments:
        by_actor.setdefault(rows[seg[0]][1], []).append(seg)
    data: list[dict[str, Any]] = []
    for actor, part in by_actor.items():
        data.append({
            "type": "bar", "orientation": "h",
            "y": [rows[eid][0] for eid, *_ in part],
            "base": [start.isoformat() for _, start, *_ in part],
            "x": [(end - start).total_seconds() * 1000 + MS_PER_DAY for _, start, end, *_ in part],
            # Legal-basis labels are readable at a desk; on a projector they would be specks.
            "text": [] if big else [text for _, _, _, text, *_ in part], "textposition": "inside",
            "insidetextanchor": "middle", "textfont": {"size": fs(12), "color": "#ffffff"}, "cliponaxis": True,
            "customdata": [eid for eid, *_ in part],
            "hovertext": [
                f"<b>{html.escape(rows[eid][3] if lang == 'fr' else rows[eid][2])}</b><br>"
                f"{fmt_date(start, lang)} – {t('end_unknown', lang) if open_end else fmt_date(end, lang)}"
                + (f"<br>{html.escape(basis)}" if basis else "")
                for eid, start, end, _, basis, _, open_end in part
            ],
            "hoverinfo": "text",
            "marker": {
                "color": ACTOR_COLOURS.get(actor, "#999999"),
                "line": {"color": ["#111111" if seg[0] == selected else "#ffffff" for seg in part],
                         "width": [3 if seg[0] == selected else 1 for seg in part]},
                # Hatched: the end is unknown, so the bar stops at today, not at a known end.
                "pattern": {"shape": ["/" if seg[6] else "" for seg in part], "fgcolor": "#ffffff", "solidity": 0.3,
                            "fillmode": "overlay"},  # stripes over the actor colour ("replace" drew white on white)
            },
            "name": label(actor, lang),
        })
    key = events[events["key_event"]] if not events.empty else events
    for kind, part in key.groupby("kind", sort=True):
        data.append({
            "type": "scatter", "x": [d.isoformat() for d in part["date"]], "y": [events_row] * len(part), "mode": "markers",
            "marker": {"symbol": EVENT_SYMBOLS.get(kind, "circle"), "size": fs(13), "color": "#1a1a1a", "line": {"width": 1, "color": "#ffffff"}},
            "hovertext": [f"<b>{html.escape(title)}</b><br>{fmt_date(d, lang, txt)}" for title, d, txt in
                          zip(part["title_fr" if lang == "fr" else "title_en"], part["date"], part["date_text"], strict=True)],
            "hoverinfo": "text", "name": label(kind, lang), "legendgroup": "events", "showlegend": True,
        })
    x0 = pd.Timestamp(2012, 1, 1)
    x1 = max(until, cursor) + pd.Timedelta(days=120)
    annotations = [{"x": cursor.isoformat(), "y": 1.0, "yref": "paper", "yanchor": "bottom", "text": f"<b>{cursor.year}</b>",
                    "showarrow": False, "font": {"color": "#A04000", "size": fs(14)}}]
    if hidden:
        annotations.insert(0, {"x": 0, "y": 0, "xref": "paper", "yref": "paper", "yanchor": "top", "xanchor": "left",
                               "showarrow": False, "text": t("rows_hidden", lang, n=hidden),
                               "font": {"size": fs(12), "color": "#4a4a4a"}, "yshift": -24})
    layout = {
        "barmode": "overlay",
        "height": max(240, 90 + round(ROW_PX * k) * len(categories)),
        "margin": {"l": 10, "r": 10, "t": 24, "b": 30},
        "xaxis": {"type": "date", "range": [x0.isoformat(), x1.isoformat()], "gridcolor": "#e6e6e6", "tickfont": {"size": fs(13)}},
        "yaxis": {"categoryorder": "array", "categoryarray": list(reversed(categories)), "tickfont": {"size": fs(13)}, "automargin": True},
        # On a projector the bars need the room: rows are named, the hover gives the rest.
        "showlegend": not big,
        "legend": {"font": {"size": fs(12)}, "title": {"text": t("end_unknown_legend", lang)}},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
        "font": {"family": '"Source Sans 3", "Segoe UI", Helvetica, Arial, sans-serif', "size": fs(13), "color": "#1a1a1a"},
        "hoverlabel": {"font": {"size": fs(14)}},
        "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": cursor.isoformat(), "x1": cursor.isoformat(),
                    "y0": 0, "y1": 1, "line": {"color": "#D55E00", "width": 2, "dash": "dash"}}],
        "annotations": annotations,
        "uirevision": "timeline",
        "clickmode": "event",
    }
    return {"data": data, "layout": layout}
