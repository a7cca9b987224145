"""How wide a line of text is in the page's font (Source Sans 3), from the font's own advances.

The figures whose margins are set from their texts (layers/timeline.py) use this instead of
letting plotly measure in the browser. The advances come from the vendored font
(``layers/font_advances.json``, written by ``scripts/font_advances.py``); a character the font
lacks counts one em. ``FALLBACK_FACTOR`` leaves room for the fallback fonts of the page's font
stack (Segoe UI, Helvetica, Arial run up to about 12% wider) while the web font loads.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

ADVANCES = Path(__file__).with_name("font_advances.json")
FALLBACK_FACTOR = 1.15
MISSING_EM = 1.0  # a character the font lacks (a symbol, another script): a full em


@cache
def _ems() -> dict[str, float]:
    """Each character's advance in em (read once, on first use)."""
    data = json.loads(ADVANCES.read_text(encoding="utf-8"))
    per_em = float(data["units_per_em"])
    return {c: w / per_em for c, w in data["advances"].items()}


def text_px(text: str, size_px: float) -> float:
    """The width of ``text`` on one line at ``size_px``, with room for a fallback font."""
    ems = _ems()
    return sum(ems.get(c, MISSING_EM) for c in text) * size_px * FALLBACK_FACTOR


__all__ = ["FALLBACK_FACTOR", "text_px"]
