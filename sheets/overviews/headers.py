"""Read an overview column's header as a fact with its period or date.

Coordinators head their columns in sentences: "Stand op 1 juli 2022 (achterstand)",
"Realisatie 2022‐2 tot 10 november 2022", "Taakstelling 1e helft 2022". A header is read as one
of the FACTS (first match in table order, so "Totaalopgave (taakstelling + achterstand)" is an
opgave, not a taakstelling) plus the period and dates it names. Every reading can be shown
(`Reading.describe`) and overridden in a `kolommen` tab.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from engine.ledger import CHECK_WINDOW
from engine.periods import Period
from sheets.tabs.rows import nl_date
from sheets.tabs.values import MONTHS, CellError, day

# fact key → (words that name it, what it needs, Dutch description). First match wins.
#   needs: 'period' (a half-year; a date gives its period), 'day' (a peildatum),
#          'when' (a date, or a period meaning its assessment date), '' (nothing)
FACTS: tuple[tuple[str, str, str, str], ...] = (
    ("prognose_pct_extra", r"prognose\b.*extra.*(%|procent)|prognose\b.*(%|procent).*extra",
     "period", "prognose in % van opgave + extra opgave (controle)"),
    ("prognose_pct", r"prognose\b.*(%|procent)", "period", "prognose in % van de opgave (controle)"),
    ("prognose", r"prognose", "period", "prognose einde periode (controle)"),
    ("opgave_extra", r"(totaal ?opgave|opgave).*(inclusief|incl|inc|met) extra", "period",
     "opgave inclusief extra opgave (controle)"),
    ("extra_opgave", r"extra (opgave|ambitie)|doelstelling", "period", "extra opgave"),
    ("te_realiseren", r"te realiseren|nog te huisvesten|resterend|nog te plaatsen", "day",
     "nog te huisvesten (controle)"),
    ("opgave", r"totaal ?opgave|totale opgave|\bopgave|te huisvesten", "period", "opgave"),
    ("pct", r"(gerealiseerd|realisatie|percentage).*%|%.*(gerealiseerd|realisatie)|percentage",
     "day", "% gerealiseerd van de opgave (controle)"),
    ("trede", r"beoordeling|besluit|trede|interventieladder|ladder", "when", "trede"),
    ("saldo", r"\bstand\b|achterstand|voorsprong|saldo", "when", "saldo"),
    ("taakstelling", r"taakstelling", "period", "taakstelling"),
    ("realisatie", r"realisatie|plaatsingen|gehuisvest|gerealiseerd|geplaatst|huisvestingen",
     "day", "gehuisvest"),
    ("koppelingen", r"koppeling|gekoppeld", "day", "koppelingen"),
    ("huurcontracten", r"huurcontract", "day", "huurcontracten"),
    ("pijplijn", r"pijplijn|pipeline", "day", "pijplijn"),
    ("opmerkingen", r"opmerking|bijzonderheden|toelichting|notitie", "", "opmerking (alleen provincie)"),
)  # fmt: skip
KEYS = ("gemeente", "regio")
_KEY_HEADERS = {
    "gemeente": {"gemeente", "gemeenten", "gemeentenaam", "naam gemeente", "naam"},
    "regio": {"regio", "woonregio", "regio s", "regios", "veiligheidsregio", "arbeidsmarktregio"},
}
FACT_KEYS = tuple(f[0] for f in FACTS)
CHECKS = frozenset({"prognose_pct_extra", "prognose_pct", "prognose", "opgave_extra",
                    "te_realiseren", "pct"})  # fmt: skip
DESCRIPTIONS = {key: text for key, _, _, text in FACTS}
# Words a `kolommen` tab may use for a meaning, besides the fact keys themselves.
MEANINGS = {
    "gehuisvest": "realisatie", "plaatsingen": "realisatie", "totaalopgave": "opgave",
    "besluit": "trede", "beoordeling": "trede", "achterstand": "saldo", "stand": "saldo",
    "opmerking": "opmerkingen", "nog te huisvesten": "te_realiseren", "prognose %": "prognose_pct",
    "percentage": "pct", "koppeling": "koppelingen", "huurcontract": "huurcontracten",
    "extra": "extra_opgave", "genegeerd": "", "negeren": "", "niets": "", "-": "",
}  # fmt: skip

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = rf"(\d{{1,2}})\s+({_MONTH})\.?\s+(\d{{4}})|(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}})"
_RANGE = re.compile(rf"(?:{_DATE})\s*(?:-|t/m|tm|tot en met|tot)\s*(?:{_DATE})")
_ONE_DATE = re.compile(_DATE)
_HALF = re.compile(
    r"\b(1e|eerste|1ste|2e|tweede|2de)\s+(helft|halfjaar|half jaar)\s+(\d{4})\b"
    r"|\b(\d{4})\s+(1e|eerste|2e|tweede)\s+(helft|halfjaar)\b"
)
_PERIOD = re.compile(r"\b(\d{4})\s*[-/]\s*(ii|i|1|2)\b|\b(\d{4})\s+(ii|i)\b")
_YYYYMMDD = re.compile(r"\b(20\d{2})(0[1-9]|1[0-2])([0-3]\d)\b")


def plain(header: object) -> str:
    """Lowercase, no accents, every dash a '-', punctuation a space, '%' kept."""
    text = unicodedata.normalize("NFKD", str(header).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[^\w%/.\-+]+", " ", text).replace("_", " ")
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Reading:
    """How one column is read: a fact (None: ignored), its period, its date, and why."""

    fact: str | None
    period: Period | None = None
    day: date | None = None  # the peildatum of a count, the date of a decision or a saldo
    start: date | None = None  # the first date of a range ("1 januari 2022 – 21 maart 2022")
    sign: int = 1  # -1 for a column of voorsprong
    why: str = ""  # why it is ignored, or where an override comes from
    shares: bool = False  # a percentage column whose cells are shares (0.63 for 63 %)

    def describe(self) -> str:
        """Dutch, for `taakbot check` and /controle: 'saldo per 1 juli 2022 (achterstand +)'."""
        if self.fact is None:
            return f"genegeerd ({self.why or 'niet herkend'})"
        if self.fact in KEYS:
            return self.fact + (f" [{self.why}]" if self.why else "")
        text = DESCRIPTIONS[self.fact]
        if self.fact == "trede" and self.day:
            text += f" vastgelegd op {nl_date(self.day)}"
            if self.period:
                text += f" (beoordeling {self.period})"
        elif self.fact == "saldo" and self.day:
            text += f" per {nl_date(self.day)} = saldo begin {Period.containing(self.day)}"
            text += " (voorsprong +)" if self.sign < 0 else " (achterstand +)"
        elif self.day:
            text += f" per {nl_date(self.day)}"
            if self.period:
                text += f" ({self.period})"
        elif self.period:
            text += f" {self.period}"
        return text + (f" [{self.why}]" if self.why else "")


def _dates(text: str) -> tuple[list[date], tuple[date, date] | None, str]:
    """Every date in the text, a range if there is one, and the text without them."""
    found: list[date] = []
    span = None

    def one(groups: tuple[str | None, ...]) -> date | None:
        d, m, y, d2, m2, y2 = groups
        try:
            if d:
                return date(int(y), MONTHS[m], int(d))
            return date(int(y2), int(m2), int(d2))
        except (ValueError, KeyError, TypeError):
            return None

    if match := _RANGE.search(text):
        a, b = one(match.groups()[:6]), one(match.groups()[6:])
        if a and b:
            span = (a, b)
        text = text[: match.start()] + " " + text[match.end() :]
    for match in _ONE_DATE.finditer(text):
        if (d := one(match.groups())) is not None:
            found.append(d)
    text = _ONE_DATE.sub(" ", text)
    return found, span, text


def _period(text: str) -> tuple[Period | None, str]:
    if match := _HALF.search(text):
        word = match.group(1) or match.group(5)
        year = int(match.group(3) or match.group(4))
        half = 2 if word.startswith(("2", "tweede")) else 1
        return Period(year, half), text[: match.start()] + " " + text[match.end() :]
    if match := _PERIOD.search(text):
        year = int(match.group(1) or match.group(3))
        code = (match.group(2) or match.group(4)).lower()
        return Period(year, 1 if code in ("1", "i") else 2), _PERIOD.sub(" ", text, count=1)
    return None, text


def date_in_title(title: str) -> date | None:
    """'20221107 Huisvestingsvoortgang' or 'Stand 7 november 2022' → the date it names."""
    text = plain(title)
    if match := _YYYYMMDD.search(text):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    found, span, _ = _dates(text)
    return span[1] if span else (found[-1] if found else None)


def as_typed(header: object) -> object:
    """A header the spreadsheet turned into a date, back as typed: `2022-2` became 1 February
    2022 (a date cell, or its serial number from Google); any other date reads as its date
    (`2022-1`, 1 January, means the same for a taakstelling or a stand)."""
    if isinstance(header, bool) or not isinstance(header, int | float | date):
        return header
    try:
        typed = day(header)
    except CellError:
        return header
    if typed is None:
        return header
    return f"{typed.year}-2" if (typed.month, typed.day) == (2, 1) else nl_date(typed)


def key_of(header: object) -> str | None:
    """'gemeente' or 'regio' when the header names the key column of an overview."""
    text = plain(header).strip(" .:")
    return next((k for k, names in _KEY_HEADERS.items() if text in names), None)


def read_header(header: object, default_day: date | None = None) -> Reading:
    """The fact a header names, with its period and date; `default_day` (from the tab's title or
    its realisatie column) dates a count whose header names none."""
    header = as_typed(header)
    if (key := key_of(header)) is not None:
        return Reading(key)
    text = plain(header)
    if not text:
        return Reading(None, why="lege kop")
    found, span, rest = _dates(text)
    period, rest = _period(rest)
    fact = next((k for k, words, _, _ in FACTS if re.search(words, rest)), None)
    if fact is None:
        return Reading(None, why="niet herkend")
    needs = next(n for k, _, n, _ in FACTS if k == fact)
    sign = -1 if fact == "saldo" and "voorsprong" in rest and "achterstand" not in rest else 1
    day = span[1] if span else (found[0] if found else None)
    start = span[0] if span else None
    if needs == "period":
        if period is None and day is not None:  # "prognose op 1 januari 2023" closes 2022-II
            closes = fact.startswith("prognose")
            period = Period.of_peildatum(day) if closes else Period.containing(day)
        if period is None:
            return Reading(None, why=f"{DESCRIPTIONS[fact]} zonder periode")
        return Reading(fact, period, None, start)
    if needs == "when":
        if fact == "trede":
            day = day or (period.first_day_after if period else None)
            if day is None:
                return Reading(None, why="trede zonder datum of periode")
            return Reading(fact, period, day)
        day = day or (period.start if period else None)
        if day is None:
            return Reading(None, why="saldo zonder datum")
        start_of = Period.containing(day)
        if day != start_of.start:  # a closing stand typed on 30 June is the stand per 1 July
            if start_of.first_day_after - day > CHECK_WINDOW:  # the closing stand's week
                return Reading(None, why=f"saldo per {nl_date(day)} is geen begin van een periode")
            day = start_of.first_day_after
        return Reading(fact, None, day, sign=sign)
    if needs == "day":
        if fact == "te_realiseren" and start is not None:
            day = start  # "Te realiseren 21 maart 2022 - 1 juli 2022": what is left on 21 March
        day = day or default_day
        if day is None:
            return Reading(None, why=f"{DESCRIPTIONS[fact]} zonder peildatum")
        if period is not None and not period.covers_peildatum(day):
            period = None
        return Reading(fact, period or Period.of_peildatum(day), day, start)
    return Reading(fact, period, day or default_day)
