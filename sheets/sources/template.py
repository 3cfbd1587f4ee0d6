"""An empty workbook with every tab and header, for `taakbot init-sheet PATH`.

The `info` tab explains the tabs from the same layout table convert reads, so the instructions
cannot drift from what the bot accepts.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sheets.overviews.kolommen import TAB as KOLOMMEN
from sheets.tabs.layout import INFO_TAB, TABS

INTRO = [
    "Taakbot-werkmap: vul één regel per feit in; de kopregel (regel 1) niet wijzigen.",
    "Getallen mogen in Nederlandse notatie (1.561 of 12,5), datums als 1-7-2022 of 2022-07-01, "
    "periodes als 2022-I of 2022-2, ja/nee als ja, nee, j, n of x.",
    "Een fout in een cel laat alleen die regel vervallen; /controle in de bot noemt de cel.",
]


def info_lines() -> list[str]:
    lines = list(INTRO)
    for tab in (*TABS, KOLOMMEN):
        columns = ", ".join(
            c.key
            + ("*" if c.required and not c.empty_ok else "")
            + (f" ({c.help})" if c.help else "")
            for c in tab.columns
            if not c.own
        )
        lines.append(f"{tab.name}: {tab.help}. Kolommen: {columns}.")
    lines.append("* = verplicht. Extra kolommen mogen; de bot slaat ze over.")
    lines.append(
        "kolommen is alleen nodig als de bot een kolom van een overzichtstabblad verkeerd leest "
        "(/controle zegt hoe hij elke kolom leest): één regel per kolom, met de kop zoals hij in "
        "het tabblad staat of de kolomletter, en als betekenis bijvoorbeeld opgave, "
        "taakstelling, trede, saldo, gehuisvest of negeren."
    )
    return lines


def headers() -> dict[str, list[str]]:
    return {tab.name: [c.key for c in tab.columns if not c.own] for tab in (*TABS, KOLOMMEN)}


def write_template(path: Path | str, *, overwrite: bool = False) -> Path:
    """Write .xlsx or .ods by suffix, or a folder of `<tab>.csv` when the path has no suffix."""
    path = Path(path)
    if path.exists() and not overwrite and (path.is_file() or any(path.iterdir())):
        raise FileExistsError(f"{path} bestaat al; kies een nieuwe naam")
    tables = {INFO_TAB: [[line] for line in info_lines()]}
    tables.update({name: [header] for name, header in headers().items()})
    writers = {".xlsx": _xlsx, ".ods": _ods, "": _csv_folder}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        raise ValueError(f"{path.name}: kies .xlsx, .ods of een map zonder extensie")
    writer(path, tables)
    return path


def _xlsx(path: Path, tables: dict[str, list[list[str]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows in tables.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title != INFO_TAB:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _ods(path: Path, tables: dict[str, list[list[str]]]) -> None:
    import pandas as pd

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="odf") as writer:
        for title, rows in tables.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=title, header=False, index=False)


def _csv_folder(path: Path, tables: dict[str, list[list[str]]]) -> None:
    """Semicolons and a BOM: what Dutch Excel opens correctly with a double click."""
    path.mkdir(parents=True, exist_ok=True)
    for title, rows in tables.items():
        with (path / f"{title}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(rows)
