"""The checkpoint round in Telegram (issue 18): the real Application over the fake Bot API, on a
copy of the sample workbook. Preview with the .xlsx, Vastleggen → confirm → Ja, written once to
the `ladder` tab and nowhere else, the recorded step shown at once; /vastleggen by name and by
province; the tables' "2/3A" and the province's prognosis total."""

from __future__ import annotations

import functools
import html
import io
import threading
import zipfile
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.app import build_application
from bot.services import Services
from bot.settings import Settings
from commands.context import Front
from commands.round.letters.bundle import LetterDefaults, zipped
from commands.round.tables import COLUMNS
from commands.router import handle
from sheets.runtime.cache import SheetCache
from sheets.sources.ladder import HEADER, Recorder
from sheets.sources.local import SAMPLE, LocalSource
from tests import xlsx_cells
from tests.fakes.polling import polling
from tests.fakes.telegram_api import FakeTelegramServer, SentMessage

ADMIN = 4242  # TAAKBOT_ADMINS: province staff of every province
ZH_STAFF = 1  # the sample's demo user: provincie Zuid-Holland
UTRECHT_STAFF, LEUSDEN = 20, 30  # added to the copy's gebruikers tab below
TODAY = date(2022, 10, 3)
NOW = datetime(2022, 10, 3, 9, 30, 15)
USERS = [
    [UTRECHT_STAFF, "Medewerker Utrecht", "provincie", "Utrecht", "test"],
    [LEUSDEN, "Ambtenaar Leusden", "gemeente", "Leusden", "test"],
]


def workbook_copy(folder: Path) -> Path:
    """The sample in tmp_path (never the bundled file), with two more users."""
    path = folder / "werkmap.xlsx"
    path.write_bytes(_with_users())
    return path


@functools.cache
def _with_users() -> bytes:
    """The sample with USERS added, made once per process (openpyxl: 50 ms a save)."""
    book = load_workbook(SAMPLE)
    for row in USERS:
        book["gebruikers"].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every tab's cells as stored (formulas as formulas)."""
    return xlsx_cells.tabs(path)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegramServer, Path, Services]]:
    path = workbook_copy(tmp_path)
    async with FakeTelegramServer() as server:
        settings = Settings(
            {
                "TAAKBOT_TELEGRAM_TOKEN": server.token,
                "TAAKBOT_TELEGRAM_API_URL": server.base_url,
            }
        )
        cache = SheetCache(LocalSource(path))
        cache.get()
        services = Services(
            cache=cache,
            admins=frozenset({ADMIN}),
            fixed_today=TODAY,
            front=Front(
                recorder=Recorder(cache, clock=lambda: NOW),
                letters=functools.partial(zipped, defaults=LetterDefaults("A. de Vries")),
            ),
        )
        async with polling(build_application(settings, services)):
            yield server, path, services


async def ask(server: FakeTelegramServer, text: str, user: int, n: int = 1) -> list[SentMessage]:
    before = len(server.sent_messages(user))
    server.push_message(user, text, user_id=user)
    sent = await server.wait_for_messages(before + n, chat_id=user)
    return sent[before:]


async def tap(
    server: FakeTelegramServer, message: SentMessage, label: str, user: int, n: int = 1
) -> list[SentMessage]:
    (button,) = [b for b in buttons(message) if b["text"].startswith(label)]
    before = len(server.sent_messages(user))
    server.push_callback_query(user, user, button["callback_data"], message.message_id)
    sent = await server.wait_for_messages(before + n, chat_id=user)
    return sent[before:]


