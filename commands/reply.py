"""What a command answers, independent of Telegram: HTML text, an optional keyboard and image."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

TELEGRAM_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str  # callback_data: 1–64 bytes

    def __post_init__(self) -> None:
        if not 1 <= len(self.data.encode()) <= 64:
            raise ValueError(f"callback_data must be 1–64 bytes: {self.data!r}")


@dataclass(frozen=True, slots=True)
class Work:
    """Heavy work a reply leaves to the front end (letters, round tables, recording, exports,
    charts): the bot runs it in its lane (bot.lane), a bounded pool with a queue, after the
    reply and never on the reply's thread; what it returns is sent as a follow-up. A reply with
    work may have no text of its own: then the result is the answer (or, when the lane is
    busy, first its place in the queue)."""

    run: Callable[[], Reply]
    what: str  # for the log: 'ronde:brieven 2022-07-01 Zuid-Holland'
    kind: str = "werk"  # for the log and the lane's figures: brieven, vastleggen, grafiek, …
    key: Hashable = None  # the request (default: `what`); the same key asked again by the
    # same person while it waits or runs joins the first instead of starting another

    @property
    def request(self) -> Hashable:
        return self.what if self.key is None else self.key


def finished(reply: Reply) -> Reply:
    """What the user ends up with: the reply's work carried out here and now (the console and
    tests do this; the bot runs it in its lane). A reply without work is itself."""
    return after(reply, reply.action.run()) if isinstance(reply.action, Work) else reply


def after(reply: Reply, result: Reply) -> Reply:
    """The result of a reply's work as it is sent: a reply without text of its own (the
    result is the answer) hands its buttons on to the result."""
    if not reply.text and reply.keyboard and not result.keyboard:
        result.keyboard = reply.keyboard
    return result


@dataclass(slots=True)
class Reply:
    text: str  # HTML parse mode; every sheet text inside is escaped
    keyboard: list[list[Button]] = field(default_factory=list)
    image: bytes | None = None
    image_name: str = "grafiek.png"
    action: object | None = None  # work for the front end after sending (e.g. a broadcast)
    language: str | None = None  # the user chose another language (/taal)
    notify: list[tuple[int, Reply]] = field(default_factory=list)  # messages to other chats
    # A file to send: its bytes (/export's .xlsx), or a temporary file on disk (the round's
    # letters as .zip) that the front end sends from disk and then removes.
    document: bytes | Path | None = None
    document_name: str = "taakbot.xlsx"

    def chunks(self, limit: int = TELEGRAM_LIMIT) -> list[str]:
        """Split on line boundaries so no message exceeds Telegram's limit or breaks a tag."""
        return split_message(self.text, limit)


_TAG = re.compile(r"<(/?)([a-z]+)(?:\s[^>]*)?>")


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split between lines (a very long line between words), never inside a tag or an entity:
    a tag still open at a cut is closed there and opened again in the next part."""
    if len(text) <= limit:
        return [text]
    units: list[tuple[str, str]] = []  # (separator before it, text)
    for line in text.split("\n"):
        for i, piece in enumerate(_break(line, max(1, limit // 8))):
            units.append(("\n" if i == 0 else "", piece))
    parts: list[str] = []
    opened: list[str] = []  # opening tags in force at the end of `body`
    body, empty = "", True
    for sep, unit in units:
        after = _open_after(opened, unit)
        candidate = body + ("" if empty else sep) + unit
        if not empty and len(candidate) + len(_closing(after)) > limit:
            parts.append(body + _closing(opened))
            body, empty = "".join(opened), True
            candidate = body + unit
        body, empty, opened = candidate, False, after
    if not empty:
        parts.append(body + _closing(opened))
    return parts


def _open_after(opened: list[str], text: str) -> list[str]:
    stack = list(opened)
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2)
        if not closing:
            stack.append(match.group(0))
        elif stack and _TAG.match(stack[-1]).group(2) == name:
            stack.pop()
    return stack


def _closing(opened: list[str]) -> str:
    return "".join(f"</{_TAG.match(tag).group(2)}>" for tag in reversed(opened))


def _break(line: str, width: int) -> list[str]:
    """A line longer than `width` in pieces that end after a space outside a tag or entity."""
    if len(line) <= width:
        return [line]
    pieces, start = [], 0
    while len(line) - start > width:
        cut = _safe_cut(line, start, start + width)
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return pieces


def _safe_cut(line: str, start: int, end: int) -> int:
    """The last space before `end` outside <…> and &…; (else the last safe position)."""
    inside, safe, space = False, start + 1, -1
    for i in range(start, end):
        c = line[i]
        if c in "<&":
            inside = True
        elif c in ">;" and inside:
            inside = False
            safe = i + 1
            continue
        if not inside:
            safe = i + 1
            if c == " ":
                space = i + 1
    return space if space > start else max(safe, start + 1)
