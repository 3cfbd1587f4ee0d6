"""The whole domain state one refresh of the sheet yields; shared by commands and jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.ledger import Opgave, opgaven, unknown_opgave
from engine.model import Deadline, MunicipalityRecord
from engine.periods import Period
from engine.policies import PeriodRule, Policy, get_policy, policy_for_province
from engine.reasons import N_, Reason, reason


@dataclass(frozen=True, slots=True)
class PolicyRow:
    """One `beleid` row: which kader a province applies in a period, with overrides."""

    provincie: str
    period: Period | None  # None: every period
    kader: str
    overrides: dict[str, Any] = field(default_factory=dict)  # PeriodRule field → value


TELEGRAM, EMAIL, BOTH = "telegram", "email", "beide"  # the `kanaal` column's values
KANALEN = (TELEGRAM, EMAIL, BOTH)


@dataclass(frozen=True, slots=True)
class User:
    telegram_id: int | None  # None: a user reached by e-mail only
    naam: str
    rol: str  # 'provincie', 'coordinator', 'gemeente'
    scope: str  # a gemeente, regio or provincie name ('' or '*' = everything)
    email: str = ""  # a checked address, or ''
    kanaal: str = ""  # TELEGRAM, EMAIL, BOTH or '' (see `channels`)

    def channels(self) -> frozenset[str]:
        """Where pushes go: the `kanaal` column, else Telegram where an id is given, else
        e-mail. A channel without its address (no id, no e-mail) is left out; when that leaves
        none, the one that has an address is used (Telegram first)."""
        wanted = {TELEGRAM, EMAIL} if self.kanaal == BOTH else {self.kanaal} - {""}
        have = ({TELEGRAM} if self.telegram_id is not None else set()) | (
            {EMAIL} if self.email else set()
        )
        reached = wanted & have
        if not reached and have:
            reached = {TELEGRAM} if TELEGRAM in have else have
        return frozenset(reached)


@dataclass(frozen=True, slots=True)
class Problem:
    """A data-check finding with the cell it is about: `realisatie!C14`."""

    severity: str  # 'fout' or 'waarschuwing'
    ref: str
    message: str
    # the municipality of the row it is about (sheets.loading.attribution); '' for the sheet as a whole
    gemeente: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}" if self.ref else self.message


@dataclass(slots=True)
class DataSet:
    records: dict[str, MunicipalityRecord] = field(default_factory=dict)  # by canonical name
    policies: list[PolicyRow] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source: str = ""
    loaded_at: datetime | None = None
    sample: bool = False  # the bundled sample workbook (shown as such to users)
    # Derived once per refresh (the rolled saldo per record, the kader per province and period);
    # never part of equality, and not carried over by dataclasses.replace (a changed copy).
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def regions(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for rec in self.records.values():
            if rec.municipality.regio:
                out.setdefault(rec.municipality.regio, []).append(rec.name)
        return {k: sorted(v) for k, v in sorted(out.items())}

    def provinces(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for rec in self.records.values():
            out.setdefault(rec.municipality.provincie, []).append(rec.name)
        return {k: sorted(v) for k, v in sorted(out.items())}

    def opgave(self, gemeente: str, period: Period) -> Opgave:
        """The period's opgave (rolled saldo included), computed once per record per refresh."""
        return self._opgaven(gemeente).get(period) or unknown_opgave(period)

    def _opgaven(self, gemeente: str) -> dict[Period, Opgave]:
        """Every period's opgave of one record, rolled forward once per refresh."""
        cache = self.derived.setdefault("opgaven", {})
        if gemeente not in cache:
            cache[gemeente] = opgaven(self.records[gemeente])
        return cache[gemeente]

    def prepare(self, pause: Callable[[], None] = lambda: None) -> None:
        """Work out now what answers would otherwise work out on first use: the rolled saldo
        and the snapshots per period of every record. Called before a refresh's DataSet is
        served, so the first reply after a refresh is as quick as any other; `pause` lets a
        reply being computed meanwhile go first (sheets.runtime.courtesy)."""
        for i, (name, record) in enumerate(self.records.items()):
            if not i & 15:
                pause()
            self._opgaven(name)
            record.snapshot_index()

    def policy_for(self, gemeente: str, period: Period) -> tuple[Policy, PeriodRule]:
        """The kader and thresholds for a municipality in a period (sheet rows override).

        A province that neither declares a kader nor has a `beleid` row gets NO_POLICY: its
        checkpoints cannot be judged, and the data check says so.
        """
        provincie = self.records[gemeente].municipality.provincie
        # Asked per checkpoint, per reply: kept with the rows it was read from, so a copy of
        # the DataSet with other `beleid` rows (copy.copy shares `derived`) works it out anew.
        rows, memo = self.derived.get("policy_for", (None, {}))
        if rows is not self.policies:
            memo = {}
            self.derived["policy_for"] = (self.policies, memo)
        key = (provincie, period)
        if key not in memo:
            memo[key] = policy_in_force(self.policies, provincie, period)
        return memo[key]

    def kader_unconfirmed(
        self, gemeente: str, day: date, period: Period | None = None
    ) -> Policy | None:
        """The kader applied on `day` when our sources do not show it in force then and no
        `beleid` row names the kader for that period (part 7 of issue 27); None otherwise."""
        provincie = self.records[gemeente].municipality.provincie
        return kader_unconfirmed(self.policies, provincie, day, period)

    def provinces_without_kader(self) -> list[str]:
        with_rows = {row.provincie.lower() for row in self.policies}
        return [
            p
            for p in self.provinces()
            if p.lower() not in with_rows and not policy_for_province(p).known
        ]

    def deadlines_for(self, gemeente: str) -> list[Deadline]:
        """The `deadlines` rows that apply to a municipality, its region or province."""
        m = self.records[gemeente].municipality
        scopes = {"*", "", m.name.lower(), m.regio.lower(), m.provincie.lower()}
        return [d for d in self.deadlines if d.scope.lower() in scopes]

    def age(self, now: datetime) -> float | None:
        return None if self.loaded_at is None else (now - self.loaded_at).total_seconds()

    def latest_peildatum(self, on: date) -> date | None:
        days = [
            s.peildatum for r in self.records.values() for s in r.snapshots if s.peildatum <= on
        ]
        return max(days) if days else None


