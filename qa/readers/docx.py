"""DOCX (Word): body paragraphs and tables in document order with ``python-docx``.

Tables become filled grids (python-docx repeats a horizontally merged cell per grid column and resolves a
vertical merge's continuation to the cell above); a ``Caption``-style paragraph or a ``< … >`` paragraph
above a table, or the table's own title property (``w:tblCaption``), becomes its caption. Metadata comes
from the core properties (title, author, created).
"""

from __future__ import annotations

import io
import zipfile

from . import budget
from .base import Paragraph, Parsed, ReadError, Table, assemble, clean_meta

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _table(tbl, parent) -> Table:
    from docx.table import Table as DocxTable

    t = DocxTable(tbl, parent)
    n_cols = len(t.columns)
    cells = t._cells  # the grid, merges resolved (see module docstring)
    rows = [[cells[r * n_cols + c].text for c in range(n_cols)] for r in range(len(cells) // max(n_cols, 1))]
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    anchors: dict[int, tuple[int, int]] = {}  # a merged cell is one <w:tc> repeated over the positions it covers
    for r in range(len(rows)):
        for c in range(n_cols):
            tc = id(cells[r * n_cols + c]._tc)
            if tc in anchors:
                merged[(r, c)] = anchors[tc]
            else:
                anchors[tc] = (r, c)
    caption = None
    cap = tbl.find(f"{_W}tblPr/{_W}tblCaption")
    if cap is not None:
        caption = cap.get(f"{_W}val")
    return Table(rows, caption, merged)


def read_docx(data: bytes, name: str = "") -> Parsed:
    import docx
    from docx.text.paragraph import Paragraph as DocxParagraph

    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError("a password-protected (encrypted) Word document; save an unprotected copy", "encrypted")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:  # python-docx loads every part: their declared sizes count
            budget.current().check_zip(z, "DOCX", all_members=True)
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"not a readable DOCX ({type(exc).__name__}: {exc})") from exc
    blocks: list = []
    body = document.element.body
    for el in body.iterchildren():
        if el.tag == f"{_W}p":
            p = DocxParagraph(el, document)
            style = (p.style.name if p.style is not None else "") or ""
            text = "\n".join(part for part in p.text.split("\n"))
            if style.lower() == "caption" and text.strip() and not text.strip().startswith(("<", "〈", "《")):
                text = f"< {text.strip()} >"
            blocks.append(Paragraph(text))
        elif el.tag == f"{_W}tbl":
            blocks.append(_table(el, document))
    cp = document.core_properties
    meta = {"title": cp.title, "publisher": cp.author,
            "published": cp.created.date().isoformat() if cp.created else None}
    parsed = assemble(blocks)
    parsed.meta = clean_meta(meta)
    return parsed
