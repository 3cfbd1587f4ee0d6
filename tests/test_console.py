"""The console is the bot without Telegram: every command of the table answers there as far as it
can, on a session copy of TAAKBOT_DB, and says what only the bot in Telegram does."""

from __future__ import annotations

import functools
import io
import sqlite3
from datetime import date

import pytest

from bot.console import chat, open_console
from bot.services import Services
from bot.settings import Settings
from bot.store import Store
from commands.roles import Role
from commands.router import COMMANDS

JUNE_20 = date(2022, 6, 20)  # 14 days before the cutoff for rental contracts of 2022-I


@functools.cache
def services() -> Services:
    """The sample workbook, read once; each conversation attaches its own store."""
    return Services.from_settings(Settings({}))


def converse(db, lines: list[str]) -> str:
    settings, out, shared = Settings({"TAAKBOT_DB": str(db)}), io.StringIO(), services()
    with open_console(shared, settings):
        chat(shared, Role("provincie"), today=JUNE_20, inp=io.StringIO("\n".join(lines)), out=out)
    return out.getvalue()


def test_every_command_of_the_table_is_known_in_the_console(tmp_path) -> None:
    for command in COMMANDS:  # one conversation: the sample workbook's commands take a while
        text = converse(tmp_path / "bot.sqlite", [f"/{command.name}"])
        assert "Dat commando ken ik niet" not in text, command.name
        assert "werken alleen in Telegram" not in text, command.name


@pytest.mark.parametrize(
    ("lines", "present"),
    [
        (["/privacy"], ["Wat Taakbot over u bewaart", "400 dagen"]),
        (["/vergeet"], ["Zeker weten?", "[1] Ja, wis alles"]),
        (["/volg Delft", "/mijn"], ["U volgt nu Delft", "• Delft (gemeente)",
                                    "(Berichten komen alleen via de bot in Telegram"]),
        (["/volg Delft", "/vergeet ja", "/mijn"], ["Gewist: 1 gegeven", "volgt nog niets"]),
    ],
)  # fmt: skip
def test_console_commands_work_on_its_own_chat(tmp_path, lines, present) -> None:
    text = converse(tmp_path / "bot.sqlite", lines)
    for part in present:
        assert part in text, text


@pytest.mark.parametrize(
    ("follows", "command", "counts"),
    [
        ([], "/herinnering huurcontracten Zuid-Holland", (0, 0, 0)),  # zero said as zero
        ([(1, "gemeente", "Delft")], "/herinnering huurcontracten Delft", (0, 0, 1)),
        (
            [(1, "gemeente", "Delft"), (-5, "regio", "Haaglanden"), (7, "provincie", "Utrecht")],
            "/herinnering huurcontracten Zuid-Holland",
            (0, 1, 1),  # Utrecht's follower gets nothing about Zuid-Holland
        ),
        (
            [(2, "provincie", "Zuid-Holland"), (3, "provincie", "Zuid-Holland")],
            "/herinnering huurcontracten Haaglanden",
            (2, 0, 0),
        ),
    ],
)
def test_herinnering_shows_each_recipient_kind_and_sends_nothing(
    tmp_path, follows: list[tuple[int, str, str]], command: str, counts: tuple[int, int, int]
) -> None:
    db = tmp_path / "bot.sqlite"
    store = Store(db)
    for chat_id, kind, scope in follows:  # the sample's province user (id 1) subscribed them
        store.subscriptions.subscribe(chat_id, kind, scope, 1, "nl")
    store.close()
    text = converse(db, [command, "1"])
    assert "Versturen doet alleen de bot in Telegram" in text
    for kind, n in zip(("provincie", "regio", "gemeente"), counts, strict=True):
        chats = "1 gesprek" if n == 1 else f"{n} gesprekken"
        assert f"Wie een {kind} volgt ({chats} in de database van de bot)" in text, text
    assert text.count("⏰ Herinnering van de provincie") == 3  # each kind's own text
    assert "[1]" not in text and "Bezig met versturen" not in text  # nothing to confirm
    with sqlite3.connect(db) as bots_own:  # the bot's database: no broadcast to resume
        assert bots_own.execute("SELECT count(*) FROM broadcasts").fetchone() == (0,)
