"""The trede in force on a date: the latest recorded decision, replayed through every checkpoint
since (domain.md §8). Recorded decisions win; a derived step says so and names its checkpoint;
missing figures stop the chain with the reason and the cell that would settle it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from engine.arithmetic import remaining
from engine.assessment import (
    EndInput,
    EndResult,
    MidInput,
    MidResult,
    end_of_period_assessment,
    mid_period_check,
)
from engine.ledger import figures_per, with_late_contracts
from engine.model import LadderDecision, MunicipalityRecord
from engine.periods import Period, checkpoint_kind, checkpoint_period
from engine.policies import Policy
from engine.reasons import N_, Reason, reason
from engine.state import DataSet
from engine.treden import Trede


@dataclass(frozen=True, slots=True)
class Missing:
    """A checkpoint that cannot be judged from the record, and why."""

    day: date
    period: Period
    why: Reason
    settle: str = ""  # the tab and cell (or row to add) that would settle it
    kind: str = "tussentijds"


Result = MidResult | EndResult | Missing


def proposal(result: Result | None) -> Trede | None:
    """The step a checkpoint proposes; None where it cannot be judged or depends on the unknown."""
    return None if result is None or isinstance(result, Missing) else result.trede_na


def checkpoints_between(after: date, upto: date) -> list[date]:
    """1 January, 1 April, 1 July and 1 October with after < day <= upto, in order."""
    out = []
    for year in range(after.year, upto.year + 1):
        for month in (1, 4, 7, 10):
            day = date(year, month, 1)
            if after < day <= upto:
                out.append(day)
    return out


def last_checkpoint(day: date) -> date:
    """The most recent 1 Jan / 1 Apr / 1 Jul / 1 Oct on or before `day`."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def assess_checkpoint(
    data: DataSet,
    rec: MunicipalityRecord,
    day: date,
    trede_voor: Trede | None,
    known_on: date | None = None,
) -> Result | None:
    """The check due on `day` from the figures per that day; None when `day` is no checkpoint.

    `known_on` bounds what the record may show: rental contracts submitted after the period end
    count up to the cutoff, but not before they were submitted.
    """
    kind = checkpoint_kind(day)
    if kind is None:
        return None
    period = checkpoint_period(day)
    policy, rule = data.policy_for(rec.name, period)
    if not policy.known:
        return Missing(
            day,
            period,
            reason(N_("geen kader voor provincie {p}"), p=rec.municipality.provincie),
            "beleid",
            kind,
        )
    opg = data.opgave(rec.name, period)
    if opg.opgave is None:
        return Missing(day, period, opg.unknown, opg.settle, kind)
    snap = figures_per(rec, period, day)
    if snap is None:
        return Missing(
            day,
            period,
            reason(N_("geen cijfers per {day}"), day=day),
            reason(N_("realisatie, peildatum {day}"), day=day).render(),
            kind,
        )
    if kind == "tussentijds":
        return mid_period_check(
            MidInput(period, opg.opgave, policy.realised_base(snap), trede_voor, snap.koppelingen),
            policy,
            rule,
        )
    snap = with_late_contracts(
        rec, snap, policy.contract_cutoff(period, rule), known_on or date.max
    )
    fig = rec.figures[period]
    mid = figures_per(rec, period, period.midpoint)
    return end_of_period_assessment(
        EndInput(
            period=period,
            taakstelling=opg.taakstelling if opg.taakstelling is not None else opg.opgave,
            opgave=opg.opgave,
            realised=policy.realised_base(snap),
            trede_voor=trede_voor,
            contracts=policy.contracts_on_top(snap),
            backlog_previous=max(0, opg.saldo_start or 0),
            koppelingen_mid=mid.koppelingen if mid else None,
            nog_te_huisvesten_mid=remaining(opg.opgave, policy.realised_base(mid))
            if mid
            else None,
            omkoppelingen=fig.omkoppelingen,
            stapelgemeente=fig.stapelgemeente,
            verschoonbare_reden=fig.verschoonbare_reden,
        ),
        policy,
        rule,
    )


@dataclass(frozen=True, slots=True)
class Step:
    """One checkpoint after the last recorded decision, as the rules judge it."""

    day: date
    result: Result
    treden: tuple[Trede, ...]  # the steps possible after it; () = onbekend
    results: list[Result] = field(default_factory=list, compare=False, repr=False)

    @property
    def trede(self) -> Trede | None:
        return self.treden[0] if len(self.treden) == 1 else None


@dataclass(frozen=True, slots=True)
class Standing:
    day: date
    treden: tuple[Trede, ...]  # the steps the record leaves possible; one = known, () = onbekend
    recorded: LadderDecision | None  # the latest recorded decision on or before `day`
    steps: tuple[Step, ...] = ()  # derived checkpoints after it, oldest first
    unknown: Reason | None = None  # why the trede is not known
    settle: str = ""

    @property
    def trede(self) -> Trede | None:
        return self.treden[0] if len(self.treden) == 1 else None

    @property
    def derived(self) -> bool:
        """True when the trede in force comes from the rules, not from a recorded decision."""
        return bool(self.steps) and self.trede is not None

    @property
    def since(self) -> date | None:
        """The checkpoint (derived) or decision date (recorded) the trede in force dates from."""
        if self.trede is None:
            return None
        since, before = (
            (self.recorded.date, self.recorded.trede) if self.recorded else (None, None)
        )
        for step in self.steps:
            if step.trede != before:
                since = step.day
            before = step.trede
        return since


