"""Where a municipality stands on a date: the figures, the checks and the trede, together."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from engine import prognosis as prog
from engine.arithmetic import remaining
from engine.assessment import EndResult, MidResult, Schedule, schedule
from engine.calendar import upcoming
from engine.ledger import Opgave, closing_stand, figures_per
from engine.model import Deadline, LadderDecision, MunicipalityRecord, Snapshot
from engine.periods import Period
from engine.policies import PeriodRule, Policy
from engine.reasons import (
    N_,
    OF_OPGAVE,
    Percentage,
    Reason,
    percentage,
    reason,
    round_half_up,
)
from engine.replay import (
    Result,
    Standing,
    Step,
    Verdict,
    check_decision,
    judge,
    last_checkpoint,
    proposal,
    standing,
    standing_before,
)
from engine.state import DataSet
from engine.treden import Trede


@dataclass(slots=True)
class Closed:
    """The half-year that just closed, shown until its assessment is recorded (§8)."""

    period: Period
    opgave: Opgave
    final: Snapshot | None  # the closing stand
    result: Result | None  # the pending end-of-period assessment
    treden: tuple[Trede, ...] = ()  # the steps it leaves possible

    @property
    def realised(self) -> int | None:
        return self.result.realised if isinstance(self.result, EndResult) else None


@dataclass(slots=True)
class Status:
    rec: MunicipalityRecord
    day: date
    period: Period
    policy: Policy
    rule: PeriodRule
    opgave: Opgave
    standing: Standing
    snapshot: Snapshot | None = None
    realised: int | None = None
    schedule: Schedule | None = None
    op_schema: bool | None = None  # judged on the figures per the mid-period date only
    nog_te_huisvesten: int | None = None
    nog_incl_extra: int | None = None
    pct_opgave: Percentage | None = None
    prognoses: list[prog.Prognosis] = field(default_factory=list)
    checkpoint: Result | None = None  # the latest checkpoint, judged from the step before it
    verdict: Verdict | None = None  # the recorded decision on that checkpoint, checked
    closed: Closed | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)

    @property
    def trede(self) -> Trede | None:
        return self.standing.trede

    @property
    def recorded(self) -> LadderDecision | None:
        return self.standing.recorded

    @property
    def minimum(self) -> int | None:
        return self.schedule.minimum if self.schedule else None

    @property
    def bar(self) -> float | None:
        return self.schedule.bar if self.schedule else None

    @property
    def mid(self) -> Result | None:
        """The mid-period check of this period, once its date has come."""
        cp = self.checkpoint
        return cp if cp is not None and cp.kind == "tussentijds" else None

    @property
    def proposed(self) -> Trede | None:
        return proposal(self.checkpoint)


def status_on(data: DataSet, name: str, day: date) -> Status:
    rec = data.records[name]
    period = Period.containing(day)
    policy, rule = data.policy_for(name, period)
    st = Status(
        rec=rec,
        day=day,
        period=period,
        policy=policy,
        rule=rule,
        opgave=data.opgave(name, period),
        standing=standing(data, rec, day),
    )
    _checkpoint(data, st)
    st.closed = _closed(data, st)
    st.deadlines = upcoming(
        day, policy, lambda p: data.policy_for(name, p)[1], st.recorded, data.deadlines_for(name)
    )
    st.snapshot = rec.latest_snapshot(period, day)
    opg = st.opgave.opgave
    if opg is None:
        st.notes.append(st.opgave.unknown)
        return st
    st.schedule = schedule(opg, rule)
    if isinstance(st.mid, MidResult):
        st.op_schema = st.mid.op_schema
    if st.snapshot is None:
        st.notes.append(
            reason(N_("Nog geen realisatiecijfers voor {period}."), period=period.label)
        )
        return st
    snap = st.snapshot
    st.realised = policy.realised_base(snap)
    st.nog_te_huisvesten = remaining(opg, st.realised)
    if st.opgave.extra:
        st.nog_incl_extra = remaining(opg + st.opgave.extra, st.realised)
    st.pct_opgave = percentage(st.realised, opg, OF_OPGAVE)
    linear = prog.linear(period, snap.peildatum, st.realised, opg, st.opgave.extra)
    if linear:
        st.prognoses.append(linear)
        capped = prog.capped_by_koppelingen(linear, snap.koppelingen, opg, st.opgave.extra)
        if capped:
            st.prognoses.append(capped)
    return st


def _checkpoint(data: DataSet, st: Status) -> None:
    """The latest checkpoint: a step of the replay, or the check of the decision recorded on it."""
    cp = last_checkpoint(st.day)
    on_cp = [d for d in st.rec.decisions if d.date == cp]
    if on_cp and not any(s.day == cp for s in st.standing.steps):
        st.verdict = check_decision(data, st.rec, on_cp[-1])
        st.checkpoint = st.verdict.result
    else:
        st.checkpoint = _step_at(data, st, cp).result


def _step_at(data: DataSet, st: Status, cp: date) -> Step:
    """The checkpoint as the replay judged it; replayed afresh only when it is not among its steps."""
    step = next((s for s in st.standing.steps if s.day == cp), None)
    if step is not None:
        return step
    before = standing_before(data, st.rec, cp)
    return judge(data, st.rec, cp, before.treden, known_on=st.day)


def _closed(data: DataSet, st: Status) -> Closed | None:
    prev = st.period.previous
    rec = st.rec
    if prev not in rec.figures and not rec.snapshots_in(prev):
        return None
    if any(st.period.start <= d.date <= st.day for d in rec.decisions):
        return None  # the assessment is recorded: the new period stands on its own
    step = _step_at(data, st, prev.first_day_after)
    return Closed(
        prev, data.opgave(rec.name, prev), closing_stand(rec, prev), step.result, step.treden
    )


@dataclass(frozen=True, slots=True)
class Totals:
    """An area's own check as the province's annex gives it (province_totals in the cases):
    sums over the members, computed, never typed."""

    members: int
    with_figures: int  # municipalities with a known opgave and figures in the period
    opgave: int
    realised: int
    koppelingen: int | None  # None when no member has a koppelingen figure
    schedule: Schedule
    mid_realised: int | None = None  # housed per the mid-period date, when every member has it
    # None unless every member with figures has its taakstelling and saldo (a sum of some of
    # them would not add up to the opgave beside it)
    taakstelling: int | None = 0
    saldo: int | None = 0  # achterstand + / voorsprong − at the period start, summed
    # the members with fewer koppelingen than they still have to house
    short: tuple[str, ...] = ()
    # the linear prognoses summed unrounded (as a spreadsheet sums its formula column)
    prognose: float | None = None
    without: tuple[str, ...] = ()  # the members whose figures are not summed (none at the date)
    # the members with figures but no koppelingen count: the verdict waits for them
    koppelingen_missing: tuple[str, ...] = ()
    rows: tuple[AreaRow, ...] = ()  # the members summed, one row each, in name order
    still: int | None = None  # Σ of each member's nog te huisvesten (a lead elsewhere helps none)

    @property
    def nog_te_huisvesten(self) -> int:
        """What the members still have to house: the sum of their own remainders, so that a
        municipality ahead of its opgave does not lower what another still has to house."""
        return remaining(self.opgave, self.realised) if self.still is None else self.still

    @property
    def koppelingen_voldoende(self) -> bool | None:
        """The province's verdict: enough koppelingen for what its members still have to house,
        judged only when every member with figures has a koppelingen count."""
        if self.koppelingen is None or self.koppelingen_missing:
            return None
        return self.koppelingen >= self.nog_te_huisvesten

    @property
    def reached(self) -> bool:
        """The half reached with the latest figures (a target, before the mid-period date)."""
        return self.schedule.on_schedule(self.realised)

    @property
    def op_schema(self) -> bool | None:
        """Judged on the figures per the mid-period date only, never on later ones."""
        return None if self.mid_realised is None else self.schedule.on_schedule(self.mid_realised)

    @property
    def pct_opgave(self) -> Percentage | None:
        return percentage(self.realised, self.opgave, OF_OPGAVE)

    @property
    def prognose_rounded(self) -> int | None:
        return None if self.prognose is None else round_half_up(self.prognose)

    @property
    def prognose_pct(self) -> Percentage | None:
        if self.prognose is None:
            return None
        return percentage(self.prognose, self.opgave, OF_OPGAVE)


@dataclass(frozen=True, slots=True)
class AreaRow:
    """One member's figures as summed in Totals, so an annex can list the rows of each sum."""

    gemeente: str
    opgave: int
    realised: int
    koppelingen: int | None
    nog_te_huisvesten: int
    peildatum: date


