"""The bundled sample workbook reproduces the public records it was built from, and nothing more.

Expected figures come from tests/data/cases.json and seed_cases.json (copies of the worked cases),
not from sheets/sources/sample_data.py, so a typo in the sample fails here.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import canonicalize

import pytest

from engine.periods import Period
from engine.state import DataSet
from engine.treden import Trede
from sheets.loading.convert import load
from sheets.names.index import NameIndex
from sheets.sources import sample
from sheets.sources.local import SAMPLE, default_source

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
SEEDS = {c["id"]: c for c in json.loads((DATA / "seed_cases.json").read_text("utf-8"))["cases"]}
DH = "'s-Gravenhage"


@pytest.fixture(scope="module")
def data() -> DataSet:
    source = default_source()
    return load(source.fetch(), source.describe())


def test_sample_loads_clean_and_says_it_is_sample(data: DataSet) -> None:
    assert data.problems == []
    assert data.sample is True
    assert data.source == "werkmap voorbeeld.xlsx"


def _parts(path: Path) -> dict[str, str]:
    """Each part of an .xlsx as canonical XML: openpyxl writes `<a />` or `<a/>` depending on
    whether lxml is installed, which is no difference in the workbook."""
    with zipfile.ZipFile(path) as book:
        return {n: canonicalize(book.read(n).decode("utf-8")) for n in book.namelist()}


def test_committed_workbook_is_what_the_generator_writes(tmp_path: Path) -> None:
    regenerated = sample.write(tmp_path / "voorbeeld.xlsx")
    assert _parts(regenerated) == _parts(SAMPLE), "run: python -m sheets.sources.sample"


HAAGLANDEN = CASES["region_table"]["rows"]  # gemeente, trede, opgave, plaatsingen, rest, pct


@pytest.mark.parametrize("row", HAAGLANDEN, ids=[r[0] for r in HAAGLANDEN])
def test_haaglanden_table_of_21_march_2022(data: DataSet, row: list[Any]) -> None:
    name, trede, opgave, placed = row[:4]
    record = data.records[name]
    fig = record.figures[Period(2022, 1)]
    assert fig.opgave_stated == opgave
    snap = record.latest_snapshot(Period(2022, 1), date(2022, 3, 21))
    assert (snap.peildatum, snap.housed) == (date(2022, 3, 21), placed)
    decisions = [d for d in record.decisions if d.date == date(2022, 1, 1)]
    assert [d.trede for d in decisions] == [Trede(trede)]


def test_haaglanden_totals_and_names_as_the_email_writes_them(data: DataSet) -> None:
    members = data.regions()["Haaglanden"]
    totals = CASES["region_table"]["totals"]
    assert (
        sum(data.records[g].figures[Period(2022, 1)].opgave_stated for g in members)
        == totals["opgave"]
    )
    placed = sum(
        data.records[g].latest_snapshot(Period(2022, 1), date(2022, 3, 21)).housed for g in members
    )
    assert placed == totals["plaatsingen"]
    index = NameIndex(data)
    seed_names = [r["municipality"] for r in SEEDS["haaglanden-2022-I-stand-20220321"]["rows"]]
    resolved = [index.lookup(n) for n in seed_names if n != "Totaal"]
    assert sorted(name for _, name in resolved) == sorted(members)  # "Gravenhage 's-" included


LETTERS = CASES["municipal_letters"]


@pytest.mark.parametrize("case", LETTERS, ids=[c["id"] for c in LETTERS])
def test_den_haag_letters(data: DataSet, case: dict[str, Any]) -> None:
    record = data.records[case["gemeente"]]
    period, day, inputs = (
        Period.parse(case["period"]),
        date.fromisoformat(case["date"]),
        case["inputs"],
    )
    fig = record.figures[period]
    assert fig.taakstelling == inputs["taakstelling"]
    if "saldo_start" in inputs:
        assert fig.saldo_start == inputs["saldo_start"]
    if "opgave" in case["expect"]:
        assert fig.taakstelling + fig.saldo_start == case["expect"]["opgave"] == fig.opgave_stated
    snap = record.latest_snapshot(period, day)
    assert snap.peildatum == day
    assert snap.housed == inputs.get("realisatie", inputs.get("realisatie_coa"))
    assert snap.contracts == inputs.get("realisatie_contracts_extra", 0)
    if "koppelingen" in inputs:
        assert snap.koppelingen == inputs["koppelingen"]
    for key in ("omkoppelingen", "stapelgemeente"):
        if key in inputs:
            assert getattr(fig, key) is inputs[key]
    trede_voor = record.trede_on(day - date.resolution)
    assert trede_voor is not None
    if case["id"] != "DH-2021-II-mid":  # the record contradicts itself on 1 July 2021
        assert trede_voor.trede == Trede(inputs["trede_voor"])


def test_den_haag_figures_named_in_the_brief(data: DataSet) -> None:
    dh = data.records[DH]
    fig = dh.figures[Period(2021, 2)]
    assert (fig.taakstelling, fig.saldo_start) == (340, 195)
    assert dh.figures[Period(2022, 1)].opgave_stated == 417  # 309 + 108
    later = dh.figures[Period(2022, 2)]
    assert (later.taakstelling, later.saldo_start, later.extra_opgave) == (419, 70, 204)
    assert later.opgave_stated == 489 and "50" in later.saldo_source  # both backlogs are cited
    housed = {s.peildatum: s.housed for s in dh.snapshots}
    assert housed == {
        date(2020, 10, 1): 64, date(2021, 1, 1): 199, date(2021, 4, 1): 106,
        date(2021, 7, 1): 223, date(2021, 10, 1): 172, date(2022, 1, 1): 427,
        date(2022, 3, 21): 129, date(2022, 4, 1): 156, date(2022, 7, 1): 367,
        date(2022, 10, 1): 339,
    }  # fmt: skip
    memo = {r["year"]: r["stated"] for r in SEEDS["denhaag-historie-2017-2022"]["rows"]}
    assert housed[date(2021, 7, 1)] + housed[date(2022, 1, 1)] == memo[2021]["realisatie"]
    assert [d.trede.code for d in dh.decisions if d.date == date(2021, 7, 1)] == ["1", "2"]


UTRECHT = CASES["ladder_positions"]["rows"]


@pytest.mark.parametrize(("name", "trede"), UTRECHT.items())
def test_utrecht_treden_after_2022_i(data: DataSet, name: str, trede: str) -> None:
    decision = data.records[name].trede_on(date(2022, 7, 1))
    assert decision.date == date(2022, 7, 1)
    assert decision.trede == Trede(trede or "0")  # blank: not on the ladder


def test_leusden_periods_follow_the_plan_of_approach(data: DataSet) -> None:
    seed = SEEDS["leusden-historie-2016-2022"]
    year = {r["year"]: r["stated"] for r in seed["rows"]}[2022]
    leusden = data.records["Leusden"]
    first, second = leusden.figures[Period(2022, 1)], leusden.figures[Period(2022, 2)]
    assert first.taakstelling + second.taakstelling == year["taakstelling"]
    assert first.saldo_start == year["saldo_start"] == -year["stand_1_januari_as_printed"]
    assert "afgeleid" in first.source  # 18 = 42 − 24 is derived, and says so
    closing = leusden.latest_snapshot(Period(2022, 1), date(2022, 7, 1))
    assert first.taakstelling + first.saldo_start - closing.housed == second.saldo_start
    assert (
        leusden.latest_snapshot(Period(2022, 2), date(2022, 10, 10)).housed + closing.housed
        == (year["geplaatst"])
    )


def test_every_municipality_of_both_provinces(data: DataSet) -> None:
    provinces = data.provinces()
    assert sorted(provinces) == ["Utrecht", "Zuid-Holland"]
    assert sorted(provinces["Utrecht"]) == sorted(UTRECHT)
    prt = SEEDS["pzh-provincie-2020-II-prt"]["stated"]
    assert len(provinces["Zuid-Holland"]) == prt["municipalities"] == 52
    regions = data.regions()
    assert {r["region"]: r["municipalities"] for r in prt["regions"]} == {
        name: len(regions[name]) for name in ("Hollands-Midden", "Zuid-Holland-Zuid",
                                              "Haaglanden", "Rotterdam-Rijnmond")
    }  # fmt: skip
    assert all(data.records[g].municipality.regio for g in data.records)


def test_no_invented_figures(data: DataSet) -> None:
    with_figures = {n for n, r in data.records.items() if r.figures or r.snapshots}
    assert with_figures == {row[0] for row in HAAGLANDEN} | {"Leusden"}
    with_decisions = {n for n, r in data.records.items() if r.decisions}
    assert with_decisions == {row[0] for row in HAAGLANDEN} | set(UTRECHT)
    for record in data.records.values():
        for item in [*record.figures.values(), *record.snapshots, *record.decisions]:
            assert " — " in item.source, f"{item} has no bron"


def test_policies_deadline_user_and_info(data: DataSet) -> None:
    rows = {(p.provincie, str(p.period), p.kader): p.overrides for p in data.policies}
    assert rows == {
        ("Zuid-Holland", "2020-II", "pzh-2020"): {"drempel": 0.7},
        ("Zuid-Holland", "2021-I", "pzh-2020"): {"drempel": 0.7},
        ("Zuid-Holland", "2021-II", "pzh-2020"): {
            "achterstand_aandeel": 0.25, "omkoppelingen_tellen": False},
        ("Zuid-Holland", "2022-I", "pzh-2020"): {"huurcontracten_tot": date(2022, 7, 4)},
        ("Utrecht", "None", "utrecht"): {},
    }  # fmt: skip
    (deadline,) = data.deadlines
    assert (deadline.scope, deadline.date, deadline.kind) == ("Zuid-Holland", date(2022, 7, 4),
                                                              "huurcontracten")  # fmt: skip
    assert "tot 4 juli" in deadline.description
    assert [(u.telegram_id, u.naam, u.rol, u.scope) for u in data.users] == [
        (1, "Demo provincie", "provincie", "Zuid-Holland")
    ]
    info = " ".join(row[0] for row in default_source().fetch()["info"])
    assert info.startswith("Voorbeeldgegevens") and "demo" in info and "Bronnen" in info
