"""A workbook's overview tabs read beside its one-tab-per-fact tabs (sheets.loading.convert): find them,
read their rows, put their facts in the records, check their sums, say how every header was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.state import Problem
from sheets.names.index import NameIndex
from sheets.overviews import overview, selfcheck
from sheets.overviews.facts import Facts
from sheets.overviews.headers import Reading, plain
from sheets.overviews.kolommen import TAB as KOLOMMEN
from sheets.overviews.kolommen import read_overrides, unused
from sheets.overviews.overview import ColumnReading, OverviewTab
from sheets.tabs.layout import (
    INFO_TAB,
    TABS,
    Table,
    column_letter,
    find_tab,
    missing_tab,
    normalise,
    sheet_ref,
)
from sheets.tabs.values import is_blank, text

RawWorkbook = dict[str, list[list[Any]]]
NO_PROVINCE = (
    "geen provincie bekend voor de gemeenten uit de overzichtstabbladen: zet TAAKBOT_PROVINCIE "
    "(bijvoorbeeld TAAKBOT_PROVINCIE=Utrecht) of een tabblad beleid met provincie en kader"
)


def _provincie(loader: Any, setting: str | None) -> str | None:
    """For municipalities without a `gemeenten` tab: the setting, else the one `beleid` names."""
    if setting:
        return setting.strip()
    named = {normalise(r["provincie"]): r["provincie"] for r in loader.rows["beleid"]}
    if len(named) == 1:
        return next(iter(named.values()))
    if len(named) > 1:
        loader.problems.append(
            Problem(
                "fout",
                "beleid",
                f"tabblad beleid noemt {len(named)} provincies "
                f"({', '.join(sorted(named.values()))}); zet TAAKBOT_PROVINCIE",
            )  # fmt: skip
        )
    return None


@dataclass(slots=True)
class Overviews:
    """The overview tabs of a workbook, read before its one-tab-per-fact tabs so that those can
    name the municipalities the overviews bring; combined with them afterwards."""

    tabs: list[OverviewTab]
    facts: Facts
    adds: bool  # facts go into the records: a `gemeenten` tab or a province for new names


def find_overviews(loader: Any, raw: RawWorkbook, provincie: str | None) -> Overviews | None:
    """Read the overview tabs (sheets.loading.convert's loader, its `gemeenten` tab read); without a
    `gemeenten` tab their rows make the municipalities, so `taakstelling`, `realisatie` and
    `ladder` rows about them are read too. None when the workbook has no overview."""
    overrides = read_overrides(raw, loader.problems)
    skip = {t for tab in (*TABS, KOLOMMEN) for t in find_tab(raw, tab.name, tab.aliases)}
    skip |= set(find_tab(raw, INFO_TAB))
    found = overview.find(raw, skip, overrides)
    titles = {plain(title) for title in raw}
    gone = [o for o in overrides if o.tab is not None and o.tab not in titles]
    loader.problems += [  # the workbook itself says the tab is there: its columns read wrong
        Problem("fout", o.ref, missing_tab(f"{o.tab} uit deze regel", raw)) for o in gone
    ]
    loader.problems += unused([o for o in overrides if o not in gone])
    if not found:
        return None
    known = bool(loader.records)
    replaced = {"gemeenten", "taakstelling", "realisatie", "ladder"}  # the overview holds these
    loader.problems[:] = [
        p
        for p in loader.problems
        if not (p.ref in replaced and p.message.startswith(f"tabblad {p.ref} ontbreekt"))
    ]
    if not known:
        provincie = _provincie(loader, provincie)
        if provincie is None:
            loader.problems.append(Problem("fout", "provincie", NO_PROVINCE))
    regions = {normalise(r.municipality.regio) for r in loader.records.values()}
    tabs = [
        overview.read(
            title, raw[title], number, header, readings, loader.problems, regions, loader.pause
        )
        for title, number, header, readings in found
    ]
    facts = Facts(loader.records, loader.problems, known, provincie or "")
    if not known:
        titles = [f"'{tab.title}'" for tab in tabs]
        loader.origin = ("het overzicht " if len(titles) == 1 else "de overzichten ") + ", ".join(
            titles
        )
        if provincie:
            for row in (row for tab in tabs for row in tab.rows if row.kind == "gemeente"):
                facts.gemeente(row.name, row.regio, row.ref)
            loader.index = NameIndex.current(
                loader.index, (r.municipality for r in loader.records.values())
            )
    return Overviews(tabs, facts, known or bool(provincie))


def read_overviews(loader: Any, found: Overviews | None) -> tuple:
    """Put the overviews' facts into `loader.records` beside those of the layout tabs (read
    by now; the same fact with another value is a named contradiction); returns (the
    OverviewTabs, their ColumnReadings, the staff-only notes)."""
    if found is None:
        return [], [], {}
    facts, tabs = found.facts, found.tabs
    facts.register()  # what the layout tabs said about the overviews' municipalities too
    for tab in tabs:
        if found.adds:
            facts.add(tab)
        loader.problems += selfcheck.check(tab)
        if (hint := selfcheck.opgave_hint(tab)) is not None:
            loader.problems.append(hint)
    loader.snap_refs.update(facts.finish())
    loader.index = NameIndex.current(
        loader.index, (r.municipality for r in loader.records.values())
    )
    readings = [c for tab in tabs for c in tab.columns]
    return tabs, readings, facts.notes


def layout_readings(tables: dict[str, Table | None], raw: RawWorkbook) -> list[ColumnReading]:
    """How the headers of the one-tab-per-fact tabs were read."""
    out = []
    for table in tables.values():
        if table is None:
            continue
        by_index = {i: key for key, i in table.columns.items()}
        for index, cell in enumerate(raw[table.title][table.header_row - 1]):
            if is_blank(cell):
                continue
            key = by_index.get(index)
            ref = sheet_ref(table.title, f"{column_letter(index)}{table.header_row}")
            out.append(ColumnReading(ref, text(cell) or "", Reading(None), key or ""))
    return out
