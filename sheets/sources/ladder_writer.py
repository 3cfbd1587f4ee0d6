"""Record ladder decisions in the sheet's `ladder` tab, and nowhere else (issue 18).

The one write Taakbot makes. What every source shares lives here: which rows are new, how a row
lines up under the tab's own header, and the one lock that keeps two rounds from writing at
once. Each kind of source has its own small writer (sheets.sources.gsheet_writer for Google; the files
below for .xlsx, .ods and a CSV folder), and none touches another tab or cell.

Exactly once: right before writing, the tab is read again and every row whose municipality and
date are already there is left out (the same step: already recorded; another step: a conflict
for a person). A write that timed out is checked by reading again before it is tried again.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine.treden import Trede, TredeError
from sheets.tabs.layout import TABS, column_letter, find_tab, normalise
from sheets.tabs.values import CellError, day, is_blank

LADDER = next(t for t in TABS if t.name == "ladder")
HEADER = ("gemeente", "datum", "trede", "toelichting", "vastgelegd_door", "vastgelegd_op")
_LOCK = threading.Lock()  # one round writes at a time in this process
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


# -- local files ------------------------------------------------------------------------------


def _refuse_if_busy(path: Path) -> None:
    """A lock file of LibreOffice or Excel beside the workbook: someone has it open."""
    for lock in (path.with_name(f".~lock.{path.name}#"), path.with_name(f"~${path.name}")):
        if lock.exists():
            raise WriteError(
                f"{path.name} is geopend in een ander programma ({lock.name}); sluit het bestand "
                "en probeer het opnieuw. Er is niets geschreven."
            )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise NoWriteAccess(
            f"{path.name} is alleen-lezen (of de map {path.parent} is dat); geef schrijfrechten "
            "of werk in een kopie. Er is niets geschreven."
        )


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside `path`, then move it into place: a crash never leaves
    half a workbook."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_UNKEPT = ("xl/charts/", "xl/drawings/", "xl/pivotCache", "xl/pivotTables/", "xl/media/")


def _openpyxl_would_drop(path: Path) -> list[str]:
    """Parts of an .xlsx that openpyxl does not write back (pitfalls.md): refuse rather than
    lose a province's chart or pivot table."""
    import zipfile

    with zipfile.ZipFile(path) as book:
        names = book.namelist()
    return sorted({p for p in _UNKEPT for n in names if n.startswith(p)})


