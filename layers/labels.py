"""Map label placement that avoids collisions at the default zoom.

Greedy, in priority order: each label tries a few positions around its point and takes the
first whose box overlaps neither an accepted label nor a marker; a label that fits nowhere
is hidden (its point keeps its hover text). Boxes are estimated in degrees from the font
size and the map's scale at the default view, which is what "at the default zoom" means.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Placement:
    """Where a label went (``position`` is a plotly ``textposition``) or that it is hidden."""

    key: str
    position: str
    shown: bool


Box = tuple[float, float, float, float]  # lon0, lat0, lon1, lat1


def _box(req: LabelRequest, position: str, char_deg: float, line_deg: float, gap_deg: float) -> Box:
    lines = req.text.split("<br>")
    width = max(len(_strip_tags(line)) for line in lines) * char_deg
    height = len(lines) * line_deg
    x, y = req.lon, req.lat
    pad = 0.15 * line_deg  # breathing room so neighbouring labels never touch
    width += 2 * pad
    height += 2 * pad
    if position == "middle center":
        return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
    if position == "middle right":
        return (x + gap_deg, y - height / 2, x + gap_deg + width, y + height / 2)
    if position == "middle left":
        return (x - gap_deg - width, y - height / 2, x - gap_deg, y + height / 2)
    if position == "top center":
        return (x - width / 2, y + gap_deg, x + width / 2, y + gap_deg + height)
    return (x - width / 2, y - gap_deg - height, x + width / 2, y - gap_deg)


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
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    requests: list[LabelRequest],
    markers: list[tuple[float, float]],
    *,
    deg_per_px: float,
    font_px: float = 14.0,
) -> list[Placement]:
    """Place labels without overlap; returns one placement per request, in input order."""
    char_deg = 0.58 * font_px * deg_per_px  # average glyph width of a sans-serif font
    line_deg = 1.25 * font_px * deg_per_px
    gap_deg = 9 * deg_per_px  # half a marker plus padding
    marker_half = 6 * deg_per_px
    taken: list[Box] = [(x - marker_half, y - marker_half, x + marker_half, y + marker_half) for x, y in markers]
    result: dict[str, Placement] = {}
    label_boxes: list[Box] = []
    for req in sorted(requests, key=lambda r: -r.priority):
        # Area names (centred) may sit over a marker, which is drawn on top of them; point
        # labels must avoid markers too. Neither may overlap another label.
        options = CENTRED_POSITIONS if req.centred else POSITIONS
        for position in options:
            box = _box(req, position, char_deg, line_deg, gap_deg)
            own_marker = (req.lon - marker_half, req.lat - marker_half, req.lon + marker_half, req.lat + marker_half)
            blockers = label_boxes if req.centred else [*label_boxes, *(m for m in taken if m != own_marker)]
            if not any(_overlaps(box, other) for other in blockers):
                label_boxes.append(box)
                result[req.key] = Placement(req.key, position, shown=True)
                break
        else:
            result[req.key] = Placement(req.key, options[0], shown=False)
    return [result[r.key] for r in requests]
