"""Start-up and memory of the running bot (`taakbot run` in its own process) on the country workbook.

The bot polls the fake Bot API; its sheet is the SYNTHETIC country workbook (bench/workbook.py)
from the fake Sheets API (`gsheet`) or from an .xlsx file (`xlsx`). At the moment the process is
spawned we send `/start` and `/stand`, and time: the first reply, what `/stand` answers before the
data is in, and when `/stand` first answers with figures. Then the bot's own refresh job reads
the sheet again (every TAAKBOT_REFRESH_SECONDS, at least 30 s) and we read the process's resident
memory. Baselines in the same run: a bare python-telegram-bot bot that answers /start, and (with
`--before REV`) the bot as it was at that git revision (its bot/, commands/, engine/, sheets/
and locales/).

    python bench/bench_startup.py [--sources gsheet xlsx] [--scale 1] [--refreshes 2] [--before REV]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.workbook import ADMIN, country, name, save_xlsx  # noqa: E402
from tests.fakes.sheets_api import FakeSheetsServer  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramServer  # noqa: E402

SHEET_ID = "1BenchStartupBenchStartupBenchStartup00"
REFRESH_SECONDS = 30  # the smallest TAAKBOT_REFRESH_SECONDS allowed
MEMORY_GOAL = 150  # MB resident after refreshes at ×1 (README)
PACKAGES = ("bot", "commands", "engine", "sheets", "locales")  # the bot's code, for --before

BARE_BOT = """
import os
from telegram.ext import Application, CommandHandler
async def start(update, context):
    await update.effective_message.reply_text("hallo")
app = (Application.builder().token(os.environ["TOKEN"]).base_url(os.environ["URL"]).build())
app.add_handler(CommandHandler("start", start))
app.run_polling()
"""


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", float("nan")), fields.get("VmHWM", float("nan"))


async def first_reply(server: FakeTelegramServer, chat: int, after: int, limit: float) -> str:
    sent = await server.wait_for_messages(after + 1, chat_id=chat, timeout=limit)
    return sent[after].text or ""


async def measure(
    cmd: list[str], env: dict[str, str], refreshes: int, bare: bool, cwd: str | None = None
) -> dict:
    async with FakeTelegramServer(max_long_poll=0.5) as server:
        env = {**env, "TAAKBOT_TELEGRAM_TOKEN": server.token, "TOKEN": server.token}
        env.update(TAAKBOT_TELEGRAM_API_URL=server.base_url, URL=server.base_url)
        start = time.monotonic()
        proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        result: dict = {}
        try:
            server.push_message(ADMIN, "/start", user_id=ADMIN)
            await first_reply(server, ADMIN, 0, 60)
            result["first_reply"] = time.monotonic() - start
            if bare:
                await asyncio.sleep(2)
                result["rss"], result["peak"] = memory(proc.pid)
                return result
            asked = len(server.sent_messages(ADMIN))
            server.push_message(ADMIN, f"/stand {name(8)}", user_id=ADMIN)
            result["early"] = await first_reply(server, ADMIN, asked, 60)
            while True:  # ask again until the figures are there
                asked = len(server.sent_messages(ADMIN))
                server.push_message(ADMIN, f"/stand {name(8)}", user_id=ADMIN)
                text = await first_reply(server, ADMIN, asked, 120)
                if "geladen" not in text:
                    result["data"] = time.monotonic() - start
                    break
                await asyncio.sleep(0.1)
            result["rss_loaded"], _ = memory(proc.pid)
            await asyncio.sleep(refreshes * REFRESH_SECONDS + 5)  # the bot's own refresh job
            result["rss"], result["peak"] = memory(proc.pid)
            return result
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            if proc.returncode not in (0, -15, None) and "first_reply" not in result:
                print(proc.stderr.read().decode()[-2000:] if proc.stderr else "", file=sys.stderr)


async def main_async(args: argparse.Namespace) -> None:
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("TAAKBOT_")}
    print(f"SYNTHETIC country workbook ×{args.scale}; bot = `taakbot run` in its own process")
    print(
        f"{'bot':<22} {'1st reply s':>11} {'/stand before data':<28} {'data s':>7} "
        f"{'RSS loaded':>10} {'RSS after':>9} {'peak':>6} {'margin':>7}"
    )
    bare = await measure([sys.executable, "-c", BARE_BOT], base_env, 0, bare=True)
    print(
        f"{'bare PTB bot':<22} {bare['first_reply']:>11.2f} {'-':<28} {'-':>7} {'-':>10} "
        f"{bare['rss']:>9.0f} {bare['peak']:>6.0f}"
    )
    book = country(args.scale)
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeSheetsServer.in_thread(workbooks={SHEET_ID: book}) as sheets,
    ):
        xlsx = Path(tmp) / "land.xlsx"
        if "xlsx" in args.sources:
            save_xlsx(book, xlsx)
        old = None
        if args.before:  # `python -m` puts the working directory first: the old bot's code
            old = Path(tmp) / "before"
            old.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.before, *PACKAGES],
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        runs = [(source, None) for source in args.sources]
        if old is not None:
            runs = [run for source in args.sources for run in ((source, old), (source, None))]
        for source, code in runs:
            env = {
                **base_env,
                "TAAKBOT_DB": str(Path(tmp) / f"{source}{'-before' if code else ''}.sqlite"),
                "TAAKBOT_ADMINS": str(ADMIN),
                "TAAKBOT_TODAY": "2025-03-21",
                "TAAKBOT_REFRESH_SECONDS": str(REFRESH_SECONDS),
                "TAAKBOT_LOG_LEVEL": "WARNING",
            }
            if source == "gsheet":
                env.update(TAAKBOT_SOURCE=f"gsheet:{SHEET_ID}", TAAKBOT_SHEETS_API_URL=sheets.url)
            else:
                env.update(TAAKBOT_SOURCE=str(xlsx))
            if code is not None:
                env["PYTHONPATH"] = os.pathsep.join(
                    filter(None, [str(ROOT), env.get("PYTHONPATH")])
                )
            cmd = [sys.executable, "-m", "bot.cli", "run"]
            r = await measure(cmd, env, args.refreshes, bare=False, cwd=str(code or ROOT))
            early = "gegevens worden geladen" if "geladen" in r["early"] else r["early"][:26]
            label = f"taakbot, {source}" + (", before" if code else "")
            print(
                f"{label:<22} {r['first_reply']:>11.2f} {early:<28} "
                f"{r['data']:>7.2f} {r['rss_loaded']:>10.0f} {r['rss']:>9.0f} {r['peak']:>6.0f} "
                f"{MEMORY_GOAL - r['rss']:>7.0f}"
            )
    print(
        f"RSS in MB; 'after' = after {args.refreshes} refresh(es) by the bot's own job; "
        f"margin = {MEMORY_GOAL} MB (the goal at ×1) minus RSS after"
    )
    if args.before:
        print(f"before: the bot as it was at git revision {args.before}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=["gsheet", "xlsx"])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--refreshes", type=int, default=2)
    parser.add_argument("--before", help="git revision of sheets/ and engine/ to compare with")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
