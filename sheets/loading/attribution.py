"""Which municipality a Problem is about, found from the row its cell is on.

A problem quotes the figures of the row it is about ("gehuisvest daalt … 48 per … en 40 per …"),
so /controle shows province staff only the problems of their own province's municipalities; a
problem without a municipality (a missing tab, a name the sheet does not know) is shown to all.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from engine.state import Problem
from sheets.names.index import NameIndex
from sheets.overviews.overview import OverviewTab
from sheets.tabs.layout import Table
from sheets.tabs.values import text

_CELL = re.compile(r"\$?[A-Z]+\$?(\d+)")


def attribute(
    problems: list[Problem],
    raw: dict[str, list[list[Any]]],
    tables: dict[str, Table | None],
    overviews: list[OverviewTab],
    index: NameIndex,
) -> list[Problem]:
    """The problems, each with the municipality of its row where the row names a known one."""
    columns = {
        t.title: t.columns["gemeente"] for t in tables.values() if t and "gemeente" in t.columns
    }
    names = {(tab.title, row.number): row.name for tab in overviews for row in tab.rows}
    out = []
    for problem in problems:
        title, row = place(problem.ref)
        named: Any = names.get((title, row))
        if named is None and title in columns and 0 < row <= len(raw.get(title, ())):
            cells = raw[title][row - 1]
            column = columns[title]
            named = cells[column] if column < len(cells) else None
        found = index.lookup(text(named) or "", ("gemeente",)) if named is not None else None
        out.append(replace(problem, gemeente=found[1]) if found else problem)
    return out


def place(ref: str) -> tuple[str, int]:
    """`'Huisvestingsvoortgang 2022‐2'!H13` → (the tab title, 13); (title, 0) without a row."""
    title, bang, cell = ref.rpartition("!")
    if not bang:
        return ref, 0
    if len(title) > 1 and title[0] == title[-1] == "'":
        title = title[1:-1].replace("''", "'")
    match = _CELL.match(cell)
    return title, int(match.group(1)) if match else 0
