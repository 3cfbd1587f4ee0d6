"""At most once by e-mail across a crash, with the real process: `taakbot weekoverzicht --nu`
mails 12 e-mail users through a real SMTP server (STARTTLS and login on a test certificate) that
takes each message on arrival but answers only 0.15 s later, and holds its answer to the 4th until
the process is killed (SIGKILL): however loaded the machine, the 4th is in flight when it dies. Run again at once, it takes the dead process's rows over: the mail in flight is
uncertain and never resent by itself, the rest goes now. No address gets the overview twice.
(That a run sends nothing the second time in a week: tests/test_channels_e2e.py.)"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from openpyxl import Workbook

from bot.store import SENT, UNCERTAIN, Store
from sheets.sources import sample
from tests.fakes.smtp import PASSWORD, USER, smtp_server

ROOT = Path(__file__).resolve().parent.parent
KILL_AT = 4
ANSWER_DELAY = 0.15


def workbook(path: Path) -> list[str]:
    """The sample workbook with 24 e-mail-only users, one per municipality of Zuid-Holland."""
    tables = sample.tables()
    zh = [r[0] for r in tables["gemeenten"][1:] if r[1] == "Zuid-Holland"][:12]
    header = tables["gebruikers"][0]
    addresses = [f"contact{i}@gemeente.test" for i in range(len(zh))]
    for name, address in zip(zh, addresses, strict=True):
        row = dict.fromkeys(header)
        row.update(naam=name, rol="gemeente", scope=name, email=address)
        tables["gebruikers"].append([row[h] for h in header])
    book = Workbook()
    book.remove(book.active)
    for title, rows in tables.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return addresses


def run(tmp: Path, port: int, ca: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SSL_CERT_FILE": str(ca),  # the test CA: smtplib's default context trusts it
        "TAAKBOT_SOURCE": str(tmp / "sheet.xlsx"),
        "TAAKBOT_DB": str(tmp / "taakbot.sqlite"),
        "TAAKBOT_TODAY": "2022-11-07",
        "TAAKBOT_SMTP_HOST": "127.0.0.1",
        "TAAKBOT_SMTP_PORT": str(port),
        "TAAKBOT_SMTP_USER": USER,
        "TAAKBOT_SMTP_PASSWORD": PASSWORD,
        "TAAKBOT_SMTP_PER_MINUTE": "6000",
        "TAAKBOT_MAIL_FROM": "Taakbot Zuid-Holland <taakbot@pzh.test>",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "weekoverzicht", "--nu"],
        cwd=ROOT,
        env=env,
        stdout=(tmp / "out.txt").open("ab"),
        stderr=(tmp / "taakbot.log").open("ab"),
    )


async def test_sigkill_mid_mailing_sends_nothing_twice(tmp_path: Path) -> None:
    addresses = workbook(tmp_path / "sheet.xlsx")
    with smtp_server("starttls") as fake:
        ca = tmp_path / "ca.pem"
        fake.ca.cert_pem.write_to_path(str(ca))
        fake.delay = ANSWER_DELAY
        fake.hold_from = KILL_AT
        first = run(tmp_path, fake.port, ca)
        try:
            deadline = time.monotonic() + 30
            while len(fake.received) < KILL_AT:
                assert first.poll() is None, (tmp_path / "taakbot.log").read_text()
                assert time.monotonic() < deadline, "the first run sent too little"
                await asyncio.sleep(0.01)
            first.send_signal(signal.SIGKILL)  # the 4th is taken, its answer not yet sent
        finally:
            first.wait(timeout=10)
        fake.delay, fake.hold_from = 0.0, None
        second = run(tmp_path, fake.port, ca)
        assert second.wait(timeout=60) == 0, (tmp_path / "taakbot.log").read_text()
        received = Counter(r for got in fake.received for r in got.recipients)
    assert sorted(received) == sorted(addresses)  # everyone got it …
    assert set(received.values()) == {1}  # … once
    out = (tmp_path / "out.txt").read_text(encoding="utf-8").splitlines()
    assert out == [
        f"Weekoverzicht 2022-11-07: {len(addresses) - KILL_AT} verstuurd "
        f"({len(addresses) - KILL_AT} email), 0 mislukt, 0 onzeker, 0 al elders bezig. "
        "Telegram niet: TAAKBOT_TELEGRAM_TOKEN is leeg."
    ]  # the second run: the first said nothing, it was killed
    store = Store(tmp_path / "taakbot.sqlite")
    statuses = Counter(status for _key, status, _n in store.ledger.rows("weekly"))
    store.close()
    assert statuses == {SENT: len(addresses) - 1, UNCERTAIN: 1}
