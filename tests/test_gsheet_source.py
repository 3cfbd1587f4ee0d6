"""GoogleSheetSource drives real gspread over HTTP against the fake Sheets API (no network)."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.auth.credentials import AnonymousCredentials
from gspread.http_client import HTTPClient

from sheets.sources.gsheet import READONLY_SCOPE, GoogleSheetSource, SourceError, _SheetsHTTPClient
from sheets.sources.retry import (
    RetryExhausted,
    RetryPolicy,
    backoff_delay,
    call_with_retry,
    header_seconds,
)
from tests.fakes.sheets_api import FakeSheetsServer, split_range

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-xyz"
CLIENT_EMAIL = "taakbot@taakbot-test.iam.gserviceaccount.com"

WORKBOOK: dict[str, list[list[Any]]] = {
    "gemeenten": [
        ["naam", "code", "provincie", "regio"],
        ["Delft", 503, "Zuid-Holland", "Haaglanden"],
        ["'s-Gravenhage", 518, "Zuid-Holland", "Haaglanden", None, ""],
    ],
    "taakstelling": [
        ["gemeente", "periode", "taakstelling"],
        ["'s-Gravenhage", "2021-II", 340],
        ["'s-Gravenhage", "2022-I", 419],
    ],
    "realisatie": [
        ["gemeente", "periode", "peildatum", "gehuisvest", "koppelingen"],
        ["'s-Gravenhage", "2021-II", "1-10-2021", 172, 407],
        ["Delft", "2022-I", "1-4-2022", 12.5, None],
    ],
    "ladder": [["gemeente", "trede", "sinds"], ["'s-Gravenhage", "2", "1-7-2021"]],
    "beleid": [["periode", "coulance"], ["2021-II", True]],
    "deadlines": [["wat", "wanneer"]],
    "gebruikers": [],
}
EXPECTED = {
    "gemeenten": [
        ["naam", "code", "provincie", "regio"],
        ["Delft", 503, "Zuid-Holland", "Haaglanden"],
        ["'s-Gravenhage", 518, "Zuid-Holland", "Haaglanden"],
    ],
    "taakstelling": WORKBOOK["taakstelling"],
    "realisatie": [
        ["gemeente", "periode", "peildatum", "gehuisvest", "koppelingen"],
        ["'s-Gravenhage", "2021-II", "1-10-2021", 172, 407],
        ["Delft", "2022-I", "1-4-2022", 12.5],
    ],
    "ladder": WORKBOOK["ladder"],
    "beleid": WORKBOOK["beleid"],
    "deadlines": WORKBOOK["deadlines"],
    "gebruikers": [],
}


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer.in_thread(workbooks={SHEET_ID: WORKBOOK}) as srv:
        yield srv


class Sleeps(list[float]):
    """A sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_source(
    srv: FakeSheetsServer, spreadsheet: str = SHEET_ID, **kw: Any
) -> GoogleSheetSource:
    kw.setdefault("sleep", Sleeps())
    kw.setdefault("rng", lambda: 1.0)
    return GoogleSheetSource(spreadsheet, api_url=srv.url, **kw)


@pytest.fixture(scope="module")
def private_key_pem() -> str:
    """A throw-away RSA key (google-auth needs a real one to sign its token request)."""
    pytest.importorskip("cryptography")  # a google-auth dependency since 2.4x
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def key_file(tmp_path: Path, server: FakeSheetsServer, private_key_pem: str) -> str:
    """A service-account key whose token endpoint is the fake: the real OAuth flow, offline."""
    path = tmp_path / "sleutel.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "taakbot-test",
                "private_key_id": "k1",
                "private_key": private_key_pem,
                "client_email": CLIENT_EMAIL,
                "client_id": "1",
                "token_uri": server.token_uri,
            }
        )
    )
    return str(path)


# -- reading -----------------------------------------------------------------------------------


def test_fetch_returns_every_tab_as_raw_values(server: FakeSheetsServer) -> None:
    assert make_source(server).fetch() == EXPECTED


