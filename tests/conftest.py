"""Shared fixtures: no test may reach the internet; loopback servers are fine.

Speed: nothing sleeps for real (clocks and sleeps are injected; see tests/fakes/clock.py), the
bundled sample workbook is parsed from disk once per run instead of once per test, and httpx
clients share one TLS context instead of loading the CA bundle for each.
"""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import pytest

from sheets import local
from tests.fakes import telegram_api

os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22: retry_after as timedelta, no warning
for _name in [n for n in os.environ if n.startswith("TAAKBOT_")]:
    del os.environ[_name]  # tests never pick up a developer's real token or sheet

no_network = pytest.fixture(autouse=True)(telegram_api.no_network)

# The same result every run (issue 13): Hypothesis draws its examples from a seed derived from
# each test, keeps no example database between runs, and has no per-example deadline (a busy
# machine or a second xdist worker would otherwise fail an example now and then). The number of
# examples is Hypothesis's default, unchanged.
hypothesis.settings.register_profile("taakbot", derandomize=True, database=None, deadline=None)
hypothesis.settings.load_profile("taakbot")


def _read_sample_once() -> None:
    """Memoise LocalSource.fetch for the bundled sample (unchanged on disk): 0.14 s a read."""
    real = local.LocalSource.fetch
    memo: dict[tuple[int, int], dict[str, list[list[Any]]]] = {}

    def fetch(self: local.LocalSource) -> dict[str, list[list[Any]]]:
        if self.path != local.SAMPLE:
            return real(self)
        stat = self.path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        if key not in memo:
            memo.clear()
            memo[key] = real(self)
        return {tab: [list(row) for row in rows] for tab, rows in memo[key].items()}

    local.LocalSource.fetch = fetch  # type: ignore[method-assign]


_read_sample_once()


def _one_ssl_context() -> None:
    """Every httpx client (two per PTB Application) loads the CA bundle anew: 25 ms each. The
    tests only speak plain HTTP over loopback, so one shared context per set of options does."""
    import httpx._transports.default as transport

    real = transport.create_ssl_context
    memo: dict[Any, Any] = {}

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        key = (verify if isinstance(verify, bool | str) else id(verify), repr(cert), trust_env)
        if key not in memo:
            memo[key] = real(verify=verify, cert=cert, trust_env=trust_env)
        return memo[key]

    transport.create_ssl_context = create_ssl_context


_one_ssl_context()
