"""Data problems: what is wrong, and exactly where (file, row, column, value, expectation)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHOWN = 80  # characters of an offending value quoted in a message
MAX_LISTED = 200  # problems listed in one error message (all are kept on the exception)


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in one place of one file.

    ``row`` is the 1-based line number in the file (the header is line 1), or 0 when the
    problem concerns the whole file or a GeoJSON feature index (then ``column`` names it).
    """

    file: str
    row: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        shown = self.value if len(self.value) <= MAX_SHOWN else self.value[: MAX_SHOWN - 3] + "..."
        return f"{where}: got {shown!r}; expected {self.expected}"


class DataError(Exception):
    """Raised when data fails validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems[:MAX_LISTED])
        more = "" if len(self.problems) <= MAX_LISTED else f"\n  ... and {len(self.problems) - MAX_LISTED} more"
        super().__init__(f"{len(self.problems)} data problem(s):\n{lines}{more}")
