"""E-mail and Teams through the jobs and the ledger, end to end over loopback: a real SMTP
server (aiosmtpd, STARTTLS and login on a test certificate) and a fake Teams webhook. Every mail
is parsed back; a restart sends nothing twice; a crash mid-send leaves the send uncertain."""

from __future__ import annotations

import email.policy
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from bot.broadcast import Broadcaster, Pacer
from bot.channels.mail import Letterhead
from bot.channels.push import ChannelSender, MailOut, Outbox
from bot.channels.smtp import SmtpConfig
from bot.jobs import Pushes
from bot.lease import LEASE_SECONDS
from bot.services import Services
from bot.store import FAILED, SENT, UNCERTAIN, Key, Store
from commands.context import Ctx
from commands.reminders import WEEKLY
from commands.roles import Role
from commands.subscriptions import herinnering
from engine.state import DataSet, User
from tests.fakes.smtp import PASSWORD, USER, FakeSmtp, smtp_server
from tests.fakes.teams import FakeTeams
from tests.test_reminders import (
    ADMIN,
    COORD,
    ELSEWHERE,
    TZ,
    FakeCache,
    FakeTime,
    Recorder,
    dataset,
)

COORD_MAIL, LEUSDEN_MAIL = "coord@haaglanden.test", "contact@leusden.test"
BOTH = 78  # a Telegram user who also wants e-mail


def data_with_mail_users() -> DataSet:
    data = dataset()
    data.users += [
        User(None, "Coördinator per mail", "coordinator", "Haaglanden", COORD_MAIL),
        User(None, "Leusden per mail", "gemeente", "Leusden", LEUSDEN_MAIL),
        User(BOTH, "Staf", "provincie", "Zuid-Holland", "staf@pzh.test", "beide"),
        User(None, "Kapot adres", "gemeente", "Delft", ""),  # no address: nothing
    ]
    return data


@pytest.fixture
def smtp():
    with smtp_server("starttls") as fake:
        yield fake


@pytest.fixture
async def teams():
    fake = await FakeTeams().start()
    yield fake
    await fake.stop()


def make(path: Path, t: FakeTime, smtp: FakeSmtp, teams: FakeTeams, data: DataSet) -> Pushes:
    store = Store(path, clock=lambda: t.now.timestamp())
    outbox = Outbox(
        MailOut(
            SmtpConfig("127.0.0.1", smtp.port, "starttls", USER, PASSWORD, 5.0),
            Letterhead("Taakbot <taakbot@pzh.test>", "afmelden@pzh.test", TZ),
            per_minute=600,
        ),
        {
            ("provincie", "Zuid-Holland"): teams.url("pzh"),
            ("regio", "Haaglanden"): teams.url("hl"),
            ("regio", "Atlantis"): teams.url("nergens"),  # not in the sheet: nothing
        },
    )
    channels = ChannelSender(
        store.ledger,
        outbox,
        now=lambda: t.now.timestamp(),
        clock=t.clock,
        sleep=lambda s: None,
        async_sleep=t.sleep,
        rng=lambda: 0.0,
        smtp_context=smtp.client_context(),
    )
    return Pushes(
        store,
        Services(cache=FakeCache(data), admins=frozenset({ADMIN})),
        Broadcaster(Recorder(t), Pacer(clock=t.clock, sleep=t.sleep)),
        weekly=(0, time(8, 30)),
        tz=TZ,
        now=t.wall,
        channels=channels,
    )


def mails(smtp: FakeSmtp) -> dict[str, list[email.message.EmailMessage]]:
    out: dict[str, list] = {}
    for got in smtp.received:
        out.setdefault(got.recipients[0], []).append(got.message)
    return out


def text_of(card: dict) -> str:
    def walk(x):
        if isinstance(x, dict):
            yield from ([x["text"]] if "text" in x else [])
            for v in x.values():
                yield from walk(v)
        elif isinstance(x, list):
            for v in x:
                yield from walk(v)

    return " ".join(walk(card))


