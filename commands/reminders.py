"""What is due to whom today, and its text: a pure function of the data, the date and the ledger.

Jobs call it with the real date; tests drive it over simulated days. Every reminder carries the
ledger keys it settles, one per followed scope, so a chat gets one message per day however many
scopes it follows, and never the same reminder twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from commands.common import footer, members_of
from commands.context import Ctx
from commands.fmt import Formatter
from commands.i18n import gettext_for
from commands.records import Key, Subscription
from commands.roles import Role, viewer
from commands.standing import short_trede
from engine.arithmetic import remaining
from engine.assessment import schedule
from engine.calendar import (
    CHECKPOINT,
    CONTRACTS,
    LAST_TERM,
    PUBLICATION,
    PVA,
    deadline_period,
)
from engine.model import Deadline
from engine.periods import checkpoint_kind
from engine.reasons import N_
from engine.state import TELEGRAM, DataSet
from engine.status import Status, status_on
from sheets.names.index import NameIndex

WEEKLY = "weekly"
# What a province user types after /herinnering → the calendar's deadline kind.
SOORTEN: dict[str, str] = {
    "huurcontracten": CONTRACTS,
    "contracten": CONTRACTS,
    "toets": CHECKPOINT,
    "checkpoint": CHECKPOINT,
    "publicatie": PUBLICATION,
    "taakstelling": PUBLICATION,
    "pva": PVA,
    "last": LAST_TERM,
}


@dataclass(frozen=True, slots=True)
class Grid:
    """A table as the e-mail and the Teams card show it (the phone shows its lines)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(slots=True)
class Message:
    """One text for one chat (a Telegram chat id, or a mail or Teams address) and the ledger
    rows its delivery settles; `subject` and `grid` are for e-mail and Teams."""

    chat_id: int | str
    text: str
    keys: tuple[Key, ...]
    lang: str = "nl"
    figures: dict[str, tuple[str, int | None, str]] = field(default_factory=dict)  # weekly
    subject: str = ""
    grid: Grid | None = None


# What a deadline's kind is called in a subject line ("Herinnering: huurcontracten 2022-I …").
SUBJECT_KINDS = {
    CONTRACTS: N_("huurcontracten"),
    CHECKPOINT: N_("toets"),
    PUBLICATION: N_("publicatie taakstelling"),
    PVA: N_("plan van aanpak"),
    LAST_TERM: N_("termijn last"),
}


def lead_for(deadline: date, today: date, leads: Iterable[int]) -> int | None:
    """The reminder window `today` lies in: the smallest lead L with deadline − L ≤ today.

    Missed windows collapse into the current one, so a bot that was down sends one catch-up
    reminder, not three. Nothing once the deadline has come (unless lead 0 is configured).
    """
    if today > deadline:
        return None
    fitting = [
        lead for lead in leads
        if deadline - timedelta(days=lead) <= today and (today < deadline or lead == 0)
    ]  # fmt: skip
    return min(fitting) if fitting else None


def scope_key(sub: Subscription) -> str:
    """'regio:Haaglanden': Utrecht is both a gemeente and a provincie."""
    return f"{sub.kind}:{sub.scope}"


RoleOf = Callable[[int], Role | None]  # a subscriber's Telegram id → their current role


