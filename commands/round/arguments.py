"""What /ronde and /vastleggen are asked: a date, a province in the user's scope, who asks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from commands.context import Ctx
from commands.inputs import echo
from commands.reply import Button, Reply
from engine.checkpoint_round import Round, checkpoint_round, date_refusal
from engine.periods import Period, checkpoint_kind
from engine.replay import last_checkpoint
from engine.treden import Trede
from sheets.sources.ladder import Reading
from sheets.tabs.values import MONTHS, CellError, day


def who(ctx: Ctx) -> str:
    name = ctx.user_name
    return f"{name} ({ctx.user_id})".strip() if ctx.user_id else "console"


def reading(ctx: Ctx) -> Reading:
    """How the writer reads the ladder tab, as the rest of Taakbot does: a gemeente's other
    names, and a recorded step in the numbering of the policy ruling it then (PZH: 3 is 3A)."""
    data = ctx.data

    def names(gemeente: str) -> tuple[str, ...]:
        rec = data.records.get(gemeente)
        return (gemeente, *(rec.municipality.aliases if rec else ()))

    def step(gemeente: str, when: date, code: str) -> str:
        return read_step(data, gemeente, when, Trede(code)).code

    return Reading(names, step)


def read_step(data, gemeente: str, when: date, trede: Trede) -> Trede:
    """A step as the policy in force for the decision's period reads it (engine.replay reads a
    recorded step so too)."""
    if gemeente not in data.records:
        return trede
    policy, _rule = data.policy_for(gemeente, Period.containing(when))
    return policy.normalise(trede)


def date_at(words: Sequence[str], i: int) -> tuple[date, int] | CellError | None:
    """A date starting at words[i] ('2022-07-01', '1-7-2022' or '1 juli 2022') and the
    number of words it takes; the parser's refusal when the words are a date that does not
    exist or lies outside 2000–2100 ('31-02-2022', '1-10-9999'); None when they are no date."""
    for size in (3, 1):
        chunk = words[i : i + size]
        text = " ".join(chunk)
        if len(chunk) < size or not text[:1].isdigit():
            continue
        if size == 1 and not any(c in text for c in "-/"):
            continue  # a bare number is no date here
        try:
            return day(text), size
        except CellError as exc:
            if size == 1 or chunk[1].casefold().rstrip(".") in MONTHS:
                return exc
    return None


def _find_date(words: Sequence[str]) -> tuple[date | None, list[str]] | CellError:
    """The first date among the words, and the other words."""
    for i in range(len(words)):
        hit = date_at(words, i)
        if isinstance(hit, CellError):
            return hit
        if hit is not None:
            return hit[0], [*words[:i], *words[i + hit[1] :]]
    return None, list(words)


def _parse(ctx: Ctx, words: Sequence[str]) -> tuple[date, str | None] | Reply:
    """`[datum] [provincie]` in any order; the date defaults to the latest checkpoint."""
    _ = ctx._
    found = _find_date(words)
    if isinstance(found, CellError):
        return Reply(ctx.e(str(found)))
    when, rest = found
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


def arguments(ctx: Ctx, text: str) -> tuple[date, str] | Reply:
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


def refusal(ctx: Ctx, rnd: Round) -> str | None:
    """Why this round records nothing: a date still to come, or none to decide on."""
    if rnd.day > ctx.today:
        return ctx._("{date} is nog niet bereikt: er wordt niets vastgelegd.").format(
            date=ctx.fmt.date(rnd.day)
        )
    why = date_refusal(ctx.data, [e.gemeente for e in rnd.entries], rnd.day, ctx.today)
    return ctx.fmt.reason(why) if why else None
