"""The lockless writers' protocol (sheets.sources.ladder.protocol) under every interleaving
Hypothesis can find: several writers read the tab, append with their write id, read back and
mark their second copies, their steps shuffled in any order. Whatever the order, every
gemeente and date stands exactly once, and each writer reports as added exactly the rows that
stand with its id. The tab is modelled as Google keeps it: an append lands below the last row
with content, and no row is ever removed. Writers may stop right after their append (a killed
process, a read-back that failed); the next press of the round marks what they left."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.treden import Trede
from sheets.sources.ladder.base import LadderRow, Reading, entries, layout, sort_out
from sheets.sources.ladder.protocol import FIELDS, WRITE_ID, settle, tidy, void_note

DAY = date(2022, 10, 1)
NAMES = ("Baarn", "Bunnik", "Eemnes")
READING = Reading(step=lambda gemeente, when, code: "3A" if code == "3" else code)


@dataclass
class Writer:
    """One writer's steps: read (and note earlier copies to mark), mark them one by one,
    append, read back, then mark its own second copies one by one. `stops` makes it stop
    right after its append, as a killed process or a failed read-back would."""

    write_id: str
    rows: list[LadderRow]
    stops: bool = False
    stage: str = "read"
    after: str = "done"  # the stage after the marks
    todo: list[LadderRow] = field(default_factory=list)
    void: list[tuple[int, tuple[int, str]]] = field(default_factory=list)
    added: list[LadderRow] = field(default_factory=list)
    others: list[LadderRow] = field(default_factory=list)  # present or conflicting

    def step(self, tab: list[list[Any]]) -> None:
        lay = layout("ladder", tab, FIELDS)
        if self.stage == "read":
            out = sort_out(self.rows, tab, lay, READING)
            self.todo, self.others = out.added, out.present + [r for r, _ in out.conflicts]
            self.void = sorted(tidy(tab, lay, self.rows, READING).items())
            self.after = "append" if self.todo else "done"
            self.stage = "mark" if self.void else self.after
        elif self.stage == "append":
            tab += [lay.cells(r, lambda k, v: v, {WRITE_ID: self.write_id}) for r in self.todo]
            self.stage = "stopped" if self.stops else "settle"
        elif self.stage == "settle":
            settled = settle(tab, lay, self.write_id, self.todo, READING)
            assert not settled.missing  # an append is never lost in this model
            self.added = settled.kept
            self.others += settled.present + [r for r, _ in settled.conflicts]
            self.void = [(row, (settled.winners[row], self.write_id)) for row in settled.void]
            self.after = "done"
            self.stage = "mark" if self.void else "done"
        elif self.stage == "mark":
            row, (winner, write_id) = self.void.pop(0)
            tab[row - 1][lay.columns[WRITE_ID]] = void_note(winner, write_id)
            if not self.void:
                self.stage = self.after

    @property
    def finished(self) -> bool:
        return self.stage in ("done", "stopped")


steps = st.sampled_from(["1", "2", "3", "3A"])
wishes = st.dictionaries(st.sampled_from(NAMES), steps, min_size=1)


@settings(max_examples=400, deadline=None)
@given(
    before=st.dictionaries(st.sampled_from(NAMES), steps, max_size=1),
    writers=st.lists(st.tuples(wishes, st.booleans()), min_size=2, max_size=4),
    schedule=st.lists(st.integers(0, 3), max_size=40),
)
def test_every_interleaving_leaves_one_row_per_gemeente_and_date(before, writers, schedule):
    """Some writers stop right after their append; the next press of the same round (a
    writer that finds everything there) marks what they left, so the end is the same."""
    tab: list[list[Any]] = [list(FIELDS)]
    tab += [[name, DAY, code, "door een persoon", "", "", ""] for name, code in before.items()]
    team = [
        Writer(
            f"tb-{n}", [LadderRow(g, DAY, Trede(c), "r", f"w{n}") for g, c in wish.items()], stops
        )
        for n, (wish, stops) in enumerate(writers)
    ]
    for pick in schedule:  # the scheduler's order, then everyone to the end
        writer = team[pick % len(team)]
        if not writer.finished:
            writer.step(tab)
    for writer in team:
        while not writer.finished:
            writer.step(tab)
    if any(w.stops for w in team):  # the next press: every decision of the round again
        again = Writer("tb-next", [r for w in team for r in w.rows])
        while not again.finished:
            again.step(tab)
        assert again.added == []  # everything was there already

    standing = entries(tab, layout("ladder", tab, FIELDS))
    keys = [e.name for e in standing]
    wanted = set(before) | {g for wish, _ in writers for g in wish}
    assert sorted(keys) == sorted(name.lower() for name in wanted)  # each exactly once
    by_name = {e.name: e for e in standing}
    for writer in team:
        if writer.stops:
            continue  # it never reported
        for row in writer.rows:
            stands = by_name[row.gemeente.lower()]
            mine = stands.write_id == writer.write_id
            assert (row in writer.added) == mine
            assert (row in writer.others) != mine  # reported once: added, present or conflict
