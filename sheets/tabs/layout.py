"""The workbook layout as data: tabs, columns, header aliases, and reading a tab into a Table.

Coordinators keep their own headers ("Taakstelling 2022-2", "Stand op 1 juli (achterstand)"), so a
header matches a column by key, alias or pattern after normalisation; anything else is ignored.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.state import Problem
from sheets.tabs.values import is_blank, text


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    kind: str = "text"  # a key of sheets.tabs.values.PARSERS
    required: bool = False  # the column must exist and (unless empty_ok) every cell be filled
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()  # regexes on the normalised header
    empty_ok: bool = False
    help: str = ""
    own: bool = False  # Taakbot's own bookkeeping: not in the sample nor in an empty sheet


@dataclass(frozen=True, slots=True)
class Tab:
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    required: bool = False  # missing: a 'fout'
    expected: bool = True  # missing: a 'waarschuwing' (else silently empty)
    help: str = ""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


_GEMEENTE = Column("gemeente", required=True, aliases=("gemeentenaam", "naam gemeente"))
VOID = "vervallen"  # a ladder row's schrijf_id so: a second copy that does not count
_BRON = Column("bron", aliases=("bronnen", "source"), help="waar het cijfer vandaan komt")

TABS: tuple[Tab, ...] = (
    Tab("gemeenten", (
        Column("gemeente", required=True, aliases=("gemeentenaam", "naam")),
        Column("provincie", required=True, aliases=("prov",)),
        Column("regio", aliases=("woonregio", "veiligheidsregio")),
        Column("aliassen", "names", aliases=("alias", "andere namen", "synoniemen"),
               help="andere schrijfwijzen, gescheiden door komma's"),
        Column("adres", aliases=("postadres", "adres college"),
               help="postadres voor de brieven, regels gescheiden door ' | ' of een nieuwe regel"),
        _BRON,
    ), aliases=("gemeente",), required=True, help="één regel per gemeente"),
    Tab("taakstelling", (
        _GEMEENTE,
        Column("periode", "period", required=True, aliases=("halfjaar",)),
        Column("taakstelling", "count", patterns=(r"taakstelling\d.*", r"taakstelling\w*helft.*")),
        Column("saldo_start", "saldo", aliases=("saldo", "stand", "achterstand", "saldo begin"),
               patterns=(r"(stand|achterstand|voorsprong|saldo)(op|per|begin|start)?\d*\w*",),
               help="achterstand +, voorsprong −; leeg = doorrekenen"),
        Column("saldo_bron", aliases=("bron saldo",)),
        Column("extra_opgave", "count", aliases=("extra", "extra ambitie", "doelstelling")),
        Column("opgave", "count", aliases=("te huisvesten", "totaal te huisvesten"),
               patterns=(r"tehuisvesten\w*", r"opgave\w*")),
        Column("omkoppelingen", "bool", aliases=("omkoppeling",)),
        Column("stapelgemeente", "bool", aliases=("stapel",)),
        Column("verschoonbare_reden", aliases=("reden",)),
        _BRON,
    ), aliases=("taakstellingen", "opgaven"), help="één regel per gemeente per halfjaar"),
    Tab("realisatie", (
        _GEMEENTE,
        Column("peildatum", "date", required=True, aliases=("datum", "per", "stand per")),
        Column("periode", "period", aliases=("halfjaar",)),
        Column("gehuisvest", "count", required=True,
               aliases=("realisatie", "gerealiseerd", "plaatsingen"),
               patterns=(r"(gehuisvest|realisatie|plaatsingen|feitelijkgehuisvest)\w*",),
               help="COA-cijfers, opgeteld binnen de periode"),
        Column("huurcontracten", "count", aliases=("huurcontract", "contracten")),
        Column("koppelingen", "count", aliases=("koppeling", "gekoppeld"),
               patterns=(r"(gekoppeld|koppelingen)\w*",)),
        Column("pijplijn", "count", aliases=("pipeline", "in de pijplijn")),
        _BRON,
    ), aliases=("realisaties", "stand"), help="één regel per gemeente per peildatum"),
    Tab("ladder", (
        _GEMEENTE,
        Column("datum", "date", required=True, aliases=("peildatum", "besluitdatum", "per")),
        Column("trede", "trede", required=True, empty_ok=True, aliases=("fase", "stap", "besluit"),
               patterns=(r"trede\w*", r"\w*trede"), help="leeg = niet op de ladder (0)"),
        Column("toelichting", aliases=("opmerking", "notitie", "omschrijving")),
        _BRON,
        Column("schrijf_id", help="Taakbot: welke schrijfactie de rij schreef; "
               "'vervallen: …' = een dubbele rij die niet meetelt", own=True),
    ), aliases=("interventieladder", "treden", "besluiten"), help="vastgelegde besluiten"),
    Tab("beleid", (
        Column("provincie", required=True, aliases=("prov",)),
        Column("periode", "period", aliases=("halfjaar",), help="leeg = elke periode"),
        Column("kader", required=True, aliases=("beleidskader", "beleid")),
        Column("drempel", "share"),
        Column("achterstand_aandeel", "share", aliases=("aandeel achterstand",)),
        Column("omkoppelingen_tellen", "bool", aliases=("omkoppelingen",)),
        Column("huurcontracten_tot", "date", aliases=("huurcontracten", "insturen tot")),
        _BRON,
    ), aliases=("beleidskader", "kader"), expected=False,
       help="welk kader een provincie toepast (zonder: het standaardkader)"),
    Tab("deadlines", (
        Column("voor", required=True, aliases=("scope", "voor wie", "wie")),
        Column("datum", "date", required=True),
        Column("soort", aliases=("type",)),
        Column("omschrijving", aliases=("toelichting", "beschrijving", "wat")),
        _BRON,
    ), aliases=("deadline", "termijnen"), expected=False,
       help="voor = gemeente, regio, provincie of *"),
    Tab("gebruikers", (
        Column("telegram_id", "telegram_id", required=True, empty_ok=True,
               aliases=("telegram", "id", "chat id", "user id"),
               help="leeg = alleen per e-mail"),
        Column("naam", aliases=("name",)),
        Column("rol", required=True, aliases=("role",)),
        Column("scope", aliases=("gebied", "voor"), help="een gemeente, regio of provincie"),
        Column("email", aliases=("e-mail", "e-mailadres", "emailadres", "mail")),
        Column("kanaal", aliases=("kanalen", "channel", "via"),
               help="telegram, email of beide; leeg = Telegram als er een id is, anders e-mail"),
        _BRON,
    ), aliases=("gebruiker", "users"), expected=False, help="wie de bot mag gebruiken"),
)  # fmt: skip

INFO_TAB = "info"
SAMPLE_MARKER = "voorbeeldgegevens"  # first text of an `info` tab that marks sample data


@functools.lru_cache(maxsize=4096)
def normalise(header: Any) -> str:
    """Case-, space-, underscore-, punctuation- and accent-insensitive form of a header."""
    folded = unicodedata.normalize("NFKD", str(header).casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_ref(title: str, cell: str) -> str:
    """`realisatie!C14`; a title with spaces or punctuation is quoted as Sheets does."""
    return f"{_quoted(title)}!{cell}"


@functools.lru_cache(maxsize=256)
def _quoted(title: str) -> str:
    return title if re.fullmatch(r"\w+", title) else "'" + title.replace("'", "''") + "'"


@dataclass(slots=True)
class Table:
    """One tab's rows with the columns found in its header row."""

    tab: Tab
    title: str
    header_row: int  # 1-based, as the spreadsheet numbers rows
    columns: dict[str, int]  # column key → 0-based index
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    # column key → `'title'!C`, the part of a cell reference every row of the column shares
    _prefixes: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # column key → its place in a parsed Row's values (the order of tab.columns)
    positions: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def ref(self, row: int, key: str) -> str:
        prefix = self._prefixes.get(key)
        if prefix is None:
            prefix = self.column_ref(key)
        return f"{prefix}{row}"

    def column_ref(self, key: str) -> str:
        """`'title'!C`: a cell reference of the column without its row number."""
        prefix = self._prefixes.get(key)
        if prefix is None:
            prefix = sheet_ref(self.title, column_letter(self.columns.get(key, 0)))
            self._prefixes[key] = prefix
        return prefix

    def value(self, cells: list[Any], key: str) -> Any:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None


