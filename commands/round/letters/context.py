"""The placeholders a letter template can use, in one place, and their values for one
municipality: every figure is the engine's (the same `/stand` and `taakbot assess` give),
formatted in Dutch notation; nothing here decides a rule.

A letter states only what the record supports (issue 27): a fact the record leaves open is a
marked gap naming where to fill it (`ontbreekt`, and `[aanvullen: …]` in a table cell), never
the word "onbekend" inside a sentence; dates the calendar knows are always filled in.

`PLACEHOLDERS` is the documented list (the README prints it); `letter_context` fills exactly
those keys, so a house-style template can be checked against it before any letter is drafted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from commands.round.letters.settings import LetterSettings, placeholder
from engine.arithmetic import minimum_mid, remaining
from engine.assessment import EndResult, MidResult
from engine.checkpoint_round import CONFLICT, RoundEntry
from engine.ledger import Opgave, cell_of
from engine.periods import Period
from engine.policies import PeriodRule, Policy
from engine.policies.wording import ladder_steps, step_name, wording
from engine.prognosis import linear
from engine.reasons import Percentage, dutch_number
from engine.replay import Missing
from engine.state import DataSet
from engine.status import Totals
from engine.treden import Trede

GEMEENTE = "Gemeente en brief"
EIND = "Eindbeoordeling (1 januari, 1 juli)"
TUSSEN = "Tussentijdse toets (1 april, 1 oktober)"
PROVINCIE = "Bijlage provincie (tussentijds)"

# name → (group, meaning). Every value is text, a yes/no flag for {%p if … %}, or a list of rows
# for {%tr for … %} (named so in the meaning).
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "provincie": (GEMEENTE, "naam van de provincie"),
    "contact": (GEMEENTE, "contactblok van het briefhoofd (regels met een nieuwe regel)"),
    "datum": (GEMEENTE, "datum van de brief, in woorden"),
    "kenmerk": (GEMEENTE, "ons kenmerk"),
    "gemeente": (GEMEENTE, "naam van de gemeente"),
    "adres": (GEMEENTE, "postadres van het college (tabblad gemeenten, kolom adres)"),
    "peildatum": (GEMEENTE, "de peildatum in woorden: 1 juli 2021"),
    "vorige_peildatum": (GEMEENTE, "de peildatum ervoor: 1 april 2021"),
    "volgende_peildatum": (GEMEENTE, "de volgende peildatum: 1 oktober 2021"),
    "eindbeoordeling": (GEMEENTE, "ja bij 1 januari en 1 juli"),
    "tussentijds": (GEMEENTE, "ja bij 1 april en 1 oktober"),
    "cijfers": (GEMEENTE, "ja als er cijfers per de peildatum zijn (anders geen bevindingen)"),
    "compleet": (GEMEENTE, "ja als de brief zonder aanvullen of controleren weg kan"),
    "periode": (GEMEENTE, "de beoordeelde periode: 2021-I"),
    "periode_van": (GEMEENTE, "begin van de periode: 1 januari 2021"),
    "periode_tot": (GEMEENTE, "einde van de periode: 1 juli 2021"),
    "middatum": (GEMEENTE, "tussentijdse peildatum van de periode: 1 april 2021"),
    "taakstelling": (GEMEENTE, "taakstelling van de periode"),
    "saldo_soort": (GEMEENTE, "'achterstand' of 'voorsprong' bij de start van de periode"),
    "saldo_start": (GEMEENTE, "hoogte van die achterstand of voorsprong"),
    "saldo_zin": (GEMEENTE, "'een achterstand van 195' (of voorsprong, of geen)"),
    "opgave": (GEMEENTE, "te huisvesten vóór het einde van de periode"),
    "opgave_zin": (GEMEENTE, "zin over taakstelling, saldo en opgave, uit wat bekend is"),
    "gehuisvest": (GEMEENTE, "gehuisvest (zoals meegeteld) op de peildatum"),
    "pct_opgave": (GEMEENTE, "gehuisvest als percentage van de opgave: 53%"),
    "extra": (GEMEENTE, "ja als er voor de periode een extra opgave is afgesproken"),
    "extra_opgave": (GEMEENTE, "de extra opgave van de periode"),
    "opgave_incl_extra": (GEMEENTE, "opgave inclusief achterstand/voorsprong en extra opgave"),
    "nog_incl_extra": (GEMEENTE, "nog te huisvesten op basis van de opgave inclusief extra"),
    "coulance": (GEMEENTE, "ja als er in de periode een coulanceregeling geldt"),
    "coulance_regel": (GEMEENTE, "de coulanceregeling in één zin"),
    "coulance_bron": (GEMEENTE, "de bron van de coulance"),
    "coulance_grens": (GEMEENTE, "het aantal personen dat de coulance vraagt, naar boven afgerond"),
    "trede_voor": (GEMEENTE, "trede vóór de peildatum (code)"),
    "trede_voor_naam": (GEMEENTE, "trede vóór de peildatum in woorden"),
    "trede": (GEMEENTE, "de trede per de peildatum (code); leeg als die nog open is"),
    "trede_naam": (GEMEENTE, "de trede per de peildatum in woorden: signaleren"),
    "trede_vast": (GEMEENTE, "ja als de trede vaststaat"),
    "trede_zin": (GEMEENTE, "zin over de trede: 'Uw gemeente blijft … op trede 1: signaleren.'"),
    "trede_waarschuwing": (GEMEENTE, "zin: welke trede volgt als de opgave niet wordt gehaald"),
    "nog_te_beslissen": (GEMEENTE, "waar een open trede van afhangt (leeg als die vaststaat)"),
    "afwijking": (GEMEENTE, "vastgelegde trede die afwijkt van de regels (anders leeg)"),
    "let_op": (GEMEENTE, "twee waarden in de sheet voor één feit, met beide cellen (anders leeg)"),
    "ontbreekt": (GEMEENTE, "welke cijfers ontbreken en waar ze in te vullen (anders leeg)"),
    "kader": (GEMEENTE, "naam van het beleidskader"),
    "kader_noot": (GEMEENTE, "voetnoot: het kader, de vaststelling en de regel van de periode"),
    "kader_onbevestigd": (GEMEENTE, "zin als de provincie het kader voor deze datum niet bevestigde"),
    "ladder_treden": (GEMEENTE, "lijst van de treden van het kader: t.code, t.naam, t.betekenis"),
    "tot_slot": (GEMEENTE, "de oproep onder 'Tot slot' (instelling TAAKBOT_BRIEF_TOT_SLOT)"),
    "ondertekenaar": (GEMEENTE, "naam van de ondertekenaar"),
    "functie": (GEMEENTE, "functie van de ondertekenaar"),
    "digitaal": (GEMEENTE, "ja als de brief digitaal is vastgesteld"),
    "gehuisvest_coa": (EIND, "gehuisvest volgens COA-cijfers"),
    "huurcontracten": (EIND, "toegestuurde huurcontracten"),
    "huurcontracten_meegeteld": (EIND, "ja als de huurcontracten meetellen"),
    "huurcontracten_noot": (EIND, "waarom huurcontracten (niet) meetellen"),
    "gerealiseerd": (EIND, "ja als de opgave gerealiseerd is"),
    "coulance_antwoord": (EIND, "'gelijk of hoger' of 'lager' dan de coulancegrens"),
    "coulance_gehaald": (EIND, "ja als de opgave niet, maar de coulancegrens wel is gehaald"),
    "saldo_eind_soort": (EIND, "'achterstand' of 'voorsprong' aan het einde van de periode"),
    "saldo_eind": (EIND, "hoogte daarvan (de waarde waarmee de volgende opgave is berekend)"),
    "koppelingen_mid": (EIND, "koppelingen op de tussentijdse peildatum"),
    "nog_te_huisvesten_mid": (EIND, "nog te huisvesten op de tussentijdse peildatum"),
    "koppelingen_conclusie": (EIND, "voldoende / onvoldoende koppelingen"),
    "omkoppelingen": (EIND, "ja / nee"),
    "stapelgemeente": (EIND, "ja / nee"),
    "vraag1": (EIND, "antwoord op vraag 1 (opgave gerealiseerd?)"),
    "vraag2": (EIND, "antwoord op vraag 2 (voldoende koppelingen?); leeg als onbekend"),
    "vraag3": (EIND, "antwoord op vraag 3 (omkoppelingen?); leeg als onbekend"),
    "vraag4": (EIND, "antwoord op vraag 4 (stapelgemeente?); leeg als onbekend"),
    "verschoonbaar": (EIND, "de verschoonbare reden(en) die meewegen, of leeg"),
    "kleine_achterstand": (EIND, "ja als een kleine achterstand wordt getolereerd (Utrecht)"),
    "volgende_periode": (EIND, "de komende periode: 2021-II"),
    "volgende_van": (EIND, "begin van de komende periode"),
    "volgende_tot": (EIND, "einde van de komende periode"),
    "volgende_middatum": (EIND, "tussentijdse peildatum van de komende periode"),
    "volgende_taakstelling": (EIND, "taakstelling van de komende periode"),
    "volgende_saldo_soort": (EIND, "'Achterstand' of 'Voorsprong' bij de start daarvan"),
    "volgende_saldo": (EIND, "hoogte daarvan"),
    "volgende_opgave": (EIND, "te huisvesten vóór het einde van de komende periode"),
    "volgende_minimum": (EIND, "minimaal te huisvesten vóór de volgende tussentijdse datum"),
    "volgende_extra": (EIND, "ja als er voor de komende periode een extra opgave is"),
    "volgende_extra_opgave": (EIND, "de extra opgave van de komende periode"),
    "volgende_opgave_incl_extra": (EIND, "te huisvesten in de komende periode inclusief extra"),
    "minimum": (TUSSEN, "minimaal te huisvesten vóór de peildatum"),
    "op_schema": (TUSSEN, "'op schema' of 'niet op schema'"),
    "pct_minimum": (TUSSEN, "gehuisvest als percentage van het minimum: 51%"),
    "conclusie": (TUSSEN, "'zelfde trede' of 'volgende trede'"),
    "nog_te_huisvesten": (TUSSEN, "nog te huisvesten vóór het einde van de periode"),
    "koppelingen": (TUSSEN, "koppelingen op de peildatum"),
    "koppelingen_zin": (TUSSEN, "zin: kan de opgave met deze koppelingen nog gehaald worden?"),
    "tussentijds_blijft": (TUSSEN, "de regel dat een hogere trede bij de tussentijdse toets blijft"),
    "prognose": (TUSSEN, "lineaire prognose voor het einde van de periode"),
    "prognose_pct": (TUSSEN, "die prognose als percentage van de opgave"),
    "prov_gemeenten": (PROVINCIE, "aantal gemeenten in de provincie"),
    "prov_met_cijfers": (PROVINCIE, "aantal gemeenten met cijfers per de peildatum (de sommen)"),
    "prov_opbouw": (PROVINCIE, "ja als taakstelling en saldo van elke gemeente bekend zijn"),
    "prov_taakstelling": (PROVINCIE, "taakstelling van de gemeenten met cijfers (som)"),
    "prov_saldo_soort": (PROVINCIE, "'achterstand' of 'voorsprong' van die gemeenten"),
    "prov_saldo": (PROVINCIE, "hoogte daarvan (som)"),
    "prov_opgave": (PROVINCIE, "opgave van die gemeenten (som)"),
    "prov_minimum": (PROVINCIE, "de helft daarvan, vóór de peildatum"),
    "prov_gehuisvest": (PROVINCIE, "gehuisvest vóór de peildatum (som)"),
    "prov_pct_opgave": (PROVINCIE, "dat als percentage van de opgave"),
    "prov_koppelingen": (PROVINCIE, "koppelingen op de peildatum (som)"),
    "prov_nog_te_huisvesten": (PROVINCIE, "nog te huisvesten (som)"),
    "prov_koppelingen_conclusie": (PROVINCIE, "'voldoende', 'niet voldoende' of wat ontbreekt"),
    "prov_tekort": (PROVINCIE, "gemeenten met minder koppelingen dan nog te huisvesten"),
    "prov_zonder_cijfers": (PROVINCIE, "aantal gemeenten zonder cijfers op de peildatum"),
    "prov_zonder": (PROVINCIE, "die gemeenten bij naam ('geen' als er geen zijn)"),
    "prov_prognose": (PROVINCIE, "som van de lineaire prognoses voor het einde van de periode"),
    "prov_rijen": (PROVINCIE, "lijst per gemeente: r.gemeente, r.opgave, r.gehuisvest, "
                   "r.koppelingen, r.nog"),
}  # fmt: skip

# A table cell whose fact the record leaves open; the `ontbreekt` paragraph says where to fill it.
GAP = "[aanvullen]"
# Placeholders that are empty unless they apply (a template tests them with {%p if … %}).
FLAGS = frozenset(
    {"eindbeoordeling", "tussentijds", "coulance", "trede_vast", "digitaal", "gerealiseerd",
     "huurcontracten_meegeteld", "kleine_achterstand", "coulance_gehaald", "cijfers",
     "compleet", "extra", "volgende_extra", "prov_opbouw"}
)  # fmt: skip
LISTS = frozenset({"ladder_treden", "prov_rijen"})
_BLANK = {k: False if k in FLAGS else [] if k in LISTS else GAP for k in PLACEHOLDERS}
# Sentences and notes that are simply left out when they do not apply.
for _key in (
    "afwijking", "let_op", "ontbreekt", "nog_te_beslissen", "trede_zin", "trede_waarschuwing",
    "verschoonbaar", "huurcontracten_noot", "koppelingen_zin", "coulance_antwoord",
    "coulance_grens", "trede", "kader_onbevestigd", "vraag1", "vraag2", "vraag3", "vraag4",
    "tussentijds_blijft", "opgave_zin", "coulance_regel", "coulance_bron", "trede_voor",
):  # fmt: skip
    _BLANK[_key] = ""


def n(value: Any) -> str:
    return GAP if value is None else dutch_number(value)


def pct(p: Percentage | None) -> str:
    return "–" if p is None else f"{p.rounded}%"


def yes_no(flag: bool | None) -> str:
    return GAP if flag is None else "ja" if flag else "nee"


def saldo(value: int | None) -> tuple[str, str]:
    """('achterstand', '195'), ('voorsprong', '8'): the letters name the sign, never print it."""
    if value is None:
        return "achterstand of voorsprong", GAP
    return ("achterstand" if value > 0 else "voorsprong"), dutch_number(abs(value))


def saldo_sentence(value: int | None) -> str:
    if value is None:
        return ""
    if value == 0:
        return "geen achterstand of voorsprong"
    kind, amount = saldo(value)
    return f"een {kind} van {amount}"


def coulance_rule(rule: PeriodRule, kind: str) -> str:
    """The period's coulance in one sentence; the limit it gives follows in the letter."""
    if rule.achterstand_aandeel is not None:
        share = dutch_number(round(rule.achterstand_aandeel * 100, 2))
        return (
            f"Uw gemeente stijgt niet op de interventieladder wanneer zij in de periode de "
            f"taakstelling plus {share}% van de achterstand bij de start van de periode heeft "
            "gehuisvest."
        )
    if kind == "tussentijds":
        mid = dutch_number(round(rule.mid_factor * 100, 2))
        return (
            f"Uw gemeente loopt op schema wanneer zij op de tussentijdse peildatum ten minste "
            f"{mid}% van het minimaal te huisvesten aantal heeft gehuisvest."
        )
    end = dutch_number(round(rule.drempel * 100, 2))
    return (
        f"Uw gemeente stijgt niet op de interventieladder wanneer zij aan het einde van de "
        f"periode ten minste {end}% van de opgave heeft gehuisvest."
    )


