"""The view state: everything a shareable link restores, and its URL query encoding.

One parser for every interface. :func:`parse_query` never raises: the UI shows what it could
not use in a banner (``ViewState.ignored``). :func:`parse_query_strict` raises
:class:`QueryError` naming every unknown parameter or value and what is accepted: ``/export``
answers 400 with it and the CLI exits 2. Neither substitutes a value silently.
``to_query(parse_query(q))`` is canonical, and ``parse_query(to_query(s)) == s``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from layers.period import Month, Period, PeriodError, parse_period

LANGS = ("en", "fr")
METRICS = ("idp", "budget", "engagements")
LAYERS = ("regions", "sites", "footprint", "context", "labels")
DEFAULT_LAYERS = LAYERS
GEOS = ("mali", "sahel", "comparators")  # where listed engagements work (see layers.rules.selection)
TIMELINES = ("period", "date")  # the timeline shows the period's engagements, or those active on its date
MODES = ("explore", "brief")
MAX_LIST = 50  # more items than any option list has: longer lists are hostile or broken
MAX_TEXT = 80
MAX_QUERY = 4000
MAX_FIELDS = 40


class QueryError(ValueError):
    """Parameters that cannot be used as given; ``problems`` has one message each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Options:
    """The values the data allows for each filter (computed once from the catalog)."""

    months: tuple[Month, Month]  # first and last month a period may cover
    regions: frozenset[str]
    donors: frozenset[str]
    actors: frozenset[str]
    sectors: frozenset[str]
    engagements: frozenset[str]
    briefings: tuple[tuple[str, int], ...] = ()  # (briefing id, number of scenes)

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year a period may cover."""
        return self.months[0].year, self.months[1].year


@dataclass(frozen=True)
class ViewState:
    """The full view: filters, period, metric, layers, selection and language."""

    period: Period
    lang: str = "en"
    regions: tuple[str, ...] = ()
    donors: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    geo: tuple[str, ...] = ("mali",)
    search: str = ""
    metric: str = "engagements"  # always has data; regional IDP counts exist only some years
    layers: tuple[str, ...] = DEFAULT_LAYERS
    timeline: str = "period"
    selected: str = ""
    mode: str = "explore"  # "brief": presentation layout for a projector
    briefing: str = ""  # id of a briefing file in data/briefings/
    scene: int = 0  # 1-based scene number within the briefing (0: none)
    ignored: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (for ``dcc.Store``): the period as ``from``/``to`` months."""
        data: dict[str, Any] = {"from": self.period.first.iso(), "to": self.period.last.iso()}
        for name in _PARAM:
            if name == "period":
                continue
            value = getattr(self, name)
            data[name] = list(value) if isinstance(value, tuple) else value
        return data


# URL parameter name for each field: short, stable, readable in a shared link.
_PARAM = {
    "period": "year",  # or from=/to= (see layers.period)
    "lang": "lang",
    "regions": "region",
    "donors": "donor",
    "actors": "actor",
    "sectors": "sector",
    "geo": "geo",
    "search": "q",
    "metric": "metric",
    "layers": "layers",
    "timeline": "timeline",
    "selected": "sel",
    "mode": "mode",
    "briefing": "briefing",
    "scene": "scene",
}
LIST_FIELDS = ("regions", "donors", "actors", "sectors", "geo", "layers")
CHOICE_FIELDS = {"lang": LANGS, "metric": METRICS, "mode": MODES, "timeline": TIMELINES}
PERIOD_PARAMS = ("year", "from", "to")
KNOWN_PARAMS = frozenset({*_PARAM.values(), *PERIOD_PARAMS})


def default_state(options: Options) -> ViewState:
    """The view a new visitor sees: the current year, everything shown, English."""
    return ViewState(period=Period.year(options.months[1].year))


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


def _period_from_values(values: dict[str, Any], options: Options) -> tuple[Period | None, list[str]]:
    """The period from URL-style values (year / from / to), or from the controls (years, months)."""
    text = {k: values.get(k) for k in PERIOD_PARAMS}
    if "years" in values and all(text[k] is None for k in PERIOD_PARAMS):
        years = values.get("years")
        if not (isinstance(years, list | tuple) and len(years) == 2 and all(isinstance(y, int) for y in years)):  # noqa: PLR2004
            return None, [f"years={str(years)[:20]}"]
        m0, m1 = values.get("month_from") or 1, values.get("month_to") or 12
        if not (isinstance(m0, int) and isinstance(m1, int)):
            return None, [f"months={str(m0)[:4]},{str(m1)[:4]}"]
        text = {"year": None, "from": f"{years[0]:04d}-{m0:02d}", "to": f"{years[1]:04d}-{m1:02d}"}
    if all(v is None for v in text.values()):
        return None, []
    if not all(v is None or isinstance(v, str) for v in text.values()):
        return None, [f"{k}={str(v)[:20]}" for k, v in text.items() if v is not None]
    try:
        return parse_period(text["year"], text["from"], text["to"], options.months), []
    except PeriodError as exc:
        given = " ".join(f"{k}={str(v)[:20]}" for k, v in text.items() if v is not None)
        return None, [f"{given} ({exc})"]


def state_from_values(values: dict[str, Any], options: Options) -> ViewState:
    """Build a valid state from untrusted values (controls, stores or a parsed query)."""
    base = default_state(options)
    ignored: list[str] = []
    allowed = _allowed_lists(options)
    out: dict[str, Any] = {}
    period, bad_period = _period_from_values(values, options)
    ignored += bad_period
    if period is not None:
        out["period"] = period
    for name in LIST_FIELDS:
        if name in values and values[name] is not None:
            kept, bad = _clean_list(values[name], allowed[name])
            out[name] = kept
            ignored += [f"{_PARAM[name]}={b}" for b in bad]
    if "geo" in out and not out["geo"]:
        out["geo"] = base.geo  # an empty choice means the default, never "nothing anywhere"
    for name, choices in CHOICE_FIELDS.items():
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
    ignored += _briefing(values, options, out)
    return replace(base, **out, ignored=tuple(ignored))


