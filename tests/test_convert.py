"""Raw tabs → DataSet: bad cells and rows become Problems with exact refs; good rows survive.

Also the local readers (xlsx, ods, CSV folder), each on a small workbook written in tmp_path.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from engine.periods import Period
from engine.policies import PeriodRule
from engine.state import DataSet, Problem
from engine.treden import Trede
from sheets.loading.convert import OVERRIDES, load
from sheets.sources.local import LocalSource, LocalSourceError
from sheets.sources.template import write_template
from sheets.tabs.layout import TABS

DH = "'s-Gravenhage"
BASE: dict[str, list[list[Any]]] = {
    "gemeenten": [
        ["Gemeente", "Provincie", "Regio", "Aliassen"],
        [DH, "Zuid-Holland", "Haaglanden", "Den Haag, Gravenhage 's-"],
        ["Delft", "Zuid-Holland", "Haaglanden", None],
        ["Leusden", "Utrecht", "Regio Amersfoort", None],
    ],
    "taakstelling": [
        ["gemeente", "periode", "taakstelling", "saldo_start", "opgave", "omkoppelingen"],
        ["Den Haag", "2021-II", 340, 195, 535, "ja"],
        ["Delft", "2022-I", None, None, 76, None],
        ["Leusden", "2022-II", 24, 26, None, None],
    ],
    "realisatie": [
        ["gemeente", "peildatum", "gehuisvest", "koppelingen"],
        [DH, "1-10-2021", 172, 407],
        [DH, "1-1-2022", 427, None],
        ["Delft", "21-3-2022", 48, None],
    ],
    "ladder": [
        ["gemeente", "datum", "trede", "toelichting"],
        [DH, "1-7-2021", "1", "brief 1 juli 2021"],
        [DH, "1-7-2021", "2", "brief 1 oktober 2021"],
        ["Leusden", "1-7-2022", "3", None],
    ],
    "beleid": [
        [
            "provincie",
            "periode",
            "kader",
            "drempel",
            "achterstand_aandeel",
            "omkoppelingen_tellen",
        ],
        ["Zuid-Holland", "2021-II", "pzh-2020", None, "25%", "nee"],
        ["Utrecht", None, "utrecht", None, None, None],
    ],
    "deadlines": [
        ["voor", "datum", "soort", "omschrijving"],
        ["Zuid-Holland", "4-7-2022", "huurcontracten", "Insturen kan nog tot 4 juli"],
    ],
    "gebruikers": [
        ["telegram_id", "naam", "rol", "scope"],
        [1, "Demo provincie", "provincie", "Zuid-Holland"],
        ["2", "Coördinator", "Coördinator", "Haaglanden"],
    ],
}


def counts(data: DataSet) -> dict[str, int]:
    recs = data.records.values()
    return {
        "gemeenten": len(data.records),
        "taakstelling": sum(len(r.figures) for r in recs),
        "realisatie": sum(len(r.snapshots) for r in recs),
        "ladder": sum(len(r.decisions) for r in recs),
        "beleid": len(data.policies),
        "deadlines": len(data.deadlines),
        "gebruikers": len(data.users),
    }


def edited(tab: str, row: int, column: int, value: Any) -> dict[str, list[list[Any]]]:
    """BASE with one cell changed; `row` as the spreadsheet numbers it (header = 1)."""
    raw = copy.deepcopy(BASE)
    raw[tab][row - 1][column] = value
    return raw


def test_base_workbook_loads_clean() -> None:
    data = load(BASE, "test")
    assert data.problems == []
    assert counts(data) == {"gemeenten": 3, "taakstelling": 3, "realisatie": 3, "ladder": 3,
                            "beleid": 2, "deadlines": 1, "gebruikers": 2}  # fmt: skip
    dh = data.records[DH]
    fig = dh.figures[Period(2021, 2)]
    assert (fig.gemeente, fig.taakstelling, fig.saldo_start, fig.opgave_stated) == (
        DH,
        340,
        195,
        535,
    )
    assert fig.omkoppelingen is True and fig.stapelgemeente is None
    assert fig.source == "taakstelling!C2"
    assert data.records["Delft"].figures[Period(2022, 1)].source == "taakstelling!E3"
    assert [(s.peildatum, s.period, s.housed) for s in dh.snapshots] == [
        (date(2021, 10, 1), Period(2021, 2), 172),
        (date(2022, 1, 1), Period(2021, 2), 427),  # 1 January closes the previous half-year
    ]
    assert dh.snapshots[0].koppelingen == 407
    assert [d.trede for d in dh.decisions] == [Trede("1"), Trede("2")]  # both kept, in order
    assert data.policies[0].overrides == {
        "achterstand_aandeel": 0.25,
        "omkoppelingen_tellen": False,
    }
    assert data.policies[1].period is None and data.policies[1].kader == "utrecht"
    assert data.deadlines[0].date == date(2022, 7, 4) and data.deadlines[0].scope == "Zuid-Holland"
    assert [(u.telegram_id, u.rol, u.scope) for u in data.users] == [
        (1, "provincie", "Zuid-Holland"),
        (2, "coordinator", "Haaglanden"),
    ]
    assert data.regions() == {"Haaglanden": [DH, "Delft"], "Regio Amersfoort": ["Leusden"]}
    assert data.source == "test" and data.sample is False


BAD_CELLS = [
    ("realisatie", 2, 2, "twaalf", "realisatie!C2", '"twaalf" is geen getal'),
    ("realisatie", 3, 2, "12,5", "realisatie!C3", '"12,5" is geen geheel getal'),
    ("realisatie", 4, 2, -3, "realisatie!C4",
     '"-3" is negatief; een aantal kan niet kleiner dan 0 zijn'),
    ("realisatie", 2, 3, "veel", "realisatie!D2", '"veel" is geen getal'),
    ("realisatie", 2, 1, "morgen", "realisatie!B2",
     '"morgen" is geen datum (verwacht bijvoorbeeld 1-7-2022 of 2022-07-01)'),
    ("realisatie", 3, 1, None, "realisatie!B3", "peildatum is leeg"),
    ("realisatie", 4, 0, "Delf", "realisatie!A4",
     'onbekende gemeente "Delf" (niet in tabblad gemeenten); bedoelt u Delft?'),
    ("realisatie", 4, 0, "Xyzzy", "realisatie!A4",
     'onbekende gemeente "Xyzzy" (niet in tabblad gemeenten)'),
    ("taakstelling", 2, 0, "Den Haaag", "taakstelling!A2",
     "onbekende gemeente \"Den Haaag\" (niet in tabblad gemeenten); bedoelt u 's-Gravenhage?"),
    ("taakstelling", 3, 1, "2022-III", "taakstelling!B3",
     '"2022-III" is geen periode (verwacht bijvoorbeeld 2022-I of 2022-2)'),
    ("taakstelling", 2, 5, "misschien", "taakstelling!F2", '"misschien" is geen ja of nee'),
    ("taakstelling", 4, 2, -24, "taakstelling!C4",
     '"-24" is negatief; een aantal kan niet kleiner dan 0 zijn'),
    ("ladder", 4, 2, "7", "ladder!C4", '"7" is geen trede (0, 1, 2, 3, 3A, 3B, 4, 5 of 6)'),
    ("ladder", 4, 1, "31-2-2022", "ladder!B4", '"31-2-2022" is geen geldige datum'),
    ("beleid", 2, 2, "pzh-2030", "beleid!C2",
     'onbekend kader "pzh-2030"; bekend zijn: pzh-2020, utrecht'),
    ("beleid", 2, 4, "veel", "beleid!E2", '"veel" is geen percentage'),
    ("beleid", 3, 0, "Utreg", "beleid!A3",
     'onbekende provincie "Utreg" (niet in tabblad gemeenten); bedoelt u Utrecht?'),
    ("deadlines", 2, 0, "Haaglandn", "deadlines!A2", 'onbekende gemeente, regio of provincie '
     '"Haaglandn" (niet in tabblad gemeenten); bedoelt u Haaglanden?'),
    ("gebruikers", 2, 2, "admin", "gebruikers!C2",
     'onbekende rol "admin"; bekend zijn: provincie, coordinator, gemeente'),
    ("gebruikers", 3, 0, "abc", "gebruikers!A3", '"abc" is geen Telegram-id (een geheel getal)'),
    ("gebruikers", 3, 0, "12,5", "gebruikers!A3", '"12,5" is geen Telegram-id (een geheel getal)'),
]  # fmt: skip


@pytest.mark.parametrize(("tab", "row", "column", "value", "ref", "message"), BAD_CELLS)
def test_bad_cell_rejects_only_its_row(
    tab: str, row: int, column: int, value: Any, ref: str, message: str
) -> None:
    data = load(edited(tab, row, column, value), "test")
    assert data.problems == [Problem("fout", ref, message)]
    expected = counts(load(BASE, "test"))
    expected[tab] -= 1
    assert counts(data) == expected


def test_bad_gemeenten_row_drops_the_gemeente_and_says_so_for_its_rows() -> None:
    data = load(edited("gemeenten", 4, 1, None), "test")
    assert data.problems == [
        Problem("fout", "gemeenten!B4", "provincie is leeg"),
        Problem(
            "fout", "taakstelling!A4", 'onbekende gemeente "Leusden" (niet in tabblad gemeenten)'
        ),
        Problem("fout", "ladder!A4", 'onbekende gemeente "Leusden" (niet in tabblad gemeenten)'),
        Problem("fout", "beleid!A3", 'onbekende provincie "Utrecht" (niet in tabblad gemeenten)'),
    ]
    assert sorted(data.records) == [DH, "Delft"]


def test_unknown_municipality_error_severity_and_other_rows_kept() -> None:
    data = load(edited("realisatie", 4, 0, "Delft ZH"), "test")
    assert [p.severity for p in data.problems] == ["fout"]
    assert len(data.records[DH].snapshots) == 2


def add_rows(tab: str, *rows: list[Any]) -> dict[str, list[list[Any]]]:
    raw = copy.deepcopy(BASE)
    raw[tab].extend(list(r) for r in rows)
    return raw


ROW_CHECKS = [
    (add_rows("taakstelling", ["Den Haag", "2021-2", 340, 200, None, "ja"]),
     Problem("fout", "taakstelling!A5",
             "'s-Gravenhage 2021-II staat al in taakstelling!A2 met andere gegevens")),
    (add_rows("taakstelling", [DH, "2021-II", 340, 195, 535, "j"]),
     Problem("waarschuwing", "taakstelling!A5",
             "'s-Gravenhage 2021-II staat dubbel (gelijk aan taakstelling!A2); telt één keer")),
    (add_rows("realisatie", ["Delft", "2022-03-21", 50, None]),
     Problem("fout", "realisatie!A5",
             "Delft per 21 maart 2022 staat al in realisatie!A4 met andere gegevens")),
    (add_rows("realisatie", ["Delft", datetime(2022, 3, 21), 48, None]),
     Problem("waarschuwing", "realisatie!A5",
             "Delft per 21 maart 2022 staat dubbel (gelijk aan realisatie!A4); telt één keer")),
    (add_rows("realisatie", [DH, "1-12-2021", 150, None]),
     Problem("waarschuwing", "realisatie!C5",
             "gehuisvest daalt binnen 2021-II: 172 per 1 oktober 2021 (realisatie!C2) en 150 per "
             "1 december 2021; het is een optelling binnen de periode")),
    (add_rows("gemeenten", ["delft", "Zuid-Holland", "Haaglanden", None]),
     Problem("waarschuwing", "gemeenten!A5",
             "gemeente delft staat dubbel (gelijk aan gemeenten!A3); telt één keer")),
    (add_rows("gemeenten", ["Delft", "Zuid-Holland", "Westland", None]),
     Problem("fout", "gemeenten!A5",
             "gemeente Delft staat al in gemeenten!A3 met andere gegevens")),
    (add_rows("gemeenten", ["Rijswijk", "Zuid-Holland", "Haaglanden", "Den Haag"]),
     Problem("waarschuwing", "gemeenten!D5",
             "\"Den Haag\" hoort ook bij 's-Gravenhage; het telt voor 's-Gravenhage")),
    (add_rows("gebruikers", [1, "Nog eens", "gemeente", "Delft"]),
     Problem("fout", "gebruikers!A4",
             "Telegram-id 1 staat al in gebruikers!A2 met andere gegevens")),
    (add_rows("taakstelling", ["Delft", "2022-II", None, None, None, None]),
     Problem("waarschuwing", "taakstelling!B5", "geen taakstelling en geen opgave")),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "problem"), ROW_CHECKS)
def test_row_level_checks(raw: dict[str, list[list[Any]]], problem: Problem) -> None:
    assert load(raw, "test").problems == [problem]


def test_peildatum_outside_given_period_is_rejected() -> None:
    raw = copy.deepcopy(BASE)
    raw["realisatie"] = [
        ["gemeente", "peildatum", "periode", "gehuisvest"],
        [DH, "1-7-2022", "2022-I", 367],  # 1 July closes 2022-I: fine
        [DH, "1-7-2022", "2022-II", 0],  # and opens 2022-II: fine too
        [DH, "1-10-2022", "2022-I", 339],
    ]
    data = load(raw, "test")
    assert data.problems == [
        Problem(
            "fout",
            "realisatie!B4",
            "peildatum 1 oktober 2022 valt niet in periode 2022-I "
            "(1 januari 2022 tot 1 juli 2022); huurcontracten tellen tot 4 juli 2022",
        )
    ]
    assert [(s.period, s.housed) for s in data.records[DH].snapshots] == [
        (Period(2022, 1), 367), (Period(2022, 2), 0)]  # fmt: skip


@pytest.mark.parametrize(
    ("provincie", "beleid", "day", "accepted"),
    [  # a row for a closed period may be dated up to the policy's cutoff for rental contracts
        ("Zuid-Holland", None, "4-7-2022", True),  # PZH: period end + 3 days
        ("Zuid-Holland", None, "5-7-2022", False),
        ("Zuid-Holland", "8-7-2022", "8-7-2022", True),  # the beleid tab's huurcontracten_tot
        ("Zuid-Holland", "8-7-2022", "9-7-2022", False),
        ("Utrecht", None, "4-7-2022", True),
        ("Utrecht", None, "31-7-2022", False),  # no 31-day window of the loader's own
    ],
)
def test_late_row_counts_until_the_policys_cutoff(provincie, beleid, day, accepted) -> None:
    raw = copy.deepcopy(BASE)
    name = DH if provincie == "Zuid-Holland" else "Leusden"
    raw["realisatie"] = [["gemeente", "peildatum", "periode", "gehuisvest", "huurcontracten"],
                         [name, day, "2022-I", 10, 3]]  # fmt: skip
    raw["beleid"] = [["provincie", "kader", "huurcontracten_tot"], [provincie, "", beleid]]
    raw["beleid"][1][1] = "pzh-2020" if provincie == "Zuid-Holland" else "utrecht"
    data = load(raw, "test")
    assert bool(data.records[name].snapshots) is accepted
    assert any("huurcontracten" in p.message for p in data.problems) is not accepted


def test_every_beleid_column_overrides_the_periodrule_field_of_its_name() -> None:
    """A threshold column added to the beleid tab is read as an override, or the test says why
    not: the column names are PeriodRule's field names (one home, engine.policies.base)."""
    rule_fields = {f.name for f in dataclasses.fields(PeriodRule)}
    columns = {c.key for c in next(t for t in TABS if t.name == "beleid").columns}
    assert set(OVERRIDES) == columns & rule_fields
    assert columns - rule_fields == {"provincie", "periode", "kader", "bron"}


