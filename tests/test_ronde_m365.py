"""Recording a round in a Microsoft 365 workbook through the whole stack, as
tests/test_ronde_gsheet.py does for Google: settings → Services → msal and requests over HTTPS →
the fake Graph. One range PATCH (or rows/add on an Excel table) per round inside a workbook
session, under the tab's own header, never twice (not on a second run, not after a lost answer),
typed text kept as text, a read-only app refused in one line, a `ladder` tab added to an
overview-only workbook, and the write slot taken from a writer that died."""

from __future__ import annotations

from datetime import date

import pytest

from bot.cli import main
from bot.services import Services
from bot.settings import Settings
from commands.round import round_for, to_record
from engine.treden import Trede
from sheets.sources.ladder import HEADER, LadderRow, Recorder, WriteError
from sheets.sources.ladder import graph as graph_writer
from sheets.sources.m365 import SLOT_PREFIX
from tests.fakes.graph_api import FakeGraphServer
from tests.m365_helpers import LINK
from tests.overview_books import UTRECHT_TAB, utrecht_rows
from tests.test_formula_safety import HOSTILE
from tests.test_ronde_gsheet import ADMIN, N_UTRECHT, NOW, record_round, sample


def services(graph: FakeGraphServer, slept: list[float], **more: str) -> Services:
    settings = Settings(graph.settings(LINK, TAAKBOT_ADMINS=str(ADMIN), **more))
    found = Services.from_settings(settings, sleep=slept.append)
    found.front.recorder = Recorder(found.cache, clock=lambda: NOW)
    return found


def no_slots(graph: FakeGraphServer, item: str) -> bool:
    return not [t for t in graph.titles(item) if t.startswith(SLOT_PREFIX)]


@pytest.mark.parametrize(
    ("ladder_columns", "last_column"),
    [(4, "G"), (5, "H")],
    ids=["gemeente..toelichting", "with a bron column"],
)
def test_one_patch_under_the_header_and_never_twice(
    graph: FakeGraphServer, ladder_columns, last_column
) -> None:
    book = graph.add_workbook(LINK, sample(ladder_columns))
    item = book.item_id
    slept: list[float] = []
    found = services(graph, slept)
    before = {t: graph.tab(item, t) for t in graph.titles(item)}
    before_data = found.cache.current()
    text = record_round(found)
    assert f"{N_UTRECHT} besluiten vastgelegd in tabblad ladder" in text
    assert f":{last_column}" in text  # e.g. (ladder!A43:G68): with the write id
    assert graph.count("patch") == 2 and slept == []  # the header's new cells, then the rows
    assert graph.count("createSession") == graph.count("closeSession") == 1
    assert no_slots(graph, item) and graph.titles(item) == list(before)
    ladder = graph.tab(item, "ladder")
    header = ladder[0]
    assert header[ladder_columns:] == ["vastgelegd_door", "vastgelegd_op", "schrijf_id"]
    assert [r[:ladder_columns] for r in ladder[1 : len(before["ladder"])]] == [
        r[:ladder_columns] for r in before["ladder"][1:]
    ]
    added = ladder[len(before["ladder"]) :]
    assert len(added) == N_UTRECHT
    column = {name: header.index(name) for name in HEADER}
    assert header.index("schrijf_id") == ord(last_column) - ord("A")
    assert len({r[header.index("schrijf_id")] for r in added}) == 1  # one write, one id
    leusden = next(r for r in added if r[0] == "Leusden")
    assert leusden[column["datum"]] == date(2022, 10, 1)  # a date cell, as Excel typed it
    assert str(leusden[column["trede"]]) == "3"
    assert leusden[column["vastgelegd_op"]] == NOW
    assert {t: graph.tab(item, t) for t in before if t != "ladder"} == {
        t: rows for t, rows in before.items() if t != "ladder"
    }

    assert "niets vast te leggen" in record_round(found)  # the data was read again
    ctx = found.ctx(ADMIN, today=date(2022, 10, 3))
    ctx.data = before_data  # the round as it stood before the write: all 26 to record
    todo, _waiting = to_record(ctx, round_for(ctx, date(2022, 10, 1), "Utrecht"))
    again = found.front.recorder.record(todo)  # the writer reads the tab back first
    assert graph.count("patch") == 2 and graph.tab(item, "ladder") == ladder
    assert again.added == [] and len(again.present) == N_UTRECHT


