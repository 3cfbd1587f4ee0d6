"""The `email` and `kanaal` columns of `gebruikers`: who is reached how, and bad cells named."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.state import Problem, User
from sheets.loading.convert import load
from sheets.tabs.values import CellError, email_address
from tests.test_convert import BASE

HEADER = ["telegram_id", "naam", "rol", "scope", "e-mail", "kanaal"]


def users(*rows: list[Any]) -> dict[str, list[list[Any]]]:
    raw = copy.deepcopy(BASE)
    raw["gebruikers"] = [HEADER, *map(list, rows)]
    return raw


@pytest.mark.parametrize(
    ("row", "channels", "email"),
    [
        ([1, "Staf", "provincie", "Zuid-Holland", None, None], {"telegram"}, ""),
        ([None, "Coörd", "coordinator", "Haaglanden", "c@haaglanden.nl", None], {"email"},
         "c@haaglanden.nl"),
        ([2, "Beide", "gemeente", "Delft", "a.b@Delft.NL", "beide"], {"telegram", "email"},
         "a.b@delft.nl"),
        ([3, "Liever mail", "gemeente", "Delft", "mailto:x@delft.nl", "E-mail"], {"email"},
         "x@delft.nl"),
        ([4, "Id en mail", "gemeente", "Delft", "x@delft.nl", None], {"telegram"}, "x@delft.nl"),
        ([5, "Mail zonder adres", "gemeente", "Delft", None, "email"], {"telegram"}, ""),
        ([6, "Alleen mail", "gemeente", "Delft", "d@delft.nl", "email"], {"email"},
         "d@delft.nl"),
    ],
)  # fmt: skip
def test_who_is_reached_how(row: list[Any], channels: set[str], email: str) -> None:
    data = load(users(row), "test")
    [user] = data.users
    assert user.email == email
    assert user.channels() == channels


@pytest.mark.parametrize(
    ("row", "problem", "kept"),
    [
        ([1, "Staf", "provincie", "Zuid-Holland", "staf@@pzh.nl", None],
         Problem("fout", "gebruikers!E2", '"staf@@pzh.nl" is geen e-mailadres '
                 "(naam@organisatie.nl); dit adres krijgt niets"),
         User(1, "Staf", "provincie", "Zuid-Holland")),
        ([None, "Coörd", "coordinator", "Haaglanden", "coord at haaglanden.nl", None],
         Problem("fout", "gebruikers!E2", '"coord at haaglanden.nl" is geen e-mailadres '
                 "(naam@organisatie.nl); dit adres krijgt niets"),
         None),
        ([1, "Staf", "provincie", "Zuid-Holland", "s@pzh.nl", "fax"],
         Problem("fout", "gebruikers!F2", '"fax" is geen kanaal (telegram, email of beide); '
                 "de standaard geldt"),
         User(1, "Staf", "provincie", "Zuid-Holland", "s@pzh.nl")),
        ([1, "Staf", "provincie", "Zuid-Holland", None, "beide"],
         Problem("waarschuwing", "gebruikers!F2",
                 "kanaal beide zonder e-mailadres; berichten gaan via Telegram"),
         User(1, "Staf", "provincie", "Zuid-Holland", "", "beide")),
        ([None, "Niemand", "gemeente", "Delft", None, None],
         Problem("fout", "gebruikers!A2", "geen Telegram-id en geen (geldig) e-mailadres: deze "
                 "gebruiker is onbereikbaar en krijgt niets"),
         None),
    ],
)  # fmt: skip
def test_a_bad_address_is_named_with_its_cell_and_skipped(
    row: list[Any], problem: Problem, kept: User | None
) -> None:
    data = load(users(row), "test")
    assert problem in data.problems
    assert data.users == ([kept] if kept else [])


def test_the_same_address_twice_is_named() -> None:
    data = load(
        users(
            [None, "A", "gemeente", "Delft", "a@delft.nl", None],
            [None, "B", "gemeente", "Delft", "A@DELFT.nl", None],
        ),
        "test",
    )
    assert [u.naam for u in data.users] == ["A"]
    assert data.problems[0].ref == "gebruikers!A3"
    assert "e-mailadres A@delft.nl staat al in gebruikers!A2" in data.problems[0].message


@pytest.mark.parametrize(
    "bad",
    ["a@b", "a@b.", "@delft.nl", "a b@delft.nl", ".a@delft.nl", "a..b@delft.nl", "a@-x.nl",
     "a@delft.nl>", "<a@delft.nl>", "x" * 65 + "@delft.nl"],
)  # fmt: skip
def test_not_an_address(bad: str) -> None:
    with pytest.raises(CellError):
        email_address(bad)


@pytest.mark.parametrize(
    ("scope", "gemeente"),
    [("Delft", "Delft"), ("Haaglanden", "'s-Gravenhage"), ("Utrecht", "Leusden"),
     ("Regio Amersfoort", "Leusden"), ("Atlantis", "")],
)  # fmt: skip
def test_a_bad_address_is_shown_only_within_its_scope(scope: str, gemeente: str) -> None:
    """/controle shows a problem to who covers its municipality: the address is personal."""
    rol = {"Delft": "gemeente", "Utrecht": "provincie"}.get(scope, "coordinator")
    data = load(users([7, "X", rol, scope, "x@@delft.nl", None]), "test")
    mail = [p for p in data.problems if p.ref == "gebruikers!E2"]
    assert [p.gemeente for p in mail] == [gemeente]


def test_nobodys_scope_hides_the_address() -> None:
    data = load(users([7, "X", "coordinator", "Atlantis", "x@@delft.nl", None]), "test")
    assert all("x@@delft.nl" not in p.message for p in data.problems)
    assert (
        Problem(
            "fout",
            "gebruikers!E2",
            '"(adres weggelaten)" is geen e-mailadres (naam@organisatie.nl); '
            "dit adres krijgt niets",
        )
        in data.problems
    )
