"""The face of each key figure in words: its title, value, basis and notes, in a language.

Pure: headlines in, text out. The page's cards (``dashboard.cards``), the briefing stage and the
exports all show the same words for the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from layers.i18n import fmt_date, fmt_int, fmt_span, fmt_value, t
from layers.lookups import per_frame
from layers.period import Month, Period
from layers.rules.engine import ViewFacts
from layers.rules.headlines import Headline
from layers.view_state import Options, to_query


@dataclass(frozen=True)
class Face:
    """What a key figure shows before it is opened."""

    key: str
    title: str
    value: str
    sub: str
    notes: tuple[str, ...] = ()
    series: tuple[tuple[str, str], ...] = ()  # (month label, link query) of the period's counts


@per_frame
def _names(engagements: pd.DataFrame) -> dict[str, dict[str, str]]:
    return {eid: {"en": a or en, "fr": a or fr} for eid, a, en, fr in
            zip(engagements["engagement_id"], engagements["acronym"], engagements["name_en"], engagements["name_fr"], strict=True)}


def engagement_name(tables: dict[str, pd.DataFrame], engagement_id: str, lang: str) -> str:
    """An engagement's short display name: its acronym, else its name."""
    names = _names(tables["engagements"]).get(engagement_id)
    return names[lang] if names else engagement_id


def _totals_text(headline: Headline, lang: str) -> str:
    return " · ".join(fmt_value(x.value, x.unit, lang, x.qualifier) for x in headline.totals)


def _latest(headline: Headline, lang: str) -> str:
    return t("latest_figure", lang, date=fmt_date(headline.latest, lang)) if headline.latest is not None else ""


def engagements_face(facts: ViewFacts, lang: str, data_as_of: str) -> Face:
    """How many engagements the view counts, and what else its table lists."""
    h, period = facts.engagements, facts.state.period
    groups: dict[str, tuple[str, ...]] = h.extra["groups"]  # type: ignore[assignment]
    also = ", ".join(f"{len(ids)} {t('group_' + g, lang).lower()}" for g, ids in groups.items() if g != "counted" and ids)
    value = fmt_int(h.totals[0].value, lang) if h.totals else t("none", lang)
    return Face("engagements", t("kf_engagements", lang, period=period.label(lang)), value, t("kf_engagements_note", lang),
                notes=(t("kf_also_listed", lang, items=also) if also else "", t("data_as_of", lang, date=data_as_of)))


def money_face(tables: dict[str, pd.DataFrame], facts: ViewFacts, region_names: str, lang: str) -> Face:
    """The money in force on the view's date: annual sums per currency, everything else listed."""
    h = facts.money
    region = bool(h.extra.get("region"))
    title = (t("kf_money_region", lang, regions=region_names) if region else t("kf_money", lang)) + \
        f", {t('as_at', lang, date=fmt_date(facts.as_at, lang))}"
    primary = [x for x in h.left_out() if x.reason == "basis_period" and x.value is not None]
    sub = t("kf_money_basis", lang)
    if h.status == "value":
        value = _totals_text(h, lang)
    elif h.status == "listed" and len(primary) == 1:
        one = primary[0]
        value = fmt_value(one.value, one.unit, lang, one.qualifier)
        sub = t("kf_money_one", lang, basis=t(f"type_{one.amount_type}", lang), period=fmt_span(one.start, one.end, lang)) + \
            f" · {engagement_name(tables, one.engagement_id, lang)}"
    elif h.status == "listed":
        value = t("kf_money_listed", lang, n=h.extra["n_listed_values"])
    else:
        value = t("unknown", lang) if h.status == "unknown" else t("none", lang)
    missing = len(h.extra.get("no_figure") or ())
    notes = [t("kf_left_out_n", lang, n=h.extra["n_left_out"]),
             t("kf_no_figure_n", lang, n=missing) if missing else "", _latest(h, lang)]
    return Face("money", title, value, sub, notes=tuple(notes))


def personnel_face(tables: dict[str, pd.DataFrame], facts: ViewFacts, region_names: str, lang: str) -> Face:
    """Deployed personnel on the view's date: current strengths in Mali only; the rest listed."""
    h = facts.personnel
    region = bool(h.extra.get("region"))
    title = (t("kf_personnel_region", lang, regions=region_names) if region else t("kf_personnel", lang)) + \
        f", {t('as_at', lang, date=fmt_date(facts.as_at, lang))}"
    stale = [x for x in h.left_out() if x.reason in ("stale", "ended") and x.value is not None]
    if h.status == "value":
        value = _totals_text(h, lang)
    elif h.status == "listed":
        value = t("kf_personnel_listed", lang)
    else:
        value = t("unknown", lang) if h.status == "unknown" else t("none", lang)
    last_known = [t("kf_last_known", lang, value=fmt_value(x.value, "people", lang, x.qualifier),
                    date=fmt_date(x.start, lang, x.date_text), name=engagement_name(tables, x.engagement_id, lang))
                  for x in stale[:3]]
    missing = len(h.extra.get("no_figure") or ())
    notes = [*last_known, t("kf_no_figure_n", lang, n=missing) if missing else "", _latest(h, lang)]
    return Face("personnel", title, value, t("kf_left_out_n", lang, n=h.extra["n_left_out"]), notes=tuple(notes))


def idp_face(facts: ViewFacts, options: Options, region_names: str, lang: str) -> Face:
    """The latest count in the period, and the period's series one click each."""
    h, state = facts.idps, facts.state
    where = region_names or t("kf_idp_where", lang)
    title = f"{t('kf_idp', lang)}, {where}"
    latest_any = h.extra.get("latest_any")
    if h.status == "value":
        counted = h.counted()
        value = _totals_text(h, lang)
        sub = t("as_at", lang, date=", ".join(fmt_date(x.start, lang, x.date_text) for x in counted))
    elif latest_any and latest_any[0] < state.period.start:  # type: ignore[index]
        # After the last count: say so, never carry the old number forward as current.
        value = t("no_figure_after", lang, date=fmt_date(latest_any[0], lang, latest_any[1]))  # type: ignore[index]
        sub = t("no_figure_in_period", lang, period=state.period.label(lang))
    else:
        value = t("no_figure_in_period", lang, period=state.period.label(lang))
        sub = t("latest_figure", lang, date=fmt_date(latest_any[0], lang, latest_any[1])) if latest_any else ""  # type: ignore[index]
    series = [x for x in h.lines if x.reason in ("counted", "earlier") and x.start is not None]
    months = sorted({Month.of(x.start) for x in series})
    series = tuple((m.label(lang), to_query(replace(state, period=Period(m, m)), options) or "?") for m in months) \
        if len(months) > 1 else ()
    notes: list[str] = []
    if latest_any and h.status == "value" and h.latest is not None and latest_any[0] > h.latest:  # type: ignore[index]
        notes.append(t("latest_figure", lang, date=fmt_date(latest_any[0], lang, latest_any[1])))  # type: ignore[index]
    return Face("idps", title, value, sub, notes=tuple(notes), series=series)


def faces(tables: dict[str, pd.DataFrame], facts: ViewFacts, options: Options, region_names: dict[str, dict[str, str]], *,
          lang: str, data_as_of: str) -> list[Face]:
    """The four key figures of a view, in words."""
    names = ", ".join(region_names.get(r, {}).get(lang, r) for r in facts.state.regions)
    return [
        engagements_face(facts, lang, data_as_of),
        money_face(tables, facts, names, lang),
        personnel_face(tables, facts, names, lang),
        idp_face(facts, options, names, lang),
    ]
