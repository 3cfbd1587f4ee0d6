"""Utrecht: Stappenplan / Interventieladder (provincie Utrecht)."""

from __future__ import annotations

from datetime import timedelta

from engine.model import Snapshot
from engine.policies.base import PeriodRule, Policy


class UtrechtPolicy(Policy):
    """Counts the TVS pipeline and municipal reports; tolerates a small backlog."""

    # Stappenplan: "maximaal 5 % of 2 personen" read as max(2, 5 % of the taakstelling).
    small_backlog_share: float = 0.05
    small_backlog_persons: int = 2

    def realised_base(self, snap: Snapshot) -> int:
        return snap.housed + snap.pipeline + snap.contracts

    def contracts_on_top(self, snap: Snapshot) -> int:
        return 0

    def tolerated_backlog(self, taakstelling: int) -> float:
        return max(self.small_backlog_persons, self.small_backlog_share * taakstelling)


UTRECHT = UtrechtPolicy(
    code="utrecht",
    name="Utrecht, stappenplan interventieladder",
    default_rule=PeriodRule(citation="Stappenplan Utrecht: 100 % van de taakstelling"),
    ladder=("0", "1", "2", "3", "4", "5", "6"),
    mid_check_moves_ladder=False,
    pva_term=timedelta(weeks=4),  # step 3: PvA within 4 weeks
    last_term_months=3,  # step 5: a last term of 3 months
)
