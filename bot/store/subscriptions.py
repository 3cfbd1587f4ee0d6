"""What each chat follows (/volg, /ontvolg, /mijn), and who subscribed it: their role is checked
again at push time."""

from __future__ import annotations

from bot.store.database import Database
from commands.records import Subscription


class Subscriptions:
    def __init__(self, db: Database) -> None:
        self.db = db

    def subscribe(self, chat_id: int, kind: str, scope: str, user_id: int, lang: str) -> bool:
        """Follow a scope; True when it is new (or active again after a block)."""
        with self.db.transaction() as c:
            row = c.execute(
                "SELECT active FROM subscriptions WHERE chat_id=? AND kind=? AND scope=?",
                (chat_id, kind, scope),
            ).fetchone()
            c.execute(
                "INSERT INTO subscriptions (chat_id, kind, scope, user_id, lang, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, kind, scope) DO UPDATE SET "
                "active=1, stopped_reason=NULL, user_id=excluded.user_id, lang=excluded.lang",
                (chat_id, kind, scope, user_id, lang, self.db.clock()),
            )
        return row is None or not row[0]

    def unsubscribe(self, chat_id: int, kind: str | None = None, scope: str | None = None) -> int:
        """Stop following one scope, or everything when no scope is given."""
        if scope is None:
            return self.db.run("DELETE FROM subscriptions WHERE chat_id=?", (chat_id,)).rowcount
        return self.db.run(
            "DELETE FROM subscriptions WHERE chat_id=? AND kind=? AND scope=?",
            (chat_id, kind, scope),
        ).rowcount

    def active(self, chat_id: int | None = None) -> list[Subscription]:
        """Active subscriptions, of one chat or of all."""
        sql = "SELECT chat_id, kind, scope, user_id, lang, created_at FROM subscriptions "
        sql += "WHERE active=1" + (" AND chat_id=?" if chat_id is not None else "")
        rows = self.db.run(
            sql + " ORDER BY chat_id, kind, scope", () if chat_id is None else (chat_id,)
        )
        return [Subscription(*row) for row in rows.fetchall()]

    def deactivate_chat(self, chat_id: int, reason: str) -> int:
        """A chat that blocked or removed the bot gets nothing more until it follows again."""
        return self.db.run(
            "UPDATE subscriptions SET active=0, stopped_reason=? WHERE chat_id=? AND active=1",
            (reason, chat_id),
        ).rowcount

    def migrate_chat(self, old: int, new: int) -> None:
        """A group upgraded to a supergroup keeps its subscriptions under the new id."""
        self.db.run("UPDATE OR IGNORE subscriptions SET chat_id=? WHERE chat_id=?", (new, old))
