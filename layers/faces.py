"""The face of each key figure in words: its title, value, basis and notes, in a language.

Pure: headlines in, text out. The page's cards (``dashboard.cards``), the briefing stage and the
exports all show the same words for the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from layers.actor_names import actor_name
from layers.i18n import fmt_date, fmt_int, fmt_span, fmt_value, label, t
from layers.lookups import per_frame
from layers.period import Month, Period
from layers.rules.displacement import RegionCount, dates_text, region_note
from layers.rules.engine import ViewFacts
from layers.rules.headlines import Headline, Line
from layers.view_state import Options, ViewState, to_query


@dataclass(frozen=True)
class Face:
    """What a key figure shows before it is opened."""

    key: str
    title: str
    value: str
    sub: str
    notes: tuple[str, ...] = ()
    series: tuple[tuple[str, str], ...] = ()  # (month label, link query) of the period's counts
    as_at: str = ""  # the "as at …" that ends the title, when the figure stands at a date
    context: str = ""  # a note a printed page adds under ``sub`` (it prints no notes): the largest strength left out

    @property
    def heading(self) -> str:
        """The title without its "as at …" (the stage states the date once for all its figures)."""
        return self.title.removesuffix(f", {self.as_at}") if self.as_at else self.title


@per_frame
def _names(engagements: pd.DataFrame) -> dict[str, dict[str, str]]:
    return {eid: {"en": a or en, "fr": a or fr} for eid, a, en, fr in
            zip(engagements["engagement_id"], engagements["acronym"], engagements["name_en"], engagements["name_fr"], strict=True)}


def as_at_text(facts: ViewFacts, lang: str) -> str:
    """The date the view's figures stand at, in words; "(latest data)" when the period runs on
    past the data's date, so that "17 Feb 2026" is not read as the period's end or today.
    """
    when = fmt_date(facts.as_at, lang)
    return t("as_at_latest_data", lang, date=when) if facts.past_data else when


def engagement_name(tables: dict[str, pd.DataFrame], engagement_id: str, lang: str) -> str:
    """An engagement's short display name: its acronym, else its name."""
    names = _names(tables["engagements"]).get(engagement_id)
    return names[lang] if names else engagement_id


def _totals_text(headline: Headline, lang: str) -> str:
    return " · ".join(fmt_value(x.value, x.unit, lang, x.qualifier) for x in headline.totals)


def _latest(headline: Headline, lang: str) -> str:
    """The "latest figure" note: the date as precise as its source gives it, no more."""
    if headline.latest is None:
        return ""
    return t("latest_figure", lang, date=fmt_date(headline.latest, lang, headline.latest_text))


def engagements_face(facts: ViewFacts, lang: str, data_as_of: str, region_names: str = "") -> Face:
    """How many engagements the view counts, and what else its table lists. The title names the
    regions the count is for, and the line under the number the other filters it follows (donors,
    actors, sectors, a search), so the number is never read as all of Mali's.
    """
    h, state = facts.engagements, facts.state
    groups: dict[str, tuple[str, ...]] = h.extra["groups"]  # type: ignore[assignment]
    # "1 fund or portfolio", "2 components and contingents": each group counted in words of its own.
    also = ", ".join(t(f"also_{g}" + ("_one" if len(ids) == 1 else ""), lang, n=fmt_int(len(ids), lang))
                     for g, ids in groups.items() if g != "counted" and ids)
    value = fmt_int(h.totals[0].value, lang) if h.totals else t("none", lang)
    period = state.period.label(lang)
    if state.regions:
        title, sub = t("kf_engagements_region", lang, period=period, regions=region_names), t("kf_engagements_region_note", lang)
    else:
        title, sub = t("kf_engagements", lang, period=period), t("kf_engagements_note", lang)
    quoted = f"« {state.search} »" if lang == "fr" else f"“{state.search}”"
    only = [*(actor_name(d, lang) for d in state.donors), *(label(a, lang) for a in state.actors),
            *(label(x, lang) for x in state.sectors), *([quoted] if state.search else [])]
    if only:  # in the line under the number, which every window shows (the notes fold away in narrow ones)
        sub += " · " + t("kf_only", lang, filters=", ".join(only))
    face = Face("engagements", title, value, sub,
                notes=(t("kf_also_listed", lang, items=also) if also else "", t("data_as_of", lang, date=data_as_of)))
    return _without_mali(face, state, lang)


def _without_mali(face: Face, state: ViewState, lang: str) -> Face:
    """A Mali figure in a view whose *Where* leaves Mali out says so: it has nothing to count,
    which is neither "none" nor "unknown" (what the view lists outside Mali stays in the notes).
    """
    if state.counts_mali:
        return face
    return replace(face, value=t("kf_mali_not_in_view", lang), sub=t("kf_mali_not_in_view_note", lang))


