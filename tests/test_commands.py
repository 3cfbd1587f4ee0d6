"""Each command over the bundled sample workbook, asserting the real figures of the letters."""

from __future__ import annotations

from datetime import date

import pytest

from bot.console import plain
from commands.common import callback_data
from commands.context import Ctx
from commands.export import assess_rows, export_rows
from commands.reply import Button, finished, split_message
from commands.roles import Role
from commands.router import handle, handle_callback
from sheets.loading.convert import load
from sheets.sources.local import default_source

MARCH_21 = date(2022, 3, 21)
DH_NAME = "'s-Gravenhage"
STAFF = Role("provincie")


@pytest.fixture(scope="module")
def data():
    source = default_source()
    return load(source.fetch(), source.describe())


def ask(data, text: str, day: date = MARCH_21, role: Role | None = STAFF, lang: str = "nl"):
    return finished(handle(Ctx(data, day, 7, role, lang), text))


@pytest.mark.parametrize(
    ("command", "day", "expected"),
    [
        (
            "/stand Den Haag",
            MARCH_21,
            [
                "'s-Gravenhage",
                "Opgave: 417",
                "Gehuisvest: 129",
                "31% van de opgave",
                "Minimum vóór 1 april 2022: 209",
                "Prognose 1 juli 2022: 296",
                "71% van de opgave",
                "Vastgelegd: trede 2",
                "Cijfers per 21 maart 2022",
            ],
        ),
        ("/stand Gravenhage 's-", MARCH_21, ["'s-Gravenhage", "417"]),
        ("/status delft", MARCH_21, ["Delft", "Opgave: 76", "Gehuisvest: 48", "63%"]),
        (
            "/stand Den Haag",
            date(2021, 4, 2),
            [
                "2021-I",
                "Opgave: 418",
                "Gehuisvest: 106",
                "met coulance 147 (146,3 naar boven afgerond)",  # as the letter says
                "niet op schema",
                "Tussentijdse toets 1 april 2021: voorstel trede 1",
            ],
        ),
        (
            "/stand Den Haag",
            date(2022, 1, 2),
            [
                "Eindbeoordeling 1 januari 2022: voorstel trede 2",
                "ten minste 389 (388,75 naar boven afgerond) gehuisvest",  # as the letter
                "geen stijging",
            ],
        ),
        (
            "/stand Den Haag",
            date(2022, 10, 2),
            ["Opgave: 489", "extra opgave: 204", "van de opgave inclusief extra opgave"],
        ),
        ("/regio Haaglanden", MARCH_21, ["884", "275", "31%", "Rijswijk", "Wassenaar"]),
        ("/provincie Zuid-Holland", MARCH_21, ["Haaglanden", "884", "Gemeenten per trede"]),
        (
            "/prognose Den Haag",
            MARCH_21,
            ["296", "Lineair doorgetrokken", "79 dagen", "181 dagen"],
        ),
        ("/prognose Haaglanden", MARCH_21, ["Delft", "110", "Rijswijk"]),
        (
            "/ladder Den Haag",
            MARCH_21,
            ["1 juli 2021", "Twee verschillende treden", "volgt uit de regels"],
        ),
        ("/deadlines Leusden", date(2022, 6, 20), ["1 juli 2022", "over 11 dagen"]),
        ("/deadlines Den Haag", date(2022, 6, 20), ["4 juli 2022", "huurcontracten"]),
        ("/controle", MARCH_21, ["Controle van de sheet", "tegenstrijdigheden"]),
        ("/help", MARCH_21, ["/stand", "/regio", "/controle"]),
    ],
)
def test_command_answers(data, command, day, expected) -> None:
    text = plain(ask(data, command, day).text)
    for part in expected:
        assert part in text, f"{part!r} not in reply to {command}:\n{text}"


def test_haaglanden_sorted_behind_schedule_first(data) -> None:
    text = plain(ask(data, "/regio Haaglanden").text)
    order = [line.split()[0] for line in text.splitlines()[2:11]]
    assert order[0] == "Rijswijk" and order[-1] == "Wassenaar"


def test_ambiguous_name_offers_keyboard_and_choice_answers(data) -> None:
    reply = ask(data, "/stand Krimpen")
    names = [b.text for row in reply.keyboard for b in row]
    assert names == ["Krimpen aan den IJssel", "Krimpenerwaard"]
    chosen = handle_callback(Ctx(data, MARCH_21, 7, Role("provincie")), reply.keyboard[0][0].data)
    assert "Krimpen aan den IJssel" in chosen.text


