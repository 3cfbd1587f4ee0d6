"""Put the facts of overview tabs into the domain records, beside those of the one-tab-per-fact
layout: taakstelling, saldo, opgave and extra opgave into PeriodFigures, counts per date into
Snapshots, treden into LadderDecisions, opmerkingen into staff-only notes.

The same fact twice (two monthly tabs, or a tab and the `taakstelling` tab) counts once; with
different values it is a contradiction naming both cells, and the first one read counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from engine.model import LadderDecision, Municipality, MunicipalityRecord, PeriodFigures, Snapshot
from engine.periods import Period
from engine.state import Problem
from sheets.names.aliases import canonical, other_names
from sheets.names.index import NameIndex
from sheets.names.index import normalise as name_key
from sheets.overviews.overview import Cell, OverviewTab
from sheets.tabs.rows import nl_date

FIGURE_FIELDS = {"taakstelling": "taakstelling", "opgave": "opgave_stated",
                 "extra_opgave": "extra_opgave", "saldo": "saldo_start"}  # fmt: skip
SNAPSHOT_FIELDS = {"realisatie": "housed", "huurcontracten": "contracts",
                   "koppelingen": "koppelingen", "pijplijn": "pipeline"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Note:
    """An `opmerkingen` cell: for province staff only, never in a municipality's answer."""

    gemeente: str
    day: date | None
    text: str
    source: str