def test_every_refresh_reads_the_tab_list_then_one_batch_get(server: FakeSheetsServer) -> None:
    source = make_source(server)
    source.fetch()
    assert (server.count("metadata"), server.count("batchGet")) == (1, 1)
    assert source.requests_made == 2
    source.fetch()
    source.fetch()
    assert (server.count("metadata"), server.count("batchGet")) == (3, 3)
    assert source.requests_made == 6
    assert source.tabs == list(WORKBOOK)


def test_a_tab_added_after_start_up_is_read_at_the_next_refresh(server: FakeSheetsServer) -> None:
    source = make_source(server)
    without = {k: v for k, v in WORKBOOK.items() if k != "gebruikers"}
    server.set_workbook(without)
    assert "gebruikers" not in source.fetch()
    server.set_workbook(dict(without, gebruikers=[["telegram_id", "rol"], [7, "provincie"]]))
    assert source.fetch()["gebruikers"] == [["telegram_id", "rol"], [7, "provincie"]]


def test_batch_get_asks_for_unformatted_rows_of_all_tabs(server: FakeSheetsServer) -> None:
    make_source(server).fetch()
    (batch,) = [r for r in server.requests if r.kind == "batchGet"]
    assert batch.path == f"/v4/spreadsheets/{SHEET_ID}/values:batchGet"
    assert batch.query["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert batch.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert batch.query["majorDimension"] == ["ROWS"]
    assert [split_range(r)[0] for r in batch.query["ranges"]] == list(WORKBOOK)


def test_params_are_a_new_dict_per_call(
    server: FakeSheetsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, Any]] = []
    original = HTTPClient.values_batch_get

    def spy(self: HTTPClient, id: str, ranges: list[str], params: Any = None) -> Any:
        seen.append(params)
        return original(self, id, ranges, params=params)

    monkeypatch.setattr(HTTPClient, "values_batch_get", spy)
    source = make_source(server)
    source.fetch()
    server.set_workbook({"gemeenten": WORKBOOK["gemeenten"]})
    assert list(source.fetch()) == ["gemeenten"]
    assert len(seen) == 2 and seen[0] is not seen[1]
    assert len(seen[0]["ranges"]) == len(WORKBOOK)  # gspread wrote into the first dict...
    assert seen[1]["ranges"] == ["'gemeenten'"]  # ...and the second started clean
    batches = [r for r in server.requests if r.kind == "batchGet"]
    assert batches[1].query["ranges"] == ["'gemeenten'"]


def test_vanished_tab_is_simply_absent_at_the_next_refresh(server: FakeSheetsServer) -> None:
    source = make_source(server)
    source.fetch()
    smaller = {k: v for k, v in WORKBOOK.items() if k != "ladder"}
    server.set_workbook(smaller)
    assert list(source.fetch()) == list(smaller)
    assert (server.count("metadata"), server.count("batchGet")) == (2, 2)


def test_tab_renamed_between_the_two_requests_reads_the_list_once_more(
    server: FakeSheetsServer,
) -> None:
    source = make_source(server)
    server.fail_next(400, kind="batchGet", message="Unable to parse range: 'ladder'")
    assert source.fetch() == EXPECTED
    assert (server.count("metadata"), server.count("batchGet")) == (2, 2)


def test_bad_request_twice_is_an_error(server: FakeSheetsServer) -> None:
    server.fail_next(400, times=2, kind="batchGet", message="Unable to parse range: 'x'")
    with pytest.raises(SourceError, match="HTTP 400: Unable to parse range"):
        make_source(server).fetch()
    assert (server.count("metadata"), server.count("batchGet")) == (2, 2)


def test_changed_values_are_seen_on_the_next_refresh(server: FakeSheetsServer) -> None:
    source = make_source(server)
    source.fetch()
    changed = dict(WORKBOOK, beleid=[["periode", "coulance"], ["2021-II", False]])
    server.set_workbook(changed)
    assert source.fetch()["beleid"] == [["periode", "coulance"], ["2021-II", False]]


