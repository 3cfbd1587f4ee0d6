"""Every setting in one typed table (name, default, allowed values, help), validated at start-up.

A bad value stops Taakbot with one Dutch line that names the variable, what is wrong and what is
allowed; the README's settings table lists the same defaults and ranges (a test compares them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.roles import parse_admins

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingError(ValueError):
    """One line naming the setting and how to fix it; never the value of a secret."""


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ValueError("geen geheel getal") from None
        if not low <= value <= high:
            raise ValueError(f"{value} ligt buiten {low}–{high}")
        return value

    return parse


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("geen datum JJJJ-MM-DD") from None


def _days(text: str) -> tuple[int, ...]:
    """'14,7,1' (or spaces, semicolons) → (14, 7, 1); each 0–365, at least one."""
    parts = text.replace(";", ",").replace(",", " ").split()
    if not parts:
        raise ValueError("geen enkel getal")
    values = {_int_between(0, 365)(p) for p in parts}
    if len(values) > 10:
        raise ValueError("meer dan 10 momenten")
    return tuple(sorted(values, reverse=True))


def _weekly(text: str) -> tuple[int, time]:
    """'mon 08:30' → (0, 08:30)."""
    day, _, clock = text.strip().lower().partition(" ")
    if day[:3] not in DAYS:
        raise ValueError(f"onbekende dag {day!r}")
    try:
        return DAYS.index(day[:3]), time.fromisoformat(clock.strip())
    except ValueError:
        raise ValueError("geen tijd UU:MM") from None


def _zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("onbekende tijdzone") from exc


def _level(text: str) -> str:
    level = text.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"onbekend niveau {text!r}")
    return level


def _admins(text: str) -> frozenset[int]:
    return parse_admins(text)


def _token(text: str) -> str:
    if not re.fullmatch(r"\d{1,20}:[A-Za-z0-9_-]{5,}", text.strip()):
        raise ValueError("geen bottoken van de vorm 123456789:ABC…")
    return text.strip()


def _secret(text: str) -> str:
    # Telegram accepts 1–256 characters A–Z, a–z, 0–9, _ and -; short ones are guessable.
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", text.strip()):
        raise ValueError("16–256 tekens A–Z, a–z, 0–9, _ of -")
    return text.strip()


def _url(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("geen http(s)-adres")
    return text.strip()


def _m365_id(text: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{1,99}", value):
        raise ValueError("geen GUID of domeinnaam")
    return value


def _thumbprint(text: str) -> str:
    value = text.strip().replace(":", "").upper()
    if not re.fullmatch(r"[0-9A-F]{40}", value):
        raise ValueError("geen SHA-1-vingerafdruk van 40 hexadecimale tekens")
    return value


def _webhook_url(text: str) -> str:
    url = _url(text)
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("Telegram stuurt updates alleen naar https://")
    return url


def _listen(text: str) -> str:
    import ipaddress

    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        raise ValueError("geen IP-adres") from None
    return text.strip()


def _key_json(text: str) -> dict[str, Any]:
    try:
        info = json.loads(text)
    except ValueError:
        raise ValueError("geen JSON") from None  # never echo: the text is the private key
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ValueError('geen service-account-sleutel ("type": "service_account")')
    for key in ("client_email", "private_key"):
        if not info.get(key):
            raise ValueError(f"{key} ontbreekt")
    return info


def _host(text: str) -> str:
    host = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]", host):
        raise ValueError("geen hostnaam of IP-adres")
    return host


def _tls(text: str) -> str:
    mode = text.strip().lower()
    if mode not in ("starttls", "ssl", "geen"):
        raise ValueError(f"onbekend: {text.strip()!r}")
    return mode


def _mail_from(text: str) -> str:
    """'taakbot@pzh.nl' or 'Taakbot Zuid-Holland <taakbot@pzh.nl>'."""
    from email.utils import parseaddr

    from sheets.tabs.values import CellError, email_address

    name, address = parseaddr(text.strip())
    try:
        checked = email_address(address)
    except CellError:
        checked = None
    if not checked:
        raise ValueError("geen e-mailadres")
    return text.strip()


def _address(text: str) -> str:
    from sheets.tabs.values import CellError, email_address

    try:
        return email_address(text) or ""
    except CellError:
        raise ValueError("geen e-mailadres") from None


def _webhooks(text: str) -> dict[tuple[str, str], str]:
    from bot.channels.webhooks import read

    return read(text)


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("ja", "nee", "true", "false", "1", "0"):
        raise ValueError("geen ja of nee")
    return value in ("ja", "true", "1")


def _templates(text: str) -> dict[str, str]:
    """'huisstijl.docx' (every province) or 'Utrecht=u.docx;Zuid-Holland=pzh.docx' → {province
    or '*': path}; every file must exist and be a .docx."""
    out: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        province, sep, path = part.partition("=")
        key, path = (province.strip(), path.strip()) if sep else ("*", province.strip())
        if not path.lower().endswith(".docx"):
            raise ValueError(f"{path} is geen .docx")
        if not os.path.isfile(path):
            raise ValueError(f"{path} bestaat niet")
        out[key] = path
    if not out:
        raise ValueError("geen pad")
    return out


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str | None
    help: str
    parse: Callable[[str], Any] = str
    secret: bool = False
    allowed: str = ""  # shown in the error and in the README table


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "TAAKBOT_SOURCE",
        None,
        "Pad naar een .xlsx/.ods-werkmap of map met CSV's, gsheet:<id of URL>, of de "
        "SharePoint/OneDrive-koppeling van een Microsoft 365-werkmap. Standaard: de "
        "meegeleverde voorbeeldwerkmap.",
        allowed="bestaand pad, gsheet:<id of URL> of SharePoint-koppeling",
    ),
    Setting(
        "TAAKBOT_PROVINCIE",
        None,
        "Provincie van de gemeenten als de sheet geen tabblad gemeenten heeft "
        "(anders uit het tabblad beleid).",
        allowed="naam van een provincie",
    ),
    Setting(
        "TAAKBOT_SHEETS_API_URL",
        None,
        "Andere root voor de Google Sheets API (proxy of "
        "testserver); zonder inloggegevens wordt dan anoniem gelezen.",
        _url,
        allowed="http(s)-adres",
    ),
    Setting(
        "GOOGLE_APPLICATION_CREDENTIALS",
        None,
        "Pad naar de JSON-sleutel van het service-account dat de sheet mag lezen.",
        allowed="pad naar een sleutelbestand",
    ),
    Setting(
        "GOOGLE_SERVICE_ACCOUNT_JSON",
        None,
        "De JSON-sleutel van het service-account zelf (in plaats van een bestand).",
        _key_json,
        secret=True,
        allowed="JSON met type service_account",
    ),
    Setting(
        "TAAKBOT_M365_TENANT_ID",
        None,
        "Tenant-id (map-id) van de Microsoft 365-organisatie, uit Microsoft Entra ID.",
        _m365_id,
        allowed="GUID of domeinnaam",
    ),
    Setting(
        "TAAKBOT_M365_CLIENT_ID",
        None,
        "Toepassings-id (client-id) van de app-registratie die de werkmap mag lezen.",
        _m365_id,
        allowed="GUID",
    ),
    Setting(
        "TAAKBOT_M365_CLIENT_SECRET",
        None,
        "Clientgeheim van de app-registratie (de waarde, niet de geheim-id).",
        secret=True,
        allowed="tekst",
    ),
    Setting(
        "TAAKBOT_M365_CERTIFICATE",
        None,
        "In plaats van een geheim: PEM-bestand met privésleutel en certificaat van de app.",
        allowed="pad naar een PEM-bestand",
    ),
    Setting(
        "TAAKBOT_M365_CERTIFICATE_THUMBPRINT",
        None,
        "SHA-1-vingerafdruk van dat certificaat, zoals Entra ID hem toont.",
        _thumbprint,
        allowed="40 hexadecimale tekens",
    ),
    Setting(
        "TAAKBOT_GRAPH_API_URL",
        "https://graph.microsoft.com/v1.0",
        "Root van Microsoft Graph (een nationale cloud of een testserver).",
        _url,
        allowed="http(s)-adres",
    ),
    Setting(
        "TAAKBOT_M365_AUTHORITY_HOST",
        "https://login.microsoftonline.com",
        "Aanmeldserver van Microsoft Entra ID (een nationale cloud of een testserver).",
        _url,
        allowed="http(s)-adres",
    ),
    Setting(
        "TAAKBOT_REFRESH_SECONDS",
        "300",
        "Hoe oud de gegevens mogen worden voor een nieuwe leesronde.",
        _int_between(30, 86400),
        allowed="30–86400",
    ),
    Setting(
        "TAAKBOT_TELEGRAM_TOKEN",
        None,
        "Token van de bot (van @BotFather).",
        _token,
        secret=True,
        allowed="123456789:ABC…",
    ),
    Setting(
        "TAAKBOT_TELEGRAM_API_URL",
        None,
        "Eigen Bot API-server, bijvoorbeeld http://127.0.0.1:8081/bot",
        _url,
        allowed="http(s)-adres",
    ),
    Setting(
        "TAAKBOT_WEBHOOK_URL",
        None,
        "Publieke URL voor webhookmodus; leeg = long polling.",
        _webhook_url,
        allowed="https-adres",
    ),
    Setting(
        "TAAKBOT_WEBHOOK_SECRET",
        None,
        "Geheim dat Telegram bij elke webhook-update meestuurt; verplicht in webhookmodus.",
        _secret,
        secret=True,
        allowed="16–256 tekens A–Z a–z 0–9 _ -",
    ),
    Setting(
        "TAAKBOT_WEBHOOK_LISTEN",
        "127.0.0.1",
        "Adres waarop de webhook luistert (0.0.0.0 alleen achter een proxy of in een container).",
        _listen,
        allowed="IP-adres",
    ),
    Setting(
        "TAAKBOT_WEBHOOK_PORT",
        "8443",
        "Poort waarop de webhook (en /healthz) luistert.",
        _int_between(1, 65535),
        allowed="1–65535",
    ),
    Setting(
        "TAAKBOT_HEALTH_PORT",
        None,
        "Poort voor /healthz bij long polling; leeg = geen. In webhookmodus: de webhookpoort.",
        _int_between(1, 65535),
        allowed="1–65535",
    ),
    Setting(
        "TAAKBOT_TODAY",
        None,
        "Vaste datum (JJJJ-MM-DD) voor demo's op historische gegevens.",
        _date,
        allowed="JJJJ-MM-DD",
    ),
    Setting(
        "TAAKBOT_ADMINS",
        "",
        "Telegram-id's met de provincierol voor alle provincies.",
        _admins,
        allowed="id's, gescheiden door komma's of spaties",
    ),
    Setting(
        "TAAKBOT_DB",
        "taakbot.sqlite",
        "SQLite-bestand voor abonnementen en het verzendlogboek; in productie op een volume.",
        allowed="pad in een bestaande, schrijfbare map",
    ),
    Setting(
        "TAAKBOT_WEEKLY",
        "mon 08:30",
        "Dag en tijd van het weekoverzicht.",
        _weekly,
        allowed="mon…sun UU:MM",
    ),
    Setting(
        "TAAKBOT_REMINDER_DAYS",
        "14,7,1",
        "Dagen vóór een deadline waarop herinnerd wordt.",
        _days,
        allowed="1–10 getallen 0–365",
    ),
    Setting(
        "TAAKBOT_LANE_WORKERS",
        "2",
        "Hoeveel zware taken (brieven, rondetabellen, vastleggen, exports, grafieken) tegelijk "
        "lopen; de rest wacht in de rij. 2 past bij 2 kernen.",
        _int_between(1, 16),
        allowed="1–16",
    ),
    Setting(
        "TAAKBOT_RETENTION_DAYS",
        "400",
        "Na hoeveel dagen regels uit het verzendlogboek worden gewist.",
        _int_between(30, 3650),
        allowed="30–3650",
    ),
    Setting(
        "TAAKBOT_BRIEF_SJABLOON",
        None,
        "Eigen huisstijl-.docx (docxtpl) voor de brieven van /ronde, of per provincie "
        "Provincie=pad, gescheiden door ';'. Standaard: het sjabloon van het kader.",
        _templates,
        allowed="pad naar een .docx, of Provincie=pad;…",
    ),
    Setting(
        "TAAKBOT_BRIEF_ONDERTEKENAAR",
        None,
        "Naam van wie de brieven ondertekent; leeg laat een zichtbare plek om in te vullen.",
        allowed="tekst",
    ),
    Setting(
        "TAAKBOT_BRIEF_FUNCTIE",
        None,
        "Functie van de ondertekenaar; leeg laat een zichtbare plek om in te vullen.",
        allowed="tekst",
    ),
    Setting(
        "TAAKBOT_BRIEF_DIGITAAL",
        "nee",
        "Zet onder de brieven dat ze digitaal zijn vastgesteld (ja/nee).",
        _yes_no,
        allowed="ja, nee",
    ),
    Setting(
        "TAAKBOT_BRIEF_KENMERK",
        None,
        "Kenmerk van de brieven; {n} wordt het volgnummer (bijvoorbeeld PZH-2022-{n}); leeg "
        "laat een zichtbare plek om in te vullen.",
        allowed="tekst, eventueel met {n}",
    ),
    Setting(
        "TAAKBOT_BRIEF_TOT_SLOT",
        None,
        "De oproep onder 'Tot slot' in de brieven; leeg geeft de standaardtekst (huisvest de "
        "gekoppelde vergunninghouders zo snel mogelijk, en waarom).",
        allowed="tekst",
    ),
    Setting(
        "TAAKBOT_BRIEF_CONTACT",
        None,
        "Contactblok in de briefkop (naam, telefoon, e-mail van de behandelaar).",
        allowed="tekst",
    ),
    Setting(
        "TAAKBOT_SMTP_HOST",
        None,
        "Mailserver voor het weekoverzicht en herinneringen per e-mail; leeg = geen e-mail.",
        _host,
        allowed="hostnaam of IP-adres",
    ),
    Setting(
        "TAAKBOT_SMTP_PORT",
        "587",
        "Poort van de mailserver (587 bij starttls, 465 bij ssl, 25 intern).",
        _int_between(1, 65535),
        allowed="1–65535",
    ),
    Setting(
        "TAAKBOT_SMTP_TLS",
        "starttls",
        "Versleuteling: starttls, ssl (TLS vanaf het begin) of geen (alleen op een intern "
        "netwerk).",
        _tls,
        allowed="starttls, ssl, geen",
    ),
    Setting(
        "TAAKBOT_SMTP_USER",
        None,
        "Gebruikersnaam voor de mailserver; leeg = niet inloggen.",
        allowed="tekst",
    ),
    Setting(
        "TAAKBOT_SMTP_PASSWORD",
        None,
        "Wachtwoord voor de mailserver (of TAAKBOT_SMTP_PASSWORD_FILE met het pad).",
        secret=True,
        allowed="tekst",
    ),
    Setting(
        "TAAKBOT_SMTP_PER_MINUTE",
        "30",
        "Hoeveel e-mails per minuut naar de mailserver (Microsoft 365: 30).",
        _int_between(1, 6000),
        allowed="1–6000",
    ),
    Setting(
        "TAAKBOT_MAIL_FROM",
        None,
        "Afzender van de e-mails, bijvoorbeeld Taakbot Zuid-Holland <taakbot@pzh.nl>.",
        _mail_from,
        allowed="e-mailadres, eventueel met naam",
    ),
    Setting(
        "TAAKBOT_MAIL_AFMELDEN",
        None,
        "Adres voor afmeldingen: in elke e-mail en als List-Unsubscribe.",
        _address,
        allowed="e-mailadres",
    ),
    Setting(
        "TAAKBOT_TEAMS_WEBHOOKS",
        None,
        "Bestand met regels provincie:Naam = https://… (webhooks van Teams Workflows; de "
        "adressen zijn geheim).",
        _webhooks,
        allowed="pad naar een bestand",
    ),
    Setting(
        "TAAKBOT_TIMEZONE",
        "Europe/Amsterdam",
        "Tijdzone voor geplande berichten.",
        _zone,
        allowed="IANA-naam",
    ),
    Setting(
        "TAAKBOT_LOG_LEVEL",
        "INFO",
        "Logniveau; hoofdletters maken niet uit.",
        _level,
        allowed=", ".join(LOG_LEVELS),
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self._values: dict[str, Any] = {}
        for s in SETTINGS:
            raw = env.get(s.name)
            if s.secret and (raw is None or not raw.strip()) and env.get(f"{s.name}_FILE"):
                raw = _secret_file(s.name, env[f"{s.name}_FILE"])
            raw = s.default if raw is None or not raw.strip() else raw
            if (
                s.name == "GOOGLE_APPLICATION_CREDENTIALS"
                and raw
                and env.get("GOOGLE_SERVICE_ACCOUNT_JSON", "").strip()
            ):
                raise SettingError(
                    "Zet GOOGLE_SERVICE_ACCOUNT_JSON of GOOGLE_APPLICATION_CREDENTIALS, niet beide."
                )
            try:
                self._values[s.name] = None if raw is None else s.parse(raw)
            except (ValueError, KeyError) as exc:
                shown = "…" if s.secret else repr(raw)  # parsers never quote a secret either
                raise SettingError(
                    f"{s.name}={shown} is ongeldig ({exc}). Toegestaan: {s.allowed}. {s.help}"
                ) from None

        info = self._values.get("GOOGLE_SERVICE_ACCOUNT_JSON")
        if info and not self._values.get("GOOGLE_APPLICATION_CREDENTIALS"):
            self._values["GOOGLE_APPLICATION_CREDENTIALS"] = _key_file(info)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def get(self, name: str, default: Any = None) -> Any:
        value = self._values.get(name)
        return default if value is None else value

    def secrets(self) -> list[str]:
        """Values that must never appear in a log line or a reply (for the redacting filter)."""
        out = []
        for s in SETTINGS:
            value = self._values.get(s.name)
            if s.secret and isinstance(value, str):
                out.append(value)
            elif s.name == "TAAKBOT_TEAMS_WEBHOOKS" and value:  # each URL carries a signature
                out += list(value.values())
            elif isinstance(value, dict):  # the service-account key
                out += [
                    str(value.get(k)) for k in ("private_key", "private_key_id") if value.get(k)
                ]
        return out

    def check_for_run(self) -> None:
        """What `taakbot run` needs beyond valid values: a token, and a secret for a webhook."""
        if not self["TAAKBOT_TELEGRAM_TOKEN"]:
            raise SettingError(
                "TAAKBOT_TELEGRAM_TOKEN ontbreekt: vraag een token bij @BotFather. Zonder token: "
                "taakbot chat of taakbot ask."
            )
        if self["TAAKBOT_WEBHOOK_URL"] and not self["TAAKBOT_WEBHOOK_SECRET"]:
            raise SettingError(
                "TAAKBOT_WEBHOOK_SECRET ontbreekt: in webhookmodus is een geheim verplicht, "
                "anders kan iedereen updates vervalsen. Maak er een met: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )


def _secret_file(name: str, path: str) -> str:
    """A secret from the file `NAME_FILE` names (Docker/Kubernetes secrets): its text, without
    the final line break."""
    try:
        with open(path.strip(), encoding="utf-8") as fh:
            return fh.read().rstrip("\r\n")
    except OSError as exc:
        raise SettingError(
            f"{name}_FILE: {path.strip()} is niet te lezen ({exc.strerror})."
        ) from None


_KEY_FILES: dict[str, str] = {}  # key id → readable path, one per process


def _key_file(info: dict[str, Any]) -> str:
    """A path the Sheets source can read the key from, without writing it to disk.

    Linux: an anonymous in-memory file (memfd), readable as /proc/self/fd/N while Taakbot runs.
    Elsewhere: a file readable only by this user in a private temporary folder, removed at exit.
    """
    ident = str(info.get("private_key_id") or info.get("client_email"))
    if ident in _KEY_FILES:
        return _KEY_FILES[ident]
    data = json.dumps(info).encode()
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create("taakbot-key", 0)  # stays open for the life of the process
        os.write(fd, data)
        path = f"/proc/self/fd/{fd}"
    else:  # pragma: no cover - non-Linux hosts
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="taakbot-")
        atexit.register(shutil.rmtree, folder, True)
        path = os.path.join(folder, "key.json")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            fh.write(data)
    _KEY_FILES[ident] = path
    return path
