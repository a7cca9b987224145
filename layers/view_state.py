"""The view state: everything a shareable link restores, and its URL query encoding.

A :class:`ViewState` is immutable and always valid: :func:`parse_query` never raises, it
drops unknown values (a hand-edited link must never crash the page) and reports what it
ignored. ``to_query(parse_query(q))`` is canonical, and ``parse_query(to_query(s)) == s``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

LANGS = ("en", "fr")
METRICS = ("idp", "budget", "engagements")
LAYERS = ("regions", "sites", "footprint", "context", "labels")
DEFAULT_LAYERS = LAYERS
MAX_LIST = 50  # more items than any option list has: longer lists are hostile or broken
MAX_TEXT = 80


@dataclass(frozen=True)
class Options:
    """The values the data allows for each filter (computed once from the catalog)."""

    years: tuple[int, int]
    regions: frozenset[str]
    donors: frozenset[str]
    actors: frozenset[str]
    sectors: frozenset[str]
    engagements: frozenset[str]
    briefings: tuple[tuple[str, int], ...] = ()  # (briefing id, number of scenes)


@dataclass(frozen=True)
class ViewState:
    """The full view: filters, date, metric, layers, selection and language."""

    year: int
    lang: str = "en"
    regions: tuple[str, ...] = ()
    donors: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    search: str = ""
    metric: str = "engagements"  # always has data; regional IDP counts exist only some years
    layers: tuple[str, ...] = DEFAULT_LAYERS
    selected: str = ""
    mode: str = "explore"  # "brief": presentation layout for a projector
    briefing: str = ""  # id of a briefing file in data/briefings/
    scene: int = 0  # 1-based scene number within the briefing (0: none)
    ignored: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (for ``dcc.Store``), lists instead of tuples."""
        data = asdict(self)
        data.pop("ignored")
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


# URL parameter name for each field: short, stable, readable in a shared link.
_PARAM = {
    "year": "year",
    "lang": "lang",
    "regions": "region",
    "donors": "donor",
    "actors": "actor",
    "sectors": "sector",
    "search": "q",
    "metric": "metric",
    "layers": "layers",
    "selected": "sel",
    "mode": "mode",
    "briefing": "briefing",
    "scene": "scene",
}
MODES = ("explore", "brief")
LIST_FIELDS = ("regions", "donors", "actors", "sectors", "layers")


def default_state(options: Options) -> ViewState:
    """The view a new visitor sees: latest year, everything shown, English."""
    return ViewState(year=options.years[1])


def _clean_text(value: object) -> str:
    text = str(value)[:MAX_TEXT]
    return "".join(ch for ch in text if ch.isprintable()).strip()


def _clean_list(values: object, allowed: frozenset[str] | tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    if isinstance(values, str):
        values = [v for v in values.split(",") if v]
    if not isinstance(values, list | tuple):
        return (), [str(values)[:40]]
    kept: list[str] = []
    ignored: list[str] = []
    for value in list(values)[:MAX_LIST]:
        if isinstance(value, str) and value in allowed and value not in kept:
            kept.append(value)
        else:
            ignored.append(str(value)[:40])
    if len(values) > MAX_LIST:
        ignored.append(f"{len(values) - MAX_LIST} more")
    return tuple(kept), ignored


def state_from_values(values: dict[str, Any], options: Options) -> ViewState:
    """Build a valid state from untrusted values (controls, stores or a parsed query)."""
    base = default_state(options)
    ignored: list[str] = []
    allowed = _allowed_lists(options)
    out: dict[str, Any] = {}
    for name in LIST_FIELDS:
        if name in values and values[name] is not None:
            kept, bad = _clean_list(values[name], allowed[name])
            out[name] = kept
            ignored += [f"{_PARAM[name]}={b}" for b in bad]
    year = values.get("year")
    if year is not None:
        try:
            number = int(str(year)[:6])
        except ValueError:
            number = None
        lo, hi = options.years
        if number is not None and lo <= number <= hi:
            out["year"] = number
        else:
            ignored.append(f"year={str(year)[:10]}")
    for name, choices in (("lang", LANGS), ("metric", METRICS), ("mode", MODES)):
        value = values.get(name)
        if value is not None:
            if value in choices:
                out[name] = value
            else:
                ignored.append(f"{_PARAM[name]}={str(value)[:20]}")
    if values.get("search") is not None:
        out["search"] = _clean_text(values["search"])
    selected = values.get("selected")
    if selected:
        if isinstance(selected, str) and selected in options.engagements:
            out["selected"] = selected
        else:
            ignored.append(f"sel={str(selected)[:40]}")
    scenes = dict(options.briefings)
    briefing = values.get("briefing")
    if briefing:
        if isinstance(briefing, str) and briefing in scenes:
            out["briefing"] = briefing
            try:
                scene = int(str(values.get("scene") or 1)[:4])
            except ValueError:
                scene = 1
                ignored.append(f"scene={str(values.get('scene'))[:10]}")
            out["scene"] = min(max(scene, 1), scenes[briefing])
        else:
            ignored.append(f"briefing={str(briefing)[:40]}")
    return replace(base, **out, ignored=tuple(ignored))


def parse_query(query: str | None, options: Options) -> ViewState:
    """Parse a URL query (with or without ``?``) into a valid state; never raises."""
    text = (query or "").lstrip("?")[:4000]
    try:
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=40)
    except ValueError:
        return replace(default_state(options), ignored=("query",))
    allowed = _allowed_lists(options)
    values: dict[str, Any] = {}
    for name, param in _PARAM.items():
        if param in parsed:
            if name in LIST_FIELDS:
                # Repeated parameters (donor=a&donor=b); a value that is not an option as a
                # whole may be a hand-written comma list (region=ML-5,ML-7).
                items: list[str] = []
                for raw in parsed[param]:
                    items += [raw] if raw in allowed[name] else [v for v in raw.split(",") if v]
                values[name] = items
            else:
                values[name] = parsed[param][-1]
    return state_from_values(values, options)


def _allowed_lists(options: Options) -> dict[str, frozenset[str] | tuple[str, ...]]:
    return {"regions": options.regions, "donors": options.donors, "actors": options.actors,
            "sectors": options.sectors, "layers": LAYERS}


def to_query(state: ViewState, options: Options) -> str:
    """Encode ``state`` as a canonical query string, omitting defaults (``""`` if none)."""
    base = default_state(options)
    pairs: list[tuple[str, str]] = []
    for name, param in _PARAM.items():
        value = getattr(state, name)
        if value == getattr(base, name):
            continue
        if isinstance(value, tuple):
            # Commas join short codes for readability; a value containing a comma (some donor
            # names do) goes as its own repeated parameter so it survives the round trip.
            if any("," in v for v in value):
                pairs += [(param, v) for v in value]
            else:
                pairs.append((param, ",".join(value)))
        else:
            pairs.append((param, str(value)))
    return "?" + urlencode(pairs, safe=",") if pairs else ""
