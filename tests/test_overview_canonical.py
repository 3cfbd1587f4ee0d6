"""Canonical tabs beside an overview (issue 19): without a `gemeenten` tab the municipalities
come from the overview rows, and `taakstelling`, `realisatie` and `ladder` rows about them are
read and combined with the overview's facts; the same fact with another value is a named
contradiction, and a name known nowhere says where municipalities come from."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from commands.context import Ctx
from commands.roles import Role
from commands.router import handle
from engine.periods import Period
from sheets.loading.convert import load
from tests.overview_books import UTRECHT_TAB, utrecht_rows

OVERVIEW = f"'{UTRECHT_TAB}'"
TAAKSTELLING = [["gemeente", "periode", "taakstelling", "saldo_start"], ["Zeist", "2023-1", 50, 3]]
REALISATIE = [["gemeente", "peildatum", "gehuisvest"], ["Zeist", "1-3-2023", 12]]
LADDER = [["gemeente", "datum", "trede"], ["Zeist", "1-1-2023", "1"]]


def _load(**tabs: list[list[Any]]):
    return load({UTRECHT_TAB: utrecht_rows(), **tabs}, "werkmap", provincie="Utrecht")


def test_canonical_rows_for_an_overview_municipality_are_read() -> None:
    data = _load(taakstelling=TAAKSTELLING, realisatie=REALISATIE, ladder=LADDER)
    assert [str(p) for p in data.problems] == []
    zeist = data.records["Zeist"]
    assert zeist.figures[Period(2023, 1)].taakstelling == 50
    assert zeist.figures[Period(2022, 2)].taakstelling == 43  # from the overview
    assert [(s.peildatum, s.housed) for s in zeist.snapshots] == [
        (date(2022, 11, 10), 28),  # the overview
        (date(2023, 3, 1), 12),  # realisatie!C2
    ]
    assert [d.source for d in zeist.decisions] == [f"{OVERVIEW}!B29", "ladder!C2"]
    ctx = Ctx(data, date(2023, 3, 10), 1, Role("provincie", "Utrecht"))
    text = handle(ctx, "/stand Zeist").text
    assert "Taakstelling: 50" in text and "Opgave: <b>53</b>" in text
    assert "Gehuisvest: <b>12</b> per 1 maart 2023" in text


@pytest.mark.parametrize(
    ("tab", "rows", "message"),
    [
        (
            "taakstelling",
            [TAAKSTELLING[0], ["Zeist", "2022-2", 44, None]],
            f"{OVERVIEW}!D29: tegenstrijdig: taakstelling 2022-II van Zeist is hier 43, in "
            "taakstelling!C2 44; taakstelling!C2 telt",
        ),
        (
            "realisatie",
            [REALISATIE[0], ["Zeist", "10-11-2022", 30]],
            f"{OVERVIEW}!H29: tegenstrijdig: realisatie per 10 november 2022 van Zeist is hier "
            "28, in realisatie!C2 30; realisatie!C2 telt",
        ),
    ],
)
def test_the_same_fact_with_another_value_is_a_named_contradiction(
    tab: str, rows: list[list[Any]], message: str
) -> None:
    data = _load(**{tab: rows})
    assert [str(p) for p in data.problems] == [message]


def test_an_unknown_name_says_where_municipalities_come_from() -> None:
    data = _load(taakstelling=[TAAKSTELLING[0], ["Zeistt", "2023-1", 5, None]])
    assert [str(p) for p in data.problems] == [
        f'taakstelling!A2: onbekende gemeente "Zeistt" (niet in het overzicht {OVERVIEW}); '
        "bedoelt u Zeist?"
    ]