def find_tab(
    raw: dict[str, list[list[Any]]], name: str, aliases: tuple[str, ...] = ()
) -> list[str]:
    """Titles in the workbook that mean this tab, in workbook order."""
    wanted = {normalise(name), *map(normalise, aliases)}
    return [title for title in raw if normalise(title) in wanted]


def _match(tab: Tab, header: str) -> Column | None:
    key = normalise(header)
    for column in tab.columns:
        if key in {normalise(column.key), *map(normalise, column.aliases)}:
            return column
    for column in tab.columns:
        if any(re.fullmatch(p, key) for p in column.patterns):
            return column
    return None


FIGURE_TABS = ("taakstelling", "realisatie")  # one without the other: figures half missing


def missing_tab(name: str, raw: dict[str, list[list[Any]]]) -> str:
    """'tabblad realisatie ontbreekt (gevonden: gemeenten, taakstelling, Realisatie oud)'."""
    return f"tabblad {name} ontbreekt (gevonden: {', '.join(raw) or 'geen tabbladen'})"


def _half_missing(tab: Tab, raw: dict[str, list[list[Any]]]) -> bool:
    """`taakstelling` or `realisatie` gone while `gemeenten` and the other one are there: a
    renamed or deleted tab, not a sheet still being set up (which has only `gemeenten`)."""
    if tab.name not in FIGURE_TABS:
        return False
    others = [t for t in TABS if t.name == "gemeenten" or (t.name in FIGURE_TABS and t != tab)]
    return all(find_tab(raw, t.name, t.aliases) for t in others)


