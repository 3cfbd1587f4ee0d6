"""The whole path with a Microsoft 365 workbook, as with Google (tests/test_gsheet_end_to_end.py,
tests/test_overview_gsheet.py): settings → Services → msal and requests over HTTPS to the fake
Graph → cache → commands. /stand answers, the last good data is served with its age when Graph is
down, and the coordinators' overviews give the same answers as the same tab in an .xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.services import Services
from bot.settings import Settings
from commands.roles import EVERYTHING, PROVINCE, Role
from commands.router import handle
from tests.fakes.graph_api import FakeGraphServer
from tests.m365_helpers import LINK
from tests.overview_books import write_xlsx
from tests.test_gsheet_end_to_end import _workbook
from tests.test_overview_gsheet import CASES, PERCENT, TODAY

STAFF = Role(PROVINCE, EVERYTHING, "provinciemedewerker")


def test_stand_from_a_microsoft_365_workbook_then_stale_serving(graph: FakeGraphServer) -> None:
    graph.add_workbook(LINK, _workbook())
    slept: list[float] = []
    services = Services.from_settings(Settings(graph.settings(LINK)), sleep=slept.append)
    assert services.cache.current().source.startswith("Microsoft 365-werkmap taakstelling.xlsx")
    ctx = services.ctx(1, role=None, today=date(2022, 3, 21))
    assert ctx.role is not None and ctx.role.kind == "provincie"  # demo user from the workbook
    text = handle(ctx, "/stand Den Haag").text
    assert "417" in text and "129" in text and "oud" not in text

    graph.go_down()
    result = services.cache.refresh()  # what the refresh job does when the TTL is up
    assert not result.ok and len(slept) == 3  # four attempts, three back-off waits
    text = handle(services.ctx(1, today=date(2022, 3, 21)), "/stand Den Haag").text
    assert "417" in text, "the last good data keeps being served"
    assert "kon niet worden ververst" in text
    services.close()


@pytest.mark.parametrize("case", CASES)
def test_microsoft_365_and_xlsx_give_the_same_answers(
    graph: FakeGraphServer, tmp_path: Path, case: str
) -> None:
    tabs, provincie, questions = CASES[case]
    path = write_xlsx(tmp_path / "werkmap.xlsx", tabs, PERCENT)
    today = TODAY if case == "utrecht" else date(2022, 3, 21)
    graph.add_workbook(LINK, tabs)
    remote = Services.from_settings(Settings(graph.settings(LINK, TAAKBOT_PROVINCIE=provincie)))
    local = Services.from_settings(
        Settings({"TAAKBOT_SOURCE": str(path), "TAAKBOT_PROVINCIE": provincie})
    )
    assert remote.cache.current().records == local.cache.current().records
    for question in questions:
        a = handle(remote.ctx(1, role=STAFF, today=today), question).text
        b = handle(local.ctx(1, role=STAFF, today=today), question).text
        assert a == b and "niet" not in a[:20], question
    remote.close()


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({}, 0, ""),
        ({"TAAKBOT_M365_CLIENT_SECRET": "verlopen-geheim"}, 4, "TAAKBOT_M365_CLIENT_SECRET"),
        ({"TAAKBOT_SOURCE": LINK.replace("EbT4", "Xx00")}, 4, "TAAKBOT_SOURCE"),
    ],
    ids=["good", "wrong secret", "link that does not resolve"],
)
def test_taakbot_check_against_the_live_workbook(
    graph: FakeGraphServer, monkeypatch, capsys, change, code, words
) -> None:
    from bot.cli import main

    graph.add_workbook(LINK, _workbook())
    for name, value in {**graph.settings(LINK), **change}.items():
        monkeypatch.setenv(name, value)
    result = main(["check", "--today", "2022-03-21"])
    out, err = capsys.readouterr()
    err = err.strip()
    if not code:  # the sample's own findings only (exit 1 when it has errors)
        assert result in (0, 1) and err == "" and out
    else:
        assert result == code
        assert len(err.splitlines()) == 1 and words in err and "Traceback" not in err
        assert "verlopen-geheim" not in err
