"""What users type on a phone → the gemeente, regio or provincie of the sample data."""

from __future__ import annotations

import pytest

from engine.model import Municipality
from sheets import sample
from sheets.convert import load
from sheets.names import NameIndex, normalise

DH = "'s-Gravenhage"


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(load(sample.tables(), "voorbeeld"))


FOUND = [
    # typed, kind, canonical name, exact
    ("Den Haag", "gemeente", DH, True),
    ("'s-Gravenhage", "gemeente", DH, True),
    ("Gravenhage 's-", "gemeente", DH, True),
    ("den haag", "gemeente", DH, True),
    ("s gravenhage", "gemeente", DH, True),
    ("'S GRAVENHAGE", "gemeente", DH, True),
    ("Leusdn", "gemeente", "Leusden", False),
    ("alphen aan den rijn", "gemeente", "Alphen aan den Rijn", True),
    ("Alphen a/d Rijn", "gemeente", "Alphen aan den Rijn", True),
    ("Capelle a/d IJssel", "gemeente", "Capelle aan den IJssel", True),
    ("capelle a/d ijssel", "gemeente", "Capelle aan den IJssel", True),
    ("Krimpen a/d IJssel", "gemeente", "Krimpen aan den IJssel", True),
    ("haaglanden", "regio", "Haaglanden", True),
    ("Hollands Midden", "regio", "Hollands-Midden", True),
    ("Zuid-Holland", "provincie", "Zuid-Holland", True),
    ("zuid holland", "provincie", "Zuid-Holland", True),
    # 'utrect': the gemeente Utrecht wins over the province of the same name (gemeente first;
    # "provincie utrect" asks for the province), and clearly over 'Utrechtse Heuvelrug'.
    ("utrect", "gemeente", "Utrecht", False),
    ("Utrecht", "gemeente", "Utrecht", True),
    ("provincie Utrecht", "provincie", "Utrecht", True),
    ("provincie utrect", "provincie", "Utrecht", False),
    ("gemeente Leusden", "gemeente", "Leusden", True),
    ("regio amersfoort", "regio", "Regio Amersfoort", True),
    ("U16", "regio", "Regio Utrecht (U16)", True),
    ("Regio Utrecht", "regio", "Regio Utrecht (U16)", True),
    ("Rijswyk", "gemeente", "Rijswijk", True),  # ij typed as y
    ("Ysselstein", "gemeente", "IJsselstein", True),
    ("Nieuwegijn", "gemeente", "Nieuwegein", False),
    ("Zoetermer", "gemeente", "Zoetermeer", False),
    ("Wijk bij Duurstede", "gemeente", "Wijk bij Duurstede", True),
    ("Pijnacker Nootdorp", "gemeente", "Pijnacker-Nootdorp", True),
    ("Leidschendam", "gemeente", "Leidschendam-Voorburg", False),
    ("Capelle", "gemeente", "Capelle aan den IJssel", False),
]


@pytest.mark.parametrize(("typed", "kind", "name", "exact"), FOUND)
def test_resolves(index: NameIndex, typed: str, kind: str, name: str, exact: bool) -> None:
    res = index.resolve(typed)
    assert (res.kind, res.name, res.exact, res.found) == (kind, name, exact, True)


CHOOSE = [
    ("Delf", ["Delft", "Midden-Delfland"]),
    ("Krimpen", ["Krimpen aan den IJssel", "Krimpenerwaard"]),
]


@pytest.mark.parametrize(("typed", "candidates"), CHOOSE)
def test_close_names_are_offered_to_choose(
    index: NameIndex, typed: str, candidates: list[str]
) -> None:
    res = index.resolve(typed)
    assert (res.found, res.ambiguous, res.name) == (False, True, None)
    assert res.candidates == candidates


@pytest.mark.parametrize("typed", ["Xyz", "Xyzzyq", "qqqq"])
def test_nothing_close_gives_a_few_suggestions(index: NameIndex, typed: str) -> None:
    res = index.resolve(typed)
    assert (res.kind, res.name, res.exact, res.ambiguous) == (None, None, False, False)
    assert 1 <= len(res.candidates) <= 3


@pytest.mark.parametrize("typed", ["", "   ", "--", "'"])
def test_empty_input(index: NameIndex, typed: str) -> None:
    res = index.resolve(typed)
    assert (res.found, res.candidates) == (False, [])


def test_kinds_restrict_the_answer(index: NameIndex) -> None:
    assert not index.resolve("Haaglanden", ("gemeente",)).found
    assert index.lookup("Haaglanden") == ("regio", "Haaglanden")
    assert index.lookup("Haaglanden", ("gemeente",)) is None
    assert index.resolve("Utrecht", ("provincie",)).kind == "provincie"
    assert index.resolve("Leusdn", ("gemeente",)).name == "Leusden"


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
