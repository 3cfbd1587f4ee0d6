"""The checkpoint round as a table: one row per municipality, for `--json`, the .xlsx that
`/ronde` sends and the rows `taakbot ronde` prints. Values come from engine.checkpoint_round;
headers and texts are Dutch, numbers stay numbers (the spreadsheet shows them in its locale).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from commands.excel import table_workbook
from engine.assessment import EndResult, MidResult
from engine.checkpoint_round import CONFLICT, KIND_LABELS, STATE_LABELS, Round, RoundEntry
from engine.ledger import cell_of
from engine.replay import Missing

# (key for --json, Dutch header for the .xlsx and the console)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("gemeente", "Gemeente"),
    ("provincie", "Provincie"),
    ("regio", "Regio"),
    ("datum", "Toetsdatum"),
    ("soort", "Soort"),
    ("periode", "Periode"),
    ("trede_voor", "Trede ervoor"),
    ("trede_voor_basis", "Trede ervoor volgens"),
    ("voorstel", "Voorstel"),
    ("voorstel_basis", "Basis van het voorstel"),
    ("vastgelegd", "Vastgelegd op deze datum"),
    ("status", "Stand"),
    ("open_vraag", "Hangt af van"),
    ("oplossen_in", "Op te lossen in"),
    ("opgave", "Opgave"),
    ("gehuisvest", "Gehuisvest"),
    ("pct_opgave", "% van de opgave"),
    ("minimum", "Minimum tussentijds"),
    ("op_schema", "Op schema"),
    ("koppelingen", "Koppelingen"),
    ("drempel", "Drempel (coulance)"),
    ("gerealiseerd", "Opgave gerealiseerd"),
    ("toelichting", "Toelichting"),
    ("compleet", "Brief compleet"),
    ("aanvullen", "Brief: aan te vullen of te controleren"),
)


def _basis(entry: RoundEntry) -> str:
    before = entry.before
    if before.trede is None:
        return "mogelijk" if before.treden else "onbekend"
    return "afgeleid" if before.steps else "vastgelegd"


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("ja" if value else "nee")


def letter_todo(entry: RoundEntry, render: Callable[[Any], str] = str) -> list[str]:
    """What a person fills in or checks before the municipality's letter can go (issue 27):
    the facts the record leaves open with their cell, an open step, two values for one fact."""
    out = [f"{render(g.what)} ({g.settle})" if g.settle else render(g.what) for g in entry.gaps]
    if entry.decided is None:
        out.append("trede nog te beslissen")
    if entry.state == CONFLICT:
        out.append("vastgelegde trede wijkt af van de regels")
    if entry.mismatch is not None:
        m = entry.mismatch
        out.append(
            f"saldo bij de start van {m.period.label}: {m.stated} in {cell_of(m.stated_ref)}, "
            f"{m.rolled} volgens de eindstand in {cell_of(m.end_ref)}"
        )
    out += [
        f"opgave {om.period.label}: {om.stated} vermeld in {cell_of(om.ref)}, {om.computed} "
        "uit taakstelling plus saldo"
        for om in entry.stated_opgaven
    ]
    return out


def row(entry: RoundEntry, render: Callable[[Any], str]) -> dict[str, Any]:
    """One municipality; `render` turns an engine Reason into text (translated or not)."""
    r = entry.result
    m = entry.municipality
    out: dict[str, Any] = {
        "gemeente": m.name,
        "provincie": m.provincie,
        "regio": m.regio,
        "datum": entry.day.isoformat(),
        "soort": render(KIND_LABELS[entry.kind]),
        "periode": entry.period.label,
        "trede_voor": entry.before.trede.code if entry.before.trede else None,
        "trede_voor_basis": _basis(entry),
        "voorstel": entry.label,
        "voorstel_basis": render(r.reasons[-1]) if not isinstance(r, Missing) else None,
        "vastgelegd": entry.recorded.trede.code if entry.recorded else None,
        "status": render(STATE_LABELS[entry.state]),
        "open_vraag": render(entry.open) if entry.open else None,
        "oplossen_in": entry.settle or None,
        "toelichting": render(entry.toelichting()),
        "compleet": "ja" if entry.complete else "nee",
        "aanvullen": "; ".join(letter_todo(entry, render)) or None,
    }
    if isinstance(r, MidResult | EndResult):
        out.update(
            opgave=r.opgave,
            gehuisvest=r.realised,
            pct_opgave=r.pct_of_opgave.rounded if r.pct_of_opgave else None,
            koppelingen=r.koppelingen if isinstance(r, MidResult) else None,
        )
    if isinstance(r, MidResult):
        out.update(minimum=r.minimum, op_schema=_yes_no(r.op_schema))
    if isinstance(r, EndResult):
        out.update(
            drempel=round(r.coulance_bar, 2) if r.coulance_bar is not None else None,
            gerealiseerd=_yes_no(r.gerealiseerd),
        )
    return {key: out.get(key) for key, _ in COLUMNS}


def rows(rnd: Round, render: Callable[[Any], str] = str) -> list[dict[str, Any]]:
    return [row(e, render) for e in rnd.entries]


def workbook(table: list[dict[str, Any]], title: str) -> bytes:
    """The round as an .xlsx with Dutch headers (commands.excel.table_workbook)."""
    return table_workbook(
        [header for _, header in COLUMNS],
        [[values[key] for key, _ in COLUMNS] for values in table],
        title or "ronde",
        widest=50,
    )