def money_face(tables: dict[str, pd.DataFrame], facts: ViewFacts, region_names: str, lang: str) -> Face:
    """The money in force on the view's date: annual sums per currency, everything else listed."""
    h = facts.money
    region = bool(h.extra.get("region"))
    when = t("as_at", lang, date=as_at_text(facts, lang))
    title = (t("kf_money_region", lang, regions=region_names) if region else t("kf_money", lang)) + f", {when}"
    sub = t("kf_money_basis", lang)
    n_listed = int(h.extra["n_listed_values"])  # type: ignore[call-overload]
    n_own = int(h.extra.get("n_own_listed", n_listed))  # type: ignore[call-overload]
    primary = [x for x in h.left_out() if x.reason == "basis_period" and x.value is not None]
    others = n_listed - n_own  # national or multi-country money active in the selected regions
    if h.status == "value":
        value = _totals_text(h, lang)
    elif h.status == "listed" and n_own == 1 and len(primary) == 1:
        # The only amount in force is a total for several years: shown as that, with its period.
        one = primary[0]
        value = fmt_value(one.value, one.unit, lang, one.qualifier)
        sub = t("kf_money_one", lang, basis=t(f"type_{one.amount_type}", lang), period=fmt_span(one.start, one.end, lang)) + \
            f" · {engagement_name(tables, one.engagement_id, lang)}"
    elif h.status == "listed":
        # Several amounts, none of which may be added: no single one stands for the whole (review A1).
        value = t("kf_money_no_annual", lang)
        sub = t("kf_money_listed" + ("_one" if n_own == 1 else ""), lang, n=n_own) if n_own else ""  # never "0 amounts"
    else:
        value = t("unknown", lang) if h.status == "unknown" else t("none", lang)
    missing = len(h.extra.get("no_figure") or ())
    if region and others:
        sub += (" · " if sub else "") + t("kf_money_not_earmarked_n" + ("_one" if others == 1 else ""), lang, n=others)
    # Not "0 listed, not added"; nor "8 listed, not added" under "8 amounts in force, not added".
    left_out = int(h.extra["n_left_out"])  # type: ignore[call-overload]
    if h.status == "listed":
        # The line under the figure counts the amounts; a row in force without one is named as that,
        # not folded into "39 listed" under "2 amounts ... · 36 ... amounts" (nor counted again when
        # its engagement is among those "with no figure").
        no_figure = set(h.extra.get("no_figure") or ())  # type: ignore[call-overload]
        blank = sum(1 for x in h.lines if x.value is None and x.reason not in ("counted", "not_in_force")
                    and x.engagement_id not in no_figure)
        left_note = t("kf_money_blank_n" + ("_one" if blank == 1 else ""), lang, n=blank) if blank else ""
    else:
        left_note = t("kf_left_out_n", lang, n=left_out) if left_out else ""
    notes = [left_note,
             t("kf_no_figure_n", lang, n=missing) if missing else "", _latest(h, lang)]
    return _without_mali(Face("money", title, value, sub, notes=tuple(notes), as_at=when), facts.state, lang)


def strengths_left_out(h: Headline) -> list[Line]:
    """The out-of-date and ended strengths a personnel figure leaves out (at most three): an active
    engagement's first, the largest first.
    """
    stale = [x for x in h.left_out() if x.reason in ("stale", "ended") and x.value is not None]
    return sorted(stale, key=lambda x: (x.reason != "stale", -float(x.value or 0)))[:3]


def printed_context(h: Headline, stale: list[Line] | None = None) -> Line | None:
    """The strength a printed page names under a partial personnel total (it prints no notes): the
    largest an active engagement last had. "At least 620" (EUTM alone) in 2019 read as Mali's
    personnel beside MINUSMA's 13,249 of 2018, which only the desk's notes gave.
    """
    covered, active = h.extra.get("coverage", (0, 0))  # type: ignore[misc]
    stale = strengths_left_out(h) if stale is None else stale  # the face passes what it already has
    return stale[0] if h.status == "value" and covered < active and stale and stale[0].reason == "stale" else None


def personnel_face(tables: dict[str, pd.DataFrame], facts: ViewFacts, region_names: str, lang: str) -> Face:
    """Deployed personnel on the view's date: current strengths in Mali only; the rest listed."""
    h = facts.personnel
    region = bool(h.extra.get("region"))
    when = t("as_at", lang, date=as_at_text(facts, lang))
    title = (t("kf_personnel_region", lang, regions=region_names) if region else t("kf_personnel", lang)) + f", {when}"
    stale = strengths_left_out(h)
    if h.status == "value":
        value = _totals_text(h, lang)
    elif h.status == "listed":
        value = t("kf_personnel_listed", lang)
    else:
        value = t("unknown", lang) if h.status == "unknown" else t("none", lang)
    last_known = [t("kf_last_known", lang, value=fmt_value(x.value, "people", lang, x.qualifier),
                    date=fmt_date(x.start, lang, x.date_text), name=engagement_name(tables, x.engagement_id, lang))
                  for x in stale]
    missing = len(h.extra.get("no_figure") or ())
    covered, active = h.extra.get("coverage", (0, 0))  # type: ignore[misc]
    # A total that covers only some of the engagements active on the date says so first (review A3).
    partial = h.status == "value" and covered < active
    sub = t("kf_coverage", lang, k=covered, n=active) if partial else t("kf_left_out_n", lang, n=h.extra["n_left_out"])
    context = last_known[0] if printed_context(h, stale) is not None else ""  # the first of them
    notes = [*last_known, t("kf_no_figure_n", lang, n=missing) if missing else "", _latest(h, lang)]
    face = Face("personnel", title, value, sub, notes=tuple(notes), as_at=when, context=context)
    return _without_mali(face, facts.state, lang)