@pytest.mark.parametrize(
    "spreadsheet",
    [
        f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/d/{SHEET_ID}",
        f"https://docs.google.com/spreadsheet/ccc?key={SHEET_ID}&hl=nl",
        f"  {SHEET_ID}\n",
    ],
)
def test_url_or_id_both_work(server: FakeSheetsServer, spreadsheet: str) -> None:
    source = make_source(server, spreadsheet)
    assert source.spreadsheet_id == SHEET_ID
    assert source.fetch() == EXPECTED


@pytest.mark.parametrize("spreadsheet", ["", "https://example.org/geen-sheet", "id met spaties"])
def test_bad_spreadsheet_reference_is_refused(spreadsheet: str) -> None:
    with pytest.raises(SourceError):
        GoogleSheetSource(spreadsheet, api_url="http://127.0.0.1:9")


def test_async_callers_use_a_thread() -> None:
    async def scenario() -> dict[str, Any]:
        async with FakeSheetsServer(workbooks={SHEET_ID: WORKBOOK}) as srv:
            source = GoogleSheetSource(SHEET_ID, api_url=srv.url)
            return await asyncio.to_thread(source.fetch)

    assert asyncio.run(scenario()) == EXPECTED


# -- retries -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "rng", "expected_sleeps"),
    [
        (RetryPolicy(), 1.0, [1.0, 2.0]),
        (RetryPolicy(), 0.5, [0.5, 1.0]),
        (RetryPolicy(base=20.0, cap=30.0, budget=100.0), 1.0, [20.0, 30.0]),
    ],
)
def test_429_twice_then_success(
    server: FakeSheetsServer, policy: RetryPolicy, rng: float, expected_sleeps: list[float]
) -> None:
    sleeps = Sleeps()
    source = make_source(server, retry=policy, sleep=sleeps, rng=lambda: rng)
    server.fail_next(429, times=2, kind="batchGet")
    assert source.fetch() == EXPECTED
    assert server.count("batchGet") == 3
    assert sleeps == expected_sleeps
    assert all(s <= policy.cap for s in sleeps)


def test_retry_after_header_is_a_lower_bound(server: FakeSheetsServer) -> None:
    sleeps = Sleeps()
    source = make_source(server, sleep=sleeps, rng=lambda: 0.5)
    server.fail_next(429, times=1, kind="batchGet", retry_after=7)
    source.fetch()
    assert sleeps == [7.0]


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("unavailable", r"antwoordt niet \(HTTP 503\) na 4 pogingen"),
        ("reset", r"niet bereikbaar \(ConnectionError\) na 4 pogingen"),
    ],
)
def test_server_down_gives_up_after_capped_attempts(
    server: FakeSheetsServer, mode: str, words: str
) -> None:
    sleeps = Sleeps()
    source = make_source(server, sleep=sleeps)
    server.go_down(mode)
    with pytest.raises(SourceError, match=words):
        source.fetch()
    assert server.count("metadata") == 4
    assert sleeps == [1.0, 2.0, 4.0]
    server.come_back()
    assert source.fetch() == EXPECTED


def test_down_after_the_tab_list_retries_only_batch_get(server: FakeSheetsServer) -> None:
    source = make_source(server, retry=RetryPolicy(attempts=2))
    source.fetch()
    server.fail_next(503, times=5, kind="batchGet")
    with pytest.raises(SourceError, match="na 2 pogingen"):
        source.fetch()
    assert (server.count("metadata"), server.count("batchGet")) == (2, 3)


def test_budget_stops_retrying_early(server: FakeSheetsServer) -> None:
    sleeps = Sleeps()
    source = make_source(
        server, retry=RetryPolicy(attempts=10, base=25, cap=30, budget=60), sleep=sleeps
    )
    server.go_down()
    with pytest.raises(SourceError, match="na 3 pogingen"):
        source.fetch()
    assert sleeps == [25.0, 30.0]  # a third wait of 30 s would overrun the 60 s budget


# -- errors ------------------------------------------------------------------------------------


def test_unknown_sheet_names_the_service_account(server: FakeSheetsServer, key_file: str) -> None:
    source = GoogleSheetSource(
        "nietbestaand", api_url=server.url, credentials_file=key_file, sleep=Sleeps()
    )
    with pytest.raises(SourceError) as info:
        source.fetch()
    message = str(info.value)
    assert "niet gevonden" in message and "gedeeld" in message and CLIENT_EMAIL in message
    assert server.count("metadata") == 1  # a 404 is not retried


