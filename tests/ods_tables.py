"""An .ods whose cells are all text, written with odfpy (the library the .ods ladder writer
uses): a small workbook for the writer's tests, without pandas' slower writer."""

from __future__ import annotations

from pathlib import Path


def text_tables(path: Path, tables: dict[str, list[list[str]]]) -> Path:
    """One table per name, each row its cells as text."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in tables.items():
        table = Table(name=name)
        for cells in rows:
            row = TableRow()
            for value in cells:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                row.addElement(cell)
            table.addElement(row)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
