"""The trede in force, the checkpoints since the last decision, and the closed half-year, as text.

What the record leaves open is said as "onbekend", with the reason and the cell that would settle
it; a derived step always says that it is derived and from which checkpoint.
"""

from __future__ import annotations

from commands.context import Ctx
from engine.assessment import EndResult, MidResult, persons_limit
from engine.checkpoint_round import treden_label
from engine.replay import Missing, Result, Standing, Step
from engine.status import Closed, Status
from engine.treden import Trede

STEPS_SHOWN = 4  # checkpoints since the last decision shown in full; older ones are summed up


def kind_label(ctx: Ctx, result: Result) -> str:
    return (
        ctx._("eindbeoordeling")
        if result.kind == "eindbeoordeling"
        else ctx._("tussentijdse toets")
    )


def trede_text(ctx: Ctx, trede: Trede | None) -> str:
    if trede is None:
        return ctx._("onbekend")
    return ctx._("{code} ({name})").format(code=f"<b>{trede.code}</b>", name=ctx._(trede.name))


def short_trede(st: Status) -> str:
    """The trede in force as a table cell: '2', '2/3A' where it hangs on an open question,
    '?' where nothing is known (engine.checkpoint_round.treden_label)."""
    return treden_label(st.standing.treden)


def options_text(ctx: Ctx, treden) -> str:
    """'2 of 3A': the steps the record leaves possible."""
    return ctx._(" of ").join(f"<b>{t.code}</b>" for t in treden)


def settle_text(ctx: Ctx, settle: str) -> str:
    return " " + ctx._("Aan te vullen: {where}.").format(where=ctx.e(settle)) if settle else ""


def standing_lines(ctx: Ctx, sd: Standing) -> list[str]:
    """'Trede: …' with where it comes from, and every derived checkpoint since."""
    _, f, e = ctx._, ctx.fmt, ctx.e
    out = []
    if sd.recorded is not None:
        out.append(
            _("Vastgelegd: trede {trede} op {d}").format(
                trede=trede_text(ctx, sd.recorded.trede), d=f.date(sd.recorded.date)
            )
        )
        if sd.recorded.note and ctx.role.sees_notes:
            out.append(f"<i>{e(sd.recorded.note)}</i>")
    else:
        out.append(_("Vastgelegd: geen besluit in de sheet"))
    hidden = len(sd.steps) - STEPS_SHOWN
    if hidden > 0:
        out.append(
            "• "
            + ctx.ngettext(
                "{n} eerdere toetsdatum zonder besluit",
                "{n} eerdere toetsdata zonder besluit",
                hidden,
            ).format(n=hidden)
        )
    out += [step_line(ctx, step) for step in sd.steps[-STEPS_SHOWN:]]
    if sd.trede is None and sd.treden:
        out.append(
            _("Trede nu: {options}; {why}.").format(
                options=options_text(ctx, sd.treden), why=e(f.reason(sd.unknown))
            )
            + settle_text(ctx, sd.settle)
        )
    elif sd.trede is None:
        out.append(
            _("Trede nu: onbekend: {why}.").format(why=e(f.reason(sd.unknown)))
            + settle_text(ctx, sd.settle)
        )
    elif sd.steps and sd.recorded is not None and sd.since == sd.recorded.date:
        out.append(
            _("Trede nu: {trede}; de toetsen sinds het besluit veranderen die niet.").format(
                trede=trede_text(ctx, sd.trede)
            )
        )
    elif sd.steps:
        out.append(
            _("Trede nu: {trede}, volgens de regels sinds {d}; nog niet vastgelegd.").format(
                trede=trede_text(ctx, sd.trede), d=f.date(sd.since)
            )
        )
    return out


def step_line(ctx: Ctx, step: Step) -> str:
    _, f, e = ctx._, ctx.fmt, ctx.e
    head = _("{d}, {kind}").format(d=f.date(step.day), kind=kind_label(ctx, step.result))
    if isinstance(step.result, Missing):
        what = _("niet te toetsen: {why}").format(why=e(f.reason(step.result.why)))
        if step.treden:
            what += "; " + _("trede {options}").format(options=options_text(ctx, step.treden))
    elif step.trede is None and step.treden:
        what = _("trede {options}, nog niet vastgelegd").format(
            options=options_text(ctx, step.treden)
        )
        if isinstance(step.result, EndResult) and step.result.open_question:
            what += ": " + e(f.reason(step.result.open_question))
    elif step.trede is None:
        what = _("trede onbekend")
    else:
        what = _("trede {code} volgens de regels, nog niet vastgelegd").format(
            code=step.trede.code
        )
    return f"• {head}: {what}"


def verdict_line(ctx: Ctx, st: Status) -> str | None:
    """How the decision recorded on the latest checkpoint relates to the rules."""
    v = st.verdict
    if v is None:
        return None
    if v.follows:
        return _check(ctx, ctx._("volgt uit de regels ✓"))
    if v.contradicts:
        return _check(ctx, ctx._("de regels geven trede {code} ✗").format(code=v.rules.code))
    return _check(ctx, unchecked_text(ctx, v.result))


