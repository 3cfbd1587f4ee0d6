"""Extract msgids from the code, update the nl/en catalogs, compile them: `python -m locales.build`.

Dutch msgids are the source language; `nl` is an identity catalog, `en` carries translations.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
DOMAIN = "taakbot"
PACKAGES = ("bot", "commands", "engine", "sheets")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every marked string in the packages, with its locations."""
    catalog = Catalog(project="taakbot", domain=DOMAIN)
    for package in PACKAGES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
        ):
            catalog.add(
                message,
                None,
                [(f"{package}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def update(template: Catalog, lang: str) -> Catalog:
    path = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="taakbot")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    if lang == "nl":  # the source language: msgstr = msgid
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=99, sort_output=True)
    with path.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog)
    return catalog


def main() -> int:
    template = extract()
    with (LOCALES / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, width=99, sort_output=True)
    missing = 0
    for lang in ("en", "nl"):  # nl last: it fills msgstr in place
        catalog = update(template, lang)
        todo = [m.id for m in catalog if m.id and not m.string]
        missing += len(todo) if lang != "nl" else 0
        print(f"{lang}: {len(catalog)} berichten, {len(todo)} onvertaald")
    return 0 if not missing else 1


if __name__ == "__main__":
    sys.exit(main())
