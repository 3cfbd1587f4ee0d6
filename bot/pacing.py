"""The bot's one rate limiter: every message it sends is counted here, replies first.

Telegram allows about 30 messages a second overall, about 1 a second per chat and 20 a minute per
group. An interactive reply takes the next free place at once (up to `reply_cap` a second);
a broadcast uses what is left (up to `broadcast_cap` a second, spaced evenly, and never closer
than `chat_interval` to the previous message in that chat). Because the broadcast's cap sits
below the reply cap, a reply never queues behind a broadcast.

Sends are counted from the moment their place is granted until a second after they *finished*
(the answer came back), so a slow request never lets two messages land in one window at
Telegram's end. Clock and sleep are injected: tests run on a virtual clock.

`PacedLimiter` puts the `Pacer` behind python-telegram-bot's `BaseRateLimiter` interface, so
replies sent through `context.bot` are counted too; the broadcaster takes its places itself and
marks its calls `rate_limit_args={"paced": True}`, so nothing is limited twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.logids import chat_ref

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[Any]]

# Calls that deliver a message to a chat, and so count against Telegram's flood limits.
SEND_ENDPOINTS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation",
        "sendAudio", "sendVideo", "sendVoice", "sendSticker", "sendLocation", "sendContact",
        "sendPoll", "sendDice", "copyMessage", "forwardMessage", "copyMessages",
        "forwardMessages",
    }
)  # fmt: skip
WINDOW, GROUP_WINDOW = 1.0, 60.0


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids."""
    return chat_id < 0


def retry_seconds(exc: RetryAfter) -> float:
    """PTB gives an int today and a timedelta with PTB_TIMEDELTA; accept both."""
    value = exc._retry_after if hasattr(exc, "_retry_after") else exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class _Window:
    """Sends in the last `period` seconds: those in flight, and the finish times of the rest."""

    __slots__ = ("done", "in_flight", "period")

    def __init__(self, period: float) -> None:
        self.period, self.in_flight, self.done = period, 0, deque[float]()

    def count(self, now: float) -> int:
        while self.done and self.done[0] <= now - self.period:
            self.done.popleft()
        return self.in_flight + len(self.done)

    def wait(self, now: float, cap: int) -> float:
        """Seconds until fewer than `cap` sends are counted (a short poll if all in flight)."""
        excess = self.count(now) - cap + 1
        if excess <= 0:
            return 0.0
        if excess > len(self.done):
            return 0.01  # the rest are in flight: look again shortly
        return self.done[excess - 1] + self.period - now


