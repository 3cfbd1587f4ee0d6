"""The SQLite store: migrations, subscriptions, and a ledger that claims each send once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bot.lease import Process
from bot.store import (
    BLOCKED,
    FAILED,
    MIGRATIONS,
    PENDING,
    SENT,
    UNCERTAIN,
    Broadcast,
    Key,
    Store,
    StoreError,
)


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Store:
    s = Store(tmp_path / "taakbot.sqlite", clock=clock, max_attempts=3)
    yield s
    s.close()


KEY = Key("auto:checkpoint:7", "regio:Haaglanden", "2024-04-01", 42)


def test_fresh_file_gets_the_newest_schema(store: Store) -> None:
    assert store.version == len(MIGRATIONS) >= 3
    tables = {r[0] for r in store._run("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"subscriptions", "ledger", "weekly_figures", "broadcasts"} <= tables


def test_old_file_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO subscriptions (chat_id, kind, scope, user_id, created_at) "
        "VALUES (7, 'gemeente', 'Delft', 7, 0)"
    )
    db.commit()
    db.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS)
    assert [s.scope for s in store.subscriptions(7)] == ["Delft"]  # data kept
    draft = Broadcast(0, 7, 7, "nl", "huurcontracten", "*", "2024-07-04", "t", (1,))
    assert store.create_broadcast(draft) == 1
    store.close()
    assert Store(path).version == len(MIGRATIONS)  # reopening is a no-op


def test_newer_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="TAAKBOT_DB"):
        Store(path)


def test_subscriptions_follow_unfollow_and_blocking(store: Store) -> None:
    assert store.subscribe(42, "regio", "Haaglanden", 1, "nl") is True
    assert store.subscribe(42, "regio", "Haaglanden", 1, "nl") is False  # already
    assert store.subscribe(42, "gemeente", "Leiden", 1, "en") is True
    assert store.subscribe(-100, "provincie", "Zuid-Holland", 1, "nl") is True
    assert [(s.kind, s.scope) for s in store.subscriptions(42)] == [
        ("gemeente", "Leiden"),
        ("regio", "Haaglanden"),
    ]
    assert store.unsubscribe(42, "gemeente", "Leiden") == 1
    assert store.deactivate_chat(42, "Forbidden: bot was blocked by the user") == 1
    assert store.subscriptions(42) == []
    assert [s.chat_id for s in store.subscriptions()] == [-100]
    assert store.subscribe(42, "regio", "Haaglanden", 1, "nl") is True  # back after a block
    store.migrate_chat(-100, -1001)
    assert [s.chat_id for s in store.subscriptions()] == [-1001, 42]
    assert store.unsubscribe(42) == 1


def test_a_key_is_claimed_once_and_settled(store: Store) -> None:
    assert not store.is_settled(KEY)
    assert store.claim([KEY]) is True
    assert store.is_settled(KEY)  # busy: another tick must not compose it again
    assert store.claim([KEY]) is False
    store.settle([KEY], SENT)
    assert store.claim([KEY]) is False and store.is_settled(KEY)
    assert store.ledger() == [(KEY, SENT, 1)]


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
    tmp_path: Path, clock: Clock, runs: bool | None, after: float, taken: bool
) -> None:
    path = tmp_path / "taakbot.sqlite"
    mine = Store(path, clock=clock, runs=lambda p: runs if p == ELSEWHERE else True)
    other = Store(path, clock=clock, process=ELSEWHERE)
    assert other.claim([KEY])
    clock.now += after
    assert mine.heartbeat() == ((1, 0) if taken else (0, 0))
    assert mine.is_settled(KEY) is not taken
    assert mine.claim([KEY]) is taken  # never sent: sent by whoever takes it over
    assert mine.ledger() == [(KEY, PENDING, 2 if taken else 1)]
    assert other.mark([KEY]) is not taken  # the old claim cannot go out any more


def test_a_row_in_flight_of_a_dead_process_is_uncertain_never_resent(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "taakbot.sqlite"
    other = Store(path, clock=clock, process=ELSEWHERE)
    assert other.claim([KEY]) and other.mark([KEY])  # the request may have left
    mine = Store(path, clock=clock, runs=lambda p: p != ELSEWHERE)
    assert mine.ledger() == [(KEY, UNCERTAIN, 1)]  # taken over when `mine` started
    assert mine.claim([KEY]) is False and mine.is_settled(KEY)
    assert mine.release_uncertain(KEY.kind) == 1  # a person's resend
    assert mine.claim([KEY]) is True


def test_closing_releases_the_claims(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "taakbot.sqlite"
    first = Store(path, clock=clock)
    in_flight = KEY._replace(chat_id=7)
    assert first.claim([KEY]) and first.claim([in_flight]) and first.mark([in_flight])
    first.close()
    second = Store(path, clock=clock)
    assert second.ledger() == [(KEY, PENDING, 1), (in_flight, UNCERTAIN, 1)]
    assert second.claim([KEY]) and not second.claim([in_flight])
    second.close()


def test_failed_rows_are_retried_up_to_max_attempts(store: Store) -> None:
    for attempt in (1, 2, 3):
        assert store.claim([KEY]) is True, attempt
        store.settle([KEY], FAILED, "Timed out")
    assert store.claim([KEY]) is False and store.is_settled(KEY)
    assert store.ledger() == [(KEY, FAILED, 3)]


def test_blocked_is_final(store: Store) -> None:
    assert store.claim([KEY])
    store.settle([KEY], BLOCKED, "Forbidden")
    assert store.claim([KEY]) is False


def test_claim_is_all_or_nothing(store: Store) -> None:
    other = KEY._replace(scope="gemeente:Delft")
    assert store.claim([KEY])
    assert store.claim([other, KEY]) is False
    assert [k for k, _, _ in store.ledger()] == [KEY]  # `other` was rolled back
    assert store.claim([other]) is True


def test_two_processes_on_one_file_claim_each_key_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    stores = [Store(path), Store(path)]
    keys = [KEY._replace(chat_id=n) for n in range(40)]
    wins: list[Key] = []
    lock = threading.Lock()

    def race(store: Store) -> None:
        for key in keys:
            if store.claim([key]):
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


def test_weekly_figures_replace_last_week(store: Store) -> None:
    store.save_figures(
        42, "2024-03-04", {"Delft": ("2024-I", 80, "2"), "Leiden": ("2024-I", None, "0")}
    )
    store.save_figures(42, "2024-03-11", {"Delft": ("2024-I", 89, "2")})
    assert store.last_figures(42) == {
        "Delft": ("2024-I", 89, "2"),
        "Leiden": ("2024-I", None, "0"),
    }
    assert store.last_figures(43) == {}


def test_a_broadcast_is_confirmed_once(store: Store) -> None:
    bid = store.create_broadcast(
        Broadcast(
            0, 42, 1, "nl", "huurcontracten", "Zuid-Holland", "2024-07-04", "<b>t</b>", (5, 3, 5)
        )
    )
    b = store.broadcast(bid)
    assert b is not None and b.recipients == (3, 5) and b.status == "preview"
    assert store.move_broadcast(bid, "preview", "confirmed") is True
    assert store.move_broadcast(bid, "preview", "confirmed") is False  # double tap
    assert store.move_broadcast(bid, "preview", "cancelled") is False
    assert store.unfinished_broadcasts() == [bid]
    assert store.move_broadcast(bid, "confirmed", "done", "3 afgeleverd")
    assert store.unfinished_broadcasts() == []
    assert store.broadcast(999) is None
