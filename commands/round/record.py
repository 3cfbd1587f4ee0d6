"""Record the round's decisions, or one person's (/vastleggen), in the sheet's `ladder` tab."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date

from commands.context import Ctx
from commands.inputs import echo
from commands.reply import Button, Reply, Work
from commands.round.arguments import date_at, read_step, reading, refusal, round_for, who
from engine.checkpoint_round import (
    CONFLICT,
    OPEN,
    RECORDABLE,
    STATE_LABELS,
    Round,
    date_refusal,
)
from engine.periods import Period
from engine.treden import Trede, TredeError
from sheets.runtime.cache import names
from sheets.sources.ladder import LadderRow, UncertainWrite, WriteError, Written
from sheets.tabs.values import CellError


def shown(rnd: Round) -> dict[str, str]:
    """What a confirm shows per gemeente: the proposal and what the round does with it."""
    return {e.gemeente: f"{e.label}|{e.state}" for e in rnd.entries}


def fingerprint(decisions: dict[str, str]) -> str:
    """A short mark of what was shown (8 hex digits): it rides in the *Ja* button."""
    text = json.dumps(sorted(decisions.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def confirm(ctx: Ctx, when: date, provincie: str) -> Reply:
    _ = ctx._
    rnd = round_for(ctx, when, provincie)
    if (why := refusal(ctx, rnd)) is not None:
        return Reply(_("Niet vastgelegd: {why}").format(why=ctx.e(why)))
    n = len(rnd.by_state(RECORDABLE))
    if not n:
        return Reply(_("Er is niets vast te leggen voor {date}.").format(date=ctx.fmt.date(when)))
    decisions = shown(rnd)
    key = fingerprint(decisions)
    if ctx.front.recorder is not None:
        ctx.front.recorder.remember(key, decisions)
    iso = when.isoformat()
    text = ctx.ngettext(
        "{n} besluit vastleggen in het tabblad ladder van {source}, per {date}? Open en "
        "afwijkende gemeenten blijven buiten; niets wordt overschreven.",
        "{n} besluiten vastleggen in het tabblad ladder van {source}, per {date}? Open en "
        "afwijkende gemeenten blijven buiten; niets wordt overschreven.",
        n,
    ).format(n=n, source=ctx.e(ctx.data.source), date=ctx.fmt.date(when))
    return Reply(
        text,
        keyboard=[
            [
                Button(_("✅ Ja, vastleggen"), f"k|ronde|ja #{key} {iso} {provincie}"[:64]),
                Button(_("✖ Annuleren"), f"k|ronde|nee {iso} {provincie}"[:64]),
            ]
        ],
    )


def cancelled(ctx: Ctx, when: date, provincie: str) -> Reply:
    return Reply(ctx._("Geannuleerd; er is niets vastgelegd."))


def to_record(ctx: Ctx, rnd: Round) -> tuple[list[LadderRow], int]:
    """The rows the round may write (one step, nothing recorded yet), and how many wait for
    a person (open or conflicting)."""
    todo = [
        LadderRow(e.gemeente, rnd.day, e.proposal, ctx.fmt.reason(e.toelichting()), who(ctx))
        for e in rnd.by_state(RECORDABLE)
    ]
    return todo, len(rnd.by_state(OPEN)) + len(rnd.by_state(CONFLICT))


@dataclass
class Outcome:
    """What a recording said, and for the command line why it wrote nothing."""

    reply: Reply
    error: WriteError | None = None  # the write failed (or may have landed: UncertainWrite)
    changed: bool = False  # the sheet changed since the confirm: nothing written


def record_round(ctx: Ctx, when: date, provincie: str, seen: str | None = None) -> Reply:
    """The *Ja* button: the write runs after the reply (`recording`)."""
    if ctx.front.recorder is None:
        return Reply(ctx._("Vastleggen kan hier niet: deze omgeving schrijft niet naar de sheet."))
    rnd = round_for(ctx, when, provincie)
    if (why := refusal(ctx, rnd)) is not None:
        return Reply(ctx._("Niet vastgelegd: {why}").format(why=ctx.e(why)))
    n = len(rnd.by_state(RECORDABLE))
    if not n:
        return Reply(
            ctx._("Er is niets vast te leggen voor {date}.").format(date=ctx.fmt.date(when))
        )
    return Reply(
        busy(ctx, n),
        action=Work(
            lambda: recording(ctx, when, provincie, seen).reply,
            f"ronde:vastleggen {when.isoformat()} {provincie}",
            kind="vastleggen",
            key=("vastleggen", when, provincie),
        ),
    )


def recording(ctx: Ctx, when: date, provincie: str, seen: str | None = None) -> Outcome:
    """The one record flow of chat, console and command line. Under the workbook's lock the
    sheet is read again (not the cache) and the round recomputed; when any decision differs
    from what the confirm showed (`seen`), nothing is written and the new preview says what
    changed."""
    _ = ctx._
    recorder = ctx.front.recorder
    if recorder is None:
        return Outcome(
            Reply(_("Vastleggen kan hier niet: deze omgeving schrijft niet naar de sheet."))
        )
    try:
        with recorder.locked():
            return _recording(_fresh(ctx, recorder), when, provincie, seen, recorder)
    except WriteError as exc:  # the lock refused (read-only, busy) or the sheet did not read
        return Outcome(Reply(_("Niet vastgelegd: {error}").format(error=ctx.e(str(exc)))), exc)


def _recording(now: Ctx, when: date, provincie: str, seen: str | None, recorder) -> Outcome:
    _ = now._
    rnd = round_for(now, when, provincie)
    if (why := refusal(now, rnd)) is not None:
        return Outcome(Reply(_("Niet vastgelegd: {why}").format(why=now.e(why))), WriteError(why))
    if seen is not None and fingerprint(shown(rnd)) != seen:
        return Outcome(changed(now, rnd, recorder.recall(seen), provincie), changed=True)
    todo, waiting = to_record(now, rnd)
    if not todo:
        return Outcome(
            Reply(
                _(
                    "Er is niets vast te leggen voor {date}: elk besluit staat er al of wacht "
                    "op een persoon."
                ).format(date=now.fmt.date(when))
            )
        )
    return write(now, todo, waiting)


def _fresh(ctx: Ctx, recorder) -> Ctx:
    """The same asker, with the sheet as it is now (WriteError when it cannot be read)."""
    data = recorder.fresh()
    return replace(ctx, data=data, names=names(data))


def changed(ctx: Ctx, rnd: Round, before: dict[str, str] | None, provincie: str) -> Reply:
    """Nothing written: the new preview, headed by what differs from the confirm."""
    from commands.round.preview import LISTED, preview

    _ = ctx._
    lines = [_("<b>Niet vastgelegd: de sheet is veranderd sinds het voorstel.</b>")]
    if before is None:
        lines.append(_("Hieronder het voorstel zoals de sheet nu is; bevestig opnieuw."))
    else:
        now = shown(rnd)
        differ = [g for g in dict.fromkeys([*before, *now]) if before.get(g) != now.get(g)]
        for g in differ[:LISTED]:
            lines.append(
                _("• {name}: was {was}, nu {now}").format(
                    name=ctx.e(g), was=_state(ctx, before.get(g)), now=_state(ctx, now.get(g))
                )
            )
        if len(differ) > LISTED:
            lines.append(_("… en {n} meer.").format(n=len(differ) - LISTED))
    new = preview(ctx, rnd.day, provincie)
    new.text = "\n".join(lines) + "\n\n" + new.text
    return new


def _state(ctx: Ctx, value: str | None) -> str:
    if value is None:
        return ctx._("niet in de ronde")
    label, _sep, state = value.partition("|")
    return f"{label} ({ctx.fmt.reason(STATE_LABELS[state])})"


def write(ctx: Ctx, todo: list[LadderRow], skipped: int = 0) -> Outcome:
    """Write through the front end's recorder; a report whatever happened."""
    _ = ctx._
    try:
        written = ctx.front.recorder.record(todo, reading(ctx))
    except UncertainWrite as exc:
        return Outcome(Reply(_("Let op, {error}").format(error=ctx.e(str(exc)))), exc)
    except WriteError as exc:
        return Outcome(Reply(_("Niet vastgelegd: {error}").format(error=ctx.e(str(exc)))), exc)
    return Outcome(Reply(report(ctx, written, skipped)))


