"""Characters XML and spreadsheets forbid are removed where the sheet is read and named by
the data check (issue 24 §6): an ESC in one municipality's address reaches no letter, export
or message, `taakbot check` names the cell and exits 1, and the province's letters all come.
And one municipality whose letter cannot be drafted never stops the others'."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from commands.round.letters import each_letter
from commands.round.letters.bundle import LetterDefaults
from engine.checkpoint_round import checkpoint_round
from sheets.loading.convert import load
from sheets.sources.local import SAMPLE, LocalSource
from sheets.tabs.layout import column_letter
from sheets.tabs.values import clean, forbidden, text

ESC = "\x1b"


@pytest.mark.parametrize(
    ("raw", "chars", "cleaned"),
    [
        (f"Postbus 1{ESC}[0m, Baarn", ["U+001B"], "Postbus 1[0m, Baarn"),
        ("a\x00b\x0bc\x0cd\ufffe", ["U+0000", "U+000B", "U+000C", "U+FFFE"], "abcd"),
        ("tab\tand\nnewline stay", [], "tab\tand\nnewline stay"),
    ],
)
def test_forbidden_characters_are_named_and_removed(raw, chars, cleaned) -> None:
    assert forbidden(raw) == chars
    assert clean(raw) == cleaned
    assert ESC not in (text(raw) or "")


@pytest.fixture
def dirty(tmp_path: Path) -> tuple[Path, str]:
    """The sample as a CSV folder (openpyxl refuses to write an ESC; a CSV export keeps it),
    with an ESC pasted into Baarn's address."""
    folder = tmp_path / "map"
    folder.mkdir()
    cell = ""
    for title, rows in LocalSource(SAMPLE).fetch().items():
        rows = [[c.date().isoformat() if isinstance(c, datetime) else c for c in r] for r in rows]
        if title == "gemeenten":
            column = rows[0].index("adres")
            number = next(i for i, r in enumerate(rows) if r[0] == "Baarn")
            rows[number][column] = f"Postbus 1{ESC}, 3740 AA Baarn"
            cell = f"{column_letter(column)}{number + 1}"
        with (folder / f"{title}.csv").open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)
    return folder, cell


def test_the_data_check_names_the_cell_and_exits_1(dirty, monkeypatch, capsys) -> None:
    path, cell = dirty
    data = load(LocalSource(path).fetch(), "test")
    assert data.records["Baarn"].municipality.adres == "Postbus 1, 3740 AA Baarn"
    monkeypatch.setenv("TAAKBOT_TODAY", "2022-10-03")
    assert main(["check", "--source", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"gemeenten!{cell}" in out and "U+001B verwijderd" in out


def test_every_letter_of_the_province_comes(dirty) -> None:
    path, _cell = dirty
    data = load(LocalSource(path).fetch(), "test")
    names = data.provinces()["Utrecht"]
    rnd = checkpoint_round(data, date(2022, 10, 1), names)
    settings = LetterDefaults().for_round("Utrecht", date(2022, 10, 3))
    failed: list[tuple[str, str]] = []
    letters = list(each_letter(rnd, data, settings, failed=failed))
    assert failed == [] and len(letters) == len(names)


def test_one_failing_letter_is_named_and_the_others_come(monkeypatch) -> None:
    import commands.round.letters.draft as draft

    data = load(LocalSource(SAMPLE).fetch(), "test")
    names = data.provinces()["Utrecht"]
    rnd = checkpoint_round(data, date(2022, 10, 1), names)
    real = draft.letter_context

    def context(entry, *args, **kwargs):
        if entry.gemeente == "Baarn":
            raise ValueError("All strings must be XML compatible")
        return real(entry, *args, **kwargs)

    monkeypatch.setattr(draft, "letter_context", context)
    failed: list[tuple[str, str]] = []
    settings = LetterDefaults().for_round("Utrecht", date(2022, 10, 3))
    letters = list(each_letter(rnd, data, settings, failed=failed))
    assert [name for name, _ in failed] == ["Baarn"] and "XML" in failed[0][1]
    assert len(letters) == len(names) - 1
