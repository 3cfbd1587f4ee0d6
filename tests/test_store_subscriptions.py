"""Subscriptions (bot.store.subscriptions): follow, unfollow, blocked chats, upgraded groups."""

from __future__ import annotations

from bot.store import Store

# `store` and `clock`: tests/conftest.py


def test_subscriptions_follow_unfollow_and_blocking(store: Store) -> None:
    assert store.subscriptions.subscribe(42, "regio", "Haaglanden", 1, "nl") is True
    assert store.subscriptions.subscribe(42, "regio", "Haaglanden", 1, "nl") is False  # already
    assert store.subscriptions.subscribe(42, "gemeente", "Leiden", 1, "en") is True
    assert store.subscriptions.subscribe(-100, "provincie", "Zuid-Holland", 1, "nl") is True
    assert [(s.kind, s.scope) for s in store.subscriptions.active(42)] == [
        ("gemeente", "Leiden"),
        ("regio", "Haaglanden"),
    ]
    assert store.subscriptions.unsubscribe(42, "gemeente", "Leiden") == 1
    assert store.subscriptions.deactivate_chat(42, "Forbidden: bot was blocked by the user") == 1
    assert store.subscriptions.active(42) == []
    assert [s.chat_id for s in store.subscriptions.active()] == [-100]
    assert (
        store.subscriptions.subscribe(42, "regio", "Haaglanden", 1, "nl") is True
    )  # back after a block
    store.subscriptions.migrate_chat(-100, -1001)
    assert [s.chat_id for s in store.subscriptions.active()] == [-1001, 42]
    assert store.subscriptions.unsubscribe(42) == 1
