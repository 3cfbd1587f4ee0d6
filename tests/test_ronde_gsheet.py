"""Recording a round in a Google Sheet through the whole stack (issue 18): settings → Services →
gspread over HTTP → the fake Sheets API. One values.append per round, rows under the tab's own
header, never twice (not on a second run, not after an answer that got lost), a read-only share
refused in one line, and a `ladder` tab added to an overview-only sheet."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bot.cli import main
from bot.services import Services
from bot.settings import Settings
from commands.round import round_for, to_record
from commands.router import handle
from sheets.sources.ladder import HEADER, Recorder
from sheets.sources.local import default_source
from tests.fakes.sheets_api import FakeSheetsServer
from tests.overview_books import UTRECHT_TAB, utrecht_rows

SHEET = "1TaakbotRondeSheet"
ADMIN = 4242
NOW = datetime(2022, 10, 3, 9, 30, 15)
ROUND = "/ronde ja 2022-10-01 Utrecht"  # what the *Ja* button sends
N_UTRECHT = 26


def sample(ladder_columns: int = 5) -> dict[str, list[list[Any]]]:
    """The bundled sample as a Google Sheet holds it (dates as date cells); the ladder tab keeps
    its first `ladder_columns` columns."""
    out = {}
    for tab, rows in default_source().fetch().items():
        out[tab] = [
            [c.date() if isinstance(c, datetime) else c for c in row]
            for row in (r[:ladder_columns] if tab == "ladder" else r for r in rows)
        ]
    return out


def services(server: FakeSheetsServer, slept: list[float], **more: str) -> Services:
    settings = Settings(
        {
            "TAAKBOT_SOURCE": f"gsheet:{SHEET}",
            "TAAKBOT_SHEETS_API_URL": server.url,
            "TAAKBOT_ADMINS": str(ADMIN),
            **more,
        }
    )
    found = Services.from_settings(settings, sleep=slept.append)
    found.front.recorder = Recorder(found.cache, clock=lambda: NOW)
    return found


def record_round(found: Services, text: str = ROUND) -> str:
    """Press *Ja*: the reply, then the work it leaves for after the reply."""
    reply = handle(found.ctx(ADMIN, today=date(2022, 10, 3)), text)
    return reply.action.run().text if reply.action else reply.text


@pytest.mark.parametrize(
    ("ladder_columns", "last_column"),
    [(4, "G"), (5, "H")],
    ids=["gemeente..toelichting", "with a bron column"],
)
def test_one_append_under_the_header_and_never_twice(ladder_columns, last_column) -> None:
    with FakeSheetsServer.in_thread({SHEET: sample(ladder_columns)}) as server:
        slept: list[float] = []
        found = services(server, slept)
        before = {t: server.tab(SHEET, t) for t in server.titles(SHEET)}
        before_data = found.cache.current()
        text = record_round(found)
        assert f"{N_UTRECHT} besluiten vastgelegd in tabblad ladder" in text
        assert f":{last_column}" in text  # e.g. (ladder!A43:G68): with the write id
        assert server.count("append") == 1 and slept == []
        ladder = server.tab(SHEET, "ladder")
        header = ladder[0]
        assert header[ladder_columns:] == ["vastgelegd_door", "vastgelegd_op", "schrijf_id"]
        assert [r[:ladder_columns] for r in ladder[1 : len(before["ladder"])]] == [
            r[:ladder_columns] for r in before["ladder"][1:]
        ]
        added = ladder[len(before["ladder"]) :]
        assert len(added) == N_UTRECHT
        column = {name: header.index(name) for name in HEADER}
        assert list(column.values()) == sorted(column.values())
        assert header.index("schrijf_id") == ord(last_column) - ord("A")  # A..G or A..H
        assert len({r[header.index("schrijf_id")] for r in added}) == 1  # one write, one id
        leusden = next(r for r in added if r[0] == "Leusden")
        assert leusden[column["datum"]] == date(2022, 10, 1)
        assert str(leusden[column["trede"]]) == "3"
        assert leusden[column["vastgelegd_op"]] == NOW
        assert {t: server.tab(SHEET, t) for t in before if t != "ladder"} == {
            t: rows for t, rows in before.items() if t != "ladder"
        }

        assert "niets vast te leggen" in record_round(found)  # the data was read again
        ctx = found.ctx(ADMIN, today=date(2022, 10, 3))
        ctx.data = before_data  # the round as it stood before the write: all 26 to record
        todo, _waiting = to_record(ctx, round_for(ctx, date(2022, 10, 1), "Utrecht"))
        again = found.front.recorder.record(todo)  # the writer reads the tab back first
        assert server.count("append") == 1 and server.tab(SHEET, "ladder") == ladder
        assert again.added == [] and len(again.present) == N_UTRECHT


def test_a_lost_answer_is_read_back_not_written_twice() -> None:
    with FakeSheetsServer.in_thread({SHEET: sample()}) as server:
        slept: list[float] = []
        found = services(server, slept)
        rows_before = len(server.tab(SHEET, "ladder"))
        server.lose_next_write_answer()
        text = record_round(found)
        assert f"{N_UTRECHT} besluiten vastgelegd in tabblad ladder." in text
        assert server.count("append") == 1, "the retry read the tab back and found the rows"
        assert len(slept) == 1  # one back-off wait, asked for and not waited
        ladder = server.tab(SHEET, "ladder")
        added = ladder[rows_before:]
        assert len(added) == N_UTRECHT and len({r[0] for r in added}) == N_UTRECHT


def test_a_landed_write_whose_check_fails_is_reported_uncertain_and_refreshed() -> None:
    """The append lands, its answer is lost and the read-back gets 503: never "niets
    geschreven"; the report says 'onzeker', names the write id, and the cache is read again."""
    with FakeSheetsServer.in_thread({SHEET: sample()}) as server:
        slept: list[float] = []
        found = services(server, slept)
        generation = found.cache.generation
        server.lose_next_write_answer(then="unavailable")
        text = record_round(found)
        ladder = server.tab(SHEET, "ladder")
        write_id = ladder[-1][ladder[0].index("schrijf_id")]
        assert "onzeker: mogelijk geschreven" in text and write_id in text, text
        assert "niets geschreven" not in text and "niets dubbel geschreven" not in text
        # read before the write (fresh data) and after the attempt (failed: stale data served)
        assert found.cache.generation == generation + 2
        server.come_back()
        again = record_round(found)  # they had landed, once: the fresh read sees them
        assert "niets vast te leggen" in again, again
        assert len(server.tab(SHEET, "ladder")) == len(ladder)


