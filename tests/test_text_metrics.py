"""The page font's advances (layers/font_advances.json) and the widths made from them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from layers.text_metrics import ADVANCES, FALLBACK_FACTOR, text_px


def test_the_advances_are_the_vendored_fonts():
    """The file is what scripts/font_advances.py reads from assets/fonts (rerun it after re-vendoring)."""
    pytest.importorskip("fontTools", reason="the test extra installs fontTools")
    spec = importlib.util.spec_from_file_location("font_advances", Path(__file__).parent.parent / "scripts" / "font_advances.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert json.loads(ADVANCES.read_text(encoding="utf-8")) == json.loads(json.dumps(script.advances()))


def test_widths_follow_the_letters_and_leave_room_for_a_fallback_font():
    assert text_px("", 13) == 0
    assert text_px("WWWW", 13) > 2.5 * text_px("iiii", 13)
    assert text_px("EUTM Mali", 26) == pytest.approx(2 * text_px("EUTM Mali", 13))
    # Source Sans 3 sets "m" at 0.829 em: at 10 px, 8.29 px, and the fallback's room on top.
    assert text_px("m", 10) == pytest.approx(8.29 * FALLBACK_FACTOR)
    assert text_px("◆", 10) == pytest.approx(10 * FALLBACK_FACTOR)  # not in the font: one em


def test_the_exports_truetype_fonts_are_the_vendored_fonts_unchanged(tmp_path):
    """assets/fonts/print holds what scripts/print_fonts.py writes from the WOFF2 files, byte for
    byte (rerun it after re-vendoring), and each is the same font: the same tables, names and
    advances in another container."""
    pytest.importorskip("fontTools", reason="the test extra installs fontTools")
    from fontTools.ttLib import TTFont

    spec = importlib.util.spec_from_file_location("print_fonts", Path(__file__).parent.parent / "scripts" / "print_fonts.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    woff2s = sorted(script.FONTS.glob("*.woff2"))
    assert len(woff2s) == 3
    for woff2 in woff2s:
        shipped = script.OUT / woff2.with_suffix(".ttf").name
        assert shipped.read_bytes() == script.print_copy(woff2, tmp_path).read_bytes(), shipped.name
        a, b = TTFont(woff2), TTFont(shipped)
        assert sorted(a.keys()) == sorted(b.keys())
        for tag in ("cmap", "hmtx", "name", "glyf", "OS/2"):
            assert a[tag].compile(a) == b[tag].compile(b), (shipped.name, tag)
