"""Mid-period check (1 April / 1 October) and end-of-period assessment (1 January / 1 July).

Both return the proposed step *and* the reasons, in the order the province's letters ask them
(domain.md §3 and §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.arithmetic import minimum_mid, remaining
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
class MidInput:
    period: Period
    opgave: int
    realised: int
    trede_voor: Trede
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
    can_still_realise: bool | None
    pct_of_opgave: Percentage | None
    pct_of_minimum: Percentage | None
    trede_voor: Trede
    trede_na: Trede
    rule: PeriodRule
    reasons: tuple[Reason, ...]
    kind: str = "tussentijds"


def mid_period_check(data: MidInput, policy: Policy, rule: PeriodRule | None = None) -> MidResult:
    rule = rule or policy.rule_for(data.period)
    minimum = minimum_mid(data.opgave)
    bar = minimum * rule.mid_factor
    on_schedule = data.realised >= bar
    left = remaining(data.opgave, data.realised)
    feasible = None if data.koppelingen is None else data.koppelingen >= left
    trede_voor = policy.normalise(data.trede_voor)
    trede_na = policy.mid_check_step(trede_voor, on_schedule)
    reasons: list[Reason] = [
        reason(
            N_(
                "Minimaal te huisvesten vóór {datum}: {minimum} (de helft van de opgave {opgave}, "
                "naar boven afgerond)."
            ),
            datum=data.period.midpoint,
            minimum=minimum,
            opgave=data.opgave,
        )
    ]
    if rule.mid_factor != 1:
        reasons.append(
            reason(
                N_("Coulance: op schema bij ten minste {factor}% van het minimum, dus {bar}."),
                factor=round(rule.mid_factor * 100),
                bar=round(bar, 2),
            )
        )
    reasons.append(
        reason(
            N_("Gehuisvest: {realised}; dat is {status}."),
            realised=data.realised,
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
    reasons.append(_step_reason(trede_voor, trede_na, policy))
    return MidResult(
        period=data.period,
        date=data.period.midpoint,
        opgave=data.opgave,
        realised=data.realised,
        minimum=minimum,
        bar=bar,
        op_schema=on_schedule,
        nog_te_huisvesten=left,
        can_still_realise=feasible,
        pct_of_opgave=percentage(data.realised, data.opgave, OF_OPGAVE),
        pct_of_minimum=percentage(data.realised, minimum, OF_MINIMUM),
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
    trede_voor: Trede
    contracts: int = 0  # accepted rental contracts on top (counted only when needed)
    backlog_previous: int = 0  # the achterstand carried in (for the LRT coulance)
    koppelingen_voldoende_mid: bool | None = None
    omkoppelingen: bool | None = None
    stapelgemeente: bool | None = None
    verschoonbare_reden: str = ""


@dataclass(frozen=True, slots=True)
class EndResult:
    period: Period
    date: date
    opgave: int
    realised: int  # what was finally counted (with contracts when they were needed)
    drempel: float
    gerealiseerd: bool
    contracts_counted: bool
    coulance_bar: float | None
    meets_coulance: bool
    tolerated: bool
    excusable: tuple[Reason, ...]
    koppelingen_voldoende: bool | None
    saldo_end: int  # opgave − COA realisation: the achterstand carried forward
    trede_voor: Trede
    trede_na: Trede
    rule: PeriodRule
    reasons: tuple[Reason, ...]
    pct_of_opgave: Percentage | None = None
    kind: str = field(default="eindbeoordeling")


def end_of_period_assessment(
    data: EndInput, policy: Policy, rule: PeriodRule | None = None
) -> EndResult:
    rule = rule or policy.rule_for(data.period)
    threshold = rule.drempel * data.opgave
    trede_voor = policy.normalise(data.trede_voor)
    reasons: list[Reason] = []
    counted, with_contracts = data.realised, False
    if counted < threshold and data.contracts:
        counted, with_contracts = data.realised + data.contracts, True
    realised_ok = counted >= threshold
    reasons.append(_realised_reason(data, rule, threshold, counted, with_contracts, realised_ok))
    bar, meets, tolerated = None, False, False
    excuses: list[Reason] = []
    if realised_ok:
        trede_na = T0
        reasons.append(reason(N_("Taakstelling gerealiseerd: alle acties van de ladder stoppen.")))
    else:
        if rule.achterstand_aandeel is not None:
            bar = data.taakstelling + rule.achterstand_aandeel * max(0, data.backlog_previous)
            meets = counted >= bar
            reasons.append(
                reason(
                    N_(
                        "Coulance ({citation}): {taakstelling} + {aandeel}% van de achterstand "
                        "{backlog} = {bar}; gehuisvest {counted}: {verdict}."
                    ),
                    citation=rule.citation,
                    taakstelling=data.taakstelling,
                    aandeel=round(rule.achterstand_aandeel * 100),
                    backlog=data.backlog_previous,
                    bar=round(bar, 2),
                    counted=counted,
                    verdict=N_("geen stijging") if meets else N_("niet gehaald"),
                )
            )
        backlog = data.opgave - counted
        tolerance = policy.tolerated_backlog(data.taakstelling)
        if not meets and tolerance and backlog <= tolerance:
            tolerated = True
            reasons.append(
                reason(
                    N_(
                        "Kleine achterstand ({backlog}, ten hoogste {tolerance}): geen stijging, wel "
                        "een ambtelijke brief."
                    ),
                    backlog=backlog,
                    tolerance=round(tolerance, 2),
                )
            )
        excuses = _excuses(data, rule, reasons)
        if meets or tolerated or excuses:
            trede_na = trede_voor
        else:
            trede_na = policy.step_up(trede_voor)
            reasons.append(reason(N_("Geen verschoonbare reden: één trede omhoog.")))
    reasons.append(_step_reason(trede_voor, trede_na, policy))
    return EndResult(
        period=data.period,
        date=data.period.end,
        opgave=data.opgave,
        realised=counted,
        drempel=threshold,
        gerealiseerd=realised_ok,
        contracts_counted=with_contracts,
        coulance_bar=bar,
        meets_coulance=meets,
        tolerated=tolerated,
        excusable=tuple(excuses),
        koppelingen_voldoende=data.koppelingen_voldoende_mid,
        saldo_end=data.opgave - data.realised,
        trede_voor=trede_voor,
        trede_na=trede_na,
        rule=rule,
        reasons=tuple(reasons),
        pct_of_opgave=percentage(counted, data.opgave, OF_OPGAVE),
    )


def _realised_reason(
    data: EndInput,
    rule: PeriodRule,
    threshold: float,
    counted: int,
    with_contracts: bool,
    ok: bool,
) -> Reason:
    if with_contracts:
        how = reason(
            N_("inclusief {contracts} geaccepteerde huurcontracten"), contracts=data.contracts
        )
    elif data.contracts:
        how = reason(N_("huurcontracten niet meegeteld: de opgave is ook zonder gehaald"))
    else:
        how = reason(N_("volgens COA-cijfers"))
    if rule.drempel == 1:
        level = reason(N_("de volledige opgave"))
    else:
        level = reason(
            N_("{drempel_pct}% van de opgave ({citation})"),
            drempel_pct=round(rule.drempel * 100),
            citation=rule.citation,
        )
    return reason(
        N_("Vraag 1: gehuisvest {counted} ({how}) tegenover {level}, dus {threshold}: {verdict}."),
        counted=counted,
        how=how,
        level=level,
        threshold=round(threshold, 2),
        verdict=N_("gerealiseerd") if ok else N_("niet gerealiseerd"),
    )


def _excuses(data: EndInput, rule: PeriodRule, reasons: list[Reason]) -> list[Reason]:
    """Questions 2–4 of the letters: which verschoonbare reden holds (appended to `reasons`)."""
    excuses: list[Reason] = []
    against = ", ".join(
        label
        for flag, label in (
            (data.omkoppelingen, N_("omkoppelingen")),
            (data.stapelgemeente, N_("stapelgemeente")),
        )
        if flag
    )
    if data.koppelingen_voldoende_mid is False:
        if against and rule.omkoppelingen_tellen:
            reasons.append(
                reason(
                    N_(
                        "Vraag 2: te weinig koppelingen op de tussentijdse peildatum, maar vraag 3/4 "
                        "({against}) heft die reden op (beleidskeuze: omkoppelingen tellen mee)."
                    ),
                    against=against,
                )
            )
        else:
            excuses.append(
                reason(
                    N_(
                        "Vraag 2: te weinig koppelingen op de tussentijdse peildatum: "
                        "verschoonbare reden."
                    )
                )
            )
            reasons.append(excuses[-1])
            if against:
                reasons.append(
                    reason(
                        N_(
                            "Vraag 3/4: {against}, maar in deze periode tellen omkoppelingen niet "
                            "mee ({citation})."
                        ),
                        against=against,
                        citation=rule.citation,
                    )
                )
    elif data.koppelingen_voldoende_mid:
        reasons.append(reason(N_("Vraag 2: voldoende koppelingen op de tussentijdse peildatum.")))
    if data.verschoonbare_reden.strip():
        excuses.append(
            reason(
                N_("Verschoonbare reden: {note}."),
                note=data.verschoonbare_reden.strip().rstrip("."),
            )
        )
        reasons.append(excuses[-1])
    return excuses


def _step_reason(before: Trede, after: Trede, policy: Policy) -> Reason:
    if before == after:
        return reason(N_("Trede blijft {code} ({name})."), code=after.code, name=after.name)
    return reason(
        N_("Trede van {before} naar {after} ({name})."),
        before=before.code,
        after=after.code,
        name=after.name,
    )
