"""The view state: everything a shareable link restores, and its URL query encoding.

One parser for every interface. :func:`parse_query` never raises: the UI shows what it could
not use in a banner (``ViewState.ignored``). :func:`parse_query_strict` raises
:class:`QueryError` naming every unknown parameter or value and what is accepted: ``/export``
answers 400 with it and the CLI exits 2. Neither substitutes a value silently: strict refuses
exactly what lenient lists in ``ignored`` (an unknown parameter or value, a parameter that takes
one value given more than once, a parameter given without a value other than ``layers=``, a
list value given twice, a search longer than :data:`MAX_TEXT` or with control characters,
``scene=`` without ``briefing=``, and any period :func:`layers.period.parse_period` refuses).
``to_query(parse_query(q))`` is canonical, and ``parse_query(to_query(s)) == s``.

``since=`` names a data release, by its version (``2026-11-30-3fa9c2d1``) or a date
``YYYY-MM-DD`` (the latest release on or before it): the view then marks what changed since
(:mod:`layers.changes`). A value that names no release is refused like any other.

Three parameters shape exports only (``title=``, ``subtitle=``, ``size=``): a custom title and
subtitle (printable text of at most :data:`MAX_TITLE` / :data:`MAX_SUBTITLE` characters, kept
as plain text: the figure escapes it, so plotly markup from a user is shown, never run) and a
print size (:data:`SIZES`). The facts of a view never depend on them (:meth:`ViewState.for_facts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

from layers.period import Month, Period, PeriodError, parse_period

LANGS = ("en", "fr")
METRICS = ("idp", "budget", "engagements")
LAYERS = ("regions", "sites", "footprint", "context", "labels", "rivers", "towns")
DEFAULT_LAYERS = LAYERS
GEOS = ("mali", "sahel", "comparators")  # where listed engagements work (see layers.rules.selection)
TIMELINES = ("period", "date")  # the timeline shows the period's engagements, or those active on its date
MODES = ("explore", "brief", "presenter")
SIZES = ("a4-landscape", "a4-portrait", "column", "slide")  # export print sizes (layers.snapshot.PAGE_SIZES)
MAX_LIST = 50  # more items than any option list has: longer lists are hostile or broken
MAX_TEXT = 80
MAX_TITLE = 120  # an export's custom title: one line or two at any print size
MAX_SUBTITLE = 200
MAX_QUERY = 4000
MAX_FIELDS = 40


class QueryError(ValueError):
    """Parameters that cannot be used as given; ``problems`` has one message each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Issue:
    """One part of a query or of control values that was not used as given.

    ``str(issue)`` is the short item the banner lists (``ViewState.ignored``); :func:`explain`
    turns it into a strict-mode message naming the parameter, the value and what is expected.
    """

    param: str  # the URL parameter ("query" for the query as a whole)
    shown: str  # what was given, as ``param=value`` (cut short)
    reason: str = ""  # why, when the value alone does not say
    expected: str = ""  # what is accepted, when it is not the parameter's usual values

    def __str__(self) -> str:
        return f"{self.shown} ({self.reason})" if self.reason else self.shown


