"""Scheduled pushes on PTB's JobQueue; the SQLite ledger, not the scheduler, remembers them.

Jobs have fixed names and are replaced, never added twice; at start-up a catch-up run sends
what fell due while the bot was down, and resumes confirmed manual reminders. Every send is
claimed in the ledger first, so reruns, retries and a second process send nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, JobQueue

from bot.broadcast import Broadcaster, Outgoing, Summary
from bot.channels.push import ChannelSender, Outbox, channel_report, merged
from bot.lease import HEARTBEAT_SECONDS
from bot.logids import chat_ref
from bot.pacing import PacedLimiter
from bot.services import Services
from bot.settings import Settings
from bot.settling import Settlements
from bot.store import (
    BLOCKED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    UNCERTAIN,
    Key,
    Store,
    Subscription,
)
from commands.i18n import gettext_for, ngettext_for
from commands.reminders import (
    WEEKLY,
    Message,
    Planner,
    by_chat,
    reminder_subject,
    weekly_slot,
)
from commands.reply import split_message
from commands.roles import role_with_grants
from commands.subscriptions import BroadcastRequest
from commands.uncertain import UncertainResend, per_send, resend_report
from engine.state import DataSet

log = logging.getLogger(__name__)

REMIND_TICK, WEEKLY_PUSH, CATCH_UP = "remind:tick", "weekly:push", "remind:catchup"
HEARTBEAT = "ledger:heartbeat"  # renews the lease, takes over a dead process's rows
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SEND_FROM = time(9, 0)  # reminders go out from 09:00 local time, not at midnight
TICK = timedelta(hours=1)  # hourly: a failed or crashed send is retried within the hour


class Pushes:
    """Weekly overviews, automatic reminders and confirmed manual reminders."""

    def __init__(
        self,
        store: Store,
        services: Services,
        broadcaster: Broadcaster,
        *,
        leads: tuple[int, ...] = (14, 7, 1),
        weekly: tuple[int, time] = (0, time(8, 30)),
        tz: ZoneInfo = AMSTERDAM,
        now: Callable[[], datetime] | None = None,
        channels: ChannelSender | None = None,
        telegram: bool = True,  # False: `taakbot weekoverzicht` without a bot token
    ) -> None:
        self.store, self.services, self.broadcaster = store, services, broadcaster
        self.leads, self.weekly, self.tz = leads, weekly, tz
        self.channels = channels  # e-mail and Teams (bot.channels), when configured
        self.telegram = telegram
        self.now = now or (lambda: datetime.now(self.tz))
        self._tasks: set[asyncio.Task[Any]] = set()

    def today(self) -> date:
        return self.services.fixed_today or self.now().date()

    async def _data(self) -> tuple[DataSet | None, float | None]:
        """The current data, or the last good copy with its age when the sheet is down."""
        try:
            data = await asyncio.to_thread(self.services.cache.get)
        except Exception:
            log.warning(
                "Geen gegevens voor geplande berichten; volgende ronde opnieuw", exc_info=True
            )
            return None, None
        cache = self.services.cache
        return data, (cache.age_seconds if cache.stale else None)

    def _planner(self, data: DataSet, stale: float | None) -> Planner:
        """A planner that renders every chat only what its subscriber may see there."""
        admins = self.services.admins
        access = self.services.front.access
        return Planner(
            data,
            self.today(),
            stale,
            role_of=lambda uid: role_with_grants(uid, data, admins, access),
        )

    def _allowed(self, planner: Planner, subs: list[Subscription]) -> list[Subscription]:
        """Only subscriptions the subscriber's role still covers some of (roles change), and
        the e-mail users and Teams channels of the sheet and the webhook file."""
        if planner.role_of is None:  # a bare planner: apply the access rule all the same
            planner = self._planner(planner.data, planner.stale)
        if self.channels is not None:
            subs = subs + self.channels.recipients(planner.data)
        return [sub for sub in subs if planner.members(sub)]

    # -- jobs ------------------------------------------------------------------------------
    async def remind_tick(
        self, context: Any = None, *, only: frozenset[Key] | None = None
    ) -> Summary | None:
        """Due reminders; with `only`, just those keys and at once (someone asked for them)."""
        if only is None and self.now().time() < SEND_FROM:
            return None
        data, stale = await self._data()
        if data is None:
            return None

        def plan() -> list[Message]:
            planner = self._planner(data, stale)
            subs = self._allowed(planner, self.store.subscriptions.active())
            return planner.reminders(subs, self.leads, self._settled(only))

        return await self._push(await asyncio.to_thread(plan))

    async def weekly_push(
        self,
        context: Any = None,
        *,
        only: frozenset[Key] | None = None,
        outside_only: bool = False,
    ) -> Summary | None:
        """This week's overview to every chat that has not had it (also after downtime); with
        `outside_only`, to the e-mail users and Teams channels only (the hourly tick)."""
        weekday, at = self.weekly
        now = self.now()
        slot = weekly_slot(now.date(), weekday)
        if now < datetime.combine(slot, at, self.tz):
            slot -= timedelta(days=7)
        cutoff = datetime.combine(slot, at, self.tz).timestamp()
        data, stale = await self._data()
        if data is None:
            return None

        def compose() -> list[Message]:
            planner = self._planner(data, stale)
            subs = [
                s
                for s in self._allowed(planner, self.store.subscriptions.active())
                if s.created_at < cutoff and not (outside_only and isinstance(s.chat_id, int))
            ]  # a chat that followed later waits a week
            out, settled = [], self._settled(only)
            for chat_id, chat_subs in by_chat(subs).items():
                if not settled(Key(WEEKLY, "*", slot.isoformat(), chat_id)):
                    out.append(planner.weekly(chat_subs, slot, self.store.figures.last(chat_id)))
            return out

        def remember(m: Message) -> None:
            self.store.figures.save(m.chat_id, slot.isoformat(), m.figures)

        return await self._push(await asyncio.to_thread(compose), remember)

    def _settled(self, only: frozenset[Key] | None) -> Callable[[Key], bool]:
        """The ledger's verdict; with `only`, every other key counts as settled too."""
        if only is None:
            return self.store.ledger.is_settled
        return lambda key: key not in only or self.store.ledger.is_settled(key)

    async def catch_up(self, context: Any = None) -> None:
        """Start-up: whatever fell due while the bot was down, each at most once."""
        for step in (self.remind_tick, self.weekly_push):
            try:
                await step()
            except Exception:
                log.exception("Inhaalronde %s mislukt", step.__name__)
        await self.resume_broadcasts()

    # -- manual reminders ------------------------------------------------------------------
    async def post_send(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Any
    ) -> None:
        """After a reply went out (bot.app.deliver): carry out a confirmed /herinnering."""
        if isinstance(reply.action, BroadcastRequest):
            coro = self.run_broadcast(reply.action.broadcast_id)
            # PTB's create_task: Application.stop() waits for it before the bot shuts down.
            self.track(context.application.create_task(coro, name="herinnering"))
        elif isinstance(reply.action, UncertainResend):  # /herinnering opnieuw onzeker
            coro = self.resend_uncertain(chat_id, reply.action)
            self.track(context.application.create_task(coro, name="opnieuw onzeker"))

    def track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait for background broadcasts (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def run_broadcast(self, bid: int) -> Summary | None:
        b = await asyncio.to_thread(self.store.broadcasts.get, bid)  # SQLite off the event loop
        if b is None or b.status != "confirmed":
            return None
        kind, due = f"manual:{b.soort}", f"{b.due}#{b.id}"
        keys = [Key(kind, b.scope, due, chat) for chat in b.recipients]

        def todo() -> list[Message]:
            subject = reminder_subject(b.lang, b.soort, date.fromisoformat(b.due), manual=True)
            return [
                Message(k.chat_id, b.text_for(k.chat_id), (k,), b.lang, subject=subject)
                for k in keys
                if not self.store.ledger.is_settled(k)
            ]

        summary = await self._push(await asyncio.to_thread(todo))
        rows = await asyncio.to_thread(self.store.ledger.rows, kind)
        counts = Counter(status for key, status, _ in rows if key.due == due)
        _, ngettext = gettext_for(b.lang), ngettext_for(b.lang)
        report = ngettext(
            "Herinnering verstuurd naar {n} gesprek: {sent} afgeleverd, "
            "{failed} mislukt, {blocked} geblokkeerd.",
            "Herinnering verstuurd naar {n} gesprekken: {sent} afgeleverd, "
            "{failed} mislukt, {blocked} geblokkeerd.",
            len(keys),
        ).format(n=len(keys), sent=counts[SENT], failed=counts["failed"], blocked=counts[BLOCKED])
        if counts[BLOCKED]:
            report += " " + _("Wie de bot blokkeerde of verwijderde, volgt niets meer.")
        if counts[UNCERTAIN]:
            report += " " + ngettext(
                "{n} bericht is onzeker: de verbinding viel weg na het versturen, dus Telegram "
                "heeft het misschien afgeleverd. Het wordt niet vanzelf opnieuw verstuurd.",
                "{n} berichten zijn onzeker: de verbinding viel weg na het versturen, dus "
                "Telegram heeft ze misschien afgeleverd. Ze worden niet vanzelf opnieuw "
                "verstuurd.",
                counts[UNCERTAIN],
            ).format(n=counts[UNCERTAIN])
            report += " " + _("Toch opnieuw versturen: /herinnering opnieuw {id}").format(id=bid)
        report += channel_report(b.lang, [(k, s) for k, s, _n in rows if k.due == due], summary)
        if counts[PENDING] or counts[SENDING]:  # still being sent: a later round finishes it
            return summary
        moved = await asyncio.to_thread(
            self.store.broadcasts.move, bid, "confirmed", "done", report
        )
        if moved:  # reported once
            await self.broadcaster.run([Outgoing(b.chat_id, [report])])
        return summary

    async def resend_uncertain(self, chat_id: int, request: UncertainResend) -> str:
        """Run the automatic rounds now for the released keys, then tell the requester what
        went again and what the planner no longer sends (those keys stay unsent)."""
        only = frozenset(request.keys)
        rounds = [await self.remind_tick(only=only), await self.weekly_push(only=only)]
        outcome: Counter[str] = Counter()
        for s in filter(None, rounds):
            outcome.update(
                sent=len(s.sent),
                failed=len(s.failed),
                blocked=len(s.blocked),
                uncertain=len(s.uncertain),
            )
        no_data = None in rounds

        def untouched() -> list[Key]:
            """Released, and still not claimed: the planner did not send them."""
            rows = [row for kind in {k.kind for k in only} for row in self.store.ledger.rows(kind)]
            left = [
                key
                for key, status, tries in rows
                if key in only and (status, tries) == (FAILED, 0)
            ]
            if no_data and left:  # not judged at all: uncertain again, for a later try
                self.store.ledger.settle(left, UNCERTAIN, "opnieuw: geen gegevens")
            return left

        left = await asyncio.to_thread(untouched)
        report = resend_report(request.lang, outcome, per_send(left), no_data)
        await self.broadcaster.run([Outgoing(chat_id, [report])])
        return report

    async def resume_broadcasts(self) -> None:
        """Confirmed manual reminders not yet reported (a restart, a crash mid-send)."""
        for bid in await asyncio.to_thread(self.store.broadcasts.unfinished):
            await self.run_broadcast(bid)

    async def hourly(self, context: Any = None) -> None:
        await self.remind_tick()
        if self.channels is not None:  # a mail server or webhook that was down at the slot
            await self.weekly_push(outside_only=True)
        await self.resume_broadcasts()

    async def heartbeat(self, context: Any = None) -> tuple[int, int]:
        """Renew this process's lease and take over the rows of a process that died: the
        unsent ones go now, those in flight are uncertain (and in the sender's report)."""
        unsent, uncertain = await asyncio.to_thread(self.store.ledger.heartbeat)
        if unsent or uncertain:
            log.warning(
                "Verzendlogboek overgenomen van een gestopt proces: %d nog te versturen, "
                "%d onzeker",
                unsent,
                uncertain,
            )
            await self.hourly()
            await self.weekly_push()  # this week's overviews it had claimed and not sent
        return unsent, uncertain

    # -- sending ---------------------------------------------------------------------------
    async def _push(
        self, messages: list[Message], after_sent: Callable[[Message], None] | None = None
    ) -> Summary:
        """Telegram's chats here, e-mail and Teams through bot.channels: the same ledger."""
        chats = [m for m in messages if isinstance(m.chat_id, int) and self.telegram]
        others = [m for m in messages if not isinstance(m.chat_id, int)]
        summary = await self._telegram(chats, after_sent)
        if others and self.channels is not None:
            return merged(summary, await self.channels.deliver(others, after_sent)) or summary
        return summary

    async def _telegram(
        self, messages: list[Message], after_sent: Callable[[Message], None] | None = None
    ) -> Summary:
        """Claim, send paced, settle: the ledger row is 'pending' before the first byte goes."""
        items = [Outgoing(m.chat_id, split_message(m.text), m.keys) for m in messages]
        by_key = {m.keys[0]: m for m in messages}

        async def claim(batch: list[Outgoing]) -> list[bool]:  # the next chats due
            return await asyncio.to_thread(self.store.ledger.claim_batch, [i.keys for i in batch])

        async def mark(batch: list[Outgoing]) -> list[bool]:  # right before: in flight
            return await asyncio.to_thread(self.store.ledger.mark_batch, [i.keys for i in batch])

        def write(outcomes: list[tuple[Outgoing, str, str | None]]) -> None:
            self.store.ledger.settle_batch([(i.keys, status, err) for i, status, err in outcomes])
            for item, status, error in outcomes:
                if status == BLOCKED:
                    self.store.subscriptions.deactivate_chat(item.chat_id, error or "blocked")
                    log.info("%s blokkeert de bot; abonnementen gestopt", chat_ref(item.chat_id))
                elif status == SENT and after_sent is not None:
                    after_sent(by_key[item.keys[0]])

        settled = Settlements(write, self.broadcaster.batch)
        try:
            summary = await self.broadcaster.run(items, settled.add, claim, mark)
        finally:
            await settled.flush()
        if items:
            log.info(
                "%d verzonden, %d mislukt, %d geblokkeerd, %d onzeker, %d×429 in %.1fs",
                len(summary.sent),
                len(summary.failed),
                len(summary.blocked),
                len(summary.uncertain),
                summary.retries_429,
                summary.elapsed,
            )
        return summary


def sender(bot: Bot) -> Callable[[int, str], Coroutine[Any, Any, Any]]:
    """Send one HTML message; the broadcaster holds the Pacer's place, so the bot's own rate
    limiter (when it has one) lets the call through instead of counting it twice."""
    paced = {"rate_limit_args": {"paced": True}} if getattr(bot, "rate_limiter", None) else {}

    async def send(chat_id: int, text: str) -> Any:
        return await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            **paced,
        )

    return send