class Pacer:
    """Grants places to send under Telegram's limits; replies ahead of broadcasts."""

    def __init__(
        self,
        broadcast_per_sec: float = 28.0,
        reply_cap: int = 29,
        chat_interval: float = 1.05,
        group_interval: float = 3.1,
        group_cap: int = 19,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        # Margins under 30/s, 1/s and 20/min absorb the jitter between our clock and Telegram's.
        self.broadcast_interval = 1.0 / broadcast_per_sec
        self.broadcast_cap = max(1, int(broadcast_per_sec))
        self.reply_cap = max(reply_cap, self.broadcast_cap + 1)
        self.chat_interval, self.group_interval, self.group_cap = (
            chat_interval,
            group_interval,
            group_cap,
        )
        self.clock, self.sleep = clock, sleep
        self._overall = _Window(WINDOW)
        self._groups: dict[int, _Window] = {}
        self._chat_last: dict[int, float] = {}  # finish time of the last send to a chat
        self._chat_busy: dict[int, int] = {}  # sends in flight per chat
        self._chat_paused: dict[int, float] = {}
        self._paused_until = 0.0  # broadcasts only: after a 429
        self._next_broadcast = 0.0
        self.replies = self.broadcasts = 0

    # -- flood control -------------------------------------------------------------------
    def pause(self, seconds: float, chat_id: int | None = None) -> None:
        """Telegram answered 429: that chat waits, and broadcasts hold back everywhere."""
        until = self.clock() + seconds
        self._paused_until = max(self._paused_until, until)
        if chat_id is not None:
            self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), until)

    # -- granting places -----------------------------------------------------------------
    def _wait(self, chat_id: int, now: float, reply: bool) -> float:
        waits = [
            self._overall.wait(now, self.reply_cap if reply else self.broadcast_cap),
            self._chat_paused.get(chat_id, 0.0) - now,
        ]
        group = self._groups.get(chat_id) if is_group(chat_id) else None
        if group is not None:
            waits.append(group.wait(now, self.group_cap + (1 if reply else 0)))
        if not reply:
            waits += [self._paused_until - now, self._next_broadcast - now]
            if self._chat_busy.get(chat_id):
                waits.append(0.01)
            last = self._chat_last.get(chat_id)
            if last is not None:
                gap = self.group_interval if is_group(chat_id) else self.chat_interval
                waits.append(last + gap - now)
        return max(waits)

    def chat_ready_in(self, chat_id: int) -> float:
        """Seconds until `chat_id` itself may take a broadcast message (overall pace aside)."""
        now = self.clock()
        waits = [0.0, self._chat_paused.get(chat_id, 0.0) - now]
        if self._chat_busy.get(chat_id):
            waits.append(0.01)
        if (last := self._chat_last.get(chat_id)) is not None:
            gap = self.group_interval if is_group(chat_id) else self.chat_interval
            waits.append(last + gap - now)
        if is_group(chat_id) and (group := self._groups.get(chat_id)) is not None:
            waits.append(group.wait(now, self.group_cap))
        return max(waits)

    async def acquire(self, chat_id: int, *, reply: bool = False) -> float:
        """Wait for a place to send one message to `chat_id`; return the time granted.

        Pair every acquire with `release(chat_id)` when the request has finished.
        """
        while (wait := self._wait(chat_id, now := self.clock(), reply)) > 0:
            await self.sleep(max(wait, 1e-6))  # a float remainder must still move the clock
        self._overall.in_flight += 1
        self._chat_busy[chat_id] = self._chat_busy.get(chat_id, 0) + 1
        if is_group(chat_id):
            self._groups.setdefault(chat_id, _Window(GROUP_WINDOW)).in_flight += 1
        if reply:
            self.replies += 1
        else:
            self.broadcasts += 1
            # Stay on the grid: a grant a little late (event-loop lag) is not lost for good;
            # after an idle spell at most one extra slot is due at once.
            step = self.broadcast_interval
            self._next_broadcast = max(self._next_broadcast + step, now - step)
        return now

    def release(self, chat_id: int) -> None:
        """The request to `chat_id` has finished (whatever its outcome): count it from now."""
        now = self.clock()
        self._overall.in_flight -= 1
        self._overall.done.append(now)
        busy = self._chat_busy.get(chat_id, 1) - 1
        if busy:
            self._chat_busy[chat_id] = busy
        else:
            self._chat_busy.pop(chat_id, None)
        self._chat_last[chat_id] = now
        if (group := self._groups.get(chat_id)) is not None:
            group.in_flight -= 1
            group.done.append(now)
        self._forget_old(now)

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int, *, reply: bool = False) -> AsyncIterator[float]:
        """`async with pacer.slot(chat): await send(...)`."""
        granted = await self.acquire(chat_id, reply=reply)
        try:
            yield granted
        finally:
            self.release(chat_id)

    def _forget_old(self, now: float) -> None:
        if len(self._chat_last) > 10_000:
            horizon = now - GROUP_WINDOW
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}
            self._chat_paused = {c: t for c, t in self._chat_paused.items() if t > now}
            self._groups = {c: w for c, w in self._groups.items() if w.in_flight or w.count(now)}


Callback = Callable[..., Coroutine[Any, Any, Any]]


class PacedLimiter(BaseRateLimiter[dict[str, Any]]):
    """python-telegram-bot's hook: count every send in the one `Pacer`, as a reply.

    Calls marked ``rate_limit_args={"paced": True}`` already hold a place (the broadcaster's)
    and pass straight through. A 429 on a reply pauses that chat and is retried after the wait
    Telegram asks for, up to `max_retries` times.
    """

    def __init__(self, pacer: Pacer | None = None, *, max_retries: int = 3) -> None:
        self.pacer = pacer or Pacer()
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        paced = bool(rate_limit_args and rate_limit_args.get("paced"))
        if paced or endpoint not in SEND_ENDPOINTS or not isinstance(chat_id, int):
            return await callback(*args, **kwargs)
        for attempt in range(self.max_retries + 1):
            async with self.pacer.slot(chat_id, reply=True):
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    wait = retry_seconds(exc)
                    self.pacer.pause(wait, chat_id)
                    if attempt == self.max_retries:
                        raise
                    log.info("429 voor %s; opnieuw over %.1f s", chat_ref(chat_id), wait)
        raise AssertionError("unreachable")  # pragma: no cover
