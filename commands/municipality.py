"""/stand, /prognose, /ladder and /deadlines for one municipality."""

from __future__ import annotations

from commands.common import Target, footer, resolve
from commands.context import Ctx
from commands.reply import Reply
from commands.standing import (
    checkpoint_title,
    closed_lines,
    mid_line,
    result_lines,
    settle_text,
    standing_lines,
    unchecked_text,
    verdict_line,
)
from engine.audit import audit
from engine.model import Deadline
from engine.replay import check_decision, last_checkpoint
from engine.state import unconfirmed_reason
from engine.status import Status, status_on
from sheets.overviews.readings import staff_notes


def _target(ctx: Ctx, command: str, args: str, kinds=("gemeente",)) -> Target | Reply:
    return resolve(ctx, command, args, kinds)


def stand(ctx: Ctx, args: str) -> Reply:
    target = _target(ctx, "stand", args)
    if isinstance(target, Reply):
        return target
    st = status_on(ctx.data, target.name, ctx.today)
    lines = stand_lines(ctx, st)
    if st.opgave.taakstelling is not None and st.opgave.saldo_source:  # sources last, read aloud
        source = ctx.e(ctx.fmt.reason(st.opgave.saldo_source)).rstrip(".")
        lines.append("<i>" + ctx._("Bron van het saldo: {source}.").format(source=source) + "</i>")
    if (kader := ctx.data.kader_unconfirmed(target.name, ctx.today)) is not None:
        provincie = st.rec.municipality.provincie
        note = ctx.fmt.reason(unconfirmed_reason(kader, provincie, ctx.today))
        lines.append("<i>" + ctx.e(note) + "</i>")
    if ctx.role.sees_notes:  # an overview's opmerkingen (sheets.overviews.readings): staff only
        lines += [
            "<i>" + ctx._("Opmerking in de sheet ({cell}): {text}").format(
                cell=ctx.e(note.source), text=ctx.e(note.text)
            ) + "</i>"
            for note in staff_notes(ctx.data, target.name)
        ]  # fmt: skip
    return Reply("\n".join(lines) + "\n\n" + footer(ctx, _peil(st)))


def _peil(st: Status):
    return st.snapshot.peildatum if st.snapshot else None


def stand_lines(ctx: Ctx, st: Status) -> list[str]:
    _, f, e = ctx._, ctx.fmt, ctx.e
    m = st.rec.municipality
    lines = [
        f"<b>{e(m.name)}</b> — "
        + _("periode {period}").format(period=st.period.label)
        + f" ({e(m.provincie)}{', ' + e(m.regio) if m.regio else ''})"
    ]
    o = st.opgave
    if o.taakstelling is not None:
        saldo = _("onbekend") if o.saldo_start is None else _saldo(ctx, o.saldo_start)
        lines.append(
            _("Taakstelling: {t} · saldo bij start: {s}").format(t=f.num(o.taakstelling), s=saldo)
        )
    if o.opgave is None:
        lines.append(
            _("Opgave onbekend: {why}.").format(why=e(f.reason(o.unknown)))
            + settle_text(ctx, o.settle)
            + _missing_tab(ctx, "taakstelling")
        )
    else:
        opg = _("Opgave: {o}").format(o=f"<b>{f.num(o.opgave)}</b>")
        if o.extra:
            opg += " · " + _("extra opgave: {x}, telt niet mee voor de ladder").format(
                x=f.num(o.extra)
            )
        lines.append(opg)
        if mid := mid_line(ctx, st):
            lines.append(mid)
    if st.snapshot and st.realised is not None:
        snap = st.snapshot
        lines.append(
            _("Gehuisvest: {n} per {d} ({pct})").format(
                n=f"<b>{f.num(st.realised)}</b>",
                d=f.date(snap.peildatum),
                pct=f.pct(st.pct_opgave),
            )
        )
        if snap.contracts:
            lines.append(
                _("Ingestuurde huurcontracten, nog niet bij COA: {n}").format(
                    n=f.num(snap.contracts)
                )
            )
        left = _("Nog te huisvesten: {n}").format(n=f.num(st.nog_te_huisvesten))
        if st.nog_incl_extra is not None:
            left += "; " + _("met de extra opgave: {n}").format(n=f.num(st.nog_incl_extra))
        if snap.koppelingen is not None:
            left += " · " + _("koppelingen: {k}").format(k=f.num(snap.koppelingen))
        lines.append(left)
        lines += prognosis_lines(ctx, st)
    elif o.opgave is not None:
        lines.append(
            _("Nog geen realisatiecijfers voor {period}.").format(period=st.period.label)
            + _missing_tab(ctx, "realisatie")
        )
    lines += closed_lines(ctx, st.closed)
    lines += trede_lines(ctx, st)
    lines += deadline_lines(ctx, st.deadlines[:3], ctx.today)
    return lines


def _missing_tab(ctx: Ctx, tab: str) -> str:
    """' Het tabblad realisatie ontbreekt in de sheet.' when that is why figures are missing."""
    if any(
        p.ref == tab and p.message.startswith(f"tabblad {tab} ontbreekt")
        for p in ctx.data.problems
    ):
        return " " + ctx._("Het tabblad {tab} ontbreekt in de sheet.").format(tab=tab)
    return ""


def _saldo(ctx: Ctx, saldo: int) -> str:
    if saldo > 0:
        return ctx._("{n} achterstand").format(n=ctx.fmt.num(saldo))
    if saldo < 0:
        return ctx._("{n} voorsprong").format(n=ctx.fmt.num(-saldo))
    return "0"


