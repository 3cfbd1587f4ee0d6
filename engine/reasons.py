"""Reasons and percentages that can be read aloud: every number says what it was compared with.

Templates are Dutch msgids marked with `N_`; they are translated when a front end renders them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def N_(message: str) -> str:
    """Mark a msgid for extraction; translation happens at send time."""
    return message


def round_half_up(value: float) -> int:
    """Round like the letters do: 30.5 % → 31 %."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def dutch_number(value: Any) -> str:
    """Format without Babel for plain-text use: 1.561, 146,3 and 1 april 2021."""
    if isinstance(value, date):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass(frozen=True, slots=True)
class Reason:
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(
        self,
        translate: Callable[[str], str] = lambda s: s,
        number: Callable[[Any], str] = dutch_number,
    ) -> str:
        values = {k: self._value(v, translate, number) for k, v in self.params.items()}
        return translate(self.template).format(**values)

    @staticmethod
    def _value(value: Any, translate: Callable[[str], str], number: Callable[[Any], str]) -> str:
        """Nested reasons render in the same language; plain strings may be msgids too."""
        if isinstance(value, Reason):
            return value.render(translate, number)
        if isinstance(value, str):
            return translate(value) if value else value
        return number(value)

    def __str__(self) -> str:
        return self.render()


def reason(template: str, **params: Any) -> Reason:
    return Reason(template, params)


@dataclass(frozen=True, slots=True)
class Percentage:
    """A share that knows its denominator ('van de opgave', 'van het minimum')."""

    numerator: float
    denominator: float
    of: str  # msgid naming the denominator, e.g. N_("van de opgave")

    @property
    def value(self) -> float:
        return 100.0 * self.numerator / self.denominator if self.denominator else 0.0

    @property
    def rounded(self) -> int:
        return round_half_up(self.value)

    def __str__(self) -> str:
        return f"{self.rounded}% {self.of}"


def percentage(numerator: float, denominator: float, of: str) -> Percentage | None:
    return Percentage(numerator, denominator, of) if denominator else None


OF_OPGAVE = N_("van de opgave")
OF_MINIMUM = N_("van het minimum")
OF_OPGAVE_EXTRA = N_("van de opgave inclusief extra opgave")
OF_TAAKSTELLING = N_("van de taakstelling")
