"""Assess 350 municipalities × 12 periods and print the time per assessment.

Synthetic figures (a deterministic pseudo-random walk), only to measure the engine's speed.
Target: well under a millisecond per assessment.
"""

from __future__ import annotations

import random
import statistics
import time

from engine.assessment import EndInput, MidInput, end_of_period_assessment, mid_period_check
from engine.periods import Period
from engine.policies import get_policy
from engine.treden import Trede

MUNICIPALITIES, PERIODS = 350, 12


def main() -> None:
    rng = random.Random(2022)
    policies = [get_policy("pzh-2020"), get_policy("utrecht")]
    periods = [Period(2017, 1)]
    while len(periods) < PERIODS:
        periods.append(periods[-1].next)
    timings = []
    count = 0
    for m in range(MUNICIPALITIES):
        policy = policies[m % 2]
        trede, saldo = Trede("0"), 0
        for period in periods:
            taak = rng.randint(5, 400)
            opg = max(0, taak + saldo)
            mid_real = rng.randint(0, opg)
            end_real = mid_real + rng.randint(0, opg)
            start = time.perf_counter()
            mid = mid_period_check(
                MidInput(period, opg, mid_real, trede, rng.randint(0, opg)), policy
            )
            end = end_of_period_assessment(
                EndInput(
                    period,
                    taak,
                    opg,
                    end_real,
                    mid.trede_na,
                    contracts=rng.randint(0, 3),
                    backlog_previous=max(0, saldo),
                    koppelingen_voldoende_mid=mid.can_still_realise,
                    omkoppelingen=rng.random() < 0.2,
                ),
                policy,
            )
            timings.append(time.perf_counter() - start)
            count += 2
            trede, saldo = end.trede_na, end.saldo_end
    total = sum(timings)
    per = total / count * 1e6
    print(f"{count} assessments ({MUNICIPALITIES} municipalities × {PERIODS} periods × 2)")
    print(
        f"total {total * 1000:.1f} ms; {per:.1f} µs per assessment; "
        f"median pair {statistics.median(timings) * 1e6:.1f} µs"
    )


if __name__ == "__main__":
    main()
