"""/controle's list of e-mails and Teams posts refused for good (an SMTP 5xx, a removed webhook):
who did not get what, and the server's reason, for whoever covers that recipient's area. An
e-mail address is personal data: it is shown only within the scope of its user's row."""

from __future__ import annotations

from commands.common import may_see
from commands.context import Ctx
from commands.records import Key
from commands.roles import SCOPE_KIND
from commands.uncertain import send_line

SHOWN = 10


def _visible(ctx: Ctx, recipient: str) -> bool:
    if ctx.role is not None and ctx.role.everything:
        return True
    channel, _, rest = recipient.partition(":")
    if channel == "teams":
        kind, _, name = rest.partition(":")
        return may_see(ctx, kind, name)
    users = [u for u in ctx.data.users if u.email and u.email.casefold() == rest.casefold()]
    return any(u.rol in SCOPE_KIND and may_see(ctx, SCOPE_KIND[u.rol], u.scope) for u in users)


def control_lines(ctx: Ctx) -> list[str]:
    ledger = ctx.front.ledger
    if ledger is None or ctx.role is None:
        return []
    failed: list[tuple[Key, str]] = [
        (key, error) for key, error in ledger.given_up() if _visible(ctx, str(key.chat_id))
    ]
    if not failed:
        return []
    _, e = ctx._, ctx.e
    lines = ["<b>" + _("Niet afgeleverd (e-mail en Teams)") + "</b>"]
    for key, error in failed[:SHOWN]:
        channel, _sep, address = str(key.chat_id).partition(":")
        what = send_line(ctx.lang, key.kind, key.due, 1).rpartition(": ")[0]
        who = _("Teams-kanaal {name}").format(name=address) if channel == "teams" else address
        lines.append(f"• {e(who)} — {what}: {e(error)}")
    if len(failed) > SHOWN:
        lines.append(_("… en nog {n}").format(n=len(failed) - SHOWN))
    lines.append(
        _(
            "Deze gaan niet vanzelf opnieuw: verbeter het adres in het tabblad gebruikers of de "
            "webhook in TAAKBOT_TEAMS_WEBHOOKS."
        )
    )
    return lines