def test_missing_required_column_is_one_problem_and_skips_the_tab() -> None:
    raw = copy.deepcopy(BASE)
    raw["realisatie"] = [["gemeente", "datum van vandaag", "aantal"], [DH, "1-1-2022", 427]]
    data = load(raw, "test")
    assert data.problems == [Problem(
        "fout", "realisatie!1:1",
        "verplichte kolommen peildatum, gehuisvest ontbreken in de kopregel (gevonden: gemeente, "
        "datum van vandaag, aantal); tabblad realisatie telt niet mee")]  # fmt: skip
    assert counts(data)["realisatie"] == 0 and counts(data)["taakstelling"] == 3


def test_missing_tabs() -> None:
    data = load({"gemeenten": BASE["gemeenten"]}, "test")
    missing = "tabblad realisatie ontbreekt (gevonden: gemeenten)"  # a sheet being set up
    assert Problem("waarschuwing", "realisatie", missing) in data.problems
    assert len(data.records) == 3
    assert load({}, "x").problems[0] == Problem(
        "fout", "gemeenten", "tabblad gemeenten ontbreekt (gevonden: geen tabbladen)"
    )


def test_headers_coordinators_already_use() -> None:
    raw = copy.deepcopy(BASE)
    raw["Taakstelling "] = [
        ["Gemeentenaam", "Periode", "Taakstelling 2022-2", "Stand op 1 juli (achterstand)",
         "Te huisvesten", "Opmerking die de bot overslaat"],
        ["Leusden", "2022‐2", "24", "26", None, "x"],
    ]  # fmt: skip
    del raw["taakstelling"]
    raw["REALISATIE"] = [
        [None, "Gemeente_naam", "Peil datum", "Realisatie", "Gehuisvest", "Gekoppeld"],
        [None, "Leusden", "10 nov. 2022", "31", "99", None],
        [],
        [None, None, None, None],
        [None, "Leusden", "10 okt. 2022", "29", None, "4"],
    ]  # fmt: skip
    del raw["realisatie"]
    data = load(raw, "test")
    assert data.problems == [
        Problem(
            "waarschuwing",
            "REALISATIE!E1",
            'kolom "Gehuisvest" is dubbel (gehuisvest staat al in REALISATIE!D1); de eerste telt',
        )
    ]
    leusden = data.records["Leusden"]
    fig = leusden.figures[Period(2022, 2)]
    assert (fig.taakstelling, fig.saldo_start, fig.source) == (24, 26, "'Taakstelling '!C2")
    assert [(s.housed, s.koppelingen, s.source) for s in leusden.snapshots] == [
        (29, 4, "REALISATIE!D5"),
        (31, None, "REALISATIE!D2"),
    ]  # blank rows skipped, rows true


