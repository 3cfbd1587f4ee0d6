"""The cache keeps serving the last good data when the sheet cannot be read, and says so."""

from __future__ import annotations

import copy
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest

from sheets.runtime.cache import Changes, SheetCache

RAW: dict[str, list[list[Any]]] = {
    "gemeenten": [
        ["gemeente", "provincie", "regio"],
        ["Delft", "Zuid-Holland", "Haaglanden"],
        ["Leusden", "Utrecht", "Regio Amersfoort"],
    ],
    "realisatie": [
        ["gemeente", "peildatum", "gehuisvest"],
        ["Delft", "21-3-2022", 48],
        ["Leusden", "1-7-2022", 13],
    ],
}


class FakeSource:
    """A sheet that answers with `raw`, or raises `error` while it is set."""

    def __init__(self) -> None:
        self.raw = copy.deepcopy(RAW)
        self.error: Exception | None = None
        self.fetches = 0
        self.gate: threading.Event | None = None  # fetch waits for it (a slow sheet)
        self.entered = threading.Event()  # set when a fetch has started

    def describe(self) -> str:
        return "nep-sheet"

    def fetch(self) -> dict[str, list[list[Any]]]:
        self.fetches += 1
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        if self.error is not None:
            raise self.error
        return copy.deepcopy(self.raw)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


START = datetime(2022, 3, 21, 9, 0)


def make(source: FakeSource, clock: Clock, **kwargs: Any) -> SheetCache:
    wall = lambda: START + timedelta(seconds=clock.now - 1000)  # noqa: E731
    return SheetCache(source, ttl=300, retry=30, clock=clock, wall=wall, **kwargs)


def test_first_get_loads_and_later_gets_never_wait_for_the_source() -> None:
    source, clock = FakeSource(), Clock()
    cache = make(source, clock)
    assert cache.current() is None and cache.due()
    data = cache.get()
    assert (source.fetches, data.loaded_at, data.source, cache.age_seconds) == (
        1,
        START,
        "nep-sheet",
        0,
    )
    clock.now += 299
    assert not cache.due() and cache.refresh_if_due() is None
    clock.now += 1
    assert cache.get() is data and cache.current() is data and source.fetches == 1
    assert cache.due() and cache.age_seconds == 300  # the job refreshes, not the reader
    result = cache.refresh_if_due()
    assert result is not None and result.ok and source.fetches == 2
    fresh = cache.get()
    assert fresh is result.dataset is not data and cache.age_seconds == 0
    assert fresh.loaded_at == START + timedelta(seconds=300)


@pytest.mark.parametrize(
    "error", [OSError("netwerk weg"), RuntimeError("quotum op"), ValueError()]
)
def test_failed_refresh_keeps_serving_the_last_good_data(error: Exception) -> None:
    source, clock = FakeSource(), Clock()
    cache = make(source, clock)
    good = cache.get()
    source.error = error
    clock.now += 400
    result = cache.refresh_if_due()
    assert result is not None and not result.ok and cache.get() is good  # served stale
    assert cache.stale and cache.last_error == (str(error) or type(error).__name__)
    assert cache.age_seconds == 400
    clock.now += 10
    assert cache.refresh_if_due() is None and source.fetches == 2  # no new try within `retry`
    clock.now += 20
    assert cache.refresh_if_due() is not None and source.fetches == 3
    assert cache.get() is good and cache.age_seconds == 430
    result = cache.refresh()  # an explicit refresh always tries
    assert (result.ok, result.dataset, result.exception) == (False, good, error)
    assert result.error == cache.last_error and not result.changed
    source.error = None
    result = cache.refresh()
    assert result.ok and result.dataset is cache.get() and result.dataset is not good
    assert (cache.stale, cache.last_error, cache.age_seconds) == (False, None, 0)


def test_first_load_failure_raises_and_the_next_get_tries_again() -> None:
    source, clock = FakeSource(), Clock()
    source.error = OSError("bestand kwijt")
    cache = make(source, clock)
    with pytest.raises(OSError, match="bestand kwijt"):
        cache.get()
    assert cache.age_seconds is None and not cache.stale
    source.error = None
    assert cache.get().records and source.fetches == 2


def test_a_loader_bug_is_a_failed_refresh_too() -> None:
    source, clock = FakeSource(), Clock()
    calls = []

    def loader(raw: Any, name: str) -> Any:
        calls.append(name)
        if len(calls) > 1:
            raise KeyError("kapot")
        from sheets.loading.convert import load

        return load(raw, name)

    cache = make(source, clock, loader=loader)
    good = cache.get()
    result = cache.refresh()
    assert not result.ok and result.dataset is good and cache.stale


