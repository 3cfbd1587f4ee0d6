"""/volg, /mijn, /ontvolg and /herinnering through the real PTB Application and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import menus
from bot.app import build_application
from bot.jobs import CATCH_UP, HEARTBEAT, REMIND_TICK, WEEKLY_PUSH, Pushes, install_jobs
from bot.pacing import Pacer
from bot.services import Services
from bot.settings import Settings
from bot.store import Store
from engine.state import DataSet, User
from tests.fakes.chat_members import chat_members
from tests.fakes.clock import FakeTime
from tests.fakes.polling import polling
from tests.fakes.telegram_api import FakeTelegramServer, SentMessage
from tests.test_reminders import ADMIN, COORD, TZ, FakeCache, dataset

GROUP, LEIDEN_USER, BLOCKER = -300, 88, 90


class Now:
    """One fake 'now' for the jobs and the store."""

    def __init__(self, when: datetime) -> None:
        self.when = when

    def __call__(self) -> datetime:
        return self.when

    def stamp(self) -> float:
        return self.when.timestamp()


@dataclass
class Bot:
    server: FakeTelegramServer
    pushes: Pushes
    now: Now
    app: Application


@asynccontextmanager
async def pushing_bot(
    tmp_path: Path,
    data: DataSet,
    now: Now,
    *,
    group: int = GROUP,
    weekly: str | None = "mon 08:30",
    env: dict[str, str] | None = None,  # more settings (e-mail, Teams: tests/test_channels_bot)
) -> AsyncIterator[tuple[FakeTelegramServer, Application, Pushes]]:
    """The real Application with its jobs and store, polling the fake Bot API; pacing on a
    virtual clock (a second between messages costs nothing); the tests drive the jobs. In
    `group`, COORD administers the group."""
    async with FakeTelegramServer() as server:
        server.add_method("getChatMember", chat_members({group: {COORD}}))
        settings = Settings(
            {
                "TAAKBOT_TELEGRAM_TOKEN": server.token,
                "TAAKBOT_TELEGRAM_API_URL": server.base_url,
                "TAAKBOT_DB": str(tmp_path / "taakbot.sqlite"),
                **({"TAAKBOT_WEEKLY": weekly} if weekly else {}),
                **(env or {}),
            }
        )
        services = Services(
            cache=FakeCache(data), admins=frozenset({ADMIN}), fixed_today=date(2024, 6, 24)
        )
        ft = FakeTime()
        app = build_application(settings, services, pacer=Pacer(clock=ft.clock, sleep=ft.sleep))
        store = Store(settings["TAAKBOT_DB"], clock=now.stamp)
        pushes = install_jobs(app, settings, services, store=store, now=now)
        install_jobs(app, settings, services, store=store, now=now)  # rebuilt, not doubled
        try:
            async with polling(app):
                names = [j.name for j in app.job_queue.jobs()]
                assert sorted(names) == sorted(
                    [REMIND_TICK, WEEKLY_PUSH, CATCH_UP, HEARTBEAT, menus.FIRST]
                )
                for job in app.job_queue.get_jobs_by_name(CATCH_UP):  # the tests drive the clock
                    job.schedule_removal()
                try:
                    yield server, app, pushes
                finally:
                    await pushes.idle()
        finally:
            store.close()


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    data = dataset()
    data.users += [
        User(LEIDEN_USER, "Leiden", "gemeente", "Leiden"),
        User(BLOCKER, "Rijswijk", "coordinator", "Haaglanden"),
    ]
    now = Now(datetime(2024, 6, 24, 7, 0, tzinfo=TZ))  # before 09:00: start-up sends nothing
    async with pushing_bot(tmp_path, data, now) as (server, app, pushes):
        await pushes.catch_up()  # 07:00 on an empty store: nothing to send
        yield Bot(server, pushes, now, app)


async def say(
    b: Bot, text: str, user: int = ADMIN, chat: int | None = None, replies: int = 1
) -> list[SentMessage]:
    chat = user if chat is None else chat
    before = len(b.server.sent_messages(chat))
    b.server.push_message(chat, text, user_id=user)
    sent = await b.server.wait_for_messages(before + replies, chat_id=chat)
    return sent[before:]


async def press(
    b: Bot, message: SentMessage, button: int, user: int = ADMIN, replies: int = 1
) -> list[SentMessage]:
    data = message.reply_markup["inline_keyboard"][0][button]["callback_data"]
    assert len(data.encode()) <= 64
    before = len(b.server.sent_messages(message.chat_id))
    b.server.push_callback_query(message.chat_id, user, data, message.message_id)
    sent = await b.server.wait_for_messages(before + replies, chat_id=message.chat_id)
    return sent[before:]


async def test_follow_preview_confirm_deliver_and_report(bot: Bot) -> None:
    server, store = bot.server, bot.pushes.store
    (r,) = await say(bot, "/volg Haaglanden")
    assert "U volgt nu <b>Haaglanden</b> (regio)." in r.text
    assert "Weekoverzicht: elke maandag om 08:30." in r.text and "14, 7 en 1 dagen" in r.text
    (r,) = await say(bot, "/volg Delft", user=COORD, chat=GROUP)
    assert "U volgt nu <b>Delft</b>" in r.text
    (r,) = await say(bot, "/volg Delft", user=LEIDEN_USER)
    assert "geen toegang" in r.text
    (r,) = await say(bot, "/volg Rijswijk", user=BLOCKER)
    (r,) = await say(bot, "/mijn")
    assert "Haaglanden (regio)" in r.text and "Delft" not in r.text
    (r,) = await say(bot, "/mijn", user=COORD, chat=GROUP)
    assert "Delft (gemeente)" in r.text

    (preview,) = await say(bot, "/herinnering huurcontracten Zuid-Holland")
    assert "gaat naar 3 gesprekken" in preview.text
    assert "huurcontracten over 2024-I" in preview.text and "4 juli 2024" in preview.text
    assert "<b>Delft</b>: nog <b>80</b> te huisvesten" in preview.text
    buttons = preview.reply_markup["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["✅ Versturen", "✖ Annuleren"]
    assert len(server.sent_messages()) == 7  # nothing sent before confirmation

    server.block_chat(BLOCKER)
    server.fail_next("sendMessage", error_code=429, retry_after=1)  # flood control once
    ack, reminder, report = await press(bot, preview, 0, replies=3)
    assert "Bezig met versturen naar 3 gesprekken" in ack.text
    assert "Herinnering van de provincie" in reminder.text
    assert "3 gesprekken: 2 afgeleverd, 0 mislukt, 1 geblokkeerd" in report.text
    (group,) = server.sent_messages(GROUP)[2:]
    assert group.parse_mode == "HTML"  # each chat only what it follows and may see:
    assert "<b>Delft</b>" in group.text and "Rijswijk" not in group.text
    assert "<b>Delft</b>" in reminder.text and "<b>Rijswijk</b>" in reminder.text
    assert store.subscriptions.active(BLOCKER) == []  # blocked: subscriptions stopped
    assert len(server.sent_messages(BLOCKER)) == 1 and server.count_429 == 1  # just /volg

    (again,) = await say(bot, "/herinnering ok 1")
    assert "al verstuurd of geannuleerd" in again.text
    assert len(server.sent_messages(GROUP)) == 3  # nothing twice

    (preview,) = await say(bot, "/herinnering toets")
    assert "gaat naar 2 gesprekken" in preview.text and "1 juli 2024" in preview.text
    (cancelled,) = await press(bot, preview, 1)
    assert "Geannuleerd" in cancelled.text
    await bot.pushes.idle()
    assert len(server.sent_messages(GROUP)) == 3

    (r,) = await say(bot, "/ontvolg Haaglanden")
    assert "U volgt <b>Haaglanden</b> niet meer." in r.text
    (r,) = await say(bot, "/mijn")
    assert "volgt nog niets" in r.text


async def test_scheduled_reminder_and_weekly_push_reach_the_chats(bot: Bot) -> None:
    server = bot.server
    (weekly,) = bot.app.job_queue.get_jobs_by_name(WEEKLY_PUSH)
    local = weekly.next_t.astimezone(TZ)
    assert (local.weekday(), local.time()) == (0, time(8, 30))  # Monday 08:30 Amsterdam
    assert weekly.next_t.utcoffset() == local.utcoffset()  # scheduled in Amsterdam time
    await say(bot, "/volg Haaglanden")
    await say(bot, "/volg Delft", user=COORD, chat=GROUP)
    await say(bot, "/volg Rijswijk", user=BLOCKER)
    server.block_chat(BLOCKER)
    bot.now.when = datetime(2024, 6, 24, 9, 0, tzinfo=TZ)
    summary = await bot.pushes.remind_tick()
    assert sorted(summary.sent) == [GROUP, ADMIN] and summary.blocked == [BLOCKER]
    reminder = server.sent_messages(GROUP)[-1].text
    assert "Eindbeoordeling 2024-I" in reminder and "over 7 dagen" in reminder
    assert await bot.pushes.remind_tick() is not None
    assert len(server.sent_messages(GROUP)) == 2  # the second tick sent nothing
    bot.now.when = datetime(2024, 7, 1, 8, 30, tzinfo=TZ)
    summary = await bot.pushes.weekly_push()
    assert sorted(summary.sent) == [GROUP, ADMIN]
    assert "Weekoverzicht" in server.sent_messages(ADMIN)[-1].text
    assert server.count_429 == 0


async def test_herinnering_is_for_province_staff_only(bot: Bot) -> None:
    (r,) = await say(bot, "/herinnering huurcontracten", user=COORD, chat=GROUP)
    assert "alleen voor de rol" in r.text
    (r,) = await say(bot, "/herinnering onzin")
    assert "Soorten:" in r.text and "huurcontracten" in r.text
