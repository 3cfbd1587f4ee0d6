"""Rulebook examples shared by every policy: prognosis, checkpoints, the policy registry.

Each province's own thresholds are in tests/test_policy_<code>.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.periods import Period, checkpoint_kind
from engine.policies import UnknownPolicy, get_policy
from engine.prognosis import capped_by_koppelingen, linear

P = Period(2022, 1)


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
    assert p.pct_incl_extra.rounded == 98  # 678 of 693
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


def test_the_kader_follows_the_beleid_rows_of_the_copy_that_asks() -> None:
    """DataSet.policy_for is worked out once per province and period, kept with the `beleid`
    rows it was read from: a copy with other rows (copy.copy shares `derived`) or a changed copy
    (dataclasses.replace starts without it) gets its own answer."""
    import copy
    from dataclasses import replace

    from engine.model import Municipality, MunicipalityRecord
    from engine.state import DataSet, PolicyRow

    delft = MunicipalityRecord(Municipality("Delft", "Zuid-Holland", "Haaglanden"))
    data = DataSet(records={"Delft": delft})
    period = Period(2022, 2)
    assert data.policy_for("Delft", period)[0].code == "pzh-2020"
    other = copy.copy(data)
    other.policies = [PolicyRow("Zuid-Holland", period, "utrecht")]
    assert other.policy_for("Delft", period)[0].code == "utrecht"
    assert replace(other, policies=[]).policy_for("Delft", period)[0].code == "pzh-2020"
    assert data.policy_for("Delft", period)[0].code == "pzh-2020"
