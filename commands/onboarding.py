"""Onboarding by link: /start <code>, access asked with one tap, "toestaan" / "weigeren" for the
coordinators and province staff of that scope, and /link to make the link.

A link is https://t.me/<bot>?start=g_leusden (a gemeente) or ?start=r_haaglanden (a regio):
readable, stable across sheet refreshes, and within Telegram's 64 characters [A-Za-z0-9_-].
Decisions are kept with who, when and by whom (bot/access.py) and shown in /controle. The
`gebruikers` tab wins: a grant only counts for a user the tab (or TAAKBOT_ADMINS) does not list.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from commands.common import Target, button, members_of, resolve
from commands.context import Ctx
from commands.inputs import number
from commands.reply import Button, Reply
from commands.roles import COORDINATOR, MUNICIPAL, PROVINCE, ROLE_LABELS, Role, role_for
from engine.reasons import N_
from sheets.names.index import normalise

CODE_KINDS = {"g": "gemeente", "r": "regio"}
ROLE_FOR = {"gemeente": MUNICIPAL, "regio": COORDINATOR}
KIND_OF_ROLE = {MUNICIPAL: "gemeente", COORDINATOR: "regio"}
TZ = ZoneInfo("Europe/Amsterdam")
SHOWN = 25  # decisions listed in /controle, newest first
STATUS_LABELS = {"toegestaan": N_("toegestaan"), "geweigerd": N_("geweigerd"), "open": N_("open")}


# -- codes -----------------------------------------------------------------------------------
def slug(name: str) -> str:
    """ "'s-Gravenhage" → 's-gravenhage', 'Regio Utrecht (U16)' → 'regio-utrecht-u16'."""
    return re.sub(r"[^a-z0-9]+", "-", normalise(name)).strip("-")


def code_for(kind: str, name: str) -> str:
    letter = next(k for k, v in CODE_KINDS.items() if v == kind)
    return f"{letter}_{slug(name)}"[:64]


def decode(ctx: Ctx, code: str) -> tuple[str, str] | None:
    """A link's code back to (kind, canonical name), or None when no name has that code."""
    letter, _, rest = code.strip().partition("_")
    kind = CODE_KINDS.get(letter.lower())
    if kind is None or not rest:
        return None
    hits = [n for n in ctx.names.names(kind) if code_for(kind, n) == f"{letter.lower()}_{rest}"]
    return (kind, hits[0]) if len(hits) == 1 else None


def link_for(ctx: Ctx, kind: str, name: str) -> str:
    bot = ctx.front.bot_username or "taakbot"
    return f"https://t.me/{bot}?start={code_for(kind, name)}"


# -- storage ---------------------------------------------------------------------------------
def book(ctx: Ctx) -> Any:
    """The access book of the Telegram front end (None in the console)."""
    return ctx.front.access  # set by the front end beside its store


def granted_role(ctx: Ctx) -> Role | None:
    """A role from an approved request, in the user's private chat only."""
    if ctx.chat != ctx.user_id:
        return None
    access = book(ctx)
    grant = access.granted(ctx.user_id) if access is not None else None
    return Role(grant.kind, grant.scope, grant.user_name) if grant else None


def _when(ctx: Ctx, timestamp: float | None) -> str:
    if timestamp is None:
        return "–"
    moment = datetime.fromtimestamp(timestamp, TZ)
    return format_datetime(moment, "d MMMM y, HH:mm", tzinfo=TZ, locale=ctx.fmt.locale)


def yours(ctx: Ctx, request) -> bool:
    """A request (its name, id and scope) is shown only to whom its whole scope is visible:
    province staff of that province, the coordinators of that region, TAAKBOT_ADMINS."""
    if ctx.role is None:
        return False
    kind = KIND_OF_ROLE.get(request.kind, "gemeente")
    return ctx.role.covers_area(ctx.data, list(members_of(ctx, kind, request.scope)))


def _same_province(ctx: Ctx, members: tuple[str, ...]) -> bool:
    """True when the role sees some municipality of the province these members lie in."""
    records = ctx.data.records
    theirs = {records[g].municipality.provincie for g in members if g in records}
    return any(
        rec.municipality.provincie in theirs and ctx.role.covers(ctx.data, g)
        for g, rec in records.items()
    )


def _who(user_id: int | None, name: str) -> str:
    return f"{name} ({user_id})" if name else str(user_id)


