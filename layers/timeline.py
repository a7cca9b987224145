"""The mandate timeline: one row per engagement, mandate periods as labelled segments,
key events as markers on their own row, and a cursor at the view's date.
"""

from __future__ import annotations

import html
import re

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
    rows = []
    by_engagement = records_by_engagement(mandates)
    for eng in engagements.itertuples():
        own = sorted((m for m in by_engagement.get(eng.engagement_id, []) if pd.notna(m["end_date"])), key=lambda m: m["start_date"])
        if own:
            for m in own:
                rows.append((eng.engagement_id, m["start_date"], m["end_date"], short_basis(m["legal_basis"]), m["legal_basis"], m["number"], False))
        elif pd.notna(eng.start_date):
            open_end = pd.isna(eng.end_date)
            end = until if open_end else eng.end_date
            rows.append((eng.engagement_id, eng.start_date, end, "", "", "", open_end))
    return pd.DataFrame(rows, columns=["engagement_id", "start", "end", "text", "basis", "number", "open_end"])


def build_timeline_figure(
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
) -> go.Figure:
    """A Gantt-style figure; bars carry the engagement id in ``customdata`` for clicks.

    ``big`` enlarges type and rows for briefing mode on a projector.
    """
    k = 1.3 if big else 1.0

    def fs(size: int) -> int:
        return round(size * k)

    order = engagements.reset_index(drop=True).sort_values(["start_date", "engagement_id"], na_position="last")
    hidden = 0
    if len(order) > max_rows:
        # A readable chart has a bounded number of rows; the selected one always stays.
        keep = order.head(max_rows)
        if selected and selected not in set(keep["engagement_id"]):
            keep = pd.concat([keep.head(max_rows - 1), order[order["engagement_id"] == selected]])
        hidden = len(order) - len(keep)
        order = keep
    segments = timeline_segments(order, mandates, until)
    order = order[order["engagement_id"].isin(set(segments["engagement_id"]))]
    names = {e.engagement_id: row_label(e.acronym, e.name_fr if lang == "fr" else e.name_en) for e in order.itertuples()}
    events_row = f"◆ {t('events', lang)}"
    categories = [events_row, *[names[e] for e in order["engagement_id"]]]
    fig = go.Figure()
    for actor, part in segments.merge(order[["engagement_id", "actor_type", "name_en", "name_fr"]], on="engagement_id").groupby("actor_type", sort=False):
        fig.add_trace(go.Bar(
            orientation="h",
            y=[names[e] for e in part["engagement_id"]],
            base=[s.isoformat() for s in part["start"]],
            x=[(e - s).total_seconds() * 1000 + MS_PER_DAY for s, e in zip(part["start"], part["end"], strict=True)],
            # Legal-basis labels are readable at a desk; on a projector they would be specks.
            text=[] if big else list(part["text"]), textposition="inside", insidetextanchor="middle",
            textfont={"size": fs(12), "color": "#ffffff"}, cliponaxis=True,
            customdata=list(part["engagement_id"]),
            hovertext=[
                f"<b>{html.escape(n_fr if lang == 'fr' else n_en)}</b><br>"
                f"{fmt_date(s, lang)} – {t('end_unknown', lang) if o else fmt_date(e, lang)}" + (f"<br>{html.escape(b)}" if b else "")
                for n_en, n_fr, s, e, b, o in zip(part["name_en"], part["name_fr"], part["start"], part["end"], part["basis"], part["open_end"], strict=True)
            ],
            hoverinfo="text",
            marker={
                "color": ACTOR_COLOURS.get(actor, "#999999"),
                "line": {"color": ["#111111" if e == selected else "#ffffff" for e in part["engagement_id"]],
                         "width": [3 if e == selected else 1 for e in part["engagement_id"]]},
                # Hatched: the end is unknown, so the bar stops at today, not at a known end.
                "pattern": {"shape": ["/" if o else "" for o in part["open_end"]], "fgcolor": "#ffffff", "solidity": 0.3},
            },
            name=label(actor, lang),
        ))
    key = events[events["key_event"]] if not events.empty else events
    for kind, part in key.groupby("kind", sort=True):
        fig.add_trace(go.Scatter(
            x=[d.isoformat() for d in part["date"]], y=[events_row] * len(part), mode="markers",
            marker={"symbol": EVENT_SYMBOLS.get(kind, "circle"), "size": fs(13), "color": "#1a1a1a", "line": {"width": 1, "color": "#ffffff"}},
            hovertext=[f"<b>{html.escape(title)}</b><br>{fmt_date(d, lang, txt)}" for title, d, txt in
                       zip(part["title_fr" if lang == "fr" else "title_en"], part["date"], part["date_text"], strict=True)],
            hoverinfo="text", name=label(kind, lang), legendgroup="events", showlegend=True,
        ))
    x0 = pd.Timestamp(2012, 1, 1)
    x1 = max(until, cursor) + pd.Timedelta(days=120)
    if hidden:
        fig.add_annotation(x=0, y=0, xref="paper", yref="paper", yanchor="top", xanchor="left", showarrow=False,
                           text=t("rows_hidden", lang, n=hidden), font={"size": fs(12), "color": "#4a4a4a"}, yshift=-24)
    fig.add_vline(x=cursor.isoformat(), line={"color": "#D55E00", "width": 2, "dash": "dash"})
    fig.add_annotation(x=cursor.isoformat(), y=1.0, yref="paper", yanchor="bottom", text=f"<b>{cursor.year}</b>",
                       showarrow=False, font={"color": "#A04000", "size": fs(14)})
    fig.update_layout(
        barmode="overlay",
        height=max(240, 90 + round(ROW_PX * k) * len(categories)),
        margin={"l": 10, "r": 10, "t": 24, "b": 30},
        xaxis={"type": "date", "range": [x0.isoformat(), x1.isoformat()], "gridcolor": "#e6e6e6", "tickfont": {"size": fs(13)}},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(categories)), "tickfont": {"size": fs(13)}, "automargin": True},
        # On a projector the legend goes under the plot so the bars keep the width.
        # On a projector the bars need the room: rows are named, the hover gives the rest.
        showlegend=not big,
        legend={"font": {"size": fs(12)}, "title": {"text": t("end_unknown_legend", lang)}},
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        font={"family": '"Source Sans 3", "Segoe UI", Helvetica, Arial, sans-serif', "size": fs(13), "color": "#1a1a1a"},
        hoverlabel={"font": {"size": fs(14)}},
        uirevision="timeline",
        clickmode="event",
    )
    return fig
