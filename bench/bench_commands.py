"""Reply time per command on the country-sized workbook, idle and while the sheet is refreshed.

The same per-request path as the bot's message handler: on the event loop, `asyncio.to_thread`
of `services.ctx(...)` + `commands.router.handle(...)`. The workbook is bench/workbook.py's
SYNTHETIC country (342 municipalities, ~52,000 rows; `--scale 4` for four times that), in memory,
as an .xlsx file or behind the fake Sheets API. "During a refresh" runs the bot's refresh (read +
convert in a worker thread) back to back the whole time: far more often than the bot's 5 minutes.

    python bench/bench_commands.py [--scale 1] [--rounds 15] [--source memory|xlsx|gsheet]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.workbook import ADMIN, MemorySource, country, name, save_xlsx  # noqa: E402
from bot.refresh import SWITCH_INTERVAL, Heap  # noqa: E402
from bot.services import Services  # noqa: E402
from commands.router import handle  # noqa: E402
from sheets import convert  # noqa: E402
from sheets.cache import SheetCache  # noqa: E402
from sheets.courtesy import REPLIES, pause, serving  # noqa: E402
from sheets.local import LocalSource  # noqa: E402

COMMANDS = [
    f"/stand {name(8)}",
    f"/prognose {name(8)}",
    f"/ladder {name(8)}",
    f"/deadlines {name(8)}",
    "/regio Regio Zui 01",
    "/provincie Zuid-Holland",
    "/controle",
    f"/grafiek {name(8)}",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def ask(services: Services, text: str, reply_first: bool = True) -> float:
    """One request the way bot/app.py's _answer computes it; seconds until the reply."""

    def run() -> None:
        with serving() if reply_first else contextlib.nullcontext():
            handle(services.ctx(ADMIN, "nl", chat_id=ADMIN), text)

    start = time.perf_counter()
    await asyncio.to_thread(run)
    return time.perf_counter() - start


async def rounds(services: Services, n: int, reply_first: bool = True) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {c: [] for c in COMMANDS}
    for _ in range(n):
        for command in COMMANDS:
            timings[command].append(await ask(services, command, reply_first))
            await asyncio.sleep(0.005)  # a user types; the refresh thread gets the GIL too
    return timings


def report(label: str, timings: dict[str, list[float]]) -> list[float]:
    every = [t for ts in timings.values() for t in ts]
    print(f"-- {label}: p50 {percentile(every, 0.5) * 1000:.1f} ms, "
          f"p99 {percentile(every, 0.99) * 1000:.1f} ms over {len(every)} replies")  # fmt: skip
    for command, ts in timings.items():
        print(
            f"   {command:<28} median {statistics.median(ts) * 1000:7.1f} ms  "
            f"p99 {percentile(ts, 0.99) * 1000:7.1f} ms  max {max(ts) * 1000:7.1f} ms"
        )
    return every


@contextlib.contextmanager
def source_for(kind: str, scale: int) -> Iterator[Any]:
    """The workbook in memory, as an .xlsx file, or behind the fake Sheets API (own process)."""
    book = country(scale)
    if kind == "memory":
        yield MemorySource(book)
    elif kind == "xlsx":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "land.xlsx"
            save_xlsx(book, path)
            yield LocalSource(path, pause)
    else:
        from bench.bench_gsheet import SHEET_ID, _serve
        from sheets.gsheet import GoogleSheetSource

        parent, child = multiprocessing.get_context("spawn").Pipe()
        server = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(child, scale), daemon=True
        )
        server.start()
        try:
            yield GoogleSheetSource(SHEET_ID, api_url=parent.recv())
        finally:
            parent.send("stop")
            server.join(timeout=10)


async def main_async(args: argparse.Namespace) -> None:
    with source_for(args.source, args.scale) as source:
        # wired as bot.services does: the reader, the conversion and the preparation pause
        loader = functools.partial(convert.load, pause=pause)
        await measure(args, SheetCache(source, loader=loader, pause=pause))


async def measure(args: argparse.Namespace, cache: SheetCache) -> None:
    t0 = time.perf_counter()
    cache.get()
    load = time.perf_counter() - t0
    services = Services(cache=cache, admins=frozenset({ADMIN}), fixed_today=date(2025, 3, 21))
    print(
        f"SYNTHETIC country workbook ×{args.scale} ({cache.source.describe()}): "
        f"{len(cache.current().records)} municipalities; first load {load:.2f} s"
    )
    await rounds(services, 1)  # warm-up (imports, name index)
    idle_t = await rounds(services, args.rounds)
    idle = report("idle", idle_t)

    quick = [c for c in COMMANDS if not c.startswith(("/controle", "/grafiek"))]
    variants = (
        (0.005, False, False, "as before: 5 ms GIL switch interval, GC as usual"),
        (
            SWITCH_INTERVAL,
            True,
            False,
            "1 ms switch interval, no GC while converting, no reply-first",
        ),
        (SWITCH_INTERVAL, True, True, "the bot: as above, and the refresh steps aside"),
    )
    for interval, settle, reply_first, label in variants:
        sys.setswitchinterval(interval)
        pauses = REPLIES.pauses
        busy_t, refreshes = await during_refreshes(
            services, cache, args.rounds, settle, reply_first
        )
        busy = report(f"while the sheet is refreshed, {label}", busy_t)
        print(
            f"   refreshes meanwhile: {len(refreshes)}, median "
            f"{statistics.median(refreshes):.2f} s (read + convert in a worker thread); "
            f"it stepped aside {REPLIES.pauses - pauses} times"
        )
        idle_q = [t for c in quick for t in idle_t[c]]
        busy_q = [t for c in quick for t in busy_t[c]]
        print(
            f"   side by side, p99 idle → during refresh: all commands "
            f"{percentile(idle, 0.99) * 1000:.0f} → {percentile(busy, 0.99) * 1000:.0f} ms; "
            f"without /controle and /grafiek {percentile(idle_q, 0.99) * 1000:.0f} → "
            f"{percentile(busy_q, 0.99) * 1000:.0f} ms"
        )


async def during_refreshes(
    services: Services, cache: SheetCache, n: int, settle: bool, reply_first: bool
) -> tuple[dict[str, list[float]], list[float]]:
    stop = threading.Event()
    refreshes: list[float] = []

    heap = Heap()
    cache.converting = heap.converting if settle else contextlib.nullcontext
    if settle:  # the bot's steady state: its first refreshes set the heap's baseline
        for _ in range(2):
            cache.refresh()
            heap.settle()

    def refresher() -> None:
        while not stop.is_set():
            t = time.perf_counter()
            cache.refresh()
            if settle:
                heap.settle()  # what the bot's refresh job does after each refresh
            refreshes.append(time.perf_counter() - t)

    thread = threading.Thread(target=refresher, daemon=True)
    thread.start()
    try:
        return await rounds(services, n, reply_first), refreshes
    finally:
        stop.set()
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--source", choices=("memory", "xlsx", "gsheet"), default="memory")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
