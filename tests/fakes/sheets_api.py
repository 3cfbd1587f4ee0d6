"""A fake Google Sheets API v4 on loopback, so tests drive the real, unmodified gspread over HTTP.

It serves what Taakbot reads: ``GET /v4/spreadsheets/{id}`` (metadata) and
``GET /v4/spreadsheets/{id}/values:batchGet`` (values), and what it writes when it records a
ladder round: ``GET …/values/{range}``, ``POST …/values/{range}:append``, ``PUT …/values/{range}``
and ``POST …:batchUpdate`` (addSheet), with ``valueInputOption`` RAW or USER_ENTERED (a typed
"2022-07-01" becomes a date cell, a leading apostrophe keeps text). ``share_read_only(id)``
answers every write 403 PERMISSION_DENIED, as Google does for a reader; ``lose_next_write_answer()``
applies a write and then drops the connection (a write that timed out but landed). All in Google's
JSON shapes, with Google's
error bodies (404 unknown id, 400 unparsable range, 429 quota, 503 down). Values render like the
real API: trailing empty cells and rows are trimmed; ``FORMATTED_VALUE`` (the default) shows every
cell as text in the sheet's locale (``nl_NL`` "12,5" and "1-7-2022", ``en_US`` "12.5" and
"7/1/2022"); ``UNFORMATTED_VALUE`` gives numbers, and dates (``datetime.date`` cells) as serial
numbers (days since 1899-12-30) or, with ``dateTimeRenderOption=FORMATTED_STRING``, as the
locale's text. ``Percent(0.63)`` is a %-formatted cell: 0.63 unformatted, "63%" formatted. Tests steer it with plain Python methods; it never checks credentials, but
``POST /token`` hands out OAuth tokens, so a test key file whose ``token_uri`` is
``server.token_uri`` exercises the real service-account flow without reaching Google.

    async with FakeSheetsServer(workbooks={"sheet-id": {"gemeenten": rows}}) as srv: ...
    with FakeSheetsServer.in_thread(workbooks=...) as srv: ...   # for synchronous gspread
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple
from urllib.parse import parse_qs

from aiohttp import web


@dataclass(frozen=True, slots=True)
class Percent:
    """A cell with a %-format: the share unformatted, "63%" formatted."""

    value: float


@dataclass(frozen=True, slots=True)
class Formula:
    """What USER_ENTERED made of text that starts a formula (`=…`, `+1+2`): Google would run
    it. A test that finds one in a tab has found text Taakbot let become a formula. It reads
    back as '#FORMULE(…)' so no reader takes it for the text that was meant."""

    source: str


Cell = str | int | float | bool | date | Percent | Formula | None
Rows = Sequence[Sequence[Cell]]
Workbook = Mapping[str, Rows]

API_PREFIX = "/v4/spreadsheets/"
_STATUS_NAMES = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: (
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
        "per user' of service 'sheets.googleapis.com'.",
    ),
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}
_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_A1_END = re.compile(r"^([A-Za-z]*)([0-9]*)$")


class RecordedRequest(NamedTuple):
    """One HTTP request as the fake saw it; ``kind``: metadata, batchGet, token or other."""

    method: str
    path: str
    query: dict[str, list[str]]
    kind: str
    authorization: str | None = None


@dataclass
class _Fault:
    status: int
    times: int
    kind: str | None
    retry_after: float | None
    message: str | None


def google_error(status: int, message: str | None = None) -> web.Response:
    """Answer in Google's error shape: ``{"error": {"code", "message", "status"}}``."""
    name, default = _STATUS_NAMES.get(status, ("UNKNOWN", "Error."))
    body = {"error": {"code": status, "message": message or default, "status": name}}
    return web.json_response(body, status=status)


def column_letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


