"""The optional `kolommen` tab: a coordinator corrects how Taakbot reads a column.

    tabblad | kolom                      | betekenis | periode | datum
            | Taakstelling 1e helft 2022 | opgave    | 2022-I  |

`tabblad` empty means every overview tab; `kolom` is the header as written or a column letter;
`betekenis` a fact (`opgave`, `taakstelling`, `trede`, `saldo`, `gehuisvest`, … or `negeren`);
`periode` and `datum` replace what the header says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from engine.periods import Period
from engine.state import Problem
from sheets.overviews.headers import FACT_KEYS, FACTS, KEYS, MEANINGS, Reading, plain, read_header
from sheets.tabs.layout import Column, Tab, read_table
from sheets.tabs.rows import parse_rows

TAB = Tab("kolommen", (
    Column("tabblad", aliases=("tab", "blad")),
    Column("kolom", required=True, aliases=("kolomkop", "kop", "header")),
    Column("betekenis", required=True, empty_ok=True, aliases=("feit", "lezen als", "is")),
    Column("periode", "period", aliases=("halfjaar",)),
    Column("datum", "date", aliases=("peildatum",)),
), aliases=("kolommen", "columns"), expected=False, help="hoe een kolom gelezen wordt")  # fmt: skip


NEEDS = {key: needs for key, _, needs, _ in FACTS}


@dataclass(frozen=True, slots=True)
class Override:
    tab: str | None  # plain() of the tab title; None for every tab
    column: str  # plain() of the header, or a column letter in upper case
    fact: str | None
    period: Period | None
    day: date | None
    ref: str
    used: list[str]  # refs of the columns it applied to (filled while reading)

    def matches(self, title: str, header: Any, letter: str) -> bool:
        if self.tab is not None and self.tab != plain(title):
            return False
        return self.column == letter or self.column == plain(header)

    def apply(self, header: Any, default_day: date | None) -> Reading:
        """The header's own reading with the fact, period and date replaced where given."""
        if self.fact is None:
            return Reading(None, why=f"genegeerd volgens {self.ref}")
        own = read_header(header, default_day)
        if own.fact != self.fact:
            own = read_header(f"{self.fact} {header}", default_day)
            own = replace(own, fact=self.fact) if own.fact is not None else Reading(self.fact)
        if self.period is not None:
            own = replace(own, period=self.period)
            if self.fact == "trede" and self.day is None:
                own = replace(own, day=self.period.first_day_after)
            if self.fact == "saldo" and self.day is None:
                own = replace(own, day=self.period.start)
        if self.day is not None:
            own = replace(own, day=self.day)
            if own.period is None or not own.period.covers_peildatum(self.day):
                own = replace(own, period=Period.of_peildatum(self.day))
        needs = NEEDS.get(self.fact, "")
        if (needs == "period" and own.period is None) or (
            needs in ("day", "when") and not own.day
        ):
            what = "periode" if needs == "period" else "datum"
            return Reading(None, why=f"{self.ref} geeft geen {what}; vul die in")
        return replace(own, why=f"volgens {self.ref}")


def read_overrides(raw: dict[str, list[list[Any]]], problems: list[Problem]) -> list[Override]:
    out: list[Override] = []
    for row in parse_rows(read_table(TAB, raw, problems), problems):
        word = plain(row["betekenis"] or "negeren").strip(" .")
        fact = MEANINGS.get(word, word.replace(" ", "_"))
        if fact and fact not in FACT_KEYS and fact not in KEYS:
            known = ", ".join(sorted({*FACT_KEYS, *KEYS, "gehuisvest", "negeren"}))
            problems.append(
                Problem(
                    "fout",
                    row.ref("betekenis"),
                    f'onbekende betekenis "{row["betekenis"]}"; bekend zijn: {known}',
                )
            )
            continue
        column = row["kolom"]
        key = column.upper() if re.fullmatch(r"[A-Za-z]{1,2}", column) else plain(column)
        tab = plain(row["tabblad"]) if row["tabblad"] not in (None, "*") else None
        out.append(
            Override(tab, key, fact or None, row["periode"], row["datum"], row.ref("kolom"), [])
        )
    return out


def unused(overrides: list[Override]) -> list[Problem]:
    """An override that matched no column is a warning: the header or tab is probably renamed."""
    return [
        Problem("waarschuwing", o.ref, "deze regel past op geen kolom van een overzichtstabblad")
        for o in overrides
        if not o.used
    ]
