"""Briefings: ordered scenes (title, note, view) in plain JSON files under ``data/briefings/``.

Staff prepare a briefing without code: each scene is a title and a short note in English and
French, and ``view``, the URL query of a saved view (what the address bar shows). Problems
name the file, the scene (as ``row``) and the key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sahel_data.problems import Problem

MAX_SCENES = 50
MAX_TEXT = 600
MAX_VIEW = 1000  # characters of a scene's view query
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


@dataclass(frozen=True)
class Scene:
    """One step of a briefing: a saved view with its title and speaker's note."""

    title: dict[str, str]
    note: dict[str, str]
    view: str


@dataclass(frozen=True)
class Briefing:
    """An ordered list of scenes; ``briefing_id`` is the file name without ``.json``."""

    briefing_id: str
    title: dict[str, str]
    scenes: tuple[Scene, ...]


def _text(doc: dict, key: str, name: str, row: int, problems: list[Problem]) -> dict[str, str]:
    value = doc.get(key)
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip() for lang in ("en", "fr")):
        problems.append(Problem(name, row, key, str(value)[:60], 'an object {"en": "...", "fr": "..."} with both languages'))
        return {"en": "", "fr": ""}
    if any(len(value[lang]) > MAX_TEXT for lang in ("en", "fr")):
        problems.append(Problem(name, row, key, value["en"][:60], f"at most {MAX_TEXT} characters per language"))
    return {"en": value["en"].strip(), "fr": value["fr"].strip()}


def read_briefing(path: Path) -> tuple[Briefing | None, list[Problem]]:
    """Read and check one briefing file."""
    name = f"briefings/{path.name}"
    if not _ID_RE.match(path.stem):
        return None, [Problem(name, 0, "", path.stem, "a file name of lowercase letters, digits and hyphens")]
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(name, getattr(exc, "lineno", 0), "", str(exc)[:80], "UTF-8 JSON")]
    if not isinstance(doc, dict):
        return None, [Problem(name, 0, "", type(doc).__name__, "a JSON object with title and scenes")]
    problems: list[Problem] = []
    title = _text(doc, "title", name, 0, problems)
    raw_scenes = doc.get("scenes")
    if not isinstance(raw_scenes, list) or not 1 <= len(raw_scenes) <= MAX_SCENES:
        problems.append(Problem(name, 0, "scenes", str(type(raw_scenes).__name__), f"a list of 1 to {MAX_SCENES} scenes"))
        return None, problems
    scenes = []
    for i, raw in enumerate(raw_scenes, start=1):
        if not isinstance(raw, dict):
            problems.append(Problem(name, i, "", str(raw)[:40], "a scene object"))
            continue
        view = raw.get("view", "")
        if not isinstance(view, str) or not (view == "" or view.startswith("?")) or len(view) > MAX_VIEW:
            problems.append(Problem(name, i, "view", str(view)[:60], "a URL query starting with ? (copy it from the address bar)"))
            continue
        scenes.append(Scene(_text(raw, "title", name, i, problems), _text(raw, "note", name, i, problems), view))
    if problems:
        return None, problems
    return Briefing(path.stem, title, tuple(scenes)), []


def load_briefings(folder: Path) -> tuple[dict[str, Briefing], list[Problem]]:
    """Every ``*.json`` briefing in ``folder`` (a missing folder means no briefings)."""
    briefings: dict[str, Briefing] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return briefings, problems
    for path in sorted(folder.glob("*.json")):
        briefing, found = read_briefing(path)
        problems += found
        if briefing is not None:
            briefings[briefing.briefing_id] = briefing
    return briefings, problems
