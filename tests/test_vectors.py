"""Every worked case from the real letters and tables (tests/data, copied from shared/vectors)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from engine.arithmetic import minimum_mid, opgave, remaining
from engine.assessment import EndInput, MidInput, end_of_period_assessment, mid_period_check
from engine.ledger import opgaven
from engine.model import Municipality, MunicipalityRecord, PeriodFigures, Snapshot
from engine.periods import Period
from engine.policies import get_policy
from engine.reasons import OF_OPGAVE, OF_TAAKSTELLING, percentage
from engine.treden import Trede

DATA = json.loads((Path(__file__).parent / "data" / "cases.json").read_text(encoding="utf-8"))
LETTERS = {c["id"]: c for c in DATA["municipal_letters"]}
MID = [c for c in LETTERS.values() if c["kind"] == "mid_period_check"]
END = [c for c in LETTERS.values() if c["kind"] == "end_of_period_assessment"]


def _opgave(inputs: dict) -> int:
    if "te_huisvesten_coa" in inputs:  # 2020-II: the letter states the opgave excl. contracts
        return inputs["te_huisvesten_coa"]
    return opgave(inputs["taakstelling"], inputs["saldo_start"])


@pytest.mark.parametrize("case", MID, ids=lambda c: c["id"])
def test_mid_period_letters(case: dict) -> None:
    i, e = case["inputs"], case["expect"]
    result = mid_period_check(
        MidInput(
            Period.parse(case["period"]),
            _opgave(i),
            i["realisatie"],
            Trede.parse(i["trede_voor"]),
            i.get("koppelingen"),
        ),
        get_policy(case["kader"]),
    )
    assert result.opgave == e["opgave"]
    assert result.minimum == e["minimum"]
    assert result.op_schema is e["op_schema"]
    assert str(result.trede_na) == e["trede_na"]
    assert result.nog_te_huisvesten == e["nog_te_huisvesten"]
    assert result.date.isoformat() == case["date"]
    if "coulance_threshold" in e:
        assert math.isclose(result.bar, e["coulance_threshold"])
    if "pct_of_minimum" in e:
        assert result.pct_of_minimum.rounded == e["pct_of_minimum"]
    if "pct_of_opgave" in e:
        assert result.pct_of_opgave.rounded == e["pct_of_opgave"]
    if "can_still_realise" in e:
        assert result.can_still_realise is e["can_still_realise"]


@pytest.mark.parametrize("case", END, ids=lambda c: c["id"])
def test_end_of_period_letters(case: dict) -> None:
    i, e = case["inputs"], case["expect"]
    if "koppelingen_mid" in i:
        enough = i["koppelingen_mid"] >= i["nog_te_huisvesten_mid"]
    else:
        enough = i["koppelingen_voldoende_mid"]
    realised = i.get("realisatie_coa", i.get("realisatie"))
    result = end_of_period_assessment(
        EndInput(
            period=Period.parse(case["period"]),
            taakstelling=i["taakstelling"],
            opgave=_opgave(i),
            realised=realised,
            trede_voor=Trede.parse(i["trede_voor"]),
            contracts=i.get("realisatie_contracts_extra", 0),
            backlog_previous=i.get("backlog_previous_period", i.get("saldo_start", 0)),
            koppelingen_voldoende_mid=enough,
            omkoppelingen=i.get("omkoppelingen"),
            stapelgemeente=i.get("stapelgemeente"),
        ),
        get_policy(case["kader"]),
    )
    assert result.gerealiseerd is e["gerealiseerd"]
    assert str(result.trede_na) == e["trede_na"]
    assert result.saldo_end == e["saldo_end"]
    assert result.date.isoformat() == case["date"]
    if "opgave" in e:
        assert result.opgave == e["opgave"]
    if "koppelingen_voldoende" in e:
        assert result.koppelingen_voldoende is e["koppelingen_voldoende"]
    if "contracts_counted" in e:
        assert result.contracts_counted is e["contracts_counted"]
    if "coulance_threshold" in e:
        assert math.isclose(result.coulance_bar, e["coulance_threshold"])
    if "meets_coulance" in e:
        assert result.meets_coulance is e["meets_coulance"]
    if "excusable" in e:
        assert result.excusable, "the letter names an excusable reason"
        assert any("koppelingen" in str(r) for r in result.excusable)


REGION = DATA["region_table"]


@pytest.mark.parametrize("row", REGION["rows"], ids=lambda r: r[0])
def test_region_table_rows(row: list) -> None:
    _, _, opg, placed, left, pct = row
    assert remaining(opg, placed) == left
    assert percentage(placed, opg, OF_OPGAVE).rounded == pct


def test_region_table_totals() -> None:
    rows, totals = REGION["rows"], REGION["totals"]
    assert sum(r[2] for r in rows) == totals["opgave"]
    assert sum(r[3] for r in rows) == totals["plaatsingen"]
    assert sum(r[4] for r in rows) == totals["nog_te_realiseren"]
    assert percentage(totals["plaatsingen"], totals["opgave"], OF_OPGAVE).rounded == totals["pct"]


@pytest.mark.parametrize("case", DATA["province_totals"], ids=lambda c: c["id"])
def test_province_totals(case: dict) -> None:
    i, e = case["inputs"], case["expect"]
    opg = i.get("opgave") or opgave(i["taakstelling"], i["saldo_start"])
    assert e.get("opgave", opg) == opg
    assert minimum_mid(opg) == e["minimum"]
    assert percentage(i["realisatie"], opg, OF_OPGAVE).rounded == e["pct_of_opgave"]
    if "nog_te_huisvesten" in e:
        assert remaining(opg, i["realisatie"]) == e["nog_te_huisvesten"]


HISTORIES = {h["id"]: h for h in DATA["histories"]}


def _rolled(first_saldo: int, years: list[tuple[int, int, int]]) -> list[int | None]:
    """The ledger's saldo at the start of each year: (taakstelling, extra, housed) per year.

    Each year stands in for one period of the product's own roll-forward (engine.ledger): the
    first saldo is stated, every later one is left empty and rolled from the closing stand.
    """
    periods = [Period(2000, 1)]
    for _ in years[1:]:
        periods.append(periods[-1].next)
    figures, snaps = {}, []
    for i, (p, (taak, extra, housed)) in enumerate(zip(periods, years, strict=True)):
        figures[p] = PeriodFigures(
            "X", p, taak, first_saldo if i == 0 else None, extra_opgave=extra
        )
        snaps.append(Snapshot("X", p.first_day_after, p, housed))
    rec = MunicipalityRecord(Municipality("X", "Utrecht"), figures, snaps)
    return [o.saldo_start for o in opgaven(rec).values()]


def test_leusden_history_rolls_forward_in_its_own_sign() -> None:
    """The plan's 'stand 1 januari' is negative for a backlog: the ledger's saldo, negated."""
    rows = HISTORIES["Leusden-2016-2022"]["rows"]
    saldi = _rolled(-rows[0][1], [(taak, 0, placed) for _, _, taak, placed in rows])
    assert [-s for s in saldi] == [stand for _, stand, _, _ in rows]


def test_den_haag_history_rolls_forward() -> None:
    rows = HISTORIES["DenHaag-2017-2022"]["rows"]
    for _, t1, t2, saldo, extra, total, _ in rows:
        assert opgave(t1 + t2, saldo) + extra == total
    saldi = _rolled(rows[0][3], [(t1 + t2, extra, real) for _, t1, t2, _, extra, _, real in rows])
    assert saldi == [r[3] for r in rows]


def test_national_history_is_reported_not_trusted() -> None:
    """COA corrects afterwards: only 2020-II rolls forward exactly (aanjager report table 1)."""
    exact = [r[0] for r in HISTORIES["NL-2019-2021"]["rows"] if r[3] - r[4] == r[5]]
    assert exact == ["2020-II"]
    assert all(r[1] + r[2] == r[3] for r in HISTORIES["NL-2019-2021"]["rows"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-I", "2022-I"),
        ("2022-1", "2022-I"),
        ("2022\u20102", "2022-II"),
        ("2022 II", "2022-II"),
        ("2021-ii", "2021-II"),
    ],
)
def test_period_parsing(text: str, expected: str) -> None:
    assert Period.parse(text).label == expected


def test_utrecht_ladder_positions_parse() -> None:
    rows = DATA["ladder_positions"]["rows"]
    treden = [Trede.parse(v).code for v in rows.values()]
    assert treden.count("0") == 8 and treden.count("1") == 8 and treden.count("2") == 8
    assert treden.count("3") == 2


def test_province_counts_sum() -> None:
    pc = DATA["province_counts"]
    assert sum(pc["per_trede"].values()) == pc["gemeenten"]
    assert percentage(pc["realisatie"], pc["taakstelling"], OF_TAAKSTELLING).rounded == pc["pct"]
