"""The round's letters for a front end: one .docx per municipality plus the round's overview,
as one .zip for Telegram or as files in a folder (`taakbot ronde --brieven MAP`).

Drafting steps aside for replies to other users between letters (sheets.runtime.courtesy.pause): it
runs as `Work` after the reply, never inside one.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from commands.context import Ctx
from commands.excel import slug
from commands.round.letters import Letter, LetterSettings, each_letter, write_zip
from commands.round.tables import rows, workbook
from engine.checkpoint_round import Round
from sheets.runtime.courtesy import pause


@dataclass(frozen=True, slots=True)
class LetterDefaults:
    """The TAAKBOT_BRIEF_* settings; a template per province ('*' = every province)."""

    ondertekenaar: str = ""
    functie: str = ""
    contact: str = ""
    kenmerk: str = ""
    digitaal: bool = False
    tot_slot: str = ""
    templates: dict[str, str] = field(default_factory=dict)

    def for_round(self, provincie: str, today: date) -> LetterSettings:
        """The letter date is the day of drafting, as a letter dated by hand would be."""
        chosen = self.templates.get(provincie) or self.templates.get("*")
        return LetterSettings(
            provincie=provincie,
            ondertekenaar=self.ondertekenaar,
            functie=self.functie,
            contact=self.contact,
            kenmerk=self.kenmerk,
            digitaal_vastgesteld=self.digitaal,
            sjabloon=Path(chosen) if chosen else None,
            datum=today,
            tot_slot=self.tot_slot,
        )


def drafted(
    ctx: Ctx, rnd: Round, provincie: str, defaults: LetterDefaults
) -> tuple[list[Letter], bytes]:
    """Every letter of the round and the overview .xlsx (the same table /ronde sends).
    Raises commands.round.letters.TemplateError with a Dutch line for a broken house template."""
    settings = defaults.for_round(provincie, ctx.today)
    failed: list[tuple[str, str]] = []
    letters = list(each_letter(rnd, ctx.data, settings, pause=pause, failed=failed))
    overview = workbook(rows(rnd, ctx.fmt.reason), f"ronde {rnd.day.isoformat()}")
    return [*letters, *_missing(failed)], overview


MISSING = "zonder-brief.txt"  # in the .zip or folder when a municipality got no letter


def _missing(failed: list[tuple[str, str]]) -> list[Letter]:
    """The municipalities without a letter and why, as one text file beside the letters."""
    if not failed:
        return []
    lines = [f"{name}: geen brief ({why})" for name, why in failed]
    return [Letter(MISSING, "", ("\n".join(lines) + "\n").encode("utf-8"))]


def _with_missing(letters, failed: list[tuple[str, str]]):
    yield from letters
    yield from _missing(failed)


def zipped(
    ctx: Ctx, rnd: Round, provincie: str, defaults: LetterDefaults
) -> tuple[Path, str, int]:
    """The letters service (Front.letters) of commands.round: (the .zip, its file name, letters
    in it). The archive is a temporary file, each letter written into it as it is drafted (300
    letters are 19 MB): the front end sends it from disk and removes it."""
    settings = defaults.for_round(provincie, ctx.today)
    overview = workbook(rows(rnd, ctx.fmt.reason), f"ronde {rnd.day.isoformat()}")
    stem = f"brieven-{slug(provincie, 'ronde')}-{rnd.day.isoformat()}"
    handle, name = tempfile.mkstemp(prefix="taakbot-", suffix=".zip")
    try:
        with os.fdopen(handle, "wb") as out:
            failed: list[tuple[str, str]] = []
            n = write_zip(
                out,
                _with_missing(
                    each_letter(rnd, ctx.data, settings, pause=pause, failed=failed), failed
                ),
                overview,
                overview_name=f"overzicht-{rnd.day.isoformat()}.xlsx",
            )
    except BaseException:
        os.unlink(name)
        raise
    return Path(name), f"{stem}.zip", n - bool(failed)


class FolderError(ValueError):
    """`--brieven MAP` cannot be written: one Dutch line naming the path."""


def write_folder(
    ctx: Ctx,
    rnd: Round,
    provincie: str,
    defaults: LetterDefaults,
    folder: Path,
    stamp: datetime,
) -> list[Path]:
    """Write the letters and the overview into a new subfolder of `folder` named after the
    round and `stamp` (date and time of the run), so a run never touches a letter a person
    already edited; the paths written, the subfolder first.

    A file is created only where none exists (exclusive create): nothing is overwritten, ever.
    """
    if folder.exists() and not folder.is_dir():
        raise FolderError(
            f"{folder} is een bestand, geen map: geef bij --brieven een map op (nieuw of "
            "bestaand); Taakbot maakt daarin een nieuwe submap per ronde."
        )
    letters, overview = drafted(ctx, rnd, provincie, defaults)
    name = f"brieven-{slug(provincie, 'ronde')}-{rnd.day.isoformat()}-{stamp:%Y%m%d-%H%M%S}"
    target = _new_folder(folder, name)
    files = [(letter.file_name, letter.docx) for letter in letters]
    files.append((f"overzicht-{slug(provincie, 'ronde')}-{rnd.day.isoformat()}.xlsx", overview))
    written = [target]
    for file_name, content in files:
        path = target / file_name
        try:
            with path.open("xb") as out:
                out.write(content)
        except FileExistsError:
            raise FolderError(f"{path} bestaat al; Taakbot overschrijft geen brieven.") from None
        except OSError as exc:
            raise FolderError(
                f"{path} kan niet worden geschreven: {exc.strerror or exc}."
            ) from None
        written.append(path)
    return written


def _new_folder(folder: Path, name: str) -> Path:
    """A subfolder that did not exist before this run (…-2, …-3 when two runs share a second)."""
    for n in range(1, 100):
        target = folder / (name if n == 1 else f"{name}-{n}")
        try:
            target.mkdir(parents=True)
            return target
        except FileExistsError:
            if not folder.is_dir():
                break
            continue
        except OSError as exc:
            raise FolderError(
                f"Map {target} kan niet worden gemaakt: {exc.strerror or exc}."
            ) from None
    raise FolderError(f"Geen nieuwe map te maken in {folder}.")


__all__ = ["FolderError", "LetterDefaults", "drafted", "write_folder", "zipped"]
