"""/export sends the same figures as `taakbot export`, as an .xlsx, to staff and coordinators."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from commands.context import Ctx
from commands.export import EXPORT_COLUMNS, export_rows
from commands.reply import finished
from commands.roles import Role
from commands.router import handle
from sheets.loading.convert import load
from sheets.sources.local import default_source
from tests.test_onboarding import ADMIN, Bot, bot, say  # noqa: F401  (the fixture)

MARCH_21 = date(2022, 3, 21)


@pytest.fixture(scope="module")
def data():
    source = default_source()
    return load(source.fetch(), source.describe())


def sheet_rows(reply) -> list[dict]:
    book = load_workbook(io.BytesIO(reply.document))
    values = list(book.active.values)
    assert list(values[0]) == list(EXPORT_COLUMNS)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.mark.parametrize(
    ("role", "command", "members"),
    [
        (Role("provincie"), "/export Haaglanden", 9),
        (Role("provincie"), "/export Zuid-Holland", 52),
        (Role("provincie"), "/export Den Haag", 1),
        (Role("coordinator", "Haaglanden"), "/export", 9),  # own scope by default
    ],
)
def test_same_figures_as_taakbot_export(data, role, command, members) -> None:
    reply = finished(handle(Ctx(data, MARCH_21, 7, role), command))
    rows = sheet_rows(reply)
    assert len(rows) == members and reply.document_name.endswith(".xlsx")
    cli = {r["gemeente"]: r for r in export_rows(data, MARCH_21)}
    for row in rows:
        for column in ("opgave", "realisatie", "minimum", "prognose", "trede", "peildatum"):
            assert row[column] == cli[row["gemeente"]][column], (row["gemeente"], column)


@pytest.mark.parametrize(
    ("role", "command"),
    [
        (Role("gemeente", "Delft"), "/export Delft"),
        (Role("coordinator", "Haaglanden"), "/export Leusden"),
    ],
)
def test_not_for_others(data, role, command) -> None:
    reply = finished(handle(Ctx(data, MARCH_21, 7, role), command))
    assert reply.document is None


async def test_export_arrives_as_a_document(bot: Bot) -> None:  # noqa: F811
    (sent,) = await say(bot.server, ADMIN, "/export Haaglanden")
    assert sent.method == "sendDocument" and "9 gemeenten" in sent.text
