"""The send ledger: what makes pushes at-most-once.

A row keyed by (kind, scope, due, chat) is claimed ('pending', with its owner) under a UNIQUE
constraint, marked 'sending' right before the HTTP request, and settled from the answer ('sent',
'failed', 'blocked', 'uncertain'). A restart, a second process or a retried job cannot send the
same thing twice. Rows of a process that died are taken over at once (bot.lease tells a dead
process from a live one): 'pending' rows were never sent and are sent; 'sending' rows may have
been delivered and become 'uncertain', never resent unless a person asks.

Each process holds a lease (table `leases`); its rows carry the lease as their owner.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Sequence

from bot.lease import LEASE_SECONDS, Process, runs, this_process
from bot.store.database import Database, StoreError
from commands.records import Key

PENDING, SENT, FAILED, BLOCKED = "pending", "sent", "failed", "blocked"
SENDING = "sending"  # in flight: marked right before the request, until its answer settles it
CRASHED = "proces gestopt tijdens het versturen"  # the error of a 'sending' row taken over
# A send that timed out after the request went out: Telegram may have delivered it. Settled
# (never resent by itself); `release_uncertain` makes such rows sendable again, on purpose.
UNCERTAIN = "uncertain"
_KEY = "kind=? AND scope=? AND due=? AND chat_id=?"


class SendLedger:
    """One process's view of the ledger: it opens a lease when made (and takes over the rows of
    processes that are gone), gives it up on `close`."""

    def __init__(
        self,
        db: Database,
        *,
        max_attempts: int = 3,
        process: Process | None = None,
        runs: Callable[[Process], bool | None] = runs,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.db, self.max_attempts = db, max_attempts
        self.process, self.runs, self.lease_seconds = (
            process or this_process(),
            runs,
            lease_seconds,
        )
        self.owner = uuid.uuid4().hex  # this process's lease: its rows carry it
        p = self.process
        db.run(
            "INSERT INTO leases (owner, host, pid, started, heartbeat) VALUES (?, ?, ?, ?, ?)",
            (self.owner, p.host, p.pid, p.started, db.clock()),
        )
        self.recover()  # a process that died mid-send: its rows are taken over at once

    def close(self) -> None:
        """Give up the lease: unsent rows become claimable, rows in flight uncertain."""
        # a closed file: nothing to release; a deleted one: nobody left to take the rows over
        with contextlib.suppress(sqlite3.Error, StoreError):
            self._give_up([self.owner])

    # -- one send's rows -------------------------------------------------------------------
    def claim(self, keys: Iterable[Key]) -> bool:
        """Claim every key or none: insert 'pending', or take over a row nobody holds.

        A 'pending' row without an owner was never sent (its process died before marking it,
        see `recover`); a 'failed' row is retried until `max_attempts`.
        """
        return self.claim_batch([list(keys)]) == [True]

    def claim_batch(self, sends: Sequence[Sequence[Key]]) -> list[bool]:
        """`claim` for several sends in one transaction (a broadcast's next batch): per send,
        whether all its rows are now this process's; a send with a row taken claims none."""
        now = self.db.clock()
        claimed: list[bool] = []
        with self.db.transaction() as c:
            for i, keys in enumerate(sends):
                c.execute(f"SAVEPOINT send{i}")
                ok = all(self._claim_one(c, key, now) for key in keys)
                if not ok:
                    c.execute(f"ROLLBACK TO SAVEPOINT send{i}")
                c.execute(f"RELEASE SAVEPOINT send{i}")
                claimed.append(ok)
        return claimed

    def _claim_one(self, c: sqlite3.Connection, key: Key, now: float) -> bool:
        cur = c.execute(
            "INSERT INTO ledger (kind, scope, due, chat_id, status, claimed_at, owner) "
            "VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING",
            (*key, now, self.owner),
        )
        if cur.rowcount == 1:
            return True
        cur = c.execute(
            "UPDATE ledger SET status='pending', attempts=attempts+1, claimed_at=?, error=NULL, "
            f"owner=? WHERE {_KEY} AND ("
            "(status='pending' AND owner IS NULL) OR (status='failed' AND attempts < ?))",
            (now, self.owner, *key, self.max_attempts),
        )
        return cur.rowcount == 1

    def mark(self, keys: Iterable[Key]) -> bool:
        """Right before the HTTP request: the claimed rows are in flight ('sending'). False,
        and nothing marked, when a row is no longer this process's claim: then do not send."""
        return self.mark_batch([list(keys)]) == [True]

    def mark_batch(self, sends: Sequence[Sequence[Key]]) -> list[bool]:
        """`mark` for several sends in one transaction (a broadcast's next batch): per send,
        whether all its rows are now in flight; a send with a row no longer ours marks none."""
        marked: list[bool] = []
        with self.db.transaction() as c:
            for i, keys in enumerate(sends):
                c.execute(f"SAVEPOINT send{i}")
                ok = all(
                    c.execute(
                        f"UPDATE ledger SET status='sending' WHERE {_KEY} "
                        "AND status='pending' AND owner=?",
                        (*key, self.owner),
                    ).rowcount
                    == 1
                    for key in keys
                )
                if not ok:
                    c.execute(f"ROLLBACK TO SAVEPOINT send{i}")
                c.execute(f"RELEASE SAVEPOINT send{i}")
                marked.append(ok)
        return marked

    def settle(self, keys: Iterable[Key], status: str, error: str | None = None) -> None:
        """Record how a send ended (from its answer); a row another live process holds is
        left alone."""
        self.settle_batch([(list(keys), status, error)])

    def settle_batch(self, outcomes: Iterable[tuple[Sequence[Key], str, str | None]]) -> None:
        """`settle` for several sends in one transaction: (keys, status, error) each."""
        now = self.db.clock()
        rows = []
        for keys, status, error in outcomes:
            if status not in (SENT, FAILED, BLOCKED, UNCERTAIN):
                raise ValueError(status)
            rows += [(status, now, error, *key, self.owner) for key in keys]
        with self.db.transaction() as c:
            c.executemany(
                f"UPDATE ledger SET status=?, settled_at=?, error=? WHERE {_KEY} AND NOT ("
                "status IN ('pending', 'sending') AND owner IS NOT NULL AND owner != ?)",
                rows,
            )

    def fail_for_good(self, keys: Iterable[Key], error: str) -> None:
        """A refusal that will not heal (an SMTP 5xx, a removed webhook): failed, with no tries
        left, so no later round sends it again by itself."""
        keys = list(keys)
        self.settle(keys, FAILED, error)
        with self.db.transaction() as c:
            c.executemany(
                f"UPDATE ledger SET attempts=MAX(attempts, ?) WHERE {_KEY} AND status='failed'",
                [(self.max_attempts, *key) for key in keys],
            )

    def given_up(self) -> list[tuple[Key, str]]:
        """E-mails and Teams posts (an address, not a chat id) that failed with no tries left,
        with the server's reason: for /controle."""
        rows = self.db.run(
            "SELECT kind, scope, due, chat_id, error FROM ledger WHERE status='failed' "
            "AND typeof(chat_id)='text' AND attempts >= ? ORDER BY due DESC, id",
            (self.max_attempts,),
        ).fetchall()
        return [(Key(*r[:4]), r[4] or "") for r in rows]

    def is_settled(self, key: Key) -> bool:
        """True when the key needs no (further) send: done, blocked, busy or out of tries."""
        row = self.db.run(
            f"SELECT status, attempts, owner FROM ledger WHERE {_KEY}", key
        ).fetchone()
        if row is None:
            return False
        status, attempts, owner = row
        if status == PENDING:
            return owner is not None  # claimed by a process (until `recover` finds it gone)
        return status != FAILED or attempts >= self.max_attempts

    # -- leases ----------------------------------------------------------------------------
    def heartbeat(self) -> tuple[int, int]:
        """The periodic pass: renew this lease, then take over the rows of dead processes."""
        self.db.run("UPDATE leases SET heartbeat=? WHERE owner=?", (self.db.clock(), self.owner))
        return self.recover()

    def recover(self) -> tuple[int, int]:
        """Take over the rows of every process that is gone: its 'pending' rows (never sent)
        become claimable, its 'sending' rows (maybe delivered) 'uncertain'. A live process's
        rows are never touched. Returns (rows to send, rows now uncertain)."""
        with self.db.lock:
            leases = self.db.run(
                "SELECT owner, host, pid, started, heartbeat FROM leases"
            ).fetchall()
            now = self.db.clock()
            live = [
                owner
                for owner, host, pid, started, beat in leases
                if owner == self.owner or self._alive(Process(host, pid, started), beat, now)
            ]
            return self._give_up(live, keep=True)

    def _alive(self, process: Process, heartbeat: float, now: float) -> bool:
        verdict = self.runs(process)
        return verdict if verdict is not None else heartbeat > now - self.lease_seconds

    def _give_up(self, owners: list[str], keep: bool = False) -> tuple[int, int]:
        """Release the rows of `owners` (or, with `keep`, of every owner but those) and drop
        their leases, in one transaction."""
        marks = ", ".join("?" * len(owners))
        which = f"owner {'NOT ' if keep else ''}IN ({marks})"
        with self.db.transaction() as c:
            uncertain = c.execute(
                f"UPDATE ledger SET status='uncertain', settled_at=?, error=? "  # noqa: S608
                f"WHERE status='sending' AND owner IS NOT NULL AND {which}",
                (self.db.clock(), CRASHED, *owners),
            ).rowcount
            unsent = c.execute(
                f"UPDATE ledger SET owner=NULL "  # noqa: S608 - placeholders only
                f"WHERE status='pending' AND owner IS NOT NULL AND {which}",
                owners,
            ).rowcount
            c.execute(f"DELETE FROM leases WHERE {which}", owners)  # noqa: S608
        return unsent, uncertain

    # -- what people see and decide --------------------------------------------------------
    def release_uncertain(
        self, kind: str, due: str | None = None, scope: str | None = None
    ) -> int:
        """Make timed-out ('uncertain') sends of `kind` (and `due`, and `scope`) sendable again:
        someone decided a possible duplicate is better than a possible loss. Returns the rows
        freed."""
        return self.db.run(
            "UPDATE ledger SET status='failed', attempts=0, error='opnieuw: onzeker' "
            "WHERE status='uncertain' AND kind=? AND (? IS NULL OR due=?) "
            "AND (? IS NULL OR scope=?)",
            (kind, due, due, scope, scope),
        ).rowcount

    def uncertain_automatic(self) -> list[tuple[str, str, int]]:
        """(kind, due, chats) of timed-out scheduled reminders and weekly overviews, oldest due
        first; /herinnering's own ('manual:') are resent per broadcast instead."""
        rows = self.db.run(
            "SELECT kind, due, COUNT(DISTINCT chat_id) FROM ledger "
            "WHERE status='uncertain' AND kind NOT LIKE 'manual:%' "
            "GROUP BY kind, due ORDER BY due, kind"
        )
        return [(kind, due, n) for kind, due, n in rows.fetchall()]

    def rows(self, kind_prefix: str = "") -> list[tuple[Key, str, int]]:
        """(key, status, attempts) of every row whose kind starts with `kind_prefix`."""
        rows = self.db.run(
            "SELECT kind, scope, due, chat_id, status, attempts FROM ledger "
            "WHERE kind LIKE ? ORDER BY id",
            (kind_prefix + "%",),
        ).fetchall()
        return [(Key(*r[:4]), r[4], r[5]) for r in rows]

    def purge(self, cutoff: float) -> int:
        """Delete settled rows claimed before `cutoff` (retention)."""
        return self.db.run(
            "DELETE FROM ledger WHERE status NOT IN ('pending', 'sending') AND claimed_at < ?",
            (cutoff,),
        ).rowcount
