"""The reminder planner over simulated days, and the jobs across a restart, on a fake clock."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.broadcast import Broadcaster, Pacer
from bot.jobs import Pushes
from bot.lease import LEASE_SECONDS, Process
from bot.services import Services
from bot.store import SENT, Broadcast, Key, Store, Subscription
from commands.reminders import Planner, lead_for, weekly_slot
from engine.model import (
    Deadline,
    LadderDecision,
    Municipality,
    MunicipalityRecord,
    PeriodFigures,
    Snapshot,
)
from engine.periods import Period
from engine.state import DataSet, User
from engine.treden import Trede

TZ = ZoneInfo("Europe/Amsterdam")
LEADS = (14, 7, 1)
ADMIN, COORD, GONE = 4242, 77, 55
H1, H2 = Period(2024, 1), Period(2024, 2)


def _record(
    name: str,
    provincie: str,
    regio: str,
    taak: int,
    saldo: int,
    housed: dict[date, int],
    decisions: tuple[LadderDecision, ...] = (),
):
    rec = MunicipalityRecord(Municipality(name, provincie, regio))
    rec.figures[H1] = PeriodFigures(name, H1, taak, saldo)
    rec.figures[H2] = PeriodFigures(name, H2, taak, 0)
    for day, n in sorted(housed.items()):
        rec.snapshots.append(Snapshot(name, day, Period.of_peildatum(day), n, koppelingen=10))
    rec.decisions.extend(decisions)
    return rec


def dataset() -> DataSet:
    """Haaglanden (Delft behind, Rijswijk on schedule), Leiden, and Utrecht's Leusden at step 3."""
    records = [
        _record(
            "Delft",
            "Zuid-Holland",
            "Haaglanden",
            100,
            20,
            {date(2024, 3, 1): 30, date(2024, 4, 1): 40, date(2024, 7, 1): 100},
        ),
        _record(
            "Rijswijk",
            "Zuid-Holland",
            "Haaglanden",
            50,
            0,
            {date(2024, 3, 1): 40, date(2024, 7, 1): 50},
        ),
        _record("Leiden", "Zuid-Holland", "Holland Rijnland", 80, 0, {date(2024, 3, 1): 50}),
        _record(
            "Leusden",
            "Utrecht",
            "Amersfoort",
            40,
            0,
            {date(2024, 3, 1): 5},
            (LadderDecision("Leusden", date(2024, 1, 15), Trede("3")),),
        ),
    ]
    return DataSet(
        records={r.name: r for r in records},
        deadlines=[
            Deadline(date(2024, 5, 15), "overleg", "Bestuurlijk overleg Haaglanden", "Haaglanden")
        ],
        users=[User(COORD, "Coördinator", "coordinator", "Haaglanden")],
        loaded_at=datetime(2024, 1, 1),
    )


class FakeCache:
    """What Services needs of a SheetCache: current(), get(), refreshes, stale, age_seconds."""

    def __init__(self, data: DataSet, stale: bool = False, age: float = 0.0) -> None:
        self.data, self.stale, self.age_seconds = data, stale, age

    def current(self) -> DataSet:
        return self.data

    def get(self) -> DataSet:
        return self.data

    def refresh(self) -> None:
        return None

    request_refresh = refresh

    closed = False

    def close(self) -> None:
        """Nothing open; says that shutdown asked (bot.app.post_shutdown)."""
        self.closed = True


def sub(chat: int, kind: str, scope: str, user: int = ADMIN, created: float = 0.0):
    return Subscription(chat, kind, scope, user, "nl", created)


@pytest.mark.parametrize(
    ("deadline", "today", "lead"),
    [
        (date(2024, 4, 1), date(2024, 3, 17), None),  # before the first window
        (date(2024, 4, 1), date(2024, 3, 18), 14),
        (date(2024, 4, 1), date(2024, 3, 24), 14),
        (date(2024, 4, 1), date(2024, 3, 25), 7),
        (date(2024, 4, 1), date(2024, 3, 31), 1),
        (date(2024, 4, 1), date(2024, 4, 1), None),  # the day itself: too late
        (date(2024, 4, 1), date(2024, 4, 2), None),
    ],
)
def test_lead_window(deadline: date, today: date, lead: int | None) -> None:
    assert lead_for(deadline, today, LEADS) == lead


