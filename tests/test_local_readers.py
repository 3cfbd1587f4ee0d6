""".xlsx and .ods read with python-calamine give what openpyxl and pandas gave: the same cells,
the same DataSet, the same Problems with the same cells (issue 21).

The old .xlsx reader stays in sheets/sources/local.py as a fallback (`openpyxl_xlsx`); the old .ods
reader (pandas with odfpy) is here. They are the baseline. calamine reads a formula error as an
empty cell; sheets/sources/error_cells.py puts it back, which is shown to matter below. One difference is
deliberate: pandas read an .ods text `#N/A` as an empty cell, calamine keeps it (a formula error).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from sheets.loading.convert import load
from sheets.sources.error_cells import UnplacedError, _cells, ods_error_cells
from sheets.sources.local import SAMPLE, LocalSource, _calamine, _trimmed, openpyxl_xlsx
from tests.country import country
from tests.overview_books import (
    HAAGLANDEN_PERCENT,
    HAAGLANDEN_TAB,
    KOLOMMEN,
    UTRECHT_PERCENT,
    UTRECHT_TAB,
    haaglanden_rows,
    utrecht_rows,
)
from tests.test_convert import BASE

# Cells that read differently per reader if anything does: formula errors (openpyxl writes a
# '#REF!' string as an error cell, t="e"), whole and broken floats, a date in a text column, a
# datetime with a time, a time, a bool, blank rows, text with spaces, a huge number.
EDGES: dict[str, list[list[Any]]] = {
    "gemeenten": [
        [None],  # a blank row above the header
        ["gemeente", "provincie", "regio", "aliassen"],
        ["Delft", "Zuid-Holland", "Haaglanden", None],
        ["Leusden", "Utrecht", "Regio Amersfoort", "  Leusden-Centrum , Achterveld "],
        ["#N/A", "Utrecht", "Regio Amersfoort", None],
        [],
        ["Woudenberg", "Utrecht", "Regio Amersfoort", 12345678901234],
    ],
    "taakstelling": [
        ["gemeente", "periode", "taakstelling", "saldo_start", "extra_opgave", "omkoppelingen"],
        ["Delft", "2022-I", "#REF!", 3, 0, True],
        ["Delft", "2022-II", 76.0, "#DIV/0!", 1.5, "nee"],
        ["Leusden", "2022-I", 20, -2.0, None, False],
        ["Leusden", "2022-II", 1e20, None, None, None],
        ["Woudenberg", datetime(2022, 1, 1), 8, None, None, None],  # typed 2022-1, made a date
    ],
    "realisatie": [
        ["gemeente", "peildatum", "gehuisvest", "koppelingen", "huurcontracten"],
        ["Delft", date(2022, 3, 21), 48, "#VALUE!", 0],
        ["Delft", datetime(2022, 7, 1, 13, 30), 60, 2, 1],
        ["Leusden", time(12, 0), 5, None, None],
        ["Leusden", date(2022, 7, 1), 12.0, 0.5, None],
    ],
    "ladder": [
        ["gemeente", "datum", "trede", "toelichting"],
        ["Delft", date(2022, 7, 1), 2, date(2022, 7, 4)],  # a date where text belongs
        ["Leusden", date(2022, 7, 1), "#NAME?", "brief"],
    ],
    "beleid": [
        ["provincie", "periode", "kader", "drempel", "achterstand_aandeel"],
        ["Zuid-Holland", None, "pzh-2020", 0.7, 0.25],
        ["Utrecht", None, "utrecht", None, None],
    ],
}

# A coordinator's overview: a title row, merged group labels over a second header row.
MERGED = [
    ["Stand van zaken 7 november 2022"],
    [None, "Taakstelling", None, "Gehuisvest", None, "Koppelingen"],
    ["Gemeente", "2022-1", "2022-2", "tot 1 juli 2022", "tot 10 november 2022",
     "per 10 november 2022"],
    ["Leusden", 20, 24, 18, 20, 6],
    ["Woudenberg", 8, 9, "#REF!", 6, None],
]  # fmt: skip


def _small_country() -> dict[str, list[list[Any]]]:
    """bench/workbook.py's country, its first 1,500 rows per tab (the writer is the slow part)."""
    return {tab: rows[:1500] for tab, rows in country().items()}


def _write_xlsx(path: Path, tabs: dict[str, list[list[Any]]], percent: dict | None = None) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(r, c, value)
                    if c - 1 in (percent or {}).get(title, ()) and isinstance(value, float):
                        cell.number_format = "0%"
    if "Overzicht" in tabs:
        book["Overzicht"].merge_cells("B2:C2")
        book["Overzicht"].merge_cells("D2:E2")
    book.save(path)


