"""Pieces every command uses: resolving a typed name, the user's own scope, the buttons under an
answer, the data-date footer and access checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from babel.dates import format_timedelta
from babel.lists import format_list

from commands.context import Ctx
from commands.inputs import echo
from commands.reply import Button, Reply
from engine.reasons import N_

KIND_NAMES = (N_("gemeente"), N_("regio"), N_("provincie"))
CALLBACK = "k"  # callback_data 'k|<command>|<name>'; a name cut to fit ends in TRUNCATED
TRUNCATED = "…"
CALLBACK_BYTES = 64
MAX_CHOICES = 20  # a keyboard of the user's own region or province, one tap each
# What a command takes when the user types no name, most specific first per role.
_SCOPE_KINDS = {
    "gemeente": ("gemeente", "regio", "provincie"),
    "coordinator": ("regio", "gemeente", "provincie"),
    "provincie": ("provincie", "regio", "gemeente"),
}
# The buttons under an answer: (command, label msgid, kinds it takes).
ACTIONS = (
    ("stand", N_("Stand"), ("gemeente",)),
    ("regio", N_("Tabel"), ("regio",)),
    ("grafiek", N_("Grafiek"), ("gemeente", "regio")),
    ("prognose", N_("Prognose"), ("gemeente", "regio")),
    ("ladder", N_("Ladder"), ("gemeente",)),
    ("volg", N_("Volg"), ("gemeente", "regio", "provincie")),
)


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


def callback_data(command: str, kind: str, name: str) -> str:
    """'k|stand|Leusden', 'k|regio|regio Haaglanden': at most 64 bytes in UTF-8, cut at a
    character boundary (the choice is then found again by the start of its name)."""
    text = name if kind == "gemeente" else f"{kind} {name}"
    data = f"{CALLBACK}|{command}|{text}"
    if len(data.encode()) <= CALLBACK_BYTES:
        return data
    room = CALLBACK_BYTES - len(f"{CALLBACK}|{command}|{TRUNCATED}".encode())
    cut = text.encode()[:room].decode(errors="ignore")
    return f"{CALLBACK}|{command}|{cut}{TRUNCATED}"


def expand_truncated(ctx: Ctx, text: str) -> str:
    """The full name behind a cut callback name, when exactly one name starts that way."""
    if not text.endswith(TRUNCATED):
        return text
    stem = text[: -len(TRUNCATED)]
    kind, _, rest = stem.partition(" ")
    if kind not in ("regio", "provincie"):
        kind, rest = "gemeente", stem
    hits = [n for n in ctx.names.names(kind) if n.startswith(rest)]
    return (hits[0] if kind == "gemeente" else f"{kind} {hits[0]}") if len(hits) == 1 else stem


def button(ctx: Ctx, command: str, kind: str, name: str, label: str | None = None) -> Button:
    return Button(label or name, callback_data(command, kind, name))


def _allowed(ctx: Ctx, target: Target) -> bool:
    return ctx.role is not None and ctx.role.covers_area(ctx.data, list(target.members))


def _target(ctx: Ctx, kind: str, name: str) -> Target:
    """The resolved target; the router puts the buttons for it under the answer."""
    target = Target(kind, name, members_of(ctx, kind, name))
    ctx.target = target
    return target


def may_see(ctx: Ctx, kind: str, name: str) -> bool:
    """The access rule for a gemeente, regio or provincie named by kind and name."""
    return _allowed(ctx, Target(kind, name, members_of(ctx, kind, name)))


def _denied(ctx: Ctx, target: Target) -> Reply:
    return Reply(
        ctx._("U heeft geen toegang tot {name}; uw rol geldt voor {scope}.").format(
            name=ctx.e(target.name), scope=ctx.e(ctx.role.scope)
        )
    )


def wanted_text(ctx: Ctx, kinds: tuple[str, ...]) -> str:
    """'gemeente of regio'."""
    return format_list([ctx._(k) for k in kinds], style="or", locale=ctx.fmt.locale)


def own_scope(ctx: Ctx) -> tuple[str, str] | None:
    """The user's own gemeente, regio or provincie as (kind, canonical name); None for '*'."""
    role = ctx.role
    if role is None or role.scope in ("", "*"):
        return None
    for kind in _SCOPE_KINDS.get(role.kind, ("gemeente", "regio", "provincie")):
        if (hit := ctx.names.lookup(role.scope, (kind,))) is not None:
            return hit
    return None


def resolve(ctx: Ctx, command: str, text: str, kinds: tuple[str, ...]) -> Target | Reply:
    """A typed name to a target, or a reply asking the user to choose or retype. Only an exact
    name or alias answers; anything else offers buttons, never another municipality's figures."""
    _ = ctx._
    text = text.strip()
    if not text:
        return default_target(ctx, command, kinds)
    res = ctx.names.resolve(text, kinds)
    if res.found and res.name:
        target = Target(res.kind, res.name, members_of(ctx, res.kind, res.name))
        return _target(ctx, res.kind, res.name) if _allowed(ctx, target) else _denied(ctx, target)
    if res.other is not None:
        return _other_kind(ctx, command, kinds, *res.other)
    keyboard = [
        [button(ctx, command, kind, name, _label(ctx, kind, name, kinds))]
        for name, kind in zip(res.candidates, res.candidate_kinds, strict=True)
        if may_see(ctx, kind, name)  # the access rule holds for buttons too
    ]
    if len(keyboard) > 1:
        lead = _("Welke bedoelt u met „{text}”? Kies:").format(text=echo(text))
    elif keyboard:
        lead = _("„{text}” staat niet in de sheet. Bedoelt u deze?").format(text=echo(text))
    else:
        lead = _(
            "„{text}” staat niet in de sheet als {wanted}. Controleer de spelling; "
            "/help geeft voorbeelden."
        ).format(text=echo(text), wanted=wanted_text(ctx, kinds))
    return Reply(lead, keyboard=keyboard)


