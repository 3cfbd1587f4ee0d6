"""What the bot keeps for its lifetime: PTB's `bot_data`, typed through `ContextTypes`.

PTB makes `bot_data` itself (the class must build without arguments), so every field has a
default and is filled in while the application is put together (`bot.app.run`, tests alike).
Handlers and jobs read attributes, never string keys; `bot.app.post_shutdown` closes what is
open here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.jobs import Pushes
from bot.lane import Lane
from bot.services import Services
from bot.webhook import HttpServer


@dataclass
class BotData:
    services: Services | None = None  # the sheet cache, names, roles, the date
    pushes: Pushes | None = None  # weekly overviews and reminders, with the store (bot.jobs)
    http: HttpServer | None = None  # /healthz, and the webhook when there is one
    lane: Lane | None = None  # heavy work: letters, tables, recording, exports, charts


Context: TypeAlias = CallbackContext[ExtBot[None], dict, dict, BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
