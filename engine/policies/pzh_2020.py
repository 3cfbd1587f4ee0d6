"""Zuid-Holland: aanvullend beleidskader huisvesting vergunninghouders 2020, with its coulance."""

from __future__ import annotations

from datetime import date

from engine.periods import Period
from engine.policies.base import PeriodRule, Policy

_CORONA = PeriodRule(
    # letter 1 Jan 2021: "ten minste 70 procent van uw opgave ... om niet te stijgen"
    drempel=0.70,
    mid_factor=0.70,  # letter 1 Apr 2021: "ten minste 70 procent van de minimaal ... te huisvesten"
    citation="coronacoulance: 70% van de opgave (eind) en 70% van het minimum (tussentijds)",
)

PZH_2020 = Policy(
    code="pzh-2020",
    name="Zuid-Holland, beleidskader 2020",
    provinces=("Zuid-Holland",),
    rules={
        Period(2020, 2): _CORONA,
        Period(2021, 1): _CORONA,
        # LRT advice of 19 Nov 2021 (letter 1 Jan 2022): taakstelling + 25 % of the backlog.
        Period(2021, 2): PeriodRule(
            achterstand_aandeel=0.25,
            omkoppelingen_tellen=False,
            citation="LRT-advies 19 november 2021: taakstelling plus 25% van de achterstand; "
            "omkoppelingen tellen niet mee",
        ),
    },
    # Letter 1 Jan 2022: "omkoppelingen niet mee te laten tellen ... maakt gebruik van deze
    # coulance": outside that coulance they weigh against the municipality.
    omkoppelingen_weigh=True,
    # Adopted by GS on 16 June 2020 (letters 2021–2022); public registers list it as valid until
    # April 2024 (no day given: from 1 April 2024 a date is outside what we know).
    known_from=date(2020, 6, 16),
    known_until=date(2024, 4, 1),
)
