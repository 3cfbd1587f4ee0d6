"""Two real processes record the same decisions in the same sheet at the same moment, many
times over, through each writer module itself (xlsx, ods, csv_folder with the file lock;
google with the write-id protocol against the fake Sheets API): every decision stands exactly
once and the two reports together add each decision once. A writer that writes a row twice
fails here, in its own case, not only end to end."""

from __future__ import annotations

import io
import multiprocessing
import shutil
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
from tests import ods_tables, xlsx_cells
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
    return ods_tables.text_tables(
        path, {"gemeenten": [["gemeente", "provincie"]], "ladder": [HEADER]}
    )


def _csv(path: Path) -> Path:
    path.mkdir()
    (path / "gemeenten.csv").write_text("gemeente,provincie\n", encoding="utf-8")
    (path / "ladder.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    return path


LOCAL = {"xlsx": (xlsx.append, _xlsx), "ods": (ods.append, _ods), "csv": (csv_folder.append, _csv)}


def _front(kind: str, target: str, meet: Any = None) -> tuple[int, int]:
    """The bot's *Ja* (the chat's flow) or a scheduled `taakbot ronde --vastleggen --ja`:
    (added, present) as their reports say."""
    import contextlib
    import os
    import re
    import threading

    from bot.cli import main
    from bot.services import Services
    from commands.context import Front
    from commands.reply import finished
    from commands.router import handle
    from sheets.runtime.cache import SheetCache
    from sheets.sources.ladder import Recorder

    remote = target.startswith("http")
    if remote:  # the fake Sheets API: the same round in a Google Sheet
        os.environ["TAAKBOT_SHEETS_API_URL"], target = target, f"gsheet:{ROUND_SHEET}"
        real = google.sort_out

        def at_once(*args, **kwargs):  # both writers have read the tab: now both append
            out = real(*args, **kwargs)
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait(timeout=60)  # (the other not coming is for the test to judge)
            return out

        google.sort_out = at_once  # the writer's own read, right before its append
    if kind == "cli":
        argv = ["ronde", "--date", "2022-10-01", "--provincie", "Utrecht", "--source", target]
        os.environ["TAAKBOT_TODAY"] = "2022-10-03"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([*argv, "--vastleggen", "--ja"])
        text = out.getvalue() + f" (code {code})"
    elif remote:
        from bot.settings import Settings

        env = {**os.environ, "TAAKBOT_SOURCE": target, "TAAKBOT_ADMINS": "1"}
        found = Services.from_settings(Settings(env))
        found.cache.get()
        found.front.recorder = Recorder(found.cache)
        text = finished(handle(found.ctx(1, today=date(2022, 10, 3)), ROUND)).text
    else:
        cache = SheetCache(LocalSource(Path(target)))
        cache.get()
        found = Services(cache=cache, admins=frozenset({1}), front=Front(recorder=Recorder(cache)))
        text = finished(handle(found.ctx(1, today=date(2022, 10, 3)), ROUND)).text
    added = re.search(r"(\d+) besluiten? vastgelegd", text)
    present = re.search(r"niet opnieuw geschreven: (\d+)", text)
    nothing = "niets vast te leggen" in text.lower() or "de sheet is veranderd" in text  # exit 9
    if not (added or nothing):
        raise AssertionError(text)
    return int(added.group(1)) if added else 0, int(present.group(1)) if present else 0


def _worker(kind: str, who: str, barrier: Any, jobs: Any, answers: Any, meet: Any) -> None:
    """Wait for a target, meet the other process at the barrier, write, say what was added."""
    while (target := jobs.get()) is not None:
        if kind in ("chat", "cli"):
            barrier.wait(timeout=60)
            try:
                added, present = _front(kind, target, meet)
                answers.put((who, added, present, None))
            except BaseException as exc:  # reported to the test, which fails on it
                answers.put((who, 0, 0, repr(exc)))
            continue
        if kind == "google":
            write, where = google.append, GoogleSheetSource(SHEET, api_url=target)
        else:
            write, where = LOCAL[kind][0], Path(target)
        barrier.wait(timeout=60)
        try:
            done = write(where, rows(who))
            answers.put((who, len(done.added), len(done.present), None))
        except Exception as exc:  # reported to the test, which fails on it
            answers.put((who, 0, 0, repr(exc)))


class Pair:
    """Two worker processes (forked: real processes, started once) that write at the same
    moment, one target per trial."""

    def __init__(self, *kinds: str) -> None:
        ctx = multiprocessing.get_context("fork")
        self.answers, self.queues = ctx.Queue(), [ctx.Queue(), ctx.Queue()]
        barrier, meet = ctx.Barrier(2), ctx.Barrier(2)
        kinds = kinds * 2 if len(kinds) == 1 else kinds
        self.procs = [
            ctx.Process(
                target=_worker, args=(kind, f"p{i}", barrier, q, self.answers, meet), daemon=True
            )
            for i, (kind, q) in enumerate(zip(kinds, self.queues, strict=True))
        ]
        for p in self.procs:
            p.start()

    def trial(self, target: str) -> list[tuple]:
        for q in self.queues:
            q.put(target)
        return [self.answers.get(timeout=120) for _ in self.queues]

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
        Pair("google") as pair,  # forked before the fake's thread starts: no inherited lock
        FakeSheetsServer.in_thread({SHEET: {"ladder": [HEADER]}}) as server,
    ):
        for _ in range(TRIALS):
            server.set_workbook({"ladder": [HEADER]}, spreadsheet_id=SHEET)
            server.reset_log()
            answer = pair.trial(server.url)
            _check(answer, server.tab(SHEET, "ladder"))
            raced += server.count("append") == 2
    print(f"google: both processes appended in {raced} of {TRIALS} trials")


