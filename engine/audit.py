"""Where the record contradicts the rules or itself (domain.md §8).

Every finding names what it compared, with the cells involved, so a coordinator can look it up;
nothing is silently corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from engine.periods import checkpoint_kind
from engine.reasons import N_, Reason, reason
from engine.state import DataSet
from engine.status import assess_checkpoint, resolve_opgave

KIND_LABELS = {"tussentijds": N_("tussentijdse toets"), "eindbeoordeling": N_("eindbeoordeling")}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # 'trede', 'dubbel', 'saldo', 'opgave'
    gemeente: str
    message: Reason
    refs: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = ", ".join(r for r in self.refs if r)
        return f"{self.gemeente}: {self.message}" + (f" [{where}]" if where else "")


def audit(data: DataSet, only: str | None = None) -> list[Finding]:
    findings: list[Finding] = []
    records = [data.records[only]] if only else data.records.values()
    for rec in records:
        findings += _decisions(data, rec)
        findings += _saldi(data, rec)
    return findings


def _decisions(data, rec) -> list[Finding]:
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
        if checkpoint_kind(day) is None:
            continue
        result = assess_checkpoint(data, rec, day)
        if result is None:
            continue
        if rec.trede_on(day - timedelta(days=1)) is None and result.trede_na.code != "0":
            continue  # the step before is not recorded: only "gerealiseerd" can be checked
        policy, _ = data.policy_for(rec.name, result.period)
        for d in decisions:
            if policy.normalise(d.trede) != result.trede_na:
                out.append(
                    Finding(
                        "trede",
                        rec.name,
                        reason(
                            N_(
                                "Vastgelegde trede {recorded} op {day} volgt niet uit de regels: de "
                                "{kind} geeft trede {proposed} (vanaf trede {before})."
                            ),
                            recorded=d.trede.code,
                            day=day,
                            kind=KIND_LABELS[result.kind],
                            proposed=result.trede_na.code,
                            before=result.trede_voor.code,
                        ),
                        (d.source,),
                    )
                )
    return out


def _saldi(data, rec) -> list[Finding]:
    out: list[Finding] = []
    for period, fig in sorted(rec.figures.items()):
        if fig.taakstelling is not None and fig.saldo_start is not None and fig.opgave_stated:
            computed = fig.taakstelling + fig.saldo_start
            if computed != fig.opgave_stated:
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
                            stated=fig.opgave_stated,
                            t=fig.taakstelling,
                            s=fig.saldo_start,
                            computed=computed,
                        ),
                        (fig.source,),
                    )
                )
        prev = period.previous
        prev_opgave = resolve_opgave(data, rec, prev)
        final = rec.snapshot_at(prev, prev.end)
        if fig.saldo_start is None or prev_opgave is None or final is None:
            continue
        if final.peildatum != prev.end:
            continue
        rolled = prev_opgave.opgave - final.housed
        if rolled != fig.saldo_start:
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
                        stated=fig.saldo_start,
                        source=fig.saldo_source or "sheet",
                        prev=prev.label,
                        rolled=rolled,
                        opgave=prev_opgave.opgave,
                        housed=final.housed,
                        end=prev.end,
                    ),
                    (fig.source, final.source),
                )
            )
    return out
