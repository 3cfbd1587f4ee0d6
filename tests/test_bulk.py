"""sheets.tabs.bulk.build makes the same instances as __init__ does, or refuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import repeat

import pytest

from engine.model import Snapshot
from engine.periods import Period
from sheets.tabs.bulk import build


def test_the_same_snapshots_as_init_makes() -> None:
    days = [date(2022, 3, 1), date(2022, 5, 1)]
    made = build(Snapshot, 2, gemeente=repeat("Delft"), peildatum=days, period=repeat(Period(2022, 1)),
                 housed=[4, 9], contracts=[0, 1], koppelingen=[None, 3], pipeline=[0, 0],
                 source=["realisatie!C2", "realisatie!C3"])  # fmt: skip
    assert made == [
        Snapshot("Delft", days[0], Period(2022, 1), 4, 0, None, 0, "realisatie!C2"),
        Snapshot("Delft", days[1], Period(2022, 1), 9, 1, 3, 0, "realisatie!C3"),
    ]
    assert hash(made[0]) == hash(Snapshot("Delft", days[0], Period(2022, 1), 4, 0, None, 0,
                                          "realisatie!C2"))  # fmt: skip
    with pytest.raises(AttributeError):  # still frozen
        made[0].housed = 5  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Checked:
    value: int

    def __post_init__(self) -> None:
        assert self.value >= 0


@pytest.mark.parametrize(("cls", "fields"), [
    (Checked, {"value": [1]}),  # __post_init__ would be skipped
    (Snapshot, {"gemeente": ["x"]}),  # a field left out would be unset
])  # fmt: skip
def test_refused(cls: type, fields: dict) -> None:
    with pytest.raises(TypeError):
        build(cls, 1, **fields)
