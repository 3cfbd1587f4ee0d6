"""bench/workbook.py's SYNTHETIC country, generated once per test process (0.35 s each time:
three test modules use it) and handed out as a fresh copy, so no test sees another's changes."""

from __future__ import annotations

import functools

from bench.workbook import Workbook
from bench.workbook import country as _generate


@functools.cache
def _country(scale: int) -> Workbook:
    return _generate(scale)


def country(scale: int = 1) -> Workbook:
    return {tab: [list(row) for row in rows] for tab, rows in _country(scale).items()}
