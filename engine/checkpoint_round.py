"""The checkpoint round: every municipality in scope judged on one checkpoint and set beside
what the sheet records for that date, so province staff see at once what can be recorded, what
needs a person, and where a recorded decision differs from the rules (issue 18).

Every figure comes from the same functions `/stand` and `taakbot assess` use (engine.replay);
nothing here recomputes a rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from engine.assessment import EndResult, MidResult
from engine.ledger import (
    Opgave,
    OpgaveMismatch,
    SaldoMismatch,
    cell_of,
    figures_per,
    opgave_mismatch,
    saldo_mismatch,
)
from engine.model import LadderDecision, Municipality, MunicipalityRecord
from engine.periods import Period, checkpoint_kind, checkpoint_period
from engine.reasons import N_, Percentage, Reason, reason
from engine.replay import Missing, Result, Standing, Step, agrees, judge, standing_before
from engine.state import DataSet
from engine.status import Totals, checkpoint_totals
from engine.treden import Trede

# What the round can do with one municipality, in the order the preview lists them.
CONFLICT = "afwijkend"  # recorded for this date, and the rules give another step
OPEN = "open"  # the rules leave more than one step, or none: a person decides
RECORDABLE = "vast te leggen"  # one step, nothing recorded yet
RECORDED = "vastgelegd"  # recorded, and it agrees (or the rules cannot check it)
STATES = (CONFLICT, OPEN, RECORDABLE, RECORDED)
KIND_LABELS = {
    "tussentijds": N_("Tussentijdse toets"),
    "eindbeoordeling": N_("Eindbeoordeling"),
}
STATE_LABELS = {
    CONFLICT: N_("wijkt af van de regels"),
    OPEN: N_("open: een persoon beslist"),
    RECORDABLE: N_("vast te leggen"),
    RECORDED: N_("al vastgelegd"),
}


class RoundError(ValueError):
    """A date that is no checkpoint."""


def treden_label(treden: Iterable[Trede]) -> str:
    """'2', '2/3A' for a step that hangs on an open question, '?' when nothing is known."""
    codes = [t.code for t in treden]
    return "/".join(codes) if codes else "?"


@dataclass(frozen=True, slots=True)
class Gap:
    """A fact a checkpoint letter needs and the record does not give, with where to fill it."""

    fact: str  # 'cijfers', 'taakstelling', 'koppelingen', 'omkoppelingen', 'stapelgemeente',
    # 'volgende_opgave'
    what: Reason
    settle: str  # the tab and row or column: 'realisatie, regel 9, kolom koppelingen'


@dataclass(frozen=True, slots=True)
class RoundEntry:
    """One municipality on one checkpoint: the step before, the rules' proposal, the record."""

    municipality: Municipality
    day: date
    before: Standing  # the step in force the day before the checkpoint
    step: Step  # the checkpoint as the rules judge it from there
    recorded: LadderDecision | None  # the decision recorded on exactly this date
    state: str
    open: Reason | None = None  # what the proposal hangs on
    settle: str = ""  # the tab and cell (or row) that would settle it
    next_opgave: Opgave | None = None  # end of period: the coming period's opgave
    opgave: Opgave | None = None  # the judged period's opgave
    gaps: tuple[Gap, ...] = ()  # the facts its letter needs that the record leaves open
    # The saldo the letter states (end of period: at its end; mid: at the period's start)
    # where the sheet holds two values for it.
    mismatch: SaldoMismatch | None = None
    # opgaven the letter states (this period's; at the end of a period the next one's too) that
    # a source states otherwise than taakstelling + saldo
    stated_opgaven: tuple[OpgaveMismatch, ...] = ()

    @property
    def gemeente(self) -> str:
        return self.municipality.name

    @property
    def result(self) -> Result:
        return self.step.result

    @property
    def kind(self) -> str:
        return self.result.kind

    @property
    def period(self) -> Period:
        return self.result.period

    @property
    def proposal(self) -> Trede | None:
        return self.step.trede

    @property
    def options(self) -> tuple[Trede, ...]:
        return self.step.treden

    @property
    def decided(self) -> Trede | None:
        """The step a letter states: the recorded decision, else the rules' single proposal."""
        return self.recorded.trede if self.recorded else self.proposal

    @property
    def label(self) -> str:
        return treden_label(self.options)

    @property
    def saldo_end(self) -> int | None:
        """End of period: the achterstand (+) or voorsprong (−) carried into the next period,
        as the engine uses it for the next opgave; the assessment's own figure otherwise."""
        r = self.result
        if not isinstance(r, EndResult):
            return None
        if self.next_opgave is not None and self.next_opgave.saldo_start is not None:
            return self.next_opgave.saldo_start
        return r.saldo_end

    @property
    def complete(self) -> bool:
        """The letter can go as drafted: every fact known, the step decided, nothing to check."""
        return (
            not self.gaps
            and self.decided is not None
            and self.mismatch is None
            and not self.stated_opgaven
            and self.state != CONFLICT
        )

    def toelichting(self) -> Reason:
        """The decision's reason in one line, for the `ladder` tab's toelichting column."""
        r = self.result
        if isinstance(r, Missing) and self.proposal is not None:
            # A check that cannot move this step needs no figures (engine.replay._possible).
            return reason(
                N_("{kind} {period}: trede blijft {code}; deze toets kan trede {code} niet "
                   "veranderen (cijfers ontbreken: {why})"),
                kind=KIND_LABELS[r.kind],
                period=r.period.label,
                code=self.proposal.code,
                why=r.why,
            )  # fmt: skip
        if isinstance(r, Missing):
            return reason(
                N_("{kind} {period}: {why}"),
                kind=KIND_LABELS[r.kind],
                period=r.period.label,
                why=r.why,
            )
        return reason(
            N_("{kind} {period}: gehuisvest {realised} van {opgave} ({pct}); {step}"),
            kind=KIND_LABELS[r.kind],
            period=r.period.label,
            realised=r.realised,
            opgave=r.opgave,
            pct=_pct_text(r.pct_of_opgave),
            step=r.reasons[-1],
        )


