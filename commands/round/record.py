"""Record the round's decisions, or one person's (/vastleggen), in the sheet's `ladder` tab."""

from __future__ import annotations

from datetime import date

from commands.context import Ctx
from commands.inputs import echo
from commands.reply import Button, Reply, Work
from commands.round.arguments import date_at, reading, round_for, who
from engine.checkpoint_round import CONFLICT, OPEN, RECORDABLE, Round
from engine.periods import Period
from engine.treden import Trede, TredeError
from sheets.sources.ladder import LadderRow, UncertainWrite, WriteError, Written


def confirm(ctx: Ctx, when: date, provincie: str) -> Reply:
    _ = ctx._
    rnd = round_for(ctx, when, provincie)
    n = len(rnd.by_state(RECORDABLE))
    if not n:
        return Reply(_("Er is niets vast te leggen voor {date}.").format(date=ctx.fmt.date(when)))
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
                Button(_("✅ Ja, vastleggen"), f"k|ronde|ja {iso} {provincie}"[:64]),
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


def record_round(ctx: Ctx, when: date, provincie: str) -> Reply:
    return record(ctx, *to_record(ctx, round_for(ctx, when, provincie)))


def record(ctx: Ctx, todo: list[LadderRow], skipped: int = 0) -> Reply:
    _ = ctx._
    recorder = ctx.front.recorder
    if recorder is None:
        return Reply(_("Vastleggen kan hier niet: deze omgeving schrijft niet naar de sheet."))
    if not todo:
        return Reply(_("Er is niets vast te leggen."))
    names = reading(ctx)

    def run() -> Reply:
        try:
            written = recorder.record(todo, names)
        except UncertainWrite as exc:
            return Reply(_("Let op, {error}").format(error=ctx.e(str(exc))))
        except WriteError as exc:
            return Reply(_("Niet vastgelegd: {error}").format(error=ctx.e(str(exc))))
        return Reply(report(ctx, written, skipped))

    return Reply(
        ctx.ngettext(
            "Bezig met vastleggen van {n} besluit…",
            "Bezig met vastleggen van {n} besluiten…",
            len(todo),
        ).format(n=len(todo)),
        action=Work(
            run,
            f"ronde:vastleggen {len(todo)}",
            kind="vastleggen",
            key=("vastleggen", *((r.gemeente, r.datum, r.trede.code) for r in todo)),
        ),
    )


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
        if (hit := date_at(words, i)) is not None:
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
    try:
        trede = Trede.parse(rest[0])
    except TredeError:
        trede = None
    # the policy a recorded step is read in (engine.replay.standing: the decision's period)
    policy, _rule = ctx.data.policy_for(name, Period.containing(when))
    if trede is None or trede.code not in policy.ladder:
        return Reply(
            _("Trede {trede} kent het kader {kader} niet; kies uit {known}.").format(
                trede=echo(rest[0]), kader=ctx.e(policy.code), known=", ".join(policy.ladder)
            )
        )
    note = " ".join(rest[1:]) or _("vastgelegd door een persoon")
    return record(ctx, [LadderRow(name, when, trede, note, who(ctx))])
