"""The data check reports the record's contradictions (domain.md §8) with the cells involved."""

from __future__ import annotations

from datetime import date

import pytest

from engine.audit import audit
from engine.model import LadderDecision, Municipality, MunicipalityRecord, PeriodFigures, Snapshot
from engine.periods import Period
from engine.state import DataSet
from engine.treden import Trede
from sheets.loading.convert import load
from sheets.sources.local import default_source


@pytest.fixture(scope="module")
def findings():
    source = default_source()
    return audit(load(source.fetch(), source.describe()))


@pytest.mark.parametrize(
    ("kind", "gemeente", "words", "ref"),
    [
        # July 2021 letter: stays at signaleren; October 2021 letter: step 2 on 1 July 2021.
        ("dubbel", "'s-Gravenhage", ["1 juli 2021", "1 / 2"], "ladder!C5"),
        ("trede", "'s-Gravenhage", ["Vastgelegde trede 2 op 1 juli 2021", "trede 1"], "ladder!C6"),
        # 50 (417 − 367) in the July 2022 annex, 70 in its summary and the October letter.
        ("saldo", "'s-Gravenhage", ["2022-II is 70", "rolt door naar 50"], "realisatie!D9"),
    ],
)
def test_sample_contradictions_are_reported(findings, kind, gemeente, words, ref) -> None:
    matching = [f for f in findings if f.kind == kind and f.gemeente == gemeente]
    assert matching, f"no {kind} finding for {gemeente}"
    text = str(matching[0])
    assert all(w in text for w in words), text
    assert any(ref in r for f in matching for r in f.refs)


def test_supported_decisions_are_not_reported(findings) -> None:
    days = {str(f.message) for f in findings if f.kind == "trede"}
    assert not any("1 januari 2022" in d or "1 april 2021" in d for d in days)


def _record(decisions, snapshots, figures) -> DataSet:
    m = Municipality("Testdorp", "Zuid-Holland", "Testregio")
    rec = MunicipalityRecord(m, {f.period: f for f in figures}, snapshots, decisions)
    return DataSet(records={m.name: rec})


def test_unsupported_climb_is_reported_and_supported_one_is_not() -> None:
    p = Period(2023, 1)
    figures = [PeriodFigures("Testdorp", p, 100, 0)]
    snaps = [
        Snapshot("Testdorp", date(2023, 4, 1), p, 60, koppelingen=50),
        Snapshot("Testdorp", date(2023, 7, 1), p, 90),
    ]
    ok = _record(
        [
            LadderDecision("Testdorp", date(2023, 1, 1), Trede("1")),
            LadderDecision("Testdorp", date(2023, 7, 1), Trede("2"), source="ladder!C3"),
        ],
        snaps,
        figures,
    )
    assert not [f for f in audit(ok) if f.kind == "trede"]
    wrong = _record(
        [
            LadderDecision("Testdorp", date(2023, 1, 1), Trede("1")),
            LadderDecision("Testdorp", date(2023, 7, 1), Trede("3A"), source="ladder!C3"),
        ],
        snaps,
        figures,
    )
    (finding,) = [f for f in audit(wrong) if f.kind == "trede"]
    assert finding.refs == ("ladder!C3",) and "trede 2" in str(finding.message)
