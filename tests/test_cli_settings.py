"""The command line and the settings table, as a newcomer uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import SETTINGS, SettingError, Settings

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting) -> None:
    assert f"`{setting.name}`" in README


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TAAKBOT_REFRESH_SECONDS", "vijf"),
        ("TAAKBOT_TODAY", "21-3-2022"),
        ("TAAKBOT_WEEKLY", "zondag"),
        ("TAAKBOT_TIMEZONE", "Mars/Olympus"),
    ],
)
def test_bad_setting_names_itself_and_hints(name, value) -> None:
    with pytest.raises(SettingError, match=name):
        Settings({name: value})


def test_defaults() -> None:
    s = Settings({})
    assert s["TAAKBOT_REFRESH_SECONDS"] == 300 and s["TAAKBOT_REMINDER_DAYS"] == (14, 7, 1)
    assert s["TAAKBOT_WEEKLY"][0] == 0 and str(s["TAAKBOT_TIMEZONE"]) == "Europe/Amsterdam"


def test_ask_prints_plain_answer(capsys) -> None:
    assert main(["ask", "--today", "2022-03-21", "/stand Den Haag"]) == 0
    out = capsys.readouterr().out
    assert "Opgave: 417" in out and "<b>" not in out


def test_check_on_sample_is_clean_but_reports_contradictions(capsys) -> None:
    assert main(["check"]) == 0
    assert "3 tegenstrijdigheden" in capsys.readouterr().out


def test_check_exits_1_on_errors(tmp_path, capsys) -> None:
    folder = tmp_path / "sheet"
    folder.mkdir()
    (folder / "gemeenten.csv").write_text("gemeente;provincie;regio\nDelft;Zuid-Holland;H\n")
    (folder / "realisatie.csv").write_text(
        "gemeente,peildatum,gehuisvest\nDelft,1-3-2022,twaalf\n"
    )
    assert main(["check", "--source", str(folder)]) == 1
    assert 'realisatie!C2: "twaalf" is geen getal' in capsys.readouterr().out


def test_export_json_types(capsys) -> None:
    assert main(["export", "--date", "2022-03-21"]) == 0
    rows = {r["gemeente"]: r for r in json.loads(capsys.readouterr().out)}
    dh = rows["'s-Gravenhage"]
    assert dh["opgave"] == 417 and dh["prognose_pct_opgave"] == 71 and dh["trede"] == "2"


def test_assess_json(capsys) -> None:
    assert main(["assess", "--date", "2021-04-01", "--json"]) == 0
    (row,) = [r for r in json.loads(capsys.readouterr().out) if r["gemeente"] == "'s-Gravenhage"]
    assert (row["soort"], row["minimum"], row["op_schema"], row["trede_na"]) == (
        "tussentijds",
        209,
        False,
        "1",
    )


def test_init_sheet_writes_template(tmp_path) -> None:
    target = tmp_path / "sjabloon.xlsx"
    assert main(["init-sheet", str(target)]) == 0
    assert target.stat().st_size > 1000


def test_missing_source_is_a_clear_error(tmp_path, capsys) -> None:
    assert main(["check", "--source", str(tmp_path / "weg.xlsx")]) == 3
    assert "bestaat niet" in capsys.readouterr().err


def test_console_chat_keyboard_choice_and_language() -> None:
    import io
    from datetime import date

    from bot.console import chat
    from bot.services import Services
    from commands.roles import Role

    services = Services.from_settings(Settings({}))
    out = io.StringIO()
    chat(
        services,
        role=Role("provincie"),
        today=date(2022, 3, 21),
        out=out,
        inp=io.StringIO("/stand Krimpen\n2\n/taal en\n/stand Delft\nstop\n/help\n"),
    )
    text = out.getvalue()
    assert "[2] Krimpenerwaard" in text and "Krimpenerwaard — periode 2022-I" in text
    assert "Target: 76" in text and "/help" not in text.split("stop")[-1]
