"""What a region's hover says beyond its value: the amounts and counts behind it, in words.

Pure: the engine's region values in, one short text per region out (``layers.map_figure``
puts it under the value). The text is plotly markup: data in it (names) has gone through
``layers.text.plain``, and lines are joined with ``<br>``, so it is inserted as it is. Money: each amount earmarked for the region alone, with its period and
why it is or is not added; displacement: which areas and dates a region's count adds.
"""

from __future__ import annotations

import pandas as pd

from layers.faces import engagement_name
from layers.i18n import fmt_span, fmt_value, t
from layers.text import plain

MAX_NOTE_LINES = 4


def _money_note(lines: tuple, tables: dict[str, pd.DataFrame], lang: str) -> str:
    shown = [x for x in lines if x.value is not None][:MAX_NOTE_LINES]
    out = []
    for x in shown:
        why = "" if x.reason == "counted" else f" — {t('why_' + x.reason, lang)}"
        out.append(plain(f"{fmt_value(x.value, x.unit, lang, x.qualifier)}, {fmt_span(x.start, x.end, lang)} "
                         f"({engagement_name(tables, x.engagement_id, lang)}){why}"))
    rest = len([x for x in lines if x.value is not None]) - len(shown)
    if rest > 0:
        out.append(t("note_more", lang, n=rest))
    return "<br>".join(out)


def region_notes(values: pd.DataFrame, metric: str, tables: dict[str, pd.DataFrame], lang: str) -> dict[str, str]:
    """Per region code, the hover note of a view's region values ("" columns give no note)."""
    notes: dict[str, str] = {}
    if metric == "budget" and "lines" in values:
        for code, lines in zip(values["region_code"], values["lines"], strict=True):
            if lines:
                notes[code] = _money_note(lines, tables, lang)
    elif "note" in values:
        notes = {code: plain(note) for code, note in zip(values["region_code"], values["note"], strict=True) if note}
    return notes
