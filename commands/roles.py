"""Who may ask what: roles from the `gebruikers` tab and TAAKBOT_ADMINS; closed by default."""

from __future__ import annotations

from dataclasses import dataclass

from engine.reasons import N_
from engine.state import DataSet

PROVINCE, COORDINATOR, MUNICIPAL = "provincie", "coordinator", "gemeente"
ROLES = (PROVINCE, COORDINATOR, MUNICIPAL)
ROLE_LABELS = {
    PROVINCE: N_("provincie"),
    COORDINATOR: N_("coördinator"),
    MUNICIPAL: N_("gemeente"),
}


@dataclass(frozen=True, slots=True)
class Role:
    kind: str
    scope: str = "*"  # a gemeente, regio or provincie name; '*' = everything
    name: str = ""

    @property
    def sees_notes(self) -> bool:
        """Toelichting and verschoonbare reden are for province and coordinators only."""
        return self.kind in (PROVINCE, COORDINATOR)

    def covers(self, data: DataSet, gemeente: str) -> bool:
        if self.kind == PROVINCE or self.scope in ("", "*"):
            return True
        m = data.records[gemeente].municipality
        wanted = self.scope.casefold()
        return wanted in (m.name.casefold(), m.regio.casefold(), m.provincie.casefold())

    def covers_area(self, data: DataSet, members: list[str]) -> bool:
        """A region or province view is allowed when the role covers all its members."""
        if self.kind == PROVINCE or self.scope in ("", "*"):
            return True
        return bool(members) and all(self.covers(data, g) for g in members)


def parse_admins(text: str | None) -> frozenset[int]:
    ids = set()
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            ids.add(int(part))
    return frozenset(ids)


def role_for(user_id: int, data: DataSet, admins: frozenset[int] = frozenset()) -> Role | None:
    if user_id in admins:
        return Role(PROVINCE, "*", "admin")
    for user in data.users:
        if user.telegram_id == user_id and user.rol in ROLES:
            return Role(user.rol, user.scope or "*", user.naam)
    return None
