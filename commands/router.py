"""The one command table, and the dispatch that reads it.

`COMMANDS` lists every command with its English aliases, the roles that may use it, its handler
(a plain `(Ctx, args) -> Reply` function in its own module), its help line and what of it only
the bot in Telegram can do. The router, the bot's handlers, the command menus, /help and the
console all read this table; nothing registers itself on import. A new command is one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.lists import format_list

from commands import (
    admin,
    area,
    chart,
    excel,
    municipality,
    onboarding,
    privacy,
    subscriptions,
)
from commands import round as ronde
from commands.common import CALLBACK, actions, expand_truncated, own_scope
from commands.context import Ctx
from commands.inputs import clean
from commands.reply import Reply
from commands.roles import COORDINATOR, MUNICIPAL, PROVINCE, ROLE_LABELS
from engine.reasons import N_

ALL = (PROVINCE, COORDINATOR, MUNICIPAL)
WITH_ACTIONS = ("stand", "regio", "prognose", "ladder", "grafiek")  # buttons under the answer


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    run: Callable[[Ctx, str], Reply]
    help: str  # msgid
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ALL
    args: str = ""  # msgid for the argument, shown in /help
    telegram: str = ""  # msgid: what of it only the bot in Telegram does (the console says it)
    group_admins: bool = False  # in a group, only its admins may use it (the bot asks Telegram)
    in_groups: bool = True  # offered in the groups' command menu


def _start(ctx: Ctx, args: str) -> Reply:
    """/start, or /start <code> from a link (t.me/<bot>?start=g_leusden): a known user gets the
    answer for the link's scope, a new user a button to ask for access."""
    if not args.strip():
        return help_reply(ctx)
    if ctx.loading:
        return loading_reply(ctx)
    hit = onboarding.decode(ctx, args)
    if hit is None:
        reply = help_reply(ctx)
        reply.text = ctx._("Deze link ken ik niet (meer).") + "\n" + reply.text
        return reply
    kind, name = hit
    if ctx.role is None:
        return onboarding.welcome(ctx, kind, name)
    return handle(ctx, f"/stand {name}" if kind == "gemeente" else f"/regio regio {name}")


def _taal(ctx: Ctx, args: str) -> Reply:
    lang = args.strip().lower()[:2]
    if lang not in ("nl", "en"):
        return Reply(ctx._("Gebruik: /taal nl of /taal en"))
    other = Ctx(ctx.data, ctx.today, ctx.user_id, ctx.role, lang, ctx.names)
    return Reply(other._("Taal ingesteld op Nederlands."), language=lang)


SENDS = N_("Versturen doet alleen de bot in Telegram; de console verstuurt niets.")
PUSHES = N_("Berichten komen alleen via de bot in Telegram, niet in de console.")

