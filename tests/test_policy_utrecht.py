"""Utrecht's stappenplan (engine/policies/utrecht.py): every threshold with a row on each side.

One module per policy, like tests/test_policy_pzh_2020.py: a third province is a copy of this file
with its own POLICY and its own boundary rows. A row that does not flip when its threshold moves by
one step is no guard; each table names the threshold it pins.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.assessment import EndInput, MidInput, end_of_period_assessment, mid_period_check
from engine.calendar import upcoming
from engine.model import LadderDecision, Snapshot
from engine.periods import Period
from engine.policies import get_policy, policy_for_province
from engine.treden import Trede

POLICY = get_policy("utrecht")
P = Period(2022, 1)


def test_declared_for_its_province() -> None:
    assert policy_for_province("Utrecht") is POLICY


@pytest.mark.parametrize(
    ("taak", "realised", "before", "reden", "kopp", "omk", "after", "why"),
    [
        # small backlog: "maximaal 5 % of 2 personen" = max(2, 5 % of the taakstelling)
        (40, 38, "1", "", None, None, "1", "backlog 2 ≤ max(2, 2): small backlog, letter only"),
        (40, 37, "2", "", True, None, "3", "backlog 3 > max(2, 2): the 2 persons pin this row"),
        (40, 37, "1", "", True, None, "2", "backlog 3 > 2 from step 1 too"),
        (100, 95, "2", "", None, None, "2", "backlog 5 ≤ 5 % of 100"),
        (100, 94, "2", "", True, None, "3", "backlog 6 > 5: one step up to the unsplit 3"),
        (100, 94, "3", "", True, None, "4", "3 → 4"),
        (100, 94, "2", "", None, None, None, "question 2 open: 3 or 2"),
        (100, 50, "1", "", False, None, "1", "too few koppelingen: cause outside its power"),
        (100, 50, "1", "", False, True, "1", "omkoppelingen do not cancel the excuse in Utrecht"),
        (100, 50, "1", "dossiers zonder BSN", None, None, "1", "other excusable reason"),
        (100, 100, "3", "", None, None, "0", "met and no backlog: actions stop"),
        (100, 99, "0", "", None, None, "1", "any missed taakstelling leads to step 1"),
        (100, 50, "0", "", False, None, "1", "step 1 even with an excusable reason"),
        (100, 50, "0", "dossiers zonder BSN", None, None, "1", "step 1 whatever the cause"),
    ],
)
def test_stappenplan(taak, realised, before, reden, kopp, omk, after, why) -> None:
    result = end_of_period_assessment(
        EndInput(
            P,
            taak,
            taak,
            realised,
            Trede.parse(before),
            verschoonbare_reden=reden,
            koppelingen_voldoende_mid=kopp,
            omkoppelingen=omk,
        ),
        POLICY,
    )
    assert (result.trede_na.code if result.trede_na else None) == after, why


@pytest.mark.parametrize(
    ("before", "realised", "meeting", "why"),
    [  # stap 3: "bestuurlijk overleg" when halfway less than about 50 % of the opgave is housed
        ("3", 45, True, "45 % < 50 %"),
        ("3", 49, True, "49 % < 50 %"),
        ("3", 50, False, "50 % is not less than half"),
        ("3", 55, False, "55 %: the 50 % pins this row"),
        ("2", 10, False, "only at step 3"),
    ],
)
def test_executive_meeting_halfway_at_step_3(before, realised, meeting, why) -> None:
    result = mid_period_check(MidInput(P, 100, realised, Trede(before)), POLICY)
    assert any("bestuurlijk overleg" in str(r) for r in result.reasons) is meeting, why
    assert result.trede_na == Trede(before), "the mid-period check moves no step in Utrecht"


def test_counts_pipeline_and_reports() -> None:
    snap = Snapshot("Leusden", date(2022, 7, 1), P, housed=10, contracts=2, pipeline=3)
    assert POLICY.realised_base(snap) == 15 and POLICY.contracts_on_top(snap) == 0


@pytest.mark.parametrize(
    ("decided", "trede", "today", "kind", "due"),
    [
        (date(2022, 7, 1), "3", date(2022, 7, 2), "pva", date(2022, 7, 29)),  # PvA in 4 weeks
        (date(2022, 7, 31), "5", date(2022, 8, 1), "last", date(2022, 10, 31)),  # 3 months
    ],
)
def test_calendar_terms(decided, trede, today, kind, due) -> None:
    items = upcoming(today, POLICY, POLICY.rule_for, LadderDecision("X", decided, Trede(trede)))
    assert [d.date for d in items if d.kind == kind] == [due]
