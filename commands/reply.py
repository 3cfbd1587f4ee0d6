"""What a command answers, independent of Telegram: HTML text, an optional keyboard and image."""

from __future__ import annotations

from dataclasses import dataclass, field

TELEGRAM_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str  # callback_data: 1–64 bytes

    def __post_init__(self) -> None:
        if not 1 <= len(self.data.encode()) <= 64:
            raise ValueError(f"callback_data must be 1–64 bytes: {self.data!r}")


@dataclass(slots=True)
class Reply:
    text: str  # HTML parse mode; every sheet text inside is escaped
    keyboard: list[list[Button]] = field(default_factory=list)
    image: bytes | None = None
    image_name: str = "grafiek.png"
    action: object | None = None  # work for the front end after sending (e.g. a broadcast)
    language: str | None = None  # the user chose another language (/taal)
    notify: list[tuple[int, Reply]] = field(default_factory=list)  # messages to other chats
    document: bytes | None = None  # a file to send (e.g. /export's .xlsx)
    document_name: str = "taakbot.xlsx"

    def chunks(self, limit: int = TELEGRAM_LIMIT) -> list[str]:
        """Split on line boundaries so no message exceeds Telegram's limit or breaks a tag."""
        return split_message(self.text, limit)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    open_pre = False
    for line in text.split("\n"):
        while len(line) > limit:  # one huge line: hard cut
            parts.append(line[:limit])
            line = line[limit:]
        closing = "</pre>" if open_pre else ""
        if len(current) + len(line) + 1 + len(closing) > limit and current:
            parts.append(current + closing)
            current = "<pre>" if open_pre else ""
        current = f"{current}\n{line}" if current and current != "<pre>" else current + line
        open_pre = (open_pre or "<pre>" in line) and "</pre>" not in line
    if current:
        parts.append(current)
    return parts