COMMANDS: tuple[Command, ...] = (
    Command("start", _start, N_("wat Taakbot doet"), roles=()),
    Command("help", _start, N_("deze uitleg"), ("hulp",), roles=()),
    Command(
        "stand", municipality.stand, N_("stand van een gemeente"), ("status",), args=N_("gemeente")
    ),
    Command("regio", area.regio, N_("tabel van een regio"), ("region",), args=N_("regio")),
    Command(
        "provincie", area.provincie, N_("overzicht per regio"), ("province",), args=N_("provincie")
    ),
    Command(
        "prognose",
        municipality.prognose,
        N_("prognose voor het einde van de periode"),
        ("prognosis", "forecast"),
        args=N_("gemeente of regio"),
    ),
    Command(
        "ladder",
        municipality.ladder,
        N_("vastgelegde treden en de controle daarvan"),
        args=N_("gemeente"),
    ),
    Command(
        "deadlines",
        municipality.deadlines,
        N_("komende toetsdata en deadlines"),
        args=N_("[gemeente of regio]"),
    ),
    Command(
        "grafiek",
        chart.grafiek,
        N_("grafiek: gehuisvest tegen het schema"),
        ("chart",),
        args=N_("gemeente of regio"),
    ),
    Command(
        "controle", admin.controle, N_("datakwaliteit van de sheet"), ("check",), roles=(PROVINCE,)
    ),
    Command(
        "ververs",
        admin.ververs,
        N_("sheet nu verversen"),
        ("refresh",),
        roles=(PROVINCE, COORDINATOR),
    ),
    Command("taal", _taal, N_("taal: nl of en"), ("language",), roles=(), args="nl|en"),
    Command(
        "export",
        excel.export,
        N_("Excel-bestand met de cijfers"),
        roles=(PROVINCE, COORDINATOR),
        args=N_("[gemeente, regio of provincie]"),
    ),
    Command(
        "link",
        onboarding.link,
        N_("link waarmee een collega toegang vraagt"),
        roles=(PROVINCE, COORDINATOR),
        args=N_("gemeente of regio"),
    ),
    Command(
        "ronde",
        ronde.ronde,
        N_("toetsronde: voorstel per gemeente, vastleggen en brieven"),
        ("round",),
        roles=(PROVINCE,),
        args=N_("[datum] [provincie]"),
    ),
    Command(
        "vastleggen",
        ronde.vastleggen,
        N_("een besluit vastleggen in het tabblad ladder"),
        ("record",),
        roles=(PROVINCE,),
        args=N_("gemeente datum trede [toelichting]"),
    ),
    Command("toegang", onboarding.toegang, N_("toegang vragen met een link"), roles=()),
    Command(
        "toestaan",
        onboarding.toestaan,
        N_("een toegangsaanvraag toestaan"),
        roles=(PROVINCE, COORDINATOR),
    ),
    Command(
        "weigeren",
        onboarding.weigeren,
        N_("een toegangsaanvraag weigeren"),
        roles=(PROVINCE, COORDINATOR),
    ),
    Command(
        "volg",
        subscriptions.volg,
        N_("weekoverzicht en herinneringen ontvangen"),
        ("follow",),
        args=N_("gemeente, regio of provincie"),
        telegram=PUSHES,
        group_admins=True,
    ),
    Command(
        "ontvolg",
        subscriptions.ontvolg,
        N_("niet meer volgen"),
        ("unfollow",),
        args=N_("[naam of alles]"),
        group_admins=True,
    ),
    Command(
        "mijn",
        subscriptions.mijn,
        N_("wat dit gesprek volgt en wanneer berichten komen"),
        ("mine", "abonnementen"),
        telegram=PUSHES,
    ),
    Command(
        "herinnering",
        subscriptions.herinnering,
        N_("herinnering versturen (met voorbeeld)"),
        ("reminder",),
        roles=(PROVINCE,),
        args=N_("soort [gemeente, regio of provincie]"),
        telegram=SENDS,
    ),
    Command("privacy", privacy.privacy, N_("wat Taakbot over u bewaart"), roles=()),
    Command(
        "vergeet",
        privacy.vergeet,
        N_("wis wat Taakbot over u bewaart"),
        ("forget",),
        roles=(),
        in_groups=False,  # it erases a person's own data: in their own chat
    ),
)


def lookup(name: str) -> Command | None:
    name = name.lower()
    for c in COMMANDS:
        if name == c.name or name in c.aliases:
            return c
    return None


def parse(text: str) -> tuple[str, str]:
    """'/stand@taakbot_bot Den Haag' → ('stand', 'Den Haag')."""
    text = text.strip()
    if not text.startswith("/"):
        return "", text
    head, _, rest = text[1:].partition(" ")
    return head.split("@")[0].lower(), rest.strip()