def report(ctx: Ctx, written: Written, skipped: int = 0) -> str:
    """What a write did, in one short message."""
    _ = ctx._
    lines = [
        ctx.ngettext(
            "{n} besluit vastgelegd in tabblad {tab}{where}.",
            "{n} besluiten vastgelegd in tabblad {tab}{where}.",
            len(written.added),
        ).format(
            n=len(written.added),
            tab=ctx.e(written.tab),
            where=f" ({ctx.e(written.rows)})" if written.rows else "",
        )
    ]
    if written.created_tab:
        lines.append(_("Het tabblad {tab} was er niet en is toegevoegd.").format(tab=written.tab))
    if written.present:
        lines.append(
            _("Al vastgelegd, niet opnieuw geschreven: {n}.").format(n=len(written.present))
        )
    if written.voided:  # a write at the same moment came first: the copies do not count
        lines.append(
            _(
                "Tegelijk legde iemand anders hetzelfde vast; de dubbele regels tellen niet "
                "mee (kolom schrijf_id 'vervallen'): {cells}."
            ).format(cells=ctx.e(", ".join(written.voided)))
        )
    for row, theirs in written.conflicts:
        lines.append(
            _("Niet overschreven: {name} staat op {date} al als trede {theirs}.").format(
                name=ctx.e(row.gemeente), date=ctx.fmt.date(row.datum), theirs=theirs
            )
        )
    if skipped:
        lines.append(
            _("{n} gemeenten wachten op een persoon (open of afwijkend): zie /ronde.").format(
                n=skipped
            )
        )
    return "\n".join(lines)


