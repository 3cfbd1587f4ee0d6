"""Paced broadcasting: Telegram's limits on a virtual clock, faults from the fake Bot API."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.constants import ParseMode

from bot.broadcast import Broadcaster, Outgoing, Pacer
from bot.store import BLOCKED, SENT
from tests.fakes.telegram_api import ApiError, FakeTelegramServer


class VirtualTime:
    """A clock that only moves when someone sleeps (one task at a time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def max_in_window(stamps: list[float], period: float) -> int:
    window: deque[float] = deque()
    most = 0
    for t in sorted(stamps):
        window.append(t)
        while window[0] <= t - period:
            window.popleft()
        most = max(most, len(window))
    return most


async def test_pacer_keeps_every_limit_on_a_virtual_clock() -> None:
    vt = VirtualTime()
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    chats = [*range(1, 61), *range(-10, 0)]
    order = [c for _ in range(3) for c in chats]  # three rounds: every chat thrice
    stamps: dict[int, list[float]] = {}
    for chat in order:
        granted = await pacer.wait_turn(chat)
        assert granted == pytest.approx(vt.now)
        stamps.setdefault(chat, []).append(vt.now)
    every = [t for ts in stamps.values() for t in ts]
    assert max_in_window(every, 1.0) <= 26  # 25/s, under Telegram's 30/s
    for chat, ts in stamps.items():
        assert all(b - a >= 1.1 - 1e-9 for a, b in zip(ts, ts[1:], strict=False)), chat
        if chat < 0:
            assert max_in_window(ts, 60.0) <= 20
    assert vt.now < (len(order) - 1) / 25 + 3.2  # slots are wasted only waiting on a group


async def test_a_flood_pause_holds_everyone() -> None:
    vt = VirtualTime()
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    await pacer.wait_turn(1)
    pacer.pause(5)
    assert await pacer.wait_turn(2) >= 5


def quick_pacer() -> Pacer:
    """Relaxed pacing for fault tests without enforced limits."""
    return Pacer(chat_interval=0.02, group_interval=0.02)


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as srv:
        yield srv


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with Bot(
        server.token, base_url=server.base_url, base_file_url=server.base_file_url
    ) as b:
        yield b


def html_sender(bot: Bot):
    async def send(chat_id: int, text: str) -> None:
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)

    return send


async def test_broadcast_within_enforced_limits_loses_nothing(server, bot) -> None:
    server.enforce_limits()
    chats = [*range(100, 140), -501, -502]
    results: dict[int, str] = {}
    summary = await Broadcaster(html_sender(bot)).run(
        [Outgoing(c, [f"<b>Hallo</b> {c}"]) for c in chats],
        on_result=lambda item, status, error: results.__setitem__(item.chat_id, status),
    )
    assert server.count_429 == 0 and summary.retries_429 == 0
    assert sorted(summary.sent) == sorted(chats) and results == dict.fromkeys(chats, SENT)
    assert sorted(m.chat_id for m in server.sent_messages()) == sorted(chats)  # exactly once


async def test_chunks_to_one_chat_arrive_in_order_a_second_apart(server, bot) -> None:
    server.enforce_limits()
    summary = await Broadcaster(html_sender(bot)).run(
        [Outgoing(7, ["een", "twee"]), Outgoing(8, ["x"]), Outgoing(7, ["drie"])]
    )
    assert server.count_429 == 0 and sorted(summary.sent) == [7, 8]
    sent = server.sent_messages(7)
    assert [m.text for m in sent] == ["een", "twee", "drie"]
    assert all(b.time - a.time >= 1.0 for a, b in zip(sent, sent[1:], strict=False))


async def test_blocked_chat_is_reported_and_the_rest_delivered(server, bot) -> None:
    server.block_chat(3)
    results = {}
    summary = await Broadcaster(html_sender(bot)).run(
        [Outgoing(c, ["bericht"]) for c in (1, 2, 3, 4)],
        on_result=lambda item, status, error: results.__setitem__(item.chat_id, (status, error)),
    )
    assert summary.blocked == [3] and sorted(summary.sent) == [1, 2, 4]
    assert results[3][0] == BLOCKED and "blocked" in results[3][1]


async def test_429_waits_retry_after_and_continues(server, bot) -> None:
    server.fail_next("sendMessage", error_code=429, retry_after=1)
    summary = await Broadcaster(html_sender(bot)).run([Outgoing(c, ["x"]) for c in (1, 2)])
    assert summary.retries_429 == 1 and sorted(summary.sent) == [1, 2]
    assert len(server.sent_messages()) == 2 and server.count_429 == 1


async def test_network_errors_are_retried_with_back_off(server, bot) -> None:
    server.fail_next("sendMessage", error_code=502, times=2)
    summary = await Broadcaster(html_sender(bot), quick_pacer(), backoff=0.01).run(
        [Outgoing(1, ["x"])]
    )
    assert summary.sent == [1] and len(server.sent_messages(1)) == 1


async def test_network_errors_give_up_after_max_retries(server, bot) -> None:
    server.fail_next("sendMessage", error_code=502, times=10)
    summary = await Broadcaster(html_sender(bot), quick_pacer(), backoff=0.001, max_retries=2).run(
        [Outgoing(1, ["x"])]
    )
    assert list(summary.failed) == [1] and server.sent_messages() == []


async def test_bad_request_and_a_crashing_chat_do_not_stop_the_rest(server, bot) -> None:
    send = html_sender(bot)

    async def flaky(chat_id: int, text: str) -> None:
        if chat_id == 5:
            raise RuntimeError("bug for one chat")
        await send(chat_id, text)

    items = [Outgoing(4, ["a <kapot> tag"]), Outgoing(5, ["ok"]), Outgoing(6, ["ok"])]
    summary = await Broadcaster(flaky).run(items)
    assert summary.sent == [6] and sorted(summary.failed) == [4, 5]
    assert "tag" in summary.failed[4]


async def test_a_group_upgraded_to_a_supergroup_is_followed(server, bot) -> None:
    original = server._methods["sendmessage"]

    def upgraded(params):
        if params.get("chat_id") == -55:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": -10055},
            )
        return original(params)

    server.add_method("sendMessage", upgraded)
    moved = []
    summary = await Broadcaster(
        html_sender(bot), on_migrate=lambda a, b: moved.append((a, b))
    ).run([Outgoing(-55, ["hallo groep"])])
    assert moved == [(-55, -10055)] and summary.sent == [-10055]
    assert [m.text for m in server.sent_messages(-10055)] == ["hallo groep"]
