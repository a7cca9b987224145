"""Briefing mode: which URL a scene step leads to, and the presenter's title bar and footer."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dash import html

from layers.i18n import t
from layers.snapshot import describe_filters
from layers.view_state import ViewState
from sahel_data.briefings import Briefing

BRIEF_KEYS = ("mode", "briefing", "scene")


def scene_query(briefing: Briefing, scene: int, lang: str = "en") -> str:
    """The URL query of scene ``scene`` (1-based, clamped) in presentation mode, in ``lang``."""
    scene = min(max(scene, 1), len(briefing.scenes))
    pairs = [(k, v) for k, v in parse_qsl(briefing.scenes[scene - 1].view.lstrip("?")) if k not in (*BRIEF_KEYS, "lang")]
    if lang != "en":
        pairs.append(("lang", lang))
    pairs += [("mode", "brief"), ("briefing", briefing.briefing_id), ("scene", str(scene))]
    return "?" + urlencode(pairs, safe=",")


def exit_query(query: str) -> str:
    """The same view without presentation mode."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k not in BRIEF_KEYS]
    return "?" + urlencode(pairs, safe=",") if pairs else ""


def title_bar(state: ViewState, briefing: Briefing | None, region_names: dict[str, dict[str, str]]) -> list[html.Component]:
    """Scene title, its note, the view's filters in words, and the scene counter."""
    lang = state.lang
    filters = describe_filters(state, region_names)
    if briefing is None or not state.scene:
        return [html.H2(t("title", lang)), html.P(filters, className="brief-filters")]
    scene = briefing.scenes[state.scene - 1]
    return [
        html.Div([
            html.H2(scene.title[lang]),
            html.Span(f"{state.scene} / {len(briefing.scenes)}", className="brief-counter"),
        ], className="brief-title-row"),
        html.P(scene.note[lang], className="brief-note"),
        html.P(filters, className="brief-filters"),
    ]


def footer(state: ViewState, data_as_of: str, attribution: str) -> list[html.Component]:
    """Sources and the data-as-of date, always on screen in a briefing."""
    lang = state.lang
    return [html.Span(f"{t('data_as_of', lang, date=data_as_of)} · {attribution} · {t('attribution', lang)} · "
                      f"{t('brief_keys', lang)}")]
