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
    period = Period.containing(day)
    found = list(_engine_deadlines(period, policy, tuple(rule_for(p) for p in _around(period))))
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


def _around(period: Period) -> tuple[Period, Period, Period]:
    return period.previous, period, period.next


# (period, policy, its rules) → the engine's own deadlines around the period. They are the same
# for every municipality of a province: /regio and the weekly overview ask them per municipality,
# and the suite 10,000 times. Bounded; the policy is kept with its entry, so an id is never reused.
_ENGINE_DEADLINES: dict[tuple, tuple[Policy, tuple[Deadline, ...]]] = {}


def _engine_deadlines(
    period: Period, policy: Policy, rules: tuple[PeriodRule, ...]
) -> tuple[Deadline, ...]:
    """Checkpoints, the cutoff for late contracts, and publications of the periods around."""
    key = (period, id(policy), rules)
    hit = _ENGINE_DEADLINES.get(key)
    if hit is not None and hit[0] is policy:
        return hit[1]
    found: list[Deadline] = []
    for p, rule in zip(_around(period), rules, strict=True):
        found += checkpoints(p)
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
    if len(_ENGINE_DEADLINES) >= 1024:
        _ENGINE_DEADLINES.clear()
    _ENGINE_DEADLINES[key] = (policy, tuple(found))
    return tuple(found)


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
