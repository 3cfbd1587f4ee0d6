"""Replies first: background work steps aside while a reply is being computed.

The sheet refresh converts tens of thousands of rows in a worker thread. CPython runs one
thread at a time, so a reply computed meanwhile shares the interpreter with it and waits at
every switch: bench_commands measured /grafiek at 0.14 s idle and 0.9 s during a refresh, with
a 1 ms switch interval. Background loops call `pause()` every few hundred rows; while a reply is
being computed on another thread, the loop waits there (releasing the GIL) and the reply runs as
if the bot were idle. One wait is capped, and a loop never waits longer than it worked since
its last wait: a reply now and then gets the interpreter to itself, while a steady stream of
replies waits at most as long as it works (bench_commands, four users asking non-stop: a
refresh of 0.40 s alone takes 1.7 s, where waiting 0.5 s at every pause stretched it to 50 s). The interpreter is shared by the whole process, so
this gate is too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MAX_WAIT = 0.5  # seconds one pause may last; then the background work takes a turn


class ReplyFirst:
    """Counts replies in progress; background loops wait at `pause()` while there are any."""

    def __init__(
        self, max_wait: float = MAX_WAIT, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_wait = max_wait
        self._clock = clock
        self._cond = threading.Condition(threading.Lock())
        self._serving = 0
        self._mine = threading.local()  # replies this thread is computing (nested: /ververs)
        self.pauses = 0  # how often background work stepped aside (a benchmark figure)
        self.waiting = 0  # background threads waiting at `pause()` now

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Around the computation of one reply (in its worker thread)."""
        self._mine.depth = getattr(self._mine, "depth", 0) + 1
        with self._cond:
            self._serving += 1
        try:
            yield
        finally:
            self._mine.depth -= 1
            with self._cond:
                self._serving -= 1
                self._cond.notify_all()

    def pause(self) -> None:
        """Wait while another thread computes a reply, at most `max_wait`.

        A refresh that a reply started itself (/ververs runs it in the reply's own thread)
        does not wait for that reply, only for the others.
        """
        if not self._serving:  # the common case, without taking the lock
            return
        own = getattr(self._mine, "depth", 0)
        resumed = getattr(self._mine, "resumed", None)
        worked = self.max_wait if resumed is None else self._clock() - resumed
        with self._cond:
            if self._serving > own:
                self.pauses += 1
                self.waiting += 1
                self._cond.notify_all()  # for a test that waits on `waiting`
                try:
                    self._cond.wait_for(
                        lambda: self._serving <= own, timeout=min(self.max_wait, worked)
                    )
                finally:
                    self.waiting -= 1
                    self._mine.resumed = self._clock()


REPLIES = ReplyFirst()
pause = REPLIES.pause
serving = REPLIES.serving
