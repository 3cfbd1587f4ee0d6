"""Where a municipality stands on a date: the figures, the checks and the proposal, together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from engine import prognosis as prog
from engine.arithmetic import minimum_mid, remaining
from engine.arithmetic import opgave as opgave_of
from engine.assessment import (
    EndInput,
    EndResult,
    MidInput,
    MidResult,
    end_of_period_assessment,
    mid_period_check,
)
from engine.calendar import upcoming
from engine.model import Deadline, LadderDecision, MunicipalityRecord, Snapshot
from engine.periods import Period, checkpoint_kind
from engine.policies import PeriodRule, Policy
from engine.reasons import N_, OF_OPGAVE, Percentage, Reason, percentage, reason
from engine.state import DataSet
from engine.treden import T0, Trede


@dataclass(frozen=True, slots=True)
class Opgave:
    period: Period
    taakstelling: int | None
    saldo_start: int | None
    saldo_source: str | Reason
    opgave: int
    extra: int


def resolve_opgave(
    data: DataSet, rec: MunicipalityRecord, period: Period, _depth: int = 0
) -> Opgave | None:
    """taakstelling + saldo; an empty saldo rolls forward from the previous period's end."""
    fig = rec.figures.get(period)
    if fig is None:
        return None
    saldo, source = fig.saldo_start, fig.saldo_source
    if fig.taakstelling is None:
        if fig.opgave_stated is None:
            return None
        return Opgave(period, None, fig.saldo_start, source, fig.opgave_stated, fig.extra_opgave)
    if saldo is None:
        saldo, source = _rolled_saldo(data, rec, period.previous, _depth)
    return Opgave(
        period,
        fig.taakstelling,
        saldo,
        source,
        opgave_of(fig.taakstelling, saldo or 0),
        fig.extra_opgave,
    )


def _rolled_saldo(
    data: DataSet, rec: MunicipalityRecord, previous: Period, depth: int
) -> tuple[int | None, Reason]:
    prev = resolve_opgave(data, rec, previous, depth + 1) if depth < 40 else None
    final = rec.snapshot_at(previous, previous.end)
    if prev is None or final is None or final.peildatum != previous.end:
        return None, reason(N_("onbekend (geen eindstand {period})"), period=previous.label)
    return prev.opgave - final.housed, reason(
        N_("doorgerekend uit {period}"), period=previous.label
    )


def assess_checkpoint(
    data: DataSet, rec: MunicipalityRecord, day: date, trede_voor: Trede | None = None
) -> MidResult | EndResult | None:
    """The mid-period check or end-of-period assessment due on `day`, from recorded figures."""
    kind = checkpoint_kind(day)
    if kind is None:
        return None
    period = Period.containing(day) if kind == "tussentijds" else Period.of_peildatum(day)
    opg = resolve_opgave(data, rec, period)
    snap = rec.snapshot_at(period, day)
    if opg is None or snap is None or snap.peildatum < day - CHECK_WINDOW:
        return None  # no figures "per" the checkpoint: an older stand would mislead
    policy, rule = data.policy_for(rec.name, period)
    if trede_voor is None:
        before = rec.trede_on(day - timedelta(days=1))
        trede_voor = before.trede if before else T0
    if kind == "tussentijds":
        return mid_period_check(
            MidInput(period, opg.opgave, policy.realised_base(snap), trede_voor, snap.koppelingen),
            policy,
            rule,
        )
    fig = rec.figures[period]
    return end_of_period_assessment(
        EndInput(
            period=period,
            taakstelling=opg.taakstelling if opg.taakstelling is not None else opg.opgave,
            opgave=opg.opgave,
            realised=policy.realised_base(snap),
            trede_voor=trede_voor,
            contracts=policy.contracts_on_top(snap),
            backlog_previous=max(0, opg.saldo_start or 0),
            koppelingen_voldoende_mid=koppelingen_sufficient(rec, period, opg.opgave, policy),
            omkoppelingen=fig.omkoppelingen,
            stapelgemeente=fig.stapelgemeente,
            verschoonbare_reden=fig.verschoonbare_reden,
        ),
        policy,
        rule,
    )


# Letters use the stand "per" the checkpoint; a sheet may record it a few days early (e.g. on the
# last working day before 1 April or on 30 June).
CHECK_WINDOW = timedelta(days=7)


def koppelingen_sufficient(
    rec: MunicipalityRecord, period: Period, opgave: int, policy: Policy
) -> bool | None:
    """Question 2: were koppelingen ≥ still to house on the mid-period date?"""
    mid = rec.snapshot_at(period, period.midpoint)
    if mid is None or mid.koppelingen is None or mid.peildatum < period.midpoint - CHECK_WINDOW:
        return None
    return mid.koppelingen >= remaining(opgave, policy.realised_base(mid))


def last_checkpoint(day: date) -> date:
    """The most recent 1 Jan / 1 Apr / 1 Jul / 1 Oct on or before `day`."""
    month = (day.month - 1) // 3 * 3 + 1
    return date(day.year, month, 1)


@dataclass(slots=True)
class Status:
    rec: MunicipalityRecord
    day: date
    period: Period
    policy: Policy
    rule: PeriodRule
    opgave: Opgave | None = None
    snapshot: Snapshot | None = None
    realised: int | None = None
    minimum: int | None = None
    bar: float | None = None
    op_schema: bool | None = None
    nog_te_huisvesten: int | None = None
    pct_opgave: Percentage | None = None
    prognoses: list[prog.Prognosis] = field(default_factory=list)
    recorded: LadderDecision | None = None
    checkpoint: MidResult | EndResult | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)

    @property
    def proposed(self) -> Trede | None:
        return self.checkpoint.trede_na if self.checkpoint else None

    @property
    def trede(self) -> Trede:
        return self.recorded.trede if self.recorded else T0


def status_on(data: DataSet, name: str, day: date) -> Status:
    rec = data.records[name]
    period = Period.containing(day)
    policy, rule = data.policy_for(name, period)
    st = Status(rec=rec, day=day, period=period, policy=policy, rule=rule)
    st.recorded = rec.trede_on(day)
    st.checkpoint = assess_checkpoint(data, rec, last_checkpoint(day))
    st.deadlines = upcoming(
        day,
        policy,
        lambda p: data.policy_for(name, p)[1],
        st.recorded,
        data.deadlines_for(name),
    )
    st.opgave = resolve_opgave(data, rec, period)
    st.snapshot = rec.latest_snapshot(period, day)
    if st.opgave is None:
        st.notes.append(
            reason(
                N_("Geen taakstelling of opgave voor {period} in de sheet."), period=period.label
            )
        )
        return st
    if st.snapshot is None:
        st.notes.append(
            reason(N_("Nog geen realisatiecijfers voor {period}."), period=period.label)
        )
        return st
    opg, snap = st.opgave.opgave, st.snapshot
    st.realised = policy.realised_base(snap)
    st.minimum = minimum_mid(opg)
    st.bar = st.minimum * rule.mid_factor
    st.op_schema = st.realised >= st.bar
    st.nog_te_huisvesten = remaining(opg, st.realised)
    st.pct_opgave = percentage(st.realised, opg, OF_OPGAVE)
    linear = prog.linear(period, snap.peildatum, st.realised, opg, st.opgave.extra)
    if linear:
        st.prognoses.append(linear)
        capped = prog.capped_by_koppelingen(linear, snap.koppelingen, opg, st.opgave.extra)
        if capped:
            st.prognoses.append(capped)
    return st
