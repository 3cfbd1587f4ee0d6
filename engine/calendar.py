"""The coming checkpoints and deadlines for a municipality on a date (domain.md §7)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from engine.model import Deadline, LadderDecision, Snapshot
from engine.periods import Period, checkpoint_kind, checkpoint_period
from engine.policies.base import PeriodRule, Policy
from engine.reasons import N_, reason

CHECKPOINT = "checkpoint"
CONTRACTS = "huurcontracten"
PUBLICATION = "publicatie"
PVA = "pva"
LAST_TERM = "last"
ENGINE_KINDS = (CHECKPOINT, CONTRACTS, PUBLICATION, PVA, LAST_TERM)


def checkpoints(period: Period) -> list[Deadline]:
    return [
        Deadline(
            period.midpoint,
            CHECKPOINT,
            reason(
                N_("Tussentijdse toets {period}: minimaal de helft van de opgave gehuisvest"),
                period=period.label,
            ),
        ),
        Deadline(
            period.first_day_after,
            CHECKPOINT,
            reason(N_("Eindbeoordeling {period}: opgave gerealiseerd?"), period=period.label),
        ),
    ]


def _publication(period: Period) -> Deadline:
    """Taakstelling for the first half by 1 October, for the second half by 1 April."""
    nxt = period.next
    when = date(nxt.year - 1, 10, 1) if nxt.half == 1 else date(nxt.year, 4, 1)
    return Deadline(
        when, PUBLICATION, reason(N_("Bekendmaking taakstelling {period}"), period=nxt.label)
    )


def upcoming(
    day: date,
    policy: Policy,
    rule_for: Callable[[Period], PeriodRule],
    decision: LadderDecision | None = None,
    extra: Iterable[Deadline] = (),
    horizon: timedelta = timedelta(days=200),
) -> list[Deadline]:
    """Everything due after `day` (inclusive) within the horizon, soonest first.

    `rule_for(period) -> PeriodRule` supplies the contract cutoff a sheet may override.
    """
    found: list[Deadline] = []
    period = Period.containing(day)
    for p in (period.previous, period, period.next):
        found += checkpoints(p)
        rule: PeriodRule = rule_for(p)
        if _late_contracts(policy, rule, p):
            found.append(
                Deadline(
                    policy.contract_cutoff(p, rule),
                    CONTRACTS,
                    reason(
                        N_(
                            "Laatste dag om huurcontracten over {period} in te sturen (start in "
                            "de laatste twee weken)"
                        ),
                        period=p.label,
                    ),
                )
            )
        found.append(_publication(p))
    if decision is not None:
        found += decision_terms(decision, policy)
    found += list(extra)
    end = day + horizon
    unique: dict[tuple, Deadline] = {}  # a sheet row for a date the engine knows: the engine's
    for d in found:
        kind = d.kind.strip().casefold()
        key = (d.date, kind) if kind in ENGINE_KINDS else (d.date, kind, str(d.description))
        if day <= d.date <= end:
            unique.setdefault(key, d)
    return sorted(unique.values(), key=lambda d: (d.date, d.kind))


def _late_contracts(policy: Policy, rule: PeriodRule, period: Period) -> bool:
    """A cutoff for late rental contracts exists where the sheet's `beleid` sets one, or where
    the policy counts contracts on top of COA's figures (PZH, "Insturen kan nog tot 4 juli");
    Utrecht counts municipal reports in the realisation itself and sets no such cutoff."""
    if rule.huurcontracten_tot is not None:
        return True
    probe = Snapshot("", period.first_day_after, period, housed=0, contracts=1)
    return policy.contracts_on_top(probe) > 0


def decision_terms(decision: LadderDecision, policy: Policy) -> list[Deadline]:
    """PvA term at step 3 and the last term at step 5, where the policy sets them."""
    out: list[Deadline] = []
    if policy.pva_term and decision.trede.code in ("3", "3A"):
        out.append(
            Deadline(
                decision.date + policy.pva_term,
                PVA,
                reason(N_("Plan van aanpak inleveren (trede 3)")),
            )
        )
    last = policy.last_term_end(decision.date) if decision.trede.code == "5" else None
    if last:
        out.append(
            Deadline(
                last,
                LAST_TERM,
                reason(N_("Einde laatste termijn (trede 5); daarna indeplaatsstelling")),
            )
        )
    return out


def deadline_period(kind: str, when: date) -> Period | None:
    """The period whose figures a checkpoint or a contract cutoff is about."""
    if kind == CHECKPOINT:
        return checkpoint_period(when) if checkpoint_kind(when) else None
    if kind == CONTRACTS:  # a few days after the period it closes (4 July for the first half)
        return Period.containing(when - timedelta(days=14))
    return None
