"""A broadcast claims, marks and settles its ledger rows in batches (issue 26 §2): one ledger
call per batch of at most `batch` chats, in deadline order; a chat's rows are marked before its
first request and never sent when the claim or the mark is refused; outcomes are written in
batches and every one by the end."""

from __future__ import annotations

import asyncio

import pytest

from bot.broadcast import Broadcaster, Outgoing
from bot.pacing import Pacer
from bot.settling import Settlements
from bot.store import Key
from tests.fakes.clock import FakeTime


def key(chat: int) -> Key:
    return Key("manual:toets", "Zuid-Holland", "2024-07-01#1", chat)


class Ledger:
    """Batch hooks that log every call (and the sends between them) and refuse some chats."""

    def __init__(self, refuse_claim: set[int], refuse_mark: set[int]) -> None:
        self.refuse_claim, self.refuse_mark = refuse_claim, refuse_mark
        self.log: list[tuple[str, list[int]]] = []

    async def claim(self, items: list[Outgoing]) -> list[bool]:
        self.log.append(("claim", [i.chat_id for i in items]))
        return [i.chat_id not in self.refuse_claim for i in items]

    def mark(self, items: list[Outgoing]) -> list[bool]:  # a plain function works too
        self.log.append(("mark", [i.chat_id for i in items]))
        return [i.chat_id not in self.refuse_mark for i in items]

    async def send(self, chat: int, text: str) -> None:
        self.log.append(("send", [chat]))

    def chats(self, what: str) -> list[int]:
        return [c for w, chats in self.log if w == what for c in chats]


@pytest.mark.parametrize(
    ("chats", "batch", "refuse_claim", "refuse_mark"),
    [
        (20, 8, set(), set()),
        (20, 8, {1003, 1011}, {1005}),  # another process holds 1003 and 1011; 1005 taken over
        (5, 1, set(), {1002}),  # batch 1: a call per chat, as before
        (30, 64, set(), set()),  # never more than the broadcaster's workers
    ],
)
async def test_rows_are_claimed_and_marked_in_batches_before_their_request(
    chats: int, batch: int, refuse_claim: set[int], refuse_mark: set[int]
) -> None:
    vt = FakeTime(0.0)
    ledger = Ledger(refuse_claim, refuse_mark)
    broadcaster = Broadcaster(ledger.send, Pacer(clock=vt.clock, sleep=vt.sleep), batch=batch)
    items = [Outgoing(1000 + i, ["t"], (key(1000 + i),)) for i in range(chats)]
    outcomes: list[tuple[int, str]] = []
    summary = await broadcaster.run(
        items,
        lambda i, status, _e: outcomes.append((i.chat_id, status)),
        ledger.claim,
        ledger.mark,
    )
    every = [1000 + i for i in range(chats)]
    wanted = [c for c in every if c not in refuse_claim | refuse_mark]
    assert ledger.chats("claim") == every  # each once, in deadline order
    assert ledger.chats("mark") == [c for c in every if c not in refuse_claim]
    assert sorted(ledger.chats("send")) == wanted and sorted(summary.sent) == wanted
    assert summary.skipped == len(refuse_claim | refuse_mark)
    assert sorted(c for c, _status in outcomes) == wanted  # refused chats: nothing to settle
    calls = [chats for what, chats in ledger.log if what in ("claim", "mark")]
    assert max(map(len, calls)) <= min(batch, broadcaster.workers)
    assert len(calls) <= 2 * -(-chats // min(batch, broadcaster.workers)) + len(refuse_claim)
    for chat in wanted:  # in flight before its request went out
        marked = next(n for n, (w, c) in enumerate(ledger.log) if w == "mark" and chat in c)
        assert marked < ledger.log.index(("send", [chat]))


@pytest.mark.parametrize(("outcomes", "size", "written"), [(7, 3, [3, 3, 1]), (2, 8, [2])])
async def test_outcomes_are_written_in_batches_and_all_by_the_end(
    outcomes: int, size: int, written: list[int]
) -> None:
    batches: list[list[int]] = []
    settled = Settlements(lambda b: batches.append([i.chat_id for i, _s, _e in b]), size)
    for chat in range(outcomes):
        settled.add(Outgoing(chat, ["t"]), "sent", None)
        await asyncio.sleep(0)  # a full batch is written in the background meanwhile
    await settled.flush()
    assert [len(b) for b in batches] == written
    assert [c for b in batches for c in b] == list(range(outcomes))
