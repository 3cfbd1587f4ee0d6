"""How a front end records: stamp when, write once, then read the sheet again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sheets.sources.ladder.base import LadderRow, Reading, Written
from sheets.sources.ladder.files import clean_at_start
from sheets.sources.ladder.registry import append


class Recorder:
    """How a front end records: stamp when, write once, then read the sheet again so every
    answer shows the recorded step at once. The clock is injected (tests)."""

    def __init__(self, cache: Any, clock: Callable[[], datetime] = datetime.now) -> None:
        self.cache = cache
        self.clock = clock
        path = getattr(cache.source, "path", None)
        if path is not None:  # a local workbook: what a writer killed mid-save left behind
            clean_at_start(Path(path))

    def record(self, rows: Sequence[LadderRow], reading: Reading | None = None) -> Written:
        """Write once; the cache is read again after every attempt, written or not, so an
        answer never shows what the sheet had before a write that may have landed."""
        now = self.clock().replace(microsecond=0, tzinfo=None)
        try:
            return append(self.cache.source, [replace(r, op=now) for r in rows], reading)
        finally:
            self.cache.refresh()
