"""Tables that fit a phone held upright: at most 34 characters a line inside <pre>.

Short names, the columns that matter (trede, gehuisvest of the opgave, percentage, behind
schedule), and the details one tap away (the buttons under the answer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from commands.context import Ctx
from engine.reasons import OF_OPGAVE, percentage

WIDTH = 34  # characters of a <pre> line on a phone held upright (Telegram, 360 dp)
_SHORTER = (
    (re.compile(r"\baan den\b|\baan de\b", re.I), "a/d"),
    (re.compile(r"^Regio\s+", re.I), ""),
    (re.compile(r"\s*\(.*\)$"), ""),
)


def short_name(name: str, width: int) -> str:
    """'Capelle aan den IJssel' → 'Capelle a/d IJssel', 'Leidschendam-Voorburg' →
    'Leidschendam-V.', else cut with '…'; names that fit stay as they are."""
    if len(name) <= width:
        return name
    for pattern, replacement in _SHORTER:
        shorter = pattern.sub(replacement, name).strip()
        if shorter and len(shorter) < len(name):
            name = shorter
            if len(name) <= width:
                return name
    head, dash, tail = name.partition("-")
    if dash and tail and len(head) + 3 <= width:
        return f"{head}-{tail[0]}."
    return name[: width - 1].rstrip() + "…"


def render(header: Sequence[str], rows: Sequence[Sequence[str]], width: int = WIDTH) -> list[str]:
    """Column 0 left-aligned and shortened to fit; the other columns right-aligned. A last
    column named '' is a one-character flag glued to the one before it."""
    cols = len(header)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(cols)]
    flag = cols > 1 and header[-1] == ""
    gaps = (cols - 1) - (1 if flag else 0)
    room = width - sum(widths[1:]) - gaps
    widths[0] = max(4, min(widths[0], room))
    lines = []
    for r in [header, *rows]:
        cells = [short_name(r[0], widths[0]).ljust(widths[0])]
        cells += [r[i].rjust(widths[i]) for i in range(1, cols - (1 if flag else 0))]
        line = " ".join(cells) + (r[-1].ljust(1) if flag else "")
        lines.append(line.rstrip())
    return lines


def pre(ctx: Ctx, lines: Sequence[str]) -> str:
    return "<pre>" + "\n".join(ctx.e(x) for x in lines) + "</pre>"


def area_table(ctx: Ctx, rows, first: str, second: str | None = None) -> str:
    """/regio and /provincie: name, trede (or the number of municipalities), gehuisvest/opgave,
    % of the opgave and '!' behind the mid-period minimum; a total line over rows with figures.
    `rows` carry name, trede, opgave, realised, op_schema (commands.area.Row)."""
    _ = ctx._
    num = ctx.fmt.num
    header = [first, second or _("tr"), _("geh/opg"), "%", ""]
    body = []
    for r in rows:
        share = _ratio(num, r.realised, r.opgave)
        pct = _pct(ctx, r.realised, r.opgave)
        body.append([r.name, str(r.trede), share, pct, "!" if r.op_schema is False else ""])
    with_data = [r for r in rows if r.opgave is not None and r.realised is not None]
    if with_data:
        opg = sum(r.opgave for r in with_data)
        real = sum(r.realised for r in with_data)
        body.append([_("Totaal"), "", _ratio(num, real, opg), _pct(ctx, real, opg), ""])
    return pre(ctx, render(header, body))


def legend(ctx: Ctx, second: str | None = None) -> str:
    _ = ctx._
    if second:
        return _("gem = aantal gemeenten; geh/opg = gehuisvest van de opgave, % van de opgave.")
    return _(
        "tr = trede (? = onbekend, 2/3A = hangt af van een open vraag); geh/opg = gehuisvest van de opgave, % van de opgave; "
        "! = onder het minimum van de tussentijdse toets."
    )


def _ratio(num, realised, opgave) -> str:
    if realised is None and opgave is None:
        return "–"
    return f"{num(realised) if realised is not None else '–'}/{num(opgave)}"


def _pct(ctx: Ctx, realised: int | None, opgave: int | None) -> str:
    """The engine's percentage of the opgave, unlabelled (the legend names it); '–' for none."""
    if opgave is None or realised is None:
        return "–"
    return ctx.fmt.pct(percentage(realised, opgave, OF_OPGAVE), with_label=False)