class Planner:
    """Per call: one Status per municipality and one Ctx per language, shared by every chat.

    With `role_of`, every chat gets only the municipalities its subscriber's role covers (as it
    applies in that chat); without it (a pure planning test) nothing is filtered.
    """

    def __init__(
        self,
        data: DataSet,
        today: date,
        stale_seconds: float | None = None,
        role_of: RoleOf | None = None,
    ) -> None:
        self.data, self.today, self.stale = data, today, stale_seconds
        self.role_of = role_of
        self._status: dict[str, Status] = {}
        self._ctx: dict[str, Ctx] = {}
        self._names = NameIndex([])  # the planner never resolves typed names
        self.mail_only = {
            u.telegram_id
            for u in data.users
            if u.telegram_id is not None and TELEGRAM not in u.channels()
        }

    def status(self, name: str) -> Status:
        if name not in self._status:
            self._status[name] = status_on(self.data, name, self.today)
        return self._status[name]

    def ctx(self, lang: str) -> Ctx:
        if lang not in self._ctx:
            self._ctx[lang] = Ctx(
                self.data, self.today, 0, None, lang, names=self._names, stale_seconds=self.stale
            )
        return self._ctx[lang]

    def members(self, sub: Subscription) -> list[str]:
        """The followed municipalities this chat may see: the access rule, per recipient. An
        e-mail or Teams recipient (an address, not a chat id) follows exactly its own area,
        given by the sheet or the operator (bot.channels.recipients): it sees all of it."""
        names = [
            g for g in members_of(self.ctx("nl"), sub.kind, sub.scope) if g in self.data.records
        ]
        if self.role_of is None or not isinstance(sub.chat_id, int):
            return names
        if sub.chat_id == sub.user_id and sub.user_id in self.mail_only:
            return []  # kanaal `email`: their own chat gets nothing, their address everything
        role = viewer(self.role_of(sub.user_id), sub.chat_id)
        return role.visible(self.data, names) if role is not None else []

    # -- automatic reminders ---------------------------------------------------------------
    def reminders(
        self,
        subs: Iterable[Subscription],
        leads: Iterable[int],
        settled: Callable[[Key], bool] = lambda key: False,
    ) -> list[Message]:
        """Every chat's due, unsettled reminders, merged into one message per chat."""
        leads = tuple(leads)
        out = []
        for chat_id, chat_subs in by_chat(subs).items():
            groups: dict[tuple[date, str, int], _Group] = {}
            for sub in chat_subs:
                for name in self.members(sub):
                    for d in self.status(name).deadlines:
                        lead = lead_for(d.date, self.today, leads)
                        if lead is None:
                            continue
                        key = Key(
                            f"auto:{d.kind}:{lead}", scope_key(sub), d.date.isoformat(), chat_id
                        )
                        if settled(key):
                            continue
                        group = groups.setdefault((d.date, d.kind, lead), _Group(d.date, d.kind))
                        group.add(key, d, name)
            if groups:
                lang = chat_subs[0].lang
                ordered = sorted(groups.values(), key=_Group.order)
                text = self.reminder_text(lang, ordered)
                keys = tuple(k for g in groups.values() for k in sorted(g.keys))
                subject = self.reminder_subject(lang, ordered[0])
                out.append(Message(chat_id, text, keys, lang, subject=subject))
        return out

    def reminder_subject(self, lang: str, group: _Group) -> str:
        description = str(next(iter(group.descriptions), ""))
        return reminder_subject(lang, group.kind, group.date, description)

    def reminder_text(self, lang: str, groups: list[_Group], manual: bool = False) -> str:
        ctx = self.ctx(lang)
        _, f, e = ctx._, ctx.fmt, ctx.e
        title = _("Herinnering van de provincie") if manual else _("Herinnering")
        lines = [f"⏰ <b>{title}</b>"]
        for g in groups:
            days = (g.date - self.today).days
            when = (
                _("vandaag")
                if days == 0
                else ctx.ngettext("over {n} dag", "over {n} dagen", days).format(n=days)
            )
            for desc in g.descriptions.values():
                lines.append(f"\n<b>{f.date(g.date)}</b> ({when}): {e(f.reason(desc))}")
            if g.kind not in (CHECKPOINT, CONTRACTS, PUBLICATION):
                lines.append(_("Geldt voor: {names}").format(names=e(", ".join(sorted(g.names)))))
            behind = [
                line
                for name in sorted(g.names)
                if (line := self.behind_line(ctx, name, g.kind, g.date))
            ]
            if behind:
                lines.append(_("Nog niet op koers:"))
                lines += [f"• {line}" for line in behind]
        peil = self.data.latest_peildatum(self.today)
        note = footer(ctx, peil)
        return "\n".join(lines) + ("\n\n" + note if note else "")

    def behind_line(self, ctx: Ctx, name: str, kind: str, when: date) -> str | None:
        """The pointed part: how many a municipality still has to house for this deadline."""
        period = deadline_period(kind, when)
        rec = self.data.records[name]
        if period is None or (opg := self.data.opgave(name, period)).opgave is None:
            return None
        snap = rec.latest_snapshot(period, self.today)
        if snap is None:
            return None
        policy, rule = self.data.policy_for(name, period)
        realised = policy.realised_base(snap)
        left = remaining(opg.opgave, realised)
        _, f, e = ctx._, ctx.fmt, ctx.e
        if checkpoint_kind(when) == "tussentijds" and kind == CHECKPOINT:
            sched = schedule(opg.opgave, rule)
            if sched.on_schedule(realised):
                return None
            minimum = sched.minimum
            return _(
                "<b>{name}</b>: niet op schema — {realised} gehuisvest, minimum {minimum}; "
                "nog {left} te huisvesten"
            ).format(
                name=e(name),
                realised=f.num(realised),
                minimum=f.num(minimum),
                left=f"<b>{f.num(left)}</b>",
            )
        if left <= 0:
            return None
        return _(
            "<b>{name}</b>: nog {left} te huisvesten voor de opgave van {opgave} "
            "({realised} gehuisvest per {date})"
        ).format(
            name=e(name),
            left=f"<b>{f.num(left)}</b>",
            opgave=f.num(opg.opgave),
            realised=f.num(realised),
            date=f.date(snap.peildatum),
        )

    # -- manual reminders ------------------------------------------------------------------
    def manual_group(self, kind: str, members: Iterable[str]) -> _Group | None:
        """The next deadline of `kind` among `members`, with the municipalities it concerns."""
        found: dict[date, _Group] = {}
        for name in members:
            for d in self.status(name).deadlines:
                if d.kind == kind:
                    found.setdefault(d.date, _Group(d.date, d.kind)).add(None, d, name)
        return found[min(found)] if found else None

    def manual(self, kind: str, members: Iterable[str], lang: str) -> tuple[str, date] | None:
        """The text for the next deadline of `kind` among `members`, or None if there is none."""
        first = self.manual_group(kind, members)
        if first is None:
            return None
        return self.reminder_text(lang, [first], manual=True), first.date

    def manual_recipients(
        self, group: _Group, subs: Iterable[Subscription]
    ) -> dict[int, tuple[str, str]]:
        """chat → (lang, text) for every chat following a municipality the reminder concerns.

        Each chat's text names only the concerned municipalities it follows and may see.
        """
        out: dict[int, tuple[str, str]] = {}
        for chat_id, chat_subs in by_chat(subs).items():
            names = {g for sub in chat_subs for g in self.members(sub)} & group.names
            if not names:
                continue
            own = _Group(group.date, group.kind)
            for name in sorted(names):
                for d in self.status(name).deadlines:
                    if d.kind == group.kind and d.date == group.date:
                        own.add(None, d, name)
            lang = chat_subs[0].lang
            out[chat_id] = (lang, self.reminder_text(lang, [own], manual=True))
        return out

    # -- weekly overview -------------------------------------------------------------------
    def weekly(
        self,
        chat_subs: list[Subscription],
        slot: date,
        last: dict[str, tuple[str, int | None, str]],
    ) -> Message:
        """One chat's overview of everything it follows, with changes since the last one."""
        lang = chat_subs[0].lang
        ctx = self.ctx(lang)
        _, f, e = ctx._, ctx.fmt, ctx.e
        lines = [_("📊 <b>Weekoverzicht</b> — {date}").format(date=f.date(slot))]
        figures: dict[str, tuple[str, int | None, str]] = {}
        peil = None
        scopes: list[str] = []
        rows: list[tuple[str, ...]] = []
        for sub in sorted(chat_subs, key=lambda s: (s.kind != "provincie", s.kind, s.scope)):
            names = [g for g in self.members(sub) if g not in figures]
            if not names:
                continue
            scopes.append(sub.scope)
            if sub.kind != "gemeente":
                lines.append(f"\n<b>{e(sub.scope)}</b> ({_(sub.kind)})")
            for name in names:
                st = self.status(name)
                figures[name] = (st.period.label, st.realised, short_trede(st))
                lines.append("• " + self._weekly_line(ctx, st, last.get(name)))
                rows.append(self._grid_row(ctx, st))
                if st.snapshot and (peil is None or st.snapshot.peildatum > peil):
                    peil = st.snapshot.peildatum
        if not last:
            lines.append(
                "\n"
                + _(
                    "Dit is het eerste overzicht; vanaf volgende week staan de "
                    "veranderingen erbij."
                )
            )
        note = footer(ctx, peil)
        text = "\n".join(lines) + ("\n\n" + note if note else "")
        chat_id = chat_subs[0].chat_id
        header = (_("Gemeente"), _("Periode"), _("Gehuisvest"), _("Opgave"), "%", _("Trede"))
        subject = _("Weekoverzicht {scope} — {date}").format(
            scope=", ".join(scopes) or _("uw gebied"), date=f.date(slot)
        )
        return Message(
            chat_id,
            text,
            (Key(WEEKLY, "*", slot.isoformat(), chat_id),),
            lang,
            figures,
            subject,
            Grid(header, tuple(rows)),
        )

    @staticmethod
    def _grid_row(ctx: Ctx, st: Status) -> tuple[str, ...]:
        """One municipality's figures as the overview's table shows them."""
        f = ctx.fmt
        opgave = st.opgave.opgave if st.opgave is not None else None
        pct = f.pct(st.pct_opgave, with_label=False) if st.realised is not None else "–"
        return (st.rec.name, st.period.label, f.num(st.realised), f.num(opgave), pct,
                short_trede(st))  # fmt: skip

    def _weekly_line(self, ctx: Ctx, st: Status, before: tuple | None) -> str:
        _, f, e = ctx._, ctx.fmt, ctx.e
        text = f"<b>{e(st.rec.name)}</b>: "
        closed = st.closed
        if st.realised is None and closed is not None and closed.realised is not None:
            text += _("{period} afgesloten: {realised} van {opgave} gehuisvest ({pct})").format(
                period=closed.period.label,
                realised=f.num(closed.realised),
                opgave=f.num(closed.opgave.opgave),
                pct=f.pct(closed.result.pct_of_opgave, with_label=False),
            )
        elif st.realised is None or st.opgave.opgave is None:
            text += _("geen cijfers voor {period}").format(period=st.period.label)
        else:
            text += _("{realised} van {opgave} gehuisvest ({pct})").format(
                realised=f.num(st.realised),
                opgave=f.num(st.opgave.opgave),
                pct=f.pct(st.pct_opgave, with_label=False),
            )
            if before and before[0] == st.period.label and before[1] is not None:
                delta = st.realised - before[1]
                text += " " + (
                    _("(+{n} sinds vorige week)").format(n=f.num(delta))
                    if delta > 0
                    else _("(geen verandering)")
                    if delta == 0
                    else _("(−{n} sinds vorige week)").format(n=f.num(-delta))
                )
        code = short_trede(st)
        text += " · " + (_("trede {code}").format(code=code) if st.trede else _("trede onbekend"))
        if before and before[2] != code:
            text += " " + (
                _("(was onbekend)")
                if before[2] == "?"
                else _("(was {code})").format(code=before[2])
            )
        if st.op_schema is False:
            text += " — " + _("niet op schema, nog {n}").format(n=f.num(st.nog_te_huisvesten))
        return text