def read_table(
    tab: Tab,
    raw: dict[str, list[list[Any]]],
    problems: list[Problem],
    pause: Callable[[], None] = lambda: None,
) -> Table | None:
    """Map the header row of `tab` and keep its non-blank rows; None when it cannot be read."""
    titles = find_tab(raw, tab.name, tab.aliases)
    if not titles:
        if tab.required or tab.expected:
            severity = "fout" if tab.required or _half_missing(tab, raw) else "waarschuwing"
            problems.append(Problem(severity, tab.name, missing_tab(tab.name, raw)))
        return None
    title = titles[0]
    for extra in titles[1:]:
        problems.append(
            Problem("waarschuwing", extra, f"tabblad {extra} telt niet mee: {title} gaat voor")
        )
    pause()  # a reply being computed goes first (bot: sheets.runtime.courtesy)
    rows = [  # a first cell with text is the common case, checked here without a call
        (n, cells if type(cells) is list else list(cells))
        for n, cells in enumerate(raw[title], start=1)
        if cells and ((type(first := cells[0]) is str and first.strip()) or _filled(cells))
    ]
    if not rows:
        problems.append(Problem("waarschuwing", title, f"tabblad {title} is leeg"))
        return None
    header_row, header = rows[0]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = None if is_blank(cell) else _match(tab, str(cell))
        if column is None:
            continue
        if column.key in columns:
            first = sheet_ref(title, f"{column_letter(columns[column.key])}{header_row}")
            problems.append(
                Problem(
                    "waarschuwing",
                    sheet_ref(title, f"{column_letter(index)}{header_row}"),
                    f'kolom "{text(cell)}" is dubbel ({column.key} staat al in {first}); '
                    "de eerste telt",
                )
            )
            continue
        columns[column.key] = index
    missing = [c.key for c in tab.columns if c.required and c.key not in columns]
    if missing:
        found = ", ".join(text(c) or "" for c in header if not is_blank(c))
        what = "verplichte kolom {} ontbreekt"
        if len(missing) > 1:
            what = "verplichte kolommen {} ontbreken"
        problems.append(
            Problem(
                "fout",
                sheet_ref(title, f"{header_row}:{header_row}"),
                f"{what.format(', '.join(missing))} in de kopregel (gevonden: {found}); "
                f"tabblad {title} telt niet mee",
            )
        )
        return None
    return Table(tab, title, header_row, columns, rows[1:])


def _filled(cells: Any) -> bool:
    """Not every cell blank; the first filled cell decides, usually the row's first."""
    for cell in cells:
        if type(cell) is str:
            if cell.strip():
                return True
        elif not is_blank(cell):
            return True
    return False


def is_sample(raw: dict[str, list[list[Any]]]) -> bool:
    """An `info` tab whose first text starts with 'Voorbeeldgegevens' marks sample data."""
    for title in find_tab(raw, INFO_TAB):
        cells = [c for row in raw[title] for c in row if not is_blank(c)]
        return bool(cells) and normalise(cells[0]).startswith(SAMPLE_MARKER)
    return False
