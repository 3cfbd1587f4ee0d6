"""gettext catalogs from `locales/`: Dutch msgids are the source, English the translation."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "taakbot"
LANGUAGES = ("nl", "en")
DEFAULT = "nl"


def pick_language(code: str | None) -> str:
    """Telegram's language_code ('en-GB', 'nl') to one we have; Dutch otherwise."""
    base = (code or "").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """Load the compiled .mo, compiling the .po in memory when only that is present or the .po
    was edited after it. A checkout writes both within the same second, the .po last: that is
    not an edit (compiling costs every process 0.05 s, Babel's catalog code included)."""
    folder = LOCALES / lang / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime + 1 >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        import io

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return gettext.GNUTranslations(buf)
    return gettext.NullTranslations()


def gettext_for(lang: str):
    return translations(pick_language(lang)).gettext


def ngettext_for(lang: str):
    return translations(pick_language(lang)).ngettext