def unchecked_text(ctx: Ctx, result: Result | None) -> str:
    """Why a recorded decision cannot be checked: no figures, or the step before is unknown."""
    if isinstance(result, Missing):
        return ctx._("niet na te rekenen: {why}").format(why=ctx.e(ctx.fmt.reason(result.why)))
    if isinstance(result, EndResult) and result.open_question:
        return ctx._("niet na te rekenen: {why}").format(
            why=ctx.e(ctx.fmt.reason(result.open_question))
        )
    return ctx._("niet na te rekenen: de trede ervoor is onbekend")


def _check(ctx: Ctx, text: str) -> str:
    return ctx._("Controle van dit besluit: {result}").format(result=text)


def result_lines(
    ctx: Ctx, result: Result | None, title: str, treden: tuple[Trede, ...] = ()
) -> list[str]:
    """A checkpoint's proposal and its reasons, in the order the letters give them.

    `treden`: the steps the replay leaves possible after it, where the step before is not known.
    """
    if result is None:
        return []
    _, f, e = ctx._, ctx.fmt, ctx.e
    if isinstance(result, Missing):
        return [
            f"<b>{e(title)}</b>: "
            + _("niet te toetsen: {why}.").format(why=e(f.reason(result.why)))
            + settle_text(ctx, result.settle)
        ]
    alternatives = getattr(result, "alternatives", ()) or treden
    if result.trede_na:
        proposal = _("trede {code}").format(code=f"<b>{result.trede_na.code}</b>")
    elif alternatives:
        proposal = _("trede {options}").format(options=options_text(ctx, alternatives))
    else:
        proposal = _("trede onbekend")
    out = [f"<b>{e(title)}</b>: " + _("voorstel {proposal}").format(proposal=proposal)]
    for r in result.reasons:
        if "note" in r.params and not ctx.role.sees_notes:  # sheet notes: staff only
            continue
        out.append("• " + e(f.reason(r)))
    return out


def checkpoint_title(ctx: Ctx, result: Result) -> str:
    return ctx._("{kind} {d}").format(
        kind=kind_label(ctx, result).capitalize(),
        d=ctx.fmt.date(result.day if isinstance(result, Missing) else result.date),
    )


def closed_lines(ctx: Ctx, closed: Closed | None) -> list[str]:
    """The half-year that just closed, until its assessment is recorded."""
    if closed is None:
        return []
    _, f = ctx._, ctx.fmt
    out = [
        "<b>"
        + _("Afgesloten periode {period}, beoordeling nog niet vastgelegd").format(
            period=closed.period.label
        )
        + "</b>"
    ]
    if closed.opgave.opgave is None:
        out.append(_("Opgave onbekend: {why}.").format(why=ctx.e(f.reason(closed.opgave.unknown))))
    elif isinstance(closed.result, EndResult):
        out.append(
            _("Opgave {o} · gehuisvest {n} ({pct})").format(
                o=f.num(closed.opgave.opgave),
                n=f.num(closed.result.realised),
                pct=f.pct(closed.result.pct_of_opgave),
            )
        )
    if closed.result is not None:
        title = checkpoint_title(ctx, closed.result)
        out += result_lines(ctx, closed.result, title, closed.treden)
    return out


def mid_line(ctx: Ctx, st: Status) -> str | None:
    """The mid-period minimum: provisional before its date, judged on the figures per it after."""
    _, f = ctx._, ctx.fmt
    if st.schedule is None:
        return None
    mid_day = st.period.midpoint
    text = _("Minimum vóór {d}: {m}").format(d=f.date(mid_day), m=f.num(st.minimum))
    if st.rule.mid_factor != 1:
        text += "; " + _("met coulance {bar}").format(bar=f.reason(persons_limit(st.bar)))
    mid = st.mid
    if isinstance(mid, MidResult):
        verdict = _("op schema") if mid.op_schema else _("niet op schema")
        return (
            text
            + ". "
            + _("Per {d}: {n} gehuisvest, {pct_min} en {pct_opg}: {verdict}.").format(
                d=f.date(mid_day),
                n=f.num(mid.realised),
                pct_min=f.pct(mid.pct_of_minimum),
                pct_opg=f.pct(mid.pct_of_opgave),
                verdict=verdict,
            )
        )
    if isinstance(mid, Missing):
        return text + ". " + _("Geen cijfers per {d}: niet te toetsen.").format(d=f.date(mid_day))
    if st.realised is None:
        return text + "."
    if st.schedule.on_schedule(st.realised):
        return text + ". " + _("Al bereikt.")
    short = max(0, st.minimum - st.realised)
    return text + ". " + _("Nog niet bereikt, nog {n}.").format(n=f.num(short))