def test_read_only_share_exits_4_and_writes_nothing(monkeypatch, capsys) -> None:
    with FakeSheetsServer.in_thread({SHEET: sample()}) as server:
        server.share_read_only(SHEET)
        before = {t: server.tab(SHEET, t) for t in server.titles(SHEET)}
        monkeypatch.setenv("TAAKBOT_SOURCE", f"gsheet:{SHEET}")
        monkeypatch.setenv("TAAKBOT_SHEETS_API_URL", server.url)
        argv = ["ronde", "--date", "2022-10-01", "--provincie", "Utrecht", "--vastleggen", "--ja"]
        code = main(argv)
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 4, err
        assert len(lines) == 1 and "bewerker" in err and "Traceback" not in err
        assert {t: server.tab(SHEET, t) for t in server.titles(SHEET)} == before
        assert server.count("append") == 0


def test_overview_only_sheet_gets_a_ladder_tab() -> None:
    with FakeSheetsServer.in_thread({SHEET: {UTRECHT_TAB: utrecht_rows()}}) as server:
        slept: list[float] = []
        found = services(server, slept, TAAKBOT_PROVINCIE="Utrecht")
        overview = server.tab(SHEET, UTRECHT_TAB)
        text = record_round(found)
        assert "Het tabblad ladder was er niet en is toegevoegd" in text
        assert server.titles(SHEET) == [UTRECHT_TAB, "ladder"]
        assert server.count("batchUpdate") == 1 and server.count("append") == 1
        ladder = server.tab(SHEET, "ladder")
        assert ladder[0] == [*HEADER, "schrijf_id"]
        assert len(ladder) == 1 + N_UTRECHT and all(r[1] == date(2022, 10, 1) for r in ladder[1:])
        assert server.tab(SHEET, UTRECHT_TAB) == overview
        assert "niets vast te leggen" in record_round(found)  # read back: the steps are known
        assert server.count("append") == 1
        assert not [p for p in found.cache.current().problems if p.ref.startswith("ladder")]


