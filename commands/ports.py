"""What a front end lends a command beside the sheet, as protocols: commands/ may not import
bot/, so each service a command uses is named here by the calls it makes (bot/ implements them:
bot.store's parts, bot.access; sheets.sources.ladder.Recorder; commands.round.letters.bundle)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from commands.records import Broadcast, Key, Request, Subscription

if TYPE_CHECKING:
    from commands.context import Ctx
    from engine.checkpoint_round import Round
    from engine.state import DataSet
    from sheets.sources.ladder import LadderRow, Reading, Written


class Subscriptions(Protocol):
    """/volg, /ontvolg, /mijn: what each chat follows."""

    def subscribe(self, chat_id: int, kind: str, scope: str, user_id: int, lang: str) -> bool: ...

    def unsubscribe(
        self, chat_id: int, kind: str | None = None, scope: str | None = None
    ) -> int: ...

    def active(self, chat_id: int | None = None) -> list[Subscription]: ...


class SendLedger(Protocol):
    """/controle and resending: what was sent, and what may have been."""

    def rows(self, kind_prefix: str = "") -> list[tuple[Key, str, int]]: ...

    def release_uncertain(
        self, kind: str, due: str | None = None, scope: str | None = None
    ) -> int: ...

    def uncertain_automatic(self) -> list[tuple[str, str, int]]: ...

    def given_up(self) -> list[tuple[Key, str]]: ...


class Broadcasts(Protocol):
    """/herinnering: a manual reminder kept from preview to confirmation."""

    def create(self, draft: Broadcast) -> int: ...

    def get(self, broadcast_id: int) -> Broadcast | None: ...

    def move(self, broadcast_id: int, old: str, new: str, report: str = "") -> bool: ...


class PersonalData(Protocol):
    """/vergeet: erase every row about one user; the number removed."""

    def forget(self, user_id: int) -> int: ...

    def forget_address(self, recipient: str) -> int: ...


class StoreParts(Protocol):
    """The state database as the front end opened it (bot.store.Store): one part per service."""

    @property
    def subscriptions(self) -> Subscriptions: ...

    @property
    def ledger(self) -> SendLedger: ...

    @property
    def broadcasts(self) -> Broadcasts: ...

    @property
    def people(self) -> PersonalData: ...


class AccessRequests(Protocol):
    """Onboarding links: requests for access and who decided them."""

    def ask(self, user_id: int, user_name: str, kind: str, scope: str) -> tuple[Request, bool]: ...

    def get(self, request_id: int) -> Request | None: ...

    def decide(self, request_id: int, granted: bool, by: int, by_name: str) -> Request | None: ...

    def granted(self, user_id: int) -> Request | None: ...

    def decided(self, limit: int = 25) -> list[Request]: ...

    def pending(self) -> list[Request]: ...


class Recording(Protocol):
    """The round's one write (sheets.sources.ladder.Recorder)."""

    def record(self, rows: Sequence[LadderRow], reading: Reading | None = None) -> Written: ...

    def fresh(self) -> DataSet: ...

    def locked(self) -> AbstractContextManager[None]: ...

    def remember(self, key: str, shown: dict[str, str]) -> None: ...

    def recall(self, key: str) -> dict[str, str] | None: ...


# The round's letters as one archive: (the .zip as a temporary file, its name, letters in it).
LetterMaker = Callable[["Ctx", "Round", str], tuple[Path, str, int]]

__all__ = [
    "AccessRequests",
    "Broadcasts",
    "LetterMaker",
    "PersonalData",
    "Recording",
    "SendLedger",
    "StoreParts",
    "Subscriptions",
]
