"""/provincie gives the province's prognosis total as its own overview sums it (issue 18)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from commands.context import Ctx
from commands.roles import PROVINCE, Role
from commands.router import handle
from sheets.loading.convert import load
from sheets.sources.local import LocalSource
from tests.overview_books import UTRECHT_TAB, utrecht_rows, write_xlsx

PROGNOSIS = 8  # the overview's column "Prognose gerealiseerd op 1 januari 2023"


def test_utrecht_total_is_the_overviews_own(tmp_path: Path) -> None:
    rows = utrecht_rows()
    total = next(r for r in rows if r and r[0] == "Totaal")
    path = write_xlsx(tmp_path / "overzicht.xlsx", {UTRECHT_TAB: rows})
    data = load(LocalSource(path).fetch(), "test", provincie="Utrecht")
    ctx = Ctx(data, date(2022, 11, 10), 1, Role(PROVINCE, "Utrecht"))
    text = handle(ctx, "/provincie Utrecht").text
    assert f"Prognose voor 1 januari 2023: {total[PROGNOSIS]} gehuisvest" in text
    assert "de som over 26 gemeenten met cijfers" in text
