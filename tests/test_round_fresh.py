"""Nothing recorded from stale data or on a date one cannot decide on (issue 24 §2–§4),
through the chat's own commands against a workbook copy: the *Ja* button re-reads the sheet
and writes nothing when a decision changed since the confirm; dates are checkpoints, in a
period with a taakstelling, not after the next checkpoint, within 2000–2100; a '3' reads as
the policy says, and a step cell that does not read is a conflict naming the cell."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from shutil import copy

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.services import Services
from commands.context import Front
from commands.reply import finished
from commands.router import handle
from sheets.runtime.cache import SheetCache
from sheets.sources.ladder import Recorder
from sheets.sources.local import SAMPLE, LocalSource
from tests import xlsx_cells

ADMIN = 4242
TODAY = date(2022, 10, 3)
NOW = datetime(2022, 10, 3, 9, 30, 15)


def _services(path: Path) -> Services:
    cache = SheetCache(LocalSource(path))
    cache.get()
    front = Front(recorder=Recorder(cache, clock=lambda: NOW))
    return Services(cache=cache, admins=frozenset({ADMIN}), front=front)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return Path(copy(SAMPLE, tmp_path / "werkmap.xlsx"))


@pytest.fixture
def services(workbook: Path) -> Services:
    return _services(workbook)


@pytest.fixture(scope="module")
def untouched(tmp_path_factory) -> tuple[Services, Path]:
    """One copy for the refusals: each test checks that it wrote nothing."""
    path = Path(copy(SAMPLE, tmp_path_factory.mktemp("refusals") / "werkmap.xlsx"))
    return _services(path), path


def ask(services: Services, text: str, today: date = TODAY):
    return handle(services.ctx(ADMIN, today=today), text)


def run(reply) -> str:
    return finished(reply).text


def ladder(path: Path) -> list[tuple]:
    return xlsx_cells.tab(path, "ladder")


def set_step(path: Path, gemeente: str, when: datetime, step: str) -> None:
    book = load_workbook(path)
    for row in book["ladder"].iter_rows(min_row=2):
        if row[0].value == gemeente and row[1].value == when:
            row[2].value = step
    book.save(path)


def test_a_stale_confirm_writes_nothing_and_shows_what_changed(services, workbook) -> None:
    """Preview, then Baarn's step of 1 July 2022 changes by hand from 2 to 3, then *Ja*."""
    confirm = ask(services, "/ronde vastleggen 2022-10-01 Utrecht")
    ja = confirm.keyboard[0][0].data.removeprefix("k|ronde|")
    assert ja.startswith("ja #")
    set_step(workbook, "Baarn", datetime(2022, 7, 1), "3")
    before = ladder(workbook)
    text = run(ask(services, f"/ronde {ja}"))
    assert "Niet vastgelegd: de sheet is veranderd sinds het voorstel" in text
    assert "• Baarn: was 2 (vast te leggen), nu 3" in text, text
    assert ladder(workbook) == before  # nothing written
    confirm = ask(services, "/ronde vastleggen 2022-10-01 Utrecht")  # confirm again: written
    done = run(ask(services, "/ronde " + confirm.keyboard[0][0].data.removeprefix("k|ronde|")))
    assert "besluiten vastgelegd" in done
    baarn = [r for r in ladder(workbook) if r[0] == "Baarn" and r[1] == datetime(2022, 10, 1)]
    assert [r[2] for r in baarn] == ["3"]  # from the sheet as it is, not the cached 2


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("/vastleggen Den Haag 1-1-1900 1", '"1-1-1900" ligt niet tussen 2000 en 2100'),
        ("/vastleggen Den Haag 31-12-9999 1", '"31-12-9999" ligt niet tussen 2000 en 2100'),
        ("/vastleggen Den Haag 15-3-2022 1", "geen toetsdatum"),
        ("/vastleggen Den Haag 1-7-2015 1", "voor 2015-I staat geen taakstelling"),
        ("/vastleggen Den Haag 1-7-2030 1", "ligt na de eerstvolgende toetsdatum"),
        (
            "/vastleggen Den Haag 1-4-2023 1",
            "ligt na de eerstvolgende toetsdatum (1 januari 2023)",
        ),
        ("/vastleggen Den Haag 31-02-2022 1", '"31-02-2022" is geen geldige datum'),
        ("/ronde 1-10-9999 Zuid-Holland", '"1-10-9999" ligt niet tussen 2000 en 2100'),
        ("/ronde 31-02-2022", '"31-02-2022" is geen geldige datum'),
        ("/ronde vastleggen 2023-01-01 Utrecht", "nog niet bereikt"),
        ("/ronde ja 2023-01-01 Utrecht", "nog niet bereikt"),
        ("/ronde brieven 2023-01-01 Utrecht", "nog niet bereikt"),
    ],
)
def test_dates_one_cannot_decide_on_are_refused(untouched, text, says) -> None:
    services, workbook = untouched
    before = ladder(workbook)
    reply = ask(services, text)
    assert says in run(reply), run(reply)
    assert ladder(workbook) == before


