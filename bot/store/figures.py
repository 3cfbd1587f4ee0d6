"""The weekly overview's memory: per chat and gemeente the figures last week's push showed, so
this week's can say what changed."""

from __future__ import annotations

from bot.store.database import Database

Figures = dict[str, tuple[str, int | None, str]]  # gemeente → (period, realised, trede)


class WeeklyFigures:
    def __init__(self, db: Database) -> None:
        self.db = db

    def last(self, chat_id: int) -> Figures:
        """gemeente → (period, realised, trede) as last week's push showed them."""
        rows = self.db.run(
            "SELECT gemeente, period, realised, trede FROM weekly_figures WHERE chat_id=?",
            (chat_id,),
        ).fetchall()
        return {g: (p, r, t) for g, p, r, t in rows}

    def save(self, chat_id: int, week: str, figures: Figures) -> None:
        self.db.run_many(
            "INSERT INTO weekly_figures (chat_id, gemeente, period, realised, trede, week) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, gemeente) DO UPDATE SET "
            "period=excluded.period, realised=excluded.realised, trede=excluded.trede, "
            "week=excluded.week",
            [(chat_id, g, p, r, t, week) for g, (p, r, t) in figures.items()],
        )
