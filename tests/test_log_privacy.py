"""No Telegram id in the log at INFO and above (issue 19): the log reaches operators of every
province; a chat is named by a keyed hash that is stable within one run."""

from __future__ import annotations

import logging
import re
from datetime import datetime

import pytest

from bot.logids import chat_ref
from tests.test_subscriptions_e2e import BLOCKER, GROUP, TZ, Bot, bot, say  # noqa: F401


# Real ids are 9+ digits: longer than the 8-hex-digit hash, so the check cannot pass or fail
# by chance (a 2-digit id was found in the hash about 3% of runs).
@pytest.mark.parametrize(("chat", "kind"), [(987654321, "gesprek"), (-1001234567890, "groep")])
def test_a_chat_in_the_log_is_a_stable_hash_without_its_id(chat: int, kind: str) -> None:
    ref = chat_ref(chat)
    assert re.fullmatch(rf"{kind} #[0-9a-f]{{8}}", ref) and str(abs(chat)) not in ref
    assert chat_ref(chat) == ref and chat_ref(chat + 1) != ref


async def test_a_blocked_chat_is_logged_without_its_id(
    bot: Bot,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    await say(bot, "/volg Rijswijk", user=BLOCKER)
    bot.server.block_chat(BLOCKER)
    bot.now.when = datetime(2024, 6, 24, 9, 0, tzinfo=TZ)
    with caplog.at_level(logging.INFO):
        summary = await bot.pushes.remind_tick()
    assert summary.blocked == [BLOCKER]
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    blocked = [line for line in lines if "blokkeert de bot" in line]
    assert blocked == [f"{chat_ref(BLOCKER)} blokkeert de bot; abonnementen gestopt"]
    assert not [line for line in lines if re.search(rf"(?<!\d)({BLOCKER}|{-GROUP})(?!\d)", line)]
