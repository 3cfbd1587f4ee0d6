"""`taakbot ronde` and `taakbot assess --provincie` in-process (issue 18): one province at a time,
the table and --json say "2/3A" and where it is settled, --vastleggen asks or takes --ja, writes
an .xlsx copy, and refuses the bundled sample and a read-only file in one Dutch line."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from sheets.sources.local import SAMPLE, LocalSource
from tests import xlsx_cells

SAMPLE_TABS = LocalSource(SAMPLE).fetch()
PROVINCE_OF = {row[0]: row[1] for row in SAMPLE_TABS["gemeenten"][1:]}
UTRECHT_ROUND = ["ronde", "--date", "2022-10-01", "--provincie", "Utrecht"]


def run(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))  # not a terminal
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def copy(tmp_path: Path) -> Path:
    path = tmp_path / "werkmap.xlsx"
    shutil.copyfile(SAMPLE, path)
    return path


def ladder(path: Path) -> list[tuple]:
    return xlsx_cells.tab(path, "ladder")


def test_two_provinces_need_a_choice(monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, ["ronde", "--date", "2022-07-01"])
    line = one_line(err)
    assert code == 2 and out == ""
    assert "--provincie" in line and "Zuid-Holland" in line and "Utrecht" in line


def test_table_shows_the_open_step(monkeypatch, capsys) -> None:
    argv = ["ronde", "--date", "2022-07-01", "--provincie", "Zuid-Holland"]
    code, out, err = run(monkeypatch, capsys, argv)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Ronde 1 juli 2022 — Zuid-Holland: 52 gemeenten"
    (den_haag,) = [line for line in lines if line.startswith("'s-Gravenhage")]
    assert den_haag.split()[1:4] == ["2", "2/3A", "–"] and "open" in den_haag
    assert "koppelingen op 1 april 2022" in den_haag
    assert "2/3A: 1" in out  # counted apart from the unknown '?'


def test_json_for_scripts(monkeypatch, capsys) -> None:
    argv = ["ronde", "--date", "2022-07-01", "--provincie", "zuid-holland", "--json"]
    code, out, _ = run(monkeypatch, capsys, argv)
    rows = json.loads(out)
    assert code == 0 and {PROVINCE_OF[r["gemeente"]] for r in rows} == {"Zuid-Holland"}
    (den_haag,) = [r for r in rows if r["gemeente"] == "'s-Gravenhage"]
    assert den_haag["voorstel"] == "2/3A"
    assert den_haag["status"].startswith("open")
    assert den_haag["oplossen_in"] == "realisatie, koppelingen per 1 april 2022"
    assert den_haag["trede_voor"] == "2" and den_haag["vastgelegd"] is None


def test_recording_asks_unless_ja(tmp_path, monkeypatch, capsys) -> None:
    path = copy(tmp_path)
    before = path.read_bytes()
    code, _, err = run(
        monkeypatch, capsys, [*UTRECHT_ROUND, "--source", str(path), "--vastleggen"]
    )
    assert code == 2 and "--ja" in one_line(err)
    assert path.read_bytes() == before


def test_recording_with_ja_writes_the_copy_once(tmp_path, monkeypatch, capsys) -> None:
    path = copy(tmp_path)
    old = ladder(path)
    argv = [*UTRECHT_ROUND, "--source", str(path), "--vastleggen", "--ja"]
    code, out, err = run(monkeypatch, capsys, argv)
    assert code == 0, err
    assert "26 besluiten vastgelegd in tabblad ladder" in out
    new = ladder(path)
    added = new[len(old) :]
    assert len(added) == 26 and {PROVINCE_OF[r[0]] for r in added} == {"Utrecht"}
    assert all(r[new[0].index("vastgelegd_door")] == "console" for r in added)
    code, out, _ = run(monkeypatch, capsys, argv)
    assert code == 0 and "Niets vast te leggen" in out and ladder(path) == new


@pytest.mark.parametrize(
    "source",
    [
        None,
        "sheets/sources/data/voorbeeld.xlsx",
        "./sheets/sources/data/../data/voorbeeld.xlsx",
        "link",
    ],
    ids=["default", "relative path", "dotted path", "symbolic link"],
)
def test_the_bundled_sample_is_never_written(source, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)  # the repository root
    if source == "link":
        source = str(tmp_path / "mijn.xlsx")
        os.symlink(SAMPLE, source)
    before = (SAMPLE.read_bytes(), SAMPLE.stat().st_mtime_ns)
    lock = SAMPLE.with_name(f".~taakbot-{SAMPLE.name}.lock")
    lock.unlink(missing_ok=True)  # left by an earlier version, which took the lock first
    argv = [*UTRECHT_ROUND, *(["--source", source] if source else []), "--vastleggen", "--ja"]
    code, _, err = run(monkeypatch, capsys, argv)
    assert code == 3 and "voorbeeldwerkmap wordt niet gewijzigd" in one_line(err)
    assert (SAMPLE.read_bytes(), SAMPLE.stat().st_mtime_ns) == before
    assert not lock.exists()  # refused before a lock file is made beside it


@pytest.mark.parametrize("how", ["chmod 444", "access denied"])
def test_a_read_only_copy_is_refused(how, tmp_path, monkeypatch, capsys) -> None:
    """chmod is the real case (skipped for root, who writes anyway); 'access denied' is how
    the same refusal is reached there: the operating system says no for that one file."""
    path = copy(tmp_path)
    if how == "chmod 444":
        path.chmod(0o444)
        if os.access(path, os.W_OK):
            pytest.skip("this user writes through file permissions (root)")
    else:
        real = os.access

        def access(p, mode, **kw) -> bool:
            if Path(p) == path and mode == os.W_OK:
                return False
            return real(p, mode, **kw)

        monkeypatch.setattr(os, "access", access)
    before = path.read_bytes()
    argv = [*UTRECHT_ROUND, "--source", str(path), "--vastleggen", "--ja"]
    code, _, err = run(monkeypatch, capsys, argv)
    line = one_line(err)
    assert code == 3 and "alleen-lezen" in line and "niets geschreven" in line
    assert path.read_bytes() == before and list(tmp_path.iterdir()) == [path]  # no temp file


def test_assess_for_one_province(monkeypatch, capsys) -> None:
    argv = ["assess", "--date", "2021-07-01", "--provincie", "Zuid-Holland"]
    code, out, err = run(monkeypatch, capsys, argv)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and err == "" and rows
    assert {PROVINCE_OF[r["gemeente"]] for r in rows} == {"Zuid-Holland"}
    assert len(rows) == sum(p == "Zuid-Holland" for p in PROVINCE_OF.values())
    (den_haag,) = [r for r in rows if r["gemeente"] == "'s-Gravenhage"]
    assert den_haag["vastgelegd"] == "2"  # the decision recorded for 1 July 2021


def test_letters_go_into_a_new_folder_per_run(tmp_path, monkeypatch, capsys) -> None:
    """A letter a person edited in MAP is never overwritten by the next run (issue 27 §6)."""
    target = tmp_path / "brieven"
    code, out, _ = run(monkeypatch, capsys, [*UTRECHT_ROUND, "--brieven", str(target)])
    assert code == 0 and "26 brieven en het overzicht geschreven naar" in out
    (first,) = target.iterdir()
    assert first.name.startswith("brieven-utrecht-2022-10-01-")
    edited = first / "brief-Leusden-2022-10-01.docx"
    edited.write_bytes(b"bewerkt door een medewerker")
    code, out, _ = run(monkeypatch, capsys, [*UTRECHT_ROUND, "--brieven", str(target)])
    assert code == 0
    runs = sorted(target.iterdir())
    assert len(runs) == 2 and edited.read_bytes() == b"bewerkt door een medewerker"
    assert all(len(list(folder.glob("*.docx"))) == 26 for folder in runs)


def test_letters_into_an_existing_file_is_one_dutch_line(tmp_path, monkeypatch, capsys) -> None:
    target = tmp_path / "brieven.docx"
    target.write_bytes(b"een bestand")
    code, out, err = run(monkeypatch, capsys, [*UTRECHT_ROUND, "--brieven", str(target)])
    line = one_line(err)
    assert code == 2 and str(target) in line and "is een bestand, geen map" in line
    assert "Errno" not in line and target.read_bytes() == b"een bestand"
