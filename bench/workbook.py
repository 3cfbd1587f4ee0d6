"""A country-sized SYNTHETIC workbook for the benchmarks, in the coordinators' layout.

342 municipalities in 12 provinces (scale 1; scale 4 has 1,368), ten years of half-years, monthly
realisatie rows: about 52,000 rows at scale 1. Figures are seeded random walks shaped like real
ones; names are invented ("Gemeente 001"). Dates are `datetime.date` cells, as a Google Sheet
holds them (the fake Sheets API renders them like Google does).

    python bench/workbook.py [--scale 1] [--xlsx PATH]   # print the row counts, or save
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sheets.runtime.courtesy import pause  # noqa: E402

Workbook = dict[str, list[list[Any]]]

PROVINCES = (
    "Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
    "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
)  # fmt: skip
MUNICIPALITIES, YEARS, FIRST_YEAR = 342, 10, 2016
PER_REGION = 9
ADMIN, COORDINATOR, MUNICIPAL = 7001, 7002, 7003  # telegram ids in `gebruikers`


def half_years(first: int = FIRST_YEAR, years: int = YEARS) -> list[tuple[str, int, int]]:
    """(label, year, first month) for each half-year: ('2016-I', 2016, 1), ('2016-II', ...)."""
    return [(f"{y}-{'I' * h}", y, 1 if h == 1 else 7) for y in range(first, first + years) for h in (1, 2)]  # fmt: skip


def name(i: int) -> str:
    return f"Gemeente {i:04d}"


def country(scale: int = 1, seed: int = 2024) -> Workbook:
    """The SYNTHETIC workbook: `scale` × 342 municipalities, 20 half-years each."""
    rng = random.Random(seed)
    count = MUNICIPALITIES * scale
    spans = half_years()
    book: Workbook = {
        "gemeenten": [["gemeente", "provincie", "regio", "aliassen"]],
        "taakstelling": [
            ["gemeente", "periode", "taakstelling", "saldo_start", "extra_opgave", "omkoppelingen"]
        ],
        "realisatie": [
            ["gemeente", "peildatum", "gehuisvest", "huurcontracten", "koppelingen", "pijplijn"]
        ],
        "ladder": [["gemeente", "datum", "trede", "toelichting"]],
        "beleid": [["provincie", "periode", "kader"]],
        "deadlines": [["voor", "datum", "soort", "omschrijving"]],
        "gebruikers": [["telegram_id", "naam", "rol", "scope"]],
    }
    for province in PROVINCES:
        book["beleid"].append([province, "", "utrecht" if province == "Utrecht" else "pzh-2020"])
    for i in range(1, count + 1):
        province = PROVINCES[i % len(PROVINCES)]
        region = f"Regio {province[:3]} {i // (PER_REGION * len(PROVINCES)) + 1:02d}"
        book["gemeenten"].append([name(i), province, region, f"G{i}"])
        trede, saldo_first = 0, rng.randint(-5, 30)
        for n, (label, year, month) in enumerate(spans):
            task = rng.randint(5, 400)
            saldo = saldo_first if n == 0 else ""  # later saldi are rolled forward
            book["taakstelling"].append(
                [name(i), label, task, saldo, rng.choice([0, 0, 5]), "nee"]
            )
            housed = 0
            for m in range(6):  # the first of every following month
                month_no = month + m + 1
                peil = date(year + (month_no - 1) // 12, (month_no - 1) % 12 + 1, 1)
                housed += rng.randint(0, max(1, task // 5))
                book["realisatie"].append(
                    [
                        name(i),
                        peil,
                        housed,
                        rng.randint(0, 3),
                        rng.randint(0, 20),
                        rng.randint(0, 9),
                    ]
                )
            if n % 2 == 1:  # a decision at every second assessment
                trede = max(0, min(4, trede + rng.choice([-1, 0, 1])))
                ladder_day = date(year + (1 if month == 7 else 0), 1 if month == 7 else 7, 15)
                book["ladder"].append([name(i), ladder_day, str(trede), "synthetisch"])
    for y in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        for day, kind in ((date(y, 4, 1), "checkpoint"), (date(y, 10, 1), "checkpoint")):
            book["deadlines"].append(["*", day, kind, "toets (synthetisch)"])
    book["gebruikers"] += [
        [ADMIN, "Provincie (synthetisch)", "provincie", "Zuid-Holland"],
        [COORDINATOR, "Coördinator (synthetisch)", "coordinator", "Regio Zui 01"],
        [MUNICIPAL, "Gemeente (synthetisch)", "gemeente", name(8)],
    ]
    return book


def rows(book: Workbook) -> int:
    """Data rows (headers not counted)."""
    return sum(len(r) - 1 for r in book.values())


def save_xlsx(book: Workbook, path: Path) -> None:
    from openpyxl import Workbook as XlsxWorkbook

    # Not write_only: that mode leaves out each sheet's <dimension>, which Excel, LibreOffice and
    # Google's export write, and without which openpyxl reads every sheet twice (1.2 s more).
    xlsx = XlsxWorkbook()
    xlsx.remove(xlsx.active)
    for tab, tab_rows in book.items():
        sheet = xlsx.create_sheet(tab)
        for row in tab_rows:
            sheet.append(row)
    xlsx.save(path)


class MemorySource:
    """A source answering with the workbook in memory (a copy per fetch, as a real read makes)."""

    def __init__(self, book: Workbook, label: str = "synthetische werkmap") -> None:
        self.book, self.label = book, label

    def describe(self) -> str:
        return self.label

    def fetch(self) -> Workbook:
        out: Workbook = {}
        for tab, tab_rows in self.book.items():
            copied: list[list[Any]] = []
            for start in range(0, len(tab_rows), 1024):
                pause()  # a real source reads in pieces too (sheets.runtime.courtesy)
                copied.extend(list(r) for r in tab_rows[start : start + 1024])
            out[tab] = copied
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--xlsx", type=Path)
    args = parser.parse_args()
    book = country(args.scale)
    for tab, tab_rows in book.items():
        print(f"{tab:<13} {len(tab_rows) - 1:>7} rows")
    print(f"{'total':<13} {rows(book):>7} rows (scale {args.scale}, SYNTHETIC)")
    if args.xlsx:
        save_xlsx(book, args.xlsx)
        print(f"saved {args.xlsx}")


if __name__ == "__main__":
    main()
