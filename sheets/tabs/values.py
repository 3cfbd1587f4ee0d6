"""Read cell values written in Dutch notation; a bad cell raises CellError with a Dutch message.

Sheets reach us three ways (Google UNFORMATTED_VALUE, xlsx/ods cells, CSV text), so every parser
accepts native numbers, dates and text alike. Empty cells are None everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from engine.periods import Period, PeriodError
from engine.treden import Trede, TredeError


class CellError(ValueError):
    """A cell that cannot be read; str() is the Dutch message quoting the bad value."""


def shown(value: Any) -> str:
    """The value as a coordinator would recognise it in the sheet, in double quotes."""
    if isinstance(value, float):
        value = int(value) if value.is_integer() else str(value).replace(".", ",")
    if isinstance(value, datetime | date):
        value = f"{value.day}-{value.month}-{value.year}"
    return f'"{str(value).strip()}"'


FORMULA_ERRORS = frozenset(
    {"#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!"}
)


def formula_error(value: Any) -> str | None:
    """`#REF!`, `#N/A`, … as a sheet shows a broken formula; None for any other value."""
    if isinstance(value, str) and value.strip().upper() in FORMULA_ERRORS:
        return value.strip().upper()
    return None


def check_error(value: Any) -> None:
    """A formula error is a bad cell, never a name or a number."""
    if (error := formula_error(value)) is not None:
        raise CellError(f"formulefout {error} in de sheet; herstel de formule")


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN from pandas
        return True
    return isinstance(value, str) and not value.strip()


def text(value: Any) -> str | None:
    """Free text, whitespace collapsed, without characters XML forbids; numbers shown without
    a trailing '.0'."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(clean(str(value)).split()) or None


# --- what a spreadsheet would run ----------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection: run as a formula


def runs_as_formula(value: Any) -> bool:
    """Text that Excel or LibreOffice would run when it is typed or opened from a CSV. Numbers
    are numbers, never text: -5 stays -5."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value: Any) -> Any:
    """A CSV cell as OWASP advises: such text gets a leading apostrophe (shown, not run)."""
    return "'" + value if runs_as_formula(value) else value


_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 forbids


def forbidden(value: str) -> list[str]:
    """The characters XML and spreadsheets forbid in `value`, as 'U+001B'."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(_FORBIDDEN.findall(value))]


def clean(value: str) -> str:
    """`value` without the characters XML forbids (an ESC pasted from another program)."""
    return _FORBIDDEN.sub("", value)


# --- numbers ---------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.561 / 1.561,5
_PLAIN = re.compile(r"^[+-]?(\d+(,\d+)?|\d*\.\d+|\d+\.)$")  # 12 / 12,5 / 12.5


