"""The two real overview tables as workbooks: Utrecht's November 2022 overview (headers verbatim,
treden from cases.json `ladder_positions`) and PZH's Haaglanden table of 30 March 2022 (figures
from cases.json `region_table`). Cells are what a spreadsheet holds: percentages as shares with a
%-format, treden as "trede 2" or "trede ". Builders take variants; writers give .xlsx or Google.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from engine.periods import Period
from engine.prognosis import linear

CASES = json.loads((Path(__file__).parent / "data" / "cases.json").read_text(encoding="utf-8"))
H = "\u2010"  # the hyphen of Utrecht's headers: "2022‐2"
UTRECHT_TAB = f"Huisvestingsvoortgang 2022{H}2"  # .xlsx: at most 31 characters
UTRECHT_HEADERS = [
    "Gemeenten",
    f"Beoordeling 2022{H}1 (trede)",
    "Stand op 1 juli 2022 (achterstand)",
    f"Taakstelling 2022{H}2",
    f"Totaalopgave (taakstelling + achterstand) 2022{H}2",
    f"Extra opgave 2022{H}2 (doelstelling: landelijk 20.000 vergunninghouders extra vóór "
    "1 januari 2023)",
    f"Totaalopgave 2022{H}2 (inclusief extra opgave)",
    f"Realisatie 2022{H}2 tot 10 november 2022",
    "Prognose gerealiseerd op 1 januari 2023",
    f"Prognose totaalopgave (taakstelling + achterstand) 2022{H}2 in %",
    f"Prognose totaalopgave 2022{H}2 inclusief extra opgave 2022{H}2 (doelstelling) "
    "gerealiseerd in %",
    "Gevoerde ambtelijke gesprekken met gemeenten (datum)",
    "Contacten tussen gemeenten en Kansenmakersteam (COA)",
    "Aanwezig bij Bovenregionaal Platform Huisvesting",
    "Opmerkingen, bijzonderheden, relevante zaken",
]
UTRECHT_PERCENT = (9, 10)  # 0-based columns with a %-format
# Taakstelling, achterstand on 1 July, extra opgave and realisatie to 10 November 2022: invented
# for the tests (the public overview's figures are not in cases.json), treden from cases.json.
UTRECHT_FIGURES: dict[str, tuple[int, int, int, int]] = {
    "Amersfoort": (97, 20, 48, 60), "Baarn": (16, 5, 8, 9), "Bunnik": (10, 3, 5, 6),
    "Bunschoten": (14, 4, 7, 8), "De Bilt": (29, 8, 14, 15), "De Ronde Venen": (30, 2, 15, 20),
    "Eemnes": (6, 1, 3, 4), "Houten": (35, 0, 17, 28), "IJsselstein": (24, 0, 12, 19),
    "Leusden": (24, 26, 12, 20), "Lopik": (10, 1, 5, 6), "Montfoort": (10, 4, 5, 5),
    "Nieuwegein": (43, 2, 21, 30), "Oudewater": (7, 0, 3, 6), "Renswoude": (4, 0, 2, 3),
    "Rhenen": (14, 6, 7, 7), "Soest": (32, 3, 16, 22), "Stichtse Vecht": (44, 0, 22, 35),
    "Utrecht": (255, 60, 127, 150), "Utrechtse Heuvelrug": (34, 0, 17, 27),
    "Veenendaal": (45, 0, 22, 36), "Vijfheerenlanden": (40, 0, 20, 31),
    "Wijk bij Duurstede": (16, 5, 8, 8), "Woerden": (36, 3, 18, 24), "Woudenberg": (9, 1, 4, 6),
    "Zeist": (43, 4, 21, 28),
}  # fmt: skip
PEILDATUM = date(2022, 11, 10)
P2 = Period(2022, 2)


def utrecht_row(
    name: str, taak: int, saldo: int, extra: int, real: int, trede: str, day: date = PEILDATUM
) -> list:
    """One row as the province computes it (engine.prognosis: linear to 1 January 2023)."""
    opgave = taak + saldo
    forecast = linear(P2, day, real, opgave, extra)
    assert forecast is not None and forecast.pct_opgave and forecast.pct_incl_extra
    return [
        name, f"trede {trede}", saldo, taak, opgave, extra, opgave + extra, real,
        forecast.rounded, forecast.pct_opgave.value / 100, forecast.pct_incl_extra.value / 100,
        None, None, None, "PvA ontvangen" if name == "Leusden" else None,
    ]  # fmt: skip


MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")  # fmt: skip


def utrecht_rows(
    *,
    title: bool = True,
    total: bool = True,
    day: date = PEILDATUM,
    figures: dict[str, tuple[int, int, int, int]] = UTRECHT_FIGURES,
) -> list[list[Any]]:
    """The overview tab: a title and a blank row above the header, 26 rows, `Totaal`; `day`
    and `figures` make an earlier month's tab."""
    treden = CASES["ladder_positions"]["rows"]
    rows: list[list[Any]] = []
    if title:
        rows += [[f"Huisvestingsvoortgang en ambtelijk contact 2022{H}2"], []]
    when = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    rows.append([h.replace("10 november 2022", when) for h in UTRECHT_HEADERS])
    for name, numbers in figures.items():
        rows.append(utrecht_row(name, *numbers, treden[name], day))
    if total:
        sums = [sum(f[i] for f in figures.values()) for i in range(4)]
        row = utrecht_row("Totaal", *sums, "", day)
        row[1] = None
        rows.append(row)
    return rows