def simulate(data: DataSet, subs: list[Subscription], days: list[date]):
    """Run the planner every given day against an in-memory ledger; return what was sent."""
    ledger: set[Key] = set()
    sent: list[tuple[date, Key]] = []
    for day in days:
        for message in Planner(data, day).reminders(subs, LEADS, ledger.__contains__):
            assert not ledger & set(message.keys), "a key was planned twice"
            ledger |= set(message.keys)
            sent += [(day, k) for k in message.keys]
    return sent


def half_year(start: date = date(2024, 1, 1), end: date = date(2024, 7, 31)) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_reminders_fire_at_the_right_moments_across_half_a_year() -> None:
    sent = simulate(dataset(), [sub(1, "regio", "Haaglanden")], half_year())
    got = [(day, k.kind, k.due) for day, k in sent]
    expected = [
        (date(2024, 1, 1), "auto:huurcontracten:7", "2024-01-04"),  # window 14 began in 2023
        (date(2024, 1, 3), "auto:huurcontracten:1", "2024-01-04"),
        (date(2024, 3, 18), "auto:checkpoint:14", "2024-04-01"),
        (date(2024, 3, 18), "auto:publicatie:14", "2024-04-01"),
        (date(2024, 3, 25), "auto:checkpoint:7", "2024-04-01"),
        (date(2024, 3, 25), "auto:publicatie:7", "2024-04-01"),
        (date(2024, 3, 31), "auto:checkpoint:1", "2024-04-01"),
        (date(2024, 3, 31), "auto:publicatie:1", "2024-04-01"),
        (date(2024, 5, 1), "auto:overleg:14", "2024-05-15"),
        (date(2024, 5, 8), "auto:overleg:7", "2024-05-15"),
        (date(2024, 5, 14), "auto:overleg:1", "2024-05-15"),
        (date(2024, 6, 17), "auto:checkpoint:14", "2024-07-01"),
        (date(2024, 6, 20), "auto:huurcontracten:14", "2024-07-04"),
        (date(2024, 6, 24), "auto:checkpoint:7", "2024-07-01"),
        (date(2024, 6, 27), "auto:huurcontracten:7", "2024-07-04"),
        (date(2024, 6, 30), "auto:checkpoint:1", "2024-07-01"),
        (date(2024, 7, 3), "auto:huurcontracten:1", "2024-07-04"),
    ]
    assert sorted(got) == expected
    assert {k.scope for _, k in sent} == {"regio:Haaglanden"} and {k.chat_id for _, k in sent} == {
        1
    }


def test_pva_term_of_a_municipality_at_step_3() -> None:
    sent = simulate(dataset(), [sub(2, "gemeente", "Leusden")], half_year(end=date(2024, 2, 29)))
    pva = [(day, k.kind) for day, k in sent if "pva" in k.kind]
    assert pva == [
        (date(2024, 1, 29), "auto:pva:14"),
        (date(2024, 2, 5), "auto:pva:7"),
        (date(2024, 2, 11), "auto:pva:1"),
    ]  # decision 15 Jan + 4 weeks = 12 Feb


def test_downtime_collapses_missed_windows_into_one_catch_up() -> None:
    days = [d for d in half_year() if not date(2024, 3, 10) <= d <= date(2024, 3, 29)]
    sent = simulate(dataset(), [sub(1, "regio", "Haaglanden")], days)
    april = sorted((day, k.kind) for day, k in sent if k.due == "2024-04-01")
    assert april == [
        (date(2024, 3, 30), "auto:checkpoint:7"),
        (date(2024, 3, 30), "auto:publicatie:7"),
        (date(2024, 3, 31), "auto:checkpoint:1"),
        (date(2024, 3, 31), "auto:publicatie:1"),
    ]


def test_down_until_after_the_deadline_sends_nothing_late() -> None:
    days = [d for d in half_year() if not date(2024, 3, 10) <= d <= date(2024, 4, 1)]
    sent = simulate(dataset(), [sub(1, "regio", "Haaglanden")], days)
    assert not [k for _, k in sent if k.due == "2024-04-01"]


def test_one_message_per_chat_however_many_scopes() -> None:
    subs = [
        sub(3, "provincie", "Zuid-Holland"),
        sub(3, "gemeente", "Delft"),
        sub(4, "gemeente", "Leiden"),
    ]
    messages = Planner(dataset(), date(2024, 3, 18)).reminders(subs, LEADS)
    assert [m.chat_id for m in messages] == [3, 4]
    assert {k.scope for k in messages[0].keys} == {"provincie:Zuid-Holland", "gemeente:Delft"}
    assert messages[0].text.count("Tussentijdse toets 2024-I") == 1