def totals(statuses: list[Status]) -> Totals | None:
    """Sums over the members with figures; None when none has any."""
    known = [s for s in statuses if s.opgave.opgave is not None and s.realised is not None]
    if not known:
        return None
    kopp = [s.snapshot.koppelingen for s in known if s.snapshot.koppelingen is not None]
    opgave = sum(s.opgave.opgave for s in known)
    mids = [s.mid for s in known]
    judged = all(isinstance(m, MidResult) for m in mids)
    linear = [s.prognoses[0].value for s in known if s.prognoses]
    whole = all(
        s.opgave.taakstelling is not None and s.opgave.saldo_start is not None for s in known
    )
    return Totals(
        members=len(statuses),
        with_figures=len(known),
        opgave=opgave,
        realised=sum(s.realised for s in known),
        koppelingen=sum(kopp) if kopp else None,
        schedule=schedule(opgave, known[0].rule),
        mid_realised=sum(m.realised for m in mids) if judged else None,
        taakstelling=sum(s.opgave.taakstelling for s in known) if whole else None,
        saldo=sum(s.opgave.saldo_start for s in known) if whole else None,
        short=tuple(
            s.rec.name
            for s in known
            if s.snapshot.koppelingen is not None
            and s.snapshot.koppelingen < (s.nog_te_huisvesten or 0)
        ),
        prognose=sum(linear) if len(linear) == len(known) else None,
        without=tuple(s.rec.name for s in statuses if all(s is not k for k in known)),
        koppelingen_missing=tuple(s.rec.name for s in known if s.snapshot.koppelingen is None),
        rows=tuple(
            AreaRow(
                s.rec.name,
                s.opgave.opgave,
                s.realised,
                s.snapshot.koppelingen,
                s.nog_te_huisvesten or 0,
                s.snapshot.peildatum,
            )
            for s in sorted(known, key=lambda s: s.rec.name)
        ),
        still=sum(s.nog_te_huisvesten or 0 for s in known),
    )


def checkpoint_totals(data: DataSet, members: list[str], day: date) -> Totals | None:
    """The province's sums for a checkpoint letter: only members with figures per `day` (the
    figures the checkpoint itself is judged on, engine.ledger.figures_per); the others are
    named in `without`, never summed with an earlier date's figures."""
    statuses = [status_on(data, n, day) for n in members]
    at_day = [
        s
        for s in statuses
        if s.snapshot is not None and figures_per(s.rec, s.period, day) == s.snapshot
    ]
    found = totals(at_day)
    if found is None:
        return None
    without = tuple(sorted(s.rec.name for s in statuses if all(s is not a for a in at_day)))
    return replace(found, members=len(statuses), without=without)
