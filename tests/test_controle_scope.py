"""/controle shows province staff the sheet's problems of their own province only: a problem in a
row of another province's municipality names that municipality's figures."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from commands.context import Ctx
from commands.roles import Role
from commands.router import handle
from sheets.loading.convert import load
from tests.test_convert import BASE

DELFT_FALLS = "gehuisvest daalt binnen 2022-I"  # realisatie rows 4 and 5: Delft, Zuid-Holland
LEUSDEN_BAD = "realisatie!C6"  # Leusden, Utrecht: a bad count
UNKNOWN = "Utrecht-Zuid"  # a name the sheet does not know: no province to judge it by


@pytest.fixture(scope="module")
def data():
    raw = copy.deepcopy(BASE)
    raw["realisatie"] += [
        ["Delft", "1-4-2022", 40, None],  # row 5: fewer than on 21 March (row 4)
        ["Leusden", "1-10-2022", "veel", None],  # row 6: not a number
        [UNKNOWN, "1-10-2022", 3, None],  # row 7
    ]
    return load(raw, "test")


def test_every_problem_knows_its_municipality_where_the_row_names_one(data) -> None:
    by_ref = {p.ref: p.gemeente for p in data.problems}
    assert by_ref[LEUSDEN_BAD] == "Leusden"
    assert any(p.gemeente == "Delft" and DELFT_FALLS in p.message for p in data.problems)
    assert any(UNKNOWN in p.message and p.gemeente == "" for p in data.problems)


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role("provincie", "Utrecht"), [LEUSDEN_BAD, UNKNOWN], [DELFT_FALLS]),
        (Role("provincie", "Zuid-Holland"), [DELFT_FALLS, UNKNOWN], [LEUSDEN_BAD]),
        (Role("provincie"), [LEUSDEN_BAD, DELFT_FALLS, UNKNOWN], []),  # admins: the whole sheet
    ],
)
def test_controle_shows_the_problems_of_the_users_province(data, role, shown, hidden) -> None:
    text = handle(Ctx(data, date(2022, 11, 10), 7, role, "nl"), "/controle").text
    for part in shown:
        assert part in text
    for part in hidden:
        assert part not in text


def test_a_problem_in_an_overview_tab_belongs_to_the_row_it_is_on() -> None:
    from tests.overview_books import UTRECHT_TAB, utrecht_rows

    rows = copy.deepcopy(utrecht_rows())
    next(r for r in rows if r and r[0] == "Leusden")[4] = 51  # totaalopgave 51, not 24 + 26
    data = load({UTRECHT_TAB: rows}, "test", provincie="Utrecht")
    (problem,) = [p for p in data.problems if p.ref == "'Huisvestingsvoortgang 2022‐2'!E13"]
    assert problem.gemeente == "Leusden" and "Taakbot rekent 50" in problem.message
