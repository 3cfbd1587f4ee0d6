"""Read the coordinators' Google Sheet as raw cell values, cheaply and with bounded retries.

Quota is 60 reads per minute per user, so a refresh costs one ``values:batchGet`` for every tab,
after one small ``spreadsheets.get`` for the tab titles: a tab added or restored after start-up
is read at the next refresh. Values come unformatted and dates as serial numbers (days since
1899-12-30), so neither depends on the sheet's locale (a US sheet formats 1 July 2022 as
"7/1/2022"). gspread's own retrying client sleeps for minutes, so we drive the plain
``HTTPClient`` and retry with :mod:`sheets.sources.retry` instead. Turning raw values into domain objects
is someone else's job.
"""

from __future__ import annotations

import functools
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import urlsplit

import gspread
import requests
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import AnonymousCredentials, Credentials
from google.oauth2 import service_account
from gspread import urls as gspread_urls
from gspread.exceptions import APIError, NoValidUrlKeyFound, SpreadsheetNotFound
from gspread.http_client import HTTPClient
from gspread.utils import absolute_range_name, extract_id_from_url

from sheets.sources.errors import SourceError
from sheets.sources.retry import RetryExhausted, RetryPolicy, call_with_retry, header_seconds

__all__ = [
    "READONLY_SCOPE",
    "GoogleSheetSource",
    "RawCell",
    "RawRows",
    "RawWorkbook",
    "SourceError",
]

log = logging.getLogger(__name__)

RawCell = str | int | float | bool | None
RawRows = list[list[RawCell]]
RawWorkbook = dict[str, RawRows]

READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
# Derived from gspread itself, so a gspread that moves its constants still gets rebased right.
_GOOGLE_ROOT = gspread_urls.SPREADSHEETS_API_V4_BASE_URL.removesuffix("/v4/spreadsheets")
_ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_METADATA_FIELDS = (
    "properties.title,"
    "sheets.properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount))"
)
_RETRYABLE_STATUS = frozenset({HTTPStatus.REQUEST_TIMEOUT, HTTPStatus.TOO_MANY_REQUESTS})
_DEFAULT_TIMEOUT = (10.0, 30.0)  # (connect, read) seconds; gspread's default is "forever"


WRITE_SCOPE = "https://www.googleapis.com/auth/spreadsheets"  # the round's write only


class _SheetsHTTPClient(HTTPClient):
    """gspread's plain client that counts requests and may send them to another API root.

    gspread formats URLs from module constants it imported at import time, so patching
    ``gspread.urls`` would not even work, and would leak between instances. Rewriting the prefix
    per request keeps the override local to one source. Anything not under the Sheets root is
    refused while rebased: a test must never reach Google by accident.
    """

    def __init__(
        self,
        auth: Credentials,
        session: requests.Session | None = None,
        *,
        api_root: str | None = None,
    ) -> None:
        super().__init__(auth, session)
        self.api_root = api_root
        self.requests_made = 0

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
        if self.api_root is not None:
            if not endpoint.startswith(_GOOGLE_ROOT + "/"):
                raise SourceError(f"Onverwacht verzoek buiten de Sheets API: {endpoint}")
            endpoint = self.api_root + endpoint[len(_GOOGLE_ROOT) :]
        self.requests_made += 1
        return super().request(method, endpoint, *args, **kwargs)


