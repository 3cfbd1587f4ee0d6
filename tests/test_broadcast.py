"""Paced broadcasting: Telegram's limits on a virtual clock, faults from the fake Bot API."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.broadcast import Broadcaster, Outgoing, Pacer, maybe_delivered
from bot.pacing import PacedLimiter
from bot.store import BLOCKED, SENT, UNCERTAIN, Key, Store
from tests.fakes.clock import FakeTime
from tests.fakes.telegram_api import ApiError, FakeTelegramServer

VirtualTime = FakeTime


async def wait_turn(pacer: Pacer, chat_id: int) -> float:
    """Take and at once give back a broadcast place (a send that takes no time)."""
    granted = await pacer.acquire(chat_id)
    pacer.release(chat_id)
    return granted


def max_in_window(stamps: list[float], period: float) -> int:
    window: deque[float] = deque()
    most = 0
    for t in sorted(stamps):
        window.append(t)
        while window[0] <= t - period + 1e-9:  # float sums of 1/28 s
            window.popleft()
        most = max(most, len(window))
    return most


async def test_pacer_keeps_every_limit_on_a_virtual_clock() -> None:
    vt = VirtualTime(0.0)
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    chats = [*range(1, 61), *range(-10, 0)]
    order = [c for _ in range(3) for c in chats]  # three rounds: every chat thrice
    stamps: dict[int, list[float]] = {}
    for chat in order:
        granted = await wait_turn(pacer, chat)
        assert granted == pytest.approx(vt.now)
        stamps.setdefault(chat, []).append(vt.now)
    every = [t for ts in stamps.values() for t in ts]
    assert max_in_window(every, 1.0) <= 28  # 28/s, under Telegram's 30/s
    for chat, ts in stamps.items():
        assert all(b - a >= 1.05 - 1e-9 for a, b in zip(ts, ts[1:], strict=False)), chat
        if chat < 0:
            assert max_in_window(ts, 60.0) <= 19
    assert vt.now < (len(order) - 1) / 28 + 3.1  # slots are wasted only waiting on a group


async def test_a_flood_pause_holds_broadcasts_and_that_chat_but_not_replies() -> None:
    vt = VirtualTime(0.0)
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    await wait_turn(pacer, 1)
    pacer.pause(5, chat_id=1)
    assert await pacer.acquire(2, reply=True) == 0.0  # another user's reply: at once
    pacer.release(2)
    assert await wait_turn(pacer, 3) >= 5
    assert await pacer.acquire(1, reply=True) >= 5


async def test_replies_never_queue_behind_a_broadcast() -> None:
    vt = VirtualTime(0.0)
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    stamps, broadcast = [], []
    for i in range(300):  # a broadcast at full speed, a reply after every third message
        broadcast.append(await wait_turn(pacer, 10_000 + i))
        stamps.append(broadcast[-1])
        if i % 3 == 0:
            asked = vt.now
            granted = await pacer.acquire(i, reply=True)
            pacer.release(i)
            assert granted == asked, "a reply waited for the broadcast"
            stamps.append(granted)
    assert max_in_window(stamps, 1.0) <= 29  # together still under Telegram's 30/s
    assert len(broadcast) / vt.now < 28.01  # the broadcast took what was left


async def test_a_burst_of_replies_holds_the_broadcast_back() -> None:
    vt = VirtualTime(0.0)
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    for user in range(28):
        await pacer.acquire(user, reply=True)
        pacer.release(user)
    assert await wait_turn(pacer, -100) >= 1.0  # the window is the replies'
    assert await pacer.acquire(99, reply=True) >= 1.0 - 1e-9 or pacer.replies == 29


async def test_the_bots_limiter_counts_replies_and_lets_paced_sends_through() -> None:
    vt = VirtualTime(0.0)
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    limiter = PacedLimiter(pacer, max_retries=2)
    answers = iter([RetryAfter(3), "ok"])

    async def call(*args, **kwargs):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def ok(*args, **kwargs):
        return "ok"

    data = {"chat_id": 7, "text": "x"}
    assert await limiter.process_request(call, (), {}, "sendMessage", data, None) == "ok"
    assert pacer.replies == 2 and vt.now >= 3  # retried after the wait Telegram asked for
    await limiter.process_request(ok, (), {}, "sendMessage", data, {"paced": True})
    await limiter.process_request(ok, (), {}, "getUpdates", {}, None)
    await limiter.process_request(ok, (), {}, "answerCallbackQuery", {"chat_id": 7}, None)
    assert pacer.replies == 2 and pacer.broadcasts == 0  # counted once, by whoever paced it


@pytest.fixture
def vt() -> FakeTime:
    return FakeTime(0.0)


def quick_pacer(vt: FakeTime | None = None) -> Pacer:
    """Pacing on the virtual clock: limits kept, nothing really waits."""
    vt = vt or FakeTime(0.0)
    return Pacer(clock=vt.clock, sleep=vt.sleep)


@pytest.fixture
async def server(vt: FakeTime) -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as srv:
        srv.clock = vt.clock  # the fake's flood windows run on the same virtual clock
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


async def test_broadcast_within_enforced_limits_loses_nothing(server, bot, vt) -> None:
    server.enforce_limits()
    chats = [*range(100, 140), -501, -502]
    results: dict[int, str] = {}
    summary = await Broadcaster(html_sender(bot), quick_pacer(vt)).run(
        [Outgoing(c, [f"<b>Hallo</b> {c}"]) for c in chats],
        on_result=lambda item, status, error: results.__setitem__(item.chat_id, status),
    )
    assert server.count_429 == 0 and summary.retries_429 == 0
    assert sorted(summary.sent) == sorted(chats) and results == dict.fromkeys(chats, SENT)
    assert sorted(m.chat_id for m in server.sent_messages()) == sorted(chats)  # exactly once


async def test_chunks_to_one_chat_arrive_in_order_a_second_apart(server, bot, vt) -> None:
    server.enforce_limits()
    summary = await Broadcaster(html_sender(bot), quick_pacer(vt)).run(
        [Outgoing(7, ["een", "twee"]), Outgoing(8, ["x"]), Outgoing(7, ["drie"])]
    )
    assert server.count_429 == 0 and sorted(summary.sent) == [7, 8]
    sent = server.sent_messages(7)
    assert [m.text for m in sent] == ["een", "twee", "drie"]
    assert all(b.time - a.time >= 1.0 for a, b in zip(sent, sent[1:], strict=False))


async def test_blocked_chat_is_reported_and_the_rest_delivered(server, bot) -> None:
    server.block_chat(3)
    results = {}
    summary = await Broadcaster(html_sender(bot), quick_pacer()).run(
        [Outgoing(c, ["bericht"]) for c in (1, 2, 3, 4)],
        on_result=lambda item, status, error: results.__setitem__(item.chat_id, (status, error)),
    )
    assert summary.blocked == [3] and sorted(summary.sent) == [1, 2, 4]
    assert results[3][0] == BLOCKED and "blocked" in results[3][1]


async def test_429_waits_retry_after_and_continues(server, bot) -> None:
    server.fail_next("sendMessage", error_code=429, retry_after=1)
    summary = await Broadcaster(html_sender(bot), quick_pacer()).run(
        [Outgoing(c, ["x"]) for c in (1, 2)]
    )
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
    summary = await Broadcaster(flaky, quick_pacer()).run(items)
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
        html_sender(bot), quick_pacer(), on_migrate=lambda a, b: moved.append((a, b))
    ).run([Outgoing(-55, ["hallo groep"])])
    assert moved == [(-55, -10055)] and summary.sent == [-10055]
    assert [m.text for m in server.sent_messages(-10055)] == ["hallo groep"]


def timed_out(cause: Exception | None) -> NetworkError:
    """A PTB error as HTTPXRequest raises it, with the httpx error as its cause."""
    exc = TimedOut() if isinstance(cause, httpx.TimeoutException) else NetworkError("httpx")
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("error", "uncertain"),
    [
        (timed_out(httpx.ReadTimeout("read")), True),  # sent, no answer: maybe delivered
        (timed_out(httpx.WriteTimeout("write")), True),
        (timed_out(httpx.RemoteProtocolError("closed")), True),
        (timed_out(httpx.ReadError("reset")), True),
        (timed_out(httpx.ConnectTimeout("connect")), False),  # never reached Telegram
        (timed_out(httpx.PoolTimeout("pool")), False),
        (timed_out(httpx.ConnectError("refused")), False),
        (NetworkError("Bad Gateway"), False),  # Telegram answered 502: not delivered
    ],
)
def test_which_network_errors_may_have_delivered(error: NetworkError, uncertain: bool) -> None:
    assert maybe_delivered(error) is uncertain


async def test_a_timed_out_send_is_uncertain_and_not_resent() -> None:
    calls: list[int] = []

    async def send(chat_id: int, text: str) -> None:
        calls.append(chat_id)
        if chat_id == 2:
            raise timed_out(httpx.ReadTimeout("read"))
        if chat_id == 3 and calls.count(3) == 1:
            raise timed_out(httpx.ConnectError("refused"))  # not sent: retried

    results = {}
    summary = await Broadcaster(send, quick_pacer(), backoff=0.01).run(
        [Outgoing(c, ["x"]) for c in (1, 2, 3)],
        on_result=lambda item, status, error: results.__setitem__(item.chat_id, status),
    )
    assert calls.count(2) == 1 and calls.count(3) == 2  # the uncertain one went once
    assert sorted(summary.sent) == [1, 3] and list(summary.uncertain) == [2]
    assert results == {1: SENT, 2: UNCERTAIN, 3: SENT} and summary.total == 3


def test_the_ledger_keeps_uncertain_sends_until_someone_resends_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "ledger.sqlite", clock=lambda: 1000.0)
    key = Key("manual:toets", "Delft", "2024-07-01#1", 42)
    assert store.ledger.claim([key])
    store.ledger.settle([key], UNCERTAIN, "TimedOut")
    assert store.ledger.is_settled(key) and not store.ledger.claim([key])  # never resent by itself
    assert [status for _, status, _ in store.ledger.rows("manual")] == [UNCERTAIN]
    assert store.ledger.release_uncertain("manual:toets") == 1  # on purpose
    assert not store.ledger.is_settled(key) and store.ledger.claim([key])
    store.ledger.settle([key], SENT)
    assert store.ledger.release_uncertain("manual:toets") == 0
    store.close()


async def test_uncertain_sends_are_reported_and_resent_only_on_purpose(tmp_path: Path) -> None:
    from datetime import datetime

    from bot.store import Broadcast
    from commands.router import handle
    from commands.subscriptions import BroadcastRequest
    from tests.test_reminders import ADMIN, TZ, FakeTime, Recorder, dataset, make_pushes

    t = FakeTime(datetime(2024, 6, 24, 10, 0, tzinfo=TZ))
    rec = Recorder(t)
    pushes = make_pushes(tmp_path / "u.sqlite", t, rec, dataset())
    real_send, dropped = pushes.broadcaster.send, []

    async def send(chat_id: int, text: str) -> None:
        await real_send(chat_id, text)
        if chat_id == 2 and not dropped:  # delivered, but the answer never came back
            dropped.append(chat_id)
            raise timed_out(httpx.ReadTimeout("read"))

    pushes.broadcaster.send = send
    store = pushes.store
    bid = store.broadcasts.create(
        Broadcast(0, ADMIN, ADMIN, "nl", "huurcontracten", "Zuid-Holland", "2024-07-04", "Let op",
                  (1, 2, 3))
    )  # fmt: skip
    assert store.broadcasts.move(bid, "preview", "confirmed")
    await pushes.run_broadcast(bid)
    report = rec.sent[-1][2]
    assert "2 afgeleverd" in report and "1 bericht is onzeker" in report
    assert f"/herinnering opnieuw {bid}" in report
    await pushes.hourly()  # the hourly round leaves it alone
    assert [c for _, c, _ in rec.sent].count(2) == 1
    pushes.services.front = pushes.services.front.with_store(store)
    ctx = pushes.services.ctx(ADMIN, "nl", chat_id=ADMIN)
    reply = handle(ctx, f"/herinnering opnieuw {bid}")
    assert isinstance(reply.action, BroadcastRequest) and "1 gesprek" in reply.text
    await pushes.run_broadcast(reply.action.broadcast_id)
    assert [c for _, c, _ in rec.sent].count(2) == 2  # sent again, because someone chose to
    assert "3 afgeleverd" in rec.sent[-1][2]
    again = handle(ctx, f"/herinnering opnieuw {bid}")
    assert again.action is None and "niets onzekers" in again.text
    store.close()
