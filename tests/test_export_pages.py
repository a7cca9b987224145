"""Rendered exports as a report writer gets them: the four views of issue 17 (a region and year, a
donor, a selected engagement, French) as SVG, PDF, PNG and brief pack; type measured in points at
the stated size, one attribution line, citations instead of ids, PDF metadata, every CSV row in
the pack."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard.export import render_view
from dashboard.export_table import table_bytes
from dashboard.view import compute_view
from layers.snapshot import MIN_PT, PAGE_SIZES
from layers.view_state import SIZES, parse_query_strict

pytestmark = pytest.mark.export
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
VIEWS = {
    "region": "?region=ML-5&year=2019",
    "donor": "?year=2016&donor=France",
    "selected": "?year=2019&sel=EUTM-MALI",
    "french": "?region=ML-5&year=2019&lang=fr",
}
SVG_NS = "{http://www.w3.org/2000/svg}"
_SIZE = re.compile(r"font-size:\s*([\d.]+)(px|%)")


def _svg_texts(svg: bytes) -> list[tuple[str, float]]:
    """Every drawn text of an SVG with its font size in points at the page's physical size."""
    root = ET.fromstring(svg)
    width_mm = float(root.get("width", "").removesuffix("mm"))
    view_w = float(root.get("viewBox").split()[2])
    pt_per_unit = width_mm / 25.4 * 72 / view_w
    out: list[tuple[str, float]] = []

    def walk(node: ET.Element, size: float) -> None:
        match = _SIZE.search(node.get("style") or "")
        if match:
            size = float(match.group(1)) if match.group(2) == "px" else size * float(match.group(1)) / 100
        elif node.get("font-size"):
            size = float(node.get("font-size").removesuffix("px"))
        if node.tag in (SVG_NS + "text", SVG_NS + "tspan") and (node.text or "").strip():
            out.append((node.text.strip(), size * pt_per_unit))
        for child in node:
            walk(child, size)

    walk(root, 16.0)
    return out


@pytest.fixture(scope="module")
def rendered(app_data):
    """SVG of each of the four views at each size (rendered once)."""
    return {(name, size): render_view(app_data, parse_query_strict(f"{query}&size={size}", app_data.options), "svg", now=NOW)
            for name, query in VIEWS.items() for size in SIZES}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", VIEWS)
def test_no_text_below_7_pt_at_the_stated_size(rendered, view, size):
    svg = rendered[view, size]
    root = ET.fromstring(svg)
    page = PAGE_SIZES[size]
    assert root.get("width") == f"{page.width_mm:g}mm" and root.get("height") == f"{page.height_mm:g}mm"
    texts = _svg_texts(svg)
    assert len(texts) > 40
    small = [(text, round(pt, 2)) for text, pt in texts if pt < MIN_PT - 1e-6]
    assert not small, small[:5]


@pytest.mark.parametrize("view", VIEWS)
def test_one_attribution_line_and_citations_instead_of_ids(app_data, rendered, view):
    text = " ".join(t for t, _ in _svg_texts(rendered[view, "a4-landscape"]))
    public = "domaine public" if view == "french" else "public domain"
    assert text.count(f"Natural Earth ({public})") == 1  # boundaries, neighbours, rivers: one line
    assert text.count("GeoNames (CC BY 4.0)") == 1
    assert "data/tables" not in text and "sources.csv" not in text
    ids = set(app_data.tables["sources"].index)
    assert not [word for word in re.findall(r"[A-Z][A-Z0-9-]{3,}", text) if word in ids]
    state = parse_query_strict(VIEWS[view], app_data.options)
    from layers.citations import map_source_ids

    if map_source_ids(app_data.engine, compute_view(app_data, state)):
        assert re.search(r"\[1\] \S", text)  # numbered short citations
        assert re.search(r"\[1[–\]]", text)  # the legend (and figures) carry their numbers


def test_the_titles_and_french_words(rendered):
    english = " ".join(t for t, _ in _svg_texts(rendered["region", "a4-landscape"]))
    assert "Security assistance in Mopti, 2019" in english and "Key figures" in english
    french = " ".join(t for t, _ in _svg_texts(rendered["french", "a4-landscape"]))
    for words in ("Assistance sécuritaire dans la région de Mopti, 2019", "Engagements propres à la région", "Chiffres clés",
                  "Personnes déplacées internes", "Site de formation",
                  "Sources", "Données au 17 févr. 2026", "généré le 22 nov. 2026 à 12:00 UTC", "à 9", "Régions antérieures à 2016"):
        assert words in french, words
    for english_word in ("Key figures", "generated", "Data as of", "Regions as before"):
        assert english_word not in french


