"""The access rule as a table: which role sees which municipality, and what it reads as scope."""

from __future__ import annotations

import pytest

from commands.roles import Role, parse_admins, role_for, scope_of, viewer
from engine.model import Municipality, MunicipalityRecord
from engine.state import DataSet, User

ADMIN = 1


def _rec(name: str, provincie: str, regio: str, *aliases: str) -> MunicipalityRecord:
    return MunicipalityRecord(Municipality(name, provincie, regio, aliases))


DATA = DataSet(
    records={
        r.name: r
        for r in (
            _rec("Delft", "Zuid-Holland", "Haaglanden"),
            _rec("'s-Gravenhage", "Zuid-Holland", "Haaglanden", "Den Haag"),
            _rec("Leiden", "Zuid-Holland", "Holland Rijnland"),
            _rec("Utrecht", "Utrecht", "Regio Utrecht (U16)"),
            _rec("Leusden", "Utrecht", "Regio Amersfoort"),
        )
    },
    users=[
        User(10, "Gemeente Utrecht", "gemeente", "Utrecht"),
        User(11, "Den Haag", "gemeente", "Den Haag"),
        User(12, "Haaglanden", "coordinator", "Haaglanden"),
        User(13, "Provincie Utrecht", "provincie", "Utrecht"),
        User(14, "Leeg", "gemeente", ""),
        User(15, "Alles", "provincie", "*"),
        User(16, "Fout soort", "coordinator", "Utrecht"),  # a province, not a region
        User(17, "Onbekend", "gemeente", "Atlantis"),
    ],
)
ALL = sorted(DATA.records)


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (ADMIN, ALL),  # TAAKBOT_ADMINS: every province
        (10, ["Utrecht"]),  # the municipality, not the province of the same name
        (11, ["'s-Gravenhage"]),  # an alias names the municipality
        (12, ["'s-Gravenhage", "Delft"]),
        (13, ["Leusden", "Utrecht"]),  # bound to its own province
        (14, []),  # empty scope: no access, never everything
        (15, []),  # '*' from the sheet is not everything either
        (16, []),  # a coordinator's scope is a region
        (17, []),
        (99, []),  # not in the sheet
    ],
)
def test_who_sees_what(user: int, expected: list[str]) -> None:
    role = role_for(user, DATA, frozenset({ADMIN}))
    seen = sorted(role.visible(DATA, ALL)) if role is not None else []
    assert seen == expected


@pytest.mark.parametrize(
    ("rol", "scope", "expected"),
    [
        ("gemeente", "utrecht", "Utrecht"),
        ("provincie", "utrecht", "Utrecht"),
        ("coordinator", "haaglanden", "Haaglanden"),
        ("coordinator", "Delft", None),
        ("gemeente", "Haaglanden", None),
        ("provincie", "", None),
        ("onbekend", "Utrecht", None),
    ],
)
def test_scope_is_read_as_the_kind_the_role_names(rol, scope, expected) -> None:
    assert scope_of(DATA, rol, scope) == expected


@pytest.mark.parametrize(
    ("role", "chat", "notes"),
    [
        (Role("provincie", "Zuid-Holland"), 5, True),
        (Role("coordinator", "Haaglanden"), 5, True),
        (Role("gemeente", "Delft"), 5, False),
        (Role("provincie", "Zuid-Holland"), -100, False),  # a group: unlisted members read along
        (Role("coordinator", "Haaglanden"), -7, False),
    ],
)
def test_staff_notes_never_in_groups(role: Role, chat: int, notes: bool) -> None:
    assert viewer(role, chat).sees_notes is notes


def test_a_group_sees_the_same_figures() -> None:
    role = Role("coordinator", "Haaglanden")
    assert viewer(role, -5).visible(DATA, ALL) == role.visible(DATA, ALL)


@pytest.mark.parametrize(
    ("text", "ids"),
    [("", set()), ("1,2", {1, 2}), ("1 2", {1, 2}), ("1; 2 ,3", {1, 2, 3}), ("-5", {-5})],
)
def test_admins_by_comma_or_space(text: str, ids: set[int]) -> None:
    assert parse_admins(text) == frozenset(ids)


@pytest.mark.parametrize("text", ["1,twee", "@beheerder", "1.5"])
def test_admins_junk_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match="geen Telegram-id"):
        parse_admins(text)


def test_role_covers_unknown_municipality_is_false() -> None:
    assert not Role("provincie", "Zuid-Holland").covers(DATA, "Nergens")


@pytest.mark.parametrize(
    ("rol", "scope", "problem"),
    [
        ("gemeente", "", "scope ontbreekt"),
        ("provincie", "*", "scope ontbreekt"),
        ("coordinator", "Zuid-Holland", "onbekende regio"),  # a province is not a region
        ("gemeente", "Haaglanden", "onbekende gemeente"),
        ("coordinator", "Haaglanden", None),
        ("gemeente", "Den Haag", None),
    ],
)
def test_sheet_check_reports_unusable_scopes(rol: str, scope: str, problem: str | None) -> None:
    from sheets.loading.convert import load

    raw = {
        "gemeenten": [
            ["gemeente", "provincie", "regio", "aliassen"],
            ["'s-Gravenhage", "Zuid-Holland", "Haaglanden", "Den Haag"],
            ["Delft", "Zuid-Holland", "Haaglanden", ""],
        ],
        "gebruikers": [["telegram_id", "naam", "rol", "scope"], [7, "Iemand", rol, scope]],
    }
    data = load(raw, "test")
    found = [str(p) for p in data.problems if p.ref.startswith("gebruikers")]
    if problem is None:
        assert found == [] and role_for(7, data) is not None
    else:
        assert any(problem in p for p in found), found
        assert role_for(7, data) is None
