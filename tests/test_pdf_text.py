"""A PDF's text layer says what the page shows, once (dashboard/pdf_text.py): pure, no browser."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, FloatObject, NameObject

from dashboard.pdf_text import without_invisible_text


def _pdf(content: bytes, *, resources: bool = True) -> bytes:
    """A one-page PDF (Helvetica; graphics states /Clear: fill opacity 0, /Half: 0.5)."""
    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    if resources:
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        states = DictionaryObject({NameObject("/Clear"): DictionaryObject({NameObject("/ca"): FloatObject(0)}),
                                   NameObject("/Half"): DictionaryObject({NameObject("/ca"): FloatObject(0.5)})})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font,
                                                                                                 NameObject("/F2"): font}),
                                                           NameObject("/ExtGState"): states})
    stream = DecodedStreamObject()
    stream.set_data(content)
    page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _content(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()


def _words(pdf: bytes) -> list[str]:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split()


# Chromium's halo: per shadow, the label again at fill opacity 0 (as a string, or as a TJ array),
# then the label where it is seen.
HALOED = b"""
q /Clear gs BT /F1 12 Tf 20 150 Td (Kidal) Tj ET Q
q /Clear gs BT /F1 12 Tf 21 151 Td [(Kid) 10 (al)] TJ ET Q
BT /F1 12 Tf 20 150 Td (Kidal) Tj ET
q /Half gs BT /F1 12 Tf 20 120 Td (faint) Tj ET Q
"""


def test_invisible_copies_of_a_label_leave_the_text_layer():
    pdf = _pdf(HALOED)
    assert "".join(_words(pdf)).count("Kidal") == 3  # what a reader copied from Chromium's halos
    clean = without_invisible_text(pdf)
    assert _words(clean) == ["Kidal", "faint"]  # a half-transparent label is seen: it stays
    assert _content(clean).count(b"(Kidal)") == 1 and b"(Kid)" not in _content(clean)


def test_an_invisible_text_the_page_does_not_show_stays():
    """Chromium's only copy of a text it drew as shapes (a font it could not embed) is invisible:
    taking it out would leave the label out of the text layer."""
    pdf = _pdf(b"q /Clear gs BT /F1 12 Tf 20 150 Td (Menaka) Tj ET Q BT /F1 12 Tf 20 120 Td (Gao) Tj ET")
    assert without_invisible_text(pdf) is pdf


def test_the_opacity_follows_the_graphics_state_stack():
    """Inside a ``q`` the state is inherited, after its ``Q`` restored; a later ``gs`` sets it again."""
    pdf = _pdf(b"""
q /Clear gs BT /F1 12 Tf 20 150 Td (A) Tj ET
  q BT /F1 12 Tf 20 130 Td (B) Tj ET Q
Q
BT /F1 12 Tf 20 110 Td (A) Tj ET BT /F1 12 Tf 20 100 Td (B) Tj ET
/Clear gs BT /F1 12 Tf 20 90 Td (A) Tj ET /Half gs BT /F1 12 Tf 20 70 Td (C) Tj ET
""")
    content = _content(without_invisible_text(pdf))
    assert content.count(b"(A)") == 1 and content.count(b"(B)") == 1 and content.count(b"(C)") == 1


def test_a_show_whose_advance_places_the_next_text_stays():
    """A show moves the text position by its width: dropped, the text after it would move left."""
    pdf = _pdf(b"BT /F1 12 Tf 20 150 Td (Gao) Tj ET BT /F1 12 Tf 20 120 Td /Clear gs (Gao) Tj /Half gs (2) Tj ET")
    assert without_invisible_text(pdf) is pdf


def test_the_line_moving_shows_keep_their_move_and_spacing():
    """``'`` and ``"`` move to the next line as they show (``"`` also sets the spacing): kept."""
    pdf = _pdf(b"""BT /F1 12 Tf 14 TL 20 150 Td (Gao) Tj ET
BT /F1 12 Tf 14 TL 20 120 Td /Clear gs (Gao) ' 2 0.5 (Gao) " /Half gs 0 0 Td (2) Tj ET""")
    content = _content(without_invisible_text(pdf))
    assert content.count(b"(Gao)") == 1
    assert b"T*" in content and b"2 Tw" in content and b"0.5 Tc" in content


def test_what_has_nothing_to_take_out_comes_back_as_it_was():
    for pdf in (_pdf(b"BT /F1 12 Tf 20 150 Td (Gao) Tj ET q /Half gs BT /F1 12 Tf 20 120 Td (2) Tj ET Q"),
                _pdf(b"q /Clear gs 0 0 10 10 re f Q BT /F1 12 Tf 20 150 Td (Gao) Tj ET"),  # a transparent fill, no text
                _pdf(b"0 0 10 10 re f", resources=False)):
        assert without_invisible_text(pdf) is pdf
    broken = b"%PDF-1.4 not a PDF at all"
    assert without_invisible_text(broken) is broken  # the export goes out as rendered


def test_a_cleaned_page_stays_compressed():
    clean = without_invisible_text(_pdf(HALOED * 20))
    contents = PdfReader(io.BytesIO(clean)).pages[0]["/Contents"].get_object()
    assert contents.get("/Filter") == "/FlateDecode"


def test_the_same_bytes_in_another_font_are_another_text():
    """A subset font's bytes are glyph numbers: "1" in one font may be "A" in another, so an
    invisible text in a font the page shows nothing in stays (it may be that text's only copy)."""
    pdf = _pdf(b"BT /F1 12 Tf 20 150 Td (1) Tj ET q /Clear gs BT /F2 12 Tf 20 120 Td (1) Tj ET Q")
    assert without_invisible_text(pdf) is pdf


def test_a_pdf_the_clean_up_cannot_read_goes_out_as_rendered():
    pdf = _pdf(b'BT /F1 12 Tf 20 150 Td (Gao) Tj ET BT /F1 12 Tf 20 120 Td /Clear gs (Gao) " ET')  # " short of operands
    assert without_invisible_text(pdf) is pdf
