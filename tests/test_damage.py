"""Structural damage never replaces good data: each kind of damage is refused by the cache (the
last good data stays served, stale, with the damage named), then the repaired sheet is accepted."""

from __future__ import annotations

import asyncio
import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.refresh import Refresher
from sheets.loading.convert import load
from sheets.loading.damage import DamageNotices
from sheets.runtime.cache import SheetCache
from sheets.sources.local import LocalSource
from tests.overview_books import UTRECHT_PERCENT, UTRECHT_TAB, utrecht_rows, write_xlsx

USERS = [
    ["telegram_id", "naam", "rol", "scope"],
    [1, "Provinciemedewerker", "provincie", "Utrecht"],
]
REALISATIE = [
    ["gemeente", "peildatum", "gehuisvest", "koppelingen"],
    ["Leusden", "1-10-2022", 14, 9],
    ["Woudenberg", "1-10-2022", 4, 2],
]
Tabs = dict[str, list[list[Any]]]


def good() -> Tabs:
    return {UTRECHT_TAB: utrecht_rows(), "realisatie": REALISATIE, "gebruikers": USERS}


def _header(tabs: Tabs, old: str, new: str) -> Tabs:
    tabs = copy.deepcopy(tabs)
    for rows in tabs.values():
        for row in rows[:3]:
            row[:] = [new if c == old else c for c in row]
    return tabs


def _without(tab: str) -> Callable[[Tabs], Tabs]:
    return lambda tabs: {k: v for k, v in tabs.items() if k != tab}


def _key_errors(tabs: Tabs) -> Tabs:
    tabs = copy.deepcopy(tabs)
    for row in tabs[UTRECHT_TAB][3:]:
        row[0] = "#REF!"
    return tabs


DAMAGE = [
    (_without(UTRECHT_TAB), "tabblad Huisvestingsvoortgang 2022‐2 ontbreekt"),
    (
        lambda t: _header(t, "Gemeenten", "Naam van de gemeente"),
        "tabblad Huisvestingsvoortgang 2022‐2 wordt niet meer gelezen (een verplichte kolom "
        "ontbreekt of is hernoemd)",
    ),
    (
        lambda t: _header(t, "Taakstelling 2022‐2", "Taakst."),
        'tabblad Huisvestingsvoortgang 2022‐2: kolom "Taakstelling 2022‐2" (taakstelling) niet '
        "meer gevonden (hernoemd?)",
    ),
    (
        lambda t: _header(t, "Realisatie 2022‐2 tot 10 november 2022", "Aantal gehuisvest"),
        'tabblad Huisvestingsvoortgang 2022‐2: kolom "Realisatie 2022‐2 tot 10 november 2022" '
        "(realisatie) niet meer gevonden (hernoemd?)",
    ),
    (
        _key_errors,
        "tabblad Huisvestingsvoortgang 2022‐2: nog 0 van 26 regels leesbaar (kolom gemeente "
        "beschadigd of formulefouten?)",
    ),
    (
        _without("gebruikers"),
        "tabblad gebruikers ontbreekt of is onleesbaar: niemand zou nog toegang hebben",
    ),
    (
        lambda t: _header(t, "telegram_id", "wie"),
        "tabblad gebruikers ontbreekt of is onleesbaar: niemand zou nog toegang hebben",
    ),
    (
        lambda t: _header(t, "gehuisvest", "aantal"),
        "tabblad realisatie wordt niet meer gelezen (een verplichte kolom ontbreekt of is "
        "hernoemd)",
    ),
    (
        lambda t: {
            **t,
            "realisatie": [REALISATIE[0]] + [["#REF!", *r[1:]] for r in REALISATIE[1:]],
        },
        "tabblad realisatie: nog 0 van 2 regels leesbaar (kolom gemeente beschadigd of "
        "formulefouten?)",
    ),
    (
        lambda t: _header(t, "koppelingen", "matches"),
        'tabblad realisatie: kolom "koppelingen" (koppelingen) niet meer gevonden (hernoemd?)',
    ),
]


