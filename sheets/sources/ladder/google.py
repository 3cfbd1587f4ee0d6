"""Record ladder decisions in a Google Sheet: one `values.append` for the whole round, made
exactly once by the write-id protocol (sheets.sources.ladder.protocol), since Google has no
lock or transaction another process would honour.

Reading needs only the read-only scope; this write asks for the spreadsheets scope, and the
service account must be an *editor* of the sheet: a reader gets 403 PERMISSION_DENIED, which
becomes one line saying how to share it. An append whose answer is lost may have landed
(pitfalls.md): it is read back by its write id before it is tried again, and when even that
read fails the report says "onzeker: mogelijk geschreven" and names the write id to look for.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
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
    Reading,
    UncertainWrite,
    WriteError,
    Written,
    entries,
    ladder_title,
    layout,
    sort_out,
)
from sheets.sources.ladder.protocol import (
    FIELDS,
    WRITE_ID,
    entered,
    new_write_id,
    outcome,
    settle,
    tidy,
    uncertain,
    void_note,
)
from sheets.tabs.layout import column_letter

log = logging.getLogger(__name__)


def append(source: GoogleSheetSource, rows: Sequence[LadderRow], reading: Reading | None = None
           ) -> Written:  # fmt: skip
    client = source.write_client()
    try:
        return _append(source, client, rows, reading or Reading())
    except APIError as exc:
        raise _error(source, exc) from exc
    except SourceError as exc:  # retries spent, or the key refused, before anything was sent
        raise WriteError(f"{exc} Er is niets geschreven.") from exc
    except requests.RequestException as exc:
        raise WriteError(
            f"{source.describe()}: schrijven mislukte ({type(exc).__name__}); probeer het "
            "opnieuw. Er is niets geschreven."
        ) from exc
    finally:
        client.http_client.session.close()


def _append(source: GoogleSheetSource, client, rows, reading: Reading) -> Written:
    sheet = source.call(lambda: client.open_by_key(source.spreadsheet_id))
    worksheets = source.call(sheet.worksheets)
    title = ladder_title([w.title for w in worksheets])
    created = title is None
    if created:
        title = "ladder"
        ws = source.call(lambda: sheet.add_worksheet(title, rows=1000, cols=len(FIELDS)))
        raw: list[list[Any]] = []
    else:
        ws = next(w for w in worksheets if w.title == title)
        raw = _read(source, ws)
    lay = layout(title, raw, FIELDS)
    out = sort_out(rows, raw, lay, reading, created)
    if raw:
        _mark(source, ws, lay, tidy(raw, lay, rows, reading), out)  # an earlier write's copies
    if not out.added:
        return out
    write_id = new_write_id()
    values = [lay.cells(row, entered, {WRITE_ID: write_id}) for row in out.added]
    if created:
        header = [""] * lay.width
        for key, column in lay.columns.items():
            header[column] = key
        values.insert(0, header)
    elif lay.new_headers:  # 'vastgelegd_door', …, 'schrijf_id' in the free cells beside it
        first, last = min(lay.new_headers), max(lay.new_headers)
        cells = f"{column_letter(first)}{lay.header_row}:{column_letter(last)}{lay.header_row}"
        names = [lay.new_headers.get(c, "") for c in range(first, last + 1)]
        source.call(lambda: ws.update([names], cells, value_input_option=ValueInputOption.raw))
    where = f"{source.describe()}, tabblad {title}"
    sent = False

    def attempt() -> Any:
        nonlocal sent
        if sent and _has(_read(source, ws), lay, write_id):
            log.info("%s: de vorige poging was toch aangekomen", source.describe())
            return {}
        sent = True
        return ws.append_rows(
            values,
            value_input_option=ValueInputOption.user_entered,
            table_range=f"A{lay.header_row}",
        )

    try:
        answer = source.call(attempt)
    except (SourceError, requests.RequestException) as exc:  # a 4xx APIError: refused
        if not sent:
            raise
        raise uncertain(where, write_id, _why(exc)) from exc
    try:
        back = _read(source, ws)
    except (SourceError, APIError, requests.RequestException) as exc:
        raise UncertainWrite(
            f"onzeker: geschreven, maar niet nagelezen ({_why(exc)}). Kijk in {where} of een "
            f"gemeente op deze datum twee rijen heeft; de rijen met schrijf_id {write_id} zijn "
            "van deze poging."
        ) from exc
    settled = settle(back, lay, write_id, out.added, reading)
    if settled.missing:
        raise uncertain(where, write_id, f"{len(settled.missing)} rijen niet teruggelezen")
    _mark(source, ws, lay, {r: (settled.winners[r], write_id) for r in settled.void}, out)
    done = outcome(out, settled)
    updated = (answer or {}).get("updates", {}).get("updatedRange", "")
    if updated and not settled.void:
        done.rows = f"{title}!{updated.rpartition('!')[2]}"
    return done


def _mark(source, ws, lay, void: dict[int, tuple[int, str]], out: Written) -> None:
    """Mark each second copy 'vervallen: dubbel van rij N (its write id)' in its write-id cell
    (RAW: as is)."""
    column = column_letter(lay.columns[WRITE_ID])
    for row, (winner, write_id) in sorted(void.items()):
        note = [[void_note(winner, write_id)]]
        try:
            source.call(
                lambda r=row, n=note: ws.update(
                    n, f"{column}{r}", value_input_option=ValueInputOption.raw
                )
            )
        except (SourceError, APIError, requests.RequestException) as exc:
            raise UncertainWrite(
                f"onzeker: mogelijk dubbel ({_why(exc)}): rij {row} van {source.describe()}, "
                f"tabblad {lay.title} is een tweede kopie; zet in kolom {WRITE_ID} "
                f"'{void_note(winner, write_id)}' of verwijder de rij."
            ) from exc
        out.voided.append(f"{lay.title}!{column}{row}")


def _why(exc: BaseException) -> str:
    if isinstance(exc, APIError):
        status = getattr(getattr(exc, "response", None), "status_code", None)
        return f"Google Sheets gaf HTTP {status}"
    if isinstance(exc, SourceError):
        return "geen antwoord van Google Sheets, ook niet na nieuwe pogingen"
    return f"het antwoord ging verloren ({type(exc).__name__})"


def _read(source: GoogleSheetSource, ws: gspread.Worksheet) -> list[list[Any]]:
    return source.call(
        lambda: ws.get(
            value_render_option=ValueRenderOption.unformatted,
            date_time_render_option=DateTimeOption.serial_number,
            pad_values=False,
        )
    )


def _has(raw: list[list[Any]], lay, write_id: str) -> bool:
    """Some row of this write is in the tab (an append lands whole or not at all)."""
    return any(e.write_id == write_id for e in entries(raw, lay, void=True))


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
