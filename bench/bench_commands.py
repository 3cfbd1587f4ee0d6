"""Reply time per command on the country-sized workbook, idle and while the sheet is refreshed.

The same per-request path as the bot's message handler: on the event loop, `asyncio.to_thread`
of `services.ctx(...)` + `commands.router.handle(...)`, inside `serving()`. Several users ask at
once (`--users`), each going through the commands, until every command has `--samples` replies:
the p99 is a real one, printed with its sample count. The workbook is bench/workbook.py's
SYNTHETIC country (342 municipalities, ~52,000 rows; `--scale 4` for four times that), in
memory, as an .xlsx file or behind the fake Sheets API. "During a refresh" runs the bot's
refresh (read + convert in a worker thread) back to back the whole time, far more often than
the bot's 5 minutes, twice: as the bot does it (the refresh steps aside while a reply is
computed, sheets.runtime.courtesy) and without stepping aside; the refresh's own duration is printed
for both, beside a refresh with nobody asking.

    python bench/bench_commands.py [--scale 1] [--samples 200] [--users 4] [--limit 90]
                                   [--source memory|xlsx|gsheet]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import multiprocessing
import os
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
from sheets.loading import convert  # noqa: E402
from sheets.runtime.cache import SheetCache  # noqa: E402
from sheets.runtime.courtesy import REPLIES, pause, serving  # noqa: E402
from sheets.sources.local import LocalSource  # noqa: E402

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


async def users_at_once(
    services: Services, samples: int, users: int, reply_first: bool = True, limit: float = 90
) -> dict[str, list[float]]:
    """`users` users ask at once, each going through COMMANDS (skipping a command that has its
    samples), until every command has `samples` replies or `limit` seconds have passed (the
    report shows each command's count)."""
    timings: dict[str, list[float]] = {c: [] for c in COMMANDS}
    deadline = time.monotonic() + limit

    async def user(k: int) -> None:
        i = k
        while any(len(t) < samples for t in timings.values()) and time.monotonic() < deadline:
            command = COMMANDS[i % len(COMMANDS)]
            i += 1
            if len(timings[command]) < samples:
                timings[command].append(await ask(services, command, reply_first))
                await asyncio.sleep(0.005)  # a user reads; the refresh thread gets the GIL too

    await asyncio.gather(*(user(k) for k in range(users)))
    return timings


def report(label: str, timings: dict[str, list[float]]) -> list[float]:
    every = [t for ts in timings.values() for t in ts]
    print(f"-- {label}: all commands p50 {percentile(every, 0.5) * 1000:.1f} ms, "
          f"p99 {percentile(every, 0.99) * 1000:.1f} ms (n={len(every)})")  # fmt: skip
    for command, ts in timings.items():
        print(
            f"   {command:<28} n={len(ts):<4} median {statistics.median(ts) * 1000:7.1f} ms  "
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
        from sheets.sources.gsheet import GoogleSheetSource

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
        f"{len(cache.current().records)} municipalities; first load {load:.2f} s; "
        f"{os.cpu_count()} cores, shared; {args.users} users at once"
    )
    sys.setswitchinterval(SWITCH_INTERVAL)  # as bot/refresh.py sets it
    await users_at_once(services, 2, args.users)  # warm-up (imports, name index)
    heap = Heap()
    cache.converting = heap.converting
    quiet = []
    for _ in range(3):  # the refresh with nobody asking: the baseline of its duration
        t = time.perf_counter()
        cache.refresh()
        heap.settle()
        quiet.append(time.perf_counter() - t)
    idle_t = await users_at_once(services, args.samples, args.users, limit=args.limit)
    idle = report("idle", idle_t)
    quick = [c for c in COMMANDS if not c.startswith(("/controle", "/grafiek"))]
    idle_q = [t for c in quick for t in idle_t[c]]
    durations = {}
    for reply_first, label in ((True, "the bot: the refresh steps aside"),
                               (False, "without stepping aside")):  # fmt: skip
        pauses = REPLIES.pauses
        busy_t, refreshes = await during_refreshes(
            services, cache, heap, args.samples, args.users, reply_first, args.limit
        )
        busy = report(f"while the sheet is refreshed, {label}", busy_t)
        durations[label] = refreshes
        busy_q = [t for c in quick for t in busy_t[c]]
        done = (
            f"median {statistics.median(refreshes):.2f} s, max {max(refreshes):.2f} s"
            if refreshes
            else "none finished while the users asked"
        )
        print(
            f"   refreshes meanwhile: {len(refreshes)}, {done} (alone: "
            f"{statistics.median(quiet):.2f} s); stepped aside {REPLIES.pauses - pauses} times"
        )
        print(
            f"   p99 idle → during refresh: all commands {percentile(idle, 0.99) * 1000:.0f} → "
            f"{percentile(busy, 0.99) * 1000:.0f} ms (n={len(busy)}); without /controle and "
            f"/grafiek {percentile(idle_q, 0.99) * 1000:.0f} → "
            f"{percentile(busy_q, 0.99) * 1000:.0f} ms (n={len(busy_q)})"
        )
    print(
        "refresh duration, median: alone "
        + f"{statistics.median(quiet):.2f} s; "
        + "; ".join(
            f"{k} {statistics.median(v):.2f} s" if v else f"{k}: none finished"
            for k, v in durations.items()
        )
    )


async def during_refreshes(
    services: Services,
    cache: SheetCache,
    heap: Heap,
    samples: int,
    users: int,
    reply_first: bool,
    limit: float,
) -> tuple[dict[str, list[float]], list[float]]:
    """The bot's refresh (no GC while converting, settle after) back to back meanwhile."""
    stop = threading.Event()
    refreshes: list[float] = []

    def refresher() -> None:
        while not stop.is_set():
            t = time.perf_counter()
            cache.refresh()
            heap.settle()  # what the bot's refresh job does after each refresh
            refreshes.append(time.perf_counter() - t)

    thread = threading.Thread(target=refresher, daemon=True)
    thread.start()
    try:
        return await users_at_once(services, samples, users, reply_first, limit), refreshes
    finally:
        stop.set()
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--samples", type=int, default=200, help="replies per command")
    parser.add_argument("--users", type=int, default=4, help="users asking at once")
    parser.add_argument("--limit", type=float, default=90, help="seconds per variant at most")
    parser.add_argument("--source", choices=("memory", "xlsx", "gsheet"), default="memory")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
