"""The access rule end to end: the real PTB Application, the fake Bot API, attacks included."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import menus
from bot.jobs import Pushes
from bot.store import Store
from engine.model import Deadline, LadderDecision
from engine.state import User
from engine.treden import Trede
from tests.fakes.telegram_api import FakeTelegramServer, SentMessage
from tests.test_reminders import ADMIN, COORD, TZ, dataset
from tests.test_subscriptions_e2e import Now, pushing_bot

DELFT_USER, UTRECHT_STAFF, EMPTY_SCOPE, LEIDEN_USER, MEMBER = 21, 22, 23, 24, 25
GROUP = -500
NOTE = "Interne notitie: wethouder ziek"


@dataclass
class Bot:
    server: FakeTelegramServer
    pushes: Pushes
    store: Store
    app: Application


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    data = dataset()
    data.users += [
        User(DELFT_USER, "Delft", "gemeente", "Delft"),
        User(UTRECHT_STAFF, "Provincie Utrecht", "provincie", "Utrecht"),
        User(EMPTY_SCOPE, "Leeg", "gemeente", ""),
        User(LEIDEN_USER, "Leiden", "gemeente", "Leiden"),
        User(MEMBER, "Lid", "coordinator", "Haaglanden"),
    ]
    data.records["Delft"].decisions.append(
        LadderDecision("Delft", date(2024, 1, 15), Trede("1"), NOTE)
    )
    data.deadlines.append(Deadline(date(2024, 7, 10), "overleg", "Overleg Leiden", "Leiden"))
    now = Now(datetime(2024, 6, 24, 7, 0, tzinfo=TZ))
    async with pushing_bot(tmp_path, data, now, group=GROUP, weekly=None) as (server, app, pushes):
        yield Bot(server, pushes, pushes.store, app)


async def say(b: Bot, text: str, user: int, chat: int | None = None) -> SentMessage:
    chat = user if chat is None else chat
    before = len(b.server.sent_messages(chat))
    b.server.push_message(chat, text, user_id=user)
    sent = await b.server.wait_for_messages(before + 1, chat_id=chat)
    return sent[before]


@pytest.mark.parametrize(
    ("user", "text", "allowed"),
    [
        (DELFT_USER, "/stand Delft", True),
        (DELFT_USER, "/stand Rijswijk", False),
        (DELFT_USER, "/regio Haaglanden", False),
        (UTRECHT_STAFF, "/stand Leusden", True),
        (UTRECHT_STAFF, "/stand Delft", False),  # bound to its own province
        (UTRECHT_STAFF, "/ladder Delft", False),  # no other province's staff notes
        (UTRECHT_STAFF, "/herinnering huurcontracten Zuid-Holland", False),
        (EMPTY_SCOPE, "/stand Delft", False),  # an empty scope is no access, never all
        (COORD, "/regio Haaglanden", True),
        (ADMIN, "/stand Leusden", True),
    ],
)
async def test_each_user_sees_exactly_their_scope(bot: Bot, user, text, allowed) -> None:
    reply = await say(bot, text, user)
    refused = "geen toegang" in reply.text or "nog geen toegang" in reply.text
    assert refused is not allowed, reply.text
    if not allowed:
        assert NOTE not in reply.text and "gehuisvest" not in reply.text.lower()


async def test_staff_notes_stay_out_of_groups(bot: Bot) -> None:
    private = await say(bot, "/ladder Delft", COORD)
    assert NOTE in private.text
    group = await say(bot, "/ladder Delft", COORD, chat=GROUP)
    assert "Delft" in group.text and NOTE not in group.text


async def test_only_group_admins_change_group_subscriptions(bot: Bot) -> None:
    r = await say(bot, "/volg Delft", MEMBER, chat=GROUP)
    assert "Alleen beheerders" in r.text and bot.store.subscriptions.active(GROUP) == []
    r = await say(bot, "/volg Delft", COORD, chat=GROUP)
    assert "U volgt nu" in r.text
    r = await say(bot, "/ontvolg alles", MEMBER, chat=GROUP)
    assert "Alleen beheerders" in r.text
    assert [s.scope for s in bot.store.subscriptions.active(GROUP)] == ["Delft"]
    assert bot.server.calls_to("getChatMember")[-1]["user_id"] == MEMBER
    r = await say(bot, "/ontvolg alles", COORD, chat=GROUP)
    assert "volgt niets meer" in r.text and bot.store.subscriptions.active(GROUP) == []


async def test_commands_for_another_bot_are_ignored_in_groups(bot: Bot) -> None:
    bot.server.push_message(GROUP, "/stand@andere_bot Delft", user_id=COORD)
    r = await say(bot, "/stand@taakbot_test_bot Delft", COORD, chat=GROUP)
    assert "Delft" in r.text
    assert len(bot.server.sent_messages(GROUP)) == 1  # the other bot's command got nothing


async def test_reminder_only_to_chats_it_concerns_each_with_what_it_may_see(bot: Bot) -> None:
    store = bot.store
    # A gemeente user who followed the whole region (say, before the role changed).
    store.subscriptions.subscribe(DELFT_USER, "regio", "Haaglanden", DELFT_USER, "nl")
    store.subscriptions.subscribe(LEIDEN_USER, "gemeente", "Leiden", LEIDEN_USER, "nl")
    store.subscriptions.subscribe(COORD, "regio", "Haaglanden", COORD, "nl")
    store.subscriptions.subscribe(EMPTY_SCOPE, "regio", "Haaglanden", EMPTY_SCOPE, "nl")

    preview = await say(bot, "/herinnering huurcontracten Haaglanden", ADMIN)
    assert "gaat naar 2 gesprekken" in preview.text  # not Leiden, not the scope-less user
    b = store.broadcasts.get(1)
    assert set(b.recipients) == {DELFT_USER, COORD}
    assert "Delft" in b.text_for(DELFT_USER) and "Rijswijk" not in b.text_for(DELFT_USER)
    assert "Rijswijk" in b.text_for(COORD)

    preview = await say(bot, "/herinnering overleg", ADMIN)  # a deadline of Leiden only
    assert "gaat naar 1 gesprek" in preview.text
    assert store.broadcasts.get(2).recipients == (LEIDEN_USER,)


async def test_confirm_button_is_the_requesters_own(bot: Bot) -> None:
    bot.store.subscriptions.subscribe(COORD, "regio", "Haaglanden", COORD, "nl")
    await say(bot, "/volg Delft", COORD, chat=GROUP)
    preview = await say(bot, "/herinnering huurcontracten Haaglanden", ADMIN, chat=GROUP)
    assert "Voorbeeld" in preview.text
    before = len(bot.server.sent_messages(GROUP))
    data = preview.reply_markup["inline_keyboard"][0][0]["callback_data"]
    bot.server.push_callback_query(GROUP, UTRECHT_STAFF, data, preview.message_id)  # staff too
    (reply,) = (await bot.server.wait_for_messages(before + 1, chat_id=GROUP))[before:]
    assert "werkt niet meer" in reply.text and bot.store.broadcasts.get(1).status == "preview"


async def test_command_menus_per_role_in_dutch_and_english(bot: Bot) -> None:
    server = bot.server

    def names(scope: dict, lang: str = "") -> list[str]:
        key = (json.dumps(scope, sort_keys=True), lang)
        return [c["command"] for c in server.commands.get(key, [])]

    chat = {"type": "chat", "chat_id": ADMIN}
    assert names({"type": "default"}) and not names(chat)  # at start-up: the general menus
    (job,) = bot.app.job_queue.get_jobs_by_name(menus.FIRST)  # the role menus: a job, later
    assert job.next_t is not None
    await job.run(bot.app)  # now, rather than menus.FIRST_AFTER seconds from now
    await server.wait_until(lambda: names(chat) and names(chat, "en"))
    default = names({"type": "default"})
    assert "help" in default and "privacy" in default and "stand" not in default
    assert "herinnering" in names(chat) and "controle" in names(chat)
    coordinator = names({"type": "chat", "chat_id": COORD})
    assert "ververs" in coordinator and "herinnering" not in coordinator
    gemeente = names({"type": "chat", "chat_id": DELFT_USER}, "en")
    assert "stand" in gemeente and "ververs" not in gemeente
    groups = names({"type": "all_group_chats"})
    assert "volg" in groups and "herinnering" not in groups and "vergeet" not in groups
    assert names({"type": "chat", "chat_id": EMPTY_SCOPE}) == []  # no role, no role menu
    english = server.commands[(json.dumps({"type": "default"}, sort_keys=True), "en")]
    dutch = server.commands[(json.dumps({"type": "default"}, sort_keys=True), "")]
    assert english != dutch


@pytest.mark.parametrize(
    ("user", "text", "offered"),
    [
        (COORD, "/stand Rijswjk", ["Rijswijk"]),
        (DELFT_USER, "/stand Rijswjk", []),  # a suggestion outside the scope is no button
        (UTRECHT_STAFF, "/regio Delft", []),  # Delft's region is not Utrecht's
        (COORD, "/regio Delft", ["Haaglanden"]),
    ],
)
async def test_keyboards_offer_only_what_the_user_may_see(bot: Bot, user, text, offered) -> None:
    reply = await say(bot, text, user)
    buttons = [
        b["text"] for row in (reply.reply_markup or {}).get("inline_keyboard", []) for b in row
    ]
    assert [b for b in buttons if not b.startswith("Stand ")] == offered, reply.text


def test_pushes_are_rendered_per_recipient(bot: Bot) -> None:
    from bot.store import Subscription

    data = bot.pushes.services.cache.get()
    planner = bot.pushes._planner(data, None)
    own = Subscription(DELFT_USER, "regio", "Haaglanden", DELFT_USER, "nl")
    coord = Subscription(COORD, "regio", "Haaglanden", COORD, "nl")
    nobody = Subscription(EMPTY_SCOPE, "regio", "Haaglanden", EMPTY_SCOPE, "nl")
    assert bot.pushes._allowed(planner, [own, coord, nobody]) == [own, coord]
    weekly = planner.weekly([own], date(2024, 6, 24), {})
    assert "Delft" in weekly.text and "Rijswijk" not in weekly.text
    assert "Rijswijk" in planner.weekly([coord], date(2024, 6, 24), {}).text
    for message in planner.reminders([own, coord], (14, 7, 1)):
        if message.chat_id == DELFT_USER:
            assert "Rijswijk" not in message.text
