"""Record ladder decisions in a CSV folder's `ladder.csv`, in the file's own delimiter."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from sheets.sources.ladder.base import (
    LadderRow,
    NoWriteAccess,
    Reading,
    Written,
    defused,
    ladder_title,
    layout,
    sort_out,
)
from sheets.sources.ladder.files import held, refuse_if_busy, replace_file, shown
from sheets.sources.local import tab_files


def append(folder: Path, rows: Sequence[LadderRow], reading: Reading | None = None) -> Written:
    """Add to `ladder.csv` (made with a header when the folder has none), in its delimiter,
    under the folder's lock from reading to replacing."""
    with held(folder):
        return _append(folder, rows, reading)


def _append(folder: Path, rows: Sequence[LadderRow], reading: Reading | None) -> Written:
    files = {p.stem: p for p in tab_files(folder)}
    title = ladder_title(list(files))
    created = title is None
    path = files[title] if title else folder / "ladder.csv"
    content = "" if created else path.read_text(encoding="utf-8-sig")
    if not created:
        refuse_if_busy(path)
    elif not os.access(folder, os.W_OK):
        raise NoWriteAccess(f"de map {folder} is alleen-lezen. Er is niets geschreven.")
    head = next((line for line in content.splitlines() if line.strip()), "")
    delimiter = ";" if head.count(";") > head.count(",") else ","
    raw = list(csv.reader(io.StringIO(content), delimiter=delimiter))
    lay = layout(title or "ladder", raw)
    out = sort_out(rows, raw, lay, reading, created)
    if not out.added:
        return out
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if created or lay.new_headers:
        header = list(raw[lay.header_row - 1]) if raw else [""] * lay.width
        header += [""] * (lay.width - len(header))
        for column, name in lay.new_headers.items():
            header[column] = name
        lines = content.splitlines(keepends=True)
        rest = "".join(lines[lay.header_row :]) if raw else ""
        before = "".join(lines[: lay.header_row - 1]) if raw else ""
        writer.writerow(header)
        content = before + buf.getvalue() + rest
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if content and not content.endswith("\n"):
        content += "\n"
    for row in out.added:
        cells = [shown(v) for v in lay.cells(row, defused)]
        if any("\r" in c for c in cells):  # a CR in an unquoted field would end the line
            csv.writer(
                buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL
            ).writerow(cells)
        else:
            writer.writerow(cells)
    first = len([r for r in raw if r]) + 1 + (1 if created else 0)
    out.landed(first, lay.width)
    body = content + buf.getvalue()
    replace_file(path, lambda tmp: tmp.write_text(body, encoding="utf-8"))
    return out