def append_xlsx(path: Path, rows: Sequence[LadderRow], aliases=lambda n: (n,)) -> Written:
    from openpyxl import load_workbook

    _refuse_if_busy(path)
    dropped = _openpyxl_would_drop(path)
    if dropped:
        raise WriteError(
            f"{path.name} bevat onderdelen die bij opslaan verloren zouden gaan "
            f"({', '.join(dropped)}); leg de besluiten vast in een kopie zonder grafieken of "
            "draaitabellen, of in Google Sheets. Er is niets geschreven."
        )
    book = load_workbook(path)  # not data_only: formulas stay formulas
    title = ladder_title(book.sheetnames)
    created = title is None
    if created:
        title = "ladder"
        book.create_sheet(title)
    sheet = book[title]
    raw = [list(r) for r in sheet.iter_rows(values_only=True)]
    lay = layout(title, raw)
    out = sort_out(rows, raw, lay, aliases, created)
    if not out.added:
        return out
    for column, name in lay.new_headers.items():
        sheet.cell(lay.header_row, column + 1, name)
    first = max(sheet.max_row if raw else 0, lay.header_row) + 1
    for offset, row in enumerate(out.added):
        for column, value in enumerate(lay.cells(row, _as_is), start=1):
            if value == "":
                continue
            cell = sheet.cell(first + offset, column, value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed text is never run as a formula (as in Google)
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    out.landed(first, lay.width)
    _replace(path, book.save)
    return out


def _as_is(key: str, value: Any) -> Any:
    return value


def append_ods(path: Path, rows: Sequence[LadderRow], aliases=lambda n: (n,)) -> Written:
    """With odfpy, the library the file format is written in: every other table, style and
    formula stays as it was."""
    from odf import opendocument, table, text

    _refuse_if_busy(path)
    doc = opendocument.load(str(path))
    tables = {t.getAttribute("name"): t for t in doc.spreadsheet.getElementsByType(table.Table)}
    title = ladder_title(list(tables))
    created = title is None
    if created:
        title = "ladder"
        tables[title] = table.Table(name=title)
        doc.spreadsheet.addElement(tables[title])
    sheet = tables[title]
    raw = _ods_rows(sheet)
    lay = layout(title, raw)
    out = sort_out(rows, raw, lay, aliases, created)
    if not out.added:
        return out

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            c = table.TableCell(valuetype="date", datevalue=value.isoformat(timespec="seconds"))
        elif isinstance(value, date):
            c = table.TableCell(valuetype="date", datevalue=value.isoformat())
        elif isinstance(value, int):
            c = table.TableCell(valuetype="float", value=value)
        else:
            c = table.TableCell(valuetype="string")
        if value != "":
            c.addElement(text.P(text=_shown(value)))
        return c

    if created or lay.new_headers:
        header = [""] * lay.width
        for key, column in lay.columns.items():
            header[column] = key
        if created:
            _ods_append(sheet, table, [cell(h) for h in header])
        else:
            _ods_extend_header(sheet, table, lay, cell)
    for row in out.added:
        _ods_append(sheet, table, [cell(v) for v in lay.cells(row, _as_is)])
    first = len(raw) + 1 + (1 if created else 0)
    out.landed(first, lay.width)
    _replace(path, lambda tmp: doc.save(str(tmp)))
    return out


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _ods_rows(sheet: Any) -> list[list[Any]]:
    """The table's rows as values (repeated rows and cells expanded, trailing blanks dropped)."""
    from odf import table
    from odf.namespaces import OFFICENS

    out: list[list[Any]] = []
    for row in sheet.getElementsByType(table.TableRow):
        cells: list[Any] = []
        for c in row.childNodes:
            if c.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            repeat = int(c.attributes.get((c.qname[0], "number-columns-repeated"), 1) or 1)
            date_value = c.attributes.get((OFFICENS, "date-value"))
            value = date_value or str(c).strip() or None
            cells += [value] * min(repeat, 64)
        while cells and cells[-1] is None:
            cells.pop()
        repeat = int(row.attributes.get((row.qname[0], "number-rows-repeated"), 1) or 1)
        out += [cells] * (1 if not cells else min(repeat, 1))
    while out and not out[-1]:
        out.pop()
    return out


def _ods_append(sheet: Any, table: Any, cells: list[Any]) -> None:
    """After the last row with content: trailing empty (repeated) rows are dropped first."""
    rows = sheet.getElementsByType(table.TableRow)
    while rows and not str(rows[-1]).strip():
        sheet.removeChild(rows.pop())
    row = table.TableRow()
    for c in cells:
        row.addElement(c)
    sheet.addElement(row)


def _ods_extend_header(sheet: Any, table: Any, lay: Layout, cell: Callable) -> None:
    rows = sheet.getElementsByType(table.TableRow)
    header = rows[lay.header_row - 1]
    kept = [c for c in header.childNodes if str(c).strip()]
    for c in list(header.childNodes):
        header.removeChild(c)
    for c in kept:
        header.addElement(c)
    while len(kept) < min(lay.new_headers):
        header.addElement(cell(""))
        kept.append(None)
    for _column, name in sorted(lay.new_headers.items()):
        header.addElement(cell(name))


def append_csv(folder: Path, rows: Sequence[LadderRow], aliases=lambda n: (n,)) -> Written:
    """Add to `ladder.csv` (made with a header when the folder has none), in its delimiter."""
    files = {p.stem: p for p in folder.iterdir() if p.suffix.lower() == ".csv"}
    title = ladder_title(list(files))
    created = title is None
    path = files[title] if title else folder / "ladder.csv"
    content = "" if created else path.read_text(encoding="utf-8-sig")
    if not created:
        _refuse_if_busy(path)
    elif not os.access(folder, os.W_OK):
        raise NoWriteAccess(f"de map {folder} is alleen-lezen. Er is niets geschreven.")
    head = next((line for line in content.splitlines() if line.strip()), "")
    delimiter = ";" if head.count(";") > head.count(",") else ","
    raw = list(csv.reader(io.StringIO(content), delimiter=delimiter))
    lay = layout(title or "ladder", raw)
    out = sort_out(rows, raw, lay, aliases, created)
    if not out.added:
        return out
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if created or lay.new_headers:
        header = list(raw[lay.header_row - 1]) if raw else [""] * lay.width
        header += [""] * (lay.width - len(header))
        for column, name in lay.new_headers.items():
            header[column] = name
        lines = content.splitlines(keepends=True)
        rest = "".join(lines[lay.header_row :]) if raw else ""
        before = "".join(lines[: lay.header_row - 1]) if raw else ""
        writer.writerow(header)
        content = before + buf.getvalue() + rest
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if content and not content.endswith("\n"):
        content += "\n"
    for row in out.added:
        writer.writerow([_shown(v) for v in lay.cells(row, defused)])
    first = len([r for r in raw if r]) + 1 + (1 if created else 0)
    out.landed(first, lay.width)
    body = content + buf.getvalue()
    _replace(path, lambda tmp: tmp.write_text(body, encoding="utf-8"))
    return out


def append(source: Any, rows: Sequence[LadderRow], aliases=lambda n: (n,)) -> Written:
    """Record `rows` in the source's ladder tab, one round at a time; raises WriteError."""
    with _LOCK:
        write = getattr(source, "append_ladder", None)  # Google: sheets.sources.gsheet_writer
        if write is not None:
            return write(rows, aliases)
        path = Path(getattr(source, "path", ""))
        from sheets.sources.local import SAMPLE

        if path.exists() and path.samefile(SAMPLE):  # also as a relative path or a link
            raise WriteError(
                "De meegeleverde voorbeeldwerkmap wordt niet gewijzigd. Kopieer hem (cp "
                f"{SAMPLE} mijn-sheet.xlsx) en zet TAAKBOT_SOURCE op de kopie."
            )
        if path.is_dir():
            return append_csv(path, rows, aliases)
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            return append_xlsx(path, rows, aliases)
        if suffix == ".ods":
            return append_ods(path, rows, aliases)
        raise WriteError(f"{path.name or source}: in deze bron kan Taakbot niets vastleggen")


class Recorder:
    """How a front end records: stamp when, write once, then read the sheet again so every
    answer shows the recorded step at once. The clock is injected (tests)."""

    def __init__(self, cache: Any, clock: Callable[[], datetime] = datetime.now) -> None:
        self.cache = cache
        self.clock = clock

    def record(
        self, rows: Sequence[LadderRow], aliases: Callable[[str], Sequence[str]] = lambda n: (n,)
    ) -> Written:
        now = self.clock().replace(microsecond=0, tzinfo=None)
        written = append(self.cache.source, [replace(r, op=now) for r in rows], aliases)
        if written.added:
            self.cache.refresh()
        return written
