"""Who gets pushes outside Telegram, and under which address in the ledger.

An e-mail recipient is a `gebruikers` row whose channels (engine.state.User.channels) include
e-mail: it gets its own scope (the area its role names), as if it followed that area. A Teams
channel is a line of TAAKBOT_TEAMS_WEBHOOKS: it gets its province's, region's or municipality's
pushes. Both become subscriptions keyed by an address string ('email:a@b.nl',
'teams:regio:Haaglanden') in the place of a Telegram chat id, so the planner, the ledger and
the weekly figures treat them as they treat chats, and never mix them up with one.
"""

from __future__ import annotations

import logging

from commands.records import Subscription, mail_recipient
from commands.roles import SCOPE_KIND, scope_of
from engine.state import EMAIL, DataSet

log = logging.getLogger(__name__)

MAIL, TEAMS = "email", "teams"  # the address prefixes: the channel
_WARNED: set[tuple[str, str]] = set()


mail_address = mail_recipient


def channel_of(recipient: int | str) -> str:
    """'telegram', 'email' or 'teams' for a ledger recipient."""
    if isinstance(recipient, int):
        return "telegram"
    return recipient.partition(":")[0]


def mail_recipients(data: DataSet) -> list[Subscription]:
    """One subscription per e-mail user: their role's area, in Dutch (no /taal by e-mail)."""
    out: dict[str, Subscription] = {}
    for user in data.users:
        if EMAIL not in user.channels():
            continue
        scope = scope_of(data, user.rol, user.scope)
        if scope is None:  # named in /controle already: no access, so no mail either
            continue
        sub = Subscription(mail_address(user.email), SCOPE_KIND[user.rol], scope, 0)
        out.setdefault(f"{sub.chat_id}|{sub.kind}|{sub.scope}", sub)
    return list(out.values())


def teams_recipients(data: DataSet, webhooks: dict[tuple[str, str], str]) -> list[Subscription]:
    """One subscription per webhook line whose area the sheet knows; the others are logged."""
    areas = {
        "provincie": {p.casefold(): p for p in data.provinces()},
        "regio": {r.casefold(): r for r in data.regions()},
        "gemeente": {g.casefold(): g for g in data.records},
    }
    out = []
    for kind, scope in webhooks:
        name = areas[kind].get(scope.casefold())
        if name is None and (kind, scope) not in _WARNED:  # once per process, not every hour
            _WARNED.add((kind, scope))
            log.warning(
                "TAAKBOT_TEAMS_WEBHOOKS: %s %s staat niet in de sheet; dat kanaal krijgt niets",
                kind,
                scope,
            )
        if name is not None:
            out.append(Subscription(f"{TEAMS}:{kind}:{name}", kind, name, 0))
    return out


def webhook_for(recipient: str, webhooks: dict[tuple[str, str], str]) -> str | None:
    """The URL of a 'teams:kind:scope' recipient (scopes compared without case)."""
    _, kind, scope = recipient.split(":", 2)
    wanted = scope.casefold()
    return next(
        (u for (k, s), u in webhooks.items() if k == kind and s.casefold() == wanted), None
    )
