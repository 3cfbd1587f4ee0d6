"""The full sheet refresh (fetch + validate + diff) against the fake Sheets API, two readers side by side.

* naive: what a first gspread bot does: ``open_by_key``, ``worksheets()``, then one read per tab
  (formatted strings, like ``get_all_values``), keep the raw workbook beside the DataSet, diff raw rows and
  municipalities on every refresh (Taakbot before issue 13);
* ours: ``GoogleSheetSource`` (one ``values:batchGet``) into ``SheetCache``: no raw workbook kept,
  the change summary computed only when /ververs shows it (timed separately here).

* before: ours with `sheets/` and `engine/` as they were at git revision `--before` (default: the
  last commit before the conversion was made fast), so the speed-up is measured in the same run.

The workbook is bench/workbook.py's SYNTHETIC country (342 municipalities, ~52,000 rows; `--scale
4` is four times that). The fake runs in its own process and every reader in a fresh process, so
time, Python heap (tracemalloc) and resident memory (VmRSS) are each reader's alone.

    python bench/bench_gsheet.py [--scale 1 4] [--repeat 3] [--before REV | --before none]
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHEET_ID = "1BenchBenchBenchBenchBenchBenchBenchBench0"
BEFORE = "124f1c9"  # the last commit before parse_rows and the conversion were made fast


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- the fake, in its own process -------------------------------------------------------------
def _serve(conn: Connection, scale: int) -> None:
    from bench.workbook import country
    from tests.fakes.sheets_api import FakeSheetsServer

    with FakeSheetsServer.in_thread(workbooks={SHEET_ID: country(scale)}) as srv:
        conn.send(srv.url)
        while conn.recv() != "stop":
            conn.send(sum(srv.counts.values()))


# -- the naive reader (before issue 13) -------------------------------------------------------
class NaiveReader:
    """gspread's convenience calls, one request per tab; the old cache's raw-row diff."""

    def __init__(self, url: str) -> None:
        import gspread
        from google.auth.credentials import AnonymousCredentials

        from sheets.gsheet import _SheetsHTTPClient

        self.client = gspread.Client(
            AnonymousCredentials(),
            http_client=functools.partial(_SheetsHTTPClient, api_root=url),
        )
        self.raw: dict[str, Any] = {}
        self.data: Any = None

    def refresh(self) -> tuple[float, float, float]:
        from sheets.convert import load

        t0 = time.perf_counter()
        sheet = self.client.open_by_key(SHEET_ID)
        raw = {  # one request per tab, formatted values (the fake serves batchGet only)
            ws.title: sheet.values_batch_get([f"'{ws.title}'"])["valueRanges"][0].get("values", [])
            for ws in sheet.worksheets()
        }
        t1 = time.perf_counter()
        data = load(raw, "naive")
        t2 = time.perf_counter()
        if self.data is not None:
            _old_diff(self.raw, raw, self.data, data)
        t3 = time.perf_counter()
        self.raw, self.data = raw, data  # the raw workbook stays beside the DataSet
        return t1 - t0, t2 - t1, t3 - t2


def _old_diff(old_raw: Any, new_raw: Any, old: Any, new: Any) -> Any:
    """sheets/cache.py's diff before issue 13: raw rows as multisets, then every municipality."""

    def row_key(row: list[Any]) -> tuple[str, ...]:
        cells = [None if c in ("", None) else str(c) for c in row]
        while cells and cells[-1] is None:
            cells.pop()
        return tuple(c or "" for c in cells)

    def fingerprint(data: Any, name: str) -> Any:
        record = data.records.get(name) if data else None
        if record is None:
            return None
        return (
            record.municipality,
            sorted(((p, replace(f, source="")) for p, f in record.figures.items()), key=repr),
            [replace(s, source="") for s in record.snapshots],
            [replace(d, source="") for d in record.decisions],
        )

    changes = {}
    for tab in sorted(set(old_raw) | set(new_raw)):
        before = Counter(k for r in old_raw.get(tab, [])[1:] if (k := row_key(r)))
        after = Counter(k for r in new_raw.get(tab, [])[1:] if (k := row_key(r)))
        changes[tab] = (sum((after - before).values()), sum((before - after).values()))
    names = set(new.records) | set(old.records)
    return changes, [n for n in names if fingerprint(old, n) != fingerprint(new, n)]


