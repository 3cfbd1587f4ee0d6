"""Opgave, remaining and roll-forward (domain.md §2)."""

from __future__ import annotations

import math


def opgave(taakstelling: int, saldo_start: int) -> int:
    """taakstelling + achterstand − voorsprong (PZH letter 1 July 2021: 340 + 195 = 535)."""
    return taakstelling + saldo_start


def saldo_end(opgave_: int, realised: int) -> int:
    """Positive: an achterstand carried into the next period."""
    return opgave_ - realised


def minimum_mid(opgave_: int) -> int:
    """Half the opgave, rounded up (PZH beleidskader 2020: 417 → 209)."""
    return math.ceil(opgave_ / 2) if opgave_ > 0 else 0


def remaining(opgave_: int, realised: int) -> int:
    """Nog te huisvesten; never negative."""
    return max(0, opgave_ - realised)
