"""Static exports: valid files in every format, the finished-figure text, and perceptual checks."""

from __future__ import annotations

import io
import itertools
import struct
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from PIL import Image
from pypdf import PdfReader

from dashboard.export import ExportError, export_filename, png_with_dpi, render_figure, render_view
from layers.period import Period
from layers.view_state import ViewState, parse_query

pytestmark = pytest.mark.export
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def state_2019(app_data):
    return parse_query("?year=2019&region=ML-5&sel=EUTM-MALI&metric=idp", app_data.options)


def _png_size_and_dpi(png: bytes) -> tuple[tuple[int, int], int]:
    width, height = struct.unpack(">II", png[16:24])
    at = png.index(b"pHYs")
    ppm = struct.unpack(">I", png[at + 4:at + 8])[0]
    return (width, height), round(ppm * 0.0254)


def test_png_is_print_resolution(app_data, state_2019):
    png = render_view(app_data, state_2019, "png", now=NOW)
    size, dpi = _png_size_and_dpi(png)
    assert dpi == 300
    assert size[0] >= 3508  # A4 landscape width (297 mm) at 300 dpi
    assert Image.open(io.BytesIO(png)).size == size


def test_svg_is_vector_and_carries_title_legend_and_attribution(app_data, state_2019):
    svg = render_view(app_data, state_2019, "svg", now=NOW).decode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text") or t.tag.endswith("tspan"))
    assert "EUTM Mali: security assistance in Mopti, 2019" in text  # a title that says what the view shows
    assert "Internally displaced people" in text  # legend title
    assert "Natural Earth" in text and "GeoNames" in text  # attribution
    assert "Regions: Mopti" in text and "2019 ·" in text  # subtitle states filters and period
    assert "km" in text  # scale bar
    assert "<image" not in svg  # the map stays vector


def test_pdf_one_page_with_embedded_text(app_data, state_2019):
    pdf = render_view(app_data, state_2019, "pdf", now=NOW)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "EUTM Mali: security assistance in Mopti" in text
    assert "Data as of" in text and "generated 22 Nov 2026, 12:00 UTC" in text


def _pdf_fonts(reader: PdfReader) -> set[str]:
    """The base names of the fonts a PDF's pages use, without the subset tag ("AAAAAA+")."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def test_pdf_is_set_in_the_page_s_font(app_data, state_2019):
    """The page's font, not a fallback: kaleido's SVG image sees only fontconfig's fonts, and
    without the export browser's own fontconfig (dashboard/export_browser.py) every export was
    set in Liberation Sans, wider than the Source Sans 3 the labels are placed for."""
    fonts = _pdf_fonts(PdfReader(io.BytesIO(render_view(app_data, state_2019, "pdf", now=NOW))))
    source = {f for f in fonts if f.startswith("SourceSans3")}
    assert {f.rsplit("-", 1)[-1] for f in source} >= {"Regular", "SemiBold", "Bold"}, fonts


def test_pdf_text_keeps_the_letters_a_ligature_would_join():
    """Chromium loses the text of a ligature drawn in an SVG image when it prints: in Source Sans 3
    "Chiffres officiels" copied out as "Chi\x00res o\x00iciels" (dashboard/export_page.js)."""
    from layers.map_base import FONT

    figure = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}, "annotations": [
        {"text": "Chiffres officiels, fluvial", "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
         "font": {"family": FONT, "size": 20}}]}}
    reader = PdfReader(io.BytesIO(render_figure(figure, "pdf", width=600, height=200)))
    assert any(f.startswith("SourceSans3") for f in _pdf_fonts(reader))
    assert reader.pages[0].extract_text().strip() == "Chiffres officiels, fluvial"
    svg = render_figure(figure, "svg", width=600, height=200).decode("utf-8")
    assert "font-variant-ligatures: none" in svg and ET.fromstring(svg) is not None


def test_pdf_text_names_each_map_label_once(app_data):
    """A label's halo is not copied into the text: "Kidal 1", never "Kidal Kidal 1 1" (read as 11)."""
    state = parse_query("?year=2019", app_data.options)
    words = PdfReader(io.BytesIO(render_view(app_data, state, "pdf", now=NOW))).pages[0].extract_text().split()
    repeated = [a for a, b in itertools.pairwise(words) if a == b and a.isalpha()]
    assert not repeated, repeated  # before: "Taoudenit Taoudenit", "Kidal Kidal 1 1"...
    pairs = set(itertools.pairwise(words))
    assert {("Kidal", "1"), ("Mopti", "4"), ("Timbuktu", "2")} <= pairs  # each region's name, then its value
    after = {(a, b): c for a, b, c in zip(words, words[1:], words[2:], strict=False)}
    assert all(after[(name, value)] != value for name, value in (("Kidal", "1"), ("Mopti", "4")))  # not "1 1" (11)


def test_french_pdf(app_data):
    state = parse_query("?year=2016&lang=fr", app_data.options)
    text = PdfReader(io.BytesIO(render_view(app_data, state, "pdf", now=NOW))).pages[0].extract_text()
    assert "Assistance sécuritaire au Mali, 2016" in text and "Données au" in text and "généré le 22 nov. 2026 à 12:00 UTC" in text


def test_brief_pack_has_map_timeline_and_table(app_data, state_2019):
    reader = PdfReader(io.BytesIO(render_view(app_data, state_2019, "pack", now=NOW)))
    assert len(reader.pages) >= 3
    texts = [p.extract_text() for p in reader.pages]
    assert "Mandates and key events" in texts[1]
    assert "Engagements in this view" in texts[2] and "EUTM Mali" in " ".join(texts[2:])


def _thumb(png: bytes) -> list[int]:
    image = Image.open(io.BytesIO(png)).convert("L").resize((64, 45))
    return list(image.tobytes())


def _distance(a: list[int], b: list[int]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def test_renders_compare_perceptually(app_data, state_2019):
    first = _thumb(render_view(app_data, state_2019, "png", now=NOW))
    again = _thumb(render_view(app_data, state_2019, "png", now=NOW))
    other = _thumb(render_view(app_data, ViewState(period=Period.year(2013), metric="engagements"), "png", now=NOW))
    assert _distance(first, again) < 1.0  # the same view looks the same (not byte-compared)
    assert _distance(first, other) > 2.0  # another year and metric looks different


def test_inputs_are_validated():
    with pytest.raises(ExportError, match="unknown format"):
        render_figure(None, "exe", width=800, height=600)
    with pytest.raises(ExportError, match="size out of range"):
        render_figure(None, "png", width=100_000, height=600)
    with pytest.raises(ExportError, match="PNG"):
        png_with_dpi(b"not a png", 300)


def test_file_names_are_safe():
    state = ViewState(period=Period.year(2019), regions=("ML-5",), selected="EUTM-MALI", search="../../etc/passwd")
    name = export_filename(state, "pdf")
    assert name == "sahel-2019-engagements-ml-5-eutm-mali.pdf"
    assert "/" not in export_filename(ViewState(period=Period.year(2019)), "pack")


def test_http_endpoint(dash_app):
    client = dash_app.server.test_client()
    response = client.get("/export/png?year=2019&region=ML-5")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert 'filename="sahel-2019-engagements-ml-5.png"' in response.headers["Content-Disposition"]
    assert client.get("/export/exe").status_code == 400
    assert client.get("/export/png?regoin=ML-5").status_code == 400
    csv = client.get("/export/csv?year=2019&region=ML-5")
    assert csv.status_code == 200 and "EUTM Mali" in csv.data.decode("utf-8-sig")
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"  # once
