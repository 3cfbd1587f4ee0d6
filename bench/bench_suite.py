"""How long the whole test suite takes, beside a baseline revision in the same run.

The suite's target (issue 26): under 20 s on an idle 2-core machine, the README's test command.
One run says little on a shared machine (±0.5 s from one run to the next), so this runs the
suite at this checkout and at `--baseline REV` (a temporary git worktree of that revision)
alternately, `--runs` times each, and prints every run and the medians: wall time as pytest
reports it, and the CPU time of pytest and every process it started. Both use the Python
environment this script runs in.

    python bench/bench_suite.py [--baseline REV] [--runs 3] [-- PYTEST ARGS]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"(\d+) passed.* in ([\d.]+)s")


def run_suite(folder: Path, pytest_args: list[str]) -> tuple[float, float, float, str]:
    """(pytest's own seconds, wall seconds, CPU seconds of everything it ran, summary)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args],  # the README's command
        cwd=folder,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("TAAKBOT_")},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
    found = SUMMARY.search(last)
    if done.returncode != 0 or found is None:
        failed = [
            line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))
        ]
        raise SystemExit(f"{folder}: de tests slaagden niet: {last}\n" + "\n".join(failed))
    return float(found.group(2)), wall, cpu, last.strip("= ")


def worktree(rev: str, into: Path) -> Path:
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(into), rev],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision to compare with (e.g. HEAD~5)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        trees = {"deze checkout": ROOT}
        if args.baseline:
            trees[f"basis {args.baseline}"] = worktree(args.baseline, Path(tmp) / "basis")
        try:
            results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
            print(f"{'':22} {'pytest':>8} {'wand':>8} {'CPU':>8}  tests")
            for n in range(args.runs):
                for name, folder in trees.items():
                    own, wall, cpu, summary = run_suite(folder, args.pytest_args)
                    results[name].append((own, wall, cpu))
                    print(
                        f"{name[:16]:16} run {n + 1} {own:7.2f}s {wall:7.2f}s {cpu:7.1f}s  {summary}"
                    )
            print()
            for name, rows in results.items():
                own, wall, cpu = (statistics.median(col) for col in zip(*rows, strict=True))
                print(f"{name[:16]:16} mediaan {own:7.2f}s {wall:7.2f}s {cpu:7.1f}s")
            load = os.getloadavg()
            print(
                f"\n{os.cpu_count()} kernen, load na afloop {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
            )
        finally:
            if args.baseline:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(Path(tmp) / "basis")],
                    cwd=ROOT,
                    capture_output=True,
                )


if __name__ == "__main__":
    main()
