"""One announcement as a reader sees it: its structure (sections, captions, tables with filled-down rows,
points), its metadata and its file report; and where a cited passage sits in it.

The structure is read off the index's chunks (the chunker already knows which lines are a section header, a
table's header, a table row with its column names after merged cells are filled down, a contact block), so
the viewer shows the table the answer's row came from exactly as the assistant read it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..chunk import CAPTION, is_pipe_row, split_cells

_HL = re.compile(r"^(\d{1,6}):(\d{1,6}):(\d{1,6})$")
MAX_HIGHLIGHTS = 20


def doc_chunks(index: Any, doc_id: str) -> list[Any]:
    return sorted((c for c in index.chunks if c.doc_id == doc_id), key=lambda c: (c.start, c.end))


def _line_kind(text: str) -> str:
    s = text.lstrip()
    if s[:1] in "□■◆◇◎▣▶►":
        return "point"
    if s[:1] in "ㅇ○◦•‧∙·-–":
        return "sub"
    if s[:1] in "*※":
        return "note"
    return "text"


def _table_block(chunks: list[Any], lines: tuple[str, ...]) -> dict[str, Any]:
    """A table from its header chunk and row chunks: caption, column names, rows of values."""
    caption, header, rows = "", [], []
    for c in chunks:
        if c.kind == "table_header":
            for n in range(c.start, c.end + 1):
                m = CAPTION.match(lines[n - 1]) if n - 1 < len(lines) else None
                if m:
                    caption = m.group(1)
                elif is_pipe_row(lines[n - 1]) and not header:
                    header = split_cells(lines[n - 1])
        else:
            if c.cells:
                if not rows:  # the column names as the chunker read them (two-level headers merged, units)
                    header = [h for h, _ in c.cells]
                rows.append({"line": c.start, "cells": [v for _, v in c.cells]})
            else:
                rows.append({"line": c.start, "cells": split_cells(lines[c.start - 1])})
    first = chunks[0].start
    return {"type": "table", "caption": caption, "header": header, "rows": rows,
            "lines": [first, max(c.end for c in chunks)]}


def structure(doc: Any, index: Any) -> list[dict[str, Any]]:
    """The blocks of a document in order: ``heading`` (section or caption), ``table`` and ``line`` blocks."""
    lines = tuple(doc.lines)
    blocks: list[dict[str, Any]] = []
    covered: set[int] = set()
    table: list[Any] = []

    def flush_table() -> None:
        if table:
            blocks.append(_table_block(table, lines))
            table.clear()

    for c in doc_chunks(index, doc.doc_id):
        if c.kind in ("table_header", "table_row"):
            if c.kind == "table_header":
                flush_table()
            table.append(c)
        else:
            flush_table()
            blocks.extend(_plain_blocks(c, lines))
        covered.update(range(c.start, c.end + 1))
    flush_table()
    for n, text in enumerate(lines, start=1):  # lines no chunk holds (none, normally) are still shown
        if n not in covered and text.strip():
            blocks.append({"type": "line", "line": n, "kind": _line_kind(text), "text": text})
    blocks.sort(key=lambda b: b["lines"][0] if "lines" in b else b["line"])
    return blocks


def _plain_blocks(c: Any, lines: tuple[str, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(c.start, c.end + 1):
        text = lines[n - 1] if n - 1 < len(lines) else ""
        if not text.strip():
            continue
        cells = [x for x in split_cells(text) if x] if is_pipe_row(text) else []
        if c.kind == "section" or (c.kind == "heading" and len(cells) <= 1):
            m = CAPTION.match(text)
            title = cells[0] if cells else (m.group(1) if m else text.strip())
            out.append({"type": "heading", "line": n, "level": 2 if c.kind == "section" else 3, "text": title})
        elif cells:
            out.append({"type": "row", "line": n, "kind": c.kind, "cells": cells, "text": text})
        else:
            out.append({"type": "line", "line": n, "kind": _line_kind(text), "text": text})
    return out


def document_json(doc: Any, index: Any, report: dict | None, cited: tuple[int, int] | None = None) -> dict:
    """What ``GET /api/documents/{doc_id}`` returns (no server paths)."""
    blocks = structure(doc, index)
    body = {
        "doc_id": doc.doc_id, "title": doc.title, "publisher": doc.publisher, "published": doc.published,
        "url": doc.source, "department": getattr(doc, "department", None),
        "contacts": [list(c) for c in getattr(doc, "contacts", ())], "n_lines": len(doc.lines),
        "lines": [{"n": n, "text": t} for n, t in enumerate(doc.lines, start=1)],
        "tables": [b for b in blocks if b["type"] == "table"], "blocks": blocks,
        "file": {k: v for k, v in (report or {}).items() if k != "path"} or None,
    }
    if cited:
        start, end = max(1, cited[0]), min(len(doc.lines), cited[1])
        body["cited"] = {"start": start, "end": end,
                         "lines": [{"n": n, "text": doc.lines[n - 1]} for n in range(start, end + 1)]}
    return body


# --------------------------------------------------------------------------- citations into the document
def doc_spans(doc: Any, source: dict[str, Any]) -> list[tuple[int, int, int]]:
    """The source's highlights as ``(line, start, end)`` in the document's own lines.

    The passage is normally its lines joined by newlines, and the offsets map directly; otherwise each
    highlighted text is looked for in the cited lines."""
    try:
        first, last = int(source["lines"][0]), int(source["lines"][1])
    except (KeyError, TypeError, ValueError, IndexError):
        return []
    text = source.get("text") or ""
    lines = doc.lines[max(0, first - 1): max(0, last)]
    spans: list[tuple[int, int, int]] = []
    for h in source.get("highlights") or ():
        try:
            s, e = int(h[0]), int(h[1])
        except (TypeError, ValueError, IndexError):
            continue
        piece = text[max(0, s): max(0, e)]
        if "\n".join(lines) == text:
            spans.extend(_split_offsets(lines, first, s, e))
        else:
            spans.extend(_find(lines, first, piece))
    return spans[:MAX_HIGHLIGHTS]


def _split_offsets(lines: Any, first: int, s: int, e: int) -> list[tuple[int, int, int]]:
    out, pos = [], 0
    for k, line in enumerate(lines):
        a, b = max(s, pos), min(e, pos + len(line))
        if a < b:
            out.append((first + k, a - pos, b - pos))
        pos += len(line) + 1
    return out


def _find(lines: Any, first: int, piece: str) -> list[tuple[int, int, int]]:
    out = []
    for part in (p.strip() for p in piece.split("\n")):
        for k, line in enumerate(lines):
            i = line.find(part) if part else -1
            if i >= 0:
                out.append((first + k, i, i + len(part)))
                break
    return out


def view_link(base: str, doc_id: str, lines: Any, spans: list[tuple[int, int, int]]) -> str:
    """The viewer's address of a citation: the whole announcement, scrolled to the lines, spans marked."""
    try:
        first, last = int(lines[0]), int(lines[1])
    except (TypeError, ValueError, IndexError):
        return f"{base}/doc/{quote(doc_id, safe='')}"
    hl = ",".join(f"{n}:{s}:{e}" for n, s, e in spans)
    query = f"from={first}&to={last}" + (f"&hl={hl}" if hl else "")
    return f"{base}/doc/{quote(doc_id, safe='')}?{query}#L{first}"


def parse_highlights(value: str | None) -> dict[int, list[tuple[int, int]]]:
    """``16:55:60,17:0:5`` → ``{16: [(55, 60)], 17: [(0, 5)]}`` (malformed parts are ignored)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for part in (value or "").split(",")[:MAX_HIGHLIGHTS]:
        m = _HL.match(part.strip())
        if m and int(m.group(2)) < int(m.group(3)):
            out.setdefault(int(m.group(1)), []).append((int(m.group(2)), int(m.group(3))))
    return out