class Facts:
    """Merges overview rows into `records`; appends contradictions to `problems`."""

    def __init__(
        self,
        records: dict[str, MunicipalityRecord],
        problems: list[Problem],
        known: bool,
        provincie: str,
    ) -> None:
        self.records, self.problems = records, problems
        self.known = known  # a `gemeenten` tab names the municipalities: others are unknown
        self.provincie = provincie
        self.index = NameIndex(r.municipality for r in records.values())
        self.made: dict[str, str] = {}  # name key → a municipality created from an overview row
        self.seen: dict[tuple[Any, ...], tuple[Any, str]] = {}
        self.snaps: dict[tuple[str, Period, date], dict[str, Any]] = {}
        self.notes: dict[str, list[Note]] = {}
        self.register()

    def register(self) -> None:
        """What the layout tabs already say, so an overview that differs is reported (again
        once they are read: they may name municipalities an overview made)."""
        for name, record in self.records.items():
            for period, fig in record.figures.items():
                for fact, attr in FIGURE_FIELDS.items():
                    value = getattr(fig, attr)
                    if value is not None and not (fact == "extra_opgave" and value == 0):
                        self.seen[(name, fact, period)] = (value, fig.source)
            for snap in record.snapshots:
                key = (name, snap.period, snap.peildatum)
                self.snaps[key] = {"_snap": snap}
                for fact, attr in SNAPSHOT_FIELDS.items():
                    if (value := getattr(snap, attr)) is not None:
                        self.seen[(name, fact, key[1:])] = (value, snap.source)
            for decision in record.decisions:
                self.seen[(name, "trede", decision.date)] = (decision.trede, decision.source)

    def gemeente(self, name: str, regio: str, ref: str) -> str | None:
        """The record a row's name stands for; created from the row without a `gemeenten` tab."""
        hit = self.index.lookup(name, ("gemeente",))
        if hit is not None:
            return hit[1]
        if (made := self.made.get(name_key(name))) is not None:
            return made
        if self.known:
            message = f'onbekende gemeente "{name}" (niet in tabblad gemeenten)'
            if suggestion := self.index.suggest(name, ("gemeente",), cutoff=60.0):
                message += f"; bedoelt u {suggestion[0]}?"
            self.problems.append(Problem("fout", ref, message))
            return None
        official = canonical(name)
        if (made := self.made.get(name_key(official))) is not None:
            self.made[name_key(name)] = made  # 'Den Haag' in one tab, 'Gravenhage 's-' in another
            return made
        aliases = (name,) if name_key(name) != name_key(official) else ()
        self.records[official] = MunicipalityRecord(
            Municipality(official, self.provincie, regio, aliases)
        )
        for known in (official, *aliases, *other_names(official)):
            self.made.setdefault(name_key(known), official)
        return official

    def add(self, tab: OverviewTab) -> None:
        for row in tab.rows:
            if row.kind != "gemeente":
                continue
            name = self.gemeente(row.name, row.regio, row.ref)
            if name is None:
                continue
            record = self.records[name]
            if row.regio and not record.municipality.regio:
                record.municipality = replace(record.municipality, regio=row.regio)
            for cell in row.cells:
                self._cell(name, cell)

    def _same(self, key: tuple[Any, ...], value: Any, cell: Cell, what: str) -> bool:
        """True when the fact is new; a repeat with another value is a contradiction."""
        first = self.seen.setdefault(key, (value, cell.ref))
        if first == (value, cell.ref):
            return True
        if first[0] != value:
            shown = lambda v: getattr(v, "code", v)  # noqa: E731
            self.problems.append(
                Problem(
                    "fout",
                    cell.ref,
                    f"tegenstrijdig: {what} is hier {shown(value)}, in {first[1]} "
                    f"{shown(first[0])}; {first[1]} telt",
                )
            )
        return False

    def _cell(self, name: str, cell: Cell) -> None:
        r, record = cell.reading, self.records[name]
        if r.fact in FIGURE_FIELDS:
            period = r.period if r.fact != "saldo" else Period.containing(r.day)  # type: ignore[arg-type]
            value = cell.value * r.sign if r.fact == "saldo" else cell.value
            what = f"{r.fact.replace('_', ' ')} {period} van {name}"
            if not self._same((name, r.fact, period), value, cell, what):
                return
            fig = record.figures.get(period) or PeriodFigures(name, period, None, source=cell.ref)
            changes: dict[str, Any] = {FIGURE_FIELDS[r.fact]: value}
            if r.fact == "saldo":
                changes["saldo_source"] = f"stand per {nl_date(r.day)} ({cell.ref})"  # type: ignore[arg-type]
                changes["saldo_ref"] = cell.ref
            if r.fact == "taakstelling":
                changes["source"] = cell.ref
            record.figures[period] = replace(fig, **changes)
        elif r.fact in SNAPSHOT_FIELDS and r.day is not None and r.period is not None:
            key = (name, r.period, r.day)
            what = f"{r.fact} per {nl_date(r.day)} van {name}"
            if self._same((name, r.fact, key[1:]), cell.value, cell, what):
                self.snaps.setdefault(key, {})[r.fact] = (cell.value, cell.ref)
        elif r.fact == "trede" and r.day is not None:
            what = f"trede op {nl_date(r.day)} van {name}"
            if self._same((name, "trede", r.day), cell.value, cell, what):
                note = f"beoordeling {r.period}" if r.period else ""
                record.decisions.append(LadderDecision(name, r.day, cell.value, note, cell.ref))
        elif r.fact == "opmerkingen":
            self.notes.setdefault(name, []).append(Note(name, r.day, cell.value, cell.ref))

    def finish(self) -> dict[int, str]:
        """Build the snapshots; returns the cell of each one's gehuisvest (for later checks)."""
        refs: dict[int, str] = {}
        for (name, period, day), parts in self.snaps.items():
            record = self.records[name]
            old: Snapshot | None = parts.pop("_snap", None)
            if not parts:
                continue
            values = {SNAPSHOT_FIELDS[f]: v for f, (v, _) in parts.items()}
            if old is not None:
                record.snapshots.remove(old)
                snap = replace(old, **{k: v for k, v in values.items() if v is not None})
            elif "housed" in values:
                ref = parts["realisatie"][1]
                snap = Snapshot(name, day, period, source=ref, **values)
                refs[id(snap)] = ref
            else:
                where = ", ".join(ref for _, ref in parts.values())
                self.problems.append(
                    Problem(
                        "waarschuwing",
                        where.split(", ")[0],
                        f"{', '.join(parts)} per {nl_date(day)} zonder gehuisvest op die "
                        f"datum ({where}); telt niet mee",
                    )
                )
                continue
            record.snapshots.append(snap)
        for record in self.records.values():
            record.snapshots.sort(key=lambda s: s.peildatum)
            record.decisions.sort(key=lambda d: d.date)
        return refs
