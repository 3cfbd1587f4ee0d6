"""Exactly once where no lock reaches (Google Sheets, Microsoft 365): the format-independent
part of the protocol, so every lockless writer proves the same thing.

Each write carries its own id in Taakbot's `schrijf_id` column. A writer

1. reads the tab and leaves out what is there already (base.sort_out);
2. appends its rows, each with the write id (one request);
3. reads the tab back and, per gemeente and date, calls the row standing *first* (the lowest
   row number) the winner (`settle`);
4. marks each of its own rows that is not the winner `vervallen: …` in the write-id cell (the
   row stays, with content, so the tab keeps no hole; readers skip it).

A writer that stopped between 2 and 4 (or whose read-back failed: "onzeker") leaves its later
copies unmarked; the next write of the same decisions marks them in step 1 (`tidy`).

Why one row wins, whoever runs at once: an append lands below every row with content (the
tab never has a hole, since step 4 never empties a row, and nobody else deletes rows),
so a row appended later stands lower; a row is marked only by its own writer, and only when an
earlier row of the same gemeente and date stands above it. The first row ever appended for a
key therefore never loses, and every other one does, whichever order the steps of several
writers interleave (tests/test_ladder_protocol.py tries them with Hypothesis, and two real
processes in tests/test_ladder_processes.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sheets.sources.ladder.base import (
    HEADER,
    LadderRow,
    Layout,
    Reading,
    UncertainWrite,
    Written,
    entries,
)
from sheets.tabs.layout import VOID

WRITE_ID = "schrijf_id"
FIELDS = (*HEADER, WRITE_ID)  # what a lockless writer puts in a row


def entered(key: str, value: Any) -> Any:
    """A cell as typed input must get it to store what we mean (Google's USER_ENTERED, and
    Excel's values through Microsoft Graph, parse alike): dates as ISO text (a date cell), and
    every text with a leading apostrophe, which both take as "this is text" and do not store.
    So `'s-Gravenhage` stays `'s-Gravenhage`, `=HYPERLINK(…)` and `+31…` stay text, and a
    toelichting `12` stays `12` as text. The step's code is typed as a person would."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value != "" and key != "trede":
        return "'" + value
    return value


def new_write_id() -> str:
    """Unique per write (a round or one /vastleggen): 'tb-' and 12 hex digits."""
    return f"tb-{uuid.uuid4().hex[:12]}"


def void_note(winner: int, write_id: str = "") -> str:
    """The write-id cell of a second copy: readers skip the row (base.entries, the loader);
    the write id stays in it, so its writer still knows the row for its own."""
    return f"{VOID}: dubbel van rij {winner}" + (f" ({write_id})" if write_id else "")


@dataclass
class Settlement:
    """What the read-back says about one write's rows."""

    kept: list[LadderRow] = field(default_factory=list)  # ours, first for their key
    void: list[int] = field(default_factory=list)  # sheet rows of ours to mark (not first)
    winners: dict[int, int] = field(default_factory=dict)  # our voided row → the first row
    present: list[LadderRow] = field(default_factory=list)  # an earlier row has our step
    conflicts: list[tuple[LadderRow, str]] = field(default_factory=list)  # another step
    missing: list[LadderRow] = field(default_factory=list)  # not in the read-back at all


def settle(
    raw: Sequence[Sequence[Any]],
    lay: Layout,
    write_id: str,
    rows: Sequence[LadderRow],
    reading: Reading | None = None,
) -> Settlement:
    """Decide, from the tab as read back after our append, which of our rows stand."""
    reading = reading or Reading()
    found = entries(raw, lay, void=True)  # ours may have been marked by another's tidy()
    out = Settlement()
    for row in rows:
        same = [e for e in found if reading.same(row, e)]
        ours = [e for e in same if e.write_id == write_id]
        if not ours:
            out.missing.append(row)
            continue
        first = next(e for e in same if not e.void)  # in row order; a first is never marked
        for e in ours:
            if e is not first and not e.void:
                out.void.append(e.row)
                out.winners[e.row] = first.row
        if first.write_id == write_id:
            out.kept.append(row)
        elif reading.theirs(row, first) == reading.step(row.gemeente, row.datum, row.trede.code):
            out.present.append(row)
        else:
            out.conflicts.append((row, reading.theirs(row, first)))
    return out


def tidy(
    raw: Sequence[Sequence[Any]],
    lay: Layout,
    rows: Sequence[LadderRow],
    reading: Reading | None = None,
) -> dict[int, tuple[int, str]]:
    """Taakbot's second copies of these rows' decisions that nobody marked (their writer
    stopped between its append and its read-back, or could not read back): {row: the first
    row, its write id)}. Any writer may mark them, before it writes: a row that is not first when read never
    becomes first (nothing lands above it, and a first row is never marked), so the first
    still wins. A person's rows (no write id) are never marked."""
    reading = reading or Reading()
    found = entries(raw, lay)
    out: dict[int, tuple[int, str]] = {}
    for row in rows:
        same = [e for e in found if reading.same(row, e)]
        for e in same[1:]:
            if e.write_id:  # Taakbot's own rows only: a person's rows are never touched
                out.setdefault(e.row, (same[0].row, e.write_id))
    return out


def outcome(written: Written, settled: Settlement) -> Written:
    """The report of a settled write: only the rows that stand count as added."""
    written.added = settled.kept
    written.present += settled.present
    written.conflicts += settled.conflicts
    return written


def uncertain(where: str, write_id: str, why: str) -> UncertainWrite:
    """The Dutch report of a write whose outcome is unknown: what to check, and that it was
    not tried again blindly."""
    return UncertainWrite(
        f"onzeker: mogelijk geschreven ({why}). Controleer in {where} de rijen met schrijf_id "
        f"{write_id}; Taakbot schrijft ze niet blind opnieuw. Een nieuwe poging (opnieuw "
        "vastleggen) schrijft niets dubbel."
    )
