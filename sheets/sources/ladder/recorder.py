"""How a front end records: stamp when, write once, then read the sheet again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sheets.sources.ladder.base import LadderRow, Written
from sheets.sources.ladder.registry import append


class Recorder:
    """How a front end records: stamp when, write once, then read the sheet again so every
    answer shows the recorded step at once. The clock is injected (tests)."""

    def __init__(self, cache: Any, clock: Callable[[], datetime] = datetime.now) -> None:
        self.cache = cache
        self.clock = clock

    def record(
        self, rows: Sequence[LadderRow], aliases: Callable[[str], Sequence[str]] = lambda n: (n,)
    ) -> Written:
        now = self.clock().replace(microsecond=0, tzinfo=None)
        written = append(self.cache.source, [replace(r, op=now) for r in rows], aliases)
        if written.added:
            self.cache.refresh()
        return written