def vastleggen(ctx: Ctx, args: str) -> Reply:
    """/vastleggen <gemeente> <datum> <trede> [toelichting]: a person's decision."""
    _ = ctx._
    usage = _(
        "Gebruik: /vastleggen &lt;gemeente&gt; &lt;datum&gt; &lt;trede&gt; [toelichting], "
        "bijvoorbeeld /vastleggen Den Haag 1-7-2022 3A koppelingen voldoende."
    )
    words = args.split()
    found = None
    for i in range(1, len(words)):
        hit = date_at(words, i)
        if isinstance(hit, CellError):
            return Reply(ctx.e(str(hit)))
        if hit is not None:
            found = (" ".join(words[:i]), hit[0], words[i + hit[1] :])
            break
    if found is None or not found[2]:
        return Reply(usage)
    name_text, when, rest = found
    res = ctx.names.resolve(name_text, ("gemeente",))
    if not (res.found and res.name):
        return Reply(
            _("Gemeente {name} staat niet in de sheet; typ de naam zoals /stand hem kent.").format(
                name=echo(name_text)
            )
        )
    name = res.name
    if not ctx.role.covers(ctx.data, name):
        return Reply(_("Geen toegang: {name} valt buiten uw provincie.").format(name=ctx.e(name)))
    checked = _decision(ctx, name, when, rest[0])
    if isinstance(checked, Reply):
        return checked
    if ctx.front.recorder is None:
        return Reply(_("Vastleggen kan hier niet: deze omgeving schrijft niet naar de sheet."))
    note = " ".join(rest[1:]) or _("vastgelegd door een persoon")

    def run() -> Reply:
        return person(ctx, name, when, rest[0], note).reply

    what = f"vastleggen {name} {when.isoformat()}"
    return Reply(
        busy(ctx, 1),
        action=Work(run, what, kind="vastleggen", key=("vastleggen", name, when, rest[0])),
    )


def busy(ctx: Ctx, n: int) -> str:
    return ctx.ngettext(
        "Bezig met vastleggen van {n} besluit…", "Bezig met vastleggen van {n} besluiten…", n
    ).format(n=n)


def _decision(ctx: Ctx, name: str, when: date, typed: str) -> Trede | Reply:
    """The typed step as the policy reads it (PZH: 3 is 3A), on a date one may decide on."""
    _ = ctx._
    if (why := date_refusal(ctx.data, [name], when, ctx.today)) is not None:
        return Reply(_("Niet vastgelegd: {why}").format(why=ctx.e(ctx.fmt.reason(why))))
    policy, _rule = ctx.data.policy_for(name, Period.containing(when))
    try:
        trede = Trede.parse(typed)
    except TredeError:
        trede = None
    if trede is not None and trede.code == "3":  # unsplit: as the policy reads it (PZH: 3A)
        trede = read_step(ctx.data, name, when, trede)
    if trede is None or trede.code not in policy.ladder:
        return Reply(
            _("Trede {trede} kent het kader {kader} niet; kies uit {known}.").format(
                trede=echo(typed), kader=ctx.e(policy.code), known=", ".join(policy.ladder)
            )
        )
    return trede


def person(ctx: Ctx, name: str, when: date, typed: str, note: str) -> Outcome:
    """A person's decision, checked again against the sheet as it is now, under the lock."""
    _ = ctx._
    recorder = ctx.front.recorder
    try:
        with recorder.locked():
            now = _fresh(ctx, recorder)
            if name not in now.data.records:
                raise WriteError(_("{name} staat niet meer in de sheet.").format(name=name))
            checked = _decision(now, name, when, typed)
            if isinstance(checked, Reply):
                return Outcome(checked, WriteError(checked.text))
            return write(now, [LadderRow(name, when, checked, note, who(now))])
    except WriteError as exc:  # the lock refused (read-only, busy) or the sheet did not read
        return Outcome(Reply(_("Niet vastgelegd: {error}").format(error=ctx.e(str(exc)))), exc)
