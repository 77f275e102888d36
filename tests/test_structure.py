"""The code stays readable: no module over 500 lines and no function over 60 lines in ``qa/`` (the web front end,
the admin and feedback modules among them) or ``ui.py``, and ``Assistant`` under 300 lines; the page scripts and
styles are files, not strings."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = [ROOT / "ui.py", *sorted((ROOT / "qa").rglob("*.py"))]


def test_modules_are_small():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES}
    assert {name: n for name, n in sizes.items() if n > 500} == {}


def test_functions_are_small():
    long = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 60:
                    long.append(f"{path.relative_to(ROOT)}:{node.name} ({length} lines)")
    assert not long, long


def test_the_assistant_is_small():
    tree = ast.parse((ROOT / "qa" / "assistant.py").read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Assistant")
    assert cls.end_lineno - cls.lineno + 1 < 300


def test_ui_py_is_the_thin_entry_point():
    text = (ROOT / "ui.py").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 120 and "def main(" in text and "gr.Blocks" not in text
    for name in ("app.js", "app.css", "admin.js", "admin.css", "page.css"):
        assert (ROOT / "qa" / "web" / "static" / name).is_file(), name
