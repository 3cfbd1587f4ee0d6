"""Recompute the sums an overview tab states (totaalopgave, te realiseren, percentages, prognose,
the `Totaal` row) and report each disagreement with its cell:

    'Huisvestingsvoortgang'!I7: prognose 44 in de sheet, Taakbot rekent 43

The rules are the engine's (engine.arithmetic, engine.prognosis, engine.reasons); this module only
finds the numbers they need in a row. A sheet's figure is never corrected, only reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from engine.arithmetic import opgave as opgave_of
from engine.arithmetic import remaining, saldo_end
from engine.periods import Period
from engine.prognosis import linear
from engine.reasons import OF_OPGAVE, dutch_number, percentage, round_half_up
from engine.state import Problem
from sheets.overviews.overview import COUNT_FACTS, Cell, OverviewRow, OverviewTab
from sheets.tabs.rows import nl_date

SEVERITY = "waarschuwing"  # the row still counts; its sum deserves a look


class _Row:
    """A row's cells by fact, period and date."""

    def __init__(self, row: OverviewRow) -> None:
        self.row = row
        self.cells = row.cells

    def get(self, fact: str, period: Period | None = None, day: date | None = None) -> Cell | None:
        for cell in self.cells:
            r = cell.reading
            if r.fact != fact:
                continue
            if period is not None and r.period != period:
                continue
            if day is not None and r.day != day:
                continue
            return cell
        return None

    def saldo(self, period: Period) -> int | None:
        for cell in self.cells:
            if cell.reading.fact == "saldo" and cell.reading.day == period.start:
                return cell.value * cell.reading.sign
        return None

    def opgave(self, period: Period) -> int | None:
        """The row's opgave as the engine takes it: taakstelling + saldo when the row has both
        (a stated totaalopgave that differs is reported once, at its own cell), else as stated."""
        taak, saldo = self.get("taakstelling", period), self.saldo(period)
        if taak is not None and saldo is not None:
            return opgave_of(taak.value, saldo)
        stated = self.get("opgave", period)
        return stated.value if stated is not None else None

    def realised(self, period: Period, day: date | None = None) -> Cell | None:
        """The realisatie per `day`, or the latest of the period."""
        found = [
            c
            for c in self.cells
            if c.reading.fact == "realisatie"
            and c.reading.period == period
            and (day is None or c.reading.day == day)
        ]
        return max(found, key=lambda c: c.reading.day) if found else None


def _n(value: float) -> str:
    return dutch_number(round_half_up(value) if isinstance(value, float) else value)


def _differs(cell: Cell, what: str, computed: float, how: str = "") -> Problem | None:
    stated = cell.value
    if isinstance(computed, float) or isinstance(stated, float):
        same = round_half_up(stated) == round_half_up(computed) or abs(stated - computed) < 0.5
    else:
        same = stated == computed
    if same:
        return None
    pct = "%" if what.endswith("%") else ""
    what = what.removesuffix(" %")
    message = f"{what} {_n(stated)}{pct} in de sheet, Taakbot rekent {_n(computed)}{pct}"
    return Problem(SEVERITY, cell.ref, message + (f" ({how})" if how else ""))


def _row_checks(row: _Row) -> Iterator[Problem | None]:
    for cell in row.cells:
        r, period = cell.reading, cell.reading.period
        if period is None:
            continue
        if r.fact == "opgave":
            taak, saldo = row.get("taakstelling", period), row.saldo(period)
            if taak is not None and saldo is not None:
                yield _differs(
                    cell, f"totaalopgave {period}", opgave_of(taak.value, saldo),
                    f"taakstelling {_n(taak.value)} + saldo {_n(saldo)}",
                )  # fmt: skip
            continue
        opgave = row.opgave(period)
        if opgave is None:
            continue
        extra_cell = row.get("extra_opgave", period)
        extra = extra_cell.value if extra_cell is not None else 0
        if r.fact == "opgave_extra" and extra_cell is not None:
            yield _differs(cell, f"opgave inclusief extra {period}", opgave + extra)
        elif r.fact in ("te_realiseren", "pct"):
            done = row.realised(period, r.day)
            if done is None:
                continue
            if r.fact == "pct":
                share = percentage(done.value, opgave, OF_OPGAVE)
                if share is not None:
                    yield _differs(cell, f"gerealiseerd per {nl_date(r.day)} %", share.value)
            elif cell.value != saldo_end(opgave, done.value):  # a sheet may show it negative
                yield _differs(cell, f"nog te huisvesten per {nl_date(r.day)}",
                               remaining(opgave, done.value))  # fmt: skip
        elif r.fact in ("prognose", "prognose_pct", "prognose_pct_extra"):
            done = row.realised(period)
            if done is None or done.reading.day is None:
                continue
            forecast = linear(period, done.reading.day, done.value, opgave, extra)
            if forecast is None:
                continue
            if r.fact == "prognose":
                yield _differs(cell, "prognose", float(forecast.rounded))
            elif r.fact == "prognose_pct" and forecast.pct_opgave is not None:
                yield _differs(cell, "prognose %", forecast.pct_opgave.value)
            elif r.fact == "prognose_pct_extra":
                share = forecast.pct_incl_extra or forecast.pct_opgave
                if share is not None:
                    yield _differs(cell, "prognose inclusief extra opgave %", share.value)


