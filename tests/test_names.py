"""What users type on a phone → the gemeente, regio or provincie of the sample data."""

from __future__ import annotations

import pytest

from engine.model import Municipality
from sheets.loading.convert import load
from sheets.names import index as names
from sheets.names.index import NameIndex, normalise
from sheets.sources import sample

DH = "'s-Gravenhage"


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(load(sample.tables(), "voorbeeld"))


FOUND = [
    # typed, kind, canonical name: exact names and aliases answer at once
    ("Den Haag", "gemeente", DH),
    ("'s-Gravenhage", "gemeente", DH),
    ("Gravenhage 's-", "gemeente", DH),
    ("den haag", "gemeente", DH),
    ("s gravenhage", "gemeente", DH),
    ("'S GRAVENHAGE", "gemeente", DH),
    ("Denhaag", "gemeente", DH),  # spaces only: the same name
    ("alphen aan den rijn", "gemeente", "Alphen aan den Rijn"),
    ("Alphen a/d Rijn", "gemeente", "Alphen aan den Rijn"),
    ("Capelle a/d IJssel", "gemeente", "Capelle aan den IJssel"),
    ("capelle a/d ijssel", "gemeente", "Capelle aan den IJssel"),
    ("Krimpen a/d IJssel", "gemeente", "Krimpen aan den IJssel"),
    ("haaglanden", "regio", "Haaglanden"),
    ("Hollands Midden", "regio", "Hollands-Midden"),
    ("Zuid-Holland", "provincie", "Zuid-Holland"),
    ("zuid holland", "provincie", "Zuid-Holland"),
    ("Utrecht", "gemeente", "Utrecht"),  # gemeente first; the command decides otherwise
    ("provincie Utrecht", "provincie", "Utrecht"),
    ("gemeente Leusden", "gemeente", "Leusden"),
    ("regio amersfoort", "regio", "Regio Amersfoort"),
    ("U16", "regio", "Regio Utrecht (U16)"),
    ("Regio Utrecht", "regio", "Regio Utrecht (U16)"),
    ("Rijswyk", "gemeente", "Rijswijk"),  # ij typed as y
    ("Ysselstein", "gemeente", "IJsselstein"),
    ("Wijk bij Duurstede", "gemeente", "Wijk bij Duurstede"),
    ("Pijnacker Nootdorp", "gemeente", "Pijnacker-Nootdorp"),
    ("Hendrik Ido Ambacht", "gemeente", "Hendrik-Ido-Ambacht"),
]


@pytest.mark.parametrize(("typed", "kind", "name"), FOUND)
def test_exact_names_and_aliases_answer(
    index: NameIndex, typed: str, kind: str, name: str
) -> None:
    res = index.resolve(typed)
    assert (res.kind, res.name, res.exact, res.found) == (kind, name, True, True)


# What a phone user types after /stand (kinds: gemeente), and what Taakbot must do with it:
# ("=", name) answers at once; ("?", [names]) offers exactly these buttons and answers nothing;
# ("-",) offers nothing; ("kind", kind) says that the name is of another kind.
STAND = [
    # the known bugs of issue 12
    ("Ede", ("-",)),  # Ede (Gelderland) is not in the sheet; never Wijk bij Duurstede
    ("Den", ("?", [DH])),  # the start of "Den Haag"; never Leusden
    ("Amsterdam", ("-",)),  # not Alblasserdam, Rotterdam or Hardinxveld-Giessendam
    ("hallo", ("-",)),  # a greeting, not Hillegom
    # typos: offered, one tap away, never answered
    ("Leusdn", ("?", ["Leusden"])),
    ("Leussden", ("?", ["Leusden"])),
    ("Nieuwegijn", ("?", ["Nieuwegein"])),
    ("Zoetermer", ("?", ["Zoetermeer"])),
    ("Amersfort", ("?", ["Amersfoort"])),
    ("Veenendal", ("?", ["Veenendaal"])),
    ("Rotterdm", ("?", ["Rotterdam"])),
    ("Utrect", ("?", ["Utrecht", "Utrechtse Heuvelrug"])),
    ("Leidschedam", ("?", ["Leidschendam-Voorburg"])),
    ("Capele", ("?", ["Capelle aan den IJssel"])),
    ("Alphen aan de Rijn", ("?", ["Alphen aan den Rijn"])),
    # the start of a name, or one of its words
    ("Delf", ("?", ["Delft", "Midden-Delfland"])),
    ("Krimpen", ("?", ["Krimpen aan den IJssel", "Krimpenerwaard"])),
    ("Capelle", ("?", ["Capelle aan den IJssel"])),
    ("Leidschendam", ("?", ["Leidschendam-Voorburg"])),
    ("Voorburg", ("?", ["Leidschendam-Voorburg"])),
    ("Nootdorp", ("?", ["Pijnacker-Nootdorp"])),
    ("Haag", ("?", [DH])),
    ("Gravenhage", ("?", [DH])),
    ("Bilt", ("?", ["De Bilt"])),
    ("Heuvelrug", ("?", ["Utrechtse Heuvelrug"])),
    ("Ysselst", ("?", ["IJsselstein"])),
    ("Alphen", ("?", ["Alphen aan den Rijn"])),
    # other municipalities of the Netherlands that are not in the sheet: nothing to offer
    ("Heusden", ("-",)),  # Noord-Brabant; one letter from Leusden
    ("Kapelle", ("-",)),  # Zeeland; one letter from Capelle
    ("Voorst", ("-",)),  # Gelderland; starts like Voorschoten
    ("Mijdrecht", ("-",)),  # a village of De Ronde Venen; not Zwijndrecht
    ("Zwolle", ("-",)),
    ("Groningen", ("-",)),
    ("Eindhoven", ("-",)),
    ("Haarlem", ("-",)),
    ("Hilversum", ("-",)),
    ("Vlissingen", ("-",)),
    ("Leeuwarden", ("-",)),
    ("Maastricht", ("-",)),
    ("Wageningen", ("-",)),
    ("Barneveld", ("-",)),
    ("Epe", ("-",)),
    ("Oss", ("-",)),
    ("Den Bosch", ("-",)),  # a known alias, but 's-Hertogenbosch is not in the sheet
    # greetings and words
    ("Goedemorgen", ("-",)),
    ("hoi", ("-",)),
    ("bedankt", ("-",)),
    ("help", ("-",)),
    ("ok", ("-",)),
    # names of another kind
    ("Haaglanden", ("kind", "regio")),
    ("Rotterdam Rijnmond", ("kind", "regio")),
    ("Zuid-Holland", ("kind", "provincie")),
    ("Foodvalley", ("kind", "regio")),
]


