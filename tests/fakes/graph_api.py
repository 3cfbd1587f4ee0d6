"""A fake Microsoft Graph and Entra ID sign-in over HTTPS on loopback, for the unmodified msal and
requests.

TLS with a certificate a test makes (`trustme`): msal refuses an authority that is not https, so
the fake serves HTTPS and the client trusts the test CA (`REQUESTS_CA_BUNDLE`). It serves what
msal asks (`/{tenant}/v2.0/.well-known/openid-configuration`, `POST /{tenant}/oauth2/v2.0/token`
for client credentials: a secret, or a certificate's signed assertion) and, under `/v1.0`, the
workbook calls Taakbot makes: `/shares/u!…/driveItem`, `/drives/{d}/items/{i}`, `…/workbook/
worksheets`, `…/usedRange(valuesOnly=true)`, `$batch` (at most 20, each inner answer its own
status), `createSession`/`closeSession`, a range `PATCH`, `tables/{name}/rows/add`,
`worksheets/add`. Every write changes the item's `eTag`/`cTag`.

Typed input is typed as Excel types it (pitfalls.md): a leading apostrophe is a text prefix and
is not stored, '2022-07-01' becomes a date (a serial number when read), '12' a number, 'TRUE' a
boolean, and text starting with '=' a formula. Values read back as Excel gives them: numbers,
booleans, text, dates as serial numbers.

Faults, steered by plain methods: `fail_next(status, kind=…, code=…, retry_after=…, inner=…)`
(429 inside a `$batch`'s 200 with `inner=True`), `go_down()`, `revoke_tokens()` (a token
expired early), `share_read_only(item)` (writes 403), `lock(item, code)`
(OpenWorkbookAccessDenied, EditModeAccessDenied), `lose_next_write_answer()` (a write lands and
its answer is lost), `deny()` (the app has no rights: 403 on everything).

    with FakeGraphServer.in_thread(ca) as graph:
        graph.add_workbook(LINK, {"gemeenten": rows})
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import ssl
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from aiohttp import web

from tests.fakes.sheets_api import FakeSheetsServer

TENANT = "11111111-2222-3333-4444-555555555555"
CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CLIENT_SECRET = "geheim~Taakbot.test-0123456789"
EPOCH = date(1899, 12, 30)
_ENTERED_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ADDRESS = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
WRITES = frozenset({"patch", "rowsAdd", "worksheetsAdd", "worksheetDelete", "columnsAdd"})


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell Excel would run: typed text that starts with = + - or @ (and is no number)."""

    text: str


@dataclass
class Table:
    name: str
    sheet: str
    header_row: int  # 1-based
    width: int
    rows: int  # data rows below the header


@dataclass
class Book:
    item_id: str
    drive_id: str
    name: str
    sheets: dict[str, list[list[Any]]]
    ids: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    version: int = 1
    read_only: bool = False
    web_url: str = ""  # the file's own address (https://host/sites/x/Library/name.xlsx)
    locked: tuple[str, bool] | None = None  # (code, writes only)


@dataclass
class _Fault:
    status: int
    times: int
    kind: str | None
    code: str
    retry_after: float | None
    inner: bool
    after: int = 0  # matching requests let through first


def typed(value: Any) -> Any:
    """What Excel makes of a typed value (Graph `values` are typed input)."""
    if not isinstance(value, str):
        return value
    if value.startswith("'"):
        return value[1:]
    if m := _ENTERED_DATE.match(value):
        parts = [int(p) for p in m.groups() if p is not None]
        return datetime(*parts) if len(parts) > 3 else date(*parts)
    if _NUMBER.match(value.strip()):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if value.startswith(("=", "+", "-", "@")):  # what Excel runs as a formula when typed
        return Formula(value)
    if value.upper() in ("TRUE", "FALSE", "WAAR", "ONWAAR"):
        return value.upper() in ("TRUE", "WAAR")
    return value