def _column(cell: Cell, members: list[OverviewRow]) -> list[Any]:
    """The values of the members' cells in the column of `cell`."""
    letters = cell.ref.rsplit("!", 1)[1].rstrip("0123456789")
    return [
        c.value
        for m in members
        for c in m.cells
        if c.ref.rsplit("!", 1)[1].rstrip("0123456789") == letters
    ]


def _totals(total: OverviewRow, members: list[OverviewRow]) -> Iterator[Problem | None]:
    """Each count in a `Totaal` row against the sum of the rows it totals."""
    for cell in total.cells:
        fact = cell.reading.fact
        if fact not in COUNT_FACTS and fact != "saldo":
            continue
        if parts := _column(cell, members):
            yield _differs(cell, f"totaal {fact.replace('_', ' ')}", sum(parts),
                           f"som van {len(parts)} gemeenten")  # fmt: skip


def check(tab: OverviewTab) -> list[Problem]:
    """Every disagreement between the tab's stated sums and Taakbot's, in row order."""
    found: list[Problem | None] = []
    since_total: list[OverviewRow] = []
    everyone: list[OverviewRow] = []
    for row in tab.rows:
        if row.kind == "totaal":
            scope = since_total if since_total else everyone
            found += _totals(row, scope)
            found += (p for p in _row_checks(_Row(row)) if not _summed(p, row, scope))
            since_total = []
            continue
        found += _row_checks(_Row(row))
        since_total.append(row)
        everyone.append(row)
    return [p for p in found if p is not None]


def _summed(problem: Problem | None, total: OverviewRow, members: list[OverviewRow]) -> bool:
    """A `Totaal` prognose may be the sum of the rows' prognoses instead of the prognose of the
    totals: both are the sheet's own sum, neither is reported."""
    if problem is None:
        return True
    cell = next(c for c in total.cells if c.ref == problem.ref)
    if cell.reading.fact != "prognose":
        return False
    parts = _column(cell, members)
    return bool(parts) and round_half_up(sum(parts)) == round_half_up(cell.value)


def opgave_hint(tab: OverviewTab) -> Problem | None:
    """'Taakstelling' that the sheet itself treats as the opgave (te realiseren = it − realised,
    with no saldo anywhere): say so, and how to read it right (PZH Haaglanden, 30 March 2022)."""
    rows = [_Row(r) for r in tab.rows if r.kind == "gemeente"]
    fits = 0
    for row in rows:
        for cell in row.cells:
            r = cell.reading
            if r.fact != "te_realiseren" or r.period is None or row.saldo(r.period) is not None:
                continue
            taak, done = row.get("taakstelling", r.period), row.realised(r.period, r.day)
            if row.get("opgave", r.period) or taak is None or done is None:
                continue
            if cell.value != taak.value - done.value:
                return None
            fits += 1
    if fits < 2:
        return None
    header = next(c for c in tab.columns if c.reading.fact == "taakstelling")
    return Problem(
        "waarschuwing",
        header.ref,
        f'de sheet rekent met "{header.header}" als opgave (te realiseren = deze kolom − '
        f"gehuisvest); is het de opgave, zet dan in tabblad kolommen: {header.header} → opgave "
        f"{header.reading.period}",
    )
