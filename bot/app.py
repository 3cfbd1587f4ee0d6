"""The Telegram front end. `run` and `build_application` read as the bot's table of contents.

Everything the bot keeps lives in the typed `BotData` (bot.botdata); what it opens is closed in
one `post_shutdown`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import time as dt_time
from html import escape
from pathlib import Path
from typing import Any

from telegram import (
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot import menus, webhook
from bot.botdata import CONTEXT_TYPES, BotData, Context
from bot.jobs import install_jobs
from bot.lane import Lane
from bot.logids import chat_ref
from bot.pacing import PacedLimiter, Pacer
from bot.refresh import install_refresh
from bot.services import Services
from bot.settings import Settings
from bot.store import Store
from commands.i18n import gettext_for, pick_language
from commands.privacy import Forgotten
from commands.reply import CAPTION_LIMIT, Reply, Work, after
from commands.roles import viewer
from commands.router import handle, handle_callback, lookup, parse
from engine.reasons import N_
from sheets.runtime.courtesy import serving

log = logging.getLogger(__name__)
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
LANG_READ = "lang_read"  # user_data: the stored /taal choice was looked up
SORRY = N_("Sorry, er ging iets mis. Probeer het later opnieuw; de beheerder is op de hoogte.")


def build_application(
    settings: Settings, services: Services, *, pacer: Pacer | None = None
) -> Application:
    builder = (
        Application.builder()
        .token(settings["TAAKBOT_TELEGRAM_TOKEN"])
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings["TAAKBOT_TIMEZONE"]))
        # One limiter for replies and broadcasts alike; replies go first (bot/pacing.py).
        .rate_limiter(PacedLimiter(pacer or Pacer(), max_retries=3))
        .concurrent_updates(True)
        .context_types(CONTEXT_TYPES)  # context.bot_data is a BotData
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings["TAAKBOT_TELEGRAM_API_URL"]:
        root = settings["TAAKBOT_TELEGRAM_API_URL"].rstrip("/").removesuffix("/bot")
        builder = builder.base_url(root + "/bot").base_file_url(root + "/file/bot")
    app = builder.build()
    app.bot_data.services = services
    app.bot_data.lane = Lane(settings["TAAKBOT_LANE_WORKERS"])  # heavy work (bot/lane.py)

    # 1. Keyboard answers (a chosen municipality, a confirmed broadcast).
    app.add_handler(CallbackQueryHandler(on_callback))
    # 2. Commands and bare names in private chats; commands only in groups.
    app.add_handler(
        MessageHandler(filters.COMMAND | (filters.TEXT & filters.ChatType.PRIVATE), on_message)
    )
    # 3. One error handler: log the details, answer briefly.
    app.add_error_handler(on_error)
    return app


async def post_init(app: Application) -> None:
    """The general menus now; each user's role menu in the background (the sheet may load)."""
    await menus.start(app, _data(app).services)


async def post_shutdown(app: Application) -> None:
    """Close what the bot opened, in one place: background sends finish, then the store and its
    access book, then the sheet source's HTTP session."""
    data = _data(app)
    if data.lane is not None:
        data.lane.close()
    if data.pushes is not None:
        await data.pushes.idle()
        data.pushes.store.close()
    if data.services is not None:
        data.services.close()


def _data(app: Application) -> BotData:
    return app.bot_data


# -- updates ---------------------------------------------------------------------------------
def _store(context: Context) -> Any:
    return context.bot_data.services.store


async def _lang(update: Update, context: Context) -> str:
    """/taal choice (memory, then the store: it survives a restart), else the client's."""
    user, memory = update.effective_user, context.user_data
    chosen = memory.get("lang") if memory is not None else None
    store = _store(context)
    ask_store = memory is not None and not memory.get(LANG_READ)  # once per user and process
    if chosen is None and user is not None and store is not None and ask_store:
        try:
            chosen = await asyncio.to_thread(store.people.language, user.id)
        except Exception:
            log.warning("Taalkeuze niet gelezen", exc_info=True)
        memory[LANG_READ] = True
        if chosen:
            memory["lang"] = chosen
    return chosen or pick_language(user.language_code if user else None)


