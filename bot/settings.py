"""Every setting in one typed table (name, default, help), validated at start-up."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo


class SettingError(ValueError):
    pass


def _int(text: str) -> int:
    return int(text)


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _days(text: str) -> tuple[int, ...]:
    return tuple(
        sorted({int(x) for x in text.replace(";", ",").split(",") if x.strip()}, reverse=True)
    )


def _weekly(text: str) -> tuple[int, time]:
    """'mon 08:30' → (0, 08:30)."""
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    day, _, clock = text.strip().lower().partition(" ")
    return days.index(day[:3]), time.fromisoformat(clock.strip())


def _zone(text: str) -> ZoneInfo:
    return ZoneInfo(text)


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str | None
    help: str
    parse: Callable[[str], Any] = str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "TAAKBOT_SOURCE",
        None,
        "Pad naar een .xlsx/.ods-werkmap of map met CSV's, of "
        "gsheet:<id of URL>. Standaard: de meegeleverde voorbeeldwerkmap.",
    ),
    Setting(
        "TAAKBOT_SHEETS_API_URL",
        None,
        "Andere root voor de Google Sheets API (proxy of "
        "testserver); zonder inloggegevens wordt dan anoniem gelezen.",
    ),
    Setting(
        "GOOGLE_APPLICATION_CREDENTIALS",
        None,
        "Pad naar de JSON-sleutel van het service-account dat de sheet mag lezen.",
    ),
    Setting(
        "TAAKBOT_REFRESH_SECONDS",
        "300",
        "Hoe oud de gegevens mogen worden voor een nieuwe leesronde.",
        _int,
    ),
    Setting("TAAKBOT_TELEGRAM_TOKEN", None, "Token van de bot (van @BotFather).", secret=True),
    Setting(
        "TAAKBOT_TELEGRAM_API_URL",
        None,
        "Eigen Bot API-server, bijvoorbeeld http://127.0.0.1:8081/bot",
    ),
    Setting("TAAKBOT_WEBHOOK_URL", None, "Publieke URL voor webhookmodus; leeg = long polling."),
    Setting("TAAKBOT_WEBHOOK_PORT", "8443", "Poort waarop de webhook luistert.", _int),
    Setting(
        "TAAKBOT_TODAY",
        None,
        "Vaste datum (JJJJ-MM-DD) voor demo's op historische gegevens.",
        _date,
    ),
    Setting("TAAKBOT_ADMINS", "", "Telegram-id's (komma's) met de provincierol."),
    Setting(
        "TAAKBOT_DB", "taakbot.sqlite", "SQLite-bestand voor abonnementen en het verzendlogboek."
    ),
    Setting("TAAKBOT_WEEKLY", "mon 08:30", "Dag en tijd van het weekoverzicht.", _weekly),
    Setting(
        "TAAKBOT_REMINDER_DAYS", "14,7,1", "Dagen vóór een deadline waarop herinnerd wordt.", _days
    ),
    Setting("TAAKBOT_TIMEZONE", "Europe/Amsterdam", "Tijdzone voor geplande berichten.", _zone),
    Setting("TAAKBOT_LOG_LEVEL", "INFO", "Logniveau (DEBUG, INFO, WARNING)."),
)


class Settings:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self._values: dict[str, Any] = {}
        for s in SETTINGS:
            raw = env.get(s.name) or s.default
            try:
                self._values[s.name] = None if raw is None else s.parse(raw)
            except (ValueError, KeyError) as exc:
                shown = "***" if s.secret else repr(raw)
                raise SettingError(f"{s.name}={shown} is ongeldig: {s.help}") from exc

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def get(self, name: str, default: Any = None) -> Any:
        value = self._values.get(name)
        return default if value is None else value