def shown_value(cell: Any) -> Any:
    """A stored cell as `values` gives it: dates as serial numbers, blanks as ''."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        delta = cell - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    if isinstance(cell, date):
        return (cell - EPOCH).days
    if isinstance(cell, Formula):
        return "#NAME?"
    return cell


def column_letters(n: int) -> str:
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


def share_token(link: str) -> str:
    return "u!" + base64.urlsafe_b64encode(link.encode()).decode().rstrip("=")


def graph_error(status: int, code: str, message: str = "", inner: str | None = None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message or code}
    if inner:
        error["innerError"] = {"code": inner, "message": message or inner}
    return {"error": error}


class Answer(Exception):
    """Raised inside a route to answer with an error (or any status and body)."""

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


class FakeGraphServer:
    """Serves one tenant and any number of workbooks; `url` is https://127.0.0.1:PORT."""

    def __init__(
        self,
        ca: Any,
        *,
        tenant: str = TENANT,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        thumbprint: str | None = None,
        token_lifetime: int = 3600,
    ) -> None:
        self.ca, self.tenant, self.client_id = ca, tenant, client_id
        self.client_secret, self.thumbprint = client_secret, thumbprint
        self.token_lifetime = token_lifetime
        self.counts: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []  # (kind, path) of every request, inner ones too
        self._lock = threading.RLock()
        self._books: dict[str, Book] = {}
        self._links: dict[str, str] = {}
        self._tokens: set[str] = set()
        self._token_ids = itertools.count(1)
        self._session_ids = itertools.count(1)
        self.sessions: dict[str, bool] = {}  # id → still open
        self._faults: list[_Fault] = []
        self._down = False
        self._denied: bool | str = False
        self._lose = 0
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- life cycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        return self.url + "/v1.0"

    def settings(self, link: str, **more: str) -> dict[str, str]:
        """The environment that points Taakbot at this fake (secret sign-in)."""
        return {
            "TAAKBOT_SOURCE": link,
            "TAAKBOT_M365_TENANT_ID": self.tenant,
            "TAAKBOT_M365_CLIENT_ID": self.client_id,
            "TAAKBOT_M365_CLIENT_SECRET": self.client_secret,
            "TAAKBOT_GRAPH_API_URL": self.api_url,
            "TAAKBOT_M365_AUTHORITY_HOST": self.url,
            **more,
        }

    def source_options(self) -> dict[str, Any]:
        """GraphSource's keyword arguments for this fake."""
        return {
            "tenant_id": self.tenant,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "api_url": self.api_url,
            "authority_host": self.url,
        }

    async def start(self) -> FakeGraphServer:
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # On its own event loop in a daemon thread, for synchronous callers (the same as the Sheets
    # fake's): `with FakeGraphServer.in_thread(ca) as server: …`
    in_thread = FakeSheetsServer.__dict__["in_thread"]

    # -- steering -----------------------------------------------------------------------------

    def add_workbook(
        self,
        link: str,
        tabs: Mapping[str, Sequence[Sequence[Any]]],
        *,
        name: str = "taakstelling.xlsx",
        item_id: str | None = None,
        web_url: str = "",
    ) -> Book:
        """Serve `tabs` (rows from A1; dates as date cells) at `link` (any URL a person copies);
        `web_url`, the file's own address in a site's library, also resolves through the site."""
        with self._lock:
            item_id = item_id or f"01TAAKBOT{len(self._books) + 1:04d}"
            book = Book(item_id, f"b!drive{len(self._books) + 1}", name, {}, web_url=web_url)
            for title, rows in tabs.items():
                self._add_sheet(book, title, [list(r) for r in rows])
            self._books[item_id] = book
            self._links[share_token(link)] = item_id
            return book

    def set_tabs(self, item_id: str, tabs: Mapping[str, Sequence[Sequence[Any]]]) -> None:
        """Replace a workbook's worksheets (a person edited it): the cTag changes."""
        with self._lock:
            book = self._books[item_id]
            book.sheets.clear()
            for title, rows in tabs.items():
                self._add_sheet(book, title, [list(r) for r in rows])
            book.version += 1

    def add_table(self, item_id: str, sheet: str, name: str, header_row: int = 1) -> None:
        """Make the sheet's rows from `header_row` down an Excel table."""
        with self._lock:
            book = self._books[item_id]
            rows = book.sheets[sheet]
            width = len(rows[header_row - 1])
            data = len(_trim(rows)) - header_row
            book.tables[name] = Table(name, sheet, header_row, width, data)

    def tab(self, item_id: str, title: str) -> list[list[Any]]:
        """A worksheet's cells as stored (dates as dates), for assertions."""
        with self._lock:
            return _trim(self._books[item_id].sheets[title])

    def titles(self, item_id: str) -> list[str]:
        with self._lock:
            return list(self._books[item_id].sheets)

    def fail_next(
        self,
        status: int = 429,
        times: int = 1,
        *,
        kind: str | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        inner: bool = False,
        after: int = 0,
    ) -> None:
        """Answer the next `times` requests (of `kind`; inside a `$batch` with `inner`), after
        letting `after` of them through."""
        default = {429: "TooManyRequests", 503: "serviceNotAvailable", 502: "badGateway"}
        with self._lock:
            self._faults.append(
                _Fault(
                    status, times, kind, code or default.get(status, "generalException"),
                    retry_after, inner, after,
                )
            )  # fmt: skip

    def go_down(self, down: bool = True) -> None:
        with self._lock:
            self._down = down

    def deny(self, denied: bool = True, *, shares_only: bool = False) -> None:
        """The app has no rights on the site: every Graph call answers 403 accessDenied; with
        `shares_only`, only /shares does (an app with Sites.Selected on the site)."""
        with self._lock:
            self._denied = "shares" if shares_only else denied

    def revoke_tokens(self) -> None:
        """Tokens handed out so far stop working (expired early, or revoked)."""
        with self._lock:
            self._tokens.clear()

    def share_read_only(self, item_id: str, read_only: bool = True) -> None:
        with self._lock:
            self._books[item_id].read_only = read_only

    def lock(self, item_id: str, code: str | None, *, writes_only: bool = False) -> None:
        """Refuse the workbook with `code` (OpenWorkbookAccessDenied, EditModeAccessDenied)."""
        with self._lock:
            self._books[item_id].locked = (code, writes_only) if code else None

    def lose_next_write_answer(self, times: int = 1) -> None:
        """The next write lands, then the connection drops before the answer."""
        with self._lock:
            self._lose += times

    def count(self, kind: str) -> int:
        with self._lock:
            return self.counts[kind]

    def reset_log(self) -> None:
        with self._lock:
            self.counts.clear()
            self.log.clear()

    # -- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        path = request.path
        if "/oauth2/" in path or "/.well-known/" in path:
            return self._sign_in(request, path, raw)
        query = parse_qs(request.query_string, keep_blank_values=True)
        body = json.loads(raw) if raw and request.method in ("POST", "PATCH") else None
        auth = request.headers.get("Authorization", "")
        session = request.headers.get("workbook-session-id")
        lose = False
        with self._lock:
            try:
                if self._down:
                    raise Answer(503, graph_error(503, "serviceNotAvailable"))
                if auth.removeprefix("Bearer ") not in self._tokens:
                    raise Answer(
                        401,
                        graph_error(
                            401, "InvalidAuthenticationToken", "Access token has expired."
                        ),
                    )
                status, answer = self._route(request.method, path, query, body, session, False)
                kind = self._kind(request.method, path)
                lose = kind in WRITES and self._lose > 0
                self._lose -= lose
            except Answer as exc:
                status, answer = exc.status, exc.body
                headers = exc.headers
            else:
                headers = {}
        if lose and request.transport is not None:
            request.transport.abort()
            raise asyncio.CancelledError
        if status == 204:
            return web.Response(status=204)
        return web.json_response(answer, status=status, headers=headers)

    def _sign_in(self, request: web.Request, path: str, raw: bytes) -> web.Response:
        tenant = path.strip("/").split("/")[0]
        with self._lock:
            kind = "token" if path.endswith("/token") else "discovery"
            self.counts[kind] += 1
            self.log.append((kind, path))
            fault = self._fault(kind, False)
        if fault is not None:
            return web.json_response(graph_error(fault.status, fault.code), status=fault.status)
        if tenant != self.tenant:
            return web.json_response(
                {"error": "invalid_tenant", "error_codes": [90002]}, status=400
            )
        base = f"{self.url}/{tenant}"
        if kind == "discovery":
            return web.json_response(
                {
                    "issuer": f"{base}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                }
            )
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if form.get("client_id") != self.client_id:
            return web.json_response(
                {"error": "unauthorized_client", "error_codes": [700016]}, status=400
            )
        if not self._credential_ok(form):
            return web.json_response(
                {"error": "invalid_client", "error_codes": [7000215]}, status=401
            )
        with self._lock:
            token = f"tok-{next(self._token_ids)}"
            self._tokens.add(token)
        return web.json_response(
            {"token_type": "Bearer", "expires_in": self.token_lifetime, "access_token": token}
        )

    def _credential_ok(self, form: dict[str, str]) -> bool:
        if "client_secret" in form:
            return form["client_secret"] == self.client_secret
        assertion = form.get("client_assertion", "")
        if not assertion or self.thumbprint is None:
            return False
        head = assertion.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        x5t = base64.urlsafe_b64decode(header.get("x5t", "") + "==").hex().upper()
        return x5t == self.thumbprint.upper()

    # -- routes -------------------------------------------------------------------------------

    @staticmethod
    def _kind(method: str, path: str) -> str:
        tail = path.rstrip("/")
        if tail.endswith("/$batch"):
            return "batch"
        if "/shares/" in tail:
            return "shares"
        if "/root:/" in tail:
            return "byPath"
        if re.search(r"/sites/[^/]+/drives$", tail):
            return "siteDrives"
        if "/sites/" in tail:
            return "site"
        if tail.endswith("/createSession"):
            return "createSession"
        if tail.endswith("/closeSession"):
            return "closeSession"
        if tail.endswith("/worksheets/add"):
            return "worksheetsAdd"
        if tail.endswith("/rows/add"):
            return "rowsAdd"
        if tail.endswith("/columns/add"):
            return "columnsAdd"
        if "/tables/" in tail and tail.endswith("/columns"):
            return "tableColumns"
        if "/tables/" in tail and tail.endswith("/range"):
            return "tableRange"
        if method == "DELETE" and re.search(r"/worksheets/[^/]+$", tail):
            return "worksheetDelete"
        if "/usedRange" in tail:
            return "usedRange"
        if "/range(" in tail:
            return "patch" if method == "PATCH" else "range"
        if tail.endswith("/tables"):
            return "tables"
        if tail.endswith("/worksheets"):
            return "worksheets"
        if "/items/" in tail and "/workbook" not in tail:
            return "item"
        return "other"

    def _route(
        self, method: str, path: str, query: dict, body: Any, session: str | None, inner: bool
    ) -> tuple[int, Any]:
        kind = self._kind(method, path)
        self.counts[kind] += 1
        self.log.append((kind, path))
        fault = self._fault(kind, inner)
        if fault is not None:
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after else {}
            raise Answer(fault.status, graph_error(fault.status, fault.code), headers)
        if self._denied is True or (self._denied == "shares" and kind == "shares"):
            raise Answer(403, graph_error(403, "accessDenied", "Access denied"))
        if kind == "batch":
            return 200, self._batch(body or {}, session)
        rest = path.removeprefix("/v1.0")
        if kind == "shares":
            token = rest.split("/")[2]
            book = self._books.get(self._links.get(token, ""))
            if book is None:
                raise Answer(
                    404, graph_error(404, "itemNotFound", "The resource could not be found.")
                )
            return 200, self._item(book)
        if kind in ("site", "siteDrives", "byPath"):
            return 200, self._site_route(kind, unquote(rest))
        m = re.match(r"^/drives/([^/]+)/items/([^/]+)(/workbook(/.*)?)?$", rest)
        if not m:
            raise Answer(400, graph_error(400, "BadRequest", f"Unsupported: {method} {path}"))
        book = self._books.get(unquote(m.group(2)))
        if book is None or book.drive_id != unquote(m.group(1)):
            raise Answer(404, graph_error(404, "itemNotFound"))
        if m.group(3) is None:
            return 200, self._item(book)
        if not book.name.endswith((".xlsx", ".xlsm")):
            raise Answer(400, graph_error(400, "invalidRequest", "The file is not a workbook."))
        write = kind in WRITES or (
            kind == "createSession" and bool((body or {}).get("persistChanges"))
        )
        if book.locked and (write or not book.locked[1]):
            raise Answer(403, graph_error(403, "accessDenied", book.locked[0], book.locked[0]))
        if (write or kind == "createSession" and (body or {}).get("persistChanges")) and (
            book.read_only
        ):
            raise Answer(403, graph_error(403, "accessDenied", "Access denied"))
        if session is not None and not self.sessions.get(session, False):
            raise Answer(404, graph_error(404, "invalidSessionNotFound", "Session not found"))
        return self._workbook(book, method, kind, unquote(m.group(4) or ""), body)

    def _site_route(self, kind: str, rest: str) -> dict[str, Any]:
        """A file's address through its site: /sites/{host}:{path}, …/drives, …/root:/{path}."""
        books = [b for b in self._books.values() if b.web_url]
        if kind == "site":
            host, _, site = rest.removeprefix("/sites/").partition(":")
            for b in books:
                parts = urlsplit(b.web_url)
                if parts.hostname == host and unquote(parts.path).startswith(site + "/"):
                    return {"id": f"{host},{site}"}
        elif kind == "siteDrives":
            host, _, site = rest.split("/")[2].partition(",")
            out = {}
            for b in books:
                parts = urlsplit(b.web_url)
                path = unquote(parts.path)
                if parts.hostname == host and path.startswith(site + "/"):
                    library = site + "/" + path[len(site) + 1 :].split("/")[0]
                    out[b.drive_id] = {"id": b.drive_id, "webUrl": f"https://{host}{library}"}
            return {"value": list(out.values())}
        else:
            drive, _, path = rest.removeprefix("/drives/").partition("/root:/")
            for b in books:
                if b.drive_id == drive and unquote(urlsplit(b.web_url).path).endswith("/" + path):
                    return self._item(b)
        raise Answer(404, graph_error(404, "itemNotFound", "The resource could not be found."))

    def _item(self, book: Book) -> dict[str, Any]:
        return {
            "id": book.item_id,
            "name": book.name,
            "eTag": f'"{{{book.item_id}}},{book.version}"',
            "cTag": f'"c:{{{book.item_id}}},{book.version}"',
            "file": {"mimeType": _mime(book.name)},
            "parentReference": {"driveId": book.drive_id, "driveType": "documentLibrary"},
        }

    def _workbook(
        self, book: Book, method: str, kind: str, tail: str, body: Any
    ) -> tuple[int, Any]:
        if kind == "createSession":
            sid = f"sessie-{next(self._session_ids)}"
            self.sessions[sid] = True
            return 201, {"id": sid, "persistChanges": bool((body or {}).get("persistChanges"))}
        if kind == "closeSession":
            return 204, None
        if kind == "worksheets":
            return 200, {"value": [self._sheet_json(book, t) for t in book.sheets]}
        if kind == "worksheetsAdd":
            name = str((body or {}).get("name") or f"Blad{len(book.sheets) + 1}")
            if name in book.sheets:
                raise Answer(409, graph_error(409, "ItemAlreadyExists", "The name is taken."))
            self._add_sheet(book, name, [])
            book.version += 1
            return 201, self._sheet_json(book, name)
        if kind == "rowsAdd":
            table = self._table(book, tail.split("/")[2])
            values = (body or {}).get("values") or []
            if any(len(r) != table.width for r in values):
                raise Answer(400, graph_error(400, "InvalidArgument", "Row width differs."))
            first = table.header_row + table.rows + 1
            self._put(book.sheets[table.sheet], first, 1, values)
            table.rows += len(values)
            book.version += 1
            return 201, {"index": table.rows - len(values), "values": values}
        if kind == "worksheetDelete":
            name = self._sheet_name(book, tail.split("/")[2])
            del book.sheets[name]
            book.version += 1
            return 204, None
        if kind in ("tableColumns", "tableRange", "columnsAdd"):
            table = self._table(book, tail.split("/")[2])
            if kind == "columnsAdd":
                name = str((body or {}).get("name") or f"Kolom{table.width + 1}")
                header = book.sheets[table.sheet][table.header_row - 1]
                while len(header) < table.width:
                    header.append(None)
                header.insert(table.width, name)
                table.width += 1
                book.version += 1
                return 201, {"id": str(table.width), "name": name}
            if kind == "tableColumns":
                header = book.sheets[table.sheet][table.header_row - 1]
                names = [header[c] if c < len(header) else None for c in range(table.width)]
                return 200, {"value": [{"id": str(i + 1), "name": n} for i, n in enumerate(names)]}
            last = table.header_row + table.rows
            address = f"A{table.header_row}:{column_letters(table.width)}{last}"
            return 200, {"address": f"{_quoted(table.sheet)}!{address}"}
        if kind == "tables":
            sheet = self._sheet_name(book, tail.split("/")[2])
            found = [t for t in book.tables.values() if t.sheet == sheet]
            return 200, {"value": [{"id": t.name, "name": t.name} for t in found]}
        sheet = self._sheet_name(book, tail.split("/")[2])
        rows = book.sheets[sheet]
        if kind == "usedRange":
            return 200, self._used(sheet, rows)
        if kind == "patch":
            address = re.search(r"range\(address='([^']*)'\)", tail)
            m = _ADDRESS.match(address.group(1) if address else "")
            values = (body or {}).get("values")
            if not m or values is None:
                raise Answer(400, graph_error(400, "InvalidArgument", "Bad range or values."))
            c0, r0 = column_number(m.group(1)), int(m.group(2))
            c1, r1 = column_number(m.group(3) or m.group(1)), int(m.group(4) or m.group(2))
            if len(values) != r1 - r0 + 1 or any(len(r) != c1 - c0 + 1 for r in values):
                raise Answer(
                    400,
                    graph_error(
                        400,
                        "InvalidArgument",
                        "The number of rows or columns in the input array doesn't match the "
                        "size or dimensions of the range.",
                    ),
                )
            self._put(rows, r0, c0, values)
            book.version += 1
            return 200, {"address": f"{_quoted(sheet)}!{address.group(1) if address else ''}"}
        raise Answer(400, graph_error(400, "BadRequest", f"Unsupported: {method} {tail}"))

    def _batch(self, body: dict[str, Any], session: str | None) -> dict[str, Any]:
        inner = body.get("requests") or []
        if len(inner) > 20:
            raise Answer(400, graph_error(400, "BadRequest", "A batch takes at most 20 requests."))
        responses = []
        for r in inner:
            parts = urlsplit(r["url"])
            query = parse_qs(parts.query, keep_blank_values=True)
            headers = {k.lower(): v for k, v in (r.get("headers") or {}).items()}
            try:
                status, answer = self._route(
                    r.get("method", "GET"),
                    "/v1.0" + parts.path,
                    query,
                    r.get("body"),
                    headers.get("workbook-session-id", session),
                    True,
                )
                reply = {"id": r["id"], "status": status, "body": answer, "headers": {}}
            except Answer as exc:
                reply = {
                    "id": r["id"],
                    "status": exc.status,
                    "body": exc.body,
                    "headers": exc.headers,
                }
            responses.append(reply)
        return {"responses": responses}

    def _fault(self, kind: str, inner: bool) -> _Fault | None:
        for fault in self._faults:
            if fault.kind in (None, kind) and fault.inner == inner:
                if fault.after > 0:
                    fault.after -= 1
                    return None
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # -- cells --------------------------------------------------------------------------------

    def _add_sheet(self, book: Book, title: str, rows: list[list[Any]]) -> None:
        book.sheets[title] = rows
        book.ids.setdefault(title, f"{{00000000-0001-0000-{len(book.ids):04d}-000000000000}}")

    def _sheet_json(self, book: Book, title: str) -> dict[str, Any]:
        return {
            "id": book.ids[title],
            "name": title,
            "position": list(book.sheets).index(title),
            "visibility": "Visible",
        }

    def _sheet_name(self, book: Book, key: str) -> str:
        for title, ident in book.ids.items():
            if key in (ident, title) and title in book.sheets:
                return title
        raise Answer(404, graph_error(404, "ItemNotFound", f"Worksheet {key} not found."))

    def _table(self, book: Book, name: str) -> Table:
        if name not in book.tables:
            raise Answer(404, graph_error(404, "ItemNotFound", f"Table {name} not found."))
        return book.tables[name]

    def _used(self, sheet: str, rows: list[list[Any]]) -> dict[str, Any]:
        filled = [
            (r, c)
            for r, row in enumerate(rows)
            for c, cell in enumerate(row)
            if cell not in (None, "")
        ]
        if not filled:
            return {"address": f"{_quoted(sheet)}!A1", "values": [[""]]}
        r0, r1 = min(r for r, _ in filled), max(r for r, _ in filled)
        c0, c1 = min(c for _, c in filled), max(c for _, c in filled)
        values = [
            [shown_value(rows[r][c] if c < len(rows[r]) else None) for c in range(c0, c1 + 1)]
            for r in range(r0, r1 + 1)
        ]
        address = f"{column_letters(c0 + 1)}{r0 + 1}:{column_letters(c1 + 1)}{r1 + 1}"
        return {"address": f"{_quoted(sheet)}!{address}", "values": values}

    @staticmethod
    def _put(rows: list[list[Any]], first: int, column: int, values: list[list[Any]]) -> None:
        for i, row in enumerate(values):
            while len(rows) < first + i:
                rows.append([])
            target = rows[first + i - 1]
            while len(target) < column - 1 + len(row):
                target.append(None)
            for j, cell in enumerate(row):
                target[column - 1 + j] = None if cell in ("", None) else typed(cell)


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    out = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _quoted(sheet: str) -> str:
    return (
        sheet
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet)
        else "'" + sheet.replace("'", "''") + "'"
    )


def _mime(name: str) -> str:
    if name.endswith(".xlsx"):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if name.endswith(".xls"):
        return "application/vnd.ms-excel"
    return "text/csv" if name.endswith(".csv") else "application/octet-stream"
