"""Rulebook examples beyond the letters: Utrecht's stappenplan, prognosis, calendar, policies."""

from __future__ import annotations

from datetime import date

import pytest

from engine.assessment import EndInput, end_of_period_assessment
from engine.calendar import upcoming
from engine.model import LadderDecision, Snapshot
from engine.periods import Period, checkpoint_kind
from engine.policies import UnknownPolicy, get_policy
from engine.prognosis import capped_by_koppelingen, linear
from engine.treden import Trede

UTRECHT = get_policy("utrecht")
PZH = get_policy("pzh-2020")
P = Period(2022, 1)


@pytest.mark.parametrize(
    ("taak", "realised", "before", "reden", "kopp", "omk", "after", "why"),
    [
        (40, 38, "1", "", None, None, "1", "backlog 2 ≤ max(2, 2): small backlog, letter only"),
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
def test_utrecht_stappenplan(taak, realised, before, reden, kopp, omk, after, why) -> None:
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
        UTRECHT,
    )
    assert (result.trede_na.code if result.trede_na else None) == after, why


def test_utrecht_counts_pipeline_and_reports() -> None:
    snap = Snapshot("Leusden", date(2022, 7, 1), P, housed=10, contracts=2, pipeline=3)
    assert UTRECHT.realised_base(snap) == 15
    assert PZH.realised_base(snap) == 10 and PZH.contracts_on_top(snap) == 2


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
def test_pzh_steps_outside_coulance(before, omk, kopp, after) -> None:
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
        PZH,
    )
    assert result.trede_na.code == after
    assert result.reasons, "every outcome explains itself"


def test_contracts_count_only_when_needed() -> None:
    needed = end_of_period_assessment(EndInput(P, 50, 50, 47, Trede("1"), contracts=3), PZH)
    assert needed.gerealiseerd and needed.contracts_counted and needed.trede_na.code == "0"


def test_unknown_policy_lists_known_ones() -> None:
    with pytest.raises(UnknownPolicy, match=r"pzh-2020 \(Zuid-Holland\), utrecht \(Utrecht\)"):
        get_policy("drenthe")


@pytest.mark.parametrize(
    ("opgave", "realised", "expected", "pct"),
    [  # Haaglanden on 21 March 2022: 79 of 181 days elapsed
        (417, 129, 296, 71),
        (76, 48, 110, 145),
        (56, 1, 2, 4),
    ],
)
def test_linear_prognosis(opgave, realised, expected, pct) -> None:
    p = linear(P, date(2022, 3, 21), realised, opgave)
    assert p.rounded == expected and p.pct_opgave.rounded == pct
    assert p.pct_incl_extra is None


def test_prognosis_with_extra_and_cap() -> None:
    p = linear(Period(2022, 2), date(2022, 10, 1), 339, 489, extra=204)
    assert p.value == pytest.approx(339 * 184 / 92)
    assert p.pct_incl_extra.rounded == round(100 * 678 / 693)
    capped = capped_by_koppelingen(p, 100, 489, 204)
    assert capped.rounded == 439 and "koppelingen" in str(capped.assumption)
    assert linear(P, P.start, 0, 10) is None


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2022, 1, 1), "eindbeoordeling"),
        (date(2022, 4, 1), "tussentijds"),
        (date(2022, 7, 1), "eindbeoordeling"),
        (date(2022, 10, 1), "tussentijds"),
        (date(2022, 3, 21), None),
    ],
)
def test_checkpoint_kinds(day, kind) -> None:
    assert checkpoint_kind(day) == kind


def test_period_of_peildatum() -> None:
    assert Period.of_peildatum(date(2022, 7, 1)) == Period(2022, 1)
    assert Period.of_peildatum(date(2022, 1, 1)) == Period(2021, 2)
    assert Period.of_peildatum(date(2022, 3, 21)) == Period(2022, 1)


def test_calendar_before_period_end() -> None:
    items = upcoming(date(2022, 6, 20), PZH, PZH.rule_for)
    kinds = [(d.date.isoformat(), d.kind) for d in items]
    assert kinds[:2] == [("2022-07-01", "checkpoint"), ("2022-07-04", "huurcontracten")]
    assert ("2022-10-01", "publicatie") in kinds


def test_calendar_terms_utrecht() -> None:
    pva = upcoming(
        date(2022, 7, 2),
        UTRECHT,
        UTRECHT.rule_for,
        LadderDecision("Leusden", date(2022, 7, 1), Trede("3")),
    )
    assert any(d.kind == "pva" and d.date == date(2022, 7, 29) for d in pva)
    last = upcoming(
        date(2022, 8, 1),
        UTRECHT,
        UTRECHT.rule_for,
        LadderDecision("X", date(2022, 7, 31), Trede("5")),
    )
    assert any(d.kind == "last" and d.date == date(2022, 10, 31) for d in last)
