"""Every odd input a named answer (issue 19): whatever arguments a user types after any command,
or whatever a button sends back, the router answers in words; no exception reaches the bot's error
handler. Numbers have bounds, control characters are not echoed, a long text is cut with '…'."""

from __future__ import annotations

import tempfile
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import commands.privacy  # noqa: F401  registers /privacy and /vergeet
import commands.subscriptions  # noqa: F401  registers /volg, /ontvolg, /mijn, /herinnering
from bot.access import AccessBook
from bot.store import Store
from commands.context import Ctx, Front
from commands.inputs import MAX_ID, echo, number
from commands.reply import Reply, finished
from commands.roles import Role
from commands.router import COMMANDS, handle, handle_callback
from sheets.loading.convert import load
from sheets.sources.local import default_source

TODAY = date(2022, 3, 21)
ROLES = {
    "admin": (4242, Role("provincie", "*", "admin")),
    "provincie": (1, Role("provincie", "Zuid-Holland", "Demo provincie")),
    "coordinator": (77, Role("coordinator", "Haaglanden", "Coördinator")),
    "gemeente": (66, Role("gemeente", "Delft", "Contact Delft")),
    "groep": (66, Role("gemeente", "Delft", "Contact Delft", group=True)),
    "onbekend": (555, None),
}
_FOLDER = tempfile.TemporaryDirectory(prefix="taakbot-fuzz-")
DATA = load(default_source().fetch(), default_source().describe())
STORE = Store(Path(_FOLDER.name) / "fuzz.sqlite", clock=lambda: 1_000_000.0)
ACCESS = AccessBook(str(STORE.path), clock=lambda: 1_000_000.0)
ACCESS.ask(555, "Nieuwe collega", "gemeente", "Delft")  # request 1 exists
NAMES = [*DATA.records, *DATA.regions(), *DATA.provinces()]
WORDS = [
    "ok", "nee", "opnieuw", "onzeker", "alles", "ja", "regio", "provincie", "toets",
    "huurcontracten", "g_delft", "r_haaglanden", "nl", "en", "*",
    "0", "1", "-1", "17", str(MAX_ID), str(MAX_ID + 1), "9" * 30, "²", "٣", "1e5", "0x10",
]  # fmt: skip
ODD = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Z", "Cc", "Cf"]), max_size=80
)
ARGS = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(NAMES), ODD), max_size=4).map(
    " ".join
)
FAST = [c.name for c in COMMANDS if c.name not in ("grafiek", "export")]  # PNG, xlsx: below


def _ctx(role: str, lang: str = "nl") -> Ctx:
    user, r = ROLES[role]
    chat = -100 if role == "groep" else user
    front = Front(admins=frozenset({4242}), bot_username="taakbot_test_bot").with_store(
        STORE, ACCESS
    )
    return Ctx(DATA, TODAY, user, r, lang, front=front, chat_id=chat, user_name="Fuzz")


def _no_control(reply: Reply) -> None:
    texts = [reply.text, *(b.text for row in reply.keyboard for b in row)]
    for text in texts:
        odd = {c for c in text.replace("\n", "") if unicodedata.category(c) in ("Cc", "Cs")}
        assert not odd, (odd, text)
    for row in reply.keyboard:
        for b in row:
            assert 1 <= len(b.data.encode()) <= 64, b.data


@given(
    command=st.sampled_from(FAST),
    args=ARGS,
    role=st.sampled_from(sorted(ROLES)),
    lang=st.sampled_from(["nl", "en"]),
)
def test_any_arguments_to_any_command_get_an_answer(
    command: str, args: str, role: str, lang: str
) -> None:
    reply = finished(handle(_ctx(role, lang), f"/{command} {args}"))
    assert reply.text.strip()
    _no_control(reply)


@given(
    data=st.one_of(ODD, ARGS.map(lambda a: "k|" + a.replace(" ", "|", 1))),
    role=st.sampled_from(sorted(ROLES)),
)
def test_any_button_data_gets_an_answer(data: str, role: str) -> None:
    reply = finished(handle_callback(_ctx(role), data[:64]))
    assert reply.text.strip()
    _no_control(reply)


@settings(max_examples=30)  # a PNG or a workbook per example
@given(args=st.one_of(st.sampled_from(WORDS), ODD), role=st.sampled_from(["admin", "gemeente"]))
def test_chart_and_export_with_odd_arguments(args: str, role: str) -> None:
    for command in ("grafiek", "export"):
        reply = finished(handle(_ctx(role), f"/{command} {args}"))
        assert reply.text.strip() or reply.image or reply.document


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/toestaan 99999999999999999999999", "Deze aanvraag ken ik niet."),
        (f"/toestaan {MAX_ID + 1}", "Deze aanvraag ken ik niet."),
        (f"/weigeren {MAX_ID}", "Deze aanvraag ken ik niet."),
        ("/toestaan ²", "Deze aanvraag ken ik niet."),
        ("/toestaan 0", "Deze aanvraag ken ik niet."),
        ("/toestaan -1", "Deze aanvraag ken ik niet."),
        ("/herinnering ok 99999999999999999999999", "Deze knop werkt niet meer."),
        ("/herinnering nee 99999999999999999999999", "Deze knop werkt niet meer."),
        ("/herinnering opnieuw 99999999999999999999999", "Deze knop werkt niet meer."),
        (f"/herinnering opnieuw {MAX_ID}", "Deze knop werkt niet meer."),
        ("/herinnering opnieuw onzeker", "Er is niets onzekers om opnieuw te versturen."),
    ],
)
def test_numbers_beyond_their_bounds_are_unknown(text: str, expected: str) -> None:
    assert handle(_ctx("admin"), text).text == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", 1), (" 42 ", 42), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None),
     ("-5", None), ("+5", None), ("²", None), ("٣", None), ("1_000", None), ("", None),
     ("9" * 19, None), ("0" * 18 + "7", 7)],
)  # fmt: skip
def test_number_bounds(text: str, value: int | None) -> None:
    assert number(text) == value


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Ams\x07ter\x1bdam", "Amsterdam"),
        ("Ams\u202eterdam", "Amsterdam"),  # a bidirectional override would turn the echo round
        ("Ams\nterdam", "Ams terdam"),
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("x" * 200, "x" * 59 + "…"),
        ("👩\u200d💻", "👩\u200d💻"),  # the joiner of an emoji sequence stays
    ],
)
def test_an_echo_is_clean_short_and_escaped(typed: str, shown: str) -> None:
    assert echo(typed) == shown


@pytest.mark.parametrize(
    "text",
    [
        "/stand Ams\x07ter\x1bdam",
        "/stand \u202eAmsterdam",
        "Amsterdam\x00",
        "/volg \x1b[31mX",
        "/ontvolg Ams\ud800terdam",  # a lone surrogate (JSON allows it) cannot be sent back
    ],
)
def test_control_characters_typed_are_not_echoed(text: str) -> None:
    reply = handle(_ctx("admin"), text)
    _no_control(reply)
    assert "\u202e" not in reply.text


def test_a_long_name_is_echoed_cut_with_an_ellipsis() -> None:
    typed = "Amsterdam" + "x" * 500
    reply = handle(_ctx("admin"), f"/stand {typed}")
    assert typed not in reply.text
    assert "Amsterdamxxx" in reply.text and "…" in reply.text
    assert len(reply.text) < 400
