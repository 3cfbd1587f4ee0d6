"""`taakbot weekoverzicht [--nu]`: this week's overview to every recipient that has not had it,
from a scheduler outside the bot (cron, a Kubernetes CronJob) or to try it. The ledger makes it
once per week per recipient however often it runs, also beside a running bot."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.broadcast import Broadcaster, Pacer, Summary
from bot.channels.push import ChannelSender, Outbox
from bot.jobs import Pushes, sender
from bot.services import Services
from bot.settings import Settings
from bot.store import Store
from commands.reminders import weekly_slot


@dataclass(frozen=True, slots=True)
class Done:
    slot: date
    summary: Summary | None
    telegram: bool


def moment(settings: Settings, now: datetime, at_once: bool) -> datetime:
    """The moment the run stands for: now (TAAKBOT_TODAY's date when set), or with --nu at
    least this week's slot, so its overview goes even before the configured hour."""
    tz = settings["TAAKBOT_TIMEZONE"]
    now = now.astimezone(tz)
    if (fixed := settings["TAAKBOT_TODAY"]) is not None:
        now = datetime.combine(fixed, now.time(), tz)
    weekday, at = settings["TAAKBOT_WEEKLY"]
    slot = datetime.combine(weekly_slot(now.date(), weekday), at, tz)
    return max(now, slot) if at_once else now


def slot_of(settings: Settings, when: datetime) -> date:
    weekday, at = settings["TAAKBOT_WEEKLY"]
    slot = weekly_slot(when.date(), weekday)
    return slot if when >= datetime.combine(slot, at, when.tzinfo) else slot - timedelta(days=7)


async def send_weekly(
    settings: Settings, services: Services, when: datetime, channels: ChannelSender | None = None
) -> Done:
    store = Store(settings["TAAKBOT_DB"])
    try:
        outbox = Outbox.from_settings(settings)
        channels = channels or (ChannelSender(store.ledger, outbox) if outbox else None)
        token = settings["TAAKBOT_TELEGRAM_TOKEN"]
        bot = None
        if token:
            from telegram import Bot

            root = settings["TAAKBOT_TELEGRAM_API_URL"] or "https://api.telegram.org/bot"
            root = root.rstrip("/").removesuffix("/bot")
            bot = Bot(token, base_url=root + "/bot", base_file_url=root + "/file/bot")
        pushes = Pushes(
            store,
            services,
            Broadcaster(sender(bot) if bot else _nowhere, Pacer()),
            weekly=settings["TAAKBOT_WEEKLY"],
            tz=settings["TAAKBOT_TIMEZONE"],
            now=lambda: when,
            channels=channels,
            telegram=bot is not None,
        )
        if bot is not None:
            async with bot:
                summary = await pushes.weekly_push()
        else:
            summary = await pushes.weekly_push()
        return Done(slot_of(settings, when), summary, bot is not None)
    finally:
        await asyncio.to_thread(store.close)


async def _nowhere(chat_id: int, text: str) -> None:  # pragma: no cover - never called
    raise RuntimeError("geen Telegram zonder TAAKBOT_TELEGRAM_TOKEN")