def kader_unconfirmed(
    rows: list[PolicyRow], provincie: str, day: date, period: Period | None = None
) -> Policy | None:
    """The kader a province applies on `day` (for `period`: a checkpoint judges the period that
    ends on it), when that needs the province's confirmation."""
    period = period or Period.containing(day)
    policy, _ = policy_in_force(rows, provincie, period)
    if not policy.known or policy.holds_on(day):
        return None
    named = any(
        row.provincie.lower() == provincie.lower() and row.period in (None, period) for row in rows
    )
    return None if named else policy


def unconfirmed_reason(
    policy: Policy, provincie: str, day: date, period: Period | None = None
) -> Reason:
    """Which kader Taakbot applies on `day`, the dates our sources show it in force, and where
    the province confirms it: one wording for /stand, the round, /controle and `taakbot check`."""
    start, end = policy.known_from, policy.known_until
    if start and end:
        window = reason(N_("van {start} tot {end}"), start=start, end=end)
    elif start:
        window = reason(N_("vanaf {start}"), start=start)
    else:
        window = reason(N_("tot {end}"), end=end)
    return reason(
        N_(
            "Taakbot past kader {kader} toe op {day}, maar volgens onze bronnen geldt dat kader "
            "{window}. Bevestig in tabblad beleid welk kader {provincie} in {period} toepast "
            "(een regel met provincie, periode en kader)."
        ),
        kader=policy.code,
        day=day,
        window=window,
        provincie=provincie,
        period=(period or Period.containing(day)).label,
    )


def policy_in_force(
    rows: list[PolicyRow], provincie: str, period: Period
) -> tuple[Policy, PeriodRule]:
    """The kader and thresholds of a province in a period: its `beleid` rows over its default."""
    policy = policy_for_province(provincie)
    overrides: dict[str, Any] = {}
    for row in rows:
        if row.provincie.lower() != provincie.lower():
            continue
        if row.period is None or row.period == period:
            policy = get_policy(row.kader)
            overrides.update(row.overrides)
    return policy, policy.rule_for(period, **overrides)
