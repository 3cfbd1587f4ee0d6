"""The placeholders a letter template can use, in one place, and their values for one
municipality: every figure is the engine's (the same `/stand` and `taakbot assess` give),
formatted in Dutch notation; nothing here decides a rule.

`PLACEHOLDERS` is the documented list (the README prints it); `letter_context` fills exactly
those keys, so a house-style template can be checked against it before any letter is drafted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from commands.round.letters.settings import LetterSettings, placeholder
from engine.arithmetic import minimum_mid
from engine.assessment import EndResult, MidResult
from engine.checkpoint_round import CONFLICT, RoundEntry
from engine.ledger import Opgave
from engine.periods import Period
from engine.policies import PeriodRule
from engine.prognosis import linear
from engine.reasons import Percentage, dutch_number
from engine.replay import Missing
from engine.status import Totals
from engine.treden import Trede

GEMEENTE = "Gemeente en brief"
EIND = "Eindbeoordeling (1 januari, 1 juli)"
TUSSEN = "Tussentijdse toets (1 april, 1 oktober)"
PROVINCIE = "Bijlage provincie (tussentijds)"

# name → (group, meaning). Every value is text (or a yes/no flag for {%p if … %}).
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
    "periode": (GEMEENTE, "de beoordeelde periode: 2021-I"),
    "periode_van": (GEMEENTE, "begin van de periode: 1 januari 2021"),
    "periode_tot": (GEMEENTE, "einde van de periode: 1 juli 2021"),
    "middatum": (GEMEENTE, "tussentijdse peildatum van de periode: 1 april 2021"),
    "taakstelling": (GEMEENTE, "taakstelling van de periode"),
    "saldo_soort": (GEMEENTE, "'achterstand' of 'voorsprong' bij de start van de periode"),
    "saldo_start": (GEMEENTE, "hoogte van die achterstand of voorsprong"),
    "saldo_zin": (GEMEENTE, "'een achterstand van 195' (of voorsprong, of geen)"),
    "opgave": (GEMEENTE, "te huisvesten vóór het einde van de periode"),
    "gehuisvest": (GEMEENTE, "gehuisvest (zoals meegeteld) op de peildatum"),
    "pct_opgave": (GEMEENTE, "gehuisvest als percentage van de opgave: 53%"),
    "coulance": (GEMEENTE, "ja als er in de periode een coulanceregeling geldt"),
    "coulance_regel": (GEMEENTE, "de coulanceregeling in woorden"),
    "coulance_bron": (GEMEENTE, "de bron van de coulance"),
    "coulance_grens": (GEMEENTE, "het aantal dat de coulance vraagt: 388,75"),
    "trede_voor": (GEMEENTE, "trede vóór de peildatum (code)"),
    "trede_voor_naam": (GEMEENTE, "trede vóór de peildatum in woorden"),
    "trede": (GEMEENTE, "de trede per de peildatum (code); leeg als die nog open is"),
    "trede_naam": (GEMEENTE, "de trede per de peildatum in woorden: signaleren"),
    "trede_vast": (GEMEENTE, "ja als de trede vaststaat"),
    "trede_zin": (GEMEENTE, "zin over de trede: 'blijft uw gemeente … op trede 1: signaleren.'"),
    "nog_te_beslissen": (GEMEENTE, "waar een open trede van afhangt (leeg als die vaststaat)"),
    "afwijking": (GEMEENTE, "vastgelegde trede die afwijkt van de regels (anders leeg)"),
    "ontbreekt": (GEMEENTE, "welke cijfers voor deze peildatum ontbreken (anders leeg)"),
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
    "saldo_eind": (EIND, "hoogte daarvan"),
    "koppelingen_mid": (EIND, "koppelingen op de tussentijdse peildatum"),
    "nog_te_huisvesten_mid": (EIND, "nog te huisvesten op de tussentijdse peildatum"),
    "koppelingen_conclusie": (EIND, "voldoende / onvoldoende koppelingen / onbekend"),
    "omkoppelingen": (EIND, "ja / nee / onbekend"),
    "stapelgemeente": (EIND, "ja / nee / onbekend"),
    "vraag1": (EIND, "antwoord op vraag 1 (opgave gerealiseerd?)"),
    "vraag2": (EIND, "antwoord op vraag 2 (voldoende koppelingen?)"),
    "vraag3": (EIND, "antwoord op vraag 3 (omkoppelingen?)"),
    "vraag4": (EIND, "antwoord op vraag 4 (stapelgemeente?)"),
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
    "minimum": (TUSSEN, "minimaal te huisvesten vóór de peildatum"),
    "op_schema": (TUSSEN, "'op schema' of 'niet op schema'"),
    "pct_minimum": (TUSSEN, "gehuisvest als percentage van het minimum: 51%"),
    "conclusie": (TUSSEN, "'zelfde trede' of 'volgende trede'"),
    "nog_te_huisvesten": (TUSSEN, "nog te huisvesten vóór het einde van de periode"),
    "koppelingen": (TUSSEN, "koppelingen op de peildatum (of 'onbekend')"),
    "koppelingen_zin": (TUSSEN, "zin: kan de opgave met deze koppelingen nog gehaald worden?"),
    "prognose": (TUSSEN, "lineaire prognose voor het einde van de periode"),
    "prognose_pct": (TUSSEN, "die prognose als percentage van de opgave"),
    "prov_gemeenten": (PROVINCIE, "aantal gemeenten in de provincie"),
    "prov_taakstelling": (PROVINCIE, "taakstelling van de provincie (som)"),
    "prov_saldo_soort": (PROVINCIE, "'achterstand' of 'voorsprong' van de provincie"),
    "prov_saldo": (PROVINCIE, "hoogte daarvan (som)"),
    "prov_opgave": (PROVINCIE, "opgave van de provincie (som)"),
    "prov_minimum": (PROVINCIE, "de helft daarvan, vóór de peildatum"),
    "prov_gehuisvest": (PROVINCIE, "gehuisvest vóór de peildatum (som)"),
    "prov_pct_opgave": (PROVINCIE, "dat als percentage van de opgave"),
    "prov_koppelingen": (PROVINCIE, "koppelingen op de peildatum (som)"),
    "prov_nog_te_huisvesten": (PROVINCIE, "nog te huisvesten (som)"),
    "prov_koppelingen_conclusie": (PROVINCIE, "'voldoende' of 'niet voldoende'"),
    "prov_tekort": (PROVINCIE, "gemeenten met minder koppelingen dan nog te huisvesten"),
    "prov_zonder_cijfers": (PROVINCIE, "aantal gemeenten zonder cijfers op de peildatum"),
    "prov_prognose": (PROVINCIE, "som van de lineaire prognoses voor het einde van de periode"),
}

UNKNOWN = "onbekend"
# Placeholders that are empty unless they apply (a template tests them with {%p if … %});
# every other figure reads "onbekend" until the engine gives it.
FLAGS = frozenset(
    {"eindbeoordeling", "tussentijds", "coulance", "trede_vast", "digitaal", "gerealiseerd",
     "huurcontracten_meegeteld", "kleine_achterstand", "coulance_gehaald"}
)  # fmt: skip
OPTIONAL = frozenset(
    {"afwijking", "ontbreekt", "nog_te_beslissen", "trede_zin", "verschoonbaar",
     "huurcontracten_noot", "koppelingen_zin", "coulance_antwoord", "coulance_grens", "trede"}
)  # fmt: skip
_BLANK = {k: False if k in FLAGS else "" if k in OPTIONAL else UNKNOWN for k in PLACEHOLDERS}
# The step 0 after a realised opgave, as the policy's letters say it.
ZERO_WORDS = {"pzh-2020": "taakstelling gerealiseerd"}


def n(value: Any) -> str:
    return UNKNOWN if value is None else dutch_number(value)


def pct(p: Percentage | None) -> str:
    return "–" if p is None else f"{p.rounded}%"


def yes_no(flag: bool | None) -> str:
    return UNKNOWN if flag is None else "ja" if flag else "nee"


def trede_words(t: Trede | None, policy: str) -> str:
    if t is None:
        return UNKNOWN
    if t.code == "0":
        return ZERO_WORDS.get(policy, t.name)
    return t.name


def saldo(value: int | None) -> tuple[str, str]:
    """('achterstand', '195'), ('voorsprong', '8'): the letters name the sign, never print it."""
    if value is None:
        return "achterstand of voorsprong", UNKNOWN
    return ("achterstand" if value > 0 else "voorsprong"), dutch_number(abs(value))


def saldo_sentence(value: int | None) -> str:
    if value is None:
        return "een onbekende achterstand of voorsprong"
    if value == 0:
        return "geen achterstand of voorsprong"
    kind, amount = saldo(value)
    return f"een {kind} van {amount}"


def coulance_rule(rule: PeriodRule, kind: str) -> str:
    if rule.achterstand_aandeel is not None:
        share = dutch_number(round(rule.achterstand_aandeel * 100, 2))
        return (
            f"uw gemeente stijgt niet op de interventieladder wanneer zij de taakstelling plus "
            f"{share} procent van de achterstand bij de start van de periode heeft gehuisvest"
        )
    if kind == "tussentijds":
        mid = dutch_number(round(rule.mid_factor * 100, 2))
        return (
            f"uw gemeente loopt op schema wanneer zij op de tussentijdse peildatum ten minste "
            f"{mid} procent van het minimaal te huisvesten aantal heeft gehuisvest"
        )
    end = dutch_number(round(rule.drempel * 100, 2))
    return (
        f"uw gemeente stijgt niet op de interventieladder wanneer zij aan het einde van de "
        f"periode ten minste {end} procent van de opgave heeft gehuisvest"
    )


def letter_context(
    e: RoundEntry,
    policy: str,
    opgave: Opgave,
    settings: LetterSettings,
    number: int,
    sums: Totals | None = None,
) -> dict[str, Any]:
    """Every placeholder for one municipality's letter, formatted as the letter prints it."""
    r = e.result
    period: Period = r.period
    day = e.day
    kind, amount = saldo(opgave.saldo_start)
    decided = e.decided
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
        periode=period.label,
        periode_van=dutch_number(period.start),
        periode_tot=dutch_number(period.first_day_after),
        middatum=dutch_number(period.midpoint),
        taakstelling=n(opgave.taakstelling),
        saldo_soort=kind,
        saldo_start=amount,
        saldo_zin=saldo_sentence(opgave.saldo_start),
        opgave=n(opgave.opgave),
        trede_voor=e.before.trede.code if e.before.trede else "",
        trede_voor_naam=trede_words(e.before.trede, policy),
        trede=decided.code if decided else "",
        trede_naam=trede_words(decided, policy) if decided else "nog te beslissen",
        trede_vast=decided is not None,
        trede_zin=_step_sentence(e.before.trede, decided, day, policy),
        nog_te_beslissen=_open_text(e) if decided is None else "",
        afwijking=_conflict_text(e, policy),
        ondertekenaar=settings.ondertekenaar.strip() or placeholder("ondertekenaar"),
        functie=settings.functie.strip() or placeholder("functie ondertekenaar"),
        digitaal=settings.digitaal_vastgesteld,
    )
    if isinstance(r, Missing):
        ctx["ontbreekt"] = f"{r.why.render()}" + (
            f" (aan te vullen: {r.settle})" if r.settle else ""
        )
    else:
        ctx.update(
            gehuisvest=n(r.realised),
            pct_opgave=pct(r.pct_of_opgave),
            coulance=r.coulance_bar is not None
            if isinstance(r, EndResult)
            else r.rule.mid_factor != 1,
            coulance_regel=coulance_rule(r.rule, r.kind),
            coulance_bron=r.rule.citation or placeholder("bron coulance"),
        )
    if isinstance(r, EndResult):
        ctx.update(_end(r, e, policy))
    elif isinstance(r, MidResult):
        ctx.update(_mid(r, e, opgave))
    if sums is not None:
        ctx.update(_province(sums))
    return ctx