def _write_ods(path: Path, tabs: dict[str, list[list[Any]]]) -> None:
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for title, rows in tabs.items():
            width = max(len(r) for r in rows)
            frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows])
            frame.to_excel(writer, sheet_name=title, header=False, index=False)


WORKBOOKS = {
    "edges": lambda: (EDGES, None),
    "merged overview": lambda: ({**EDGES, "Overzicht": MERGED}, None),
    "test_convert": lambda: (BASE, None),
    "overviews": lambda: (
        {UTRECHT_TAB: utrecht_rows(), HAAGLANDEN_TAB: haaglanden_rows(), "kolommen": KOLOMMEN},
        {UTRECHT_TAB: UTRECHT_PERCENT, HAAGLANDEN_TAB: HAAGLANDEN_PERCENT},
    ),
    "country": lambda: (_small_country(), None),
}


def pandas_ods(path: Path) -> dict[str, list[list[Any]]]:
    """sheets/sources/local.py's .ods reader before python-calamine."""
    import pandas as pd

    frames = pd.read_excel(path, engine="odf", header=None, dtype=object, sheet_name=None)
    out = {}
    for title, frame in frames.items():
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        out[str(title)] = _trimmed(([getattr(c, "to_pydatetime", lambda c=c: c)() for c in row]
                                    for row in rows), lambda: None)  # fmt: skip
    return out


def typed(raw: dict) -> dict:
    """Cells with their type: 5 == 5.0 and a list comparison would not tell them apart."""
    return {
        tab: [[(type(c).__name__, c) for c in row] for row in rows] for tab, rows in raw.items()
    }


def _same(new: dict, old: dict, provincie: str | None = None) -> None:
    assert typed(new) == typed(old)
    assert load(new, "werkmap", provincie=provincie) == load(old, "werkmap", provincie=provincie)


def test_the_bundled_sample_reads_the_same() -> None:
    new = LocalSource(SAMPLE).fetch()
    _same(new, openpyxl_xlsx(SAMPLE))
    assert load(new, "x").problems == []


@pytest.mark.parametrize("name", sorted(WORKBOOKS))
def test_xlsx_reads_the_same_as_openpyxl(tmp_path: Path, name: str) -> None:
    tabs, percent = WORKBOOKS[name]()
    path = tmp_path / "werkmap.xlsx"
    _write_xlsx(path, tabs, percent)
    _same(LocalSource(path).fetch(), openpyxl_xlsx(path), provincie="Utrecht")


@pytest.mark.parametrize("name", ["edges", "test_convert", "country"])
def test_ods_reads_the_same_as_pandas(tmp_path: Path, name: str) -> None:
    tabs, _ = WORKBOOKS[name]()
    if name == "country":  # pandas' .ods reader (the baseline) is slow: 300 rows a tab suffice
        tabs = {tab: rows[:300] for tab, rows in tabs.items()}
    path = tmp_path / "werkmap.ods"
    _write_ods(path, tabs)
    new, old = LocalSource(path).fetch(), pandas_ods(path)
    if name == "edges":  # the one deliberate difference
        assert (new["gemeenten"][4][0], old["gemeenten"][4][0]) == ("#N/A", None)
        assert "gemeenten!A5: formulefout #N/A in de sheet; herstel de formule" in [
            str(p) for p in load(new, "x").problems
        ]
        old["gemeenten"][4][0] = "#N/A"
    _same(new, old)


def test_formula_errors_are_named_with_their_cell(tmp_path: Path) -> None:
    path = tmp_path / "werkmap.xlsx"
    _write_xlsx(path, EDGES)
    messages = [str(p) for p in load(LocalSource(path).fetch(), "x").problems]
    for cell, error in [("taakstelling!C2", "#REF!"), ("taakstelling!D3", "#DIV/0!"),
                        ("realisatie!D2", "#VALUE!"), ("ladder!C3", "#NAME?")]:  # fmt: skip
        assert f"{cell}: formulefout {error} in de sheet; herstel de formule" in messages
    # without sheets.xlsx_errors calamine would have read them as blank cells
    assert _calamine(path, {}, 2**53, lambda: None)["taakstelling"][1][2] is None


