"""Deadlines once each, and only for the province, region or municipality a row is for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from commands.context import Ctx
from commands.roles import Role
from commands.router import handle
from engine.calendar import CONTRACTS
from engine.model import Deadline
from engine.status import status_on
from sheets.loading.convert import load
from sheets.sources.local import default_source


@pytest.fixture(scope="module")
def data():
    source = default_source()
    return load(source.fetch(), source.describe())


def ask(data, text: str, day: date) -> str:
    return handle(Ctx(data, day, 7, Role("provincie")), text).text


@pytest.mark.parametrize(
    ("command", "day", "cutoffs"),
    [
        # the engine's 4 July and the sheet's deadlines row are one deadline
        ("/deadlines Haaglanden", date(2022, 3, 21), 1),
        ("/deadlines Den Haag", date(2022, 6, 20), 1),
        ("/deadlines Zuid-Holland", date(2022, 6, 20), 1),
        # Utrecht's stappenplan has no cutoff for late contracts; Zuid-Holland's is not Leusden's
        ("/deadlines Leusden", date(2022, 6, 25), 0),
        ("/deadlines Regio Amersfoort", date(2022, 6, 25), 0),
    ],
)
def test_contract_cutoff_once_and_only_where_it_applies(data, command, day, cutoffs) -> None:
    text = ask(data, command, day)
    assert text.count("4 juli 2022") == cutoffs, text


def test_no_deadline_twice_for_any_municipality(data) -> None:
    for name in data.records:
        days = [(d.date, d.kind) for d in status_on(data, name, date(2022, 6, 20)).deadlines]
        assert len(days) == len(set(days)), name


def test_a_province_row_never_reaches_another_province(data) -> None:
    rows = [
        Deadline(date(2022, 7, 4), CONTRACTS, "Zuid-Holland: insturen tot 4 juli", "Zuid-Holland"),
        Deadline(date(2022, 7, 8), "overleg", "Utrecht: overleg", "Utrecht"),
        Deadline(date(2022, 7, 9), "overleg", "Haaglanden: overleg", "Haaglanden"),
        Deadline(date(2022, 7, 10), "overleg", "landelijk", "*"),
    ]
    mixed = replace(data, deadlines=rows)
    for name, rec in mixed.records.items():
        m = rec.municipality
        for d in mixed.deadlines_for(name):
            assert d.scope in ("*", m.name, m.regio, m.provincie), (name, d)
        scopes = {d.scope for d in mixed.deadlines_for(name)}
        assert ("Zuid-Holland" in scopes) is (m.provincie == "Zuid-Holland"), name
        assert ("Haaglanden" in scopes) is (m.regio == "Haaglanden"), name
        assert "*" in scopes
