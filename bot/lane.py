"""The lane for heavy work: letters, round tables, recording, exports and charts run here, in a
pool of their own with a queue, so replies never wait behind them.

Replies are computed on the event loop's default thread pool; before the lane, eight *Brieven*
at once took all six of its threads (2 cores) and another user's /stand waited 12.9 s. The lane
runs at most `workers` jobs at a time (TAAKBOT_LANE_WORKERS) and queues the rest; `submit`
answers at once with the request's place. A free worker takes a waiting job of the kind that
started longest ago (a kind that never ran first; the oldest job of it): a chart waits for one
letter job to end, not behind eight, and letters still take every other turn. The same request
by the same person (the same key) joins the job already queued or running instead of starting
another, and its result goes to every chat that asked. The lane knows nothing of Telegram: a
job is a callable, its result is handed to each requester's `deliver`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

Deliver = Callable[[Any, BaseException | None], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Ticket:
    """Where a request stands when it is handed in."""

    position: int  # 0: it runs now; n: n-th in the queue
    joined: bool  # the same person asked the same already: this request waits for that one


@dataclass
class _Job:
    key: Hashable
    kind: str
    run: Callable[[], Any]
    asked: float
    to: dict[Hashable, Deliver] = field(default_factory=dict)  # one result per destination
    started: float | None = None


class Lane:
    """Must be used from the event loop (submit, close); jobs run in the lane's threads."""

    def __init__(self, workers: int, clock: Callable[[], float] = time.monotonic) -> None:
        if workers < 1:
            raise ValueError(workers)
        self.workers, self.clock = workers, clock
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="taakbot-lane")
        self._waiting: deque[_Job] = deque()
        self._running: dict[Hashable, _Job] = {}
        self._turns: dict[str, int] = {}  # kind → the number of its latest start
        self._turn = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.done = 0  # jobs finished

    def submit(
        self,
        key: Hashable,
        run: Callable[[], Any],
        to: Hashable,
        deliver: Deliver,
        kind: str = "werk",
    ) -> Ticket:
        """Hand in a job (or join the same one); `deliver(result, error)` is awaited once per
        destination `to` when it is done. Never waits."""
        job = self._running.get(key) or next((j for j in self._waiting if j.key == key), None)
        if job is not None:
            job.to.setdefault(to, deliver)
            return Ticket(self.position(key), joined=True)
        job = _Job(key, kind, run, self.clock(), {to: deliver})
        self._idle.clear()
        if len(self._running) < self.workers:
            self._start(job)
            return Ticket(0, joined=False)
        self._waiting.append(job)
        return Ticket(self.position(key), joined=False)

    def position(self, key: Hashable) -> int:
        """0 while the job runs; while it waits, its place in the order the waiting jobs will
        start (unless more arrive); -1 when unknown."""
        if key in self._running:
            return 0
        waiting, turns, turn = list(self._waiting), dict(self._turns), self._turn
        for place in range(1, len(waiting) + 1):
            job = _pick(waiting, turns)
            if job.key == key:
                return place
            waiting.remove(job)
            turn += 1
            turns[job.kind] = turn
        return -1

    @property
    def queued(self) -> int:
        return len(self._waiting)

    @property
    def running(self) -> int:
        return len(self._running)

    def _start(self, job: _Job) -> None:
        self._turn += 1
        self._turns[job.kind] = self._turn
        self._running[job.key] = job
        job.started = self.clock()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, job.run)
        task = loop.create_task(self._finish(job, future), name=f"lane:{job.kind}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _finish(self, job: _Job, future: Awaitable[Any]) -> None:
        result, error = None, None
        try:
            result = await future
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the requester hears it; the log has the details
            error = exc
            log.error("Fout in %s", job.kind, exc_info=exc)
        finally:
            del self._running[job.key]
            self.done += 1
            while self._waiting and len(self._running) < self.workers:
                chosen = _pick(self._waiting, self._turns)
                self._waiting.remove(chosen)
                self._start(chosen)
            if not self._running and not self._waiting:
                self._idle.set()
        waited = (job.started or job.asked) - job.asked
        log.info(
            "%s klaar in %.1f s (wachtte %.1f s, %d verzoek(en))",
            job.kind,
            self.clock() - (job.started or job.asked),
            waited,
            len(job.to),
        )
        for deliver in job.to.values():
            try:
                await deliver(result, error)
            except Exception:
                log.exception("Kon het resultaat van %s niet afleveren", job.kind)

    async def idle(self) -> None:
        """Until no job runs or waits (tests; a clean shutdown)."""
        await self._idle.wait()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def close(self) -> None:
        """At shutdown: queued jobs are dropped, running ones finish in their threads."""
        self._waiting.clear()
        for task in list(self._tasks):
            task.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _pick(waiting: deque[_Job] | list[_Job], turns: dict[str, int]) -> _Job:
    """The oldest job of the kind whose latest start is longest ago (never: first)."""
    return min(waiting, key=lambda job: turns.get(job.kind, 0))  # min keeps the first of ties
