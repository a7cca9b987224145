"""Briefings around the stage: a scene's address, leaving presentation mode, and checking
that every scene's view is one the app can show (the briefing files are data staff edit).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from layers.view_state import Options, QueryError, parse_query_strict
from sahel_data.briefings import Briefing
from sahel_data.problems import Problem

BRIEF_KEYS = ("mode", "briefing", "scene")


def scene_query(briefing: Briefing, scene: int, lang: str = "en") -> str:
    """The URL query of scene ``scene`` (1-based, clamped) opened in the dashboard, in ``lang``
    (a then-and-now scene opens at its "now" view). The stage itself is ``?mode=brief&briefing=ID``
    and counts its slides with ``slide=``.
    """
    scene = min(max(scene, 1), len(briefing.scenes))
    pairs = [(k, v) for k, v in parse_qsl(briefing.scenes[scene - 1].view.lstrip("?")) if k not in (*BRIEF_KEYS, "lang")]
    if lang != "en":
        pairs.append(("lang", lang))
    pairs += [("briefing", briefing.briefing_id), ("scene", str(scene))]
    return "?" + urlencode(pairs, safe=",")


def exit_query(query: str) -> str:
    """The same view without presentation mode."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k not in BRIEF_KEYS]
    return "?" + urlencode(pairs, safe=",") if pairs else ""


def briefing_problems(briefings: dict[str, Briefing], options: Options) -> list[Problem]:
    """Every scene view that the strict parser refuses, named by file, scene and key."""
    problems = []
    for briefing in briefings.values():
        for row, scene in enumerate(briefing.scenes, start=1):
            keys = ("then", "now") if scene.kind == "then_and_now" else ("view",)
            for key in keys:
                view = getattr(scene, key)
                try:
                    parse_query_strict(view, options)
                except QueryError as exc:
                    problems += [Problem(f"briefings/{briefing.briefing_id}.json", row, key, view[:80], problem)
                                 for problem in exc.problems]
    return problems