def _pct_text(pct: Percentage | None) -> Reason | str:
    if pct is None:
        return N_("geen percentage: opgave 0")
    return reason(N_("{pct}% van de opgave"), pct=pct.rounded)


def entry(data: DataSet, name: str, day: date) -> RoundEntry:
    """Judge one municipality on checkpoint `day` from the step the replay gives before it."""
    rec = data.records[name]
    before = standing_before(data, rec, day)
    step = judge(data, rec, day, before.treden)
    recorded = rec.decided_on(day)
    open_, settle = _open(step, before)
    if recorded is not None:
        state = RECORDED
        if step.trede is not None:
            policy, _ = data.policy_for(name, step.result.period)
            state = RECORDED if agrees(policy, recorded.trede, step.trede) else CONFLICT
    else:
        state = RECORDABLE if step.trede is not None else OPEN
    period = step.result.period
    opgave = data.opgave(name, period)
    next_opgave = None
    if step.result.kind == "eindbeoordeling":
        next_opgave = data.opgave(name, period.next)
        mismatch = saldo_mismatch(rec, period.next, opgave)
    else:
        mismatch = saldo_mismatch(rec, period, data.opgave(name, period.previous))
    return RoundEntry(
        rec.municipality,
        day,
        before,
        step,
        recorded,
        state,
        open_,
        settle,
        next_opgave,
        opgave,
        _gaps(data, rec, step.result, opgave, next_opgave),
        mismatch,
        tuple(
            m
            for p in ((period, period.next) if next_opgave is not None else (period,))
            if (m := opgave_mismatch(rec, p)) is not None
        ),
    )


def _row(source: str, tab: str) -> str:
    """'taakstelling!C6 — …' → 'taakstelling, regel 6'; the tab alone when no cell is given."""
    cell = cell_of(source)
    if "!" not in cell:
        return tab
    sheet, ref = cell.split("!", 1)
    digits = "".join(ch for ch in ref if ch.isdigit())
    return reason(N_("{tab}, regel {row}"), tab=sheet, row=digits).render() if digits else sheet


def _gaps(
    data: DataSet,
    rec: MunicipalityRecord,
    r: Result,
    opgave: Opgave,
    next_opgave: Opgave | None,
) -> tuple[Gap, ...]:
    """Every fact the letter would state that the record leaves open, and where to fill it."""
    out: list[Gap] = []
    if next_opgave is not None and not next_opgave.known:
        where = _period_row(next_opgave.settle, next_opgave.period)
        out.append(Gap("volgende_opgave", next_opgave.unknown, where))
    if isinstance(r, Missing):
        return (Gap("cijfers", r.why, _period_row(r.settle, r.period)), *out)
    fig = rec.figures.get(r.period)
    row = _row(fig.source, "taakstelling") if fig else "taakstelling"

    def column(name: str, where: str = row) -> str:
        return reason(N_("{where}, kolom {column}"), where=where, column=name).render()

    if opgave.taakstelling is None:
        what = reason(N_("taakstelling {period}"), period=r.period.label)
        out.append(Gap("taakstelling", what, column("taakstelling")))
    policy, _ = data.policy_for(rec.name, r.period)
    if isinstance(r, EndResult):
        # The four questions are Zuid-Holland's (domain.md §4); elsewhere the koppelingen are
        # needed only where the step hangs on them.
        if r.koppelingen_voldoende is None and (policy.omkoppelingen_weigh or r.trede_na is None):
            out.append(_koppelingen_gap(rec, r.period, r.period.midpoint))
        if policy.omkoppelingen_weigh and r.omkoppelingen is None:
            what = reason(N_("omkoppelingen in {period}"), period=r.period.label)
            out.append(Gap("omkoppelingen", what, column("omkoppelingen")))
        if policy.omkoppelingen_weigh and r.stapelgemeente is None:
            what = reason(N_("stapelgemeente in {period}"), period=r.period.label)
            out.append(Gap("stapelgemeente", what, column("stapelgemeente")))
    elif isinstance(r, MidResult) and r.koppelingen is None:
        out.append(_koppelingen_gap(rec, r.period, r.date))
    return tuple(out)


