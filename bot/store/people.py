"""What Taakbot keeps about a person: their /taal choice, and /vergeet, which erases every row
about them in every table of the state database."""

from __future__ import annotations

from bot.store.database import Database

# What /vergeet erases for one Telegram user (an id appears as chat_id in their private chat).
# Tables other modules keep in the same file (access requests) are erased when present.
FORGET: tuple[tuple[str, str], ...] = (
    ("subscriptions", "chat_id=:id OR user_id=:id"),
    ("ledger", "chat_id=:id"),
    ("weekly_figures", "chat_id=:id"),
    ("broadcasts", "chat_id=:id OR user_id=:id"),
    ("preferences", "user_id=:id"),
    ("access_requests", "user_id=:id"),  # bot/access.py: onboarding requests with a name
)


class People:
    def __init__(self, db: Database) -> None:
        self.db = db

    def set_language(self, user_id: int, lang: str) -> None:
        """/taal: kept across restarts."""
        self.db.run(
            "INSERT INTO preferences (user_id, lang, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET lang=excluded.lang, updated_at=excluded.updated_at",
            (user_id, lang, self.db.clock()),
        )

    def language(self, user_id: int) -> str | None:
        row = self.db.run("SELECT lang FROM preferences WHERE user_id=?", (user_id,)).fetchone()
        return row[0] if row else None

    def forget_address(self, recipient: str) -> int:
        """/vergeet and `taakbot vergeet-adres`: the rows about one e-mail recipient
        ('email:…'): what was sent to it and what its overview showed."""
        removed = 0
        with self.db.transaction() as c:
            for table in ("ledger", "weekly_figures"):
                sql = f"DELETE FROM {table} WHERE lower(chat_id)=lower(?)"  # noqa: S608
                removed += c.execute(sql, (recipient,)).rowcount
        return removed

    def forget(self, user_id: int) -> int:
        """/vergeet: erase every row about this Telegram user; the number of rows removed."""
        removed = 0
        with self.db.transaction() as c:
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            for table, where in FORGET:
                if table in tables:
                    sql = f"DELETE FROM {table} WHERE {where}"  # noqa: S608 - constants
                    removed += c.execute(sql, {"id": user_id}).rowcount
        return removed
