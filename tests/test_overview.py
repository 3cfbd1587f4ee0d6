"""The two real overviews as workbooks in tmp_path, read as they are: no `gemeenten` tab, names as
registers write them, percentages as %-cells, the sheet's own sums checked, `kolommen` overrides.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine.periods import Period
from engine.treden import Trede
from sheets.loading.convert import load
from sheets.names.index import NameIndex
from sheets.overviews.combine import NO_PROVINCE
from sheets.overviews.readings import header_readings, staff_notes
from sheets.sources.local import LocalSource
from tests.overview_books import (
    CASES,
    HAAGLANDEN_PERCENT,
    HAAGLANDEN_TAB,
    KOLOMMEN,
    P2,
    PEILDATUM,
    UTRECHT_FIGURES,
    UTRECHT_HEADERS,
    UTRECHT_PERCENT,
    UTRECHT_TAB,
    haaglanden_rows,
    utrecht_rows,
    write_xlsx,
)

I = Period(2022, 1)  # noqa: E741
DH = "'s-Gravenhage"


def read(tmp_path: Path, tabs: dict[str, list[list[Any]]], provincie: str | None = None):
    percent = {UTRECHT_TAB: UTRECHT_PERCENT, HAAGLANDEN_TAB: HAAGLANDEN_PERCENT}
    path = write_xlsx(tmp_path / "werkmap.xlsx", tabs, percent)
    return load(LocalSource(path).fetch(), "werkmap", provincie=provincie)


def messages(data) -> list[str]:
    return [str(p) for p in data.problems]


# -- Utrecht, November 2022 ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def utrecht(tmp_path_factory: pytest.TempPathFactory):
    """Read once per module: the tests below only look at it."""
    return read(tmp_path_factory.mktemp("utrecht"), {UTRECHT_TAB: utrecht_rows()}, "Utrecht")


def test_utrecht_alone_gives_26_municipalities_and_no_problems(utrecht) -> None:
    assert sorted(utrecht.records) == sorted(UTRECHT_FIGURES)
    assert "Totaal" not in utrecht.records
    assert utrecht.problems == []
    assert {r.municipality.provincie for r in utrecht.records.values()} == {"Utrecht"}


@pytest.mark.parametrize(("name", "trede"), sorted(CASES["ladder_positions"]["rows"].items()))
def test_utrecht_treden_are_decisions_of_1_july_2022(utrecht, name: str, trede: str) -> None:
    (decision,) = utrecht.records[name].decisions
    assert decision.date.isoformat() == "2022-07-01"
    assert decision.trede == Trede(trede or "0")  # "trede ": assessed, not on the ladder


@pytest.mark.parametrize(("name", "figures"), sorted(UTRECHT_FIGURES.items()))
def test_utrecht_figures(utrecht, name: str, figures: tuple[int, int, int, int]) -> None:
    taak, saldo, extra, real = figures
    record = utrecht.records[name]
    fig = record.figures[P2]
    assert (fig.taakstelling, fig.saldo_start, fig.extra_opgave, fig.opgave_stated) == (
        taak, saldo, extra, taak + saldo,
    )  # fmt: skip
    (snap,) = record.snapshots
    assert (snap.peildatum, snap.period, snap.housed) == (PEILDATUM, P2, real)


def test_utrecht_notes_are_kept_for_staff(utrecht) -> None:
    (note,) = staff_notes(utrecht, "Leusden")
    assert note.text == "PvA ontvangen" and note.source.endswith("!O13")
    assert staff_notes(utrecht, "Baarn") == []


def test_every_utrecht_header_is_shown_with_its_reading(utrecht) -> None:
    lines = header_readings(utrecht)
    assert len(lines) == 15
    assert lines[2] == (
        "'Huisvestingsvoortgang 2022‐2'!C3 \"Stand op 1 juli 2022 (achterstand)\" → "
        "saldo per 1 juli 2022 = saldo begin 2022-II (achterstand +)"
    )
    assert lines[11].endswith("→ genegeerd (niet herkend)")


def _break(rows: list[list[Any]], name: str, column: int, value: Any) -> list[list[Any]]:
    rows = copy.deepcopy(rows)
    next(r for r in rows if r and r[0] == name)[column] = value
    return rows


@pytest.mark.parametrize(
    ("name", "column", "value", "message"),
    [
        ("Leusden", 8, 29, "'Huisvestingsvoortgang 2022‐2'!I13: prognose 29 in de sheet, "
         "Taakbot rekent 28"),
        ("Leusden", 4, 51, "'Huisvestingsvoortgang 2022‐2'!E13: totaalopgave 2022-II 51 in de "
         "sheet, Taakbot rekent 50 (taakstelling 24 + saldo 26)"),
        ("Leusden", 6, 60, "'Huisvestingsvoortgang 2022‐2'!G13: opgave inclusief extra 2022-II "
         "60 in de sheet, Taakbot rekent 62"),
        ("Leusden", 9, 0.6, "'Huisvestingsvoortgang 2022‐2'!J13: prognose 60% in de sheet, "
         "Taakbot rekent 56%"),
        ("Leusden", 10, 0.5, "'Huisvestingsvoortgang 2022‐2'!K13: prognose inclusief extra "
         "opgave 50% in de sheet, Taakbot rekent 45%"),
        ("Totaal", 3, 1000, "'Huisvestingsvoortgang 2022‐2'!D30: totaal taakstelling 1.000 in de "
         "sheet, Taakbot rekent 927 (som van 26 gemeenten)"),
    ],
)  # fmt: skip
def test_the_sheets_own_sums_are_checked(
    tmp_path: Path, name: str, column: int, value: Any, message: str
) -> None:
    data = read(tmp_path, {UTRECHT_TAB: _break(utrecht_rows(), name, column, value)}, "Utrecht")
    assert message in messages(data)
    assert all(p.severity == "waarschuwing" for p in data.problems)


def test_a_wrong_totaalopgave_is_reported_once_and_the_rest_is_checked_by_the_rules(
    tmp_path: Path,
) -> None:
    """E13 states 51 where taakstelling 24 + saldo 26 give 50. Taakbot follows the rules (its
    /stand says opgave 50, prognose 56%), so the sheet's 62 (G13) and 56% (J13), right by the
    rules, are no disagreement; only E13 is."""
    data = read(tmp_path, {UTRECHT_TAB: _break(utrecht_rows(), "Leusden", 4, 51)}, "Utrecht")
    row13 = [m for m in messages(data) if "'!" in m and m.split("'!")[1].split(":")[0][1:] == "13"]
    assert row13 == [
        "'Huisvestingsvoortgang 2022‐2'!E13: totaalopgave 2022-II 51 in de sheet, Taakbot rekent "
        "50 (taakstelling 24 + saldo 26)"
    ]


def test_without_a_province_the_error_says_how_to_give_one(tmp_path: Path) -> None:
    data = read(tmp_path, {UTRECHT_TAB: utrecht_rows()})
    assert messages(data) == [f"provincie: {NO_PROVINCE}"]
    assert data.records == {}


def test_the_province_may_come_from_the_beleid_tab(tmp_path: Path) -> None:
    beleid = [["provincie", "kader"], ["Utrecht", "utrecht"]]
    data = read(tmp_path, {UTRECHT_TAB: utrecht_rows(), "beleid": beleid})
    assert data.problems == [] and data.records["Leusden"].municipality.provincie == "Utrecht"


def _shuffled(rows: list[list[Any]]) -> list[list[Any]]:
    """Columns in another order: realisatie first, the municipality column third."""
    order = [7, 3, 0, 1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14]
    return [[r[i] if i < len(r) else None for i in order] if r else r for r in rows]


def _as_text(rows: list[list[Any]]) -> list[list[Any]]:
    """Numbers typed as text: "1.054", percentages as "86%"."""
    out = copy.deepcopy(rows)
    for row in out[3:]:
        for i in (2, 3, 4, 5, 6, 7, 8):
            if isinstance(row[i], int):
                row[i] = f"{row[i]:,}".replace(",", ".")
        for i in UTRECHT_PERCENT:
            row[i] = f"{round(row[i] * 100)}%"
    return out


def _regions(rows: list[list[Any]]) -> list[list[Any]]:
    """Blank rows and merged region headings between the municipalities."""
    out = rows[:3] + [["Regio Amersfoort"], []]
    out += [r for r in rows[3:-1] if r[0] in ("Leusden", "Amersfoort", "Woudenberg")]
    out += [[None] * 15, ["Regio Utrecht (U16)"]]
    out += [r for r in rows[3:-1] if r[0] not in ("Leusden", "Amersfoort", "Woudenberg")]
    return out + [[], rows[-1]]


@pytest.mark.parametrize(
    "variant",
    [_shuffled, _as_text, _regions,
     lambda rows: [[c.replace("\u2010", "-") if isinstance(c, str) else c for c in r] for r in rows],
     lambda rows: [[c.replace("2022\u20102", "tweede helft 2022") if isinstance(c, str) else c
                    for c in r] for r in rows],
     lambda rows: rows[2:]],  # no title above the header
    ids=["kolomvolgorde", "getallen-als-tekst", "regio-koppen", "gewoon-streepje",
         "tweede-helft", "kop-in-regel-1"],
)  # fmt: skip
def test_variants_give_the_same_figures(tmp_path: Path, utrecht, variant) -> None:
    data = read(tmp_path, {UTRECHT_TAB: variant(utrecht_rows())}, "Utrecht")
    assert [p for p in data.problems if p.severity == "fout"] == []
    for name, record in utrecht.records.items():
        other = data.records[name]
        assert other.figures[P2].opgave_stated == record.figures[P2].opgave_stated
        assert other.figures[P2].saldo_start == record.figures[P2].saldo_start
        assert [s.housed for s in other.snapshots] == [s.housed for s in record.snapshots]
        assert [d.trede for d in other.decisions] == [d.trede for d in record.decisions]


def test_region_headings_give_regions(tmp_path: Path) -> None:
    data = read(tmp_path, {UTRECHT_TAB: _regions(utrecht_rows())}, "Utrecht")
    assert data.regions()["Regio Amersfoort"] == ["Amersfoort", "Leusden", "Woudenberg"]
    assert len(data.regions()["Regio Utrecht (U16)"]) == 23


def test_monthly_tabs_add_up_to_a_history_and_contradictions_name_both_cells(
    tmp_path: Path,
) -> None:
    figures = {name: (t, s, e, r * 3 // 4) for name, (t, s, e, r) in UTRECHT_FIGURES.items()}
    figures["Baarn"] = (17, *figures["Baarn"][1:])  # a taakstelling that differs from November's
    october = utrecht_rows(day=date(2022, 10, 13), figures=figures)
    tabs = {"Voortgang 13 oktober 2022": october, UTRECHT_TAB: utrecht_rows()}
    data = read(tmp_path, tabs, "Utrecht")
    snaps = data.records["Leusden"].snapshots
    assert [(s.peildatum.isoformat(), s.housed) for s in snaps] == [
        ("2022-10-13", 15), ("2022-11-10", 20),
    ]  # fmt: skip
    assert messages(data) == [
        "'Huisvestingsvoortgang 2022‐2'!D5: tegenstrijdig: taakstelling 2022-II van Baarn is hier "
        "16, in 'Voortgang 13 oktober 2022'!D5 17; 'Voortgang 13 oktober 2022'!D5 telt",
        "'Huisvestingsvoortgang 2022‐2'!E5: tegenstrijdig: opgave 2022-II van Baarn is hier 21, "
        "in 'Voortgang 13 oktober 2022'!E5 22; 'Voortgang 13 oktober 2022'!E5 telt",
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("#REF!", "'Huisvestingsvoortgang 2022‐2'!A13: formulefout #REF! in plaats van een "
         "gemeentenaam; de regel telt niet mee"),
        ("#N/A", "'Huisvestingsvoortgang 2022‐2'!A13: formulefout #N/A in plaats van een "
         "gemeentenaam; de regel telt niet mee"),
    ],
)  # fmt: skip
def test_a_formula_error_is_never_a_name(tmp_path: Path, cell: str, message: str) -> None:
    data = read(tmp_path, {UTRECHT_TAB: _break(utrecht_rows(), "Leusden", 0, cell)}, "Utrecht")
    assert message in messages(data)
    assert "Leusden" not in data.records and cell not in data.records


@pytest.mark.parametrize("cell", ["#DIV/0!", "#VALUE!"])
def test_a_formula_error_is_never_a_number(tmp_path: Path, cell: str) -> None:
    data = read(tmp_path, {UTRECHT_TAB: _break(utrecht_rows(), "Leusden", 7, cell)}, "Utrecht")
    assert (
        f"'Huisvestingsvoortgang 2022‐2'!H13: formulefout {cell} in de sheet; herstel de formule"
        in messages(data)
    )
    assert data.records["Leusden"].snapshots == []


# -- Zuid-Holland, Haaglanden 30 March 2022 -----------------------------------------------------


@pytest.fixture(scope="module")
def haaglanden(tmp_path_factory: pytest.TempPathFactory):
    """Read once per module: the tests below only look at it."""
    tabs = {HAAGLANDEN_TAB: haaglanden_rows(), "kolommen": KOLOMMEN}
    return read(tmp_path_factory.mktemp("haaglanden"), tabs, provincie="Zuid-Holland")


ROWS = CASES["region_table"]["rows"]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_haaglanden_with_the_kolommen_override(haaglanden, row: list[Any]) -> None:
    name, trede, opgave, placed, _left, _pct = row
    record = haaglanden.records[name]
    fig = record.figures[I]
    assert (fig.taakstelling, fig.opgave_stated) == (None, opgave)  # 417 = 309 + 108: an opgave
    (snap,) = record.snapshots
    assert (snap.peildatum.isoformat(), snap.housed) == ("2022-03-21", placed)
    (decision,) = record.decisions
    assert (decision.date.isoformat(), decision.trede) == ("2022-01-01", Trede(trede))


def test_haaglanden_sums_agree_and_the_reading_names_the_override(haaglanden) -> None:
    assert haaglanden.problems == []
    lines = header_readings(haaglanden)
    assert (
        "'Haaglanden 30 maart 2022'!C1 \"Taakstelling 1e helft 2022\" → opgave 2022-I "
        "[volgens kolommen!B2]"
    ) in lines
    assert lines[-1].endswith("[cellen zijn percentages]")


def test_haaglanden_without_override_says_the_column_is_an_opgave(tmp_path: Path) -> None:
    data = read(tmp_path, {HAAGLANDEN_TAB: haaglanden_rows()}, "Zuid-Holland")
    assert data.records[DH].figures[I].taakstelling == 417
    assert messages(data) == [
        "'Haaglanden 30 maart 2022'!C1: de sheet rekent met \"Taakstelling 1e helft 2022\" als "
        "opgave (te realiseren = deze kolom − gehuisvest); is het de opgave, zet dan in tabblad "
        "kolommen: Taakstelling 1e helft 2022 → opgave 2022-I"
    ]


@pytest.mark.parametrize("typed", ["Den Haag", "'s-Gravenhage", "Gravenhage 's-", "den haag"])
def test_names_resolve_without_an_aliassen_column(haaglanden, typed: str) -> None:
    assert NameIndex(haaglanden).lookup(typed) == ("gemeente", DH)


def test_a_wrong_percentage_and_total_are_reported(tmp_path: Path) -> None:
    rows = _break(haaglanden_rows(), "Delft", 5, 0.5)
    rows = _break(rows, "Totaal", 4, 600)
    data = read(tmp_path, {HAAGLANDEN_TAB: rows, "kolommen": KOLOMMEN}, "Zuid-Holland")
    assert messages(data) == [
        "'Haaglanden 30 maart 2022'!F2: gerealiseerd per 21 maart 2022 50% in de sheet, "
        "Taakbot rekent 63%",
        "'Haaglanden 30 maart 2022'!E11: totaal te realiseren 600 in de sheet, Taakbot rekent "
        "609 (som van 9 gemeenten)",
        "'Haaglanden 30 maart 2022'!E11: nog te huisvesten per 21 maart 2022 600 in de sheet, "
        "Taakbot rekent 609",
    ]


@pytest.mark.parametrize(
    ("kolommen", "message"),
    [
        ([["tabblad", "kolom", "betekenis"], [None, "Onbekende kop", "opgave"]],
         "kolommen!B2: deze regel past op geen kolom van een overzichtstabblad"),
        ([["tabblad", "kolom", "betekenis"], [None, "C", "fantasie"]],
         'kolommen!C2: onbekende betekenis "fantasie"; bekend zijn: extra_opgave, gehuisvest, '
         "gemeente, huurcontracten, koppelingen, negeren, opgave, opgave_extra, opmerkingen, pct, "
         "pijplijn, prognose, prognose_pct, prognose_pct_extra, realisatie, regio, saldo, "
         "taakstelling, te_realiseren, trede"),
    ],
)  # fmt: skip
def test_a_kolommen_row_that_cannot_apply_is_reported(
    tmp_path: Path, kolommen: list[list[Any]], message: str
) -> None:
    data = read(
        tmp_path, {HAAGLANDEN_TAB: haaglanden_rows(), "kolommen": kolommen}, "Zuid-Holland"
    )
    assert message in messages(data)


def test_a_column_letter_override_and_negeren(tmp_path: Path) -> None:
    kolommen = [
        ["kolom", "betekenis", "periode"],
        ["C", "opgave", "2022-I"],
        ["F", "negeren", None],
    ]
    data = read(
        tmp_path, {HAAGLANDEN_TAB: haaglanden_rows(), "kolommen": kolommen}, "Zuid-Holland"
    )
    assert data.records[DH].figures[I].opgave_stated == 417
    assert header_readings(data)[-1].endswith("→ genegeerd (genegeerd volgens kolommen!A3)")


def test_overview_beside_the_layout_tabs_reports_a_different_value(tmp_path: Path) -> None:
    gemeenten = [["gemeente", "provincie", "regio"]] + [
        [name, "Zuid-Holland", "Haaglanden"] for name, *_ in ROWS
    ]
    taakstelling = [["gemeente", "periode", "opgave"], [DH, "2022-I", 418]]
    tabs = {"gemeenten": gemeenten, "taakstelling": taakstelling,
            HAAGLANDEN_TAB: haaglanden_rows(), "kolommen": KOLOMMEN}  # fmt: skip
    data = read(tmp_path, tabs)
    assert len(data.regions()["Haaglanden"]) == 9
    assert messages(data)[0] == (
        "'Haaglanden 30 maart 2022'!C3: tegenstrijdig: opgave 2022-I van 's-Gravenhage is hier "
        "417, in taakstelling!C2 418; taakstelling!C2 telt"
    )
    assert data.records[DH].figures[I].opgave_stated == 418


def test_a_two_row_header_with_merged_group_labels(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Overzicht"
    rows = [
        ["Stand van zaken 7 november 2022"],
        [None, "Taakstelling", None, "Gehuisvest", None, "Koppelingen", "Huurcontracten",
         "Pijplijn"],
        ["Gemeente", "2022-1", "2022-2", "tot 1 juli 2022", "tot 10 november 2022",
         "per 10 november 2022", "per 10 november 2022", "per 10 november 2022"],
        ["Leusden", 20, 24, 18, 20, 6, 2, 1],
        ["Woudenberg", 8, 9, 8, 6, None, None, None],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("B2:C2")
    sheet.merge_cells("D2:E2")
    book.save(tmp_path / "samengevoegd.xlsx")
    data = load(LocalSource(tmp_path / "samengevoegd.xlsx").fetch(), "x", provincie="Utrecht")
    assert data.problems == []
    leusden = data.records["Leusden"]
    assert [leusden.figures[p].taakstelling for p in (I, P2)] == [20, 24]
    assert [(s.peildatum.isoformat(), s.housed, s.koppelingen, s.contracts, s.pipeline)
            for s in leusden.snapshots] == [
        ("2022-07-01", 18, None, 0, 0), ("2022-11-10", 20, 6, 2, 1),
    ]  # fmt: skip
    assert header_readings(data)[2] == (
        'Overzicht!C3 "Taakstelling 2022-2" → taakstelling 2022-II'
    )


def test_koppelingen_without_gehuisvest_on_that_date_are_reported(tmp_path: Path) -> None:
    rows = [
        ["Gemeente", "Gehuisvest per 10 november 2022", "Koppelingen per 1 oktober 2022"],
        ["Leusden", 20, 6],
    ]
    data = read(tmp_path, {"Overzicht": rows}, "Utrecht")
    assert messages(data) == [
        "Overzicht!C2: koppelingen per 1 oktober 2022 zonder gehuisvest op die datum "
        "(Overzicht!C2); telt niet mee"
    ]


def test_regio_answers_where_the_overview_names_regions(tmp_path: Path) -> None:
    from commands.context import Ctx
    from commands.roles import EVERYTHING, PROVINCE, Role
    from commands.router import handle

    data = read(tmp_path, {UTRECHT_TAB: _regions(utrecht_rows())}, "Utrecht")
    ctx = Ctx(data, PEILDATUM, 1, Role(PROVINCE, EVERYTHING, "staf"))
    text = handle(ctx, "/regio Amersfoort").text
    assert "Leusden" in text and "Woudenberg" in text and "Zeist" not in text


def test_taakbot_check_and_controle_show_every_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main
    from commands.context import Ctx
    from commands.roles import EVERYTHING, PROVINCE, Role
    from commands.router import handle

    path = write_xlsx(tmp_path / "utrecht.xlsx", {UTRECHT_TAB: utrecht_rows()}, {
        UTRECHT_TAB: UTRECHT_PERCENT})  # fmt: skip
    monkeypatch.setenv("TAAKBOT_PROVINCIE", "Utrecht")
    main(["check", "--source", str(path), "--today", "2022-11-10"])
    shown = capsys.readouterr().out
    line = (
        "'Huisvestingsvoortgang 2022‐2'!H3 \"Realisatie 2022‐2 tot 10 november 2022\" → "
        "gehuisvest per 10 november 2022 (2022-II)"
    )
    assert f"kolom: {line}" in shown
    assert shown.count("kolom: ") == 15
    data = load(LocalSource(path).fetch(), "x", provincie="Utrecht")
    text = handle(Ctx(data, PEILDATUM, 1, Role(PROVINCE, EVERYTHING, "staf")), "/controle").text
    assert "<b>Kolommen</b>" in text and line in text


@pytest.mark.parametrize(("stated", "reported"), [(3, False), (4, False), (5, True)])
def test_a_total_prognose_may_be_the_sum_of_the_rows(
    tmp_path: Path, stated: int, reported: bool
) -> None:
    """1 housed in 132 days → 1.39 each; three rows show 1 (sum 3), the total's own is 4.18."""
    header = ["Gemeente", "Taakstelling 2022-2", "Stand op 1 juli 2022", UTRECHT_HEADERS[7],
              "Prognose gerealiseerd op 1 januari 2023"]  # fmt: skip
    rows = [header] + [[n, 10, 0, 1, 1] for n in ("Baarn", "Bunnik", "Eemnes")]
    rows.append(["Totaal", 30, 0, 3, stated])
    data = read(tmp_path, {"Overzicht": rows}, "Utrecht")
    assert bool(data.problems) == reported


