"""Send one text to many chats within Telegram's flood limits, one chat's failure at a time.

PTB's AIORateLimiter paces overall and per group but not per chat, and a plain `gather` over a
thousand chats trips flood control. Here a few workers share one `Pacer`: a chat waits for its own
slot (about 1/s, 20/min for groups), then reserves the next overall slot (about 25/s).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.store import BLOCKED, FAILED, SENT, Key

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[Any]]
Send = Callable[[int, str], Awaitable[Any]]


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids."""
    return chat_id < 0


class Pacer:
    """Virtual scheduling: every chat and the bot as a whole get the next free slot in turn."""

    def __init__(
        self,
        overall_per_sec: float = 25.0,
        chat_interval: float = 1.1,
        group_interval: float = 3.2,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        # Margins under 30/s, 1/s and 20/min absorb jitter between our clock and Telegram's.
        self.overall_interval = 1.0 / overall_per_sec
        self.chat_interval, self.group_interval = chat_interval, group_interval
        self.clock, self.sleep = clock, sleep
        self._overall_next = 0.0
        self._chat_next: dict[int, float] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Flood control answered: nobody sends until it has passed."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    async def wait_turn(self, chat_id: int) -> float:
        """Sleep until `chat_id` may receive one message; return the granted time."""
        while True:
            now = self.clock()
            ready = max(self._chat_next.get(chat_id, 0.0), self._paused_until)
            if ready > now:
                await self.sleep(ready - now)
                continue
            slot = max(now, self._overall_next)
            self._overall_next = slot + self.overall_interval
            gap = self.group_interval if is_group(chat_id) else self.chat_interval
            self._chat_next[chat_id] = slot + gap  # reserved now: no other task takes it
            if slot > now:
                await self.sleep(slot - now)
            if self.clock() >= self._paused_until:
                self._forget_old(slot)
                return slot

    def _forget_old(self, now: float) -> None:
        if len(self._chat_next) > 10_000:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}


@dataclass(slots=True)
class Outgoing:
    """The chunks for one chat, in order, and the ledger rows their delivery settles."""

    chat_id: int
    chunks: list[str]
    keys: tuple[Key, ...] = ()


@dataclass(slots=True)
class Summary:
    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    blocked: list[int] = field(default_factory=list)
    skipped: int = 0  # claimed elsewhere (another tick or process) before its turn came
    retries_429: int = 0
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return len(self.sent) + len(self.failed) + len(self.blocked)


OnResult = Callable[[Outgoing, str, str | None], Any]
Claim = Callable[[Outgoing], bool]


def retry_seconds(exc: RetryAfter) -> float:
    """PTB gives an int today and a timedelta with PTB_TIMEDELTA; accept both."""
    value = exc._retry_after if hasattr(exc, "_retry_after") else exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Broadcaster:
    """Paced, fault-tolerant delivery; one instance (one Pacer) per bot."""

    def __init__(
        self,
        send: Send,
        pacer: Pacer | None = None,
        *,
        workers: int = 8,
        max_retries: int = 5,
        backoff: float = 0.5,
        on_migrate: Callable[[int, int], Any] | None = None,
    ) -> None:
        self.send, self.pacer = send, pacer or Pacer()
        self.workers, self.max_retries, self.backoff = workers, max_retries, backoff
        self.on_migrate = on_migrate

    async def run(
        self,
        items: Iterable[Outgoing],
        on_result: OnResult | None = None,
        claim: Claim | None = None,
    ) -> Summary:
        """Deliver every item; `on_result(item, status, error)` runs as each chat finishes.

        `claim(item)` is asked just before a chat's turn (not for all chats up front), so a
        ledger row stays 'pending' only for seconds even in a broadcast that takes an hour.
        """
        summary = Summary()
        started = self.pacer.clock()
        queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        for item in _one_per_chat(items):
            queue.put_nowait(item)
        count = min(self.workers, queue.qsize())
        await asyncio.gather(
            *(self._worker(queue, summary, on_result, claim) for _ in range(count))
        )
        summary.elapsed = self.pacer.clock() - started
        return summary

    async def _worker(
        self,
        queue: asyncio.Queue[Outgoing],
        summary: Summary,
        on_result: OnResult | None,
        claim: Claim | None,
    ) -> None:
        while not queue.empty():
            item = queue.get_nowait()
            if claim is not None and not claim(item):
                summary.skipped += 1
                continue
            try:
                status, error = await self._deliver(item, summary)
            except Exception as exc:  # a bug for one chat must not stop the others
                log.exception("Onverwachte fout bij verzenden naar %s", item.chat_id)
                status, error = FAILED, repr(exc)
            if status == SENT:
                summary.sent.append(item.chat_id)
            elif status == BLOCKED:
                summary.blocked.append(item.chat_id)
            else:
                summary.failed[item.chat_id] = error or ""
            if on_result is not None:
                try:
                    result = on_result(item, status, error)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    log.exception("Kon de uitkomst voor %s niet vastleggen", item.chat_id)

    async def _deliver(self, item: Outgoing, summary: Summary) -> tuple[str, str | None]:
        chat = item.chat_id
        for chunk in item.chunks:
            attempt = 0
            while True:
                await self.pacer.wait_turn(chat)
                try:
                    await self.send(chat, chunk)
                    break
                except RetryAfter as exc:
                    summary.retries_429 += 1
                    self.pacer.pause(retry_seconds(exc))
                    error = str(exc)
                except ChatMigrated as exc:
                    if self.on_migrate is not None:
                        self.on_migrate(chat, exc.new_chat_id)
                    chat = item.chat_id = exc.new_chat_id
                    continue
                except Forbidden as exc:  # blocked, kicked, deactivated
                    return BLOCKED, str(exc)
                except BadRequest as exc:  # our text or the chat id is wrong: retry won't help
                    return FAILED, str(exc)
                except NetworkError as exc:  # includes TimedOut and 5xx answers
                    error = str(exc)
                    await self.pacer.sleep(min(30.0, self.backoff * 2**attempt))
                attempt += 1
                if attempt > self.max_retries:
                    return FAILED, error
        return SENT, None


def _one_per_chat(items: Iterable[Outgoing]) -> list[Outgoing]:
    """Merge items for the same chat so one worker sends them in order."""
    merged: dict[int, Outgoing] = {}
    for item in items:
        if item.chat_id in merged:
            prev = merged[item.chat_id]
            merged[item.chat_id] = Outgoing(
                item.chat_id, prev.chunks + item.chunks, prev.keys + item.keys
            )
        else:
            merged[item.chat_id] = Outgoing(item.chat_id, list(item.chunks), tuple(item.keys))
    return list(merged.values())
