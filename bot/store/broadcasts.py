"""/herinnering's manual reminders, kept from preview to confirmation (or cancellation) to done:
a confirmed one that was not reported done is resumed at start-up (the ledger skips the sent)."""

from __future__ import annotations

import json

from bot.store.database import Database
from commands.records import Broadcast


class Broadcasts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, draft: Broadcast) -> int:
        """Keep a previewed manual reminder until it is confirmed or cancelled."""
        d = draft
        cur = self.db.run(
            "INSERT INTO broadcasts (chat_id, user_id, lang, soort, scope, due, text, "
            "recipients, created_at, texts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (d.chat_id, d.user_id, d.lang, d.soort, d.scope, d.due, d.text,
             json.dumps(sorted(set(d.recipients), key=_order)), self.db.clock(),
             json.dumps({str(k): v for k, v in d.texts.items()}) if d.texts else None),
        )  # fmt: skip
        return int(cur.lastrowid)

    def get(self, broadcast_id: int) -> Broadcast | None:
        row = self.db.run(
            "SELECT id, chat_id, user_id, lang, soort, scope, due, text, recipients, status, "
            "texts FROM broadcasts WHERE id=?",
            (broadcast_id,),
        ).fetchone()
        if row is None:
            return None
        texts = {_recipient(k): v for k, v in json.loads(row[10] or "{}").items()}
        return Broadcast(*row[:8], tuple(json.loads(row[8])), row[9], texts)

    def move(self, broadcast_id: int, old: str, new: str, report: str = "") -> bool:
        """Change state only from `old`: a double-tapped button confirms once."""
        cur = self.db.run(
            "UPDATE broadcasts SET status=?, report=? WHERE id=? AND status=?",
            (new, report or None, broadcast_id, old),
        )
        return cur.rowcount == 1

    def unfinished(self) -> list[int]:
        """Confirmed but not reported done: resumed at start-up."""
        rows = self.db.run("SELECT id FROM broadcasts WHERE status='confirmed' ORDER BY id")
        return [r[0] for r in rows.fetchall()]

    def purge(self, cutoff: float) -> int:
        """Delete finished, cancelled and never-confirmed broadcasts made before `cutoff`."""
        return self.db.run(
            "DELETE FROM broadcasts WHERE status IN ('done', 'cancelled', 'preview') "
            "AND created_at < ?",
            (cutoff,),
        ).rowcount


def _order(recipient: int | str) -> tuple[bool, int | str]:
    """Telegram chats (ids) first, then e-mail and Teams addresses (bot.channels)."""
    return (isinstance(recipient, str), recipient)


def _recipient(key: str) -> int | str:
    """A JSON object key back as it was: a chat id, or an address ('email:…', 'teams:…')."""
    return int(key) if key.lstrip("-").isdigit() else key
