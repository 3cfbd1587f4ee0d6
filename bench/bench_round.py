"""The checkpoint round for the whole SYNTHETIC country (342 municipalities), each part beside
the library's floor for the same work, measured in the same run (issue 18):

* preview: the round for every province (engine.checkpoint_round) with its table and .xlsx,
  beside `taakbot assess` (the same engine calls, no table) and openpyxl writing the same rows;
* record, Google: our writer (read the ladder tab back, leave out what is there, one append)
  beside bare gspread reading the tab and appending the same 342 rows, against the fake Sheets API in its
  own process (the fake's own cost is in both);
* record, .xlsx: our writer beside a bare openpyxl load, append and save of the same file;
* letters: 342 letters (commands.round.letters) beside python-docx writing 342 documents of the
  same size from fixed data (bench/bench_letters.py's floor).

    python bench/bench_round.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_gsheet import SHEET_ID, _serve  # noqa: E402
from bench.workbook import MemorySource, country, save_xlsx  # noqa: E402

DAY = date(2025, 7, 1)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ladder_rows(names: list[str], n: int):
    from engine.treden import Trede
    from sheets.sources.ladder import LadderRow

    when = DAY + timedelta(days=n)  # a new date every run: each run writes all 342 rows
    return [
        LadderRow(g, when, Trede("1"), "Eindbeoordeling: bench", "bench", datetime(2025, 7, 2))
        for g in names
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from commands.round.tables import rows, workbook
    from engine.checkpoint_round import checkpoint_round
    from sheets.loading.convert import load

    book = country(1)
    data = load(MemorySource(book).fetch(), "bench")
    data.prepare()
    names = sorted(data.records)
    print(f"SYNTHETIC country: {len(names)} municipalities, round of {DAY.isoformat()}")
    results: list[tuple[str, float, str, float]] = []

    def preview():
        out = []
        for provincie, members in data.provinces().items():
            rnd = checkpoint_round(data, DAY, members)
            out.append(workbook(rows(rnd), provincie))
        return out

    def assess():
        from commands.export import assess_rows

        return assess_rows(data, DAY)

    tables = {p: rows(checkpoint_round(data, DAY, m)) for p, m in data.provinces().items()}

    def floor_xlsx():  # the same 12 tables, written by openpyxl from fixed data
        return [workbook(table, provincie) for provincie, table in tables.items()]

    ours, _ = timed(preview, args.repeat)
    engine_only, _ = timed(assess, args.repeat)
    xlsx_only, _ = timed(floor_xlsx, args.repeat)
    results.append(
        (
            "preview (12 rounds + .xlsx)",
            ours,
            "assess + openpyxl, same tables",
            engine_only + xlsx_only,
        )
    )

    # -- record in a Google Sheet (fake in its own process) --------------------------------
    from sheets.sources.gsheet import GoogleSheetSource
    from sheets.sources.ladder import append

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(child, 1), daemon=True)
    server.start()
    url = parent.recv()
    try:
        source = GoogleSheetSource(SHEET_ID, api_url=url, sleep=lambda s: None)
        counter = iter(range(1000))
        ours, written = timed(
            lambda: append(source, ladder_rows(names, next(counter))), args.repeat
        )
        assert len(written.added) == len(names), written

        import gspread

        sheet = source._client.open_by_key(SHEET_ID)
        ws = sheet.worksheet("ladder")

        def bare():  # what any exactly-once writer needs: read the tab, then one append
            ws.get(
                value_render_option="UNFORMATTED_VALUE", date_time_render_option="SERIAL_NUMBER"
            )
            batch = ladder_rows(names, next(counter))
            values = [[r.gemeente, r.datum.isoformat(), r.trede.code, r.toelichting, r.door,
                       r.op.isoformat(" ")] for r in batch]  # fmt: skip
            return ws.append_rows(values, value_input_option="USER_ENTERED", table_range="A1")

        floor, _ = timed(bare, args.repeat)
        del gspread
        results.append(("record 342 rows, Google", ours, "bare gspread get + append_rows", floor))
    finally:
        parent.send("stop")
        server.join(timeout=10)
        server.terminate()

    # -- record in an .xlsx ------------------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        original = Path(tmp) / "land.xlsx"
        save_xlsx(book, original)
        from openpyxl import load_workbook

        from sheets.sources.local import LocalSource

        n = iter(range(1000))

        def ours_xlsx():
            path = Path(tmp) / "ours.xlsx"
            shutil.copy(original, path)
            return append(LocalSource(path), ladder_rows(names, next(n)))

        def bare_xlsx():
            path = Path(tmp) / "bare.xlsx"
            shutil.copy(original, path)
            wb = load_workbook(path)
            for r in ladder_rows(names, next(n)):
                wb["ladder"].append(
                    [r.gemeente, r.datum, r.trede.code, r.toelichting, r.door, r.op]
                )
            wb.save(path)

        ours, _ = timed(ours_xlsx, args.repeat)
        floor, _ = timed(bare_xlsx, args.repeat)
        results.append(
            ("record 342 rows, .xlsx (52k rows)", ours, "bare openpyxl load+append+save", floor)
        )

    letters = _letters(data, args.repeat)
    if letters:
        results.append(letters)

    print(f"{'part':<36}{'ours':>9}  {'floor':<32}{'floor s':>9}{'ratio':>8}")
    for what, ours, floor_what, floor in results:
        print(f"{what:<36}{ours:>8.2f}s  {floor_what:<32}{floor:>8.2f}s{ours / floor:>7.2f}×")


def _letters(data, repeat: int):
    """Letters for every municipality, beside bench_letters' python-docx floor (when present)."""
    try:
        from bench.bench_letters import floor_letters, our_letters
    except ImportError:
        print("(bench/bench_letters.py not present: letters not measured)")
        return None
    ours, n = timed(lambda: our_letters(data, DAY), repeat)
    floor, _ = timed(lambda: floor_letters(n), repeat)
    print(f"letters: {n} in {ours:.2f} s = {n / ours:.0f} letters/s (floor {n / floor:.0f}/s)")
    return (f"{n} letters", ours, "python-docx, same size", floor)


if __name__ == "__main__":
    main()