def test_bron_is_kept_with_the_cell() -> None:
    raw = copy.deepcopy(BASE)
    raw["realisatie"][0].append("Bron")
    raw["realisatie"][2].append("brief 1 januari 2022")
    data = load(raw, "test")
    assert data.records[DH].snapshots[1].source == "realisatie!C3 — brief 1 januari 2022"


@pytest.mark.parametrize(("info", "sample"), [
    ([["Voorbeeldgegevens, geen actuele cijfers."]], True),
    ([[None], ["VOORBEELDGEGEVENS uit brieven"]], True),
    ([["Taakbot-werkmap: vul één regel per feit in"]], False),
])  # fmt: skip
def test_info_tab_marks_sample_data(info: list[list[Any]], sample: bool) -> None:
    assert load({**BASE, "info": info}, "test").sample is sample


# --- local readers -------------------------------------------------------------------------


def _write_xlsx(path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in BASE.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book["realisatie"]["B2"] = datetime(2021, 10, 1)  # a real date cell
    book.save(path)


def _write_ods(path: Path) -> None:
    import pandas as pd  # here, not at collection: 0.45 s in every xdist worker

    with pd.ExcelWriter(path, engine="odf") as writer:
        for title, rows in BASE.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=title, header=False, index=False)


def _write_csv(path: Path) -> None:
    path.mkdir()
    for n, (title, rows) in enumerate(BASE.items()):
        with (path / f"{title}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, delimiter=";" if n % 2 else ",").writerows(rows)  # both kinds


@pytest.mark.parametrize(("name", "writer"), [
    ("werkmap.xlsx", _write_xlsx), ("werkmap.ods", _write_ods), ("csv-map", _write_csv),
])  # fmt: skip
def test_local_readers_give_the_same_dataset(tmp_path: Path, name: str, writer: Any) -> None:
    path = tmp_path / name
    writer(path)
    source = LocalSource(path)
    raw = source.fetch()
    assert set(raw) == set(BASE)
    data = load(raw, source.describe())
    assert data.problems == []
    assert counts(data) == counts(load(BASE, "test"))
    assert data.records[DH].snapshots[0].peildatum == date(2021, 10, 1)
    assert data.users[1].naam == "Coördinator"  # UTF-8 (with BOM) survives


def test_csv_with_quoted_semicolons_and_commas(tmp_path: Path) -> None:
    folder = tmp_path / "map"
    folder.mkdir()
    (folder / "gemeenten.csv").write_text(
        "gemeente;provincie;regio;aliassen\n"
        "'s-Gravenhage;Zuid-Holland;Haaglanden;\"Den Haag, Gravenhage 's-\"\n",
        encoding="utf-8-sig",
    )
    data = load(LocalSource(folder).fetch(), "csv")
    assert data.records[DH].municipality.aliases == ("Den Haag", "Gravenhage 's-")


@pytest.mark.parametrize("name", ["leeg.xlsx", "leeg.ods", "leeg"])
def test_template_round_trips_without_problems(tmp_path: Path, name: str) -> None:
    path = write_template(tmp_path / name)
    data = load(LocalSource(path).fetch(), "sjabloon")
    assert data.problems == [] and data.records == {} and data.sample is False
    with pytest.raises(FileExistsError):
        write_template(path)


def test_template_offers_the_kolommen_tab_and_explains_it(tmp_path: Path) -> None:
    """A coordinator who starts from the template finds where to correct a column's reading."""
    raw = LocalSource(write_template(tmp_path / "leeg")).fetch()
    assert raw["kolommen"] == [["tabblad", "kolom", "betekenis", "periode", "datum"]]
    info = " ".join(row[0] for row in raw["info"])
    assert "kolommen: hoe een kolom gelezen wordt" in info and "negeren" in info


@pytest.mark.parametrize(("name", "message"), [
    ("weg.xlsx", "bestaat niet"), ("werkmap.txt", "onbekend bestandstype"),
    ("kapot.xlsx", "kon niet worden gelezen"), ("lege-map", "geen .csv-bestanden")])  # fmt: skip
def test_local_source_errors_are_dutch(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    if name == "lege-map":
        path.mkdir()
    elif name != "weg.xlsx":
        path.write_bytes(b"geen werkmap")
    with pytest.raises(LocalSourceError, match=message):
        LocalSource(path).fetch()
