"""Everything a command needs to answer, passed in: no globals, no clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time
from html import escape
from typing import Any

from commands.fmt import Formatter
from commands.i18n import gettext_for, ngettext_for, pick_language
from commands.ports import (
    AccessRequests,
    Broadcasts,
    LetterMaker,
    PersonalData,
    Recording,
    SendLedger,
    StoreParts,
    Subscriptions,
)
from commands.records import Subscription
from commands.roles import Role
from engine.state import DataSet
from sheets.names.index import NameIndex


@dataclass
class Front:
    """What the front end lends every command beside the sheet; None where it has none (the
    console has no store of its own unless it opens one, nothing records without a source)."""

    subscriptions: Subscriptions | None = None
    ledger: SendLedger | None = None
    broadcasts: Broadcasts | None = None
    personal_data: PersonalData | None = None
    access: AccessRequests | None = None
    recorder: Recording | None = None  # the round's write (sheets.sources.ladder.Recorder)
    letters: LetterMaker | None = None  # the round's letters (commands.round.letters.bundle)
    admins: frozenset[int] = frozenset()  # TAAKBOT_ADMINS
    bot_username: str = ""  # for onboarding links
    weekly: tuple[int, time | None] = (0, None)  # TAAKBOT_WEEKLY: weekday, time
    reminder_days: tuple[int, ...] = (14, 7, 1)  # TAAKBOT_REMINDER_DAYS
    retention_days: int = 400  # TAAKBOT_RETENTION_DAYS
    sends: bool = True  # False in the console: /herinnering shows its texts, keeps nothing
    # E-mail users and Teams channels as subscriptions keyed by address (bot.channels), for
    # /herinnering's recipients; None where neither is configured.
    outside: Callable[[DataSet], list[Subscription]] | None = None

    def with_store(self, store: StoreParts, access: AccessRequests | None = None) -> Front:
        """Each part of the state database (bot.store.Store), and the access book beside it."""
        return replace(
            self,
            subscriptions=store.subscriptions,
            ledger=store.ledger,
            broadcasts=store.broadcasts,
            personal_data=store.people,
            access=access if access is not None else self.access,
        )


@dataclass
class Ctx:
    data: DataSet
    today: date
    user_id: int
    role: Role | None
    lang: str = "nl"
    names: NameIndex | None = None
    stale_seconds: float | None = None  # age of the data when served from a stale cache
    refresh: Callable[[], Any] | None = None  # the front end's sheet refresh, for /ververs
    front: Front = field(default_factory=Front)
    chat_id: int | None = None  # the chat asked in; None: the user's own (private) chat
    user_name: str = ""  # the asker's name as Telegram gives it (access requests, recorded by)
    chat_admin: bool = False  # the asker administers this group (the front end asked Telegram)
    loading: bool | str = False  # True, or the error, until the sheet is first read
    stale_reason: str | None = None  # why the last read failed, while stale data is served
    target: Any = None  # what the command answered about, for the buttons under it (common)

    def __post_init__(self) -> None:
        self.lang = pick_language(self.lang)
        self._ = gettext_for(self.lang)
        self.ngettext = ngettext_for(self.lang)
        self.fmt = Formatter(self.lang, self._)
        if self.names is None:
            self.names = NameIndex.of(self.data)

    @property
    def chat(self) -> int:
        """The chat this answer goes to (a group's id is negative)."""
        return self.user_id if self.chat_id is None else self.chat_id

    def e(self, text: object) -> str:
        """Escape sheet text for Telegram's HTML parse mode."""
        return escape(str(text), quote=False)
