"""/privacy and /vergeet: what Taakbot keeps about a person, for how long, and erasing it (AVG)."""

from __future__ import annotations

from dataclasses import dataclass

from commands.context import Ctx
from commands.records import mail_recipient
from commands.reply import Button, Reply

YES, NO = ("ja", "yes"), ("nee", "no")


@dataclass(frozen=True, slots=True)
class Forgotten:
    """Reply.action: the front end drops what it holds in memory about this user too."""

    user_id: int


def privacy(ctx: Ctx, args: str) -> Reply:
    _ = ctx._
    days = ctx.front.retention_days
    lines = [
        _("<b>Wat Taakbot over u bewaart</b>"),
        _(
            "• Uw Telegram-id en naam: in het tabblad gebruikers van de sheet, bijgehouden door "
            "de provincie of regio; zij halen u eruit als u geen toegang meer nodig heeft. Vroeg "
            "u toegang via een link, dan ook bij dat verzoek, tot /vergeet."
        ),
        _(
            "• Uw e-mailadres, als het in het tabblad gebruikers staat: om u het weekoverzicht "
            "en herinneringen per e-mail te sturen. Het verzendlogboek noemt het adres; het log "
            "niet. Afmelden: de regel onderaan elke e-mail."
        ),
        _(
            "• Wat dit gesprek volgt (/mijn), met uw Telegram-id en taal: tot u het ontvolgt of "
            "/vergeet gebruikt."
        ),
        _(
            "• Een verzendlogboek (welk bericht wanneer naar welk gesprek ging), zodat niets "
            "dubbel komt: {days} dagen, daarna automatisch gewist."
        ).format(days=days),
        _("• Uw taalkeuze (/taal): tot u /vergeet gebruikt."),
        _(
            "Taakbot bewaart de inhoud van uw berichten niet. /vergeet wist alles wat de bot "
            "zelf over u bewaart."
        ),
    ]
    return Reply("\n".join(lines))


def vergeet(ctx: Ctx, args: str) -> Reply:
    _ = ctx._
    store = ctx.front.personal_data
    if store is None:
        return Reply(_("Taakbot bewaart hier niets over u."))
    answer = args.strip().casefold()
    if answer in NO:
        return Reply(_("Er is niets gewist."))
    if answer not in YES:
        return Reply(
            _(
                "Hiermee wist u wat Taakbot over u bewaart: uw abonnementen (ook die u voor een "
                "groep aanmaakte), uw taalkeuze en het verzendlogboek van uw gesprek. Zeker weten?"
            ),
            keyboard=[
                [Button(_("Ja, wis alles"), "k|vergeet|ja"), Button(_("Nee"), "k|vergeet|nee")]
            ],
        )
    removed = store.forget(ctx.user_id)
    for user in ctx.data.users:  # their e-mail address's send log too
        if user.telegram_id == ctx.user_id and user.email:
            removed += store.forget_address(mail_recipient(user.email))
    return Reply(
        ctx.ngettext(
            "Gewist: {n} gegeven over u. Uw naam in de sheet beheert de provincie of regio.",
            "Gewist: {n} gegevens over u. Uw naam in de sheet beheert de provincie of regio.",
            removed,
        ).format(n=removed),
        action=Forgotten(ctx.user_id),
    )
