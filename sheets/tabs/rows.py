"""Sheet rows as parsed values with their cell refs, and the order problems are reported in."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from operator import itemgetter
from typing import Any

from engine.state import Problem
from sheets.tabs.bulk import build
from sheets.tabs.layout import TABS, Table, normalise
from sheets.tabs.values import PARSERS, CellError, check_error, forbidden, is_blank

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


_LEEG = object()  # a blank cell in a column that must be filled
_BAD = object()  # a cell that does not read; its message is in the column's `errors`


def parse_rows(
    table: Table | None, problems: list[Problem], pause: Callable[[], None] = lambda: None
) -> list[Row]:
    """Rows whose cells all read; each bad or missing cell is a 'fout' naming its cell.

    A column holds few distinct values (342 names, a hundred dates, a few hundred counts in
    52,000 rows), and the same value reads the same every time. So each column is read per
    distinct value, and the rows take their values by dictionary lookups done in C (`map`),
    columns zipped into rows in C too: the per-cell work in Python is gone. Equal values end up
    as one object in the records. A Problem's message is exactly the one values.PARSERS gives;
    Problems come column by column (load() sorts them by cell).
    """
    if table is None:
        return []
    rows = table.rows
    present = [(c, table.columns[c.key]) for c in table.tab.columns if c.key in table.columns]
    width = max(index for _, index in present) + 1
    cells = [c if len(c) >= width else [*c, *[None] * (width - len(c))] for _, c in rows]
    by_key = {}
    bad: set[int] = set()
    for column, index in present:  # one column's cells at a time: less memory at once
        pause()  # a reply being computed goes first (bot: sheets.runtime.courtesy)
        raws = list(map(itemgetter(index), cells))
        by_key[column.key] = _column(table, column, raws, bad, problems)
    columns = [
        by_key[c.key] if c.key in by_key else [PARSERS[c.kind](None)] * len(rows)
        for c in table.tab.columns
    ]
    table.positions = {column.key: i for i, column in enumerate(table.tab.columns)}
    values: Iterable[tuple[Any, ...]] = zip(*columns, strict=True)
    numbers = [number for number, _ in rows]
    if bad:
        kept = [i for i in range(len(rows)) if i not in bad]
        values = map(list(values).__getitem__, kept)
        numbers = [numbers[i] for i in kept]
    return build(Row, len(numbers), table=repeat(table), number=numbers, values=values)


def _column(
    table: Table, column: Any, raws: list[Any], bad: set[int], problems: list[Problem]
) -> list[Any]:
    """One column's values; the rows of its bad cells go into `bad`, with a Problem each."""
    parser = PARSERS[column.kind]
    must = column.required and not column.empty_ok
    kinds = set(map(type, raws))
    # One type (and blanks): the value is its own key. Mixed types are keyed with their type,
    # since 1 == 1.0 == True would otherwise read a checkbox as a count.
    keys: Any = (
        raws if len(kinds - {type(None)}) <= 1 else list(zip(map(type, raws), raws, strict=True))
    )
    mixed = keys is not raws
    errors: dict[Any, str] = {}
    memo = {key: _read(key, key[1] if mixed else key, parser, must, errors) for key in set(keys)}
    values = list(map(memo.__getitem__, keys))
    dirty = {k: chars for k in memo if (chars := _forbidden(k[1] if mixed else k))}
    if dirty:  # cleaned by the parser (values.text); named here, once per cell
        for i, key in enumerate(keys):
            if key in dirty:
                chars = ", ".join(dirty[key])
                problems.append(
                    Problem(
                        "fout",
                        table.ref(table.rows[i][0], column.key),
                        f"onzichtbaar teken {chars} verwijderd (XML en spreadsheets staan het "
                        "niet toe); haal het weg in de sheet",
                    )
                )
    if errors or _LEEG in memo.values():
        for i, value in enumerate(values):
            if value is _LEEG or value is _BAD:
                message = f"{column.key} is leeg" if value is _LEEG else errors[keys[i]]
                problems.append(Problem("fout", table.ref(table.rows[i][0], column.key), message))
                bad.add(i)
    return values


def _forbidden(raw: Any) -> list[str]:
    return forbidden(raw) if type(raw) is str else []


def _read(key: Any, raw: Any, parser: Callable[[Any], Any], must: bool, errors: dict) -> Any:
    """What a cell reads as; _LEEG when blank but required, _BAD (message in `errors`) when
    it does not read."""
    if must and is_blank(raw):
        return _LEEG
    try:
        check_error(raw)
        value = parser(raw)
    except CellError as exc:
        errors[key] = str(exc)
        return _BAD
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
