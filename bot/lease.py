"""Which process holds ledger rows, and whether it still runs: the lease behind at-most-once.

Every Store writes a lease row (its process and a heartbeat) and marks the ledger rows it claims
with its owner id. A row of a process that is gone must be taken over at once (never-sent rows
are sent, rows in flight become uncertain), while a row of a live process must never be: on the
same machine the process itself tells (its pid runs with the same start time, so a reused pid is
no false "alive"); on another machine only its heartbeat can, so that lease lapses after
`LEASE_SECONDS` without one.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEASE_SECONDS = 90.0  # another machine's process without a heartbeat this long is gone
HEARTBEAT_SECONDS = 30.0  # how often a running bot renews its lease (bot.jobs)


@dataclass(frozen=True, slots=True)
class Process:
    host: str  # the machine since its last boot: hostname and boot id
    pid: int
    started: str  # the process's start time in clock ticks since boot ('' where unknown)


@cache
def this_host() -> str:
    boot = _read("/proc/sys/kernel/random/boot_id").strip()
    return f"{socket.gethostname()}/{boot}" if boot else socket.gethostname()


def this_process() -> Process:
    pid = os.getpid()
    return Process(this_host(), pid, _started(pid))


def runs(process: Process) -> bool | None:
    """True or False for a process on this machine; None for another machine's."""
    if process.host != this_host():
        return None
    if process.started:
        return _started(process.pid) == process.started  # a reused pid starts later
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # runs, as another user
        return True
    return True


def _started(pid: int) -> str:
    """Field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces)."""
    stat = _read(f"/proc/{pid}/stat")
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""
