"""Briefing decks (``export --briefing ID --format pptx,pdf``): one slide per scene plus the
opening and closing slides, the stage's titles, the map at 16:9, sources as a footer, notes as
speaker notes; read back with python-pptx and pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from dashboard.deck import render_deck
from dashboard.stage import briefing_deck

pytestmark = pytest.mark.export
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
BRIEFING = "eu-mali-2013-2023"


@pytest.fixture(scope="module")
def stage_deck(app_data):
    return briefing_deck(app_data, app_data.catalog.briefings[BRIEFING], "en")


@pytest.fixture(scope="module")
def pptx(app_data):
    return Presentation(io.BytesIO(render_deck(app_data, BRIEFING, "en", "pptx", now=NOW)))


def test_one_slide_per_scene_plus_opening_and_closing(app_data, stage_deck, pptx):
    briefing = app_data.catalog.briefings[BRIEFING]
    closing = [s for s in stage_deck["slides"] if s["kind"] == "closing"]
    assert briefing.opening and briefing.closing and closing
    assert len(pptx.slides) == 1 + len(briefing.scenes) + len(closing)
    assert [s.shapes.title.text for s in pptx.slides] == [s["title"] for s in stage_deck["slides"]]  # screen and deck agree
    assert (pptx.slide_width, pptx.slide_height) == (12191695, 6858000)  # 13.333 x 7.5 in: 16:9


def test_scene_slides_carry_the_map_sources_and_speaker_notes(stage_deck, pptx):
    scenes = [(deck, slide) for deck, slide in zip(stage_deck["slides"], pptx.slides, strict=True)
              if deck["kind"] in ("view", "then_and_now")]
    assert len(scenes) == 8
    for deck, slide in scenes:
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert pictures[0].width / pictures[0].height > 16 / 9  # the map band, full slide width
        alt = pictures[0]._element.nvPicPr.cNvPr.get("descr")
        assert deck["title"] in alt and deck["filters"] in alt
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "Sources: " in text and deck["sources"][0] in text  # the stage's short citations, as the footer
        assert "Natural Earth (public domain)" in text
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text == deck["note"]
        assert deck["note"]


def test_closing_slides_list_every_cited_source(stage_deck, pptx):
    cited = [c for s in stage_deck["slides"] if s["kind"] == "closing" for c in s["citations"]]
    text = " ".join(shape.text_frame.text for slide in pptx.slides for shape in slide.shapes if shape.has_text_frame)
    assert cited and all(f"[{n}] {c}" in text for n, c in enumerate(cited, start=1))
    assert pptx.core_properties.title == stage_deck["title"] and pptx.core_properties.language == "en"


def test_the_pdf_deck_has_the_same_slides_and_metadata(app_data, stage_deck):
    reader = PdfReader(io.BytesIO(render_deck(app_data, BRIEFING, "fr", "pdf", now=NOW)))
    french = briefing_deck(app_data, app_data.catalog.briefings[BRIEFING], "fr")
    assert len(reader.pages) == len(french["slides"]) == len(stage_deck["slides"])
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(960, abs=0.5) and float(box.height) == pytest.approx(540, abs=0.5)
    assert reader.metadata.title == french["title"] and reader.trailer["/Root"]["/Lang"] == "fr"
    for page, slide in zip(reader.pages, french["slides"], strict=True):
        assert " ".join(slide["title"].split(":")[0].split()) in " ".join(page.extract_text().split())
        if slide["kind"] == "view":  # the figures' date, said once above them (their titles no longer carry it)
            assert slide["figures_as_at"].startswith("Chiffres au ")
            assert " ".join(slide["figures_as_at"].split()) in " ".join(page.extract_text().split())
        notes = [a.get_object() for a in page.get("/Annots", [])]
        if slide.get("note"):
            assert any(n.get("/Contents") == slide["note"] for n in notes)


def test_the_cli_writes_both_formats(tmp_path, capsys):
    from dashboard.cli import main

    assert main(["export", "--briefing", BRIEFING, "--format", "pptx,pdf", "-o", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [f"sahel-deck-{BRIEFING}-en.pdf", f"sahel-deck-{BRIEFING}-en.pptx"]
    assert len(Presentation(str(tmp_path / written[1])).slides) == len(PdfReader(str(tmp_path / written[0])).pages)
    assert capsys.readouterr().out.count("sahel-deck-") == 2


def test_download_deck_over_http(dash_app):
    response = dash_app.server.test_client().get(f"/deck/{BRIEFING}.pptx?lang=fr")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="sahel-deck-{BRIEFING}-fr.pptx"'
    assert Presentation(io.BytesIO(response.data)).slides[0].shapes.title.text.startswith("L’assistance sécuritaire")
