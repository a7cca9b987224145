"""Area codes in both systems: the project's ISO 3166-2 codes and OCHA's COD p-codes.

The tables key every area by ``region_code``: ISO 3166-2 (``ML-5``, ``ML-BKO``, ``ML-9``), a
project code (``ML-BDG``, ``ML-NORTH``) or a country code (``ML``, ``NER``). The humanitarian
world (OCHA COD-AB, HDX, IOM DTM) keys the same areas by p-code, and numbers them differently:

* OCHA ``ML09`` is **Bamako**, but ISO ``ML-9`` is **Ménaka**;
* OCHA ``ML10`` is **Ménaka**, but ISO ``ML-10`` is **Taoudénit**;
* DTM files write the p-code with the ISO3 prefix (``MLI09`` for ``ML09``), as
  ``hdx-python-country`` normalises them (``convert_admin_pcode_length``).

So a code is never matched on its digits. :func:`resolve_area_code` (and :class:`AreaCodes` for
many codes at once) places a code only when it is, exactly, a ``region_code`` or a ``pcode`` of
``regions.csv`` (or the ``MLI``-prefixed form of one); anything else is refused with the reason,
never guessed: ``ML9`` or ``09`` (which system?), a p-code of another vintage (the 2023 reform
renumbers them; ``regions.csv`` records the vintage in ``pcode_vintage``), a finer p-code, or
another country's code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

# The ISO3 prefix DTM writes before Mali's p-codes, and the ISO 3166-1 alpha-2 code they stand for.
ISO3_PREFIXES = {"MLI": "ML"}
_PCODE_RE = re.compile(r"^([A-Z]{2,3})(\d*)$")


class UnplacedCode(ValueError):  # noqa: N818 (a refusal, read as "unplaced code ...")
    """A code that cannot be placed on an area of ``regions.csv``; ``reason`` says why."""

    def __init__(self, code: str, reason: str) -> None:
        self.code, self.reason = code, reason
        super().__init__(f"{code!r}: {reason}")


@dataclass(frozen=True)
class Placement:
    """Where a code lands: ``region_code`` (None when unplaced), the ``system`` it was read in
    (``region_code``, ``pcode`` or ``pcode_iso3``) and, when unplaced, the ``reason``.
    """

    code: str
    region_code: str | None
    system: str = ""
    reason: str = ""

    @property
    def placed(self) -> bool:
        """Whether the code names an area of ``regions.csv``."""
        return self.region_code is not None


class AreaCodes:
    """Both code systems of ``regions.csv``, indexed once.

    ``regions`` is the regions table (a loaded frame, or rows read as text) with at least
    ``region_code``, ``pcode`` and ``pcode_vintage``.
    """

    def __init__(self, regions: pd.DataFrame | Iterable[Mapping[str, object]]) -> None:
        rows = regions.to_dict("records") if isinstance(regions, pd.DataFrame) else list(regions)
        self.by_region: dict[str, str] = {}
        self.by_pcode: dict[str, str] = {}
        vintages: set[str] = set()
        for row in rows:
            code = str(row["region_code"])
            self.by_region[code] = code
            pcode = str(row.get("pcode") or "")
            if pcode:
                self.by_pcode[pcode] = code
                vintages.add(_date_text(row.get("pcode_vintage_text", row.get("pcode_vintage"))))
        self.vintages = tuple(sorted(v for v in vintages if v))
        admin1 = sorted(p for p in self.by_pcode if len(p) > len("ML"))
        self.admin1_range = f"{admin1[0]}–{admin1[-1]}" if admin1 else "none"

    def place(self, code: object) -> Placement:
        """Where ``code`` lands, in either system; surrounding spaces and case are ignored
        (real DTM files carry ``'MLI07   '``).
        """
        text = "" if code is None or (isinstance(code, float) and pd.isna(code)) else str(code)
        key = text.strip().upper()
        if not key:
            return Placement(text, None, reason="no code given")
        if key in self.by_region:
            return Placement(text, self.by_region[key], "region_code")
        if key in self.by_pcode:
            return Placement(text, self.by_pcode[key], "pcode")
        match = _PCODE_RE.match(key)
        if match and match.group(1) in ISO3_PREFIXES:
            short = ISO3_PREFIXES[match.group(1)] + match.group(2)
            if short in self.by_pcode:
                return Placement(text, self.by_pcode[short], "pcode_iso3")
            return Placement(text, None, reason=self._why(short, key))
        return Placement(text, None, reason=self._why(key, key))

    def resolve(self, code: object) -> str:
        """The ``region_code`` that ``code`` names; raises :class:`UnplacedCode` otherwise."""
        placement = self.place(code)
        if placement.region_code is None:
            raise UnplacedCode(placement.code, placement.reason)
        return placement.region_code

    def _why(self, key: str, shown: str) -> str:
        vintage = f"COD-AB valid on {', '.join(self.vintages)}" if self.vintages else "no p-code vintage recorded"
        if re.fullmatch(r"\d+", key) or re.fullmatch(r"ML\d", key):
            return (f"ambiguous: {shown} is neither an ISO 3166-2 code (ML-9 is Ménaka) nor an OCHA p-code "
                    "(ML09 is Bamako); the digits alone are never matched")
        if key.startswith("ML-"):
            return "not an ISO 3166-2 or project code in regions.csv"
        match = _PCODE_RE.match(key)
        if match:
            prefix, digits = match.groups()
            if prefix not in ("ML", *ISO3_PREFIXES):
                return f"a code of another country ({prefix}), not of Mali"
            if len(digits) == 2:  # noqa: PLR2004 (Mali's admin-1 p-codes have two digits)
                return (f"not an admin-1 p-code of Mali in the recorded vintage ({vintage}: {self.admin1_range}); "
                        "a p-code of another vintage (retired, or after the 2023 reform) is not guessed")
            if len(digits) > 2:  # noqa: PLR2004
                return f"a p-code finer than admin 1 (admin {len(digits) // 2}): give the admin-1 p-code"
        return "not a region_code or pcode of regions.csv (ISO 3166-2, project code or OCHA p-code)"


def _date_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def resolve_area_code(code: object, regions: pd.DataFrame | Iterable[Mapping[str, object]]) -> str:
    """The ``region_code`` of ``code``, given in either code system.

    ``ML-5``, ``ML05`` and ``MLI05`` are all Mopti (``ML-5``); ``ML09`` and ``MLI09`` are Bamako
    (``ML-BKO``), never ISO ``ML-9`` Ménaka. Raises :class:`UnplacedCode` with the reason for a
    code it cannot place (ambiguous digits, another vintage, a finer level, another country).
    Build an :class:`AreaCodes` once to place many codes.
    """
    return AreaCodes(regions).resolve(code)
