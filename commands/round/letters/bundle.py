"""The round's letters for a front end: one .docx per municipality plus the round's overview,
as one .zip for Telegram or as files in a folder (`taakbot ronde --brieven MAP`).

Drafting steps aside for replies to other users between letters (sheets.runtime.courtesy.pause): it
runs as `Work` after the reply, never inside one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from commands.context import Ctx
from commands.excel import slug
from commands.round.letters import Letter, LetterSettings, draft_letters, letters_zip
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
        )


def drafted(
    ctx: Ctx, rnd: Round, provincie: str, defaults: LetterDefaults
) -> tuple[list[Letter], bytes]:
    """Every letter of the round and the overview .xlsx (the same table /ronde sends).
    Raises commands.round.letters.TemplateError with a Dutch line for a broken house template."""
    settings = defaults.for_round(provincie, ctx.today)
    letters = draft_letters(rnd, ctx.data, settings, pause=pause)
    overview = workbook(rows(rnd, ctx.fmt.reason), f"ronde {rnd.day.isoformat()}")
    return letters, overview


def zipped(
    ctx: Ctx, rnd: Round, provincie: str, defaults: LetterDefaults
) -> tuple[bytes, str, int]:
    """The letters service (Front.letters) of commands.round: (the .zip, its file name, letters in it)."""
    letters, overview = drafted(ctx, rnd, provincie, defaults)
    stem = f"brieven-{slug(provincie, 'ronde')}-{rnd.day.isoformat()}"
    content = letters_zip(letters, overview, overview_name=f"overzicht-{rnd.day.isoformat()}.xlsx")
    return content, f"{stem}.zip", len(letters)


def write_folder(
    ctx: Ctx, rnd: Round, provincie: str, defaults: LetterDefaults, folder: Path
) -> list[Path]:
    """Write the letters and the overview into `folder` (made if missing); the paths written."""
    letters, overview = drafted(ctx, rnd, provincie, defaults)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for letter in letters:
        path = folder / letter.file_name
        path.write_bytes(letter.docx)
        written.append(path)
    path = folder / f"overzicht-{slug(provincie, 'ronde')}-{rnd.day.isoformat()}.xlsx"
    path.write_bytes(overview)
    return [*written, path]


__all__ = ["LetterDefaults", "drafted", "write_folder", "zipped"]
