"""The *Brieven* button: every letter of the round as one .zip, drafted after the reply."""

from __future__ import annotations

from datetime import date

from commands.context import Ctx
from commands.reply import Reply, Work
from commands.round.arguments import round_for
from commands.round.letters.bundle import MISSING


def letters(ctx: Ctx, when: date, provincie: str) -> Reply:
    _ = ctx._
    if ctx.role is not None and ctx.role.group:
        # A letter carries a municipality's verschoonbare reden, which /ladder hides in groups.
        return Reply(
            _(
                "Brieven zijn voor medewerkers van de provincie, in een privégesprek met "
                "Taakbot: vraag ze daar op met /ronde."
            )
        )
    if when > ctx.today:
        return Reply(
            _("{date} is nog niet bereikt: brieven kunnen vanaf die datum.").format(
                date=ctx.fmt.date(when)
            )
        )
    draft = ctx.front.letters
    if draft is None:
        return Reply(_("Brieven maken kan hier niet."))
    rnd = round_for(ctx, when, provincie)

    def run() -> Reply:
        try:
            content, name, n = draft(ctx, rnd, provincie)
        except ValueError as exc:
            return Reply(_("Geen brieven: {error}").format(error=ctx.e(str(exc))))
        text = ctx.ngettext(
            "{n} brief voor {provincie} per {date}, met het overzicht (.xlsx).",
            "{n} brieven voor {provincie} per {date}, met het overzicht (.xlsx).",
            n,
        ).format(n=n, provincie=ctx.e(provincie), date=ctx.fmt.date(when))
        if n < len(rnd.entries):  # one municipality's data never stops the others' letters
            text += "\n" + _("{n} gemeenten zonder brief: de reden staat in {file}.").format(
                n=len(rnd.entries) - n, file=MISSING
            )
        return Reply(
            text,
            document=content,
            document_name=name,
        )

    return Reply(
        ctx.ngettext("Bezig met {n} brief…", "Bezig met {n} brieven…", len(rnd.entries)).format(
            n=len(rnd.entries)
        ),
        action=Work(run, f"ronde:brieven {when.isoformat()} {provincie}", kind="brieven"),
    )
