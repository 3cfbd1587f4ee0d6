"""Benchmark GoogleSheetSource against the fake Sheets API with a country-sized workbook.

All figures served are SYNTHETIC (seeded random numbers shaped like the coordinators' sheet:
350 municipalities, 10 half-year periods, 6 monthly realisatie rows each); they only give the
payload a realistic size. The fake runs in a separate process so that tracemalloc measures our
side alone. Prints requests per refresh, fetch time (median of N) and peak Python memory.

    python bench/bench_gsheet.py [--municipalities 350] [--periods 10] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import time
import tracemalloc
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sheets.gsheet import GoogleSheetSource  # noqa: E402
from tests.fakes.sheets_api import FakeSheetsServer  # noqa: E402

SHEET_ID = "1BenchBenchBenchBenchBenchBenchBenchBench0"
PROVINCES = [
    "Groningen",
    "Fryslân",
    "Drenthe",
    "Overijssel",
    "Flevoland",
    "Gelderland",
    "Utrecht",
    "Noord-Holland",
    "Zuid-Holland",
    "Zeeland",
    "Noord-Brabant",
    "Limburg",
]


def periods(count: int, first_year: int = 2019) -> list[tuple[str, int, int]]:
    """Return (label, year, first month) for ``count`` half-years."""
    out = []
    for i in range(count):
        year, half = first_year + i // 2, i % 2
        out.append((f"{year}-{'I' * (half + 1)}", year, 1 + 6 * half))
    return out


def synthetic_workbook(municipalities: int, n_periods: int, seed: int = 2024) -> dict[str, Any]:
    """Build a SYNTHETIC workbook with the coordinators' tabs; numbers mean nothing."""
    rng = random.Random(seed)
    names = [f"Gemeente {i:03d} (synthetisch)" for i in range(1, municipalities + 1)]
    spans = periods(n_periods)
    gemeenten = [["naam", "cbs-code", "provincie", "regio", "inwoners"]]
    taakstelling = [["gemeente", "periode", "taakstelling", "achterstand", "extra opgave"]]
    realisatie = [["gemeente", "periode", "peildatum", "gehuisvest", "koppelingen", "bron"]]
    ladder = [["gemeente", "trede", "sinds", "opmerking"]]
    for i, name in enumerate(names):
        gemeenten.append(
            [
                name,
                1000 + i,
                PROVINCES[i % len(PROVINCES)],
                f"Regio {i // 9:02d}",
                rng.randint(900, 900_000),
            ]
        )
        ladder.append([name, rng.choice(["0", "1", "2", "3A", "3B", "4"]), "1-7-2022", ""])
        for label, year, month in spans:
            task = rng.randint(1, 500)
            taakstelling.append([name, label, task, rng.randint(-20, 80), round(task * 0.48)])
            housed = 0
            for m in range(6):
                housed += rng.randint(0, max(1, task // 5))
                realisatie.append(
                    [
                        name,
                        label,
                        f"1-{month + m}-{year}",
                        housed,
                        rng.randint(0, task),
                        "COA TVS (synthetisch)",
                    ]
                )
    return {
        "gemeenten": gemeenten,
        "taakstelling": taakstelling,
        "realisatie": realisatie,
        "ladder": ladder,
        "beleid": [["periode", "regel", "drempel"]]
        + [[label, "100%", 1.0] for label, _, _ in spans],
        "deadlines": [["wat", "wanneer"]]
        + [[f"controle {i}", f"1-{1 + i % 12}-2023"] for i in range(40)],
        "gebruikers": [["telegram-id", "naam", "rol"]]
        + [[10_000 + i, f"Coördinator {i}", "coordinator"] for i in range(50)],
    }


def _serve(conn: Connection, municipalities: int, n_periods: int) -> None:
    """Child process: serve the workbook until told to stop; answer counter queries."""
    book = synthetic_workbook(municipalities, n_periods)
    with FakeSheetsServer.in_thread(workbooks={SHEET_ID: book}) as srv:
        conn.send(srv.url)
        while (command := conn.recv()) != "stop":
            if command == "counts":
                conn.send(dict(srv.counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=350)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    parent, child = multiprocessing.get_context("spawn").Pipe()
    proc = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(child, args.municipalities, args.periods), daemon=True
    )
    proc.start()
    try:
        url = parent.recv()

        def counts() -> dict[str, int]:
            parent.send("counts")
            return parent.recv()

        source = GoogleSheetSource(SHEET_ID, api_url=url)
        t0 = time.perf_counter()
        book = source.fetch()
        cold = time.perf_counter() - t0
        first = counts()
        warm_times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            source.fetch()
            warm_times.append(time.perf_counter() - t0)
        after = counts()

        tracemalloc.start()
        source.fetch()
        _, warm_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tracemalloc.start()
        GoogleSheetSource(SHEET_ID, api_url=url).fetch()
        _, cold_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        parent.send("stop")
        proc.join(timeout=10)

    cells = sum(len(row) for rows in book.values() for row in rows)
    payload = len(json.dumps(book, ensure_ascii=False).encode())
    per_refresh = (
        after.get("batchGet", 0)
        - first.get("batchGet", 0)
        + after.get("metadata", 0)
        - first.get("metadata", 0)
    ) / args.repeat
    print(f"workbook (SYNTHETIC): {args.municipalities} municipalities x {args.periods} periods")
    for tab, rows in book.items():
        print(f"  {tab:<13} {len(rows):>7} rows")
    print(f"  cells {cells:,}; values as JSON ~{payload / 1e6:.1f} MB")
    print(
        f"requests, first refresh: {first.get('metadata', 0)} metadata + "
        f"{first.get('batchGet', 0)} batchGet"
    )
    print(f"requests per later refresh: {per_refresh:g}")
    print(f"fetch time, first refresh: {cold * 1000:.0f} ms")
    print(
        f"fetch time, later refresh (median of {args.repeat}): "
        f"{statistics.median(warm_times) * 1000:.0f} ms "
        f"(min {min(warm_times) * 1000:.0f}, max {max(warm_times) * 1000:.0f})"
    )
    print(
        f"peak traced memory: later refresh {warm_peak / 1e6:.1f} MB, "
        f"first refresh with a new source {cold_peak / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