DEFAULT_TOT_SLOT = (
    "Wij vragen u de vergunninghouders die aan uw gemeente zijn gekoppeld zo snel mogelijk te "
    "huisvesten. Zolang zij in de opvang wachten, kunnen zij niet beginnen aan hun inburgering "
    "en komt er geen plaats vrij voor wie nog in de opvang moet komen."
)


def letter_context(
    e: RoundEntry,
    data: DataSet,
    settings: LetterSettings,
    number: int,
    sums: Totals | None = None,
) -> dict[str, Any]:
    """Every placeholder for one municipality's letter, formatted as the letter prints it."""
    r = e.result
    period: Period = r.period
    day = e.day
    policy, rule = data.policy_for(e.gemeente, period)
    opgave = e.opgave or data.opgave(e.gemeente, period)
    gaps = {g.fact: g for g in e.gaps}
    kind, amount = saldo(opgave.saldo_start)
    decided = e.decided
    words = wording(policy)
    ctx: dict[str, Any] = dict(_BLANK)
    ctx.update(
        provincie=settings.provincie or e.municipality.provincie,
        contact=settings.contact.strip() or placeholder("contactgegevens"),
        datum=dutch_number(settings.datum) if settings.datum else placeholder("datum"),
        kenmerk=settings.kenmerk_for(number),
        gemeente=e.gemeente,
        adres=_address(e.municipality.adres),
        peildatum=dutch_number(day),
        vorige_peildatum=dutch_number(_checkpoint_before(day)),
        volgende_peildatum=dutch_number(_checkpoint_after(day)),
        eindbeoordeling=e.kind == "eindbeoordeling",
        tussentijds=e.kind == "tussentijds",
        cijfers=not isinstance(r, Missing),
        compleet=e.complete,
        periode=period.label,
        periode_van=dutch_number(period.start),
        periode_tot=dutch_number(period.first_day_after),
        middatum=dutch_number(period.midpoint),
        taakstelling=n(opgave.taakstelling),
        saldo_soort=kind,
        saldo_start=amount if opgave.saldo_start is not None else _cell(gaps.get("taakstelling")),
        saldo_zin=saldo_sentence(opgave.saldo_start),
        opgave=n(opgave.opgave),
        opgave_zin=_opgave_sentence(opgave),
        trede_voor=e.before.trede.code if e.before.trede else "",
        trede_voor_naam=step_name(e.before.trede, policy)
        if e.before.trede
        else f"[aanvullen: {e.before.settle or 'ladder'}]",
        trede=decided.code if decided else "",
        trede_naam=step_name(decided, policy) if decided else "nog te beslissen",
        trede_vast=decided is not None,
        trede_zin=_step_sentence(e.before.trede, decided, day, policy),
        nog_te_beslissen=_open_text(e) if decided is None else "",
        afwijking=_conflict_text(e, policy),
        let_op=_mismatch_text(e),
        ontbreekt=_gaps_text(e),
        kader=words.framework or policy.name,
        kader_noot=_framework_note(policy, rule, period),
        kader_onbevestigd=_unconfirmed(data, e, policy),
        ladder_treden=[
            {"code": code, "naam": name, "betekenis": meaning}
            for code, name, meaning in ladder_steps(policy)
        ],
        tot_slot=settings.tot_slot.strip() or DEFAULT_TOT_SLOT,
        ondertekenaar=settings.ondertekenaar.strip() or placeholder("ondertekenaar"),
        functie=settings.functie.strip() or placeholder("functie ondertekenaar"),
        digitaal=settings.digitaal_vastgesteld,
    )
    if not isinstance(r, Missing):
        ctx.update(
            gehuisvest=n(r.realised),
            pct_opgave=pct(r.pct_of_opgave),
            coulance=r.coulance_bar is not None
            if isinstance(r, EndResult)
            else r.rule.mid_factor != 1,
            coulance_regel=coulance_rule(r.rule, r.kind),
            coulance_bron=r.rule.citation or placeholder("bron coulance"),
        )
        ctx.update(_extra(opgave, r.realised))
    if e.kind == "eindbeoordeling":
        ctx.update(_next(e, policy, gaps))
    if isinstance(r, EndResult):
        ctx.update(_end(r, e, policy, gaps))
    elif isinstance(r, MidResult):
        ctx.update(_mid(r, e, opgave, policy, gaps))
    if not isinstance(r, Missing):
        ctx["trede_waarschuwing"] = _warning(e, policy)
    if sums is not None:
        ctx.update(_province(sums))
    return ctx


