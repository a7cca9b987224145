"""Map label placement that avoids collisions at the default zoom.

Greedy, in priority order: each label tries a few positions around its point and takes the
first whose box overlaps neither an accepted label nor a marker; a label that fits nowhere
is hidden (its point keeps its hover text). A label that *must* show (the capital, the
selected engagement's places, the filtered regions, the places a briefing scene names) is
placed first and never hidden: failing a free position it takes the least crowded one, and
the labels after it make way. Hard obstacles (selection rings) are avoided by every label,
area names included, so a ring never covers a label. An area name given its polygon (a region's,
which carries its value and so must show) may move anywhere around its point whose centre stays
inside the polygon; the smallest areas are placed first (Bamako before the Koulikoro around it).
Boxes are estimated in degrees from the font size and the map's scale at the default view, which
is what "at the default zoom" means.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import shapely

POSITIONS = ("middle right", "middle left", "top center", "bottom center")
CENTRED_POSITIONS = ("middle center", "top center", "bottom center")


@dataclass(frozen=True)
class LabelRequest:
    """A label to place: anchor point, text, priority (higher first), whether it has a marker."""

    key: str
    lon: float
    lat: float
    text: str
    priority: int
    centred: bool = False  # region names sit on their point instead of beside a marker
    must: bool = False  # never hidden (placed before every optional label)
    clear_of_markers: bool = False  # an area name that must not sit on a marker either (country names)
    area: Any = None  # an area name's polygon (shapely): the label may move, but its centre stays inside


@dataclass(frozen=True)
class Placement:
    """Where a label went (``position`` is a plotly ``textposition``; an area name may also be
    moved off its point by ``dlon``/``dlat`` degrees) or that it is hidden.
    """

    key: str
    position: str
    shown: bool
    dlon: float = 0.0
    dlat: float = 0.0


class Box(NamedTuple):
    """A rectangle in degrees."""

    lon0: float
    lat0: float
    lon1: float
    lat1: float


def _box(req: LabelRequest, position: str, char_deg: float, line_deg: float, gap_deg: float) -> Box:
    lines = req.text.split("<br>")
    width = max(_chars(_strip_tags(line)) for line in lines) * char_deg
    height = len(lines) * line_deg
    x, y = req.lon, req.lat
    pad = 0.15 * line_deg  # breathing room so neighbouring labels never touch
    width += 2 * pad
    height += 2 * pad
    if position == "middle center":
        return Box(x - width / 2, y - height / 2, x + width / 2, y + height / 2)
    if position == "middle right":
        return Box(x + gap_deg, y - height / 2, x + gap_deg + width, y + height / 2)
    if position == "middle left":
        return Box(x - gap_deg - width, y - height / 2, x - gap_deg, y + height / 2)
    if position == "top center":
        return Box(x - width / 2, y + gap_deg, x + width / 2, y + gap_deg + height)
    return Box(x - width / 2, y - gap_deg - height, x + width / 2, y - gap_deg)


def _chars(text: str) -> float:
    """A text's width in average characters: capitals and digits are wider, spaces narrower
    (a country name in capitals is a fifth wider than the same letters in lower case).
    """
    return sum(1.18 if c.isupper() or c.isdigit() else 0.5 if c in " .,'’" else 1.0 for c in text)


def _strip_tags(text: str) -> str:
    out, inside = [], False
    for ch in text:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)


def _overlaps(a: Box, b: Box) -> bool:
    return a.lon0 < b.lon1 and b.lon0 < a.lon1 and a.lat0 < b.lat1 and b.lat0 < a.lat1


def _overlap_area(a: Box, b: Box) -> float:
    """How much of ``a`` lies on ``b`` (square degrees; 0 apart)."""
    return max(0.0, min(a.lon1, b.lon1) - max(a.lon0, b.lon0)) * max(0.0, min(a.lat1, b.lat1) - max(a.lat0, b.lat0))


def _candidates(req: LabelRequest, line_deg: float, char_deg: float) -> list[tuple[str, float, float]]:
    """(textposition, dlon, dlat) to try, nearest first. An area name may also move off its
    point (up, down, then sideways) to clear a ring or a must-show label; a place that must show
    may move farther off in any direction (the map draws a leader line to it).
    """
    if not req.centred:
        near = [(pos, 0.0, 0.0) for pos in POSITIONS]
        if not req.must:
            return near
        # A place that must be named may sit farther off, tied to its point by a leader line.
        width = max(_chars(_strip_tags(line)) for line in req.text.split("<br>")) * char_deg
        far = [("middle center", dx * (width / 2 + k * line_deg), dy * k * line_deg)
               for k in (1.6, 2.8) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))]
        return near + far
    return [(pos, 0.0, 0.0) for pos in CENTRED_POSITIONS] + [("middle center", dx, dy) for dx, dy in _steps(req, line_deg, char_deg)]


def _steps(req: LabelRequest, line_deg: float, char_deg: float) -> list[tuple[float, float]]:
    """The moves of an area name off its point: up, down, then sideways."""
    width = max(_chars(_strip_tags(line)) for line in req.text.split("<br>")) * char_deg
    return [(0.0, k * line_deg) for k in (1.2, -1.2, 2.2, -2.2)] + [(k * (width / 2 + line_deg), 0.0) for k in (1, -1)]


@functools.cache
def _grid(line_deg: float) -> tuple[tuple[float, float], ...]:
    """The moves of an area name held inside its area, nearest first, on a grid around its point:
    steps of a line across and 0.6 of a line up or down (Koulikoro is only a few labels wide).
    """
    grid = [(kx * line_deg, ky * 0.6 * line_deg) for kx in range(-6, 7) for ky in range(-6, 7)]
    return tuple(sorted(grid, key=lambda d: d[0] ** 2 + d[1] ** 2))


def _area_candidates(req: LabelRequest, base: Box, moves: list[tuple[float, float]], n_grid: int,
                     bounds: Box | None) -> tuple[dict[int, Box], list[int], list[int]]:
    """The boxes of an area name's moves that stay in the frame, as arrays first (a region tries
    some 170 places on every view change): (boxes by move, moves whose centre is inside the area,
    moves just beside it).
    """
    dx, dy = np.array([m[0] for m in moves]), np.array([m[1] for m in moves])
    lon0, lat0, lon1, lat1 = base.lon0 + dx, base.lat0 + dy, base.lon1 + dx, base.lat1 + dy
    fits = np.ones(len(moves), dtype=bool) if bounds is None else \
        (lon0 >= bounds.lon0) & (lat0 >= bounds.lat0) & (lon1 <= bounds.lon1) & (lat1 <= bounds.lat1)
    grid = np.flatnonzero(fits[:n_grid])
    held = shapely.contains_xy(req.area, (lon0[grid] + lon1[grid]) / 2, (lat0[grid] + lat1[grid]) / 2)
    inside = [int(k) for k in grid[held]]
    beside = [int(k) for k in np.flatnonzero(fits[n_grid:]) + n_grid]
    boxes = {k: Box(float(lon0[k]), float(lat0[k]), float(lon1[k]), float(lat1[k])) for k in inside + beside}
    return boxes, inside, beside


def place_labels(
    requests: list[LabelRequest],
    markers: list[tuple[float, float]],
    *,
    deg_per_px: float,
    font_px: float = 14.0,
    hard: list[tuple[float, float, float]] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> list[Placement]:
    """Place labels without overlap; returns one placement per request, in input order.

    ``hard`` obstacles are circles (lon, lat, radius in px) no label may overlap; ``bounds``
    (lon0, lat0, lon1, lat1) is the map's frame, which every label must stay inside.
    """
    char_deg = 0.58 * font_px * deg_per_px  # average glyph width of a sans-serif font
    line_deg = 1.25 * font_px * deg_per_px
    gap_deg = 9 * deg_per_px  # half a marker plus padding
    # An area name has no marker: plotly sets its text right against the point (measured: 9 px
    # assumed here put "BURKINA FASO", below its point, 9 px into the "Ouagadougou" above it).
    area_gap_deg = 2 * deg_per_px
    marker_half = 6 * deg_per_px
    bounds = Box(*bounds) if bounds is not None else None
    taken = [Box(x - marker_half, y - marker_half, x + marker_half, y + marker_half) for x, y in markers]
    rings = [Box(x - r * deg_per_px, y - r * deg_per_px, x + r * deg_per_px, y + r * deg_per_px) for x, y, r in hard or ()]
    result: dict[str, Placement] = {}
    label_boxes: list[Box] = []
    # Among equals, the smallest area first: it has the fewest places to go (Bamako inside Koulikoro).
    for req in sorted(requests, key=lambda r: (not r.must, -r.priority, r.area.area if r.area is not None else float("inf"))):
        # Area names (centred) may sit over a marker, and are drawn over it (map_figure.TRACE); point
        # labels must avoid markers too. Neither may overlap another label or a ring.
        own_marker = Box(req.lon - marker_half, req.lat - marker_half, req.lon + marker_half, req.lat + marker_half)
        others = [m for m in taken if m != own_marker]
        gap = area_gap_deg if req.centred else gap_deg
        blockers = [*label_boxes, *rings]
        if req.area is not None:  # always centred on where it goes: plotly's offset of a "top center"
            # text of two lines is not the box assumed here
            # The grid, then (for an area that holds no place but its point) the moves just beside it
            # an area name without an area may take.
            grid = _grid(line_deg)
            moves = [*grid, *_steps(req, line_deg, char_deg)]
            options = [("middle center", dx, dy) for dx, dy in moves]
            boxes, inside, near = _area_candidates(req, _box(req, "middle center", char_deg, line_deg, gap), moves,
                                                   len(grid), bounds)
            # Inside the area, clear of markers, then not; only when the area holds no place but its
            # point (Bamako), the places just beside it.
            tiers = [(inside, [*blockers, *others]), (inside, blockers)] + ([(near, blockers)] if len(inside) <= 1 else [])
            in_frame = dict.fromkeys(boxes, True)
        else:
            options = _candidates(req, line_deg, char_deg)
            boxes = dict(enumerate(_shift(_box(req, pos, char_deg, line_deg, gap), dx, dy) for pos, dx, dy in options))
            in_frame = {k: bounds is None or _within(box, bounds) for k, box in boxes.items()}
            every = [k for k, ok in in_frame.items() if ok]
            # Everything keeps clear of markers if it can; an area name may fall back to sitting on
            # one (the name is drawn over it) rather than disappear.
            tiers = [(every, [*blockers, *others])]
            if req.centred and not req.clear_of_markers:
                tiers.append((every, blockers))
        free = None
        for candidates, keep_clear in tiers:
            free = next((k for k in candidates if not any(_overlaps(boxes[k], o) for o in keep_clear)), None)
            if free is not None:
                break
        if free is None and req.must:  # the least crowded place (in its area, if it has one): it shows, others make way
            # Least covered, not fewest names touched: a corner on one name reads, a name on another does not
            # (at 800 px "Koulikoro 1" sat squarely on "Bamako 3" though a place just touching "Segou 2" was free of it).
            first = tiers[0][0] or list(boxes)
            free = min(first, key=lambda k: (not in_frame[k], sum(_overlap_area(boxes[k], o) for o in blockers))) if first else None
        if free is None:
            result[req.key] = Placement(req.key, options[0][0], shown=False)
            continue
        label_boxes.append(boxes[free])
        position, dx, dy = options[free]
        result[req.key] = Placement(req.key, position, shown=True, dlon=dx, dlat=dy)
    return [result[r.key] for r in requests]


def _within(box: Box, bounds: Box) -> bool:
    return box.lon0 >= bounds.lon0 and box.lat0 >= bounds.lat0 and box.lon1 <= bounds.lon1 and box.lat1 <= bounds.lat1


def _shift(box: Box, dx: float, dy: float) -> Box:
    return Box(box.lon0 + dx, box.lat0 + dy, box.lon1 + dx, box.lat1 + dy)
