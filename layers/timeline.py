"""The mandate timeline: one row per engagement, mandate periods as labelled segments, key
events on their own row, the view's period shaded and a line at its date.

It follows the time model: the rows are the engagements of the period (or only those active
on its date); an engagement with dates unknown is named in its own lane; a bar with no stated
end is hatched and stops at the data's date, with an arrow where it may run on and a "?"
where its status became unknown (see ``layers.rules.base``).
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers.faces import as_at_text
from layers.i18n import fmt_date, label, t
from layers.lookups import per_frame
from layers.period import MONTHS
from layers.rules.areas import effective_ends
from layers.rules.engine import Engine, ViewFacts
from layers.text import plain
from layers.text_metrics import text_px

ACTOR_COLOURS = {
    "eu_csdp": "#0072B2",
    "eu_other": "#56B4E9",
    "trust_fund": "#009E73",
    "un": "#4D4D4D",
    "france": "#D55E00",
    "member_state": "#CC79A7",
    "regional": "#E69F00",
    "other_donor": "#8C6D31",
    "russia": "#7A0019",
    "unknown": "#999999",
}
# One symbol per kind of event, none shared with another kind nor with the bars' "may run on
# past the data" arrow (triangle-right): a legend entry must name one kind.
EVENT_SYMBOLS = {
    "coup": "x",
    "accord": "star",
    "resolution": "square",
    "summit": "diamond",
    "operation_start": "triangle-up",
    "operation_end": "triangle-down",
    "withdrawal": "triangle-left",
    "decision": "circle",
    "attack": "cross",
    "conflict": "bowtie",
    "request": "pentagon",
    "institution": "hexagon",
    "election": "diamond-tall",
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


_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")
_DECISION_OF = re.compile(r"council decision of (?:[a-z]+day )?(?:\d{1,2} )?(" + "|".join(_EN_MONTHS) + r") ([0-9]{4})",
                          re.IGNORECASE)


def mandate_label(text: str, lang: str) -> str:
    """A mandate's label in ``lang``: "Res. 2100" / "Rés. 2100", "2014/220" (an EU decision's
    number reads the same in both), "Decision Jan 2023" / "Décision janv. 2023" for a Council decision
    known by its date; other legal bases as :func:`short_basis` cuts them.
    """
    m = re.search(r"resolution (\d{4})", text, re.IGNORECASE)
    if m:
        return t("mandate_resolution", lang, n=m.group(1))
    m = _DECISION_OF.search(text)
    if m and not re.search(r"\d{4}/\d+", text):
        month = MONTHS.get(lang, MONTHS["en"])[_EN_MONTHS.index(m.group(1).lower())]
        return t("mandate_decision", lang, date=f"{month} {m.group(2)}")
    return short_basis(text)


def row_label(acronym: str, name: str, limit: int = 22) -> str:
    """A short, unique-enough row label: the acronym, else the name cut to ``limit``."""
    text = acronym or name
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"



@dataclass(frozen=True)
class Bar:
    """One segment of a row: a numbered mandate, or the engagement's own window."""

    start: pd.Timestamp
    end: pd.Timestamp
    text: str = ""  # short legal basis, drawn inside the bar
    basis: str = ""  # full legal basis, in the hover
    open_end: bool = False  # no stated end: hatched


@dataclass(frozen=True)
class Row:
    """One engagement on the timeline."""

    engagement_id: str
    acronym: str
    names: dict[str, str]  # language -> name
    actor: str
    bars: tuple[Bar, ...]
    runs_on: bool = False  # may run past the data's date (arrow)
    unknown_after: pd.Timestamp | None = None  # status unknown after this date ("?")


