"""The export controls of the page: title, subtitle and size of an export, the export buttons, and
the briefing's *Download deck* buttons, each with a status line.

The buttons are links (they work without JavaScript); ``assets/export.js`` turns a click into a
fetch that shows progress, then saves the file, or says why not (busy: 503; refused: 400, with
the server's reason). Its messages (``JS_MESSAGES``) are among the page's texts in both
languages (the ``I18N`` store, ``dashboard/layout.py``), not elements of the page.
"""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc, html

from dashboard import ids
from dashboard.after_map import mantine_after_map
from layers.i18n import t
from layers.view_state import MAX_SUBTITLE, MAX_TITLE, SIZES

JS_MESSAGES = ("export_working", "export_done", "export_busy", "export_refused", "export_failed", "export_queued",
               "export_progress", "export_queue_full", "export_failed_reason")


def size_options(lang: str) -> list[dict[str, str]]:
    """The print sizes, labelled in ``lang``."""
    return [{"label": t(f"size_{size}", lang), "value": size} for size in SIZES]


def _status(status_id: str) -> html.P:
    return html.P("", id=status_id, className="export-status", role="status", **{"aria-live": "polite"})


def _button(label: str, link_id: str, href: str, what: str, status_id: str) -> html.A:
    return html.A(label, id=link_id, href=href, className="btn btn-secondary btn-small export-button", download="",
                  rel="nofollow", role="button", **{"data-what": what, "data-status": status_id})


def export_controls(title_hint: str) -> html.Div:
    """Title, subtitle and size of the export, then one button per format and the status line;
    ``title_hint`` is the title an export of the first view gets unless one is typed. Drawn once the
    map is (``dashboard.after_map``).
    """
    return html.Div(mantine_after_map([
        html.Span(t("export", "en"), id=ids.text("export"), className="field-label inline"),
        html.Div([
            html.Div([
                html.Label(t("export_title_label", "en"), id=ids.text("export_title_label"),
                           htmlFor=ids.EXPORT_TITLE, className="field-label"),
                dcc.Input(id=ids.EXPORT_TITLE, type="text", value="", maxLength=MAX_TITLE, debounce=True,
                          placeholder=title_hint, className="text-input", autoComplete="off"),
            ], className="export-field export-field-wide"),
            html.Div([
                html.Label(t("export_subtitle_label", "en"), id=ids.text("export_subtitle_label"),
                           htmlFor=ids.EXPORT_SUBTITLE, className="field-label"),
                dcc.Input(id=ids.EXPORT_SUBTITLE, type="text", value="", maxLength=MAX_SUBTITLE, debounce=True,
                          placeholder=t("export_subtitle_placeholder", "en"), className="text-input", autoComplete="off"),
            ], className="export-field export-field-wide"),
            html.Div([
                dmc.Select(id=ids.EXPORT_SIZE, data=size_options("en"), value=SIZES[0], allowDeselect=False,
                           label=t("export_size", "en"),  # translated: dashboard/page_text.py TEXT_PROPS
                           comboboxProps={"zIndex": 400}),
            ], className="export-field"),
        ], className="export-options"),
        html.Div([_button(fmt.upper(), ids.export_link(fmt), f"/export/{fmt}", fmt.upper(), ids.EXPORT_STATUS)
                  for fmt in ids.EXPORT_FORMATS], className="row-buttons"),
        _status(ids.EXPORT_STATUS),
    ]), className="export-links")


def deck_buttons(briefing_id: str | None) -> html.Div:
    """*Download deck* (PowerPoint) and the deck as PDF, for the briefing picked above them."""
    base = f"/deck/{briefing_id}" if briefing_id else "/deck/none"
    return html.Div([
        html.Div([
            _button(t("download_deck", "en"), ids.DECK_PPTX, f"{base}.pptx",
                    "PowerPoint", ids.DECK_STATUS),
            _button(t("download_deck_pdf", "en"), ids.DECK_PDF, f"{base}.pdf",
                    "PDF", ids.DECK_STATUS),
        ], className="row-buttons"),
        _status(ids.DECK_STATUS),
    ], className="deck-links")
