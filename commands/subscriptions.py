"""/volg, /ontvolg, /mijn and /herinnering: who gets pushed what, and manual reminders.

The store and the schedule come in through `ctx.front` (the Telegram front end fills it);
the console has neither and says so. Sending is never done here: a confirmed manual reminder
returns a `BroadcastRequest` as the reply's action, which the bot carries out after replying.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from babel.dates import get_day_names
from babel.lists import format_list

from commands.common import Target, resolve
from commands.context import Ctx
from commands.inputs import echo, number
from commands.ports import Broadcasts, SendLedger, Subscriptions
from commands.records import Broadcast
from commands.reminder_preview import preview_by_kind
from commands.reminders import SOORTEN, Planner
from commands.reply import Button, Reply
from commands.roles import role_with_grants
from commands.uncertain import resend, sending_again

KINDS = ("gemeente", "regio", "provincie")
ALL_WORDS = ("alles", "alle", "all", "everything")
_CONFIRM = re.compile(r"^(ok|nee)\s+([0-9]+)$", re.I)  # bounded by commands.inputs.number
_RESEND = re.compile(
    r"^opnieuw\s+([0-9]+)$", re.I
)  # the uncertain sends of a broadcast, on purpose
_RESEND_AUTOMATIC = re.compile(r"^opnieuw\s+onzeker$", re.I)  # scheduled ones (commands.uncertain)


@dataclass(frozen=True, slots=True)
class BroadcastRequest:
    """Reply.action: send the confirmed manual reminder with this id, then report back."""

    broadcast_id: int


def _store(ctx: Ctx) -> Subscriptions | None:
    return ctx.front.subscriptions


def _chat(ctx: Ctx) -> int:
    return ctx.chat


def _no_store(ctx: Ctx) -> Reply:
    return Reply(ctx._("Volgen en herinneringen werken alleen in Telegram."))


def _not_group_admin(ctx: Ctx) -> Reply | None:
    """In a group only its admins change what the group follows (the front end asks Telegram)."""
    if _chat(ctx) < 0 and not ctx.chat_admin:
        return Reply(ctx._("Alleen beheerders van deze groep kunnen wijzigen wat de groep volgt."))
    return None


def _role_of(ctx: Ctx):
    """A subscriber's current role: the sheet, TAAKBOT_ADMINS, or access given through a link."""
    admins, access = ctx.front.admins, ctx.front.access
    return lambda user_id: role_with_grants(user_id, ctx.data, admins, access)


def schedule_text(ctx: Ctx) -> str:
    """When pushes come, from the bot's settings (TAAKBOT_WEEKLY, TAAKBOT_REMINDER_DAYS)."""
    _ = ctx._
    weekday, at = ctx.front.weekly
    leads = ctx.front.reminder_days
    lines = []
    if at is not None:
        day = get_day_names("wide", locale=ctx.fmt.locale)[weekday]
        lines.append(
            _("Weekoverzicht: elke {day} om {time}.").format(day=day, time=at.strftime("%H:%M"))
        )
    if leads:
        days = format_list([str(n) for n in leads], locale=ctx.fmt.locale)
        lines.append(
            ctx.ngettext(
                "Herinneringen: {days} dag vóór elke toetsdatum en deadline: huurcontracten, "
                "bekendmaking van de taakstelling en termijnen.",
                "Herinneringen: {days} dagen vóór elke toetsdatum en deadline: huurcontracten, "
                "bekendmaking van de taakstelling en termijnen.",
                max(leads),
            ).format(days=days)
        )
    return "\n".join(lines)


def volg(ctx: Ctx, args: str) -> Reply:
    store = _store(ctx)
    if store is None:
        return _no_store(ctx)
    target = resolve(ctx, "volg", args, KINDS)
    if isinstance(target, Reply):
        return target
    if refused := _not_group_admin(ctx):
        return refused
    new = store.subscribe(_chat(ctx), target.kind, target.name, ctx.user_id, ctx.lang)
    _ = ctx._
    head = _("U volgt nu {name} ({kind}).") if new else _("U volgde {name} ({kind}) al.")
    return Reply(
        head.format(name=f"<b>{ctx.e(target.name)}</b>", kind=_(target.kind))
        + "\n"
        + schedule_text(ctx)
    )


