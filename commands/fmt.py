"""Numbers, dates and percentages as a Dutch (or English) reader expects them, via Babel."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from engine.reasons import Percentage, Reason

_LOCALE = {"nl": "nl_NL", "en": "en_GB"}


class Formatter:
    def __init__(self, lang: str, translate) -> None:
        self.lang = lang
        self.locale = _LOCALE.get(lang, "nl_NL")
        self.t = translate

    def num(self, value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, date):
            return self.date(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        if isinstance(value, float) and not value.is_integer():
            return format_decimal(round(value, 2), locale=self.locale)
        return format_decimal(int(value), locale=self.locale)

    def date(self, value: date | None) -> str:
        return format_date(value, format="long", locale=self.locale) if value else "–"

    def day_month(self, value: date | None) -> str:
        """'4 juli': a date in a subject line, where the year is clear from the rest."""
        return format_date(value, format="d MMMM", locale=self.locale) if value else "–"

    def short_date(self, value: date | None) -> str:
        return format_date(value, format="d MMM", locale=self.locale) if value else "–"

    def pct(self, value: Percentage | None, with_label: bool = True) -> str:
        if value is None:
            return "–"
        text = f"{value.rounded}%"
        return f"{text} {self.t(value.of)}" if with_label else text

    def reason(self, value: Reason | str) -> str:
        return value.render(self.t, self.num) if isinstance(value, Reason) else self.t(value)
