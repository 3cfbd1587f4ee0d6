"""Long-lived services shared by both front ends: the sheet cache, names, roles, the date."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.access import book_for
from bot.settings import Settings
from bot.store import Store
from commands.context import Ctx, Front
from commands.roles import Role, parse_admins, role_for, viewer
from commands.round.letters.bundle import LetterDefaults, zipped
from engine.state import DataSet
from sheets.loading import convert
from sheets.names.index import NameIndex
from sheets.runtime.cache import SheetCache, names
from sheets.runtime.courtesy import pause
from sheets.sources.ladder import Recorder
from sheets.sources.pick import open_source

_NOTHING_YET = DataSet(source="")


@dataclass
class Services:
    cache: SheetCache
    admins: frozenset[int]
    fixed_today: date | None = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    front: Front = field(default_factory=Front)  # what commands use beside the sheet
    store: Store | None = None  # once attached (the bot, the console's session copy)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, load: bool = True, **source_options: Any
    ) -> Services:
        """Open the source; `load=False` (the bot) leaves the first read to the refresh job,
        so the bot answers /start and /help while the sheet loads. `source_options` reach a
        Google source (tests inject its `sleep`)."""
        source = open_source(
            settings["TAAKBOT_SOURCE"],
            api_url=settings["TAAKBOT_SHEETS_API_URL"],
            credentials_file=settings["GOOGLE_APPLICATION_CREDENTIALS"],
            pause=pause,  # replies go first while a refresh reads and converts (sheets.runtime.courtesy)
            m365=m365_options(settings),
            **source_options,
        )
        cache = SheetCache(
            source,
            ttl=float(settings["TAAKBOT_REFRESH_SECONDS"]),
            loader=functools.partial(
                convert.load, provincie=settings.get("TAAKBOT_PROVINCIE"), pause=pause
            ),
            pause=pause,
        )
        if load:
            cache.get()  # command-line tools: fail at start-up, not at the first question
        tz = settings["TAAKBOT_TIMEZONE"]
        return cls(
            cache=cache,
            admins=_admins(settings["TAAKBOT_ADMINS"]),
            fixed_today=settings["TAAKBOT_TODAY"],
            tz=tz,
            front=Front(
                recorder=Recorder(cache, clock=lambda: datetime.now(tz)),
                letters=functools.partial(zipped, defaults=letter_defaults(settings)),
            ),
        )

    def attach(self, store: Store, settings: Settings) -> None:
        """What commands read beside the sheet in either front end (Ctx.front): the store of
        subscriptions, its access book, the push schedule and how long the send log is kept."""
        self.store = store
        self.front = replace(
            self.front.with_store(store, book_for(store)),
            weekly=settings["TAAKBOT_WEEKLY"],
            reminder_days=settings["TAAKBOT_REMINDER_DAYS"],
            retention_days=settings["TAAKBOT_RETENTION_DAYS"],
        )

    def close(self) -> None:
        """At shutdown: the access book beside the store, and the sheet source's session."""
        if (access := self.front.access) is not None:
            access.close()
        self.cache.close()

    def today(self) -> date:
        return self.fixed_today or datetime.now(self.tz).date()

    def role(self, user_id: int, data, chat_id: int | None = None) -> Role | None:
        """The access rule's role for a user, as it applies in this chat."""
        return viewer(role_for(user_id, data, self.admins), chat_id)

    def names(self, data) -> NameIndex:
        """The name index prepared with the DataSet (sheets.runtime.cache.names)."""
        return names(data)

    def ctx(
        self,
        user_id: int,
        lang: str | None = None,
        role: Role | None = None,
        today: date | None = None,
        refresh: Callable[[], Any] | None = None,
        chat_id: int | None = None,
        user_name: str = "",
        chat_admin: bool = False,
    ) -> Ctx:
        data = self.cache.current()  # never waits for the sheet
        loading = data is None
        if data is None:
            data = _NOTHING_YET
        stale = self.cache.age_seconds if self.cache.stale else None
        return Ctx(
            data=data,
            today=today or self.today(),
            user_id=user_id,
            role=role if role is not None else self.role(user_id, data, chat_id),
            lang=lang or "nl",
            names=self.names(data),
            stale_seconds=stale,
            refresh=refresh or self.cache.request_refresh,
            front=replace(self.front, admins=self.admins),
            chat_id=chat_id,
            user_name=user_name,
            chat_admin=chat_admin,
            loading=(self.cache.last_error or True) if loading else False,
            stale_reason=self.cache.last_error if stale is not None else None,
        )


def letter_defaults(settings: Settings) -> LetterDefaults:
    """The TAAKBOT_BRIEF_* settings for the round's letters."""
    return LetterDefaults(
        ondertekenaar=settings["TAAKBOT_BRIEF_ONDERTEKENAAR"] or "",
        functie=settings["TAAKBOT_BRIEF_FUNCTIE"] or "",
        contact=(settings["TAAKBOT_BRIEF_CONTACT"] or "").replace("|", "\n"),
        kenmerk=settings["TAAKBOT_BRIEF_KENMERK"] or "",
        digitaal=bool(settings["TAAKBOT_BRIEF_DIGITAAL"]),
        tot_slot=settings["TAAKBOT_BRIEF_TOT_SLOT"] or "",
        templates=settings["TAAKBOT_BRIEF_SJABLOON"] or {},
    )


def _admins(value: Any) -> frozenset[int]:
    """Settings parse TAAKBOT_ADMINS already; a raw string (old callers) is parsed here."""
    return value if isinstance(value, frozenset) else parse_admins(value)


def m365_options(settings: Settings) -> dict[str, Any]:
    """The sign-in and endpoints of a Microsoft 365 workbook, from the settings."""
    return {
        "tenant_id": settings["TAAKBOT_M365_TENANT_ID"],
        "client_id": settings["TAAKBOT_M365_CLIENT_ID"],
        "client_secret": settings["TAAKBOT_M365_CLIENT_SECRET"],
        "certificate": settings["TAAKBOT_M365_CERTIFICATE"],
        "thumbprint": settings["TAAKBOT_M365_CERTIFICATE_THUMBPRINT"],
        "api_url": settings["TAAKBOT_GRAPH_API_URL"],
        "authority_host": settings["TAAKBOT_M365_AUTHORITY_HOST"],
    }
