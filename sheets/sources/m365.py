"""Read the province's workbook in Microsoft 365 (SharePoint, OneDrive) live through Microsoft Graph.

Why this shape: Dutch provinces keep their files in Microsoft 365 and often cannot share with a
Google service account. The workbook is named by the link a person copies from SharePoint or
OneDrive; it is resolved once (`/shares/u!…/driveItem`) to a drive and item id. A refresh asks the
item's `cTag` first (one request) and reads nothing more when the content has not changed;
otherwise the worksheet list and every worksheet's `usedRange(valuesOnly=true)` in one JSON
`$batch` per 20 tabs. Values come as Excel keeps them: numbers as numbers, dates as serial
numbers, so the rest of `sheets/` reads them exactly as it reads Google's unformatted values.

Sign-in is app-only with msal (client secret or certificate); msal keeps the token in memory and
asks a new one five minutes before it expires. Plain `requests`, not the Graph SDK (large, slow to
import). Throttling (429 with Retry-After, also inside a `$batch`) and 502/503/504 are retried
with the shared bounded back-off (sheets.sources.retry) on the injected sleep.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import requests

from sheets.sources.errors import SourceError
from sheets.sources.links import file_url, share_id, shown_link, site_path
from sheets.sources.retry import RetryExhausted, RetryPolicy, call_with_retry, header_seconds

__all__ = ["AUTHORITY_HOST", "GRAPH_URL", "SLOT_PREFIX", "GraphError", "GraphSource"]

log = logging.getLogger(__name__)

GRAPH_URL = "https://graph.microsoft.com/v1.0"
AUTHORITY_HOST = "https://login.microsoftonline.com"
SLOT_PREFIX = "taakbot-bezig-"  # a round's write slot (sheets.sources.ladder.graph): not data
BATCH_LIMIT = 20  # Graph's JSON batching takes at most 20 requests
_RETRYABLE = frozenset({408, 429, 502, 503, 504})
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # what the Excel API in Graph opens
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_DEFAULT_TIMEOUT = (10.0, 60.0)
RawWorkbook = dict[str, list[list[Any]]]


class GraphError(Exception):
    """A Graph answer with an error status; `codes` holds every (inner) error code, lowercased."""

    def __init__(
        self,
        status: int,
        codes: Iterable[str],
        message: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status, self.codes, self.retry_after = status, [c.lower() for c in codes if c], None
        self.message = message[:300]
        self.retry_after = retry_after
        super().__init__(f"HTTP {status} {'/'.join(self.codes)}")

    @classmethod
    def of(cls, status: int, body: Any, headers: Any) -> GraphError:
        codes: list[str] = []
        message = ""
        error = body.get("error") if isinstance(body, dict) else None
        while isinstance(error, dict):  # error → innerError → innerError …
            codes.append(str(error.get("code") or ""))
            message = message or str(error.get("message") or "")
            error = error.get("innerError") or error.get("innererror")
        return cls(status, codes, message, header_seconds((headers or {}).get("Retry-After")))

    def has(self, code: str) -> bool:
        """The code among the (inner) codes, or named in the message."""
        return code.lower() in self.codes or code.lower() in self.message.lower()


class GraphSource:
    """Reads every worksheet of one Microsoft 365 workbook; the round's writer
    (sheets.sources.ladder.graph) writes through the same sign-in and retry.

    Blocking (requests): call from a worker thread, as the cache's refresh does. One fetch at a
    time per source.
    """

    kind = "m365"

    def __init__(
        self,
        link: str,
        *,
        tenant_id: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        certificate: str | None = None,
        thumbprint: str | None = None,
        api_url: str | None = None,
        authority_host: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        timeout: float | tuple[float, float] = _DEFAULT_TIMEOUT,
    ) -> None:
        parts = urlsplit(file_url(link))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError(f"TAAKBOT_SOURCE {shown_link(link)!r} is geen SharePoint-koppeling.")
        missing = [
            name
            for name, value in (
                ("TAAKBOT_M365_TENANT_ID", tenant_id),
                ("TAAKBOT_M365_CLIENT_ID", client_id),
                ("TAAKBOT_M365_CLIENT_SECRET of TAAKBOT_M365_CERTIFICATE",
                 client_secret or certificate),
            )
            if not value
        ]  # fmt: skip
        if missing:
            raise SourceError(
                "Een Microsoft 365-werkmap vraagt om de app-registratie: zet "
                + ", ".join(missing)
                + " (README, In productie)."
            )
        self.link = link
        self.tenant_id, self.client_id = str(tenant_id).strip(), str(client_id).strip()
        self._secret, self._certificate, self._thumbprint = client_secret, certificate, thumbprint
        self.api_url = (api_url or GRAPH_URL).rstrip("/")
        self.authority_host = (authority_host or AUTHORITY_HOST).rstrip("/")
        api = urlsplit(self.api_url)
        self._scope = f"{api.scheme}://{api.netloc}/.default"
        self._retry, self._sleep, self._rng = retry or RetryPolicy(), sleep, rng
        self._timeout = timeout
        self._session = _Session(timeout)
        self._app: Any = None
        self._lock = threading.Lock()
        self.drive_id: str | None = None
        self.item_id: str | None = None
        self.name: str | None = None
        self.requests_made = 0  # requests to Graph (not to the sign-in), retries included
        self._tabs: list[str] | None = None

    # -- naming -------------------------------------------------------------------------------

    @property
    def tabs(self) -> list[str] | None:
        return None if self._tabs is None else list(self._tabs)

    def describe(self) -> str:
        """'Microsoft 365-werkmap taakstelling.xlsx', never a token or a query string."""
        name = self.name or unquote(urlsplit(shown_link(self.link)).path.rpartition("/")[2])
        where = ""
        if self.api_url != GRAPH_URL:
            api = urlsplit(self.api_url)
            where = f" via {api.hostname}" + (f":{api.port}" if api.port else "")
        return f"Microsoft 365-werkmap {name or shown_link(self.link)}{where}"

    @property
    def book(self) -> str:
        """The workbook's path below the API root (after the link was resolved)."""
        return f"{self._item_path}/workbook"

    @property
    def _item_path(self) -> str:
        drive, item = quote(self.drive_id or "", safe=""), quote(self.item_id or "", safe="")
        return f"/drives/{drive}/items/{item}"

    def close(self) -> None:
        self._session.close()

    def pause(self, seconds: float) -> None:
        """Wait with the source's (injected) sleep: the round's writer waits for its slot."""
        self._sleep(seconds)

    def __enter__(self) -> GraphSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------

    def version(self) -> str:
        """The workbook's content tag (one request): the cache reads nothing more while it stays
        the same. Resolves the link the first time."""
        with self._lock:
            try:
                return self._version()
            except GraphError as exc:
                raise self.error(exc) from exc

    def fetch(self) -> RawWorkbook:
        """Return `{tab: rows}` as Google's unformatted read gives them: from A1, numbers as
        numbers, dates as serial numbers, trailing empty cells and rows left out."""
        with self._lock:
            try:
                if self.item_id is None:
                    self._version()
                try:
                    return self._read()
                except GraphError as exc:
                    if exc.status != 404:
                        raise
                    # A worksheet renamed or deleted between the list and the $batch: once more.
                    log.info("%s: a worksheet went away while reading; again", self.describe())
                    return self._read()
            except GraphError as exc:
                raise self.error(exc) from exc

    def _version(self) -> str:
        item = self._item()
        return str(item.get("cTag") or item.get("eTag") or "")

    def _item(self) -> dict[str, Any]:
        """The driveItem: through the link the first time (and when the ids stop working)."""
        fields = "$select=id,name,eTag,cTag,file,parentReference"
        if self.item_id is not None:
            try:
                item = self.request("GET", f"{self._item_path}?{fields}")
                return self._remember(item)
            except GraphError as exc:
                if exc.status != 404:
                    raise
                log.info("%s: the item moved; resolving the link again", self.describe())
        try:
            item = self.request("GET", f"/shares/{share_id(self.link)}/driveItem?{fields}")
        except GraphError as exc:
            where = site_path(self.link)
            if exc.status not in (403, 404) or where is None:
                raise
            # Sites.Selected: /shares is refused, the site's own libraries are not.
            try:
                item = self._by_path(*where, fields)
            except GraphError:
                raise exc from None
        return self._remember(item)

    def _by_path(self, host: str, site: str, path: str, fields: str) -> dict[str, Any]:
        """The item through its site and library: three requests, the first time only."""
        found = self.request("GET", f"/sites/{host}:{quote(site)}?$select=id")
        drives = self.request(
            "GET", f"/sites/{quote(found['id'], safe='')}/drives?$select=id,webUrl"
        )
        for drive in drives.get("value", []):
            library = unquote(urlsplit(str(drive.get("webUrl", ""))).path).rstrip("/") + "/"
            if f"{site}/{path}".startswith(library):
                rest = quote(f"{site}/{path}"[len(library) :])
                return self.request("GET", f"/drives/{drive['id']}/root:/{rest}?{fields}")
        raise GraphError(404, ["itemNotFound"], "no library holds the path")

    def _remember(self, item: dict[str, Any]) -> dict[str, Any]:
        name = str(item.get("name") or "")
        if not name.lower().endswith(_WORKBOOK_SUFFIXES):
            raise SourceError(
                f"{shown_link(self.link)} is {name or 'een bestand'}, geen Excel-werkmap (.xlsx): "
                "Microsoft Graph leest alleen .xlsx. Sla het bestand in Excel op als .xlsx en zet "
                "de koppeling daarvan in TAAKBOT_SOURCE."
            )
        self.name = name
        self.item_id = str(item["id"])
        self.drive_id = str(item.get("parentReference", {}).get("driveId") or self.drive_id)
        return item

    def _read(self) -> RawWorkbook:
        sheets = self.request("GET", f"{self.book}/worksheets?$select=id,name,position")
        ordered = sorted(
            (s for s in sheets.get("value", []) if not str(s["name"]).startswith(SLOT_PREFIX)),
            key=lambda s: s.get("position", 0),
        )
        self._tabs = [str(s["name"]) for s in ordered]
        ranges = self.batch(
            {
                "method": "GET",
                "url": f"{self.book}/worksheets/{quote(str(s['id']), safe='')}"
                "/usedRange(valuesOnly=true)?$select=address,values",
            }
            for s in ordered
        )
        return {name: rows_of(used) for name, used in zip(self._tabs, ranges, strict=True)}

    # -- requests -----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        session: str | None = None,
        retry: bool = True,
    ) -> dict[str, Any]:
        """One Graph request under the retry policy (GraphError when it is refused, SourceError
        when the retries are spent or the sign-in fails)."""
        send = lambda: self._send(method, path, body, session)  # noqa: E731
        return self.call(send) if retry else send()

    def batch(self, requests_: Iterable[dict[str, Any]], session: str | None = None) -> list[Any]:
        """Bodies of GET requests sent as JSON `$batch`es of at most 20; a throttled or failed
        inner request (a 429 inside the 200) is sent again alone after the back-off."""
        todo = list(requests_)
        out: dict[int, Any] = {}
        for start in range(0, len(todo), BATCH_LIMIT):
            pending = {i: todo[i] for i in range(start, min(start + BATCH_LIMIT, len(todo)))}

            def attempt(pending: dict[int, dict[str, Any]] = pending) -> None:
                inner = [{"id": str(i), **r} for i, r in pending.items()]
                answer = self._send("POST", "/$batch", {"requests": inner}, session)
                worst: GraphError | None = None
                for reply in answer.get("responses", []):
                    i, status = int(reply["id"]), int(reply.get("status", 500))
                    if status < 400:
                        out[i] = reply.get("body") or {}
                        pending.pop(i, None)
                        continue
                    error = GraphError.of(status, reply.get("body"), reply.get("headers"))
                    if not _is_retryable(error):
                        raise error
                    if worst is None or (error.retry_after or 0) > (worst.retry_after or 0):
                        worst = error
                if pending:
                    raise worst or GraphError(502, ["batchIncomplete"], "answers missing")

            self.call(attempt)
        return [out[i] for i in range(len(todo))]

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run `fn` under the source's retry policy."""
        try:
            return call_with_retry(
                fn,
                self._retry,
                is_retryable=_is_retryable,
                sleep=self._sleep,
                rng=self._rng,
                retry_after=lambda exc: getattr(exc, "retry_after", None),
                on_retry=self._log_retry,
            )
        except RetryExhausted as exc:
            last = exc.last_error
            reason = f"HTTP {last.status}" if isinstance(last, GraphError) else type(last).__name__
            raise SourceError(
                f"{self.describe()}: Microsoft Graph antwoordt niet ({reason}) na {exc.attempts} "
                "pogingen."
            ) from exc
        except (requests.RequestException, ValueError) as exc:  # a body that is not JSON
            raise SourceError(
                f"{self.describe()}: onverwacht antwoord van Microsoft Graph "
                f"({type(exc).__name__})."
            ) from exc

    def _send(self, method: str, path: str, body: Any, session: str | None) -> Any:
        url = path if path.startswith("https://") else self.api_url + path
        for renewed in (False, True):
            headers = {"Authorization": f"Bearer {self._token()}"}
            if session:
                headers["workbook-session-id"] = session
            self.requests_made += 1
            response = self._session.request(
                method, url, json=body, headers=headers, timeout=self._timeout
            )
            if response.status_code == 401 and not renewed:
                self._forget_token()  # revoked or expired early: one new token, once
                continue
            break
        if response.status_code >= 400:
            raise GraphError.of(response.status_code, _json(response), response.headers)
        return _json(response) if response.content else {}

    def _log_retry(self, attempt: int, exc: BaseException, delay: float) -> None:
        reason = f"HTTP {exc.status}" if isinstance(exc, GraphError) else type(exc).__name__
        log.warning(
            "%s: %s; attempt %d of %d, retrying in %.1f s",
            self.describe(),
            reason,
            attempt,
            self._retry.attempts,
            delay,
        )

    # -- sign-in ------------------------------------------------------------------------------

    def _token(self) -> str:
        app = self._msal()
        try:
            result = app.acquire_token_for_client(scopes=[self._scope])
        except requests.RequestException:
            raise  # the sign-in server unreachable: retried like Graph
        except Exception as exc:  # msal could not sign the assertion: the key is unusable
            raise SourceError(
                f"Met het certificaat van app {self.client_id} is niet aan te melden "
                f"({type(exc).__name__}; TAAKBOT_M365_CERTIFICATE): een RSA-sleutel in PEM."
            ) from exc
        if "access_token" in result:
            return str(result["access_token"])
        raise self._sign_in_error(result)

    def _forget_token(self) -> None:
        if self._app is None:
            return
        cache = self._app.token_cache
        for token in list(cache.search(cache.CredentialType.ACCESS_TOKEN)):
            cache.remove_at(token)

    def _msal(self) -> Any:
        """One msal app per source (it keeps the token); made at the first request, because
        msal reads the tenant's OpenID configuration when it is made."""
        if self._app is not None:
            return self._app
        import msal

        try:
            self._app = msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=self._credential(),
                authority=f"{self.authority_host}/{quote(self.tenant_id, safe='')}",
                http_client=self._session,
                validate_authority=self.authority_host == AUTHORITY_HOST,
                instance_discovery=False if self.authority_host != AUTHORITY_HOST else None,
                timeout=self._timeout,
            )
        except ValueError as exc:  # the tenant's OpenID configuration is not there
            raise SourceError(
                f"Tenant {self.tenant_id} is onbekend bij {self.authority_host} "
                "(TAAKBOT_M365_TENANT_ID): zet er de tenant-id (map-id) uit Microsoft Entra ID in."
            ) from exc
        return self._app

    def _credential(self) -> Any:
        if self._secret:
            return self._secret
        path = Path(str(self._certificate)).expanduser()
        try:
            pem = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            raise SourceError(
                f"Certificaat {path} is niet te lezen (TAAKBOT_M365_CERTIFICATE): een PEM-bestand "
                "met de privésleutel (en het certificaat) van de app."
            ) from None
        thumbprint = self._thumbprint or _sha1_thumbprint(pem)
        if not thumbprint or "PRIVATE KEY" not in pem:
            raise SourceError(
                f"{path} mist de privésleutel of de vingerafdruk: zet "
                "TAAKBOT_M365_CERTIFICATE_THUMBPRINT (SHA-1, zoals Entra ID hem toont)."
            )
        return {"private_key": pem, "thumbprint": thumbprint.replace(":", "")}

    def _sign_in_error(self, result: dict[str, Any]) -> SourceError:
        """One line naming the setting to fix; msal's description is not echoed (it may quote
        ids and trace numbers nobody needs)."""
        codes = set(result.get("error_codes") or [])
        error = str(result.get("error") or "")
        app = f"app {self.client_id}"
        if codes & {90002, 900023, 90072} or error == "invalid_tenant":
            return SourceError(
                f"Tenant {self.tenant_id} is onbekend (TAAKBOT_M365_TENANT_ID): zet er de "
                "tenant-id (map-id) uit Microsoft Entra ID in."
            )
        if codes & {700016} or error == "unauthorized_client":
            return SourceError(
                f"Microsoft kent {app} niet in tenant {self.tenant_id} (TAAKBOT_M365_CLIENT_ID, "
                "TAAKBOT_M365_TENANT_ID): neem de toepassings-id (client-id) van de app-registratie."
            )
        if error == "invalid_client" and self._secret:
            return SourceError(
                f"Microsoft weigert het clientgeheim van {app} (TAAKBOT_M365_CLIENT_SECRET): "
                "verkeerd of verlopen. Maak in Entra ID onder Certificaten en geheimen een nieuw "
                "geheim en zet de waarde (niet de geheim-id) in de instelling."
            )
        if error == "invalid_client":
            return SourceError(
                f"Microsoft weigert het certificaat van {app} (TAAKBOT_M365_CERTIFICATE, "
                "TAAKBOT_M365_CERTIFICATE_THUMBPRINT): niet bij de app geüpload, of verlopen."
            )
        return SourceError(
            f"Aanmelden bij Microsoft mislukte voor {app} ({error or 'onbekende fout'}); "
            "controleer TAAKBOT_M365_TENANT_ID, TAAKBOT_M365_CLIENT_ID en het geheim of "
            "certificaat."
        )

    # -- errors -------------------------------------------------------------------------------

    def error(self, exc: GraphError) -> SourceError:
        """A refused read in one Dutch line that says what to do."""
        where = self.describe()
        app = f"app {self.client_id}"
        if exc.has("OpenWorkbookAccessDenied"):
            return SourceError(
                f"{where}: Microsoft 365 laat apps deze werkmap niet openen "
                "(OpenWorkbookAccessDenied), meestal door een vertrouwelijkheidslabel met "
                "versleuteling. Kies een label zonder versleuteling voor deze werkmap."
            )
        if exc.has("EditModeAccessDenied"):
            return SourceError(
                f"{where}: de werkmap is uitgecheckt of door iemand anders vergrendeld "
                "(EditModeAccessDenied). Laat hem in SharePoint inchecken en probeer het opnieuw."
            )
        if exc.has("unsupportedWorkbook") or exc.has("invalidSessionUnsupportedWorkbook"):
            return SourceError(
                f"{where}: de Excel-API van Microsoft Graph opent deze werkmap niet (te groot of "
                "met onderdelen die hij niet ondersteunt)."
            )
        if exc.status == 401:
            return SourceError(
                f"Microsoft Graph weigert de aanmelding van {app} (HTTP 401); controleer "
                "TAAKBOT_M365_TENANT_ID en TAAKBOT_M365_CLIENT_ID."
            )
        if exc.status == 403:
            hint = (
                ""
                if site_path(self.link)
                else " Met Sites.Selected: zet in TAAKBOT_SOURCE het adres van het bestand zelf "
                "(…/sites/…/taakstelling.xlsx), niet een deelkoppeling."
            )
            return SourceError(
                f"Geen toegang tot {where}: {app} heeft geen rechten op de site. Geef de app "
                "Sites.Selected met leesrecht op deze site (schrijfrecht voor de ronde), of "
                "Files.Read.All, met toestemming van een beheerder (README, In productie)." + hint
            )
        if exc.status == 404:
            return SourceError(
                f"De koppeling {shown_link(self.link)} leidt niet naar een bestand dat {app} kan "
                "zien: kopieer de koppeling opnieuw uit SharePoint of OneDrive (TAAKBOT_SOURCE) "
                "en controleer de rechten van de app."
            )
        code = exc.codes[0] if exc.codes else "geen code"
        return SourceError(f"{where}: Microsoft Graph gaf HTTP {exc.status} ({code}).")