def _end(r: EndResult, e: RoundEntry, policy: str) -> dict[str, Any]:
    mid = dutch_number(r.period.midpoint)
    end_kind, end_amount = saldo(r.saldo_end)
    verdict = (
        UNKNOWN
        if r.koppelingen_voldoende is None
        else "voldoende koppelingen"
        if r.koppelingen_voldoende
        else "onvoldoende koppelingen"
    )
    out: dict[str, Any] = dict(
        gehuisvest_coa=n(r.realised_base),
        huurcontracten=n(r.contracts),
        huurcontracten_meegeteld=r.contracts_counted,
        huurcontracten_noot=_contracts_note(r),
        gerealiseerd=r.gerealiseerd,
        coulance_grens=n(round(r.coulance_bar, 2)) if r.coulance_bar is not None else "",
        coulance_antwoord=("gelijk of hoger" if r.gerealiseerd or r.meets_coulance else "lager")
        if r.coulance_bar is not None
        else "",
        coulance_gehaald=r.meets_coulance,
        saldo_eind_soort=end_kind,
        saldo_eind=end_amount,
        koppelingen_mid=n(r.koppelingen_mid),
        nog_te_huisvesten_mid=n(r.nog_te_huisvesten_mid),
        koppelingen_conclusie=verdict,
        omkoppelingen=yes_no(r.omkoppelingen),
        stapelgemeente=yes_no(r.stapelgemeente),
        vraag1=_question1(r),
        vraag2=_question2(r, mid, verdict),
        vraag3=_question3(r),
        vraag4=f"{yes_no(r.stapelgemeente).capitalize()}.",
        verschoonbaar=" ".join(x.render() for x in r.excusable),
        kleine_achterstand=r.tolerated,
    )
    nxt = e.next_opgave
    period = r.period.next
    out.update(
        volgende_periode=period.label,
        volgende_van=dutch_number(period.start),
        volgende_tot=dutch_number(period.first_day_after),
        volgende_middatum=dutch_number(period.midpoint),
    )
    if nxt is not None and nxt.known:
        kind, amount = saldo(nxt.saldo_start)
        out.update(
            volgende_taakstelling=n(nxt.taakstelling),
            volgende_saldo_soort=kind.capitalize(),
            volgende_saldo=amount,
            volgende_opgave=n(nxt.opgave),
            volgende_minimum=n(minimum_mid(nxt.opgave)),
        )
    else:
        missing = placeholder(f"opgave {period.label} onbekend:")
        out.update(
            volgende_taakstelling=n(nxt.taakstelling) if nxt else missing,
            volgende_saldo_soort="Achterstand of voorsprong",
            volgende_saldo=missing,
            volgende_opgave=missing,
            volgende_minimum=missing,
        )
    return out


