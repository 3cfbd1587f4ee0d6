"""The Teams poster against a fake Workflows webhook on loopback: the card, retries, secrets."""

from __future__ import annotations

import httpx
import pytest

from bot.channels.pace import Pace
from bot.channels.teams import TeamsPoster, card, markdown
from bot.channels.webhooks import WebhookFileError, parse
from bot.store import FAILED, SENT, UNCERTAIN
from commands.reminders import Grid, Message
from sheets.sources.retry import RetryPolicy
from tests.fakes.clock import FakeTime
from tests.fakes.teams import FakeTeams, card_errors

GRID = Grid(
    ("Gemeente", "Periode", "Gehuisvest", "Opgave", "%", "Trede"),
    (("Delft", "2022-II", "48", "76", "63%", "1"), ("Leiden", "2022-II", "70", "70", "100%", "0")),
)
PUSH = Message(
    "teams:regio:Haaglanden",
    "📊 <b>Weekoverzicht</b> — 7 november 2022\n\n<b>Haaglanden</b> (regio)\n"
    "• <b>Delft</b>: 48 van 76 gehuisvest (63%) · trede 1\n\n<i>Cijfers per 1 november 2022.</i>",
    (),
    subject="Weekoverzicht Haaglanden — 7 november 2022",
    grid=GRID,
)
POLICY = RetryPolicy(attempts=3, base=1.0, cap=60.0, budget=300.0)


@pytest.fixture
async def teams():
    fake = await FakeTeams().start()
    yield fake
    await fake.stop()


def test_the_card_has_the_required_fields_the_table_and_the_figures() -> None:
    message = card(PUSH)
    assert card_errors(message) == []
    body = message["attachments"][0]["content"]["body"]
    assert body[0]["text"] == "Weekoverzicht Haaglanden — 7 november 2022"
    table = body[1]
    assert [c["items"][0]["text"] for c in table["rows"][1]["cells"]] == list(GRID.rows[0])
    texts = " ".join(b["text"] for b in body if b["type"] == "TextBlock")
    assert "- **Delft**: 48 van 76 gehuisvest (63%) · trede 1" in texts
    assert "_Cijfers per 1 november 2022._" in texts


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ({"type": "message", "attachments": []}, "attachments ontbreekt of is leeg"),
        ({"type": "message", "attachments": [{"contentType": "text/plain", "content": {}}]},
         "contentType 'text/plain'"),
    ],
)  # fmt: skip
def test_the_fake_refuses_what_teams_refuses(broken, says) -> None:
    assert says in card_errors(broken)


@pytest.mark.parametrize(
    ("script", "status", "requests", "slept"),
    [
        ([], SENT, 1, []),
        (["429:7"], SENT, 2, [7.0]),  # Retry-After is a lower bound on the wait
        (["503", "502"], SENT, 3, [1.0, 2.0]),  # 5xx: the bounded back-off
        (["503", "503", "503"], FAILED, 3, [1.0, 2.0]),  # gave up after the policy's attempts
        (["404"], FAILED, 1, []),  # the webhook was removed: no retry
        (["drop"], UNCERTAIN, 1, []),  # posted, the answer lost: not posted again
    ],
)
async def test_retries_as_teams_asks(teams: FakeTeams, script, status, requests, slept) -> None:
    teams.script["flow1"] = list(script)
    clock = FakeTime()
    async with httpx.AsyncClient(timeout=5) as client:
        poster = TeamsPoster(client, policy=POLICY, sleep=clock.sleep, clock=clock, rng=lambda: 1)
        outcome = await poster.post(teams.url("flow1"), card(PUSH), name="regio:Haaglanden")
    assert outcome is not None and outcome.status == status
    assert teams.requests == requests and clock.slept == slept
    assert len(teams.posts) == (status != FAILED)
    assert teams.secret not in (outcome.error or "")
    if status != SENT:
        assert "regio:Haaglanden" in (outcome.error or "")


