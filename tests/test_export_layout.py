"""Export pages without a browser: sizes and type, titles, citations, the table's pagination, the
export parameters of the URL grammar (title=, subtitle=, size=), the CLI's refusals and the
/export endpoint's 400s."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import pytest

from dashboard.export import map_page
from dashboard.export_table import table_rows
from layers.citations import cite, face_source_ids, map_source_ids, short_publisher
from layers.period import Period
from layers.snapshot import (
    MIN_PT,
    PAGE_SIZES,
    Column,
    default_title,
    enforce_min_font,
    extent_aspect,
    fit_extent,
    font_sizes,
    refs_text,
    table_pages,
)
from layers.view_state import (
    MAX_SUBTITLE,
    MAX_TITLE,
    SIZES,
    QueryError,
    ViewState,
    parse_query,
    parse_query_strict,
    to_query,
)
from tests.test_view_state import OPTIONS

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
VIEWS = ("?region=ML-5&year=2019", "?year=2019&donor=France", "?year=2019&sel=EUTM-MALI", "?year=2016&lang=fr&metric=idp")


# --- sizes and type ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_every_size_has_a_physical_size_and_a_minimum_of_7_pt(size):
    page = PAGE_SIZES[size]
    assert page.name == size
    assert page.min_font_px * page.pt_per_px >= MIN_PT
    assert (page.min_font_px - 1) * page.pt_per_px < MIN_PT  # the smallest size that is enough, not more
    assert page.fs(1) * page.pt_per_px >= MIN_PT  # any requested size is raised to the minimum
    assert abs(page.height_px / page.width_px - page.height_mm / page.width_mm) < 0.005


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("query", VIEWS)
def test_no_font_in_a_page_is_below_7_pt(app_data, size, query):
    state = parse_query_strict(query + f"&size={size}", app_data.options)
    view = map_page(app_data, state, now=NOW)
    sizes = font_sizes(view.figure.to_plotly_json())
    assert sizes and min(sizes) * view.page.pt_per_px >= MIN_PT - 1e-9, (size, min(sizes))


def test_enforce_min_font_raises_fonts_and_inline_sizes():
    figure = {"data": [{"textfont": {"size": [6, 14]}}], "layout": {"font": {"size": 8},
                                                                     "annotations": [{"text": "<span style='font-size:5px'>x</span>"}]}}
    fixed = enforce_min_font(figure, 10)
    assert min(font_sizes(fixed)) == 10
    assert fixed["data"][0]["textfont"]["size"] == [10, 14]


def test_the_legend_and_figures_never_cover_the_map(app_data):
    """The legend is drawn in the margin: no colour bar or plotly legend over Mali, and every
    legend text lies outside the map's box."""
    for size in SIZES:
        state = parse_query_strict(f"?region=ML-5&year=2019&size={size}", app_data.options)
        figure = map_page(app_data, state, now=NOW).figure
        data = figure.to_plotly_json()
        assert not data["layout"]["showlegend"]
        assert all(not t.get("showscale", False) for t in data["data"] if t["type"] == "choropleth")
        x0, y0, w, h = data["layout"]["meta"]["maps"][0]
        legend_texts = [a for a in data["layout"]["annotations"] if a.get("xref") == "x9" and a.get("text", "").startswith("<b>Region")]
        assert legend_texts
        for a in legend_texts:
            assert not (x0 <= a["x"] <= x0 + w and y0 <= a["y"] <= y0 + h), (size, a["text"])


def test_extent_fits_the_box_without_losing_mali():
    mali = (-12.3, 10.1), (4.3, 25.0)
    lon, lat = fit_extent((-13.5, 5.5), (8.9, 25.6), 0.8, ((-18, 25), (3, 28)))
    assert lon[0] <= -13.5 and lon[1] >= 5.5 and lat[0] <= 8.9 and lat[1] >= 25.6
    assert extent_aspect(lon, lat) == pytest.approx(0.8, rel=0.05)
    assert lon[0] <= mali[0][0] and lat[1] >= mali[1][1]


# --- titles ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "en", "fr"), [
    ("?region=ML-5&year=2019", "Security assistance in Mopti, 2019", "Assistance sécuritaire dans la région de Mopti, 2019"),
    ("?year=2019", "Security assistance to Mali, 2019", "Assistance sécuritaire au Mali, 2019"),
    ("?year=2019&sel=EUTM-MALI", "EUTM Mali: security assistance to Mali, 2019", "EUTM Mali : assistance sécuritaire au Mali, 2019"),
    ("?year=2016&donor=France", "France: security assistance to Mali, 2016", "France : assistance sécuritaire au Mali, 2016"),
])
def test_the_default_title_says_what_the_view_shows(app_data, query, en, fr):
    from dashboard.export import view_title

    state = parse_query_strict(query, app_data.options)
    assert view_title(app_data, state) == en
    assert default_title(parse_query_strict(query + "&lang=fr", app_data.options), app_data.map_base.region_names,
                         "EUTM Mali" if "sel=" in query else "") == fr


