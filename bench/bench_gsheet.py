"""The full sheet refresh against the fake Sheets API, the bot's own cost in its own column.

A refresh's time splits into parts that say different things:
* http: the request until the whole response is in. Against the fake this is mostly the fake
  server building JSON in Python on the same two cores: it measures neither Google nor the bot;
* json: parsing the response (stdlib json, as requests does); the bot pays this against Google
  too (orjson is not adopted: json is about a tenth of the bot's cost, see the table);
* own: what the bot does with the values: conversion, damage check, prepare (sheets.runtime.cache);
* bot = json + own: the bot's cost of a refresh, whatever Google's speed.

Readers, each in a fresh process, in this run:
* naive: what a first gspread bot does: ``open_by_key``, ``worksheets()``, then one read per tab
  (formatted strings, like ``get_all_values``), keep the raw workbook beside the DataSet, diff raw
  rows and municipalities on every refresh (Taakbot before issue 13);
* before: ours with `sheets/` and `engine/` as they were at git revision `--before` (default: the
  last commit before issue 21 made the conversion faster);
* ours: ``GoogleSheetSource`` (one ``values:batchGet``) into ``SheetCache``: no raw workbook kept,
  the change summary computed only when /ververs shows it (timed apart); converted as the bot's
  refresh job does it (bot/refresh.py's Heap: no cyclic GC while converting, settle after).

The workbook is bench/workbook.py's SYNTHETIC country (342 municipalities, ~52,000 rows; `--scale
4` is four times that). The fake runs in its own process; time, Python heap (tracemalloc) and
resident memory (VmRSS) are each reader's alone.

    python bench/bench_gsheet.py [--scale 1 4] [--repeat 3] [--before REV | --before none]
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import os
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
BEFORE = "1fc50a4"  # main just before issue 21 made the conversion faster


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


# -- http and json apart ------------------------------------------------------------------------
class WireTimer:
    """Wraps an HTTP client's `request`: time until the response is in, and its `.json()`."""

    def __init__(self, client: Any) -> None:
        self.http = self.json = 0.0
        self.body = b""
        request = client.request

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            response = request(*args, **kwargs)
            self.http += time.perf_counter() - start
            parse = response.json

            def json(**kw: Any) -> Any:
                start = time.perf_counter()
                try:
                    return parse(**kw)
                finally:
                    self.json += time.perf_counter() - start
                    self.body = max(self.body, response.content, key=len)

            response.json = json
            return response

        client.request = timed

    def take(self) -> tuple[float, float]:
        out, self.http, self.json = (self.http, self.json), 0.0, 0.0
        return out


# -- the naive reader (before issue 13) -------------------------------------------------------
class NaiveReader:
    """gspread's convenience calls, one request per tab; the old cache's raw-row diff."""

    def __init__(self, url: str) -> None:
        import gspread
        from google.auth.credentials import AnonymousCredentials

        from sheets.sources.gsheet import _SheetsHTTPClient

        self.client = gspread.Client(
            AnonymousCredentials(),
            http_client=functools.partial(_SheetsHTTPClient, api_root=url),
        )
        self.wire = WireTimer(self.client.http_client)
        self.raw: dict[str, Any] = {}
        self.data: Any = None

    def refresh(self) -> tuple[float, float, float]:
        """(fetch, own, diff) in seconds; `wire` has the fetch's http and json."""
        from sheets.loading.convert import load

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
    """sheets/runtime/cache.py's diff before issue 13: raw rows as multisets, then every municipality."""

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
        from bot.refresh import Heap
        from sheets.runtime.cache import SheetCache
        from sheets.sources.gsheet import GoogleSheetSource

        self.source = GoogleSheetSource(SHEET_ID, api_url=url)
        self.cache = SheetCache(self.source)
        self.wire = WireTimer(self.source._http)
        self.heap = Heap()  # as the bot's refresh job: no GC while converting, settle after
        self.cache.converting = self.heap.converting

    def refresh(self) -> tuple[float, float, float]:
        """(fetch, own, diff): own = conversion + damage check + prepare, as the bot's job runs
        them; the diff only for /ververs, timed to compare like with like."""
        from bench.refresh_timing import timed_refresh

        times = timed_refresh(self.cache)
        self.heap.settle()
        return times.fetch, times.own, times.diff


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
    reader.wire.take()
    warm, wire = [], []
    for _ in range(repeat):
        conn.send("count")
        before = conn.recv()
        warm.append(reader.refresh())
        wire.append(reader.wire.take())
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
            "http": statistics.median(w[0] for w in wire),
            "json": statistics.median(w[1] for w in wire),
            "validate": statistics.median(w[1] for w in warm),
            "body_mb": len(reader.wire.body) / 2**20,
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
    print(
        f"SYNTHETIC workbook; {os.cpu_count()} cores, shared; medians of {args.repeat} refreshes"
    )
    header = (
        f"{'scale':>5} {'reader':<6} {'rows':>7} {'req':>4} {'http s':>7} {'json s':>7} "
        f"{'own s':>6} {'bot s':>6} {'refr. s':>7} {'diff s':>6} {'body MB':>7} "
        f"{'heap MB':>7} {'RSS MB':>6} {'peak MB':>7}"
    )
    print(header)
    results: dict[tuple[int, str], dict[str, float]] = {}
    for scale in args.scale:
        parent, child = ctx.Pipe()
        server = ctx.Process(target=_serve, args=(child, scale), daemon=True)
        server.start()
        url = parent.recv()
        n = rows(country(scale))
        try:
            for label, kind, code in readers:
                r = results[scale, label] = run_reader(kind, url, args.repeat, parent, code)
                bot = r["json"] + r["validate"]
                print(
                    f"{scale:>4}× {label:<6} {n:>7} {r['requests']:>4} {r['http']:>7.2f} "
                    f"{r['json']:>7.2f} {r['validate']:>6.2f} {bot:>6.2f} "
                    f"{r['fetch'] + r['validate']:>7.2f} {r['diff']:>6.2f} "
                    f"{r['body_mb']:>7.1f} "
                    f"{r['heap_peak']:>7.0f} {r['rss']:>6.0f} {r['rss_peak']:>7.0f}"
                )
        finally:
            parent.send("stop")
            server.join(timeout=10)
        for label in ("naive", "before"):
            if (scale, label) in results:
                old, new = results[scale, label], results[scale, "ours"]
                print(
                    f"   ×{scale} ours / {label}: own {new['validate'] / old['validate']:.2f}×, "
                    f"bot (json + own) {(new['json'] + new['validate']) / (old['json'] + old['validate']):.2f}×"
                )
    print(
        "http = request until the response is in (mostly the fake server, not Google, not the "
        "bot); json = parsing it (stdlib, as requests does); own = conversion + damage check + "
        "prepare; bot = json + own; refr. = what the background job waits for (http + json + "
        "own); diff only for /ververs; body = the largest response. "
        "RSS after the refreshes, peak = VmHWM, both of the reader's process."
    )
    if before is not None:
        print(f"before: ours with sheets/ and engine/ of git revision {args.before}")


if __name__ == "__main__":
    main()
