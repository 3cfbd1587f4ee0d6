"""What a province sets for its letters, what a drafted letter is, and the one error a template
gives. Missing settings are shown in the letter as a visible placeholder, never invented."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATA = Path(__file__).parent / "data"
POLICIES = (
    "pzh-2020",
    "utrecht",
)  # a default template each (commands/round/letters/default_template)


def template_path(policy: str) -> Path:
    """The shipped default for a policy; an unknown policy gets PZH's wording."""
    return DATA / f"brief-{policy if policy in POLICIES else POLICIES[0]}.docx"


class TemplateError(ValueError):
    """A letter template that cannot be used: unknown placeholder, broken Word file or tags."""


def placeholder(what: str) -> str:
    """The visible stand-in for a fact nobody gave: '[ondertekenaar invullen]'."""
    return f"[{what} invullen]"


@dataclass(frozen=True, slots=True)
class LetterSettings:
    provincie: str = ""  # '' = the municipality's own province from the sheet
    ondertekenaar: str = ""  # name of the signatory
    functie: str = ""  # the signatory's function
    contact: str = ""  # contact block of the letterhead; lines separated by '\n'
    kenmerk: str = ""  # 'PZH-2021-{n}': {n} numbers the letters 1, 2, 3 … in round order
    digitaal_vastgesteld: bool = False  # add the note that the letter was approved digitally
    sjabloon: Path | None = None  # a docxtpl .docx; None = the project's default for the policy
    datum: date | None = None  # the letter's date; None = a visible placeholder
    tot_slot: str = ""  # the appeal under 'Tot slot'; '' = the project's default

    def kenmerk_for(self, n: int) -> str:
        if not self.kenmerk.strip():
            return placeholder("kenmerk")
        return self.kenmerk.replace("{n}", str(n))


@dataclass(frozen=True, slots=True)
class Letter:
    file_name: str
    gemeente: str
    docx: bytes