def ontvolg(ctx: Ctx, args: str) -> Reply:
    store = _store(ctx)
    if store is None:
        return _no_store(ctx)
    _, chat, text = ctx._, _chat(ctx), args.strip()
    subs = store.active(chat)
    if not subs:
        return Reply(_("U volgt niets."))
    if refused := _not_group_admin(ctx):
        return refused
    if not text:
        keyboard = [[Button(s.scope, f"k|ontvolg|{s.scope}"[:64])] for s in subs]
        keyboard.append([Button(_("Alles"), "k|ontvolg|alles")])
        return Reply(_("Wat wilt u niet meer volgen?"), keyboard=keyboard)
    if text.casefold() in ALL_WORDS:
        store.unsubscribe(chat)
        return Reply(_("U volgt niets meer; er komen geen berichten meer in dit gesprek."))
    hits = [s for s in subs if s.scope.casefold() == text.casefold()]
    if not hits:
        res = ctx.names.resolve(text)
        hits = [s for s in subs if (s.kind, s.scope) == (res.kind, res.name)]
    if not hits:
        return Reply(_("U volgt „{text}” niet. Zie /mijn.").format(text=echo(text)))
    for s in hits:
        store.unsubscribe(chat, s.kind, s.scope)
    names = ", ".join(ctx.e(s.scope) for s in hits)
    return Reply(_("U volgt {name} niet meer.").format(name=f"<b>{names}</b>"))


def mijn(ctx: Ctx, args: str) -> Reply:
    store = _store(ctx)
    if store is None:
        return _no_store(ctx)
    _ = ctx._
    subs = store.active(_chat(ctx))
    if not subs:
        return Reply(
            _("Dit gesprek volgt nog niets. Gebruik /volg met een gemeente, regio of provincie.")
        )
    lines = [_("<b>Dit gesprek volgt:</b>")]
    lines += [f"• {ctx.e(s.scope)} ({_(s.kind)})" for s in subs]
    return Reply(
        "\n".join(lines)
        + "\n"
        + schedule_text(ctx)
        + "\n"
        + _("Stoppen: /ontvolg of /ontvolg alles.")
    )


def herinnering(ctx: Ctx, args: str) -> Reply:
    """Preview a manual reminder with its number of recipients; nothing is sent yet."""
    front = ctx.front
    store, broadcasts, ledger = front.subscriptions, front.broadcasts, front.ledger
    if store is None or broadcasts is None or ledger is None:
        return _no_store(ctx)
    _ = ctx._
    if match := _CONFIRM.match(args.strip()):
        return _decide(ctx, broadcasts, match.group(1).lower() == "ok", number(match.group(2)))
    if _RESEND_AUTOMATIC.match(args.strip()):
        return resend(ctx, ledger)
    if match := _RESEND.match(args.strip()):
        return _resend(ctx, broadcasts, ledger, number(match.group(1)))
    soort, _sep, scope_text = args.strip().partition(" ")
    sheet_kinds = {d.kind.casefold(): d.kind for d in ctx.data.deadlines}
    kind = SOORTEN.get(soort.casefold()) or sheet_kinds.get(soort.casefold())
    if kind is None:
        known = ", ".join(sorted({*SOORTEN, *sheet_kinds.values()}))
        return Reply(
            _(
                "Gebruik: /herinnering &lt;soort&gt; [gemeente, regio of provincie]. "
                "Soorten: {known}."
            ).format(known=ctx.e(known))
        )
    if scope_text.strip():
        target = resolve(ctx, "herinnering", scope_text, KINDS)
        if isinstance(target, Reply):  # a choice keyboard must keep the soort
            target.keyboard = [
                [Button(b.text, f"k|herinnering|{soort} {b.text}"[:64]) for b in row]
                for row in target.keyboard
            ]
            return target
    else:
        everything = [g for g in sorted(ctx.data.records) if ctx.role.covers(ctx.data, g)]
        target = Target("alles", "*", tuple(everything))
    planner = Planner(ctx.data, ctx.today, ctx.stale_seconds, role_of=_role_of(ctx))
    group = planner.manual_group(kind, target.members)
    label = _("alle gemeenten") if target.name == "*" else target.name
    if group is None:
        return Reply(
            _("Geen komende deadline van de soort {soort} voor {name}.").format(
                soort=ctx.e(soort), name=ctx.e(label)
            )
        )
    if not front.sends:  # the console: every recipient kind's text and count, nothing kept
        return preview_by_kind(ctx, planner, group, label, store.active())
    # Only chats following a municipality this deadline concerns, each with what it may see;
    # e-mail users and Teams channels whose area it concerns too.
    outside = front.outside(ctx.data) if front.outside is not None else []
    texts = planner.manual_recipients(group, store.active() + outside)
    if not texts:
        return Reply(
            _("Niemand volgt {name} of een deel ervan; er is niets te versturen.").format(
                name=ctx.e(label)
            )
        )
    chats = sorted(texts, key=lambda c: (isinstance(c, str), c))
    text = planner.reminder_text(ctx.lang, [group], manual=True)
    bid = broadcasts.create(Broadcast(
        0, _chat(ctx), ctx.user_id, ctx.lang, kind, target.name, group.date.isoformat(), text,
        tuple(chats), texts={chat: t for chat, (_lang, t) in texts.items()}))  # fmt: skip
    head = ctx.ngettext(
        "<b>Voorbeeld.</b> Dit bericht gaat naar {n} gesprek dat een gemeente volgt waar "
        "deze herinnering over gaat ({name}):",
        "<b>Voorbeeld.</b> Dit bericht gaat naar {n} gesprekken die een gemeente volgen waar "
        "deze herinnering over gaat ({name}):",
        len(chats),
    ).format(n=len(chats), name=ctx.e(label))
    head += per_channel(ctx, chats)
    keyboard = [
        [
            Button(_("✅ Versturen"), f"k|herinnering|ok {bid}"),
            Button(_("✖ Annuleren"), f"k|herinnering|nee {bid}"),
        ]
    ]
    return Reply(f"{head}\n\n{text}", keyboard=keyboard)