def _period_row(settle: str, period: Period) -> str:
    """'taakstelling' (a missing row) → 'taakstelling, een regel voor 2024-II'."""
    if settle != "taakstelling":
        return settle
    return reason(N_("taakstelling, een regel voor {period}"), period=period.label).render()


def _koppelingen_gap(rec: MunicipalityRecord, period: Period, day: date) -> Gap:
    snap = figures_per(rec, period, day)
    where = (
        reason(N_("{where}, kolom koppelingen"), where=_row(snap.source, "realisatie")).render()
        if snap is not None
        else reason(N_("realisatie, een regel met peildatum {day}"), day=day).render()
    )
    return Gap("koppelingen", reason(N_("koppelingen per {day}"), day=day), where)


def _open(step: Step, before: Standing) -> tuple[Reason | None, str]:
    """What a proposal that is not one step hangs on, and where that is settled."""
    if step.trede is not None:
        return None, ""
    r = step.result
    if isinstance(r, Missing):
        return r.why, r.settle
    question = getattr(r, "open_question", None)
    if question is not None:
        return question, reason(
            N_("realisatie, koppelingen per {mid}"), mid=r.period.midpoint
        ).render()
    if before.unknown is not None:
        return before.unknown, before.settle
    if len(step.treden) > 1:
        missing = next((x for x in step.results if isinstance(x, Missing)), None)
        if missing is not None:
            return missing.why, missing.settle
        return reason(N_("de trede ervoor staat niet vast")), "ladder"
    return reason(N_("de trede ervoor staat niet vast")), "ladder"


@dataclass(slots=True)
class Round:
    day: date
    kind: str
    period: Period
    entries: list[RoundEntry]
    # per province on a mid-period date: its own sums for the letters' annex (engine.status)
    sums: dict[str, Totals] = field(default_factory=dict)

    def by_state(self, state: str) -> list[RoundEntry]:
        return [e for e in self.entries if e.state == state]

    def counts(self) -> Counter[str]:
        """Municipalities per proposed step ('2/3A' and '?' apart), as tables count them."""
        return Counter(e.label for e in self.entries)


def checkpoint_round(data: DataSet, day: date, names: Iterable[str]) -> Round:
    """Judge every municipality in `names` on checkpoint `day`."""
    kind = checkpoint_kind(day)
    if kind is None:
        raise RoundError(day)
    entries = [entry(data, name, day) for name in sorted(names)]
    rnd = Round(day, kind, checkpoint_period(day), entries)
    if kind == "tussentijds":
        for provincie in sorted({e.municipality.provincie for e in entries}):
            found = checkpoint_totals(data, data.provinces().get(provincie, []), day)
            if found is not None:
                rnd.sums[provincie] = found
    return rnd


__all__ = [
    "CONFLICT",
    "Gap",
    "OPEN",
    "RECORDABLE",
    "RECORDED",
    "STATES",
    "STATE_LABELS",
    "KIND_LABELS",
    "Round",
    "RoundEntry",
    "RoundError",
    "checkpoint_round",
    "entry",
    "treden_label",
]


def next_checkpoint(today: date) -> date:
    """The first 1 Jan / 1 Apr / 1 Jul / 1 Oct on or after `today`."""
    if checkpoint_kind(today) is not None:
        return today
    month = (today.month - 1) // 3 * 3 + 4
    return date(today.year + (month > 12), (month - 1) % 12 + 1, 1)


def date_refusal(data: DataSet, names: Iterable[str], day: date, today: date) -> Reason | None:
    """Why `day` is no date to record a decision on for these municipalities, or None.

    A decision date is a checkpoint, of a period the sheet has a taakstelling for, and not
    after the next checkpoint from today (a decision prepared ahead, never one for a year
    to come)."""
    if checkpoint_kind(day) is None:
        return reason(
            N_("{date} is geen toetsdatum: kies 1 januari, 1 april, 1 juli of 1 oktober."),
            date=day,
        )
    upcoming = next_checkpoint(today)
    if day > upcoming:
        return reason(
            N_("{date} ligt na de eerstvolgende toetsdatum ({next}); dat besluit kan nog niet."),
            date=day,
            next=upcoming,
        )
    period = checkpoint_period(day)
    if not any(data.opgave(n, period).taakstelling is not None for n in names):
        return reason(
            N_("voor {period} staat geen taakstelling in de sheet, dus geen besluit per {date}."),
            period=period.label,
            date=day,
        )
    return None
