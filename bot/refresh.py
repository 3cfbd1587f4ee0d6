"""The sheet is read by a job, never by a request: a first load at start-up, then every TTL.

The job runs the blocking read and conversion in a worker thread; commands keep answering from
the DataSet in hand meanwhile (sheets/runtime/cache.py). A failed read is tried again after the cache's
back-off, while the last good data stays served and marked stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import html
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from telegram.ext import Application

from sheets.loading.damage import DamageNotices
from sheets.runtime.cache import RefreshResult, SheetCache

log = logging.getLogger(__name__)

REFRESH, FIRST_LOAD = "sheet:refresh", "sheet:first-load"
MIN_TICK, MAX_TICK = 1.0, 60.0


class Refresher:
    """The refresh job's body: read the sheet in a thread when it is due."""

    def __init__(
        self, cache: SheetCache, tell_staff: Callable[[str], Awaitable[None]] | None = None
    ) -> None:
        self.cache = cache
        self.tell_staff = tell_staff  # a refused, damaged read: province staff hear it once
        self.notices = DamageNotices()
        self.heap = HEAP
        self._settled = -1  # the cache's generation when the heap was last settled
        cache.converting = self.heap.converting  # no GC pause while a read is converted

    @property
    def tick(self) -> float:
        """How often the job looks: often enough for the TTL and the back-off after a failure."""
        return max(MIN_TICK, min(MAX_TICK, self.cache.ttl, self.cache.retry))

    async def run(self, context: Any = None) -> RefreshResult | None:
        if self.cache.refreshing:
            return None  # /ververs is reading it
        if not self.cache.due():
            if self.cache.generation != self._settled:  # /ververs read it meanwhile
                await self._settle()
            return None
        first = not self.cache.loaded
        result = await asyncio.to_thread(self.cache.refresh_if_due)
        if result is None:
            return None
        await self._settle()
        if result.ok:
            log.info(
                "Sheet %s gelezen (%d gemeenten)",
                "voor het eerst" if first else "ververst",
                len(result.dataset.records) if result.dataset else 0,
            )
        else:
            log.warning(
                "Sheet lezen mislukt; %s: %s",
                "nog geen gegevens" if first else "de laatste goede gegevens blijven",
                result.error,
            )
        notice = self.notices.pending(self.cache.damage)  # sheets.loading.damage (issue 10)
        if notice is not None and self.tell_staff is not None:
            try:
                await self.tell_staff(notice)
            except Exception:
                log.exception("Melding van schade aan de sheet niet verstuurd")
        return result

    async def _settle(self) -> None:
        self._settled = self.cache.generation
        await asyncio.to_thread(self.heap.settle)


class Heap:
    """The refresh's part in garbage collection, so that it stops no reply.

    A refresh allocates a few hundred thousand objects. CPython's cyclic GC walks them as they
    pile up (gen-2 collections of 4–17 ms during one read of the country workbook) and a full
    collection after took 46 ms; each stops every thread. The DataSet holds no reference cycle,
    so the old one goes by reference counting: no automatic collection while converting, then
    freeze what lives so later collections skip it. Only when the frozen objects grow by half
    (a cycle kept an old DataSet after all) does a full collection run.
    """

    GROWTH = 1.5

    def __init__(self, collector: Any = gc) -> None:
        self.gc = collector
        self.baseline = 0  # frozen objects after the last full collection
        self.full_collections = 0

    @contextlib.contextmanager
    def converting(self) -> Iterator[None]:
        """No automatic collection meanwhile (the fetch before it may wait on the network)."""
        enabled = self.gc.isenabled()
        self.gc.disable()
        try:
            yield
        finally:
            if enabled:
                self.gc.enable()

    def settle(self) -> None:
        """After a refresh: freeze what lives; collect only when the frozen set keeps growing."""
        self.gc.freeze()
        if self.gc.get_freeze_count() > self.baseline * self.GROWTH:
            self.gc.unfreeze()
            self.gc.collect()
            self.gc.freeze()
            self.baseline = self.gc.get_freeze_count()
            self.full_collections += 1
        with contextlib.suppress(OSError, AttributeError):  # glibc only: freed memory to the OS
            ctypes.CDLL("libc.so.6").malloc_trim(0)


HEAP = Heap()  # one per process, like the collector it steers


SWITCH_INTERVAL = 0.001  # seconds; CPython's default is 0.005


def install_refresh(
    app: Application, cache: SheetCache, *, switch_interval: float | None = SWITCH_INTERVAL
) -> Refresher:
    """Schedule the refresh jobs (replacing older ones): at once, then every `tick`.

    The conversion holds the GIL in a worker thread; with a 1 ms switch interval instead of
    5 ms, replies computed meanwhile wait less for it (bench_commands: /grafiek during a
    refresh 2.4 s → 0.75 s median, the refresh itself 1.6 → 2.0 s in the background).
    """
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    refresher = Refresher(cache, lambda text: _tell_staff(app, cache, text))
    jq = app.job_queue
    if jq is None:
        raise RuntimeError("JobQueue ontbreekt: installeer python-telegram-bot[job-queue]")
    late = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
    for name in (FIRST_LOAD, REFRESH):
        for job in jq.get_jobs_by_name(name):
            job.schedule_removal()
    # A one-off job for the first read: an interval job's first run at "now" is skipped when
    # the scheduler starts a moment after it was added.
    jq.run_once(refresher.run, when=0, name=FIRST_LOAD, job_kwargs=late)
    jq.run_repeating(
        refresher.run, interval=refresher.tick, first=refresher.tick, name=REFRESH, job_kwargs=late
    )
    return refresher


async def _tell_staff(app: Application, cache: SheetCache, text: str) -> None:
    """Send a damage notice to province staff: `provincie` users and TAAKBOT_ADMINS."""
    data = cache.current()
    services = app.bot_data.services
    chats = {
        u.telegram_id
        for u in (data.users if data else ())
        if u.rol == "provincie" and u.telegram_id is not None
    }
    chats |= set(getattr(services, "admins", ()))
    for chat in sorted(chats):
        await app.bot.send_message(chat, html.escape(f"Taakbot: {text}"), parse_mode="HTML")
