"""Write assets/fonts/print/: TrueType copies of the vendored WOFF2 fonts, for exports.

kaleido draws a figure as an SVG image, which can use only the fonts the system's fontconfig
knows, and the FreeType inside Chromium cannot open WOFF2 (measured: a page that named the WOFF2
files through fontconfig still drew in a fallback). The export's browser is pointed at these
copies (``dashboard/export_browser.py``). Each is the same font in another container: fontTools
unpacks the WOFF2 and writes the tables as they are (no glyph, name or metric changed, so the
OFL's reserved name is kept as the font has it); tests/test_text_metrics.py checks that.

Run: ``python scripts/print_fonts.py`` after re-vendoring the font (scripts/vendor_assets.sh runs
it; needs the build or test extra: fonttools, brotli).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "assets" / "fonts"
OUT = FONTS / "print"


def print_copy(woff2: Path, out_dir: Path = OUT) -> Path:
    """Write ``woff2`` as a TrueType file in ``out_dir``; returns its path."""
    from fontTools.ttLib import TTFont

    font = TTFont(woff2, recalcTimestamp=False)  # the same bytes on every run
    font.flavor = None  # the same tables in an sfnt container
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / woff2.with_suffix(".ttf").name
    font.save(out, reorderTables=True)
    return out


def main() -> None:
    """Write every copy."""
    for woff2 in sorted(FONTS.glob("*.woff2")):
        print(f"wrote {print_copy(woff2).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