def _for_other_bot(text: str, username: str | None) -> bool:
    """'/stand@andere_bot Delft' in a group is not for us."""
    head = text.split(maxsplit=1)[0] if text.startswith("/") else ""
    if "@" not in head:
        return False
    return head.partition("@")[2].casefold() != (username or "").casefold()


async def _chat_admin(update: Update, context: Context, text: str) -> bool:
    """In a group, ask Telegram whether the sender administers it (only when it matters)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type not in GROUP_TYPES:
        return False
    command = lookup(parse(text)[0])
    if command is None or not command.group_admins:  # e.g. /volg: what a whole group gets
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        log.warning("Kon de beheerders van %s niet opvragen", chat_ref(chat.id), exc_info=True)
        return False
    return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


async def _answer(update: Update, context: Context, text: str, callback: bool = False) -> Reply:
    """Run the command in a worker thread with the sender's role as it applies in this chat."""
    services = context.bot_data.services
    user_id, chat_id = update.effective_user.id, update.effective_chat.id
    lang = await _lang(update, context)
    as_typed = "/" + " ".join(text.split("|")[1:]) if callback else text
    admin = await _chat_admin(update, context, as_typed)
    user_full_name, bot_username = update.effective_user.full_name, context.bot.username

    def run() -> Reply:
        with serving():  # a refresh running meanwhile steps aside (sheets.runtime.courtesy)
            ctx = services.ctx(
                user_id, lang, chat_id=chat_id, user_name=user_full_name, chat_admin=admin
            )
            ctx.role = viewer(ctx.role, chat_id)  # groups: what every member may see
            ctx.front = replace(ctx.front, bot_username=bot_username)  # onboarding links
            return handle_callback(ctx, text) if callback else handle(ctx, text)

    return await asyncio.to_thread(run)


async def on_message(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not message.text or update.effective_user is None:
        return
    if _for_other_bot(message.text, context.bot.username):
        return
    reply = await _answer(update, context, message.text)
    lang = await _lang(update, context)
    await deliver(context, update.effective_chat.id, reply, update.effective_user.id, lang)


async def on_callback(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    await query.answer()
    reply = await _answer(update, context, query.data or "", callback=True)
    if query.message is not None:  # the choice is made: remove the buttons
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:  # a second tap: the buttons are already gone
            log.debug("Knoppen waren al verwijderd")
    lang = await _lang(update, context)
    await deliver(context, update.effective_chat.id, reply, update.effective_user.id, lang)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
            for row in reply.keyboard
        ]
    )


async def deliver(
    context: Context,
    chat_id: int,
    reply: Reply,
    user_id: int | None = None,
    lang: str = "nl",
) -> None:
    """Send text in chunks under Telegram's limit; an image carries a short caption. Work the
    reply leaves goes to the lane first, so its place in the queue is in this message."""
    announced: asyncio.Event | None = None
    if isinstance(reply.action, Work):
        announced = asyncio.Event()
        note = hand_in(context, chat_id, reply, user_id, lang, announced)
        if not reply.text:  # the result is the answer: it carries the buttons (reply.after)
            reply = replace(reply, keyboard=[])
        if note:
            reply = replace(reply, text="\n".join(t for t in (reply.text, note) if t))
    try:
        await _send(context, chat_id, reply, user_id)
    finally:
        if announced is not None:
            announced.set()


