"""The whole path with a Google Sheet: gspread over HTTP to our fake, through cache and commands."""

from __future__ import annotations

from datetime import date, datetime

from bot.services import Services
from bot.settings import Settings
from commands.router import handle
from sheets.sources.local import default_source
from tests.fakes.sheets_api import FakeSheetsServer

SHEET = "1TaakbotVoorbeeldSheet"


def _workbook() -> dict:
    """The bundled sample, as raw cell values (dates as Dutch text like a formatted read)."""
    out = {}
    for tab, rows in default_source().fetch().items():
        out[tab] = [
            [c.strftime("%d-%m-%Y") if isinstance(c, datetime | date) else c for c in row]
            for row in rows
        ]
    return out


def test_stand_from_a_google_sheet_then_stale_serving(monkeypatch) -> None:
    with FakeSheetsServer.in_thread({SHEET: _workbook()}) as server:
        settings = Settings(
            {
                "TAAKBOT_SOURCE": f"gsheet:https://docs.google.com/spreadsheets/d/{SHEET}/edit",
                "TAAKBOT_SHEETS_API_URL": server.url,
                "TAAKBOT_REFRESH_SECONDS": "300",
            }
        )
        slept: list[float] = []  # the retry back-off's waits, asked for but not waited
        services = Services.from_settings(settings, sleep=slept.append)
        assert (server.count("metadata"), server.count("batchGet")) == (1, 1)
        ctx = services.ctx(1, role=None, today=date(2022, 3, 21))
        assert ctx.role is not None and ctx.role.kind == "provincie"  # demo user from the sheet
        text = handle(ctx, "/stand Den Haag").text
        assert "417" in text and "129" in text and "oud" not in text

        server.go_down()
        result = services.cache.refresh()  # what the refresh job does when the TTL is up
        assert not result.ok and len(slept) == 3  # four attempts, three back-off waits
        stale = services.ctx(1, today=date(2022, 3, 21))
        text = handle(stale, "/stand Den Haag").text
        assert "417" in text, "the last good data keeps being served"
        assert "kon niet worden ververst" in text