def _mid(r: MidResult, e: RoundEntry, opgave: Opgave) -> dict[str, Any]:
    before, after = r.trede_voor or e.before.trede, e.decided
    forecast = linear(r.period, r.date, r.realised, r.opgave, opgave.extra)
    out: dict[str, Any] = dict(
        minimum=n(r.minimum),
        op_schema="op schema" if r.op_schema else "niet op schema",
        pct_minimum=pct(r.pct_of_minimum),
        coulance_grens=n(round(r.bar, 2)) if r.rule.mid_factor != 1 else n(r.minimum),
        conclusie=_mid_conclusion(before, after),
        nog_te_huisvesten=n(r.nog_te_huisvesten),
        koppelingen=n(r.koppelingen),
        koppelingen_zin=_mid_koppelingen(r),
        prognose=n(forecast.rounded) if forecast else UNKNOWN,
        prognose_pct=pct(forecast.pct_opgave) if forecast else "–",
    )
    return out


def _province(t: Totals) -> dict[str, Any]:
    kind, amount = saldo(t.saldo)
    koppelingen = enough = UNKNOWN
    if t.koppelingen is not None:
        koppelingen = n(t.koppelingen)
        enough = "voldoende" if t.koppelingen >= t.nog_te_huisvesten else "niet voldoende"
    return dict(
        prov_gemeenten=n(t.members),
        prov_taakstelling=n(t.taakstelling),
        prov_saldo_soort=kind,
        prov_saldo=amount,
        prov_opgave=n(t.opgave),
        prov_minimum=n(t.schedule.minimum),
        prov_gehuisvest=n(t.realised),
        prov_pct_opgave=pct(t.pct_opgave),
        prov_koppelingen=koppelingen,
        prov_nog_te_huisvesten=n(t.nog_te_huisvesten),
        prov_koppelingen_conclusie=enough,
        prov_tekort=", ".join(t.short) or ("geen" if t.koppelingen is not None else UNKNOWN),
        prov_zonder_cijfers=n(t.members - t.with_figures),
        prov_prognose=n(t.prognose_rounded),
    )