def _rewrite(path: Path, part: str, edit: Any) -> None:
    """Rewrite one part of a zip, as another program would have written it."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    parts[part] = edit(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)


def test_an_excel_error_cell_with_its_formula(tmp_path: Path) -> None:
    """Excel writes the formula beside the cached error: `<c r="C2" s="1" t="e"><f>…`."""
    path = tmp_path / "werkmap.xlsx"
    _write_xlsx(path, BASE)
    sheet = "xl/worksheets/sheet2.xml"  # taakstelling
    _rewrite(path, sheet, lambda xml: re.sub(
        rb'<c r="C2"( t="n")?><v>340</v></c>',
        b'<c r="C2" s="0" t="e"><f>Blad1!t="e"/0</f><v>#DIV/0!</v></c>', xml))  # fmt: skip
    problems = [str(p) for p in load(LocalSource(path).fetch(), "x").problems]
    assert "taakstelling!C2: formulefout #DIV/0! in de sheet; herstel de formule" in problems
    _same(LocalSource(path).fetch(), openpyxl_xlsx(path))


def test_an_ods_error_cell_as_libreoffice_writes_it(tmp_path: Path) -> None:
    """LibreOffice: an empty string marked calcext:value-type="error", the error in its text."""
    path = tmp_path / "werkmap.ods"
    _write_ods(path, BASE)

    def as_libreoffice(xml: bytes) -> bytes:
        xml = xml.replace(
            b"<office:document-content ",
            b'<office:document-content xmlns:calcext="urn:org:documentfoundation:names:'
            b'experimental:calc:xmlns:calcext:1.0" ',
            1,
        )
        return xml.replace(
            b'<table:table-cell office:value-type="float" office:value="340"><text:p>340</text:p>',
            b'<table:table-cell table:formula="of:=1/0" office:value-type="string" '
            b'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>',
        )

    _rewrite(path, "content.xml", as_libreoffice)
    problems = [str(p) for p in load(LocalSource(path).fetch(), "x").problems]
    assert "taakstelling!C2: formulefout #DIV/0! in de sheet; herstel de formule" in problems
    assert (
        _calamine(path, {}, 2**53, lambda: None)["taakstelling"][1][2] is None
    )  # calamine alone: a blank cell


def test_ods_error_cells_counted_with_repeated_rows_and_cells(tmp_path: Path) -> None:
    """LibreOffice writes runs of equal cells and rows once, with a repeat count."""
    t = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    c = 'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
    text = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    error = (
        '<table:table-cell calcext:value-type="error"><text:p>#REF!</text:p></table:table-cell>'
    )
    content = (
        f'<doc {t} {c} {text}><table:table table:name="blad">'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="3"/>'
        f"<table:covered-table-cell/>{error}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="2">{error}</table:table-row>'
        f'</table:table><table:table table:name="ander"><table:table-row>{error}'
        "</table:table-row></table:table></doc>"
    )
    path = tmp_path / "werkmap.ods"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("content.xml", content)
    assert ods_error_cells(path) == {
        "blad": {(2, 4): "#REF!", (3, 0): "#REF!", (4, 0): "#REF!"},
        "ander": {(0, 0): "#REF!"},
    }


@pytest.mark.parametrize(("xml", "found"), [
    (b'<c r="H3" t="e"><v>#REF!</v></c>', {(2, 7): "#REF!"}),
    (b'<c r="AB10" s="4" t="e"><f>1/0</f><v>#DIV/0!</v></c>', {(9, 27): "#DIV/0!"}),
    (b"<c t='e' r='A1'><v>#N/A</v></c>", {(0, 0): "#N/A"}),
    (b'<x:c r="B2" t="e"><x:v>#NAME?</x:v></x:c>', {(1, 1): "#NAME?"}),  # a namespace prefix
    (b'<c r="B2" t="e"/><c r="C2"><v>4</v></c>', {}),  # no cached value: openpyxl gives None
    (b'<c r="B2" t="str"><f>t="e"</f><v>x</v></c>', {}),  # the mark in a formula's text
    (b'<c r="B2" t="inlineStr"><is><t>t="e"</t></is></c>', {}),  # and in a text
])  # fmt: skip
def test_error_cells_in_the_sheet_xml(xml: bytes, found: dict) -> None:
    assert _cells(b"<sheetData><row>" + xml + b"</row></sheetData>") == found


def test_an_error_cell_without_a_reference_is_read_by_openpyxl(tmp_path: Path) -> None:
    with pytest.raises(UnplacedError):
        _cells(b'<row><c t="e"><v>#REF!</v></c></row>')
    path = tmp_path / "werkmap.xlsx"
    _write_xlsx(path, EDGES)
    sheet = "xl/worksheets/sheet2.xml"  # taakstelling
    _rewrite(path, sheet, lambda xml: xml.replace(b'<c r="C2" t="e">', b'<c t="e">'))
    with zipfile.ZipFile(path) as book:
        assert b'<c t="e">' in book.read(sheet)
    raw = LocalSource(path).fetch()
    assert raw["taakstelling"][1][2] == "#REF!"
    assert raw == openpyxl_xlsx(path)


def test_chart_sheets_are_skipped_like_openpyxl(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    book.active.title = "gemeenten"
    for row in BASE["gemeenten"]:
        book.active.append(row)
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=1, min_row=1, max_row=3))
    book.create_chartsheet("grafiek").add_chart(chart)
    path = tmp_path / "werkmap.xlsx"
    book.save(path)
    assert set(LocalSource(path).fetch()) == {"gemeenten"} == set(openpyxl_xlsx(path))
