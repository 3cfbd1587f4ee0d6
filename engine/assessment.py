"""Mid-period check (1 April / 1 October) and end-of-period assessment (1 January / 1 July).

Both return the proposed step *and* the reasons, in the order the province's letters ask them
(domain.md §3 and §4). A step before that is not known (None) gives a proposal only where the
outcome does not depend on it; a question that cannot be answered is named, never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from engine.arithmetic import minimum_mid, remaining, saldo_end
from engine.periods import Period
from engine.policies.base import PeriodRule, Policy
from engine.reasons import (
    N_,
    OF_MINIMUM,
    OF_OPGAVE,
    Percentage,
    Reason,
    percentage,
    reason,
)
from engine.treden import T0, Trede


@dataclass(frozen=True, slots=True)
class Schedule:
    """The mid-period bar for an opgave: the one place 'op schema' is decided."""

    minimum: int
    bar: float  # minimum × the period's coulance factor

    def on_schedule(self, realised: int) -> bool:
        return realised >= self.bar

    @property
    def persons(self) -> int:
        """The bar in whole persons: a fraction rounds up (146,3 → 147)."""
        return persons(self.bar)


def persons(bar: float) -> int:
    """A limit in persons, rounded up: reaching it in whole people is reaching the bar."""
    return math.ceil(round(bar, 6))


def persons_limit(bar: float) -> Reason:
    """A limit as letters and /stand state it: whole persons, a fraction beside it so the
    figure can be traced ('147 (146,3 naar boven afgerond)')."""
    whole = persons(bar)
    if whole == round(bar, 6):
        return reason("{persons}", persons=whole)
    return reason(N_("{persons} ({bar} naar boven afgerond)"), persons=whole, bar=round(bar, 2))


def schedule(opgave: int, rule: PeriodRule) -> Schedule:
    minimum = minimum_mid(opgave)
    return Schedule(minimum, minimum * rule.mid_factor)


@dataclass(frozen=True, slots=True)
class MidInput:
    period: Period
    opgave: int
    realised: int
    trede_voor: Trede | None  # None: not recorded and not derivable
    koppelingen: int | None = None


@dataclass(frozen=True, slots=True)
class MidResult:
    period: Period
    date: date
    opgave: int
    realised: int
    minimum: int
    bar: float  # the number that had to be reached (minimum × coulance factor)
    op_schema: bool
    nog_te_huisvesten: int
    koppelingen: int | None
    can_still_realise: bool | None
    pct_of_opgave: Percentage | None
    pct_of_minimum: Percentage | None
    trede_voor: Trede | None
    trede_na: Trede | None
    rule: PeriodRule
    reasons: tuple[Reason, ...]
    kind: str = "tussentijds"

    @property
    def bar_persons(self) -> int:
        """The bar in whole persons (146,3 → 147)."""
        return persons(self.bar)


def mid_period_check(data: MidInput, policy: Policy, rule: PeriodRule | None = None) -> MidResult:
    rule = rule or policy.rule_for(data.period)
    sched = schedule(data.opgave, rule)
    on_schedule = sched.on_schedule(data.realised)
    left = remaining(data.opgave, data.realised)
    feasible = None if data.koppelingen is None else data.koppelingen >= left
    trede_voor = policy.normalise(data.trede_voor) if data.trede_voor else None
    trede_na = _independent(lambda t: policy.mid_check_step(t, on_schedule), trede_voor, policy)
    pct_min = percentage(data.realised, sched.minimum, OF_MINIMUM)
    pct_opg = percentage(data.realised, data.opgave, OF_OPGAVE)
    reasons: list[Reason] = [
        reason(
            N_(
                "Minimaal te huisvesten vóór {datum}: {minimum}, de helft van de opgave {opgave}, "
                "naar boven afgerond."
            ),
            datum=data.period.midpoint,
            minimum=sched.minimum,
            opgave=data.opgave,
        )
    ]
    if rule.mid_factor != 1:
        reasons.append(
            reason(
                N_("Coulance: op schema bij ten minste {factor}% van het minimum, dus {bar}."),
                factor=round(rule.mid_factor * 100),
                bar=persons_limit(sched.bar),
            )
        )
    reasons.append(
        reason(
            N_("Gehuisvest: {realised}, dat is {pct_min} en {pct_opg}; {status}."),
            realised=data.realised,
            pct_min=pct_text(pct_min),
            pct_opg=pct_text(pct_opg),
            status=N_("op schema") if on_schedule else N_("niet op schema"),
        )
    )
    if feasible is not None:
        reasons.append(
            reason(
                N_(
                    "Koppelingen: {koppelingen} tegenover {left} nog te huisvesten: de opgave is "
                    "{verdict}."
                ),
                koppelingen=data.koppelingen,
                left=left,
                verdict=N_("nog haalbaar")
                if feasible
                else N_("met deze koppelingen niet haalbaar"),
            )
        )
    else:
        reasons.append(reason(N_("Nog te huisvesten: {left}."), left=left))
    if trede_voor is not None:
        reasons += policy.mid_signals(trede_voor, data.realised, data.opgave)
    reasons.append(_step_reason(trede_voor, trede_na))
    return MidResult(
        period=data.period,
        date=data.period.midpoint,
        opgave=data.opgave,
        realised=data.realised,
        minimum=sched.minimum,
        bar=sched.bar,
        op_schema=on_schedule,
        nog_te_huisvesten=left,
        koppelingen=data.koppelingen,
        can_still_realise=feasible,
        pct_of_opgave=pct_opg,
        pct_of_minimum=pct_min,
        trede_voor=trede_voor,
        trede_na=trede_na,
        rule=rule,
        reasons=tuple(reasons),
    )


@dataclass(frozen=True, slots=True)
class EndInput:
    period: Period
    taakstelling: int
    opgave: int
    realised: int  # what the policy counts before rental contracts (COA, or COA + pipeline)
    trede_voor: Trede | None  # None: not recorded and not derivable
    contracts: int = 0  # accepted rental contracts on top (counted only when needed)
    backlog_previous: int = 0  # the achterstand carried in (for the LRT coulance)
    koppelingen_voldoende_mid: bool | None = None  # given directly (a letter's verdict) ...
    koppelingen_mid: int | None = None  # ... or from the figures on the mid-period date
    nog_te_huisvesten_mid: int | None = None
    omkoppelingen: bool | None = None
    stapelgemeente: bool | None = None
    verschoonbare_reden: str = ""

    @property
    def koppelingen_voldoende(self) -> bool | None:
        if self.koppelingen_voldoende_mid is not None:
            return self.koppelingen_voldoende_mid
        if self.koppelingen_mid is None or self.nog_te_huisvesten_mid is None:
            return None
        return self.koppelingen_mid >= self.nog_te_huisvesten_mid


@dataclass(frozen=True, slots=True)
class EndResult:
    period: Period
    date: date
    opgave: int
    realised: int  # what was finally counted (with contracts when they were needed)
    gerealiseerd: bool  # the full opgave: back to trede 0
    contracts_counted: bool
    coulance_bar: float | None  # a bar below the opgave that only stops the climb
    meets_coulance: bool
    tolerated: bool
    excusable: tuple[Reason, ...]
    koppelingen_voldoende: bool | None
    saldo_end: int  # opgave − COA realisation: the achterstand carried forward
    trede_voor: Trede | None
    trede_na: Trede | None  # None: depends on an open question or on an unknown step before
    rule: PeriodRule
    reasons: tuple[Reason, ...]
    pct_of_opgave: Percentage | None = None
    open_question: Reason | None = None  # what the proposal depends on
    alternatives: tuple[Trede, ...] = ()  # the steps the open question leaves possible
    # The input's facts as the letters state them (letters.md, annex), so no letter reads them
    # from anywhere but the assessment that judged them.
    taakstelling: int | None = None
    realised_base: int | None = None  # housed before rental contracts (COA figures)
    contracts: int = 0  # rental contracts submitted (counted or not: `contracts_counted`)
    backlog_previous: int = 0
    koppelingen_mid: int | None = None
    nog_te_huisvesten_mid: int | None = None
    omkoppelingen: bool | None = None
    stapelgemeente: bool | None = None
    kind: str = "eindbeoordeling"

    @property
    def coulance_persons(self) -> int | None:
        """The coulance bar in whole persons (388,75 → 389); None without a coulance."""
        return None if self.coulance_bar is None else persons(self.coulance_bar)


def end_of_period_assessment(
    data: EndInput, policy: Policy, rule: PeriodRule | None = None
) -> EndResult:
    rule = rule or policy.rule_for(data.period)
    trede_voor = policy.normalise(data.trede_voor) if data.trede_voor else None
    counted, with_contracts = data.realised, False
    if counted < data.opgave and data.contracts:
        counted, with_contracts = data.realised + data.contracts, True
    realised_ok = counted >= data.opgave
    reasons = [_realised_reason(data, counted, with_contracts, realised_ok)]
    bar, meets = _coulance(data, rule, counted, realised_ok, reasons)
    backlog = data.opgave - counted
    tolerance = policy.tolerated_backlog(data.taakstelling)
    small = not realised_ok and not meets and bool(tolerance) and backlog <= tolerance
    koppelingen_ok = data.koppelingen_voldoende
    reasons += _questions(data, koppelingen_ok)
    excuses, notes, cancelled = _excuses(data, rule, policy, koppelingen_ok)
    open_question: Reason | None = None
    alternatives: tuple[Trede, ...] = ()
    if realised_ok:
        trede_na: Trede | None = T0
        reasons.append(reason(N_("Taakstelling gerealiseerd: alle acties van de ladder stoppen.")))
    else:
        if small:
            reasons.append(
                reason(
                    N_(
                        "Kleine achterstand ({backlog}, ten hoogste {tolerance}): geen stijging "
                        "boven trede 1, wel een ambtelijke brief."
                    ),
                    backlog=backlog,
                    tolerance=round(tolerance, 2),
                )
            )
        if cancelled:
            reasons.append(cancelled)
        reasons += excuses + notes

        def outcome(start: Trede, enough: bool | None) -> Trede:
            holds = meets or bool(excuses) or (small and policy.tolerance_applies(start))
            holds = holds or (enough is False and not cancelled)
            return policy.after_missed(start, holds)

        if koppelingen_ok is None and not cancelled:
            trede_na = _independent(
                lambda t: _same(outcome(t, True), outcome(t, False)), trede_voor, policy
            )
            if trede_na is None and trede_voor is not None:
                yes, no = outcome(trede_voor, True), outcome(trede_voor, False)
                alternatives = (yes, no)
                open_question = reason(
                    N_(
                        "vraag 2 is open: met voldoende koppelingen op {mid} wordt het trede "
                        "{yes}, met te weinig blijft het trede {no}"
                    ),
                    mid=data.period.midpoint,
                    yes=yes.code,
                    no=no.code,
                )
                reasons.append(reason(N_("Let op, {question}."), question=open_question))
        else:
            trede_na = _independent(lambda t: outcome(t, koppelingen_ok), trede_voor, policy)
            climbed = trede_voor is not None and trede_na is not None and trede_voor < trede_na
            excused = meets or excuses or small or (koppelingen_ok is False and not cancelled)
            if climbed and not excused:
                reasons.append(reason(N_("Geen verschoonbare reden: één trede omhoog.")))
    reasons.append(_step_reason(trede_voor, trede_na))
    return EndResult(
        period=data.period,
        date=data.period.first_day_after,
        opgave=data.opgave,
        realised=counted,
        gerealiseerd=realised_ok,
        contracts_counted=with_contracts,
        coulance_bar=bar,
        meets_coulance=meets,
        tolerated=small,
        excusable=tuple(excuses),
        koppelingen_voldoende=koppelingen_ok,
        saldo_end=saldo_end(data.opgave, data.realised),
        trede_voor=trede_voor,
        trede_na=trede_na,
        rule=rule,
        reasons=tuple(reasons),
        pct_of_opgave=percentage(counted, data.opgave, OF_OPGAVE),
        open_question=open_question,
        alternatives=alternatives,
        taakstelling=data.taakstelling,
        realised_base=data.realised,
        contracts=data.contracts,
        backlog_previous=data.backlog_previous,
        koppelingen_mid=data.koppelingen_mid,
        nog_te_huisvesten_mid=data.nog_te_huisvesten_mid,
        omkoppelingen=data.omkoppelingen,
        stapelgemeente=data.stapelgemeente,
    )


def _same(a: Trede, b: Trede) -> Trede | None:
    return a if a == b else None


def _independent(
    step: Callable[[Trede], Trede | None], before: Trede | None, policy: Policy
) -> Trede | None:
    """`step(before)`; with the step before unknown, only an outcome every start agrees on."""
    if before is not None:
        return step(before)
    outcomes = {step(Trede(code)) for code in policy.ladder}
    return outcomes.pop() if len(outcomes) == 1 else None


def pct_text(p: Percentage | None) -> Reason | str:
    """'51% van het minimum': a percentage always says what it divides by."""
    if p is None:
        return "–"
    return reason(N_("{n}% {of}"), n=p.rounded, of=p.of)


def _coulance(
    data: EndInput, rule: PeriodRule, counted: int, realised_ok: bool, reasons: list[Reason]
) -> tuple[float | None, bool]:
    """A bar below the full opgave (corona 70 %, LRT 25 %) that only stops the climb."""
    if rule.achterstand_aandeel is not None:
        bar = data.taakstelling + rule.achterstand_aandeel * max(0, data.backlog_previous)
    elif rule.drempel < 1:
        bar = rule.drempel * data.opgave
    else:
        return None, False
    meets = not realised_ok and counted >= bar
    if not realised_ok:
        reasons.append(
            reason(
                N_(
                    "Coulance: niet stijgen bij ten minste {bar} gehuisvest; gehuisvest {counted}: "
                    "{verdict}."
                ),
                bar=persons_limit(bar),
                counted=counted,
                verdict=N_("geen stijging") if meets else N_("niet gehaald"),
            )
        )
        reasons.append(reason(N_("Bron coulance: {citation}."), citation=rule.citation))
    return bar, meets


def _realised_reason(data: EndInput, counted: int, with_contracts: bool, ok: bool) -> Reason:
    if with_contracts:
        how = reason(
            N_("inclusief {contracts} geaccepteerde huurcontracten"), contracts=data.contracts
        )
    elif data.contracts:
        how = reason(N_("huurcontracten niet meegeteld, want de opgave is ook zonder gehaald"))
    else:
        how = reason(N_("volgens COA-cijfers"))
    return reason(
        N_(
            "Vraag 1: gehuisvest {counted} ({how}) van een opgave van {opgave}, dat is "
            "{pct}: {verdict}."
        ),
        counted=counted,
        how=how,
        opgave=data.opgave,
        pct=pct_text(percentage(counted, data.opgave, OF_OPGAVE)),
        verdict=N_("gerealiseerd") if ok else N_("niet gerealiseerd"),
    )


def _yes_no(flag: bool | None) -> str:
    return N_("onbekend") if flag is None else N_("ja") if flag else N_("nee")


def _questions(data: EndInput, koppelingen_ok: bool | None) -> list[Reason]:
    """Questions 2–4 as the letters answer them, with their figures, whatever question 1 said."""
    mid = data.period.midpoint
    verdict = N_("voldoende") if koppelingen_ok else N_("onvoldoende")
    if data.koppelingen_mid is not None and data.nog_te_huisvesten_mid is not None:
        q2 = reason(
            N_(
                "Vraag 2: koppelingen op {mid}: {k} tegenover {left} nog te huisvesten: {verdict}."
            ),
            mid=mid,
            k=data.koppelingen_mid,
            left=data.nog_te_huisvesten_mid,
            verdict=verdict,
        )
    elif koppelingen_ok is not None:
        q2 = reason(N_("Vraag 2: koppelingen op {mid}: {verdict}."), mid=mid, verdict=verdict)
    else:
        q2 = reason(N_("Vraag 2: koppelingen op {mid}: onbekend, niet in de sheet."), mid=mid)
    return [
        q2,
        reason(N_("Vraag 3: omkoppelingen in de periode: {v}."), v=_yes_no(data.omkoppelingen)),
        reason(N_("Vraag 4: stapelgemeente in de periode: {v}."), v=_yes_no(data.stapelgemeente)),
    ]


def _excuses(
    data: EndInput, rule: PeriodRule, policy: Policy, koppelingen_ok: bool | None
) -> tuple[list[Reason], list[Reason], Reason | None]:
    """The verschoonbare redenen that hold, notes on them, and a reading that cancels one."""
    excuses: list[Reason] = []
    notes: list[Reason] = []
    cancelled: Reason | None = None
    against = ", ".join(
        label
        for flag, label in (
            (data.omkoppelingen, N_("omkoppelingen")),
            (data.stapelgemeente, N_("stapelgemeente")),
        )
        if flag
    )
    weigh = policy.omkoppelingen_weigh and rule.omkoppelingen_tellen and bool(against)
    if weigh and koppelingen_ok is not True:
        cancelled = reason(
            N_(
                "Te weinig koppelingen is hier geen verschoonbare reden: {against} wegen tegen "
                "de gemeente (beleidskeuze van de provincie)."
            ),
            against=against,
        )
    elif koppelingen_ok is False:
        excuses.append(
            reason(N_("Te weinig koppelingen op de tussentijdse peildatum: verschoonbare reden."))
        )
        if against and policy.omkoppelingen_weigh:
            notes.append(
                reason(
                    N_("{against} tellen in deze periode niet mee: {citation}."),
                    against=against,
                    citation=rule.citation,
                )
            )
    if data.verschoonbare_reden.strip():
        excuses.append(
            reason(
                N_("Verschoonbare reden: {note}."),
                note=data.verschoonbare_reden.strip().rstrip("."),
            )
        )
    return excuses, notes, cancelled


def _step_reason(before: Trede | None, after: Trede | None) -> Reason:
    if after is None:
        if before is None:
            return reason(N_("Trede onbekend: de trede ervoor staat niet vast."))
        return reason(N_("De trede hangt af van de open vraag."))
    if before is None:
        return reason(
            N_("Trede {code} ({name}), welke trede er ook gold."), code=after.code, name=after.name
        )
    if before == after:
        return reason(N_("Trede blijft {code} ({name})."), code=after.code, name=after.name)
    return reason(
        N_("Trede van {before} naar {after} ({name})."),
        before=before.code,
        after=after.code,
        name=after.name,
    )