def test_a_write_that_came_second_marks_its_copies_and_says_so(monkeypatch) -> None:
    """Another writer's rows landed between our read and our append: the read-back finds
    theirs first, ours are marked 'vervallen' (kept, not deleted), nobody counts them, and
    the report says so."""
    from commands.round import report
    from sheets.sources.ladder import google
    from sheets.sources.ladder.base import sort_out as real_sort_out

    with FakeSheetsServer.in_thread({SHEET: sample()}) as server:
        found = services(server, [])
        ctx = found.ctx(ADMIN, today=date(2022, 10, 3))
        todo, _waiting = to_record(ctx, round_for(ctx, date(2022, 10, 1), "Utrecht"))
        first = found.front.recorder.record(todo)  # the other writer
        assert len(first.added) == N_UTRECHT

        def read_a_moment_earlier(rows, raw, lay, reading=None, created=False):
            return real_sort_out(rows, raw[: len(raw) - N_UTRECHT], lay, reading, created)

        monkeypatch.setattr(google, "sort_out", read_a_moment_earlier)
        second = found.front.recorder.record(todo)
        assert second.added == [] and len(second.present) == N_UTRECHT
        assert len(second.voided) == N_UTRECHT
        assert "Tegelijk legde iemand anders hetzelfde vast" in report(ctx, second)
        ladder = server.tab(SHEET, "ladder")
        marks = [r[-1] for r in ladder if r[1] == date(2022, 10, 1)]
        assert len(marks) == 2 * N_UTRECHT
        assert sum(str(m).startswith("vervallen: dubbel van rij") for m in marks) == N_UTRECHT
        data = found.cache.current()  # read again after the write: each decision once
        assert not [p for p in data.problems if p.ref.startswith("ladder")]
        baarn = [d for d in data.records["Baarn"].decisions if d.date == date(2022, 10, 1)]
        assert len(baarn) == 1


def test_copies_a_stopped_writer_left_are_marked_by_the_next_press(monkeypatch) -> None:
    """A writer that appended and then stopped (killed, or its read-back failed) leaves its
    copies unmarked; the next write of the same round marks them before anything else."""
    from sheets.sources.ladder import google
    from sheets.sources.ladder.base import sort_out as real_sort_out

    with FakeSheetsServer.in_thread({SHEET: sample()}) as server:
        found = services(server, [])
        ctx = found.ctx(ADMIN, today=date(2022, 10, 3))
        todo, _waiting = to_record(ctx, round_for(ctx, date(2022, 10, 1), "Utrecht"))
        found.front.recorder.record(todo)  # the first writer
        with monkeypatch.context() as m:  # the second read a moment earlier, then stopped
            m.setattr(
                google,
                "sort_out",
                lambda rows, raw, lay, reading=None, created=False: real_sort_out(
                    rows, raw[: len(raw) - N_UTRECHT], lay, reading, created
                ),
            )
            m.setattr(google, "_mark", lambda *args: None)
            found.front.recorder.record(todo)
        assert len(server.tab(SHEET, "ladder")) == len(sample()["ladder"]) + 2 * N_UTRECHT
        again = found.front.recorder.record(todo)  # the next press
        assert again.added == [] and len(again.voided) == N_UTRECHT
        marks = [r[-1] for r in server.tab(SHEET, "ladder") if r[1] == date(2022, 10, 1)]
        assert sum(str(m).startswith("vervallen: dubbel van rij") for m in marks) == N_UTRECHT
        baarn = [
            d
            for d in found.cache.current().records["Baarn"].decisions
            if d.date == date(2022, 10, 1)
        ]
        assert len(baarn) == 1
