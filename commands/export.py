"""Rows for `taakbot export` and `taakbot assess`: integers, whole percents, treden as strings."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.assessment import EndResult, MidResult
from engine.checkpoint_round import treden_label
from engine.periods import checkpoint_kind
from engine.reasons import Percentage, Reason
from engine.replay import Missing, Standing, Step, judge, proposal, standing_before
from engine.state import DataSet
from engine.status import status_on

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
    "trede_basis",
    "trede_mogelijk",
    "trede_sinds",
    "trede_reden",
    "trede_voorstel",
    "opgave_reden",
    "afgesloten_periode",
    "afgesloten_opgave",
    "afgesloten_realisatie",
    "afgesloten_peildatum",
    "afgesloten_voorstel",
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
    "trede_mogelijk",
    "vastgelegd",
    "reden_onbekend",
    "redenen",
)


def _pct(p: Percentage | None) -> int | None:
    return p.rounded if p else None


def _texts(reasons: tuple[Reason, ...] | list[Reason]) -> list[str]:
    return [r.render() for r in reasons]


def _basis(st) -> str:
    sd = st.standing
    if sd.trede is None:
        return "mogelijk" if sd.treden else "onbekend"
    return "afgeleid" if sd.steps else "vastgelegd"


def _codes(treden) -> list[str]:
    return [t.code for t in treden]


def export_rows(data: DataSet, day: date) -> list[dict[str, Any]]:
    """One row per municipality; what the record leaves open is null with its reason."""
    rows = []
    for name in sorted(data.records):
        st = status_on(data, name, day)
        m, o, snap, sd = st.rec.municipality, st.opgave, st.snapshot, st.standing
        lin = st.prognoses[0] if st.prognoses else None
        closed = st.closed
        reasons = st.checkpoint.reasons if isinstance(st.checkpoint, MidResult | EndResult) else ()
        rows.append(
            {
                "gemeente": m.name,
                "provincie": m.provincie,
                "regio": m.regio,
                "periode": st.period.label,
                "taakstelling": o.taakstelling,
                "saldo_start": o.saldo_start,
                "opgave": o.opgave,
                "extra_opgave": o.extra,
                "realisatie": st.realised,
                "peildatum": snap.peildatum.isoformat() if snap else None,
                "minimum": st.minimum,
                "op_schema": st.op_schema,
                "nog_te_huisvesten": st.nog_te_huisvesten,
                "koppelingen": snap.koppelingen if snap else None,
                "prognose": lin.rounded if lin else None,
                "prognose_pct_opgave": _pct(lin.pct_opgave) if lin else None,
                "prognose_pct_inclusief_extra": _pct(lin.pct_incl_extra) if lin else None,
                "trede": sd.trede.code if sd.trede else None,
                "trede_basis": _basis(st),
                "trede_mogelijk": _codes(sd.treden),
                "trede_sinds": sd.since.isoformat() if sd.since else None,
                "trede_reden": sd.unknown.render() if sd.unknown else None,
                "trede_voorstel": _code(st.proposed),
                "opgave_reden": o.unknown.render() if o.unknown else None,
                "afgesloten_periode": closed.period.label if closed else None,
                "afgesloten_opgave": closed.opgave.opgave if closed else None,
                "afgesloten_realisatie": closed.realised if closed else None,
                "afgesloten_peildatum": closed.final.peildatum.isoformat()
                if closed and closed.final
                else None,
                "afgesloten_voorstel": _closed_proposal(closed),
                "redenen": _texts(reasons) if reasons else _texts(st.notes),
            }
        )
    return rows


def _closed_proposal(closed) -> str | None:
    """The closed half-year's pending proposal: '2', or '2/3A' where it hangs on an open
    question; None when nothing closed or nothing can be said."""
    if closed is None:
        return None
    step = proposal(closed.result)
    if step is not None:
        return step.code
    return treden_label(closed.treden) if closed.treden else None


def _code(trede) -> str | None:
    return trede.code if trede else None


def assess_rows(data: DataSet, day: date, provincie: str | None = None) -> list[dict[str, Any]]:
    """The checkpoint due on `day` for every municipality (of one province, when named), each
    from the step the replay gives, beside the decision recorded for that date."""
    if checkpoint_kind(day) is None:
        raise ValueError(
            f"{day.isoformat()} is geen toetsdatum (1 januari, 1 april, 1 juli of 1 oktober)"
        )
    rows = []
    for name in sorted(data.records):
        rec = data.records[name]
        if provincie and rec.municipality.provincie.casefold() != provincie.casefold():
            continue
        before = standing_before(data, rec, day)
        row = assess_row(name, day, judge(data, rec, day, before.treden), before)
        recorded = rec.decided_on(day)
        row["vastgelegd"] = recorded.trede.code if recorded else None
        rows.append(row)
    return rows


def assess_row(name: str, day: date, step: Step, before: Standing) -> dict[str, Any]:
    r = step.result
    row: dict[str, Any] = dict.fromkeys(ASSESS_COLUMNS)
    row.update(
        gemeente=name,
        datum=day.isoformat(),
        soort=r.kind,
        periode=r.period.label,
        trede_voor=before.trede.code if before.trede else None,
        trede_na=step.trede.code if step.trede else None,
        trede_mogelijk=_codes(step.treden),
        redenen=[],
    )
    if isinstance(r, Missing):
        row["reden_onbekend"] = r.why.render()
        return row
    mid = isinstance(r, MidResult)
    row.update(
        opgave=r.opgave,
        realisatie=r.realised,
        minimum=r.minimum if mid else None,
        op_schema=r.op_schema if mid else None,
        drempel=None if mid or r.coulance_bar is None else round(r.coulance_bar, 2),
        gerealiseerd=None if mid else r.gerealiseerd,
        redenen=_texts(r.reasons),
    )
    if step.trede is None:
        why = getattr(r, "open_question", None) or before.unknown
        row["reden_onbekend"] = why.render() if why else None
    return row
