"""What a user typed, made safe to use and to show: bounded numbers, no control characters, and
an echo cut to a readable length.

Telegram passes any Unicode through; a number too big for SQLite's INTEGER (2⁶³−1) or a digit
`int()` does not take ('²', '٣') must be a named answer, never an exception, and a typed text
quoted back ("„…” staat niet in de sheet") must not carry control characters or fill the screen.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

MAX_ID = 2**63 - 1  # SQLite INTEGER: a request or broadcast number is 1 … 2⁶³−1
ECHO_CHARS = 60  # a quoted input longer than this is cut with '…'
_ASCII_NUMBER = re.compile(r"[0-9]{1,19}")  # 2⁶³−1 has 19 digits
# Line breaks and tabs become one space; other control and format characters (C0, C1, DEL,
# bidirectional overrides, zero-width) go. ZWJ stays: emoji sequences need it.
_SPACES = re.compile(r"[\t\n\r\v\f\x1c-\x1f\x85\u2028\u2029]+")
_KEEP = frozenset("\u200d")


def number(text: str) -> int | None:
    """'17' → 17; '0', '-3', '²', '1e5', '99999999999999999999' (above 2⁶³−1) → None."""
    text = text.strip()
    if not _ASCII_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def clean(text: str) -> str:
    """Typed text without control characters: line breaks and tabs as one space."""
    text = _SPACES.sub(" ", text)
    if text.isprintable():
        return text
    return "".join(
        c for c in text if c in _KEEP or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co")
    )


def shorten(text: str, limit: int = ECHO_CHARS) -> str:
    """At most `limit` characters: a longer text keeps its start and ends in '…'."""
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def echo(text: str, limit: int = ECHO_CHARS) -> str:
    """A typed text to quote back in HTML: clean, cut with '…' and escaped."""
    return escape(shorten(text, limit), quote=False)
