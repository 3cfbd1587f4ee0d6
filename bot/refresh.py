"""The sheet is read by a job, never by a request: a first load at start-up, then every TTL.

The job runs the blocking read and conversion in a worker thread; commands keep answering from
the DataSet in hand meanwhile (sheets/cache.py). A failed read is tried again after the cache's
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
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application

from sheets.cache import RefreshResult, SheetCache
from sheets.damage import DamageNotices

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

    @property
    def tick(self) -> float:
        """How often the job looks: often enough for the TTL and the back-off after a failure."""
        return max(MIN_TICK, min(MAX_TICK, self.cache.ttl, self.cache.retry))

    async def run(self, context: Any = None) -> RefreshResult | None:
        if self.cache.refreshing or not self.cache.due():
            return None  # /ververs is reading it, or it is fresh enough
        first = not self.cache.loaded
        result = await asyncio.to_thread(self.cache.refresh_if_due)
        if result is None:
            return None
        await asyncio.to_thread(settle_heap)
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
        notice = self.notices.pending(self.cache.damage)  # sheets.damage (issue 10)
        if notice is not None and self.tell_staff is not None:
            try:
                await self.tell_staff(notice)
            except Exception:
                log.exception("Melding van schade aan de sheet niet verstuurd")
        return result


def settle_heap() -> None:
    """After a refresh: collect once, freeze what lives, hand freed memory back to the OS.

    The DataSet is a few hundred thousand objects; frozen, the cyclic GC no longer walks it in
    every full collection (a pause for everyone, also while the next refresh allocates). It is
    still freed by reference counting when the next DataSet replaces it; unfreezing first lets
    this collection find any cycle that was frozen last time.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    with contextlib.suppress(OSError, AttributeError):  # glibc only
        ctypes.CDLL("libc.so.6").malloc_trim(0)


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
    from bot.app import SERVICES

    data = cache.current()
    services = app.bot_data.get(SERVICES)
    chats = {u.telegram_id for u in (data.users if data else ()) if u.rol == "provincie"}
    chats |= set(getattr(services, "admins", ()))
    for chat in sorted(chats):
        await app.bot.send_message(chat, html.escape(f"Taakbot: {text}"), parse_mode="HTML")
