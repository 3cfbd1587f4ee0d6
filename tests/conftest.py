"""Shared fixtures: no test may reach the internet; loopback servers are fine."""

from __future__ import annotations

import os

import pytest

from tests.fakes import telegram_api

os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22: retry_after as timedelta, no warning
for _name in [n for n in os.environ if n.startswith("TAAKBOT_")]:
    del os.environ[_name]  # tests never pick up a developer's real token or sheet

no_network = pytest.fixture(autouse=True)(telegram_api.no_network)