def buttons(message: SentMessage) -> list[dict[str, str]]:
    return [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


def read_xlsx(content: bytes) -> list[tuple[Any, ...]]:
    return xlsx_cells.tab(content)


UTRECHT = sorted(
    row[0] for row in LocalSource(SAMPLE).fetch()["gemeenten"][1:] if row[1] == "Utrecht"
)


async def test_preview_then_record_with_confirm(bot) -> None:
    server, path, _services = bot
    before = cells(path)
    (stand,) = await ask(server, "/stand Leusden", ADMIN)
    assert "op 1 oktober 2022" not in stand.text  # nothing recorded for the checkpoint yet

    (preview,) = await ask(server, "/ronde 1-10-2022 Utrecht", ADMIN)
    assert preview.method == "sendDocument"
    summary = preview.text.splitlines()
    assert summary[0] == "<b>Ronde 1 oktober 2022 — Utrecht</b>"
    assert f"{len(UTRECHT)} gemeenten" in preview.text and "Vast te leggen: 26" in preview.text
    assert len(summary) <= 12 and max(map(len, summary)) <= 80  # a phone's screen, not a table
    table = read_xlsx(preview.document)
    assert list(table[0]) == [header for _, header in COLUMNS]  # Dutch headers
    assert sorted(r[0] for r in table[1:]) == UTRECHT  # one row per municipality
    assert {r[3] for r in table[1:]} == {"2022-10-01"}

    (confirm,) = await tap(server, preview, "Vastleggen (26)", ADMIN)
    assert "26 besluiten vastleggen in het tabblad ladder" in confirm.text
    assert [b["text"] for b in buttons(confirm)] == ["✅ Ja, vastleggen", "✖ Annuleren"]
    assert cells(path) == before  # asking is not writing

    busy, done = await tap(server, confirm, "✅ Ja", ADMIN, n=2)
    assert "Bezig met vastleggen van 26 besluiten" in busy.text
    assert "26 besluiten vastgelegd in tabblad ladder" in done.text

    after = cells(path)
    assert {t: after[t] for t in after if t != "ladder"} == {
        t: before[t] for t in before if t != "ladder"
    }, "no other tab changes"
    old, new = before["ladder"], after["ladder"]
    width = len(old[0])
    assert after["ladder"][0] == (*old[0][:width], "vastgelegd_door", "vastgelegd_op")
    assert [r[:width] for r in new[1 : len(old)]] == [r[:width] for r in old[1:]]
    added = new[len(old) :]
    assert sorted(r[0] for r in added) == UTRECHT
    column = {name: after["ladder"][0].index(name) for name in HEADER}
    leusden = next(r for r in added if r[0] == "Leusden")
    assert leusden[column["datum"]] == datetime(2022, 10, 1)
    assert leusden[column["trede"]] == "3"
    assert leusden[column["toelichting"]].startswith("Tussentijdse toets 2022-II")
    assert f"({ADMIN})" in leusden[column["vastgelegd_door"]]
    assert leusden[column["vastgelegd_op"]] == NOW

    (again,) = await tap(server, confirm, "✅ Ja", ADMIN)
    assert "niets vast te leggen" in again.text
    assert cells(path) == after

    (stand,) = await ask(server, "/stand Leusden", ADMIN)
    assert "Vastgelegd: trede <b>3</b>" in stand.text and "op 1 oktober 2022" in stand.text


async def test_the_latest_checkpoint_and_a_choice_of_province(bot) -> None:
    server, _path, _services = bot
    (choice,) = await ask(server, "/ronde", ADMIN)  # 3 October 2022: the round of 1 October
    assert [b["text"] for b in buttons(choice)] == ["Utrecht", "Zuid-Holland"]
    (preview,) = await tap(server, choice, "Utrecht", ADMIN)
    assert preview.method == "sendDocument" and "Ronde 1 oktober 2022 — Utrecht" in preview.text
    assert preview.document and [b["text"] for b in buttons(preview)][0] == "Vastleggen (26)"
    (own,) = await ask(server, "/ronde", ZH_STAFF)  # staff of one province: no question
    assert "Ronde 1 oktober 2022 — Zuid-Holland" in own.text
    assert "Vastleggen" not in str(own.reply_markup)  # nothing to record: every step is open


async def test_cancel_writes_nothing(bot) -> None:
    server, path, _services = bot
    before = cells(path)
    (preview,) = await ask(server, "/ronde 1-10-2022 Utrecht", UTRECHT_STAFF)
    (confirm,) = await tap(server, preview, "Vastleggen", UTRECHT_STAFF)
    (cancelled,) = await tap(server, confirm, "✖ Annuleren", UTRECHT_STAFF)
    assert "niets vastgelegd" in cancelled.text and cells(path) == before


@pytest.mark.parametrize(
    ("user", "text", "says"),
    [
        (LEUSDEN, "/ronde 1-10-2022 Utrecht", "/ronde is alleen voor de rol"),
        (LEUSDEN, "/vastleggen Leusden 1-10-2022 3", "/vastleggen is alleen voor de rol"),
        (ADMIN, "/vastleggen Leusden 1-10-2022 3A", "Trede 3A kent het kader utrecht niet"),
        (
            UTRECHT_STAFF,
            "/vastleggen Den Haag 1-7-2022 3A koppelingen voldoende",
            "valt buiten uw provincie",
        ),
        (UTRECHT_STAFF, "/ronde 1-10-2022 Zuid-Holland", "Geen toegang"),
    ],
    ids=[
        "gemeente /ronde",
        "gemeente /vastleggen",
        "no 3A in Utrecht",
        "other province",
        "other province's round",
    ],  # fmt: skip
)
async def test_refusals_write_nothing(bot, user: int, text: str, says: str) -> None:
    server, path, _services = bot
    before = cells(path)
    (reply,) = await ask(server, text, user)
    assert says in reply.text and "Bezig" not in reply.text
    assert cells(path) == before


async def test_a_person_records_den_haag(bot) -> None:
    server, path, _services = bot
    text = "/vastleggen Den Haag 1-7-2022 3A koppelingen voldoende"
    busy, done = await ask(server, text, ZH_STAFF, n=2)
    assert "Bezig met vastleggen van 1 besluit" in busy.text
    assert "1 besluit vastgelegd in tabblad ladder" in done.text
    ladder = cells(path)["ladder"]
    assert ladder[-1][:4] == ("'s-Gravenhage", datetime(2022, 7, 1), "3A", "koppelingen voldoende")
    _busy, again = await ask(server, text, ZH_STAFF, n=2)
    assert (
        "Al vastgelegd, niet opnieuw geschreven: 1" in again.text
        and cells(path)["ladder"] == ladder
    )


async def test_other_users_are_answered_while_the_round_writes(bot) -> None:
    """The write runs after the reply, off the event loop: while it is under way (held here
    until the other user's answer is in), another user's question is answered."""
    server, path, services = bot
    release = threading.Event()
    real = services.front.recorder

    class Held(Recorder):
        def record(self, rows, aliases=lambda n: (n,)):
            assert release.wait(timeout=10), "the other user's answer never came"
            return real.record(rows, aliases)

    services.front.recorder = Held(real.cache, real.clock)
    before = len(server.sent_messages(ADMIN))
    (busy,) = await ask(server, "/ronde ja 2022-10-01 Utrecht", ADMIN)
    assert "Bezig met vastleggen" in busy.text
    (other,) = await ask(server, "/stand Den Haag", ZH_STAFF)
    assert "'s-Gravenhage" in html.unescape(other.text)
    assert len(server.sent_messages(ADMIN)) == before + 1  # the write has not reported yet
    release.set()
    sent = await server.wait_for_messages(before + 2, chat_id=ADMIN)
    assert "26 besluiten vastgelegd" in sent[-1].text
    assert len(cells(path)["ladder"]) > 42


def sample_services(tmp_path: Path | None = None) -> Services:
    source = LocalSource(workbook_copy(tmp_path) if tmp_path else SAMPLE)
    cache = SheetCache(source)
    cache.get()
    recorder = Recorder(cache, clock=lambda: NOW)
    return Services(cache=cache, admins=frozenset({ADMIN}), front=Front(recorder=recorder))


@pytest.mark.parametrize(
    "note", ['=HYPERLINK("https://example.org";"klik")', "=1+1", "koppelingen voldoende"]
)
def test_a_typed_toelichting_stays_text(tmp_path: Path, note: str) -> None:
    """What a person types after the step is stored as they typed it, never run as a formula
    (the Google writer keeps it text with an apostrophe; the .xlsx as a text cell)."""
    found = sample_services(tmp_path)
    reply = handle(found.ctx(ZH_STAFF, today=TODAY), f"/vastleggen Den Haag 1-7-2022 3A {note}")
    assert "1 besluit vastgelegd" in reply.action.run().text
    sheet = load_workbook(tmp_path / "werkmap.xlsx")["ladder"]
    cell = sheet.cell(sheet.max_row, 4)
    assert (cell.value, cell.data_type) == (note, "s")


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("/regio Haaglanden", date(2022, 7, 3), ["'s-Gravenhage", "2/3A"]),
        ("/provincie Zuid-Holland", date(2022, 7, 3), ["op trede 2 of 3A"]),
        ("/provincie Utrecht", date(2022, 11, 10), ["Prognose voor 1 januari 2023"]),
    ],
)
def test_tables_say_what_they_know(text: str, today: date, expected: list[str]) -> None:
    text = html.unescape(handle(sample_services().ctx(ADMIN, today=today), text).text)
    line = next(line for line in text.splitlines() if expected[0] in line)
    assert all(part in line for part in expected), line


