"""/regio and /provincie: compact tables, those behind schedule first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from babel.lists import format_list

from commands.common import Target, footer, resolve
from commands.context import Ctx
from commands.reply import Reply
from commands.standing import short_trede
from commands.table import area_table, legend
from engine.reasons import OF_OPGAVE, Percentage, percentage
from engine.status import Status, status_on, totals


@dataclass(slots=True)
class Row:
    name: str
    trede: str
    opgave: int | None
    realised: int | None
    prognose: int | None
    op_schema: bool | None

    @property
    def pct(self) -> Percentage | None:
        """Of the opgave, as everywhere (engine.reasons.percentage); none of an opgave of 0."""
        if self.opgave is None or self.realised is None:
            return None
        return percentage(self.realised, self.opgave, OF_OPGAVE)


def rows_for(ctx: Ctx, names) -> tuple[list[Row], list[Status]]:
    """The current period's figures; the closed half-year's while none of the new one exist."""
    statuses = [status_on(ctx.data, name, ctx.today) for name in names]
    closed = showing_closed(statuses)
    rows = []
    for st in statuses:
        c = st.closed if closed else None
        rows.append(
            Row(
                name=st.rec.name,
                trede=short_trede(st),
                opgave=(c.opgave.opgave if c else st.opgave.opgave),
                realised=(c.realised if c else st.realised),
                prognose=None if c else st.prognoses[0].rounded if st.prognoses else None,
                op_schema=None if c else st.op_schema,
            )
        )
    rows.sort(
        key=lambda r: (r.op_schema is not False, r.pct is None, r.pct and r.pct.value, r.name)
    )
    return rows, statuses


def showing_closed(statuses: list[Status]) -> bool:
    """True while no member has figures for the new period and the closed one has some."""
    return not any(st.realised is not None for st in statuses) and any(
        st.closed and st.closed.realised is not None for st in statuses
    )


def table(ctx: Ctx, rows: list[Row], first: str, second: str | None = None) -> str:
    """At most 34 characters wide (commands.table): details are one tap away."""
    return area_table(ctx, rows, first, second)


def _legend(ctx: Ctx) -> str:
    return legend(ctx)


def regio(ctx: Ctx, args: str) -> Reply:
    target = resolve(ctx, "regio", args, ("regio",))
    if isinstance(target, Reply):
        return target
    return Reply(area_text(ctx, target))


def area_text(ctx: Ctx, target: Target) -> str:
    _ = ctx._
    rows, statuses = rows_for(ctx, target.members)
    peil = max((s.snapshot.peildatum for s in statuses if s.snapshot), default=None)
    period = _period_title(ctx, statuses)
    missing = [r.name for r in rows if r.realised is None]
    parts = [
        f"<b>{ctx.e(target.name)}</b> — " + period,
        table(ctx, rows, _("gemeente")),
        _legend(ctx),
    ]
    if missing:
        parts.append(
            _("Zonder cijfers voor deze periode: {names}").format(
                names=ctx.e(format_list(missing, locale=ctx.fmt.locale))
            )
        )
    parts.append(footer(ctx, peil))
    return "\n".join(p for p in parts if p)


def _period_title(ctx: Ctx, statuses: list[Status]) -> str:
    if not statuses:
        return ""
    st = statuses[0]
    if showing_closed(statuses):
        return ctx._("periode {period}, afgesloten; de beoordeling is nog niet vastgelegd").format(
            period=st.period.previous.label
        )
    return ctx._("periode {period}").format(period=st.period.label)


def trede_counts(ctx: Ctx, rows: list[Row]) -> str:
    """'1 op trede 0, 5 op trede 3A en 43 met een onbekende trede': unknown is never 0."""
    counts = Counter(r.trede for r in rows)
    parts = [
        ctx._("{n} op trede {code}").format(n=v, code=k)
        for k, v in sorted(counts.items())
        if k != "?" and "/" not in k
    ]
    parts += [
        ctx._("{n} op trede {codes} (hangt af van een open vraag)").format(
            n=v, codes=ctx._(" of ").join(k.split("/"))
        )
        for k, v in sorted(counts.items())
        if "/" in k
    ]
    if counts["?"]:
        parts.append(ctx._("{n} met een onbekende trede").format(n=counts["?"]))
    return format_list(parts, locale=ctx.fmt.locale) if parts else ""


def totals_line(ctx: Ctx, statuses: list[Status]) -> str | None:
    """The area's own mid-period check, as the province's annex gives it."""
    t = totals(statuses)
    if t is None:
        return None
    _, num = ctx._, ctx.fmt.num
    line = _(
        "Samen: opgave {o}, de helft is {half}; gehuisvest {r} ({pct}): {verdict}. "
        "Nog te huisvesten: {left}"
    ).format(
        o=num(t.opgave),
        half=num(t.schedule.minimum),
        r=num(t.realised),
        pct=ctx.fmt.pct(t.pct_opgave),
        verdict=_verdict(ctx, t, statuses[0].period.midpoint),
        left=num(t.nog_te_huisvesten),
    )
    if t.koppelingen is not None:
        line += "; " + _("koppelingen: {k}").format(k=num(t.koppelingen))
    line += "."
    if t.with_figures < t.members:
        line += " " + _("Over {n} van de {m} gemeenten; de andere hebben geen cijfers.").format(
            n=t.with_figures, m=t.members
        )
    return line


def prognosis_line(ctx: Ctx, statuses: list[Status]) -> str | None:
    """The province's prognosis total, as its own overview sums it (engine.status.totals)."""
    t = totals(statuses)
    if t is None or t.prognose_rounded is None or showing_closed(statuses):
        return None
    period = statuses[0].period
    return ctx.ngettext(
        "Prognose voor {end}: {n} gehuisvest ({pct}), de som over {m} gemeente met cijfers "
        "(lineair; /prognose geeft de aannames).",
        "Prognose voor {end}: {n} gehuisvest ({pct}), de som over {m} gemeenten met cijfers "
        "(lineair; /prognose geeft de aannames).",
        t.with_figures,
    ).format(
        end=ctx.fmt.date(period.first_day_after),
        n=ctx.fmt.num(t.prognose_rounded),
        pct=ctx.fmt.pct(t.prognose_pct),
        m=t.with_figures,
    )