def _opgave_sentence(opgave: Opgave) -> str:
    """Taakstelling, saldo and opgave in sentences, from the parts the record gives."""
    if opgave.opgave is None:
        return ""
    end = dutch_number(opgave.period.first_day_after)
    parts = []
    if opgave.taakstelling is not None:
        parts.append(
            f"Uw gemeente had voor {opgave.period.label} een taakstelling van "
            f"{dutch_number(opgave.taakstelling)}."
        )
    start = saldo_sentence(opgave.saldo_start)
    lead = (
        f"Met {start} bij de start van de periode moest uw gemeente"
        if parts and start
        else "Uw gemeente moest"
    )
    parts.append(
        f"{lead} {dutch_number(opgave.opgave)} vergunninghouders huisvesten vóór {end} "
        "(de opgave)."
    )
    return " ".join(parts)


def _extra(opgave: Opgave, realised: int) -> dict[str, Any]:
    """Tabel 1, additional opgave: the opgave plus the extra one, placed so far, still to go."""
    if not opgave.extra or opgave.opgave is None:
        return {}
    total = opgave.opgave + opgave.extra
    return dict(
        extra=True,
        extra_opgave=n(opgave.extra),
        opgave_incl_extra=n(total),
        nog_incl_extra=n(remaining(total, realised)),
    )