async def test_letters_arrive_as_one_zip(bot) -> None:
    server, path, _services = bot
    before = cells(path)
    (preview,) = await ask(server, "/ronde 1-10-2022 Utrecht", ADMIN)
    busy, sent = await tap(server, preview, "Brieven", ADMIN, n=2)
    assert "Bezig met 26 brieven" in busy.text
    assert sent.method == "sendDocument" and "26 brieven voor Utrecht" in sent.text
    with zipfile.ZipFile(io.BytesIO(sent.document)) as archive:
        names = archive.namelist()
        leusden = Document(io.BytesIO(archive.read("brief-Leusden-2022-10-01.docx")))
    assert len([n for n in names if n.endswith(".docx")]) == 26
    assert any(n.endswith(".xlsx") for n in names)  # the round's overview beside them
    text = "\n".join(p.text for p in leusden.paragraphs)
    text += "\n".join(c.text for t in leusden.tables for r in t.rows for c in r.cells)
    assert "Burgemeester en wethouders van Leusden" in text
    assert "A. de Vries" in text and "3 oktober 2022" in text  # signatory, date of drafting
    assert cells(path) == before  # letters never touch the sheet


async def test_municipal_user_gets_no_letters(bot) -> None:
    server, _path, _services = bot
    (reply,) = await ask(server, "/ronde brieven 1-10-2022 Utrecht", LEUSDEN)
    assert "alleen voor de rol provincie" in reply.text


