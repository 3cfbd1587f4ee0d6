"""A broadcast and other users' replies at the same time, through the real bot and the fake Bot API.

The fake answers 429 wherever Telegram's flood limits would (30/s overall, 1/s per chat, 20/min
per group). The bot is the real Application (bot/app.py) serving the SYNTHETIC country workbook
(bench/workbook.py); while it broadcasts to N chats (5 % groups, every tenth chat three messages),
other users send `/stand` (each user every few seconds) and we time push → reply at the fake.

Variants, one after the other in this run (the default: ptb-tuned and ours):
* ptb-tuned:   PTB's AIORateLimiter as its documentation advises for Telegram's limits:
               overall_max_rate=28 per second (under the 30), group_max_rate=20 per 60 s,
               max_retries=3; it has no per-chat limit, so the broadcast itself waits 1.05 s
               between the messages of one chat (Telegram: about one a second per chat);
* ptb:         PTB's AIORateLimiter untuned (30/s, exactly the fake's limit, max_retries=0, no
               per-chat wait): how a first bot would use it;
* ptb-retry:   the same with max_retries=3;
* ours:        the bot's own path (bot.jobs.Pushes, as for a confirmed /herinnering): the send
               ledger in SQLite claims, marks and settles every chat (in batches, issue 26),
               bot/pacing.py's one Pacer behind the bot and the Broadcaster (replies first);
* ours-1:      the bot's path with batches of one chat (a claim, a mark and a settle
               transaction per chat, as before issue 26);
* ours-bare:   the same Broadcaster without the ledger (what the ledger costs).

Each variant runs `--runs` times (fresh ledger rows each time); reply times are pooled over the
runs, so the p99 rests on ≥ 200 replies.

    python bench/bench_broadcast.py [--chats 1000] [--runs 1] [--every 0.25]
                                    [--variants ptb-tuned ptb ptb-retry ours ours-1 ours-bare]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram.ext import AIORateLimiter  # noqa: E402

from bench.workbook import ADMIN, MemorySource, country, name  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.broadcast import Broadcaster, Outgoing  # noqa: E402
from bot.jobs import Pushes, sender  # noqa: E402
from bot.pacing import PacedLimiter  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Key, Store  # noqa: E402
from commands.reminders import Message  # noqa: E402
from commands.reply import split_message  # noqa: E402
from sheets.runtime.cache import SheetCache  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramServer  # noqa: E402

TEXT = "⏰ <b>Herinnering</b>: huurcontracten over 2024-I insturen tot <b>4 juli</b>."
USERS = [ADMIN] + list(range(900_001, 900_060))  # askers, none of them a broadcast recipient


def chat_ids(n: int) -> list[int]:
    """Private chats are positive; every twentieth chat is a group (negative)."""
    return [-(100_000 + i) if i % 20 == 0 else 10_000 + i for i in range(n)]


LONG = "\n".join([TEXT] * 110)  # three messages of at most 4,096 characters


def items(n: int) -> list[Outgoing]:
    return [
        Outgoing(c, split_message(LONG if i % 10 == 0 else TEXT))
        for i, c in enumerate(chat_ids(n))
    ]


def messages(plan: list[Outgoing], variant: str, run: int) -> list[Message]:
    """The same chats as a confirmed /herinnering's messages, each with its own ledger row."""
    key = functools.partial(Key, "manual:bench", variant, f"run{run}")
    return [Message(i.chat_id, "\n".join(i.chunks), (key(i.chat_id),)) for i in plan]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def count_transactions(store: Store) -> None:
    """store.db.transactions: how many ledger transactions (one commit each) were made."""
    begin, store.db.transactions = store.db.transaction, 0

    def counted():  # noqa: ANN202 - the Database's own context manager
        store.db.transactions += 1
        return begin()

    store.db.transaction = counted


