"""E-mails and Teams posts through the same ledger as Telegram's messages.

Each message is claimed ('pending', this process's lease) just before its turn, marked 'sending'
right before its first byte goes out (MAIL FROM, the webhook POST), and settled from the answer.
A crash leaves the marked rows 'sending'; the next process takes them over as 'uncertain' and
never sends them again by itself, while the claimed-but-unmarked ones are sent. The ledger keys
carry the recipient's address ('email:…', 'teams:…') where Telegram's carry a chat id.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import httpx

from bot.broadcast import Summary
from bot.channels.mail import Letterhead, compose
from bot.channels.pace import Pace
from bot.channels.recipients import (
    MAIL,
    TEAMS,
    channel_of,
    mail_recipients,
    teams_recipients,
    webhook_for,
)
from bot.channels.smtp import SmtpConfig, SmtpSetupError, session
from bot.channels.teams import TeamsPoster, card
from bot.logids import recipient_ref
from bot.settings import SettingError, Settings
from bot.store import BLOCKED, FAILED, SENT, UNCERTAIN
from commands.i18n import gettext_for
from commands.records import Subscription
from commands.reminders import Message
from engine.state import DataSet

log = logging.getLogger(__name__)

TEAMS_INTERVAL = 2.0  # seconds between posts to one webhook: a workflow throttles bursts


@dataclass(frozen=True, slots=True)
class MailOut:
    config: SmtpConfig
    head: Letterhead
    per_minute: int = 30


@dataclass
class Outbox:
    """The ways out besides Telegram that this installation has configured."""

    mail: MailOut | None = None
    webhooks: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Outbox:
        mail = None
        if host := settings.get("TAAKBOT_SMTP_HOST"):
            sender = settings.get("TAAKBOT_MAIL_FROM")
            if not sender:
                raise SettingError(
                    "TAAKBOT_MAIL_FROM ontbreekt: met TAAKBOT_SMTP_HOST is een afzender nodig, "
                    "bijvoorbeeld Taakbot Zuid-Holland <taakbot@provincie.nl>."
                )
            config = SmtpConfig(
                host,
                settings["TAAKBOT_SMTP_PORT"],
                settings["TAAKBOT_SMTP_TLS"],
                settings.get("TAAKBOT_SMTP_USER"),
                settings.get("TAAKBOT_SMTP_PASSWORD"),
            )
            head = Letterhead(
                sender, settings.get("TAAKBOT_MAIL_AFMELDEN") or "", settings["TAAKBOT_TIMEZONE"]
            )
            mail = MailOut(config, head, settings["TAAKBOT_SMTP_PER_MINUTE"])
        return cls(mail, dict(settings.get("TAAKBOT_TEAMS_WEBHOOKS") or {}))

    def recipients(self, data: DataSet) -> list[Subscription]:
        """Every e-mail user (when mail is configured) and every known Teams channel."""
        out = mail_recipients(data) if self.mail is not None else []
        return out + teams_recipients(data, self.webhooks)

    def __bool__(self) -> bool:
        return self.mail is not None or bool(self.webhooks)


AfterSent = Callable[[Message], None]


class ChannelSender:
    """Delivers e-mail and Teams messages with the ledger's claim → mark → settle."""

    def __init__(
        self,
        ledger: Any,  # bot.store.ledger.SendLedger: claim, mark, settle
        outbox: Outbox,
        *,
        now: Callable[[], float] = time.time,  # the Date header
        clock: Callable[[], float] = time.monotonic,  # pace and back-off
        sleep: Callable[[float], None] = time.sleep,  # the SMTP thread's waits
        async_sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        smtp_context: Any = None,  # tests: the test CA
        http: Callable[[], httpx.AsyncClient] | None = None,
    ) -> None:
        self.ledger, self.outbox = ledger, outbox
        self.now, self.clock, self.sleep, self.async_sleep, self.rng = (
            now,
            clock,
            sleep,
            async_sleep,
            rng,
        )
        self.smtp_context = smtp_context
        self.http = http or (lambda: httpx.AsyncClient(timeout=30.0))
        per_minute = outbox.mail.per_minute if outbox.mail else 30
        self.mail_pace = Pace(60.0 / per_minute, clock)  # per server: one Pace, keyed by it
        self.teams_pace = Pace(TEAMS_INTERVAL, clock)  # per webhook

    def recipients(self, data: DataSet) -> list[Subscription]:
        return self.outbox.recipients(data)

    async def deliver(
        self, messages: list[Message], after_sent: AfterSent | None = None
    ) -> Summary:
        """Send every message once, each through the ledger; a summary like Telegram's."""
        summary = Summary()
        started = self.clock()
        mails = [m for m in messages if str(m.chat_id).startswith(f"{MAIL}:")]
        posts = [m for m in messages if str(m.chat_id).startswith(f"{TEAMS}:")]
        if mails:
            if self.outbox.mail is None:
                log.warning("%d e-mails niet verstuurd: TAAKBOT_SMTP_HOST is leeg", len(mails))
            else:
                await asyncio.to_thread(self._send_mails, mails, summary, after_sent)
        if posts:
            await self._post_all(posts, summary, after_sent)
        summary.elapsed = self.clock() - started
        if mails or posts:
            log.info(
                "Kanalen: %d verzonden, %d mislukt, %d onzeker, %d al elders verstuurd in %.1fs",
                len(summary.sent),
                len(summary.failed),
                len(summary.uncertain),
                summary.skipped,
                summary.elapsed,
            )
        return summary

    # -- e-mail (in a worker thread: smtplib and SQLite block) ------------------------------
    def _send_mails(
        self, mails: list[Message], summary: Summary, after_sent: AfterSent | None
    ) -> None:
        out = self.outbox.mail
        assert out is not None
        config = out.config
        if self.smtp_context is not None:
            config = SmtpConfig(
                config.host, config.port, config.tls, config.user, config.password,
                config.timeout, self.smtp_context,
            )  # fmt: skip
        with session(
            config, pace=self.mail_pace, sleep=self.sleep, clock=self.clock, rng=self.rng
        ) as smtp:
            for m in mails:
                if not self.ledger.claim(m.keys):
                    summary.skipped += 1
                    continue
                address = str(m.chat_id).partition(":")[2]
                try:
                    mail = compose(m, address, out.head, self.now())
                    result = smtp.send(mail, [address], mark=lambda m=m: self.ledger.mark(m.keys))
                except SmtpSetupError as exc:  # nothing will go: stop, the rest stays unclaimed
                    self._settle(m, FAILED, str(exc), summary, after_sent)
                    log.error("E-mail: %s", exc)
                    return
                except Exception as exc:  # a bug for one message must not stop the others
                    log.exception("E-mail aan %s mislukt", recipient_ref(m.chat_id))
                    self._settle(m, FAILED, repr(exc), summary, after_sent)
                    continue
                if not result:  # the claim was taken over before the first byte
                    summary.skipped += 1
                    continue
                outcome = result[address]
                self._settle(m, outcome.status, outcome.error, summary, after_sent, outcome.final)
                if outcome.status == FAILED and not outcome.final:
                    log.warning("Mailserver weigert nu; de rest volgt bij de volgende ronde")
                    return  # the server is struggling: the rest stays unclaimed for the next round

    # -- Teams ----------------------------------------------------------------------------
    async def _post_all(
        self, posts: list[Message], summary: Summary, after_sent: AfterSent | None
    ) -> None:
        async with self.http() as client:
            poster = TeamsPoster(
                client,
                pace=self.teams_pace,
                sleep=self.async_sleep,
                clock=self.clock,
                rng=self.rng,
            )
            for m in posts:
                recipient = str(m.chat_id)
                url = webhook_for(recipient, self.outbox.webhooks)
                if url is None or not await asyncio.to_thread(self.ledger.claim, m.keys):
                    summary.skipped += 1
                    continue

                async def mark(m: Message = m) -> bool:
                    return await asyncio.to_thread(self.ledger.mark, m.keys)

                name = recipient.partition(":")[2]
                try:
                    outcome = await poster.post(url, card(m), mark, name)
                except Exception as exc:
                    log.exception("Teams-bericht aan %s mislukt", recipient_ref(recipient))
                    await asyncio.to_thread(
                        self._settle, m, FAILED, type(exc).__name__, summary, after_sent
                    )
                    continue
                if outcome is None:
                    summary.skipped += 1
                    continue
                await asyncio.to_thread(
                    self._settle, m, outcome.status, outcome.error, summary, after_sent,
                    outcome.final,
                )  # fmt: skip

    def _settle(
        self,
        m: Message,
        status: str,
        error: str | None,
        summary: Summary,
        after_sent: AfterSent | None,
        final: bool = False,
    ) -> None:
        if final and status == FAILED:  # a 5xx: out of tries, named in /controle
            self.ledger.fail_for_good(m.keys, error or "")
        else:
            self.ledger.settle(m.keys, status, error)
        if status == SENT:
            summary.sent.append(m.chat_id)  # type: ignore[arg-type]
            if after_sent is not None:
                after_sent(m)
        elif status == UNCERTAIN:
            summary.uncertain[m.chat_id] = error or ""  # type: ignore[index]
            log.warning("Onzeker verstuurd aan %s", recipient_ref(m.chat_id))
        elif status == BLOCKED:
            summary.blocked.append(m.chat_id)  # type: ignore[arg-type]
        else:
            summary.failed[m.chat_id] = error or ""  # type: ignore[index]
            log.warning("Niet afgeleverd aan %s", recipient_ref(m.chat_id))


