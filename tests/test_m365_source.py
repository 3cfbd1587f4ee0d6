"""The Microsoft 365 source against the fake Graph over HTTPS, with the real msal and requests:
the same raw workbook as Google's unformatted read, batches of at most 20, the cTag skip, tokens
renewed, throttling and outages retried on the injected sleep, and every refusal in one Dutch
line that names what to fix."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from sheets.loading.convert import load
from sheets.runtime.cache import SheetCache
from sheets.sources.errors import SourceError
from sheets.sources.gsheet import GoogleSheetSource
from sheets.sources.links import file_url, is_m365_link, share_id
from sheets.sources.local import default_source
from sheets.sources.m365 import GraphSource, rows_of
from sheets.sources.pick import open_source
from tests.fakes.graph_api import CLIENT_ID, FakeGraphServer, share_token
from tests.fakes.sheets_api import FakeSheetsServer
from tests.m365_helpers import ALLITEMS, FILE, LINK, graph_source
from tests.overview_books import (
    HAAGLANDEN_TAB,
    KOLOMMEN,
    UTRECHT_TAB,
    haaglanden_rows,
    utrecht_rows,
)


def sample() -> dict[str, list[list[Any]]]:
    """The bundled sample as a workbook holds it (dates as date cells)."""
    return {
        tab: [[c.date() if isinstance(c, datetime) else c for c in row] for row in rows]
        for tab, rows in default_source().fetch().items()
    }


BOOKS = {
    "sample": sample,
    "utrecht": lambda: {UTRECHT_TAB: utrecht_rows()},
    "haaglanden": lambda: {HAAGLANDEN_TAB: haaglanden_rows(), "kolommen": KOLOMMEN},
}


@pytest.mark.parametrize("book", BOOKS)
def test_the_same_raw_workbook_as_googles_unformatted_read(graph: FakeGraphServer, book) -> None:
    tabs = BOOKS[book]()
    graph.add_workbook(LINK, tabs)
    ours = graph_source(graph).fetch()
    with FakeSheetsServer.in_thread({"1Sheet": tabs}) as sheets:
        google = GoogleSheetSource("1Sheet", api_url=sheets.url).fetch()
    assert ours == google
    assert load(ours, "x").records == load(google, "x").records
    # resolve, worksheets, one $batch: the sign-in (discovery, token) apart
    assert [graph.count(k) for k in ("shares", "worksheets", "batch")] == [1, 1, 1]


def test_batches_of_twenty_and_a_range_that_starts_at_c3(graph: FakeGraphServer) -> None:
    tabs = {f"tab{i:02d}": [["a", i]] for i in range(45)}
    tabs["tab07"] = [[], [], [None, None, "kop", None, 3], [None, None, None, "x"]]
    graph.add_workbook(LINK, tabs)
    source = graph_source(graph)
    raw = source.fetch()
    assert list(raw) == list(tabs)
    assert raw["tab07"] == [[], [], ["", "", "kop", "", 3], ["", "", "", "x"]]
    assert raw["tab44"] == [["a", 44]]
    assert graph.count("batch") == 3 and graph.count("usedRange") == 45  # 20 + 20 + 5
    assert source.requests_made == 1 + 1 + 3


@pytest.mark.parametrize(
    ("used", "rows"),
    [
        ({"address": "Blad1!A1", "values": [[""]]}, []),
        ({"address": "'Blad 1'!B2:C3", "values": [[1, ""], ["", ""]]}, [[], ["", 1]]),
        ({"address": "x!A1:B1", "values": [[True, 44743]]}, [[True, 44743]]),
    ],
)
def test_rows_of_a_used_range(used, rows) -> None:
    assert rows_of(used) == rows


@pytest.mark.parametrize(
    ("link", "m365"),
    [
        (LINK, True),
        (ALLITEMS, True),
        ("https://provincie-my.sharepoint.com/personal/a_b/Documents/taak.xlsx", True),
        ("m365:https://provincie.sharepoint.us/x.xlsx", True),
        ("https://docs.google.com/spreadsheets/d/1abc/edit", False),
        ("gsheet:1abc", False),
        ("werkmap.xlsx", False),
    ],
)
def test_which_links_are_microsoft_365(link, m365) -> None:
    assert is_m365_link(link) is m365


def test_an_allitems_view_resolves_to_the_file_itself(graph: FakeGraphServer) -> None:
    assert file_url(ALLITEMS) == FILE
    assert share_id(LINK) == share_token(LINK)
    graph.add_workbook(FILE, {"gemeenten": [["gemeente"], ["Delft"]]})
    assert graph_source(graph, ALLITEMS).fetch() == {"gemeenten": [["gemeente"], ["Delft"]]}


def test_an_unchanged_workbook_costs_one_request_a_refresh(graph: FakeGraphServer) -> None:
    book = graph.add_workbook(LINK, sample())
    source = graph_source(graph)
    cache = SheetCache(source)
    assert cache.refresh().ok and source.requests_made == 3  # resolve, worksheets, $batch
    first = cache.current()
    assert cache.refresh().ok and source.requests_made == 4  # the item's cTag only
    assert cache.current() is first and not cache.stale
    tabs = sample()
    tabs["ladder"][1][3] = "toelichting aangepast in Excel"
    graph.set_tabs(book.item_id, tabs)  # someone edited the workbook: the cTag moved
    assert cache.refresh().ok and source.requests_made == 4 + 3
    assert cache.current() is not first and cache.current().records != first.records


def test_tokens_are_kept_renewed_and_asked_again_after_a_401(graph: FakeGraphServer) -> None:
    graph.add_workbook(LINK, {"gemeenten": [["gemeente"], ["Delft"]]})
    source = graph_source(graph)
    source.fetch()
    source.fetch()
    assert graph.count("token") == 1 and graph.count("discovery") == 1  # kept in memory
    graph.revoke_tokens()  # expired early (clock skew) or revoked
    assert source.fetch() == {"gemeenten": [["gemeente"], ["Delft"]]}
    assert graph.count("token") == 2


def test_a_token_close_to_expiry_is_renewed_before_use(graph: FakeGraphServer) -> None:
    graph.token_lifetime = 240  # less than msal's five minutes of margin
    graph.add_workbook(LINK, {"gemeenten": [["gemeente"], ["Delft"]]})
    source = graph_source(graph)
    source.fetch()
    source.fetch()
    assert graph.count("token") == 3 + 2  # a new token for every request, each fetch


@pytest.mark.parametrize(
    ("fault", "slept"),
    [
        (dict(status=429, kind="worksheets", retry_after=7), [7.0]),
        (dict(status=503, kind="shares"), [0.5]),
        (dict(status=502, kind="batch"), [0.5]),
        (dict(status=504, times=2, kind="worksheets"), [0.5, 1.0]),
        (dict(status=429, kind="usedRange", retry_after=3, inner=True), [3.0]),
    ],
    ids=["429 Retry-After", "503", "502", "504 twice", "429 inside a $batch"],
)
def test_throttling_and_outages_are_retried_on_the_injected_sleep(
    graph: FakeGraphServer, fault, slept
) -> None:
    graph.add_workbook(LINK, {f"t{i}": [["a", i]] for i in range(3)})
    waits: list[float] = []
    source = graph_source(graph, slept=waits, rng=lambda: 0.5)
    graph.fail_next(**fault)
    assert source.fetch() == {f"t{i}": [["a", i]] for i in range(3)}
    assert waits == slept
    if fault.get("inner"):  # only the throttled inner request went again
        assert graph.count("batch") == 2 and graph.count("usedRange") == 4


def test_retries_are_bounded(graph: FakeGraphServer) -> None:
    graph.add_workbook(LINK, {"a": [["x"]]})
    waits: list[float] = []
    source = graph_source(graph, slept=waits)
    graph.go_down()
    with pytest.raises(SourceError, match="antwoordt niet \\(HTTP 503\\) na 4 pogingen"):
        source.fetch()
    assert len(waits) == 3


def _deny(g: FakeGraphServer, item: str) -> None:
    g.deny()


REFUSALS = {
    "wrong secret": (dict(client_secret="fout"), None, "TAAKBOT_M365_CLIENT_SECRET"),
    "wrong tenant": (dict(tenant_id="00000000-0000-0000-0000-000000000000"), None,
                     "TAAKBOT_M365_TENANT_ID"),
    "unknown app": (dict(client_id="99999999-0000-0000-0000-000000000000"), None,
                    "TAAKBOT_M365_CLIENT_ID"),
    "no rights on the site": ({}, _deny, "Sites.Selected"),
    "sensitivity label": ({}, lambda g, i: g.lock(i, "OpenWorkbookAccessDenied"),
                          "vertrouwelijkheidslabel"),
    "checked out": ({}, lambda g, i: g.lock(i, "EditModeAccessDenied"), "inchecken"),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals_name_what_to_fix_in_one_line(graph: FakeGraphServer, case) -> None:
    options, act, words = REFUSALS[case]
    book = graph.add_workbook(LINK, {"a": [["x"]]})
    if act:
        act(graph, book.item_id)
    with pytest.raises(SourceError, match=words) as info:
        graph_source(graph, **options).fetch()
    text = str(info.value)
    assert "\n" not in text and graph.client_secret not in text and "Xy9Zq1" not in text


def test_a_link_that_does_not_resolve_is_named_without_its_query(graph: FakeGraphServer) -> None:
    with pytest.raises(SourceError) as info:
        graph_source(graph).fetch()
    assert "https://provincie.sharepoint.com/:x:/s/Wonen/EbT4aKsTAAKBOTz1 " in str(info.value)
    assert "e=Xy9Zq1" not in str(info.value) and "TAAKBOT_SOURCE" in str(info.value)


@pytest.mark.parametrize("name", ["taakstelling.xls", "taakstelling.csv", "taakstelling.ods"])
def test_a_file_that_is_not_xlsx_is_refused(graph: FakeGraphServer, name) -> None:
    graph.add_workbook(LINK, {"a": [["x"]]}, name=name)
    with pytest.raises(SourceError, match=f"{name}, geen Excel-werkmap \\(.xlsx\\)"):
        graph_source(graph).fetch()
    assert graph.count("worksheets") == 0


def test_certificate_sign_in(graph: FakeGraphServer, tmp_path) -> None:
    import trustme

    cert = trustme.CA().issue_cert("taakbot-app", key_type=trustme.KeyType.RSA)  # Entra: RSA
    pem = tmp_path / "app.pem"
    pem.write_bytes(cert.private_key_and_cert_chain_pem.bytes())
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    leaf = x509.load_pem_x509_certificate(cert.cert_chain_pems[0].bytes())
    graph.thumbprint = leaf.fingerprint(hashes.SHA1()).hex().upper()
    graph.add_workbook(LINK, {"a": [["x"]]})
    source = graph_source(graph, client_secret=None, certificate=str(pem))
    assert source.fetch() == {"a": [["x"]]}
    graph.thumbprint = "0" * 40  # another certificate registered with the app
    graph.revoke_tokens()
    again = graph_source(graph, client_secret=None, certificate=str(pem))
    with pytest.raises(SourceError, match="TAAKBOT_M365_CERTIFICATE"):
        again.fetch()


def test_settings_missing_for_a_microsoft_365_link() -> None:
    with pytest.raises(SourceError, match="TAAKBOT_M365_TENANT_ID, TAAKBOT_M365_CLIENT_ID"):
        open_source(LINK)
    assert isinstance(
        open_source(LINK, m365=dict(tenant_id="t", client_id=CLIENT_ID, client_secret="s")),
        GraphSource,
    )


def test_with_sites_selected_a_files_address_resolves_through_its_site(graph) -> None:
    """/shares wants Files.ReadWrite.All; an app with Sites.Selected on the site finds the file
    through the site's libraries (three requests, the first time only)."""
    graph.add_workbook(FILE, {"gemeenten": [["gemeente"], ["Delft"]]}, web_url=FILE)
    graph.deny(shares_only=True)
    source = graph_source(graph, ALLITEMS)
    assert source.fetch() == {"gemeenten": [["gemeente"], ["Delft"]]}
    assert [graph.count(k) for k in ("shares", "site", "siteDrives", "byPath")] == [1, 1, 1, 1]
    source.fetch()
    assert graph.count("site") == 1
    with pytest.raises(SourceError, match="Sites.Selected"):  # a sharing link cannot
        graph_source(graph, LINK).fetch()


def test_a_worksheet_gone_between_the_list_and_the_batch_is_read_again(graph) -> None:
    graph.add_workbook(LINK, {"a": [["x"]], "b": [["y"]]})
    graph.fail_next(404, kind="usedRange", code="ItemNotFound", inner=True)
    assert graph_source(graph).fetch() == {"a": [["x"]], "b": [["y"]]}
    assert graph.count("worksheets") == 2 and graph.count("batch") == 2
