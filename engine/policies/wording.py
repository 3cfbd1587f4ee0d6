"""How each kader words itself in a letter, in one registry beside the policies' codes: the
framework's title and adoption, the name of step 0, and each step of its ladder with its meaning
as the policy states it (domain.md §5). Letters and tables read it from here only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.policies.base import Policy
from engine.treden import NAMES, Trede


@dataclass(frozen=True, slots=True)
class Wording:
    framework: str  # the title a letter cites in its footnote
    adopted: str  # by whom and when, as the letters say it ('' = not in our sources)
    zero: str  # step 0 after a realised opgave
    steps: dict[str, str]  # code → what the step means, in the policy's words
    names: dict[str, str] = field(default_factory=dict)  # code → name where the policy differs


WORDING: dict[str, Wording] = {
    "pzh-2020": Wording(
        framework="Aanvullend beleidskader huisvesting vergunninghouders 2020",
        adopted="vastgesteld door Gedeputeerde Staten van Zuid-Holland op 16 juni 2020",
        zero="taakstelling gerealiseerd",
        steps={
            "0": "De gemeente heeft haar opgave gerealiseerd; er zijn geen toezichtsacties.",
            "1": "De provincie signaleert de achterstand bij de gemeente.",
            "2": "De provincie vraagt informatie op en valideert die in een ambtelijk overleg "
            "met de gemeente, het COA en de woningcorporaties.",
            "3A": "Ambtelijk worden acties en termijnen afgesproken in een plan van aanpak.",
            "3B": "Het college bevestigt het plan van aanpak; er volgt een bestuurlijk "
            "toezichtsgesprek.",
            "4": "Gedeputeerde Staten kondigen juridische interventie formeel aan; de "
            "gemeenteraad krijgt een afschrift en de aankondiging is openbaar.",
            "5": "Gedeputeerde Staten besluiten tot indeplaatsstelling, met een laatste termijn.",
            "6": "De provincie voert de taak uit in plaats van de gemeente, op haar kosten.",
        },
    ),
    "utrecht": Wording(
        framework="Stappenplan interventieladder huisvesting vergunninghouders (provincie Utrecht)",
        adopted="",
        zero="niet op de interventieladder",
        steps={
            "0": "De gemeente heeft haar taakstelling gerealiseerd; er zijn geen acties.",
            "1": "De gemeente heeft haar halfjaarlijkse taakstelling niet gehaald; bij een "
            "kleine achterstand (ten hoogste 5% of 2 personen) volgt alleen een ambtelijke brief.",
            "2": "De provincie vraagt informatie op en valideert die met de gemeente.",
            "3": "De gemeente levert binnen 4 weken een plan van aanpak, afgestemd met het COA "
            "en de woningcorporaties; bestuurlijk overleg als halverwege de periode minder dan "
            "ongeveer de helft is gerealiseerd zonder concreet zicht op realisatie.",
            "4": "Gedeputeerde Staten kondigen juridische interventie formeel aan.",
            "5": "Gedeputeerde Staten besluiten tot indeplaatsstelling, met een laatste "
            "termijn van 3 maanden.",
            "6": "De provincie voert de taak uit in plaats van de gemeente; dit volgt zonder "
            "nieuw besluit.",
        },
        names={"1": "signalering"},
    ),
}
NEUTRAL = Wording(framework="", adopted="", zero=NAMES["0"], steps={})


def wording(policy: Policy | str) -> Wording:
    code = policy if isinstance(policy, str) else policy.code
    return WORDING.get(code, NEUTRAL)


def step_name(trede: Trede, policy: Policy | str) -> str:
    """A step as this policy's letters name it ('taakstelling gerealiseerd' for PZH's 0)."""
    w = wording(policy)
    if trede.code == "0":
        return w.zero
    return w.names.get(trede.code, trede.name)


def ladder_steps(policy: Policy) -> list[tuple[str, str, str]]:
    """(code, name, meaning) for every step of the policy's ladder, in order."""
    w = wording(policy)
    return [
        (code, step_name(Trede(code), policy), w.steps.get(code, "")) for code in policy.ladder
    ]
