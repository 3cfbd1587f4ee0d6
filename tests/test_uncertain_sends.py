"""Automatic sends that timed out (Telegram may have delivered them): listed in /controle, never
resent by themselves, resent on purpose with /herinnering opnieuw onzeker, with an honest report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.jobs import Pushes
from bot.store import BLOCKED, FAILED, SENT, UNCERTAIN, Key, Store
from commands.context import Ctx, Front
from commands.roles import Role
from commands.router import handle
from commands.uncertain import UncertainResend
from engine.state import User
from tests.fakes.telegram_api import FakeTelegramServer, SentMessage
from tests.test_broadcast import timed_out
from tests.test_reminders import ADMIN, COORD, TZ, FakeCache, FakeTime, Recorder, dataset
from tests.test_reminders import make_pushes as make_jobs
from tests.test_subscriptions_e2e import Now, pushing_bot

GROUP, LEIDEN_USER = -300, 88
TOETS = Key("auto:checkpoint:7", "regio:Haaglanden", "2024-07-01", 1)
TOETS_2 = Key("auto:checkpoint:7", "gemeente:Delft", "2024-07-01", 2)
TOETS_2_AGAIN = Key("auto:checkpoint:7", "regio:Haaglanden", "2024-07-01", 2)  # same message
EARLIER = Key("auto:checkpoint:14", "regio:Haaglanden", "2024-07-01", 1)
CONTRACTS = Key("auto:huurcontracten:14", "regio:Haaglanden", "2024-07-04", 1)
WEEK = Key("weekly", "*", "2024-06-24", 1)
MANUAL = Key("manual:checkpoint", "Zuid-Holland", "2024-07-01#3", 1)


def ledger_with(path: Path, rows: list[tuple[Key, str]]) -> Store:
    store = Store(path, clock=lambda: 1_000_000.0)
    for key, status in rows:
        assert store.ledger.claim([key])
        store.ledger.settle([key], status, "TimedOut" if status == UNCERTAIN else None)
    return store


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], []),
        ([(TOETS, UNCERTAIN)], [("auto:checkpoint:7", "2024-07-01", 1)]),
        (  # two chats; chat 2 follows a region and a municipality in it: one message, one chat
            [(TOETS, UNCERTAIN), (TOETS_2, UNCERTAIN), (TOETS_2_AGAIN, UNCERTAIN)],
            [("auto:checkpoint:7", "2024-07-01", 2)],
        ),
        ([(TOETS, SENT), (TOETS_2, FAILED), (CONTRACTS, BLOCKED)], []),  # settled otherwise
        ([(MANUAL, UNCERTAIN)], []),  # /herinnering's own: resent with /herinnering opnieuw <id>
        (  # oldest due first; a weekly overview counts too
            [(CONTRACTS, UNCERTAIN), (TOETS, UNCERTAIN), (EARLIER, UNCERTAIN), (WEEK, UNCERTAIN)],
            [
                ("weekly", "2024-06-24", 1),
                ("auto:checkpoint:14", "2024-07-01", 1),
                ("auto:checkpoint:7", "2024-07-01", 1),
                ("auto:huurcontracten:14", "2024-07-04", 1),
            ],
        ),
    ],
)
def test_uncertain_automatic_sends_per_kind_and_due(
    tmp_path: Path, rows: list[tuple[Key, str]], expected: list[tuple[str, str, int]]
) -> None:
    store = ledger_with(tmp_path / "l.sqlite", rows)
    assert store.ledger.uncertain_automatic() == expected
    for kind, due, _n in expected:
        store.ledger.release_uncertain(kind, due)
    assert store.ledger.uncertain_automatic() == []
    store.close()


# -- the commands ----------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = ledger_with(
        tmp_path / "c.sqlite",
        [(TOETS, UNCERTAIN), (TOETS_2, UNCERTAIN), (WEEK, UNCERTAIN), (MANUAL, UNCERTAIN)],
    )
    yield s
    s.close()


def ctx_for(store: Store | None, role: Role | None, lang: str = "nl", user: int = 7) -> Ctx:
    data = dataset()
    data.users.append(User(LEIDEN_USER, "Leiden", "gemeente", "Leiden"))
    front = Front().with_store(store) if store is not None else Front()
    return Ctx(data, date(2024, 6, 25), user, role, lang, front=front)


def test_an_uncertain_mail_is_a_recipient_not_a_telegram_chat(tmp_path: Path) -> None:
    """E-mail and Teams sends share the ledger (issue 28): /controle counts recipients and does
    not say Telegram delivered them."""
    mail = Key("weekly", "*", "2024-06-24", "email:contact@delft.test")
    store = ledger_with(tmp_path / "m.sqlite", [(mail, UNCERTAIN), (WEEK, UNCERTAIN)])
    text = handle(ctx_for(store, Role("provincie")), "/controle").text
    store.close()
    assert "• weekoverzicht van 24 juni 2024: 2 ontvangers" in text
    assert "Telegram" not in text and "gesprek" not in text


def test_controle_lists_the_uncertain_automatic_sends(store: Store) -> None:
    text = handle(ctx_for(store, Role("provincie")), "/controle").text
    assert "<b>Onzeker verstuurd (automatisch)</b>" in text
    assert "• weekoverzicht van 24 juni 2024: 1 ontvanger" in text
    assert "• herinnering toets, 1 juli 2024 (7 dagen vooraf): 2 ontvangers" in text
    assert "Ze zijn misschien afgeleverd; ze gaan niet vanzelf opnieuw." in text
    assert "Toch opnieuw versturen: /herinnering opnieuw onzeker" in text
    assert "manual" not in text and "Alles in orde" not in text
    english = handle(ctx_for(store, Role("provincie"), "en"), "/controle").text
    assert "<b>Sent, but uncertain (automatic)</b>" in english
    assert "• reminder checkpoint, 1 July 2024 (7 days ahead): 2 recipients" in english
    assert "• weekly overview of 24 June 2024: 1 recipient" in english


@pytest.mark.parametrize("store_or_none", ["empty", "none"])
def test_controle_without_uncertain_sends_has_no_such_section(
    tmp_path: Path, store_or_none: str
) -> None:
    empty = ledger_with(tmp_path / "e.sqlite", [(TOETS, SENT)])
    text = handle(
        ctx_for(empty if store_or_none == "empty" else None, Role("provincie")), "/controle"
    ).text
    assert "Onzeker" not in text and "opnieuw onzeker" not in text
    empty.close()


def test_herinnering_opnieuw_onzeker_releases_them_and_asks_for_a_round(store: Store) -> None:
    reply = handle(ctx_for(store, Role("provincie")), "/herinnering opnieuw onzeker")
    assert isinstance(reply.action, UncertainResend) and reply.action.lang == "nl"
    assert sorted(reply.action.keys) == sorted([TOETS, TOETS_2, WEEK])
    assert "Bezig met opnieuw versturen naar 2 gesprekken" in reply.text
    assert store.ledger.uncertain_automatic() == []
    assert store.ledger.is_settled(MANUAL) and not store.ledger.is_settled(
        TOETS
    )  # /herinnering's own stays
    again = handle(ctx_for(store, Role("provincie")), "/herinnering OPNIEUW onzeker")
    assert again.action is None and "niets onzekers" in again.text


@pytest.mark.parametrize(
    ("role", "user"),
    [
        (None, LEIDEN_USER),  # the gebruikers tab: a municipal user
        (Role("gemeente", "Leiden"), 7),
        (Role("coordinator", "Haaglanden"), 7),
        (None, 12345),  # unknown
    ],
)
@pytest.mark.parametrize("command", ["/herinnering opnieuw onzeker", "/controle"])
def test_only_province_staff_see_and_resend_them(
    store: Store, role: Role | None, user: int, command: str
) -> None:
    ctx = ctx_for(store, role, user=user)
    if role is None and user == LEIDEN_USER:
        from commands.roles import role_for

        ctx.role = role_for(user, ctx.data)
        assert ctx.role is not None and ctx.role.kind == "gemeente"
    reply = handle(ctx, command)
    assert reply.action is None and "Onzeker verstuurd" not in reply.text
    assert len(store.ledger.uncertain_automatic()) == 2  # nothing released


def test_resend_without_a_store_says_where_it_works() -> None:
    reply = handle(ctx_for(None, Role("provincie")), "/herinnering opnieuw onzeker")
    assert reply.action is None and "alleen in Telegram" in reply.text


# -- the jobs: what the planner no longer sends stays unsent, and the report says so ----------
async def test_the_report_counts_what_went_again_and_what_is_no_longer_due(
    tmp_path: Path,
) -> None:
    t = FakeTime(datetime(2024, 6, 16, 12, 0, tzinfo=TZ))
    rec = Recorder(t)
    pushes = make_jobs(tmp_path / "j.sqlite", t, rec, dataset())
    real_send, drop = pushes.broadcaster.send, {2}

    async def send(chat_id: int, text: str) -> None:
        await real_send(chat_id, text)
        if chat_id in drop:  # delivered, but the answer never came back
            raise timed_out(httpx.ReadTimeout("read"))

    pushes.broadcaster.send = send
    store = pushes.store
    store.subscriptions.subscribe(1, "regio", "Haaglanden", ADMIN, "nl")
    store.subscriptions.subscribe(2, "gemeente", "Delft", ADMIN, "nl")
    t.now = datetime(2024, 6, 17, 8, 30, tzinfo=TZ)  # Monday: the weekly overview
    await pushes.weekly_push()
    t.now = datetime(2024, 6, 17, 9, 0, tzinfo=TZ)  # toets 1 July, 14 days ahead
    await pushes.remind_tick()
    t.now = datetime(2024, 6, 24, 9, 0, tzinfo=TZ)  # toets 7 days ahead, contracts 14 ahead
    await pushes.remind_tick()
    await pushes.hourly()
    assert [c for _, c, _ in rec.sent].count(2) == 3  # each once: nothing resent by itself
    kinds = [(kind, due) for kind, due, _n in store.ledger.uncertain_automatic()]
    assert kinds == [
        ("weekly", "2024-06-17"),
        ("auto:checkpoint:14", "2024-07-01"),
        ("auto:checkpoint:7", "2024-07-01"),
        ("auto:huurcontracten:14", "2024-07-04"),
    ]

    drop.clear()
    t.now = datetime(2024, 6, 25, 7, 30, tzinfo=TZ)  # before 09:00: asked for, so it goes now
    pushes.services.front = pushes.services.front.with_store(store)
    ctx = pushes.services.ctx(ADMIN, "nl", chat_id=ADMIN)
    reply = handle(ctx, "/herinnering opnieuw onzeker")
    report = await pushes.resend_uncertain(ADMIN, reply.action)
    again = [text for _, c, text in rec.sent[-2:-1] if c == 2]
    assert len(again) == 1 and "Eindbeoordeling 2024-I" in again[0]  # toets and contracts, once
    assert "over 6 dagen" in again[0] and "huurcontracten" in again[0]
    assert rec.sent[-1][1:] == (ADMIN, report)
    assert report.startswith("1 bericht opnieuw verstuurd: 1 afgeleverd, 0 mislukt")
    assert "Niet opnieuw verstuurd, want niet meer aan de beurt" in report
    assert "weekoverzicht van 17 juni 2024: 1 ontvanger" in report
    assert "herinnering toets, 1 juli 2024 (14 dagen vooraf): 1 ontvanger" in report
    assert "7 dagen vooraf" not in report
    assert store.ledger.uncertain_automatic() == []
    t.now = datetime(2024, 6, 25, 10, 0, tzinfo=TZ)
    await pushes.hourly()
    assert [c for _, c, _ in rec.sent].count(2) == 4  # what is no longer due stays unsent
    await pushes.weekly_push()  # this week's overview, never sent before; last week's not
    to_2 = [text for _, c, text in rec.sent if c == 2]
    assert sum("Weekoverzicht</b> — 17 juni" in x for x in to_2) == 1
    assert "Weekoverzicht</b> — 24 juni" in to_2[-1]
    store.close()


async def test_without_data_nothing_goes_and_they_stay_uncertain(tmp_path: Path) -> None:
    t = FakeTime(datetime(2024, 6, 24, 10, 0, tzinfo=TZ))
    rec = Recorder(t)
    pushes = make_jobs(tmp_path / "n.sqlite", t, rec, dataset())
    store = pushes.store
    assert store.ledger.claim([TOETS]) and store.ledger.claim([WEEK])
    store.ledger.settle([TOETS, WEEK], UNCERTAIN, "TimedOut")
    pushes.services.front = pushes.services.front.with_store(store)
    ctx = pushes.services.ctx(ADMIN, "nl", chat_id=ADMIN)
    reply = handle(ctx, "/herinnering opnieuw onzeker")

    class Broken(FakeCache):
        def get(self):
            raise RuntimeError("sheet down")

    pushes.services.cache = Broken(dataset())
    report = await pushes.resend_uncertain(ADMIN, reply.action)
    assert "niets opnieuw verstuurd" in report and "/controle" in report
    assert [c for _, c, _ in rec.sent] == [ADMIN]
    assert [(k, n) for k, _d, n in store.ledger.uncertain_automatic()] == [
        ("weekly", 1),
        (TOETS.kind, 1),
    ]
    store.close()


# -- end to end: the real Application, the fake Bot API ---------------------------------------
@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegramServer, Pushes, Now]]:
    now = Now(datetime(2024, 6, 24, 7, 0, tzinfo=TZ))
    async with pushing_bot(tmp_path, dataset(), now) as (server, _app, pushes):
        yield server, pushes, now


async def say(
    server: FakeTelegramServer, text: str, user: int = ADMIN, chat: int | None = None, n: int = 1
) -> list[SentMessage]:
    chat = user if chat is None else chat
    before = len(server.sent_messages(chat))
    server.push_message(chat, text, user_id=user)
    return (await server.wait_for_messages(before + n, chat_id=chat))[before:]


async def test_a_timed_out_reminder_is_shown_and_resent_once_on_purpose(running) -> None:
    server, pushes, now = running
    await say(server, "/volg Haaglanden")
    await say(server, "/volg Delft", user=COORD, chat=GROUP)
    now.when = datetime(2024, 6, 24, 9, 0, tzinfo=TZ)
    server.drop_answer("sendMessage", chat_id=GROUP)  # delivered; the answer is lost
    summary = await pushes.remind_tick()
    assert summary.sent == [ADMIN] and list(summary.uncertain) == [GROUP]
    assert len(server.sent_messages(GROUP)) == 2  # /volg's answer and the reminder
    now.when += timedelta(hours=1)
    await pushes.hourly()
    assert len(server.sent_messages(GROUP)) == 2  # not resent by itself

    (control,) = await say(server, "/controle")
    assert "<b>Onzeker verstuurd (automatisch)</b>" in control.text
    assert "• herinnering toets, 1 juli 2024 (7 dagen vooraf): 1 ontvanger" in control.text
    assert "Toch opnieuw versturen: /herinnering opnieuw onzeker" in control.text
    (refused,) = await say(server, "/herinnering opnieuw onzeker", user=COORD, chat=GROUP)
    assert "alleen voor de rol provincie" in refused.text

    ack, report = await say(server, "/herinnering opnieuw onzeker", n=2)
    assert "Bezig met opnieuw versturen naar 1 gesprek" in ack.text
    assert report.text.startswith("1 bericht opnieuw verstuurd: 1 afgeleverd")
    assert "niet meer aan de beurt" not in report.text
    await pushes.idle()
    group = [m.text for m in server.sent_messages(GROUP)]
    assert len(group) == 4 and group[3] == group[1]  # the same reminder, once more
    assert "Eindbeoordeling 2024-I" in group[3]

    (nothing,) = await say(server, "/herinnering opnieuw onzeker")
    assert "niets onzekers" in nothing.text
    await pushes.hourly()
    await pushes.idle()
    assert len(server.sent_messages(GROUP)) == 4  # refusal + exactly one resend
    (control,) = await say(server, "/controle")
    assert "Onzeker verstuurd" not in control.text


@pytest.mark.parametrize(
    ("role", "shown", "left_uncertain"),
    [
        (Role("provincie"), ["toets, 1 juli 2024 (7 dagen vooraf): 2 ontvangers", "weekoverzicht"],
         []),
        (Role("provincie", "Zuid-Holland"), ["toets, 1 juli 2024 (7 dagen vooraf): 2 ontvangers"],
         [("weekly", "2024-06-24", 1)]),  # every subscriber's overview: the whole bot's
        (Role("provincie", "Utrecht"), [],
         [("weekly", "2024-06-24", 1), ("auto:checkpoint:7", "2024-07-01", 2)]),
    ],
)  # fmt: skip
def test_staff_see_and_resend_the_uncertain_sends_of_their_own_province(
    store: Store, role: Role, shown: list[str], left_uncertain: list[tuple[str, str, int]]
) -> None:
    text = handle(ctx_for(store, role), "/controle").text
    for part in shown:
        assert part in text
    if not shown:
        assert "Onzeker verstuurd" not in text
    if "weekoverzicht" not in shown:
        assert "weekoverzicht" not in text
    handle(ctx_for(store, role), "/herinnering opnieuw onzeker")
    assert store.ledger.uncertain_automatic() == left_uncertain


def test_an_automatic_reminder_in_flight_when_its_process_died_is_in_controle(
    tmp_path: Path,
) -> None:
    """Issue 19: the row was marked 'sending' and its process was killed before the answer."""
    from bot.lease import Process

    path, gone = tmp_path / "k.sqlite", Process("andere-machine/boot", 4321, "")
    killed = Store(path, clock=lambda: 1_000_000.0, process=gone)
    assert killed.ledger.claim([TOETS]) and killed.ledger.mark(
        [TOETS]
    )  # then SIGKILL: no answer, no close
    store = Store(path, clock=lambda: 1_000_000.0, runs=lambda p: p != gone)  # the restart
    text = handle(ctx_for(store, Role("provincie")), "/controle").text
    assert "• herinnering toets, 1 juli 2024 (7 dagen vooraf): 1 ontvanger" in text
    assert store.ledger.claim([TOETS]) is False  # never resent by itself
    store.close()
