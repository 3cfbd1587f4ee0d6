"""Same answers both ways: an overview tab over the fake Sheets API (real gspread, `gsheet:`) and
the same tab in a local .xlsx give the same records and the same replies, in one values:batchGet
per refresh; dates never depend on the sheet's locale."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.services import Services
from bot.settings import Settings
from commands.roles import EVERYTHING, PROVINCE, Role
from commands.router import handle
from sheets.loading.convert import load
from sheets.sources.gsheet import GoogleSheetSource
from sheets.sources.local import LocalSource
from sheets.tabs.values import day
from tests.fakes.sheets_api import FakeSheetsServer, Percent
from tests.overview_books import (
    HAAGLANDEN_PERCENT,
    HAAGLANDEN_TAB,
    KOLOMMEN,
    UTRECHT_PERCENT,
    UTRECHT_TAB,
    haaglanden_rows,
    utrecht_rows,
    write_xlsx,
)

SHEET = "1UtrechtOverzicht2022"
STAFF = Role(PROVINCE, EVERYTHING, "provinciemedewerker")
TODAY = date(2022, 11, 10)
PERCENT = {UTRECHT_TAB: UTRECHT_PERCENT, HAAGLANDEN_TAB: HAAGLANDEN_PERCENT}


def google(tabs: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """The tabs as a Google Sheet holds them: %-formatted cells in the percentage columns."""
    out = {}
    for title, rows in tabs.items():
        columns = PERCENT.get(title, ())
        out[title] = [
            [Percent(c) if i in columns and isinstance(c, float) else c for i, c in enumerate(r)]
            for r in rows
        ]
    return out


CASES = {
    "utrecht": ({UTRECHT_TAB: utrecht_rows()}, "Utrecht", ["/stand Leusden", "/prognose Utrecht",
                                                          "/ladder Leusden", "/provincie Utrecht"]),
    "haaglanden": ({HAAGLANDEN_TAB: haaglanden_rows(), "kolommen": KOLOMMEN}, "Zuid-Holland",
                   ["/stand Den Haag", "/prognose Delft", "/stand Gravenhage 's-"]),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_google_and_xlsx_give_the_same_records(tmp_path: Path, case: str) -> None:
    tabs, provincie, _ = CASES[case]
    local = LocalSource(write_xlsx(tmp_path / "werkmap.xlsx", tabs, PERCENT)).fetch()
    with FakeSheetsServer.in_thread({SHEET: google(tabs)}) as server:
        remote = GoogleSheetSource(SHEET, api_url=server.url).fetch()
        assert (server.count("metadata"), server.count("batchGet")) == (1, 1)
    a, b = load(local, "x", provincie=provincie), load(remote, "x", provincie=provincie)
    assert a.records == b.records and a.records
    assert [str(p) for p in a.problems] == [str(p) for p in b.problems]
    assert [str(r) for r in a.readings] == [str(r) for r in b.readings]


@pytest.mark.parametrize("case", CASES)
def test_google_and_xlsx_give_the_same_answers(tmp_path: Path, case: str) -> None:
    tabs, provincie, questions = CASES[case]
    path = write_xlsx(tmp_path / "werkmap.xlsx", tabs, PERCENT)
    today = TODAY if case == "utrecht" else date(2022, 3, 21)
    with FakeSheetsServer.in_thread({SHEET: google(tabs)}) as server:
        remote = Services.from_settings(
            Settings(
                {
                    "TAAKBOT_SOURCE": f"gsheet:{SHEET}",
                    "TAAKBOT_SHEETS_API_URL": server.url,
                    "TAAKBOT_PROVINCIE": provincie,
                }
            )
        )
        remote.cache.refresh()  # a second refresh: again one tab list and one batchGet
        assert (server.count("metadata"), server.count("batchGet")) == (2, 2)
    local = Services.from_settings(
        Settings({"TAAKBOT_SOURCE": str(path), "TAAKBOT_PROVINCIE": provincie})
    )
    for question in questions:
        answers = [
            handle(s.ctx(1, role=STAFF, today=today), question).text for s in (local, remote)
        ]
        assert answers[0] == answers[1], question
        name = question.split(" ", 1)[1].replace("Gravenhage 's-", "'s-Gravenhage")
        assert name.replace("Den Haag", "'s-Gravenhage") in answers[0], answers[0]


def test_utrecht_answers_from_the_overview(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "werkmap.xlsx", CASES["utrecht"][0], PERCENT)
    services = Services.from_settings(
        Settings({"TAAKBOT_SOURCE": str(path), "TAAKBOT_PROVINCIE": "Utrecht"})
    )
    stand = handle(services.ctx(1, role=STAFF, today=TODAY), "/stand Leusden").text
    assert "Opgave: 50" in stand or "Opgave: <b>50</b>" in stand
    assert "20" in stand and "10 november 2022" in stand
    prognose = handle(services.ctx(1, role=STAFF, today=TODAY), "/prognose Leusden").text
    assert "28" in prognose  # 20 × 184 / 132 = 27.9, as the sheet's own column says


US_ROWS = [
    ["gemeente", "provincie"],
    ["Leusden", "Utrecht"],
]


@pytest.mark.parametrize("locale", ["nl_NL", "en_US"])
def test_dates_do_not_depend_on_the_sheets_locale(locale: str) -> None:
    tabs = {
        "gemeenten": US_ROWS,
        "realisatie": [["gemeente", "peildatum", "gehuisvest"], ["Leusden", date(2022, 7, 1), 23]],
    }
    with FakeSheetsServer.in_thread({SHEET: tabs}, locale=locale) as server:
        raw = GoogleSheetSource(SHEET, api_url=server.url).fetch()
    (snap,) = load(raw, "x").records["Leusden"].snapshots
    assert snap.peildatum == date(2022, 7, 1)


def test_a_formatted_us_date_is_what_went_wrong_before() -> None:
    """Why serial numbers: the same cell formatted in a US sheet reads as 7 January."""
    tabs = {"realisatie": [["peildatum"], [date(2022, 7, 1)]]}
    with FakeSheetsServer.in_thread({SHEET: tabs}, locale="en_US") as server:
        source = GoogleSheetSource(SHEET, api_url=server.url)
        text = source._http.values_batch_get(
            SHEET,
            ["realisatie"],
            params={
                "valueRenderOption": "UNFORMATTED_VALUE",
                "dateTimeRenderOption": "FORMATTED_STRING",
            },
        )["valueRanges"][0]["values"][1][0]
        serial = source.fetch()["realisatie"][1][0]
    assert text == "7/1/2022" and day(text) == date(2022, 1, 7)
    assert serial == 44743 and day(serial) == date(2022, 7, 1)


def test_the_fake_formats_like_google_in_each_locale() -> None:
    tabs = {"t": [[1054, 12.5, Percent(0.63), date(2022, 7, 1), True]]}
    with FakeSheetsServer.in_thread({SHEET: tabs}, locale="en_US") as us:
        source = GoogleSheetSource(SHEET, api_url=us.url)
        shown = source._http.values_batch_get(SHEET, ["t"], params={})["valueRanges"][0]
    with FakeSheetsServer.in_thread({SHEET: tabs}) as nl:
        source = GoogleSheetSource(SHEET, api_url=nl.url)
        dutch = source._http.values_batch_get(SHEET, ["t"], params={})["valueRanges"][0]
        raw = source.fetch()["t"]
    assert shown["values"] == [["1054", "12.5", "63%", "7/1/2022", "TRUE"]]
    assert dutch["values"] == [["1054", "12,5", "63%", "1-7-2022", "TRUE"]]
    assert raw == [[1054, 12.5, 0.63, 44743, True]]


def test_a_deleted_gebruikers_tab_is_refused_and_its_restore_read_at_the_next_refresh() -> None:
    import functools

    from sheets.runtime.cache import SheetCache

    users = [["telegram_id", "naam", "rol", "scope"], [7, "Staf", "provincie", "Utrecht"]]
    tabs = google({UTRECHT_TAB: utrecht_rows(), "gebruikers": users})
    with FakeSheetsServer.in_thread({SHEET: tabs}) as server:
        loader = functools.partial(load, provincie="Utrecht")
        source = GoogleSheetSource(SHEET, api_url=server.url)
        cache = SheetCache(source, ttl=0, retry=0, min_interval=0, loader=loader)
        assert [u.telegram_id for u in cache.get().users] == [7]
        server.set_workbook({UTRECHT_TAB: tabs[UTRECHT_TAB]})  # deleted while being re-pasted
        refused = cache.refresh()
        assert not refused.ok and "tabblad gebruikers ontbreekt" in refused.error
        assert [u.telegram_id for u in cache.current().users] == [7]  # nobody locked out
        server.set_workbook(tabs)  # restored
        assert cache.refresh().ok and not cache.stale
        assert [u.telegram_id for u in cache.current().users] == [7]
        assert server.count("batchGet") == 3  # one per refresh