def timeline_rows(engine: Engine, facts: ViewFacts, data_date: pd.Timestamp,
                  max_rows: int | None = None) -> tuple[list[Row], list[str], int]:
    """The rows of a view's timeline, the labels of its engagements with dates unknown, and how
    many rows were left out. With more than ``max_rows``, the rows kept are those active longest
    within the period (and the selected one), drawn in order of start: the EU briefing's overview
    of 2013-2023 had kept the two earliest to start (WAPIS, AFISMA) and hidden EUTM and MINUSMA.
    """
    e = engine.rules.eng
    names = _names(engine.tables["engagements"])
    listed = facts.selection.listed
    name = 2 if facts.state.lang == "fr" else 1  # the view's language's name, where there is no acronym
    undated = [row_label(names[e.ids[i]][0], names[e.ids[i]][name]) for i in listed if not e.dated[i] and e.parent[i] == ""]
    if facts.state.timeline == "date":
        listed = facts.selection.active_at
    top = listed[(e.parent[listed] == "") & e.dated[listed]]
    omitted = 0
    if max_rows is not None and len(top) > max_rows:
        # Only the rows a reader will see become objects (thousands of rows at scale).
        first, last = np.datetime64(facts.state.period.start, "ns"), np.datetime64(facts.state.period.end, "ns")
        ends = e.active_to[top]
        ends = np.where(np.isnat(ends) | (ends > last), last, ends)
        within = ends - np.maximum(e.active_from[top], first)  # how long each is active in the period
        order = top[np.lexsort((e.ids[top].astype(str), e.active_from[top], -within.astype(np.int64)))]
        keep = order[:max_rows]
        selected = engine.rules.position.get(facts.state.selected)
        if selected is not None and selected in order and selected not in keep:
            keep = np.r_[order[: max_rows - 1], selected]
        keep = keep[np.lexsort((e.ids[keep].astype(str), e.active_from[keep]))]
        omitted, top = len(top) - len(keep), keep
    mandates = _mandate_bars(engine.tables["mandates"])
    rows = []
    for i in top:
        eid = e.ids[i]
        start, stop = pd.Timestamp(e.active_from[i]), pd.Timestamp(e.active_to[i])
        # Hatched when the end is not a stated date: assumed from evidence, or "ended after" it.
        close = min(stop, data_date) if e.end_assumed[i] else stop
        bars = tuple(b if pd.notna(b.end) else replace(b, end=close) for b in mandates.get(eid, ())) or \
            (Bar(start, close, open_end=bool(e.end_assumed[i] or e.ended_after[i])),)
        acronym, name_en, name_fr = names[eid]
        rows.append(Row(
            eid, acronym, {"en": name_en, "fr": name_fr}, e.actor[i], bars,
            runs_on=bool(e.end_assumed[i] and stop > data_date),
            unknown_after=stop if e.end_assumed[i] and stop <= data_date else None,
        ))
    return rows, undated, omitted


