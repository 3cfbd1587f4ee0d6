"""The console front end: the same replies as Telegram, as plain text in a terminal."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import commands.subscriptions  # noqa: F401  (registers /volg etc.; they explain they need Telegram)
from commands.reply import Reply, Work
from commands.router import handle, handle_callback

_TAG = re.compile(r"</?(b|i|code|pre|u|s)>")


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def render(reply: Reply, image_dir: Path | None = None, out=None) -> None:
    out = out or sys.stdout  # looked up per call, so redirection (and capsys) works
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
        path.write_bytes(reply.document)
        print(f"(bestand opgeslagen: {path})", file=out)
    for chat, note in reply.notify:
        print(f"(bericht aan {chat}: {plain(note.text)})", file=out)
    if isinstance(reply.action, Work):  # slow work after the reply: here, in the same thread
        render(reply.action.run(), image_dir, out)


def ask(services, text: str, role=None, lang: str = "nl", today=None, out=None) -> Reply:
    ctx = services.ctx(user_id=0, lang=lang, role=role, today=today)
    reply = handle(ctx, text)
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
            last = handle_callback(ctx, buttons[int(text) - 1].data)
        else:
            last = handle(ctx, text)
        if last.language:
            lang = last.language
        render(last, out=out)
        print(file=out)
