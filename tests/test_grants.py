"""Access given through a link counts wherever roles count: answers, and pushes too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot.store import Subscription
from commands.reminders import Planner
from commands.roles import Role, role_for, role_with_grants
from sheets.loading.convert import load
from sheets.sources.local import default_source


@dataclass
class Grant:
    kind: str
    scope: str
    user_name: str = "Nieuwe collega"


class Book:
    """The access book's one method the access rule needs."""

    def __init__(self, grants: dict[int, Grant]) -> None:
        self.grants = grants

    def granted(self, user_id: int) -> Grant | None:
        return self.grants.get(user_id)


@pytest.fixture(scope="module")
def data():
    source = default_source()
    return load(source.fetch(), source.describe())


@pytest.mark.parametrize(
    ("user_id", "grants", "expected"),
    [
        (555, {555: Grant("gemeente", "Leusden")}, Role("gemeente", "Leusden", "Nieuwe collega")),
        (555, {}, None),
        (555, None, None),
        # The gebruikers tab wins: user 1 is province staff there, whatever a link gave.
        (1, {1: Grant("gemeente", "Leusden")}, "sheet"),
    ],
)
def test_role_with_grants(data, user_id, grants, expected) -> None:
    book = Book(grants) if grants is not None else None
    role = role_with_grants(user_id, data, access=book)
    assert role == (role_for(user_id, data) if expected == "sheet" else expected)


def test_pushes_reach_a_user_granted_through_a_link(data) -> None:
    book = Book({555: Grant("gemeente", "Leusden")})
    sub = Subscription(555, "gemeente", "Leusden", 555)
    granted = Planner(
        data, date(2022, 11, 10), role_of=lambda u: role_with_grants(u, data, access=book)
    )
    assert granted.members(sub) == ["Leusden"]
    sheet_only = Planner(data, date(2022, 11, 10), role_of=lambda u: role_for(u, data))
    assert sheet_only.members(sub) == []