async def test_the_weekly_overview_goes_once_a_week_to_each_address_and_channel(
    tmp_path: Path, smtp: FakeSmtp, teams: FakeTeams
) -> None:
    t = FakeTime(datetime(2024, 6, 17, 8, 30, tzinfo=TZ))  # Monday, the slot
    pushes = make(tmp_path / "w.sqlite", t, smtp, teams, data_with_mail_users())
    first = await pushes.weekly_push()
    t.now += timedelta(hours=3)
    again = await pushes.weekly_push()  # however often it runs: once a week
    assert first is not None and again is not None and again.sent == []
    got = mails(smtp)
    assert sorted(got) == [LEUSDEN_MAIL, COORD_MAIL, "staf@pzh.test"]
    assert all(len(v) == 1 for v in got.values())
    coord = got[COORD_MAIL][0]
    assert coord["Subject"] == "Weekoverzicht Haaglanden — 17 juni 2024"
    text = coord.get_body(("plain",)).get_content()
    assert "Delft      2024-I          40     120  33%      ?" in text
    assert "Leiden" not in text and "Leusden" not in text  # other scopes
    leusden = got[LEUSDEN_MAIL][0].get_body(("html",)).get_content()
    assert "Leusden" in leusden and "Delft" not in leusden
    staf = got["staf@pzh.test"][0].get_body(("plain",)).get_content()
    assert "Leiden" in staf and "Leusden" not in staf  # Zuid-Holland only
    assert sorted(flow for flow, _ in teams.posts) == ["hl", "pzh"]
    cards = {flow: text_of(card) for flow, card in teams.posts}
    assert "Weekoverzicht Zuid-Holland — 17 juni 2024" in cards["pzh"]
    assert "Leiden" in cards["pzh"] and "Leusden" not in cards["pzh"]
    assert "Leiden" not in cards["hl"] and "Delft" in cards["hl"]
    rows = {k.chat_id: s for k, s, _ in pushes.store.ledger.rows(WEEKLY)}
    assert rows == {
        f"email:{COORD_MAIL}": SENT,
        f"email:{LEUSDEN_MAIL}": SENT,
        "email:staf@pzh.test": SENT,
        "teams:provincie:Zuid-Holland": SENT,
        "teams:regio:Haaglanden": SENT,
    }
    # Next week's says what changed since this one (the figures are kept per address).
    t.now = datetime(2024, 6, 24, 9, 0, tzinfo=TZ)
    await pushes.weekly_push()
    later = mails(smtp)[COORD_MAIL][1].get_body(("plain",)).get_content()
    assert "(geen verandering)" in later
    pushes.store.close()


async def test_reminders_go_by_mail_and_teams_once(
    tmp_path: Path, smtp: FakeSmtp, teams: FakeTeams
) -> None:
    t = FakeTime(datetime(2024, 6, 20, 9, 0, tzinfo=TZ))
    pushes = make(tmp_path / "r.sqlite", t, smtp, teams, data_with_mail_users())
    await pushes.remind_tick()
    await pushes.remind_tick()
    got = mails(smtp)
    assert [m["Subject"] for m in got[COORD_MAIL]] == [
        "Herinnering: toets 2024-I uiterlijk 1 juli"
    ]
    text = got[COORD_MAIL][0].get_body(("plain",)).get_content()
    assert "Delft: nog 80 te huisvesten voor de opgave van 120" in text
    assert sorted(flow for flow, _ in teams.posts) == ["hl", "pzh"]
    pushes.store.close()


async def test_a_refused_address_is_failed_and_named_and_a_crash_leaves_uncertain(
    tmp_path: Path, smtp: FakeSmtp, teams: FakeTeams
) -> None:
    t = FakeTime(datetime(2024, 6, 17, 9, 0, tzinfo=TZ))
    path = tmp_path / "c.sqlite"
    pushes = make(path, t, smtp, teams, data_with_mail_users())
    smtp.script.rcpt[LEUSDEN_MAIL] = ["550 5.1.1 Onbekende ontvanger"]
    # A process on another machine claimed the coordinator's mail and marked it in flight,
    # then died; and claimed the Haaglanden post without marking it.
    slot = "2024-06-17"
    in_flight = Key(WEEKLY, "*", slot, f"email:{COORD_MAIL}")
    unsent = Key(WEEKLY, "*", slot, "teams:regio:Haaglanden")
    other = Store(path, clock=lambda: t.now.timestamp(), process=ELSEWHERE)
    assert other.ledger.claim([in_flight]) and other.ledger.mark([in_flight])
    assert other.ledger.claim([unsent])
    summary = await pushes.weekly_push()
    assert summary is not None and summary.failed == {
        f"email:{LEUSDEN_MAIL}": "550 5.1.1 Onbekende ontvanger"
    }
    assert COORD_MAIL not in mails(smtp)  # still the other's: it might be sending
    t.now += timedelta(seconds=LEASE_SECONDS + 1)
    await pushes.heartbeat()  # the lease lapsed: in flight → uncertain, claimed → sent now
    rows = {k.chat_id: (s, n) for k, s, n in pushes.store.ledger.rows(WEEKLY)}
    assert rows[f"email:{COORD_MAIL}"][0] == UNCERTAIN
    assert rows["teams:regio:Haaglanden"][0] == SENT
    assert rows[f"email:{LEUSDEN_MAIL}"] == (FAILED, 3)  # a 5xx: out of tries at once
    weekly = [g.recipients for g in smtp.received if g.message["Subject"].startswith("Week")]
    assert [COORD_MAIL] not in weekly  # never resent by itself (its reminder did go)
    weekly_posts = [flow for flow, card in teams.posts if "Weekoverzicht" in text_of(card)]
    assert sorted(weekly_posts) == ["hl", "pzh"]  # the unsent one went after the takeover
    pushes.store.close()


