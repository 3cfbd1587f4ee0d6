"""No secret in any log line, traceback or reply: the filter alone, then `taakbot run` at DEBUG."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.redact import MASK, Redactor
from tests.fakes.telegram_api import FakeTelegramServer

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "7412589630:AAHk3Jz-VeRySeCrEtToKeN_abcdefghij12"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    "line",
    [
        f"HTTP Request: POST https://api.telegram.org/bot{TOKEN}/getMe",
        f"The token `{TOKEN}` was rejected by the server.",
        "http://127.0.0.1:8081/bot123:short/getUpdates",  # any token in a Bot API URL
        "Other bot: 5555555555:AAFaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",  # token-shaped
        f'{{"private_key": "{KEY!r}", "private_key_id": "abc123def456"}}',
        f"key {KEY}",
        "X-Telegram-Bot-Api-Secret-Token: hush-hush-hush-1234",
        "the secret half alone: AAHk3Jz-VeRySeCrEtToKeN_abcdefghij12",
    ],
)
def test_filter_masks_secrets(line: str) -> None:
    redactor = Redactor([TOKEN])
    out = redactor.redact(line)
    assert MASK in out
    for secret in (TOKEN, TOKEN.split(":")[1], "MIIEvQIBADAN", "abc123def456", "hush-hush"):
        assert secret not in out


def test_filter_covers_arguments_and_tracebacks(capsys) -> None:
    logger = logging.getLogger("test.redact")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(Redactor([TOKEN]))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("url %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
        try:
            raise RuntimeError(f"token {TOKEN} refused")
        except RuntimeError:
            logger.exception("crash")
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert "crash" in err and "Traceback" in err and TOKEN not in err
    assert TOKEN.split(":")[1] not in err


async def _run(env: dict[str, str], until=None, server=None) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    if until is not None:
        await server.wait_until(until, timeout=30)
        proc.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode() + err.decode()


def _env(tmp_path: Path, server: FakeTelegramServer, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAAKBOT_", "GOOGLE_"))}
    env.update(
        TAAKBOT_TELEGRAM_TOKEN=TOKEN,
        TAAKBOT_TELEGRAM_API_URL=server.base_url,
        TAAKBOT_DB=str(tmp_path / "taakbot.sqlite"),
        TAAKBOT_LOG_LEVEL="debug",  # lower case is fine
        **extra,
    )
    return env


async def test_rejected_token_crash_shows_one_line_and_no_token(tmp_path: Path) -> None:
    async with FakeTelegramServer() as server:  # knows another token: getMe answers 401
        code, output = await _run(_env(tmp_path, server))
    assert code == 7
    assert "Telegram weigert TAAKBOT_TELEGRAM_TOKEN" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    assert "DEBUG" in output  # the log really ran at DEBUG


async def test_running_bot_at_debug_never_logs_the_token(tmp_path: Path) -> None:
    async with FakeTelegramServer(token=TOKEN) as server:

        def answered() -> bool:
            if len(server.calls_to("getUpdates")) == 1:
                server.push_message(42, "/help", user_id=42)
            return bool(server.sent_messages(42))

        code, output = await _run(_env(tmp_path, server), until=answered, server=server)
    assert code == 0, output[-2000:]
    assert "getUpdates" in output or "getMe" in output  # DEBUG lines about API calls
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
