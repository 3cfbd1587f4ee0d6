"""What every province's policy declares; deviations are named hooks, never `if province ==`."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from engine.model import Snapshot
from engine.periods import Period
from engine.treden import Trede


@dataclass(frozen=True, slots=True)
class PeriodRule:
    """The thresholds in force for one period (the coulance table of domain.md §4)."""

    drempel: float = 1.0  # share of the opgave that counts as realised at the period end
    mid_factor: float = 1.0  # share of the mid-period minimum that counts as on schedule
    achterstand_aandeel: float | None = None  # LRT: no climb at taakstelling + share × backlog
    omkoppelingen_tellen: bool = (
        True  # omkoppelingen / stapelgemeente cancel the koppelingen excuse
    )
    huurcontracten_tot: date | None = None  # cutoff for submitting rental contracts
    citation: str = ""

    def merged(self, **overrides: Any) -> PeriodRule:
        """Apply the sheet's `beleid` values that are filled in."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given) if given else self


@dataclass(frozen=True)
class Policy:
    code: str
    name: str
    rules: dict[Period, PeriodRule] = field(default_factory=dict)
    default_rule: PeriodRule = PeriodRule(citation="100 % van de opgave")
    ladder: tuple[str, ...] = ("0", "1", "2", "3A", "3B", "4", "5", "6")
    mid_check_moves_ladder: bool = True
    contract_cutoff_days: int = 3  # "Insturen kan nog tot 4 juli" (PZH, 2022)
    pva_term: timedelta | None = None
    last_term_months: int | None = None

    def rule_for(self, period: Period, **overrides: Any) -> PeriodRule:
        return self.rules.get(period, self.default_rule).merged(**overrides)

    # Hooks: a province overrides these by name.
    def realised_base(self, snap: Snapshot) -> int:
        """What counts as housed before any rental contracts are considered."""
        return snap.housed

    def contracts_on_top(self, snap: Snapshot) -> int:
        """Rental contracts counted only when the opgave is not met without them."""
        return snap.contracts

    def tolerated_backlog(self, taakstelling: int) -> float:
        """A backlog this small does not climb the ladder."""
        return 0

    def step_up(self, trede: Trede) -> Trede:
        code = self.normalise(trede).code
        index = self.ladder.index(code)
        return Trede(self.ladder[min(index + 1, len(self.ladder) - 1)])

    def normalise(self, trede: Trede) -> Trede:
        """Map a step written in another policy's numbering onto this ladder."""
        if trede.code in self.ladder:
            return trede
        if trede.code == "3":  # PZH tables before the split: first arrival on step 3 is 3A
            return Trede("3A")
        return Trede("3")  # 3A / 3B on an unsplit ladder

    def mid_check_step(self, trede: Trede, on_schedule: bool) -> Trede:
        """PZH beleidskader 2020: not on schedule moves 0 → 1 and 1 → 2; higher steps stay."""
        if on_schedule or not self.mid_check_moves_ladder or trede.rank >= 2:
            return trede
        return self.step_up(trede)

    def contract_cutoff(self, period: Period, rule: PeriodRule) -> date:
        return rule.huurcontracten_tot or period.end + timedelta(days=self.contract_cutoff_days)

    def last_term_end(self, decided: date) -> date | None:
        if self.last_term_months is None:
            return None
        month = decided.month - 1 + self.last_term_months
        year, month = decided.year + month // 12, month % 12 + 1
        return date(year, month, min(decided.day, calendar.monthrange(year, month)[1]))
