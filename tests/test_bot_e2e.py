"""The real python-telegram-bot Application, polling our fake Bot API over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.app import build_application
from bot.services import Services
from bot.settings import Settings
from commands import router
from sheets.runtime.cache import SheetCache
from sheets.sources.local import default_source
from tests.fakes.polling import polling
from tests.fakes.telegram_api import FakeTelegramServer

ADMIN, STRANGER = 4242, 999


@pytest.fixture
async def bot() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as server:
        settings = Settings(
            {
                "TAAKBOT_TELEGRAM_TOKEN": server.token,
                "TAAKBOT_TELEGRAM_API_URL": server.base_url,
            }
        )
        cache = SheetCache(default_source())
        cache.get()  # loaded before the bot starts (tests/test_refresh.py covers loading)
        services = Services(
            cache=cache,
            admins=frozenset({ADMIN}),
            fixed_today=date(2022, 3, 21),
        )
        app = build_application(settings, services)
        async with polling(app):
            yield server


async def ask(server: FakeTelegramServer, text: str, user: int = ADMIN, lang: str = "nl"):
    before = len(server.sent_messages(user))
    server.push_message(user, text, user_id=user, language_code=lang)
    sent = await server.wait_for_messages(before + 1, chat_id=user)
    return sent[before:]


async def test_registers_commands_in_both_languages(bot) -> None:
    assert bot.calls_to("setMyCommands"), "the command list is registered at start-up"
    langs = {c.get("language_code") for c in bot.calls_to("setMyCommands")}
    assert langs == {None, "en"}


async def test_stand_den_haag_on_21_march_2022(bot) -> None:
    (reply,) = await ask(bot, "/stand Den Haag")
    assert reply.parse_mode == "HTML"
    for expected in (
        "'s-Gravenhage",
        "2022-I",
        "417",
        "129",
        "31%",
        "21 maart 2022",
        "Vastgelegd: trede <b>2</b>",
        "209",
    ):
        assert expected in reply.text, expected


async def test_regio_haaglanden_table(bot) -> None:
    (reply,) = await ask(bot, "/regio Haaglanden")
    text = reply.text
    assert "884" in text and "275" in text and "31%" in text
    # behind schedule first: Rijswijk (2 %) before Wassenaar (73 %)
    assert text.index("Rijswijk") < text.index("Wassenaar")


async def test_typo_is_offered_and_one_tap_answers(bot) -> None:
    (reply,) = await ask(bot, "/stand Leusdn")
    (button,) = [b for row in reply.reply_markup["inline_keyboard"] for b in row]
    assert button["text"] == "Leusden" and "Opgave" not in reply.text  # never guessed
    before = len(bot.sent_messages(ADMIN))
    bot.push_callback_query(ADMIN, ADMIN, button["callback_data"], reply.message_id)
    sent = await bot.wait_for_messages(before + 1, chat_id=ADMIN)
    assert sent[-1].text.startswith("<b>Leusden</b>")
    labels = [b["text"] for row in sent[-1].reply_markup["inline_keyboard"] for b in row]
    assert labels == ["Grafiek", "Prognose", "Ladder"]  # the next answers one tap away


async def test_unknown_name_gets_a_friendly_answer(bot) -> None:
    (reply,) = await ask(bot, "/stand Xyzzyq")
    assert "staat niet in de sheet" in reply.text and "Traceback" not in reply.text


async def test_ambiguous_name_keyboard_round_trip(bot) -> None:
    (reply,) = await ask(bot, "/stand Krimpen")
    buttons = [b for row in reply.reply_markup["inline_keyboard"] for b in row]
    assert len(buttons) >= 2
    choice = buttons[0]
    before = len(bot.sent_messages(ADMIN))
    bot.push_callback_query(ADMIN, ADMIN, choice["callback_data"], reply.message_id)
    sent = await bot.wait_for_messages(before + 1, chat_id=ADMIN)
    assert choice["text"] in sent[-1].text
    assert bot.calls_to("answerCallbackQuery")


async def test_grafiek_sends_a_png(bot) -> None:
    (reply,) = await ask(bot, "/grafiek Delft")
    assert reply.method == "sendPhoto"
    assert reply.photo[:8] == b"\x89PNG\r\n\x1a\n" and len(reply.photo) > 10_000


async def test_unauthorised_user_gets_id_and_whom_to_ask(bot) -> None:
    (reply,) = await ask(bot, "/stand Delft", user=STRANGER)
    assert str(STRANGER) in reply.text and "coördinator" in reply.text
    assert "417" not in reply.text


async def test_english_user_gets_english(bot) -> None:
    (reply,) = await ask(bot, "/help", lang="en")
    assert "municipality" in reply.text.lower()


async def test_error_reaches_user_as_apology_not_traceback(bot, monkeypatch) -> None:
    def boom(ctx, args):
        raise RuntimeError("kapot")

    monkeypatch.setattr(router, "COMMANDS", (router.Command("stand", boom, "x"), *router.COMMANDS))
    (reply,) = await ask(bot, "/stand Delft")
    assert "Sorry" in reply.text and "kapot" not in reply.text
