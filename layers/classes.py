"""Fixed colour classes for each choropleth metric.

The breaks are constants, not quantiles of the current view: a briefing compares slides,
and a scale that re-stretches with every filter or year would lie. The palette is
ColorBrewer YlGnBu (colour-blind safe, prints in greyscale); every region also carries its
value as text, so no information is carried by colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from layers.i18n import fmt_eur, fmt_int, t

PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA_COLOUR = "#d9d9d9"
# Text on the two darkest classes must be white to keep a 4.5:1 contrast.
DARK_CLASSES = frozenset({3, 4})


@dataclass(frozen=True)
class ClassScheme:
    """Lower bounds of each class (the first class starts at its bound, inclusive)."""

    metric: str
    lower_bounds: tuple[float, ...]

    def classify(self, value: float | None) -> int:
        """Class index of ``value``; -1 when the value is missing (no data)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return -1
        index = 0
        for i, bound in enumerate(self.lower_bounds):
            if value >= bound:
                index = i
        return index

    def labels(self, lang: str) -> list[str]:
        """Legend text of each class, no-data first (index -1)."""
        fmt = fmt_eur if self.metric == "budget" else fmt_int
        out = [t("no_data", lang)]
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


SCHEMES: dict[str, ClassScheme] = {
    "idp": ClassScheme("idp", (0, 5_000, 20_000, 50_000, 100_000)),
    "budget": ClassScheme("budget", (0, 5e6, 20e6, 50e6, 100e6)),
    "engagements": ClassScheme("engagements", (0, 3, 6, 10, 15)),
}


def discrete_colorscale() -> list[list[float | str]]:
    """A stepped plotly colorscale for class indices -1 (no data) .. 4."""
    colours = [NO_DATA_COLOUR, *PALETTE]
    n = len(colours)
    scale: list[list[float | str]] = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


COLOR_RANGE = (-1.5, len(PALETTE) - 0.5)  # zmin, zmax that centre each class on its index
