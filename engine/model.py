"""Domain records as the sheet states them; everything the rules compute lives elsewhere."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from engine.periods import Period
from engine.reasons import Reason
from engine.treden import Trede


@dataclass(frozen=True, slots=True)
class Municipality:
    name: str
    provincie: str
    regio: str = ""
    aliases: tuple[str, ...] = ()
    adres: str = ""  # the college's postal address where the sheet has one (letters)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """One municipality's quota for one half-year, with what the province knows about it."""

    gemeente: str
    period: Period
    taakstelling: int | None
    saldo_start: int | None = None  # achterstand +, voorsprong −; None = roll forward
    saldo_source: str = ""  # where the saldo comes from (a letter, COA, "doorgerekend")
    extra_opgave: int = 0
    omkoppelingen: bool | None = None
    stapelgemeente: bool | None = None
    verschoonbare_reden: str = ""
    opgave_stated: int | None = None  # an opgave a source states without its parts
    source: str = ""  # e.g. "taakstelling!B7"
    saldo_ref: str = ""  # the cell that holds (or would hold) the saldo


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Cumulative figures within a period 'per' a date (housed before that day)."""

    gemeente: str
    peildatum: date
    period: Period
    housed: int  # COA/TVS, cumulative within the period
    contracts: int = 0  # submitted rental contracts not (yet) in COA figures
    koppelingen: int | None = None
    pipeline: int = 0  # Utrecht: housings in TVS phase 3
    source: str = ""


@dataclass(frozen=True, slots=True)
class LadderDecision:
    gemeente: str
    date: date
    trede: Trede
    note: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Deadline:
    date: date
    kind: str  # 'checkpoint', 'huurcontracten', 'publicatie', 'pva', 'last', or a sheet's soort
    description: str | Reason
    scope: str = "*"


@dataclass(slots=True)
class MunicipalityRecord:
    """Everything recorded for one municipality, sorted by date."""

    municipality: Municipality
    figures: dict[Period, PeriodFigures] = field(default_factory=dict)
    snapshots: list[Snapshot] = field(default_factory=list)
    decisions: list[LadderDecision] = field(default_factory=list)
    # Snapshots per period, sorted by peildatum: built on first use, rebuilt when the list is
    # appended to, removed from, sorted or replaced (its length or its ends change).
    _index: dict[Period, tuple[list[date], list[Snapshot]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _indexed: tuple = field(default=(), init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.municipality.name

    def _of(self, period: Period) -> tuple[list[date], list[Snapshot]]:
        return self.snapshot_index().get(period, ([], []))

    def snapshot_index(self) -> dict[Period, tuple[list[date], list[Snapshot]]]:
        """Peildatums and snapshots per period, sorted; built once per version of the list."""
        snaps = self.snapshots
        version = (
            id(snaps),
            len(snaps),
            id(snaps[0]) if snaps else 0,
            id(snaps[-1]) if snaps else 0,
        )
        if self._indexed != version:
            index: dict[Period, tuple[list[date], list[Snapshot]]] = {}
            for snap in sorted(self.snapshots, key=lambda s: s.peildatum):
                days, snaps = index.setdefault(snap.period, ([], []))
                days.append(snap.peildatum)
                snaps.append(snap)
            self._index, self._indexed = index, version
        return self._index

    def snapshots_in(self, period: Period) -> list[Snapshot]:
        return list(self._of(period)[1])

    def latest_snapshot(self, period: Period, on: date) -> Snapshot | None:
        """The newest figures of `period` known on `on` (peildatum on or before it)."""
        days, snaps = self._of(period)
        i = bisect_right(days, on)
        return snaps[i - 1] if i else None

    def decided_on(self, day: date) -> LadderDecision | None:
        """The decision recorded for exactly `day` (the last row recorded wins)."""
        return next((d for d in reversed(self.decisions) if d.date == day), None)

    def trede_on(self, day: date) -> LadderDecision | None:
        """The recorded decision in force on `day` (the last one dated on or before it)."""
        best: LadderDecision | None = None
        for d in self.decisions:  # the latest date wins; on one date, the last row recorded
            if d.date <= day and (best is None or d.date >= best.date):
                best = d
        return best
