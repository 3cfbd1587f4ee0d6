"""No reply waits for the sheet: start-up, the refresh job and /ververs through the real bot."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pytest

from bot.app import build_application
from bot.pacing import Pacer
from bot.refresh import REFRESH, Refresher, install_refresh
from bot.services import Services
from bot.settings import Settings
from sheets.runtime.cache import SheetCache
from sheets.sources.local import default_source
from tests.fakes.clock import FakeTime
from tests.fakes.telegram_api import FakeTelegramServer

ADMIN, OTHER = 4242, 4343


@cache
def sample() -> dict[str, list[list[Any]]]:
    return default_source().fetch()


class SlowSheet:
    """The sample workbook behind a gate: a read waits until the test opens it."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.reading = threading.Event()
        self.reads = 0

    def describe(self) -> str:
        return "trage sheet"

    def fetch(self) -> dict[str, list[list[Any]]]:
        self.reads += 1
        self.reading.set()
        assert self.gate.wait(10), "the test never opened the gate"
        self.reading.clear()
        return {tab: [list(r) for r in rows] for tab, rows in sample().items()}


@dataclass
class Running:
    server: FakeTelegramServer
    sheet: SlowSheet
    cache: SheetCache
    app: Any


@pytest.fixture
async def running() -> AsyncIterator[Running]:
    sheet = SlowSheet()
    cache = SheetCache(sheet, ttl=300, min_interval=0)
    async with FakeTelegramServer() as server:
        settings = Settings(
            {"TAAKBOT_TELEGRAM_TOKEN": server.token, "TAAKBOT_TELEGRAM_API_URL": server.base_url}
        )
        services = Services(
            cache=cache, admins=frozenset({ADMIN, OTHER}), fixed_today=date(2022, 3, 21)
        )
        ft = FakeTime()
        app = build_application(settings, services, pacer=Pacer(clock=ft.clock, sleep=ft.sleep))
        install_refresh(app, cache, switch_interval=None)  # no process-wide change in tests
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield Running(server, sheet, cache, app)
        finally:
            sheet.gate.set()  # let a read still waiting finish
            await app.updater.stop()
            await app.stop()
            await app.shutdown()


async def loaded(cache: SheetCache) -> None:
    for _ in range(2000):
        if cache.loaded:
            return
        await asyncio.sleep(0.005)  # polling a worker thread's progress, not a fixed wait
    raise AssertionError("the sheet was never loaded")


async def ask(server: FakeTelegramServer, text: str, user: int = ADMIN) -> str:
    before = len(server.sent_messages(user))
    server.push_message(user, text, user_id=user)
    sent = await server.wait_for_messages(before + 1, chat_id=user)
    return sent[before].text or ""


async def test_start_up_answers_while_the_first_read_runs(running: Running) -> None:
    assert await asyncio.to_thread(running.sheet.reading.wait, 5)  # the job started the read
    assert "Taakbot" in await ask(running.server, "/start")
    assert "/stand" in await ask(running.server, "/help")
    assert "gegevens worden geladen" in await ask(running.server, "/stand Delft")
    assert "gegevens worden geladen" in await ask(running.server, "Delft", user=OTHER)
    running.sheet.gate.set()
    await loaded(running.cache)
    assert "Delft" in await ask(running.server, "/stand Delft")
    assert running.sheet.reads == 1


async def test_another_user_is_answered_while_ververs_reads_the_sheet(running: Running) -> None:
    running.sheet.gate.set()
    await loaded(running.cache)
    running.sheet.gate.clear()
    running.server.push_message(ADMIN, "/ververs", user_id=ADMIN)
    assert await asyncio.to_thread(running.sheet.reading.wait, 5)
    # the sheet is being read: someone else's question is answered from the data in hand
    assert "Delft" in await ask(running.server, "/stand Delft", user=OTHER)
    assert not running.server.sent_messages(ADMIN)  # /ververs still waits for the read
    running.sheet.gate.set()
    (done,) = await running.server.wait_for_messages(1, chat_id=ADMIN)
    assert "opnieuw gelezen" in done.text and running.sheet.reads == 2
    running.cache.min_interval = 30
    again = await ask(running.server, "/ververs")  # throttled: no third read
    assert running.sheet.reads == 2 and "net gelezen" in again


async def test_the_job_reads_only_when_the_data_is_due() -> None:
    sheet, clock = SlowSheet(), FakeTime()
    sheet.gate.set()
    cache = SheetCache(sheet, ttl=300, retry=30, clock=clock)
    refresher = Refresher(cache)
    assert refresher.tick == 30
    assert (await refresher.run()).ok and sheet.reads == 1
    assert await refresher.run() is None
    clock.advance(300)
    assert (await refresher.run()).ok and sheet.reads == 2
    assert REFRESH == "sheet:refresh"


async def test_replies_and_a_broadcast_share_one_limiter_without_429(running: Running) -> None:
    """The bot's own limiter and the broadcaster count in the same Pacer: Telegram's limits
    (enforced by the fake on the same virtual clock) are never exceeded, nothing is lost."""
    from bot.broadcast import Broadcaster, Outgoing
    from bot.jobs import sender

    server, app = running.server, running.app
    running.sheet.gate.set()
    await loaded(running.cache)
    limiter = app.bot.rate_limiter
    server.clock = limiter.pacer.clock  # the fake judges by the pacer's virtual clock
    server.enforce_limits()
    chats = [*range(20_000, 20_080), -30_001, -30_002]
    broadcast = asyncio.create_task(
        Broadcaster(sender(app.bot), limiter.pacer).run(
            [Outgoing(c, ["een", "twee"] if c % 7 == 0 else ["een"]) for c in chats]
        )
    )
    answers = [await ask(server, "/help", user=u) for u in (ADMIN, OTHER)]
    summary = await broadcast
    assert all("Taakbot" in a for a in answers)
    assert sorted(summary.sent) == sorted(chats) and not summary.failed
    assert server.count_429 == 0
    sent = [m.chat_id for m in server.sent_messages() if m.chat_id in chats]
    assert len(sent) == sum(2 if c % 7 == 0 else 1 for c in chats)  # none lost, none twice
    assert (limiter.pacer.replies, limiter.pacer.broadcasts) == (2, len(sent))  # each counted once


async def test_before_the_first_read_admins_see_why_it_fails() -> None:
    from commands.router import handle

    class Broken:
        def describe(self) -> str:
            return "kapotte sheet"

        def fetch(self) -> dict[str, list[list[Any]]]:
            raise OSError("niet gedeeld met het service-account")

    cache = SheetCache(Broken(), retry=30, clock=FakeTime())
    services = Services(cache=cache, admins=frozenset({ADMIN}), fixed_today=date(2022, 3, 21))
    assert not (await Refresher(cache).run()).ok
    admin = handle(services.ctx(ADMIN), "/stand Delft").text
    stranger = handle(services.ctx(OTHER), "/stand Delft").text
    assert "gegevens worden geladen" in admin and "niet gedeeld" in admin
    assert "gegevens worden geladen" in stranger and "niet gedeeld" not in stranger
