"""HXL hashtags for every column of every table (Humanitarian Exchange Language, hxlstandard.org).

An HXL-tagged CSV has a row of hashtags right under its header, so humanitarian tools (libhxl,
the HXL Proxy, HDX) can read it without knowing our column names. Standard hashtags and
attributes are used where they exist: ``#affected+idps`` for a number of displaced people,
``#date``, ``#org``, ``#value`` for money, ``#currency``, ``#geo+lat``/``#geo+lon``,
``#activity`` for an engagement, ``#event``, ``#indicator``, ``#description``, ``#meta`` for
sourcing (``#meta+source``); project-specific attributes (``+qualifier``, ``+scope``...) only
refine them, as HXL allows.

Area codes, which the issue of two numberings is about: in HXL ``#adm1+code`` is an OCHA
**p-code** (``ML09`` Bamako), so the p-code column is ``#adm1+code+pcode``, and our ISO 3166-2
codes are tagged ``#adm1+code+iso`` (``ML-9`` Ménaka): a consumer that asks for ``+pcode`` or
``+iso`` gets the system it means. Countries are ``#country+code``.

Every column has a hashtag (a test checks it, so a new column needs one here).
"""

from __future__ import annotations

import re

from sahel_data.schema import TABLES

HASHTAG_RE = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")

ISO_AREA = "#adm1+code+iso"
ISO_AREAS = "#adm1+code+iso+list"

_SOURCING = {"source_ids": "#meta+source+list", "locators": "#meta+source+locator+list"}

HASHTAGS: dict[str, dict[str, str]] = {
    "sources": {
        "source_id": "#meta+source+id",
        "title": "#meta+source+title",
        "publisher": "#org+name+publisher",
        "published": "#date+published",
        "location": "#meta+source+url",
        "kind": "#meta+source+type",
        "notes": "#description+notes",
    },
    "regions": {
        "region_code": ISO_AREA,
        "name_fr": "#adm1+name+i_fr",
        "name_en": "#adm1+name+i_en",
        "kind": "#adm1+type",
        "drawn_as": "#adm1+code+iso+drawn",
        "pcode": "#adm1+code+pcode",
        "pcode_vintage": "#date+valid+pcode",
        "created": "#date+created",
        "note": "#description+notes",
    },
    "engagements": {
        "engagement_id": "#activity+id",
        "name_en": "#activity+name+i_en",
        "name_fr": "#activity+name+i_fr",
        "acronym": "#activity+name+acronym",
        "kind": "#activity+type",
        "actor_type": "#org+type+lead",
        "lead_actor": "#org+name+lead",
        "implementer": "#org+name+impl",
        "sectors": "#sector+list",
        "start_date": "#date+start",
        "end_date": "#date+end",
        "status": "#status",
        "scope": "#activity+scope",
        "regions": ISO_AREAS,
        "countries": "#country+code+list",
        "personnel_peak": "#capacity+personnel+peak",
        "personnel_note": "#description+personnel",
        "parent_id": "#activity+id+parent",
        "description_en": "#description+i_en",
        "description_fr": "#description+i_fr",
    },
    "mandates": {
        "mandate_id": "#activity+mandate+id",
        "engagement_id": "#activity+id",
        "number": "#activity+mandate+number",
        "start_date": "#date+start",
        "end_date": "#date+end",
        "legal_basis": "#description+legal",
        "budget_amount": "#value+budget",
        "budget_currency": "#currency+budget",
        "budget_eur": "#value+budget+eur",
        "budget_qualifier": "#meta+budget+qualifier",
        "budget_basis": "#meta+budget+basis",
        "budget_type": "#meta+budget+type",
        "budget_scope": "#meta+budget+scope",
        "budget_note": "#description+budget",
        "area_regions": ISO_AREAS,
        "area_countries": "#country+code+list",
        "area_note": "#description+area",
        "personnel_ceiling": "#capacity+personnel+ceiling",
        "key_changes": "#description+changes",
    },
    "funding": {
        "funding_id": "#meta+funding+id",
        "engagement_id": "#activity+id",
        "donor": "#org+name+funder",
        "donor_type": "#org+type+funder",
        "amount": "#value",
        "currency": "#currency",
        "amount_eur": "#value+eur",
        "qualifier": "#meta+qualifier",
        "basis": "#meta+basis",
        "amount_type": "#meta+type",
        "amount_scope": "#meta+scope",
        "period_start": "#date+start",
        "period_end": "#date+end",
        "is_component": "#meta+component",
        "note": "#description+notes",
    },
    "sites": {
        "site_id": "#loc+id",
        "name": "#loc+name",
        "kind": "#loc+type",
        "lat": "#geo+lat",
        "lon": "#geo+lon",
        "precision": "#geo+precision",
        "placed_at": "#geo+source",
        "region_code": ISO_AREA,
        "country": "#country+code",
        "engagement_ids": "#activity+id+list",
        "active_from": "#date+start",
        "active_to": "#date+end",
        "note": "#description+notes",
    },
    "idp_counts": {
        "idp_id": "#meta+id",
        "date": "#date",
        "area_code": ISO_AREA,
        "as_stated": "#adm1+name+as_stated",
        "count": "#affected+idps",
        "qualifier": "#meta+qualifier",
        "preferred": "#meta+preferred",
        "note": "#description+notes",
    },
    "events": {
        "event_id": "#event+id",
        "date": "#date",
        "kind": "#event+type",
        "title_en": "#event+name+i_en",
        "title_fr": "#event+name+i_fr",
        "region_code": ISO_AREA,
        "engagement_id": "#activity+id",
        "key_event": "#event+key",
        "effect": "#event+effect",
    },
    "indicators": {
        "indicator_id": "#indicator+id",
        "engagement_id": "#activity+id",
        "date": "#date",
        "indicator": "#indicator+type",
        "value": "#indicator+value+num",
        "qualifier": "#meta+qualifier",
        "scope": "#meta+scope",
        "note": "#description+notes",
    },
    "disputes": {
        "dispute_id": "#meta+id",
        "table_name": "#meta+table",
        "row_id": "#meta+row",
        "column_name": "#meta+column",
        "value": "#meta+value",
        "shown": "#meta+shown",
        "reason": "#description+reason",
    },
}
for _table in TABLES:
    if _table.sourced:
        HASHTAGS.setdefault(_table.name, {}).update(_SOURCING)


def hashtags(table: str) -> list[str]:
    """The hashtag row of ``table``, in its column order (KeyError names a column without one)."""
    spec = next(t for t in TABLES if t.name == table)
    tags = HASHTAGS[table]
    missing = [c.name for c in spec.columns if c.name not in tags]
    if missing:
        raise KeyError(f"{table}: no HXL hashtag for column(s) {', '.join(missing)} (add them to sahel_data/hxl.py)")
    return [tags[c.name] for c in spec.columns]