def _decide(ctx: Ctx, store: Broadcasts, ok: bool, bid: int | None) -> Reply:
    """Confirm or cancel exactly once: the store moves 'preview' on only one time."""
    _ = ctx._
    b = store.get(bid) if bid is not None else None
    if b is None or b.chat_id != _chat(ctx) or b.user_id != ctx.user_id:
        return Reply(_("Deze knop werkt niet meer."))
    if not ok:
        if store.move(bid, "preview", "cancelled"):
            return Reply(_("Geannuleerd; er is niets verstuurd."))
        return Reply(_("Deze herinnering is al verstuurd of geannuleerd."))
    if not store.move(bid, "preview", "confirmed"):
        return Reply(_("Deze herinnering is al verstuurd of geannuleerd."))
    n = len(b.recipients)
    return Reply(
        ctx.ngettext(
            "Bezig met versturen naar {n} gesprek; de uitkomst volgt hier.",
            "Bezig met versturen naar {n} gesprekken; de uitkomst volgt hier.",
            n,
        ).format(n=n),
        action=BroadcastRequest(bid),
    )


def _resend(ctx: Ctx, store: Broadcasts, ledger: SendLedger, bid: int | None) -> Reply:
    """Send the timed-out ('uncertain') messages of a finished broadcast again: the requester
    accepts that some chats may get it twice rather than not at all."""
    _ = ctx._
    b = store.get(bid) if bid is not None else None
    if b is None or b.chat_id != _chat(ctx) or b.user_id != ctx.user_id:
        return Reply(_("Deze knop werkt niet meer."))
    n = ledger.release_uncertain(f"manual:{b.soort}", f"{b.due}#{b.id}")
    if not n or not store.move(bid, "done", "confirmed"):
        return Reply(_("Er is niets onzekers om opnieuw te versturen."))
    return sending_again(ctx, n, BroadcastRequest(bid))


def per_channel(ctx: Ctx, recipients: list[int | str]) -> str:
    """'Per kanaal: 3 in Telegram, 2 per e-mail, 1 in Teams.' when not all are Telegram chats."""
    counts = Counter(r.partition(":")[0] if isinstance(r, str) else "telegram" for r in recipients)
    if set(counts) <= {"telegram"}:
        return ""
    parts = [
        text.format(n=counts[channel])
        for channel, text in (
            ("telegram", ctx._("{n} in Telegram")),
            ("email", ctx._("{n} per e-mail")),
            ("teams", ctx._("{n} in Teams")),
        )
        if counts[channel]
    ]
    return " " + ctx._("Per kanaal: {parts}.").format(parts=", ".join(parts))