async def test_one_webhook_is_paced_others_are_not(teams: FakeTeams) -> None:
    clock = FakeTime()
    async with httpx.AsyncClient(timeout=5) as client:
        poster = TeamsPoster(client, pace=Pace(1.0, clock), sleep=clock.sleep, clock=clock)
        for flow in ("a", "a", "b", "a"):
            await poster.post(teams.url(flow), card(PUSH))
    assert clock.slept == [1.0, 1.0]  # the second and fourth post to "a"; "b" at once
    assert [flow for flow, _ in teams.posts] == ["a", "a", "b", "a"]


async def test_nothing_is_posted_when_the_ledger_says_no(teams: FakeTeams) -> None:
    async def no() -> bool:
        return False

    async with httpx.AsyncClient(timeout=5) as client:
        assert await TeamsPoster(client).post(teams.url("x"), card(PUSH), mark=no) is None
    assert teams.requests == 0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("provincie Zuid-Holland = https://x.test/a", "regel 1: verwacht"),
        ("land:Nederland = https://x.test/a", "'land' is geen provincie, regio of gemeente"),
        ("\n# kanaal\nregio:Haaglanden = http://teams.test/geheim?sig=ABC",
         "regel 3: het adres is geen https-adres"),
        ("regio:Haaglanden = https://x.test/a\nregio: Haaglanden = https://x.test/b",
         "regel 2: regio:Haaglanden staat er al eerder in"),
    ],
)  # fmt: skip
def test_the_webhook_file_names_the_line_never_the_url(text: str, says: str) -> None:
    with pytest.raises(WebhookFileError) as err:
        parse(text)
    assert says in str(err.value)
    assert "sig=" not in str(err.value) and "x.test" not in str(err.value)


def test_the_webhook_file() -> None:
    assert parse(
        "# provincie en regio\nprovincie:Zuid-Holland = https://a.test/1?sig=S\n\n"
        "Regio:Regio  Amersfoort=https://a.test/2\n"
    ) == {
        ("provincie", "Zuid-Holland"): "https://a.test/1?sig=S",
        ("regio", "Regio Amersfoort"): "https://a.test/2",
    }


def test_markdown_of_telegram_html() -> None:
    assert markdown("<b>Den Haag</b> &amp; <i>Delft</i> &lt;3") == "**Den Haag** & _Delft_ <3"


def test_a_provinces_card_stays_under_teams_limit_with_every_figure() -> None:
    """52 municipalities as Table cells are 43 KB: the table becomes aligned monospace lines,
    and detail lines that still do not fit are cut with a sign."""
    import json

    from tests.fakes.teams import MAX_BYTES

    rows = tuple(
        (f"Gemeente {i:02}", "2022-II", str(100 + i), "250", "40%", "2") for i in range(60)
    )
    lines = "\n".join(f"• <b>Gemeente {i:02}</b>: {100 + i} van 250 gehuisvest" for i in range(60))
    big = Message("teams:provincie:Zuid-Holland", f"📊 <b>Weekoverzicht</b>\n{lines}\n" * 14, (),
                  subject="Weekoverzicht Zuid-Holland — 7 november 2022",
                  grid=Grid(GRID.header, rows))  # fmt: skip
    message = card(big)
    raw = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(raw) <= MAX_BYTES and card_errors(message) == []
    body = message["attachments"][0]["content"]["body"]
    table = body[1]
    assert table["fontType"] == "Monospace"
    assert all(f"Gemeente {i:02}" in table["text"] for i in range(60))
    assert "Gemeente 59  2022-II         159     250  40%      2" in table["text"]
    assert body[-1]["text"].endswith("regels") and "… en nog " in body[-1]["text"]
    assert "**Gemeente 00**: 100 van 250 gehuisvest" in body[2]["text"]  # the first ones kept
    small = card(PUSH)["attachments"][0]["content"]["body"]
    assert small[1]["type"] == "Table"  # a region's fits as a real table
