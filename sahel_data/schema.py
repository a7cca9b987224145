"""The data contract: every table in ``data/tables/``, its columns, types and vocabularies.

This module is the single place that says what a valid table looks like. The loader
(:mod:`sahel_data.load`) checks files against it; ``data/README.md`` documents it for people.

Conventions shared by all tables:

* files are CSV, UTF-8, comma-delimited, one header row, written without a byte-order mark; a
  file saved by Excel ("CSV UTF-8": a BOM, CRLF line ends, a cell's own line break inside quotes)
  reads the same (:func:`sahel_data.tables.read_raw`): the BOM is skipped, CRLF is a line end,
  and a line break inside a quoted long text (notes, descriptions, quotes, locators) is read as
  a space; names, titles, ids and codes stay one line;
* list cells hold ``;``-separated values (``ML-5;ML-7``);
* ``source_ids`` lists source ids; ``locators`` holds one locator per source, separated by
  `` | `` (a single locator may cover several places in a single source);
* dates are ISO at the precision the source gives: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
  A start date resolves to the first day of its period, an end date to the last day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["id", "text", "int", "float", "date", "bool", "enum", "list", "ref", "reflist"]

ID_PATTERN = r"^[A-Z0-9][A-Z0-9-]*$"
LIST_SEP = ";"
LOCATOR_SEP = " | "
MAX_ID_LENGTH = 60

# Longest text a cell may hold (characters): far above the shipped data (the longest name is 215
# characters, the longest description or quote 665), far below a pasted page.
MAX_TEXT_LENGTH = 2000
MAX_NAME_LENGTH = 300
MAX_ACRONYM_LENGTH = 40
NAME_COLUMNS = frozenset({
    "name_en", "name_fr", "name", "title", "title_en", "title_fr", "publisher", "lead_actor", "implementer", "donor",
    "number", "legal_basis", "as_stated", "placed_at", "row_id", "column_name", "value", "drawn_as",
})


def text_limit(column: str) -> int:
    """The most characters a cell of ``column`` may hold."""
    if column == "acronym":
        return MAX_ACRONYM_LENGTH
    return MAX_NAME_LENGTH if column in NAME_COLUMNS else MAX_TEXT_LENGTH

ACTOR_TYPES = (
    "eu_csdp",  # EU Common Security and Defence Policy missions
    "eu_other",  # other EU instruments (EDF, IcSP, ISF, budget support, EU pledges)
    "trust_fund",  # EU Emergency Trust Fund for Africa and projects it funds
    "un",  # United Nations
    "france",  # French state (armed forces, MFA, AFD)
    "member_state",  # other EU member states and European partners, bilaterally
    "regional",  # G5 Sahel, ECOWAS, African Union
    "other_donor",  # donors outside Europe (Japan, Saudi Arabia ...)
    "russia",  # the Russian state and its proxies (Wagner Group, Africa Corps)
    "unknown",  # the source does not say who funds or leads it
)

ENGAGEMENT_KINDS = (
    "csdp_military_mission",
    "csdp_civilian_mission",
    "un_peace_operation",
    "bilateral_military_operation",
    "multinational_task_force",
    "regional_force",
    "trust_fund",
    "trust_fund_project",
    "bilateral_project",
    "multilateral_programme",
    "budget_support",
    "troop_contribution",
    "aggregate_portfolio",
    "pledge",
)

SECTORS = (
    "training",
    "advising",
    "equipping",
    "policing",
    "border_management",
    "military_operations",
    "peacekeeping",
    "justice",
    "migration",
    "governance",
    "development",
    "funding",
)

STATUSES = ("active", "ended", "planned", "unknown")
SCOPES = ("national", "regions", "multi_country", "unknown")
# The time an amount covers: a total for its stated period, one year's money, or not stated.
BUDGET_BASES = ("period_total", "annual", "unknown")
# What kind of money it is: a briefer must never read a pledge or a projection as money spent.
AMOUNT_TYPES = ("committed", "appropriated", "pledged", "projected", "estimated", "unknown")
# Where an amount or a strength applies (see data/README.md, "Headlines").
FIGURE_SCOPES = ("mali", "mali_share", "multi_country", "outside_mali")
# What a dated event does to its engagement: staleness of strengths depends on it.
EVENT_EFFECTS = ("ends", "cuts")
SITE_KINDS = (
    "training_site",
    "headquarters",
    "base",
    "border_post",
    "police_unit",
    "school",
    "project_site",
    "town",
)
# How well a point's coordinates locate the thing it stands for.
PRECISIONS = ("exact", "town", "nearest_town", "region_centroid", "unknown")
REGION_KINDS = ("country", "region", "district", "new_region", "aggregate")
EVENT_KINDS = (
    "coup",
    "accord",
    "resolution",
    "summit",
    "operation_start",
    "operation_end",
    "decision",
    "withdrawal",
    "attack",
    "conflict",
    "request",
    "institution",
    "election",
)
QUALIFIERS = ("exact", "approx", "up_to", "over", "almost")
INDICATORS = (
    "personnel",  # a reported, deployed head count
    "personnel_ceiling",  # an authorised strength
    "planned_strength",  # announced or planned, not (yet) deployed
    "beneficiary_staff",  # the partner's own staff in a supported unit: never assistance personnel
    "trainees_cumulative",
    "advisers",
    "international_staff",
    "local_staff",
    "units",
    "contributing_countries",
)


@dataclass(frozen=True)
class Column:
    """One column: its name, kind, whether a value is required, and its constraint."""

    name: str
    kind: ColumnKind
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str = ""  # "table.column" that every value must exist in
    minimum: float | None = None


@dataclass(frozen=True)
class Table:
    """A table file: its columns, its key, and its date-order rules."""

    name: str
    columns: tuple[Column, ...]
    key: str
    date_order: tuple[tuple[str, str], ...] = ()  # (start, end) pairs with start <= end
    sourced: bool = True  # rows carry source_ids and locators
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    folder: str = "tables"  # the folder of data/ that holds the file (map context tables: geo)

    @property
    def file(self) -> str:
        """The table's file name in ``data/<folder>/``."""
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


