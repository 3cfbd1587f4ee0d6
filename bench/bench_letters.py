"""Letters per second for a whole checkpoint round on the country-sized workbook, beside the
libraries' floor in the same run (issue 18: ours at most 2× the floor).

Ours: `draft_letters` for all 342 municipalities (the round judged beforehand, as the preview
does). Floors, from fixed data: python-docx writing 342 documents with the same paragraphs and
tables as one of our letters, and docxtpl rendering our default template 342 times with one
fixed context (its own `render()` + `save()`). `our_letters` and `floor_letters` are what
bench/bench_round.py calls for the letters part of the whole round.

    python bench/bench_letters.py [--day 2024-07-01]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from bench.workbook import MemorySource, country  # noqa: E402
from commands.round.letters import LetterSettings, draft_letters  # noqa: E402
from commands.round.letters.context import letter_context  # noqa: E402
from commands.round.letters.settings import template_path  # noqa: E402
from engine.checkpoint_round import checkpoint_round  # noqa: E402
from sheets.loading.convert import load  # noqa: E402

SETTINGS = LetterSettings(
    ondertekenaar="A. de Vries",
    functie="teamleider",
    contact="Provinciehuis\nPostbus 90602\n2509 LP Den Haag",
    kenmerk="PZH-{n}",
    datum=date(2024, 7, 8),
)


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def python_docx_floor(paragraphs: list[str], tables: list[list[tuple[str, str]]], n: int) -> None:
    """n documents with the same paragraphs and tables, from fixed data."""
    for _ in range(n):
        doc = docx.Document()
        for text in paragraphs:
            doc.add_paragraph(text)
        for rows in tables:
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in rows:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
        doc.save(BytesIO())


def docxtpl_floor(context: dict, n: int) -> None:
    path = template_path("pzh-2020")
    for _ in range(n):
        tpl = DocxTemplate(path)
        tpl.render(context, autoescape=True)
        tpl.save(BytesIO())


def shape(letter: bytes) -> tuple[list[str], list[list[tuple[str, str]]]]:
    doc = docx.Document(BytesIO(letter))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[(r.cells[0].text, r.cells[-1].text) for r in t.rows] for t in doc.tables]
    return paragraphs, tables


_ROUNDS: dict[tuple[int, date], list] = {}


def our_letters(data, day: date) -> int:
    """Letters for every municipality, one round per province (judged once per data and day:
    judging is the preview's cost, measured there)."""
    key = (id(data), day)
    if key not in _ROUNDS:
        _ROUNDS[key] = [checkpoint_round(data, day, m) for m in data.provinces().values()]
    return sum(len(draft_letters(rnd, data, SETTINGS)) for rnd in _ROUNDS[key])


def _sample_letter() -> bytes:
    """One end-of-period letter ('s-Gravenhage, 1 January 2022) from the bundled sample."""
    from sheets.sources.local import default_source

    source = default_source()
    sample = load(source.fetch(), source.describe())
    rnd = checkpoint_round(sample, date(2022, 1, 1), ["'s-Gravenhage"])
    return draft_letters(rnd, sample, SETTINGS)[0].docx


FLOOR_SHAPE = shape(_sample_letter())


def floor_letters(n: int) -> None:
    """python-docx writing n documents the size of one letter, from fixed data."""
    python_docx_floor(*FLOOR_SHAPE, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", default="2024-07-01", help="checkpoint (JJJJ-MM-DD)")
    args = parser.parse_args()
    day = date.fromisoformat(args.day)
    source = MemorySource(country())
    data = load(source.fetch(), source.describe())
    data.prepare()
    names = sorted(data.records)
    rnd = checkpoint_round(data, day, names)
    n = len(rnd.entries)
    draft_letters(rnd, data, SETTINGS)  # warm-up: imports, first template read
    letters: list = []
    ours = timed(lambda: letters.extend(draft_letters(rnd, data, SETTINGS)))
    sample = max(letters, key=lambda x: len(x.docx))
    paragraphs, tables = shape(sample.docx)
    entry = next(e for e in rnd.entries if e.gemeente == sample.gemeente)
    context = letter_context(entry, data, SETTINGS, 1, rnd.sums.get(entry.municipality.provincie))
    floor_docx = timed(lambda: python_docx_floor(paragraphs, tables, n))
    floor_tpl = timed(lambda: docxtpl_floor(context, n))
    floor = min(floor_docx, floor_tpl)
    size = sum(len(x.docx) for x in letters) / n / 1024
    print(f"{n} brieven per {day.isoformat()} ({rnd.kind}), gemiddeld {size:.0f} KB")
    print(f"  taakbot draft_letters : {ours:6.2f} s  {n / ours:7.1f} brieven/s")
    print(f"  vloer python-docx     : {floor_docx:6.2f} s  {n / floor_docx:7.1f} brieven/s")
    print(f"  vloer docxtpl         : {floor_tpl:6.2f} s  {n / floor_tpl:7.1f} brieven/s")
    print(f"  verhouding taakbot / snelste vloer: {ours / floor:.2f}× (doel ≤ 2×)")


if __name__ == "__main__":
    main()
