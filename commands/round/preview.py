"""/ronde [datum] [provincie]: the province's checkpoint round (issue 18), and its buttons.

The preview lists what every municipality in scope proposes and what is already recorded; the
*Vastleggen* button (after a confirm) writes each decided step to the `ladder` tab
(commands.round.record), the *Brieven* button drafts one letter per municipality
(commands.round.letters). The preview, writing and drafting are heavy: each is `Work` the bot runs in its lane.
"""

from __future__ import annotations

from datetime import date

from commands.common import footer
from commands.context import Ctx
from commands.excel import slug
from commands.reply import Button, Reply
from commands.round.arguments import refusal, round_for
from commands.round.tables import rows, workbook
from engine.checkpoint_round import CONFLICT, KIND_LABELS, OPEN, RECORDABLE, RECORDED
from engine.state import unconfirmed_reason

LISTED = 8  # open and conflicting municipalities named in the chat; the .xlsx has them all


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
        _("Brieven compleet: {complete} · aan te vullen: {todo} (zie het overzicht)").format(
            complete=sum(e.complete for e in rnd.entries),
            todo=sum(not e.complete for e in rnd.entries),
        ),
    ]
    if rnd.entries and (
        kader := ctx.data.kader_unconfirmed(rnd.entries[0].gemeente, when, rnd.period)
    ):
        note = unconfirmed_reason(kader, provincie, when, rnd.period)
        lines.append("<i>" + ctx.e(ctx.fmt.reason(note)) + "</i>")
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
    refused = refusal(ctx, rnd)
    if when > ctx.today:
        lines += ["", _("<b>{date} is nog niet bereikt:</b> dit is een vooruitblik; vastleggen "
                        "en brieven kunnen vanaf die datum.").format(date=ctx.fmt.date(when))]  # fmt: skip
    elif refused is not None:
        lines += ["", _("Vastleggen kan niet: {why}").format(why=ctx.e(refused))]
    iso = when.isoformat()
    keyboard = []
    if refused is None and rnd.by_state(RECORDABLE):
        keyboard.append(
            Button(
                _("Vastleggen ({n})").format(n=len(rnd.by_state(RECORDABLE))),
                f"k|ronde|vastleggen {iso} {provincie}"[:64],
            )
        )
    in_group = ctx.role is not None and ctx.role.group  # letters carry staff-only reasons
    if when <= ctx.today and not in_group:  # letters of a date to come: figures not final
        keyboard.append(Button(_("Brieven"), f"k|ronde|brieven {iso} {provincie}"[:64]))
    return Reply(
        "\n".join(lines),
        keyboard=[keyboard] if keyboard else [],
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