async def test_herinnering_previews_per_channel_and_sends_to_all_after_one_confirmation(
    tmp_path: Path, smtp: FakeSmtp, teams: FakeTeams
) -> None:
    t = FakeTime(datetime(2024, 6, 24, 10, 0, tzinfo=TZ))
    data = data_with_mail_users()
    pushes = make(tmp_path / "h.sqlite", t, smtp, teams, data)
    store = pushes.store
    store.subscriptions.subscribe(5, "regio", "Haaglanden", COORD, "nl")  # a Telegram chat
    from dataclasses import replace

    front = replace(
        Ctx(data, t.now.date(), ADMIN, None).front.with_store(store),
        outside=pushes.channels.recipients,
    )
    ctx = Ctx(data, t.now.date(), ADMIN, Role("provincie", "Zuid-Holland", "staf"), front=front)
    preview = herinnering(ctx, "huurcontracten")
    assert "naar 5 gesprekken" in preview.text
    assert "Per kanaal: 1 in Telegram, 2 per e-mail, 2 in Teams." in preview.text
    bid = int(preview.keyboard[0][0].data.rsplit(" ", 1)[1])
    confirmed = herinnering(ctx, f"ok {bid}")
    assert "5 gesprekken" in confirmed.text
    summary = await pushes.run_broadcast(bid)
    assert summary is not None and len(summary.sent) == 5
    got = mails(smtp)
    assert sorted(got) == [COORD_MAIL, "staf@pzh.test"]  # Leusden is Utrecht: not concerned
    assert got[COORD_MAIL][0]["Subject"] == (
        "Herinnering van de provincie: huurcontracten 2024-I uiterlijk 4 juli"
    )
    assert sorted(flow for flow, _ in teams.posts) == ["hl", "pzh"]
    assert await pushes.run_broadcast(bid) is None  # done: nothing twice
    report = pushes.broadcaster.send.sent[-1][2]
    assert "Per kanaal — Telegram: 1 afgeleverd" in report
    assert "e-mail: 2 afgeleverd, 0 mislukt, 0 onzeker" in report
    store.close()


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role("provincie", "Utrecht", "staf Utrecht"), True),  # Leusden is Utrecht's
        (Role("provincie", "Zuid-Holland", "staf Zuid-Holland"), False),  # not theirs
        (Role("gemeente", "Leusden", "Leusden"), True),
    ],
)
async def test_controle_names_a_refused_address_within_its_scope_only(
    tmp_path: Path, smtp: FakeSmtp, teams: FakeTeams, role: Role, shown: bool
) -> None:
    from commands.admin import controle

    t = FakeTime(datetime(2024, 6, 17, 9, 0, tzinfo=TZ))
    data = data_with_mail_users()
    pushes = make(tmp_path / "k.sqlite", t, smtp, teams, data)
    smtp.script.rcpt[LEUSDEN_MAIL] = ["550 5.1.1 Onbekende ontvanger"]
    await pushes.weekly_push()
    front = Ctx(data, t.now.date(), ADMIN, None).front.with_store(pushes.store)
    text = controle(Ctx(data, t.now.date(), 1, role, front=front), "").text
    line = f"• {LEUSDEN_MAIL} — weekoverzicht van 17 juni 2024: 550 5.1.1 Onbekende ontvanger"
    assert (line in text) is shown
    assert (LEUSDEN_MAIL in text) is shown
    pushes.store.close()