def help_reply(ctx: Ctx) -> Reply:
    _ = ctx._
    lines = [
        _(
            "<b>Taakbot</b> vertelt waar een gemeente staat met de taakstelling huisvesting "
            "vergunninghouders: opgave, realisatie, interventieladder, prognose en deadlines."
        )
    ]
    if ctx.role is None and ctx.loading:
        lines.append(loading_reply(ctx).text)
        return Reply("\n".join(lines))
    if ctx.role is None:
        lines.append(
            _(
                "U heeft nog geen toegang. Vraag de coördinator van uw regio om een link "
                "naar Taakbot; daarmee vraagt u toegang met één tik. Uw Telegram-id is {id}."
            ).format(id=f"<code>{ctx.user_id}</code>")
        )
        return Reply("\n".join(lines))
    lines.append(
        _("Uw rol: {role} voor {scope}. Uw Telegram-id is {id}.").format(
            role=_(ROLE_LABELS.get(ctx.role.kind, ctx.role.kind)),
            scope=ctx.e(ctx.role.scope),
            id=f"<code>{ctx.user_id}</code>",
        )
    )
    for c in COMMANDS:
        if c.roles and ctx.role.kind not in c.roles:
            continue
        arg = f" &lt;{ctx.e(_(c.args))}&gt;" if c.args else ""
        lines.append(f"/{c.name}{arg} — {ctx.e(_(c.help))}")
    return Reply("\n".join(lines))


def loading_reply(ctx: Ctx) -> Reply:
    """Before the first read of the sheet has finished (just after start-up)."""
    text = ctx._("De gegevens worden geladen; probeer het over een paar seconden opnieuw.")
    error = ctx.loading
    if isinstance(error, str) and ctx.role is not None:  # the bot's admins see why
        text += "\n" + ctx._("Lezen lukte nog niet: {error}. Ik probeer het opnieuw.").format(
            error=ctx.e(error)
        )
    return Reply(text)


def handle(ctx: Ctx, text: str) -> Reply:
    """Answer one message; unknown or unauthorised requests get a short, friendly reply."""
    _ = ctx._
    name, args = parse(clean(text))  # no control character reaches a command or its echo
    command = lookup(name) if name else None
    if ctx.loading and (command.roles if command else not name):
        return loading_reply(ctx)  # /start, /help and /taal need no sheet
    if ctx.role is None and not ctx.loading:
        ctx.role = onboarding.granted_role(ctx)  # the gebruikers tab wins: only when unlisted
    if command is None:
        if not name and ctx.role is not None and args:
            return _bare_text(ctx, args)
        return Reply(_("Dat commando ken ik niet. Zie /help."))
    if command.roles:
        if ctx.role is None:
            return help_reply(ctx)
        if ctx.role.kind not in command.roles:
            return Reply(
                _("/{name} is alleen voor de rol {roles}.").format(
                    name=command.name,
                    roles=format_list(
                        [_(ROLE_LABELS[r]) for r in command.roles],
                        style="or",
                        locale=ctx.fmt.locale,
                    ),
                )
            )
    reply = command.run(ctx, args)
    target, ctx.target = ctx.target, None
    if target is not None and not reply.keyboard and command.name in WITH_ACTIONS:
        reply.keyboard = actions(ctx, target, command.name)
    return reply


def _bare_text(ctx: Ctx, text: str) -> Reply:
    """A name typed without a command is /stand (or /regio, /provincie for those names); a
    greeting or anything else that is no name gets a pointer, never a guessed municipality."""
    res = ctx.names.resolve(text)
    if res.found and res.kind in ("regio", "provincie"):
        return handle(ctx, f"/{res.kind} {text}")
    if res.found or res.candidates:
        return handle(ctx, f"/stand {text}")
    own = own_scope(ctx)
    lead = ctx._(
        "Typ een gemeente of een commando, bijvoorbeeld /stand {example}; /help geeft de rest."
    )
    return Reply(lead.format(example=ctx.e(own[1] if own else "Leusden")))


def handle_callback(ctx: Ctx, data: str) -> Reply:
    """Keyboard choices come back as 'k|<command>|<name>' (see commands.common.callback_data)."""
    kind, _, rest = data.partition("|")
    if kind != CALLBACK:
        return Reply(ctx._("Deze knop werkt niet meer."))
    command, _, name = rest.partition("|")
    return handle(ctx, f"/{command} {expand_truncated(ctx, name)}".rstrip())
