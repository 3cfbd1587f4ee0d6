"""Utrecht: Stappenplan / Interventieladder (provincie Utrecht)."""

from __future__ import annotations

from datetime import date, timedelta

from engine.model import Snapshot
from engine.policies.base import PeriodRule, Policy
from engine.reasons import N_, Reason, reason
from engine.treden import Trede


class UtrechtPolicy(Policy):
    """Counts the TVS pipeline and municipal reports; tolerates a small backlog beyond step 1."""

    # Stappenplan: "maximaal 5 % of 2 personen" read as max(2, 5 % of the taakstelling).
    small_backlog_share: float = 0.05
    small_backlog_persons: int = 2
    # Stappenplan, stap 3: "bestuurlijk overleg" when halfway less than about 50 % is realised.
    executive_share: float = 0.5

    def realised_base(self, snap: Snapshot) -> int:
        return snap.housed + snap.pipeline + snap.contracts

    def contracts_on_top(self, snap: Snapshot) -> int:
        return 0

    def tolerated_backlog(self, taakstelling: int) -> float:
        return max(self.small_backlog_persons, self.small_backlog_share * taakstelling)

    def tolerance_applies(self, trede: Trede) -> bool:
        """Stap 1 'Signalering' is where a missed taakstelling lands; the tolerance is beyond."""
        return trede.rank >= 1

    def after_missed(self, trede: Trede, holds: bool) -> Trede:
        """Any backlog from step 0 leads to step 1, whatever the cause (stappenplan, stap 1)."""
        if trede.rank < 1:
            return Trede("1")
        return super().after_missed(trede, holds)

    def mid_signals(self, trede: Trede, realised: int, opgave: int) -> tuple[Reason, ...]:
        if trede.code != "3" or not opgave or realised >= self.executive_share * opgave:
            return ()
        return (
            reason(
                N_(
                    "Trede 3 en halverwege minder dan de helft van de opgave gehuisvest "
                    "({realised} van {opgave}): het stappenplan noemt een bestuurlijk overleg, "
                    "tenzij er concreet zicht op realisatie is."
                ),
                realised=realised,
                opgave=opgave,
            ),
        )


UTRECHT = UtrechtPolicy(
    code="utrecht",
    name="Utrecht, stappenplan interventieladder",
    provinces=("Utrecht",),
    default_rule=PeriodRule(citation="Stappenplan Utrecht: 100% van de taakstelling"),
    ladder=("0", "1", "2", "3", "4", "5", "6"),
    mid_check_moves_ladder=False,
    pva_term=timedelta(weeks=4),  # step 3: PvA within 4 weeks
    last_term_months=3,  # step 5: a last term of 3 months
    # Its adoption date is not in our sources; the overview of November 2022 applies it in 2022.
    known_from=date(2022, 1, 1),
)
