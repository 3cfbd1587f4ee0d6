"""Two real processes record the same decisions in the same sheet at the same moment, many
times over, through each writer module itself (xlsx, ods, csv_folder with the file lock;
google with the write-id protocol against the fake Sheets API): every decision stands exactly
once and the two reports together add each decision once. A writer that writes a row twice
fails here, in its own case, not only end to end."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from engine.treden import Trede
from sheets.sources.gsheet import GoogleSheetSource
from sheets.sources.ladder import LadderRow, csv_folder, google, ods, xlsx
from sheets.sources.ladder.base import entries, layout
from sheets.sources.ladder.protocol import FIELDS
from sheets.sources.local import LocalSource
from sheets.tabs.layout import normalise
from tests.fakes.sheets_api import FakeSheetsServer

DAY = date(2022, 10, 1)
NAMES = ("Amersfoort", "Baarn", "Bunnik", "De Bilt", "Eemnes", "Houten")
HEADER = ["gemeente", "datum", "trede", "toelichting"]
TRIALS = 12
SHEET = "1RaceSheet"


def rows(who: str) -> list[LadderRow]:
    when = datetime(2022, 10, 3, 9, 30)
    return [LadderRow(n, DAY, Trede("2"), "ronde", who, when) for n in NAMES]


def _xlsx(path: Path) -> Path:
    book = Workbook()
    book.active.title = "gemeenten"
    book.active.append(["gemeente", "provincie"])
    book.create_sheet("ladder").append(HEADER)
    book.save(path)
    return path


def _ods(path: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, header in (("gemeenten", ["gemeente", "provincie"]), ("ladder", HEADER)):
        table, row = Table(name=name), TableRow()
        for value in header:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def _csv(path: Path) -> Path:
    path.mkdir()
    (path / "gemeenten.csv").write_text("gemeente,provincie\n", encoding="utf-8")
    (path / "ladder.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    return path


LOCAL = {"xlsx": (xlsx.append, _xlsx), "ods": (ods.append, _ods), "csv": (csv_folder.append, _csv)}


def _worker(kind: str, who: str, barrier: Any, jobs: Any, answers: Any) -> None:
    """Wait for a target, meet the other process at the barrier, write, say what was added."""
    while (target := jobs.get()) is not None:
        if kind == "google":
            write, where = google.append, GoogleSheetSource(SHEET, api_url=target)
        else:
            write, where = LOCAL[kind][0], Path(target)
        barrier.wait(timeout=20)
        try:
            done = write(where, rows(who))
            answers.put((who, len(done.added), len(done.present), None))
        except Exception as exc:  # reported to the test, which fails on it
            answers.put((who, 0, 0, repr(exc)))


class Pair:
    """Two worker processes (forked: real processes, started once) that write at the same
    moment, one target per trial."""

    def __init__(self, kind: str) -> None:
        ctx = multiprocessing.get_context("fork")
        self.answers, self.queues = ctx.Queue(), [ctx.Queue(), ctx.Queue()]
        barrier = ctx.Barrier(2)
        self.procs = [
            ctx.Process(
                target=_worker, args=(kind, f"p{i}", barrier, q, self.answers), daemon=True
            )
            for i, q in enumerate(self.queues)
        ]
        for p in self.procs:
            p.start()

    def trial(self, target: str) -> list[tuple]:
        for q in self.queues:
            q.put(target)
        return [self.answers.get(timeout=30) for _ in self.queues]

    def __enter__(self) -> Pair:
        return self

    def __exit__(self, *exc: object) -> None:
        for q in self.queues:
            q.put(None)
        for p in self.procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()


def _standing(raw: list[list[Any]]) -> Counter[str]:
    lay = layout("ladder", raw, FIELDS)
    return Counter(e.name for e in entries(raw, lay))


def _check(answer: list[tuple], raw: list[list[Any]]) -> None:
    assert [error for *_, error in answer] == [None, None]
    assert sum(added for _, added, _, _ in answer) == len(NAMES)  # one of them added each
    assert sum(present for _, _, present, _ in answer) == len(NAMES)  # the other found it
    assert _standing(raw) == Counter(normalise(n) for n in NAMES), raw


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_two_processes_at_once_write_each_decision_once_local(kind: str, tmp_path: Path) -> None:
    make = LOCAL[kind][1]
    suffix = "" if kind == "csv" else f".{kind}"
    with Pair(kind) as pair:
        for n in range(TRIALS):
            target = make(tmp_path / f"t{n}{suffix}")
            answer = pair.trial(str(target))
            _check(answer, LocalSource(target).fetch()["ladder"])
            folder = target if target.is_dir() else target.parent
            assert [p.name for p in folder.iterdir() if p.suffix == ".tmp"] == []


def test_two_processes_at_once_write_each_decision_once_google() -> None:
    """Google has no lock: in many trials both processes append (the race is real), and the
    read-back leaves one row standing per decision, the other marked 'vervallen'."""
    raced = 0
    with (
        FakeSheetsServer.in_thread({SHEET: {"ladder": [HEADER]}}) as server,
        Pair("google") as pair,
    ):
        for _ in range(TRIALS):
            server.set_workbook({"ladder": [HEADER]}, spreadsheet_id=SHEET)
            server.reset_log()
            answer = pair.trial(server.url)
            _check(answer, server.tab(SHEET, "ladder"))
            raced += server.count("append") == 2
    print(f"google: both processes appended in {raced} of {TRIALS} trials")