def test_a_custom_title_is_kept_as_text_never_markup(app_data):
    state = parse_query_strict("?year=2019&title=" + "%3Cb%3EAid%3C/b%3E %26 <i>more</i>&subtitle=For the board",
                               app_data.options)
    assert state.title == "<b>Aid</b> & <i>more</i>" and state.subtitle == "For the board"
    texts = [a["text"] for a in map_page(app_data, state, now=NOW).figure.to_plotly_json()["layout"]["annotations"]]
    assert any("&lt;b&gt;Aid&lt;/b&gt; &amp; &lt;i&gt;more&lt;/i&gt;" in t for t in texts)
    assert not any("<i>more</i>" in t for t in texts)
    assert any("For the board" in t for t in texts) and any("2019 · Region-specific engagements" in t for t in texts)


# --- the URL grammar: title=, subtitle=, size= -----------------------------------------------------

def test_export_parameters_round_trip_and_never_change_the_facts():
    state = ViewState(period=Period.year(2019), regions=("ML-5",), title="Mopti: what the EU funded", subtitle="Draft",
                      size="column")
    query = to_query(state, OPTIONS)
    assert query == "?year=2019&region=ML-5&title=Mopti%3A+what+the+EU+funded&subtitle=Draft&size=column"
    assert parse_query(query, OPTIONS) == state and parse_query_strict(query, OPTIONS) == state
    assert state.for_facts() == ViewState(period=Period.year(2019), regions=("ML-5",))
    assert to_query(ViewState(period=Period.year(2019), size="a4-landscape"), OPTIONS) == "?year=2019"  # the default size


@pytest.mark.parametrize(("query", "message"), [
    ("?title=" + "t" * (MAX_TITLE + 1), rf"^title=t{{20}}…: longer than {MAX_TITLE} characters; expected a title of at most {MAX_TITLE}"),
    ("?subtitle=" + "s" * (MAX_SUBTITLE + 1), rf"^subtitle=s{{20}}…: longer than {MAX_SUBTITLE} characters"),
    ("?title=Aid%0Ato%20Mali", r"^title=Aid to Mali: control characters removed; expected a title"),
    ("?title=%E2%80%AEilaM", r"^title=ilaM: control characters removed"),  # a right-to-left override
    ("?size=a3", r"^size=a3: expected a4-landscape, a4-portrait, column, slide$"),
    ("?size=column&size=slide", r"^size=column: size= given 2 times; expected size= once$"),
    ("?title=", r"^title=: given without a value"),
])
def test_strict_parsing_refuses_bad_export_parameters_naming_them(query, message):
    with pytest.raises(QueryError) as err:
        parse_query_strict(query, OPTIONS)
    assert any(re.search(message, p) for p in err.value.problems), err.value.problems


def test_lenient_parsing_cuts_and_reports_a_long_title():
    state = parse_query("?title=" + "t" * 150 + "&size=huge", OPTIONS)
    assert state.title == "t" * MAX_TITLE and state.size == "a4-landscape"
    assert set(state.ignored) == {"title=" + "t" * 20 + f"… (longer than {MAX_TITLE} characters)", "size=huge"}


# --- citations ---------------------------------------------------------------------------------------

def test_short_citations_name_publisher_year_and_title():
    assert short_publisher("Institut de recherche stratégique de l'École militaire (IRSEM)") == "IRSEM"
    assert short_publisher("United Nations, Meetings Coverage and Press Releases") == "United Nations"
    assert short_publisher("Council of the EU, via ReliefWeb") == "Council of the EU"
    assert refs_text([3, 1, 2, 7, 9, 10, 11]) == "[1–3, 7, 9–11]" and refs_text([4, 5]) == "[4, 5]" and refs_text([]) == ""


def test_a_page_cites_what_it_shows_and_nothing_else(app_data):
    """The cold review: exports cited the sources of headline figures they did not show."""
    from dashboard.view import compute_view

    state = parse_query_strict("?region=ML-5&year=2019", app_data.options)
    facts = compute_view(app_data, state)
    map_ids = map_source_ids(app_data.engine, facts)
    assert map_ids  # the map's region counts have sources: the regional engagements' rows
    landscape = {c.source_id for c in map_page(app_data, state, now=NOW).info.citations}
    faces = {s for ids in face_source_ids(facts).values() for s in ids}
    assert landscape == set(map_ids) | faces
    column = map_page(app_data, parse_query_strict("?region=ML-5&year=2019&size=column", app_data.options), now=NOW)
    assert {c.source_id for c in column.info.citations} == set(map_ids)  # the column shows no key figures
    # A view whose key figures have sources the map does not need cites them only where they are shown.
    selected = parse_query_strict("?year=2019&sel=EUTM-MALI", app_data.options)
    face_only = {s for ids in face_source_ids(compute_view(app_data, selected)).values() for s in ids} - set(
        map_source_ids(app_data.engine, compute_view(app_data, selected)))
    assert face_only
    assert face_only <= {c.source_id for c in map_page(app_data, selected, now=NOW).info.citations}
    column = map_page(app_data, parse_query_strict("?year=2019&sel=EUTM-MALI&size=column", app_data.options), now=NOW)
    assert not face_only & {c.source_id for c in column.info.citations}


