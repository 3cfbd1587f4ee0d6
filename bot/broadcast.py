"""Send many messages to many chats within Telegram's flood limits, one chat's failure at a time.

Each chat's chunks go in order, chats interleaved earliest deadline first; every send first takes
a place from the bot's one `Pacer` (bot/pacing.py), which keeps broadcasts below the replies'
share. A send that
timed out after the request went out may have been delivered: it is not resent blindly but
reported as *uncertain*, for a person to resend on purpose.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.logids import chat_ref
from bot.pacing import Pacer, is_group, retry_seconds
from bot.store import BLOCKED, FAILED, SENT, UNCERTAIN, Key

__all__ = [
    "SKIPPED",
    "Broadcaster",
    "Outgoing",
    "Pacer",
    "Summary",
    "is_group",
    "maybe_delivered",
    "retry_seconds",
]

log = logging.getLogger(__name__)

Send = Callable[[int, str], Awaitable[Any]]
# The request never reached Telegram: sending again cannot duplicate anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def maybe_delivered(exc: NetworkError) -> bool:
    """True when the request went out but no answer came back (Telegram may have delivered)."""
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return False
    if isinstance(exc, TimedOut):
        return True
    return isinstance(cause, httpx.TransportError)  # a dropped connection; None: a 5xx answer


@dataclass(slots=True)
class Outgoing:
    """The chunks for one chat, in order, and the ledger rows their delivery settles."""

    chat_id: int
    chunks: list[str]
    keys: tuple[Key, ...] = ()
    claimed: bool | None = None  # its ledger rows are this process's (None: not asked yet)
    marked: bool | None = None  # … in flight ('sending'); False: taken over, do not send


@dataclass(slots=True)
class Summary:
    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    blocked: list[int] = field(default_factory=list)
    uncertain: dict[int, str] = field(default_factory=dict)  # timed out: maybe delivered
    skipped: int = 0  # claimed elsewhere (another tick or process) before its turn came
    retries_429: int = 0
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return len(self.sent) + len(self.failed) + len(self.blocked) + len(self.uncertain)


OnResult = Callable[[Outgoing, str, str | None], Any]
# Claim or mark the ledger rows of a batch of chats at once (one transaction): one answer each.
Batch = Callable[[list[Outgoing]], list[bool] | Awaitable[list[bool]]]
SKIPPED = "skipped"  # the claim was lost before the request: nothing sent, nothing to settle


@dataclass(slots=True)
class _Plan:
    """One run's schedule and ledger hooks (a Broadcaster serves several runs at once)."""

    due: list[tuple[float, int, int, Outgoing]]  # (due, order, chunk index, item): a heap
    on_result: OnResult | None
    claim: Batch | None
    mark: Batch | None
    marking: asyncio.Lock = field(default_factory=asyncio.Lock)
    handed: list[Outgoing] = field(default_factory=list)  # first message's turn has come

    def next_firsts(self, n: int, wanted: Callable[[Outgoing], bool]) -> list[Outgoing]:
        """Up to `n` chats whose first message goes next (its turn has come, then due in
        deadline order) and `wanted`."""
        self.handed = [item for item in self.handed if item.marked is None]
        firsts = sorted(entry for entry in self.due if entry[2] == 0 and wanted(entry[3]))
        return [*(i for i in self.handed if wanted(i)), *(entry[3] for entry in firsts)][:n]


