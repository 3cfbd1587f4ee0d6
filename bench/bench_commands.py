"""Reply time per command from a warm cache: median and p99 over a few hundred commands."""

from __future__ import annotations

import statistics
import time
from datetime import date

from commands.context import Ctx
from commands.roles import Role
from commands.router import handle
from sheets.convert import load
from sheets.local import default_source
from sheets.names import NameIndex

COMMANDS = [
    "/stand Den Haag",
    "/stand Leusdn",
    "/regio Haaglanden",
    "/provincie Zuid-Holland",
    "/prognose Haaglanden",
    "/ladder Den Haag",
    "/deadlines Delft",
    "/controle",
]
ROUNDS = 40


def main() -> None:
    source = default_source()
    data = load(source.fetch(), source.describe())
    names = NameIndex(data)
    role, day = Role("provincie"), date(2022, 3, 21)
    timings: dict[str, list[float]] = {c: [] for c in COMMANDS + ["/grafiek Delft"]}
    for i in range(ROUNDS):
        for command in timings:
            if command.startswith("/grafiek") and i >= 10:
                continue  # charts are slower; ten are enough for a median
            start = time.perf_counter()
            handle(Ctx(data, day, 1, role, "nl", names), command)
            timings[command].append(time.perf_counter() - start)
    every = sorted(t for ts in timings.values() for t in ts)
    for command, ts in timings.items():
        print(
            f"{command:<26} median {statistics.median(ts) * 1000:7.2f} ms  "
            f"max {max(ts) * 1000:7.2f} ms  (n={len(ts)})"
        )
    p99 = every[int(len(every) * 0.99) - 1]
    print(
        f"all {len(every)} replies: median {statistics.median(every) * 1000:.2f} ms, "
        f"p99 {p99 * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