def _next(e: RoundEntry, policy: Policy, gaps: dict) -> dict[str, Any]:
    """The coming period: its dates always (the calendar knows them), its figures where known."""
    period = e.period.next
    nxt = e.next_opgave
    out: dict[str, Any] = dict(
        volgende_periode=period.label,
        volgende_van=dutch_number(period.start),
        volgende_tot=dutch_number(period.first_day_after),
        volgende_middatum=dutch_number(period.midpoint),
    )
    gap = _cell(gaps.get("volgende_opgave"))
    if nxt is not None and nxt.known:
        kind, amount = saldo(nxt.saldo_start)
        out.update(
            volgende_taakstelling=n(nxt.taakstelling),
            volgende_saldo_soort=kind.capitalize(),
            volgende_saldo=amount,
            volgende_opgave=n(nxt.opgave),
            volgende_minimum=n(minimum_mid(nxt.opgave)),
        )
        if nxt.extra:
            out.update(
                volgende_extra=True,
                volgende_extra_opgave=n(nxt.extra),
                volgende_opgave_incl_extra=n(nxt.opgave + nxt.extra),
            )
    else:
        out.update(
            volgende_taakstelling=n(nxt.taakstelling) if nxt and nxt.taakstelling else gap,
            volgende_saldo_soort="Achterstand of voorsprong",
            volgende_saldo=gap,
            volgende_opgave=gap,
            volgende_minimum=gap,
        )
    return out


