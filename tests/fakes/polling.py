"""The Application's life cycle as `run_polling` runs it, against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application


@asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    """initialize, post_init, start, poll; then stop and shut down in reverse, whatever the
    test did. The unmodified Application talks HTTP to the fake; only the poll is quick."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
