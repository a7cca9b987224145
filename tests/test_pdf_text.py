"""A PDF's text layer says what the page shows, once (dashboard/pdf_text.py): pure, no browser."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, FloatObject, NameObject

from dashboard.pdf_text import without_invisible_text


def _pdf(content: bytes) -> bytes:
    """A one-page PDF (Helvetica, two graphics states: /Clear sets the fill opacity to 0, /Half to 0.5)."""
    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    states = DictionaryObject({NameObject("/Clear"): DictionaryObject({NameObject("/ca"): FloatObject(0)}),
                               NameObject("/Half"): DictionaryObject({NameObject("/ca"): FloatObject(0.5)})})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
                                                       NameObject("/ExtGState"): states})
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _words(pdf: bytes) -> list[str]:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split()


HALOED = b"""
q /Clear gs BT /F1 12 Tf 20 150 Td (Kidal) Tj ET Q
q /Clear gs BT /F1 12 Tf 21 151 Td [(Kid) 10 (al)] TJ ET Q
BT /F1 12 Tf 20 150 Td (Kidal) Tj ET
q /Half gs BT /F1 12 Tf 20 120 Td (faint) Tj ET Q
"""


def test_text_drawn_fully_transparent_leaves_the_text_layer():
    pdf = _pdf(HALOED)
    assert "".join(_words(pdf)).count("Kidal") == 3  # what a reader copies from Chromium's halos
    assert _words(without_invisible_text(pdf)) == ["Kidal", "faint"]  # a half-transparent label is seen: it stays


def test_the_opacity_follows_the_graphics_state_stack():
    """A label after the transparent one's ``Q`` is visible again; inside a ``q`` it inherits."""
    pdf = _pdf(b"""
q /Clear gs BT /F1 12 Tf 20 150 Td (ghost) Tj ET
  q BT /F1 12 Tf 20 130 Td (inner) Tj ET Q
Q
BT /F1 12 Tf 20 110 Td (after) Tj ET
/Clear gs BT /F1 12 Tf 20 90 Td (hidden) Tj ET /Half gs BT /F1 12 Tf 20 70 Td (back) Tj ET
""")
    assert _words(without_invisible_text(pdf)) == ["after", "back"]


def test_a_line_moving_show_keeps_its_move():
    """``'`` moves to the next line as it shows: the move stays, so the visible line keeps its place."""
    pdf = _pdf(b"""BT /F1 12 Tf 14 TL 20 150 Td /Clear gs (ghost) ' /Half gs (seen) Tj ET""")
    clean = without_invisible_text(pdf)
    assert _words(clean) == ["seen"]
    content = PdfReader(io.BytesIO(clean)).pages[0].get_contents().get_data()
    assert b"T*" in content and b"ghost" not in content


def test_a_pdf_with_nothing_invisible_comes_back_unchanged():
    pdf = _pdf(b"BT /F1 12 Tf 20 150 Td (Gao) Tj ET q /Half gs BT /F1 12 Tf 20 120 Td (2) Tj ET Q")
    assert without_invisible_text(pdf) is pdf
