"""Briefings: ordered scenes in plain JSON files under ``data/briefings/``, and the optional
markings (classification line, contact) of ``data/markings.json``.

Staff prepare a briefing without code. A file has a ``title`` (and optionally a ``subtitle``)
in English and French, optional ``opening`` and ``closing`` slides, and ``scenes``. A scene is a
``title`` and a speaker's ``note`` in both languages and either ``view``, the URL query of a saved
view (what the address bar shows, e.g. ``?year=2013-2023&sel=EUTM-MALI``), or, for
``"kind": "then_and_now"``, a ``then`` and a ``now`` view shown side by side with the same colour
classes. ``rehearsed`` is written by ``sahel-dashboard rehearse``. Files of the first format
(scenes with ``view`` only) stay valid. Problems name the file, the scene (as ``row``) and the key.

An optional ``changes`` object (``{}``, or with a ``title``, a ``note`` and ``since``) opens the
briefing, after its opening slide, with "what changed since the last briefing": the data's
changes since ``since`` (a data release's version or a date ``YYYY-MM-DD``), by default since the
data version recorded at the last rehearsal in the deck's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sahel_data.files import read_json_file
from sahel_data.problems import Problem
from sahel_data.tables import text_problem

MAX_SCENES = 50
MAX_BRIEFINGS = 200  # files in data/briefings/: more is a mistake (or an attack), never a briefing set
MAX_TEXT = 600
MAX_VIEW = 1000  # characters of a scene's view query
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
_SINCE_RE = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}(?:-[0-9a-f]{8})?)?")  # a release version, a date, or nothing


SCENE_KINDS = ("view", "then_and_now")


@dataclass(frozen=True)
class Scene:
    """One step of a briefing: a saved view (or two, then and now) with its title and note."""

    title: dict[str, str]
    note: dict[str, str]
    view: str
    kind: str = "view"
    then: str = ""  # then_and_now: the earlier view
    now: str = ""  # then_and_now: the later view


@dataclass(frozen=True)
class Slide:
    """An opening or closing slide: a title and a note (the app adds data date, sources, markings)."""

    title: dict[str, str]
    note: dict[str, str]


@dataclass(frozen=True)
class Briefing:
    """An ordered list of scenes; ``briefing_id`` is the file name without ``.json``."""

    briefing_id: str
    title: dict[str, str]
    scenes: tuple[Scene, ...]
    subtitle: dict[str, str] = field(default_factory=lambda: {"en": "", "fr": ""})
    opening: Slide | None = None
    closing: Slide | None = None
    rehearsed: dict = field(default_factory=dict)
    changes: Slide | None = None  # a "what changed since the last briefing" slide after the opening
    changes_since: str = ""  # ... since this release (version or date); "" = the last rehearsal's data version


def _text(doc: dict, key: str, name: str, row: int, problems: list[Problem], *, optional: bool = False) -> dict[str, str]:
    value = doc.get(key)
    if optional and value is None:
        return {"en": "", "fr": ""}
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip() for lang in ("en", "fr")):
        problems.append(Problem(name, row, key, str(value)[:60], 'an object {"en": "...", "fr": "..."} with both languages'))
        return {"en": "", "fr": ""}
    if any(len(value[lang]) > MAX_TEXT for lang in ("en", "fr")):
        problems.append(Problem(name, row, key, value["en"][:60], f"at most {MAX_TEXT} characters per language"))
        return {"en": "", "fr": ""}
    for lang in ("en", "fr"):
        wrong = text_problem(value[lang], MAX_TEXT)  # shown on a projector and in exported pages
        if wrong:
            problems.append(Problem(name, row, f"{key}.{lang}", value[lang][:60], wrong))
    return {"en": value["en"].strip(), "fr": value["fr"].strip()}


def _view(raw: dict, key: str, name: str, row: int, problems: list[Problem]) -> str:
    view = raw.get(key, "")
    if not isinstance(view, str) or not (view == "" or view.startswith("?")) or len(view) > MAX_VIEW:
        problems.append(Problem(name, row, key, str(view)[:60], "a URL query starting with ? (copy it from the address bar)"))
        return ""
    return view


def _scene(raw: object, name: str, row: int, problems: list[Problem]) -> Scene | None:
    if not isinstance(raw, dict):
        problems.append(Problem(name, row, "", str(raw)[:40], "a scene object"))
        return None
    kind = raw.get("kind", "view")
    if kind not in SCENE_KINDS:
        problems.append(Problem(name, row, "kind", str(kind)[:30], f"one of {', '.join(SCENE_KINDS)}"))
        return None
    title, note = _text(raw, "title", name, row, problems), _text(raw, "note", name, row, problems)
    if kind == "then_and_now":
        then, now = _view(raw, "then", name, row, problems), _view(raw, "now", name, row, problems)
        if not then or not now:
            problems.append(Problem(name, row, "then", "", "both a then and a now view for a then_and_now scene"))
        return Scene(title, note, now, kind, then, now)
    return Scene(title, note, _view(raw, "view", name, row, problems))


def _slide(doc: dict, key: str, name: str, problems: list[Problem]) -> Slide | None:
    raw = doc.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(name, 0, key, str(raw)[:40], "an object with title and note"))
        return None
    return Slide(_text(raw, "title", name, 0, problems, optional=True), _text(raw, "note", name, 0, problems, optional=True))


def read_briefing(path: Path) -> tuple[Briefing | None, list[Problem]]:
    """Read and check one briefing file."""
    name = f"briefings/{path.name}"
    if not _ID_RE.match(path.stem):
        return None, [Problem(name, 0, "", path.stem, "a file name of lowercase letters, digits and hyphens")]
    doc, found = read_json(path, name)
    if doc is None:
        return None, found
    if not isinstance(doc, dict):
        return None, [Problem(name, 0, "", type(doc).__name__, "a JSON object with title and scenes")]
    problems: list[Problem] = []
    title = _text(doc, "title", name, 0, problems)
    subtitle = _text(doc, "subtitle", name, 0, problems, optional=True)
    raw_scenes = doc.get("scenes")
    if not isinstance(raw_scenes, list) or not 1 <= len(raw_scenes) <= MAX_SCENES:
        problems.append(Problem(name, 0, "scenes", str(type(raw_scenes).__name__), f"a list of 1 to {MAX_SCENES} scenes"))
        return None, problems
    scenes = [_scene(raw, name, i, problems) for i, raw in enumerate(raw_scenes, start=1)]
    opening, closing = _slide(doc, "opening", name, problems), _slide(doc, "closing", name, problems)
    changes = _slide(doc, "changes", name, problems)
    since = doc["changes"].get("since", "") if isinstance(doc.get("changes"), dict) else ""
    if not isinstance(since, str) or not _SINCE_RE.fullmatch(since):
        problems.append(Problem(name, 0, "changes.since", str(since)[:60],
                                "a data release's version (2026-11-30-3fa9c2d1) or a date YYYY-MM-DD, or no since"))
        since = ""
    rehearsed = doc.get("rehearsed", {})
    if not isinstance(rehearsed, dict):
        problems.append(Problem(name, 0, "rehearsed", str(rehearsed)[:40], "an object (written by sahel-dashboard rehearse)"))
    if problems:
        return None, problems
    return Briefing(path.stem, title, tuple(s for s in scenes if s is not None), subtitle, opening, closing,
                    rehearsed if isinstance(rehearsed, dict) else {}, changes, since), []


MAX_JSON_BYTES = 1024 * 1024  # a briefing or markings file is a few kilobytes
MAX_DEPTH = 20  # deeper JSON is hostile or broken (recursion), never a briefing


def read_json(path: Path, name: str) -> tuple[object | None, list[Problem]]:
    """A small JSON file read safely: a regular file (not a FIFO, directory, device or broken
    link), at most ``MAX_JSON_BYTES``, UTF-8, nesting at most ``MAX_DEPTH``; else ``None`` and
    the problem (see :mod:`sahel_data.files`).
    """
    return read_json_file(path, name, limit=MAX_JSON_BYTES, max_depth=MAX_DEPTH)


def load_markings(path: Path) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """The optional classification or handling line and contact (``data/markings.json``)."""
    if not path.exists() and not path.is_symlink():
        return {}, []
    doc, problems = read_json(path, path.name)
    if doc is None:
        return {}, problems
    if not isinstance(doc, dict) or set(doc) - {"marking", "contact"}:
        return {}, [Problem(path.name, 0, "", str(sorted(doc) if isinstance(doc, dict) else type(doc).__name__)[:60],
                            'an object with "marking" and/or "contact", each {"en": "...", "fr": "..."}')]
    out = {key: _text(doc, key, path.name, 0, problems, optional=True) for key in ("marking", "contact")}
    return ({} if problems else out), problems


def load_briefings(folder: Path) -> tuple[dict[str, Briefing], list[Problem]]:
    """Every ``*.json`` briefing in ``folder`` (a missing folder means no briefings)."""
    briefings: dict[str, Briefing] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        if folder.exists() or folder.is_symlink():  # a file, a pipe or a broken link where the folder goes
            problems.append(Problem("briefings", 0, "", "not a directory", "a directory of briefing files (or none at all)"))
        return briefings, problems
    paths = sorted(p for p in folder.iterdir() if p.name.endswith(".json"))
    if len(paths) > MAX_BRIEFINGS:
        return briefings, [Problem("briefings", 0, "", f"{len(paths)} files", f"at most {MAX_BRIEFINGS} briefing files")]
    for path in paths:
        briefing, found = read_briefing(path)
        problems += found
        if briefing is not None:
            briefings[briefing.briefing_id] = briefing
    return briefings, problems
