"""Pieces every command uses: resolving a typed name, the data-date footer, access checks."""

from __future__ import annotations

from dataclasses import dataclass

from commands.context import Ctx
from commands.reply import Button, Reply
from engine.reasons import N_


@dataclass(frozen=True, slots=True)
class Target:
    kind: str  # 'gemeente', 'regio', 'provincie'
    name: str
    members: tuple[str, ...]


def members_of(ctx: Ctx, kind: str, name: str) -> tuple[str, ...]:
    if kind == "gemeente":
        return (name,)
    table = ctx.data.regions() if kind == "regio" else ctx.data.provinces()
    return tuple(table.get(name, ()))


def resolve(ctx: Ctx, command: str, text: str, kinds: tuple[str, ...]) -> Target | Reply:
    """A typed name to a target, or a reply asking the user to choose or retype."""
    _ = ctx._
    text = text.strip()
    if not text:
        return Reply(
            _("Welke gemeente of regio? Bijvoorbeeld: /{command} Leusden").format(command=command)
        )
    other = ctx.names.lookup(text)
    if other is not None and other[0] not in kinds and ctx.names.lookup(text, kinds) is None:
        return Reply(  # e.g. a region typed after /stand
            _("„{name}” is een {kind}; /{command} werkt voor een {wanted}.").format(
                name=ctx.e(other[1]), kind=_(other[0]), command=command, wanted=_(kinds[0])
            )
        )
    res = ctx.names.resolve(text, kinds)
    if res.found and res.name:
        target = Target(res.kind, res.name, members_of(ctx, res.kind, res.name))
        if not ctx.role.covers_area(ctx.data, list(target.members)):
            return Reply(
                _("U heeft geen toegang tot {name}; uw rol geldt voor {scope}.").format(
                    name=ctx.e(target.name), scope=ctx.e(ctx.role.scope)
                )
            )
        return target
    keyboard = [[Button(c, f"k|{command}|{c}"[:64])] for c in res.candidates[:6]]
    if res.ambiguous:
        lead = _("„{text}” kan meerdere namen zijn. Kies:").format(text=ctx.e(text))
    elif keyboard:
        lead = _("„{text}” ken ik niet. Bedoelt u:").format(text=ctx.e(text))
    else:
        lead = _("„{text}” ken ik niet als gemeente, regio of provincie.").format(text=ctx.e(text))
    return Reply(lead, keyboard=keyboard)


def footer(ctx: Ctx, peildatum=None) -> str:
    """Every answer says the date of its figures, and how old they are when stale."""
    _ = ctx._
    lines = []
    if peildatum:
        lines.append(_("Cijfers per {date}.").format(date=ctx.fmt.date(peildatum)))
    if ctx.stale_seconds is not None:
        lines.append(
            _("Let op: de sheet kon niet worden ververst; deze gegevens zijn {age} oud.").format(
                age=human_age(ctx, ctx.stale_seconds)
            )
        )
    if ctx.data.sample:
        lines.append(_("Voorbeeldgegevens uit openbare brieven, geen actuele stand."))
    return "<i>" + " ".join(lines) + "</i>" if lines else ""


def human_age(ctx: Ctx, seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return ctx.ngettext("{n} minuut", "{n} minuten", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return ctx.ngettext("{n} uur", "{n} uur", hours).format(n=hours)
    return ctx.ngettext("{n} dag", "{n} dagen", hours // 24).format(n=hours // 24)


KIND_NAMES = (N_("gemeente"), N_("regio"), N_("provincie"))
