"""Onboarding by link, through the real PTB Application and the fake Bot API: /start <code>, one
tap to ask, toestaan by the region's coordinator, then the new user's own standing and buttons."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bot.access import AccessBook, book_for
from bot.app import build_application
from bot.services import Services
from bot.settings import Settings
from bot.store import Store
from commands import onboarding
from commands.context import Ctx, Front
from commands.roles import Role
from commands.router import handle
from sheets.loading.convert import load
from sheets.runtime.cache import SheetCache
from sheets.sources.local import default_source
from tests.fakes.polling import polling
from tests.fakes.telegram_api import FakeTelegramServer

ADMIN, COORD, STAFF, OTHER_STAFF, LISTED, NEWBIE = 4242, 77, 78, 79, 66, 555
USERS = [
    [COORD, "Coördinator Amersfoort", "coordinator", "Regio Amersfoort"],
    [STAFF, "Provincie Utrecht", "provincie", "Utrecht"],
    [OTHER_STAFF, "Coördinator Haaglanden", "coordinator", "Haaglanden"],
    [LISTED, "Contact Delft", "gemeente", "Delft"],
]


class WithUsers:
    """The sample workbook with a few more rows in `gebruikers`."""

    def __init__(self) -> None:
        self.source = default_source()

    def describe(self) -> str:
        return self.source.describe()

    def fetch(self):
        tables = self.source.fetch()
        header = tables["gebruikers"][0]
        tables["gebruikers"] = tables["gebruikers"] + [
            row + [""] * (len(header) - len(row)) for row in USERS
        ]
        return tables

    def close(self) -> None:
        self.source.close()


@pytest.fixture(scope="module")
def data():
    source = WithUsers()
    return load(source.fetch(), source.describe())


def test_every_code_is_a_valid_start_parameter_and_comes_back(data) -> None:
    ctx = Ctx(data, date(2022, 3, 21), 1, None)
    for kind, table in (("gemeente", list(data.records)), ("regio", list(data.regions()))):
        for name in table:
            code = onboarding.code_for(kind, name)
            assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code), code
            assert onboarding.decode(ctx, code) == (kind, name)
    assert onboarding.code_for("gemeente", "'s-Gravenhage") == "g_s-gravenhage"
    assert onboarding.decode(ctx, "g_amsterdam") is None


def test_link_command_for_a_coordinator(data) -> None:
    ctx = Ctx(data, date(2022, 3, 21), COORD, Role("coordinator", "Regio Amersfoort"))
    ctx.front.bot_username = "taakbot_test_bot"
    text = handle(ctx, "/link Leusden").text
    assert "https://t.me/taakbot_test_bot?start=g_leusden" in text
    assert "t.me/taakbot_test_bot?start=r_regio-amersfoort" in handle(ctx, "/link").text


def test_the_gebruikers_tab_wins_over_a_grant(data, tmp_path: Path) -> None:
    book = AccessBook(str(tmp_path / "a.sqlite"))
    request, _ = book.ask(LISTED, "Contact Delft", "gemeente", "Leusden")
    book.decide(request.id, True, COORD, "Coördinator Amersfoort")
    from commands.roles import role_for

    role = role_for(LISTED, data)
    ctx = Ctx(data, date(2022, 3, 21), LISTED, role, front=Front(access=book))
    assert handle(ctx, "/stand").text.startswith("<b>Delft</b>")
    newbie = Ctx(data, date(2022, 3, 21), NEWBIE, None, front=Front(access=book))
    assert "nog geen toegang" in handle(newbie, "/stand").text


@dataclass
class Bot:
    server: FakeTelegramServer
    store: Store


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    async with FakeTelegramServer() as server:
        settings = Settings(
            {
                "TAAKBOT_TELEGRAM_TOKEN": server.token,
                "TAAKBOT_TELEGRAM_API_URL": server.base_url,
            }
        )
        cache = SheetCache(WithUsers())
        cache.get()
        store = Store(str(tmp_path / "taakbot.sqlite"))
        services = Services(cache=cache, admins=frozenset({ADMIN}), fixed_today=date(2022, 11, 10))
        services.store = store
        services.front = services.front.with_store(store, book_for(store))
        app = build_application(settings, services)
        try:
            async with polling(app):
                yield Bot(server, store)
        finally:
            store.close()


async def say(server: FakeTelegramServer, user: int, text: str):
    before = len(server.sent_messages(user))
    server.push_message(user, text, user_id=user)
    return (await server.wait_for_messages(before + 1, chat_id=user))[before:]


async def tap(server: FakeTelegramServer, user: int, message, label: str, expect: dict[int, int]):
    """Press the button `label` under `message`; wait for `expect[chat]` new messages per chat."""
    (button,) = [
        b for row in message.reply_markup["inline_keyboard"] for b in row if b["text"] == label
    ]
    assert len(button["callback_data"].encode()) <= 64
    before = {chat: len(server.sent_messages(chat)) for chat in expect}
    server.push_callback_query(user, user, button["callback_data"], message.message_id)
    out = {}
    for chat, n in expect.items():
        sent = await server.wait_for_messages(before[chat] + n, chat_id=chat)
        out[chat] = sent[before[chat] :]
    return out


async def test_access_by_link_round_trip(bot: Bot) -> None:
    server = bot.server
    (welcome,) = await say(server, NEWBIE, "/start g_leusden")
    assert "Leusden" in welcome.text and "nog geen toegang" in welcome.text

    sent = await tap(server, NEWBIE, welcome, "Toegang vragen", {NEWBIE: 1, COORD: 1, STAFF: 1})
    assert "naar 3 personen gestuurd" in sent[NEWBIE][0].text  # coordinator, province, admin
    assert not server.sent_messages(OTHER_STAFF)  # Haaglanden's coordinator is not asked
    request = sent[COORD][0]
    assert "Toegangsaanvraag" in request.text and "Leusden" in request.text

    decided = await tap(server, COORD, request, "toestaan", {COORD: 1, NEWBIE: 1})
    assert "Toegestaan" in decided[COORD][0].text
    welcome_in = decided[NEWBIE][0]
    assert "U heeft nu toegang tot <b>Leusden</b>" in welcome_in.text

    # one command and two taps: the standing, then the chart and the ladder
    (standing,) = await say(server, NEWBIE, "/stand")
    assert standing.text.startswith("<b>Leusden</b>")
    labels = [b["text"] for row in standing.reply_markup["inline_keyboard"] for b in row]
    assert labels[:3] == ["Grafiek", "Prognose", "Ladder"]
    (chart,) = (await tap(server, NEWBIE, standing, "Grafiek", {NEWBIE: 1}))[NEWBIE]
    assert chart.method == "sendPhoto" and "Leusden" in chart.text

    # a second approver finds it decided; /controle keeps who, when, by whom
    (late,) = (await tap(server, STAFF, sent[STAFF][0], "toestaan", {STAFF: 1}))[STAFF]
    assert "al besloten" in late.text and "Coördinator Amersfoort" in late.text
    (control,) = await say(server, ADMIN, "/controle")
    assert "Toegang via een link" in control.text and str(NEWBIE) in control.text
    assert "door Coördinator Amersfoort (77)" in control.text


async def test_refusal_reaches_the_requester(bot: Bot) -> None:
    server = bot.server
    (welcome,) = await say(server, NEWBIE, "/start r_regio-amersfoort")
    sent = await tap(server, NEWBIE, welcome, "Toegang vragen", {NEWBIE: 1, COORD: 1})
    refused = await tap(server, COORD, sent[COORD][0], "weigeren", {COORD: 1, NEWBIE: 1})
    assert "niet toegestaan" in refused[NEWBIE][0].text
    (still,) = await say(server, NEWBIE, "/stand Leusden")
    assert "nog geen toegang" in still.text
