"""Overview headers as coordinators write them → the fact, its period and its date."""

from __future__ import annotations

from datetime import date

import pytest

from engine.periods import Period
from sheets.names.aliases import canonical
from sheets.overviews.headers import as_typed, date_in_title, read_header
from sheets.tabs.values import CellError, check_error, percent
from tests.overview_books import HAAGLANDEN_HEADERS, UTRECHT_HEADERS

I, II = Period(2022, 1), Period(2022, 2)  # noqa: E741
D = date

UTRECHT = [  # the November 2022 overview, headers verbatim (U+2010 hyphens)
    ("gemeente", None, None),
    ("trede", I, D(2022, 7, 1)),  # "Beoordeling 2022‐1": the decision of 1 July 2022
    ("saldo", None, D(2022, 7, 1)),
    ("taakstelling", II, None),
    ("opgave", II, None),  # "Totaalopgave (taakstelling + achterstand)": not a taakstelling
    ("extra_opgave", II, None),  # "… vóór 1 januari 2023" in the explanation is no peildatum
    ("opgave_extra", II, None),
    ("realisatie", II, D(2022, 11, 10)),
    ("prognose", II, None),  # "op 1 januari 2023" closes 2022-II
    ("prognose_pct", II, None),
    ("prognose_pct_extra", II, None),
    (None, None, None),
    (None, None, None),  # "Contacten tussen gemeenten en …" is not the municipality column
    (None, None, None),
    ("opmerkingen", None, None),
]
HAAGLANDEN = [
    ("gemeente", None, None),
    ("trede", None, D(2022, 1, 1)),
    ("taakstelling", I, None),  # holds the opgave; the `kolommen` tab says so (test_overview)
    ("realisatie", I, D(2022, 3, 21)),  # a range: figures per its last day
    ("te_realiseren", I, D(2022, 3, 21)),  # "21 maart – 1 juli": what is left on 21 March
    ("realisatie", I, D(2022, 3, 21)),  # a percentage: the cells say so (test_overview)
]


@pytest.mark.parametrize(
    ("header", "expected"),
    list(zip(UTRECHT_HEADERS, UTRECHT, strict=True))
    + list(zip(HAAGLANDEN_HEADERS, HAAGLANDEN, strict=True)),
)
def test_real_headers(header: str, expected: tuple) -> None:
    reading = read_header(header)
    assert (reading.fact, reading.period, reading.day) == expected


VARIANTS = [
    # header, fact, period, day
    ("Taakstelling 2022-2", "taakstelling", II, None),
    ("Taakstelling 2022-II", "taakstelling", II, None),
    ("taakstelling 2022/2", "taakstelling", II, None),
    ("TAAKSTELLING TWEEDE HELFT 2022", "taakstelling", II, None),
    ("Taakstelling 1e halfjaar 2022", "taakstelling", I, None),
    ("Taakstelling eerste helft 2022", "taakstelling", I, None),
    ("Taakstelling 2022 2e helft", "taakstelling", II, None),
    ("Taakstelling per 1 oktober 2022", "taakstelling", II, None),
    ("Opgave 2022-I", "opgave", I, None),
    ("Totale opgave 2e helft 2022", "opgave", II, None),
    ("Achterstand per 1 januari 2022", "saldo", None, D(2022, 1, 1)),
    ("Stand 30 juni 2022", "saldo", None, D(2022, 7, 1)),  # a closing stand: per 1 July
    ("Stand 24 juni 2022", "saldo", None, D(2022, 7, 1)),  # 7 days before: the last week
    ("Voorsprong op 1-7-2022", "saldo", None, D(2022, 7, 1)),
    ("Saldo begin 2022-2", "saldo", None, D(2022, 7, 1)),
    ("Gehuisvest tot 1 oktober 2022", "realisatie", II, D(2022, 10, 1)),
    ("Realisatie t/m 31 oktober 2022", "realisatie", II, D(2022, 10, 31)),
    ("Plaatsingen 1 juli 2022 - 1 oktober 2022", "realisatie", II, D(2022, 10, 1)),
    ("Gehuisvest per 1 juli 2022", "realisatie", I, D(2022, 7, 1)),  # 1 July closes 2022-I
    ("Koppelingen per 1 oktober 2022", "koppelingen", II, D(2022, 10, 1)),
    ("Huurcontracten tot 4 juli 2022", "huurcontracten", II, D(2022, 7, 4)),
    ("Pijplijn 10 november 2022", "pijplijn", II, D(2022, 11, 10)),
    ("Trede per 1 oktober 2022", "trede", None, D(2022, 10, 1)),
    ("Besluit 2021-II", "trede", Period(2021, 2), D(2022, 1, 1)),
    ("Interventieladder 1 april 2022", "trede", None, D(2022, 4, 1)),
    ("% gerealiseerd 21 maart 2022", "pct", I, D(2022, 3, 21)),
    ("Nog te huisvesten 1 oktober 2022", "te_realiseren", II, D(2022, 10, 1)),
    ("Opmerkingen", "opmerkingen", None, None),
    ("Gemeentenaam", "gemeente", None, None),
    ("Woonregio", "regio", None, None),
    # no period or date: ignored, and the reading says why
    ("Taakstelling", None, None, None),
    ("Realisatie", None, None, None),
    ("Stand op 21 maart 2022", None, None, None),  # not the start of a period
    ("Stand 23 juni 2022", None, None, None),  # 8 days before 1 July: not a closing stand
    ("Gevoerde ambtelijke gesprekken", None, None, None),
    ("", None, None, None),
]


