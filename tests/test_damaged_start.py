"""A damaged start is not a green check (issue 19): a workbook whose `realisatie` or
`taakstelling` tab is gone (renamed 'Realisatie oud') while the other canonical tabs are there is
an error for `taakbot check` (exit 1, naming the tab and the tabs it found), and `/stand` says
which tab is missing instead of only "no figures yet"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from commands.context import Ctx
from commands.roles import Role
from commands.router import handle
from sheets.loading.convert import load
from sheets.sources.local import SAMPLE, LocalSource

TABS = "info, gemeenten, taakstelling, realisatie, ladder, beleid, deadlines, gebruikers"


def _renamed(tmp_path: Path, tab: str, title: str) -> Path:
    book = openpyxl.load_workbook(SAMPLE)
    book[tab].title = title
    path = tmp_path / "werkmap.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("tab", "title", "stand"),
    [
        ("realisatie", "Realisatie oud", "Nog geen realisatiecijfers voor 2022-I. "
         "Het tabblad realisatie ontbreekt in de sheet."),
        ("taakstelling", "taakstelling (kopie)", "Het tabblad taakstelling ontbreekt in de sheet."),
    ],
)  # fmt: skip
def test_a_missing_figures_tab_fails_the_check_and_is_named_by_stand(
    tab: str, title: str, stand: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _renamed(tmp_path, tab, title)
    code = main(["check", "--source", str(path), "--today", "2022-03-21"])
    out = capsys.readouterr().out
    found = TABS.replace(tab, title)
    assert code == 1
    assert f"fout: {tab}: tabblad {tab} ontbreekt (gevonden: {found})" in out.splitlines()
    source = LocalSource(path)
    data = load(source.fetch(), source.describe())
    ctx = Ctx(data, date(2022, 3, 21), 1, Role("provincie", "Zuid-Holland"))
    assert stand in handle(ctx, "/stand Delft").text


def test_the_intact_workbook_still_passes(capsys: pytest.CaptureFixture[str]) -> None:
    source = LocalSource(SAMPLE)
    data = load(source.fetch(), source.describe())
    ctx = Ctx(data, date(2022, 3, 21), 1, Role("provincie", "Zuid-Holland"))
    assert "ontbreekt in de sheet" not in handle(ctx, "/stand Delft").text
    assert not [p for p in data.problems if "ontbreekt" in p.message]


def test_a_tab_the_kolommen_tab_names_is_an_error_when_it_is_gone() -> None:
    """The workbook itself says the tab is there: without it the override reads nothing and the
    overview's "Taakstelling" column would count as a taakstelling instead of the opgave."""
    from tests.overview_books import KOLOMMEN, haaglanden_rows

    data = load({"Haaglanden april": haaglanden_rows(), "kolommen": KOLOMMEN}, "x", "Zuid-Holland")
    errors = [str(p) for p in data.problems if p.severity == "fout"]
    assert errors == [
        "kolommen!B2: tabblad haaglanden 30 maart 2022 uit deze regel ontbreekt (gevonden: "
        "Haaglanden april, kolommen)"
    ]