def _end(r: EndResult, e: RoundEntry, policy: Policy, gaps: dict) -> dict[str, Any]:
    mid = dutch_number(r.period.midpoint)
    end_kind, end_amount = saldo(e.saldo_end)
    verdict = (
        _cell(gaps.get("koppelingen"))
        if r.koppelingen_voldoende is None
        else "voldoende koppelingen"
        if r.koppelingen_voldoende
        else "onvoldoende koppelingen"
    )
    grens = r.coulance_persons
    return dict(
        gehuisvest_coa=n(r.realised_base),
        huurcontracten=n(r.contracts),
        huurcontracten_meegeteld=r.contracts_counted,
        huurcontracten_noot=_contracts_note(r),
        gerealiseerd=r.gerealiseerd,
        coulance_grens=dutch_number(grens) if grens is not None else "",
        coulance_antwoord=("gelijk of hoger" if r.gerealiseerd or r.meets_coulance else "lager")
        if grens is not None
        else "",
        coulance_gehaald=r.meets_coulance,
        saldo_eind_soort=end_kind,
        saldo_eind=end_amount,
        koppelingen_mid=n(r.koppelingen_mid)
        if r.koppelingen_mid is not None
        else _cell(gaps.get("koppelingen")),
        nog_te_huisvesten_mid=n(r.nog_te_huisvesten_mid),
        koppelingen_conclusie=verdict,
        omkoppelingen=yes_no(r.omkoppelingen)
        if r.omkoppelingen is not None
        else _cell(gaps.get("omkoppelingen")),
        stapelgemeente=yes_no(r.stapelgemeente)
        if r.stapelgemeente is not None
        else _cell(gaps.get("stapelgemeente")),
        vraag1=_question1(r),
        vraag2=_question2(r, mid),
        vraag3=_question3(r),
        vraag4=f"{yes_no(r.stapelgemeente).capitalize()}." if r.stapelgemeente is not None else "",
        verschoonbaar=" ".join(_sentence(x.render()) for x in r.excusable),
        kleine_achterstand=r.tolerated,
    )


