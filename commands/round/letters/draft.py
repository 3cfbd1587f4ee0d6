"""Draft one letter per municipality of a checkpoint round (issue 18, part 3).

Templates are read and checked once per round (the province's own, or the project's default per
policy); every letter is the engine's figures poured into it. `pause()` runs between letters so
a reply another user waits for goes first (the refresh's courtesy, passed in by the caller).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from commands.round.letters.context import PLACEHOLDERS, letter_context
from commands.round.letters.settings import Letter, LetterSettings, template_path
from engine.checkpoint_round import Round
from engine.state import DataSet

if TYPE_CHECKING:
    from commands.round.letters.render import CompiledTemplate

_UNSAFE = re.compile(r"[^\w.-]+")


def file_name(gemeente: str, day_iso: str) -> str:
    """'brief s-Gravenhage 2021-07-01.docx' → a name every file system and zip accepts."""
    safe = _UNSAFE.sub("-", gemeente).strip("-.") or "gemeente"
    return f"brief-{safe}-{day_iso}.docx"


def load_template(path: Path) -> CompiledTemplate:
    """A template read, checked and compiled once per version of the file (the key holds its
    size and modification time): compiling takes longer than drafting a dozen letters.

    docxtpl, python-docx and Jinja are imported here, when a letter is first drafted: 0.05 s
    that the bot's start-up and every command without letters do not pay."""
    from commands.round.letters.render import CompiledTemplate

    try:
        stat = path.stat()
    except OSError:
        return CompiledTemplate(path, PLACEHOLDERS)  # says in Dutch why it cannot be read
    return _compiled(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _compiled(path: Path, _mtime_ns: int, _size: int) -> CompiledTemplate:
    from commands.round.letters.render import CompiledTemplate

    return CompiledTemplate(path, PLACEHOLDERS)


def draft_letters(
    rnd: Round,
    data: DataSet,
    settings: LetterSettings,
    pause: Callable[[], None] = lambda: None,
) -> list[Letter]:
    """One .docx per municipality in the round, in the round's order (numbered for {n})."""
    return list(each_letter(rnd, data, settings, pause))


def each_letter(
    rnd: Round,
    data: DataSet,
    settings: LetterSettings,
    pause: Callable[[], None] = lambda: None,
    failed: list[tuple[str, str]] | None = None,
) -> Iterator[Letter]:
    """`draft_letters` one at a time, so an archive can take each letter as it is made and
    never hold them all (commands.round.letters.bundle). With `failed`, a municipality whose
    letter cannot be drafted is noted there (name, reason) and the others still come."""
    templates: dict[Path, CompiledTemplate] = {}

    def template_for(policy: str) -> CompiledTemplate:
        path = settings.sjabloon or template_path(policy)
        if path not in templates:
            templates[path] = load_template(path)
        return templates[path]

    if settings.sjabloon is not None:
        template_for("")  # a broken house template fails before any letter is drafted
    for number, entry in enumerate(rnd.entries, start=1):
        if number > 1:
            pause()
        policy, _ = data.policy_for(entry.gemeente, entry.period)
        sums = rnd.sums.get(entry.municipality.provincie) if entry.kind == "tussentijds" else None
        try:
            context = letter_context(entry, data, settings, number, sums)
            docx = template_for(policy.code).render(context)
        except Exception as exc:  # one municipality's data: the others' letters still come
            if failed is None:
                raise
            failed.append((entry.gemeente, f"{type(exc).__name__}: {exc}"[:300]))
            continue
        yield Letter(file_name(entry.gemeente, entry.day.isoformat()), entry.gemeente, docx)


def letters_zip(
    letters: Iterable[Letter],
    overview_xlsx: bytes | None = None,
    overview_name: str = "overzicht.xlsx",
) -> bytes:
    """All letters (and the round's overview) in one .zip, as Telegram sends them."""
    out = BytesIO()
    write_zip(out, letters, overview_xlsx, overview_name)
    return out.getvalue()


def write_zip(
    target: BinaryIO,
    letters: Iterable[Letter],
    overview_xlsx: bytes | None = None,
    overview_name: str = "overzicht.xlsx",
) -> int:
    """`letters_zip` into a file, each letter written as it comes; the letters written."""
    n = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as book:  # .docx is compressed
        for letter in letters:
            book.writestr(letter.file_name, letter.docx)
            n += 1
        if overview_xlsx is not None:
            book.writestr(overview_name, overview_xlsx)
    return n