class Workbook:
    """A coordinator's .xlsx that the test edits between refreshes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.source = LocalSource(path)

    def save(self, tabs: Tabs) -> None:
        write_xlsx(self.path, tabs, {UTRECHT_TAB: UTRECHT_PERCENT})


@pytest.fixture
def book(tmp_path: Path) -> Workbook:
    book = Workbook(tmp_path / "utrecht.xlsx")
    book.save(good())
    return book


def cache_for(book: Workbook) -> SheetCache:
    loader = functools.partial(load, provincie="Utrecht")
    return SheetCache(book.source, ttl=0, retry=0, min_interval=0, loader=loader)


@pytest.mark.parametrize(("damage", "named"), DAMAGE)
def test_damage_is_refused_then_the_repair_is_read(
    book: Workbook, damage: Callable[[Tabs], Tabs], named: str
) -> None:
    cache = cache_for(book)
    served = cache.get()
    book.save(damage(good()))
    result = cache.refresh()
    assert not result.ok
    assert cache.current() is served and result.dataset is served
    assert cache.stale and cache.age_seconds is not None
    assert cache.damage is not None and named in cache.damage.items
    assert result.error == cache.damage.message
    assert result.error.startswith("de sheet is beschadigd, verversen geweigerd: ")
    assert served.users and "Leusden" in served.records  # nobody locked out, nothing lost

    book.save(good())
    repaired = cache.refresh()
    assert repaired.ok and not cache.stale and cache.damage is None
    assert cache.current() is not served and cache.current().users


@pytest.mark.parametrize(
    "change",
    [
        lambda t: _header(t, "Realisatie 2022‐2 tot 10 november 2022",
                          "Realisatie 2022‐2 tot 17 november 2022"),  # the monthly update
        lambda t: {**t, "Voortgang oktober 2022": utrecht_rows()},  # a tab added
        lambda t: {"Voortgang november": t[UTRECHT_TAB], **_without(UTRECHT_TAB)(t)},  # renamed
        lambda t: _header(t, "Opmerkingen, bijzonderheden, relevante zaken", "Notitie"),
        lambda t: _header(t, "Prognose gerealiseerd op 1 januari 2023", "Prognose (oud)"),
        lambda t: {**t, "realisatie": [r + ["bron", None] for r in REALISATIE]},
    ],
)  # fmt: skip
def test_ordinary_edits_are_no_damage(book: Workbook, change: Callable[[Tabs], Tabs]) -> None:
    cache = cache_for(book)
    cache.get()
    book.save(change(good()))
    assert cache.refresh().ok and cache.damage is None


def test_a_first_read_is_never_refused(book: Workbook) -> None:
    book.save(_without("gebruikers")(good()))
    data = cache_for(book).get()
    assert data.users == [] and "Leusden" in data.records


def test_staff_are_told_once_per_damage() -> None:
    from sheets.loading.damage import Damage

    notices = DamageNotices()
    first, second = Damage(("tabblad gebruikers ontbreekt",)), Damage(("tabblad x ontbreekt",))
    assert notices.pending(first) == first.message
    assert notices.pending(first) is None
    assert notices.pending(second) == second.message
    assert notices.pending(None) is None  # repaired
    assert notices.pending(second) == second.message  # broken again: told again


def test_the_refresh_job_tells_staff_once(book: Workbook) -> None:
    cache = cache_for(book)
    cache.get()
    told: list[str] = []

    async def tell(text: str) -> None:
        told.append(text)

    refresher = Refresher(cache, tell)
    book.save(_without("gebruikers")(good()))
    asyncio.run(refresher.run())
    asyncio.run(refresher.run())
    assert cache.damage is not None and told == [cache.damage.message]
    book.save(good())
    asyncio.run(refresher.run())
    assert cache.damage is None and len(told) == 1


def test_an_empty_optional_column_may_go(book: Workbook) -> None:
    with_empty = [r + [None] for r in REALISATIE]
    with_empty[0][-1] = "pijplijn"
    book.save({**good(), "realisatie": with_empty})
    cache = cache_for(book)
    cache.get()
    book.save(good())
    assert cache.refresh().ok


def test_controle_says_why_the_sheet_is_not_read(book: Workbook) -> None:
    """Through the bot's own path (Services.ctx): stale, how old, and the damage that was seen."""
    from datetime import date

    from bot.services import Services
    from commands.router import handle

    cache = cache_for(book)
    cache.get()
    book.save(_without("gebruikers")(good()))
    cache.refresh()
    services = Services(cache=cache, admins=frozenset({1}), fixed_today=date(2022, 11, 10))
    text = handle(services.ctx(1, "nl"), "/controle").text
    assert "verversen mislukt" in text
    assert "Waarom: de sheet is beschadigd, verversen geweigerd: tabblad gebruikers" in text
