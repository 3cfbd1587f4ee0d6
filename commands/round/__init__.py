"""The province's checkpoint round: preview (/ronde), record (Vastleggen, /vastleggen), letters
(Brieven) and the round's tables, for chat, console and CLI alike."""

from commands.round.arguments import round_for
from commands.round.command import ronde
from commands.round.preview import preview
from commands.round.record import report, to_record, vastleggen

__all__ = [
    "preview",
    "report",
    "ronde",
    "round_for",
    "to_record",
    "vastleggen",
]
