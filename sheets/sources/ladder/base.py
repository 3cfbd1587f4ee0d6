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

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from engine.treden import Trede, TredeError
from sheets.tabs.layout import TABS, VOID, column_letter, find_tab, normalise
from sheets.tabs.values import CellError, csv_text, day, is_blank

Aliases = Callable[[str], Sequence[str]]
LADDER = next(t for t in TABS if t.name == "ladder")
HEADER = ("gemeente", "datum", "trede", "toelichting", "vastgelegd_door", "vastgelegd_op")


def defused(key: str, value: Any) -> Any:
    """Typed text that would start a formula keeps a leading apostrophe (a CSV opened in
    Excel shows it as text, never runs it); the step's code is never such text."""
    return value if key == "trede" else csv_text(value)


class WriteError(Exception):
    """Nothing was written; the message is Dutch, names the sheet or file, and says what to do."""


class UncertainWrite(WriteError):
    """A write was sent and its outcome is not known (the answer was lost and reading back
    failed): it may have landed. The message says what to check; never write it again blind."""


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
    voided: list[str] = field(default_factory=list)  # our second copies marked 'vervallen'

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

    def cells(
        self,
        row: LadderRow,
        convert: Callable[[str, Any], Any],
        more: dict[str, Any] | None = None,
    ) -> list[Any]:
        cells: list[Any] = [""] * self.width
        for key, value in {**row.values(), **(more or {})}.items():
            if key in self.columns:
                cells[self.columns[key]] = convert(key, value)
        return cells


@functools.cache
def _names(field_name: str) -> frozenset[str]:
    """A field's header as the reader knows it: its name and the tab's aliases, normalised."""
    column = next((c for c in LADDER.columns if c.key == field_name), None)
    return frozenset({normalise(field_name), *(map(normalise, column.aliases) if column else ())})


def layout(title: str, rows: Sequence[Sequence[Any]], fields: Sequence[str] = HEADER) -> Layout:
    """Line our fields up under the tab's own header (by the same names the reader knows);
    the fields after `toelichting` (who, when, and for a writer without a lock the write id)
    go in free columns right of the header, where there are."""
    header_row, header = next(
        ((n, list(r)) for n, r in enumerate(rows, start=1) if any(not is_blank(c) for c in r)),
        (0, []),
    )
    if not header_row:
        return Layout(title, 1, {k: i for i, k in enumerate(fields)}, dict(enumerate(fields)),
                      len(fields))  # fmt: skip
    columns: dict[str, int] = {}
    wanted = [(name, _names(name)) for name in dict.fromkeys((*fields, "schrijf_id"))]
    for index, cell in enumerate(header):
        if is_blank(cell):
            continue
        key = normalise(cell)
        for name, names in wanted:  # a void mark counts for all
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
    for name in fields[3:]:
        if name not in columns:
            columns[name] = width
            new_headers[width] = name
            width += 1
    return Layout(title, header_row, columns, new_headers, width)


@dataclass(frozen=True, slots=True)
class Entry:
    """One decision row of the tab as the writers see it."""

    row: int  # 1-based sheet row
    name: str  # normalised gemeente
    datum: date
    step: str | None  # the step's code; None when the cell does not read as a step
    cell: str  # where the step stands, e.g. 'ladder!C12'
    typed: str  # the step cell as it stands
    write_id: str  # '' for a row Taakbot did not write with an id
    void: bool = False  # marked 'vervallen': a second copy that does not count


def _cell(cells: Sequence[Any], column: int | None) -> Any:
    return cells[column] if column is not None and column < len(cells) else None


def entries(rows: Sequence[Sequence[Any]], lay: Layout, void: bool = False) -> list[Entry]:
    """The decisions below the header, in row order. A row without a readable date or
    gemeente is no decision (the data check names it); a step that does not read is kept with
    `step` None, so the round names it as a conflict instead of writing a second step."""
    out: list[Entry] = []
    g, d, t = lay.columns["gemeente"], lay.columns["datum"], lay.columns["trede"]
    w = lay.columns.get("schrijf_id")
    for number, cells in enumerate(list(rows)[lay.header_row :], start=lay.header_row + 1):
        cells = list(cells)
        write_id = "" if is_blank(_cell(cells, w)) else str(_cell(cells, w)).strip()
        marked = write_id.startswith(VOID)
        if marked and not void:
            continue
        if marked:  # 'vervallen: dubbel van rij 12 (tb-…)': whose copy it was
            last = write_id.rstrip(")").rpartition("(")[2]
            write_id = last if last.startswith("tb-") else ""
        try:
            when = day(_cell(cells, d))
        except (CellError, ValueError):
            continue
        name = _cell(cells, g)
        if when is None or is_blank(name):
            continue
        typed = _cell(cells, t)
        try:
            step: str | None = Trede.parse("" if typed is None else typed).code
        except (TredeError, ValueError):
            step = None
        ref = f"{lay.title}!{column_letter(t)}{number}"
        out.append(Entry(number, normalise(name), when, step, ref, "" if typed is None else
                         str(typed), write_id, marked))  # fmt: skip
    return out


@dataclass(frozen=True)
class Reading:
    """How the tab's rows are read against ours, as the rest of Taakbot reads them: a
    gemeente's other names, and a recorded step in the numbering of the policy that rules the
    gemeente on that date (PZH reads an unsplit '3' as 3A)."""

    aliases: Callable[[str], Sequence[str]] = lambda name: (name,)
    step: Callable[[str, date, str], str] = lambda gemeente, when, code: code

    def names(self, gemeente: str) -> set[str]:
        return {normalise(n) for n in (gemeente, *self.aliases(gemeente))}

    def same(self, row: LadderRow, entry: Entry) -> bool:
        """The entry is a decision for the row's gemeente and date."""
        return entry.datum == row.datum and entry.name in self.names(row.gemeente)

    def theirs(self, row: LadderRow, entry: Entry) -> str:
        """The entry's step as the policy reads it, or the cell named when it does not read."""
        if entry.step is None:
            return f'? ({entry.cell}: "{entry.typed}" is geen trede)'
        return self.step(row.gemeente, row.datum, entry.step)


def sort_out(
    rows: Sequence[LadderRow],
    raw: Sequence[Sequence[Any]],
    lay: Layout,
    reading: Reading | None = None,
    created: bool = False,
) -> Written:
    """Split the rows to write into new ones, ones the tab (`raw`, read just now) already
    has, and conflicts (another step, or a step cell that does not read)."""
    reading = reading or Reading()
    found = entries(raw, lay)
    out = Written(lay.title, created_tab=created)
    for row in rows:
        there = [reading.theirs(row, e) for e in found if reading.same(row, e)]
        ours = reading.step(row.gemeente, row.datum, row.trede.code)
        if not there:
            out.added.append(row)
        elif all(step == ours for step in there):
            out.present.append(row)
        else:
            out.conflicts.append((row, "/".join(dict.fromkeys(there))))
    return out


def ladder_title(tabs: Sequence[str]) -> str | None:
    found = find_tab({t: [] for t in tabs}, LADDER.name, LADDER.aliases)
    return found[0] if found else None


class Writer(Protocol):
    """One module per kind of source: append `rows` to its ladder tab once, or raise
    WriteError (UncertainWrite when a write was sent and its outcome is not known)."""

    def __call__(
        self, target: Any, rows: Sequence[LadderRow], reading: Reading | None = None
    ) -> Written: ...