# -- helpers ------------------------------------------------------------------------------------


class _Session(requests.Session):
    """A session with a timeout on every request, msal's sign-in included (it passes none)."""

    def __init__(self, timeout: float | tuple[float, float]) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(*args, **kwargs)


def rows_of(used: dict[str, Any]) -> list[list[Any]]:
    """A usedRange as rows from A1 (it may start at C3), trailing blanks dropped as Google does;
    an empty worksheet ('A1' with [['']]) has no rows."""
    start = str(used.get("address", "")).rpartition("!")[2].partition(":")[0]
    m = _CELL.fullmatch(start)
    column, row = (_column_number(m.group(1)), int(m.group(2))) if m else (1, 1)
    out: list[list[Any]] = [[] for _ in range(row - 1)]
    pad = [""] * (column - 1)
    for values in used.get("values") or []:
        cells = pad + list(values)
        while cells and (cells[-1] == "" or cells[-1] is None):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, GraphError):
        return exc.status in _RETRYABLE
    return isinstance(exc, requests.ConnectionError | requests.Timeout)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}


def _sha1_thumbprint(pem: str) -> str | None:
    """The certificate's SHA-1 fingerprint, when the PEM holds the certificate too."""
    if "BEGIN CERTIFICATE" not in pem:
        return None
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    start = pem.index("-----BEGIN CERTIFICATE")
    cert = x509.load_pem_x509_certificate(pem[start:].encode("ascii"))
    return cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - Entra ID's x5t
