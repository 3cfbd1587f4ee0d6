"""The cache keeps serving the last good data when the sheet cannot be read, and says so."""

from __future__ import annotations

import copy
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from sheets.cache import Changes, SheetCache

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
        self.delay = 0.0

    def describe(self) -> str:
        return "nep-sheet"

    def fetch(self) -> dict[str, list[list[Any]]]:
        self.fetches += 1
        time.sleep(self.delay)
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


def test_first_get_loads_and_later_gets_reuse_until_the_ttl() -> None:
    source, clock = FakeSource(), Clock()
    cache = make(source, clock)
    data = cache.get()
    assert (source.fetches, data.loaded_at, data.source, cache.age_seconds) == (
        1,
        START,
        "nep-sheet",
        0,
    )
    clock.now += 299
    assert cache.get() is data and source.fetches == 1
    assert cache.age_seconds == 299
    clock.now += 1
    fresh = cache.get()
    assert fresh is not data and source.fetches == 2 and cache.age_seconds == 0
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
    assert cache.get() is good  # served stale instead of failing
    assert cache.stale and cache.last_error == (str(error) or type(error).__name__)
    assert cache.age_seconds == 400
    clock.now += 10
    assert cache.get() is good and source.fetches == 2  # no new attempt within `retry`
    clock.now += 20
    assert cache.get() is good and source.fetches == 3 and cache.age_seconds == 430
    result = cache.refresh()  # an explicit refresh always tries
    assert (result.ok, result.dataset, result.exception) == (False, good, error)
    assert result.error == cache.last_error
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
        from sheets.convert import load

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
        "taakstelling: tabblad taakstelling ontbreekt",
        'realisatie!C2: "twaalf" is geen getal',
        "ladder: tabblad ladder ontbreekt",
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


def test_concurrent_callers_share_one_fetch() -> None:
    source, clock = FakeSource(), Clock()
    source.delay = 0.05
    cache = make(source, clock)
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert source.fetches == 1 and len({id(r) for r in results}) == 1
