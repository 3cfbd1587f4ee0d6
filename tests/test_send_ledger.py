"""The send ledger (bot.store.ledger): each send claimed once, marked in flight, settled from
its answer; a dead process's rows taken over (unsent: sent; in flight: uncertain)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.lease import Process
from bot.store import BLOCKED, FAILED, PENDING, SENDING, SENT, UNCERTAIN, Key, Store
from tests.fakes.clock import FakeTime

# `store` and `clock`: tests/conftest.py


KEY = Key("auto:checkpoint:7", "regio:Haaglanden", "2024-04-01", 42)


def test_a_key_is_claimed_once_and_settled(store: Store) -> None:
    assert not store.ledger.is_settled(KEY)
    assert store.ledger.claim([KEY]) is True
    assert store.ledger.is_settled(KEY)  # busy: another tick must not compose it again
    assert store.ledger.claim([KEY]) is False
    store.ledger.settle([KEY], SENT)
    assert store.ledger.claim([KEY]) is False and store.ledger.is_settled(KEY)
    assert store.ledger.rows() == [(KEY, SENT, 1)]


ELSEWHERE = Process("andere-machine/boot", 4321, "")  # only its heartbeat says it lives


@pytest.mark.parametrize(
    ("runs", "after", "taken"),
    [
        (False, 0, True),  # this machine, its process is gone: at once
        (True, 10 * 86400, False),  # this machine, it runs: never, however long
        (None, 89, False),  # another machine: its lease holds for 90 s after a heartbeat
        (None, 91, True),
    ],
)
def test_a_dead_process_claim_is_taken_over_and_a_live_ones_never(
    tmp_path: Path, clock: FakeTime, runs: bool | None, after: float, taken: bool
) -> None:
    path = tmp_path / "taakbot.sqlite"
    mine = Store(path, clock=clock, runs=lambda p: runs if p == ELSEWHERE else True)
    other = Store(path, clock=clock, process=ELSEWHERE)
    assert other.ledger.claim([KEY])
    clock.now += after
    assert mine.ledger.heartbeat() == ((1, 0) if taken else (0, 0))
    assert mine.ledger.is_settled(KEY) is not taken
    assert mine.ledger.claim([KEY]) is taken  # never sent: sent by whoever takes it over
    assert mine.ledger.rows() == [(KEY, PENDING, 2 if taken else 1)]
    assert other.ledger.mark([KEY]) is not taken  # the old claim cannot go out any more


def test_a_row_in_flight_of_a_dead_process_is_uncertain_never_resent(
    tmp_path: Path, clock: FakeTime
) -> None:
    path = tmp_path / "taakbot.sqlite"
    other = Store(path, clock=clock, process=ELSEWHERE)
    assert other.ledger.claim([KEY]) and other.ledger.mark([KEY])  # the request may have left
    mine = Store(path, clock=clock, runs=lambda p: p != ELSEWHERE)
    assert mine.ledger.rows() == [(KEY, UNCERTAIN, 1)]  # taken over when `mine` started
    assert mine.ledger.claim([KEY]) is False and mine.ledger.is_settled(KEY)
    assert mine.ledger.release_uncertain(KEY.kind) == 1  # a person's resend
    assert mine.ledger.claim([KEY]) is True


def test_closing_releases_the_claims(tmp_path: Path, clock: FakeTime) -> None:
    path = tmp_path / "taakbot.sqlite"
    first = Store(path, clock=clock)
    in_flight = KEY._replace(chat_id=7)
    assert (
        first.ledger.claim([KEY])
        and first.ledger.claim([in_flight])
        and first.ledger.mark([in_flight])
    )
    first.close()
    second = Store(path, clock=clock)
    assert second.ledger.rows() == [(KEY, PENDING, 1), (in_flight, UNCERTAIN, 1)]
    assert second.ledger.claim([KEY]) and not second.ledger.claim([in_flight])
    second.close()


def test_failed_rows_are_retried_up_to_max_attempts(store: Store) -> None:
    for attempt in (1, 2, 3):
        assert store.ledger.claim([KEY]) is True, attempt
        store.ledger.settle([KEY], FAILED, "Timed out")
    assert store.ledger.claim([KEY]) is False and store.ledger.is_settled(KEY)
    assert store.ledger.rows() == [(KEY, FAILED, 3)]


def test_blocked_is_final(store: Store) -> None:
    assert store.ledger.claim([KEY])
    store.ledger.settle([KEY], BLOCKED, "Forbidden")
    assert store.ledger.claim([KEY]) is False


def test_claim_is_all_or_nothing(store: Store) -> None:
    other = KEY._replace(scope="gemeente:Delft")
    assert store.ledger.claim([KEY])
    assert store.ledger.claim([other, KEY]) is False
    assert [k for k, _, _ in store.ledger.rows()] == [KEY]  # `other` was rolled back
    assert store.ledger.claim([other]) is True


def test_two_processes_on_one_file_claim_each_key_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    stores = [Store(path), Store(path)]
    keys = [KEY._replace(chat_id=n) for n in range(40)]
    wins: list[Key] = []
    lock = threading.Lock()

    def race(store: Store) -> None:
        for key in keys:
            if store.ledger.claim([key]):
                with lock:
                    wins.append(key)

    threads = [threading.Thread(target=race, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == sorted(keys)  # every key exactly once across both processes
    for s in stores:
        s.close()


def test_a_batch_marks_each_send_on_its_own(store: Store, tmp_path: Path, clock: FakeTime) -> None:
    """A broadcast marks its next sends in one transaction: a send whose row is not (or no
    longer) this process's claim is not marked, and does not stop the others."""
    ours, theirs, settled = (KEY._replace(chat_id=n) for n in (1, 2, 3))
    other = Store(tmp_path / "taakbot.sqlite", clock=clock, process=ELSEWHERE)
    assert store.ledger.claim([ours]) and other.ledger.claim([theirs])
    assert store.ledger.claim([settled])
    store.ledger.settle([settled], SENT)
    pair = [ours, KEY._replace(chat_id=4)]  # one message, two rows: the second never claimed
    assert store.ledger.mark_batch([[ours], [theirs], [settled], pair]) == [
        True,
        False,
        False,
        False,
    ]
    assert store.ledger.rows() == [
        (ours, SENDING, 1),
        (theirs, PENDING, 1),
        (settled, SENT, 1),
    ]
    other.close()


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([SENT, SENT, SENT], [SENT, SENT, SENT]),
        ([SENT, FAILED, BLOCKED], [SENT, FAILED, BLOCKED]),
        ([UNCERTAIN, SENT, FAILED], [UNCERTAIN, SENT, FAILED]),
    ],
)
def test_a_batch_settles_every_send_from_its_answer(
    store: Store, outcomes: list[str], expected: list[str]
) -> None:
    keys = [KEY._replace(chat_id=n) for n in (1, 2, 3)]
    for key in keys:
        assert store.ledger.claim([key])
    assert store.ledger.mark_batch([[k] for k in keys]) == [True] * 3
    store.ledger.settle_batch([([k], s, None) for k, s in zip(keys, outcomes, strict=True)])
    assert [status for _key, status, _n in store.ledger.rows()] == expected


def test_a_batch_with_an_unknown_status_writes_nothing(store: Store) -> None:
    keys = [KEY._replace(chat_id=n) for n in (1, 2)]
    for key in keys:
        assert store.ledger.claim([key])
    assert store.ledger.mark_batch([[k] for k in keys]) == [True, True]
    with pytest.raises(ValueError, match="gone"):
        store.ledger.settle_batch([([keys[0]], SENT, None), ([keys[1]], "gone", None)])
    assert [status for _key, status, _n in store.ledger.rows()] == [SENDING, SENDING]
