"""/ronde [datum] [provincie] and /vastleggen: the province's checkpoint round (issue 18).

The preview lists what every municipality in scope proposes and what is already recorded; the
*Vastleggen* button (after a confirm) writes each decided step to the `ladder` tab, the
*Brieven* button drafts one letter per municipality. Writing and drafting are slow: they run as
`Work` after the reply, off the event loop, and step aside for other users' replies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from commands.common import footer
from commands.context import Ctx
from commands.excel import slug
from commands.inputs import echo
from commands.reply import Button, Reply, Work
from commands.round_table import rows, workbook
from engine.checkpoint_round import (
    CONFLICT,
    KIND_LABELS,
    OPEN,
    RECORDABLE,
    RECORDED,
    Round,
    RoundError,
    checkpoint_round,
)
from engine.periods import Period, checkpoint_kind
from engine.replay import last_checkpoint
from engine.treden import Trede, TredeError
from sheets.sources.ladder_writer import LadderRow, WriteError, Written
from sheets.tabs.values import CellError, day

RECORDER = "recorder"  # Ctx.extras: sheets.sources.ladder_writer.Recorder of the front end
LETTERS = "letters"  # Ctx.extras: commands.round_letters.zipped with its settings, or absent
LISTED = 8  # open and conflicting municipalities named in the chat; the .xlsx has them all


def _who(ctx: Ctx) -> str:
    name = ctx.extras.get("user_name") or ""
    return f"{name} ({ctx.user_id})".strip() if ctx.user_id else "console"


def _aliases(ctx: Ctx):
    def names(gemeente: str) -> tuple[str, ...]:
        rec = ctx.data.records.get(gemeente)
        return (gemeente, *(rec.municipality.aliases if rec else ()))

    return names


def _date_at(words: Sequence[str], i: int) -> tuple[date, int] | None:
    """A date starting at words[i] ('2022-07-01', '1-7-2022' or '1 juli 2022') and the
    number of words it takes."""
    for size in (3, 1):
        chunk = words[i : i + size]
        text = " ".join(chunk)
        if len(chunk) < size or not text[:1].isdigit():
            continue
        if size == 1 and not any(c in text for c in "-/"):
            continue  # a bare number is no date here
        try:
            return day(text), size
        except CellError:
            continue
    return None


def _find_date(words: Sequence[str]) -> tuple[date | None, list[str]]:
    """The first date among the words, and the other words."""
    for i in range(len(words)):
        if (hit := _date_at(words, i)) is not None:
            return hit[0], [*words[:i], *words[i + hit[1] :]]
    return None, list(words)


def _parse(ctx: Ctx, words: Sequence[str]) -> tuple[date, str | None] | Reply:
    """`[datum] [provincie]` in any order; the date defaults to the latest checkpoint."""
    _ = ctx._
    when, rest = _find_date(words)
    when = when or last_checkpoint(ctx.today)
    if checkpoint_kind(when) is None:
        return Reply(
            _("{date} is geen toetsdatum: kies 1 januari, 1 april, 1 juli of 1 oktober.").format(
                date=ctx.fmt.date(when)
            )
        )
    return when, " ".join(rest).strip() or None


def _provinces(ctx: Ctx, asked: str | None) -> list[str] | Reply:
    _ = ctx._
    role = ctx.role
    mine = [p for p, names in ctx.data.provinces().items() if role.covers_area(ctx.data, names)]
    if asked:
        res = ctx.names.resolve(asked, ("provincie",))
        if not (res.found and res.name):
            return Reply(_("Provincie {name} staat niet in de sheet.").format(name=echo(asked)))
        if res.name not in mine:
            return Reply(_("Geen toegang: de ronde van {name} is voor die provincie.").format(
                name=ctx.e(res.name)))  # fmt: skip
        return [res.name]
    if not mine:
        return Reply(_("Geen toegang: de ronde is voor provinciemedewerkers van een provincie."))
    return mine


def _args(ctx: Ctx, text: str) -> tuple[date, str] | Reply:
    parsed = _parse(ctx, text.split())
    if isinstance(parsed, Reply):
        return parsed
    when, asked = parsed
    provinces = _provinces(ctx, asked)
    if isinstance(provinces, Reply):
        return provinces
    if len(provinces) > 1:
        _ = ctx._
        iso = when.isoformat()
        return Reply(
            _("Welke provincie? De ronde gaat per provincie."),
            keyboard=[[Button(p, f"k|ronde|{iso} {p}"[:64])] for p in provinces],
        )
    return when, provinces[0]


def round_for(ctx: Ctx, when: date, provincie: str) -> Round:
    names = [n for n in ctx.data.provinces().get(provincie, []) if ctx.role.covers(ctx.data, n)]
    return checkpoint_round(ctx.data, when, names)


def ronde(ctx: Ctx, args: str) -> Reply:
    words = args.split()
    action = words[0].lower() if words else ""
    if action in ("vastleggen", "ja", "nee", "brieven"):
        target = _args(ctx, " ".join(words[1:]))
        if isinstance(target, Reply):
            return target
        return {
            "vastleggen": _confirm,
            "ja": _record_round,
            "nee": _cancelled,
            "brieven": _letters,
        }[action](ctx, *target)
    target = _args(ctx, args)
    if isinstance(target, Reply):
        return target
    return preview(ctx, *target)


def preview(ctx: Ctx, when: date, provincie: str) -> Reply:
    _ = ctx._
    rnd = round_for(ctx, when, provincie)
    table = rows(rnd, ctx.fmt.reason)
    counts = rnd.counts()
    order = sorted(counts, key=lambda label: (label == "?", "/" in label, label))
    steps = " · ".join(f"{label}: {counts[label]}" for label in order)
    lines = [
        _("<b>Ronde {date} — {provincie}</b>").format(
            date=ctx.fmt.date(when), provincie=ctx.e(provincie)
        ),
        _("{kind} {period}, {n} gemeenten.").format(
            kind=_(KIND_LABELS[rnd.kind]), period=rnd.period.label, n=len(rnd.entries)
        ),
        _("Voorstel per trede: {steps}").format(steps=steps),
        _(
            "Vast te leggen: {recordable} · al vastgelegd: {recorded} · open: {open} · "
            "wijkt af: {conflict}"
        ).format(
            recordable=len(rnd.by_state(RECORDABLE)),
            recorded=len(rnd.by_state(RECORDED)),
            open=len(rnd.by_state(OPEN)),
            conflict=len(rnd.by_state(CONFLICT)),
        ),  # fmt: skip
    ]
    for state, title in (
        (CONFLICT, _("Wijkt af van de regels (niet overschreven):")),
        (OPEN, _("Een persoon beslist (/vastleggen):")),
    ):
        entries = rnd.by_state(state)
        if not entries:
            continue
        lines += ["", f"<b>{title}</b>"]
        groups = _grouped(ctx, entries)
        for names, text in groups[:LISTED]:
            lines.append(_line(ctx, names, text))
        if len(groups) > LISTED:
            rest = sum(len(names) for names, _text in groups[LISTED:])
            lines.append(_("… en {n} meer; zie de bijlage.").format(n=rest))
    note = footer(ctx)
    if note:
        lines += ["", note]
    iso = when.isoformat()
    keyboard = []
    if rnd.by_state(RECORDABLE):
        keyboard.append(
            Button(
                _("Vastleggen ({n})").format(n=len(rnd.by_state(RECORDABLE))),
                f"k|ronde|vastleggen {iso} {provincie}"[:64],
            )
        )
    keyboard.append(Button(_("Brieven"), f"k|ronde|brieven {iso} {provincie}"[:64]))
    return Reply(
        "\n".join(lines),
        keyboard=[keyboard],
        document=workbook(table, f"ronde {iso}"),
        document_name=f"ronde-{slug(provincie, 'ronde')}-{iso}.xlsx",
    )


def _grouped(ctx: Ctx, entries) -> list[tuple[list[str], str]]:
    """Municipalities with the same proposal and the same open question on one line (a phone
    shows 'Alblasserdam, Albrandswaard en 40 meer: ? — geen taakstelling …' once)."""
    _ = ctx._
    groups: dict[str, list[str]] = {}
    for e in entries:
        if e.state == CONFLICT:
            text = _("vastgelegd {recorded}, de regels geven {rules}").format(
                recorded=e.recorded.trede.code, rules=e.label
            )
        else:
            why = ctx.e(ctx.fmt.reason(e.open)) if e.open else _("onbekend")
            where = (
                _(" (op te lossen in: {where})").format(where=ctx.e(e.settle)) if e.settle else ""
            )
            text = f"{e.label} — {why}{where}"
        groups.setdefault(text, []).append(e.gemeente)
    return sorted(((names, text) for text, names in groups.items()), key=lambda g: len(g[0]))


def _line(ctx: Ctx, names: list[str], text: str) -> str:
    shown = ", ".join(ctx.e(n) for n in names[:3])
    if len(names) > 3:
        shown = ctx._("{names} en {n} meer").format(names=shown, n=len(names) - 3)
    return f"• {shown}: {text}"


def _confirm(ctx: Ctx, when: date, provincie: str) -> Reply:
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


def _cancelled(ctx: Ctx, when: date, provincie: str) -> Reply:
    return Reply(ctx._("Geannuleerd; er is niets vastgelegd."))


def to_record(ctx: Ctx, rnd: Round) -> tuple[list[LadderRow], int]:
    """The rows the round may write (one step, nothing recorded yet), and how many wait for
    a person (open or conflicting)."""
    todo = [
        LadderRow(e.gemeente, rnd.day, e.proposal, ctx.fmt.reason(e.toelichting()), _who(ctx))
        for e in rnd.by_state(RECORDABLE)
    ]
    return todo, len(rnd.by_state(OPEN)) + len(rnd.by_state(CONFLICT))


def _record_round(ctx: Ctx, when: date, provincie: str) -> Reply:
    return _record(ctx, *to_record(ctx, round_for(ctx, when, provincie)))


def _record(ctx: Ctx, todo: list[LadderRow], skipped: int = 0) -> Reply:
    _ = ctx._
    recorder = ctx.extras.get(RECORDER)
    if recorder is None:
        return Reply(_("Vastleggen kan hier niet: deze omgeving schrijft niet naar de sheet."))
    if not todo:
        return Reply(_("Er is niets vast te leggen."))
    aliases = _aliases(ctx)

    def run() -> Reply:
        try:
            written = recorder.record(todo, aliases)
        except WriteError as exc:
            return Reply(_("Niet vastgelegd: {error}").format(error=ctx.e(str(exc))))
        return Reply(report(ctx, written, skipped))

    return Reply(
        ctx.ngettext(
            "Bezig met vastleggen van {n} besluit…",
            "Bezig met vastleggen van {n} besluiten…",
            len(todo),
        ).format(n=len(todo)),
        action=Work(run, f"ronde:vastleggen {len(todo)}"),
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
        if (hit := _date_at(words, i)) is not None:
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
    return _record(ctx, [LadderRow(name, when, trede, note, _who(ctx))])


def _letters(ctx: Ctx, when: date, provincie: str) -> Reply:
    _ = ctx._
    draft = ctx.extras.get(LETTERS)
    if draft is None:
        return Reply(_("Brieven maken kan hier niet."))
    rnd = round_for(ctx, when, provincie)

    def run() -> Reply:
        try:
            content, name, n = draft(ctx, rnd, provincie)
        except ValueError as exc:
            return Reply(_("Geen brieven: {error}").format(error=ctx.e(str(exc))))
        return Reply(
            ctx.ngettext(
                "{n} brief voor {provincie} per {date}, met het overzicht (.xlsx).",
                "{n} brieven voor {provincie} per {date}, met het overzicht (.xlsx).",
                n,
            ).format(n=n, provincie=ctx.e(provincie), date=ctx.fmt.date(when)),
            document=content,
            document_name=name,
        )

    return Reply(
        ctx.ngettext("Bezig met {n} brief…", "Bezig met {n} brieven…", len(rnd.entries)).format(
            n=len(rnd.entries)
        ),
        action=Work(run, f"ronde:brieven {when.isoformat()} {provincie}"),
    )


__all__ = [
    "LETTERS",
    "RECORDER",
    "RoundError",
    "preview",
    "report",
    "ronde",
    "round_for",
    "to_record",
    "vastleggen",
]
