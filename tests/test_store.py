"""The state database as a whole (bot.store): migrations, one connection for every part."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.access import book_for
from bot.store import MIGRATIONS, Broadcast, Store, StoreError
from tests.fakes.clock import FakeTime

# `store` and `clock`: tests/conftest.py


def test_fresh_file_gets_the_newest_schema(store: Store) -> None:
    assert store.version == len(MIGRATIONS) >= 3
    tables = {r[0] for r in store.db.run("SELECT name FROM sqlite_master WHERE type='table'")}
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
    assert [s.scope for s in store.subscriptions.active(7)] == ["Delft"]  # data kept
    draft = Broadcast(0, 7, 7, "nl", "huurcontracten", "*", "2024-07-04", "t", (1,))
    assert store.broadcasts.create(draft) == 1
    store.close()
    assert Store(path).version == len(MIGRATIONS)  # reopening is a no-op


def schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        return sorted((kind, name, " ".join(sql.split())) for kind, name, sql in rows)


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
def test_a_new_file_gets_the_schema_an_old_one_is_migrated_to(
    tmp_path: Path, version: int
) -> None:
    """A new file gets the newest schema in one step (bot.store.schema.newest), an old file
    each migration since its version: the same tables, columns and indexes either way."""
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:
        db.executescript(";".join(MIGRATIONS[:version]) + f"; PRAGMA user_version = {version};")
    Store(old).close()
    Store(tmp_path / "new.sqlite").close()
    assert schema(tmp_path / "new.sqlite") == schema(old)


def test_newer_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="TAAKBOT_DB"):
        Store(path)


def test_every_part_shares_one_connection(store: Store) -> None:
    """One connection and one lock: a part's transaction never interleaves with another's."""
    book = book_for(store)
    parts = [store.ledger, store.subscriptions, store.broadcasts, store.people, store.figures]
    assert {id(p.db) for p in [*parts, book]} == {id(store.db)}
    assert book.db.connection is store.db.connection
    book.close()  # the store's connection is the store's to close
    assert store.subscriptions.subscribe(1, "regio", "Haaglanden", 1, "nl")


@pytest.mark.parametrize(
    ("days_old", "status", "kept"),
    [
        (401, "sent", False),
        (399, "sent", True),
        (401, "uncertain", False),
        (401, "pending", True),  # claimed, not yet sent: never purged
    ],
)
def test_retention_purges_settled_rows_only(
    store: Store, clock: FakeTime, days_old: int, status: str, kept: bool
) -> None:
    key = ("manual:toets", "*", "2024-07-01#1", 7)
    store.db.run(
        "INSERT INTO ledger (kind, scope, due, chat_id, status, claimed_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (*key, status, clock.now),
    )
    draft = Broadcast(0, 7, 7, "nl", "huurcontracten", "*", "2024-07-04", "t", (1,))
    bid = store.broadcasts.create(draft)
    store.broadcasts.move(bid, "preview", "done")
    clock.advance(days_old * 86400)
    removed = store.purge(400 * 86400)
    assert (len(store.ledger.rows()) == 1) is kept
    assert (store.broadcasts.get(bid) is not None) is (days_old < 400)
    assert removed == (0 if kept else 1) + (days_old >= 400)
