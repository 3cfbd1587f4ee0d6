"""The checkpoint round's letters: one .docx per municipality from a docxtpl template."""

from commands.round.letters.context import PLACEHOLDERS
from commands.round.letters.draft import (
    draft_letters,
    each_letter,
    file_name,
    letters_zip,
    write_zip,
)
from commands.round.letters.settings import Letter, LetterSettings, TemplateError

__all__ = [
    "PLACEHOLDERS",
    "Letter",
    "LetterSettings",
    "TemplateError",
    "draft_letters",
    "each_letter",
    "file_name",
    "letters_zip",
    "write_zip",
]