def number(value: Any) -> float | int | None:
    """`1.561` → 1561, `12,5` → 12.5, `12.5` → 12.5; native numbers pass through."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{shown(value)} is geen getal")
    if isinstance(value, int | float):
        return value
    raw = _SPACES.sub("", str(value)).replace("\u2212", "-").replace("\u2013", "-")
    if _THOUSANDS.match(raw):
        raw = raw.replace(".", "")
    elif not _PLAIN.match(raw):
        raise CellError(f"{shown(value)} is geen getal")
    result = float(raw.replace(",", "."))
    return int(result) if result.is_integer() and "," not in raw and "." not in raw else result


def integer(value: Any) -> int | None:
    """A whole number; `12,5` is refused rather than rounded."""
    result = number(value)
    if result is None:
        return None
    if isinstance(result, float):
        if not result.is_integer():
            raise CellError(f"{shown(value)} is geen geheel getal")
        result = int(result)
    return result


def count(value: Any) -> int | None:
    """A number of persons: whole and not negative."""
    result = integer(value)
    if result is not None and result < 0:
        raise CellError(f"{shown(value)} is negatief; een aantal kan niet kleiner dan 0 zijn")
    return result


def share(value: Any) -> float | None:
    """`86%` → 0.86; 0.7 and 70 both mean 70 % (a bare number above 1 is a percentage)."""
    if is_blank(value):
        return None
    raw = str(value).strip() if isinstance(value, str) else value
    percent = isinstance(raw, str) and raw.endswith("%")
    try:
        result = number(raw.rstrip("%") if isinstance(raw, str) else raw)
    except CellError:
        raise CellError(f"{shown(value)} is geen percentage") from None
    assert result is not None
    result = float(result)
    if percent or result > 1:
        result /= 100
    if not 0 <= result <= 1:
        raise CellError(f"{shown(value)} ligt niet tussen 0 en 100 %")
    return round(result, 10)


def percent(value: Any, fractions: bool = False) -> float | None:
    """Percentage points: `86%` → 86, `143 %` → 143, 86 → 86; with `fractions` (a column whose
    numbers are shares, as Google gives a %-formatted cell unformatted) 0.86 → 86."""
    if is_blank(value):
        return None
    check_error(value)
    raw = str(value).strip() if isinstance(value, str) else value
    text_percent = isinstance(raw, str) and raw.endswith("%")
    try:
        result = number(raw.rstrip("%").strip() if isinstance(raw, str) else raw)
    except CellError:
        raise CellError(f"{shown(value)} is geen percentage") from None
    assert result is not None
    return float(result) * (100 if fractions and not text_percent else 1)


# --- yes / no --------------------------------------------------------------------------------

_BOOLS = {
    **dict.fromkeys(("ja", "j", "x", "true", "waar", "yes", "y", "1", "1.0"), True),
    **dict.fromkeys(("nee", "n", "false", "onwaar", "no", "0", "0.0", "-"), False),
}


def yes_no(value: Any) -> bool | None:
    """`ja`/`nee`/`j`/`n`/`x`/true/false/1/0; a sheet checkbox gives a real bool."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    found = _BOOLS.get(str(value).strip().casefold())
    if found is None:
        raise CellError(f"{shown(value)} is geen ja of nee")
    return found


# --- dates -----------------------------------------------------------------------------------

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo)"
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_WORDS = re.compile(rf"^(?:{_WEEKDAYS}\.?,?\s+)?(\d{{1,2}})\s+([a-z]+)\.?\s+(\d{{4}})$")
_SERIAL_EPOCH = date(1899, 12, 30)  # Google Sheets / Excel serial day 0
YEARS = (2000, 2100)  # every date Taakbot reads or is asked about: anything else is a typo
_SERIAL_RANGE = (36_526, 73_051)  # 1 January 2000 … 31 December 2100 as serial numbers


def _make(year: int, month: int, day: int, value: Any) -> date:
    year = year + 2000 if year < 100 else year
    if not YEARS[0] <= year <= YEARS[1]:
        raise CellError(f"{shown(value)} ligt niet tussen {YEARS[0]} en {YEARS[1]}")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"{shown(value)} is geen geldige datum") from None


def day(value: Any) -> date | None:
    """`1-7-2022`, `01-07-2022`, `1/7/2022`, `1 juli 2022`, `1 jul. 2022`, `2022-07-01`,
    a date cell, or a serial number (days since 1899-12-30) from an unformatted read."""
    if is_blank(value):
        return None
    if isinstance(value, datetime | date):
        return _make(value.year, value.month, value.day, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:  # a time of day is a fraction
            return _SERIAL_EPOCH + timedelta(days=int(value))
        raise CellError(f"{shown(value)} is geen datum (verwacht bijvoorbeeld 1-7-2022)")
    raw = " ".join(str(value).casefold().split())
    if match := _NUMERIC.match(raw):
        d, m, y = (int(g) for g in match.groups())
        return _make(y, m, d, value)
    if match := _ISO.match(raw):
        y, m, d = (int(g) for g in match.groups())
        return _make(y, m, d, value)
    if (match := _WORDS.match(raw)) and match.group(2) in MONTHS:
        return _make(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)), value)
    raise CellError(f"{shown(value)} is geen datum (verwacht bijvoorbeeld 1-7-2022 of 2022-07-01)")