def _sourcing() -> tuple[Column, ...]:
    return (
        Column("source_ids", "reflist", required=True, ref="sources.source_id"),
        Column("locators", "text", required=True),
    )


SOURCES = Table(
    "sources",
    (
        Column("source_id", "id", required=True),
        Column("title", "text", required=True),
        Column("publisher", "text", required=True),
        Column("published", "date"),
        Column("location", "text", required=True),
        Column("kind", "enum", required=True, choices=("seed", "official", "press", "reference", "dataset", "mirror")),
        Column("notes", "text"),
    ),
    key="source_id",
    sourced=False,
    description="Every document a figure comes from: the five seeds and public references.",
)

REGIONS = Table(
    "regions",
    (
        Column("region_code", "id", required=True),
        Column("name_fr", "text", required=True),
        Column("name_en", "text", required=True),
        Column("kind", "enum", required=True, choices=REGION_KINDS),
        Column("drawn_as", "text"),  # code of the boundary feature that contains it
        # OCHA COD-AB p-code (ML05; ML for the country) and the validOn date of its COD release:
        # the 2023 reform renumbers them, so a p-code means nothing without its vintage.
        Column("pcode", "id"),
        Column("pcode_vintage", "date"),
        Column("created", "date"),
        Column("note", "text"),
        *_sourcing(),
    ),
    key="region_code",
    description="Crosswalk of area codes (ISO 3166-2 and OCHA p-codes): country, drawn regions, newer regions, aggregates.",
)

ENGAGEMENTS = Table(
    "engagements",
    (
        Column("engagement_id", "id", required=True),
        Column("name_en", "text", required=True),
        Column("name_fr", "text", required=True),
        Column("acronym", "text"),
        Column("kind", "enum", required=True, choices=ENGAGEMENT_KINDS),
        Column("actor_type", "enum", required=True, choices=ACTOR_TYPES),
        Column("lead_actor", "text", required=True),
        Column("implementer", "text"),
        Column("sectors", "list", required=True, choices=SECTORS),
        Column("start_date", "date"),
        Column("end_date", "date"),
        Column("status", "enum", required=True, choices=STATUSES),
        Column("scope", "enum", required=True, choices=SCOPES),
        Column("regions", "reflist", ref="regions.region_code"),
        Column("countries", "reflist", ref="regions.region_code"),
        Column("personnel_peak", "int", minimum=0),
        Column("personnel_note", "text"),
        Column("parent_id", "ref", ref="engagements.engagement_id"),
        Column("description_en", "text", required=True),
        Column("description_fr", "text", required=True),
        *_sourcing(),
    ),
    key="engagement_id",
    date_order=(("start_date", "end_date"),),
    description="Every mission, operation, force, programme and project.",
)

