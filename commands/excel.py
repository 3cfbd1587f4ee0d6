"""/export [gemeente, regio of provincie]: the table of `taakbot export` as an .xlsx in the chat.

The same rows and columns as `taakbot export` (commands.export.export_rows), limited to the
scope asked for (the user's own scope by default), for province staff and coordinators.
"""

from __future__ import annotations

import io
import re
from itertools import zip_longest
from typing import Any

from commands.common import footer, resolve
from commands.context import Ctx
from commands.export import EXPORT_COLUMNS, export_rows
from commands.reply import Reply, Work
from sheets.tabs.values import runs_as_formula

SHEET_TITLE_MAX = 31  # an .xlsx tab name is at most 31 characters (pitfalls.md)


def export(ctx: Ctx, args: str) -> Reply:
    target = resolve(ctx, "export", args, ("gemeente", "regio", "provincie"))
    if isinstance(target, Reply):
        return target
    members = set(target.members)

    def run() -> Reply:
        rows = [r for r in export_rows(ctx.data, ctx.today) if r["gemeente"] in members]
        text = ctx.ngettext(
            "{name}: {n} gemeente, stand op {date}. Dezelfde cijfers als taakbot export.",
            "{name}: {n} gemeenten, stand op {date}. Dezelfde cijfers als taakbot export.",
            len(rows),
        ).format(name=f"<b>{ctx.e(target.name)}</b>", n=len(rows), date=ctx.fmt.date(ctx.today))
        note = footer(ctx)
        return Reply(
            text + ("\n" + note if note else ""),
            document=workbook(rows, target.name),
            document_name=file_name(target.name, ctx.today),
        )

    # The rows and the workbook are heavy work: the bot runs them in its lane.
    return Reply("", action=Work(run, f"export {target.name}", kind="export"))


def slug(text: str, empty: str = "taakbot") -> str:
    """'Zuid-Holland' → 'zuid-holland': a name as it may stand in a file name."""
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-") or empty


def file_name(scope: str, day) -> str:
    return f"taakbot-{slug(scope)}-{day.isoformat()}.xlsx"


def _cell(value: Any) -> Any:
    """Lists (redenen) as lines of text; everything else as it is (numbers stay numbers)."""
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


def workbook(rows: list[dict[str, Any]], title: str) -> bytes:
    return table_workbook(
        list(EXPORT_COLUMNS),
        [[_cell(row.get(column)) for column in EXPORT_COLUMNS] for row in rows],
        title,
    )


def table_workbook(
    headers: list[str], rows: list[list[Any]], title: str, widest: int = 40
) -> bytes:
    """One tab: a bold header, the first row and column frozen, widths to fit (at most
    `widest`); the one way Taakbot writes a table as .xlsx (/export, /ronde, the letters'
    overview). Text that would start a formula is stored as text."""
    from openpyxl import Workbook  # only when someone asks for a file
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)  # streamed: a country's round in a fraction of the time
    sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", title)[:SHEET_TITLE_MAX] or "taakbot")
    sheet.freeze_panes = "B2"
    for n, column in enumerate(zip_longest(headers, *rows), start=1):
        width = max(len(str(value or "").split("\n")[0]) for value in column)
        sheet.column_dimensions[get_column_letter(n)].width = min(widest, max(8, width + 2))

    def cell(value: Any, bold: bool = False) -> Any:
        out = WriteOnlyCell(sheet, value)
        if bold:
            out.font = Font(bold=True)
        if runs_as_formula(value):
            out.data_type = "s"  # sheet text is shown, never run (OWASP)
        return out

    sheet.append([cell(h, bold=True) for h in headers])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
