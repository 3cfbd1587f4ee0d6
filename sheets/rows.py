"""Sheet rows as parsed values with their cell refs, and the order problems are reported in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.state import Problem
from sheets.layout import TABS, Table, normalise
from sheets.values import PARSERS, CellError, check_error, is_blank

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
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    def ref(self, key: str) -> str:
        return self.table.ref(self.number, key)

    def source(self, key: str) -> str:
        """The cell, with the row's `bron` citation when it has one."""
        bron = self.values.get("bron")
        return f"{self.ref(key)} — {bron}" if bron else self.ref(key)


def parse_rows(table: Table | None, problems: list[Problem]) -> list[Row]:
    """Rows whose cells all read; each bad or missing cell is a 'fout' naming its cell."""
    if table is None:
        return []
    out: list[Row] = []
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        ok = True
        for column in table.tab.columns:
            raw = table.value(cells, column.key)
            if column.required and not column.empty_ok and is_blank(raw):
                problems.append(
                    Problem("fout", table.ref(number, column.key), f"{column.key} is leeg")
                )
                ok = False
                continue
            try:
                check_error(raw)
                values[column.key] = PARSERS[column.kind](raw)
            except CellError as exc:
                problems.append(Problem("fout", table.ref(number, column.key), str(exc)))
                ok = False
        if ok:
            out.append(Row(table, number, values))
    return out


def problem_order(problem: Problem) -> tuple[int, int, int]:
    """Tab order of the layout, then row, then column: the order a coordinator reads them."""
    title, _, cell = problem.ref.partition("!")
    tabs = [normalise(t.name) for t in TABS]
    tab = normalise(title.strip("'"))
    match = re.fullmatch(r"([A-Z]*)(\d*)(?::\d+)?", cell)
    letters, row = (match.group(1), match.group(2)) if match else ("", "")
    column = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(letters)))
    return (tabs.index(tab) if tab in tabs else len(tabs), int(row or 0), column)
