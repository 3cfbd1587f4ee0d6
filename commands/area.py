"""/regio and /provincie: compact tables, those behind schedule first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from commands.common import Target, footer, resolve
from commands.context import Ctx
from commands.reply import Reply
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


def _cell(ctx: Ctx, value, width: int) -> str:
    return ctx.fmt.num(value).rjust(width) if value is not None else "–".rjust(width)


def table(ctx: Ctx, rows: list[Row], first: str, second: str | None = None) -> str:
    """`second` heads the short column: the trede, or the number of municipalities."""
    _ = ctx._
    width = min(22, max([len(first)] + [len(r.name) for r in rows]))
    head = (
        f"{first:<{width}} "
        + (second or _("tr")).rjust(3)
        + _("opg").rjust(6)
        + _("geh").rjust(6)
        + "%".rjust(5)
        + _("prog").rjust(6)
    )
    lines = [head]
    for r in rows:
        pct = f"{r.pct}%" if r.pct is not None else "–"
        flag = "!" if r.op_schema is False else " "
        lines.append(
            f"{r.name[:width]:<{width}} {r.trede:>3}{_cell(ctx, r.opgave, 6)}"
            f"{_cell(ctx, r.realised, 6)}{pct:>5}{_cell(ctx, r.prognose, 6)}{flag}"
        )
    with_data = [r for r in rows if r.opgave is not None and r.realised is not None]
    total_label = _("Totaal")
    if with_data:
        opg = sum(r.opgave for r in with_data)
        real = sum(r.realised for r in with_data)
        prog = sum(r.prognose or 0 for r in with_data)
        pct = f"{round_half_up(100 * real / opg)}%" if opg else "–"
        lines.append(
            f"{total_label:<{width}} {'':>3}{_cell(ctx, opg, 6)}{_cell(ctx, real, 6)}"
            f"{pct:>5}{_cell(ctx, prog, 6)}"
        )
    return "<pre>" + "\n".join(ctx.e(x) for x in lines) + "</pre>"


def _legend(ctx: Ctx) -> str:
    return ctx._(
        "tr = trede, opg = opgave, geh = gehuisvest, % van de opgave, prog = prognose "
        "einde periode (lineair); ! = onder het minimum van de tussentijdse toets."
    )


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
            _("gem = aantal gemeenten; totalen alleen over gemeenten met cijfers."),
            _("Gemeenten per trede: {counts}").format(counts=per_trede),
            footer(ctx, peil),
        ]
    )
    return Reply(text)
