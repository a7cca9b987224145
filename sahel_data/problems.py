"""Data problems: what is wrong, and exactly where (file, row, column, value, expectation)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    # Lenient mode: the (file, row) whose rejection made this row refer to nothing (see
    # ``sahel_data.checks.reject_dependents``); the banner lists the row under that cause.
    cause: tuple[str, int] | None = field(default=None, compare=False)

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


@dataclass(frozen=True)
class Rejection:
    """A rejected row's own problems, and every row rejected because it referred to it (or to
    one of those, and so on): what the lenient banner lists under one cause.
    """

    file: str
    row: int
    problems: tuple[Problem, ...]
    dependants: tuple[Problem, ...] = ()

    @property
    def dependant_rows(self) -> int:
        """How many rows were rejected because of this one."""
        return len({(p.file, p.row) for p in self.dependants})


def group_by_cause(problems: tuple[Problem, ...] | list[Problem]) -> list[Rejection]:
    """Problems grouped under the row whose rejection caused them, in file and row order.

    A problem with a ``cause`` belongs to the first row up its chain of causes that was rejected
    for a reason of its own; file-level problems (row 0) stand alone.
    """
    own: dict[tuple[str, int], list[Problem]] = {}
    cause_of: dict[tuple[str, int], tuple[str, int]] = {}
    for p in problems:
        if p.cause is None:
            own.setdefault((p.file, p.row), []).append(p)
        else:
            cause_of.setdefault((p.file, p.row), p.cause)
    dependants: dict[tuple[str, int], list[Problem]] = {}
    for p in problems:
        if p.cause is None or (p.file, p.row) in own:
            continue  # a row with problems of its own is listed as a cause (its references too)
        root, seen = p.cause, {(p.file, p.row)}
        while root in cause_of and root not in own and root not in seen:
            seen.add(root)
            root = cause_of[root]
        dependants.setdefault(root, []).append(p)
    for root in dependants:
        own.setdefault(root, [])
    return [Rejection(file, row, tuple(own[(file, row)]), tuple(sorted(dependants.get((file, row), ()))))
            for file, row in sorted(own)]