def test_forbidden_sheet_gives_the_sharing_hint(server: FakeSheetsServer, key_file: str) -> None:
    source = GoogleSheetSource(SHEET_ID, api_url=server.url, credentials_file=key_file)
    server.fail_next(403, kind="metadata")
    with pytest.raises(SourceError, match=f"niet gedeeld met {CLIENT_EMAIL}"):
        source.fetch()


def test_unknown_sheet_without_key_still_says_share(server: FakeSheetsServer) -> None:
    with pytest.raises(SourceError, match="gedeeld met het service-account"):
        make_source(server, "nietbestaand").fetch()


def test_service_account_flow_uses_a_read_only_token(
    server: FakeSheetsServer, key_file: str
) -> None:
    with GoogleSheetSource(SHEET_ID, api_url=server.url, credentials_file=key_file) as source:
        assert source.client_email == CLIENT_EMAIL
        assert source._http.auth.scopes == [READONLY_SCOPE]
        assert source.fetch() == EXPECTED
        source.fetch()
    assert server.count("token") == 1  # the token is reused until it expires
    sheet_calls = [r for r in server.requests if r.kind != "token"]
    assert {r.authorization for r in sheet_calls} == {"Bearer fake-token-1"}
    assert source.requests_made == 4  # token requests are not Sheets API requests


def test_rejected_key_is_not_retried(server: FakeSheetsServer, key_file: str) -> None:
    server.fail_next(400, kind="token", message="invalid_grant")
    source = GoogleSheetSource(SHEET_ID, api_url=server.url, credentials_file=key_file)
    with pytest.raises(SourceError, match=f"weigert de inloggegevens van {CLIENT_EMAIL}"):
        source.fetch()
    assert server.count("token") == 1 and server.count("metadata") == 0


def test_no_credentials_is_a_clear_dutch_error() -> None:
    with pytest.raises(SourceError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        GoogleSheetSource(SHEET_ID)


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="bestaat niet"):
        GoogleSheetSource(SHEET_ID, credentials_file=str(tmp_path / "weg.json"))


def test_broken_key_file_is_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "kapot.json"
    path.write_text('{"type": "service_account", "private_key": "GEHEIM-123", "client_email"')
    with pytest.raises(SourceError) as info:
        GoogleSheetSource(SHEET_ID, credentials_file=str(path))
    assert "GEHEIM" not in str(info.value) and info.value.__cause__ is None


def test_describe_hides_the_full_id_and_key(server: FakeSheetsServer, key_file: str) -> None:
    source = GoogleSheetSource(SHEET_ID, api_url=server.url, credentials_file=key_file)
    text = source.describe()
    assert text.startswith("Google Sheet 1AbCdE…") and SHEET_ID not in text
    assert "PRIVATE" not in text
    hidden = GoogleSheetSource(SHEET_ID, api_url="http://gebruiker:wachtwoord@127.0.0.1:8080/")
    assert hidden.describe() == "Google Sheet 1AbCdE… via http://127.0.0.1:8080"


def test_requests_outside_the_sheets_api_are_refused(server: FakeSheetsServer) -> None:
    source = make_source(server)
    with pytest.raises(SourceError, match="buiten de Sheets API"):
        source._http.request("get", "https://www.googleapis.com/drive/v3/files")
    assert server.requests == []


def test_bad_api_url_is_refused() -> None:
    with pytest.raises(SourceError, match="TAAKBOT_SHEETS_API_URL"):
        GoogleSheetSource(SHEET_ID, api_url="127.0.0.1:8080")


# -- retry policy (pure) -----------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Flaky:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


@pytest.mark.parametrize(
    ("index", "expected"), [(0, 1.0), (1, 2.0), (4, 16.0), (5, 30.0), (20, 30.0)]
)
def test_backoff_grows_and_is_capped(index: int, expected: float) -> None:
    assert backoff_delay(RetryPolicy(), index, lambda: 1.0) == expected


