"""/controle and /ververs for province staff and coordinators."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time, format_timedelta
from babel.lists import format_list

from commands import onboarding, uncertain, undelivered
from commands.common import human_age
from commands.context import Ctx
from commands.reply import Reply
from engine.audit import CONTRADICTIONS, Finding, audit
from engine.state import Problem
from sheets.overviews.readings import header_readings

TZ = ZoneInfo("Europe/Amsterdam")
STALE_DAYS = 45  # COA figures come monthly, with about two weeks' lag (domain.md §2, §7)
_LABELS = {
    "ontbreekt": "ontbreekt",
    "onbekend": "onbekend",
    "kader": "fout",
    "bevestigen": "bevestigen",
}


def finding_label(f: Finding) -> str:
    """The word `taakbot check` puts before a finding."""
    return _LABELS.get(f.kind, "tegenstrijdig")


def _covered(ctx: Ctx, f: Finding) -> bool:
    """A finding about a municipality, or a province's missing kader, within the user's scope."""
    if f.gemeente in ctx.data.records:
        return ctx.role.covers(ctx.data, f.gemeente)
    return ctx.role.covers_area(ctx.data, ctx.data.provinces().get(f.gemeente, []))


def _yours(ctx: Ctx, problem: Problem) -> bool:
    """A problem in a row of another province's municipality quotes its figures: not shown."""
    return not problem.gemeente or ctx.role.covers(ctx.data, problem.gemeente)


def controle(ctx: Ctx, args: str) -> Reply:
    _, e = ctx._, ctx.e
    problems = [p for p in ctx.data.problems if _yours(ctx, p)]
    errors = [p for p in problems if p.severity == "fout"]
    warnings = [p for p in problems if p.severity != "fout"]
    findings = [f for f in audit(ctx.data, day=ctx.today) if _covered(ctx, f)]
    contradictions = [f for f in findings if f.kind in CONTRADICTIONS]
    gaps = [f for f in findings if f.kind in ("ontbreekt", "onbekend", "bevestigen")]
    errors = errors + [f for f in findings if f.kind == "kader"]
    lines = [_("<b>Controle van de sheet</b> ({source})").format(source=e(ctx.data.source))]
    lines += figures_age(ctx)
    if ctx.data.loaded_at is not None:
        lines.append(_("Gelezen op {when}.").format(when=local_time(ctx, ctx.data.loaded_at)))
    if ctx.stale_seconds is not None:
        lines.append(
            _("Let op: verversen mislukt; deze gegevens zijn {age} oud.").format(
                age=human_age(ctx, ctx.stale_seconds)
            )
        )
        if reason := ctx.stale_reason:
            lines.append(_("Waarom: {reason}").format(reason=e(reason)))
    counts = [
        ctx.ngettext("{n} fout", "{n} fouten", len(errors)),
        ctx.ngettext("{n} waarschuwing", "{n} waarschuwingen", len(warnings)),
        ctx.ngettext("{n} tegenstrijdigheid", "{n} tegenstrijdigheden", len(contradictions)),
        ctx.ngettext("{n} ontbrekend gegeven", "{n} ontbrekende gegevens", len(gaps)),
    ]
    numbers = (len(errors), len(warnings), len(contradictions), len(gaps))
    lines.append(
        format_list(
            [c.format(n=n) for c, n in zip(counts, numbers, strict=True)], locale=ctx.fmt.locale
        )
        + "."
    )
    lines += onboarding.control_lines(ctx)  # access given through links: who, when, by whom
    sends = uncertain.control_lines(ctx)  # timed-out automatic sends: maybe delivered
    sends += undelivered.control_lines(ctx)  # e-mails and Teams posts refused for good
    lines += sends
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
    if not (errors or warnings or findings or sends):
        lines.append(_("Alles in orde."))
    return Reply("\n".join(lines))


def figures_age(ctx: Ctx) -> list[str]:
    """The date of the newest figures and how old they are, in words an alderman hears."""
    _ = ctx._
    newest = ctx.data.latest_peildatum(ctx.today)
    if newest is None:
        return [_("De sheet heeft nog geen realisatiecijfers.")]
    age = format_timedelta(ctx.today - newest, threshold=1.1, locale=ctx.fmt.locale)
    if (ctx.today - newest).days > STALE_DAYS:
        return [
            _("<b>Let op: de nieuwste cijfers zijn van {date}, {age} geleden.</b>").format(
                date=ctx.fmt.date(newest), age=age
            )
        ]
    if newest == ctx.today:
        return [_("De nieuwste cijfers zijn van vandaag.")]
    return [
        _("De nieuwste cijfers zijn van {date}, {age} geleden.").format(
            date=ctx.fmt.date(newest), age=age
        )
    ]


def local_time(ctx: Ctx, moment: datetime) -> str:
    """'24 november 2026 om 07:42' in Europe/Amsterdam (a naive time is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(TZ)
    return ctx._("{date} om {time}").format(
        date=ctx.fmt.date(local.date()), time=format_time(local, "HH:mm", locale=ctx.fmt.locale)
    )


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
                error=ctx.e(str(result.error).rstrip(". "))
            )
        )
    changes = result.changed
    if changes is None:  # it joined the background job's read, which keeps no old data
        return Reply(_("De sheet is opnieuw gelezen."))
    if not changes:
        return Reply(_("De sheet is opnieuw gelezen; er is niets veranderd."))
    return Reply(
        _("De sheet is opnieuw gelezen. Veranderd: {changes}.").format(
            changes=ctx.e(changes_text(ctx, changes))
        )
    )


def changes_text(ctx: Ctx, changes) -> str:
    """'realisatie: 3 regels erbij en 1 weg; nieuwe cijfers voor Delft en Leiden'."""
    if not hasattr(changes, "rows_added"):
        return str(changes)
    parts = []
    for tab in sorted(set(changes.rows_added) | set(changes.rows_removed)):
        added, removed = changes.rows_added.get(tab, 0), changes.rows_removed.get(tab, 0)
        moved = []
        if added:
            moved.append(
                ctx.ngettext("{n} regel erbij", "{n} regels erbij", added).format(n=added)
            )
        if removed:
            moved.append(
                ctx.ngettext("{n} regel weg", "{n} regels weg", removed).format(n=removed)
            )
        parts.append(f"{tab}: " + format_list(moved, locale=ctx.fmt.locale))
    if changes.gemeenten:
        names = list(changes.gemeenten[:10])
        if len(changes.gemeenten) > 10:
            names.append(ctx._("nog {n} andere").format(n=len(changes.gemeenten) - 10))
        parts.append(
            ctx._("nieuwe cijfers voor {names}").format(
                names=format_list(names, locale=ctx.fmt.locale)
            )
        )
    return "; ".join(parts)