async def _send(context: Context, chat_id: int, reply: Reply, user_id: int | None) -> None:
    store = _store(context)
    if reply.language and context.user_data is not None:
        context.user_data["lang"] = reply.language
        if store is not None and user_id is not None:
            await asyncio.to_thread(store.people.set_language, user_id, reply.language)
    if isinstance(reply.action, Forgotten) and context.user_data is not None:
        context.user_data.clear()
    chunks = reply.chunks()
    markup = keyboard(reply)
    if reply.image is not None:
        caption = chunks[0] if len(chunks) == 1 and len(chunks[0]) <= CAPTION_LIMIT else None
        await context.bot.send_photo(
            chat_id, reply.image, caption=caption, reply_markup=markup if caption else None
        )
        if caption is not None:
            chunks = []
    if reply.document is not None:  # /export: the file carries the short text as its caption
        caption = chunks[0] if len(chunks) == 1 and len(chunks[0]) <= CAPTION_LIMIT else None
        with _document(reply) as document:
            await context.bot.send_document(
                chat_id,
                document,
                filename=reply.document_name,
                caption=caption,
                reply_markup=markup if caption else None,  # /ronde: Vastleggen, Brieven
            )
        if caption is not None:
            chunks = []
    chunks = [chunk for chunk in chunks if chunk.strip()]  # work without text: nothing yet
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await context.bot.send_message(
            chat_id, chunk, reply_markup=markup if last else None, disable_web_page_preview=True
        )
    pushes = context.bot_data.pushes
    if reply.action is not None and not isinstance(reply.action, Work) and pushes is not None:
        # e.g. a confirmed /herinnering (work went to the lane in `deliver`)
        await pushes.post_send(context, chat_id, reply)
    for other, note in reply.notify:  # e.g. an access request to the approvers (onboarding)
        try:
            await deliver(context, other, note)
        except TelegramError:
            log.warning("Kon bericht aan %s niet versturen", chat_ref(other), exc_info=True)


@contextmanager
def _document(reply: Reply) -> Iterator[InputFile | bytes]:
    """The reply's file as PTB sends it: bytes as they are; a temporary file streamed from disk
    (httpx reads it in pieces, and again from the start on a retry), removed once sent."""
    if not isinstance(reply.document, Path):
        yield reply.document
        return
    try:
        with reply.document.open("rb") as handle:
            yield InputFile(handle, filename=reply.document_name, read_file_handle=False)
    finally:
        reply.document.unlink(missing_ok=True)


def hand_in(
    context: Context,
    chat_id: int,
    reply: Reply,
    user_id: int | None,
    lang: str,
    announced: asyncio.Event,
) -> str:
    """Give the reply's heavy work to the lane; the line that says where it stands ('' when it
    runs now). Its result follows the reply (`announced`), also when it is ready first."""
    _ = gettext_for(lang)
    work = reply.action
    assert isinstance(work, Work)

    async def result(outcome: Reply | None, error: BaseException | None) -> None:
        await announced.wait()
        if error is not None or outcome is None:
            outcome = Reply(escape(_(SORRY)))
        await deliver(context, chat_id, after(reply, outcome), user_id, lang)

    lane = context.bot_data.lane
    if lane is None:  # an application built without one (never in `run`): one at a time
        lane = context.bot_data.lane = Lane(1)
    ticket = lane.submit((user_id, work.request), work.run, chat_id, result, kind=work.kind)
    if ticket.joined and ticket.position == 0:
        return escape(_("Dit verzoek loopt al; ik stuur het zodra het klaar is."))
    if ticket.joined:
        return escape(
            _("Dit verzoek staat al in de rij (nummer {n}); ik stuur het zodra het klaar is.")
        ).format(n=ticket.position)
    if ticket.position:
        return escape(_("In de rij: nummer {n}; ik stuur het zodra het klaar is.")).format(
            n=ticket.position
        )
    return ""


async def on_error(update: object, context: Context) -> None:
    log.error("Fout bij het verwerken van een update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        lang = pick_language(
            update.effective_user.language_code if update.effective_user else None
        )
        if context.user_data is not None:
            lang = context.user_data.get("lang", lang)
        _ = gettext_for(lang)
        try:
            await context.bot.send_message(update.effective_chat.id, escape(_(SORRY)))
        except Exception:  # the apology itself failed (e.g. blocked): the log has it all
            log.warning("Kon de foutmelding niet versturen", exc_info=True)


