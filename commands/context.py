"""Everything a command needs to answer, passed in: no globals, no clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from commands.fmt import Formatter
from commands.i18n import gettext_for, ngettext_for, pick_language
from commands.roles import Role
from engine.state import DataSet
from sheets.names.index import NameIndex

LOADING = "loading"  # Ctx.extras: True, or the error, until the sheet is first read
STALE_REASON = "stale_reason"  # Ctx.extras: why the last read failed, while stale data is served


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
    extras: dict[str, Any] = field(default_factory=dict)  # front-end services (subscriptions)

    def __post_init__(self) -> None:
        self.lang = pick_language(self.lang)
        self._ = gettext_for(self.lang)
        self.ngettext = ngettext_for(self.lang)
        self.fmt = Formatter(self.lang, self._)
        if self.names is None:
            self.names = NameIndex(self.data)

    def e(self, text: object) -> str:
        """Escape sheet text for Telegram's HTML parse mode."""
        return escape(str(text), quote=False)
