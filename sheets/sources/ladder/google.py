"""Record ladder decisions in a Google Sheet: one `values.append` for the whole round.

Reading needs only the read-only scope; this write asks for the spreadsheets scope, and the
service account must be an *editor* of the sheet: a reader gets 403 PERMISSION_DENIED, which
becomes one line saying how to share it. An append that timed out may have landed (pitfalls.md):
before it is tried again the tab is read back, so a retry never writes twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from http import HTTPStatus
from typing import Any

import gspread
import requests
from gspread.exceptions import APIError
from gspread.utils import DateTimeOption, ValueInputOption, ValueRenderOption

from sheets.sources.gsheet import GoogleSheetSource, SourceError
from sheets.sources.ladder.base import (
    LadderRow,
    NoWriteAccess,
    WriteError,
    Written,
    defused,
    existing,
    ladder_title,
    layout,
    sort_out,
)
from sheets.tabs.layout import column_letter, normalise

log = logging.getLogger(__name__)


def _entered(key: str, value: Any) -> Any:
    """USER_ENTERED turns '2022-07-01' into a date; text that would start a formula is kept
    as text with a leading apostrophe (a typed toelichting is never run as a formula)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return defused(key, value)


def append(
    source: GoogleSheetSource,
    rows: Sequence[LadderRow],
    aliases: Callable[[str], Sequence[str]] = lambda n: (n,),
) -> Written:
    client = source.write_client()
    try:
        return _append(source, client, rows, aliases)
    except APIError as exc:
        raise _error(source, exc) from exc
    except SourceError as exc:  # retries spent, or the key refused
        raise WriteError(f"{exc} Er is niets dubbel geschreven.") from exc
    except requests.RequestException as exc:
        raise WriteError(
            f"{source.describe()}: schrijven mislukte ({type(exc).__name__}); probeer het opnieuw."
        ) from exc
    finally:
        client.http_client.session.close()


def _append(source, client, rows, aliases) -> Written:
    sheet = source.call(lambda: client.open_by_key(source.spreadsheet_id))
    worksheets = source.call(sheet.worksheets)
    title = ladder_title([w.title for w in worksheets])
    created = title is None
    if created:
        title = "ladder"
        ws = source.call(lambda: sheet.add_worksheet(title, rows=1000, cols=6))
        raw: list[list[Any]] = []
    else:
        ws = next(w for w in worksheets if w.title == title)
        raw = _read(source, ws)
    lay = layout(title, raw)
    out = sort_out(rows, raw, lay, aliases, created)
    if not out.added:
        return out
    values = [lay.cells(row, _entered) for row in out.added]
    if created:
        header = [""] * lay.width
        for key, column in lay.columns.items():
            header[column] = key
        values.insert(0, header)
    elif lay.new_headers:  # 'vastgelegd_door', 'vastgelegd_op' in the free cells beside it
        first, last = min(lay.new_headers), max(lay.new_headers)
        cells = f"{column_letter(first)}{lay.header_row}:{column_letter(last)}{lay.header_row}"
        names = [lay.new_headers.get(c, "") for c in range(first, last + 1)]
        source.call(lambda: ws.update([names], cells, value_input_option=ValueInputOption.raw))
    tried = False

    def attempt() -> Any:
        nonlocal tried
        if tried and _landed(source, ws, lay, out.added):
            log.info("%s: de vorige poging was toch aangekomen", source.describe())
            return {}
        tried = True
        return ws.append_rows(
            values,
            value_input_option=ValueInputOption.user_entered,
            table_range=f"A{lay.header_row}",
        )

    answer = source.call(attempt)
    updated = (answer or {}).get("updates", {}).get("updatedRange", "")
    out.rows = updated.rpartition("!")[2] and f"{title}!{updated.rpartition('!')[2]}"
    return out


def _read(source: GoogleSheetSource, ws: gspread.Worksheet) -> list[list[Any]]:
    return source.call(
        lambda: ws.get(
            value_render_option=ValueRenderOption.unformatted,
            date_time_render_option=DateTimeOption.serial_number,
            pad_values=False,
        )
    )


def _landed(source, ws, lay, rows: Sequence[LadderRow]) -> bool:
    """Every row of this round is in the tab with our own stamp (who and when)."""
    raw = _read(source, ws)
    door = lay.columns["vastgelegd_door"]
    mine = {
        (r[lay.columns["gemeente"]], r[door] if door < len(r) else None)
        for r in raw[lay.header_row :]
        if len(r) > lay.columns["gemeente"]
    }
    found = existing(raw, lay)
    return all(
        (row.gemeente, row.door) in mine and found.get((normalise(row.gemeente), row.datum))
        for row in rows
    )


def _error(source: GoogleSheetSource, exc: APIError) -> WriteError:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    who = source.client_email or "het service-account"
    if status == HTTPStatus.FORBIDDEN:
        return NoWriteAccess(
            f"{source.describe()} is met {who} gedeeld om te lezen, niet om te bewerken. "
            f"Deel de sheet met {who} als bewerker (Delen → {who} → Bewerker) en probeer het "
            "opnieuw. Er is niets geschreven."
        )
    if status == HTTPStatus.NOT_FOUND:
        return WriteError(f"{source.describe()} is niet gevonden of niet gedeeld met {who}.")
    return WriteError(f"{source.describe()}: Google Sheets gaf HTTP {status} bij het schrijven.")