def _verdict(ctx: Ctx, t, midpoint) -> str:
    """Before the mid-period date the minimum is a target; after it, the figures per that date."""
    if ctx.today < midpoint:
        return ctx._("de helft al bereikt") if t.reached else ctx._("de helft nog niet bereikt")
    if t.op_schema is None:
        return ctx._(
            "de toets van {d} kan niet: niet alle gemeenten hebben cijfers per die dag"
        ).format(d=ctx.fmt.date(midpoint))
    verdict = ctx._("op schema") if t.op_schema else ctx._("niet op schema")
    return ctx._("per {d} {verdict}").format(d=ctx.fmt.date(midpoint), verdict=verdict)


def provincie(ctx: Ctx, args: str) -> Reply:
    target = resolve(ctx, "provincie", args, ("provincie",))
    if isinstance(target, Reply):
        return target
    _ = ctx._
    rows, statuses = rows_for(ctx, target.members)
    by_name = {r.name: r for r in rows}
    regions: dict[str, list[Row]] = {}
    for st in statuses:
        regions.setdefault(st.rec.municipality.regio or "–", []).append(by_name[st.rec.name])
    region_rows = []
    for name, members in sorted(regions.items()):
        data = [r for r in members if r.opgave is not None and r.realised is not None]
        region_rows.append(
            Row(
                name=name,
                trede=str(len(members)),
                opgave=sum(r.opgave for r in data) if data else None,
                realised=sum(r.realised for r in data) if data else None,
                prognose=sum(r.prognose or 0 for r in data) if data else None,
                op_schema=None,
            )
        )
    peil = max((s.snapshot.peildatum for s in statuses if s.snapshot), default=None)
    per_trede = trede_counts(ctx, rows)
    text = "\n".join(
        part
        for part in [
            f"<b>{ctx.e(target.name)}</b> — "
            + ctx.ngettext("{n} gemeente", "{n} gemeenten", len(rows)).format(n=len(rows)),
            table(ctx, region_rows, _("regio"), _("gem")),
            legend(ctx, _("gem")) + " " + _("Totalen alleen over gemeenten met cijfers."),
            totals_line(ctx, statuses) or None,
            prognosis_line(ctx, statuses),
            _("Gemeenten per trede: {counts}.").format(counts=per_trede),
            footer(ctx, peil),
        ]
        if part
    )
    return Reply(text)