@per_frame
def _names(engagements: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    return {eid: (a, en, fr) for eid, a, en, fr in zip(engagements["engagement_id"], engagements["acronym"],
                                                       engagements["name_en"], engagements["name_fr"], strict=True)}


@per_frame
def _mandate_bars(mandates: pd.DataFrame) -> dict[str, tuple[Bar, ...]]:
    """Each engagement's mandates as bars (built once): those with an end; and a row with none
    (a first decision, a bridging extension) for the time no stated bar covers, to the next row's
    start (hatched: its end is not stated), so the first of EU-STAB-MOPTI-SEGOU's, from
    4 Aug 2017, is drawn (its bar had started at the October 2018 extension), and EUCAP's bridging
    extension fills January-February 2019. An open last row ends at NaT, closed by the
    engagement's own end in :func:`timeline_rows`. One pass over column arrays (x1000: 66,000 rows).
    """
    m = mandates.assign(effective_end=effective_ends(mandates)).sort_values(["engagement_id", "start_date"], kind="stable")
    stated: dict[str, list[Bar]] = {}
    unstated: dict[str, list[tuple[pd.Timestamp, pd.Timestamp, str]]] = {}
    for eid, start, end, effective, basis in zip(m["engagement_id"], m["start_date"], m["end_date"], m["effective_end"],
                                                 m["legal_basis"], strict=True):
        if pd.notna(end):
            stated.setdefault(eid, []).append(Bar(start, end, short_basis(basis), basis))
        elif pd.notna(start):
            unstated.setdefault(eid, []).append((start, effective, basis))
    out: dict[str, tuple[Bar, ...]] = {}
    for eid in dict.fromkeys([*stated, *unstated]):
        bars = stated.get(eid, [])
        extra = []
        for start, effective, basis in unstated.get(eid, ()):
            # From the day after any stated bar it starts inside; nothing if those cover all of it.
            begin = max([start, *[b.end + pd.Timedelta(days=1) for b in bars if b.start <= start <= b.end]])
            if pd.isna(effective) or begin <= effective:
                extra.append(Bar(begin, effective, short_basis(basis), basis, open_end=True))
        out[str(eid)] = tuple(sorted([*bars, *extra], key=lambda b: b.start))
    return out


def _earliest(rows: list[Row], n: int, selected: str) -> tuple[list[Row], int]:
    """The ``n`` earliest-starting rows (and the selected one), sorted by start then id."""
    ordered = sorted(rows, key=lambda r: (r.bars[0].start, r.engagement_id))
    if len(ordered) <= n:
        return ordered, 0
    keep = ordered[:n]
    if selected and selected not in {r.engagement_id for r in keep}:
        keep = [*ordered[: n - 1], *[r for r in ordered if r.engagement_id == selected]]
    return keep, len(ordered) - len(keep)


# The margins hold the lane names and the legend at their widths in the page's font
# (layers/text_metrics.py), not measured by plotly (automargin, a legend that widens the margin):
# each of those makes plotly draw the figure twice, which was half of the timeline's redraw (80 ms
# of browser time against 35). tests/test_browser.py checks that no name is cut.
LEGEND_SYMBOL_PX = 50  # a legend entry's symbol, its gap and the legend's padding
LEGEND_TITLE_SCALE = 1.2  # plotly sets a legend's title a fifth larger than its entries
TICK_GAP_PX = 14  # between a lane's name and the plot, and to the graph's edge


def _legend_names(data: list[dict[str, Any]]) -> list[str]:
    """The names the legend lists (traces shown in it)."""
    return [str(d["name"]) for d in data if d.get("showlegend", True) and d.get("name")]


def event_standoff(fs: Any) -> int:
    """Room between the lane names and the plot: half an event marker, as an event on the period's
    first day is drawn half over the axis (on the stage they covered "Key events").
    """
    return math.ceil(fs(13) / 2)


def _margins(ticks: list[str], legend: tuple[str, list[str]] | None, fs: Any, *, hidden: bool) -> dict[str, Any]:
    """Fixed margins (``autoexpand`` off): the left one fits the widest lane name, the right one
    the legend (its title and names; none without a legend).
    """
    left = max((text_px(x, fs(13)) for x in ticks), default=0)
    if legend is None:
        right = 10
    else:
        title, names = legend
        widest = max([text_px(title, fs(12) * LEGEND_TITLE_SCALE), *(text_px(n, fs(12)) + LEGEND_SYMBOL_PX for n in names)])
        right = widest + 10
    return {"l": math.ceil(left) + TICK_GAP_PX + event_standoff(fs), "r": math.ceil(right), "t": fs(14) + 12,
            "b": 2 * fs(13) + 20 if hidden else 30, "autoexpand": False}


def timeline_spec(engine: Engine, facts: ViewFacts, *, lang: str, data_date: pd.Timestamp, big: bool = False,
                  max_rows: int = MAX_ROWS) -> dict[str, Any]:
    """The timeline figure dict of a view (see :func:`build_timeline_figure`)."""
    rows, undated, omitted = timeline_rows(engine, facts, data_date, max_rows)
    return build_timeline_spec(rows, undated, engine.tables["events"], lang=lang, cursor=facts.as_at,
                               period=(facts.state.period.start, facts.state.period.end), data_date=data_date,
                               selected=facts.state.selected, big=big, max_rows=max_rows, omitted=omitted,
                               cursor_text=as_at_text(facts, lang))


def build_timeline_figure(rows: list[Row], undated: list[str], events: pd.DataFrame, **kwargs: Any) -> go.Figure:
    """The timeline as a validated ``go.Figure`` (tests); see :func:`build_timeline_spec`."""
    return go.Figure(build_timeline_spec(rows, undated, events, **kwargs))


def _bars(rows: list[Row], lang: str, selected: str, fs: Any, big: bool) -> list[dict[str, Any]]:
    by_actor: dict[str, list[tuple[Row, Bar]]] = {}
    for row in rows:
        by_actor.setdefault(row.actor, []).extend((row, bar) for bar in row.bars)
    data = []
    for actor, part in by_actor.items():
        data.append({
            "type": "bar", "orientation": "h",
            "y": [row.engagement_id for row, _ in part],
            "base": [bar.start.isoformat() for _, bar in part],
            "x": [(bar.end - bar.start).total_seconds() * 1000 + MS_PER_DAY for _, bar in part],
            # Legal-basis labels are readable at a desk; on a projector they would be specks.
            "text": [] if big else [plain(mandate_label(bar.basis, lang) if bar.basis else bar.text) for _, bar in part],
            "textposition": "inside",
            "insidetextanchor": "middle", "textfont": {"size": fs(12), "color": "#ffffff"}, "cliponaxis": True,
            "customdata": [row.engagement_id for row, _ in part],
            "hovertext": [
                f"<b>{plain(row.names[lang])}</b><br>{fmt_date(bar.start, lang)} – "
                + (t("end_unknown", lang) if bar.open_end else fmt_date(bar.end, lang))
                + (f"<br>{plain(bar.basis)}" if bar.basis else "")
                for row, bar in part
            ],
            "hoverinfo": "text",
            "marker": {
                "color": ACTOR_COLOURS.get(actor, "#999999"),
                "line": {"color": ["#111111" if row.engagement_id == selected else "#ffffff" for row, _ in part],
                         "width": [3 if row.engagement_id == selected else 1 for row, _ in part]},
                # Hatched: the end is unknown, so the bar stops at the data's date, not at a known end.
                "pattern": {"shape": ["/" if bar.open_end else "" for _, bar in part], "fgcolor": "#ffffff",
                            "solidity": 0.3, "fillmode": "overlay"},
            },
            "name": label(actor, lang),
        })
    return data


def _ends(rows: list[Row], lang: str, fs: Any, data_date: pd.Timestamp) -> list[dict[str, Any]]:
    """Arrows where a bar may run past the data's date; "?" where its status became unknown."""
    runs = [r for r in rows if r.runs_on]
    unknown = [r for r in rows if r.unknown_after is not None]
    return [
        {"type": "scatter", "mode": "markers", "x": [data_date.isoformat()] * len(runs), "y": [r.engagement_id for r in runs],
         "marker": {"symbol": "triangle-right", "size": fs(12), "color": "#1a1a1a"}, "name": t("runs_on_legend", lang),
         "hovertext": [t("runs_on", lang, date=fmt_date(data_date, lang)) for _ in runs], "hoverinfo": "text",
         "showlegend": bool(runs)},
        {"type": "scatter", "mode": "text", "x": [r.unknown_after.isoformat() for r in unknown if r.unknown_after is not None],
         "y": [r.engagement_id for r in unknown], "text": ["?"] * len(unknown), "textposition": "middle right",
         "textfont": {"size": fs(16), "color": "#1a1a1a"}, "name": t("status_unknown_legend", lang), "showlegend": False,
         "hovertext": [t("status_unknown_after", lang, date=fmt_date(r.unknown_after, lang)) for r in unknown
                       if r.unknown_after is not None], "hoverinfo": "text"},
    ]


def _events(events: pd.DataFrame, lang: str, fs: Any, lane: str) -> list[dict[str, Any]]:
    # The key events do not depend on the view: their traces are built once per language and size.
    return copy.deepcopy(_event_traces(events, lang, fs(13), lane))


@per_frame
def _event_cache(_events: pd.DataFrame) -> dict[tuple[str, int, str], list[dict[str, Any]]]:
    return {}


def _event_traces(events: pd.DataFrame, lang: str, size: int, lane: str) -> list[dict[str, Any]]:
    cache = _event_cache(events)
    key = (lang, size, lane)
    if key not in cache:
        chosen = events[events["key_event"]] if not events.empty else events
        data = []
        for kind, part in chosen.groupby("kind", sort=True):
            data.append({
                "type": "scatter", "x": [d.isoformat() for d in part["date"]], "y": [lane] * len(part), "mode": "markers",
                "marker": {"symbol": EVENT_SYMBOLS.get(kind, "circle"), "size": size, "color": "#1a1a1a",
                           "line": {"width": 1, "color": "#ffffff"}},
                "hovertext": [f"<b>{plain(title)}</b><br>{fmt_date(d, lang, txt)}" for title, d, txt in
                              zip(part["title_fr" if lang == "fr" else "title_en"], part["date"], part["date_text"], strict=True)],
                "hoverinfo": "text", "name": label(kind, lang), "legendgroup": "events", "showlegend": True,
            })
        cache[key] = data
    return cache[key]


def build_timeline_spec(
    rows: list[Row],
    undated: list[str],
    events: pd.DataFrame,
    *,
    lang: str,
    cursor: pd.Timestamp,
    period: tuple[pd.Timestamp, pd.Timestamp],
    data_date: pd.Timestamp,
    selected: str = "",
    big: bool = False,
    max_rows: int = MAX_ROWS,
    omitted: int = 0,
    cursor_text: str = "",
) -> dict[str, Any]:
    """A Gantt-style figure dict; bars carry the engagement id in ``customdata`` for clicks.

    ``big`` enlarges type and rows for briefing mode. Plain dicts, not ``go.Figure``:
    validation was most of the build time of each interaction.
    """
    k = 1.9 if big else 1.0  # the briefing stage: no text under 24 logical px (13 px x 1.9)

    def fs(size: int) -> int:
        return round(size * k)

    rows, hidden = _earliest(rows, max_rows, selected)
    hidden += omitted  # rows the caller left out before building them
    events_lane, undated_lane = "__events__", "__undated__"
    categories = [events_lane, *[r.engagement_id for r in rows], *([undated_lane] if undated else [])]
    ticks = [f"◆ {t('events', lang)}", *[plain(row_label(r.acronym, r.names[lang])) for r in rows],  # data: shown as written
             *([t("dates_unknown_lane", lang, n=len(undated))] if undated else [])]
    data = [*_bars(rows, lang, selected, fs, big), *_ends(rows, lang, fs, data_date), *_events(events, lang, fs, events_lane)]
    x0 = pd.Timestamp(2011, 10, 1)  # a little before 2012, so the first events clear the lane names
    if undated:  # a category axis shows only lanes with data: an invisible point holds this one
        data.append({"type": "scatter", "mode": "markers", "x": [x0.isoformat()], "y": [undated_lane], "hoverinfo": "skip",
                     "marker": {"opacity": 0}, "showlegend": False})
    x1 = max(data_date, cursor) + pd.Timedelta(days=150)
    annotations = [{"x": cursor.isoformat(), "y": 1.0, "yref": "paper", "yanchor": "bottom",
                    "text": f"<b>{cursor_text or fmt_date(cursor, lang)}</b>", "showarrow": False, "font": {"color": "#A04000", "size": fs(14)}}]
    if undated and not big:  # on the stage the lane's label (with the count) is all there is room for
        names = ", ".join(plain(u) for u in undated[:12]) + (" …" if len(undated) > 12 else "")  # noqa: PLR2004
        annotations.append({"x": x0.isoformat(), "y": undated_lane, "xanchor": "left", "text": names, "showarrow": False,
                            "font": {"size": fs(12), "color": "#1a1a1a"}})
    if hidden:
        annotations.append({"x": 0, "y": 0, "xref": "paper", "yref": "paper", "yanchor": "top", "xanchor": "left",
                            "showarrow": False, "text": t("rows_hidden_stage" if big else "rows_hidden", lang, n=hidden),
                            "font": {"size": fs(13), "color": "#4a4a4a"}, "yshift": -fs(13) - 10})
    legend_title = t("end_unknown_legend", lang)
    layout = {
        "barmode": "overlay",
        "height": max(240, 90 + round(ROW_PX * k) * len(categories)),
        "margin": _margins(ticks, None if big else (legend_title, _legend_names(data)), fs, hidden=bool(hidden)),
        # Plotly's default for a date axis ("hide past div") measures every tick label after each
        # draw, to hide any past the graph's edge: a forced layout per label, 8-13 ms of each
        # redraw on the desk (Chromium profile). There the legend's margin (far wider than half a
        # year label) rules that out; on the stage (a 10 px margin) the check stays.
        "xaxis": {"type": "date", "range": [x0.isoformat(), x1.isoformat()], "gridcolor": "#e6e6e6", "tickfont": {"size": fs(13)},
                  "ticklabeloverflow": "hide past div" if big else "allow"},
        "yaxis": {"categoryorder": "array", "categoryarray": list(reversed(categories)), "tickfont": {"size": fs(13)},
                  "automargin": False, "tickmode": "array", "tickvals": categories, "ticktext": ticks,
                  "ticklabelstandoff": event_standoff(fs)},
        # On a projector the bars need the room: rows are named, the hover gives the rest.
        "showlegend": not big,
        "legend": {"font": {"size": fs(12)}, "title": {"text": legend_title}, "x": 1.0, "xanchor": "left"},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
        "font": {"family": '"Source Sans 3", "Segoe UI", Helvetica, Arial, sans-serif', "size": fs(13), "color": "#1a1a1a"},
        "hoverlabel": {"font": {"size": fs(14)}},
        "shapes": [
            {"type": "rect", "xref": "x", "yref": "paper", "x0": period[0].isoformat(), "x1": period[1].isoformat(), "y0": 0,
             "y1": 1, "fillcolor": "#D55E00", "opacity": 0.07, "line": {"width": 0}, "layer": "below"},
            {"type": "line", "xref": "x", "yref": "paper", "x0": cursor.isoformat(), "x1": cursor.isoformat(),
             "y0": 0, "y1": 1, "line": {"color": "#D55E00", "width": 2, "dash": "dash"}},
        ],
        "annotations": annotations,
        "uirevision": "timeline",
        "clickmode": "event",
    }
    return {"data": data, "layout": layout}
