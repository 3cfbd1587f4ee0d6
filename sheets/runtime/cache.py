"""Serve the last good DataSet at once; refresh it from the source in the background.

Readers never wait: `current()` and `get()` hand out the DataSet in hand without taking a lock
(swapping one reference is atomic). A refresh, started by the bot's refresh job or by /ververs,
reads and converts the sheet in a worker thread and then swaps the reference. A sheet that cannot
be read (quota, network, a file being saved) must not silence the bot: we keep serving the last
good data, say it is stale and how old, and try again after a short pause.

Only domain data is kept, never the raw workbook beside it; what a refresh changed is worked out
from the old and new DataSet, and only when someone looks (`RefreshResult.changed`).
"""

from __future__ import annotations

import contextlib
import functools
import operator
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any, Protocol

from engine.state import DataSet
from sheets.loading import convert
from sheets.loading.damage import Damage, structural_damage
from sheets.names.index import DERIVED, NameIndex

RawWorkbook = dict[str, list[list[Any]]]


class Source(Protocol):
    def fetch(self) -> RawWorkbook: ...

    def describe(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Changes:
    """What a refresh changed: facts per tab, and municipalities whose figures moved."""

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


UNKEPT: Any = object()  # RefreshResult(previous=UNKEPT): the old DataSet was let go


class RefreshResult:
    """How a refresh ended; `changed` is computed on first use (only /ververs shows it)."""

    __slots__ = ("_changed", "_previous", "dataset", "error", "exception", "ok", "throttled")

    def __init__(
        self,
        ok: bool,
        dataset: DataSet | None,  # the data now served (the old one when the refresh failed)
        error: str | None = None,  # Dutch message, safe to show
        *,
        previous: Any = None,  # the DataSet before, or UNKEPT
        exception: BaseException | None = None,
        throttled: float | None = None,  # seconds until /ververs may read the sheet again
    ) -> None:
        self.ok, self.dataset, self.error = ok, dataset, error
        self.exception, self.throttled = exception, throttled
        self._previous = previous
        self._changed: Changes | None = None

    @property
    def changed(self) -> Changes | None:
        """What the refresh changed; None when nobody kept the old data to compare (a refresh
        by the background job, which lets the old DataSet go at once)."""
        if self._changed is None:
            if self.ok and self._previous is UNKEPT:
                return None
            if not self.ok or self._previous is None or self.dataset is None:
                self._changed = Changes()
            else:
                self._changed = diff(self._previous, self.dataset)
            self._previous = None  # the old DataSet may go now
        return self._changed

    def __repr__(self) -> str:
        return f"RefreshResult(ok={self.ok}, error={self.error!r}, throttled={self.throttled})"


class SheetCache:
    """The DataSet being served, and the one refresh at a time that replaces it."""

    def __init__(
        self,
        source: Source,
        *,
        ttl: float = 300.0,
        retry: float = 30.0,
        min_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = datetime.now,
        loader: Callable[[RawWorkbook, str], DataSet] = convert.load,
        pause: Callable[[], None] = lambda: None,
    ) -> None:
        """`pause` is called between steps of preparing a DataSet, so a reply goes first (the
        bot passes sheets.runtime.courtesy's; the loader and the source take it too)."""
        self.source, self.ttl, self.retry = source, ttl, retry
        self.min_interval = min_interval  # /ververs reads the sheet at most this often
        self._clock, self._wall, self._loader, self.pause = clock, wall, loader, pause
        self._refresh_lock = threading.Lock()  # one refresh at a time; readers never take it
        self._data: DataSet | None = None
        self._loaded: float | None = None  # clock() of the last good load
        self._attempted: float | None = None  # clock() at the end of the last refresh
        self._next_try = 0.0  # after a failure: no new scheduled attempt before this clock()
        self._generation = 0  # refreshes finished, good or bad
        self._last: RefreshResult | None = None
        self.stale = False
        self.last_error: str | None = None
        self.damage: Damage | None = None  # why the last read was refused (sheets.loading.damage)
        self._version: str | None = None  # the source's content tag of the data served
        # Around each conversion; the bot's refresh job keeps the cyclic GC out (bot.refresh).
        self.converting: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext

    @property
    def age_seconds(self) -> float | None:
        """Seconds since the data served was read from the source."""
        return None if self._loaded is None else self._clock() - self._loaded

    @property
    def loaded(self) -> bool:
        return self._data is not None

    @property
    def generation(self) -> int:
        """How many refreshes have finished, good or bad."""
        return self._generation

    @property
    def refreshing(self) -> bool:
        return self._refresh_lock.locked()

    def close(self) -> None:
        """Release the source's connections (a Google source's HTTP session) at shutdown."""
        if (close := getattr(self.source, "close", None)) is not None:
            close()

    def current(self) -> DataSet | None:
        """The DataSet served now, or None before the first good load. Never blocks."""
        return self._data

    def get(self) -> DataSet:
        """The DataSet served now; before the first good load, load it (raises on failure).

        Only the first call can block (command-line tools, the start-up catch-up); the bot's
        commands use `current()` and say "gegevens worden geladen" instead of waiting.
        """
        data = self._data
        if data is not None:
            return data
        result = self.refresh(only_if_unloaded=True)
        if result.dataset is None:
            raise result.exception or RuntimeError(result.error)
        return result.dataset

    def due(self) -> bool:
        """True when the data is older than the TTL (or absent) and no back-off holds."""
        now = self._clock()
        if now < self._next_try:
            return False
        return self._loaded is None or now - self._loaded >= self.ttl

    def refresh_if_due(self) -> RefreshResult | None:
        """The background job's tick: refresh when due, else do nothing. Nobody asks the job
        what changed, so the old DataSet is not kept for it (13 MB at country size)."""
        return self.refresh(keep_previous=False) if self.due() else None

    def request_refresh(self) -> RefreshResult:
        """/ververs: refresh now, unless the sheet was read less than `min_interval` ago.

        A refresh already running is joined, not repeated. Throttled, the last result comes
        back with `throttled` set to the seconds left.
        """
        last, attempted = self._last, self._attempted
        if last is not None and attempted is not None and not self.refreshing:
            wait = attempted + self.min_interval - self._clock()
            if wait > 0:
                return RefreshResult(
                    last.ok, self._data, last.error, exception=last.exception, throttled=wait
                )
        return self.refresh()

    def refresh(
        self, *, only_if_unloaded: bool = False, keep_previous: bool = True, join: bool = True
    ) -> RefreshResult:
        """Read the source now (or join the refresh already running); never raises.

        On failure the last good data stays served and is marked stale. With `join` False
        the read starts after this call, never one that began before (the round's confirm).
        """
        generation = self._generation
        with self._refresh_lock:
            if join and self._generation != generation and self._last is not None:
                return self._last  # someone refreshed while we waited: that is our answer
            if only_if_unloaded and self._data is not None:
                return RefreshResult(True, self._data)
            result = self._refresh(keep_previous)
            self._last, self._attempted = result, self._clock()
            self._generation += 1
            return result

    def _refresh(self, keep_previous: bool = True) -> RefreshResult:
        previous = self._data
        try:
            # A source that can say cheaply whether its content changed (Microsoft 365's cTag,
            # one request) is not read again while the data served came from that content.
            version = getattr(self.source, "version", None)
            tag = version() if version is not None else None
            if tag and tag == self._version and previous is not None and self.damage is None:
                self._loaded, self.stale, self.last_error = self._clock(), False, None
                self._next_try = 0.0
                return RefreshResult(
                    True, previous, previous=previous if keep_previous else UNKEPT
                )
            raw = self.source.fetch()
            with self.converting():
                data = self._loader(raw, self.source.describe())
                del raw  # the raw workbook goes before the DataSet is served
                # Structural damage (issue 10, sheets.loading.damage): a read that lost a tab, a key
                # column or a fact never replaces good data, so it is not prepared either.
                if (damage := structural_damage(previous, data)) is None:
                    prepare(data, self.pause)
        except Exception as exc:  # SourceError, OSError, or a loader bug: keep serving
            self.stale = previous is not None
            self.last_error = str(exc) or type(exc).__name__
            self._next_try = self._clock() + self.retry
            return RefreshResult(False, previous, self.last_error, exception=exc)
        data.loaded_at = self._wall()
        if damage is not None:  # the old data stays served, stale, until a repaired read
            self.stale, self.last_error, self.damage = True, damage.message, damage
            self._next_try = self._clock() + self.retry
            return RefreshResult(False, previous, damage.message)
        self.damage, self._version = None, tag
        self._data = data  # one reference swap: readers see the old or the new DataSet
        self._loaded, self.stale, self.last_error = self._clock(), False, None
        self._next_try = 0.0
        return RefreshResult(True, data, previous=previous if keep_previous else UNKEPT)


def prepare(data: DataSet, pause: Callable[[], None] = lambda: None) -> None:
    """Before a DataSet is served: the rolled saldo, snapshot indexes and the name index, so no
    reply pays for them (the first /controle after a refresh took 104 ms instead of 40)."""
    data.prepare(pause)
    pause()
    NameIndex.of(data)  # kept from the read when the read's own index is the whole one


def names(data: DataSet) -> NameIndex:
    """The DataSet's name index: prepared with it, or built now (a DataSet made in a test)."""
    return NameIndex.of(data)


NAMES = DERIVED


# -- what changed -------------------------------------------------------------------------------


def diff(old: DataSet | None, new: DataSet) -> Changes:
    """Facts added and removed per tab (multisets, cell refs ignored, so inserted rows that shift
    the others are no change), and municipalities whose recorded figures differ."""
    before, old_prints = _facts(old) if old is not None else ({}, {})
    after, new_prints = _facts(new)
    added: dict[str, int] = {}
    removed: dict[str, int] = {}
    for tab in TABS:
        was, now = before.get(tab, Counter()), after[tab]
        if n := sum((now - was).values()):
            added[tab] = n
        if n := sum((was - now).values()):
            removed[tab] = n
    names = set(new_prints) | set(old_prints)
    changed = tuple(sorted(n for n in names if old_prints.get(n) != new_prints.get(n)))
    return Changes(added, removed, changed)


TABS = ("gemeenten", "taakstelling", "realisatie", "ladder", "beleid", "deadlines", "gebruikers")


def _facts(data: DataSet) -> tuple[dict[str, Counter[Any]], dict[str, Any]]:
    """Every fact as a multiset per tab, and one fingerprint per municipality, in one pass."""
    tabs: dict[str, Counter[Any]] = {tab: Counter() for tab in TABS}
    prints: dict[str, Any] = {}
    for name, record in data.records.items():
        gemeente = _key(record.municipality)
        figures = Counter((p, _key(f)) for p, f in record.figures.items())
        snapshots = Counter(_key(s) for s in record.snapshots)
        decisions = Counter(_key(d) for d in record.decisions)
        tabs["gemeenten"][gemeente] += 1
        tabs["taakstelling"].update(k for _, k in figures.elements())
        tabs["realisatie"].update(snapshots)
        tabs["ladder"].update(decisions)
        prints[name] = (gemeente, figures, snapshots, decisions)
    tabs["beleid"].update(_key(x) for x in data.policies)
    tabs["deadlines"].update(_key(x) for x in data.deadlines)
    tabs["gebruikers"].update(_key(x) for x in data.users)
    return tabs, prints


@functools.cache
def _getter(kind: type) -> Callable[[Any], Any]:
    """Read every field of a fact type except its cell reference, as one tuple."""
    names = [f.name for f in fields(kind) if f.name != "source"] if is_dataclass(kind) else []
    return operator.attrgetter(*names) if len(names) > 1 else (lambda fact: fact)


def _key(fact: Any) -> Any:
    """A comparable, hashable form of one fact without its cell reference."""
    key = (type(fact).__name__, _getter(type(fact))(fact))
    try:
        hash(key)
    except TypeError:  # a fact holding a dict (beleid overrides): compare its text
        return repr(key)
    return key