def test_a_round_to_come_is_a_preview_without_recording(untouched) -> None:
    services, _path = untouched
    reply = finished(ask(services, "/ronde 2023-01-01 Utrecht"))
    assert "nog niet bereikt" in reply.text
    assert not [b for row in reply.keyboard for b in row]  # no Vastleggen, no Brieven


def test_a_3_is_read_as_the_policy_says(services, workbook) -> None:
    """PZH: '3' is 3A when typed, when recorded, and when the round compares."""
    text = run(ask(services, "/vastleggen Den Haag 1-7-2022 3 besluit GS"))
    assert "1 besluit vastgelegd" in text
    assert ladder(workbook)[-1][:3] == ("'s-Gravenhage", datetime(2022, 7, 1), "3A")
    again = run(ask(services, "/vastleggen Den Haag 1-7-2022 3A"))
    assert "Al vastgelegd, niet opnieuw geschreven: 1" in again


@pytest.mark.parametrize("typed", ["drie", "3 (GS-besluit volgt)"])
def test_an_unreadable_step_on_the_date_is_a_conflict_naming_the_cell(
    services, workbook, typed
) -> None:
    set_step(workbook, "Baarn", datetime(2022, 7, 1), "2")
    book = load_workbook(workbook)
    book["ladder"].append(["Baarn", datetime(2022, 10, 1), typed, "met de hand"])
    row = book["ladder"].max_row
    book.save(workbook)
    services.cache.refresh()
    confirm = ask(services, "/ronde vastleggen 2022-10-01 Utrecht")
    text = run(ask(services, "/ronde " + confirm.keyboard[0][0].data.removeprefix("k|ronde|")))
    assert (
        f'Niet overschreven: Baarn staat op 1 oktober 2022 al als trede ? (ladder!C{row}: "{typed}"'
        in text
    ), text
    baarn = [r for r in ladder(workbook) if r[0] == "Baarn" and r[1] == datetime(2022, 10, 1)]
    assert len(baarn) == 1


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["--date", "9999-10-01"], 2, '"9999-10-01" ligt niet tussen 2000 en 2100'),
        (["--date", "2022-02-31"], 2, '"2022-02-31" is geen geldige datum'),
        (["--date", "2027-01-01", "--brieven", "D"], 2, "nog niet bereikt"),
    ],
)
def test_the_command_line_refuses_alike(workbook, monkeypatch, capsys, argv, code, says) -> None:
    monkeypatch.setenv("TAAKBOT_TODAY", "2022-10-03")
    try:
        found = main(["ronde", "--provincie", "Utrecht", "--source", str(workbook), *argv])
    except SystemExit as exc:  # argparse's own refusal of a --date
        found = exc.code
    assert found == code
    assert says in capsys.readouterr().err


@pytest.mark.parametrize(
    ("policy", "recorded", "rules", "same"),
    [
        ("pzh-2020", "3", "3A", True),  # PZH reads an unsplit 3 as 3A …
        ("pzh-2020", "3", "3B", False),  # … so a 3 where the rules give 3B differs
        ("pzh-2020", "3A", "3A", True),
        ("utrecht", "3", "3", True),
        ("utrecht", "3A", "3", True),  # an unsplit ladder reads 3A as its 3
    ],
)
def test_the_check_reads_a_step_as_the_writer_does(policy, recorded, rules, same) -> None:
    from engine.policies import POLICIES
    from engine.replay import agrees
    from engine.treden import Trede

    assert agrees(POLICIES[policy], Trede(recorded), Trede(rules)) is same


def test_a_round_without_a_taakstelling_offers_no_recording(untouched) -> None:
    """1 July 2015 is a checkpoint, but the sheet has no taakstelling for 2015-I."""
    services, _path = untouched
    reply = finished(ask(services, "/ronde 2015-07-01 Zuid-Holland"))
    assert "Vastleggen kan niet: voor 2015-I staat geen taakstelling" in reply.text
    labels = [b.text for row in reply.keyboard for b in row]
    assert not [label for label in labels if label.startswith("Vastleggen")]
