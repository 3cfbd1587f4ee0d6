"""A virtual clock for tests: sleeping moves it forward at once, so nothing really waits."""

from __future__ import annotations

import asyncio


class FakeTime:
    """Monotonic seconds that only move when someone sleeps (or a test calls `advance`).

    `sleep` is the async seam (pacer, broadcaster), `sleep_sync` the blocking one (retry);
    `slept` records every wait asked for, so tests can check back-off without waiting it out.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def clock(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += max(0.0, seconds)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)  # still a suspension point: other tasks run

    def sleep_sync(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