HAAGLANDEN_TAB = "Haaglanden 30 maart 2022"
HAAGLANDEN_HEADERS = [
    "Gemeente",
    "Besluit op 1 januari 2022",
    "Taakstelling 1e helft 2022",
    "Plaatsingen 1 januari 2022 – 21 maart 2022",
    "Te realiseren 21 maart 2022 - 1 juli 2022",
    "Gerealiseerd 21 maart 2022",
]
HAAGLANDEN_PERCENT = (5,)


def haaglanden_rows() -> list[list[Any]]:
    """PZH's e-mail table, names as registers write them ("Gravenhage 's-")."""
    table = CASES["region_table"]
    rows: list[list[Any]] = [list(HAAGLANDEN_HEADERS)]
    for name, trede, opgave, placed, left, _pct in table["rows"]:
        shown = "Gravenhage 's-" if name == "'s-Gravenhage" else name
        rows.append([shown, trede, opgave, placed, left, placed / opgave])
    t = table["totals"]
    rows.append(["Totaal", None, t["opgave"], t["plaatsingen"], t["nog_te_realiseren"],
                 t["plaatsingen"] / t["opgave"]])  # fmt: skip
    return rows


KOLOMMEN = [
    ["tabblad", "kolom", "betekenis", "periode", "datum"],
    [HAAGLANDEN_TAB, "Taakstelling 1e helft 2022", "opgave", "2022-I", None],
]


_XLSX: dict[str, bytes] = {}  # repr of (tabs, percent) → the workbook's bytes, once per run


def write_xlsx(
    path: Path, tabs: dict[str, list[list[Any]]], percent: dict[str, tuple] | None = None
) -> Path:
    """Write tabs as a coordinator's .xlsx: %-format on percentage columns, dates as dates.
    Each distinct workbook is built once per run (openpyxl's writer is the slow part); later
    calls with the same tabs write the same bytes."""
    key = repr((tabs, percent))
    if key not in _XLSX:
        _XLSX[key] = _xlsx_bytes(tabs, percent or {})
    path.write_bytes(_XLSX[key])
    return path


def _xlsx_bytes(tabs: dict[str, list[list[Any]]], percent: dict[str, tuple]) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(r, c, value)
                if c - 1 in percent.get(title, ()) and isinstance(value, float):
                    cell.number_format = "0%"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