@pytest.mark.parametrize(("typed", "outcome"), STAND)
def test_what_stand_does_with_a_typed_name(index: NameIndex, typed: str, outcome: tuple) -> None:
    res = index.resolve(typed, ("gemeente",))
    if outcome[0] == "=":
        assert (res.found, res.name) == (True, outcome[1])
    elif outcome[0] == "?":
        assert (res.found, res.candidates) == (False, outcome[1])
        assert res.ambiguous is (len(outcome[1]) > 1)
    elif outcome[0] == "kind":
        assert not res.found and res.other is not None and res.other[0] == outcome[1]
    else:
        assert (res.found, res.candidates, res.other) == (False, [], None)


@pytest.mark.parametrize(
    ("typed", "ratio", "offered"),
    [
        # the thresholds' edges, measured: TYPO_RATIO 87 and START_RATIO 88
        ("heusden", 85.7, False),  # vs "leusden": one letter in seven
        ("kapelle", 85.7, False),  # vs "capelle", the start of Capelle aan den IJssel
        ("leusdn", 92.3, True),  # one letter left out
        ("leidschedam", 90.9, True),  # vs the start "leidschenda"
        ("amsterdam", 66.7, False),  # vs "alblasserdam" and "rotterdam"
        ("mijdrecht", 80.0, False),  # vs "zwijndrecht"
    ],
)
def test_thresholds(index: NameIndex, typed: str, ratio: float, offered: bool) -> None:
    assert (ratio >= names.TYPO_RATIO or ratio >= names.START_RATIO) is offered
    assert bool(index.resolve(typed, ("gemeente",)).candidates) is offered


def test_the_command_decides_the_kind(index: NameIndex) -> None:
    assert index.resolve("Amersfoort", ("regio",)).name == "Regio Amersfoort"
    assert index.resolve("Amersfoort", ("gemeente",)).name == "Amersfoort"
    assert index.resolve("Utrecht", ("regio",)).name == "Regio Utrecht (U16)"
    assert index.resolve("Utrecht", ("provincie",)).name == "Utrecht"
    assert index.resolve("Leusden", ("regio",)).other == ("gemeente", "Leusden")


def test_at_most_six_candidates(index: NameIndex) -> None:
    assert len(index.resolve("Nieuw").candidates) <= names.MAX_CANDIDATES


@pytest.mark.parametrize("typed", ["", "   ", "--", "'", "ab"])
def test_empty_or_too_short_input(index: NameIndex, typed: str) -> None:
    res = index.resolve(typed)
    assert (res.found, res.candidates) == (False, [])


def test_kinds_restrict_the_answer(index: NameIndex) -> None:
    assert not index.resolve("Haaglanden", ("gemeente",)).found
    assert index.lookup("Haaglanden") == ("regio", "Haaglanden")
    assert index.lookup("Haaglanden", ("gemeente",)) is None
    assert index.resolve("Utrecht", ("provincie",)).kind == "provincie"
    assert index.resolve("Leusdn", ("gemeente",)).candidates == ["Leusden"]


def test_lookup_is_exact_only(index: NameIndex) -> None:
    assert index.lookup("Gravenhage 's-") == ("gemeente", DH)
    assert index.lookup("Leusdn") is None
    assert index.suggest("Leusdn") == ["Leusden"]


def test_names_per_kind(index: NameIndex) -> None:
    assert index.names("provincie") == ["Utrecht", "Zuid-Holland"]
    assert len(index.names("gemeente")) == 78
    assert "Regio Foodvalley" in index.names("regio")


@pytest.mark.parametrize(("text", "key"), [
    ("'s-Gravenhage", "s gravenhage"), ("Gravenhage 's-", "s gravenhage"),
    ("s gravenhage", "s gravenhage"), ("Alphen a/d Rijn", "alphen aan den ryn"),
    ("Capelle a/d IJssel", "capelle aan den yssel"), ("Súdwest-Fryslân", "sudwest fryslan"),
    ("  Den   Haag ", "den haag"),
])  # fmt: skip
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key


def test_builtin_alias_only_for_names_in_the_data() -> None:
    index = NameIndex([Municipality("'s-Gravenhage", "Zuid-Holland")])
    assert index.lookup("Den Haag") == ("gemeente", DH)
    assert index.lookup("Den Bosch") is None
