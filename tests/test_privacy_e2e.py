"""State that survives and can be erased: /taal across a restart, /privacy, /vergeet, retention."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.app import RETENTION_JOB, build_application, install_retention
from bot.jobs import CATCH_UP, install_jobs
from bot.pacing import Pacer
from bot.services import Services
from bot.settings import Settings
from bot.store import SENT, Broadcast, Key, Store, StoreError
from engine.state import User
from tests.fakes.clock import FakeTime
from tests.fakes.polling import polling
from tests.fakes.telegram_api import FakeTelegramServer, SentMessage
from tests.test_reminders import ADMIN, COORD, TZ, FakeCache, dataset

DAY = 86400.0
GROUP, DELFT_USER = -700, 31


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 6, 24, 7, 0, tzinfo=TZ).timestamp()

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def running(db: Path, server: FakeTelegramServer, clock: Callable[[], float], **env):
    data = dataset()
    data.users.append(User(DELFT_USER, "Delft", "gemeente", "Delft"))
    settings = Settings(
        {
            "TAAKBOT_TELEGRAM_TOKEN": server.token,
            "TAAKBOT_TELEGRAM_API_URL": server.base_url,
            "TAAKBOT_DB": str(db),
            **env,
        }
    )
    services = Services(
        cache=FakeCache(data), admins=frozenset({ADMIN}), fixed_today=date(2024, 6, 24)
    )
    ft = FakeTime()
    app = build_application(settings, services, pacer=Pacer(clock=ft.clock, sleep=ft.sleep))
    store = Store(db, clock=clock)
    now = datetime(2024, 6, 24, 7, 0, tzinfo=TZ)
    pushes = install_jobs(app, settings, services, store=store, now=lambda: now)
    install_retention(app, store, settings["TAAKBOT_RETENTION_DAYS"])
    for job in app.job_queue.get_jobs_by_name(CATCH_UP):
        job.schedule_removal()
    try:
        async with polling(app):
            yield app, store
    finally:
        await pushes.idle()
        store.close()


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake


async def say(server, text: str, user: int, lang: str = "nl", chat: int | None = None):
    chat = user if chat is None else chat
    before = len(server.sent_messages(chat))
    server.push_message(chat, text, user_id=user, language_code=lang)
    return (await server.wait_for_messages(before + 1, chat_id=chat))[before]


async def press(server, message: SentMessage, row: int, col: int, user: int) -> SentMessage:
    data = message.reply_markup["inline_keyboard"][row][col]["callback_data"]
    before = len(server.sent_messages(message.chat_id))
    server.push_callback_query(message.chat_id, user, data, message.message_id)
    return (await server.wait_for_messages(before + 1, chat_id=message.chat_id))[before]


async def test_language_choice_survives_a_restart(tmp_path: Path, server) -> None:
    db, clock = tmp_path / "t.sqlite", Clock()
    async with running(db, server, clock):
        await say(server, "/taal en", ADMIN)
    async with running(db, server, clock):  # a redeploy: new process, same volume
        reply = await say(server, "/help", ADMIN, lang="nl")
    assert "municipality" in reply.text.lower()


@pytest.mark.parametrize(
    ("env", "days"), [({}, "400 dagen"), ({"TAAKBOT_RETENTION_DAYS": "90"}, "90")]
)
async def test_privacy_says_what_is_kept_and_how_long(tmp_path, server, env, days) -> None:
    async with running(tmp_path / "t.sqlite", server, Clock(), **env):
        reply = await say(server, "/privacy", DELFT_USER)
    for kept in ("Telegram-id", "naam", "volgt", "verzendlogboek", days, "/vergeet"):
        assert kept in reply.text, kept


async def test_vergeet_erases_after_confirmation(tmp_path: Path, server) -> None:
    async with running(tmp_path / "t.sqlite", server, Clock()) as (_app, store):
        await say(server, "/volg Delft", DELFT_USER)
        await say(server, "/taal en", DELFT_USER)
        store.subscriptions.subscribe(
            GROUP, "gemeente", "Delft", DELFT_USER, "nl"
        )  # made for a group
        store.subscriptions.subscribe(COORD, "regio", "Haaglanden", COORD, "nl")  # someone else's
        store.ledger.claim([Key("auto:x", "gemeente:Delft", "2024-07-01", DELFT_USER)])
        ask = await say(server, "/vergeet", DELFT_USER)
        assert "Are you sure?" in ask.text  # the chosen language still applies
        no = await press(server, ask, 0, 1, DELFT_USER)
        assert "Nothing was erased" in no.text and store.people.language(DELFT_USER) == "en"
        ask = await say(server, "/vergeet", DELFT_USER)
        done = await press(server, ask, 0, 0, DELFT_USER)
        assert "Erased: 4 records" in done.text  # 2 subscriptions, 1 ledger row, 1 language
        assert (
            store.subscriptions.active(DELFT_USER) == []
            and store.subscriptions.active(GROUP) == []
        )
        assert store.people.language(DELFT_USER) is None and store.ledger.rows("auto:") == []
        assert [s.chat_id for s in store.subscriptions.active()] == [COORD]
        after = await say(server, "/help", DELFT_USER)  # the memory forgot the language too
        assert "gemeente" in after.text.lower()


async def test_retention_job_purges_old_delivery_log(tmp_path: Path, server) -> None:
    clock = Clock()
    async with running(tmp_path / "t.sqlite", server, clock) as (app, store):
        assert app.job_queue.get_jobs_by_name(RETENTION_JOB)  # daily
        old, new, busy = (Key("auto:x", "s", d, 1) for d in ("2023-01-01", "2024-06-01", "p"))
        store.ledger.claim([old])
        store.ledger.settle([old], SENT)
        store.broadcasts.create(Broadcast(0, 1, 1, "nl", "x", "*", "2023-01-01", "t", (1,)))
        clock.now += 401 * DAY
        store.ledger.claim([new])
        store.ledger.settle([new], SENT)
        store.ledger.claim([busy])  # still being sent: never purged
        (job,) = app.job_queue.get_jobs_by_name(RETENTION_JOB)
        assert await job.callback(None) == 2
        assert [k for k, _, _ in store.ledger.rows("auto:")] == [new, busy]


async def test_database_deleted_while_running_is_noticed(tmp_path: Path, server) -> None:
    db = tmp_path / "t.sqlite"
    async with running(db, server, Clock()) as (_app, store):
        await say(server, "/volg Delft", DELFT_USER)
        db.unlink()
        with pytest.raises(StoreError, match="verwijderd"):
            store.subscriptions.active()
        reply = await say(server, "/mijn", DELFT_USER)
        assert "Sorry" in reply.text and "verwijderd" not in reply.text


def test_vergeet_also_erases_access_requests_in_the_same_file(tmp_path: Path) -> None:
    from bot.access import AccessBook

    db = tmp_path / "t.sqlite"
    store = Store(db)
    requests = AccessBook(str(db))
    requests.ask(DELFT_USER, "Jan Jansen", "gemeente", "Delft")
    requests.ask(COORD, "Iemand anders", "coordinator", "Haaglanden")
    assert store.people.forget(DELFT_USER) == 1
    names = [r[0] for r in sqlite3.connect(db).execute("SELECT user_name FROM access_requests")]
    assert names == ["Iemand anders"]
