"""Automatic sends that timed out: shown in /controle, resent on purpose, and the report after.

A send that timed out after the request went out may have been delivered, so the ledger marks it
'uncertain' and nothing resends it by itself. `/herinnering opnieuw onzeker` makes the scheduled
reminders and weekly overviews among them sendable again and asks the bot (Reply.action) to run
the automatic rounds now for just those; the planner decides as always, so a reminder whose
window has passed or last week's overview stays unsent, and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from commands.common import may_see
from commands.context import Ctx
from commands.fmt import Formatter
from commands.i18n import gettext_for, ngettext_for
from commands.ports import SendLedger
from commands.records import Key
from commands.reminders import WEEKLY
from commands.reply import Reply
from engine.calendar import CHECKPOINT, CONTRACTS, LAST_TERM, PUBLICATION, PVA
from engine.reasons import N_

KINDS = ("gemeente", "regio", "provincie")  # what a reminder's scope names
UNCERTAIN = "uncertain"  # bot.store.UNCERTAIN: the ledger status of a send that timed out
SHOWN = 10  # lines in /controle
_SOORT = {
    CHECKPOINT: N_("toets"),
    CONTRACTS: N_("huurcontracten"),
    PUBLICATION: N_("taakstelling"),
    PVA: N_("plan van aanpak"),
    LAST_TERM: N_("laatste termijn"),
}


@dataclass(frozen=True, slots=True)
class UncertainResend:
    """Reply.action: run the automatic rounds now for these released keys, then report back."""

    keys: tuple[Key, ...]
    lang: str = "nl"


def send_line(lang: str, kind: str, due: str, chats: int) -> str:
    """'herinnering toets, 1 juli 2024 (7 dagen vooraf): 2 ontvangers' (Telegram chats, e-mail
    addresses and Teams channels alike: they share the ledger)."""
    _, ngettext = gettext_for(lang), ngettext_for(lang)
    try:
        day = Formatter(lang, _).date(date.fromisoformat(due))
    except ValueError:
        day = escape(due, quote=False)
    if kind == WEEKLY:
        what = _("weekoverzicht van {date}").format(date=day)
    elif kind.startswith("auto:"):  # auto:<deadline kind>:<lead in days>
        soort, _sep, lead = kind.removeprefix("auto:").rpartition(":")
        name = _(_SOORT[soort]) if soort in _SOORT else escape(soort, quote=False)
        what = _("herinnering {soort}, {date}").format(soort=name, date=day)
        if lead.isdigit():
            n = int(lead)
            what += " " + ngettext("({n} dag vooraf)", "({n} dagen vooraf)", n).format(n=n)
    else:
        what = f"{escape(kind, quote=False)}, {day}"
    return what + ": " + ngettext("{n} ontvanger", "{n} ontvangers", chats).format(n=chats)


def yours(ctx: Ctx, store: SendLedger) -> list[Key]:
    """The uncertain automatic sends this user may see and resend: those for a municipality,
    region or province the role covers; the weekly overviews (every subscriber's) only for
    whoever sees the whole bot."""
    wanted = {(kind, due) for kind, due, _n in store.uncertain_automatic()}
    found = [
        key
        for kind in {kind for kind, _due in wanted}
        for key, status, _attempts in store.rows(kind)
        if status == UNCERTAIN and (key.kind, key.due) in wanted and _covered(ctx, key)
    ]
    return sorted(found, key=lambda k: (k.kind, k.scope, k.due, str(k.chat_id)))  # id or address


def _covered(ctx: Ctx, key: Key) -> bool:
    if ctx.role is not None and ctx.role.everything:
        return True  # also the weekly overviews, scope '*'
    kind, _sep, name = key.scope.partition(":")  # 'gemeente:Delft', 'regio:Haaglanden'
    return kind in KINDS and may_see(ctx, kind, name)


def control_lines(ctx: Ctx) -> list[str]:
    """For /controle: the automatic sends that may or may not have arrived, per kind and day."""
    store = ctx.front.ledger
    groups = per_send(yours(ctx, store)) if store is not None else []
    if not groups:
        return []
    _ = ctx._
    lines = ["<b>" + _("Onzeker verstuurd (automatisch)") + "</b>"]
    lines += ["• " + send_line(ctx.lang, *group) for group in groups[:SHOWN]]
    if len(groups) > SHOWN:
        lines.append(_("… en nog {n}").format(n=len(groups) - SHOWN))
    lines.append(
        _("Ze zijn misschien afgeleverd; ze gaan niet vanzelf opnieuw.")
        + " "
        + _("Toch opnieuw versturen: /herinnering opnieuw onzeker")
    )
    return lines


def resend(ctx: Ctx, store: SendLedger) -> Reply:
    """/herinnering opnieuw onzeker: release the uncertain automatic sends, then ask for a round.

    A possible duplicate is accepted, on purpose, over a possible loss.
    """
    keys = yours(ctx, store)
    for kind, scope, due in sorted({(k.kind, k.scope, k.due) for k in keys}):
        store.release_uncertain(kind, due, scope)
    if not keys:
        return Reply(ctx._("Er is niets onzekers om opnieuw te versturen."))
    return sending_again(
        ctx, len({key.chat_id for key in keys}), UncertainResend(tuple(keys), ctx.lang)
    )


def sending_again(ctx: Ctx, chats: int, action: Any) -> Reply:
    """The answer to a resend on purpose; `action` asks the bot to send and report back."""
    return Reply(
        ctx.ngettext(
            "Bezig met opnieuw versturen naar {n} gesprek; de uitkomst volgt hier.",
            "Bezig met opnieuw versturen naar {n} gesprekken; de uitkomst volgt hier.",
            chats,
        ).format(n=chats),
        action=action,
    )


def per_send(keys: Iterable[Key]) -> list[tuple[str, str, int]]:
    """(kind, due, chats), oldest due first: as the store lists them."""
    chats: dict[tuple[str, str], set[int]] = {}
    for key in keys:
        chats.setdefault((key.kind, key.due), set()).add(key.chat_id)
    return [(k, d, len(c)) for (k, d), c in sorted(chats.items(), key=lambda i: i[0][::-1])]


def resend_report(
    lang: str, outcome: Mapping[str, int], left: list[tuple[str, str, int]], no_data: bool
) -> str:
    """What went again (in messages) and what the planner no longer sends (per kind and day).

    `outcome` counts the messages of the round: sent, failed, blocked, uncertain.
    """
    _, ngettext = gettext_for(lang), ngettext_for(lang)
    total = sum(outcome.values())
    if total:
        parts = [
            ngettext(
                "{n} bericht opnieuw verstuurd: {sent} afgeleverd, {failed} mislukt, "
                "{blocked} geblokkeerd.",
                "{n} berichten opnieuw verstuurd: {sent} afgeleverd, {failed} mislukt, "
                "{blocked} geblokkeerd.",
                total,
            ).format(
                n=total,
                sent=outcome.get("sent", 0),
                failed=outcome.get("failed", 0),
                blocked=outcome.get("blocked", 0),
            )
        ]
    else:
        parts = [_("Er is niets opnieuw verstuurd.")]
    if again := outcome.get("uncertain", 0):
        parts.append(
            ngettext(
                "{n} is weer onzeker; zie /controle.",
                "{n} zijn weer onzeker; zie /controle.",
                again,
            ).format(n=again)
        )
    if no_data:
        parts.append(
            _(
                "Ik kon de gegevens nu niet lezen; wat niet opnieuw verstuurd is, staat weer in "
                "/controle. Probeer het later opnieuw."
            )
        )
    elif left:
        parts.append(
            _(
                "Niet opnieuw verstuurd, want niet meer aan de beurt (de termijn van die "
                "herinnering is voorbij, het weekoverzicht is van een eerdere week, of het "
                "gesprek volgt het niet meer): {sends}."
            ).format(sends="; ".join(send_line(lang, *group) for group in left))
        )
    return " ".join(parts)
