"""The Telegram front end. `build_application` reads as the bot's table of contents."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.services import Services
from bot.settings import Settings
from commands.i18n import gettext_for, pick_language
from commands.reply import CAPTION_LIMIT, Reply
from commands.router import handle, handle_callback, telegram_command_list

log = logging.getLogger(__name__)
SERVICES = "services"
POST_SEND = "post_send"  # bot_data hook: async (context, chat_id, reply) after a reply is sent


def build_application(settings: Settings, services: Services) -> Application:
    builder = (
        Application.builder()
        .token(settings["TAAKBOT_TELEGRAM_TOKEN"])
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings["TAAKBOT_TIMEZONE"]))
        # PTB's limiter drops a message on 429 unless retries are allowed (pitfalls.md).
        .rate_limiter(AIORateLimiter(overall_max_rate=25, max_retries=3))
        .concurrent_updates(True)
        .post_init(post_init)
    )
    if settings["TAAKBOT_TELEGRAM_API_URL"]:
        root = settings["TAAKBOT_TELEGRAM_API_URL"].rstrip("/").removesuffix("/bot")
        builder = builder.base_url(root + "/bot").base_file_url(root + "/file/bot")
    app = builder.build()
    app.bot_data[SERVICES] = services

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
    """Register the command list in Dutch (default) and English."""
    await app.bot.set_my_commands(telegram_command_list("nl"))
    await app.bot.set_my_commands(telegram_command_list("en"), language_code="en")


def _lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    chosen = context.user_data.get("lang") if context.user_data is not None else None
    user = update.effective_user
    return chosen or pick_language(user.language_code if user else None)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or not message.text or update.effective_user is None:
        return
    services: Services = context.bot_data[SERVICES]
    user_id, lang = update.effective_user.id, _lang(update, context)
    chat_id = update.effective_chat.id
    reply = await asyncio.to_thread(
        lambda: handle(services.ctx(user_id, lang, chat_id=chat_id), message.text)
    )
    await deliver(context, chat_id, reply)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    await query.answer()
    services: Services = context.bot_data[SERVICES]
    user_id, lang = update.effective_user.id, _lang(update, context)
    chat_id = update.effective_chat.id
    reply = await asyncio.to_thread(
        lambda: handle_callback(services.ctx(user_id, lang, chat_id=chat_id), query.data or "")
    )
    if query.message is not None:  # the choice is made: remove the buttons
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:  # a second tap: the buttons are already gone
            log.debug("Knoppen waren al verwijderd")
    await deliver(context, chat_id, reply)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
            for row in reply.keyboard
        ]
    )


async def deliver(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    """Send text in chunks under Telegram's limit; an image carries a short caption."""
    if reply.language and context.user_data is not None:
        context.user_data["lang"] = reply.language
    chunks = reply.chunks()
    markup = keyboard(reply)
    if reply.image is not None:
        caption = chunks[0] if len(chunks) == 1 and len(chunks[0]) <= CAPTION_LIMIT else None
        await context.bot.send_photo(
            chat_id, reply.image, caption=caption, reply_markup=markup if caption else None
        )
        if caption is not None:
            chunks = []
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await context.bot.send_message(
            chat_id, chunk, reply_markup=markup if last else None, disable_web_page_preview=True
        )
    hook = context.bot_data.get(POST_SEND)
    if reply.action is not None and hook is not None:
        await hook(context, chat_id, reply)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("Fout bij het verwerken van een update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        _ = gettext_for(_lang(update, context))
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                escape(
                    _(
                        "Sorry, er ging iets mis. Probeer het later opnieuw; de beheerder is "
                        "op de hoogte."
                    )
                ),
            )
        except Exception:  # the apology itself failed (e.g. blocked): the log has it all
            log.warning("Kon de foutmelding niet versturen", exc_info=True)


def run(settings: Settings) -> int:
    if not settings["TAAKBOT_TELEGRAM_TOKEN"]:
        print("TAAKBOT_TELEGRAM_TOKEN ontbreekt. Zonder token: taakbot chat of taakbot ask.")
        return 2
    services = Services.from_settings(settings)
    app = build_application(settings, services)
    from bot.jobs import install_jobs

    install_jobs(app, settings, services)
    if settings["TAAKBOT_WEBHOOK_URL"]:
        app.run_webhook(
            listen="0.0.0.0",
            port=settings["TAAKBOT_WEBHOOK_PORT"],
            webhook_url=settings["TAAKBOT_WEBHOOK_URL"],
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