class GoogleSheetSource:
    """Reads every tab of one spreadsheet in one values:batchGet request per refresh.

    gspread is blocking: call :meth:`fetch` through ``asyncio.to_thread`` from async code, never on
    the event loop (a stalled Google would freeze every chat). Concurrent ``fetch`` calls from
    several threads are serialised.
    """

    kind = "google"  # how the round's writers tell it apart without importing this module

    def __init__(
        self,
        spreadsheet: str,
        *,
        api_url: str | None = None,
        credentials_file: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        timeout: float | tuple[float, float] | None = _DEFAULT_TIMEOUT,
    ) -> None:
        self.spreadsheet_id = _spreadsheet_id(spreadsheet)
        self._api_root = _api_root(api_url) if api_url else None
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng
        self._lock = threading.Lock()
        self._tabs: list[str] | None = None
        credentials, self.client_email = _credentials(credentials_file, self._api_root)
        self._client = gspread.Client(
            credentials,
            http_client=functools.partial(_SheetsHTTPClient, api_root=self._api_root),
        )
        self._client.set_timeout(timeout)
        self._timeout = timeout
        self._http = cast(_SheetsHTTPClient, self._client.http_client)

    @property
    def requests_made(self) -> int:
        """HTTP requests sent to the Sheets API so far, retries included."""
        return self._http.requests_made

    @property
    def tabs(self) -> list[str] | None:
        """The tab titles of the last fetch, or ``None`` before the first."""
        return None if self._tabs is None else list(self._tabs)

    def describe(self) -> str:
        """Name the source for logs and /status without revealing the full id or any key."""
        sid = self.spreadsheet_id
        short = sid if len(sid) <= 8 else sid[:6] + "…"
        where = ""
        if self._api_root:
            parts = urlsplit(self._api_root)  # scheme, host and port only: no user:password@
            where = f" via {parts.scheme}://{parts.hostname}" + (
                f":{parts.port}" if parts.port else ""
            )
        return f"Google Sheet {short}{where}"

    def close(self) -> None:
        """Close pooled HTTP connections (call from the bot's ``post_shutdown``)."""
        self._http.session.close()

    def __enter__(self) -> GoogleSheetSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write_client(self) -> gspread.Client:
        """A client like the reader's whose credentials may write (the spreadsheets scope): the
        round's writer (sheets.sources.ladder.google) asks for it only when it records."""
        creds = self._http.auth
        if isinstance(creds, service_account.Credentials):  # anonymous (a test server): as is
            creds = creds.with_scopes([WRITE_SCOPE])
        client = gspread.Client(
            creds, http_client=functools.partial(_SheetsHTTPClient, api_root=self._api_root)
        )
        client.set_timeout(self._timeout)
        return client

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run one request under the source's retry policy (SourceError once it is spent)."""
        return self._call(fn)

    def fetch(self) -> RawWorkbook:
        """Return ``{tab: rows}`` with the header row first, cells as the API gives them.

        Numbers come unformatted (``UNFORMATTED_VALUE``), dates as serial numbers
        (``SERIAL_NUMBER``); trailing empty cells and rows are absent, as in the API. The tab
        list is read first on every call, so added, renamed and restored tabs are seen at once.
        Raises :class:`SourceError`.
        """
        with self._lock:
            tabs = self._load_tabs()
            try:
                return self._batch_get(tabs)
            except APIError as exc:
                if _status(exc) != HTTPStatus.BAD_REQUEST:
                    raise self._error(exc) from exc
                # A tab was renamed or deleted between the two requests: once more.
                log.info(
                    "%s: batchGet answered 400 (%s); re-reading the tab list",
                    self.describe(),
                    _message(exc),
                )
                tabs = self._load_tabs()
                try:
                    return self._batch_get(tabs)
                except APIError as again:
                    raise self._error(again) from again

    # -- requests -----------------------------------------------------------------------------

    def _load_tabs(self) -> list[str]:
        """Read the tab titles (one ``spreadsheets.get`` of titles only)."""
        params = {"includeGridData": "false", "fields": _METADATA_FIELDS}
        try:
            meta = self._call(
                lambda: self._http.fetch_sheet_metadata(self.spreadsheet_id, params=dict(params))
            )
        except APIError as exc:
            raise self._error(exc) from exc
        tabs = [
            sheet["properties"]["title"]
            for sheet in meta.get("sheets", [])
            if sheet.get("properties", {}).get("sheetType", "GRID") == "GRID"
        ]
        self._tabs = tabs
        return tabs

    def _batch_get(self, tabs: list[str]) -> RawWorkbook:
        """Read all tabs in one ``values:batchGet``; APIError 400 propagates to the caller."""
        if not tabs:
            return {}
        ranges = [absolute_range_name(tab) for tab in tabs]

        def request() -> Any:
            # A new dict every call: gspread writes ``ranges`` into the one it is given.
            params: dict[str, Any] = {
                "valueRenderOption": "UNFORMATTED_VALUE",
                "dateTimeRenderOption": "SERIAL_NUMBER",
                "majorDimension": "ROWS",
            }
            return self._http.values_batch_get(self.spreadsheet_id, list(ranges), params=params)

        body = self._call(request)
        value_ranges = body.get("valueRanges", [])
        if len(value_ranges) != len(tabs):
            raise SourceError(
                f"{self.describe()}: Google gaf {len(value_ranges)} bereiken terug voor "
                f"{len(tabs)} tabbladen."
            )
        return {tab: vr.get("values", []) for tab, vr in zip(tabs, value_ranges, strict=True)}

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run one request under the retry policy; turn exhaustion into a SourceError."""
        try:
            return call_with_retry(
                fn,
                self._retry,
                is_retryable=_is_retryable,
                sleep=self._sleep,
                rng=self._rng,
                retry_after=_retry_after,
                on_retry=self._log_retry,
            )
        except RetryExhausted as exc:
            raise SourceError(_exhausted_message(exc)) from exc
        except requests.RequestException as exc:  # e.g. a body that is not JSON
            raise SourceError(
                f"{self.describe()}: onverwacht antwoord van Google Sheets ({type(exc).__name__})."
            ) from exc
        except auth_exceptions.RefreshError as exc:
            raise SourceError(
                f"Google weigert de inloggegevens van {self._who()}; controleer de "
                "service-account-sleutel (GOOGLE_APPLICATION_CREDENTIALS)."
            ) from exc

    def _log_retry(self, attempt: int, exc: BaseException, delay: float) -> None:
        log.warning(
            "%s: %s; attempt %d of %d, retrying in %.1f s",
            self.describe(),
            _short_reason(exc),
            attempt,
            self._retry.attempts,
            delay,
        )

    # -- errors -------------------------------------------------------------------------------

    def _who(self) -> str:
        return self.client_email or "het service-account"

    def _error(self, exc: APIError | SpreadsheetNotFound) -> SourceError:
        """Translate a final API error into a Dutch message with the fix in it."""
        status = _status(exc)
        share = "Deel de sheet (lezen is genoeg) met " + (
            self.client_email or "het client_email-adres uit de service-account-sleutel"
        )
        if isinstance(exc, SpreadsheetNotFound) or status == HTTPStatus.NOT_FOUND:
            return SourceError(
                f"{self.describe()} is niet gevonden, of niet gedeeld met {self._who()}. "
                f"{share}, en controleer het id."
            )
        if status == HTTPStatus.FORBIDDEN:
            return SourceError(
                f"Geen toegang tot {self.describe()}: de sheet is niet gedeeld met "
                f"{self._who()}. {share}."
            )
        if status == HTTPStatus.UNAUTHORIZED:
            return SourceError(
                f"Google weigert de inloggegevens van {self._who()} (HTTP 401); controleer "
                "GOOGLE_APPLICATION_CREDENTIALS."
            )
        return SourceError(f"{self.describe()}: Google Sheets gaf HTTP {status}: {_message(exc)}")


# -- helpers ------------------------------------------------------------------------------------


def _spreadsheet_id(spreadsheet: str) -> str:
    """Accept a bare id or any docs.google.com URL of the sheet."""
    text = spreadsheet.strip()
    if "/" in text or "key=" in text:
        try:
            text = extract_id_from_url(text)
        except NoValidUrlKeyFound:
            raise SourceError(f"Geen spreadsheet-id gevonden in de URL {text!r}.") from None
    if not _ID_RE.match(text):
        raise SourceError(f"Ongeldig spreadsheet-id {text!r}: verwacht een id of een sheet-URL.")
    return text


def _api_root(api_url: str) -> str:
    """Normalise an API root like ``http://127.0.0.1:8080`` (no trailing slash)."""
    root = api_url.strip().rstrip("/")
    parts = urlsplit(root)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(f"TAAKBOT_SHEETS_API_URL moet een http(s)-adres zijn, niet {api_url!r}.")
    return root


