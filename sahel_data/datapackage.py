"""A Frictionless Data Package descriptor (``datapackage.json``) generated from the schema.

Plain JSON following the Data Package and Table Schema specifications (specs.frictionlessdata.io):
one tabular resource per table of :mod:`sahel_data.schema`, with its fields, types,
constraints, primary key and foreign keys, so that any Frictionless tool can check the files.

How the schema maps:

* ``int`` → ``integer``, ``float`` → ``number``, ``bool`` → ``boolean`` written ``true``/``false``;
* dates are ``string`` with a pattern: the tables give dates at the precision of their source
  (``2019``, ``2019-12``, ``2019-12-31``), which the Table Schema ``date`` type cannot hold;
* ``id`` is a ``string`` with the id pattern, ``enum`` a ``string`` with ``constraints.enum``,
  lists ``;``-separated ``string`` (with a pattern when their values are fixed);
* ``ref`` columns are foreign keys (a self-reference, ``parent_id``, names the resource ``""``);
  ``reflist`` columns hold several ids and cannot be one, so they are described, not keyed;
* ``required`` and ``minimum`` become constraints; the key is the primary key and unique.

With ``hxl=True`` the resources describe the HXL exports (a hashtag row under the header): the
dialect says so (``headerRows`` ``[1]``, ``commentRows`` ``[2]``, Data Package v2 Table Dialect).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sahel_data.hxl import hashtags
from sahel_data.schema import ID_PATTERN, LIST_SEP, TABLES, Column, Table

DATE_PATTERN = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
PACKAGE_NAME = "sahel-security-assistance"


def _field(table: Table, column: Column, hxl: str | None) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name}
    constraints: dict[str, Any] = {}
    description = ""
    kind = column.kind
    if kind == "int":
        field["type"] = "integer"
    elif kind == "float":
        field["type"] = "number"
    elif kind == "bool":
        field.update(type="boolean", trueValues=["true"], falseValues=["false"])
    else:
        field["type"] = "string"
    if kind == "date":
        constraints["pattern"] = DATE_PATTERN
        description = "A date at the precision of its source: YYYY, YYYY-MM or YYYY-MM-DD."
    elif kind == "id":
        constraints["pattern"] = ID_PATTERN.removeprefix("^").removesuffix("$")
    elif kind == "enum":
        constraints["enum"] = list(column.choices)
    elif kind == "list":
        description = f"A list, items separated by '{LIST_SEP}'."
        if column.choices:
            one = "(" + "|".join(re.escape(c) for c in column.choices) + ")"
            constraints["pattern"] = f"{one}({re.escape(LIST_SEP)}{one})*"
    elif kind == "reflist":
        target, target_column = column.ref.split(".")
        description = f"A list of {target_column} values of {target}, separated by '{LIST_SEP}'."
    if column.required:
        constraints["required"] = True
    if column.minimum is not None:
        constraints["minimum"] = int(column.minimum) if kind == "int" else column.minimum
    if column.name == table.key:
        constraints["unique"] = True
    if constraints:
        field["constraints"] = constraints
    if hxl:
        description = (description + " " if description else "") + f"HXL hashtag {hxl}."
    if description:
        field["description"] = description
    return field


def resource(table: Table, *, hxl: bool = False) -> dict[str, Any]:
    """The tabular data resource that describes ``table``'s CSV file."""
    tags = hashtags(table.name) if hxl else [None] * len(table.columns)
    foreign = []
    for column in table.columns:
        if column.kind == "ref":
            target, target_column = column.ref.split(".")
            foreign.append({"fields": column.name,
                            "reference": {"resource": "" if target == table.name else target, "fields": target_column}})
    schema: dict[str, Any] = {
        "fields": [_field(table, c, t) for c, t in zip(table.columns, tags, strict=True)],
        "primaryKey": table.key,
        "missingValues": [""],
    }
    if foreign:
        schema["foreignKeys"] = foreign
    out: dict[str, Any] = {
        "name": table.name,
        "path": table.file,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": table.description,
        "schema": schema,
    }
    if hxl:
        out["dialect"] = {"header": True, "headerRows": [1], "commentRows": [2]}
    return out


def datapackage(*, hxl: bool = False, created: date | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor of every table (``hxl``: of their HXL exports)."""
    package: dict[str, Any] = {
        "name": PACKAGE_NAME,
        "title": "Security assistance to Mali and the Sahel, 2012 to today",
        "description": ("Every table of the dashboard's data (data/tables/), generated from sahel_data/schema.py. "
                        "Every figure carries source_ids (rows of sources.csv) and one locator per source. "
                        "Area codes are ISO 3166-2 (region_code); regions.csv gives the OCHA COD-AB p-code of each "
                        "with its vintage (pcode, pcode_vintage)."),
        "profile": "tabular-data-package",
        "resources": [resource(t, hxl=hxl) for t in TABLES],
    }
    if created is not None:
        package["created"] = f"{created.isoformat()}T00:00:00Z"
    return package
