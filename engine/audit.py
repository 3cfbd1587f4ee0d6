"""Where the record contradicts the rules or itself, and what it leaves out (domain.md §8, §9).

Every finding names what it compared, with the cells involved, so a coordinator can look it up;
nothing is silently corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.ledger import opgave_mismatch, saldo_mismatch
from engine.model import MunicipalityRecord
from engine.policies import known_kaders
from engine.reasons import N_, Reason, reason
from engine.replay import Missing, check_decision, standing
from engine.state import DataSet, kader_unconfirmed, unconfirmed_reason

KIND_LABELS = {"tussentijds": N_("tussentijdse toets"), "eindbeoordeling": N_("eindbeoordeling")}
# After this many checkpoints without a decision, the rest is summed up in one line.
MISSING_SHOWN = 4


@dataclass(frozen=True, slots=True)
class Finding:
    # 'trede', 'dubbel', 'saldo', 'opgave', 'ontbreekt', 'onbekend', 'kader', 'bevestigen'
    kind: str
    gemeente: str
    message: Reason
    refs: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = ", ".join(r for r in self.refs if r)
        return f"{self.gemeente}: {self.message}" + (f" [{where}]" if where else "")


CONTRADICTIONS = ("trede", "dubbel", "saldo", "opgave")


def audit(data: DataSet, only: str | None = None, day: date | None = None) -> list[Finding]:
    """Contradictions and gaps; with `day`, also the checkpoints whose decision is missing."""
    findings: list[Finding] = []
    if only is None:
        findings += _kaders(data)
        if day is not None:
            findings += _unconfirmed(data, day)
    records = [data.records[only]] if only else data.records.values()
    for rec in records:
        findings += _decisions(data, rec)
        findings += _saldi(data, rec)
        if day is not None:
            findings += missing_decisions(data, rec, day)
    return findings


def _kaders(data: DataSet) -> list[Finding]:
    return [
        Finding(
            "kader",
            provincie,
            reason(
                N_(
                    "Geen kader voor deze provincie: voeg een regel toe in tabblad beleid met een "
                    "kader; bekend zijn: {known}."
                ),
                known=known_kaders(),
            ),
            ("beleid",),
        )
        for provincie in data.provinces_without_kader()
    ]


def _unconfirmed(data: DataSet, day: date) -> list[Finding]:
    """A kader applied on a date outside what our sources show (issue 27, part 7)."""
    out = []
    for provincie in data.provinces():
        policy = kader_unconfirmed(data.policies, provincie, day)
        if policy is not None:
            reason_ = unconfirmed_reason(policy, provincie, day)
            out.append(Finding("bevestigen", provincie, reason_, ("beleid",)))
    return out


def _decisions(data: DataSet, rec: MunicipalityRecord) -> list[Finding]:
    out: list[Finding] = []
    by_date: dict = {}
    for d in rec.decisions:
        by_date.setdefault(d.date, []).append(d)
    for day, decisions in by_date.items():
        if len({d.trede.code for d in decisions}) > 1:
            out.append(
                Finding(
                    "dubbel",
                    rec.name,
                    reason(
                        N_("Twee verschillende treden vastgelegd voor {day}: {treden}."),
                        day=day,
                        treden=" / ".join(d.trede.code for d in decisions),
                    ),
                    tuple(d.source for d in decisions),
                )
            )
        for d in decisions:
            verdict = check_decision(data, rec, d)
            if not verdict.contradicts:
                continue
            result = verdict.result
            before = verdict.before.trede.code if verdict.before.trede else None
            out.append(
                Finding(
                    "trede",
                    rec.name,
                    reason(
                        N_(
                            "Vastgelegde trede {recorded} op {day} volgt niet uit de regels: de "
                            "{kind} geeft trede {proposed} ({start})."
                        ),
                        recorded=d.trede.code,
                        day=day,
                        kind=KIND_LABELS[result.kind],
                        proposed=verdict.rules.code,
                        start=reason(N_("vanaf trede {before}"), before=before)
                        if before
                        else reason(N_("welke trede er ook gold")),
                    ),
                    (d.source,),
                )
            )
    return out


def missing_decisions(data: DataSet, rec: MunicipalityRecord, day: date) -> list[Finding]:
    """Every checkpoint since the last recorded decision, with the step the rules give."""
    st = standing(data, rec, day)
    if st.recorded is None and not rec.figures:
        return []  # nothing recorded at all: the tables count it as onbekend
    out: list[Finding] = []
    # A mid-period check that the policy never lets move the ladder (Utrecht) takes no decision.
    steps = [s for s in st.steps if s.result.kind != "tussentijds" or _moves(data, rec, s)]
    for step in steps[:MISSING_SHOWN]:
        kind = KIND_LABELS[step.result.kind]
        if step.trede is not None:
            message = reason(
                N_(
                    "Geen besluit vastgelegd voor de {kind} van {day}; volgens de regels "
                    "trede {code}."
                ),
                kind=kind,
                day=step.day,
                code=step.trede.code,
            )
        else:
            why = step.result.why if isinstance(step.result, Missing) else None
            message = reason(
                N_("Geen besluit vastgelegd voor de {kind} van {day}; trede onbekend: {why}."),
                kind=kind,
                day=step.day,
                why=why or st.unknown or reason(N_("de trede ervoor is onbekend")),
            )
        settle = step.result.settle if isinstance(step.result, Missing) else ""
        out.append(Finding("ontbreekt", rec.name, message, ("ladder", settle)))
    rest = steps[MISSING_SHOWN:]
    if rest:
        out.append(
            Finding(
                "ontbreekt",
                rec.name,
                reason(
                    N_("En nog {n} toetsdata zonder besluit, van {first} tot en met {last}."),
                    n=len(rest),
                    first=rest[0].day,
                    last=rest[-1].day,
                ),
                ("ladder",),
            )
        )
    return out


def _moves(data: DataSet, rec: MunicipalityRecord, step) -> bool:
    policy, _ = data.policy_for(rec.name, step.result.period)
    return policy.mid_check_moves_ladder


def _saldi(data: DataSet, rec: MunicipalityRecord) -> list[Finding]:
    out: list[Finding] = []
    for period, fig in sorted(rec.figures.items()):
        opg = data.opgave(rec.name, period)
        if (om := opgave_mismatch(rec, period)) is not None:
            out.append(
                Finding(
                    "opgave",
                    rec.name,
                    reason(
                        N_(
                            "Opgave {period}: vermeld {stated}, maar taakstelling {t} + saldo {s} = "
                            "{computed}."
                        ),
                        period=period.label,
                        stated=om.stated,
                        t=fig.taakstelling,
                        s=fig.saldo_start,
                        computed=om.computed,
                    ),
                    (om.ref,),
                )
            )
        if fig.saldo_start is None and fig.taakstelling is not None and not opg.rolled:
            message = (
                reason(
                    N_(
                        "Saldo bij de start van {period} is leeg en niet door te rekenen (geen "
                        "eindstand {prev}); Taakbot gebruikt de vermelde opgave {opgave}."
                    ),
                    period=period.label,
                    prev=period.previous.label,
                    opgave=opg.opgave,
                )
                if opg.known
                else reason(
                    N_("Opgave {period} onbekend: {why}."), period=period.label, why=opg.unknown
                )
            )
            out.append(Finding("onbekend", rec.name, message, (fig.saldo_ref or fig.source,)))
        m = saldo_mismatch(rec, period, data.opgave(rec.name, period.previous))
        if m is not None:
            out.append(
                Finding(
                    "saldo",
                    rec.name,
                    reason(
                        N_(
                            "Saldo bij de start van {period} is {stated} ({source}), maar {prev} rolt door "
                            "naar {rolled} (opgave {opgave} − gehuisvest {housed} per {end})."
                        ),
                        period=period.label,
                        stated=m.stated,
                        source=m.stated_source or "sheet",
                        prev=period.previous.label,
                        rolled=m.rolled,
                        opgave=m.opgave,
                        housed=m.housed,
                        end=m.end,
                    ),
                    (m.stated_ref, m.end_ref),
                )
            )
    return out
