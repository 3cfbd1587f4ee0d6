"""One refresh of a SheetCache, timed in its parts: the source's fetch and the bot's own cost.

The bot's own cost is everything after the fetch that the background job pays: the conversion
to a DataSet, the structural damage check and preparing what answers need (the rolled saldo,
the name index). The change summary is only for /ververs and timed apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass
class RefreshTimes:
    fetch: float  # the source's fetch (for Google: request, server, JSON parsing)
    own: float  # conversion + damage check + prepare
    diff: float  # the change summary (/ververs only)

    @property
    def refresh(self) -> float:
        """What the background job pays."""
        return self.fetch + self.own


def timed_refresh(cache: Any) -> RefreshTimes:
    """Refresh `cache` once (it must succeed), timing the source's fetch apart."""
    source = cache.source
    fetch = type(source).fetch.__get__(source)
    took: dict[str, float] = {}

    def timed_fetch() -> Any:
        start = time.perf_counter()
        try:
            return fetch()
        finally:
            took["fetch"] = time.perf_counter() - start

    source.fetch = timed_fetch
    try:
        start = time.perf_counter()
        result = cache.refresh()
        whole = time.perf_counter() - start
    finally:
        del source.fetch
    assert result.ok, result.error
    start = time.perf_counter()
    _ = result.changed
    return RefreshTimes(took["fetch"], whole - took["fetch"], time.perf_counter() - start)