def test_a_lost_answer_is_sent_again_to_the_same_rows_not_twice(graph: FakeGraphServer) -> None:
    item = graph.add_workbook(LINK, sample()).item_id
    slept: list[float] = []
    found = services(graph, slept)
    rows_before = len(graph.tab(item, "ladder"))
    graph.lose_next_write_answer()  # the slot's worksheet lands, its answer is lost
    graph.lose_next_write_answer()  # …and so does the header's PATCH
    text = record_round(found)
    assert f"{N_UTRECHT} besluiten vastgelegd in tabblad ladder" in text
    added = graph.tab(item, "ladder")[rows_before:]
    assert len(added) == N_UTRECHT and len({r[0] for r in added}) == N_UTRECHT
    assert len(slept) == 2 and no_slots(graph, item)


def test_an_excel_table_grows_with_rows_add(graph: FakeGraphServer) -> None:
    tabs = sample(4)
    item = graph.add_workbook(LINK, tabs).item_id
    graph.add_table(item, "ladder", "Ladder")
    found = services(graph, [])
    text = record_round(found)
    assert f"{N_UTRECHT} besluiten vastgelegd" in text
    assert graph.count("rowsAdd") == 1 and graph.count("columnsAdd") == 3
    assert graph.count("patch") == 0
    ladder = graph.tab(item, "ladder")
    assert ladder[0][4:] == ["vastgelegd_door", "vastgelegd_op", "schrijf_id"]
    assert len(ladder) == len(tabs["ladder"]) + N_UTRECHT
    graph.lose_next_write_answer()
    assert "niets vast te leggen" in record_round(found)


TEXTS = [
    *((hostile, hostile) for hostile in HOSTILE),  # tests/test_formula_safety.py's list
    ("'s-Gravenhage", "'s-Gravenhage"),
    ('=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
    ("+31 70 123", "+31 70 123"),
    ("12", "12"),
    ("2022-07-01", "2022-07-01"),
    ("TRUE", "TRUE"),
]


def test_typed_text_stays_text(graph: FakeGraphServer) -> None:
    item = graph.add_workbook(LINK, {"ladder": [[*HEADER, "schrijf_id"]]}).item_id
    source = services(graph, []).cache.source
    rows = [
        LadderRow(f"Gemeente {i}", date(2022, 10, 1), Trede.parse("2"), typed, typed, NOW)
        for i, (typed, _) in enumerate(TEXTS)
    ]
    written = graph_writer.append(source, rows)
    assert len(written.added) == len(TEXTS)
    for row, (_, stored) in zip(graph.tab(item, "ladder")[1:], TEXTS, strict=True):
        assert row[3] == stored and row[4] == stored  # toelichting, vastgelegd_door: text
        assert row[2] == 2 and row[1] == date(2022, 10, 1)  # the step and the date: typed


def test_read_only_app_exits_4_and_writes_nothing(graph: FakeGraphServer, monkeypatch, capsys):
    item = graph.add_workbook(LINK, sample()).item_id
    graph.share_read_only(item)
    before = {t: graph.tab(item, t) for t in graph.titles(item)}
    for name, value in graph.settings(LINK).items():
        monkeypatch.setenv(name, value)
    argv = ["ronde", "--date", "2022-10-01", "--provincie", "Utrecht", "--vastleggen", "--ja"]
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 4, err
    assert len(lines) == 1 and "schrijfrecht" in err and "Traceback" not in err
    assert {t: graph.tab(item, t) for t in graph.titles(item)} == before
    assert graph.count("patch") == 0


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("OpenWorkbookAccessDenied", "vertrouwelijkheidslabel"),
        ("EditModeAccessDenied", "inchecken"),
    ],
)
def test_a_workbook_graph_will_not_edit_is_said_so(graph: FakeGraphServer, code, words) -> None:
    item = graph.add_workbook(LINK, sample()).item_id
    found = services(graph, [])
    graph.lock(item, code, writes_only=True)
    text = record_round(found)
    assert words in text and "niets geschreven" in text
    assert graph.count("patch") == 0 and no_slots(graph, item)


