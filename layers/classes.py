"""Fixed colour classes for each choropleth metric, with "none" and "unknown" as classes of their own.

The breaks are constants, not quantiles of the current view: a briefing compares slides,
and a scale that re-stretches with every filter or year would lie. The palette is
ColorBrewer YlGnBu (colour-blind safe, prints in greyscale). *Unknown is never zero*: a
region with no figure gets the "unknown" class (grey) and its label says so; a region with
nothing to count gets "none" (white). Every region also carries its value as text, so no
information is carried by colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from layers.i18n import fmt_eur, fmt_int, t

PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA_COLOUR = "#a6a6a6"  # unknown: a mid grey, darker than the lightest class
NONE_COLOUR = "#ffffff"  # none: nothing to count here
# Not in this view: the view leaves Mali out (*Where*), so its regions have nothing to say; drawn
# like the neighbouring countries' land, never like a value, "none" or "unknown".
EXCLUDED_COLOUR = "#f4f4f1"
EXCLUDED, NONE, UNKNOWN = -3, -2, -1  # class indices below the value classes
# Region labels: white on the darkest class, black on the others. Each pair is at least 4.5:1
# (tests/test_classes.py): on the second-darkest class (#2c7fb8) black gives 4.8:1, where white
# gave 4.3:1 and the earlier #1a1a1a 4.0:1.
DARK_CLASSES = frozenset({4})
LABEL_LIGHT = "#ffffff"
LABEL_DARK = "#000000"


@dataclass(frozen=True)
class ClassScheme:
    """Lower bounds of each class (the first class starts at its bound, inclusive)."""

    metric: str
    lower_bounds: tuple[float, ...]
    has_none: bool = False  # whether "none" (nothing to count) is a class of this metric
    palette: tuple[str, ...] = PALETTE  # one colour per value class, light to dark
    unknown_colour: str = NO_DATA_COLOUR
    dark: frozenset[int] = DARK_CLASSES  # classes whose labels are white
    excluded: bool = False  # a view that leaves Mali out: its one class is EXCLUDED (``without_mali``)

    def without_mali(self) -> ClassScheme:
        """The scheme of a view that leaves Mali out: one class, "not in this view" (its map has
        nothing else to show, so its legend lists nothing else).
        """
        return replace(self, excluded=True)

    def classify(self, value: float | None, status: str = "value") -> int:
        """Class index of ``value``; UNKNOWN when missing, NONE when there is nothing to count,
        EXCLUDED in a scheme ``without_mali``.
        """
        if self.excluded:
            return EXCLUDED
        if status == "none" and self.has_none:
            return NONE
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return UNKNOWN
        index = 0
        for i, bound in enumerate(self.lower_bounds):
            if value >= bound:
                index = i
        return index

    @property
    def first_class(self) -> int:
        """The lowest class index the legend shows."""
        return EXCLUDED if self.excluded else NONE if self.has_none else UNKNOWN

    def labels(self, lang: str) -> list[str]:
        """Legend text of each class, from ``first_class`` up."""
        if self.excluded:
            return [t("class_excluded", lang)]
        fmt = fmt_eur if self.metric == "budget" else fmt_int
        out = ([t("class_none_" + self.metric, lang)] if self.has_none else []) + [t("class_unknown_" + self.metric, lang)]
        bounds = self.lower_bounds
        for i, lo in enumerate(bounds):
            if i == len(bounds) - 1:
                out.append(f"≥ {fmt(lo, lang)}")
            elif self.metric == "engagements":
                hi = bounds[i + 1] - 1
                out.append(fmt(lo, lang) if hi == lo else f"{fmt(lo, lang)}–{fmt(hi, lang)}")
            elif lo == 0 and bounds[i + 1] > 0 and self.metric == "budget":
                out.append(f"< {fmt(bounds[i + 1], lang)}")
            else:
                out.append(f"{fmt(lo, lang)}–{fmt(bounds[i + 1], lang)}")
        return out

    def fill(self, index: int) -> str:
        """The colour of class ``index`` (EXCLUDED, NONE and UNKNOWN included)."""
        return self.colours()[index - self.first_class]

    def label_colour(self, index: int, *, dimmed: bool = False) -> str:
        """The colour of a region label on class ``index``: white on the ``dark`` classes, black
        elsewhere; black on a dimmed region (drawn faint over the light land, whatever its class).
        """
        return LABEL_LIGHT if index in self.dark and not dimmed else LABEL_DARK

    def colours(self) -> list[str]:
        """The colour of each class, from ``first_class`` up."""
        if self.excluded:
            return [EXCLUDED_COLOUR]
        return [*([NONE_COLOUR] if self.has_none else []), self.unknown_colour, *self.palette]

    def colorscale(self) -> list[list[float | str]]:
        """A stepped plotly colorscale over ``color_range``."""
        colours = self.colours()
        n = len(colours)
        scale: list[list[float | str]] = []
        for i, colour in enumerate(colours):
            scale += [[i / n, colour], [(i + 1) / n, colour]]
        return scale

    @property
    def color_range(self) -> tuple[float, float]:
        """zmin, zmax that centre each class on its index."""
        return self.first_class - 0.5, self.first_class + len(self.colours()) - 0.5


SCHEMES: dict[str, ClassScheme] = {
    "idp": ClassScheme("idp", (0, 5_000, 20_000, 50_000, 100_000)),
    "budget": ClassScheme("budget", (0, 5e6, 20e6, 50e6, 100e6), has_none=True),
    "engagements": ClassScheme("engagements", (0, 1, 3, 5, 8)),
}

# The briefing stage (a projector, often washed out): three value classes whose neighbours in
# the legend, "none" and "unknown" included, are at least 3:1 apart in contrast (WCAG's formula;
# tests/test_classes.py checks it). Five classes cannot all be 3:1 apart: 3^4 > 21, the widest
# contrast there is. The region labels carry the exact values.
STAGE_PALETTE = ("#ffffd9", "#1d91c0", "#081d58")
STAGE_UNKNOWN = "#6e6e6e"
STAGE_SCHEMES: dict[str, ClassScheme] = {
    "idp": ClassScheme("idp", (0, 20_000, 100_000), palette=STAGE_PALETTE, unknown_colour=STAGE_UNKNOWN,
                       dark=frozenset({UNKNOWN, 2})),
    "budget": ClassScheme("budget", (0, 20e6, 100e6), has_none=True, palette=STAGE_PALETTE, unknown_colour=STAGE_UNKNOWN,
                          dark=frozenset({UNKNOWN, 2})),
    "engagements": ClassScheme("engagements", (0, 1, 3), palette=STAGE_PALETTE, unknown_colour=STAGE_UNKNOWN,
                               dark=frozenset({UNKNOWN, 2})),
}


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)  # noqa: PLR2004
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def blend(colour: str, under: str, alpha: float) -> str:
    """``colour`` drawn at opacity ``alpha`` over ``under`` (#rrggbb)."""
    mixed = (round(int(colour[i:i + 2], 16) * alpha + int(under[i:i + 2], 16) * (1 - alpha)) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
