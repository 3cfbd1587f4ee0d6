"""A refresh steps aside while a reply is computed, and what a reply needs is ready before it."""

from __future__ import annotations

import threading
from datetime import date

import pytest

import engine.state
from bot.refresh import Heap, Refresher
from bot.services import Services
from bot.settings import Settings
from commands.router import handle
from sheets.runtime.cache import SheetCache, names
from sheets.runtime.courtesy import REPLIES, ReplyFirst, serving
from sheets.sources.local import default_source
from tests.fakes.clock import FakeTime

ADMIN = 4242


@pytest.fixture
def patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """One pause may last 30 s here: a refresh that steps aside stays aside until we let go."""
    monkeypatch.setattr(REPLIES, "max_wait", 30.0)


def courteous_cache() -> SheetCache:
    """The bundled workbook's cache as the bot wires it: the pause reaches the reader, the
    conversion and the preparation (bot.services)."""
    return Services.from_settings(Settings({}), load=False).cache


def _until_waiting(timeout: float) -> bool:
    """Until a background thread waits at `pause()` (which notifies the condition)."""
    with REPLIES._cond:
        return REPLIES._cond.wait_for(lambda: REPLIES.waiting > 0, timeout=timeout)


def test_a_refresh_waits_while_another_thread_computes_a_reply(patient: None) -> None:
    cache = courteous_cache()  # the real .xlsx read and conversion
    with serving():
        reading = threading.Thread(target=cache.refresh)
        reading.start()
        assert _until_waiting(timeout=10), "the refresh never paused"
        assert not cache.loaded  # it is waiting for this reply, not converting
    reading.join(10)
    assert not reading.is_alive() and cache.loaded


def test_a_refresh_a_reply_started_does_not_wait_for_that_reply(patient: None) -> None:
    """/ververs reads the sheet in its own reply's thread."""
    cache = courteous_cache()
    pauses = REPLIES.pauses

    def ververs() -> None:
        with serving():
            cache.refresh()

    reading = threading.Thread(target=ververs)
    reading.start()
    reading.join(10)
    assert not reading.is_alive() and cache.loaded
    assert REPLIES.pauses == pauses


@pytest.mark.parametrize(
    ("others", "expected_pauses"),
    [
        (0, 0),  # nobody is being answered: no pause at all
        (1, 3),  # a reply on another thread: each pause steps aside, for at most max_wait
        (2, 3),
    ],
)
def test_pauses_step_aside_only_for_others_and_never_for_ever(
    others: int, expected_pauses: int
) -> None:
    gate = ReplyFirst(max_wait=0.0)  # a steady stream of replies must not starve a refresh
    started, done = threading.Event(), threading.Event()

    def reply() -> None:
        with gate.serving():
            started.set()
            done.wait(10)

    threads = [threading.Thread(target=reply) for _ in range(others)]
    for t in threads:
        started.clear()
        t.start()
        started.wait(10)
    try:
        for _ in range(3):
            gate.pause()
        assert gate.pauses == expected_pauses and gate.waiting == 0
    finally:
        done.set()
        for t in threads:
            t.join(10)


def test_a_refreshed_dataset_comes_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rolled saldo and the name index are worked out before the data is served: the first
    /stand after a refresh computes neither (engine.state.opgaven would fail here)."""
    cache = SheetCache(default_source())
    data = cache.get()
    assert set(data.derived["opgaven"]) == set(data.records)
    assert names(data) is data.derived["names"]

    def not_again(record):
        raise AssertionError(f"opgaven of {record.name} computed by a reply")

    monkeypatch.setattr(engine.state, "opgaven", not_again)
    services = Services(cache=cache, admins=frozenset({ADMIN}), fixed_today=date(2022, 3, 21))
    reply = handle(services.ctx(ADMIN, "nl"), "/stand Den Haag")
    assert "'s-Gravenhage" in reply.text and "Taakstelling: 309" in reply.text
    assert services.names(data) is data.derived["names"]


class FakeGC:
    """The gc module's switches and counts, scripted: `counts` is what freezing leaves."""

    def __init__(self, counts: list[int], enabled: bool = True) -> None:
        self.counts, self.enabled = list(counts), enabled
        self.frozen = 0
        self.collections = 0

    def isenabled(self) -> bool:
        return self.enabled

    def disable(self) -> None:
        self.enabled = False

    def enable(self) -> None:
        self.enabled = True

    def freeze(self) -> None:
        if self.counts:
            self.frozen = self.counts.pop(0)

    def unfreeze(self) -> None:
        pass

    def collect(self) -> None:
        self.collections += 1
        self.counts.insert(0, self.frozen)  # the collection found nothing to free

    def get_freeze_count(self) -> int:
        return self.frozen


