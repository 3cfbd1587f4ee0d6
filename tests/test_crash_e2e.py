"""At most once across a crash, with the real process (issue 19): `taakbot run` sends a confirmed
reminder to 40 chats through the fake Bot API, which delivers each message on arrival but answers
only 0.3 s later; when the 12th arrives the process is killed (SIGKILL), with several requests
delivered and unanswered. Started again at once, the bot takes the dead process's rows over:
what was never sent goes now, what was in flight is uncertain, counted in the report and never
resent by itself. No chat gets the reminder twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.store import SENT, UNCERTAIN, Broadcast, Store
from tests.fakes.telegram_api import FakeTelegramServer

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 4242
CHATS = list(range(9001, 9041))
TEXT = "Herinnering: stuur de huurcontracten vóór 4 juli in."
ANSWER_DELAY = 0.3  # Telegram has delivered, its answer is still on the way
KILL_AT = 12  # the message whose arrival kills the process


@contextmanager
def taakbot_run(server: FakeTelegramServer, db: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TAAKBOT_TELEGRAM_TOKEN": server.token,
        "TAAKBOT_TELEGRAM_API_URL": server.base_url,
        "TAAKBOT_DB": str(db),
        "TAAKBOT_ADMINS": str(ADMIN),
        "TAAKBOT_TODAY": "2022-06-27",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(db.parent / "taakbot.log").open("ab"),  # to read when it fails
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def until(predicate: Any, seconds: float) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {seconds} s")


async def test_sigkill_mid_broadcast_sends_nothing_twice_and_reports_the_uncertain(
    tmp_path: Path,
) -> None:
    db = tmp_path / "taakbot.sqlite"
    store = Store(db)
    bid = store.broadcasts.create(
        Broadcast(0, ADMIN, ADMIN, "nl", "huurcontracten", "Zuid-Holland", "2022-07-04", TEXT,
                  tuple(CHATS))
    )  # fmt: skip
    assert store.broadcasts.move(bid, "preview", "confirmed")  # resumed by the start-up round
    store.close()
    arrived: list[int] = []  # chats in the order their reminder reached "Telegram"
    answered: set[int] = set()  # … and whose answer went back before the kill
    running: list[subprocess.Popen[bytes]] = []

    async with FakeTelegramServer() as server:

        async def send_message(params: dict[str, Any]) -> dict[str, Any]:
            message = server._m_sendMessage(params)  # delivered
            chat = message["chat"]["id"]
            if params.get("text") == TEXT:
                arrived.append(chat)
                if len(arrived) == KILL_AT:
                    os.kill(running[0].pid, signal.SIGKILL)
            await asyncio.sleep(ANSWER_DELAY)
            if running[-1].poll() is None:
                answered.add(chat)
            return message

        server.add_method("sendMessage", send_message)
        with taakbot_run(server, db) as first:
            running.append(first)
            await until(lambda: first.poll() is not None, 20)
        assert first.returncode == -signal.SIGKILL
        in_flight = set(arrived) - answered  # delivered, the process never heard so
        with taakbot_run(server, db) as second:  # at once, not 15 minutes later
            running.append(second)
            await until(lambda: server.sent_messages(ADMIN), 20)
            second.kill()  # the report is the last thing it does; no need to wait its shutdown
        report = server.sent_messages(ADMIN)[-1].text

    twice = [chat for chat, n in Counter(arrived).items() if n > 1]
    assert twice == []
    with sqlite3.connect(db) as ledger:  # as the second process left it
        rows = dict(ledger.execute("SELECT chat_id, status FROM ledger").fetchall())
    uncertain = {chat for chat, status in rows.items() if status == UNCERTAIN}
    assert set(rows) == set(CHATS) and set(rows.values()) == {SENT, UNCERTAIN}
    assert in_flight and in_flight <= uncertain  # maybe delivered: never resent by itself
    assert set(arrived) | uncertain == set(CHATS)  # nothing lost without a word
    assert {chat for chat, status in rows.items() if status == SENT} == set(arrived) - uncertain
    n = len(uncertain)
    assert f"40 gesprekken: {40 - n} afgeleverd, 0 mislukt, 0 geblokkeerd" in report
    onzeker = "1 bericht is onzeker" if n == 1 else f"{n} berichten zijn onzeker"
    assert onzeker in report and f"/herinnering opnieuw {bid}" in report
