"""Every start-up and command-line failure: one Dutch line naming the fix, a distinct exit code."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import StoreError, explain
from tests.fakes.sheets_api import FakeSheetsServer

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"


def run_main(monkeypatch, capsys, argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err


@pytest.fixture
def sheets():
    with FakeSheetsServer.in_thread({}) as server:
        yield server


@pytest.mark.parametrize(
    ("case", "argv", "env", "code", "says"),
    [
        ("no such workbook", ["check", "--source", "{tmp}/weg.xlsx"], {}, 3, "bestaat niet"),
        (
            "sheet id is no id",
            ["check", "--source", "gsheet:abc"],
            {"TAAKBOT_SHEETS_API_URL": "{sheets}"},
            4,
            "niet gevonden",
        ),
        (
            "sheet not shared",
            ["check", "--source", f"gsheet:{UNKNOWN_ID}"],
            {"TAAKBOT_SHEETS_API_URL": "{sheets}"},
            4,
            "niet gedeeld",
        ),
        (
            "no credentials",
            ["check", "--source", "gsheet:abc"],
            {},
            4,
            "GOOGLE_APPLICATION_CREDENTIALS",
        ),
        (
            "database folder missing",
            ["backup", "{tmp}/b.sqlite"],
            {"TAAKBOT_DB": "{tmp}/weg/taakbot.sqlite"},
            5,
            "bestaat niet",
        ),
        (
            "corrupt database",
            ["backup", "{tmp}/b.sqlite"],
            {"TAAKBOT_DB": "{tmp}/kapot.sqlite"},
            5,
            "geen (gave) SQLite-database",
        ),
        ("template exists", ["init-sheet", "{tmp}/bestaat.xlsx"], {}, 6, "bestaat al"),
        ("template suffix", ["init-sheet", "{tmp}/sjabloon.pdf"], {}, 2, "kies .xlsx"),
        ("role without scope", ["ask", "--as", "gemeente", "/help"], {}, 2, "geef de scope"),
        ("run without token", ["run"], {}, 2, "TAAKBOT_TELEGRAM_TOKEN ontbreekt"),
        (
            "webhook without secret",
            ["run"],
            {
                "TAAKBOT_TELEGRAM_TOKEN": "123456:ABCDEFGHIJ",
                "TAAKBOT_WEBHOOK_URL": "https://bot.example.nl/hook",
            },
            2,
            "TAAKBOT_WEBHOOK_SECRET ontbreekt",
        ),
        (
            "run with database folder missing",
            ["run"],
            {"TAAKBOT_TELEGRAM_TOKEN": "123456:ABCDEFGHIJ", "TAAKBOT_DB": "{tmp}/weg/t.sqlite"},
            5,
            "TAAKBOT_DB",
        ),
        (
            "telegram unreachable",
            ["run"],
            {
                "TAAKBOT_TELEGRAM_TOKEN": "123456:ABCDEFGHIJ",
                "TAAKBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
                "TAAKBOT_DB": "{tmp}/t.sqlite",
            },
            8,
            "Telegram is onbereikbaar",
        ),
        ("bad setting", ["check"], {"TAAKBOT_REMINDER_DAYS": ",,,"}, 2, "TAAKBOT_REMINDER_DAYS"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else None,
)
def test_failure_is_one_line_and_a_code(
    case, argv, env, code, says, tmp_path, monkeypatch, capsys, sheets
) -> None:
    (tmp_path / "kapot.sqlite").write_bytes(b"dit is geen database" * 100)
    (tmp_path / "bestaat.xlsx").write_bytes(b"x")

    def fill(text: str) -> str:
        return text.format(tmp=tmp_path, sheets=sheets.url)

    got, err = run_main(
        monkeypatch, capsys, [fill(a) for a in argv], {k: fill(v) for k, v in env.items()}
    )
    lines = [line for line in err.splitlines() if line.strip()]
    assert got == code, err
    assert says in err and "Traceback" not in err
    assert len([line for line in lines if " WARNING " not in line]) == 1, err


def test_backup_then_restore(tmp_path, monkeypatch, capsys) -> None:
    from bot.store import Store

    db = tmp_path / "taakbot.sqlite"
    store = Store(db)
    store.subscriptions.subscribe(7, "gemeente", "Delft", 7, "nl")
    monkeypatch.setenv("TAAKBOT_DB", str(db))
    code, _ = run_main(monkeypatch, capsys, ["backup", str(tmp_path / "kopie.sqlite")], {})
    assert code == 0  # a consistent copy while the store is open (SQLite's online backup)
    store.close()
    db.unlink()
    (tmp_path / "kopie.sqlite").rename(db)  # the documented restore: put the copy back
    assert [s.scope for s in Store(db).subscriptions.active(7)] == ["Delft"]
    code, err = run_main(monkeypatch, capsys, ["backup", str(db)], {})
    assert code == 6 and "bestaat al" in err


def test_read_only_database_is_explained() -> None:
    text = explain(
        "/data/t.sqlite", sqlite3.OperationalError("attempt to write a readonly database")
    )
    assert "alleen-lezen" in text and "TAAKBOT_DB" in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_read_only_database_file(tmp_path) -> None:
    from bot.store import Store

    db = tmp_path / "t.sqlite"
    Store(db).close()
    db.chmod(0o444)
    with pytest.raises(StoreError, match="niet schrijfbaar"):
        Store(db)


def _cli(*args: str, **popen) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAAKBOT_")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, text=True, **popen
    )


def test_export_into_head_is_quiet() -> None:
    """`taakbot export … | head`: the reader is gone before the writer is done."""
    read, write = os.pipe()
    os.close(read)  # like head after its first lines: nobody reads any more
    proc = _cli("export", "--date", "2022-03-21", "--format", "csv", stdout=write,
                stderr=subprocess.PIPE)  # fmt: skip
    os.close(write)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141 and "Traceback" not in err and "BrokenPipe" not in err
    assert err == ""


def test_ctrl_c_in_chat() -> None:
    proc = _cli("chat", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    first = proc.stdout.readline()  # the greeting: the chat waits for input now
    assert "Taakbot" in first and time.monotonic() < deadline
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and err.strip() == "Onderbroken."


def test_database_in_the_working_directory_is_warned_about(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.chdir(tmp_path)
    env = {
        "TAAKBOT_TELEGRAM_TOKEN": "123456:ABCDEFGHIJ",
        "TAAKBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",  # stops right after the check
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 8
    assert "blijvend volume" in caplog.text and "TAAKBOT_DB=taakbot.sqlite" in caplog.text
