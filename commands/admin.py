"""/controle and /ververs for province staff and coordinators."""

from __future__ import annotations

from commands.common import human_age
from commands.context import Ctx
from commands.reply import Reply
from engine.audit import CONTRADICTIONS, Finding, audit
from sheets.readings import header_readings

_LABELS = {"ontbreekt": "ontbreekt", "onbekend": "onbekend", "kader": "fout"}


def finding_label(f: Finding) -> str:
    """The word `taakbot check` puts before a finding."""
    return _LABELS.get(f.kind, "tegenstrijdig")


def controle(ctx: Ctx, args: str) -> Reply:
    _, e = ctx._, ctx.e
    problems = ctx.data.problems
    errors = [p for p in problems if p.severity == "fout"]
    warnings = [p for p in problems if p.severity != "fout"]
    findings = audit(ctx.data, day=ctx.today)
    contradictions = [f for f in findings if f.kind in CONTRADICTIONS]
    gaps = [f for f in findings if f.kind in ("ontbreekt", "onbekend")]
    errors = errors + [f for f in findings if f.kind == "kader"]
    lines = [_("<b>Controle van de sheet</b> ({source})").format(source=e(ctx.data.source))]
    if ctx.data.loaded_at is not None:
        lines.append(
            _("Gelezen: {when}").format(when=ctx.data.loaded_at.strftime("%Y-%m-%d %H:%M"))
        )
    if ctx.stale_seconds is not None:
        lines.append(
            _("Let op: verversen mislukt; deze gegevens zijn {age} oud.").format(
                age=human_age(ctx, ctx.stale_seconds)
            )
        )
    lines.append(
        _(
            "{e} fouten, {w} waarschuwingen, {i} tegenstrijdigheden, {g} ontbrekende gegevens"
        ).format(e=len(errors), w=len(warnings), i=len(contradictions), g=len(gaps))
    )
    for title, items in ((_("Fouten"), errors), (_("Waarschuwingen"), warnings)):
        if items:
            lines.append(f"<b>{title}</b>")
            lines += [f"• {e(p)}" for p in items[:25]]
            if len(items) > 25:
                lines.append(_("… en nog {n}").format(n=len(items) - 25))
    for title, items in (
        (_("Tegenstrijdigheden"), contradictions),
        (_("Ontbrekende besluiten en onbekende gegevens"), gaps),
    ):
        if not items:
            continue
        lines.append("<b>" + title + "</b>")
        for x in items[:25]:
            refs = ", ".join(r for r in x.refs if r)
            lines.append(
                f"• {e(x.gemeente)}: {e(ctx.fmt.reason(x.message))}"
                + (f" <i>[{e(refs)}]</i>" if refs else "")
            )
        if len(items) > 25:
            lines.append(_("… en nog {n}").format(n=len(items) - 25))
    if readings := header_readings(ctx.data, brief=True):  # how each column was read
        lines.append("<b>" + _("Kolommen") + "</b>")
        lines += [f"• {e(r)}" for r in readings[:40]]
        if len(readings) > 40:
            lines.append(_("… en nog {n}").format(n=len(readings) - 40))
    if not (errors or warnings or findings):
        lines.append(_("Alles in orde."))
    return Reply("\n".join(lines))


def ververs(ctx: Ctx, args: str) -> Reply:
    _ = ctx._
    if ctx.refresh is None:
        return Reply(_("Verversen kan hier niet."))
    result = ctx.refresh()
    if getattr(result, "throttled", None):  # read moments ago: Google's quota is shared
        return Reply(
            _("De sheet is net gelezen; opnieuw verversen kan over {seconds} seconden.").format(
                seconds=max(1, round(result.throttled))
            )
        )
    if not result.ok:
        return Reply(
            _("Verversen mislukt: {error}. Ik gebruik de laatste goede gegevens.").format(
                error=ctx.e(result.error)
            )
        )
    changed = result.changed or _("geen wijzigingen")
    return Reply(_("Sheet ververst. {changed}").format(changed=ctx.e(changed)))
