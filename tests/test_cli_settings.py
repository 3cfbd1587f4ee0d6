"""The command line and the settings table, as a newcomer uses them."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import SETTINGS, SettingError, Settings

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting) -> None:
    assert f"`{setting.name}`" in README


def _readme_table() -> dict[str, tuple[str, str]]:
    """`NAME` → (default, allowed) from the README's settings table."""
    rows = {}
    for line in README.split("## Instellingen", 1)[1].split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    return rows


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_readme_table_states_default_and_allowed_values(setting) -> None:
    default, allowed = _readme_table()[setting.name]
    assert allowed == setting.allowed
    if setting.default:
        assert default == setting.default
    elif setting.name != "TAAKBOT_SOURCE":
        assert default == "–"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TAAKBOT_REFRESH_SECONDS", "vijf"),
        ("TAAKBOT_REFRESH_SECONDS", "0"),  # would read the sheet on every message
        ("TAAKBOT_REFRESH_SECONDS", "29"),
        ("TAAKBOT_REFRESH_SECONDS", "86401"),
        ("TAAKBOT_TODAY", "21-3-2022"),
        ("TAAKBOT_WEEKLY", "zondag"),
        ("TAAKBOT_WEEKLY", "sun 25:00"),
        ("TAAKBOT_TIMEZONE", "Mars/Olympus"),
        ("TAAKBOT_LOG_LEVEL", "luid"),
        ("TAAKBOT_REMINDER_DAYS", "-1"),
        ("TAAKBOT_REMINDER_DAYS", ",,,"),
        ("TAAKBOT_REMINDER_DAYS", "999999999"),
        ("TAAKBOT_REMINDER_DAYS", "1,2,3,4,5,6,7,8,9,10,11"),
        ("TAAKBOT_WEBHOOK_PORT", "99999"),
        ("TAAKBOT_WEBHOOK_PORT", "0"),
        ("TAAKBOT_HEALTH_PORT", "65536"),
        ("TAAKBOT_WEBHOOK_URL", "http://bot.example.nl/hook"),  # Telegram only posts to https
        ("TAAKBOT_WEBHOOK_URL", "bot.example.nl"),
        ("TAAKBOT_WEBHOOK_SECRET", "kort"),
        ("TAAKBOT_WEBHOOK_SECRET", "spaties zijn niet toegestaan 1234"),
        ("TAAKBOT_WEBHOOK_LISTEN", "overal"),
        ("TAAKBOT_ADMINS", "1, beheerder"),
        ("TAAKBOT_RETENTION_DAYS", "7"),
        ("TAAKBOT_TELEGRAM_TOKEN", "geen-token"),
        ("TAAKBOT_TELEGRAM_API_URL", "ftp://x"),
        ("TAAKBOT_SHEETS_API_URL", "localhost:8080"),
        ("GOOGLE_SERVICE_ACCOUNT_JSON", "{niet: json"),
        ("GOOGLE_SERVICE_ACCOUNT_JSON", '{"type": "authorized_user"}'),
    ],
)
def test_bad_setting_names_itself_and_hints(name, value) -> None:
    with pytest.raises(SettingError, match=name) as caught:
        Settings({name: value})
    message = str(caught.value)
    assert "Toegestaan:" in message and "\n" not in message
    if next(s for s in SETTINGS if s.name == name).secret:
        assert value not in message


@pytest.mark.parametrize(
    ("name", "value", "parsed"),
    [
        ("TAAKBOT_LOG_LEVEL", "debug", "DEBUG"),  # case does not matter
        ("TAAKBOT_LOG_LEVEL", " Warning ", "WARNING"),
        ("TAAKBOT_REFRESH_SECONDS", "30", 30),
        ("TAAKBOT_REFRESH_SECONDS", "86400", 86400),
        ("TAAKBOT_REMINDER_DAYS", "1 7 14", (14, 7, 1)),
        ("TAAKBOT_REMINDER_DAYS", "0;3", (3, 0)),
        ("TAAKBOT_REMINDER_DAYS", "7,7", (7,)),
        ("TAAKBOT_WEBHOOK_PORT", "1", 1),
        ("TAAKBOT_WEBHOOK_PORT", "65535", 65535),
        ("TAAKBOT_ADMINS", "1 2", frozenset({1, 2})),  # spaces separate too
        ("TAAKBOT_ADMINS", "1,2;3", frozenset({1, 2, 3})),
        (
            "TAAKBOT_WEBHOOK_URL",
            "https://bot.example.nl/tg/hook",
            "https://bot.example.nl/tg/hook",
        ),
        ("TAAKBOT_WEBHOOK_URL", "http://127.0.0.1:8443/hook", "http://127.0.0.1:8443/hook"),
        ("TAAKBOT_WEBHOOK_LISTEN", "0.0.0.0", "0.0.0.0"),
        ("TAAKBOT_WEEKLY", "Friday 16:00", (4, time(16, 0))),
        ("TAAKBOT_RETENTION_DAYS", "30", 30),
    ],
)
def test_good_settings_parse(name, value, parsed) -> None:
    assert Settings({name: value})[name] == parsed


def test_key_json_in_the_environment_becomes_a_readable_key_file() -> None:
    key = {
        "type": "service_account",
        "client_email": "taakbot@project.iam.gserviceaccount.com",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----\n",
        "private_key_id": "0123456789abcdef",
    }
    settings = Settings({"GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(key)})
    path = settings["GOOGLE_APPLICATION_CREDENTIALS"]
    assert json.loads(Path(path).read_text()) == key
    assert key["private_key"] in settings.secrets()
    with pytest.raises(SettingError, match="niet beide"):
        Settings(
            {"GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(key), "GOOGLE_APPLICATION_CREDENTIALS": "k"}
        )


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


def test_a_secret_comes_from_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "smtp"
    secret.write_text("wachtwoord met spaties\n", encoding="utf-8")
    settings = Settings({"TAAKBOT_SMTP_PASSWORD_FILE": str(secret)})
    assert settings["TAAKBOT_SMTP_PASSWORD"] == "wachtwoord met spaties"
    assert "wachtwoord met spaties" in settings.secrets()
    with pytest.raises(SettingError, match="TAAKBOT_SMTP_PASSWORD_FILE: .* is niet te lezen"):
        Settings({"TAAKBOT_SMTP_PASSWORD_FILE": str(tmp_path / "weg")})


def test_teams_webhook_urls_are_secrets(tmp_path: Path) -> None:
    file = tmp_path / "teams"
    file.write_text("regio:Haaglanden = https://teams.test/flow?sig=GEHEIM123456\n", "utf-8")
    settings = Settings({"TAAKBOT_TEAMS_WEBHOOKS": str(file)})
    assert settings["TAAKBOT_TEAMS_WEBHOOKS"] == {
        ("regio", "Haaglanden"): "https://teams.test/flow?sig=GEHEIM123456"
    }
    assert "https://teams.test/flow?sig=GEHEIM123456" in settings.secrets()
    file.write_text("regio:Haaglanden = http://teams.test/flow?sig=GEHEIM123456\n", "utf-8")
    with pytest.raises(SettingError) as err:
        Settings({"TAAKBOT_TEAMS_WEBHOOKS": str(file)})
    assert "regel 1" in str(err.value) and "GEHEIM" not in str(err.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [("TAAKBOT_SMTP_TLS", "tls"), ("TAAKBOT_MAIL_FROM", "Taakbot"),
     ("TAAKBOT_MAIL_AFMELDEN", "afmelden"), ("TAAKBOT_SMTP_HOST", "smtp server")],
)  # fmt: skip
def test_bad_mail_settings(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=name):
        Settings({name: value})
