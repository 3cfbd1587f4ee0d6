"""A province's own .xlsx: `taakbot check` and the background refresh against openpyxl's parse.

The workbook is bench/workbook.py's SYNTHETIC country (342 municipalities, ~52,000 rows; ×4 has
1,368). Two comparisons, each with its baseline from the same run:

* whole processes, as an operator meets them: `taakbot check` on the .xlsx (start-up, read,
  conversion, checks, report) against a bare openpyxl read-only pass over the same file (import,
  open, iterate every row, nothing else); also a bare python-calamine pass. The runs take turns,
  so a busy machine slows each alike; the median of `--repeat`.
* the background refresh (SheetCache.refresh of a LocalSource, in a fresh process per scale, as
  the bot's refresh job runs it: no GC while converting): the read (python-calamine, cells as
  openpyxl gave them) and the bot's own cost (conversion, damage check, prepare) beside
  openpyxl's parse of the same file — what the read cost before.

    python bench/bench_local.py [--scale 1 4] [--check-scale 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OPENPYXL_PASS = """
import sys
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
for sheet in book:
    for row in sheet.iter_rows(values_only=True):
        pass
"""
CALAMINE_PASS = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def _seconds(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):  # check: 1 = the sheet has errors, still a full run
        raise RuntimeError(done.stderr.decode()[-2000:])
    return took


def processes(path: Path, repeat: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAAKBOT_")}
    with tempfile.TemporaryDirectory() as tmp:
        check_env = {**env, "TAAKBOT_SOURCE": str(path), "TAAKBOT_DB": f"{tmp}/bench.sqlite"}
        runs = {
            "openpyxl pass": ([sys.executable, "-c", OPENPYXL_PASS, str(path)], env),
            "calamine pass": ([sys.executable, "-c", CALAMINE_PASS, str(path)], env),
            "taakbot check": ([sys.executable, "-m", "bot.cli", "check"], check_env),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(repeat):  # in turns: a busy machine slows each alike
            for name, (cmd, run_env) in runs.items():
                times[name].append(_seconds(cmd, run_env))
    return {name: statistics.median(t) for name, t in times.items()}


def _refresh_child(conn: Connection, path: str, repeat: int) -> None:
    from bench.refresh_timing import timed_refresh
    from bot.refresh import Heap
    from sheets.runtime.cache import SheetCache
    from sheets.sources.local import LocalSource, openpyxl_xlsx

    cache = SheetCache(LocalSource(path))
    heap = Heap()  # as the bot's refresh job: no GC while converting, settle after
    cache.converting = heap.converting
    cache.refresh()  # cold: imports, first allocation
    heap.settle()
    runs = []
    for _ in range(repeat):
        runs.append(timed_refresh(cache))
        heap.settle()
    parses = []
    for _ in range(repeat):
        start = time.perf_counter()
        openpyxl_xlsx(Path(path))
        parses.append(time.perf_counter() - start)
    conn.send(
        {
            "fetch": statistics.median(r.fetch for r in runs),
            "own": statistics.median(r.own for r in runs),
            "refresh": statistics.median(r.refresh for r in runs),
            "openpyxl": statistics.median(parses),
        }
    )


def refresh(path: Path, repeat: int) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_refresh_child, args=(child, str(path), repeat), daemon=True)
    proc.start()
    if not parent.poll(900):
        proc.kill()
        raise RuntimeError("no answer from the refresh process")
    result = parent.recv()
    proc.join(timeout=30)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--check-scale", type=int, nargs="*", default=[1], help="none: skip")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from bench.workbook import country, rows, save_xlsx

    print(f"SYNTHETIC country .xlsx; {os.cpu_count()} cores; median of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        books = {}
        for scale in sorted(set(args.scale) | set(args.check_scale)):
            book = country(scale)
            books[scale] = (Path(tmp) / f"land{scale}.xlsx", rows(book))
            save_xlsx(book, books[scale][0])
        for scale in args.check_scale:
            path, n = books[scale]
            p = processes(path, args.repeat)
            ratio = p["taakbot check"] / p["openpyxl pass"]
            print(
                f"×{scale} ({n} rows), whole processes: taakbot check {p['taakbot check']:.2f} s"
                f" = {ratio:.2f}× a bare openpyxl read-only pass ({p['openpyxl pass']:.2f} s);"
                f" a bare calamine pass {p['calamine pass']:.2f} s"
            )
        print(
            f"{'scale':>5} {'rows':>7} {'read s':>7} {'own s':>7} {'refresh s':>9} "
            f"{'openpyxl parse s':>16} {'refresh/openpyxl':>16}"
        )
        for scale in args.scale:
            path, n = books[scale]
            r = refresh(path, args.repeat)
            print(
                f"{scale:>4}× {n:>7} {r['fetch']:>7.2f} {r['own']:>7.2f} {r['refresh']:>9.2f} "
                f"{r['openpyxl']:>16.2f} {r['refresh'] / r['openpyxl']:>15.2f}×"
            )
    print(
        "read = python-calamine + cells as openpyxl gave them; own = conversion + damage check + "
        "prepare; refresh = read + own, what the background job pays; openpyxl parse = the read "
        "before (read-only, every row)"
    )


if __name__ == "__main__":
    main()