# -- commands --------------------------------------------------------------------------------
def welcome(ctx: Ctx, kind: str, name: str) -> Reply:
    """/start <code> from a link (router), for someone without access yet: one button."""
    _ = ctx._
    text = "\n".join(
        [
            _(
                "<b>Welkom bij Taakbot.</b> Taakbot vertelt waar een gemeente staat met de "
                "taakstelling huisvesting vergunninghouders."
            ),
            _(
                "Deze link is voor {name}. U heeft nog geen toegang. Vraag die aan met de knop; "
                "de coördinatoren en provinciemedewerkers van {name} beslissen."
            ).format(name=f"<b>{ctx.e(name)}</b>"),
        ]
    )
    ask = Button(_("Toegang vragen"), f"k|toegang|{code_for(kind, name)}")
    return Reply(text, keyboard=[[ask]])


def toegang(ctx: Ctx, args: str) -> Reply:
    """One tap: the request goes to the coordinators and province staff of that scope."""
    _ = ctx._
    if ctx.role is not None:
        return Reply(
            _("U heeft al toegang als {role} voor {scope}. Zie /help.").format(
                role=_(ROLE_LABELS.get(ctx.role.kind, ctx.role.kind)), scope=ctx.e(ctx.role.scope)
            )
        )
    access = book(ctx)
    if access is None:
        return Reply(_("Toegang vragen kan alleen in Telegram."))
    hit = decode(ctx, args)
    if hit is None:
        return Reply(_("Deze link ken ik niet (meer). Vraag de coördinator om een nieuwe."))
    kind, name = hit
    user_name = ctx.user_name
    request, new = access.ask(ctx.user_id, user_name, ROLE_FOR[kind], name)
    approvers = approvers_for(ctx, kind, name)
    if not approvers:
        return Reply(
            _(
                "Er is nog niemand die toegang tot {name} kan geven. Geef uw Telegram-id {id} "
                "aan de coördinator van uw regio of provincie."
            ).format(name=ctx.e(name), id=f"<code>{ctx.user_id}</code>")
        )
    notify = []
    if new:
        for chat in approvers:
            notify.append((chat, request_message(ctx, request)))
    sent = ctx.ngettext(
        "Uw aanvraag voor {name} is naar {n} persoon gestuurd die toegang kan geven.",
        "Uw aanvraag voor {name} is naar {n} personen gestuurd die toegang kunnen geven.",
        len(approvers),
    ).format(name=f"<b>{ctx.e(name)}</b>", n=len(approvers))
    later = _("U krijgt hier bericht zodra er is besloten.")
    if not new:
        sent = _("Uw aanvraag voor {name} staat al open.").format(name=f"<b>{ctx.e(name)}</b>")
    return Reply(sent + " " + later, notify=notify)


def request_message(ctx: Ctx, request) -> Reply:
    """What an approver gets: who asks what, with 'toestaan' and 'weigeren'."""
    _ = ctx._
    text = _("<b>Toegangsaanvraag</b>: {who} vraagt toegang als {role} voor {scope}.").format(
        who=ctx.e(_who(request.user_id, request.user_name)),
        role=_(ROLE_LABELS.get(request.kind, request.kind)),
        scope=f"<b>{ctx.e(request.scope)}</b>",
    )
    keyboard = [
        [
            Button(_("toestaan"), f"k|toestaan|{request.id}"),
            Button(_("weigeren"), f"k|weigeren|{request.id}"),
        ]
    ]
    return Reply(text, keyboard=keyboard)


def approvers_for(ctx: Ctx, kind: str, name: str) -> list[int]:
    """Coordinators and province staff whose role covers the whole scope, and the admins."""
    members = list(members_of(ctx, kind, name))
    ids = set(ctx.front.admins)
    for user in ctx.data.users:
        if user.telegram_id is None:  # reached by e-mail only: cannot approve in a chat
            continue
        role = role_for(user.telegram_id, ctx.data)  # the access rule: no scope, no approver
        if role is None:
            continue
        if role.kind in (PROVINCE, COORDINATOR) and role.covers_area(ctx.data, members):
            ids.add(user.telegram_id)
    ids.discard(ctx.user_id)
    return sorted(ids)


def toestaan(ctx: Ctx, args: str) -> Reply:
    return _decide(ctx, args, True)


def weigeren(ctx: Ctx, args: str) -> Reply:
    return _decide(ctx, args, False)


