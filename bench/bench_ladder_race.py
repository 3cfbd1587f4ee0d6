"""Two processes record the same six decisions in the same sheet at the same moment, many
trials per writer (issue 24): each writer as shipped beside the same writer without its
guard (local files without the lock, Google without the read-back's winner rule), in the same
run, so the figures show the race is real and what the guard does about it.

A trial counts as *double* when a decision stands twice, *lost* when one is missing, *both
added* when the two reports together claim a decision twice (a file replaced by a writer that
never saw the other's rows: one set of rows is gone though both said "added"), and *raced*
(Google) when both processes appended. The tests run the same race a dozen times per writer
(tests/test_ladder_processes.py); this runs it as often as you like.

    python bench/bench_ladder_race.py [--trials 100]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sheets.sources.ladder import csv_folder, google, ods, xlsx  # noqa: E402
from sheets.sources.ladder.protocol import Settlement  # noqa: E402
from sheets.sources.local import LocalSource  # noqa: E402
from sheets.tabs.layout import normalise  # noqa: E402
from tests.fakes.sheets_api import FakeSheetsServer  # noqa: E402
from tests.test_ladder_processes import HEADER, LOCAL, NAMES, SHEET, Pair, _standing  # noqa: E402

WANTED = Counter(normalise(n) for n in NAMES)


@contextlib.contextmanager
def unguarded(kind: str):
    """The writer without its guard, in this process and the workers forked from it."""
    saved = {}
    if kind == "google":
        saved[google, "settle"] = google.settle
        google.settle = lambda raw, lay, wid, rows, reading=None: Settlement(kept=list(rows))
    else:
        for module in (xlsx, ods, csv_folder):
            saved[module, "held"] = module.held
            module.held = lambda path: contextlib.nullcontext()
    try:
        yield
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


def race(kind: str, trials: int, folder: Path) -> dict[str, float]:
    figures = Counter()
    start = time.perf_counter()
    if kind == "google":
        with (
            FakeSheetsServer.in_thread({SHEET: {"ladder": [HEADER]}}) as server,
            Pair(kind) as pair,
        ):
            for _ in range(trials):
                server.set_workbook({"ladder": [HEADER]}, spreadsheet_id=SHEET)
                server.reset_log()
                answer = pair.trial(server.url)
                figures["both added"] += sum(a for _, a, _, _ in answer) > len(NAMES)
                standing = _standing(server.tab(SHEET, "ladder"))
                figures["raced"] += server.count("append") == 2
                figures["double"] += any(n > 1 for n in standing.values())
                figures["lost"] += bool(WANTED - standing)
    else:
        make = LOCAL[kind][1]
        suffix = "" if kind == "csv" else f".{kind}"
        with Pair(kind) as pair:
            for n in range(trials):
                target = make(folder / f"{kind}-{n}-{time.monotonic_ns()}{suffix}")
                answer = pair.trial(str(target))
                figures["errors"] += any(error for *_, error in answer)
                figures["both added"] += sum(a for _, a, _, _ in answer) > len(NAMES)
                standing = _standing(LocalSource(target).fetch()["ladder"])
                figures["double"] += any(n > 1 for n in standing.values())
                figures["lost"] += bool(WANTED - standing)
    figures["ms per trial"] = (time.perf_counter() - start) * 1000 / trials
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    print(f"{args.trials} trials per writer, two processes at once, {len(NAMES)} decisions each")
    print(
        f"{'writer':8} {'guard':6} {'double':>7} {'lost':>5} {'both added':>11} {'raced':>6} "
        f"{'errors':>7} {'ms/trial':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("xlsx", "ods", "csv", "google"):
            for guard in ("yes", "no"):
                with contextlib.nullcontext() if guard == "yes" else unguarded(kind):
                    f = race(kind, args.trials, Path(tmp))
                raced = f"{f['raced']:.0f}" if kind == "google" else "–"
                print(
                    f"{kind:8} {guard:6} {f['double']:7.0f} {f['lost']:5.0f} "
                    f"{f['both added']:11.0f} {raced:>6} "
                    f"{f['errors']:7.0f} {f['ms per trial']:9.1f}"
                )


if __name__ == "__main__":
    main()
