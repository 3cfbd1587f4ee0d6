"""Prognosis for the period end (domain.md §6): linear extrapolation is the reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.periods import Period
from engine.reasons import (
    N_,
    OF_OPGAVE,
    OF_OPGAVE_EXTRA,
    Percentage,
    Reason,
    percentage,
    reason,
    round_half_up,
)


@dataclass(frozen=True, slots=True)
class Prognosis:
    model: str  # 'lineair' or 'koppelingen'
    period: Period
    peildatum: date
    realised: int
    value: float  # unrounded: the percentages use this
    pct_opgave: Percentage | None
    pct_incl_extra: Percentage | None
    assumption: Reason

    @property
    def rounded(self) -> int:
        return round_half_up(self.value)


def linear(
    period: Period, peildatum: date, realised: int, opgave: int, extra: int = 0
) -> Prognosis | None:
    """realised × days(start → end) / days(start → peildatum); None before any day has passed."""
    elapsed = (peildatum - period.start).days
    if elapsed <= 0:
        return None
    value = realised * period.days / elapsed
    return _prognosis(
        "lineair",
        period,
        peildatum,
        realised,
        value,
        opgave,
        extra,
        reason(
            N_(
                "Lineair doorgetrokken: het tempo van {start} tot {peildatum} ({realised} in "
                "{elapsed} dagen) houdt aan tot {end} ({days} dagen)."
            ),
            start=period.start,
            peildatum=peildatum,
            realised=realised,
            elapsed=elapsed,
            end=period.first_day_after,
            days=period.days,
        ),
    )


def _prognosis(
    model: str,
    period: Period,
    peildatum: date,
    realised: int,
    value: float,
    opgave: int,
    extra: int,
    assumption: Reason,
) -> Prognosis:
    """Both percentages come from the unrounded value (domain.md §6)."""
    return Prognosis(
        model=model,
        period=period,
        peildatum=peildatum,
        realised=realised,
        value=value,
        pct_opgave=percentage(value, opgave, OF_OPGAVE),
        pct_incl_extra=percentage(value, opgave + extra, OF_OPGAVE_EXTRA) if extra else None,
        assumption=assumption,
    )


def capped_by_koppelingen(
    base: Prognosis, koppelingen: int | None, opgave: int, extra: int = 0
) -> Prognosis | None:
    """A second view beside the linear one: no more can be housed than is matched now."""
    if koppelingen is None:
        return None
    cap = base.realised + koppelingen
    value = min(base.value, float(cap))
    return _prognosis(
        "koppelingen",
        base.period,
        base.peildatum,
        base.realised,
        value,
        opgave,
        extra,
        reason(
            N_(
                "Begrensd door koppelingen: hooguit de {realised} gehuisveste plus de "
                "{koppelingen} gekoppelde vergunninghouders ({cap}); nieuwe koppelingen niet "
                "meegerekend."
            ),
            realised=base.realised,
            koppelingen=koppelingen,
            cap=cap,
        ),
    )
