"""No secret in any log line, traceback or reply: one filter on the root handler redacts them.

httpx logs request URLs (which carry the bot token) at DEBUG, PTB logs its base URL, and an
InvalidToken traceback quotes the token. The filter rewrites each record's message and its
formatted traceback before any handler writes it, replacing known secrets (the token, the
webhook secret, the service-account key) and anything shaped like a bot token or a private key.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable
from types import TracebackType

MASK = "[geheim]"
_PATTERNS = (
    re.compile(r"\b\d{5,20}:[A-Za-z0-9_-]{20,}"),  # any Telegram bot token
    re.compile(r"(/bot)[^/\s]+(/)"),  # …/bot<token>/getMe, whatever the token looks like
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
    re.compile(r'("private_key(?:_id)?"\s*:\s*")[^"]*(")'),
    re.compile(r"(X-Telegram-Bot-Api-Secret-Token['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9_-]+", re.I),
    # an e-mail address (personal data, like a Telegram id): smtplib's errors quote them
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
)
ADDRESS = "[e-mailadres]"


class Redactor(logging.Filter):
    """A logging filter that masks secrets in messages, arguments and tracebacks."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        for secret in secrets:
            for part in (secret, *secret.split(":")[1:]):  # the token's secret half alone too
                if len(part) >= 8 and part not in self.secrets:
                    self.secrets.append(part)
        self.secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        text = _PATTERNS[0].sub(MASK, text)
        text = _PATTERNS[1].sub(rf"\1{MASK}\2", text)
        text = _PATTERNS[2].sub(MASK, text)
        text = _PATTERNS[3].sub(rf"\1{MASK}\2", text)
        text = _PATTERNS[4].sub(rf"\1{MASK}", text)
        return _PATTERNS[5].sub(ADDRESS, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what we can, still redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = Redactor()


def redact(text: str) -> str:
    """Mask every known secret in `text` (for replies and one-line error messages)."""
    return REDACTOR.redact(text)


def install(secrets: Iterable[str] = (), level: str = "INFO") -> Redactor:
    """Log to stderr through the redacting filter; uncaught exceptions go through it too."""
    REDACTOR.add(secrets)
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for handler in root.handlers:
        if REDACTOR not in handler.filters:
            handler.addFilter(REDACTOR)
    root.setLevel(level)
    # httpx logs every request URL at INFO; they carry the token, and are noise anyway.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
    sys.excepthook = _excepthook
    threading.excepthook = lambda args: _excepthook(
        args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback
    )
    return REDACTOR


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    logging.getLogger("taakbot").critical("Onverwachte fout", exc_info=(kind, value, tb))