@dataclass(slots=True)
class _Group:
    """Deadlines of one kind on one date, with the municipalities they concern."""

    date: date
    kind: str
    keys: set[Key] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    descriptions: dict[str, object] = field(default_factory=dict)

    def add(self, key: Key | None, d: Deadline, name: str) -> None:
        if key is not None:
            self.keys.add(key)
        self.names.add(name)
        self.descriptions.setdefault(str(d.description), d.description)

    def order(self) -> tuple[date, str]:
        return self.date, self.kind


def reminder_subject(
    lang: str, kind: str, when: date, description: str = "", manual: bool = False
) -> str:
    """'Herinnering: huurcontracten 2022-I uiterlijk 4 juli': what, for when (an e-mail's
    subject, a Teams card's title)."""
    _ = gettext_for(lang)
    what = _(SUBJECT_KINDS[kind]) if kind in SUBJECT_KINDS else description or kind
    if (period := deadline_period(kind, when)) is not None:
        what += f" {period.label}"
    text = (
        _("Herinnering van de provincie: {what} uiterlijk {date}")
        if manual
        else _("Herinnering: {what} uiterlijk {date}")
    )
    return text.format(what=what, date=Formatter(lang, _).day_month(when))


def by_chat(subs: Iterable[Subscription]) -> dict[int | str, list[Subscription]]:
    out: dict[int | str, list[Subscription]] = {}
    for sub in subs:
        out.setdefault(sub.chat_id, []).append(sub)
    return out


def weekly_slot(now_day: date, weekday: int) -> date:
    """The most recent weekly push date on or before `now_day` (weekday 0 = Monday)."""
    return now_day - timedelta(days=(now_day.weekday() - weekday) % 7)