def prognosis_lines(ctx: Ctx, st: Status) -> list[str]:
    _, f = ctx._, ctx.fmt
    out = []
    for p in st.prognoses:
        label = (
            _("Prognose {d}").format(d=f.date(p.period.first_day_after))
            if p.model == "lineair"
            else _("Prognose met koppelingen als plafond")
        )
        pcts = [f.pct(p.pct_opgave)] + ([f.pct(p.pct_incl_extra)] if p.pct_incl_extra else [])
        out.append(f"{label}: <b>{f.num(p.rounded)}</b> ({'; '.join(pcts)})")
    return out


def trede_lines(ctx: Ctx, st: Status) -> list[str]:
    """The trede in force (recorded or replayed), then the latest checkpoint with its reasons."""
    out = [ctx._("<b>Interventieladder</b>")] + standing_lines(ctx, st.standing)
    cp = st.checkpoint
    if cp is None or (st.closed and st.closed.result is cp):
        return out
    if line := verdict_line(ctx, st):
        out.append(line)
    step = next((s for s in st.standing.steps if s.day == last_checkpoint(ctx.today)), None)
    out += result_lines(ctx, cp, checkpoint_title(ctx, cp), step.treden if step else ())
    return out


def deadline_lines(ctx: Ctx, deadlines: list[Deadline], today) -> list[str]:
    _, f = ctx._, ctx.fmt
    if not deadlines:
        return []
    out = [_("Komende data:")]
    for d in deadlines:
        days = (d.date - today).days
        when = (
            _("vandaag")
            if days == 0
            else ctx.ngettext("over {n} dag", "over {n} dagen", days).format(n=days)
        )
        out.append(f"• {f.date(d.date)} ({when}): {ctx.e(f.reason(d.description))}")
    return out


def prognose(ctx: Ctx, args: str) -> Reply:
    target = _target(ctx, "prognose", args, ("gemeente", "regio"))
    if isinstance(target, Reply):
        return target
    _, f = ctx._, ctx.fmt
    lines, peil = [], None
    for name in target.members:
        st = status_on(ctx.data, name, ctx.today)
        if not st.prognoses:
            continue
        peil = max(peil or st.snapshot.peildatum, st.snapshot.peildatum)
        lines.append(f"<b>{ctx.e(name)}</b>")
        lines += prognosis_lines(ctx, st)
        if len(target.members) == 1:
            lines += ["• " + ctx.e(f.reason(p.assumption)) for p in st.prognoses]
    if not lines:
        return Reply(
            _(
                "Geen realisatiecijfers voor {name} in deze periode; een prognose kan nog niet."
            ).format(name=ctx.e(target.name))
        )
    if len(target.members) > 1:
        lines.append(
            _(
                "Lineair: het tempo sinds de start van de periode houdt aan tot het "
                "einde. Begrensd: hooguit gehuisvest plus gekoppeld."
            )
        )
    return Reply("\n".join(lines) + "\n\n" + footer(ctx, peil))


def ladder(ctx: Ctx, args: str) -> Reply:
    target = _target(ctx, "ladder", args)
    if isinstance(target, Reply):
        return target
    _, f, e = ctx._, ctx.fmt, ctx.e
    rec = ctx.data.records[target.name]
    lines = [_("<b>{name}</b> — vastgelegde treden").format(name=e(rec.name))]
    if not rec.decisions:
        lines.append(_("Geen besluiten vastgelegd."))
    findings = audit(ctx.data, only=rec.name, day=ctx.today)
    for d in rec.decisions:
        line = "• " + _("{d}: trede {code} ({name})").format(
            d=f.date(d.date), code=f"<b>{d.trede.code}</b>", name=_(d.trede.name)
        )
        if d.note and ctx.role.sees_notes:
            line += f" — <i>{e(d.note)}</i>"
        lines.append(line)
        verdict = check_decision(ctx.data, rec, d)
        if verdict.result is None:
            continue
        if verdict.follows:
            lines.append("  " + _("controle: volgt uit de regels ✓"))
        elif verdict.contradicts:
            lines.append(
                "  "
                + _("controle: de regels geven trede {code} ✗").format(code=verdict.rules.code)
            )
        else:
            lines.append("  " + unchecked_text(ctx, verdict.result))
    lines.append("")
    lines += standing_lines(ctx, status_on(ctx.data, rec.name, ctx.today).standing)
    other = [x for x in findings if x.kind in ("dubbel", "saldo", "opgave", "onbekend")]
    if other:
        lines.append(_("Tegenstrijdigheden in de gegevens:"))
        lines += ["• " + e(f.reason(x.message)) for x in other]
    return Reply("\n".join(lines) + "\n\n" + footer(ctx))


def deadlines(ctx: Ctx, args: str) -> Reply:
    _ = ctx._
    if not args.strip():
        names = [g for g in sorted(ctx.data.records) if ctx.role.covers(ctx.data, g)]
        title = _("Komende toetsdata en deadlines")
    else:
        target = _target(ctx, "deadlines", args, ("gemeente", "regio", "provincie"))
        if isinstance(target, Reply):
            return target
        names, title = (
            list(target.members),
            _("Komende data voor {name}").format(name=ctx.e(target.name)),
        )
    seen: dict = {}
    for name in names:
        for d in status_on(ctx.data, name, ctx.today).deadlines:
            seen.setdefault((d.date, d.kind, str(d.description)), d)
    items = sorted(seen.values(), key=lambda d: (d.date, d.kind))[:12]
    lines = [f"<b>{title}</b>"] + deadline_lines(ctx, items, ctx.today)[1:]
    note = footer(ctx)
    return Reply("\n".join(lines) + ("\n\n" + note if note else ""))