MANDATES = Table(
    "mandates",
    (
        Column("mandate_id", "id", required=True),
        Column("engagement_id", "ref", required=True, ref="engagements.engagement_id"),
        Column("number", "text", required=True),
        Column("start_date", "date", required=True),
        Column("end_date", "date"),
        Column("legal_basis", "text", required=True),
        Column("budget_amount", "float", minimum=0),
        Column("budget_currency", "enum", choices=("EUR", "USD", "XOF")),
        Column("budget_eur", "float", minimum=0),
        Column("budget_qualifier", "enum", choices=QUALIFIERS),
        Column("budget_basis", "enum", choices=BUDGET_BASES),
        Column("budget_type", "enum", choices=AMOUNT_TYPES),
        Column("budget_scope", "enum", choices=FIGURE_SCOPES),
        Column("budget_note", "text"),
        Column("area_regions", "reflist", ref="regions.region_code"),
        Column("area_countries", "reflist", ref="regions.region_code"),
        Column("area_note", "text"),
        Column("personnel_ceiling", "int", minimum=0),
        Column("key_changes", "text"),
        *_sourcing(),
    ),
    key="mandate_id",
    date_order=(("start_date", "end_date"),),
    description="Legal mandates of an engagement: period, basis, budget, area of operations.",
)

FUNDING = Table(
    "funding",
    (
        Column("funding_id", "id", required=True),
        Column("engagement_id", "ref", required=True, ref="engagements.engagement_id"),
        Column("donor", "text", required=True),
        Column("donor_type", "enum", required=True, choices=ACTOR_TYPES),
        Column("amount", "float", minimum=0),
        Column("currency", "enum", choices=("EUR", "USD", "XOF")),
        Column("amount_eur", "float", minimum=0),
        Column("qualifier", "enum", choices=QUALIFIERS),
        Column("basis", "enum", required=True, choices=BUDGET_BASES),
        Column("amount_type", "enum", required=True, choices=AMOUNT_TYPES),
        Column("amount_scope", "enum", required=True, choices=FIGURE_SCOPES),
        Column("period_start", "date"),
        Column("period_end", "date"),
        Column("is_component", "bool", required=True),
        Column("note", "text"),
        *_sourcing(),
    ),
    key="funding_id",
    date_order=(("period_start", "period_end"),),
    description="Who paid how much for an engagement; one row per donor.",
)

SITES = Table(
    "sites",
    (
        Column("site_id", "id", required=True),
        Column("name", "text", required=True),
        Column("kind", "enum", required=True, choices=SITE_KINDS),
        Column("lat", "float"),
        Column("lon", "float"),
        Column("precision", "enum", required=True, choices=PRECISIONS),
        Column("placed_at", "text"),
        Column("region_code", "ref", ref="regions.region_code"),
        Column("country", "ref", required=True, ref="regions.region_code"),
        Column("engagement_ids", "reflist", ref="engagements.engagement_id"),
        Column("active_from", "date"),
        Column("active_to", "date"),
        Column("note", "text"),
        *_sourcing(),
    ),
    key="site_id",
    date_order=(("active_from", "active_to"),),
    description="Places: training sites, headquarters, bases, border posts, project sites.",
)

IDP_COUNTS = Table(
    "idp_counts",
    (
        Column("idp_id", "id", required=True),
        Column("date", "date", required=True),
        Column("area_code", "ref", required=True, ref="regions.region_code"),
        Column("as_stated", "text"),
        Column("count", "int", required=True, minimum=0),
        Column("qualifier", "enum", choices=QUALIFIERS),
        Column("preferred", "bool", required=True),
        Column("note", "text"),
        *_sourcing(),
    ),
    key="idp_id",
    description="Internally displaced people by date and area, as each source counts them.",
)