async def run_variant(
    variant: str, chats: int, services: Services, every: float, store: Store, run: int
) -> dict:
    async with FakeTelegramServer() as server:
        server.enforce_limits()
        settings = Settings(
            {"TAAKBOT_TELEGRAM_TOKEN": server.token, "TAAKBOT_TELEGRAM_API_URL": server.base_url}
        )
        app = build_application(settings, services)
        if variant == "ptb-tuned":  # the same bot with PTB's limiter instead of ours
            app.bot._rate_limiter = AIORateLimiter(
                overall_max_rate=28,
                overall_time_period=1,
                group_max_rate=20,
                group_time_period=60,
                max_retries=3,
            )
        elif variant.startswith("ptb"):
            retries = 3 if variant == "ptb-retry" else 0
            app.bot._rate_limiter = AIORateLimiter(max_retries=retries)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        asked: list[tuple[int, float]] = []
        stop = asyncio.Event()

        async def askers() -> None:
            i = 0
            while not stop.is_set():
                user = USERS[i % len(USERS)]
                asked.append((user, time.monotonic()))
                server.push_message(user, f"/stand {name(8)}", user_id=user)
                i += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), every)

        plan = items(chats)
        send = sender(app.bot)
        asking = asyncio.create_task(askers() if every > 0 else asyncio.sleep(0))
        started = time.monotonic()
        lost_by_us = 0
        if variant.startswith("ours"):
            limiter = app.bot.rate_limiter
            assert isinstance(limiter, PacedLimiter)
            broadcaster = Broadcaster(send, limiter.pacer, batch=1 if variant == "ours-1" else 8)
            if variant != "ours-bare":  # as the bot sends a confirmed /herinnering
                store.db.transactions = 0
                summary = await Pushes(store, services, broadcaster)._push(
                    messages(plan, variant, run)
                )
            else:
                summary = await broadcaster.run(plan)
            lost_by_us = len(summary.failed) + len(summary.uncertain)
        else:
            per_chat = 1.05 if variant == "ptb-tuned" else 0.0

            async def one_chat(item: Outgoing) -> None:
                for n, chunk in enumerate(item.chunks):
                    if n and per_chat:
                        await asyncio.sleep(per_chat)  # about one a second per chat
                    await app.bot.send_message(item.chat_id, chunk)

            results = await asyncio.gather(*(one_chat(i) for i in plan), return_exceptions=True)
            lost_by_us = sum(isinstance(r, Exception) for r in results)
        elapsed = time.monotonic() - started
        stop.set()
        await asking
        await asyncio.sleep(1.0)  # the last replies
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    sent = server.sent_messages()
    expected = Counter({i.chat_id: len(i.chunks) for i in plan})
    got = Counter(m.chat_id for m in sent if m.chat_id in expected)
    lost = sum(max(0, n - got[c]) for c, n in expected.items())
    duplicated = sum(max(0, got[c] - n) for c, n in expected.items())
    latencies = []
    for user, at in asked:
        replies = [m.time for m in server.sent_messages(user) if m.time >= at]
        if replies:
            latencies.append(min(replies) - at)
    return {
        "variant": variant,
        "messages": sum(expected.values()),
        "elapsed": elapsed,
        "rate": sum(got.values()) / elapsed,
        "all_rate": sum(1 for m in sent if m.time - started <= elapsed) / elapsed,
        "429": server.count_429,
        "lost": lost,
        "duplicated": duplicated,
        "failed": lost_by_us,
        "replies": len(latencies),
        "unanswered": len(asked) - len(latencies),
        "latencies": latencies,
        "transactions": getattr(store.db, "transactions", 0) if variant.startswith("ours") else 0,
    }