@pytest.mark.parametrize(
    ("frozen_after_each_refresh", "full_collections"),
    [
        ([160_000], 1),  # the first refresh: one full collection sets the baseline
        ([160_000, 160_000, 160_000], 1),  # steady: freezing alone from then on
        ([160_000, 250_000, 250_000, 250_000], 2),  # the old DataSet kept for /ververs's diff
        ([100_000, 140_000, 190_000, 240_000], 2),  # grew by half since the baseline: collect
        ([100_000, 151_000, 227_000, 341_000], 4),  # a cycle keeps every old DataSet: each time
    ],
)
def test_the_heap_collects_only_when_frozen_objects_keep_growing(
    frozen_after_each_refresh: list[int], full_collections: int
) -> None:
    fake = FakeGC(frozen_after_each_refresh)
    heap = Heap(fake)
    for _ in frozen_after_each_refresh:
        heap.settle()
    assert fake.collections == heap.full_collections == full_collections


@pytest.mark.parametrize("enabled", [True, False])
def test_no_automatic_collection_while_converting(enabled: bool) -> None:
    fake = FakeGC([], enabled=enabled)
    with Heap(fake).converting():
        assert not fake.enabled
    assert fake.enabled is enabled  # as it was before: a test that turned it off keeps it off


class SpyHeap(Heap):
    def __init__(self) -> None:
        super().__init__(FakeGC([1]))
        self.settled = 0

    def settle(self) -> None:
        self.settled += 1


async def test_the_job_settles_the_heap_after_its_own_read_and_after_ververs() -> None:
    clock = FakeTime()
    cache = SheetCache(default_source(), ttl=300, min_interval=0, clock=clock)
    refresher = Refresher(cache)
    assert cache.converting == refresher.heap.converting  # every read of this cache, /ververs too
    refresher.heap = spy = SpyHeap()
    assert (await refresher.run()).ok and spy.settled == 1
    assert await refresher.run() is None and spy.settled == 1  # nothing read: nothing to settle
    cache.request_refresh()  # /ververs, in a reply's thread
    assert await refresher.run() is None and spy.settled == 2


class _RecordingCondition:
    """A Condition that returns at once and records each wait's timeout."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self.timeouts: list[float] = []

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)

    def notify_all(self) -> None:
        pass

    def wait_for(self, predicate, timeout):
        self.timeouts.append(timeout)
        return False


@pytest.mark.parametrize(
    ("worked", "expected"),
    [
        (None, 0.5),  # the first pause of a loop: a full turn for the reply
        (2.0, 0.5),  # worked long since the last wait: capped at MAX_WAIT
        (0.01, 0.01),  # a steady stream of replies: never wait longer than it worked
    ],
)
def test_a_loop_waits_no_longer_than_it_worked(worked, expected) -> None:
    from sheets.runtime.courtesy import ReplyFirst

    now = [100.0]
    gate = ReplyFirst(clock=lambda: now[0])
    gate._cond = cond = _RecordingCondition()
    gate._serving = 1  # a reply in another thread
    if worked is not None:
        gate._mine.resumed = now[0] - worked
    gate.pause()
    assert cond.timeouts == [pytest.approx(expected)]
