"""The checkpoint round on the bundled sample: 's-Gravenhage's checkpoints as the province's
letters record them (tests/data/seed_cases.json), set beside what the ladder tab records."""

from __future__ import annotations

from datetime import date

import pytest

from engine.checkpoint_round import (
    CONFLICT,
    OPEN,
    RECORDABLE,
    RECORDED,
    RoundError,
    checkpoint_round,
    entry,
    treden_label,
)
from engine.state import DataSet
from engine.treden import Trede
from sheets.loading.convert import load
from sheets.sources.local import default_source

DH = "'s-Gravenhage"


@pytest.fixture(scope="module")
def data() -> DataSet:
    source = default_source()
    return load(source.fetch(), source.describe())


# checkpoint, step before, proposal label, recorded step, state
DEN_HAAG = [
    # 1 Jan 2021: realised in full (199 of 199) → 0, as recorded
    (date(2021, 1, 1), "1", "0", "0", RECORDED),
    # 1 Apr 2021: 106 < 146.3 (70 % of the minimum 209) → 1, as recorded
    (date(2021, 4, 1), "0", "1", "1", RECORDED),
    # 1 Jul 2021: too few koppelingen on 1 April → stays 1; the October letter records 2 (§9)
    (date(2021, 7, 1), "1", "1", "2", CONFLICT),
    # 1 Oct 2021: from 2, the mid check never moves a step of 2 or more
    (date(2021, 10, 1), "2", "2", "2", RECORDED),
    # 1 Jan 2022: 427 ≥ 388.75 (LRT coulance) → stays 2, as recorded
    (date(2022, 1, 1), "2", "2", "2", RECORDED),
    # 1 Jul 2022: 367 of 417; koppelingen on 1 April 2022 not in the sheet → 2 or 3A, open
    (date(2022, 7, 1), "2", "2/3A", None, OPEN),
]


@pytest.mark.parametrize(("day", "before", "label", "recorded", "state"), DEN_HAAG)
def test_den_haag_checkpoints(data, day, before, label, recorded, state) -> None:
    e = entry(data, DH, day)
    assert e.before.trede == Trede(before)
    assert e.label == label
    assert (e.recorded.trede.code if e.recorded else None) == recorded
    assert e.state == state


def test_open_step_names_what_settles_it(data) -> None:
    e = entry(data, DH, date(2022, 7, 1))
    assert e.proposal is None and e.decided is None
    assert [t.code for t in e.options] == ["2", "3A"]
    assert "koppelingen op 1 april 2022" in e.open.render()
    assert e.settle == "realisatie, koppelingen per 1 april 2022"


def test_end_of_period_carries_the_next_opgave(data) -> None:
    e = entry(data, DH, date(2021, 7, 1))
    # the July 2021 letter: 2021-II taakstelling 340 + achterstand 195 = 535
    assert (e.next_opgave.taakstelling, e.next_opgave.saldo_start) == (340, 195)
    assert e.next_opgave.opgave == 535


def test_toelichting_is_one_line_with_the_figures(data) -> None:
    text = entry(data, DH, date(2021, 4, 1)).toelichting().render()
    assert "\n" not in text
    assert text.startswith("Tussentijdse toets 2021-I: gehuisvest 106 van 418")
    assert "Trede van 0 naar 1 (signaleren)" in text


def test_counts_keep_open_and_unknown_apart(data) -> None:
    rnd = checkpoint_round(data, date(2022, 7, 1), data.provinces()["Zuid-Holland"])
    counts = rnd.counts()
    assert counts["2/3A"] == 1
    assert counts["?"] == len(rnd.entries) - 1
    assert "0" not in counts  # unknown is never 'taakstelling gerealiseerd'
    assert {e.state for e in rnd.entries} == {OPEN}


def test_mid_period_round_sums_the_province(data) -> None:
    rnd = checkpoint_round(data, date(2021, 10, 1), data.provinces()["Zuid-Holland"])
    sums = rnd.sums["Zuid-Holland"]
    # the October 2021 letter: opgave 535, half 268, 172 housed, 407 koppelingen
    assert (sums.opgave, sums.schedule.minimum, sums.realised) == (535, 268, 172)
    assert sums.koppelingen == 407 and sums.nog_te_huisvesten == 363
    assert (sums.taakstelling, sums.saldo) == (340, 195)


def test_utrecht_mid_period_steps_are_recordable(data) -> None:
    rnd = checkpoint_round(data, date(2022, 10, 1), data.provinces()["Utrecht"])
    assert rnd.by_state(RECORDABLE) and not rnd.by_state(OPEN)


@pytest.mark.parametrize(
    ("treden", "label"), [((), "?"), ((Trede("2"),), "2"), ((Trede("2"), Trede("3A")), "2/3A")]
)
def test_treden_label(treden, label) -> None:
    assert treden_label(treden) == label


def test_a_date_that_is_no_checkpoint_is_refused(data) -> None:
    with pytest.raises(RoundError):
        checkpoint_round(data, date(2022, 7, 3), [DH])