def _address(adres: str) -> str:
    lines = [x.strip() for x in adres.replace("|", "\n").splitlines() if x.strip()]
    return "\n".join(lines) if lines else placeholder("adres")


def _checkpoint_before(day: date) -> date:
    month = day.month - 3
    return date(day.year - 1, month + 12, 1) if month < 1 else date(day.year, month, 1)


def _checkpoint_after(day: date) -> date:
    month = day.month + 3
    return date(day.year + 1, month - 12, 1) if month > 12 else date(day.year, month, 1)


def _step_sentence(before: Trede | None, after: Trede | None, day: date, policy: str) -> str:
    if after is None:
        return ""
    words, when = trede_words(after, policy), dutch_number(day)
    if after.code == "0":
        return f"staat uw gemeente per {when} niet (meer) op de interventieladder: {words}."
    if before == after:
        return f"blijft uw gemeente per {when} op trede {after.code} van de interventieladder: {words}."
    if before is not None and after < before:
        return f"daalt uw gemeente per {when} naar trede {after.code} van de interventieladder: {words}."
    return f"komt uw gemeente per {when} op trede {after.code} van de interventieladder: {words}."


def _mid_conclusion(before: Trede | None, after: Trede | None) -> str:
    if after is None:
        return "nog te beslissen"
    if before is None:
        return f"trede {after.code}"
    return "zelfde trede" if before == after else "volgende trede"


