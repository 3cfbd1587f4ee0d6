"""Keep the last good DataSet and refresh it from the source when it is older than the TTL.

A sheet that cannot be read (quota, network, a file being saved) must not silence the bot: we keep
serving the last good data, say it is stale and how old, and try again after a short pause. The
source is blocking; async callers wrap `get()` / `refresh()` in `asyncio.to_thread`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from engine.state import DataSet
from sheets import convert

RawWorkbook = dict[str, list[list[Any]]]


class Source(Protocol):
    def fetch(self) -> RawWorkbook: ...

    def describe(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Changes:
    """What a refresh changed: rows per tab, and municipalities whose figures moved."""

    rows_added: dict[str, int] = field(default_factory=dict)
    rows_removed: dict[str, int] = field(default_factory=dict)
    gemeenten: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rows_added or self.rows_removed or self.gemeenten)

    def __str__(self) -> str:
        """Dutch one-liner for /ververs: 'realisatie +3 −1 regels; cijfers gewijzigd: Delft'."""
        if not self:
            return "geen wijzigingen"
        tabs = sorted(set(self.rows_added) | set(self.rows_removed))
        parts = [
            f"{tab} "
            + " ".join(
                f"{sign}{n}"
                for sign, n in (
                    ("+", self.rows_added.get(tab, 0)),
                    ("−", self.rows_removed.get(tab, 0)),
                )
                if n
            )
            + " regels"
            for tab in tabs
        ]
        if self.gemeenten:
            shown = ", ".join(self.gemeenten[:10])
            more = f" en {len(self.gemeenten) - 10} meer" if len(self.gemeenten) > 10 else ""
            parts.append(f"cijfers gewijzigd: {shown}{more}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class RefreshResult:
    ok: bool
    dataset: DataSet | None  # the data now served (the old one when the refresh failed)
    error: str | None = None  # Dutch message, safe to show
    changed: Changes = field(default_factory=Changes)
    exception: BaseException | None = None


class SheetCache:
    def __init__(
        self,
        source: Source,
        *,
        ttl: float = 300.0,
        retry: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = datetime.now,
        loader: Callable[[RawWorkbook, str], DataSet] = convert.load,
    ) -> None:
        self.source, self.ttl, self.retry = source, ttl, retry
        self._clock, self._wall, self._loader = clock, wall, loader
        self._lock = threading.RLock()
        self._data: DataSet | None = None
        self._raw: RawWorkbook = {}
        self._loaded: float | None = None  # clock() of the last good load
        self._next_try = 0.0  # after a failure: no new attempt before this clock() value
        self.stale = False
        self.last_error: str | None = None

    @property
    def age_seconds(self) -> float | None:
        """Seconds since the data served was read from the source."""
        return None if self._loaded is None else self._clock() - self._loaded

    def get(self) -> DataSet:
        """The current DataSet, refreshed when older than the TTL; raises only on a first load."""
        with self._lock:
            if self._data is None:
                result = self.refresh()
                if result.dataset is None:
                    raise result.exception or RuntimeError(result.error)
            else:
                now = self._clock()
                assert self._loaded is not None
                if now - self._loaded >= self.ttl and now >= self._next_try:
                    self.refresh()
            assert self._data is not None
            return self._data

    def refresh(self) -> RefreshResult:
        """Read the source now; on failure keep serving the last good data and mark it stale."""
        with self._lock:
            try:
                raw = self.source.fetch()
                data = self._loader(raw, self.source.describe())
            except Exception as exc:  # SourceError, OSError, or a loader bug: keep serving
                self.stale = self._data is not None
                self.last_error = str(exc) or type(exc).__name__
                self._next_try = self._clock() + self.retry
                return RefreshResult(False, self._data, self.last_error, exception=exc)
            data.loaded_at = self._wall()
            changed = diff(self._raw, raw, self._data, data) if self._data else Changes()
            self._data, self._raw = data, raw
            self._loaded, self.stale, self.last_error = self._clock(), False, None
            return RefreshResult(True, data, changed=changed)


def diff(old_raw: RawWorkbook, new_raw: RawWorkbook, old: DataSet | None, new: DataSet) -> Changes:
    """Rows added and removed per tab (as multisets of cell values), and municipalities whose
    recorded figures differ (ignoring the cell refs, which shift when rows are inserted)."""
    added: dict[str, int] = {}
    removed: dict[str, int] = {}
    for tab in sorted(set(old_raw) | set(new_raw)):
        before = Counter(k for r in old_raw.get(tab, [])[1:] if (k := _row_key(r)))
        after = Counter(k for r in new_raw.get(tab, [])[1:] if (k := _row_key(r)))
        if n := sum((after - before).values()):
            added[tab] = n
        if n := sum((before - after).values()):
            removed[tab] = n
    names = set(new.records) | set(old.records if old else ())
    changed = tuple(sorted(n for n in names if _fingerprint(old, n) != _fingerprint(new, n)))
    return Changes(added, removed, changed)


def _row_key(row: list[Any]) -> tuple[str, ...]:
    cells = [None if c in ("", None) else str(c) for c in row]
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(c or "" for c in cells)


def _fingerprint(data: DataSet | None, name: str) -> Any:
    record = data.records.get(name) if data else None
    if record is None:
        return None
    return (
        record.municipality,
        sorted((p, replace(f, source="")) for p, f in record.figures.items()),
        [replace(s, source="") for s in record.snapshots],
        [replace(d, source="") for d in record.decisions],
    )