def standing(data: DataSet, rec: MunicipalityRecord, day: date) -> Standing:
    """Replay from the latest recorded decision on or before `day` through every checkpoint."""
    recorded = rec.trede_on(day)
    unknown: Reason | None = None
    settle = ""
    treden: tuple[Trede, ...] = ()
    if recorded is not None:
        start = recorded.date
        policy, _ = data.policy_for(rec.name, Period.containing(start))
        treden = (policy.normalise(recorded.trede) if policy.known else recorded.trede,)
    else:
        first = min(rec.figures, default=None)
        start = first.start if first else day
        unknown = reason(N_("geen trede vastgelegd en niet af te leiden uit de cijfers"))
        settle = "ladder"
    steps: list[Step] = []
    for cp in checkpoints_between(start, day):
        step = judge(data, rec, cp, treden, known_on=day)
        if len(step.treden) == 1:
            unknown, settle = None, ""
        elif step.treden != treden:
            unknown, settle = _why_unknown(cp, step)
        treden = step.treden
        steps.append(step)
    return Standing(day, treden, recorded, tuple(steps), unknown, settle)


def judge(
    data: DataSet,
    rec: MunicipalityRecord,
    cp: date,
    treden: tuple[Trede, ...],
    known_on: date | None = None,
) -> Step:
    """A checkpoint judged from every step the record leaves possible before it."""
    starts = treden or (None,)
    results = [assess_checkpoint(data, rec, cp, t, known_on=known_on) for t in starts]
    after = _union([_possible(data, rec, r, t) for r, t in zip(results, starts, strict=True)])
    if len(results) == 1:
        return Step(cp, results[0], after, results)
    # Several possible steps before: show the check as it reads from an unknown start.
    return Step(cp, assess_checkpoint(data, rec, cp, None, known_on=known_on), after, results)


def standing_before(data: DataSet, rec: MunicipalityRecord, day: date) -> Standing:
    return standing(data, rec, day - timedelta(days=1))


def _possible(
    data: DataSet, rec: MunicipalityRecord, result: Result, before: Trede | None
) -> tuple[Trede, ...]:
    """The steps a checkpoint leaves possible from `before`; () when anything is."""
    if not isinstance(result, Missing):
        if result.trede_na is not None:
            return (result.trede_na,)
        return getattr(result, "alternatives", ())
    policy, _ = data.policy_for(rec.name, result.period)
    if before is None or not policy.known or result.kind != "tussentijds":
        return ()
    # Without figures a mid-period check leaves the step or moves it one up; a check that
    # cannot move this step needs no figures at all (Utrecht; PZH from trede 2 on).
    return tuple({policy.mid_check_step(before, ok) for ok in (True, False)})


def _union(options: list[tuple[Trede, ...]]) -> tuple[Trede, ...]:
    if any(not o for o in options):
        return ()
    return tuple(sorted({t for o in options for t in o}, key=lambda t: t.rank))


def _why_unknown(cp: date, step: Step) -> tuple[Reason, str]:
    results, after = step.results, step.treden
    missing = next((r for r in results if isinstance(r, Missing)), None)
    if missing is not None:
        return (
            reason(N_("trede na {day} onbekend: {why}"), day=cp, why=missing.why),
            missing.settle,
        )
    opened = next((r for r in results if getattr(r, "open_question", None)), None)
    if opened is not None and after:
        return (
            reason(
                N_(
                    "dat hangt af van de koppelingen op {mid}, vraag 2 van de eindbeoordeling "
                    "van {day}"
                ),
                mid=opened.period.midpoint,
                day=cp,
            ),
            reason(N_("realisatie, koppelingen per {mid}"), mid=opened.period.midpoint).render(),
        )
    return reason(N_("trede na {day} onbekend: de trede ervoor staat niet vast"), day=cp), ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """A recorded decision set against the rules from the step before it (§8, last point).

    It contradicts the rules only where they give a step: from a known step before, or an
    outcome that does not depend on it. Otherwise it cannot be checked, which is no finding.
    """

    decision: LadderDecision
    result: Result | None  # None: not dated on a checkpoint
    before: Standing | None
    contradicts: bool = False
    follows: bool = False
    rules: Trede | None = None  # the step the rules give, where they give one


def check_decision(data: DataSet, rec: MunicipalityRecord, decision: LadderDecision) -> Verdict:
    if checkpoint_kind(decision.date) is None:
        return Verdict(decision, None, None)
    before = standing_before(data, rec, decision.date)
    step = judge(data, rec, decision.date, before.treden)
    if step.trede is None:
        return Verdict(decision, step.result, before)
    policy, _ = data.policy_for(rec.name, step.result.period)
    same = agrees(policy, decision.trede, step.trede)
    return Verdict(
        decision, step.result, before, contradicts=not same, follows=same, rules=step.trede
    )


def agrees(policy: Policy, recorded: Trede, rules: Trede) -> bool:
    """A recorded step is the rules' step read in this policy's numbering, the one reading
    the replay, the round's writer and the data check share: PZH reads an unsplit '3' as 3A
    (Policy.normalise), so a '3' where the rules give 3B differs."""
    return policy.normalise(recorded) == rules
