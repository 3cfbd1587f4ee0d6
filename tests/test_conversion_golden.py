"""The conversion gives exactly the DataSet it gave before it was made faster (issue 21).

A digest of the whole DataSet (records, figures, snapshots, decisions, users, every Problem
with its cell) of a generated workbook, as each source hands it over: an .xlsx read (date cells
as datetimes), Google's unformatted values (dates as serial numbers) and a CSV export (every cell
Dutch text). The workbook has bad cells sown in, so the Problems are part of the digest too. The
digests were recorded with sheets/ and engine/ as they were before the change (first at git
5598da5, again with main at ba69221 when main changed the DataSet, and for issue 28 when User
gained `email` and `kanaal`: the old digests again with those two fields left out) and are the
same with the faster conversion; a change in any value, message, cell or order changes them.
`python -m tests.test_conversion_golden` prints them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import random
from datetime import date, datetime
from typing import Any

import pytest

from sheets.loading.convert import load
from tests.country import country

EPOCH = date(1899, 12, 30)


@functools.cache
def _sown(rows: int, seed: int) -> dict[str, list[list[Any]]]:
    """Made once per process: generating and sowing cost as much as converting."""
    rng = random.Random(seed)
    book = {tab: [list(r) for r in rows_[:rows]] for tab, rows_ in country().items()}
    bad = ["#REF!", "", " ", "abc", -4, "12,5", "1.561", "31-2-2022", "2022-III", "7", "ja",
           "Gemeente 9999", "gemeente 0001", None, 3.5, "x", "1-7-2022", "2022-2", "3A", "#N/A"]  # fmt: skip
    for tab_rows in book.values():
        for row in tab_rows[1:]:
            if rng.random() < 0.03:
                row[rng.randrange(len(row))] = rng.choice(bad)
    book["realisatie"] += book["realisatie"][5:9]  # repeated rows: warnings and errors
    book["taakstelling"] += book["taakstelling"][3:5]
    return book


def workbook(rows: int = 2500, seed: int = 21) -> dict[str, list[list[Any]]]:
    """bench/workbook.py's country, its first `rows` rows per tab, with bad cells sown in (a
    fresh copy each time: the variants below build new rows, the converter keeps none)."""
    return {tab: [list(r) for r in tab_rows] for tab, tab_rows in _sown(rows, seed).items()}


@functools.cache
def loaded(variant: str) -> Any:
    """The DataSet of one variant, converted once per process for the tests that read it."""
    return load(VARIANTS[variant](workbook()), "golden")


def as_google(book: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """Dates as serial day numbers, as an unformatted Google read gives them."""
    return {
        tab: [[(c - EPOCH).days if isinstance(c, date) else c for c in row] for row in rows]
        for tab, rows in book.items()
    }


def as_xlsx(book: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """Dates as datetimes at midnight, as sheets.sources.local hands over a date cell."""
    return {
        tab: [[datetime(c.year, c.month, c.day) if type(c) is date else c for c in row]
              for row in rows]
        for tab, rows in book.items()
    }  # fmt: skip


def as_csv(book: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """Every cell text, dates Dutch: a CSV export."""

    def text(c: Any) -> Any:
        if isinstance(c, date):
            return f"{c.day}-{c.month}-{c.year}"
        return None if c is None else str(c)

    return {tab: [[text(c) for c in row] for row in rows] for tab, rows in book.items()}


def canonical(value: Any) -> Any:
    """The value as nested tuples of reprs, sets sorted (their order changes with the string
    hash seed of each process); every field that takes part in equality."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (f for f in dataclasses.fields(value) if f.compare)
        return (
            type(value).__name__,
            *((f.name, canonical(getattr(value, f.name))) for f in fields),
        )
    if isinstance(value, dict):
        return tuple((canonical(k), canonical(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return tuple(sorted((canonical(v) for v in value), key=repr))
    if isinstance(value, list | tuple):
        return tuple(canonical(v) for v in value)
    text = repr(value)
    assert " object at 0x" not in text  # a repr with an address would not be stable
    return text


def digest(raw: dict[str, list[list[Any]]]) -> str:
    return digest_of(load(raw, "golden"))


def digest_of(data: Any) -> str:
    return hashlib.sha256(repr(canonical(data)).encode()).hexdigest()[:16]


GOLDEN = {
    "xlsx": "4844f983858f8da0",
    "google": "4844f983858f8da0",
    "csv": "d14385b5fee2f1c6",
}
VARIANTS = {"xlsx": as_xlsx, "google": as_google, "csv": as_csv}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_dataset_is_what_it_was(variant: str) -> None:
    assert digest_of(loaded(variant)) == GOLDEN[variant]


def test_the_sown_cells_give_problems_of_each_kind() -> None:
    """The digest covers the problem paths: the workbook must really have them."""
    data = loaded("xlsx")
    messages = " ".join(p.message for p in data.problems)
    for part in ("formulefout #REF!", "is leeg", "geen getal", "negatief", "geen geldige datum",
                 "geen periode", "onbekende gemeente", "dubbel", "staat al in"):  # fmt: skip
        assert part in messages, part


if __name__ == "__main__":
    for name, variant in VARIANTS.items():
        print(name, digest(variant(workbook())))
