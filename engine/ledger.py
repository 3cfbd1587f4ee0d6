"""The opgave of every period and the figures a checkpoint is judged on (domain.md §2, §8).

The saldo rolls forward once per record, oldest period first (linear in the years of history),
and the result is kept on the DataSet for as long as that refresh lives.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from engine.arithmetic import opgave as opgave_of
from engine.arithmetic import saldo_end
from engine.model import MunicipalityRecord, Snapshot
from engine.periods import Period
from engine.reasons import N_, Reason, reason

# Letters use the stand "per" the checkpoint; a sheet may record it a few days early (the last
# working day before 1 April, or 30 June). A closing stand is one dated in the last week.
CHECK_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Opgave:
    """What must be housed in a period, or why that is unknown and which cell would settle it."""

    period: Period
    taakstelling: int | None
    saldo_start: int | None
    saldo_source: str | Reason
    opgave: int | None
    extra: int
    unknown: Reason | None = None  # why `opgave` is None
    settle: str = ""  # the cell that would settle it
    rolled: bool = False  # the saldo was empty and rolled forward from the closing stand

    @property
    def known(self) -> bool:
        return self.opgave is not None


def figures_per(rec: MunicipalityRecord, period: Period, day: date) -> Snapshot | None:
    """The latest figures of `period` dated on or before `day`, at most a week before it."""
    snap = rec.latest_snapshot(period, day)
    if snap is None or snap.peildatum < day - CHECK_WINDOW:
        return None
    return snap


def closing_stand(rec: MunicipalityRecord, period: Period) -> Snapshot | None:
    """The stand per the period end: dated 1 January / 1 July or in the week before it."""
    return figures_per(rec, period, period.first_day_after)


def with_late_contracts(
    rec: MunicipalityRecord, snap: Snapshot, cutoff: date, known_on: date
) -> Snapshot:
    """Rental contracts submitted after the period end, until the cutoff, count for it (§8)."""
    late = [
        s.contracts
        for s in rec.snapshots_in(snap.period)
        if snap.peildatum < s.peildatum <= min(cutoff, known_on)
    ]
    if late and max(late) > snap.contracts:
        return replace(snap, contracts=max(late))
    return snap


def cell_of(source: str) -> str:
    """'realisatie!D9 — PZH-brief …' → 'realisatie!D9': the cell a source starts with."""
    return source.split(" — ", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class SaldoMismatch:
    """One fact, two figures: the saldo stated at a period's start, and what the previous
    period rolls forward to (opgave − housed per its end). The opgave uses the stated one."""

    period: Period  # the period that starts with this saldo
    stated: int
    stated_ref: str  # the saldo's cell (or the row's source)
    stated_source: str | Reason
    rolled: int
    opgave: int  # the previous period's opgave
    housed: int
    end: date  # the closing stand's date
    end_ref: str  # the closing stand's source


def saldo_mismatch(
    rec: MunicipalityRecord, period: Period, previous: Opgave
) -> SaldoMismatch | None:
    """The stated saldo at the start of `period` against the previous period's closing stand."""
    fig = rec.figures.get(period)
    final = closing_stand(rec, period.previous)
    if fig is None or fig.saldo_start is None or previous.opgave is None or final is None:
        return None
    rolled = saldo_end(previous.opgave, final.housed)
    if rolled == fig.saldo_start:
        return None
    return SaldoMismatch(
        period,
        fig.saldo_start,
        fig.saldo_ref or fig.source,
        fig.saldo_source,
        rolled,
        previous.opgave,
        final.housed,
        final.peildatum,
        final.source,
    )


@dataclass(frozen=True, slots=True)
class OpgaveMismatch:
    """One fact, two figures: an opgave a source states beside taakstelling + saldo, which is
    what the engine uses."""

    period: Period
    stated: int
    computed: int
    ref: str  # the row's source


def opgave_mismatch(rec: MunicipalityRecord, period: Period) -> OpgaveMismatch | None:
    fig = rec.figures.get(period)
    if fig is None or fig.taakstelling is None or fig.saldo_start is None:
        return None
    if not fig.opgave_stated:
        return None
    computed = opgave_of(fig.taakstelling, fig.saldo_start)
    if computed == fig.opgave_stated:
        return None
    return OpgaveMismatch(period, fig.opgave_stated, computed, fig.source)


def opgaven(rec: MunicipalityRecord) -> dict[Period, Opgave]:
    """Every period's opgave, the saldo rolled forward from the previous period where empty."""
    out: dict[Period, Opgave] = {}
    for period in sorted(rec.figures):
        out[period] = _resolve(rec, period, out.get(period.previous))
    return out


def _resolve(rec: MunicipalityRecord, period: Period, previous: Opgave | None) -> Opgave:
    fig = rec.figures[period]
    saldo, source = fig.saldo_start, fig.saldo_source
    rolled = False
    if saldo is None and fig.taakstelling is not None:
        saldo, source = _rolled(rec, period.previous, previous)
        rolled = saldo is not None
    if fig.taakstelling is not None and saldo is not None:
        value = opgave_of(fig.taakstelling, saldo)
    else:
        value = fig.opgave_stated  # checked against taakstelling + saldo by the audit
        if value is not None and fig.saldo_start is None and fig.taakstelling is not None:
            saldo, source = value - fig.taakstelling, reason(N_("afgeleid uit de vermelde opgave"))
    unknown = None
    if value is None:
        unknown = (
            _no_figures(period)
            if fig.taakstelling is None
            else reason(
                N_("saldo bij de start van {period} onbekend: leeg en geen eindstand {prev}"),
                period=period.label,
                prev=period.previous.label,
            )
        )
    return Opgave(
        period,
        fig.taakstelling,
        saldo,
        source,
        value,
        fig.extra_opgave,
        unknown,
        fig.saldo_ref or fig.source if unknown else "",
        rolled,
    )


def _rolled(
    rec: MunicipalityRecord, previous: Period, prev: Opgave | None
) -> tuple[int | None, str | Reason]:
    final = closing_stand(rec, previous)
    if prev is None or prev.opgave is None or final is None:
        return None, reason(N_("onbekend: geen eindstand {period}"), period=previous.label)
    return saldo_end(prev.opgave, final.housed), reason(
        N_("doorgerekend uit {period}"), period=previous.label
    )


def unknown_opgave(period: Period) -> Opgave:
    """No row for the period at all."""
    return Opgave(
        period,
        None,
        None,
        "",
        None,
        0,
        _no_figures(period),
        "taakstelling",
    )


def _no_figures(period: Period) -> Reason:
    return reason(N_("geen taakstelling en geen opgave voor {period}"), period=period.label)
