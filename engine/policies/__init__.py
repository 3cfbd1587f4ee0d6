"""One policy object per province; look them up by code."""

from __future__ import annotations

from engine.policies.base import PeriodRule, Policy
from engine.policies.pzh_2020 import PZH_2020
from engine.policies.utrecht import UTRECHT

POLICIES: dict[str, Policy] = {p.code: p for p in (PZH_2020, UTRECHT)}

# Which policy a province uses when its `beleid` tab names none.
DEFAULT_FOR_PROVINCE: dict[str, str] = {"zuid-holland": "pzh-2020", "utrecht": "utrecht"}


class UnknownPolicy(KeyError):
    def __str__(self) -> str:
        return f"onbekend kader {self.args[0]!r}; bekend zijn: {', '.join(sorted(POLICIES))}"


def get_policy(code: str) -> Policy:
    try:
        return POLICIES[code.strip().lower()]
    except KeyError:
        raise UnknownPolicy(code) from None


def policy_for_province(provincie: str) -> Policy:
    return get_policy(DEFAULT_FOR_PROVINCE.get(provincie.strip().lower(), "pzh-2020"))


__all__ = [
    "POLICIES",
    "PeriodRule",
    "Policy",
    "UnknownPolicy",
    "get_policy",
    "policy_for_province",
]
