"""How a front end records: stamp when, write once, then read the sheet again."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sheets.sources.ladder.base import LadderRow, Reading, WriteError, Written
from sheets.sources.ladder.files import clean_at_start
from sheets.sources.ladder.registry import append, locked


class Recorder:
    """How a front end records: stamp when, write once, then read the sheet again so every
    answer shows the recorded step at once. The clock is injected (tests)."""

    def __init__(self, cache: Any, clock: Callable[[], datetime] = datetime.now) -> None:
        self.cache = cache
        self.clock = clock
        self._shown: dict[str, dict[str, str]] = {}
        path = getattr(cache.source, "path", None)
        if path is not None:  # a local workbook: what a writer killed mid-save left behind
            clean_at_start(Path(path))

    def fresh(self) -> Any:
        """The sheet as it is now: a read that starts after this call, served from then on.
        WriteError when it cannot be read (nothing is recorded from older data)."""
        result = self.cache.refresh(join=False)
        if not result.ok or result.dataset is None:
            raise WriteError(
                f"de sheet kon niet opnieuw worden gelezen ({result.error}); er is niets "
                "vastgelegd. Probeer het zo opnieuw."
            )
        return result.dataset

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Nobody else's Taakbot writes this workbook meanwhile (local files; Google: none)."""
        return locked(self.cache.source)

    def remember(self, key: str, shown: dict[str, str]) -> None:
        """What a confirm showed, so the write can say what changed since (last 64 kept)."""
        self._shown[key] = shown
        while len(self._shown) > 64:
            self._shown.pop(next(iter(self._shown)))

    def recall(self, key: str) -> dict[str, str] | None:
        return self._shown.get(key)

    def record(self, rows: Sequence[LadderRow], reading: Reading | None = None) -> Written:
        """Write once; the cache is read again after every attempt, written or not, so an
        answer never shows what the sheet had before a write that may have landed."""
        now = self.clock().replace(microsecond=0, tzinfo=None)
        try:
            return append(self.cache.source, [replace(r, op=now) for r in rows], reading)
        finally:
            self.cache.refresh()
