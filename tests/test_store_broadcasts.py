"""Manual reminders (bot.store.broadcasts): kept from preview to done, confirmed once."""

from __future__ import annotations

from bot.store import Broadcast, Store

# `store` and `clock`: tests/conftest.py


def test_a_broadcast_is_confirmed_once(store: Store) -> None:
    bid = store.broadcasts.create(
        Broadcast(
            0, 42, 1, "nl", "huurcontracten", "Zuid-Holland", "2024-07-04", "<b>t</b>", (5, 3, 5)
        )
    )
    b = store.broadcasts.get(bid)
    assert b is not None and b.recipients == (3, 5) and b.status == "preview"
    assert store.broadcasts.move(bid, "preview", "confirmed") is True
    assert store.broadcasts.move(bid, "preview", "confirmed") is False  # double tap
    assert store.broadcasts.move(bid, "preview", "cancelled") is False
    assert store.broadcasts.unfinished() == [bid]
    assert store.broadcasts.move(bid, "confirmed", "done", "3 afgeleverd")
    assert store.broadcasts.unfinished() == []
    assert store.broadcasts.get(999) is None
