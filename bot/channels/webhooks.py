"""TAAKBOT_TEAMS_WEBHOOKS: a file of lines `provincie:Zuid-Holland = https://…` naming the Teams
channel of a province, region or municipality. The URLs are secrets: an error names the line,
never its URL; the redacting log filter gets every URL (bot.settings.Settings.secrets)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

KINDS = ("provincie", "regio", "gemeente")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class WebhookFileError(ValueError):
    """One Dutch line naming the file's line and what is wrong with it (never the URL)."""


def parse(text: str, where: str = "TAAKBOT_TEAMS_WEBHOOKS") -> dict[tuple[str, str], str]:
    """(kind, scope) → webhook URL, one per scope."""
    out: dict[tuple[str, str], str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        left, sep, url = line.partition("=")
        kind, colon, scope = left.strip().partition(":")
        kind, scope, url = kind.strip().lower(), " ".join(scope.split()), url.strip()
        at = f"{where} regel {number}"
        if not sep or not colon or not scope:
            raise WebhookFileError(f"{at}: verwacht 'provincie:Naam = https://…'")
        if kind not in KINDS:
            raise WebhookFileError(f"{at}: '{kind}' is geen provincie, regio of gemeente")
        parts = urlsplit(url)
        secure = parts.scheme == "https" or (
            parts.scheme == "http" and parts.hostname in _LOOPBACK
        )
        if not secure or not parts.netloc:
            raise WebhookFileError(f"{at}: het adres is geen https-adres van een webhook")
        if (kind, scope) in out:
            raise WebhookFileError(f"{at}: {kind}:{scope} staat er al eerder in")
        out[(kind, scope)] = url
    return out


def read(path: str) -> dict[tuple[str, str], str]:
    file = Path(path.strip())
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise WebhookFileError(f"{file} is niet te lezen ({exc.strerror})") from None
    return parse(text, str(file))
