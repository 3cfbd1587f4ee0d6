"""`taakbot weekoverzicht [--nu]`: the moment it stands for, and Telegram through the real client
when a token is set, once per week however often it runs."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bot.channels.weekly import moment, send_weekly, slot_of
from bot.services import Services
from bot.settings import Settings
from bot.store import Store
from tests.fakes.telegram_api import FakeTelegramServer
from tests.test_reminders import ADMIN, TZ, FakeCache, dataset


@pytest.mark.parametrize(
    ("now", "at_once", "today", "slot"),
    [
        (datetime(2024, 6, 17, 8, 0, tzinfo=TZ), False, None, date(2024, 6, 10)),  # before 08:30
        (datetime(2024, 6, 17, 8, 0, tzinfo=TZ), True, None, date(2024, 6, 17)),  # --nu
        (datetime(2024, 6, 19, 12, 0, tzinfo=TZ), False, None, date(2024, 6, 17)),
        (datetime(2026, 12, 7, 7, 0, tzinfo=TZ), True, "2022-11-09", date(2022, 11, 7)),
    ],
)
def test_the_moment_and_its_week(now, at_once, today, slot) -> None:
    settings = Settings({"TAAKBOT_TODAY": today} if today else {})
    assert slot_of(settings, moment(settings, now, at_once)) == slot


async def test_telegram_too_when_a_token_is_set_and_once_a_week(tmp_path: Path) -> None:
    async with FakeTelegramServer() as server:
        settings = Settings(
            {
                "TAAKBOT_TELEGRAM_TOKEN": server.token,
                "TAAKBOT_TELEGRAM_API_URL": server.base_url,
                "TAAKBOT_DB": str(tmp_path / "t.sqlite"),
            }
        )
        store = Store(settings["TAAKBOT_DB"], clock=lambda: 0.0)  # followed long before
        store.subscriptions.subscribe(31, "regio", "Haaglanden", ADMIN, "nl")
        store.close()
        services = Services(cache=FakeCache(dataset()), admins=frozenset({ADMIN}))
        when = moment(settings, datetime(2024, 6, 17, 8, 0, tzinfo=TZ), True)
        first = await send_weekly(settings, services, when)
        again = await send_weekly(settings, services, when)
        assert first.telegram and first.slot == date(2024, 6, 17)
        assert first.summary is not None and first.summary.sent == [31]
        assert again.summary is not None and again.summary.sent == []
        [message] = server.sent_messages(31)
        assert "Weekoverzicht" in message.text and "17 juni 2024" in message.text