def test_unknown_name_says_so_without_guessing(data) -> None:
    reply = ask(data, "/stand Xyzzyq")
    assert "staat niet in de sheet" in reply.text and not reply.keyboard


@pytest.mark.parametrize(
    ("command", "expected", "buttons"),
    [
        ("/stand Ede", "staat niet in de sheet als gemeente", []),
        ("/stand Amsterdam", "staat niet in de sheet als gemeente", []),
        ("/stand Den", "Bedoelt u deze?", ["'s-Gravenhage"]),
        ("/stand Leusdn", "Bedoelt u deze?", ["Leusden"]),
        ("/stand Haaglanden", "is een regio; /stand is voor een gemeente", ["Tabel Haaglanden"]),
        ("/regio Leusden", "is een gemeente", ["Regio Amersfoort", "Stand Leusden"]),
        ("/prognose Zuid-Holland", "is voor een gemeente of regio", ["Zuid-Holland"]),
        ("hallo", "Typ een gemeente of een commando", []),
        ("Goedemorgen", "Typ een gemeente of een commando", []),
    ],
)
def test_names_never_confused(data, command, expected, buttons) -> None:
    reply = ask(data, command)
    assert expected in reply.text, reply.text
    assert [b.text for row in reply.keyboard for b in row] == buttons
    assert "Opgave" not in reply.text  # no figures of any municipality


@pytest.mark.parametrize(
    ("command", "first_line"),
    [
        ("/regio Amersfoort", "Regio Amersfoort — periode 2022-I"),
        ("/regio Utrecht", "Regio Utrecht (U16) — periode 2022-I"),
        ("Haaglanden", "Haaglanden — periode 2022-I"),  # a bare region name is /regio
        ("Den Haag", "'s-Gravenhage — periode 2022-I"),  # a bare municipality is /stand
    ],
)
def test_the_command_decides_the_kind(data, command, first_line) -> None:
    assert plain(ask(data, command).text).splitlines()[0].startswith(first_line)


LEUSDEN = Role("gemeente", "Leusden")
HAAGLANDEN = Role("coordinator", "Haaglanden")


@pytest.mark.parametrize(
    ("role", "command", "first_line", "buttons"),
    [
        (LEUSDEN, "/stand", "Leusden — periode 2022-I", ["Grafiek", "Prognose", "Ladder"]),
        (LEUSDEN, "/ladder", "Leusden — vastgelegde treden", ["Stand", "Grafiek", "Prognose"]),
        (
            LEUSDEN,
            "/prognose",
            "Geen realisatiecijfers voor Leusden",
            ["Stand", "Grafiek", "Ladder"],
        ),
        (HAAGLANDEN, "/regio", "Haaglanden — periode 2022-I", ["Grafiek", "Prognose"]),
        (HAAGLANDEN, "/prognose", "'s-Gravenhage", ["Tabel", "Grafiek"]),
        (Role("gemeente", DH_NAME), "/stand", "'s-Gravenhage", ["Grafiek", "Prognose", "Ladder"]),
    ],
)
def test_own_scope_by_default_with_buttons(data, role, command, first_line, buttons) -> None:
    reply = ask(data, command, role=role)
    assert plain(reply.text).splitlines()[0].startswith(first_line), reply.text
    assert [b.text for row in reply.keyboard for b in row] == buttons


def test_coordinator_without_a_name_picks_from_the_region(data) -> None:
    reply = ask(data, "/stand", role=HAAGLANDEN)
    names = [b.text for row in reply.keyboard for b in row]
    assert len(names) == 9 and "Rijswijk" in names and "Leusden" not in names
    chosen = handle_callback(Ctx(data, MARCH_21, 7, HAAGLANDEN), reply.keyboard[0][0].data)
    assert chosen.text.startswith("<b>'s-Gravenhage</b>")


def test_regio_without_a_name_offers_regions_only(data) -> None:
    reply = ask(data, "/regio", role=Role("provincie", "Utrecht"))
    names = [b.text for row in reply.keyboard for b in row]
    assert names == ["Regio Amersfoort", "Regio Foodvalley", "Regio Utrecht (U16)"]
    assert "Leusden" not in reply.text


def test_buttons_round_trip(data) -> None:
    reply = ask(data, "/stand", role=LEUSDEN)
    for row in reply.keyboard:
        for b in row:
            answer = handle_callback(Ctx(data, MARCH_21, 7, LEUSDEN), b.data)
            assert "Leusden" in answer.text, (b.text, answer.text)


