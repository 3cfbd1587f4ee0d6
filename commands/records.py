"""What the front end keeps about chats: subscriptions, ledger keys, manual reminders and access
requests.

Plain records, so that the reminder planner (commands.reminders) and the store (bot.store) share
them without commands/ importing the front end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Key(NamedTuple):
    """One ledger row's identity: what, for which scope, for which due date, to which chat (a
    Telegram chat id, or an e-mail or Teams address: `mail_recipient`, bot.channels)."""

    kind: str
    scope: str
    due: str
    chat_id: int | str


def mail_recipient(address: str) -> str:
    """An e-mail address as a ledger recipient ('email:…'), never mistaken for a chat id."""
    return f"email:{address}"


@dataclass(frozen=True, slots=True)
class Subscription:
    chat_id: int
    kind: str
    scope: str
    user_id: int
    lang: str = "nl"
    created_at: float = 0.0


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A manual reminder: previewed, then confirmed (or cancelled), then done."""

    id: int
    chat_id: int
    user_id: int
    lang: str
    soort: str
    scope: str
    due: str
    text: str
    recipients: tuple[int, ...]
    status: str = "preview"
    texts: dict[int, str] = field(default_factory=dict)  # per recipient; `text` otherwise

    def text_for(self, chat_id: int) -> str:
        return self.texts.get(chat_id, self.text)


@dataclass(frozen=True, slots=True)
class Request:
    """An access request from an onboarding link, and its decision (bot.access keeps them)."""

    id: int
    user_id: int
    user_name: str
    kind: str
    scope: str
    asked_at: float
    status: str
    decided_by: int | None
    decided_by_name: str
    decided_at: float | None
