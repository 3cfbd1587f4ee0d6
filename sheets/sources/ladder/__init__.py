"""The round's one write: ladder decisions into the source's `ladder` tab (base: the row model
and `sort_out`; one module per format; registry picks one by the source's kind)."""

from sheets.sources.ladder.base import (
    HEADER,
    LadderRow,
    NoWriteAccess,
    Reading,
    UncertainWrite,
    WriteError,
    Written,
)
from sheets.sources.ladder.recorder import Recorder
from sheets.sources.ladder.registry import append

__all__ = [
    "HEADER",
    "LadderRow",
    "NoWriteAccess",
    "Reading",
    "Recorder",
    "UncertainWrite",
    "WriteError",
    "Written",
    "append",
]
