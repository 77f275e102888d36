"""The web front end stays readable: no module over 500 lines, no function over 60 lines (ui.py, the
qa/web package, the admin and feedback modules); the page scripts and styles are files, not strings."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = [ROOT / "ui.py", ROOT / "qa" / "admin.py", ROOT / "qa" / "feedback.py",
           *sorted((ROOT / "qa" / "web").glob("*.py"))]


def test_modules_are_small():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES}
    assert all(n <= 500 for n in sizes.values()), sizes


def test_functions_are_small():
    long = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 60:
                    long.append(f"{path.name}:{node.name} ({length} lines)")
    assert not long, long


def test_ui_py_is_the_thin_entry_point():
    text = (ROOT / "ui.py").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 120 and "def main(" in text and "gr.Blocks" not in text
    for name in ("app.js", "app.css", "admin.js", "admin.css", "page.css"):
        assert (ROOT / "qa" / "web" / "static" / name).is_file(), name
