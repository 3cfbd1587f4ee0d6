"""Every catalog is complete, current with the code, and keeps placeholders and tags."""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.pofile import read_po

from locales.build import LOCALES, extract

PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?\w+>")


@cache
def code_ids() -> frozenset[str]:
    """The msgids in the code: extracted when a test needs them, not at collection (0.5 s)."""
    return frozenset(m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id)


def _catalog(lang: str):
    with (LOCALES / lang / "LC_MESSAGES" / "taakbot.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _pairs(message):
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [(ids[min(i, len(ids) - 1)], s) for i, s in enumerate(strings)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_catalog_is_complete_and_current(lang: str) -> None:
    catalog = _catalog(lang)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    code = code_ids()
    assert ids >= code, f"run python -m locales.build: missing {sorted(code - ids)[:5]}"
    empty = [m.id for m in catalog if m.id and not all(s for _, s in _pairs(m))]
    assert not empty, f"untranslated in {lang}: {empty[:5]}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_placeholders_and_tags_match(lang: str) -> None:
    for message in _catalog(lang):
        if not message.id:
            continue
        for source, text in _pairs(message):
            if not text:
                continue  # reported by the completeness test
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), source
            assert sorted(TAG.findall(source)) == sorted(TAG.findall(text)), source


@pytest.mark.parametrize(
    ("po_newer_by", "expected"),
    [
        (None, "from the .po"),  # only a .po: compiled in memory
        (0.0, "from the .mo"),
        (0.5, "from the .mo"),  # a checkout writes the .po just after the .mo: not an edit
        (5.0, "from the .po"),  # edited by hand after the last build
    ],
)
def test_the_compiled_catalog_unless_the_po_was_edited_after_it(
    tmp_path, monkeypatch, po_newer_by, expected
) -> None:
    import os

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    from commands import i18n

    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po, mo = folder / "taakbot.po", folder / "taakbot.mo"
    for path, text, write in ((mo, "from the .mo", write_mo), (po, "from the .po", write_po)):
        if path is mo and po_newer_by is None:
            continue
        catalog = Catalog(locale="en")
        catalog.add("Hallo", text)
        with path.open("wb") as fh:
            write(fh, catalog)
    if po_newer_by is not None:
        os.utime(mo, (1_000_000, 1_000_000))
        os.utime(po, (1_000_000 + po_newer_by, 1_000_000 + po_newer_by))
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("en").gettext("Hallo") == expected
    finally:
        i18n.translations.cache_clear()