# --- domain codes ----------------------------------------------------------------------------


def period(value: Any) -> Period | None:
    """`2022-I`, `2022-1`, `2022‐2`, `2022 II`.

    A spreadsheet silently turns a typed `2022-1` into 1 January 2022 and `2022-2` into
    1 February 2022; such a date (or its serial number) is read back as the period typed.
    """
    if is_blank(value):
        return None
    if isinstance(value, date | datetime) or (
        isinstance(value, int | float) and not isinstance(value, bool) and value > 9999
    ):
        try:
            typed = day(value)
        except CellError:
            typed = None
        if typed and typed.day == 1 and typed.month in (1, 2):
            return Period(typed.year, typed.month)
        raise CellError(f"{shown(value)} is geen periode (verwacht bijvoorbeeld 2022-I of 2022-2)")
    try:
        return Period.parse(text(value) or "")
    except PeriodError:
        raise CellError(
            f"{shown(value)} is geen periode (verwacht bijvoorbeeld 2022-I of 2022-2)"
        ) from None


def trede(value: Any) -> Trede:
    """A step of the ladder; an empty cell means not on the ladder (trede 0)."""
    try:
        return Trede.parse(None if is_blank(value) else value)
    except TredeError:
        raise CellError(f"{shown(value)} is geen trede (0, 1, 2, 3, 3A, 3B, 4, 5 of 6)") from None


def names(value: Any) -> tuple[str, ...]:
    """A comma- or semicolon-separated list, e.g. aliases `Den Haag, Gravenhage 's-`."""
    raw = text(value) or ""
    return tuple(part.strip() for part in re.split(r"[;,]", raw) if part.strip())


def telegram_id(value: Any) -> int | None:
    """A Telegram user id: a whole number (group chats are negative)."""
    if is_blank(value):
        return None
    try:
        result = integer(value)
    except CellError:
        result = None
    if result is None or isinstance(value, bool):
        raise CellError(f"{shown(value)} is geen Telegram-id (een geheel getal)")
    return result


# One @, a local part without spaces or brackets, a domain of dot-separated labels and a TLD:
# what every mail server accepts; exotic forms (quoted local parts) are refused on purpose.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def email_address(value: Any) -> str | None:
    """An e-mail address as a mail server takes it (a `mailto:` prefix dropped, the domain in
    lower case); None for an empty cell."""
    if is_blank(value):
        return None
    raw = str(value).strip()
    address = raw[7:] if raw.lower().startswith("mailto:") else raw
    local, _, domain = address.rpartition("@")
    if (
        not _ADDRESS.fullmatch(address)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
        or len(address) > 254
    ):
        raise CellError(f"{shown(value)} is geen e-mailadres (naam@organisatie.nl)")
    return f"{local}@{domain.lower()}"


KANAAL_WORDS = {
    "telegram": "telegram",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "beide": "beide",
    "allebei": "beide",
    "telegram en email": "beide",
    "telegram en e-mail": "beide",
}


def kanaal(value: Any) -> str:
    """telegram, email or beide; '' for an empty cell (the default rule applies)."""
    if is_blank(value):
        return ""
    word = " ".join(str(value).strip().lower().split())
    if word not in KANAAL_WORDS:
        raise CellError(f"{shown(value)} is geen kanaal (telegram, email of beide)")
    return KANAAL_WORDS[word]


def saldo(value: Any) -> int | None:
    """Achterstand positive, voorsprong negative; the only count allowed below zero."""
    return integer(value)


# What each column kind in sheets.tabs.layout is read with.
PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": text,
    "names": names,
    "count": count,
    "saldo": saldo,
    "share": share,
    "bool": yes_no,
    "date": day,
    "period": period,
    "trede": trede,
    "telegram_id": telegram_id,
}