# -- privacy ---------------------------------------------------------------------------------
RETENTION_JOB = "privacy:purge"


def install_retention(app: Application, store: Any, days: int) -> None:
    """Daily at 04:00: delete delivery-log rows older than TAAKBOT_RETENTION_DAYS."""

    async def purge(context: Any = None) -> int:
        removed = await asyncio.to_thread(store.purge, days * 86400.0)
        log.info("Verzendlogboek: %d regels ouder dan %d dagen gewist", removed, days)
        return removed

    jq = app.job_queue
    for job in jq.get_jobs_by_name(RETENTION_JOB):
        job.schedule_removal()
    jq.run_daily(purge, time=dt_time(4, 0), name=RETENTION_JOB)
    jq.run_once(purge, when=60.0, name=RETENTION_JOB + ":start")


# -- running ---------------------------------------------------------------------------------
def _warn_if_db_may_vanish(path: str) -> None:
    if not os.path.isabs(path):
        log.warning(
            "TAAKBOT_DB=%s ligt in de werkmap %s; veel hosts wissen die bij een herstart "
            "(dubbele of gemiste herinneringen, abonnementen kwijt). Zet TAAKBOT_DB op een "
            "blijvend volume, zie README 'In productie'.",
            path,
            os.getcwd(),
        )


async def serve(app: Application, settings: Settings, stop: asyncio.Event) -> None:
    """Start the bot (polling or webhook, plus /healthz), run until `stop` is set, shut down."""
    url = settings["TAAKBOT_WEBHOOK_URL"]
    port = settings["TAAKBOT_WEBHOOK_PORT"] if url else settings["TAAKBOT_HEALTH_PORT"]
    started = time.time()
    http = None
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        if port is not None:
            http = webhook.start(
                app,
                listen=settings["TAAKBOT_WEBHOOK_LISTEN"],
                port=port,
                report=lambda: webhook.health_report(app, started),
                path=webhook.url_path(url) if url else None,
                secret=settings["TAAKBOT_WEBHOOK_SECRET"],
            )
            _data(app).http = http
        if url:
            await app.bot.set_webhook(
                url,
                secret_token=settings["TAAKBOT_WEBHOOK_SECRET"],
                allowed_updates=Update.ALL_TYPES,
            )
        else:  # start_polling removes a webhook left from an earlier deployment
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await app.start()
        log.info("Taakbot draait (%s)", "webhook" if url else "long polling")
        await stop.wait()
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
        if http is not None:
            await http.stop()
        menus.stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def run(settings: Settings) -> int:
    """`taakbot run`: errors propagate to the CLI, which turns them into one line and a code.

    The store opens before anything else, so a bad TAAKBOT_DB is refused before Telegram is
    contacted; `post_shutdown` closes it with the rest.
    """
    # 1. What the bot keeps: the store (local and quick) and the sheet behind its cache.
    settings.check_for_run()
    _warn_if_db_may_vanish(settings["TAAKBOT_DB"])
    store = Store(settings["TAAKBOT_DB"])
    services = Services.from_settings(settings, load=False)  # the refresh job reads the sheet
    # 2. The application: handlers, limiter, BotData, post_init / post_shutdown.
    app = build_application(settings, services)
    # 3. Jobs, each rebuilt under its own name: sheet refresh, pushes, retention, menus.
    install_refresh(app, services.cache)
    install_jobs(app, settings, services, store=store)
    install_retention(app, store, settings["TAAKBOT_RETENTION_DAYS"])
    menus.install_sync(app, services)

    # 4. Serve (polling or webhook, plus /healthz) until SIGINT or SIGTERM.
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, settings, stop)

    asyncio.run(main())
    return 0