def _label(ctx: Ctx, kind: str, name: str, kinds: tuple[str, ...]) -> str:
    """A candidate's button: its name, and its kind where the command takes several."""
    return name if len(kinds) == 1 or kind == "gemeente" else f"{name} ({ctx._(kind)})"


def _other_kind(ctx: Ctx, command: str, kinds: tuple[str, ...], kind: str, name: str) -> Reply:
    """'/regio Leusden': say what Leusden is and offer what fits (its region, its standing)."""
    _ = ctx._
    text = _("„{name}” is een {kind}; /{command} is voor een {wanted}.").format(
        name=ctx.e(name), kind=_(kind), command=command, wanted=wanted_text(ctx, kinds)
    )
    keyboard: list[list[Button]] = []
    if kind == "gemeente" and name in ctx.data.records:
        m = ctx.data.records[name].municipality
        for area_kind, area in (("regio", m.regio), ("provincie", m.provincie)):
            if area and area_kind in kinds and may_see(ctx, area_kind, area):
                keyboard.append([button(ctx, command, area_kind, area)])
        if may_see(ctx, "gemeente", name):
            keyboard.append(
                [button(ctx, "stand", "gemeente", name, _("Stand {name}").format(name=name))]
            )
    elif kind == "regio" and may_see(ctx, kind, name):
        keyboard.append([button(ctx, "regio", "regio", name, _("Tabel {name}").format(name=name))])
    elif kind == "provincie" and may_see(ctx, kind, name):
        keyboard.append([button(ctx, "provincie", "provincie", name)])
    return Reply(text, keyboard=keyboard)


def default_target(ctx: Ctx, command: str, kinds: tuple[str, ...]) -> Target | Reply:
    """No name typed: the user's own scope, or one tap on a name within it."""
    _ = ctx._
    own = own_scope(ctx)
    if own is not None:
        kind, name = own
        if kind in kinds:
            return _target(ctx, kind, name)
        if kind == "gemeente" and name in ctx.data.records:  # e.g. /regio for a municipality
            m = ctx.data.records[name].municipality
            for area_kind, area in (("regio", m.regio), ("provincie", m.provincie)):
                if area and area_kind in kinds:
                    target = Target(area_kind, area, members_of(ctx, area_kind, area))
                    return (
                        _target(ctx, area_kind, area)
                        if _allowed(ctx, target)
                        else _denied(ctx, target)
                    )
    choices = _choices(ctx, own, kinds)
    if len(choices) > MAX_CHOICES and len(kinds) > 1:  # e.g. /grafiek for province staff
        choices = _choices(ctx, own, kinds[1:]) or choices
    wanted = wanted_text(ctx, kinds)
    if choices and len(choices) <= MAX_CHOICES:
        wanted = wanted_text(ctx, (choices[0][0],))
        buttons = [button(ctx, command, k, n) for k, n in choices]
        per_row = 1 if len(buttons) <= 6 else 2
        keyboard = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
        return Reply(_("Welke {wanted}? Kies:").format(wanted=wanted), keyboard=keyboard)
    example = choices[0][1] if choices else ""
    return Reply(
        _("Welke {wanted}? Bijvoorbeeld: /{command} {example}").format(
            wanted=wanted, command=command, example=ctx.e(example)
        )
    )


def _choices(
    ctx: Ctx, own: tuple[str, str] | None, kinds: tuple[str, ...]
) -> list[tuple[str, str]]:
    """Names of the first wanted kind within the user's scope (everything for '*')."""
    kind = kinds[0]
    if kind == "gemeente":
        names = sorted(g for g in ctx.data.records if ctx.role and ctx.role.covers(ctx.data, g))
    else:
        table = ctx.data.regions() if kind == "regio" else ctx.data.provinces()
        names = [
            n for n, members in table.items() if _allowed(ctx, Target(kind, n, tuple(members)))
        ]
    if own is not None:
        mine = set(members_of(ctx, *own))
        names = [n for n in names if set(members_of(ctx, kind, n)) & mine]
    return [(kind, n) for n in names]


def actions(ctx: Ctx, target: Target, current: str) -> list[list[Button]]:
    """One row of buttons under an answer: Grafiek · Prognose · Ladder · Volg (what fits)."""
    row = []
    for command, label, kinds in ACTIONS:
        if command == current or target.kind not in kinds:
            continue
        if command == "volg" and ctx.front.subscriptions is None:
            continue
        row.append(button(ctx, command, target.kind, target.name, ctx._(label)))
    return [row] if row else []


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
    """'net', '12 minuten', '3 uur', '4 jaar' as Babel says it (never '0 minuten')."""
    if seconds < 60:
        return ctx._("minder dan een minuut")
    return format_timedelta(timedelta(seconds=seconds), threshold=1.5, locale=ctx.fmt.locale)