async def test_letters_are_refused_in_a_group(bot) -> None:
    """A letter carries a verschoonbare reden, which /ladder hides in a group (issue 27 §6)."""
    server, _path, _services = bot
    group = -4242
    before = len(server.sent_messages(group))
    server.push_message(group, "/ronde brieven 1-10-2022 Utrecht", user_id=ADMIN)
    sent = await server.wait_for_messages(before + 1, chat_id=group)
    (reply,) = sent[before:]
    assert "privégesprek" in reply.text and reply.method != "sendDocument"
    server.push_message(group, "/ronde 1-10-2022 Utrecht", user_id=ADMIN)
    sent = await server.wait_for_messages(before + 2, chat_id=group)
    preview = sent[-1]
    assert "Ronde 1 oktober 2022" in preview.text
    assert "Brieven" not in [b["text"] for b in buttons(preview)]  # not offered in a group


@pytest.mark.parametrize(
    ("text", "today", "named"),
    [
        ("/stand Den Haag", date(2025, 1, 2), True),  # after April 2024: not in our sources
        ("/stand Den Haag", date(2022, 7, 3), False),
        ("/ronde 1-7-2024 Zuid-Holland", date(2024, 7, 3), True),
        ("/ronde 1-7-2022 Zuid-Holland", date(2022, 7, 3), False),
        ("/controle", date(2025, 1, 2), True),
    ],
)
def test_a_kader_outside_its_known_dates_is_named(text: str, today: date, named: bool) -> None:
    """Issue 27 §7: pzh-2020 is known to hold from 16 June 2020 until April 2024."""
    answer = handle(sample_services().ctx(ADMIN, today=today), text)
    if answer.action is not None:  # the round is drafted as queued work (issue 26)
        answer = answer.action.run()
    reply = html.unescape(answer.text)
    said = "Taakbot past kader pzh-2020 toe" in reply and "Bevestig in tabblad beleid" in reply
    assert said is named, reply