@dataclass(frozen=True)
class Options:
    """The values the data allows for each filter (computed once from the catalog)."""

    # The first month a period may cover, and the data's latest month (never after today): the latest a period may start
    # in (it may run on to the end of that year). See layers.period.parse_period.
    months: tuple[Month, Month]
    regions: frozenset[str]
    donors: frozenset[str]
    actors: frozenset[str]
    sectors: frozenset[str]
    engagements: frozenset[str]
    briefings: tuple[tuple[str, int], ...] = ()  # (briefing id, number of scenes)
    releases: tuple[tuple[str, str], ...] = ()  # (version, date YYYY-MM-DD) of each data release, oldest first

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
    title: str = ""  # an export's own title ("": one that describes the view)
    subtitle: str = ""  # an export's own subtitle ("": the period and filters in words)
    size: str = SIZES[0]  # an export's print size
    since: str = ""  # a data release (version, or a date: the latest release on or before it): mark what changed since
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @property
    def counts_mali(self) -> bool:
        """Whether Mali's engagements are in the view (*Where*): without them, the Mali counts and
        maps have nothing to say, which is not "none" (``layers.faces``, ``layers.classes``).
        """
        return "mali" in self.geo

    @property
    def maps_mali(self) -> bool:
        """Whether the map's regions have values: IDPs (the backdrop, never filtered by *Where*)
        always; the engagement and money maps only in a view that counts Mali.
        """
        return self.counts_mali or self.metric == "idp"

    def for_facts(self) -> ViewState:
        """The same view without its export-only fields (title, subtitle, size): what the
        facts depend on, so a custom title never recomputes (or re-caches) a view.
        """
        if (self.title, self.subtitle, self.size) == ("", "", SIZES[0]):
            return self
        return replace(self, title="", subtitle="", size=SIZES[0])

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
    "title": "title",
    "subtitle": "subtitle",
    "size": "size",
    "since": "since",
}
LIST_FIELDS = ("regions", "donors", "actors", "sectors", "geo", "layers")
CHOICE_FIELDS = {"lang": LANGS, "metric": METRICS, "mode": MODES, "timeline": TIMELINES, "size": SIZES}
TEXT_FIELDS = {"search": MAX_TEXT, "title": MAX_TITLE, "subtitle": MAX_SUBTITLE}  # free text: printable, length-limited
PERIOD_PARAMS = ("year", "from", "to")
KNOWN_PARAMS = frozenset({*_PARAM.values(), *PERIOD_PARAMS})
LIST_PARAMS = frozenset(_PARAM[name] for name in LIST_FIELDS)  # may repeat: donor=a&donor=b
SINGLE_PARAMS = KNOWN_PARAMS - LIST_PARAMS  # one value each: year=2019&year=2020 is refused
EMPTY_ALLOWED = frozenset({"layers"})  # layers= is "no layers"; any other empty value is refused
_FIELD = {param: name for name, param in _PARAM.items() if name != "period"}
_SCENE_RE = re.compile(r"[0-9]{1,3}")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def default_state(options: Options) -> ViewState:
    """The view a new visitor sees: the current year, everything shown, English."""
    return ViewState(period=Period.year(options.months[1].year))