def _decide(ctx: Ctx, args: str, granted: bool) -> Reply:
    _ = ctx._
    access = book(ctx)
    if access is None:
        return Reply(_("Toegang geven kan alleen in Telegram."))
    request_id = number(args)
    request = access.get(request_id) if request_id is not None else None
    if request is None:
        return Reply(_("Deze aanvraag ken ik niet."))
    kind = KIND_OF_ROLE.get(request.kind, "gemeente")
    target = Target(kind, request.scope, members_of(ctx, kind, request.scope))
    if not ctx.role.covers_area(ctx.data, list(target.members)):
        if not _same_province(ctx, target.members):  # another province's request: not there
            return Reply(_("Deze aanvraag ken ik niet."))
        return Reply(
            _("Over toegang tot {scope} beslist u niet; uw rol geldt voor {mine}.").format(
                scope=ctx.e(request.scope), mine=ctx.e(ctx.role.scope)
            )
        )
    if request.status != "open":
        return Reply(
            _("Hierover is al besloten: {status} door {who} op {when}.").format(
                status=_(STATUS_LABELS.get(request.status, request.status)),
                who=ctx.e(_who(request.decided_by, request.decided_by_name)),
                when=_when(ctx, request.decided_at),
            )
        )
    me = ctx.role.name or ctx.user_name
    request = access.decide(request.id, granted, ctx.user_id, me)
    who = ctx.e(_who(request.user_id, request.user_name))
    scope = f"<b>{ctx.e(request.scope)}</b>"
    if granted:
        answer = _("Toegestaan: {who} heeft nu toegang als {role} voor {scope}.").format(
            who=who, role=_(ROLE_LABELS.get(request.kind, request.kind)), scope=scope
        )
        first = "stand" if kind == "gemeente" else "regio"
        note = Reply(
            _("U heeft nu toegang tot {scope}. Tik hieronder of typ /help.").format(scope=scope),
            keyboard=[[button(ctx, first, kind, request.scope)]],
        )
    else:
        answer = _("Geweigerd: {who} krijgt geen toegang tot {scope}.").format(
            who=who, scope=scope
        )
        note = Reply(
            _(
                "Uw aanvraag voor {scope} is niet toegestaan. Neem contact op met de "
                "coördinator van uw regio."
            ).format(scope=scope)
        )
    answer += "\n" + _("Vastgelegd op {when}; zie /controle.").format(
        when=_when(ctx, request.decided_at)
    )
    return Reply(answer, notify=[(request.user_id, note)])


def link(ctx: Ctx, args: str) -> Reply:
    """/link [gemeente of regio]: the link to share with a new colleague."""
    _ = ctx._
    target = resolve(ctx, "link", args, ("gemeente", "regio"))
    if isinstance(target, Reply):
        return target
    url = link_for(ctx, target.kind, target.name)
    return Reply(
        "\n".join(
            [
                _("Link voor {name}:").format(name=f"<b>{ctx.e(target.name)}</b>"),
                ctx.e(url),
                _(
                    "Wie de link opent, vraagt met één tik toegang. U krijgt de aanvraag met de "
                    "knoppen toestaan en weigeren."
                ),
            ]
        )
    )


def control_lines(ctx: Ctx) -> list[str]:
    """For /controle: the access given or refused through links, and who decided when."""
    _ = ctx._
    access = book(ctx)
    if access is None:
        return []
    decided = [r for r in access.decided(limit=-1) if yours(ctx, r)][:SHOWN]
    pending = [r for r in access.pending() if yours(ctx, r)]
    if not decided and not pending:
        return []
    lines = ["<b>" + _("Toegang via een link") + "</b>"]
    for r in decided:
        lines.append(
            "• "
            + _("{who}: {status} als {role} voor {scope}, door {by} op {when}").format(
                who=ctx.e(_who(r.user_id, r.user_name)),
                status=_(STATUS_LABELS.get(r.status, r.status)),
                role=_(ROLE_LABELS.get(r.kind, r.kind)),
                scope=ctx.e(r.scope),
                by=ctx.e(_who(r.decided_by, r.decided_by_name)),
                when=_when(ctx, r.decided_at),
            )
        )
    if pending:
        lines.append(
            ctx.ngettext(
                "{n} aanvraag wacht op een besluit.",
                "{n} aanvragen wachten op een besluit.",
                len(pending),
            ).format(n=len(pending))
        )
    lines.append(
        _("Het tabblad gebruikers gaat voor: wie daar staat, heeft de rol van het tabblad.")
    )
    return lines
