"""What every province's policy declares; deviations are named hooks, never `if province ==`.

The base is neutral: it reads no province's letters. Each policy module states its own readings
(coulance, omkoppelingen, small backlogs, the step after a missed taakstelling) with a citation.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from engine.model import Snapshot
from engine.periods import Period
from engine.reasons import Reason
from engine.treden import Trede


@dataclass(frozen=True, slots=True)
class PeriodRule:
    """The thresholds in force for one period (the coulance table of domain.md §4).

    `drempel` and `achterstand_aandeel` only stop the climb: the full opgave is still what makes
    a municipality "gerealiseerd" (letter 1 January 2021: "om niet te stijgen").
    """

    drempel: float = 1.0  # share of the opgave that, realised at the period end, stops the climb
    mid_factor: float = 1.0  # share of the mid-period minimum that counts as on schedule
    achterstand_aandeel: float | None = None  # LRT: no climb at taakstelling + share × backlog
    omkoppelingen_tellen: bool = True  # where the policy weighs omkoppelingen at all
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
    provinces: tuple[str, ...] = ()  # the provinces that apply this kader when no row says so
    rules: dict[Period, PeriodRule] = field(default_factory=dict)
    default_rule: PeriodRule = PeriodRule(citation="100% van de opgave")
    ladder: tuple[str, ...] = ("0", "1", "2", "3A", "3B", "4", "5", "6")
    mid_check_moves_ladder: bool = True
    # Omkoppelingen / stapelgemeente cancel the koppelingen excuse: a reading of PZH's letters.
    omkoppelingen_weigh: bool = False
    contract_cutoff_days: int = 3  # "Insturen kan nog tot 4 juli" (PZH, 2022)
    pva_term: timedelta | None = None
    last_term_months: int | None = None
    known: bool = True  # False only for the stand-in used when a province has no kader
    # The dates our sources show this kader in force: from `known_from` (its adoption, where
    # known) until the day before `known_until` (where a public register gives an end).
    known_from: date | None = None
    known_until: date | None = None

    def holds_on(self, day: date) -> bool:
        """True when our sources show this kader in force on `day` (part 7 of issue 27)."""
        if self.known_from is not None and day < self.known_from:
            return False
        return self.known_until is None or day < self.known_until

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
        """A backlog this small keeps the step (with a letter) instead of climbing."""
        return 0

    def tolerance_applies(self, trede: Trede) -> bool:
        """Whether a small backlog may keep this step."""
        return True

    def after_missed(self, trede: Trede, holds: bool) -> Trede:
        """The step after a missed opgave: stays when a reason holds, else one up."""
        return trede if holds else self.step_up(trede)

    def mid_signals(self, trede: Trede, realised: int, opgave: int) -> tuple[Reason, ...]:
        """Extra actions a policy names at the mid-period date (none by default)."""
        return ()

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
        return rule.huurcontracten_tot or period.first_day_after + timedelta(
            days=self.contract_cutoff_days
        )

    def last_term_end(self, decided: date) -> date | None:
        if self.last_term_months is None:
            return None
        month = decided.month - 1 + self.last_term_months
        year, month = decided.year + month // 12, month % 12 + 1
        return date(year, month, min(decided.day, calendar.monthrange(year, month)[1]))
