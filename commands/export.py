"""Rows for `taakbot export` and `taakbot assess`: integers, whole percents, treden as strings."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.assessment import EndResult, MidResult
from engine.periods import checkpoint_kind
from engine.reasons import Percentage, Reason
from engine.state import DataSet
from engine.status import assess_checkpoint, status_on

EXPORT_COLUMNS = (
    "gemeente",
    "provincie",
    "regio",
    "periode",
    "taakstelling",
    "saldo_start",
    "opgave",
    "extra_opgave",
    "realisatie",
    "peildatum",
    "minimum",
    "op_schema",
    "nog_te_huisvesten",
    "koppelingen",
    "prognose",
    "prognose_pct_opgave",
    "prognose_pct_inclusief_extra",
    "trede",
    "trede_voorstel",
    "redenen",
)
ASSESS_COLUMNS = (
    "gemeente",
    "datum",
    "soort",
    "periode",
    "opgave",
    "realisatie",
    "minimum",
    "op_schema",
    "drempel",
    "gerealiseerd",
    "trede_voor",
    "trede_na",
    "redenen",
)


def _pct(p: Percentage | None) -> int | None:
    return p.rounded if p else None


def _texts(reasons: tuple[Reason, ...] | list[Reason]) -> list[str]:
    return [r.render() for r in reasons]


def export_rows(data: DataSet, day: date) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(data.records):
        st = status_on(data, name, day)
        m, o, snap = st.rec.municipality, st.opgave, st.snapshot
        lin = st.prognoses[0] if st.prognoses else None
        rows.append(
            {
                "gemeente": m.name,
                "provincie": m.provincie,
                "regio": m.regio,
                "periode": st.period.label,
                "taakstelling": o.taakstelling if o else None,
                "saldo_start": o.saldo_start if o else None,
                "opgave": o.opgave if o else None,
                "extra_opgave": o.extra if o else None,
                "realisatie": st.realised,
                "peildatum": snap.peildatum.isoformat() if snap else None,
                "minimum": st.minimum,
                "op_schema": st.op_schema,
                "nog_te_huisvesten": st.nog_te_huisvesten,
                "koppelingen": snap.koppelingen if snap else None,
                "prognose": lin.rounded if lin else None,
                "prognose_pct_opgave": _pct(lin.pct_opgave) if lin else None,
                "prognose_pct_inclusief_extra": _pct(lin.pct_incl_extra) if lin else None,
                "trede": st.recorded.trede.code if st.recorded else "0",
                "trede_voorstel": st.proposed.code if st.proposed else None,
                "redenen": _texts(st.checkpoint.reasons) if st.checkpoint else _texts(st.notes),
            }
        )
    return rows


def assess_rows(data: DataSet, day: date) -> list[dict[str, Any]]:
    """The checkpoint due on `day` for every municipality with figures."""
    if checkpoint_kind(day) is None:
        raise ValueError(
            f"{day.isoformat()} is geen toetsdatum (1 januari, 1 april, 1 juli of 1 oktober)"
        )
    rows = []
    for name in sorted(data.records):
        result = assess_checkpoint(data, data.records[name], day)
        if result is not None:
            rows.append(assess_row(name, day, result))
    return rows


def assess_row(name: str, day: date, r: MidResult | EndResult) -> dict[str, Any]:
    mid = isinstance(r, MidResult)
    return {
        "gemeente": name,
        "datum": day.isoformat(),
        "soort": r.kind,
        "periode": r.period.label,
        "opgave": r.opgave,
        "realisatie": r.realised,
        "minimum": r.minimum if mid else None,
        "op_schema": r.op_schema if mid else None,
        "drempel": None if mid else round(r.drempel, 2),
        "gerealiseerd": None if mid else r.gerealiseerd,
        "trede_voor": r.trede_voor.code,
        "trede_na": r.trede_na.code,
        "redenen": _texts(r.reasons),
    }