def test_non_retryable_error_passes_through_at_once() -> None:
    fn = Flaky(5, KeyError("x"))
    with pytest.raises(KeyError):
        call_with_retry(fn, RetryPolicy(), is_retryable=lambda e: False, sleep=Sleeps())
    assert fn.calls == 1


def test_attempts_are_exhausted() -> None:
    fn, clock = Flaky(9, OSError("weg")), FakeClock()
    with pytest.raises(RetryExhausted) as info:
        call_with_retry(
            fn,
            RetryPolicy(attempts=3),
            is_retryable=lambda e: True,
            sleep=clock.sleep,
            clock=clock,
            rng=lambda: 1.0,
        )
    assert (fn.calls, info.value.attempts, info.value.reason) == (3, 3, "attempts")
    assert clock.now == 3.0


def test_budget_counts_real_elapsed_time() -> None:
    fn, clock = Flaky(9, OSError("traag")), FakeClock()

    def slow() -> str:
        clock.now += 20  # each call itself takes 20 s
        return fn()

    with pytest.raises(RetryExhausted) as info:
        call_with_retry(
            slow,
            RetryPolicy(attempts=10, budget=60),
            is_retryable=lambda e: True,
            sleep=clock.sleep,
            clock=clock,
            rng=lambda: 1.0,
        )
    assert info.value.reason == "budget" and fn.calls == 3


def test_retry_after_beyond_budget_gives_up_without_waiting() -> None:
    sleeps = Sleeps()
    with pytest.raises(RetryExhausted, match="budget"):
        call_with_retry(
            Flaky(1, OSError()),
            RetryPolicy(),
            is_retryable=lambda e: True,
            sleep=sleeps,
            retry_after=lambda e: 3600.0,
        )
    assert sleeps == []


@pytest.mark.parametrize("kwargs", [{"attempts": 0}, {"base": -1}, {"budget": -1}])
def test_policy_rejects_nonsense(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


# -- the fake itself, through gspread's own high-level API ----------------------------------------


def test_fake_serves_gspread_open_by_key_and_formatted_values(server: FakeSheetsServer) -> None:
    client = gspread.Client(
        AnonymousCredentials(),
        http_client=functools.partial(_SheetsHTTPClient, api_root=server.url),
    )
    sheet = client.open_by_key(SHEET_ID)
    assert sheet.title == "Taakbot test"
    assert [ws.title for ws in sheet.worksheets()] == list(WORKBOOK)
    body = sheet.values_batch_get(["gemeenten!A2:B3", "'beleid'!B:B"])
    assert [vr.get("values") for vr in body["valueRanges"]] == [
        [["Delft", "503"], ["'s-Gravenhage", "518"]],
        [["coulance"], ["TRUE"]],
    ]
    with pytest.raises(gspread.SpreadsheetNotFound):
        client.open_by_key("nietbestaand")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'gemeenten'", ("gemeenten", None)),
        ("gemeenten!A1:B2", ("gemeenten", "A1:B2")),
        ("'Taak stelling'!A:C", ("Taak stelling", "A:C")),
        ("'Gravenhage ''s-'", ("Gravenhage 's-", None)),
        ("'it''s'!B2", ("it's", "B2")),
    ],
)
def test_fake_splits_ranges_like_google(text: str, expected: tuple[str, str | None]) -> None:
    assert split_range(text) == expected


NOW = 1_667_810_000.0  # Mon, 07 Nov 2022 08:33:20 GMT


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("7", 7.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("Mon, 07 Nov 2022 08:33:50 GMT", 30.0),  # an HTTP date
        ("Mon, 07 Nov 2022 08:33:50 -0000", 30.0),  # a date without zone: UTC
        ("Mon, 07 Nov 2022 08:00:00 GMT", 0.0),  # already past
        ("morgen", None),
        (12, 12.0),  # a number in a $batch answer's JSON headers
    ],
)
def test_retry_after_is_read_one_way_for_every_service(header, seconds) -> None:
    """Google, Microsoft Graph and Teams read Retry-After with the one header_seconds."""
    assert header_seconds(header, now=lambda: NOW) == seconds