ROUND = "/ronde ja 2022-10-01 Utrecht"
ROUND_SHEET = "1RoundRaceSheet"
N_UTRECHT = 26


def test_the_bot_and_a_scheduled_command_record_the_round_once(tmp_path: Path) -> None:
    """The issue's case end to end: the bot's *Ja* and `taakbot ronde … --vastleggen --ja`
    at the same moment on one workbook (each reads it, fresh, under the lock): 26 decisions
    stand once, and the two reports add 26 between them."""

    from sheets.sources.local import SAMPLE

    with Pair("chat", "cli") as pair:
        for n in range(3):
            target = Path(shutil.copy(SAMPLE, tmp_path / f"w{n}.xlsx"))
            answer = pair.trial(str(target))
            assert [error for *_, error in answer] == [None, None]
            assert sum(added for _, added, _, _ in answer) == N_UTRECHT
            rows = xlsx_cells.tab(target, "ladder")
            ours = Counter(r[0] for r in rows if r[1] == datetime(2022, 10, 1))
            assert len(ours) == N_UTRECHT and set(ours.values()) == {1}


def _killed_before_replace(folder: str) -> None:
    """A writer killed (SIGKILL) after writing its temporary file, before os.replace, while
    it holds the lock."""
    import os
    import signal

    os.replace = lambda *_: os.kill(os.getpid(), signal.SIGKILL)
    csv_folder.append(Path(folder), rows("killed"))


def test_a_writer_killed_mid_save_leaves_nothing_blocking_or_read(tmp_path: Path) -> None:
    folder = _csv(tmp_path / "map")
    child = multiprocessing.get_context("fork").Process(
        target=_killed_before_replace, args=(str(folder),)
    )
    child.start()
    child.join(timeout=20)
    assert child.exitcode == -9
    left = [p.name for p in folder.iterdir() if p.suffix == ".tmp"]
    assert left and all(name.startswith(".~taakbot-") for name in left)  # hidden, no .csv
    assert set(LocalSource(folder).fetch()) == {"gemeenten", "ladder"}  # the temp is no tab
    done = csv_folder.append(folder, rows("next"))  # the lock went with the killed process
    assert len(done.added) == len(NAMES)
    assert [p.name for p in folder.iterdir() if p.suffix == ".tmp"] == []  # cleared under it


def test_the_bot_and_a_scheduled_command_record_once_in_a_google_sheet() -> None:
    """The same, against the fake Sheets API: no lock, the write-id protocol alone. Both
    processes have read the sheet (fresh) before either writes, so both append every time."""
    from tests.test_ronde_gsheet import sample

    with (
        Pair("chat", "cli") as pair,  # forked before the fake's thread starts
        FakeSheetsServer.in_thread({ROUND_SHEET: sample()}) as server,
    ):
        for _ in range(2):
            server.set_workbook(sample(), spreadsheet_id=ROUND_SHEET)
            server.reset_log()
            answer = pair.trial(server.url)
            assert server.count("append") == 2  # the race is real
            assert [error for *_, error in answer] == [None, None]
            assert sum(added for _, added, _, _ in answer) == N_UTRECHT
            raw = server.tab(ROUND_SHEET, "ladder")
            standing = [e for e in entries(raw, layout("ladder", raw, FIELDS)) if e.datum == DAY]
            assert len(standing) == N_UTRECHT == len({e.name for e in standing})
