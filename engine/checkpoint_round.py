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

from engine.ledger import Opgave
from engine.model import LadderDecision, Municipality
from engine.periods import Period, checkpoint_kind, checkpoint_period
from engine.reasons import N_, Percentage, Reason, reason
from engine.replay import Missing, Result, Standing, Step, agrees, judge, standing_before
from engine.state import DataSet
from engine.status import Totals, status_on, totals
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
    next_opgave = None
    if step.result.kind == "eindbeoordeling":
        next_opgave = data.opgave(name, step.result.period.next)
    return RoundEntry(
        rec.municipality, day, before, step, recorded, state, open_, settle, next_opgave
    )


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
            members = data.provinces().get(provincie, [])
            found = totals([status_on(data, n, day) for n in members])
            if found is not None:
                rnd.sums[provincie] = found
    return rnd


__all__ = [
    "CONFLICT",
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
