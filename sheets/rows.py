"""Sheet rows as parsed values with their cell refs, and the order problems are reported in."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.state import Problem
from sheets.layout import TABS, Table, normalise
from sheets.values import PARSERS, CellError, check_error, count, day, is_blank

MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december")  # fmt: skip


def nl_date(day: date) -> str:
    """`1 juli 2022`: how the letters write a date, and how coordinators read it."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


@dataclass(slots=True)
class Row:
    """One sheet row whose cells all parsed; values by column key (None when empty or absent)."""

    table: Table
    number: int
    values: tuple[Any, ...]  # in the order of the tab's columns (Table.positions)

    def __getitem__(self, key: str) -> Any:
        index = self.table.positions.get(key)
        return None if index is None else self.values[index]

    def ref(self, key: str) -> str:
        return self.table.ref(self.number, key)

    def source(self, key: str) -> str:
        """The cell, with the row's `bron` citation when it has one."""
        bron = self["bron"]
        return f"{self.ref(key)} — {bron}" if bron else self.ref(key)


_MISS = object()  # not read yet
_LEEG = object()  # a blank text in a column that must be filled


def _date_serial(raw: int, memo: dict[Any, Any]) -> Any:
    """A serial day number as Google gives a date cell unformatted; the same dates recur."""
    found = memo.get(raw, _MISS)
    if found is _MISS:
        found = memo[raw] = day(raw)
    return found


# The cell types a sheet hands over already typed, per column kind: a whole number that needs no
# reading beyond a range check. Anything else takes the general path (values.PARSERS).
_INT_FAST: dict[str, Callable[[int, dict[Any, Any]], Any]] = {
    "count": lambda raw, memo: raw if raw >= 0 else count(raw),
    "saldo": lambda raw, memo: raw,
    "telegram_id": lambda raw, memo: raw,
    "date": _date_serial,
}


def parse_rows(
    table: Table | None, problems: list[Problem], pause: Callable[[], None] = lambda: None
) -> list[Row]:
    """Rows whose cells all read; each bad or missing cell is a 'fout' naming its cell.

    The same text in a column reads the same every time (a name, a period, 'nee'), so each
    column remembers what its texts read as: one parse per distinct text, and equal texts end
    up as one string object in the records. Whole numbers, the way Google returns counts and
    dates unformatted, skip the Dutch text parsing. A cell that does not read goes through
    values.PARSERS every time, so its Problem is exactly the one that parser gives.
    """
    if table is None:
        return []
    plan = []
    for column in table.tab.columns:
        parser = PARSERS[column.kind]
        must = column.required and not column.empty_ok
        index = table.columns.get(column.key)
        plan.append(
            (column.key, -1 if index is None else index, parser, must, parser(None),
             _INT_FAST.get(column.kind), {})
        )  # fmt: skip
    table.positions = {column.key: i for i, column in enumerate(table.tab.columns)}
    out: list[Row] = []
    append = out.append
    for i, (number, cells) in enumerate(table.rows):
        if not i & 255:
            pause()  # a reply being computed goes first (bot: sheets.courtesy)
        width = len(cells)
        values: list[Any] = []
        ok = True
        for key, index, parser, must, absent, fast, memo in plan:
            raw = cells[index] if 0 <= index < width else None
            kind = type(raw)
            if kind is str:
                value = memo.get(raw, _MISS)
                if value is _MISS:
                    value = _read_text(raw, parser, must)
                    if value is not _MISS:
                        memo[raw] = value
                if value is _LEEG:
                    problems.append(Problem("fout", table.ref(number, key), f"{key} is leeg"))
                    ok = False
                    continue
                if value is _MISS:  # a bad cell: the parser's own message
                    try:
                        check_error(raw)
                        parser(raw)
                    except CellError as exc:
                        problems.append(Problem("fout", table.ref(number, key), str(exc)))
                    ok = False
                    continue
            elif raw is None:
                if must:
                    problems.append(Problem("fout", table.ref(number, key), f"{key} is leeg"))
                    ok = False
                    continue
                value = absent
            elif kind is int and fast is not None:
                try:
                    value = fast(raw, memo)
                except CellError as exc:
                    problems.append(Problem("fout", table.ref(number, key), str(exc)))
                    ok = False
                    continue
            else:
                if must and is_blank(raw):
                    problems.append(Problem("fout", table.ref(number, key), f"{key} is leeg"))
                    ok = False
                    continue
                try:
                    check_error(raw)
                    value = parser(raw)
                except CellError as exc:
                    problems.append(Problem("fout", table.ref(number, key), str(exc)))
                    ok = False
                    continue
            values.append(value)
        if ok:
            append(Row(table, number, tuple(values)))
    return out


def _read_text(raw: str, parser: Callable[[Any], Any], must: bool) -> Any:
    """What a text cell reads as; _LEEG when blank but required, _MISS when it does not read."""
    if must and not raw.strip():
        return _LEEG
    try:
        check_error(raw)
        value = parser(raw)
    except CellError:
        return _MISS
    return sys.intern(value) if type(value) is str else value


def problem_order(problem: Problem) -> tuple[int, int, int]:
    """Tab order of the layout, then row, then column: the order a coordinator reads them."""
    title, _, cell = problem.ref.partition("!")
    tabs = [normalise(t.name) for t in TABS]
    tab = normalise(title.strip("'"))
    match = re.fullmatch(r"([A-Z]*)(\d*)(?::\d+)?", cell)
    letters, row = (match.group(1), match.group(2)) if match else ("", "")
    column = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(letters)))
    return (tabs.index(tab) if tab in tabs else len(tabs), int(row or 0), column)
