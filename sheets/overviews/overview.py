"""Overview tabs as coordinators keep them: one row per municipality, one column per fact.

A tab is an overview when, in one of its first rows, a header names the municipality column
("Gemeente", "Gemeenten") and another names a fact with its period or date (sheets.overviews.headers).
Rows below are municipalities, a `Totaal` row (never a municipality), blank rows, or headings
("Regio Amersfoort") that give the region of the rows under them. Every cell is parsed here;
where the facts go is sheets.loading.convert's business, checking the sheet's sums sheets.overviews.selfcheck's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from engine.state import Problem
from sheets.overviews.headers import KEYS, Reading, as_typed, date_in_title, plain, read_header
from sheets.overviews.kolommen import Override
from sheets.tabs.layout import column_letter, normalise, sheet_ref
from sheets.tabs.values import (
    CellError,
    check_error,
    count,
    formula_error,
    is_blank,
    percent,
    saldo,
    text,
    trede,
)
from sheets.tabs.values import (
    number as to_number,
)

HEADER_SCAN = 10  # the header row is one of the first rows (a title may sit above it)
_TOTAL = re.compile(r"^(sub|eind)?totaal|^totalen\b|^som\b|^provincie\b")
_HEADING = re.compile(r"^(regio|woonregio|subregio|arbeidsmarktregio)\b")
PERCENT_FACTS = frozenset({"pct", "prognose_pct", "prognose_pct_extra"})
COUNT_FACTS = frozenset({"taakstelling", "opgave", "opgave_extra", "extra_opgave", "realisatie",
                         "koppelingen", "huurcontracten", "pijplijn", "te_realiseren"})  # fmt: skip


@dataclass(frozen=True, slots=True)
class ColumnReading:
    """One header and how it was read, for `taakbot check` and /controle."""

    ref: str  # 'Huisvestingsvoortgang 2022‐2'!C3
    header: str
    reading: Reading
    layout: str | None = None  # a one-tab-per-fact column: its key, or '' when not used

    def __str__(self) -> str:
        if self.layout is not None:
            return f'{self.ref} "{self.header}" → ' + (
                f"kolom {self.layout}" if self.layout else "niet gebruikt"
            )
        return f'{self.ref} "{self.header}" → {self.reading.describe()}'


@dataclass(slots=True)
class Cell:
    value: Any  # parsed: int, float (percentage points or a prognose), Trede, str
    ref: str
    reading: Reading


@dataclass(slots=True)
class OverviewRow:
    number: int
    kind: str  # 'gemeente' or 'totaal'
    name: str
    ref: str  # the name cell
    regio: str = ""
    cells: list[Cell] = field(default_factory=list)


@dataclass(slots=True)
class OverviewTab:
    title: str
    header_row: int
    columns: list[ColumnReading]
    rows: list[OverviewRow] = field(default_factory=list)


def _readings(
    title: str, header: list[Any], overrides: list[Override], default_day: date | None
) -> list[Reading]:
    out = []
    for index, cell in enumerate(header):
        letter = column_letter(index)
        rule = next((o for o in overrides if o.matches(title, cell, letter)), None)
        out.append(
            Reading(None, why="lege kop") if is_blank(cell) and rule is None
            else rule.apply(cell, default_day) if rule is not None
            else read_header(cell, default_day)
        )  # fmt: skip
    return out


def _is_overview(readings: list[Reading]) -> bool:
    facts = [r.fact for r in readings]
    return "gemeente" in facts and any(f not in (None, *KEYS) for f in facts)


def find(
    raw: dict[str, list[list[Any]]], skip: set[str], overrides: list[Override]
) -> list[tuple[str, int, list[Any], list[Reading]]]:
    """(title, header row, header cells, readings) of every overview tab, in workbook order."""
    found = []
    for title, rows in raw.items():
        if title in skip:
            continue
        for number, cells in enumerate(rows[:HEADER_SCAN], start=1):
            cells = _with_group_labels(rows[number - 2] if number > 1 else [], list(cells))
            readings = _readings(title, list(cells), overrides, None)
            if not _is_overview(readings):
                continue
            # Counts whose header names no date take the tab's date, or the realisatie column's.
            day = date_in_title(title) or next(
                (r.day for r in readings if r.fact == "realisatie" and r.day), None
            )
            if day is not None:
                readings = _readings(title, list(cells), overrides, day)
            for o in overrides:
                for index, cell in enumerate(cells):
                    if o.matches(title, cell, column_letter(index)):
                        o.used.append(sheet_ref(title, f"{column_letter(index)}{number}"))
            found.append((title, number, list(cells), readings))
            break
    return found


def _with_group_labels(above: list[Any], cells: list[Any]) -> list[Any]:
    """A two-row header: a merged label above ("Taakstelling" over "2022-1" and "2022-2") is
    read together with each cell under it that says nothing on its own. A title row (one
    cell) is not a group label."""
    if sum(not is_blank(c) for c in above) < 2:
        return cells
    out, label = [], None
    for index, cell in enumerate(cells):
        if index < len(above) and not is_blank(above[index]):
            label = text(above[index])
        if label is None or (not is_blank(cell) and read_header(cell).fact is not None):
            out.append(cell)
        else:
            out.append(label if is_blank(cell) else f"{label} {text(as_typed(cell))}")
    return out


def read(
    title: str,
    raw_rows: list[list[Any]],
    header_row: int,
    header: list[Any],
    readings: list[Reading],
    problems: list[Problem],
    regions: set[str] = frozenset(),  # type: ignore[assignment]
    pause: Callable[[], None] = lambda: None,
) -> OverviewTab:
    """Parse every row under the header; each bad cell is a 'fout' naming its cell."""
    pause()  # a reply being computed goes first (bot: sheets.runtime.courtesy); a tab is a few hundred rows
    body = list(enumerate(raw_rows, start=1))[header_row:]
    facts = [(i, r) for i, r in enumerate(readings) if r.fact not in (None, *KEYS)]
    readings = _percent_columns(facts, body, readings)
    facts = [(i, readings[i]) for i, _ in facts]
    columns = [
        ColumnReading(sheet_ref(title, f"{column_letter(i)}{header_row}"), text(h) or "", r)
        for i, (h, r) in enumerate(zip(header, readings, strict=True))
        if not (is_blank(h) and r.fact is None)
    ]
    key = next(i for i, r in enumerate(readings) if r.fact == "gemeente")
    regio_col = next((i for i, r in enumerate(readings) if r.fact == "regio"), None)
    tab = OverviewTab(title, header_row, columns)
    heading = ""
    for number, cells in body:
        cells = list(cells) + [None] * (len(readings) - len(cells))
        name_ref = sheet_ref(title, f"{column_letter(key)}{number}")
        raw_name = cells[key]
        filled = [i for i, _ in facts if not is_blank(cells[i])]
        if is_blank(raw_name):
            if filled:
                problems.append(
                    Problem(
                        "waarschuwing",
                        name_ref,
                        "regel met cijfers maar zonder gemeente; telt niet mee",
                    )  # fmt: skip
                )
            continue
        if (error := formula_error(raw_name)) is not None:
            problems.append(Problem("fout", name_ref, f"formulefout {error} in plaats van een "
                                    "gemeentenaam; de regel telt niet mee"))  # fmt: skip
            continue
        name = text(raw_name) or ""
        label = plain(name)
        if _TOTAL.match(label):
            kind = "totaal"
        elif not filled and (_HEADING.match(label) or normalise(name) in regions):
            heading = name
            continue
        else:
            kind = "gemeente"
        regio = text(cells[regio_col]) if regio_col is not None else None
        row = OverviewRow(number, kind, name, name_ref, regio or heading)
        for index, reading in facts:
            ref = sheet_ref(title, f"{column_letter(index)}{number}")
            try:
                value = _parse(reading.fact, cells[index], reading.shares)
            except CellError as exc:
                problems.append(Problem("fout", ref, str(exc)))
                continue
            if value is not None:
                row.cells.append(Cell(value, ref, reading))
        tab.rows.append(row)
    return tab


def _parse(fact: str | None, value: Any, fractions: bool) -> Any:
    if is_blank(value):
        return None
    check_error(value)
    if fact == "trede":
        return trede(value)
    if fact == "saldo":
        return saldo(value)
    if fact in PERCENT_FACTS:
        return percent(value, fractions)
    if fact == "prognose":
        return to_number(value)
    if fact == "opmerkingen":
        return text(value)
    return count(value)


def _percent_columns(
    facts: list[tuple[int, Reading]], body: list[tuple[int, list[Any]]], readings: list[Reading]
) -> list[Reading]:
    """A percentage column holds shares when Google or Excel hand its %-cells over unformatted
    (0.63 for 63 %); a 'Gerealiseerd' column of percentages is a percentage, not a count."""
    out = list(readings)
    for index, reading in facts:
        cells = [c[index] for _, c in body if index < len(c) and not is_blank(c[index])]
        cells = [c for c in cells if formula_error(c) is None]
        natives = [c for c in cells if isinstance(c, int | float) and not isinstance(c, bool)]
        texts = [c for c in cells if isinstance(c, str)]
        shares = (
            bool(natives)
            and all(abs(c) <= 3 for c in natives)
            and any(not float(c).is_integer() for c in natives)
        )
        marked = bool(texts) and all(c.strip().endswith("%") for c in texts)
        if reading.fact == "realisatie" and (marked or (shares and not texts)) and cells:
            why = "; ".join(w for w in (reading.why, "cellen zijn percentages") if w)
            out[index] = replace(reading, fact="pct", why=why, shares=shares)
        elif reading.fact in PERCENT_FACTS and shares:
            out[index] = replace(reading, shares=True)
    return out
