"""Steps of the interventieladder and their Dutch names."""

from __future__ import annotations

from dataclasses import dataclass

from engine.reasons import N_

# PZH beleidskader 2020; 3A/3B since July 2021 (letter of 1 July 2021), 'trede 3' where unsplit.
NAMES: dict[str, str] = {
    # Not on the ladder: after a realised taakstelling (PZH) or assessed without a step (Utrecht's
    # "trede " without a number); "taakstelling gerealiseerd" is said by the assessment itself.
    "0": N_("niet op de ladder"),
    "1": N_("signaleren"),
    "2": N_("informatie opvragen en valideren"),
    "3": N_("afspraken maken over acties en termijnen (actief toezicht)"),
    "3A": N_("afspraken maken over acties en termijnen, ambtelijk"),
    "3B": N_("afspraken maken over acties en termijnen, bestuurlijk"),
    "4": N_("vooraankondiging juridische interventie"),
    "5": N_("besluit tot indeplaatsstelling"),
    "6": N_("feitelijke indeplaatsstelling"),
}
_RANK = {"0": 0, "1": 1, "2": 2, "3": 3, "3A": 3, "3B": 3.5, "4": 4, "5": 5, "6": 6}
_SYNONYMS = {
    "": "0",
    "-": "0",
    "geen": "0",
    "taakstelling gerealiseerd": "0",
    "niet op de ladder": "0",
    "gerealiseerd": "0",
    "signaleren": "1",
    "informatie opvragen en valideren": "2",
    "informatie opvragen": "2",
    "informatie ophalen en valideren": "2",
    "afspraken maken": "3",
    "actief toezicht": "3",
}


class TredeError(ValueError):
    """A text that is not a step of the ladder."""


@dataclass(frozen=True, slots=True)
class Trede:
    code: str  # "0", "1", "2", "3", "3A", "3B", "4", "5", "6"

    @classmethod
    def parse(cls, text: object) -> Trede:
        """Read `2`, `trede 2`, `3a`, `signaleren`; blank means not on the ladder (0)."""
        if isinstance(text, Trede):
            return text
        if isinstance(text, float) and text.is_integer():
            text = int(text)
        raw = str(text if text is not None else "").strip().lower()
        raw = raw.removeprefix("trede").strip()
        code = _SYNONYMS.get(raw, raw.upper())
        if code not in NAMES:
            raise TredeError(f"{text!r} is geen trede (0, 1, 2, 3, 3A, 3B, 4, 5 of 6)")
        return cls(code)

    @property
    def name(self) -> str:
        return NAMES[self.code]

    @property
    def rank(self) -> float:
        return _RANK[self.code]

    def __str__(self) -> str:
        return self.code

    def __lt__(self, other: Trede) -> bool:
        return self.rank < other.rank

    def __le__(self, other: Trede) -> bool:
        return self.rank <= other.rank


T0 = Trede("0")
T1 = Trede("1")
T2 = Trede("2")