async def test_no_address_in_the_log_and_vergeet_erases_the_address_rows(
    tmp_path: Path, smtp: FakeSmtp, teams: FakeTeams, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from commands.privacy import vergeet

    t = FakeTime(datetime(2024, 6, 17, 9, 0, tzinfo=TZ))
    data = data_with_mail_users()
    pushes = make(tmp_path / "v.sqlite", t, smtp, teams, data)
    smtp.script.rcpt[COORD_MAIL] = ["550 5.1.1 <coord@haaglanden.test>: onbekend"]
    with caplog.at_level(logging.INFO):
        await pushes.weekly_push()
    ours = ("bot", "commands", "sheets", "taakbot")  # not the test's own SMTP server's log
    logged = " ".join(r.getMessage() for r in caplog.records if r.name.startswith(ours))
    assert "e-mail #" in logged  # the failure is logged, by a keyed hash
    assert "@" not in logged and teams.secret not in logged
    staf = Ctx(data, t.now.date(), BOTH, Role("provincie", "Zuid-Holland", "Staf"))
    staf.front = staf.front.with_store(pushes.store)
    recipients = {k.chat_id for k, _s, _n in pushes.store.ledger.rows()}
    assert "email:staf@pzh.test" in recipients
    vergeet(staf, "ja")
    recipients = {k.chat_id for k, _s, _n in pushes.store.ledger.rows()}
    assert "email:staf@pzh.test" not in recipients and f"email:{COORD_MAIL}" in recipients
    pushes.store.close()


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("SMTPRecipientsRefused({'a.b@delft.nl': (550, b'nee')})",
         "SMTPRecipientsRefused({'[e-mailadres]': (550, b'nee')})"),
        ("naar Contact+taak@Gemeente-Leiden.NL mislukt", "naar [e-mailadres] mislukt"),
        ("Teams-kanaal regio:Haaglanden: 404", "Teams-kanaal regio:Haaglanden: 404"),
    ],
)  # fmt: skip
def test_the_log_filter_masks_addresses(line: str, shown: str) -> None:
    from bot.redact import Redactor

    assert Redactor().redact(line) == shown


async def test_kanaal_email_moves_a_telegram_users_own_pushes_to_mail(
    tmp_path: Path, smtp: FakeSmtp, teams: FakeTeams
) -> None:
    t = FakeTime(datetime(2024, 6, 17, 8, 30, tzinfo=TZ))
    data = dataset()
    data.users = [User(COORD, "Coördinator", "coordinator", "Haaglanden", COORD_MAIL, "email")]
    pushes = make(tmp_path / "k.sqlite", t, smtp, teams, data)
    t.now -= timedelta(days=1)
    pushes.store.subscriptions.subscribe(COORD, "regio", "Haaglanden", COORD, "nl")  # own chat
    pushes.store.subscriptions.subscribe(-100, "regio", "Haaglanden", COORD, "nl")  # a group
    t.now += timedelta(days=1)
    await pushes.weekly_push()
    telegram = {chat for _d, chat, _text in pushes.broadcaster.send.sent}
    assert telegram == {-100}  # the group still gets it; the private chat does not
    assert list(mails(smtp)) == [COORD_MAIL]
    pushes.store.close()


async def test_a_mail_server_down_at_the_slot_gets_the_overview_out_within_the_hour(
    tmp_path: Path, smtp: FakeSmtp, teams: FakeTeams
) -> None:
    t = FakeTime(datetime(2024, 6, 17, 8, 30, tzinfo=TZ))
    pushes = make(tmp_path / "d.sqlite", t, smtp, teams, data_with_mail_users())
    smtp.script.mail = ["421 4.3.2 Onderhoud"] * 4  # the policy's four tries, all refused
    first = await pushes.weekly_push()
    assert first is not None and len(first.failed) == 1  # the first in turn; the rest waits
    assert mails(smtp) == {}  # the rest waits: the server is struggling
    t.now += timedelta(hours=1)
    await pushes.hourly()  # the server is back: everyone this week, each once
    weekly = [g.recipients[0] for g in smtp.received if g.message["Subject"].startswith("Week")]
    assert sorted(weekly) == [LEUSDEN_MAIL, COORD_MAIL, "staf@pzh.test"]
    assert [f for f, c in teams.posts if "Weekoverzicht" in text_of(c)].count("pzh") == 1
    pushes.store.close()