def test_the_pointed_part_names_who_is_behind_and_how_many() -> None:
    (m,) = Planner(dataset(), date(2024, 3, 18)).reminders([sub(1, "regio", "Haaglanden")], LEADS)
    assert "18 maart" not in m.text and "1 april 2024" in m.text and "over 14 dagen" in m.text
    assert "<b>Delft</b>: niet op schema — 30 gehuisvest, minimum 60; nog <b>90</b>" in m.text
    assert "Rijswijk</b>:" not in m.text  # 40 of minimum 25: on schedule
    assert "Cijfers per 1 maart 2024" in m.text


def test_contract_reminder_uses_the_closing_period() -> None:
    (m,) = Planner(dataset(), date(2024, 7, 3)).reminders([sub(1, "regio", "Haaglanden")], LEADS)
    assert "huurcontracten over 2024-I" in m.text
    assert "<b>Delft</b>: nog <b>20</b> te huisvesten voor de opgave van 120" in m.text


def test_weekly_overview_shows_changes_since_last_week() -> None:
    data = dataset()
    subs = [sub(1, "regio", "Haaglanden")]
    first = Planner(data, date(2024, 3, 4)).weekly(subs, date(2024, 3, 4), {})
    assert "eerste overzicht" in first.text
    # No decision recorded: the trede is onbekend ("?"), never 0.
    assert first.figures == {"Delft": ("2024-I", 30, "?"), "Rijswijk": ("2024-I", 40, "?")}
    assert first.keys == (Key("weekly", "*", "2024-03-04", 1),)
    data.records["Delft"].decisions.append(LadderDecision("Delft", date(2024, 4, 1), Trede("1")))
    later = Planner(data, date(2024, 4, 8)).weekly(subs, date(2024, 4, 8), first.figures)
    assert (
        "40 van 120 gehuisvest (33%) (+10 sinds vorige week) · trede 1 (was onbekend)"
        in later.text
    )
    assert "Rijswijk</b>: 40 van 50 gehuisvest (80%) (geen verandering)" in later.text


def test_stale_data_says_its_age() -> None:
    (m,) = Planner(dataset(), date(2024, 3, 18), stale_seconds=7300).reminders(
        [sub(1, "regio", "Haaglanden")], LEADS
    )
    assert "de sheet kon niet worden ververst; deze gegevens zijn 2 uur oud" in m.text


def test_weekly_slot() -> None:
    assert weekly_slot(date(2024, 3, 4), 0) == date(2024, 3, 4)  # a Monday
    assert weekly_slot(date(2024, 3, 10), 0) == date(2024, 3, 4)
    assert weekly_slot(date(2024, 3, 10), 6) == date(2024, 3, 10)


