"""/ronde and its buttons: which word leads to preview, confirm, record, cancel or letters."""

from __future__ import annotations

from commands.context import Ctx
from commands.reply import Reply, Work
from commands.round.arguments import arguments
from commands.round.letters.chat import letters
from commands.round.preview import preview
from commands.round.record import cancelled, confirm, record_round


def ronde(ctx: Ctx, args: str) -> Reply:
    """`/ronde [datum] [provincie]`; the buttons send `vastleggen|ja|nee|brieven …`, and *Ja*
    carries `#<kenmerk>` of what the confirm showed."""
    words = args.split()
    action = words[0].lower() if words else ""
    if action in ("vastleggen", "ja", "nee", "brieven"):
        rest = words[1:]
        seen = rest.pop(0)[1:] if rest and rest[0].startswith("#") else None
        target = arguments(ctx, " ".join(rest))
        if isinstance(target, Reply):
            return target
        if action == "ja":
            return record_round(ctx, *target, seen=seen)
        return {"vastleggen": confirm, "nee": cancelled, "brieven": letters}[action](ctx, *target)
    target = arguments(ctx, args)
    if isinstance(target, Reply):
        return target
    when, provincie = target
    # The round and its table are heavy work: the bot runs them in its lane.
    return Reply(
        "",
        action=Work(
            lambda: preview(ctx, when, provincie),
            f"ronde {when.isoformat()} {provincie}",
            kind="ronde",
        ),
    )
