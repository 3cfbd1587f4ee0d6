"""Heavy work in its own lane, through the real Application and the fake Bot API: while the one
worker (TAAKBOT_LANE_WORKERS=1) drafts letters, a second *Brieven* hears its place in the queue
at once, a second press by the same person joins the first, /stand is answered, and every
requester gets one .zip, sent from a temporary file that is gone afterwards."""

from __future__ import annotations

import asyncio
import functools
import io
import threading
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.services import Services
from bot.settings import Settings
from commands.context import Front
from commands.round.letters.bundle import LetterDefaults, zipped
from sheets.runtime.cache import SheetCache
from sheets.sources.local import LocalSource
from tests.fakes.polling import polling
from tests.fakes.telegram_api import FakeTelegramServer
from tests.test_ronde_e2e import ADMIN, TODAY, UTRECHT_STAFF, workbook_copy

BRIEVEN = "/ronde brieven 1-10-2022 Utrecht"  # what the Brieven button asks


class Letters:
    """The real letters, held at a gate the test opens; remembers the archives it made."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Semaphore(0)
        self.archives: list[Path] = []
        self.make = functools.partial(zipped, defaults=LetterDefaults("A. de Vries"))

    def __call__(self, ctx: Any, rnd: Any, provincie: str) -> tuple[Path, str, int]:
        self.started.release()
        self.gate.wait(10)
        path, name, n = self.make(ctx, rnd, provincie)
        self.archives.append(path)
        return path, name, n


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegramServer, Letters]]:
    path = workbook_copy(tmp_path)
    letters = Letters()
    async with FakeTelegramServer() as server:
        settings = Settings(
            {
                "TAAKBOT_TELEGRAM_TOKEN": server.token,
                "TAAKBOT_TELEGRAM_API_URL": server.base_url,
                "TAAKBOT_LANE_WORKERS": "1",
            }
        )
        cache = SheetCache(LocalSource(path))
        cache.get()
        services = Services(
            cache=cache,
            admins=frozenset({ADMIN}),
            fixed_today=TODAY,
            front=Front(letters=letters),
        )
        async with polling(build_application(settings, services)):
            yield server, letters
        letters.gate.set()


async def press(server: FakeTelegramServer, user: int, n: int = 1) -> list[Any]:
    before = len(server.sent_messages(user))
    server.push_message(user, BRIEVEN, user_id=user)
    return (await server.wait_for_messages(before + n, chat_id=user))[before:]


async def test_queued_joined_answered_and_every_requester_gets_one_zip(bot) -> None:
    server, letters = bot
    (first,) = await press(server, ADMIN)
    assert "Bezig met 26 brieven" in first.text and "rij" not in first.text
    assert letters.started.acquire(timeout=5)  # the one worker is busy with ADMIN's letters

    (queued,) = await press(server, UTRECHT_STAFF)
    assert "In de rij: nummer 1; ik stuur het zodra het klaar is." in queued.text
    (again,) = await press(server, ADMIN)
    assert "Dit verzoek loopt al; ik stuur het zodra het klaar is." in again.text

    before = len(server.sent_messages(UTRECHT_STAFF))
    server.push_message(UTRECHT_STAFF, "/stand Leusden", user_id=UTRECHT_STAFF)
    (stand,) = (await server.wait_for_messages(before + 1, chat_id=UTRECHT_STAFF))[before:]
    assert "Leusden" in stand.text and letters.archives == []  # answered while letters wait

    letters.gate.set()
    for user in (ADMIN, UTRECHT_STAFF):
        await server.wait_until(
            lambda u=user: [m for m in server.sent_messages(u) if m.method == "sendDocument"]
        )
    await server.wait_until(lambda: len(letters.archives) == 2)
    for user in (ADMIN, UTRECHT_STAFF):
        (sent,) = [m for m in server.sent_messages(user) if m.method == "sendDocument"]
        assert "26 brieven voor Utrecht" in sent.text
        with zipfile.ZipFile(io.BytesIO(sent.document)) as archive:
            assert len([n for n in archive.namelist() if n.endswith(".docx")]) == 26
    # sent from disk, then removed right after Telegram's answer (no API call follows it)
    async with asyncio.timeout(5):
        while any(p.exists() for p in letters.archives):
            await asyncio.sleep(0.005)
