"""The ledger's state machine under every interleaving (issue 19): processes claim rows, mark
them in flight, settle them from the answer, crash, start, take over each other's rows and close.
Never two sends of one row without a person's resend; a live process's rows are never taken; no
row stays with a dead process once a live one has looked.

A send counts from the moment its row is marked (the request may have left): an answer 'sent' or
'uncertain' and a crash in flight count it as delivered; only 'failed' (Telegram answered, or the
request never reached it) counts it as not delivered."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bot.lease import Process
from bot.store import FAILED, PENDING, SENDING, SENT, UNCERTAIN, Key, Store

KEYS = [Key("manual:toets", "Zuid-Holland", "2024-07-01#1", chat) for chat in (1, 2, 3)]
PIDS = (101, 102, 103)
HOST = "simulatie/boot"
MEMORY = "/dev/shm" if Path("/dev/shm").is_dir() else None  # no disk syncs: 2.5× faster


class Ledger(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(prefix="taakbot-ledger-", dir=MEMORY)
        self.path = Path(self.folder.name) / "ledger.sqlite"
        self.now = 1_000_000.0
        self.alive: set[tuple[int, str]] = set()  # (pid, start time) of running processes
        self.starts = 0
        self.stores: dict[int, Store] = {}
        self.claimed: dict[int, set[Key]] = {}  # pid → rows it claimed, not yet marked
        self.flying: dict[int, set[Key]] = {}  # pid → rows it marked, not yet settled
        self.ahead: dict[int, set[Key]] = {}  # pid → rows a batch marked before their request
        self.delivered: Counter[Key] = Counter()  # worst case: maybe-delivered sends
        self.resends: Counter[Key] = Counter()

    def runs(self, process: Process) -> bool | None:
        """A pid that runs again (a restart) has another start time: the old one is gone."""
        return (process.pid, process.started) in self.alive if process.host == HOST else None

    def teardown(self) -> None:
        for store in self.stores.values():
            store.db.connection.close()
        self.folder.cleanup()

    # -- processes --------------------------------------------------------------------------
    @rule(pid=st.sampled_from(PIDS))
    def start(self, pid: int) -> None:
        if pid in self.stores:
            return
        self.starts += 1
        process = Process(HOST, pid, str(self.starts))
        self.alive.add((pid, process.started))
        self.stores[pid] = Store(
            self.path, clock=lambda: self.now, process=process, runs=self.runs
        )
        self.claimed[pid], self.flying[pid], self.ahead[pid] = set(), set(), set()

    @precondition(lambda self: self.stores)
    @rule(data=st.data())
    def crash(self, data: st.DataObject) -> None:
        """SIGKILL: no goodbye; whatever was in flight may have been delivered."""
        pid = data.draw(st.sampled_from(sorted(self.stores)))
        store = self.stores.pop(pid)
        store.db.connection.close()
        self.alive.discard((pid, store.ledger.process.started))
        self.claimed.pop(pid), self.flying.pop(pid), self.ahead.pop(pid)

    @precondition(lambda self: self.stores)
    @rule(data=st.data())
    def close(self, data: st.DataObject) -> None:
        pid = data.draw(st.sampled_from(sorted(self.stores)))
        store = self.stores.pop(pid)
        store.close()
        self.alive.discard((pid, store.ledger.process.started))
        self.claimed.pop(pid), self.flying.pop(pid), self.ahead.pop(pid)

    @precondition(lambda self: self.stores)
    @rule(data=st.data())
    def take_over(self, data: st.DataObject) -> None:
        """The periodic pass of a live process: afterwards no row is a dead process's."""
        self.stores[data.draw(st.sampled_from(sorted(self.stores)))].ledger.heartbeat()
        owners = {s.ledger.owner for s in self.stores.values()}
        for status, owner in self._rows().values():
            if status in (PENDING, SENDING):
                assert owner is None or owner in owners

    @rule(seconds=st.sampled_from([1.0, 60.0, 3600.0]))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds

    # -- sending ----------------------------------------------------------------------------
    @precondition(lambda self: self.stores)
    @rule(data=st.data(), key=st.sampled_from(KEYS))
    def claim(self, data: st.DataObject, key: Key) -> None:
        pid = data.draw(st.sampled_from(sorted(self.stores)))
        if self.stores[pid].ledger.claim([key]):
            self.claimed[pid].add(key)

    @precondition(lambda self: any(self.claimed.values()))
    @rule(data=st.data())
    def mark_and_send(self, data: st.DataObject) -> None:
        pid = data.draw(st.sampled_from(sorted(p for p, keys in self.claimed.items() if keys)))
        key = data.draw(st.sampled_from(sorted(self.claimed[pid])))
        self.claimed[pid].discard(key)
        if self.stores[pid].ledger.mark([key]):  # only a marked row's request goes out
            self.flying[pid].add(key)
            self.delivered[key] += 1

    @precondition(lambda self: self.stores)
    @rule(data=st.data(), keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=3))
    def claim_a_batch(self, data: st.DataObject, keys: list[Key]) -> None:
        """A broadcast claims the next chats due in one transaction."""
        pid = data.draw(st.sampled_from(sorted(self.stores)))
        sends = list(dict.fromkeys(keys))
        for key, ok in zip(
            sends, self.stores[pid].ledger.claim_batch([[k] for k in sends]), strict=True
        ):
            if ok:
                self.claimed[pid].add(key)

    @precondition(lambda self: any(self.claimed.values()))
    @rule(data=st.data())
    def mark_a_batch(self, data: st.DataObject) -> None:
        """A broadcast marks the next claimed chats in flight before the first request: a crash
        now leaves them uncertain though not all went out."""
        pid = data.draw(st.sampled_from(sorted(p for p, keys in self.claimed.items() if keys)))
        keys = data.draw(st.lists(st.sampled_from(sorted(self.claimed[pid])), min_size=1))
        sends = list(dict.fromkeys(keys))
        self.claimed[pid].difference_update(sends)
        for key, ok in zip(
            sends, self.stores[pid].ledger.mark_batch([[k] for k in sends]), strict=True
        ):
            if ok:
                self.ahead[pid].add(key)

    @precondition(lambda self: any(self.ahead.values()))
    @rule(data=st.data())
    def send_a_marked_row(self, data: st.DataObject) -> None:
        pid = data.draw(st.sampled_from(sorted(p for p, keys in self.ahead.items() if keys)))
        key = data.draw(st.sampled_from(sorted(self.ahead[pid])))
        self.ahead[pid].discard(key)
        self.flying[pid].add(key)
        self.delivered[key] += 1

    @precondition(lambda self: sum(len(keys) for keys in self.flying.values()) >= 2)
    @rule(data=st.data(), status=st.sampled_from([SENT, FAILED, UNCERTAIN]))
    def answers_settled_in_a_batch(self, data: st.DataObject, status: str) -> None:
        pid = data.draw(st.sampled_from(sorted(p for p, keys in self.flying.items() if keys)))
        keys = sorted(self.flying[pid])
        self.flying[pid].clear()
        self.stores[pid].ledger.settle_batch([([k], status, None) for k in keys])
        if status == FAILED:
            for key in keys:
                self.delivered[key] -= 1

    @precondition(lambda self: any(self.flying.values()))
    @rule(data=st.data(), status=st.sampled_from([SENT, FAILED, UNCERTAIN]))
    def answer(self, data: st.DataObject, status: str) -> None:
        pid = data.draw(st.sampled_from(sorted(p for p, keys in self.flying.items() if keys)))
        key = data.draw(st.sampled_from(sorted(self.flying[pid])))
        self.flying[pid].discard(key)
        self.stores[pid].ledger.settle([key], status)
        if status == FAILED:  # Telegram answered with an error: not delivered
            self.delivered[key] -= 1

    @precondition(lambda self: self.stores)
    @rule(data=st.data(), key=st.sampled_from(KEYS))
    def person_resends(self, data: st.DataObject, key: Key) -> None:
        """/herinnering opnieuw: a person accepts a possible duplicate."""
        store = self.stores[data.draw(st.sampled_from(sorted(self.stores)))]
        uncertain = [k for k in KEYS if self._status(k) == UNCERTAIN]
        assert store.ledger.release_uncertain(key.kind, key.due, key.scope) == len(uncertain)
        self.resends.update(uncertain)

    # -- what must always hold --------------------------------------------------------------
    def _rows(self) -> dict[Key, tuple[str, str | None]]:
        store = next(iter(self.stores.values()), None)
        if store is None:
            return {}
        rows = store.db.run("SELECT kind, scope, due, chat_id, status, owner FROM ledger")
        return {Key(*r[:4]): (r[4], r[5]) for r in rows.fetchall()}

    def _status(self, key: Key) -> str | None:
        return self._rows().get(key, (None, None))[0]

    @invariant()
    def never_two_sends_without_a_resend(self) -> None:
        for key in KEYS:
            assert self.delivered[key] <= 1 + self.resends[key], (key, self.delivered)

    @invariant()
    def a_live_process_keeps_its_rows(self) -> None:
        rows = self._rows()
        for pid, store in self.stores.items():
            for key in self.claimed[pid]:
                assert rows[key] in ((PENDING, store.ledger.owner), (SENDING, store.ledger.owner))
            for key in self.flying[pid] | self.ahead[pid]:
                assert rows[key] == (SENDING, store.ledger.owner)


TestLedger = Ledger.TestCase
TestLedger.settings = settings(max_examples=60, stateful_step_count=30)
