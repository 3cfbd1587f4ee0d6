"""`taakbot`: run the bot, ask it from a console, check and export the sheet."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
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
    from commands.roles import ROLES, Role

    if name is None:
        return Role("provincie", "*", "console")
    kind, _, scope = name.partition(":")
    if kind not in ROLES:
        raise SystemExit(f"onbekende rol {kind!r}; kies uit {', '.join(ROLES)}")
    return Role(kind, scope or "*", "console")


def cmd_ask(args) -> int:
    from bot.console import ask

    _, services = _services(args)
    ask(services, args.text, role=_role(args.as_role), lang=args.lang, today=args.today)
    return 0


def cmd_chat(args) -> int:
    from bot.console import chat

    _, services = _services(args)
    chat(services, role=_role(args.as_role), lang=args.lang, today=args.today)
    return 0


def cmd_check(args) -> int:
    from engine.audit import audit

    _, services = _services(args)
    data = services.cache.get()
    errors = [p for p in data.problems if p.severity == "fout"]
    for p in data.problems:
        print(f"{p.severity}: {p}")
    findings = audit(data)
    for f in findings:
        print(f"tegenstrijdig: {f}")
    print(
        f"{len(errors)} fouten, {len(data.problems) - len(errors)} waarschuwingen, "
        f"{len(findings)} tegenstrijdigheden ({data.source})"
    )
    return 1 if errors else 0


def _dump(rows: list[dict], columns, fmt: str) -> None:
    if fmt == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: " | ".join(v) if isinstance(v, list) else v for k, v in row.items()})


def cmd_export(args) -> int:
    from commands.export import EXPORT_COLUMNS, export_rows

    _, services = _services(args)
    _dump(export_rows(services.cache.get(), args.date), EXPORT_COLUMNS, args.format)
    return 0


def cmd_assess(args) -> int:
    from commands.export import ASSESS_COLUMNS, assess_rows

    _, services = _services(args)
    try:
        rows = assess_rows(services.cache.get(), args.date)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    _dump(rows, ASSESS_COLUMNS, "json" if args.json else "csv")
    return 0


def cmd_init_sheet(args) -> int:
    from sheets.template import write_template

    write_template(Path(args.path))
    print(f"Lege sheet met alle tabbladen geschreven naar {args.path}")
    return 0


def cmd_run(args) -> int:
    from bot.app import run

    return run(Settings())


def _iso(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is geen datum (JJJJ-MM-DD)") from None


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
    with_source(sub.add_parser("check", help="de sheet controleren")).set_defaults(func=cmd_check)
    sp = with_source(sub.add_parser("export", help="status per gemeente op een datum"))
    sp.add_argument("--date", type=_iso, required=True)
    sp.add_argument("--format", choices=["json", "csv"], default="json")
    sp.set_defaults(func=cmd_export)
    sp = with_source(sub.add_parser("assess", help="toets of beoordeling op een toetsdatum"))
    sp.add_argument("--date", type=_iso, required=True)
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_assess)
    sp = sub.add_parser("init-sheet", help="lege sheet met alle tabbladen schrijven")
    sp.add_argument("path")
    sp.set_defaults(func=cmd_init_sheet)
    sub.add_parser("run", help="de Telegram-bot starten").set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except SettingError as exc:
        print(f"Instelling: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings["TAAKBOT_LOG_LEVEL"],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its URLs contain the bot token
    try:
        return args.func(args)
    except (FileNotFoundError, SettingError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