def _quote_sheet(name: str) -> str:
    """Quote a sheet name the way Google echoes it: only when it needs quoting."""
    if _SIMPLE_NAME.fullmatch(name) and not _CELL_LIKE.fullmatch(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def split_range(text: str) -> tuple[str, str | None]:
    """Split ``'tab''s'!A1:B2`` into ``("tab's", "A1:B2")``; the A1 part may be absent."""
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(text[i])
            i += 1
        rest = text[i + 1 :]
        return "".join(name), (rest[1:] if rest.startswith("!") else None) or None
    sheet, _, a1 = text.partition("!")
    return sheet, a1 or None


def _crop(values: list[list[Cell]], a1: str | None) -> list[list[Cell]]:
    """Cut ``values`` to an A1 range such as ``A1:C10``, ``B:B`` or ``2:5`` (inclusive)."""
    if not a1:
        return values
    start, _, end = a1.partition(":")
    end = end or start
    m1, m2 = _A1_END.match(start), _A1_END.match(end)
    if not m1 or not m2:
        raise ValueError(a1)
    c0 = _column_number(m1.group(1)) if m1.group(1) else 1
    r0 = int(m1.group(2)) if m1.group(2) else 1
    c1 = _column_number(m2.group(1)) if m2.group(1) else None
    r1 = int(m2.group(2)) if m2.group(2) else None
    rows = values[r0 - 1 : r1]
    return [row[c0 - 1 : c1] for row in rows]


def _trim(rows: Rows) -> list[list[Cell]]:
    """Drop trailing empty cells and rows; inner blanks become "" as in the real API."""
    out: list[list[Cell]] = []
    for row in rows:
        cells = ["" if cell is None else cell for cell in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


_SERIAL_EPOCH = date(1899, 12, 30)


def _date_text(cell: date, locale: str) -> str:
    if locale.startswith("en_US"):
        return f"{cell.month}/{cell.day}/{cell.year}"
    return f"{cell.day}-{cell.month}-{cell.year}"


def _formatted(cell: Cell, locale: str = "nl_NL") -> Cell:
    """The cell as the sheet shows it in `locale`."""
    comma = not locale.startswith("en")
    if isinstance(cell, Formula):
        return f"#FORMULE({cell.source})"
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime | date):
        return _date_text(cell, locale)
    if isinstance(cell, Percent):
        return f"{round(cell.value * 100)}%"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, float):
        return str(cell).replace(".", ",") if comma else str(cell)
    return cell if isinstance(cell, str) else str(cell)


def _unformatted(cell: Cell, dates: str, locale: str) -> Cell:
    """The cell's value; a date as its serial number or (FORMATTED_STRING) the locale's text."""
    if isinstance(cell, Percent):
        return cell.value
    if isinstance(cell, Formula):
        return f"#FORMULE({cell.source})"
    if isinstance(cell, datetime | date):
        day = cell.date() if isinstance(cell, datetime) else cell
        if dates == "FORMATTED_STRING":
            return _date_text(day, locale)
        serial = (day - _SERIAL_EPOCH).days
        if isinstance(cell, datetime):  # a time of day is the fraction after the day
            return serial + (cell.hour * 3600 + cell.minute * 60 + cell.second) / 86400
        return serial
    return cell


def _classify(method: str, path: str) -> tuple[str, str]:
    """Return (kind, spreadsheet id) for a request; unknown routes are "other"."""
    rest = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else None
    if method == "GET" and rest and rest.endswith("/values:batchGet"):
        return "batchGet", rest[: -len("/values:batchGet")]
    if method == "GET" and rest and "/" not in rest and ":" not in rest:
        return "metadata", rest
    if method == "POST" and path == "/token":
        return "token", ""
    if rest and method == "POST" and rest.endswith(":batchUpdate") and "/" not in rest:
        return "batchUpdate", rest[: -len(":batchUpdate")]
    if rest and "/values/" in rest:
        sid, _, tail = rest.partition("/values/")
        if method == "POST" and tail.endswith(":append"):
            return "append", sid
        if method == "PUT":
            return "update", sid
        if method == "GET":
            return "valuesGet", sid
    return "other", ""


WRITES = frozenset({"append", "update", "batchUpdate"})
_ENTERED_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$")


_ENTERED_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


def user_entered(value: Any) -> Cell:
    """What Google's USER_ENTERED makes of typed text, as the Sheets UI does: a leading
    apostrophe means "text" and is not stored (`'s-Gravenhage` becomes `s-Gravenhage`,
    `''s-Gravenhage` stays `'s-Gravenhage`); `2022-07-01` becomes a date cell (with a time, a
    date-time); `12` and `12.5` numbers; TRUE/FALSE booleans; `=…`, and `+`/`-` before
    anything but a number, a formula."""
    if not isinstance(value, str):
        return value
    if value.startswith("'"):
        return value[1:]
    if m := _ENTERED_DATE.match(value):
        parts = [int(p) for p in m.groups() if p is not None]
        return datetime(*parts) if len(parts) == 6 else date(*parts)
    if _ENTERED_NUMBER.match(value):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    if value.startswith(("=", "+", "-")) and len(value) > 1:
        return Formula(value)
    return value