def _credentials(path: str | None, api_root: str | None) -> tuple[Credentials, str | None]:
    """Load read-only service-account credentials, or anonymous ones for a test server."""
    if path:
        try:
            creds = service_account.Credentials.from_service_account_file(
                path, scopes=[READONLY_SCOPE]
            )
        except FileNotFoundError:
            raise SourceError(
                f"Sleutelbestand {path} bestaat niet (GOOGLE_APPLICATION_CREDENTIALS)."
            ) from None
        except (ValueError, KeyError, TypeError, OSError) as exc:
            # Never echo the exception text: parsers may quote parts of the key.
            raise SourceError(
                f"{path} is geen bruikbare service-account-sleutel ({type(exc).__name__})."
            ) from None
        return creds, creds.service_account_email
    if api_root:
        return AnonymousCredentials(), None
    raise SourceError(
        "Geen Google-inloggegevens: zet GOOGLE_APPLICATION_CREDENTIALS op het pad van een "
        "service-account-sleutel."
    )


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _message(exc: APIError | SpreadsheetNotFound) -> str:
    error = getattr(exc, "error", None)
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])[:200]
    return type(exc).__name__


def _is_retryable(exc: BaseException) -> bool:
    """429, 408 and 5xx, dropped connections and timeouts are worth another try."""
    if isinstance(exc, APIError):
        status = _status(exc) or 0
        return status in _RETRYABLE_STATUS or status >= HTTPStatus.INTERNAL_SERVER_ERROR
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return True
    if isinstance(exc, auth_exceptions.TransportError):
        return True
    if isinstance(exc, auth_exceptions.RefreshError):
        return bool(getattr(exc, "retryable", False))
    return False


def _retry_after(exc: BaseException) -> float | None:
    """Seconds from a ``Retry-After`` header, if the error carries one."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    return header_seconds(headers.get("Retry-After")) if headers is not None else None


def _short_reason(exc: BaseException) -> str:
    status = _status(exc)
    return f"HTTP {status}" if status else type(exc).__name__


def _exhausted_message(exc: RetryExhausted) -> str:
    reason = _short_reason(exc.last_error)
    if _status(exc.last_error):
        return f"Google Sheets antwoordt niet ({reason}) na {exc.attempts} pogingen."
    return f"Google Sheets is niet bereikbaar ({reason}) na {exc.attempts} pogingen."
