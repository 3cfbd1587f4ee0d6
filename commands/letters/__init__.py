"""The checkpoint round's letters: one .docx per municipality from a docxtpl template."""

from commands.letters.context import PLACEHOLDERS
from commands.letters.draft import draft_letters, file_name, letters_zip
from commands.letters.settings import Letter, LetterSettings, TemplateError

__all__ = [
    "PLACEHOLDERS",
    "Letter",
    "LetterSettings",
    "TemplateError",
    "draft_letters",
    "file_name",
    "letters_zip",
]