def test_an_unknown_name_beside_a_gemeenten_tab_is_reported(tmp_path: Path) -> None:
    gemeenten = [["gemeente", "provincie"]] + [[n, "Utrecht"] for n in UTRECHT_FIGURES]
    rows = _break(utrecht_rows(), "Leusden", 0, "Leusdn")
    data = read(tmp_path, {"gemeenten": gemeenten, UTRECHT_TAB: rows})
    assert messages(data) == [
        "'Huisvestingsvoortgang 2022‐2'!A13: onbekende gemeente \"Leusdn\" (niet in tabblad "
        "gemeenten); bedoelt u Leusden?"
    ]
    assert data.records["Leusden"].snapshots == []


def test_kolommen_can_make_any_tab_an_overview(tmp_path: Path) -> None:
    blad = [["Gem.", "Aantal", "Taakst"], ["Leusden", 20, 24]]
    kolommen = [
        ["tabblad", "kolom", "betekenis", "periode", "datum"],
        [None, "Gem.", "gemeente", None, None],
        ["Blad1", "Aantal", "gehuisvest", None, "10-11-2022"],
        ["Blad1", "C", "taakstelling", "2022-2", None],
    ]
    data = read(tmp_path, {"Blad1": blad, "kolommen": kolommen}, "Utrecht")
    assert data.problems == []
    assert header_readings(data) == [
        'Blad1!A1 "Gem." → gemeente [volgens kolommen!B2]',
        'Blad1!B1 "Aantal" → gehuisvest per 10 november 2022 (2022-II) [volgens kolommen!B3]',
        'Blad1!C1 "Taakst" → taakstelling 2022-II [volgens kolommen!B4]',
    ]
    (snap,) = data.records["Leusden"].snapshots
    assert (snap.housed, data.records["Leusden"].figures[P2].taakstelling) == (20, 24)


