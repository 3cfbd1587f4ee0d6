"""Zuid-Holland's beleidskader 2020 (engine/policies/pzh_2020.py): each rule with a row on each side.

One module per policy, like tests/test_policy_utrecht.py: a third province is a copy of this file
with its own POLICY and its own boundary rows. The letters themselves are in tests/test_vectors.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.assessment import EndInput, MidInput, end_of_period_assessment, mid_period_check
from engine.calendar import upcoming
from engine.model import Snapshot
from engine.periods import Period
from engine.policies import get_policy, policy_for_province
from engine.treden import Trede

POLICY = get_policy("pzh-2020")
P = Period(2022, 1)


def test_declared_for_its_province() -> None:
    assert policy_for_province("Zuid-Holland") is POLICY


@pytest.mark.parametrize(
    ("before", "omk", "kopp", "after"),
    [
        ("1", False, False, "1"),  # letter 1 July 2021: too few koppelingen → stays
        ("1", True, False, "2"),  # omkoppelingen cancel the excuse (policy reading, 2022)
        ("3A", False, True, "3B"),  # enough koppelingen, not realised → up
        ("3", False, True, "3B"),  # unsplit 3 from older tables is read as 3A
        ("6", False, True, "6"),  # top of the ladder
    ],
)
def test_steps_outside_coulance(before, omk, kopp, after) -> None:
    result = end_of_period_assessment(
        EndInput(
            Period(2022, 2),
            100,
            100,
            80,
            Trede.parse(before),
            omkoppelingen=omk,
            koppelingen_voldoende_mid=kopp,
        ),
        POLICY,
    )
    assert result.trede_na.code == after
    assert result.reasons, "every outcome explains itself"


@pytest.mark.parametrize(
    ("period", "realised", "after", "gerealiseerd", "why"),
    [  # corona (2020-II, 2021-I): 70 % stops the climb, only 100 % is "gerealiseerd"
        (Period(2021, 1), 70, "1", False, "70 % of 100: no climb"),
        (Period(2021, 1), 69, "2", False, "69 %: below the corona bar"),
        (Period(2021, 1), 100, "0", True, "the full opgave"),
        (Period(2022, 1), 99, "2", False, "outside the coulance 99 % climbs"),
    ],
)
def test_corona_bar_at_the_period_end(period, realised, after, gerealiseerd, why) -> None:
    data = EndInput(period, 100, 100, realised, Trede("1"), koppelingen_voldoende_mid=True)
    result = end_of_period_assessment(data, POLICY)
    assert (result.trede_na.code, result.gerealiseerd) == (after, gerealiseerd), why


@pytest.mark.parametrize(
    ("period", "realised", "on_schedule"),
    [  # opgave 100: minimum 50; corona: 70 % of the minimum, 35
        (Period(2021, 1), 35, True),
        (Period(2021, 1), 34, False),
        (Period(2022, 1), 50, True),
        (Period(2022, 1), 49, False),
    ],
)
def test_mid_period_bar(period, realised, on_schedule) -> None:
    result = mid_period_check(MidInput(period, 100, realised, Trede("0")), POLICY)
    assert result.op_schema is on_schedule
    assert result.trede_na == (Trede("0") if on_schedule else Trede("1"))


@pytest.mark.parametrize(
    ("realised", "after"),
    [  # LRT 2021-II: taakstelling 340 + 25 % of the backlog 195 = 388.75 stops the climb
        (389, "1"),
        (388, "2"),
    ],
)
def test_lrt_bar(realised, after) -> None:
    data = EndInput(
        Period(2021, 2), 340, 535, realised, Trede("1"), 0, 195, koppelingen_voldoende_mid=True
    )
    result = end_of_period_assessment(data, POLICY)
    assert result.trede_na.code == after


def test_contracts_count_only_when_needed() -> None:
    needed = end_of_period_assessment(EndInput(P, 50, 50, 47, Trede("1"), contracts=3), POLICY)
    assert needed.gerealiseerd and needed.contracts_counted and needed.trede_na.code == "0"
    snap = Snapshot("Delft", date(2022, 7, 1), P, housed=10, contracts=2, pipeline=3)
    assert POLICY.realised_base(snap) == 10 and POLICY.contracts_on_top(snap) == 2


def test_calendar_before_period_end() -> None:
    items = upcoming(date(2022, 6, 20), POLICY, POLICY.rule_for)
    kinds = [(d.date.isoformat(), d.kind) for d in items]
    assert kinds[:2] == [("2022-07-01", "checkpoint"), ("2022-07-04", "huurcontracten")]
    assert ("2022-10-01", "publicatie") in kinds