def _mid(
    r: MidResult, e: RoundEntry, opgave: Opgave, policy: Policy, gaps: dict
) -> dict[str, Any]:
    before, after = r.trede_voor or e.before.trede, e.decided
    forecast = linear(r.period, r.date, r.realised, r.opgave, opgave.extra)
    return dict(
        minimum=n(r.minimum),
        op_schema="op schema" if r.op_schema else "niet op schema",
        pct_minimum=pct(r.pct_of_minimum),
        coulance_grens=dutch_number(r.bar_persons) if r.rule.mid_factor != 1 else n(r.minimum),
        conclusie=_mid_conclusion(before, after),
        nog_te_huisvesten=n(r.nog_te_huisvesten),
        koppelingen=n(r.koppelingen)
        if r.koppelingen is not None
        else _cell(gaps.get("koppelingen")),
        koppelingen_zin=_mid_koppelingen(r),
        tussentijds_blijft=_mid_rule(policy, r.period),
        prognose=n(forecast.rounded) if forecast else "–",
        prognose_pct=pct(forecast.pct_opgave) if forecast else "–",
    )


def _province(t: Totals) -> dict[str, Any]:
    kind, amount = saldo(t.saldo)
    enough = t.koppelingen_voldoende
    if enough is None:
        missing = ", ".join(t.koppelingen_missing)
        conclusion = f"niet te beoordelen: koppelingen ontbreken voor {missing}"
    else:
        conclusion = "voldoende" if enough else "niet voldoende"
    return dict(
        prov_gemeenten=n(t.members),
        prov_met_cijfers=n(t.with_figures),
        prov_opbouw=t.taakstelling is not None and t.saldo is not None,
        prov_taakstelling=n(t.taakstelling),
        prov_saldo_soort=kind,
        prov_saldo=amount,
        prov_opgave=n(t.opgave),
        prov_minimum=n(t.schedule.minimum),
        prov_gehuisvest=n(t.realised),
        prov_pct_opgave=pct(t.pct_opgave),
        prov_koppelingen=n(t.koppelingen) if t.koppelingen is not None else "–",
        prov_nog_te_huisvesten=n(t.nog_te_huisvesten),
        prov_koppelingen_conclusie=conclusion,
        prov_tekort=", ".join(t.short)
        or ("geen" if not t.koppelingen_missing else "niet te bepalen zonder alle koppelingen"),
        prov_zonder_cijfers=n(len(t.without)),
        prov_zonder=", ".join(t.without) or "geen",
        prov_prognose=n(t.prognose_rounded) if t.prognose is not None else "–",
        prov_rijen=[
            {
                "gemeente": row.gemeente,
                "opgave": n(row.opgave),
                "gehuisvest": n(row.realised),
                "koppelingen": n(row.koppelingen) if row.koppelingen is not None else "–",
                "nog": n(row.nog_te_huisvesten),
            }
            for row in t.rows
        ],
    )