EVENTS = Table(
    "events",
    (
        Column("event_id", "id", required=True),
        Column("date", "date", required=True),
        Column("kind", "enum", required=True, choices=EVENT_KINDS),
        Column("title_en", "text", required=True),
        Column("title_fr", "text", required=True),
        Column("region_code", "ref", ref="regions.region_code"),
        Column("engagement_id", "ref", ref="engagements.engagement_id"),
        Column("key_event", "bool", required=True),
        Column("effect", "enum", choices=EVENT_EFFECTS),
        *_sourcing(),
    ),
    key="event_id",
    description="Dated context: coups, accords, resolutions, summits, operations.",
)

INDICATORS_TABLE = Table(
    "indicators",
    (
        Column("indicator_id", "id", required=True),
        Column("engagement_id", "ref", required=True, ref="engagements.engagement_id"),
        Column("date", "date", required=True),
        Column("indicator", "enum", required=True, choices=INDICATORS),
        Column("value", "int", required=True, minimum=0),
        Column("qualifier", "enum", required=True, choices=QUALIFIERS),
        Column("scope", "enum", required=True, choices=FIGURE_SCOPES),
        Column("note", "text"),
        *_sourcing(),
    ),
    key="indicator_id",
    description="Dated figures about an engagement: staff, ceilings, trainees, units.",
)

DISPUTES = Table(
    "disputes",
    (
        Column("dispute_id", "id", required=True),
        Column("table_name", "enum", required=True, choices=(
            "engagements", "mandates", "funding", "sites", "idp_counts", "events", "indicators")),
        Column("row_id", "text", required=True),
        Column("column_name", "text", required=True),
        Column("value", "text", required=True),
        Column("shown", "bool", required=True),
        Column("reason", "text", required=True),
        *_sourcing(),
    ),
    key="dispute_id",
    description="Values on which sources disagree; the row the UI shows is marked shown.",
)

TABLES: tuple[Table, ...] = (
    SOURCES,
    REGIONS,
    ENGAGEMENTS,
    MANDATES,
    FUNDING,
    SITES,
    IDP_COUNTS,
    EVENTS,
    INDICATORS_TABLE,
    DISPUTES,
)

# Map context built by scripts/build_towns.py into data/geo/ (not hand-edited; see data/geo/SOURCES.md).
TOWN_KINDS = ("capital", "regional_capital", "town")
# ISO 3166-1 alpha-2 codes of the countries data/geo/sahel_countries.geojson draws.
TOWN_COUNTRIES = ("ML", "MR", "NE", "BF", "TD", "SN", "GN", "CI", "DZ")
MAP_LABEL_KINDS = ("river", "lake")

TOWNS = Table(
    "towns",
    (
        Column("town_id", "id", required=True),  # GeoNames id
        Column("name_en", "text", required=True),
        Column("name_fr", "text", required=True),
        Column("country", "enum", required=True, choices=TOWN_COUNTRIES),
        Column("admin1", "ref", ref="regions.region_code"),  # the Malian region (ISO 3166-2); empty abroad
        Column("kind", "enum", required=True, choices=TOWN_KINDS),
        Column("population", "int", minimum=1),  # GeoNames' figure; empty when unknown
        Column("lat", "float", required=True),
        Column("lon", "float", required=True),
        *_sourcing(),
    ),
    key="town_id",
    folder="geo",
    description="Capital, regional capitals and main towns of Mali, and the neighbours' capitals, from GeoNames.",
)

MAP_LABELS = Table(
    "map_labels",
    (
        Column("label_id", "id", required=True),
        Column("name_en", "text", required=True),
        Column("name_fr", "text", required=True),
        Column("kind", "enum", required=True, choices=MAP_LABEL_KINDS),
        Column("lat", "float", required=True),
        Column("lon", "float", required=True),
        *_sourcing(),
    ),
    key="label_id",
    folder="geo",
    description="Where to write the names of map features (the Niger), computed from the base-map geometry.",
)

GEO_TABLES: tuple[Table, ...] = (TOWNS, MAP_LABELS)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in (*TABLES, *GEO_TABLES)}
