"""Bounded exponential back-off with full jitter.

Why our own: gspread's ``BackOffHTTPClient`` sleeps for minutes and is not production-ready. This
one stops after a fixed number of attempts *and* a time budget, so a refresh that cannot succeed
fails within a minute instead of holding a worker thread hostage. It is pure: the clock, the sleep
and the random source are injected, so tests neither wait nor depend on chance.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TypeVar

T = TypeVar("T")

__all__ = ["RetryExhausted", "RetryPolicy", "backoff_delay", "call_with_retry"]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts in total, delays ``min(cap, base * 2**i)`` and a time budget."""

    attempts: int = 4
    base: float = 1.0
    cap: float = 30.0
    budget: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts moet minstens 1 zijn, niet {self.attempts}")
        if self.base < 0 or self.cap < 0 or self.budget < 0:
            raise ValueError("base, cap en budget mogen niet negatief zijn")


class RetryExhausted(Exception):
    """Raised when a retryable error persisted; carries the last error and the attempts made."""

    def __init__(self, last_error: BaseException, attempts: int, reason: str) -> None:
        super().__init__(f"{reason} after {attempts} attempt(s): {last_error!r}")
        self.last_error = last_error
        self.attempts = attempts
        self.reason = reason  # "attempts" or "budget"


def backoff_delay(policy: RetryPolicy, retry_index: int, rng: Callable[[], float]) -> float:
    """Return the full-jitter delay before retry ``retry_index`` (0 for the first retry)."""
    ceiling = min(policy.cap, policy.base * (2**retry_index))
    return ceiling * rng()


def call_with_retry(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    is_retryable: Callable[[BaseException], bool],
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
    retry_after: Callable[[BaseException], float | None] = lambda exc: None,
    clock: Callable[[], float] = time.monotonic,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """Call ``fn`` until it succeeds, a non-retryable error occurs, or the policy runs out.

    Non-retryable exceptions propagate unchanged. When attempts or budget are spent,
    :class:`RetryExhausted` is raised from the last error. A server's ``Retry-After`` (as returned
    by the ``retry_after`` hook) is a lower bound on the wait: we never retry sooner than asked,
    and give up at once when the wait would overrun the budget. ``on_retry(attempt, error,
    delay)`` is called before each sleep, e.g. to log.
    """
    start = clock()
    attempt, slept = 0, 0.0
    while True:
        attempt += 1
        try:
            return fn()
        except Exception as exc:
            if not is_retryable(exc):
                raise
            if attempt >= policy.attempts:
                raise RetryExhausted(exc, attempt, "attempts") from exc
            delay = backoff_delay(policy, attempt - 1, rng)
            asked = retry_after(exc)
            if asked is not None and asked > delay:
                delay = asked
            # Sleeps count even when an injected sleep does not move the clock.
            if max(clock() - start, slept) + delay > policy.budget:
                raise RetryExhausted(exc, attempt, "budget") from exc
            if on_retry is not None:
                on_retry(attempt, exc, delay)
            sleep(delay)
            slept += delay


def header_seconds(value: object, now: Callable[[], float] = time.time) -> float | None:
    """A ``Retry-After`` header as seconds to wait (HTTP allows a delay in seconds or a date);
    None when there is none or it cannot be read. Google, Microsoft Graph and Teams share it."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # '-0000': UTC by RFC 5322
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now())
