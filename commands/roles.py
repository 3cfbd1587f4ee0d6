"""Who may see what: one access rule for answers, keyboards, subscriptions, pushes and notes.

A role comes from the `gebruikers` tab (or TAAKBOT_ADMINS) and its scope is read as the kind of
area the role names: a `gemeente` user's scope is a municipality, a `coordinator`'s a region, a
`provincie` user's a province. An empty or unknown scope gives no access at all (the sheet check
reports it); only TAAKBOT_ADMINS and the operator's console see every province. In a group chat
the role is marked `group`: staff-only notes never go where unlisted members read along.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from engine.reasons import N_
from engine.state import DataSet

PROVINCE, COORDINATOR, MUNICIPAL = "provincie", "coordinator", "gemeente"
ROLES = (PROVINCE, COORDINATOR, MUNICIPAL)
ROLE_LABELS = {
    PROVINCE: N_("provincie"),
    COORDINATOR: N_("coördinator"),
    MUNICIPAL: N_("gemeente"),
}
SCOPE_KIND = {PROVINCE: "provincie", COORDINATOR: "regio", MUNICIPAL: "gemeente"}
EVERYTHING = "*"  # TAAKBOT_ADMINS and the console only; never read from the sheet


@dataclass(frozen=True, slots=True)
class Role:
    kind: str
    scope: str = EVERYTHING  # the canonical name of the area SCOPE_KIND[kind] names
    name: str = ""
    group: bool = False  # answering in a group: only what every member may see

    @property
    def everything(self) -> bool:
        return self.kind == PROVINCE and self.scope == EVERYTHING

    @property
    def sees_notes(self) -> bool:
        """Toelichting and verschoonbare reden: province and coordinators, never in groups."""
        return self.kind in (PROVINCE, COORDINATOR) and not self.group

    def in_group(self) -> Role:
        return replace(self, group=True)

    def covers(self, data: DataSet, gemeente: str) -> bool:
        """True when this role may see the municipality's figures."""
        if self.everything:
            return True
        rec = data.records.get(gemeente)
        if rec is None or self.kind not in SCOPE_KIND or self.scope in ("", EVERYTHING):
            return False
        m = rec.municipality
        area = {PROVINCE: m.provincie, COORDINATOR: m.regio, MUNICIPAL: m.name}[self.kind]
        return bool(area) and area.casefold() == self.scope.casefold()

    def covers_area(self, data: DataSet, members: list[str] | tuple[str, ...]) -> bool:
        """A region or province view is allowed when the role covers all its members."""
        return bool(members) and all(self.covers(data, g) for g in members)

    def visible(self, data: DataSet, names: list[str] | tuple[str, ...]) -> list[str]:
        """The municipalities of `names` this role may see, in order."""
        return [g for g in names if self.covers(data, g)]


def scope_of(data: DataSet, rol: str, text: str | None) -> str | None:
    """The canonical area a sheet user's scope names, read as the kind the role names."""
    wanted = (text or "").strip().casefold()
    if rol not in SCOPE_KIND or wanted in ("", EVERYTHING):
        return None
    for rec in data.records.values():
        m = rec.municipality
        if rol == MUNICIPAL:
            if wanted in (m.name.casefold(), *(a.casefold() for a in m.aliases)):
                return m.name
        else:
            area = m.provincie if rol == PROVINCE else m.regio
            if area and area.casefold() == wanted:
                return area
    return None


def parse_admins(text: str | frozenset[int] | None) -> frozenset[int]:
    """Telegram ids separated by commas, semicolons or spaces; anything else is an error."""
    if isinstance(text, frozenset):  # already parsed by the settings table
        return text
    ids = set()
    for part in (text or "").replace(";", ",").replace(",", " ").split():
        if not part.lstrip("-").isdigit():
            raise ValueError(f"{part!r} is geen Telegram-id")
        ids.add(int(part))
    return frozenset(ids)


def role_for(user_id: int, data: DataSet, admins: frozenset[int] = frozenset()) -> Role | None:
    """The user's role, or None: unknown users and unusable scopes get no access."""
    if user_id in admins:
        return Role(PROVINCE, EVERYTHING, "admin")
    for user in data.users:
        if user.telegram_id == user_id and user.rol in ROLES:
            scope = scope_of(data, user.rol, user.scope)
            return Role(user.rol, scope, user.naam) if scope else None
    return None


def viewer(role: Role | None, chat_id: int | None) -> Role | None:
    """The role as it applies in a chat: group chats (negative ids) see no staff notes."""
    if role is not None and chat_id is not None and chat_id < 0:
        return role.in_group()
    return role


def role_with_grants(
    user_id: int, data: DataSet, admins: frozenset[int] = frozenset(), access: Any = None
) -> Role | None:
    """The sheet's role, else one given through an approved link request (the sheet wins).

    `access` is the front end's access book (anything with `granted(user_id)`), or None.
    """
    role = role_for(user_id, data, admins)
    if role is not None or access is None:
        return role
    grant = access.granted(user_id)
    return Role(grant.kind, grant.scope, grant.user_name) if grant else None
