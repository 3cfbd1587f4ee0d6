"""/herinnering where nothing is sent (the console): the text each kind of recipient would get,
and how many chats of that kind the bot's state database holds, so a staffer can try the text
before sending it from the bot.

A chat following the province gets every concerned municipality, one following a region or a
municipality only those it follows: one example each, for the first concerned municipality's
region and the municipality itself. The counts are the chats a confirmed reminder would reach
(each subscriber's role applied, as the bot does); zero is said as zero.
"""

from __future__ import annotations

from commands.context import Ctx
from commands.records import Subscription
from commands.reminders import Planner
from commands.reply import Reply

RECIPIENT_KINDS = ("provincie", "regio", "gemeente")


def preview_by_kind(
    ctx: Ctx,
    planner: Planner,
    group: object,
    label: str,
    subs: list[Subscription],
) -> Reply:
    """The texts and counts per recipient kind for `group` (Planner.manual_group)."""
    _ = ctx._
    first = ctx.data.records[sorted(group.names)[0]].municipality
    examples = {"provincie": first.provincie, "regio": first.regio, "gemeente": first.name}
    unfiltered = Planner(ctx.data, ctx.today, ctx.stale_seconds)  # what the kind may see
    lines = [
        _(
            "<b>Voorbeeld</b> van deze herinnering voor {name}, per soort ontvanger. Versturen "
            "doet alleen de bot in Telegram; hier gaat niets weg."
        ).format(name=ctx.e(label))
    ]
    for kind in RECIPIENT_KINDS:
        reached = planner.manual_recipients(group, [s for s in subs if s.kind == kind])
        example = Subscription(0, kind, examples[kind], ctx.user_id, ctx.lang)
        texts = unfiltered.manual_recipients(group, [example])
        if not texts:
            continue
        count = ctx.ngettext(
            "{n} gesprek in de database van de bot",
            "{n} gesprekken in de database van de bot",
            len(reached),
        ).format(n=len(reached))
        heading = {
            "provincie": _("<b>Wie een provincie volgt</b> ({count}), bijvoorbeeld {scope}:"),
            "regio": _("<b>Wie een regio volgt</b> ({count}), bijvoorbeeld {scope}:"),
            "gemeente": _("<b>Wie een gemeente volgt</b> ({count}), bijvoorbeeld {scope}:"),
        }[kind]
        lines += ["", heading.format(count=count, scope=ctx.e(examples[kind])), texts[0][1]]
    return Reply("\n".join(lines))
