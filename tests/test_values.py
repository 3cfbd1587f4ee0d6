"""Every Dutch notation a coordinator or a spreadsheet produces, and every bad cell's message."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from engine.periods import Period
from engine.treden import Trede
from sheets.tabs import values as v

GOOD: list[tuple[str, Any, Any]] = [
    # numbers
    ("count", "1.561", 1561),
    ("count", "1.561.000", 1561000),
    ("count", "12", 12),
    ("count", " 12 ", 12),
    ("count", "1 561", 1561),
    ("count", 12, 12),
    ("count", 12.0, 12),
    ("count", "12,0", 12),
    ("count", "0", 0),
    ("count", None, None),
    ("count", "", None),
    ("count", "   ", None),
    ("count", float("nan"), None),
    ("saldo", "-8", -8),
    ("saldo", "−21", -21),  # U+2212 minus
    ("saldo", "+195", 195),
    ("saldo", -1.0, -1),
    # shares: 86% → 0.86, and 0.7 and 70 both mean 70 %
    ("share", "86%", 0.86),
    ("share", "86 %", 0.86),
    ("share", "70", 0.7),
    ("share", 70, 0.7),
    ("share", 0.7, 0.7),
    ("share", "0,7", 0.7),
    ("share", "0.25", 0.25),
    ("share", "25%", 0.25),
    ("share", "12,5%", 0.125),
    ("share", 1, 1.0),
    ("share", "100%", 1.0),
    ("share", None, None),
    # yes / no
    ("bool", "ja", True),
    ("bool", "Ja", True),
    ("bool", "j", True),
    ("bool", "x", True),
    ("bool", "X", True),
    ("bool", "true", True),
    ("bool", "TRUE", True),
    ("bool", "1", True),
    ("bool", 1, True),
    ("bool", True, True),
    ("bool", "nee", False),
    ("bool", "n", False),
    ("bool", "false", False),
    ("bool", "0", False),
    ("bool", 0, False),
    ("bool", False, False),
    ("bool", "", None),
    # dates
    ("date", "1-7-2022", date(2022, 7, 1)),
    ("date", "01-07-2022", date(2022, 7, 1)),
    ("date", "1/7/2022", date(2022, 7, 1)),
    ("date", "1.7.2022", date(2022, 7, 1)),
    ("date", "1-7-22", date(2022, 7, 1)),
    ("date", "1 juli 2022", date(2022, 7, 1)),
    ("date", "1 Juli 2022", date(2022, 7, 1)),
    ("date", "1 jul. 2022", date(2022, 7, 1)),
    ("date", "1 jul 2022", date(2022, 7, 1)),
    ("date", "21 mrt 2022", date(2022, 3, 21)),
    ("date", "30 maart 2022", date(2022, 3, 30)),
    ("date", "woensdag 30 maart 2022", date(2022, 3, 30)),
    ("date", "4 okt. 2022", date(2022, 10, 4)),
    ("date", "2022-07-01", date(2022, 7, 1)),
    ("date", "2022-07-01 00:00:00", date(2022, 7, 1)),
    ("date", datetime(2022, 7, 1), date(2022, 7, 1)),
    ("date", date(2022, 7, 1), date(2022, 7, 1)),
    ("date", 44743, date(2022, 7, 1)),  # Google serial number (UNFORMATTED_VALUE)
    ("date", 44743.0, date(2022, 7, 1)),
    ("date", 44641, date(2022, 3, 21)),
    ("date", None, None),
    # periods
    ("period", "2022-I", Period(2022, 1)),
    ("period", "2022-II", Period(2022, 2)),
    ("period", "2022-1", Period(2022, 1)),
    ("period", "2022-2", Period(2022, 2)),
    ("period", "2022\u20102", Period(2022, 2)),  # U+2010 hyphen
    ("period", "2022 II", Period(2022, 2)),
    ("period", " 2021-ii ", Period(2021, 2)),
    ("period", datetime(2022, 1, 1), Period(2022, 1)),  # a typed 2022-1 the sheet made a date
    ("period", datetime(2022, 2, 1), Period(2022, 2)),  # a typed 2022-2
    ("period", 44593, Period(2022, 2)),  # the same as a serial number
    ("period", "", None),
    # treden: an empty cell is not on the ladder
    ("trede", "2", Trede("2")),
    ("trede", 2, Trede("2")),
    ("trede", 2.0, Trede("2")),
    ("trede", "trede 3", Trede("3")),
    ("trede", "3a", Trede("3A")),
    ("trede", "3B", Trede("3B")),
    ("trede", "signaleren", Trede("1")),
    ("trede", "Informatie opvragen en valideren", Trede("2")),
    ("trede", "", Trede("0")),
    ("trede", None, Trede("0")),
    # text, names, ids
    ("text", "  Den   Haag ", "Den Haag"),
    ("text", 12.0, "12"),
    ("text", "", None),
    ("names", "Den Haag, Gravenhage 's-, 's Gravenhage",
     ("Den Haag", "Gravenhage 's-", "'s Gravenhage")),
    ("names", "Alphen a/d Rijn; Alphen", ("Alphen a/d Rijn", "Alphen")),
    ("names", None, ()),
    ("telegram_id", "123456789", 123456789),
    ("telegram_id", 123456789.0, 123456789),
    ("telegram_id", "123.456.789", 123456789),
    ("telegram_id", "-100123", -100123),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "raw", "expected"), GOOD)
def test_reads_dutch_notation(kind: str, raw: Any, expected: Any) -> None:
    result = v.PARSERS[kind](raw)
    assert result == expected
    assert type(result) is type(expected)


BAD: list[tuple[str, Any, str]] = [
    ("count", "twaalf", '"twaalf" is geen getal'),
    ("count", "12a", '"12a" is geen getal'),
    ("count", "1,2,3", '"1,2,3" is geen getal'),
    ("count", True, '"True" is geen getal'),
    ("count", "12,5", '"12,5" is geen geheel getal'),
    ("count", 12.5, '"12,5" is geen geheel getal'),
    ("count", "-3", '"-3" is negatief; een aantal kan niet kleiner dan 0 zijn'),
    ("count", -3, '"-3" is negatief; een aantal kan niet kleiner dan 0 zijn'),
    ("saldo", "veel", '"veel" is geen getal'),
    ("saldo", "2,5", '"2,5" is geen geheel getal'),
    ("share", "veel", '"veel" is geen percentage'),
    ("share", "150%", '"150%" ligt niet tussen 0 en 100 %'),
    ("share", 250, '"250" ligt niet tussen 0 en 100 %'),
    ("share", "-5%", '"-5%" ligt niet tussen 0 en 100 %'),
    ("bool", "misschien", '"misschien" is geen ja of nee'),
    ("bool", "2", '"2" is geen ja of nee'),
    ("date", "morgen", '"morgen" is geen datum (verwacht bijvoorbeeld 1-7-2022 of 2022-07-01)'),
    ("date", "31-2-2022", '"31-2-2022" is geen geldige datum'),
    ("date", "1 juli", '"1 juli" is geen datum (verwacht bijvoorbeeld 1-7-2022 of 2022-07-01)'),
    ("date", "1 julius 2022",
     '"1 julius 2022" is geen datum (verwacht bijvoorbeeld 1-7-2022 of 2022-07-01)'),
    ("date", "2022-13-01", '"2022-13-01" is geen geldige datum'),
    ("date", 12, '"12" is geen datum (verwacht bijvoorbeeld 1-7-2022)'),
    ("period", "2022-III", '"2022-III" is geen periode (verwacht bijvoorbeeld 2022-I of 2022-2)'),
    ("period", "2022", '"2022" is geen periode (verwacht bijvoorbeeld 2022-I of 2022-2)'),
    ("period", "eerste helft",
     '"eerste helft" is geen periode (verwacht bijvoorbeeld 2022-I of 2022-2)'),
    ("period", datetime(2022, 3, 5),
     '"5-3-2022" is geen periode (verwacht bijvoorbeeld 2022-I of 2022-2)'),
    ("trede", "7", '"7" is geen trede (0, 1, 2, 3, 3A, 3B, 4, 5 of 6)'),
    ("trede", "hoog", '"hoog" is geen trede (0, 1, 2, 3, 3A, 3B, 4, 5 of 6)'),
    ("telegram_id", "abc", '"abc" is geen Telegram-id (een geheel getal)'),
    ("telegram_id", "12.5", '"12.5" is geen Telegram-id (een geheel getal)'),
    ("telegram_id", 1.5, '"1,5" is geen Telegram-id (een geheel getal)'),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "raw", "message"), BAD)
def test_bad_cell_says_why_in_dutch(kind: str, raw: Any, message: str) -> None:
    with pytest.raises(v.CellError) as info:
        v.PARSERS[kind](raw)
    assert str(info.value) == message
