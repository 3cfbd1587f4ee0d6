"""A broadcast's outcomes written to the send ledger in batches, off the event loop.

Each settled chat used to cost its own SQLite commit on a thread (and its mark another): at
Telegram's pace that took the broadcast from 27.2 to 26.5 msg/s and other users' replies from
66 to 168 ms. Now `size` outcomes go in one transaction (and the rest when the broadcast ends).
Until its batch is written a row stays 'sending': a crash then leaves it uncertain, never resent
(bot.store.ledger), so batching costs at most one batch of needless "uncertain" after a crash.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.broadcast import Outgoing

Outcome = tuple[Outgoing, str, str | None]  # (the chat's item, status, error)


class Settlements:
    def __init__(self, write: Callable[[list[Outcome]], None], size: int) -> None:
        self.write, self.size = write, max(1, size)
        self._pending: list[Outcome] = []
        self._writing: asyncio.Task[None] | None = None

    def add(self, item: Outgoing, status: str, error: str | None) -> None:
        """Note how a chat's send ended; a full batch is written in the background."""
        self._pending.append((item, status, error))
        if len(self._pending) >= self.size and self._writing is None:
            self._writing = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while len(self._pending) >= self.size:
                batch, self._pending = self._pending[: self.size], self._pending[self.size :]
                await asyncio.to_thread(self.write, batch)
        finally:
            self._writing = None

    async def flush(self) -> None:
        """Write everything noted so far (the broadcast is over)."""
        while self._writing is not None:
            await asyncio.shield(self._writing)
        while self._pending:
            batch, self._pending = self._pending[: self.size], self._pending[self.size :]
            await asyncio.to_thread(self.write, batch)
