"""Structural damage: a read that lost a tab, a key column, a fact or the `gebruikers` tab.

A half-finished edit (a tab deleted to be re-pasted, a header renamed, a column of #REF!) must not
replace good data: the cache compares the shape of each new read with that of the data it serves
(`damage(old, new)`), refuses a damaged read, keeps serving the last good data with its age, and
tells province staff once (`SheetCache` in sheets.runtime.cache). Repairing the sheet is enough: the next
refresh is accepted. A deliberate change of layout is accepted on a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheets.overviews.headers import CHECKS

OPTIONAL = frozenset(
    {"bron", "toelichting", "omschrijving", "naam", "saldo_bron", "aliassen", "adres"}
)
SHRINK = 0.5  # fewer than half the municipality rows still readable: the key column is damaged


@dataclass(frozen=True, slots=True)
class Structure:
    """The shape of one read: which tabs gave which facts, and how many rows they named."""

    tabs: dict[str, dict[str, str]] = field(default_factory=dict)  # tab → fact → its header
    rows: dict[str, int] = field(default_factory=dict)  # tab → readable key rows
    titles: frozenset[str] = frozenset()  # every tab title in the workbook
    users: bool = False  # a readable `gebruikers` tab

    @classmethod
    def of(
        cls,
        layout: dict[str, Any],
        overviews: list[Any],
        raw: dict[str, Any],
        parsed: dict[str, int] | None = None,
    ) -> Structure:
        """`layout`: tab name → sheets.tabs.layout.Table or None; `overviews`: OverviewTab list;
        `parsed`: rows per layout tab whose cells all read."""
        tabs: dict[str, dict[str, str]] = {}
        rows: dict[str, int] = {}
        for name, table in layout.items():
            if table is None:
                continue
            header = raw[table.title][table.header_row - 1]
            tabs[name] = {
                key: str(header[index]).strip()
                for key, index in table.columns.items()
                if key not in OPTIONAL and _filled(table.rows, index)
            }
            rows[name] = (parsed or {}).get(name, len(table.rows))
        for tab in overviews:
            facts: dict[str, str] = {"gemeente": "gemeente"}
            headers = {c.ref.rsplit("!", 1)[1].rstrip("0123456789"): c.header for c in tab.columns}
            for row in tab.rows:
                for cell in row.cells:
                    letters = cell.ref.rsplit("!", 1)[1].rstrip("0123456789")
                    if cell.reading.fact not in CHECKS:  # a sum it checks is no data lost
                        facts.setdefault(cell.reading.fact, headers.get(letters, letters))
            tabs[tab.title] = facts
            rows[tab.title] = sum(r.kind == "gemeente" for r in tab.rows)
        return cls(tabs, rows, frozenset(raw), layout.get("gebruikers") is not None)


def _filled(rows: list[tuple[int, list[Any]]], index: int) -> bool:
    """A column that holds something: losing an empty optional column is no damage."""
    return any(index < len(cells) and cells[index] not in (None, "") for _, cells in rows)


def damage(old: Structure | None, new: Structure | None) -> list[str]:
    """What the new read lost compared with the old one, in Dutch; empty when nothing."""
    if old is None or new is None:
        return []
    out: list[str] = []
    added = [t for t in new.tabs if t not in old.tabs]
    for tab, facts in old.tabs.items():
        if tab not in new.tabs:
            if tab == "gebruikers":
                continue  # said below, with its consequence
            if any(_renamed(old, tab, new, other) for other in added):
                continue
            shown = f"tabblad {tab}"
            gone = tab not in new.titles and not any(t.casefold() == tab for t in new.titles)
            out.append(f"{shown} ontbreekt" if gone else f"{shown} wordt niet meer gelezen "
                       "(een verplichte kolom ontbreekt of is hernoemd)")  # fmt: skip
            continue
        lost = [
            f'"{header}" ({fact})' for fact, header in facts.items() if fact not in new.tabs[tab]
        ]
        if lost:
            out.append(f"tabblad {tab}: kolom {', '.join(lost)} niet meer gevonden (hernoemd?)")
        before, after = old.rows.get(tab, 0), new.rows.get(tab, 0)
        if before >= 2 and after < before * SHRINK:
            out.append(f"tabblad {tab}: nog {after} van {before} regels leesbaar "
                       "(kolom gemeente beschadigd of formulefouten?)")  # fmt: skip
    if old.users and not new.users:
        out.append("tabblad gebruikers ontbreekt of is onleesbaar: niemand zou nog toegang hebben")
    return out


def _renamed(old: Structure, tab: str, new: Structure, other: str) -> bool:
    """A tab renamed ('… 2022‐2' → '… november'): a new tab with all its facts and rows."""
    return (
        set(old.tabs[tab]) <= set(new.tabs[other])
        and new.rows.get(other, 0) >= old.rows.get(tab, 0) * SHRINK
    )


def message(items: list[str]) -> str:
    """One Dutch sentence for /ververs, the log and the notice to province staff."""
    return (
        "de sheet is beschadigd, verversen geweigerd: "
        + "; ".join(items)
        + ". Taakbot gebruikt de laatste goede gegevens tot dit hersteld is."
    )


@dataclass(frozen=True, slots=True)
class Damage:
    """A refused read: what it lost, in Dutch."""

    items: tuple[str, ...]

    @property
    def message(self) -> str:
        return message(list(self.items))

    def __str__(self) -> str:
        return self.message


def structural_damage(old: Any, new: Any) -> Damage | None:
    """The damage of `new` (a SheetData) against the data served now, or None when it may
    replace it. Nothing served yet: never damage (a first read is all there is)."""
    if old is None:
        return None
    items = damage(getattr(old, "structure", None), getattr(new, "structure", None))
    return Damage(tuple(items)) if items else None


class DamageNotices:
    """Tell province staff once per distinct damage: `pending(cache.damage)` gives the text the
    first time a damage is seen, None after that and None once the sheet is repaired."""

    def __init__(self) -> None:
        self._told: tuple[str, ...] | None = None

    def pending(self, damage: Damage | None) -> str | None:
        if damage is None:
            self._told = None
            return None
        if damage.items == self._told:
            return None
        self._told = damage.items
        return damage.message
