"""The formula-error cells of an .xlsx or .ods (`#REF!`, `#N/A`, …), by sheet and position.

python-calamine reads an error cell as an empty string (python-calamine issue #105, calamine
issue #720 for .ods), so a broken formula would read as a blank cell and the coordinator would
never hear which cell is broken. This finds them in the XML itself: in an .xlsx a cell
`<c r="H3" t="e"><v>#REF!</v></c>`, in an .ods (LibreOffice) a cell marked
`calcext:value-type="error"` with the error as its text. Most workbooks have none, and a byte
search for the mark (C speed) is all they cost.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

ErrorCells = dict[str, dict[tuple[int, int], str]]  # sheet → (row, column), from 0 → '#REF!'

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MARKS = (b't="e"', b"t='e'")
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c\s")
_REF = re.compile(rb"""\sr=["']([A-Z]+)(\d+)["']""")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")


class UnplacedError(ValueError):
    """An error cell without its `r` attribute (allowed, rare): the caller reads another way."""


def xlsx_error_cells(path: Path) -> ErrorCells:
    """Every error cell with its cached error text; sheets without any are left out."""
    out: ErrorCells = {}
    with zipfile.ZipFile(path) as book:
        for title, part in _sheet_parts(book).items():
            data = book.read(part)
            if any(mark in data for mark in _MARKS):
                found = _cells(data)
                if found:
                    out[title] = found
    return out


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip, by way of the workbook's relationships."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PACKAGE_REL}Relationship")
    }
    names = set(book.namelist())
    out = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        if part in names:
            out[sheet.get("name", "")] = part
    return out


def _cells(data: bytes) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for mark in _MARKS:
        at = data.find(mark)
        while at != -1:
            start = data.rfind(b"<", 0, at)
            end = data.find(b">", at)
            if _CELL_TAG.match(data, start) and end != -1:  # not a `t="e"` in a text or formula
                tag = data[start:end]
                close = _CELL_END.search(data, end)
                stop = close.start() if close and not tag.endswith(b"/") else end
                value = _VALUE.search(data, end, stop)
                if value is not None:
                    ref = _REF.search(tag)
                    if ref is None:
                        raise UnplacedError("error cell without a cell reference")
                    letters, row = ref.groups()
                    found[(int(row) - 1, _column(letters))] = value.group(1).decode()
            at = data.find(mark, at + 1)
    return found


def _column(letters: bytes) -> int:
    """`A` → 0, `AA` → 26."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_ODS_MARKS = (b'value-type="error"', b"value-type='error'")
_ODS_TABLE, _ODS_ROW = f"{_TABLE}table", f"{_TABLE}table-row"
_ODS_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def ods_error_cells(path: Path) -> ErrorCells:
    """The same for an .ods: rows and cells counted with their repeats, as calamine does."""
    with zipfile.ZipFile(path) as book:
        content = book.read("content.xml")
    if not any(mark in content for mark in _ODS_MARKS):
        return {}
    out: ErrorCells = {}
    title, row, rows, column = "", 0, 1, 0
    for event, element in ElementTree.iterparse(io.BytesIO(content), ("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _ODS_TABLE:
                title, row = element.get(f"{_TABLE}name", ""), 0
            elif tag == _ODS_ROW:
                rows, column = int(element.get(f"{_TABLE}number-rows-repeated", "1")), 0
        elif tag in _ODS_CELLS:
            repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
            if element.get(f"{_CALCEXT}value-type") == "error":
                error = "".join(element.itertext()).strip()
                for r in range(row, row + rows):
                    for c in range(column, column + repeat):
                        out.setdefault(title, {})[(r, c)] = error
            column += repeat
            element.clear()
        elif tag == _ODS_ROW:
            row += rows
            element.clear()
    return out
