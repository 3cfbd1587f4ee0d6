"""E-mail: what rendering and sending cost, beside a baseline from the same run.

* render:  a weekly overview of a region as Telegram text (the planner: the baseline) and then as
           a whole e-mail (compose: subject, HTML with the table, text part, headers) and as a
           Teams card, per message;
* smtp:    N mails to a real SMTP server on loopback (aiosmtpd, STARTTLS and login on a test
           certificate), one connection for the batch (bot/channels/smtp.py's session) against a
           new connection per mail (the baseline: connect, STARTTLS, login each time), no pacing.

    python bench/bench_mail.py [--mails 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.channels.mail import Letterhead, compose  # noqa: E402
from bot.channels.smtp import SmtpConfig, session  # noqa: E402
from bot.channels.teams import card  # noqa: E402
from commands.records import Subscription  # noqa: E402
from commands.reminders import Planner  # noqa: E402
from tests.fakes.smtp import PASSWORD, USER, smtp_server  # noqa: E402
from tests.test_reminders import dataset  # noqa: E402

HEAD = Letterhead("Taakbot <taakbot@pzh.test>", "afmelden@pzh.test")


def per_call(fn, n: int) -> float:
    best = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best.append((time.perf_counter() - start) / n)
    return min(best)


def render() -> None:
    data, day = dataset(), date(2024, 6, 17)
    subs = [Subscription("email:c@h.test", "regio", "Haaglanden", 0)]
    message = Planner(data, day).weekly(subs, day, {})
    text = per_call(lambda: Planner(data, day).weekly(subs, day, {}), 200)
    mail = per_call(lambda: compose(message, "c@h.test", HEAD, 0.0).as_bytes(), 200)
    teams = per_call(lambda: card(message), 2000)
    print(f"render (per message)   planner (baseline) {text * 1e3:7.3f} ms")
    print(f"                       e-mail (compose)   {mail * 1e3:7.3f} ms  ({mail / text:.2f}×)")
    print(
        f"                       Teams card         {teams * 1e3:7.3f} ms  ({teams / text:.2f}×)"
    )


def smtp(n: int) -> None:
    data, day = dataset(), date(2024, 6, 17)
    subs = [Subscription("email:c@h.test", "regio", "Haaglanden", 0)]
    message = Planner(data, day).weekly(subs, day, {})
    with smtp_server("starttls") as fake:
        config = SmtpConfig("127.0.0.1", fake.port, "starttls", USER, PASSWORD, 10.0,
                            fake.client_context())  # fmt: skip
        mails = [compose(message, f"m{i}@h.test", HEAD, 0.0) for i in range(n)]
        start = time.perf_counter()
        for i, mail in enumerate(mails):
            with session(config) as s:
                s.send(mail, [f"m{i}@h.test"])
        each = time.perf_counter() - start
        start = time.perf_counter()
        with session(config) as s:
            lat = []
            for i, mail in enumerate(mails):
                t0 = time.perf_counter()
                s.send(mail, [f"m{i}@h.test"])
                lat.append(time.perf_counter() - t0)
        one = time.perf_counter() - start
        assert len(fake.received) == 2 * n
    print(f"smtp ({n} mails)        a connection per mail (baseline) {each:6.2f} s "
          f"({n / each:6.1f}/s)")  # fmt: skip
    print(f"                       one connection (ours)            {one:6.2f} s "
          f"({n / one:6.1f}/s, {each / one:.1f}× faster; p50 {statistics.median(lat) * 1e3:.1f} ms)")  # fmt: skip  # noqa: E501


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--mails", type=int, default=200)
    args = p.parse_args()
    render()
    smtp(args.mails)


if __name__ == "__main__":
    main()
