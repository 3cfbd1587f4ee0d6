"""Proves the fake Bot API server works with the real, unmodified python-telegram-bot."""

from __future__ import annotations

import datetime as dtm
import socket
import struct
import zlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from .telegram_api import FakeTelegramServer, forbid_real_network, no_network

# This is how a conftest would wire the guard in.
guard = pytest.fixture(autouse=True, name="guard")(no_network)


def _png(width: int, height: int) -> bytes:
    """A valid PNG so the fake can report real dimensions."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as srv:
        yield srv


@pytest_asyncio.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with Bot(
        server.token, base_url=server.base_url, base_file_url=server.base_file_url
    ) as b:
        yield b


def _app(server: FakeTelegramServer) -> Application:
    return (
        Application.builder()
        .token(server.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )


async def _run(app: Application) -> None:
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)


async def _stop(app: Application) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


@pytest.mark.asyncio
async def test_bot_methods(server: FakeTelegramServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "taakbot_test_bot", True)

    msg = await bot.send_message(42, "<b>Hallo</b> &amp; welkom", parse_mode="HTML")
    assert msg.message_id == 1 and msg.chat.type == "private" and msg.from_user == me
    assert (await bot.send_message(42, "123")).text == "123"  # digits stay a string
    assert (await bot.send_message(-5, "groep")).chat.type == "group"

    png = _png(3, 2)
    photo_msg = await bot.send_photo(42, png, caption="foto")
    assert photo_msg.message_id == 3
    assert (photo_msg.photo[-1].width, photo_msg.photo[-1].height) == (3, 2)
    file = await bot.get_file(photo_msg.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == png

    commands = [BotCommand("start", "Begin"), BotCommand("taak", "Nieuwe taak")]
    assert await bot.set_my_commands(commands)
    assert await bot.get_my_commands() == tuple(commands)

    sent = server.sent_messages(42)
    assert [m.text for m in sent] == ["<b>Hallo</b> &amp; welkom", "123", "foto"]
    assert sent[0].parse_mode == "HTML" and sent[2].photo == png
    assert sent[0]["chat_id"] == 42 and sent[0].time <= sent[2].time
    assert server.calls_to("sendPhoto")[0]["photo"] == png

    with pytest.raises(BadRequest, match="(?i)unsupported start tag"):
        await bot.send_message(42, "a <taak> b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("123", chat_id=42, message_id=2)


@pytest.mark.asyncio
async def test_application_command_round_trip(server: FakeTelegramServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user is not None and update.message is not None
        await update.message.reply_text(f"Hoi {update.effective_user.first_name}")

    app = _app(server)
    app.add_handler(CommandHandler("start", start))
    await _run(app)
    try:
        server.push_message(77, "/start", first_name="Anna")
        [reply] = await server.wait_for_messages(1, chat_id=77, timeout=2)
        assert reply.text == "Hoi Anna"
    finally:
        await _stop(app)
    offsets = [p.get("offset") for p in server.calls_to("getUpdates")]
    assert offsets[-1] == 2  # the update was confirmed on shutdown


@pytest.mark.asyncio
async def test_callback_query_round_trip(server: FakeTelegramServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        keyboard = [[InlineKeyboardButton("Klaar", callback_data="done:1")]]
        await update.message.reply_text("Taak 1", reply_markup=InlineKeyboardMarkup(keyboard))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Gedaan")
        await query.edit_message_text(f"Taak 1 ({query.data})")

    app = _app(server)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    await _run(app)
    try:
        server.push_message(5, "/start")
        [menu] = await server.wait_for_messages(1, chat_id=5, timeout=2)
        assert menu.reply_markup == {
            "inline_keyboard": [[{"text": "Klaar", "callback_data": "done:1"}]]
        }
        server.push_callback_query(5, user_id=5, data="done:1", message_id=menu.message_id)
        await server.wait_until(lambda: server.edits, timeout=2)
    finally:
        await _stop(app)
    assert server.callback_answers[0]["text"] == "Gedaan"
    assert [(e.chat_id, e.message_id, e.text) for e in server.edits] == [
        (5, menu.message_id, "Taak 1 (done:1)")
    ]


@pytest.mark.asyncio
async def test_blocked_chat_is_forbidden(server: FakeTelegramServer, bot: Bot) -> None:
    server.block_chat(9)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(9, "hallo?")
    assert server.sent_messages() == []
    await bot.send_message(10, "ander gesprek")


@pytest.mark.asyncio
async def test_injected_faults(
    server: FakeTelegramServer, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # opt in to PTB's future timedelta API
    server.fail_next("sendMessage", error_code=429, retry_after=3)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(1, "x")
    assert info.value.retry_after == dtm.timedelta(seconds=3)
    server.fail_next("sendMessage", error_code=502)
    with pytest.raises(NetworkError):
        await bot.send_message(1, "x")
    await bot.send_message(1, "x")
    assert server.count_429 == 1 and len(server.sent_messages()) == 1


@pytest.mark.asyncio
async def test_a_dropped_answer_after_delivery(server: FakeTelegramServer, bot: Bot) -> None:
    server.drop_answer("sendMessage", chat_id=2)
    await bot.send_message(1, "ander gesprek")
    with pytest.raises(NetworkError, match="RemoteProtocolError") as info:
        await bot.send_message(2, "komt aan")
    assert type(info.value.__cause__).__name__ == "RemoteProtocolError"
    await bot.send_message(2, "weer gewoon")
    assert [m.text for m in server.sent_messages(2)] == ["komt aan", "weer gewoon"]


@pytest.mark.asyncio
async def test_enforced_limits(
    server: FakeTelegramServer, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    server.enforce_limits(per_chat_per_sec=1)
    await bot.send_message(3, "een")
    await bot.send_message(4, "ander gesprek mag wel")
    for text in ("twee", "drie"):
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(3, text)
        assert info.value.retry_after == dtm.timedelta(seconds=1)
    assert server.count_429 == 2
    assert [m.text for m in server.sent_messages(3)] == ["een"]


@pytest.mark.asyncio
async def test_unknown_method_and_guard(server: FakeTelegramServer, bot: Bot) -> None:
    with pytest.raises(Exception, match="not found"):
        await bot.do_api_request("noSuchMethod")
    with pytest.raises(RuntimeError, match="192.0.2.1"):
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)
    with pytest.raises(RuntimeError, match="api.telegram.org"):
        socket.getaddrinfo("api.telegram.org", 443)


def test_forbid_real_network_undo() -> None:
    undo = forbid_real_network()
    try:
        with socket.socket() as sock, pytest.raises(RuntimeError, match="10.1.2.3"):
            sock.connect(("10.1.2.3", 80))
    finally:
        undo()
