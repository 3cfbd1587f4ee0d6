"""/stand, /prognose, /ladder and /deadlines for one municipality."""

from __future__ import annotations

from commands.common import Target, footer, resolve
from commands.context import Ctx
from commands.reply import Reply
from engine.assessment import EndResult
from engine.audit import audit
from engine.model import Deadline
from engine.periods import checkpoint_kind
from engine.status import Status, assess_checkpoint, status_on


def _target(ctx: Ctx, command: str, args: str, kinds=("gemeente",)) -> Target | Reply:
    return resolve(ctx, command, args, kinds)


def stand(ctx: Ctx, args: str) -> Reply:
    target = _target(ctx, "stand", args)
    if isinstance(target, Reply):
        return target
    st = status_on(ctx.data, target.name, ctx.today)
    return Reply("\n".join(stand_lines(ctx, st)) + "\n\n" + footer(ctx, _peil(st)))


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
    for note in st.notes:
        lines.append(f.reason(note))
    o = st.opgave
    if o:
        if o.taakstelling is not None:
            saldo = _("onbekend") if o.saldo_start is None else _saldo(ctx, o.saldo_start)
            src = f" <i>({e(f.reason(o.saldo_source))})</i>" if o.saldo_source else ""
            lines.append(
                _("Taakstelling: {t} · saldo bij start: {s}").format(
                    t=f.num(o.taakstelling), s=saldo
                )
                + src
            )
        opg = _("Opgave: {o}").format(o=f"<b>{f.num(o.opgave)}</b>")
        if o.extra:
            opg += " · " + _("extra opgave: {x} (telt niet mee voor de ladder)").format(
                x=f.num(o.extra)
            )
        lines.append(opg)
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
                _("Ingestuurde huurcontracten (nog niet bij COA): {n}").format(
                    n=f.num(snap.contracts)
                )
            )
        lines.append(_mid_line(ctx, st))
        if snap.koppelingen is not None:
            lines.append(
                _("Koppelingen: {k} tegenover {n} nog te huisvesten").format(
                    k=f.num(snap.koppelingen), n=f.num(st.nog_te_huisvesten)
                )
            )
        else:
            lines.append(_("Nog te huisvesten: {n}").format(n=f.num(st.nog_te_huisvesten)))
        lines += prognosis_lines(ctx, st)
    lines += trede_lines(ctx, st)
    lines += deadline_lines(ctx, st.deadlines[:3], ctx.today)
    return lines


def _saldo(ctx: Ctx, saldo: int) -> str:
    if saldo > 0:
        return ctx._("{n} achterstand").format(n=ctx.fmt.num(saldo))
    if saldo < 0:
        return ctx._("{n} voorsprong").format(n=ctx.fmt.num(-saldo))
    return "0"


def _mid_line(ctx: Ctx, st: Status) -> str:
    _, f = ctx._, ctx.fmt
    mid = st.period.midpoint
    text = _("Minimum vóór {d}: {m}").format(d=f.date(mid), m=f.num(st.minimum))
    if st.rule.mid_factor != 1:
        text += " " + _("(coulance: {bar})").format(bar=f.num(st.bar))
    if st.op_schema:
        return text + " — " + _("op schema")
    short = max(0, st.minimum - st.realised)
    verdict = _("niet op schema") if ctx.today >= mid else _("nog niet bereikt")
    return text + " — " + verdict + " " + _("(nog {n})").format(n=f.num(short))


def prognosis_lines(ctx: Ctx, st: Status) -> list[str]:
    _, f = ctx._, ctx.fmt
    out = []
    for p in st.prognoses:
        label = (
            _("Prognose {d}").format(d=f.date(p.period.end))
            if p.model == "lineair"
            else _("Prognose met koppelingen als plafond")
        )
        pcts = [f.pct(p.pct_opgave)] + ([f.pct(p.pct_incl_extra)] if p.pct_incl_extra else [])
        out.append(f"{label}: <b>{f.num(p.rounded)}</b> ({'; '.join(pcts)})")
    return out


def trede_lines(ctx: Ctx, st: Status) -> list[str]:
    _, f, e = ctx._, ctx.fmt, ctx.e
    out = []
    if st.recorded:
        rec = st.recorded
        out.append(
            _("Trede: {code} ({name}), vastgelegd {d}").format(
                code=f"<b>{rec.trede.code}</b>", name=_(rec.trede.name), d=f.date(rec.date)
            )
        )
        if rec.note and ctx.role.sees_notes:
            out.append(f"<i>{e(rec.note)}</i>")
    else:
        out.append(_("Trede: niet op de ladder (geen besluit vastgelegd)"))
    cp = st.checkpoint
    if cp:
        kind = _("eindbeoordeling") if isinstance(cp, EndResult) else _("tussentijdse toets")
        out.append(
            _("Voorstel Taakbot ({kind} {d}): trede {code}").format(
                kind=kind, d=f.date(cp.date), code=f"<b>{cp.trede_na.code}</b>"
            )
        )
        for r in cp.reasons:
            if "note" in r.params and not ctx.role.sees_notes:  # sheet notes: staff only
                continue
            out.append("• " + e(f.reason(r)))
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
    findings = audit(ctx.data, only=rec.name)
    for d in rec.decisions:
        line = "• " + _("{d}: trede {code} ({name})").format(
            d=f.date(d.date), code=f"<b>{d.trede.code}</b>", name=_(d.trede.name)
        )
        if d.note and ctx.role.sees_notes:
            line += f" — <i>{e(d.note)}</i>"
        lines.append(line)
        if checkpoint_kind(d.date):
            check = assess_checkpoint(ctx.data, rec, d.date)
            if check is None:
                lines.append("  " + _("controle: geen cijfers om dit besluit na te rekenen"))
            elif (
                ctx.data.policy_for(rec.name, check.period)[0].normalise(d.trede) == check.trede_na
            ):
                lines.append("  " + _("controle: volgt uit de regels ✓"))
            else:
                lines.append(
                    "  "
                    + _("controle: de regels geven trede {code} ✗").format(
                        code=check.trede_na.code
                    )
                )
    other = [x for x in findings if x.kind in ("dubbel", "saldo", "opgave")]
    if other:
        lines.append(_("Tegenstrijdigheden in de gegevens:"))
        lines += ["• " + e(f.reason(x.message)) for x in other]
    return Reply("\n".join(lines) + "\n\n" + footer(ctx))


def deadlines(ctx: Ctx, args: str) -> Reply:
    _ = ctx._
    if not args.strip():
        names = [g for g in sorted(ctx.data.records) if ctx.role.covers(ctx.data, g)]
        title = _("Komende checkpoints en deadlines")
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