def test_the_idp_map_cites_the_counts_it_colours(app_data):
    from dashboard.view import compute_view

    facts = compute_view(app_data, parse_query_strict("?year=2016&metric=idp", app_data.options))
    ids = map_source_ids(app_data.engine, facts)
    counts = app_data.engine.displacement.regions_at(facts.state.period, facts.as_at)
    assert ids and set(ids) == {s for c in counts.values() for s in c.source_ids}


def test_citations_are_numbered_once_each(app_data):
    sources = app_data.tables["sources"]
    first = list(sources.index[:3])
    cited = cite(sources, [first[1], first[0], first[1], "NOT-A-SOURCE", first[2]], "fr")
    assert [(c.number, c.source_id) for c in cited] == [(1, first[1]), (2, first[0]), (3, first[2])]
    assert all(c.source_id not in c.short for c in cited) and all(f"réf. {c.source_id}" in c.full for c in cited)


# --- the pack's table ------------------------------------------------------------------------------

def test_the_table_paginates_every_row_with_its_header_repeated():
    page = PAGE_SIZES["a4-landscape"]
    rows = [{"n": str(i), "text": ("long amount text " * (1 + i % 9)).strip()} for i in range(1, 120)]
    rows.append({"n": "120", "text": "x " * 3000})  # taller than a page: split, never lost
    pages = table_pages(page, "Engagements", "all of them", [Column("n", "#", 30), Column("text", "Amounts", 300)], rows)
    assert len(pages) > 2
    found = []
    for figure in pages:
        annotations = figure.to_plotly_json()["layout"]["annotations"]
        assert sum("<b>Amounts</b>" in a["text"] for a in annotations) == 1  # the header on every page
        for a in annotations:
            assert a["y"] <= page.height_px  # nothing below the page
            if re.fullmatch(r"\d+", a["text"]):
                found.append(int(a["text"]))
    assert sorted(found) == list(range(1, 121))  # each row once, none lost