async def idle_replies(services: Services, count: int) -> tuple[float, float, float]:
    """Baseline in the same run: /stand latency with no broadcast at all (p50, p99, replies/s)."""
    async with FakeTelegramServer() as server:
        server.enforce_limits()
        settings = Settings(
            {"TAAKBOT_TELEGRAM_TOKEN": server.token, "TAAKBOT_TELEGRAM_API_URL": server.base_url}
        )
        app = build_application(settings, services)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        latencies = []
        for i in range(-3, count):  # three to warm up (thread pool, name index)
            user = USERS[i % len(USERS)]
            at = time.monotonic()
            before = len(server.sent_messages(user))
            server.push_message(user, f"/stand {name(8)}", user_id=user)
            sent = await server.wait_for_messages(before + 1, chat_id=user)
            if i >= 0:
                latencies.append(sent[before].time - at)
            await asyncio.sleep(0.1)  # 10 asks a second: under Telegram's 30/s
        burst_users = list(range(800_000, 800_000 + 60))
        t0 = time.monotonic()
        for user in burst_users:  # 60 different users at once: how many replies a second?
            server.push_message(user, "/help", user_id=user)
        await server.wait_until(
            lambda: all(server.sent_messages(u) for u in burst_users), timeout=30
        )
        burst = len(burst_users) / (time.monotonic() - t0)
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    return percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000, burst


async def main_async(args: argparse.Namespace) -> int:
    logging.disable(logging.CRITICAL)  # the baseline logs a traceback for every lost 429
    book = country(1)
    cache = SheetCache(MemorySource(book))
    cache.get()
    services = Services(cache=cache, admins=frozenset(USERS), fixed_today=date(2024, 6, 24))
    p50, p99, burst = await idle_replies(services, 200)
    print(
        f"SYNTHETIC country workbook; {args.chats} chats, {sum(c < 0 for c in chat_ids(args.chats))} groups"
    )
    print(
        f"/stand with no broadcast: p50 {p50:.0f} ms, p99 {p99:.0f} ms (n=200); burst of 60 users: {burst:.1f} replies/s"
    )
    print(
        f"{'variant':<10} {'msgs':>5} {'time s':>7} {'msg/s':>6} {'all/s':>6} {'429':>5} "
        f"{'lost':>5} {'dup':>4} {'replies':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    bad = 0
    with tempfile.TemporaryDirectory(prefix="taakbot-bench-") as tmp:
        store = Store(Path(tmp) / "taakbot.sqlite")
        count_transactions(store)
        for variant in args.variants:
            runs = [
                await run_variant(variant, args.chats, services, args.every, store, n)
                for n in range(args.runs)
            ]
            latencies = [t for r in runs for t in r["latencies"]]
            asked = sum(r["replies"] + r["unanswered"] for r in runs)
            for n, r in enumerate(runs):
                print(
                    f"{r['variant'] + (f' #{n + 1}' if args.runs > 1 else ''):<10} "
                    f"{r['messages']:>5} {r['elapsed']:>7.1f} {r['rate']:>6.1f} "
                    f"{r['all_rate']:>6.1f} {r['429']:>5} {r['lost']:>5} {r['duplicated']:>4}"
                    + (f"   ledger transactions: {r['transactions']}" if r["transactions"] else "")
                )
                if variant.startswith("ours") and (r["lost"] or r["duplicated"]):
                    bad = 1
            print(
                f"{'':<10} {'':>5} {'':>7} {'':>6} {'':>6} {'':>5} {'':>5} {'':>4} "
                f"{len(latencies):>4}/{asked:<3} {percentile(latencies, 0.5) * 1000:>7.0f} "
                f"{percentile(latencies, 0.99) * 1000:>7.0f} "
                f"{max(latencies, default=0) * 1000:>7.0f}   (replies pooled over the runs)"
            )
        store.close()
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--every", type=float, default=0.25, help="seconds between /stand asks")
    parser.add_argument("--runs", type=int, default=1, help="broadcasts per variant")
    parser.add_argument(
        "--variants", nargs="+", default=["ptb-tuned", "ours"],
        choices=["ptb-tuned", "ptb", "ptb-retry", "ours", "ours-1", "ours-bare"],
    )  # fmt: skip
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