def _open_text(e: RoundEntry) -> str:
    options = " of ".join(f"trede {t.code} ({t.name})" for t in e.options)
    hangs = e.open.render() if e.open is not None else "de regels geven geen trede"
    text = f"de trede per {dutch_number(e.day)} staat nog niet vast: {hangs}."
    if options:
        text += f" Mogelijk is {options}."
    if e.settle:
        text += f" Vul aan in de sheet: {e.settle}."
    return text


def _conflict_text(e: RoundEntry, policy: str) -> str:
    if e.state != CONFLICT or e.recorded is None or e.proposal is None:
        return ""
    rec, rules = e.recorded.trede, e.proposal
    return (
        f"vastgelegd is trede {rec.code} ({trede_words(rec, policy)}), maar de regels geven "
        f"trede {rules.code} ({trede_words(rules, policy)}). Deze brief noemt de vastgelegde "
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
        f"{answer}. Uw gemeente heeft vóór {dutch_number(r.date)} {n(r.realised)} "
        f"vergunninghouders gehuisvest{how}, bij een opgave van {n(r.opgave)} "
        f"({pct(r.pct_of_opgave)} van de opgave)."
    )
    if not r.gerealiseerd and r.coulance_bar is not None:
        met = "gehaald" if r.meets_coulance else "niet gehaald"
        text += f" De coulancegrens van {n(round(r.coulance_bar, 2))} is {met}."
    return text


def _question2(r: EndResult, mid: str, verdict: str) -> str:
    if r.koppelingen_mid is not None and r.nog_te_huisvesten_mid is not None:
        answer = "Ja" if r.koppelingen_voldoende else "Nee"
        return (
            f"{answer}. Op {mid} waren {n(r.koppelingen_mid)} vergunninghouders aan uw gemeente "
            f"gekoppeld, tegenover {n(r.nog_te_huisvesten_mid)} nog te huisvesten: {verdict}."
        )
    if r.koppelingen_voldoende is not None:
        return f"{'Ja' if r.koppelingen_voldoende else 'Nee'}: {verdict} op {mid}."
    return f"Onbekend: het aantal koppelingen op {mid} is ons niet bekend."


def _question3(r: EndResult) -> str:
    text = f"{yes_no(r.omkoppelingen).capitalize()}."
    if r.omkoppelingen and not r.rule.omkoppelingen_tellen:
        text += (
            " In deze periode tellen omkoppelingen niet mee bij de beoordeling "
            f"({r.rule.citation})."
        )
    return text


def _mid_koppelingen(r: MidResult) -> str:
    end = dutch_number(r.period.first_day_after)
    if r.koppelingen is None:
        return f"Het aantal koppelingen op {dutch_number(r.date)} is ons niet bekend."
    can = "nog" if r.can_still_realise else "niet"
    return (
        f"Op {dutch_number(r.date)} waren {n(r.koppelingen)} vergunninghouders aan uw gemeente "
        f"gekoppeld, tegenover {n(r.nog_te_huisvesten)} nog te huisvesten: met deze "
        f"koppelingen kunt u uw opgave vóór {end} {can} realiseren."
    )
