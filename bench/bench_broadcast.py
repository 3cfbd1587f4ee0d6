"""Benchmark the paced broadcaster against the fake Bot API with Telegram's limits enforced.

Sends one HTML message to N chats (5 % of them groups) through the real python-telegram-bot
`Bot`, with the fake answering 429 wherever Telegram's flood limits would (30/s overall, 1/s per
chat, 20/min per group). Prints elapsed time, messages per second, 429s received (target 0) and
messages lost or duplicated (must be 0). `--naive` shows the one-big-gather baseline.

    python bench/bench_broadcast.py [--chats 1000] [--rate 25] [--naive]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram import Bot  # noqa: E402
from telegram.constants import ParseMode  # noqa: E402
from telegram.error import TelegramError  # noqa: E402

from bot.broadcast import Broadcaster, Outgoing, Pacer  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramServer  # noqa: E402


def chat_ids(n: int) -> list[int]:
    """Private chats are positive; every twentieth chat is a group (negative)."""
    return [-(100_000 + i) if i % 20 == 0 else 10_000 + i for i in range(n)]


async def run(chats: int, rate: float, naive: bool) -> int:
    async with FakeTelegramServer() as server:
        server.validate_html = True
        server.enforce_limits()
        ids = chat_ids(chats)
        text = "⏰ <b>Herinnering</b>: huurcontracten over 2024-I insturen tot <b>4 juli</b>."
        async with Bot(
            server.token, base_url=server.base_url, base_file_url=server.base_file_url
        ) as bot:

            async def send(chat_id: int, body: str) -> None:
                await bot.send_message(chat_id, body, parse_mode=ParseMode.HTML)

            started = time.perf_counter()
            if naive:
                results = await asyncio.gather(
                    *(send(c, text) for c in ids), return_exceptions=True
                )
                failed = sum(isinstance(r, TelegramError) for r in results)
                retries = 0
            else:
                broadcaster = Broadcaster(send, Pacer(overall_per_sec=rate))
                summary = await broadcaster.run(Outgoing(c, [text]) for c in ids)
                failed, retries = len(summary.failed) + len(summary.blocked), summary.retries_429
            elapsed = time.perf_counter() - started
        delivered = Counter(m.chat_id for m in server.sent_messages())
        lost = sum(1 for c in ids if delivered[c] == 0)
        duplicated = sum(n - 1 for n in delivered.values() if n > 1)
        mode = "naive gather" if naive else f"paced, {rate:g}/s"
        print(f"broadcast to {chats} chats ({mode}, {sum(c < 0 for c in ids)} groups)")
        print(f"  elapsed           {elapsed:8.1f} s")
        print(f"  messages/second   {len(server.sent_messages()) / elapsed:8.1f}")
        print(f"  429s received     {server.count_429:8d}   (target 0; retried: {retries})")
        print(f"  failed            {failed:8d}")
        print(f"  lost              {lost:8d}   (must be 0)")
        print(f"  duplicated        {duplicated:8d}   (must be 0)")
        return 0 if (naive or (lost == 0 and duplicated == 0)) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=25.0, help="overall messages per second")
    parser.add_argument("--naive", action="store_true", help="one big gather, no pacing")
    args = parser.parse_args()
    return asyncio.run(run(args.chats, args.rate, args.naive))


if __name__ == "__main__":
    sys.exit(main())