def test_overview_only_workbook_gets_a_ladder_tab(graph: FakeGraphServer) -> None:
    item = graph.add_workbook(LINK, {UTRECHT_TAB: utrecht_rows()}).item_id
    found = services(graph, [], TAAKBOT_PROVINCIE="Utrecht")
    overview = graph.tab(item, UTRECHT_TAB)
    text = record_round(found)
    assert "Het tabblad ladder was er niet en is toegevoegd" in text
    assert graph.titles(item) == [UTRECHT_TAB, "ladder"]
    assert graph.count("worksheetsAdd") == 2 and graph.count("patch") == 1  # slot, ladder
    ladder = graph.tab(item, "ladder")
    assert ladder[0] == [*HEADER, "schrijf_id"]
    assert len(ladder) == 1 + N_UTRECHT and all(r[1] == date(2022, 10, 1) for r in ladder[1:])
    assert graph.tab(item, UTRECHT_TAB) == overview
    assert "niets vast te leggen" in record_round(found)
    assert graph.count("patch") == 1
    assert not [p for p in found.cache.current().problems if p.ref.startswith("ladder")]


def test_a_slot_left_by_a_writer_that_died_is_taken_after_the_lease(graph: FakeGraphServer):
    tabs = sample()
    tabs[f"{SLOT_PREFIX}0123456789ab"] = []  # a writer died holding the slot
    item = graph.add_workbook(LINK, tabs).item_id
    slept: list[float] = []
    found = services(graph, slept)
    assert f"{SLOT_PREFIX}0123456789ab" not in found.cache.current().source  # not data
    text = record_round(found)
    assert f"{N_UTRECHT} besluiten vastgelegd" in text
    lease = graph_writer.LEASE
    assert lease <= sum(slept) < lease + graph_writer.POLL[1] and no_slots(graph, item)


def test_no_decision_is_lost_when_the_write_fails_midway(graph: FakeGraphServer) -> None:
    item = graph.add_workbook(LINK, sample()).item_id
    slept: list[float] = []
    found = services(graph, slept)
    graph.fail_next(400, kind="patch", code="InvalidArgument")
    text = record_round(found)
    assert "Niet vastgelegd" in text and "\n" not in text.strip()
    assert no_slots(graph, item) and graph.count("closeSession") == 1
    assert "besluiten vastgelegd" in record_round(found)  # the next try writes them, once


def test_writer_error_is_a_write_error(graph: FakeGraphServer) -> None:
    graph.add_workbook(LINK, sample())
    source = services(graph, []).cache.source
    graph.deny()
    with pytest.raises(WriteError):
        graph_writer.append(
            source, [LadderRow("Delft", date(2022, 10, 1), Trede.parse("2"), "", "x")]
        )


