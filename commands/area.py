"""/regio and /provincie: compact tables, those behind schedule first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from commands.common import Target, footer, resolve
from commands.context import Ctx
from commands.reply import Reply
from commands.table import area_table, legend
from engine.reasons import round_half_up
from engine.status import Status, status_on


@dataclass(slots=True)
class Row:
    name: str
    trede: str
    opgave: int | None
    realised: int | None
    prognose: int | None
    op_schema: bool | None

    @property
    def pct(self) -> int | None:
        if self.opgave and self.realised is not None:
            return round_half_up(100 * self.realised / self.opgave)
        return None


def rows_for(ctx: Ctx, names) -> tuple[list[Row], list[Status]]:
    rows, statuses = [], []
    for name in names:
        st = status_on(ctx.data, name, ctx.today)
        statuses.append(st)
        rows.append(
            Row(
                name=name,
                trede=st.trede.code,
                opgave=st.opgave.opgave if st.opgave else None,
                realised=st.realised,
                prognose=st.prognoses[0].rounded if st.prognoses else None,
                op_schema=st.op_schema,
            )
        )
    rows.sort(key=lambda r: (r.op_schema is not False, r.pct is None, r.pct or 0, r.name))
    return rows, statuses


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
    period = statuses[0].period.label if statuses else ""
    missing = [r.name for r in rows if r.realised is None]
    parts = [
        f"<b>{ctx.e(target.name)}</b> — " + _("periode {period}").format(period=period),
        table(ctx, rows, _("gemeente")),
        _legend(ctx),
    ]
    if missing:
        parts.append(
            _("Zonder cijfers voor deze periode: {names}").format(names=ctx.e(", ".join(missing)))
        )
    parts.append(footer(ctx, peil))
    return "\n".join(p for p in parts if p)


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
    counts = Counter(r.trede for r in rows)
    peil = max((s.snapshot.peildatum for s in statuses if s.snapshot), default=None)
    per_trede = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    text = "\n".join(
        [
            f"<b>{ctx.e(target.name)}</b> — "
            + ctx.ngettext("{n} gemeente", "{n} gemeenten", len(rows)).format(n=len(rows)),
            table(ctx, region_rows, _("regio"), _("gem")),
            legend(ctx, _("gem")) + " " + _("Totalen alleen over gemeenten met cijfers."),
            _("Gemeenten per trede: {counts}").format(counts=per_trede),
            footer(ctx, peil),
        ]
    )
    return Reply(text)
