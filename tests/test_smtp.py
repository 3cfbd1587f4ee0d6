"""The SMTP sender against a real SMTP server on loopback: TLS, login, refusals, lost lines."""

from __future__ import annotations

import pytest

from bot.channels.mail import Letterhead, compose
from bot.channels.pace import Pace
from bot.channels.smtp import SmtpConfig, SmtpSetupError, session
from bot.store import FAILED, SENT, UNCERTAIN
from commands.reminders import Message
from sheets.sources.retry import RetryPolicy
from tests.fakes.clock import FakeTime
from tests.fakes.smtp import PASSWORD, USER, FakeSmtp, smtp_server

TO, OTHER = "coordinator@haaglanden.test", "staf@pzh.test"
HEAD = Letterhead("Taakbot <taakbot@provincie.test>")
POLICY = RetryPolicy(attempts=3, base=2.0, cap=60.0, budget=300.0)


def config(fake: FakeSmtp, password: str = PASSWORD, tls: str | None = None) -> SmtpConfig:
    return SmtpConfig(
        "127.0.0.1", fake.port, tls or fake.mode, USER, password, 5.0, fake.client_context()
    )


def mail(to: str = TO):
    return compose(Message(to, "📊 <b>Weekoverzicht</b>", (), subject="Test"), to, HEAD, 0.0)


@pytest.mark.parametrize("mode", ["starttls", "ssl", "geen"])
def test_each_tls_mode_delivers_after_login(mode: str) -> None:
    with smtp_server(mode) as fake, session(config(fake)) as s:
        [(address, outcome)] = s.send(mail(), [TO]).items()
        assert (address, outcome.status, outcome.error) == (TO, SENT, None)
        [got] = fake.received
        assert got.recipients == [TO] and got.sender == "taakbot@provincie.test"
        assert fake.logins == [(USER, True)]


@pytest.mark.parametrize(
    ("script", "outcomes", "data_calls", "slept"),
    [
        # temporary refusal of the recipient, then accepted: retried after a back-off
        (dict(rcpt={TO: ["451 4.7.1 Probeer later"]}), {TO: (SENT, 2)}, 1, 1),
        # a permanent refusal: failed at once, never retried
        (dict(rcpt={TO: ["550 5.1.1 Onbekende ontvanger"]}), {TO: (FAILED, 1)}, 0, 0),
        # partial: one address refused, the other delivered (SMTPRecipientsRefused's case)
        (dict(rcpt={OTHER: ["550 5.1.1 Onbekend"]}), {TO: (SENT, 1), OTHER: (FAILED, 1)}, 1, 0),
        # the message refused for now, then taken
        (dict(data=["451 4.3.0 Tijdelijk probleem"]), {TO: (SENT, 2), OTHER: (SENT, 2)}, 2, 1),
        # refused for good
        (dict(data=["554 5.6.0 Geweigerd"]), {TO: (FAILED, 1), OTHER: (FAILED, 1)}, 1, 0),
        # the line went dead after the message went out: maybe delivered, never resent
        (dict(data=["drop"]), {TO: (UNCERTAIN, 1), OTHER: (UNCERTAIN, 1)}, 1, 0),
        # temporary every time: failed after the policy's attempts (the ledger tries later)
        (dict(mail=["421 4.3.2 Bezet"] * 5), {TO: (FAILED, 3), OTHER: (FAILED, 3)}, 0, 2),
    ],
)
def test_refusals_and_lost_lines(script, outcomes, data_calls: int, slept: int) -> None:
    clock = FakeTime()
    with smtp_server("starttls") as fake:
        for key, value in script.items():
            setattr(fake.script, key, value)
        with session(
            config(fake), policy=POLICY, sleep=clock.sleep_sync, clock=clock, rng=lambda: 1.0
        ) as s:
            result = s.send(mail(), [a for a in (TO, OTHER) if a in outcomes])
    assert {a: (o.status, o.attempts) for a, o in result.items()} == outcomes
    assert fake.data_calls() == data_calls
    assert len(clock.slept) == slept
    failed = [o.error for o in result.values() if o.status == FAILED]
    assert all(e and e[:1] in "45t" for e in failed)  # the server's code, or 'tijdelijk'


@pytest.mark.parametrize(
    ("tls", "login", "password", "says"),
    [
        ("starttls", True, "fout", "weigert de login van TAAKBOT_SMTP_USER (535)"),
        ("starttls", False, PASSWORD, "biedt geen STARTTLS aan"),
        ("geen", False, PASSWORD, "biedt geen login (AUTH) aan"),
    ],
)
def test_settings_that_cannot_work_stop_the_batch(tls, login, password, says) -> None:
    mode = "starttls" if login else "geen"
    with (
        smtp_server(mode, login=login) as fake,
        session(config(fake, password, tls)) as s,
        pytest.raises(SmtpSetupError) as err,
    ):
        s.send(mail(), [TO])
    assert says in str(err.value) and password not in str(err.value)
    assert fake.received == []


def test_nothing_goes_out_when_the_ledger_says_no() -> None:
    with smtp_server("starttls") as fake, session(config(fake)) as s:
        assert s.send(mail(), [TO], mark=lambda: False) == {}
    assert fake.calls == []


def test_one_server_is_paced_and_one_connection_carries_the_batch() -> None:
    clock = FakeTime()
    pace = Pace(2.0, clock)
    with (
        smtp_server("starttls") as fake,
        session(config(fake), pace=pace, sleep=clock.sleep_sync, clock=clock) as s,
    ):
        for _ in range(3):
            assert s.send(mail(), [TO])[TO].status == SENT
    assert clock.slept == [2.0, 2.0]
    assert len(fake.logins) == 1
