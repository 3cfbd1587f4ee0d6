"""Webhook mode end to end: Telegram (our fake) → our HTTP server → the real Application.

Forged updates without the secret header, with a wrong one, or on another path are refused and
answer nothing; /healthz reports the database, and turns 503 when the file disappears.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import aiohttp
import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_application, serve
from bot.jobs import CATCH_UP, install_jobs
from bot.pacing import Pacer
from bot.services import Services
from bot.settings import SettingError, Settings
from bot.store import Store
from bot.webhook import SECRET_HEADER
from tests.fakes.clock import FakeTime
from tests.fakes.telegram_api import FakeTelegramServer
from tests.test_reminders import ADMIN, TZ, FakeCache, dataset

SECRET = "s3cret-for-the-webhook-test_0123456789"
PATH = "/telegram/taakbot-hook"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Hook:
    server: FakeTelegramServer
    url: str
    health: str
    db: Path
    app: object


@pytest.fixture
async def hook(tmp_path: Path) -> AsyncIterator[Hook]:
    port = free_port()
    async with FakeTelegramServer() as server:
        settings = Settings(
            {
                "TAAKBOT_TELEGRAM_TOKEN": server.token,
                "TAAKBOT_TELEGRAM_API_URL": server.base_url,
                "TAAKBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}{PATH}",
                "TAAKBOT_WEBHOOK_SECRET": SECRET,
                "TAAKBOT_WEBHOOK_PORT": str(port),
                "TAAKBOT_DB": str(tmp_path / "taakbot.sqlite"),
            }
        )
        services = Services(
            cache=FakeCache(dataset()), admins=frozenset({ADMIN}), fixed_today=date(2024, 6, 24)
        )
        ft = FakeTime()
        app = build_application(settings, services, pacer=Pacer(clock=ft.clock, sleep=ft.sleep))
        now = datetime(2024, 6, 24, 7, 0, tzinfo=TZ)
        store = Store(settings["TAAKBOT_DB"], clock=now.timestamp)
        install_jobs(app, settings, services, store=store, now=lambda: now)
        for job in app.job_queue.get_jobs_by_name(CATCH_UP):
            job.schedule_removal()
        stop = asyncio.Event()
        task = asyncio.create_task(serve(app, settings, stop))
        await server.wait_until(lambda: server.calls_to("setWebhook") or task.done())
        try:
            yield Hook(
                server,
                f"http://127.0.0.1:{port}{PATH}",
                f"http://127.0.0.1:{port}/healthz",
                tmp_path / "taakbot.sqlite",
                app,
            )
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)


def update(text: str, user: int = ADMIN, update_id: int | None = None) -> dict:
    return {
        "update_id": 1000 + user if update_id is None else update_id,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user, "type": "private", "first_name": "X"},
            "from": {"id": user, "is_bot": False, "first_name": "X", "language_code": "nl"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": text.find(" ")}],
        },
    }


async def post(url: str, body: dict, secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        return response.status


async def test_set_webhook_with_secret_path_and_loopback(hook: Hook) -> None:
    (call,) = hook.server.calls_to("setWebhook")
    assert call["url"] == hook.url and call["secret_token"] == SECRET
    http = hook.app.bot_data.http
    assert http.address == "127.0.0.1"  # not 0.0.0.0 unless TAAKBOT_WEBHOOK_LISTEN says so


@pytest.mark.parametrize(
    ("secret", "path", "status"),
    [
        (None, PATH, 403),  # a forged update "from admin" without the header
        ("wrong-secret-of-enough-length", PATH, 403),
        (SECRET[:-1], PATH, 403),
        (SECRET, "/", 404),  # the URL path is honoured: nothing else answers
        (SECRET, "/telegram", 404),
    ],
)
async def test_forged_updates_are_refused(hook: Hook, secret, path, status) -> None:
    seen: list[int] = []

    async def spy(upd: Update, context: object) -> None:
        seen.append(upd.update_id)

    hook.app.add_handler(TypeHandler(Update, spy), group=-1)  # sees every update dispatched
    url = hook.url.replace(PATH, path)
    assert await post(url, update("/stand Delft", update_id=1), secret) == status
    # No fixed wait: a genuine update after the forged one. Updates are dispatched in the order
    # they arrive, so once the genuine one is seen and answered, a forged one that got in would
    # have been seen before it and its reply would be on its way.
    assert await post(hook.url, update("/help", update_id=2), SECRET) == 200
    await hook.server.wait_until(lambda: 2 in seen)
    (reply,) = await hook.server.wait_for_messages(1, chat_id=ADMIN)
    assert seen == [2]
    assert "Delft" not in reply.text
    assert len(hook.server.sent_messages(ADMIN)) == 1


async def test_update_with_the_secret_is_answered(hook: Hook) -> None:
    assert await post(hook.url, update("/stand Delft"), SECRET) == 200
    (reply,) = await hook.server.wait_for_messages(1, chat_id=ADMIN)
    assert "Delft" in reply.text


async def test_garbage_body_is_a_400_not_a_crash(hook: Hook) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(hook.url, data=b"{not json", headers={SECRET_HEADER: SECRET}) as response,
    ):
        assert response.status == 400
    assert await post(hook.url, update("/help"), SECRET) == 200


async def test_health_endpoint_and_a_deleted_database(hook: Hook) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(hook.health) as response:
            assert response.status == 200
            body = await response.json()
        assert body["status"] == "ok" and body["database"] == "ok"
        hook.db.unlink()
        async with session.get(hook.health) as response:
            assert response.status == 503
            body = await response.json()
    assert "verwijderd" in body["database"]


def test_webhook_without_secret_is_refused_at_start() -> None:
    settings = Settings(
        {
            "TAAKBOT_TELEGRAM_TOKEN": "123456:ABCDEFGHIJ",
            "TAAKBOT_WEBHOOK_URL": "https://bot.example.nl/hook",
        }
    )
    with pytest.raises(SettingError, match="TAAKBOT_WEBHOOK_SECRET ontbreekt"):
        settings.check_for_run()


async def test_polling_mode_serves_health_only(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.cli import main

    port = free_port()
    async with FakeTelegramServer() as server:
        env = {
            "TAAKBOT_TELEGRAM_TOKEN": server.token,
            "TAAKBOT_TELEGRAM_API_URL": server.base_url,
            "TAAKBOT_HEALTH_PORT": str(port),
            "TAAKBOT_DB": str(tmp_path / "t.sqlite"),
        }
        settings = Settings(env)
        services = Services(cache=FakeCache(dataset()), admins=frozenset({ADMIN}))
        app = build_application(settings, services)
        store = Store(settings["TAAKBOT_DB"])
        install_jobs(app, settings, services, store=store)
        for job in app.job_queue.jobs():
            job.schedule_removal()
        stop = asyncio.Event()
        task = asyncio.create_task(serve(app, settings, stop))
        try:
            await server.wait_until(lambda: server.calls_to("getUpdates") or task.done())
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            assert await asyncio.to_thread(main, ["health"]) == 0  # what the HEALTHCHECK runs
            assert '"database": "ok"' in capsys.readouterr().out
            assert await post(f"http://127.0.0.1:{port}{PATH}", update("/help"), SECRET) == 404
            assert server.calls_to("setWebhook") == []
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
    assert services.cache.closed, "post_shutdown closes the sheet source"
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        store.subscriptions.active()  # and the store
    monkeypatch.setenv("TAAKBOT_HEALTH_PORT", str(port))  # the bot is gone: unhealthy
    assert await asyncio.to_thread(main, ["health"]) == 1


async def test_port_in_use_is_a_setting_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        async with FakeTelegramServer() as server:
            settings = Settings(
                {
                    "TAAKBOT_TELEGRAM_TOKEN": server.token,
                    "TAAKBOT_TELEGRAM_API_URL": server.base_url,
                    "TAAKBOT_HEALTH_PORT": str(port),
                }
            )
            app = build_application(
                settings, Services(cache=FakeCache(dataset()), admins=frozenset())
            )
            with pytest.raises(SettingError, match=f"Poort {port}"):
                await serve(app, settings, asyncio.Event())
