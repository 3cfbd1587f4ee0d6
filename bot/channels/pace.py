"""A pace per destination: at most one send per interval to one SMTP server or one webhook.

Microsoft 365 takes 30 messages a minute from one mailbox, a municipal relay often less, and a
Teams workflow throttles a webhook that is posted to in bursts. Places are handed out in order,
so concurrent senders to the same destination queue; other destinations are not held up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pace:
    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval, self.clock = interval, clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, destination: str) -> float:
        """Take the next place for `destination`; the seconds to wait before using it."""
        with self._lock:
            now = self.clock()
            at = max(now, self._next.get(destination, now))
            self._next[destination] = at + self.interval
            return at - now
