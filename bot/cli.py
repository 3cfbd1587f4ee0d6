"""`taakbot`: run the bot, ask it from a console, check and export the sheet.

Every failure ends as one Dutch line on stderr and a distinct exit code (the README lists them);
the traceback goes to the log, redacted, at DEBUG only.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sqlite3
import sys
from datetime import date
from pathlib import Path

from bot.settings import SettingError, Settings

log = logging.getLogger("taakbot")


def _services(args):
    from bot.services import Services

    env = dict(os.environ)
    if getattr(args, "source", None):
        env["TAAKBOT_SOURCE"] = args.source
    settings = Settings(env)
    return settings, Services.from_settings(settings)


def _role(name: str | None):
    from commands.roles import PROVINCE, ROLES, Role

    if name is None:
        return Role(PROVINCE, "*", "console")
    kind, _, scope = name.partition(":")
    if kind not in ROLES:
        raise UsageError(f"--as: onbekende rol {kind!r}; kies uit {', '.join(ROLES)}")
    if kind != PROVINCE and not scope.strip():
        raise UsageError(f"--as {kind}: geef de scope mee, bijvoorbeeld --as {kind}:<naam>")
    return Role(kind, scope.strip() or "*", "console")


def cmd_ask(args) -> int:
    from bot.console import ask, open_console

    settings, services = _services(args)
    with open_console(services, settings):
        ask(services, args.text, role=_role(args.as_role), lang=args.lang, today=args.today)
    return 0


def cmd_chat(args) -> int:
    from bot.console import chat, open_console

    settings, services = _services(args)
    with open_console(services, settings):
        chat(services, role=_role(args.as_role), lang=args.lang, today=args.today)
    return 0


def cmd_check(args) -> int:
    from commands.admin import finding_label
    from engine.audit import CONTRADICTIONS, audit
    from sheets.overviews.readings import header_readings

    _, services = _services(args)
    data = services.cache.get()
    errors = [p for p in data.problems if p.severity == "fout"]
    for p in data.problems:
        print(f"{p.severity}: {p}")
    findings = audit(data, day=args.today or services.today())
    for f in findings:
        print(f"{finding_label(f)}: {f}")
    for line in header_readings(data):  # how each column was read (sheets.overviews.readings)
        print(f"kolom: {line}")
    contradictions = sum(f.kind in CONTRADICTIONS for f in findings)
    kaders = sum(f.kind == "kader" for f in findings)
    print(
        f"{len(errors) + kaders} fouten, {len(data.problems) - len(errors)} waarschuwingen, "
        f"{contradictions} tegenstrijdigheden, {len(findings) - contradictions - kaders} "
        f"ontbrekende of onbekende gegevens ({data.source})"
    )
    return 1 if errors or kaders else 0


def _dump(rows: list[dict], columns, fmt: str) -> None:
    if fmt == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    from sheets.tabs.values import csv_text

    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:  # text a spreadsheet would run gets a leading apostrophe (OWASP)
        writer.writerow(
            {k: csv_text(" | ".join(v) if isinstance(v, list) else v) for k, v in row.items()}
        )


def cmd_export(args) -> int:
    from commands.export import EXPORT_COLUMNS, export_rows

    _, services = _services(args)
    _dump(export_rows(services.cache.get(), args.date), EXPORT_COLUMNS, args.format)
    return 0


def cmd_assess(args) -> int:
    from commands.export import ASSESS_COLUMNS, assess_rows

    _, services = _services(args)
    try:
        data = services.cache.get()
        provincie = _province(data, args.provincie) if args.provincie else None
        rows = assess_rows(data, args.date, provincie)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    _dump(rows, ASSESS_COLUMNS, "json" if args.json else "csv")
    return 0


def cmd_ronde(args) -> int:
    """The checkpoint round for one province: preview, and on request record and draft. The
    recording is the chat's own flow (commands.round.record.recording): the sheet read again
    under the lock, compared with what was printed, written once."""
    from bot.console import plain
    from commands.round import round_for
    from commands.round.arguments import refusal
    from commands.round.record import fingerprint, recording, shown
    from commands.round.tables import rows
    from engine.checkpoint_round import RECORDABLE
    from engine.periods import checkpoint_kind
    from sheets.sources.ladder import UncertainWrite

    settings, services = _services(args)
    ctx = services.ctx(user_id=0, role=_role(None), today=services.today())
    if checkpoint_kind(args.date) is None:
        raise UsageError(
            f"{args.date.isoformat()} is geen toetsdatum (1 januari, 1 april, 1 juli of 1 oktober)"
        )
    provincie = _province(ctx.data, args.provincie)
    rnd = round_for(ctx, args.date, provincie)
    table = rows(rnd, ctx.fmt.reason)
    if args.json:
        json.dump(table, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_round(rnd, table, provincie, ctx.data)
    to_come = args.date > ctx.today
    if to_come:
        print(
            f"{args.date.isoformat()} is nog niet bereikt: dit is een vooruitblik.",
            file=sys.stderr,
        )
    if args.brieven:
        if to_come:
            raise UsageError("Brieven kunnen pas vanaf de toetsdatum; er is niets geschreven.")
        write_letters(ctx, rnd, provincie, Path(args.brieven), settings)
    if not args.vastleggen:
        return 0
    if (why := refusal(ctx, rnd)) is not None:
        raise UsageError(f"Niet vastgelegd: {why}")
    todo = len(rnd.by_state(RECORDABLE))
    if not todo:
        print("Niets vast te leggen: elk besluit staat er al of wacht op een persoon.")
        return 0
    question = (
        f"{todo} besluiten vastleggen in het tabblad ladder van {ctx.data.source}, "
        f"per {args.date.isoformat()}? [j/N] "
    )
    if not args.ja:
        if not sys.stdin.isatty():
            raise UsageError("Vastleggen vraagt om bevestiging: geef --ja mee in een script.")
        if input(question).strip().lower() not in ("j", "ja", "y", "yes"):
            print("Niets vastgelegd.")
            return 0
    done = recording(ctx, args.date, provincie, seen=fingerprint(shown(rnd)))
    if done.error is not None and not isinstance(done.error, UncertainWrite):
        print(f"Fout: {plain(done.reply.text)}", file=sys.stderr)
        remote = str(ctx.data.source).startswith(("Google", "Microsoft 365"))
        return SHEET if remote else SOURCE
    print(plain(done.reply.text))
    return UNFINISHED if done.changed or done.error is not None else OK


def _province(data, asked: str | None) -> str:
    provinces = list(data.provinces())
    if asked:
        hit = next((p for p in provinces if p.casefold() == asked.strip().casefold()), None)
        if hit is None:
            raise UsageError(f"--provincie {asked}: kies uit {', '.join(provinces)}")
        return hit
    if len(provinces) != 1:
        raise UsageError(f"De ronde gaat per provincie: geef --provincie ({', '.join(provinces)})")
    return provinces[0]


def print_round(rnd, table, provincie: str, data) -> None:
    from collections import Counter

    from commands.round.tables import COLUMNS
    from engine.reasons import dutch_number

    headers = dict(COLUMNS)
    shown = ("gemeente", "trede_voor", "voorstel", "vastgelegd", "status", "open_vraag")
    widths = {k: max(len(headers[k]), *(len(str(r[k] or "–")) for r in table)) for k in shown[:5]}
    print(f"Ronde {dutch_number(rnd.day)} — {provincie}: {len(table)} gemeenten")
    print("  ".join(headers[k].ljust(widths.get(k, 0)) for k in shown).rstrip())
    for r in table:
        cells = [str(r[k] if r[k] is not None else "–").ljust(widths.get(k, 0)) for k in shown]
        print("  ".join(cells).rstrip())
    counts = rnd.counts()
    print("Voorstel per trede: " + ", ".join(f"{k}: {counts[k]}" for k in sorted(counts)))
    states = Counter(r["status"] for r in table)
    print("; ".join(f"{k}: {v}" for k, v in states.items()))
    if rnd.entries and (
        kader := data.kader_unconfirmed(rnd.entries[0].gemeente, rnd.day, rnd.period)
    ):
        from engine.state import unconfirmed_reason

        print(unconfirmed_reason(kader, provincie, rnd.day, rnd.period))
    todo = [r for r in table if r["compleet"] != "ja"]
    if todo:
        print(f"Brieven aan te vullen of te controleren vóór verzending: {len(todo)}")
        for r in todo:
            print(f"  {r['gemeente']}: {r['aanvullen']}")


def write_letters(ctx, rnd, provincie: str, folder: Path, settings) -> None:
    from datetime import datetime

    from bot.services import letter_defaults
    from commands.round.letters import TemplateError
    from commands.round.letters.bundle import MISSING, FolderError, write_folder

    try:
        paths = write_folder(
            ctx, rnd, provincie, letter_defaults(settings), folder, datetime.now()
        )
    except (TemplateError, FolderError) as exc:
        raise UsageError(f"Brieven: {exc}") from None
    letters = [p for p in paths[1:] if p.suffix == ".docx"]
    print(f"{len(letters)} brieven en het overzicht geschreven naar {paths[0]}")
    for path in paths[1:]:
        if path.name == MISSING:  # one municipality's data never stops the others' letters
            print(path.read_text(encoding="utf-8").strip(), file=sys.stderr)


def cmd_backup(args) -> int:
    from bot.store import Store

    settings = Settings()
    store = Store(settings["TAAKBOT_DB"])
    try:
        target = store.backup(args.path)
    finally:
        store.close()
    print(f"Backup van {settings['TAAKBOT_DB']} geschreven naar {target}")
    return 0


def cmd_health(args) -> int:
    import urllib.error
    import urllib.request

    settings = Settings()
    port = (
        settings["TAAKBOT_WEBHOOK_PORT"]
        if settings["TAAKBOT_WEBHOOK_URL"]
        else settings["TAAKBOT_HEALTH_PORT"]
    )
    if port is None:
        raise UsageError("Geen /healthz: zet TAAKBOT_HEALTH_PORT (long polling) of een webhook.")
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            print(response.read().decode())
            return 0
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Taakbot antwoordt niet op {url} ({exc.__class__.__name__})", file=sys.stderr)
        return 1


def cmd_init_sheet(args) -> int:
    from sheets.sources.template import write_template

    try:
        write_template(Path(args.path))
    except ValueError as exc:  # an unknown suffix
        raise UsageError(str(exc)) from None
    print(f"Lege sheet met alle tabbladen geschreven naar {args.path}")
    return 0


def cmd_run(args) -> int:
    from bot.app import run

    return run(Settings())


def cmd_weekoverzicht(args) -> int:
    """This week's overview to whoever has not had it: e-mail, Teams, and Telegram when a token
    is set. Once per week per recipient however often it runs (the ledger)."""
    import asyncio
    from datetime import datetime

    from bot.channels.recipients import channel_of
    from bot.channels.weekly import moment, send_weekly

    settings, services = _services(args)
    when = moment(settings, datetime.now(settings["TAAKBOT_TIMEZONE"]), args.nu)
    done = asyncio.run(send_weekly(settings, services, when))
    s = done.summary
    if s is None:
        raise UsageError("Geen gegevens: de sheet kon niet worden gelezen; probeer het later.")
    per = {}
    for r in s.sent:
        per[channel_of(r)] = per.get(channel_of(r), 0) + 1
    channels = ", ".join(f"{n} {c}" for c, n in sorted(per.items())) or "niemand nieuw"
    print(
        f"Weekoverzicht {done.slot.isoformat()}: {len(s.sent)} verstuurd ({channels}), "
        f"{len(s.failed)} mislukt, {len(s.uncertain)} onzeker, {s.skipped} al elders bezig."
        + ("" if done.telegram else " Telegram niet: TAAKBOT_TELEGRAM_TOKEN is leeg.")
    )
    for recipient, error in sorted(s.failed.items(), key=lambda i: str(i[0])):
        print(f"  mislukt: {str(recipient).partition(':')[2] or recipient}: {error}")
    return CHECK_ERRORS if s.failed else OK


def cmd_vergeet_adres(args) -> int:
    """What Taakbot keeps about an e-mail address (its send log, its last overview's figures):
    for someone reached by e-mail only, who cannot use /vergeet."""
    from bot.store import Store
    from commands.records import mail_recipient
    from sheets.tabs.values import CellError, email_address

    try:
        address = email_address(args.adres)
    except CellError as exc:
        raise UsageError(str(exc)) from None
    store = Store(Settings()["TAAKBOT_DB"])
    try:
        removed = store.people.forget_address(mail_recipient(address or ""))
    finally:
        store.close()
    print(
        f"Gewist: {removed} regels over {address}. Haal het adres ook uit het tabblad "
        "gebruikers, anders krijgt het volgende week weer het weekoverzicht."
    )
    return OK


def _iso(text: str) -> date:
    """The one date parser (sheets.tabs.values.day): 2022-07-01 or 1-7-2022, 2000–2100."""
    from sheets.tabs.values import CellError, day

    try:
        found = day(text)
    except CellError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if found is None:
        raise argparse.ArgumentTypeError("geen datum (JJJJ-MM-DD)")
    return found


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="taakbot", description="Taakbot: taakstelling huisvesting vergunninghouders"
    )
    sub = p.add_subparsers(dest="command", required=True)

    def with_source(sp):
        sp.add_argument(
            "--source",
            help="werkmap, CSV-map of gsheet:<id> (anders TAAKBOT_SOURCE of de voorbeeldwerkmap)",
        )
        return sp

    for name, func, helptext in (
        ("ask", cmd_ask, "één vraag stellen"),
        ("chat", cmd_chat, "interactief gesprek in de console"),
    ):
        sp = with_source(sub.add_parser(name, help=helptext))
        sp.add_argument(
            "--today", type=_iso, help="datum JJJJ-MM-DD (anders vandaag of TAAKBOT_TODAY)"
        )
        sp.add_argument(
            "--as", dest="as_role", help="rol: provincie, coordinator:<regio>, gemeente:<gemeente>"
        )
        sp.add_argument("--lang", default="nl", choices=["nl", "en"])
        if name == "ask":
            sp.add_argument("text", help='bijvoorbeeld "/stand Leusden"')
        sp.set_defaults(func=func)
    sp = with_source(sub.add_parser("check", help="de sheet controleren"))
    sp.add_argument("--today", type=_iso, help="datum JJJJ-MM-DD voor ontbrekende besluiten")
    sp.set_defaults(func=cmd_check)
    sp = with_source(sub.add_parser("export", help="status per gemeente op een datum"))
    sp.add_argument("--date", type=_iso, required=True)
    sp.add_argument("--format", choices=["json", "csv"], default="json")
    sp.set_defaults(func=cmd_export)
    sp = with_source(sub.add_parser("assess", help="toets of beoordeling op een toetsdatum"))
    sp.add_argument("--date", type=_iso, required=True)
    sp.add_argument("--provincie", help="alleen de gemeenten van deze provincie")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_assess)
    sp = with_source(sub.add_parser("ronde", help="toetsronde: voorstel, vastleggen, brieven"))
    sp.add_argument("--date", type=_iso, required=True, help="toetsdatum JJJJ-MM-DD")
    sp.add_argument("--provincie", help="de provincie (nodig als de sheet er meer heeft)")
    sp.add_argument("--json", action="store_true", help="één regel per gemeente als JSON")
    sp.add_argument(
        "--vastleggen", action="store_true", help="besluiten schrijven in het tabblad ladder"
    )
    sp.add_argument("--ja", action="store_true", help="niet om bevestiging vragen (scripts)")
    sp.add_argument("--brieven", metavar="MAP", help="één brief per gemeente en het overzicht")
    sp.set_defaults(func=cmd_ronde)
    sp = sub.add_parser("init-sheet", help="lege sheet met alle tabbladen schrijven")
    sp.add_argument("path")
    sp.set_defaults(func=cmd_init_sheet)
    sub.add_parser("run", help="de Telegram-bot starten").set_defaults(func=cmd_run)
    sp = with_source(
        sub.add_parser("weekoverzicht", help="het weekoverzicht nu versturen (eens per week)")
    )
    sp.add_argument(
        "--nu", action="store_true", help="ook vóór het tijdstip van TAAKBOT_WEEKLY deze week"
    )
    sp.set_defaults(func=cmd_weekoverzicht)
    sp = sub.add_parser("vergeet-adres", help="wissen wat Taakbot over een e-mailadres bewaart")
    sp.add_argument("adres", help="het e-mailadres")
    sp.set_defaults(func=cmd_vergeet_adres)
    sp = sub.add_parser("backup", help="consistente kopie van TAAKBOT_DB maken")
    sp.add_argument("path", help="nieuw bestand, bijvoorbeeld /data/backup-2026-11-24.sqlite")
    sp.set_defaults(func=cmd_backup)
    sub.add_parser("health", help="/healthz van de draaiende bot opvragen").set_defaults(
        func=cmd_health
    )
    return p


class UsageError(ValueError):
    """A wrong command-line argument, said in one line."""


# Exit codes, most specific first; the README's table "Afsluitcodes" lists the same.
OK, CHECK_ERRORS, USAGE, SOURCE, SHEET, DATABASE, EXISTS, TOKEN, TELEGRAM, UNFINISHED = range(10)
BUG, INTERRUPTED, BROKEN_PIPE = 70, 130, 141


def failure(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line for an exception that reached the command line."""
    from telegram.error import InvalidToken, NetworkError

    from bot.store import StoreError

    # A SourceError comes only from a remote source (Google, Microsoft 365): if none was imported
    # (a workbook or CSV source), there is none to recognise; importing gspread costs 0.2 s.
    remote = sys.modules.get("sheets.sources.errors")

    if isinstance(exc, SettingError | UsageError):
        return USAGE, f"Instelling: {exc}" if isinstance(exc, SettingError) else str(exc)
    if isinstance(exc, InvalidToken):
        return TOKEN, (
            "Telegram weigert TAAKBOT_TELEGRAM_TOKEN. Controleer het token bij @BotFather "
            "(/mybots → API Token) of vraag een nieuw."
        )
    if isinstance(exc, NetworkError):
        return TELEGRAM, (
            "Telegram is onbereikbaar; controleer de internetverbinding (of "
            "TAAKBOT_TELEGRAM_API_URL) en probeer het opnieuw."
        )
    if isinstance(exc, StoreError):
        return DATABASE, str(exc)
    if isinstance(exc, sqlite3.Error):
        return DATABASE, f"Database (TAAKBOT_DB): {exc}; controleer het bestand en de rechten."
    if remote is not None and isinstance(exc, remote.SourceError):
        return SHEET, str(exc)
    if isinstance(exc, FileExistsError):
        return EXISTS, str(exc)
    if isinstance(exc, OSError):  # a missing or unreadable workbook, CSV folder or path
        return SOURCE, str(exc)
    if isinstance(exc, ImportError):
        return BUG, (
            f"Onderdeel {exc.name or exc} ontbreekt; installeer Taakbot opnieuw met "
            "pip install -e . (in de virtuele omgeving uit de README)."
        )
    return BUG, (
        f"Onverwachte fout ({type(exc).__name__}); draai opnieuw met TAAKBOT_LOG_LEVEL=DEBUG "
        "en meld het log."
    )


def main(argv: list[str] | None = None) -> int:
    from bot.redact import install, redact

    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except SettingError as exc:
        print(f"Instelling: {exc}", file=sys.stderr)
        return USAGE
    install(settings.secrets(), settings["TAAKBOT_LOG_LEVEL"])
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("Onderbroken.", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # `taakbot export … | head` closed the pipe: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
        return BROKEN_PIPE
    except Exception as exc:
        code, line = failure(exc)
        log.debug("Details", exc_info=True)  # redacted by the root handler's filter
        print(f"Fout: {redact(line)}" if code != USAGE else redact(line), file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
