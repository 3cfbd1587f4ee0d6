"""Nothing a spreadsheet would run, in any file Taakbot writes (issue 24 §5): text from the
sheet or a chat that starts with = + - @, tab or CR is written as text by every writer (the
.xlsx tables of /export, /ronde and the letters' overview; `taakbot export --format csv`; the
ladder rows in .xlsx, .ods, a CSV folder and a Google Sheet), read back with openpyxl, odfpy,
csv and the fake Sheets API. And the other way: `'s-Gravenhage` stands in a Google Sheet as
typed (USER_ENTERED drops one leading apostrophe, so the writer adds one)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.cli import _dump
from commands.excel import table_workbook
from commands.round.tables import COLUMNS
from commands.round.tables import workbook as round_workbook
from engine.treden import Trede
from sheets.sources.gsheet import GoogleSheetSource
from sheets.sources.ladder import LadderRow, csv_folder, google, ods, xlsx
from tests.fakes.sheets_api import FakeSheetsServer, Formula

HOSTILE = [
    '=HYPERLINK("http://example.invalid","klik")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
DAY = date(2022, 10, 1)
NOW = datetime(2022, 10, 3, 9, 30)


def _xlsx_cells(content: bytes | Path) -> list:
    book = load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)
    return [c for sheet in book for row in sheet.iter_rows() for c in row]


def test_every_xlsx_table_keeps_hostile_text_as_text() -> None:
    """table_workbook is the one .xlsx table writer: /export, /ronde and the letters' overview."""
    export = table_workbook(["gemeente", "n"], [[h, -5] for h in HOSTILE], "export")
    ronde = round_workbook([{key: h for key, _ in COLUMNS} for h in HOSTILE], "ronde 2022-10-01")
    for content in (export, ronde):
        cells = _xlsx_cells(content)
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert set(HOSTILE) <= {c.value for c in cells}
    assert -5 in {c.value for c in _xlsx_cells(export)}  # numbers stay numbers


def test_export_csv_defuses_text_and_keeps_numbers(capsys) -> None:
    _dump([{"gemeente": h, "saldo": -5, "redenen": [h]} for h in HOSTILE], ("gemeente", "saldo", "redenen"), "csv")  # fmt: skip
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]
    assert [r[0] for r in rows] == ["'" + h for h in HOSTILE]
    assert {r[1] for r in rows} == {"-5"}  # a number is no formula


def _ladder_rows() -> list[LadderRow]:
    names = ["Baarn", "Bunnik", "Eemnes", "Houten", "Leusden", "Soest"]
    return [
        LadderRow(name, DAY, Trede("2"), h, h, NOW) for name, h in zip(names, HOSTILE, strict=True)
    ]


def _xlsx(path: Path) -> Path:
    book = Workbook()
    book.active.title = "ladder"
    book.active.append(["gemeente", "datum", "trede", "toelichting"])
    book.save(path)
    return path


def test_ladder_xlsx_stores_text(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "w.xlsx")
    assert len(xlsx.append(path, _ladder_rows()).added) == len(HOSTILE)
    cells = _xlsx_cells(path)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert set(HOSTILE) <= {c.value for c in cells}


def test_ladder_ods_stores_strings(tmp_path: Path) -> None:
    from odf.namespaces import TABLENS
    from odf.opendocument import OpenDocumentSpreadsheet, load
    from odf.table import Table, TableCell

    path = tmp_path / "w.ods"
    doc = OpenDocumentSpreadsheet()
    doc.spreadsheet.addElement(Table(name="ladder"))
    doc.save(str(path))
    assert len(ods.append(path, _ladder_rows()).added) == len(HOSTILE)
    cells = load(str(path)).spreadsheet.getElementsByType(TableCell)
    assert not [c for c in cells if c.attributes.get((TABLENS, "formula"))]
    assert {h.replace("\r", "\n") for h in HOSTILE} <= {str(c) for c in cells}  # XML: CR → LF


def test_ladder_csv_gets_an_apostrophe(tmp_path: Path) -> None:
    (tmp_path / "gemeenten.csv").write_text("gemeente\nBaarn\n", encoding="utf-8")
    csv_folder.append(tmp_path, _ladder_rows())
    rows = list(csv.reader((tmp_path / "ladder.csv").open(encoding="utf-8", newline="")))[1:]
    assert [r[3] for r in rows] == ["'" + h for h in HOSTILE]  # toelichting
    assert [r[4] for r in rows] == ["'" + h for h in HOSTILE]  # vastgelegd_door


@pytest.mark.parametrize("name", ["'s-Gravenhage", "'s-Hertogenbosch"])
def test_google_stores_what_was_meant(name: str) -> None:
    """USER_ENTERED as Google parses it: no formula, the apostrophe of a name kept, a
    toelichting '12' kept as text, the date a date cell."""
    sheet = "1FormulaSheet"
    header = ["gemeente", "datum", "trede", "toelichting"]
    rows = [*_ladder_rows(), LadderRow(name, DAY, Trede("3A"), "12", "Ans (7)", NOW)]
    with FakeSheetsServer.in_thread({sheet: {"ladder": [header]}}) as server:
        written = google.append(GoogleSheetSource(sheet, api_url=server.url), rows)
        assert len(written.added) == len(rows)
        tab = server.tab(sheet, "ladder")
        assert not [c for row in tab for c in row if isinstance(c, Formula)]
        assert [r[3] for r in tab[1:]] == [*HOSTILE, "12"]
        assert tab[-1][:3] == [name, DAY, "3A"]
        again = google.append(GoogleSheetSource(sheet, api_url=server.url), rows)
        assert again.added == [] and len(again.present) == len(rows)  # its own name matches