class FakeSheetsServer:
    """The fake API; ``url`` is its root (``http://127.0.0.1:PORT``), as gspread's is Google's."""

    def __init__(
        self,
        workbooks: Mapping[str, Workbook] | None = None,
        *,
        title: str = "Taakbot test",
        locale: str = "nl_NL",
    ) -> None:
        self.title, self.locale = title, locale
        self.requests: list[RecordedRequest] = []
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._books: dict[str, dict[str, list[list[Cell]]]] = {}
        self._sheet_ids: dict[tuple[str, str], int] = {}
        self._faults: list[_Fault] = []
        self._down: str | None = None
        self._read_only: set[str] = set()
        self._lose_answers = 0
        self._lose_kind = "append"
        self._then_down: str | None = None
        self._tokens = 0
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        for sid, book in (workbooks or {}).items():
            self.set_workbook(book, spreadsheet_id=sid)

    # -- life cycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeSheetsServer is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def token_uri(self) -> str:
        """An OAuth token endpoint: put it in a test key file's ``token_uri``."""
        return self.url + "/token"

    async def start(self) -> FakeSheetsServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSheetsServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @classmethod
    @contextlib.contextmanager
    def in_thread(cls, *args: Any, **kwargs: Any) -> Iterator[FakeSheetsServer]:
        """Run the server on its own event loop in a daemon thread, for synchronous callers."""
        server = cls(*args, **kwargs)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="fake-sheets-api", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=10)
            yield server
        finally:
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()

    # -- steering -----------------------------------------------------------------------------

    def set_workbook(self, tabs: Workbook, *, spreadsheet_id: str | None = None) -> None:
        """Replace (or add) a spreadsheet's tabs; without an id, the only one served."""
        with self._lock:
            if spreadsheet_id is None:
                if len(self._books) != 1:
                    raise ValueError("name the spreadsheet_id: the fake serves several or none")
                spreadsheet_id = next(iter(self._books))
            self._books[spreadsheet_id] = {
                title: [list(row) for row in rows] for title, rows in tabs.items()
            }
            for title in tabs:
                key = (spreadsheet_id, title)
                self._sheet_ids.setdefault(key, len(self._sheet_ids) * 7 + 1)

    def fail_next(
        self,
        status: int = 429,
        times: int = 1,
        *,
        kind: str | None = None,
        retry_after: float | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (of ``kind``, if given) with ``status``."""
        with self._lock:
            self._faults.append(_Fault(status, times, kind, retry_after, message))

    def go_down(self, mode: str = "unavailable") -> None:
        """Fail every request: ``"unavailable"`` answers 503, ``"reset"`` drops the connection."""
        if mode not in ("unavailable", "reset"):
            raise ValueError(mode)
        with self._lock:
            self._down = mode

    def share_read_only(self, spreadsheet_id: str, read_only: bool = True) -> None:
        """The service account may read but not edit: writes answer 403 PERMISSION_DENIED."""
        with self._lock:
            (self._read_only.add if read_only else self._read_only.discard)(spreadsheet_id)

    def lose_next_write_answer(
        self, times: int = 1, kind: str = "append", then: str | None = None
    ) -> None:
        """Apply the next write(s) of `kind`, then drop the connection before answering; with
        `then` ("unavailable" or "reset") the fake goes down right after (until come_back)."""
        with self._lock:
            self._lose_answers += times
            self._lose_kind = kind
            self._then_down = then

    def tab(self, spreadsheet_id: str, title: str) -> list[list[Cell]]:
        """A tab's cells as stored (dates as dates), for assertions."""
        with self._lock:
            return [list(row) for row in self._books[spreadsheet_id][title]]

    def titles(self, spreadsheet_id: str) -> list[str]:
        with self._lock:
            return list(self._books[spreadsheet_id])

    def come_back(self) -> None:
        with self._lock:
            self._down = None

    def count(self, kind: str) -> int:
        """Requests of one kind seen so far ("metadata", "batchGet", "other")."""
        with self._lock:
            return self.counts[kind]

    def reset_log(self) -> None:
        """Forget recorded requests and counters (workbooks and faults stay)."""
        with self._lock:
            self.requests.clear()
            self.counts.clear()

    # -- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        kind, sid = _classify(request.method, path)
        query = parse_qs(request.query_string, keep_blank_values=True)
        body = await request.json() if kind in WRITES and request.can_read_body else None
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    request.method, path, query, kind, request.headers.get("Authorization")
                )
            )
            self.counts[kind] += 1
            down = self._down
            fault = self._take_fault(kind)
            self._tokens += kind == "token"
        if down == "reset":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # aiohttp drops the connection without an answer
        if down == "unavailable":
            return google_error(503)
        if fault is not None:
            response = google_error(fault.status, fault.message)
            if fault.retry_after is not None:
                response.headers["Retry-After"] = f"{fault.retry_after:g}"
            return response
        if kind in WRITES:
            return self._write(request, kind, sid, path, query, body)
        return self._answer(kind, sid, query, f"{request.method} {path}")

    def _write(self, request, kind, sid, path, query, body) -> web.Response:
        with self._lock:
            book = self._books.get(sid)
            if book is None:
                return google_error(404)
            if sid in self._read_only:
                return google_error(403)
            if kind == "batchUpdate":
                answer = self._batch_update(sid, book, body or {})
            else:
                rng = path.partition("/values/")[2].removesuffix(":append")
                entered = query.get("valueInputOption", ["RAW"])[0] == "USER_ENTERED"
                values = [
                    [user_entered(c) if entered else c for c in row]
                    for row in (body or {}).get("values", [])
                ]
                answer = self._put_values(sid, book, rng, values, kind == "append")
            if isinstance(answer, web.Response):
                return answer
            lose = self._lose_answers > 0 and kind == self._lose_kind
            self._lose_answers -= lose
            if lose and self._then_down:
                self._down, self._then_down = self._then_down, None
        if lose and request.transport is not None:
            request.transport.abort()
            raise asyncio.CancelledError
        return web.json_response(answer)

    def _batch_update(self, sid, book, body) -> dict[str, Any] | web.Response:
        replies = []
        for req in body.get("requests", []):
            props = req.get("addSheet", {}).get("properties")
            if props is None:
                return google_error(400, "only addSheet is faked")
            title = props["title"]
            if title in book:
                return google_error(400, f'A sheet with the name "{title}" already exists.')
            book[title] = []
            self._sheet_ids.setdefault((sid, title), len(self._sheet_ids) * 7 + 1)
            replies.append(
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": self._sheet_ids[(sid, title)],
                            "title": title,
                            "index": len(book) - 1,
                            "sheetType": "GRID",
                            "gridProperties": props.get(
                                "gridProperties", {"rowCount": 1000, "columnCount": 26}
                            ),
                        }
                    }
                }
            )
        return {"spreadsheetId": sid, "replies": replies}

    def _put_values(self, sid, book, rng, values, append) -> dict[str, Any] | web.Response:
        title, a1 = split_range(rng)
        if title not in book:
            return google_error(400, f"Unable to parse range: {rng}")
        m = _A1_END.match((a1 or "A1").partition(":")[0])
        if not m:
            return google_error(400, f"Unable to parse range: {rng}")
        col = _column_number(m.group(1)) if m.group(1) else 1
        rows = book[title]
        # An append goes after the last row with content (the table the range points into).
        first = len(_trim(rows)) + 1 if append else int(m.group(2) or 1)
        width = max((len(r) for r in values), default=0)
        for i, row in enumerate(values):
            while len(rows) < first + i:
                rows.append([])
            target = rows[first + i - 1]
            while len(target) < col - 1 + len(row):
                target.append(None)
            for j, cell in enumerate(row):
                target[col - 1 + j] = None if cell == "" else cell
        last = column_letters(col + width - 1)
        updated = (
            f"{_quote_sheet(title)}!{column_letters(col)}{first}:{last}{first + len(values) - 1}"
        )
        update = {
            "spreadsheetId": sid,
            "updatedRange": updated,
            "updatedRows": len(values),
            "updatedColumns": width,
            "updatedCells": sum(len(r) for r in values),
        }
        if append:
            return {
                "spreadsheetId": sid,
                "tableRange": f"{_quote_sheet(title)}!A1",
                "updates": update,
            }
        return update

    def _values_get(self, book, rng: str, query) -> web.Response:
        title, a1 = split_range(rng)
        if title not in book:
            return google_error(400, f"Unable to parse range: {rng}")
        dates = query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0]
        render = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        values = _trim(_crop(_trim(book[title]), a1))
        if render == "FORMATTED_VALUE":
            values = [[_formatted(c, self.locale) for c in row] for row in values]
        else:
            values = [[_unformatted(c, dates, self.locale) for c in row] for row in values]
        body: dict[str, Any] = {"range": f"{_quote_sheet(title)}!{a1 or 'A1:Z1000'}"}
        body["majorDimension"] = "ROWS"
        if values:
            body["values"] = values
        return web.json_response(body)

    def _answer(self, kind: str, sid: str, query: dict[str, list[str]], what: str) -> web.Response:
        if kind == "token":
            # google-auth's JWT-bearer grant: any assertion buys a token that lasts an hour.
            return web.json_response(
                {
                    "access_token": f"fake-token-{self._tokens}",
                    "token_type": "Bearer",
                    "expires_in": 3600,
                }
            )
        if kind == "other":
            return google_error(404, f"Method not found: {what}")
        with self._lock:
            book = self._books.get(sid)
            if book is None:
                return google_error(404)
            if kind == "metadata":
                return web.json_response(self._metadata(sid, book))
            if kind == "valuesGet":
                return self._values_get(book, what.partition("/values/")[2], query)
            return self._batch_get(sid, book, query)

    def _take_fault(self, kind: str) -> _Fault | None:
        for fault in self._faults:
            if fault.kind in (None, kind):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _metadata(self, sid: str, book: dict[str, list[list[Cell]]]) -> dict[str, Any]:
        sheets = []
        for index, (title, rows) in enumerate(book.items()):
            width = max((len(row) for row in rows), default=0)
            sheets.append(
                {
                    "properties": {
                        "sheetId": self._sheet_ids[(sid, title)],
                        "title": title,
                        "index": index,
                        "sheetType": "GRID",
                        "gridProperties": {
                            "rowCount": max(1000, len(rows)),
                            "columnCount": max(26, width),
                        },
                    }
                }
            )
        return {
            "spreadsheetId": sid,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "timeZone": "Europe/Amsterdam",
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{sid}/edit",
        }

    def _batch_get(
        self, sid: str, book: dict[str, list[list[Cell]]], query: dict[str, list[str]]
    ) -> web.Response:
        render = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        dates = query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0]
        major = query.get("majorDimension", ["ROWS"])[0]
        value_ranges = []
        for text in query.get("ranges", []):
            title, a1 = split_range(text)
            if title not in book:
                return google_error(400, f"Unable to parse range: {text}")
            try:
                values = _crop(_trim(book[title]), a1)
            except ValueError:
                return google_error(400, f"Unable to parse range: {text}")
            values = _trim(values)
            if render == "FORMATTED_VALUE":
                values = [[_formatted(cell, self.locale) for cell in row] for row in values]
            else:
                values = [
                    [_unformatted(cell, dates, self.locale) for cell in row] for row in values
                ]
            rows = book[title]
            width = max(26, max((len(row) for row in rows), default=0))
            echoed = f"{_quote_sheet(title)}!{a1 or f'A1:{column_letters(width)}'}"
            if not a1:
                echoed += str(max(1000, len(rows)))
            entry: dict[str, Any] = {"range": echoed, "majorDimension": major}
            if values and major == "COLUMNS":
                width = max(len(row) for row in values)
                values = _trim(
                    [[row[c] if c < len(row) else "" for row in values] for c in range(width)]
                )
            if values:
                entry["values"] = values
            value_ranges.append(entry)
        body: dict[str, Any] = {"spreadsheetId": sid}
        if value_ranges:
            body["valueRanges"] = value_ranges
        return web.json_response(body)
