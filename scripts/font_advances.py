"""Write layers/font_advances.json: the advance width of every character of the page's font.

The timeline's margins are set from its texts' widths (layers/timeline.py), not measured by
plotly in the browser (each measurement made plotly draw the figure twice). The widths come from
the vendored font itself, Source Sans 3 Regular (assets/fonts, SIL OFL 1.1), read with fontTools:
rerun this after re-vendoring the font. tests/test_text_metrics.py checks the file against it.

Run: ``python scripts/font_advances.py`` (needs the build or test extra: fonttools, brotli).
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "assets" / "fonts" / "source-sans-3-latin-400-normal.woff2"
OUT = ROOT / "layers" / "font_advances.json"


def advances(font_path: Path = FONT) -> dict[str, object]:
    """The font's units per em and each character's advance, in font units."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_path)
    metrics = font["hmtx"]
    cmap = font.getBestCmap()
    return {
        "font": f"Source Sans 3 Regular, latin subset ({font_path.name})",
        "units_per_em": font["head"].unitsPerEm,
        "advances": {chr(code): metrics[glyph][0] for code, glyph in sorted(cmap.items())},
    }


def main() -> None:
    """Write the file."""
    OUT.write_text(json.dumps(advances(), ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