def test_two_processes_recording_at_once_write_each_decision_once(
    graph: FakeGraphServer, tmp_path, capfd
) -> None:
    """Many trials, each a fresh workbook both processes record the same round in at once (a
    barrier per trial lines them up); every decision stands exactly once, no slot is left.
    Without the write slot this fails every run (rows overwrite each other)."""
    import multiprocessing
    import os

    from tests import m365_worker

    trials = 8
    links = [f"{LINK[:-6]}T{i:05d}" for i in range(trials)]
    items = [graph.add_workbook(link, sample()).item_id for link in links]
    rows_before = len(graph.tab(items[0], "ladder"))
    env = {**graph.settings(LINK, TAAKBOT_ADMINS=str(ADMIN)),
           "REQUESTS_CA_BUNDLE": os.environ["REQUESTS_CA_BUNDLE"]}  # fmt: skip
    fork = multiprocessing.get_context("fork")  # real processes, without importing again
    procs = [
        fork.Process(target=m365_worker.main, args=(str(tmp_path), name, links, env))
        for name in ("a", "b")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0]
    for item in items:
        added = graph.tab(item, "ladder")[rows_before:]
        names = [r[0] for r in added]
        assert len(names) == N_UTRECHT == len(set(names)), item
        assert no_slots(graph, item)
    replies = [line.split("\t")[1] for line in capfd.readouterr().out.splitlines() if "\t" in line]
    assert len(replies) == 2 * trials
    assert sum(f"{N_UTRECHT} besluiten vastgelegd" in r for r in replies) == trials


def test_a_landed_write_whose_check_fails_is_reported_uncertain(graph: FakeGraphServer) -> None:
    """The rows land, then the read-back fails for good: never "niets geschreven"; the report
    says 'onzeker' with the write id, and the next try writes nothing twice."""
    item = graph.add_workbook(LINK, sample()).item_id
    slept: list[float] = []
    found = services(graph, slept)
    rows_before = len(graph.tab(item, "ladder"))
    graph.fail_next(503, times=4, kind="usedRange", after=1)  # the read before the write passes
    text = record_round(found)
    ladder = graph.tab(item, "ladder")
    write_id = ladder[-1][ladder[0].index("schrijf_id")]
    assert "onzeker" in text and write_id in text and "niets geschreven" not in text, text
    assert len(ladder) == rows_before + N_UTRECHT and no_slots(graph, item)
    assert "niets vast te leggen" in record_round(found)  # the cache was read again
    assert len(graph.tab(item, "ladder")) == len(ladder)


def test_a_refused_write_leaves_no_new_ladder_tab(graph: FakeGraphServer) -> None:
    item = graph.add_workbook(LINK, {UTRECHT_TAB: utrecht_rows()}).item_id
    found = services(graph, [], TAAKBOT_PROVINCIE="Utrecht")
    graph.fail_next(400, kind="patch", code="InvalidArgument")
    text = record_round(found)
    assert "Niet vastgelegd" in text and "niets geschreven" in text and "onzeker" not in text
    assert graph.titles(item) == [UTRECHT_TAB]


def test_copies_a_stopped_writer_left_are_marked_by_the_next_press(graph: FakeGraphServer):
    """A writer that wrote and then stopped before its read-back (its slot taken over after the
    lease) leaves its copies unmarked; the next write of the same round marks them, with their
    own write id, before anything else (sheets.sources.ladder.protocol.tidy, as for Google)."""
    item = graph.add_workbook(LINK, sample()).item_id
    found = services(graph, [])
    ctx = found.ctx(ADMIN, today=date(2022, 10, 3))
    todo, _waiting = to_record(ctx, round_for(ctx, date(2022, 10, 1), "Utrecht"))
    found.front.recorder.record(todo)  # the first writer
    ladder = graph.tab(item, "ladder")
    header = ladder[0]
    ours = [r for r in ladder if r[1] == date(2022, 10, 1)]
    copies = [[*r[:-1], "tb-000000000000"] for r in ours]  # the stopped writer's rows
    tabs = {title: graph.tab(item, title) for title in graph.titles(item)}
    graph.set_tabs(item, {**tabs, "ladder": [*ladder, *copies]})
    again = found.front.recorder.record(todo)
    assert again.added == [] and len(again.voided) == N_UTRECHT
    marks = [r[header.index("schrijf_id")] for r in graph.tab(item, "ladder")[len(ladder) :]]
    assert marks == [
        f"vervallen: dubbel van rij {ladder.index(r) + 1} (tb-000000000000)" for r in ours
    ]
    baarn = [
        d for d in found.cache.current().records["Baarn"].decisions if d.date == date(2022, 10, 1)
    ]
    assert len(baarn) == 1
