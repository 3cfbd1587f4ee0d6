"""The lane for heavy work (bot.lane): at most `workers` jobs at once, the rest queued in order
with their place said at once, the same request joining the first, every result delivered once
per chat that asked, an error delivered as an error and the queue moving on."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from bot.lane import Lane, Ticket

TIMEOUT = 5.0


class Jobs:
    """Jobs that run until the test opens their gate, counting how many run at once."""

    def __init__(self) -> None:
        self.gates: dict[str, threading.Event] = {}
        self.started: list[str] = []
        self.running = self.most = 0
        self.lock = threading.Lock()
        self.delivered: list[tuple[Any, str, Any, str | None]] = []

    def job(self, name: str, fail: bool = False) -> Callable[[], str]:
        gate = self.gates.setdefault(name, threading.Event())

        def run() -> str:
            with self.lock:
                self.started.append(name)
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                if not gate.wait(TIMEOUT):
                    raise TimeoutError(name)
                if fail:
                    raise RuntimeError(f"{name} mislukt")
                return f"{name} klaar"
            finally:
                with self.lock:
                    self.running -= 1

        return run

    def to(self, chat: Any) -> Callable[[Any, BaseException | None], Any]:
        async def deliver(result: Any, error: BaseException | None) -> None:
            self.delivered.append((chat, result, None if error is None else str(error)))

        return deliver

    def release(self, *names: str) -> None:
        for name in names:
            self.gates.setdefault(name, threading.Event()).set()


async def until(predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(TIMEOUT):
        while not predicate():
            await asyncio.sleep(0.001)


@pytest.mark.parametrize(
    ("workers", "requests", "places"),
    [
        (1, ["a", "b", "c"], [0, 1, 2]),
        (2, ["a", "b", "c", "d", "e"], [0, 0, 1, 2, 3]),
        (3, ["a", "b"], [0, 0]),
    ],
)
async def test_a_request_beyond_the_pool_hears_its_place_at_once(
    workers: int, requests: list[str], places: list[int]
) -> None:
    jobs, lane = Jobs(), Lane(workers)
    tickets = [lane.submit(name, jobs.job(name), name, jobs.to(name)) for name in requests]
    assert tickets == [Ticket(p, joined=False) for p in places]
    assert lane.running == min(workers, len(requests)) and lane.queued == sum(
        p > 0 for p in places
    )
    jobs.release(*requests)
    await lane.idle()
    assert jobs.started == requests  # in the order asked
    assert jobs.most == min(workers, len(requests))  # never more at once than the pool
    assert sorted(jobs.delivered) == sorted((n, f"{n} klaar", None) for n in requests)
    lane.close()


@pytest.mark.parametrize(
    ("asks", "ticket", "deliveries"),
    [
        # the same request again from the same chat while it runs: one job, one result
        ([("brieven", "chat 1"), ("brieven", "chat 1")], Ticket(0, joined=True), ["chat 1"]),
        # from another chat (the person's private chat and a group): one job, a result in each
        (
            [("brieven", "chat 1"), ("brieven", "groep")],
            Ticket(0, joined=True),
            ["chat 1", "groep"],
        ),
        # while it waits behind other work: it keeps its place
        (
            [("ander", "x"), ("brieven", "chat 1"), ("brieven", "chat 1")],
            Ticket(1, joined=True),
            ["chat 1", "x"],
        ),
    ],
)
async def test_the_same_request_joins_the_first(
    asks: list[tuple[str, str]], ticket: Ticket, deliveries: list[str]
) -> None:
    jobs, lane = Jobs(), Lane(1)
    tickets = [lane.submit(key, jobs.job(key), chat, jobs.to(chat)) for key, chat in asks]
    assert tickets[-1] == ticket
    jobs.release(*{key for key, _chat in asks})
    await lane.idle()
    assert sorted(chat for chat, *_ in jobs.delivered) == deliveries
    assert len(jobs.started) == len({key for key, _chat in asks})  # joined: not run again
    lane.close()


@pytest.mark.parametrize(
    ("workers", "asks", "told", "now", "order"),
    [
        # one worker drafting letters: a chart asked later goes next, not behind the letters
        (
            1,
            [("a", "brieven"), ("b", "brieven"), ("c", "brieven"), ("g", "grafiek")],
            [0, 1, 2, 1],
            [0, 2, 3, 1],  # the letters waiting moved one place back
            ["a", "g", "b", "c"],
        ),
        # two workers, both on letters: the chart takes the first free one
        (
            2,
            [("a", "brieven"), ("b", "brieven"), ("c", "brieven"), ("g", "grafiek")],
            [0, 0, 1, 1],
            [0, 0, 2, 1],
            ["a", "b", "g", "c"],
        ),
        # kinds alternate already: the order asked
        (
            1,
            [("a", "brieven"), ("g", "grafiek"), ("e", "export")],
            [0, 1, 2],
            [0, 1, 2],
            ["a", "g", "e"],
        ),
    ],
)
async def test_a_free_worker_takes_the_kind_whose_turn_is_longest_ago(
    workers: int, asks: list[tuple[str, str]], told: list[int], now: list[int], order: list[str]
) -> None:
    jobs, lane = Jobs(), Lane(workers)
    tickets = [lane.submit(k, jobs.job(k), k, jobs.to(k), kind=kind) for k, kind in asks]
    assert [t.position for t in tickets] == told  # each at the moment it was asked
    assert [lane.position(k) for k, _kind in asks] == now
    for name in order:  # one at a time, in the order they started
        await until(lambda n=name: n in jobs.started)
        jobs.release(name)
        await until(lambda n=name: any(chat == n for chat, *_ in jobs.delivered))
    assert jobs.started == order
    lane.close()


async def test_a_failing_job_delivers_its_error_and_the_queue_moves_on() -> None:
    jobs, lane = Jobs(), Lane(1)
    lane.submit("kapot", jobs.job("kapot", fail=True), "chat 1", jobs.to("chat 1"))
    lane.submit("heel", jobs.job("heel"), "chat 2", jobs.to("chat 2"))
    jobs.release("kapot", "heel")
    await lane.idle()
    assert sorted(jobs.delivered) == [
        ("chat 1", None, "kapot mislukt"),
        ("chat 2", "heel klaar", None),
    ]
    lane.close()


async def test_a_finished_request_can_be_asked_again() -> None:
    """Joining is for a request still waiting or running; once delivered, asking again is a
    new job (the person wants it again, e.g. after a change in the sheet)."""
    jobs, lane = Jobs(), Lane(1)
    jobs.release("brieven")
    for _ in range(2):
        ticket = lane.submit("brieven", jobs.job("brieven"), "chat 1", jobs.to("chat 1"))
        assert ticket == Ticket(0, joined=False)
        await lane.idle()
    assert jobs.started == ["brieven", "brieven"] and len(jobs.delivered) == 2
    lane.close()


async def test_the_event_loop_never_waits_for_the_lane() -> None:
    """While every worker is busy, the loop runs on: other coroutines (replies) go ahead."""
    jobs, lane = Jobs(), Lane(2)
    for name in ("a", "b", "c"):
        lane.submit(name, jobs.job(name), name, jobs.to(name))
    await until(lambda: len(jobs.started) == 2)
    ticks = 0
    for _ in range(20):
        await asyncio.sleep(0)
        ticks += 1
    assert ticks == 20 and jobs.delivered == [] and lane.queued == 1
    jobs.release("a", "b", "c")
    await lane.idle()
    lane.close()


@pytest.mark.parametrize("workers", [0, -1])
def test_a_lane_needs_a_worker(workers: int) -> None:
    with pytest.raises(ValueError):
        Lane(workers)