# -- ours --------------------------------------------------------------------------------------
class OurReader:
    def __init__(self, url: str) -> None:
        from sheets.cache import SheetCache
        from sheets.gsheet import GoogleSheetSource

        self.source = GoogleSheetSource(SHEET_ID, api_url=url)
        self.cache = SheetCache(self.source)
        self.loads: list[float] = []

    def refresh(self) -> tuple[float, float, float]:
        from sheets import convert

        timings: dict[str, float] = {}
        fetch, load = self.source.fetch, convert.load

        def timed_fetch() -> Any:
            t = time.perf_counter()
            raw = fetch()
            timings["fetch"] = time.perf_counter() - t
            return raw

        def timed_load(raw: Any, name: str) -> Any:
            t = time.perf_counter()
            data = load(raw, name)
            timings["load"] = time.perf_counter() - t
            return data

        self.source.fetch, self.cache._loader = timed_fetch, timed_load  # type: ignore[method-assign]
        t = time.perf_counter()
        result = self.cache.refresh()
        whole = time.perf_counter() - t
        assert result.ok, result.error
        t = time.perf_counter()
        _ = result.changed  # only /ververs asks; timed to compare like with like
        # validate = all of the refresh but the fetch: the conversion, the damage check and
        # preparing what answers need (the rolled saldo, indexes), as the bot's job runs it
        return timings["fetch"], whole - timings["fetch"], time.perf_counter() - t


def _measure(conn: Connection, kind: str, url: str, repeat: int, code: str | None = None) -> None:
    """Child process: one reader, a cold refresh, `repeat` warm ones, then memory.

    `code`: a directory with an older `sheets/` and `engine/`, imported instead of this tree's."""
    if code is not None:
        sys.path.insert(0, code)
    from bench import bench_gsheet as me  # the same module, imported in the child

    reader = me.NaiveReader(url) if kind == "naive" else me.OurReader(url)
    if code is not None:
        import sheets

        assert Path(sheets.__file__).is_relative_to(code), sheets.__file__
    conn.send("ready")
    conn.recv()
    cold = reader.refresh()
    warm = []
    for _ in range(repeat):
        conn.send("count")
        before = conn.recv()
        warm.append(reader.refresh())
        conn.send("count")
        requests = conn.recv() - before
    tracemalloc.start()
    reader.refresh()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    conn.send(
        {
            "cold": sum(cold),
            "fetch": statistics.median(w[0] for w in warm),
            "validate": statistics.median(w[1] for w in warm),
            "diff": statistics.median(w[2] for w in warm),
            "requests": requests,
            "heap_peak": peak / 2**20,
            "rss": rss_mb(),
            "rss_peak": rss_mb("VmHWM"),
        }
    )


def run_reader(
    kind: str, url: str, repeat: int, server: Connection, code: str | None = None
) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_measure, args=(child, kind, url, repeat, code), daemon=True)
    proc.start()
    assert parent.recv() == "ready"
    parent.send("go")
    while True:
        if not parent.poll(600):
            proc.kill()
            raise RuntimeError(f"{kind}: no answer from the reader process")
        try:
            message = parent.recv()
        except EOFError:
            raise RuntimeError(f"{kind}: the reader process died (see its traceback)") from None
        if message == "count":
            server.send("count")
            parent.send(server.recv())
            continue
        proc.join(timeout=30)
        return message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--before", default=BEFORE, help="git revision for the 'before' reader ('none': skip)"
    )
    args = parser.parse_args()
    from bench.workbook import country, rows

    with tempfile.TemporaryDirectory() as old:
        before = None
        if args.before != "none":
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.before, "sheets", "engine"],
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
            before = old
        _run(args, before, country, rows)


def _run(args: argparse.Namespace, before: str | None, country: Any, rows: Any) -> None:
    readers: list[tuple[str, str, str | None]] = [("naive", "naive", None)]
    if before is not None:
        readers.append(("before", "ours", before))
    readers.append(("ours", "ours", None))

    ctx = multiprocessing.get_context("spawn")
    print("full refresh = fetch + validate (DataSet) + change summary; SYNTHETIC workbook")
    header = (
        f"{'scale':>5} {'reader':<6} {'rows':>7} {'req':>4} {'cold s':>7} {'fetch s':>8} "
        f"{'valid. s':>8} {'refr. s':>7} {'diff s':>7} {'total s':>8} {'heap MB':>8} {'RSS MB':>7} {'peak MB':>8}"
    )
    print(header)
    for scale in args.scale:
        parent, child = ctx.Pipe()
        server = ctx.Process(target=_serve, args=(child, scale), daemon=True)
        server.start()
        url = parent.recv()
        n = rows(country(scale))
        try:
            for label, kind, code in readers:
                r = run_reader(kind, url, args.repeat, parent, code)
                total = r["fetch"] + r["validate"] + r["diff"]
                print(
                    f"{scale:>4}× {label:<6} {n:>7} {r['requests']:>4} {r['cold']:>7.2f} "
                    f"{r['fetch']:>8.2f} {r['validate']:>8.2f} {r['fetch'] + r['validate']:>7.2f} "
                    f"{r['diff']:>7.2f} {total:>8.2f} "
                    f"{r['heap_peak']:>8.0f} {r['rss']:>7.0f} {r['rss_peak']:>8.0f}"
                )
        finally:
            parent.send("stop")
            server.join(timeout=10)
    print(
        "ours: the diff runs only for /ververs; the background refresh (refr.) is fetch + validate. "
        "RSS after the refreshes, peak = VmHWM, both of the reader's process."
    )
    if before is not None:
        print(f"before: ours with sheets/ and engine/ of git revision {args.before}")


if __name__ == "__main__":
    main()