def _cell(gap) -> str:
    """A table cell for an open fact: where to fill it, marked."""
    return f"[aanvullen: {gap.settle}]" if gap is not None and gap.settle else GAP


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _gaps_text(e: RoundEntry) -> str:
    parts = [
        f"{g.what.render()} (in te vullen: {g.settle})" if g.settle else g.what.render()
        for g in e.gaps
    ]
    return _sentence("; ".join(parts))


def _mismatch_text(e: RoundEntry) -> str:
    """Every fact the sheet gives two values for, with both cells, in one marked paragraph."""
    parts = [
        f"De sheet vermeldt voor {om.period.label} een opgave van {dutch_number(om.stated)} "
        f"({cell_of(om.ref)}), maar taakstelling plus saldo is {dutch_number(om.computed)}. "
        f"Deze brief noemt {dutch_number(om.computed)}, de waarde waarmee Taakbot rekent."
        for om in e.stated_opgaven
    ]
    saldo_text = _saldo_mismatch_text(e)
    return " ".join([saldo_text, *parts] if saldo_text else parts)


def _saldo_mismatch_text(e: RoundEntry) -> str:
    m = e.mismatch
    if m is None:
        return ""
    start = dutch_number(m.period.start)
    kind, stated = saldo(m.stated)
    rolled_kind, rolled = saldo(m.rolled)
    return (
        f"De sheet geeft twee waarden voor de {kind} per {start}: {stated} in "
        f"{cell_of(m.stated_ref)} (saldo bij de start van {m.period.label}) en {rolled} in "
        f"{cell_of(m.end_ref)} (de eindstand: opgave {dutch_number(m.opgave)} − gehuisvest "
        f"{dutch_number(m.housed)} per {dutch_number(m.end)}, een {rolled_kind}). Deze brief "
        f"noemt {stated}, de waarde waarmee Taakbot de opgave {m.period.label} berekent."
    )


def _framework_note(policy: Policy, rule: PeriodRule, period: Period) -> str:
    w = wording(policy)
    title = w.framework or policy.name
    text = f"{title}, {w.adopted}." if w.adopted else f"{title}."
    if rule.citation:
        text += f" Voor {period.label} geldt: {rule.citation}."
    return text


def _unconfirmed(data: DataSet, e: RoundEntry, policy: Policy) -> str:
    applied = data.kader_unconfirmed(e.gemeente, e.day, e.period)
    if applied is None:
        return ""
    title = wording(applied).framework or applied.name
    return (
        f"Deze brief past het {title} toe. Volgens onze bronnen geldt dat kader "
        f"{_window(applied)}; de provincie heeft niet bevestigd dat het per "
        f"{dutch_number(e.day)} van toepassing is (tabblad beleid, kolom kader)."
    )


def _window(policy: Policy) -> str:
    start, end = policy.known_from, policy.known_until
    if start and end:
        return f"van {dutch_number(start)} tot {dutch_number(end)}"
    if start:
        return f"vanaf {dutch_number(start)}"
    return f"tot {dutch_number(end)}" if end else "zonder bekende begin- of einddatum"


def _address(adres: str) -> str:
    lines = [x.strip() for x in adres.replace("|", "\n").splitlines() if x.strip()]
    return "\n".join(lines) if lines else placeholder("adres")


def _checkpoint_before(day: date) -> date:
    month = day.month - 3
    return date(day.year - 1, month + 12, 1) if month < 1 else date(day.year, month, 1)


def _checkpoint_after(day: date) -> date:
    month = day.month + 3
    return date(day.year + 1, month - 12, 1) if month > 12 else date(day.year, month, 1)


def _step_sentence(before: Trede | None, after: Trede | None, day: date, policy: Policy) -> str:
    if after is None:
        return ""
    words, when = step_name(after, policy), dutch_number(day)
    if after.code == "0":
        return f"Uw gemeente staat per {when} niet (meer) op de interventieladder: {words}."
    where = f"trede {after.code} van de interventieladder: {words}."
    if before == after:
        return f"Uw gemeente blijft per {when} op {where}"
    if before is not None and after < before:
        return f"Uw gemeente daalt per {when} naar {where}"
    return f"Uw gemeente komt per {when} op {where}"


def _warning(e: RoundEntry, policy: Policy) -> str:
    """The step that follows when the opgave is not met by the (next) period end, without an
    excusable reason: the policy's own rule (Policy.after_missed)."""
    now = e.decided
    if now is None:
        return ""
    nxt = policy.after_missed(policy.normalise(now), False)
    if nxt == now:
        return ""
    period = e.period.next if e.kind == "eindbeoordeling" else e.period
    return (
        f"Realiseert uw gemeente haar opgave niet vóór {dutch_number(period.first_day_after)} "
        f"en is daar geen verschoonbare reden voor, dan komt zij op trede {nxt.code}: "
        f"{step_name(nxt, policy)}."
    )