def test_the_pack_table_has_every_row_of_the_csv(app_data):
    from dashboard.export import pack_table
    from dashboard.view import compute_view

    for query in ("?region=ML-5&year=2019", "?year=2013-2023", "?year=2019&lang=fr"):
        state = parse_query_strict(query, app_data.options)
        rows, _ = pack_table(app_data, state)
        assert [r["id"] for r in rows] == [r["id"] for r in table_rows(app_data.engine, compute_view(app_data, state), state.lang)]
        assert [r["number"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
        assert math.isfinite(len(rows)) and rows


# --- refusals: the CLI exits 2, /export answers 400, both naming the parameter ----------------------

@pytest.mark.parametrize(("argv", "message"), [
    (["--view", "?regoin=ML-5"], "unknown parameter 'regoin=ML-5': accepted parameters are"),
    (["--view", "?year=2013-2030"], "year=2013-2030: the period must lie between"),
    (["--view", "?year=2019", "--size", "a3"], "size=a3: expected a4-landscape, a4-portrait, column, slide"),
    (["--view", "?year=2019", "--title", "t" * 130], "title=tttttttttttttttttttt…: longer than 120 characters"),
    (["--view", "?year=2019", "--format", "png,exe"], "unknown format(s) exe; expected png, svg, pdf, pack"),
    (["--briefing", "nope", "--format", "pptx"], "unknown briefing 'nope'; briefings: eu-mali-2013-2023"),
    (["--briefing", "eu-mali-2013-2023", "--format", "png"], "unknown deck format(s) png; expected pptx, pdf"),
    (["--briefing", "eu-mali-2013-2023", "--view", "?year=2019"], "--briefing takes its views from the briefing"),
])
def test_the_cli_refuses_with_exit_2_and_the_reason(tmp_path, capsys, argv, message):
    from dashboard.cli import main

    assert main(["export", *argv, "-o", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_cli_options_override_the_views_own(app_data):
    from types import SimpleNamespace

    from dashboard.cli import _with_export_options

    args = SimpleNamespace(title="Mopti & more", subtitle=None, size="column")
    query = _with_export_options("?year=2019&title=Old&size=slide", args)
    state = parse_query_strict(query, app_data.options)
    assert state.title == "Mopti & more" and state.size == "column"


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/export/png?regoin=ML-5", 400, "unknown parameter 'regoin=ML-5': accepted parameters are actor, briefing"),
    ("/export/pdf?year=2013-2023&year=2024", 400, "year=2013-2023: year= given 2 times; expected year= once"),
    ("/export/pdf?year=2013-2030", 400, "year=2013-2030: the period must lie between"),
    ("/export/svg?size=a3", 400, "size=a3: expected a4-landscape, a4-portrait, column, slide"),
    ("/export/pack?title=" + "x" * 121, 400, "longer than 120 characters; expected a title of at most 120"),
    ("/export/exe", 400, "unknown format 'exe': accepted formats are png, svg, pdf, pack, csv, xlsx"),
    ("/export/csv?region=ML-99", 400, "region=ML-99: expected ML-1"),
    ("/deck/nope.pptx", 404, "unknown briefing 'nope'; briefings: eu-mali-2013-2023"),
    ("/deck/eu-mali-2013-2023.key", 400, "unknown deck format 'key': accepted formats are pptx, pdf"),
    ("/deck/eu-mali-2013-2023.pptx?lang=de", 400, "lang=de: expected en or fr"),
    ("/deck/eu-mali-2013-2023.pdf?year=2019", 400, "unknown parameter 'year': a deck accepts only lang=en or lang=fr"),
])
def test_the_export_endpoints_refuse_with_400_naming_the_parameter(dash_app, url, status, message):
    response = dash_app.server.test_client().get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert response.mimetype == "text/plain"


def test_a_busy_export_service_answers_503_with_retry_after(dash_app, monkeypatch):
    import dashboard.routes
    from dashboard.export import ExportBusyError, ExportError

    def busy(*_args, **_kwargs):
        raise ExportBusyError("the export service is busy; try again in a minute")

    monkeypatch.setattr(dashboard.routes, "render_view", busy)
    response = dash_app.server.test_client().get("/export/pdf?year=2019")
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "busy" in response.get_data(as_text=True)

    def broken(*_args, **_kwargs):
        raise ExportError("renderer did not return a PNG")

    monkeypatch.setattr(dashboard.routes, "render_view", broken)
    assert dash_app.server.test_client().get("/export/png?year=2019").status_code == 500


def test_render_slots_are_bounded(monkeypatch):
    from dashboard import export

    monkeypatch.setattr(export, "RENDER_TIMEOUT_S", 0.05)
    taken = 0
    while export._slots.acquire(blocking=False):
        taken += 1
    try:
        with pytest.raises(export.ExportBusyError, match="busy"):
            export.render_figure({"data": [], "layout": {}}, "png", width=800, height=600)
    finally:
        for _ in range(taken):
            export._slots.release()


def test_the_export_controls_are_on_the_page(dash_app):
    from dashboard import ids

    layout = dash_app.server.test_client().get("/_dash-layout").get_data(as_text=True)
    for component_id in (ids.EXPORT_TITLE, ids.EXPORT_SUBTITLE, ids.EXPORT_SIZE, ids.EXPORT_STATUS, ids.DECK_PPTX, ids.DECK_PDF):
        assert f'"{component_id}"' in layout
    assert "Security assistance to Mali, 2026" in layout  # the title hint: what the export will be called
    index = dash_app.server.test_client().get("/").get_data(as_text=True)
    assert "/assets/export.js" in index  # an external script: the CSP allows no inline one


def test_legend_keys_are_drawn_as_opaque_as_the_marks_they_stand_for(app_data):
    """Sizes given as an array make plotly draw bubbles at 0.7 opacity: the printed class swatches
    ("≥ 3" slate beside navy regions) and the map's site markers came out paler than meant. Every
    key and every site or town marker is opaque, as the regions are."""
    from dashboard.export import snapshot_figure
    from dashboard.view import view_map_spec
    from layers.map_figure import TRACE
    from layers.map_marks import SITE_KINDS

    state = parse_query("?year=2019", app_data.options)
    page = snapshot_figure(app_data, state, now=datetime(2026, 1, 1, tzinfo=UTC))
    keys = [t for t in page.data if t.type == "scatter" and t.mode == "markers" and isinstance(t.marker.size, tuple)]
    assert keys and all(t.marker.opacity == 1 for t in keys)
    spec = view_map_spec(app_data, state, with_geometry=False)
    marks = [spec["data"][TRACE["towns"]], *spec["data"][TRACE["sites"]:TRACE["sites"] + len(SITE_KINDS)]]
    assert all(m["marker"]["opacity"] == 1 for m in marks)