def _area_names(tables: dict[str, pd.DataFrame], lang: str) -> dict[str, str]:
    regions = tables["regions"]
    return dict(zip(regions["region_code"], regions["name_fr" if lang == "fr" else "name_en"], strict=True))


def _region_line(c: RegionCount, names: dict[str, str], lang: str) -> str:
    """One selected region in words: its value and date, its parts, or no count."""
    name = names.get(c.region_code, c.region_code)
    if c.status == "value":
        return t("kf_idp_region", lang, region=name, value=fmt_value(c.value, "people", lang, c.qualifier),
                 date=dates_text(c, lang))
    if c.status == "partial":
        return t("kf_idp_region_partial", lang, region=name, parts=region_note(c, names, lang))
    return t("kf_idp_region_unknown", lang, region=name)


def idp_face(tables: dict[str, pd.DataFrame], facts: ViewFacts, options: Options, region_names: str, lang: str) -> Face:
    """The latest count in the period, and the period's series one click each."""
    h, state = facts.idps, facts.state
    where = region_names or t("kf_idp_where", lang)
    title = f"{t('kf_idp', lang)}, {where}"
    latest_any = h.extra.get("latest_any")
    counts: tuple[RegionCount, ...] = h.extra.get("regions") or ()  # type: ignore[assignment]
    names = _area_names(tables, lang) if counts else {}
    notes: list[str] = []
    if h.status == "value":
        value = _totals_text(h, lang)
        # One date even when several areas are added (they are all of that date).
        sub = t("as_at", lang, date=", ".join(dict.fromkeys(fmt_date(x.start, lang, x.date_text) for x in h.counted())))
        notes += [region_note(c, names, lang) for c in counts]  # "Mopti + Bandiagara, 30 Sep 2023"
        parts = [x for x in h.left_out() if x.reason == "part_of_region"]
        if parts:
            notes.append(t("kf_idp_part_note", lang, parts="; ".join(
                t("idp_part", lang, area=names.get(x.scope, x.scope), value=fmt_value(x.value, "people", lang, x.qualifier),
                  date=fmt_date(x.start, lang, x.date_text)) for x in parts)))
    elif h.status == "partial":  # one region, counts for some of its areas only: no total
        value = t("kf_idp_partial", lang)
        sub = region_note(counts[0], names, lang)
    elif h.status == "listed":  # several regions, not all with a count of one date: each with its own
        value = t("kf_idp_listed", lang)
        sub = ""
        notes += [_region_line(c, names, lang) for c in counts]
    elif latest_any and latest_any[0] < state.period.start:  # type: ignore[index]
        value = t("no_figure_after", lang, date=fmt_date(latest_any[0], lang, latest_any[1]))  # type: ignore[index]
        sub = t("no_figure_in_period", lang, period=state.period.label(lang))
    else:
        value = t("no_figure_in_period", lang, period=state.period.label(lang))
        sub = t("latest_figure", lang, date=fmt_date(latest_any[0], lang, latest_any[1])) if latest_any else ""  # type: ignore[index]
    next_any = h.extra.get("next_any")
    if next_any and h.status not in ("value", "partial", "listed"):  # a past view: when the next count came
        notes.append(t("next_figure", lang, date=fmt_date(next_any[0], lang, next_any[1])))  # type: ignore[index]
    series = [x for x in h.lines if x.reason in ("counted", "earlier", "region_count", "part_of_region") and x.start is not None]
    months = sorted({Month.of(x.start) for x in series})
    series = tuple((m.label(lang), to_query(replace(state, period=Period(m, m)), options) or "?") for m in months) \
        if len(months) > 1 else ()
    if latest_any and h.status == "value" and h.latest is not None and latest_any[0] > h.latest:  # type: ignore[index]
        notes.append(t("latest_figure", lang, date=fmt_date(latest_any[0], lang, latest_any[1])))  # type: ignore[index]
    return Face("idps", title, value, sub, notes=tuple(notes), series=series)


def faces(tables: dict[str, pd.DataFrame], facts: ViewFacts, options: Options, region_names: dict[str, dict[str, str]], *,
          lang: str, data_as_of: str) -> list[Face]:
    """The four key figures of a view, in words."""
    names = ", ".join(region_names.get(r, {}).get(lang, r) for r in facts.state.regions)
    return [
        engagements_face(facts, lang, data_as_of, names),
        money_face(tables, facts, names, lang),
        personnel_face(tables, facts, names, lang),
        idp_face(tables, facts, options, names, lang),
    ]
