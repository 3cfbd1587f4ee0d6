"""Command menus per role through Telegram's command scopes, in Dutch (default) and English.

Everyone gets the role-free commands, groups the commands any role may use there, and each user
in the `gebruikers` tab (and TAAKBOT_ADMINS) the menu of their role in their own chat. The
general menus are set at start-up; the per-user ones (two calls per user) by a job half a minute
later, so they neither compete with the first replies nor wait for the sheet's first load, and
again daily, for users added to or moved in the tab.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import time
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import BadRequest
from telegram.ext import Application

from bot.logids import chat_ref
from commands.i18n import LANGUAGES, gettext_for
from commands.roles import MUNICIPAL, role_for
from commands.router import COMMANDS

log = logging.getLogger(__name__)
JOB = "menus:sync"
FIRST = "menus:start"  # the per-user menus after start-up
FIRST_AFTER = 30.0  # seconds after start-up


def menu(kind: str | None, lang: str, group: bool = False) -> list[BotCommand]:
    """The commands a role may use (None: no role yet), as Telegram shows them."""
    _ = gettext_for(lang)
    out = []
    for c in COMMANDS:
        if group and not c.in_groups:
            continue
        if not c.roles or (kind is not None and kind in c.roles):
            out.append(BotCommand(c.name, _(c.help)[:256]))
    return out


async def set_menus(app: Application, services: Any, users: bool = True) -> int:
    """Set the menus; the number of (scope, language) menus sent."""
    menus: list[tuple[Any, str | None, list[BotCommand]]] = []
    for lang in LANGUAGES:
        code = None if lang == "nl" else lang
        menus.append((BotCommandScopeDefault(), code, menu(None, lang)))
        menus.append((BotCommandScopeAllGroupChats(), code, menu(MUNICIPAL, lang, group=True)))
    if users:
        data = await asyncio.to_thread(services.cache.get)
        ids = {u.telegram_id for u in data.users if u.telegram_id is not None}
        for user_id in sorted(ids | set(services.admins)):
            role = role_for(user_id, data, services.admins)
            for lang in LANGUAGES if role is not None else ():
                code = None if lang == "nl" else lang
                menus.append((BotCommandScopeChat(user_id), code, menu(role.kind, lang)))
    for scope, code, entries in menus:
        try:
            await app.bot.set_my_commands(entries, scope=scope, language_code=code)
        except BadRequest as exc:  # e.g. a user who never started the bot: "chat not found"
            where = getattr(scope, "chat_id", None)
            log.info("Menu voor %s niet gezet: %s", chat_ref(where) if where else scope.type, exc)
    return len(menus)


async def start(app: Application, services: Any) -> None:
    """The general menus now; each user's role menu by a job FIRST_AFTER seconds later."""
    await set_menus(app, services, users=False)

    async def first(context: Any = None) -> None:
        try:
            await set_menus(app, services)
        except Exception:  # the daily run tries again; the bot itself is unaffected
            log.warning("Commandomenu's niet gezet", exc_info=True)

    stop(app)
    app.job_queue.run_once(first, when=FIRST_AFTER, name=FIRST)


def stop(app: Application) -> None:
    """Drop the start-up run if it has not happened yet (shutdown)."""
    if app.job_queue is not None:
        for job in app.job_queue.get_jobs_by_name(FIRST):
            job.schedule_removal()


def install_sync(app: Application, services: Any) -> None:
    """Daily at 04:10 (TAAKBOT_TIMEZONE): the menus again."""

    async def sync(context: Any = None) -> None:
        await set_menus(app, services)

    for job in app.job_queue.get_jobs_by_name(JOB):
        job.schedule_removal()
    app.job_queue.run_daily(sync, time=time(4, 10), name=JOB)
