"""Half-year periods (`2022-I`, `2022-II`) and the dates that hang off them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ROMAN = {"1": 1, "i": 1, "2": 2, "ii": 2}
_PATTERN = re.compile(
    r"^\s*(\d{4})\s*[-\u2010\u2011\u2012\u2013\u2014\u2212/ ]?\s*(ii|i|1|2)\s*$", re.I
)


class PeriodError(ValueError):
    """A text that is not a half-year period."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    year: int
    half: int  # 1 = January–June, 2 = July–December

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """Read `2022-I`, `2022-1`, `2022‐2` (Unicode hyphen), `2022 II`."""
        if isinstance(text, Period):
            return text
        match = _PATTERN.match(str(text))
        if not match:
            raise PeriodError(f"{text!r} is geen periode (verwacht bijvoorbeeld 2022-I of 2022-2)")
        return cls(int(match.group(1)), _ROMAN[match.group(2).lower()])

    @classmethod
    def containing(cls, day: date) -> Period:
        """The period whose days include `day`."""
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def of_peildatum(cls, day: date) -> Period:
        """The period a 'stand per <day>' figure belongs to.

        Letters report figures "per 1 juli": housed before that day. So 1 July closes the first
        half-year, and 1 January closes the previous year's second half.
        """
        if (day.month, day.day) in ((1, 1), (7, 1)):
            return cls.containing(day).previous
        return cls.containing(day)

    @property
    def label(self) -> str:
        return f"{self.year}-{'I' * self.half}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def first_day_after(self) -> date:
        """1 July or 1 January: the end-of-period assessment date, and the day a figure "per"
        the period end is dated (the rulebook calls it the period end, §6)."""
        return self.next.start

    @property
    def midpoint(self) -> date:
        """The mid-period check date: 1 April or 1 October."""
        return date(self.year, 4 if self.half == 1 else 10, 1)

    @property
    def next(self) -> Period:
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

    @property
    def previous(self) -> Period:
        return Period(self.year - 1, 2) if self.half == 1 else Period(self.year, 1)

    @property
    def days(self) -> int:
        return (self.first_day_after - self.start).days

    def covers_peildatum(self, day: date) -> bool:
        """True when a figure 'per <day>' can belong to this period (start < day <= end)."""
        return self.start < day <= self.first_day_after or day == self.start


def checkpoint_kind(day: date) -> str | None:
    """'tussentijds' on 1 April / 1 October, 'eindbeoordeling' on 1 January / 1 July."""
    if day.day != 1:
        return None
    return {1: "eindbeoordeling", 7: "eindbeoordeling", 4: "tussentijds", 10: "tussentijds"}.get(
        day.month
    )


def checkpoint_period(day: date) -> Period:
    """The period a checkpoint judges: 1 Apr/1 Oct its own, 1 Jan/1 Jul the one it closes."""
    if checkpoint_kind(day) == "tussentijds":
        return Period.containing(day)
    return Period.of_peildatum(day)
