"""What every ladder writer shares: the row model, how a row lines up under the tab's own
header, which rows are new (`sort_out`) and the protocol a writer module fulfils.

The one write Taakbot makes is to the sheet's `ladder` tab (issue 18), one module per kind of
source beside this one (xlsx, ods, csv_folder, google) chosen by sheets.sources.ladder.registry;
none touches another tab or cell.

Exactly once: right before writing, the tab is read again and every row whose municipality and
date are already there is left out (the same step: already recorded; another step: a conflict
for a person). A write that timed out is checked by reading again before it is tried again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from engine.treden import Trede, TredeError
from sheets.tabs.layout import TABS, column_letter, find_tab, normalise
from sheets.tabs.values import CellError, day, is_blank

Aliases = Callable[[str], Sequence[str]]
LADDER = next(t for t in TABS if t.name == "ladder")
HEADER = ("gemeente", "datum", "trede", "toelichting", "vastgelegd_door", "vastgelegd_op")
FORMULA_START = ("=", "+", "-", "@")  # what a spreadsheet runs as a formula when typed


def defused(key: str, value: Any) -> Any:
    """Typed text that would start a formula keeps a leading apostrophe: Google (with
    USER_ENTERED) and Excel opening a CSV read it as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and key != "trede":
        return "'" + value
    return value


class WriteError(Exception):
    """Nothing was written; the message is Dutch, names the sheet or file, and says what to do."""


class NoWriteAccess(WriteError):
    """The sheet or file may be read but not written (shared read-only, a read-only file)."""


@dataclass(frozen=True, slots=True)
class LadderRow:
    gemeente: str
    datum: date
    trede: Trede
    toelichting: str
    door: str  # who recorded it (a name and Telegram id, or 'console')
    op: datetime | None = None  # when, to the second (the Recorder stamps it)

    def values(self) -> dict[str, Any]:
        return {
            "gemeente": self.gemeente,
            "datum": self.datum,
            "trede": self.trede.code,
            "toelichting": self.toelichting,
            "vastgelegd_door": self.door,
            "vastgelegd_op": self.op.replace(microsecond=0) if self.op else "",
        }


@dataclass(slots=True)
class Written:
    """What one write did: rows added, rows already there, and decisions that differ."""

    tab: str
    added: list[LadderRow] = field(default_factory=list)
    present: list[LadderRow] = field(default_factory=list)  # the same step was already there
    conflicts: list[tuple[LadderRow, str]] = field(default_factory=list)  # (ours, theirs)
    created_tab: bool = False
    rows: str = ""  # where they landed, e.g. 'ladder!A12:F20'

    def landed(self, first: int, width: int) -> None:
        """Note where the added rows went: from row `first`, `width` columns from A."""
        last = first + len(self.added) - 1
        self.rows = f"{self.tab}!A{first}:{column_letter(width - 1)}{last}"


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each field goes in an existing tab: its header row and the column per field."""

    title: str
    header_row: int  # 1-based
    columns: dict[str, int]  # field → 0-based column
    new_headers: dict[int, str]  # free header cells we fill ('vastgelegd_door' where room)
    width: int

    def cells(self, row: LadderRow, convert: Callable[[str, Any], Any]) -> list[Any]:
        cells: list[Any] = [""] * self.width
        for key, value in row.values().items():
            if key in self.columns:
                cells[self.columns[key]] = convert(key, value)
        return cells


def layout(title: str, rows: Sequence[Sequence[Any]]) -> Layout:
    """Line our fields up under the tab's own header (by the same names the reader knows);
    `vastgelegd_door`/`vastgelegd_op` go in free columns right of the header, where there are."""
    header_row, header = next(
        ((n, list(r)) for n, r in enumerate(rows, start=1) if any(not is_blank(c) for c in r)),
        (0, []),
    )
    if not header_row:
        return Layout(title, 1, {k: i for i, k in enumerate(HEADER)}, dict(enumerate(HEADER)), 6)
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        if is_blank(cell):
            continue
        key = normalise(cell)
        for name in HEADER:
            column = next((c for c in LADDER.columns if c.key == name), None)
            names = {normalise(name), *(map(normalise, column.aliases) if column else ())}
            if key in names and name not in columns:
                columns[name] = index
    missing = [k for k in ("gemeente", "datum", "trede") if k not in columns]
    if missing:
        raise WriteError(
            f"tabblad {title}: kolom {', '.join(missing)} ontbreekt in de kopregel "
            f"(rij {header_row}); Taakbot schrijft er niets in"
        )
    width = len(header)
    new_headers: dict[int, str] = {}
    for name in HEADER[3:]:
        if name not in columns:
            columns[name] = width
            new_headers[width] = name
            width += 1
    return Layout(title, header_row, columns, new_headers, width)


def existing(rows: Sequence[Sequence[Any]], lay: Layout) -> dict[tuple[str, date], list[str]]:
    """The steps already recorded per (municipality, date) below the header, as the tab has
    them (a cell that is no date or no step is skipped: the data check names it)."""
    out: dict[tuple[str, date], list[str]] = {}
    g, d, t = lay.columns["gemeente"], lay.columns["datum"], lay.columns["trede"]
    for cells in list(rows)[lay.header_row :]:
        cells = list(cells)
        try:
            when = day(cells[d]) if d < len(cells) else None
            step = Trede.parse(cells[t] if t < len(cells) else "").code
        except (CellError, TredeError, ValueError):
            continue
        name = cells[g] if g < len(cells) else None
        if when is None or is_blank(name):
            continue
        out.setdefault((normalise(name), when), []).append(step)
    return out


def sort_out(
    rows: Sequence[LadderRow],
    raw: Sequence[Sequence[Any]],
    lay: Layout,
    aliases: Callable[[str], Sequence[str]] = lambda name: (name,),
    created: bool = False,
) -> Written:
    """Split the rows to write into new ones, ones the tab (`raw`, read just now) already
    has, and conflicts."""
    already = existing(raw, lay)
    out = Written(lay.title, created_tab=created)
    for row in rows:
        there: list[str] = []
        for name in aliases(row.gemeente):
            there += already.get((normalise(name), row.datum), [])
        if not there:
            out.added.append(row)
        elif row.trede.code in there:
            out.present.append(row)
        else:
            out.conflicts.append((row, "/".join(dict.fromkeys(there))))
    return out


def ladder_title(tabs: Sequence[str]) -> str | None:
    found = find_tab({t: [] for t in tabs}, LADDER.name, LADDER.aliases)
    return found[0] if found else None


class Writer(Protocol):
    """One module per kind of source: append `rows` to its ladder tab, or raise WriteError."""

    def __call__(
        self, target: Any, rows: Sequence[LadderRow], aliases: Aliases = ...
    ) -> Written: ...