def test_a_kolommen_row_without_the_date_a_count_needs_says_so(tmp_path: Path) -> None:
    blad = [["Gemeente", "Aantal", "Taakstelling 2022-2"], ["Leusden", 20, 24]]
    kolommen = [["kolom", "betekenis"], ["Aantal", "gehuisvest"]]
    data = read(tmp_path, {"Blad1": blad, "kolommen": kolommen}, "Utrecht")
    assert header_readings(data)[1] == (
        'Blad1!B1 "Aantal" → genegeerd (kolommen!A2 geeft geen datum; vul die in)'
    )
    assert data.records["Leusden"].snapshots == []


@pytest.mark.parametrize(
    ("role", "shown"), [(("provincie", "*"), True), (("gemeente", "Leusden"), False)]
)
def test_opmerkingen_are_shown_to_staff_only(utrecht, role: tuple[str, str], shown: bool) -> None:
    from commands.context import Ctx
    from commands.roles import Role
    from commands.router import handle

    text = handle(Ctx(utrecht, PEILDATUM, 1, Role(*role, "x")), "/stand Leusden").text
    assert "Leusden" in text
    assert (
        "Opmerking in de sheet ('Huisvestingsvoortgang 2022‐2'!O13): PvA ontvangen" in text
    ) is shown
