"""What is kept about people (bot.store.people) and last week's figures (bot.store.figures)."""

from __future__ import annotations

from pathlib import Path

from bot.access import book_for
from bot.store import Key, Store
from tests.fakes.clock import FakeTime

# `store` and `clock`: tests/conftest.py


def test_weekly_figures_replace_last_week(store: Store) -> None:
    store.figures.save(
        42, "2024-03-04", {"Delft": ("2024-I", 80, "2"), "Leiden": ("2024-I", None, "0")}
    )
    store.figures.save(42, "2024-03-11", {"Delft": ("2024-I", 89, "2")})
    assert store.figures.last(42) == {
        "Delft": ("2024-I", 89, "2"),
        "Leiden": ("2024-I", None, "0"),
    }
    assert store.figures.last(43) == {}


def test_a_language_choice_survives_a_restart(tmp_path: Path, clock: FakeTime) -> None:
    first = Store(tmp_path / "taakbot.sqlite", clock=clock)
    assert first.people.language(7) is None
    first.people.set_language(7, "en")
    first.people.set_language(7, "nl")
    first.close()
    again = Store(tmp_path / "taakbot.sqlite", clock=clock)
    assert again.people.language(7) == "nl" and again.people.language(8) is None
    again.close()


def test_forget_erases_every_row_about_one_user(store: Store) -> None:
    book = book_for(store)
    store.subscriptions.subscribe(7, "regio", "Haaglanden", 7, "nl")
    store.subscriptions.subscribe(-100, "regio", "Haaglanden", 7, "nl")  # a group they set up
    store.subscriptions.subscribe(8, "regio", "Haaglanden", 8, "nl")
    store.people.set_language(7, "en")
    store.figures.save(7, "2024-03-04", {"Delft": ("2024-I", 80, "2")})
    assert store.ledger.claim([Key("auto:x", "*", "2024-04-01", 7)])
    book.ask(7, "Ik", "gemeente", "Delft")
    assert store.people.forget(7) == 6
    assert [s.chat_id for s in store.subscriptions.active()] == [8]
    assert store.people.language(7) is None and store.figures.last(7) == {}
    assert store.ledger.rows() == [] and book.pending() == []
