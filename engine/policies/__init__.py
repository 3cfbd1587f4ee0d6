"""One policy object per province; look them up by code or by the provinces they declare."""

from __future__ import annotations

from engine.policies.base import PeriodRule, Policy
from engine.policies.pzh_2020 import PZH_2020
from engine.policies.utrecht import UTRECHT

POLICIES: dict[str, Policy] = {p.code: p for p in (PZH_2020, UTRECHT)}

# The stand-in for a province without a kader: nothing can be assessed, and the data check says so.
NO_POLICY = Policy(code="", name="geen kader", known=False)


class UnknownPolicy(KeyError):
    def __str__(self) -> str:
        return f"onbekend kader {self.args[0]!r}; bekend zijn: {known_kaders()}"


def known_kaders() -> str:
    """'pzh-2020 (Zuid-Holland), utrecht (Utrecht)': for messages that ask for a kader."""
    return ", ".join(
        f"{code} ({', '.join(p.provinces)})" if p.provinces else code
        for code, p in sorted(POLICIES.items())
    )


def get_policy(code: str) -> Policy:
    try:
        return POLICIES[code.strip().lower()]
    except KeyError:
        raise UnknownPolicy(code) from None


def policy_for_province(provincie: str) -> Policy:
    """The kader a province declares itself under; NO_POLICY when none does (never PZH's)."""
    wanted = provincie.strip().lower()
    for policy in POLICIES.values():
        if any(p.lower() == wanted for p in policy.provinces):
            return policy
    return NO_POLICY


__all__ = [
    "NO_POLICY",
    "POLICIES",
    "PeriodRule",
    "Policy",
    "UnknownPolicy",
    "get_policy",
    "known_kaders",
    "policy_for_province",
]
