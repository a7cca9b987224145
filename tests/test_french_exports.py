"""The exports in French show no string of the English catalogue (issue 18): a page as SVG and as
PDF, the briefing deck as PowerPoint, the table as CSV. Citations of sources are left out: their
publishers and titles are cited as published (``tests/i18n_leaks.py``).
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard.deck import render_deck
from dashboard.export import render_view
from dashboard.export_table import table_bytes
from dashboard.view import compute_view
from layers.i18n import t
from layers.view_state import parse_query_strict
from tests.i18n_leaks import leaks

pytestmark = pytest.mark.export
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
VIEWS = ["?year=2019&sel=EUTM-MALI&lang=fr", "?year=2016&metric=budget&region=ML-5&lang=fr&size=slide"]


def _svg_texts(svg: str) -> list[str]:
    texts = [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.DOTALL)]
    return texts + [html.unescape(m) for m in re.findall(r"<tspan\b[^>]*>([^<]*)</tspan>", svg)]


@pytest.mark.parametrize("query", VIEWS)
def test_a_french_page_as_svg_and_pdf_has_no_english_from_the_catalogue(app_data, query):
    state = parse_query_strict(query, app_data.options)
    texts = _svg_texts(render_view(app_data, state, "svg", now=NOW).decode("utf-8"))
    assert len(texts) > 30 and any("assistance sécuritaire" in x.lower() for x in texts)
    assert leaks(texts) == []
    pdf = PdfReader(io.BytesIO(render_view(app_data, state, "pdf", now=NOW)))
    lines = [line for page in pdf.pages for line in page.extract_text().splitlines()]
    assert leaks(lines) == []


def test_the_french_deck_has_no_english_from_the_catalogue(app_data):
    deck = Presentation(io.BytesIO(render_deck(app_data, "eu-mali-2013-2023", "fr", "pptx", now=NOW)))
    texts = [p.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs]
    texts += [slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide]
    assert len(texts) > 20
    footer = t("stage_sources_short", "fr")  # "Sources : IRSEM 2020 · …": the short citations, as published
    assert leaks([x for x in texts if not x.startswith(footer)]) == []


def test_the_french_table_download_is_french(app_data):
    state = parse_query_strict("?year=2019&lang=fr", app_data.options)
    text = table_bytes(app_data.engine, compute_view(app_data, state), "fr", "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "Chef de file" in rows[0]
    lead = rows[0].index("Chef de file")
    assert "Union européenne (PSDC)" in {r[lead] for r in rows[1:]}
    cells = [c for r in rows for i, c in enumerate(r) if rows[0][i] not in ("Localisation dans la source", "Sources")]
    assert leaks(cells) == []