class Broadcaster:
    """Paced, fault-tolerant delivery; one instance (one Pacer) per bot."""

    def __init__(
        self,
        send: Send,
        pacer: Pacer | None = None,
        *,
        workers: int = 64,  # enough chats in turn to fill the rate with 1/s per chat
        max_retries: int = 5,
        backoff: float = 0.5,
        on_migrate: Callable[[int, int], Any] | None = None,
        batch: int = 8,  # chats claimed and marked per ledger transaction (≤ workers)
    ) -> None:
        self.send, self.pacer = send, pacer or Pacer()
        self.workers, self.max_retries, self.backoff = workers, max_retries, backoff
        self.on_migrate = on_migrate
        self.batch = max(1, min(batch, workers))

    async def run(
        self,
        items: Iterable[Outgoing],
        on_result: OnResult | None = None,
        claim: Batch | None = None,
        mark: Batch | None = None,
    ) -> Summary:
        """Deliver every item; `on_result(item, status, error)` runs as each chat finishes.

        `claim(items)` is asked when the first of them is due, for it and the next chats due
        (at most `batch`, one ledger transaction), not for all chats up front: a ledger row
        stays 'pending' only for seconds even in a broadcast that takes an hour. `mark(items)`
        is asked right before the first request of the first of them goes out, for it and the
        next claimed chats due (at most `batch`): their rows are in flight from then on, so
        after a crash they are uncertain, never resent; a chat not marked is not sent.

        Earliest deadline first on one schedule: chat i's first message is due at i / rate, its
        next ones a chat interval apart (the Pacer holds each to the real interval), so a
        chat's later messages never starve behind fresh chats when sending runs late. Places
        are taken one at a time in that order, a chat that is not ready yet steps aside, and up
        to `workers` sends are under way at once.
        """
        summary = Summary()
        started = self.pacer.clock()
        step = self.pacer.broadcast_interval
        due: list[tuple[float, int, int, Outgoing]] = [
            (started + i * step, i, 0, item)
            for i, item in enumerate(self._longest_first(_one_per_chat(items)))
        ]  # (due, order, chunk index, item): a heap, already in order
        plan = _Plan(due, on_result, claim, mark)
        slots = asyncio.Semaphore(self.workers)  # sends under way at once
        running: set[asyncio.Task[None]] = set()
        while due or running:
            if not due:
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                continue
            when, order, index, item = heapq.heappop(due)
            wait = self.pacer.chat_ready_in(item.chat_id)
            if wait > 0.05 and due and due[0][0] < self.pacer.clock() + wait:
                # This chat is not ready yet (its last message went late): others first.
                heapq.heappush(due, (self.pacer.clock() + wait, order, index, item))
                continue
            if index == 0 and claim is not None:
                if item.claimed is None:
                    ahead = plan.next_firsts(self.batch - 1, lambda i: i.claimed is None)
                    await _ask(claim, [item, *ahead], "claimed")
                if not item.claimed:
                    summary.skipped += 1
                    continue
            if index == 0:
                plan.handed.append(item)  # its turn is next: marked with the next batch
            await slots.acquire()
            # Places are taken here, one at a time in deadline order; sending runs concurrently.
            await self.pacer.acquire(item.chat_id)
            task = asyncio.create_task(self._turn(item, when, order, index, plan, summary, slots))
            running.add(task)
            task.add_done_callback(running.discard)
        summary.elapsed = self.pacer.clock() - started
        return summary

    def _longest_first(self, items: list[Outgoing]) -> list[Outgoing]:
        """Chats whose messages span longest (several, a second or more apart) start first, so
        the broadcast does not end waiting out one group's last interval."""

        def span(item: Outgoing) -> float:
            gap = self.pacer.group_interval if is_group(item.chat_id) else self.pacer.chat_interval
            return (len(item.chunks) - 1) * gap

        return sorted(items, key=span, reverse=True)  # stable: otherwise in the given order

    async def _turn(
        self,
        item: Outgoing,
        when: float,
        order: int,
        index: int,
        plan: _Plan,
        summary: Summary,
        slots: asyncio.Semaphore,
    ) -> None:
        """Send chunk `index` of one chat (its place is held); queue the next, or settle."""
        try:
            try:
                outcome = await self._deliver_chunk(item, item.chunks[index], summary, plan)
            except Exception as exc:  # a bug for one chat must not stop the others
                log.exception("Onverwachte fout bij verzenden naar %s", chat_ref(item.chat_id))
                outcome = FAILED, repr(exc)
            if outcome is not None and outcome[0] == SKIPPED:
                summary.skipped += 1
                return
            if outcome is None and index + 1 < len(item.chunks):
                gap = (
                    self.pacer.group_interval
                    if is_group(item.chat_id)
                    else self.pacer.chat_interval
                )
                heapq.heappush(plan.due, (when + gap, order, index + 1, item))
                return
            await self._settle(item, outcome or (SENT, None), summary, plan.on_result)
        finally:
            slots.release()

    async def _settle(
        self,
        item: Outgoing,
        outcome: tuple[str, str | None],
        summary: Summary,
        on_result: OnResult | None,
    ) -> None:
        status, error = outcome
        if status == SENT:
            summary.sent.append(item.chat_id)
        elif status == BLOCKED:
            summary.blocked.append(item.chat_id)
        elif status == UNCERTAIN:
            summary.uncertain[item.chat_id] = error or ""
        else:
            summary.failed[item.chat_id] = error or ""
        if on_result is not None:
            try:
                result = on_result(item, status, error)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("Kon de uitkomst voor %s niet vastleggen", chat_ref(item.chat_id))

    async def _marked(self, item: Outgoing, plan: _Plan) -> bool:
        """Mark `item` in flight, with the next claimed chats due (one transaction), unless an
        earlier batch did; False when its rows are no longer ours."""
        if plan.mark is None:
            return True
        async with plan.marking:
            if item.marked is None:
                ahead = plan.next_firsts(
                    self.batch - 1,
                    lambda i: (
                        i is not item and (i.claimed or plan.claim is None) and i.marked is None
                    ),
                )
                await _ask(plan.mark, [item, *ahead], "marked")
        return bool(item.marked)

    async def _deliver_chunk(
        self, item: Outgoing, chunk: str, summary: Summary, plan: _Plan | None = None
    ) -> tuple[str, str | None] | None:
        """Send one chunk, its first place already held; retry what may be retried.

        None when it went, else the chat's outcome.
        """
        attempt, held = 0, True
        while True:
            chat, pause = item.chat_id, 0.0
            if not held:
                await self.pacer.acquire(chat)
            held = False
            try:
                if plan is not None and not await self._marked(item, plan):
                    return SKIPPED, None
                await self.send(chat, chunk)
                return None
            except RetryAfter as exc:
                summary.retries_429 += 1
                self.pacer.pause(retry_seconds(exc), chat)
                error = str(exc)
            except ChatMigrated as exc:
                if self.on_migrate is not None:
                    self.on_migrate(chat, exc.new_chat_id)
                item.chat_id = exc.new_chat_id
                continue
            except Forbidden as exc:  # blocked, kicked, deactivated
                return BLOCKED, str(exc)
            except BadRequest as exc:  # our text or the chat id is wrong: retry won't help
                return FAILED, str(exc)
            except NetworkError as exc:  # includes TimedOut and 5xx answers
                if maybe_delivered(exc):  # resending could deliver it twice
                    return UNCERTAIN, f"{type(exc).__name__}: {exc}"
                error = str(exc)
                pause = min(30.0, self.backoff * 2**attempt)
            finally:
                self.pacer.release(chat)
            if pause:
                await self.pacer.sleep(pause)
            attempt += 1
            if attempt > self.max_retries:
                return FAILED, error


async def _ask(hook: Batch, items: list[Outgoing], flag: str) -> None:
    """Ask a ledger hook about a batch; set each item's `claimed` or `marked` from its answer."""
    answers = hook(items)
    if inspect.isawaitable(answers):
        answers = await answers
    for item, answer in zip(items, answers, strict=True):
        setattr(item, flag, bool(answer))


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
