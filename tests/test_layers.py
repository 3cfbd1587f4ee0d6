"""Dependencies point down only: bot → commands → sheets → engine, never back up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("bot", "commands", "sheets", "engine")  # each may import only those after it


def _imports(path: Path) -> set[str]:
    """Top-level packages a module imports, lazily imported ones included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_back_up(layer: str) -> None:
    above = set(LAYERS[: LAYERS.index(layer)])
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for name in _imports(path) & above
    }
    assert not wrong, sorted(wrong)