def test_scale_bar_label_sits_inside_the_map(app_data):
    """Issue 17: "500 km (9°N" was clipped at the map's edge."""
    from dashboard.export import map_page

    for size in SIZES:
        figure = map_page(app_data, parse_query_strict(f"?region=ML-5&year=2019&size={size}", app_data.options),
                          now=NOW).figure.to_plotly_json()
        x0, y0, w, h = figure["layout"]["meta"]["maps"][0]
        labels = [a for a in figure["layout"]["annotations"] if re.fullmatch(r"\d+ km", a.get("text", ""))]
        assert len(labels) == 1
        size_px = labels[0]["font"]["size"]
        half = len(labels[0]["text"]) * size_px * 0.3
        assert x0 <= labels[0]["x"] - half and labels[0]["x"] + half <= x0 + w and y0 <= labels[0]["y"] <= y0 + h


def test_pdf_metadata(app_data):
    state = parse_query_strict(VIEWS["french"] + "&title=Mopti en 2019&subtitle=Note au comité", app_data.options)
    reader = PdfReader(io.BytesIO(render_view(app_data, state, "pdf", now=NOW)))
    meta = reader.metadata
    assert meta.title == "Mopti en 2019" and meta["/Subject"].startswith("Note au comité · 2019 · Engagements propres")
    assert meta.author == "Sahel security assistance dashboard" and meta.creator.startswith("sahel-dashboard")
    assert meta["/CreationDate"].startswith("D:20261122120000")
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.xmp_metadata.dc_language == ["fr"] and reader.xmp_metadata.dc_title == {"x-default": "Mopti en 2019"}
    assert "[1] " in meta["/Sources"] and "réf. " in meta["/Sources"]
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(841.89, abs=0.1) and float(page.mediabox.height) == pytest.approx(595.28, abs=0.1)
    assert "Kaleido" not in str(meta)


def test_png_and_svg_carry_their_metadata(app_data):
    state = parse_query_strict(VIEWS["selected"] + "&size=column", app_data.options)
    png = render_view(app_data, state, "png", now=NOW)
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.info["Title"] == "EUTM Mali: security assistance to Mali, 2019" and "[1] " in image.info["Source"]
    assert image.size[0] >= 1890 and image.size[1] >= 2363  # 160 x 200 mm at 300 dpi (1889.8 x 2362.2 px)
    assert round(image.info["dpi"][0]) == 300
    svg = render_view(app_data, state, "svg", now=NOW).decode("utf-8")
    assert "<title>EUTM Mali: security assistance to Mali, 2019</title>" in svg and 'xml:lang="en"' in svg


def _pack_rows(pdf: bytes) -> tuple[list[int], int, int]:
    """Row numbers drawn in the pack's table (first column), table pages, header rows drawn."""
    reader = PdfReader(io.BytesIO(pdf))
    numbers: list[int] = []
    pages = headers = 0
    for page in reader.pages:
        found: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, _font, _size, found=found):
            if text.strip():
                found.append((cm[0] * tm[4] + cm[2] * tm[5] + cm[4], cm[1] * tm[4] + cm[3] * tm[5] + cm[5], text.strip()))

        page.extract_text(visitor_text=visit)
        header = [x for x, _, t in found if t == "#"]
        if not header:
            continue
        pages += 1
        headers += len(header)
        top = float(page.mediabox.height)
        numbers += [int(t) for x, y, t in found if abs(x - header[0]) < 3 and t.isdigit() and 0 < y < top]
    return numbers, pages, headers


@pytest.mark.parametrize("query", ["?region=ML-5&year=2019", "?year=2013-2023", "?year=2016&donor=France&lang=fr"])
def test_the_pack_never_loses_a_row(app_data, query):
    """Issue 17: the pack's table dropped PARSEC, the one Mopti project (CSV 16 rows, PACK 15)."""
    state = parse_query_strict(query, app_data.options)
    csv = pd.read_csv(io.BytesIO(table_bytes(app_data.engine, compute_view(app_data, state), state.lang, "csv")),
                      encoding="utf-8-sig")
    pack = render_view(app_data, state, "pack", now=NOW)
    numbers, pages, headers = _pack_rows(pack)
    assert sorted(numbers) == list(range(1, len(csv) + 1))  # every CSV row, once
    assert headers == pages >= 1  # the header on every table page
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pack)).pages)
    if "region=ML-5" in query:
        assert "PARSEC" in text
    last = PdfReader(io.BytesIO(pack)).pages[-1].extract_text()
    assert ("Sources citées" if "fr" in query else "Sources cited") in last


@pytest.mark.parametrize("view", VIEWS)
def test_the_four_views_render_in_every_format(app_data, view):
    state = parse_query_strict(VIEWS[view], app_data.options)
    assert render_view(app_data, state, "png", now=NOW)[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(PdfReader(io.BytesIO(render_view(app_data, state, "pdf", now=NOW))).pages) == 1
    assert len(PdfReader(io.BytesIO(render_view(app_data, state, "pack", now=NOW))).pages) >= 4