def replace_job(jq: JobQueue, name: str, schedule: Callable[[], Any]) -> None:
    """A job name exists at most once: remove the old one before scheduling anew."""
    for job in jq.get_jobs_by_name(name):
        job.schedule_removal()
    schedule()


def install_jobs(
    app: Application,
    settings: Settings,
    services: Services,
    *,
    store: Store | None = None,
    now: Callable[[], datetime] | None = None,
) -> Pushes:
    """Open the store, give it to the commands and the bot (BotData.pushes), and (re)build the
    jobs; bot.app.post_shutdown closes the store."""
    store = store or Store(settings["TAAKBOT_DB"])
    leads, weekly, tz = (
        settings["TAAKBOT_REMINDER_DAYS"],
        settings["TAAKBOT_WEEKLY"],
        settings["TAAKBOT_TIMEZONE"],
    )
    limiter = getattr(app.bot, "rate_limiter", None)
    pacer = limiter.pacer if isinstance(limiter, PacedLimiter) else None  # the one limiter
    outbox = Outbox.from_settings(settings)
    channels = ChannelSender(store.ledger, outbox) if outbox else None
    if outbox.mail is not None:
        c = outbox.mail.config
        log.info("E-mail via %s (%s), %d per minuut", c.server, c.tls, outbox.mail.per_minute)
    if outbox.webhooks:
        log.info("Teams: %d kanalen (TAAKBOT_TEAMS_WEBHOOKS)", len(outbox.webhooks))
    broadcaster = Broadcaster(sender(app.bot), pacer, on_migrate=store.subscriptions.migrate_chat)
    pushes = Pushes(
        store, services, broadcaster, leads=leads, weekly=weekly, tz=tz, now=now, channels=channels
    )
    services.attach(store, settings)
    if channels is not None:  # /herinnering counts e-mail users and Teams channels too
        services.front = replace(services.front, outside=channels.recipients)
    app.bot_data.pushes = pushes
    jq = app.job_queue
    if jq is None:
        raise RuntimeError("JobQueue ontbreekt: installeer python-telegram-bot[job-queue]")
    late = {"misfire_grace_time": None, "coalesce": True}  # run late rather than never
    replace_job(
        jq,
        REMIND_TICK,
        lambda: jq.run_repeating(
            pushes.hourly, interval=TICK, first=TICK, name=REMIND_TICK, job_kwargs=late
        ),
    )
    weekday, at = weekly
    replace_job(
        jq,
        WEEKLY_PUSH,
        lambda: jq.run_daily(
            pushes.weekly_push,
            time=at.replace(tzinfo=tz),
            days=((weekday + 1) % 7,),
            name=WEEKLY_PUSH,
            job_kwargs=late,
        ),
    )  # PTB counts days from Sunday = 0
    replace_job(
        jq,
        HEARTBEAT,
        lambda: jq.run_repeating(
            pushes.heartbeat, interval=HEARTBEAT_SECONDS, first=HEARTBEAT_SECONDS, name=HEARTBEAT
        ),
    )
    replace_job(
        jq,
        CATCH_UP,
        lambda: jq.run_once(pushes.catch_up, when=1.0, name=CATCH_UP, job_kwargs=late),
    )
    return pushes