@pytest.mark.parametrize(
    "name",
    ["Regio Utrecht (U16)", "Súdwest-Fryslân en een heel lange naam erachter aan", "x" * 80],
)
def test_callback_data_fits_in_64_bytes(name) -> None:
    for command in ("stand", "prognose", "grafiek", "ladder", "volg"):
        for kind in ("gemeente", "regio", "provincie"):
            data = callback_data(command, kind, name)
            assert 1 <= len(data.encode()) <= 64
            Button(name, data)  # validates the byte length itself


def test_municipality_without_figures_says_so(data) -> None:
    text = plain(ask(data, "/stand Alphen a/d Rijn").text)
    assert (
        "Alphen aan den Rijn" in text
        and "Opgave onbekend: geen taakstelling en geen opgave voor 2022-I" in text
    )


@pytest.mark.parametrize(
    ("role", "command", "allowed"),
    [
        (Role("gemeente", "Delft"), "/stand Delft", True),
        (Role("gemeente", "Delft"), "/stand Leusden", False),
        (Role("gemeente", "Delft"), "/regio Haaglanden", False),
        (Role("coordinator", "Haaglanden"), "/regio Haaglanden", True),
        (Role("coordinator", "Haaglanden"), "/stand Rijswijk", True),
        (Role("coordinator", "Haaglanden"), "/controle", False),
        (Role("provincie", "Zuid-Holland"), "/controle", True),
        (None, "/stand Delft", False),
    ],
)
def test_roles(data, role, command, allowed) -> None:
    text = ask(data, command, role=role).text
    denied = "geen toegang" in text or "alleen voor de rol" in text or "nog geen toegang" in text
    assert denied is not allowed, text


def test_notes_only_for_staff(data) -> None:
    note = "komt uw gemeente per 1 januari 2022"
    assert note in ask(data, "/stand Den Haag", role=Role("coordinator", "Haaglanden")).text
    assert note not in ask(data, "/stand Den Haag", role=Role("gemeente", "'s-Gravenhage")).text


def test_sheet_text_is_escaped(data) -> None:
    text = ask(data, "/stand Xyz<b>").text
    assert "<b>" not in text.replace("<b>Xyz", "")  # the user's input is escaped
    assert "Xyz&lt;b&gt;" in text


def test_grafiek_returns_png(data) -> None:
    reply = ask(data, "/grafiek Den Haag")
    assert reply.image and reply.image.startswith(b"\x89PNG")


def test_english(data) -> None:
    text = ask(data, "/stand Den Haag", lang="en").text
    assert "Target" in text or "target" in text


def test_long_text_is_split_within_limit() -> None:
    text = "\n".join(f"regel {i} " + "x" * 90 for i in range(200))
    parts = split_message(text)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text


def test_export_columns_and_types(data) -> None:
    rows = {r["gemeente"]: r for r in export_rows(data, MARCH_21)}
    dh = rows["'s-Gravenhage"]
    assert (dh["opgave"], dh["realisatie"], dh["minimum"], dh["prognose"]) == (417, 129, 209, 296)
    assert (
        dh["prognose_pct_opgave"] == 71 and dh["trede"] == "2" and dh["op_schema"] is None
    )  # judged on 1 April
    assert rows["Leusden"]["periode"] == "2022-I"


@pytest.mark.parametrize(
    ("day", "soort", "trede_voor", "trede_na"),
    [
        (date(2021, 1, 1), "eindbeoordeling", "1", "0"),
        (date(2021, 4, 1), "tussentijds", "0", "1"),
        (date(2021, 7, 1), "eindbeoordeling", "1", "1"),
        (date(2022, 1, 1), "eindbeoordeling", "2", "2"),
    ],
)
def test_assess_den_haag_reproduces_the_letters(data, day, soort, trede_voor, trede_na) -> None:
    rows = {r["gemeente"]: r for r in assess_rows(data, day)}
    dh = rows["'s-Gravenhage"]
    assert (dh["soort"], dh["trede_voor"], dh["trede_na"]) == (soort, trede_voor, trede_na)
    assert all(isinstance(r, str) for r in dh["redenen"])


def test_assess_rejects_non_checkpoint(data) -> None:
    with pytest.raises(ValueError, match="geen toetsdatum"):
        assess_rows(data, MARCH_21)