def test_partly_bad_data_is_a_good_refresh_with_problems() -> None:
    source, clock = FakeSource(), Clock()
    cache = make(source, clock)
    cache.get()
    source.raw["realisatie"][1][2] = "twaalf"
    result = cache.refresh()
    assert result.ok and not cache.stale
    assert [str(p) for p in result.dataset.problems] == [
        "taakstelling: tabblad taakstelling ontbreekt (gevonden: gemeenten, realisatie)",
        'realisatie!C2: "twaalf" is geen getal',
        "ladder: tabblad ladder ontbreekt (gevonden: gemeenten, realisatie)",
    ]
    assert "Delft" not in {
        s.gemeente for r in result.dataset.records.values() for s in r.snapshots
    }


def test_changes_are_summarised() -> None:
    source, clock = FakeSource(), Clock()
    cache = make(source, clock)
    cache.get()
    assert not cache.refresh().changed  # nothing changed
    assert str(cache.refresh().changed) == "geen wijzigingen"
    source.raw["realisatie"].append(["Leusden", "10-10-2022", 29])
    source.raw["realisatie"][1][2] = 50  # Delft's figure moves
    source.raw["gemeenten"].insert(1, [])  # a blank row shifts cells: not a change
    changed = cache.refresh().changed
    assert changed == Changes({"realisatie": 2}, {"realisatie": 1}, ("Delft", "Leusden"))
    assert str(changed) == "realisatie +2 −1 regels; cijfers gewijzigd: Delft, Leusden"


def test_concurrent_first_loads_share_one_fetch() -> None:
    source, clock = FakeSource(), Clock()
    source.gate = threading.Event()
    cache = make(source, clock)
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get())) for _ in range(8)]
    for t in threads:
        t.start()
    assert source.entered.wait(5)
    source.gate.set()
    for t in threads:
        t.join()
    assert source.fetches == 1 and len({id(r) for r in results}) == 1


def test_readers_get_the_old_data_while_a_refresh_runs() -> None:
    source, clock = FakeSource(), Clock()
    cache = make(source, clock)
    old = cache.get()
    source.gate, source.entered = threading.Event(), threading.Event()
    worker = threading.Thread(target=cache.refresh)
    worker.start()
    assert source.entered.wait(5) and cache.refreshing
    assert cache.get() is old and cache.current() is old  # no lock, no wait
    source.gate.set()
    worker.join()
    assert cache.get() is not old and not cache.refreshing


def test_ververs_joins_a_running_refresh_and_is_throttled() -> None:
    source, clock = FakeSource(), Clock()
    cache = make(source, clock, min_interval=30)
    cache.get()
    source.gate, source.entered = threading.Event(), threading.Event()
    results: list[Any] = []
    first = threading.Thread(target=lambda: results.append(cache.refresh()))
    first.start()
    assert source.entered.wait(5)
    joined = threading.Thread(target=lambda: results.append(cache.request_refresh()))
    joined.start()
    source.gate.set()
    first.join()
    joined.join()
    assert source.fetches == 2 and results[0] is results[1]  # one read for both
    clock.now += 29
    throttled = cache.request_refresh()
    assert throttled.ok and throttled.throttled == pytest.approx(1) and source.fetches == 2
    clock.now += 1
    assert cache.request_refresh().throttled is None and source.fetches == 3


def test_the_change_summary_is_computed_only_when_asked(monkeypatch) -> None:
    from sheets.runtime import cache as module

    calls: list[int] = []
    real = module.diff
    monkeypatch.setattr(module, "diff", lambda old, new: calls.append(1) or real(old, new))
    source, clock = FakeSource(), Clock()
    cache = make(source, clock)
    cache.get()
    source.raw["realisatie"][1][2] = 50
    result = cache.refresh()
    assert calls == []  # the background job never looks at it
    assert result.changed.gemeenten == ("Delft",) and calls == [1]
    assert result.changed.gemeenten == ("Delft",) and calls == [1]  # computed once


def test_no_raw_workbook_is_kept() -> None:
    cache = make(FakeSource(), Clock())
    cache.get()
    kept = [v for v in vars(cache).values() if isinstance(v, dict)]
    assert not any("realisatie" in v for v in kept)  # only the DataSet, not the raw rows


def test_the_background_refresh_keeps_no_second_dataset() -> None:
    """Only /ververs shows what changed; a job's refresh lets the old DataSet go at once (13 MB
    at country size). A /ververs that joined such a refresh says it read, not "nothing changed"."""
    import gc

    from commands.admin import ververs
    from commands.context import Ctx

    source, clock = FakeSource(), Clock()
    cache = make(source, clock)
    old = cache.get()
    clock.now += 300
    source.raw["realisatie"][1][2] = 50
    result = cache.refresh_if_due()  # the job
    assert result.ok and not any(r is old for r in gc.get_referents(result))
    assert result.changed is None  # unknown, not "nothing"
    reply = ververs(Ctx(cache.current(), START.date(), 7, None, "nl", refresh=lambda: result), "")
    assert reply.text == "De sheet is opnieuw gelezen."
    own = cache.request_refresh()  # /ververs's own read still says what changed
    assert own.changed is not None and not own.changed