# -- the jobs, across a restart --------------------------------------------------------------
class FakeTime:
    """Wall clock for the jobs and a virtual clock for the pacer: sleeping advances it."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.mono = 0.0

    def wall(self) -> datetime:
        return self.now

    def clock(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.mono += max(0.0, seconds)


class Recorder:
    def __init__(self, t: FakeTime) -> None:
        self.t, self.sent = t, []

    async def __call__(self, chat_id: int, text: str) -> None:
        self.sent.append((self.t.now.date(), chat_id, text))


def make_pushes(path: Path, t: FakeTime, rec: Recorder, data: DataSet) -> Pushes:
    store = Store(path, clock=lambda: t.now.timestamp())
    services = Services(cache=FakeCache(data), admins=frozenset({ADMIN}))
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    return Pushes(
        store,
        services,
        Broadcaster(rec, pacer),
        leads=LEADS,
        weekly=(0, time(8, 30)),
        tz=TZ,
        now=t.wall,
    )


async def test_restart_in_the_middle_sends_nothing_twice_and_misses_nothing(
    tmp_path: Path,
) -> None:
    path, data = tmp_path / "ledger.sqlite", dataset()
    t = FakeTime(datetime(2024, 3, 1, 9, 0, tzinfo=TZ))
    rec = Recorder(t)
    pushes = make_pushes(path, t, rec, data)
    pushes.store.subscriptions.subscribe(1, "regio", "Haaglanden", ADMIN, "nl")
    pushes.store.subscriptions.subscribe(
        2, "gemeente", "Leiden", COORD, "nl"
    )  # not in his scope: ignored
    pushes.store.subscriptions.subscribe(3, "gemeente", "Delft", COORD, "nl")
    for day in half_year(date(2024, 3, 1), date(2024, 3, 24)):
        t.now = datetime.combine(day, time(9, 0), TZ)
        await pushes.remind_tick()
        await pushes.remind_tick()  # a retried job
        t.now = datetime.combine(day, time(8, 0), TZ)
        assert await pushes.remind_tick() is None  # not before 09:00
    # 25 March 09:00: the process claims that day's reminders, then dies before sending.
    t.now = datetime(2024, 3, 25, 9, 0, tzinfo=TZ)
    planner = Planner(data, t.now.date())
    subs = pushes._allowed(planner, pushes.store.subscriptions.active())
    for message in planner.reminders(subs, LEADS, pushes.store.ledger.is_settled):
        assert pushes.store.ledger.claim(message.keys)
    crashed = Key("auto:checkpoint:7", "regio:Haaglanden", "2024-04-01", 1)
    pushes.store.close()
    # Down until 30 March 10:00; a second process starts on the same file.
    t.now = datetime(2024, 3, 30, 10, 0, tzinfo=TZ)
    pushes = make_pushes(path, t, rec, data)
    await pushes.catch_up()
    await pushes.catch_up()  # a second start-up run is harmless too
    for day in half_year(date(2024, 3, 31), date(2024, 4, 30)):
        t.now = datetime.combine(day, time(9, 0), TZ)
        await pushes.remind_tick()
    days = [(d, chat) for d, chat, text in rec.sent if "Herinnering" in text]
    assert len(days) == len(set(days)), "at most one reminder per chat per day"
    weekly = [(d, chat) for d, chat, text in rec.sent if "Weekoverzicht" in text]
    assert sorted(weekly) == [(date(2024, 3, 30), 1), (date(2024, 3, 30), 3)]  # missed 25th
    rows = pushes.store.ledger.rows("auto:")
    assert all(status == SENT for _, status, _ in rows)
    assert len({k for k, _, _ in rows}) == len(rows)
    assert {(k.chat_id, k.kind) for k, _, _ in rows if k.due == "2024-04-01"} == {
        (c, f"auto:{kind}:{lead}")
        for c in (1, 3)
        for kind in ("checkpoint", "publicatie")
        for lead in (14, 7, 1)
    }
    assert crashed in {k for k, _, _ in rows}
    assert (date(2024, 3, 30), 1) in days  # the window-7 reminder came on return
    assert not [c for _, c, _ in rec.sent if c == 2]
    pushes.store.close()


ELSEWHERE = Process("andere-machine/boot", 4321, "")  # only its heartbeat says it lives


async def test_a_claim_of_a_process_on_another_machine_is_sent_once_its_lease_lapses(
    tmp_path: Path,
) -> None:
    path, data = tmp_path / "ledger.sqlite", dataset()
    t = FakeTime(datetime(2024, 3, 18, 9, 0, tzinfo=TZ))
    rec = Recorder(t)
    pushes = make_pushes(path, t, rec, data)
    pushes.store.subscriptions.subscribe(1, "regio", "Haaglanden", ADMIN, "nl")
    keys = [
        Key(f"auto:{k}:14", "regio:Haaglanden", "2024-04-01", 1)
        for k in ("checkpoint", "publicatie")
    ]
    other = Store(path, clock=lambda: t.now.timestamp(), process=ELSEWHERE)
    assert other.ledger.claim(keys)  # claimed, then that process died before sending
    await pushes.remind_tick()
    assert rec.sent == []  # it might still be sending it
    t.now += timedelta(seconds=LEASE_SECONDS + 1)  # no heartbeat since
    assert await pushes.heartbeat() == (2, 0)  # the periodic pass: taken over and sent
    assert [c for _, c, _ in rec.sent] == [1]
    assert {s for _, s, _ in pushes.store.ledger.rows()} == {SENT}
    pushes.store.close()


async def test_weekly_push_once_per_week_with_catch_up(tmp_path: Path) -> None:
    t = FakeTime(datetime(2024, 3, 4, 8, 30, tzinfo=TZ))  # Monday
    rec = Recorder(t)
    pushes = make_pushes(tmp_path / "w.sqlite", t, rec, dataset())
    t.now -= timedelta(days=1)
    pushes.store.subscriptions.subscribe(1, "regio", "Haaglanden", ADMIN, "nl")
    t.now = datetime(2024, 3, 4, 8, 30, tzinfo=TZ)
    await pushes.weekly_push()
    await pushes.weekly_push()
    t.now += timedelta(minutes=15)
    pushes.store.subscriptions.subscribe(
        5, "gemeente", "Delft", ADMIN, "nl"
    )  # after the slot: next week
    t.now = datetime(2024, 3, 6, 12, 0, tzinfo=TZ)
    await pushes.catch_up()
    assert [(d, c) for d, c, _ in rec.sent] == [(date(2024, 3, 4), 1)]
    t.now = datetime(2024, 3, 12, 7, 0, tzinfo=TZ)  # down on Monday 11 March, back Tuesday
    await pushes.catch_up()
    assert sorted((d, c) for d, c, _ in rec.sent[1:]) == [
        (date(2024, 3, 12), 1),
        (date(2024, 3, 12), 5),
    ]
    to_chat_1 = [text for d, c, text in rec.sent[1:] if c == 1]
    assert "geen verandering" in to_chat_1[0]
    pushes.store.close()


async def test_overlapping_ticks_and_a_stale_sheet(tmp_path: Path) -> None:
    t = FakeTime(datetime(2024, 3, 18, 9, 0, tzinfo=TZ))
    rec = Recorder(t)
    pushes = make_pushes(tmp_path / "o.sqlite", t, rec, dataset())
    pushes.services.cache = FakeCache(dataset(), stale=True, age=3 * 86400)
    for chat in (1, 2, 3):
        pushes.store.subscriptions.subscribe(chat, "regio", "Haaglanden", ADMIN, "nl")
    first, second = await asyncio.gather(pushes.remind_tick(), pushes.remind_tick())
    assert sorted(c for _, c, _ in rec.sent) == [1, 2, 3]  # each chat once
    assert len(first.sent) + len(second.sent) == 3
    assert first.skipped + second.skipped + len(first.sent) + len(second.sent) >= 3
    assert all("deze gegevens zijn 3 dagen oud" in text for _, _, text in rec.sent)
    pushes.store.close()


async def test_a_manual_reminder_survives_a_crash_and_reports_once(tmp_path: Path) -> None:
    t = FakeTime(datetime(2024, 6, 24, 7, 0, tzinfo=TZ))
    rec = Recorder(t)
    pushes = make_pushes(tmp_path / "m.sqlite", t, rec, dataset())
    store = pushes.store
    bid = store.broadcasts.create(
        Broadcast(0, 9, ADMIN, "nl", "huurcontracten", "Zuid-Holland", "2024-07-04", "Let op",
                  (1, 2, 3, 4))
    )  # fmt: skip
    assert store.broadcasts.move(bid, "preview", "confirmed")
    due = f"2024-07-04#{bid}"
    in_flight, claimed = (Key("manual:huurcontracten", "Zuid-Holland", due, c) for c in (2, 4))
    other = Store(store.path, clock=lambda: t.now.timestamp(), process=ELSEWHERE)
    assert other.ledger.claim([in_flight]) and other.ledger.mark(
        [in_flight]
    )  # its request may have left
    assert other.ledger.claim([claimed])  # … and this one had not, when that process died
    await asyncio.gather(pushes.catch_up(), pushes.resume_broadcasts())  # start-up races a tick
    assert sorted(c for _, c, _ in rec.sent) == [1, 3]
    assert store.broadcasts.unfinished() == [bid]  # chats 2 and 4 unresolved: no report yet
    t.now += timedelta(seconds=LEASE_SECONDS + 1)
    await pushes.heartbeat()  # the other process's lease lapsed: its rows are taken over
    await pushes.hourly()
    assert sorted(c for _, c, _ in rec.sent) == [1, 3, 4, 9]  # chat 2 never twice
    report = rec.sent[-1][2]
    assert "4 gesprekken: 3 afgeleverd, 0 mislukt, 0 geblokkeerd" in report
    assert "1 bericht is onzeker" in report and f"/herinnering opnieuw {bid}" in report
    assert store.broadcasts.unfinished() == []
    store.close()
