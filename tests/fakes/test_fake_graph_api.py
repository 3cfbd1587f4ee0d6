"""The fake Graph types a PATCH's values as Excel types typed input, so the writers' tests see
what a real workbook would store (pitfalls.md: a fake that stores strings as given hides it)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.fakes.graph_api import Formula, shown_value, typed


@pytest.mark.parametrize(
    ("sent", "stored", "read"),
    [
        ("'s-Gravenhage", "s-Gravenhage", "s-Gravenhage"),  # the apostrophe is a prefix only
        ("''s-Gravenhage", "'s-Gravenhage", "'s-Gravenhage"),
        ("2022-07-01", date(2022, 7, 1), 44743),  # a date cell, read as its serial number
        ("2022-10-03 09:30:15", datetime(2022, 10, 3, 9, 30, 15), 44837 + 34215 / 86400),
        ("12", 12, 12),
        ("12.5", 12.5, 12.5),
        ("'12", "12", "12"),
        ("TRUE", True, True),
        ("=SUM(A1:A2)", Formula("=SUM(A1:A2)"), "#NAME?"),
        ("'=SUM(A1:A2)", "=SUM(A1:A2)", "=SUM(A1:A2)"),
        ("+1+2", Formula("+1+2"), "#NAME?"),
        ("@SUM(A1)", Formula("@SUM(A1)"), "#NAME?"),
        ("-5", -5, -5),
        ("Delft", "Delft", "Delft"),
        (3, 3, 3),
        ("", "", ""),
    ],
)
def test_typed_input_is_typed_as_excel_does(sent, stored, read) -> None:
    assert typed(sent) == stored
    assert shown_value(typed(sent)) == read