def merged(*summaries: Summary | None) -> Summary | None:
    """One summary of Telegram's and the channels' rounds (None when none ran)."""
    present = [s for s in summaries if s is not None]
    if not present:
        return None
    out = Summary()
    for s in present:
        out.sent += s.sent
        out.failed.update(s.failed)
        out.blocked += s.blocked
        out.uncertain.update(s.uncertain)
        out.skipped += s.skipped
        out.retries_429 += s.retries_429
        out.elapsed += s.elapsed
    return out


def channel_report(lang: str, rows: list[tuple[Any, str]], summary: Summary | None) -> str:
    """For /herinnering's report, when e-mail or Teams took part: the outcome per channel, and
    each address that failed with the server's reason (the requester's own scope's users)."""
    channels = {channel_of(key.chat_id) for key, _status in rows}
    if channels <= {"telegram"}:
        return ""
    _ = gettext_for(lang)
    names = {"telegram": "Telegram", MAIL: _("e-mail"), TEAMS: "Teams"}
    parts = []
    for channel in ("telegram", MAIL, TEAMS):
        counts = Counter(s for key, s in rows if channel_of(key.chat_id) == channel)
        if counts:
            parts.append(
                _("{channel}: {sent} afgeleverd, {failed} mislukt, {uncertain} onzeker").format(
                    channel=names[channel],
                    sent=counts[SENT],
                    failed=counts[FAILED],
                    uncertain=counts[UNCERTAIN],
                )
            )
    text = " " + _("Per kanaal — {parts}.").format(parts="; ".join(parts))
    failed = [
        (str(r).partition(":")[2], e)
        for r, e in (summary.failed.items() if summary else ())
        if not isinstance(r, int)
    ]
    if failed:
        text += " " + _("Niet afgeleverd: {list}.").format(
            list="; ".join(
                f"{escape(a, quote=False)} ({escape(e, quote=False)})" for a, e in sorted(failed)
            )
        )
    return text