def _mid_rule(policy: Policy, period: Period) -> str:
    """PZH: from trede 2 a municipality keeps its step at the mid date; it moves at the end."""
    if not policy.mid_check_moves_ladder:
        return ""
    kept = next(
        (
            c
            for c in policy.ladder
            if c != "0" and policy.mid_check_step(Trede(c), False) == Trede(c)
        ),
        None,
    )
    if kept is None:
        return ""
    return (
        f"Een gemeente die op trede {kept} of hoger staat, blijft bij de tussentijdse toets op "
        f"haar trede; of zij een trede stijgt, volgt uit de beoordeling per "
        f"{dutch_number(period.first_day_after)}."
    )


def _mid_conclusion(before: Trede | None, after: Trede | None) -> str:
    if after is None:
        return "nog te beslissen"
    if before is None:
        return f"trede {after.code}"
    return "zelfde trede" if before == after else "volgende trede"


def _open_text(e: RoundEntry) -> str:
    options = " of ".join(f"trede {t.code} ({t.name})" for t in e.options)
    hangs = e.open.render() if e.open is not None else "de regels geven geen trede"
    text = f"De trede per {dutch_number(e.day)} staat nog niet vast: {hangs}."
    if options:
        text += f" Mogelijk is {options}."
    if e.settle:
        text += f" Vul aan in de sheet: {e.settle}."
    return text


def _conflict_text(e: RoundEntry, policy: Policy) -> str:
    if e.state != CONFLICT or e.recorded is None or e.proposal is None:
        return ""
    rec, rules = e.recorded.trede, e.proposal
    return (
        f"Vastgelegd is trede {rec.code} ({step_name(rec, policy)}), maar de regels geven "
        f"trede {rules.code} ({step_name(rules, policy)}). Deze brief noemt de vastgelegde "
        f"trede; controleer dit vóór verzending."
    )


def _contracts_note(r: EndResult) -> str:
    if r.contracts_counted:
        return f"De {n(r.contracts)} toegestuurde huurcontracten tellen mee in de realisatie."
    if r.contracts and r.gerealiseerd:
        return (
            "Omdat uw gemeente haar opgave ook zonder huurcontracten heeft gerealiseerd, tellen "
            "wij de huurcontracten niet mee."
        )
    return ""


def _question1(r: EndResult) -> str:
    answer = "Ja" if r.gerealiseerd else "Nee"
    how = f", inclusief {n(r.contracts)} huurcontracten" if r.contracts_counted else ""
    text = (
        f"{answer}. Uw gemeente heeft {n(r.realised)} vergunninghouders gehuisvest vóór "
        f"{dutch_number(r.date)}{how}, bij een opgave van {n(r.opgave)}: "
        f"{pct(r.pct_of_opgave)} van de opgave."
    )
    if not r.gerealiseerd and r.coulance_persons is not None:
        met = "gehaald" if r.meets_coulance else "niet gehaald"
        text += f" De coulancegrens van {dutch_number(r.coulance_persons)} is {met}."
    return text


def _question2(r: EndResult, mid: str) -> str:
    if r.koppelingen_voldoende is None:
        return ""
    verdict = "voldoende koppelingen" if r.koppelingen_voldoende else "onvoldoende koppelingen"
    answer = "Ja" if r.koppelingen_voldoende else "Nee"
    if r.koppelingen_mid is not None and r.nog_te_huisvesten_mid is not None:
        return (
            f"{answer}. Op {mid} waren {n(r.koppelingen_mid)} vergunninghouders aan uw gemeente "
            f"gekoppeld, tegenover {n(r.nog_te_huisvesten_mid)} nog te huisvesten: {verdict}."
        )
    return f"{answer}: {verdict} op {mid}."


def _question3(r: EndResult) -> str:
    if r.omkoppelingen is None:
        return ""
    text = f"{yes_no(r.omkoppelingen).capitalize()}."
    if r.omkoppelingen and not r.rule.omkoppelingen_tellen:
        text += " In deze periode tellen omkoppelingen niet mee bij de beoordeling."
    return text


def _mid_koppelingen(r: MidResult) -> str:
    if r.koppelingen is None:
        return ""
    end = dutch_number(r.period.first_day_after)
    can = "nog" if r.can_still_realise else "niet"
    return (
        f"Op {dutch_number(r.date)} waren {n(r.koppelingen)} vergunninghouders aan uw gemeente "
        f"gekoppeld, tegenover {n(r.nog_te_huisvesten)} nog te huisvesten: met deze "
        f"koppelingen kunt u uw opgave vóór {end} {can} realiseren."
    )
