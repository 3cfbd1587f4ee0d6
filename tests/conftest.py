"""Shared fixtures: no test may reach the internet; loopback servers are fine.

Speed: nothing sleeps for real (clocks and sleeps are injected; see tests/fakes/clock.py), the
bundled sample workbook is parsed from disk once per run instead of once per test, httpx clients
share one TLS context instead of loading the CA bundle for each, and the code is compiled once
for both xdist workers and the subprocesses some tests start (see `pytest_configure`).
"""

from __future__ import annotations

import compileall
import gc
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

# Bytecode is written, whatever PYTHONDONTWRITEBYTECODE says: on a fresh clone every xdist
# worker and every `taakbot` subprocess would otherwise compile the same modules again (0.5 s
# each). The .pyc files go to the __pycache__ folders that .gitignore leaves out.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22: retry_after as timedelta, no warning
for _name in [n for n in os.environ if n.startswith("TAAKBOT_")]:
    del os.environ[_name]  # tests never pick up a developer's real token or sheet
# Temporary files in memory where the machine has a tmpfs: hundreds of tests open a SQLite
# store (WAL, an fsync per commit) or write a workbook, and on a disk those syncs made the
# suite 8 s slower (34 → 26 s). pytest's tmp_path (numbered, the last three kept, safe for runs
# side by side) and `tempfile` in this process and the `taakbot` processes tests start.
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK):
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", "/dev/shm")
    os.environ.setdefault("TMPDIR", "/dev/shm")
    tempfile.tempdir = None  # looked up again, from TMPDIR


@pytest.fixture
def clock() -> Any:
    """A fake clock for the state database (tests/fakes/clock.py); a module may have its own."""
    from tests.fakes.clock import FakeTime

    return FakeTime(1_000_000.0)


@pytest.fixture
def store(tmp_path: Path, clock: Any) -> Any:
    """The state database (bot.store.Store) in a file of this test's own, closed afterwards."""
    from bot.store import Store

    opened = Store(tmp_path / "taakbot.sqlite", clock=clock, max_attempts=3)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _switch_interval() -> Any:
    """CPython's own GIL switch interval in every test: a bot whose refresh job was installed
    (bot.refresh sets 1 ms for the process) does not make the tests after it switch threads
    five times as often."""
    yield
    sys.setswitchinterval(DEFAULT_SWITCH_INTERVAL)


DEFAULT_SWITCH_INTERVAL = sys.getswitchinterval()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes import telegram_api

    telegram_api.no_network(monkeypatch)


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: Any) -> Any:
    """A fake Microsoft Graph over HTTPS on loopback (tests/m365_helpers.py)."""
    from tests.m365_helpers import serve_graph

    yield from serve_graph(monkeypatch, tmp_path_factory)


def _derandomised_hypothesis() -> None:
    """The same result every run (issue 13): Hypothesis draws its examples from a seed derived
    from each test, keeps no example database between runs, and has no per-example deadline (a
    busy machine or a second xdist worker would otherwise fail an example now and then). The
    number of examples is Hypothesis's default, unchanged."""
    import hypothesis

    hypothesis.settings.register_profile("taakbot", derandomize=True, database=None, deadline=None)
    hypothesis.settings.load_profile("taakbot")


def _fewer_collections() -> None:
    """The cyclic garbage collector less often: the tests allocate millions of short-lived
    objects (workbook cells, Telegram updates, Hypothesis examples) and with CPython's default
    threshold of 700 the collector ran tens of thousands of times a run, scanning the same
    imported modules each time (2-3 s of the suite's CPU). Everything is still collected; the
    objects that live for the whole run are moved out of its way after collection (`gc.freeze`
    in pytest_collection_finish)."""
    gc.set_threshold(*GC_THRESHOLDS)


GC_THRESHOLDS = (100_000, 50, 50)


def pytest_collection_finish(session: pytest.Session) -> None:
    if gc.get_threshold() == GC_THRESHOLDS:  # where _fewer_collections ran
        gc.collect()
        gc.freeze()


def _read_sample_once() -> None:
    """Memoise LocalSource.fetch for the bundled sample (unchanged on disk): 0.14 s a read."""
    from sheets.sources import local

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


ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "commands", "engine", "sheets", "locales", "tests/fakes")


def pytest_configure(config: pytest.Config) -> None:
    """Where tests run (an xdist worker, or a run without workers): the set-up above. In the
    xdist controller, which runs no test, none of that (0.35 s of imports before the workers
    start); instead it compiles our packages and rewrites the test modules once, before the
    workers start, so that they load them instead of both compiling them at the same moment."""
    controller = not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", 0)
    if not controller:
        _fewer_collections()
        _derandomised_hypothesis()
        _read_sample_once()
        _one_ssl_context()
    if hasattr(config, "workerinput"):
        return
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=2)
    _rewrite_tests_once(config)


def _rewrite_tests_once(config: pytest.Config) -> None:
    """The same for the test modules, whose asserts pytest rewrites on import (0.4 s a worker):
    pytest's own rewrite, cached where pytest looks for it. It is pytest's private API, so when
    that changes this does nothing and the workers rewrite as usual."""
    try:
        from _pytest.assertion import rewrite

        state = config.stash[rewrite.assertstate_key]
        for path in sorted(ROOT.glob("tests/**/*.py")):
            if not (path.name.startswith("test_") or path.name == "conftest.py"):
                continue
            cache = rewrite.get_cache_dir(path)
            pyc = cache / (path.name[:-3] + rewrite.PYC_TAIL)
            if rewrite._read_pyc(path, pyc, state.trace) is None and rewrite.try_makedirs(cache):
                stat, code = rewrite._rewrite_test(path, config)
                rewrite._write_pyc(state, code, stat, pyc)
    except Exception:  # noqa: BLE001 - an optimisation only
        return


# The slowest tests, started first: they run real processes (a bot killed mid-broadcast and
# started again, two writers at once, a token leaked nowhere), wait on answers that come late
# on purpose, or compare whole workbooks with the libraries' own readers (README, "De tests").
# At the end of the run one of them alone kept a worker busy for seconds while the other idled.
SLOW_FIRST = (
    "tests/test_crash_e2e.py",
    "tests/test_channels_crash_e2e.py",
    "tests/test_ladder_processes.py",
    "tests/test_ronde_m365.py",
    "tests/test_ladder_protocol.py",
    "tests/test_ledger_machine.py",
    "tests/test_lane_e2e.py",
    "tests/test_redact.py",
    "tests/test_local_readers.py",
    "tests/test_conversion_golden.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """SLOW_FIRST's modules at the front, in that order; the rest as collected."""
    rank = {module: n for n, module in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
