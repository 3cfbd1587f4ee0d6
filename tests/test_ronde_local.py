"""Recording a round in a local workbook (issue 18): .xlsx, .ods and a CSV folder alike. The
rows land once under the ladder tab's header, every other tab reads back as it was, a second
run adds nothing, and two rounds pressed at the same moment write one copy between them."""

from __future__ import annotations

import csv
import functools
import io
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bot.services import Services
from commands.context import Front
from commands.round import round_for, to_record
from commands.router import handle
from sheets.runtime.cache import SheetCache
from sheets.sources.ladder import Recorder
from sheets.sources.local import SAMPLE, LocalSource

ADMIN = 4242
NOW = datetime(2022, 10, 3, 9, 30, 15)
TABS = LocalSource(SAMPLE).fetch()
N_UTRECHT = 26


def _xlsx(path: Path) -> Path:
    path.write_bytes(_xlsx_bytes())
    return path


@functools.cache
def _xlsx_bytes() -> bytes:
    """The sample's tabs as a workbook of our own, built once per test process (each test gets
    a fresh file with these bytes)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in TABS.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods(path: Path) -> Path:
    path.write_bytes(_ods_bytes())
    return path


@functools.cache
def _ods_bytes() -> bytes:
    """The same as .ods, written by pandas' odf writer (0.1 s each time): once per process."""
    import pandas as pd

    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="odf") as writer:
        for title, rows in TABS.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=title, header=False, index=False)
    return out.getvalue()


def _csv(path: Path) -> Path:
    path.mkdir()
    for n, (title, rows) in enumerate(TABS.items()):
        with (path / f"{title}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle, delimiter=";" if n % 2 else ",")  # both kinds
            for row in rows:
                out.writerow([c.date().isoformat() if isinstance(c, datetime) else c for c in row])
    return path


KINDS = {"xlsx": ("werkmap.xlsx", _xlsx), "ods": ("werkmap.ods", _ods), "csv": ("map", _csv)}


@pytest.fixture(params=list(KINDS))
def services(request, tmp_path: Path) -> Services:
    name, write = KINDS[request.param]
    cache = SheetCache(LocalSource(write(tmp_path / name)))
    cache.get()
    return Services(
        cache=cache,
        admins=frozenset({ADMIN}),
        front=Front(recorder=Recorder(cache, clock=lambda: NOW)),
    )


def _plain(cell: Any) -> Any:
    """A cell as the readers of the three formats agree on it."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell if cell is None else str(cell)


def tabs(services: Services) -> dict[str, list[list[Any]]]:
    return {
        t: [[_plain(c) for c in row] for row in rows]
        for t, rows in services.cache.source.fetch().items()
    }


def press_ja(services: Services) -> str:
    reply = handle(services.ctx(ADMIN, today=date(2022, 10, 3)), "/ronde ja 2022-10-01 Utrecht")
    return reply.action.run().text if reply.action else reply.text


def test_recorded_once_and_nothing_else_changes(services: Services) -> None:
    before = tabs(services)
    assert f"{N_UTRECHT} besluiten vastgelegd in tabblad ladder" in press_ja(services)
    after = tabs(services)
    assert {t: r for t, r in after.items() if t != "ladder"} == {
        t: r for t, r in before.items() if t != "ladder"
    }
    old, new = before["ladder"], after["ladder"]
    width = len(old[0])
    assert new[0] == [*old[0], "vastgelegd_door", "vastgelegd_op"]
    assert [r[:width] for r in new[1 : len(old)]] == [r[:width] for r in old[1:]]
    added = new[len(old) :]
    assert len(added) == N_UTRECHT
    leusden = next(r for r in added if r[0] == "Leusden")
    assert [str(c) for c in leusden[:3]] == ["Leusden", "2022-10-01", "3"]  # CSV: text
    assert "niets vast te leggen" in press_ja(services)
    assert tabs(services) == after
    ctx = services.ctx(ADMIN, today=date(2022, 10, 3))
    assert "op 1 oktober 2022" in handle(ctx, "/stand Leusden").text


def test_two_rounds_at_once_write_one_copy(services: Services) -> None:
    ctx = services.ctx(ADMIN, today=date(2022, 10, 3))
    todo, _ = to_record(ctx, round_for(ctx, date(2022, 10, 1), "Utrecht"))
    rows_before = len(tabs(services)["ladder"])
    recorder = services.front.recorder
    results: list[Any] = []
    start = threading.Barrier(2)

    def press() -> None:
        start.wait()
        results.append(recorder.record(todo))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(len(w.added) for w in results) == [0, N_UTRECHT]
    assert sorted(len(w.present) for w in results) == [0, N_UTRECHT]
    assert len(tabs(services)["ladder"]) == rows_before + N_UTRECHT