def _briefing(values: dict[str, Any], options: Options, out: dict[str, Any]) -> list[str]:
    scenes = dict(options.briefings)
    briefing = values.get("briefing")
    if not briefing:
        return []
    if not (isinstance(briefing, str) and briefing in scenes):
        return [f"briefing={str(briefing)[:40]}"]
    out["briefing"] = briefing
    try:
        scene = int(str(values.get("scene") or 1)[:4])
    except ValueError:
        out["scene"] = 1
        return [f"scene={str(values.get('scene'))[:10]}"]
    out["scene"] = min(max(scene, 1), scenes[briefing])
    return [] if scene == out["scene"] else [f"scene={scene}"]


def _values_from_query(query: str | None, options: Options) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(query, str):
        return {}, ["query"]
    text = query.lstrip("?")
    if len(text) > MAX_QUERY:
        return {}, [f"query longer than {MAX_QUERY} characters"]
    try:
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return {}, [f"query with more than {MAX_FIELDS} parameters"]
    allowed = _allowed_lists(options)
    values: dict[str, Any] = {k: parsed[k][-1] for k in PERIOD_PARAMS if k in parsed}
    for name, param in _PARAM.items():
        if param in parsed and name != "period":
            if name in LIST_FIELDS:
                # Repeated parameters (donor=a&donor=b); a value that is not an option as a
                # whole may be a hand-written comma list (region=ML-5,ML-7).
                items: list[str] = []
                for raw in parsed[param]:
                    items += [raw] if raw in allowed[name] else [v for v in raw.split(",") if v]
                values[name] = items
            else:
                values[name] = parsed[param][-1]
    unknown = [f"{k}={parsed[k][-1][:20]}" for k in parsed if k not in KNOWN_PARAMS]
    return values, unknown


def parse_query(query: str | None, options: Options) -> ViewState:
    """Parse a URL query (with or without ``?``) into a valid state; never raises.

    Whatever could not be used is listed in ``ignored`` (the UI shows it in a banner).
    """
    values, unknown = _values_from_query(query, options)
    state = state_from_values(values, options)
    return replace(state, ignored=(*unknown, *state.ignored))


def parse_query_strict(query: str | None, options: Options, extra: frozenset[str] = frozenset()) -> ViewState:
    """Parse a query for an export or the CLI: any unknown parameter or value raises
    :class:`QueryError` naming it and what is accepted. ``extra`` names parameters the caller
    reads itself (``format``, ``title``, ``size`` ...), which are not part of the view.
    """
    text = query.lstrip("?") if isinstance(query, str) else query
    pairs = parse_qs(text, keep_blank_values=True) if isinstance(text, str) and len(text) <= MAX_QUERY else {}
    view_only = urlencode([(k, v) for k, vs in pairs.items() if k not in extra for v in vs])
    state = parse_query(view_only if isinstance(query, str) and len(query) <= MAX_QUERY else query, options)
    if state.ignored:
        raise QueryError([explain(item, options) for item in state.ignored])
    return state


def explain(item: str, options: Options) -> str:
    """A message for one ignored ``param=value``: what was wrong and what is accepted."""
    param = item.split("=", 1)[0]
    lo, hi = options.months
    accepted = {
        "year": f"YYYY or YYYY-YYYY between {lo.year} and {hi.year}",
        "from": f"YYYY or YYYY-MM between {lo.iso()} and {hi.iso()}",
        "to": f"YYYY or YYYY-MM between {lo.iso()} and {hi.iso()}",
        "region": ", ".join(sorted(options.regions)),
        "actor": ", ".join(sorted(options.actors)),
        "sector": ", ".join(sorted(options.sectors)),
        "geo": ", ".join(GEOS),
        "layers": ", ".join(LAYERS),
        "donor": "a donor name as listed in the filter",
        "sel": "an engagement id from engagements.csv",
        "briefing": ", ".join(b for b, _ in options.briefings) or "(no briefings)",
        "scene": "a scene number of the briefing",
        **{_PARAM[k]: ", ".join(v) for k, v in CHOICE_FIELDS.items()},
    }
    if param in accepted:
        return f"{item}: expected {accepted[param]}"
    return f"unknown parameter {item!r}: accepted parameters are {', '.join(sorted(KNOWN_PARAMS))}"


def _allowed_lists(options: Options) -> dict[str, frozenset[str] | tuple[str, ...]]:
    return {"regions": options.regions, "donors": options.donors, "actors": options.actors,
            "sectors": options.sectors, "geo": GEOS, "layers": LAYERS}


def to_query(state: ViewState, options: Options) -> str:
    """Encode ``state`` as a canonical query string, omitting defaults (``""`` if none)."""
    base = default_state(options)
    pairs: list[tuple[str, str]] = []
    for name, param in _PARAM.items():
        value = getattr(state, name)
        if value == getattr(base, name):
            continue
        if name == "period":
            pairs += value.params()
        elif isinstance(value, tuple):
            # Commas join short codes for readability; a value containing a comma (some donor
            # names do) goes as its own repeated parameter so it survives the round trip.
            if any("," in v for v in value):
                pairs += [(param, v) for v in value]
            else:
                pairs.append((param, ",".join(value)))
        else:
            pairs.append((param, str(value)))
    return "?" + urlencode(pairs, safe=",") if pairs else ""