def _show(value: object, size: int) -> str:
    """``value`` cut to ``size`` characters, control characters escaped (a newline as two characters)."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(value)[:size])


def _clean_text(value: object, param: str = "q", limit: int = MAX_TEXT) -> tuple[str, Issue | None]:
    """Free text (a search, an export title), printable and at most ``limit`` characters; an
    issue if it was cut or had control characters (bidi overrides included: they are not printable).
    """
    raw = str(value)[:MAX_QUERY]
    # A line break or tab becomes a space ("Aid\nto Mali" reads "Aid to Mali"); other controls go.
    printable = "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in raw)
    text = printable.strip()
    if len(text) > limit:
        return text[:limit].strip(), Issue(param, f"{param}={_show(text, 20)}…", f"longer than {limit} characters")
    if printable != raw:
        return text, Issue(param, f"{param}={_show(text, 20)}", "control characters removed")
    return text, None


def _clean_list(values: object, allowed: frozenset[str] | tuple[str, ...], param: str) -> tuple[tuple[str, ...], list[Issue]]:
    if isinstance(values, str):
        values = [v for v in values.split(",") if v]
    if not isinstance(values, list | tuple):
        return (), [Issue(param, f"{param}={_show(values, 40)}")]
    kept: list[str] = []
    issues: list[Issue] = []
    for value in list(values)[:MAX_LIST]:
        if isinstance(value, str) and value in kept:
            issues.append(Issue(param, f"{param}={_show(value, 40)}", "given twice", "each value once"))
        elif isinstance(value, str) and value in allowed:
            kept.append(value)
        else:
            issues.append(Issue(param, f"{param}={_show(value, 40)}"))
    if len(values) > MAX_LIST:
        issues.append(Issue(param, f"{param}=…", f"{len(values) - MAX_LIST} values more than {MAX_LIST}",
                            f"at most {MAX_LIST} values"))
    return tuple(kept), issues


def _period_from_values(values: dict[str, Any], options: Options) -> tuple[Period | None, list[Issue]]:
    """The period from URL-style values (year / from / to), or from the controls (years, months)."""
    text = {k: values.get(k) for k in PERIOD_PARAMS}
    if "years" in values and all(text[k] is None for k in PERIOD_PARAMS):
        years = values.get("years")
        if not (isinstance(years, list | tuple) and len(years) == 2 and all(isinstance(y, int) for y in years)):  # noqa: PLR2004
            return None, [Issue("year", f"years={_show(years, 20)}")]
        m0, m1 = values.get("month_from") or 1, values.get("month_to") or 12
        if not (isinstance(m0, int) and isinstance(m1, int)):
            return None, [Issue("from", f"months={_show(m0, 4)},{_show(m1, 4)}")]
        text = {"year": None, "from": f"{years[0]:04d}-{m0:02d}", "to": f"{years[1]:04d}-{m1:02d}"}
    given = {k: v for k, v in text.items() if v is not None}
    if not given:
        return None, []
    shown = " ".join(f"{k}={_show(v, 20)}" for k, v in given.items())
    if not all(isinstance(v, str) for v in given.values()):
        return None, [Issue(k, f"{k}={_show(v, 20)}") for k, v in given.items()]
    try:
        return parse_period(text["year"], text["from"], text["to"], options.months), []
    except PeriodError as exc:
        return None, [Issue(next(iter(given)), shown, str(exc))]


def state_from_values(values: dict[str, Any], options: Options) -> ViewState:
    """Build a valid state from untrusted values (controls, stores or a parsed query)."""
    state, issues = _state_and_issues(values, options)
    return replace(state, ignored=tuple(str(i) for i in issues))


def state_from_controls(values: dict[str, Any], previous: object, options: Options) -> tuple[ViewState, bool]:
    """The view the controls ask for, and True; or, when their period cannot be used (the last
    month before the first, a period that starts after the data's latest month), the ``previous`` view
    (a store payload, re-validated) with the problem in ``ignored``, and False.

    A bad choice of months never substitutes another view: the page keeps showing what it
    showed, and the banner says why the choice was not applied.
    """
    _, bad = _period_from_values(values, options)
    if not bad:
        return state_from_values(values, options), True
    kept, issues = _state_and_issues(previous if isinstance(previous, dict) else {}, options)
    return replace(kept, ignored=tuple(str(i) for i in (*bad, *issues))), False


def _state_and_issues(values: dict[str, Any], options: Options) -> tuple[ViewState, list[Issue]]:
    base = default_state(options)
    allowed = _allowed_lists(options)
    out: dict[str, Any] = {}
    period, issues = _period_from_values(values, options)
    if period is not None:
        out["period"] = period
    for name in LIST_FIELDS:
        if name in values and values[name] is not None:
            out[name], bad = _clean_list(values[name], allowed[name], _PARAM[name])
            issues += bad
    if "geo" in out and not out["geo"]:
        out["geo"] = base.geo  # an empty choice means the default, never "nothing anywhere"
    for name, choices in CHOICE_FIELDS.items():
        value = values.get(name)
        if value is not None:
            if isinstance(value, str) and value in choices:
                out[name] = value
            else:
                issues.append(Issue(_PARAM[name], f"{_PARAM[name]}={_show(value, 20)}"))
    for name, limit in TEXT_FIELDS.items():
        if values.get(name) is not None:
            out[name], issue = _clean_text(values[name], _PARAM[name], limit)
            issues += [issue] if issue else []
    selected = values.get("selected")
    if selected:
        if isinstance(selected, str) and selected in options.engagements:
            out["selected"] = selected
        else:
            issues.append(Issue("sel", f"sel={_show(selected, 40)}"))
    issues += _briefing(values, options, out)
    issues += _since(values.get("since"), options, out)
    return replace(base, **out), issues


def since_problem(value: object, options: Options) -> str:
    """Why ``value`` names no data release ("" when it names one): a release's version, or a
    date ``YYYY-MM-DD`` (ASCII digits, a real day) on or after the first release.
    """
    releases = options.releases
    if not isinstance(value, str):
        return "not a text"
    if not releases:
        return "no data release yet (sahel-dashboard release makes one)"
    if any(value == version for version, _ in releases):
        return ""
    found = _DATE_RE.fullmatch(value)
    if not found:
        return "not a release version or a date YYYY-MM-DD"
    try:
        date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return "not a day of the calendar"
    first_version, first_date = releases[0]
    if value < first_date:
        return f"before the first release ({first_version}, {first_date})"
    return ""


def _since(value: object, options: Options, out: dict[str, Any]) -> list[Issue]:
    if value is None or value == "":
        return []
    problem = since_problem(value, options)
    if problem:
        return [Issue("since", f"since={_show(value, 30)}", problem)]
    out["since"] = value
    return []


def _briefing(values: dict[str, Any], options: Options, out: dict[str, Any]) -> list[Issue]:
    scenes = dict(options.briefings)
    briefing, scene = values.get("briefing"), values.get("scene")
    if not briefing:
        if scene is None or scene in ("", 0):  # 0: no scene (the store's value)
            return []
        return [Issue("scene", f"scene={_show(scene, 10)}", "without briefing=", "scene= only with briefing=")]
    if not (isinstance(briefing, str) and briefing in scenes):
        return [Issue("briefing", f"briefing={_show(briefing, 40)}")]
    out["briefing"] = briefing
    text = str(1 if scene is None or scene == "" else scene)[:10]
    if isinstance(scene, bool) or not _SCENE_RE.fullmatch(text):
        out["scene"] = 1
        return [Issue("scene", f"scene={_show(text, 10)}")]
    number = int(text)
    out["scene"] = min(max(number, 1), scenes[briefing])
    if number == out["scene"]:
        return []
    return [Issue("scene", f"scene={number}", f"briefing {briefing} has scenes 1 to {scenes[briefing]}")]


def _values_from_query(query: str | None, options: Options) -> tuple[dict[str, Any], list[Issue]]:
    if not isinstance(query, str):
        return {}, [Issue("query", "query", "not a text")]
    text = query.lstrip("?")
    if len(text) > MAX_QUERY:
        return {}, [Issue("query", "query", f"longer than {MAX_QUERY} characters")]
    try:
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return {}, [Issue("query", "query", f"more than {MAX_FIELDS} parameters")]
    allowed = _allowed_lists(options)
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    for param, every in parsed.items():
        if param not in KNOWN_PARAMS:
            issues.append(Issue(param, f"{_show(param, 20)}={_show(every[-1], 20)}"))
            continue
        given = every if param in EMPTY_ALLOWED else [v for v in every if v != ""]
        issues += [Issue(param, f"{param}=", "given without a value") for _ in range(len(every) - len(given))]
        if not given:
            continue
        if param in SINGLE_PARAMS and len(given) > 1:
            # Lenient keeps the last (as a browser's form would); strict refuses the link.
            issues += [Issue(param, f"{param}={_show(v, 20)}", f"{param}= given {len(given)} times", f"{param}= once")
                       for v in given[:-1]]
        if param in PERIOD_PARAMS:
            values[param] = given[-1]
        elif param in LIST_PARAMS:
            # Repeated parameters (donor=a&donor=b); a value that is not an option as a
            # whole may be a hand-written comma list (region=ML-5,ML-7).
            name = _FIELD[param]
            items: list[str] = []
            for raw in given:
                items += [raw] if raw in allowed[name] else [v for v in raw.split(",") if v]
            values[name] = items
        else:
            values[_FIELD[param]] = given[-1]
    return values, issues


def _parse(query: str | None, options: Options) -> tuple[ViewState, list[Issue]]:
    values, issues = _values_from_query(query, options)
    state, more = _state_and_issues(values, options)
    return state, [*issues, *more]


def parse_query(query: str | None, options: Options) -> ViewState:
    """Parse a URL query (with or without ``?``) into a valid state; never raises.

    Whatever could not be used is listed in ``ignored`` (the UI shows it in a banner).
    """
    state, issues = _parse(query, options)
    return replace(state, ignored=tuple(str(i) for i in issues))


def parse_query_strict(query: str | None, options: Options, extra: frozenset[str] = frozenset()) -> ViewState:
    """Parse a query for an export or the CLI: anything :func:`parse_query` would list in
    ``ignored`` raises :class:`QueryError` naming the parameter, the value and what is accepted.
    ``extra`` names parameters the caller reads itself (``format``, ``title``, ``size`` ...),
    which are not part of the view.
    """
    text = query.lstrip("?") if isinstance(query, str) else query
    pairs = parse_qs(text, keep_blank_values=True) if isinstance(text, str) and len(text) <= MAX_QUERY else {}
    view_only = urlencode([(k, v) for k, vs in pairs.items() if k not in extra for v in vs])
    state, issues = _parse(view_only if isinstance(query, str) and len(query) <= MAX_QUERY else query, options)
    if issues:
        raise QueryError([explain(issue, options) for issue in issues])
    return state


def explain(issue: Issue, options: Options) -> str:
    """The strict-mode message for one issue: the parameter and value, why, and what is accepted."""
    if issue.shown == "query":  # the query as a whole (a parameter's issue always shows "param=")
        return f"the query: {issue.reason}"
    lo, hi = options.months
    accepted = {
        "year": f"YYYY or YYYY-YYYY between {lo.year} and {hi.year}",
        "from": f"YYYY or YYYY-MM from {lo.iso()} to {hi.iso()} (the data's latest month)",
        "to": f"YYYY or YYYY-MM from {lo.iso()} to {hi.year}-12, with from=",
        "region": ", ".join(sorted(options.regions)),
        "actor": ", ".join(sorted(options.actors)),
        "sector": ", ".join(sorted(options.sectors)),
        "geo": ", ".join(GEOS),
        "layers": ", ".join(LAYERS),
        "donor": "a donor name as listed in the filter",
        "q": f"a search text of at most {MAX_TEXT} printable characters",
        "title": f"a title of at most {MAX_TITLE} printable characters",
        "subtitle": f"a subtitle of at most {MAX_SUBTITLE} printable characters",
        "sel": "an engagement id from engagements.csv",
        "briefing": ", ".join(b for b, _ in options.briefings) or "(no briefings)",
        "scene": "a scene number (1, 2 ...) of the briefing named by briefing=",
        "since": (f"a data release: a version ({', '.join(v for v, _ in options.releases[-5:])}) or a date YYYY-MM-DD "
                  f"on or after {options.releases[0][1]} (the latest release on or before it)") if options.releases
                 else "a data release (there is none yet: sahel-dashboard release makes one)",
        **{_PARAM[k]: ", ".join(v) for k, v in CHOICE_FIELDS.items()},
    }
    if issue.param not in accepted:
        return f"unknown parameter {issue.shown!r}: accepted parameters are {', '.join(sorted(KNOWN_PARAMS))}"
    expected = issue.expected or accepted[issue.param]
    return f"{issue.shown}: {issue.reason}; expected {expected}" if issue.reason else f"{issue.shown}: expected {expected}"


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