@pytest.mark.parametrize(("header", "fact", "period", "day"), VARIANTS)
def test_header_variants(header: str, fact: str | None, period, day) -> None:
    reading = read_header(header)
    assert (reading.fact, reading.period, reading.day) == (fact, period, day)


def test_a_count_without_a_date_takes_the_tabs_date() -> None:
    reading = read_header("Realisatie 2022-2", default_day=D(2022, 11, 7))
    assert (reading.fact, reading.period, reading.day) == ("realisatie", II, D(2022, 11, 7))


@pytest.mark.parametrize(
    ("header", "described"),
    [
        ("Stand op 1 juli 2022 (achterstand)",
         "saldo per 1 juli 2022 = saldo begin 2022-II (achterstand +)"),
        ("Voorsprong per 1 januari 2022", "saldo per 1 januari 2022 = saldo begin 2022-I "
         "(voorsprong +)"),
        (f"Beoordeling 2022{chr(0x2010)}1 (trede)",
         "trede vastgelegd op 1 juli 2022 (beoordeling 2022-I)"),
        ("Taakstelling 1e helft 2022", "taakstelling 2022-I"),
        ("Realisatie 2022-2 tot 10 november 2022", "gehuisvest per 10 november 2022 (2022-II)"),
        ("Prognose gerealiseerd op 1 januari 2023", "prognose einde periode (controle) 2022-II"),
        ("Aanwezig bij Bovenregionaal Platform", "genegeerd (niet herkend)"),
        ("Taakstelling", "genegeerd (taakstelling zonder periode)"),
    ],
)  # fmt: skip
def test_every_reading_can_be_said(header: str, described: str) -> None:
    assert read_header(header).describe() == described


@pytest.mark.parametrize(
    ("title", "day"),
    [
        ("20221107 Huisvestingsvoortgang", D(2022, 11, 7)),
        ("Stand 7 november 2022", D(2022, 11, 7)),
        ("Huisvestingsvoortgang 2022‐2", None),
        ("Blad1", None),
    ],
)
def test_a_tab_title_may_date_its_figures(title: str, day: date | None) -> None:
    assert date_in_title(title) == day


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("Gravenhage 's-", "'s-Gravenhage"),
        ("Den Haag", "'s-Gravenhage"),
        ("den haag", "'s-Gravenhage"),
        ("Hertogenbosch 's-", "'s-Hertogenbosch"),
        ("Den Bosch", "'s-Hertogenbosch"),
        ("Nuenen c.a.", "Nuenen, Gerwen en Nederwetten"),
        ("Leusden", "Leusden"),
        ("  Wijk bij   Duurstede ", "Wijk bij Duurstede"),
    ],
)
def test_names_as_sheets_write_them(written: str, official: str) -> None:
    assert canonical(written) == official


@pytest.mark.parametrize("cell", ["#REF!", "#N/A", "#DIV/0!", "#VALUE!", " #ref! "])
def test_formula_errors_are_bad_cells(cell: str) -> None:
    with pytest.raises(CellError, match="formulefout"):
        check_error(cell)


@pytest.mark.parametrize(
    ("cell", "shares", "points"),
    [("86%", False, 86.0), ("143 %", False, 143.0), (86, False, 86.0), (0.86, True, 86.0),
     ("86%", True, 86.0), ("12,5%", False, 12.5), (1.43, True, 143.0)],
)  # fmt: skip
def test_percentages(cell: object, shares: bool, points: float) -> None:
    assert percent(cell, shares) == pytest.approx(points)


@pytest.mark.parametrize(
    ("header", "period"),
    [
        (44593, II),  # "2022-2" typed, a Google serial of 1 February 2022
        (D(2022, 2, 1), II),  # the same as an .xlsx date cell
        (44743, II),  # 1 July 2022
        ("2022-1", I),
    ],
)
def test_a_header_the_sheet_turned_into_a_date(header: object, period: Period) -> None:
    """Under a merged label ('Taakstelling' over '2022-2') the cell alone names no fact."""
    assert read_header(header).fact is None
    assert read_header(f"Taakstelling {as_typed(header)}").period == period
