"""Recording in a local workbook: only the ladder tab changes, once, and the file is whole."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from engine.treden import Trede
from sheets.loading.convert import load
from sheets.sources.ladder import LadderRow, NoWriteAccess, WriteError, append
from sheets.sources.local import SAMPLE, LocalSource
from tests import ods_tables

WHEN = datetime(2022, 7, 4, 9, 30, 15)
NEW = LadderRow("Delft", date(2022, 7, 1), Trede("1"), "Eindbeoordeling 2022-I", "Ans (7)", WHEN)
SAME = LadderRow("Rijswijk", date(2022, 1, 1), Trede("2"), "al vastgelegd", "Ans (7)", WHEN)
OTHER = LadderRow("Westland", date(2022, 1, 1), Trede("3A"), "anders", "Ans (7)", WHEN)
HEADER = ["gemeente", "datum", "trede", "toelichting"]
RECORDED = [
    ["Rijswijk", datetime(2022, 1, 1), "2", "brief januari"],
    ["Westland", datetime(2022, 1, 1), "1", "brief januari"],
]


def _xlsx(path: Path, chart: bool = False) -> Path:
    book = Workbook()
    first = book.active
    first.title = "gemeenten"
    first.append(["gemeente", "provincie", "regio"])
    for name in ("Delft", "Rijswijk", "Westland"):
        first.append([name, "Zuid-Holland", "Haaglanden"])
    first["A1"].font = Font(bold=True)
    sums = book.create_sheet("som")
    sums.append(["a", 1])
    sums.append(["b", 2])
    sums.append(["totaal", "=SUM(B1:B2)"])
    if chart:
        bars = BarChart()
        bars.add_data(Reference(sums, min_col=2, min_row=1, max_row=2))
        sums.add_chart(bars, "D2")
    ladder = book.create_sheet("ladder")
    ladder.append(HEADER)
    for row in RECORDED:
        ladder.append(row)
    book.save(path)
    return path


def test_xlsx_adds_only_new_rows_and_keeps_the_rest(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "sheet.xlsx")
    written = append(LocalSource(path), [NEW, SAME, OTHER])
    assert written.added == [NEW]
    assert written.present == [SAME]
    assert written.conflicts == [(OTHER, "1")]
    assert written.rows == "ladder!A4:F4"
    book = load_workbook(path)
    assert book["som"]["B3"].value == "=SUM(B1:B2)"  # formulas stay formulas
    assert book["gemeenten"]["A1"].font.bold  # styles stay
    rows = [list(r) for r in book["ladder"].iter_rows(values_only=True)]
    assert rows[0] == [*HEADER, "vastgelegd_door", "vastgelegd_op"]
    assert rows[1:3] == [[*r, None, None] for r in RECORDED]  # nothing overwritten
    assert rows[3] == ["Delft", datetime(2022, 7, 1), "1", NEW.toelichting, "Ans (7)", WHEN]
    assert not list(tmp_path.glob(".sheet-*"))  # no temporary file left behind


def test_xlsx_second_run_adds_nothing(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "sheet.xlsx")
    append(LocalSource(path), [NEW])
    before = path.read_bytes()
    again = append(LocalSource(path), [NEW])
    assert again.added == [] and again.present == [NEW]
    assert path.read_bytes() == before  # not even rewritten


def test_recorded_step_is_read_back(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "sheet.xlsx")
    append(LocalSource(path), [NEW])
    data = load(LocalSource(path).fetch(), "test")
    decision = data.records["Delft"].trede_on(date(2022, 7, 1))
    assert decision is not None and decision.trede == Trede("1")


def test_xlsx_without_ladder_tab_gets_one(tmp_path: Path) -> None:
    path = tmp_path / "overzicht.xlsx"
    book = Workbook()
    book.active.title = "Overzicht"
    book.active.append(["Gemeente", "Taakstelling 2022-2"])
    book.save(path)
    written = append(LocalSource(path), [NEW])
    assert written.created_tab and written.added == [NEW]
    rows = [list(r) for r in load_workbook(path)["ladder"].iter_rows(values_only=True)]
    assert rows[0] == [
        "gemeente",
        "datum",
        "trede",
        "toelichting",
        "vastgelegd_door",
        "vastgelegd_op",
    ]
    assert rows[1][0] == "Delft"


@pytest.mark.parametrize(
    ("lock", "message"),
    [(".~lock.sheet.xlsx#", "geopend in een ander programma"), ("~$sheet.xlsx", "geopend")],
)
def test_an_open_workbook_is_refused(tmp_path: Path, lock: str, message: str) -> None:
    path = _xlsx(tmp_path / "sheet.xlsx")
    (tmp_path / lock).write_text("Ans")
    before = path.read_bytes()
    with pytest.raises(WriteError, match=message):
        append(LocalSource(path), [NEW])
    assert path.read_bytes() == before


def test_a_workbook_with_a_chart_is_refused_not_damaged(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "sheet.xlsx", chart=True)
    before = path.read_bytes()
    with pytest.raises(WriteError, match="verloren"):
        append(LocalSource(path), [NEW])
    assert path.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_workbook_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "sheet.xlsx")
    path.chmod(0o444)
    with pytest.raises(NoWriteAccess, match="alleen-lezen"):
        append(LocalSource(path), [NEW])


def test_the_bundled_sample_is_never_written() -> None:
    before = SAMPLE.read_bytes()
    with pytest.raises(WriteError, match="voorbeeldwerkmap"):
        append(LocalSource(SAMPLE), [NEW])
    assert SAMPLE.read_bytes() == before


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_folder_appends_in_its_own_delimiter(tmp_path: Path, delimiter: str) -> None:
    (tmp_path / "gemeenten.csv").write_text("gemeente,provincie\nDelft,Zuid-Holland\n")
    lines = [delimiter.join(HEADER), delimiter.join(["Rijswijk", "2022-01-01", "2", "x"])]
    (tmp_path / "ladder.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    written = append(LocalSource(tmp_path), [NEW, SAME])
    assert written.added == [NEW] and written.present == [SAME]
    text = (tmp_path / "ladder.csv").read_text(encoding="utf-8").splitlines()
    assert text[0] == delimiter.join([*HEADER, "vastgelegd_door", "vastgelegd_op"])
    assert text[1] == lines[1]
    assert text[2].split(delimiter)[:3] == ["Delft", "2022-07-01", "1"]
    assert (tmp_path / "gemeenten.csv").read_text() == "gemeente,provincie\nDelft,Zuid-Holland\n"


def test_csv_folder_without_ladder_gets_one(tmp_path: Path) -> None:
    (tmp_path / "gemeenten.csv").write_text("gemeente,provincie\nDelft,Zuid-Holland\n")
    assert append(LocalSource(tmp_path), [NEW]).created_tab
    assert (tmp_path / "ladder.csv").read_text().startswith("gemeente,datum,trede,toelichting")


def _ods(path: Path) -> Path:
    return ods_tables.text_tables(
        path,
        {
            "gemeenten": [["gemeente", "provincie"], ["Delft", "Zuid-Holland"]],
            "ladder": [HEADER, ["Rijswijk", "2022-01-01", "2", "x"]],
        },
    )


def test_ods_appends_with_odfpy_and_keeps_other_tables(tmp_path: Path) -> None:
    path = _ods(tmp_path / "sheet.ods")
    written = append(LocalSource(path), [NEW, SAME])
    assert written.added == [NEW] and written.present == [SAME]
    raw = LocalSource(path).fetch()
    assert raw["gemeenten"] == [["gemeente", "provincie"], ["Delft", "Zuid-Holland"]]
    assert raw["ladder"][0] == [*HEADER, "vastgelegd_door", "vastgelegd_op"]
    assert raw["ladder"][2][:3] == ["Delft", datetime(2022, 7, 1), "1"] or raw["ladder"][2][
        :3
    ] == ["Delft", date(2022, 7, 1), "1"]
    assert append(LocalSource(path), [NEW]).added == []


def test_csv_keeps_typed_formulas_as_text(tmp_path: Path) -> None:
    (tmp_path / "gemeenten.csv").write_text("gemeente,provincie\nDelft,Zuid-Holland\n")
    typed = LadderRow("Delft", date(2022, 7, 1), Trede("1"), '=HYPERLINK("x")', "-Ans", WHEN)
    append(LocalSource(tmp_path), [typed])
    last = (tmp_path / "ladder.csv").read_text().splitlines()[-1]
    assert "'=HYPERLINK" in last and ",'-Ans," in last


def test_temporary_files_are_hidden_skipped_and_cleared(tmp_path: Path) -> None:
    """A writer killed mid-save leaves '.~taakbot-….tmp': the CSV reader never reads it (nor
    hidden or office lock files), and the next writer, or a Recorder at start, removes it."""
    from sheets.sources.ladder.files import TEMP_PREFIX, TEMP_SUFFIX, clean_at_start

    (tmp_path / "gemeenten.csv").write_text("gemeente,provincie\nDelft,Zuid-Holland\n")
    stale = tmp_path / f"{TEMP_PREFIX}ladder-x1y2{TEMP_SUFFIX}"
    stale.write_text("gemeente,datum,trede\nDelft,2022-07-01,9\n")
    for hidden in (".ladder-d48v69g6.csv", "~$gemeenten.csv", ".~lock.ladder.csv#"):
        (tmp_path / hidden).write_text("gemeente,datum,trede\nDelft,2022-07-01,9\n")
    assert set(LocalSource(tmp_path).fetch()) == {"gemeenten"}
    clean_at_start(tmp_path)
    assert not stale.exists()
    stale.write_text("x")
    append(LocalSource(tmp_path), [NEW])
    assert not stale.exists() and set(LocalSource(tmp_path).fetch()) == {"gemeenten", "ladder"}


def test_a_second_copy_marked_void_does_not_count(tmp_path: Path) -> None:
    """'vervallen: …' in schrijf_id (a lockless writer's second copy) is no decision, for the
    loader and for the writers alike."""
    path = _xlsx(tmp_path / "sheet.xlsx")
    book = load_workbook(path)
    ladder = book["ladder"]
    ladder["E1"], ladder["F1"], ladder["G1"] = "vastgelegd_door", "vastgelegd_op", "schrijf_id"
    ladder.append(["Delft", datetime(2022, 7, 1), "2", "x", "", "", "vervallen: dubbel van rij 2"])
    book.save(path)
    data = load(LocalSource(path).fetch(), "test")
    assert data.records["Delft"].trede_on(date(2022, 7, 1)) is None
    assert not [p for p in data.problems if p.ref.startswith("ladder")]
    assert append(LocalSource(path), [NEW]).added == [NEW]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_failed_save_is_one_line_and_changes_nothing(tmp_path: Path, monkeypatch, kind) -> None:
    """A full disk at the moment of os.replace: a WriteError (one Dutch line), the workbook as
    it was, no temporary file left."""
    import errno

    if kind == "xlsx":
        target = _xlsx(tmp_path / "sheet.xlsx")
        watched = target
    else:
        (tmp_path / "gemeenten.csv").write_text("gemeente,provincie\nDelft,Zuid-Holland\n")
        (tmp_path / "ladder.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
        target, watched = tmp_path, tmp_path / "ladder.csv"
    before = watched.read_bytes()

    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(
        WriteError, match="opslaan mislukte .No space left on device.*niet veranderd"
    ):
        append(LocalSource(target), [NEW])
    assert watched.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
