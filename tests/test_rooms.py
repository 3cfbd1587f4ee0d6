"""sheets/ is in rooms; each room imports only the rooms below it (sheets/__init__.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SHEETS = Path(__file__).resolve().parent.parent / "sheets"
ALLOWED = {
    "tabs": (),
    "names": (),
    "overviews": ("tabs", "names"),
    "loading": ("tabs", "names", "overviews"),
    "sources": ("tabs", "overviews"),
    "runtime": ("loading", "names"),
}


def _rooms_imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("sheets.")}
    return found


def test_every_module_lives_in_a_room() -> None:
    loose = sorted(p.name for p in SHEETS.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"give these a room (sheets/__init__.py): {loose}"
    assert {p.name for p in SHEETS.iterdir() if (p / "__init__.py").exists()} == set(ALLOWED)


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_rooms_import_only_the_rooms_below(room: str) -> None:
    may = {room, *ALLOWED[room]}
    wrong = {
        f"{path.relative_to(SHEETS)} imports sheets.{other}"
        for path in sorted((SHEETS / room).rglob("*.py"))
        for other in _rooms_imported(path) - may
    }
    assert not wrong, sorted(wrong)
