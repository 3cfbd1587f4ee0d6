"""Well-known other names of municipalities, and the official spelling a sheet's name stands for.

Sheets write names as registers do ("Gravenhage 's-", "Hertogenbosch 's-"), people as they speak
("Den Haag", "Den Bosch"). Both resolve without an `aliassen` column: the table is data, and
`sheets.names.index` consults it for every municipality in the data set.
"""

from __future__ import annotations

import re

# Official name (CBS) → other names in common use. Inverted register forms ("Gravenhage 's-")
# need no entry: `canonical` turns them around, and `sheets.names.index.normalise` reads them too.
KNOWN: dict[str, tuple[str, ...]] = {
    "'s-Gravenhage": ("Den Haag",),
    "'s-Hertogenbosch": ("Den Bosch",),
    "Nuenen, Gerwen en Nederwetten": ("Nuenen", "Nuenen c.a."),
    "Bergen (NH.)": ("Bergen NH", "Bergen (Noord-Holland)"),
    "Bergen (L.)": ("Bergen L", "Bergen (Limburg)"),
    "Hengelo": ("Hengelo (O.)", "Hengelo Overijssel"),
    "Súdwest-Fryslân": ("Sudwest Fryslan", "Súdwest Fryslân"),
    "Tytsjerksteradiel": ("Tietjerksteradeel",),
    "Dantumadiel": ("Dantumadeel",),
    "Noardeast-Fryslân": ("Noordoost-Friesland",),
    "Westerkwartier": ("Westerkwartier (Gr.)",),
}
_ARTICLE_LAST = re.compile(r"^(?P<rest>.+?)\s+(?P<art>['’`]?[sStT])\s*-?\s*$")
_OTHER: dict[str, str] = {}  # casefolded other name → official name


def other_names(official: str) -> tuple[str, ...]:
    """The well-known other names of `official` (none when it has none)."""
    return KNOWN.get(official, ())


def canonical(name: str) -> str:
    """The official spelling a sheet's name stands for: 'Gravenhage 's-' → "'s-Gravenhage",
    'Den Haag' → "'s-Gravenhage"; any other name as written (whitespace collapsed)."""
    text = " ".join(name.replace("’", "'").split())
    if match := _ARTICLE_LAST.match(text):
        article = match["art"].lstrip("'`’").lower()
        text = f"'{article}-{match['rest']}"
    if not _OTHER:
        for official, others in KNOWN.items():
            for other in (official, *others):
                _OTHER[_key(other)] = official
    return _OTHER.get(_key(text), text)


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.casefold()).strip()
