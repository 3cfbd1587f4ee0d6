"""Parse and check a province-sized workbook, and resolve typed names against it.

Synthetic: 350 municipalities × 10 periods × 6 monthly realisatie rows (21,000 rows), written in
Dutch notation as a CSV export would hold them. Prints parse+validate time, name-index build and
lookup time, and the tracemalloc peak. Run: `python -m bench.bench_parse`.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from typing import Any

from engine.periods import Period
from sheets.loading.convert import load
from sheets.names.index import NameIndex

MUNICIPALITIES, PERIODS, MONTHS = 350, 10, 6
REGIONS = 25


def workbook(seed: int = 2022) -> dict[str, list[list[Any]]]:
    rng = random.Random(seed)
    names = [
        f"Gemeente {i:03d}-{rng.choice(['Noord', 'Zuid', 'Oost', 'West'])}"
        for i in range(MUNICIPALITIES)
    ]
    periods = [Period(2018, 1)]
    while len(periods) < PERIODS:
        periods.append(periods[-1].next)
    raw: dict[str, list[list[Any]]] = {
        "gemeenten": [["gemeente", "provincie", "regio", "aliassen"]],
        "taakstelling": [["gemeente", "periode", "taakstelling", "saldo_start", "omkoppelingen"]],
        "realisatie": [["gemeente", "peildatum", "gehuisvest", "koppelingen"]],
        "ladder": [["gemeente", "datum", "trede"]],
    }
    for n, name in enumerate(names):
        raw["gemeenten"].append([name, f"Provincie {n % 12}", f"Regio {n % REGIONS}", f"G{n}"])
        for period in periods:
            taak = rng.randint(5, 1500)
            raw["taakstelling"].append(
                [name, period.label, f"{taak:,}".replace(",", "."), rng.randint(-20, 60), "nee"]
            )
            housed = 0
            for month in range(1, MONTHS + 1):
                housed += rng.randint(0, max(1, taak // 5))
                months = period.start.month - 1 + month  # the first of each following month
                day = f"1-{months % 12 + 1}-{period.year + months // 12}"  # Dutch notation
                raw["realisatie"].append([name, day, housed, rng.randint(0, 80)])
            raw["ladder"].append(
                [name, period.first_day_after.isoformat(), str(rng.choice("0123"))]
            )
    return raw


def main() -> None:
    raw = workbook()
    rows = sum(len(rows) - 1 for rows in raw.values())
    start = time.perf_counter()
    data = load(raw, "bench")
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    index = NameIndex(data)
    built = time.perf_counter() - start
    typed = ["gemeente 012-noord", "Gemeente 12", "G17", "regio 3", "Provincie 4", "Gemnte 200"]
    start = time.perf_counter()
    for text in typed * 20:
        index.resolve(text)
    resolved = (time.perf_counter() - start) / (len(typed) * 20)
    tracemalloc.start()  # a second run: tracing slows the first one down several times
    NameIndex(load(raw, "bench"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{rows} regels ({len(data.records)} gemeenten): inlezen + controle "
        f"{parsed * 1000:.0f} ms ({parsed / rows * 1e6:.1f} µs/regel), "
        f"{len(data.problems)} meldingen"
    )
    print(f"naamindex bouwen {built * 1000:.1f} ms; resolve {resolved * 1000:.2f} ms per naam")
    print(f"tracemalloc piek (inlezen + naamindex) {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
