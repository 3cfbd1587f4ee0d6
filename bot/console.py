"""The console front end: the same replies as Telegram, as plain text in a terminal.

Every command of the table (commands.router.COMMANDS) works here as far as it can without
Telegram. The console works on a copy of TAAKBOT_DB made for its session (chat id 0): a
/herinnering preview counts the real subscribers, while a console /volg never makes the running
bot push to a chat that is no chat and a confirmed /herinnering is never sent (the bot resumes
confirmed reminders it finds in its database). Under a command with a part only the bot does
(`Command.telegram`), the console says so.
"""

from __future__ import annotations

import html
import re
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from bot.services import Services
from bot.settings import Settings
from bot.store import Store
from commands.context import Ctx
from commands.reply import Reply, Work, finished
from commands.router import handle, handle_callback, lookup, parse
from commands.subscriptions import BroadcastRequest

_TAG = re.compile(r"</?(b|i|code|pre|u|s)>")


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def render(reply: Reply, image_dir: Path | None = None, out=None) -> None:
    out = out or sys.stdout  # looked up per call, so redirection (and capsys) works
    if reply.text or not isinstance(reply.action, Work):  # work without text: its result only
        print(plain(reply.text), file=out)
    number = 0  # one number per button, as `chat` reads a typed number
    for row in reply.keyboard:
        labels = []
        for b in row:
            number += 1
            labels.append(f"[{number}] {b.text}")
        print("  " + "   ".join(labels), file=out)
    if reply.image is not None:
        folder = image_dir or Path.cwd()
        path = folder / reply.image_name
        path.write_bytes(reply.image)
        print(f"(grafiek opgeslagen: {path})", file=out)
    if reply.document is not None:
        path = (image_dir or Path.cwd()) / reply.document_name
        if isinstance(reply.document, Path):  # a temporary file (the letters' .zip): moved
            shutil.move(reply.document, path)
        else:
            path.write_bytes(reply.document)
        print(f"(bestand opgeslagen: {path})", file=out)
    for chat, note in reply.notify:
        print(f"(bericht aan {chat}: {plain(note.text)})", file=out)
    if isinstance(reply.action, Work):  # heavy work after the reply: here, in the same thread
        render(finished(reply), image_dir, out)


@contextmanager
def open_console(services: Services, settings: Settings) -> Iterator[None]:
    """A store for this console session only (see the module docstring), removed at the end."""
    with tempfile.TemporaryDirectory(prefix="taakbot-console-") as folder:
        copy = Path(folder) / "console.sqlite"
        if Path(settings["TAAKBOT_DB"]).is_file():  # read-only: the bot's file stays untouched
            source = sqlite3.connect(f"file:{settings['TAAKBOT_DB']}?mode=ro", uri=True)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        store = Store(copy)
        services.attach(store, settings)
        services.front = replace(services.front, sends=False)  # /herinnering: texts only
        try:
            yield
        finally:
            store.close()


def only_in_telegram(ctx: Ctx, text: str) -> Reply | None:
    """The command's note on what only the bot in Telegram does; `text` as typed."""
    command = lookup(parse(text)[0])
    if command is None or not command.telegram:
        return None
    return Reply("(" + ctx._(command.telegram) + ")")


def answer(ctx: Ctx, text: str, callback: bool = False) -> Reply:
    """The reply, with the note of `only_in_telegram` under it; a confirmed send is only that
    note (the bot would carry out the reply's BroadcastRequest, the console does not)."""
    reply = handle_callback(ctx, text) if callback else handle(ctx, text)
    as_typed = "/" + " ".join(text.split("|")[1:]) if callback else text
    if (note := only_in_telegram(ctx, as_typed)) is not None:
        if isinstance(reply.action, BroadcastRequest):
            return note
        reply.text += "\n" + note.text
    return reply


def ask(services, text: str, role=None, lang: str = "nl", today=None, out=None) -> Reply:
    ctx = services.ctx(user_id=0, lang=lang, role=role, today=today)
    reply = answer(ctx, text)
    render(reply, out=out)
    return reply


def chat(services, role=None, lang: str = "nl", today=None, inp=None, out=None):
    """A small REPL: a number picks a keyboard option of the previous answer."""
    inp, out = inp or sys.stdin, out or sys.stdout
    print("Taakbot — typ /help, of 'stop' om te stoppen.", file=out)
    last: Reply | None = None
    for line in inp:
        text = line.strip()
        if text.lower() in ("stop", "exit", "quit"):
            break
        if not text:
            continue
        ctx = services.ctx(user_id=0, lang=lang, role=role, today=today)
        buttons = [b for row in (last.keyboard if last else []) for b in row]
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            last = answer(ctx, buttons[int(text) - 1].data, callback=True)
        else:
            last = answer(ctx, text)
        if last.language:
            lang = last.language
        render(last, out=out)
        print(file=out)
