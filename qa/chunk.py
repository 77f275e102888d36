"""Chunk: split an announcement along its own structure.

The standard Korean press-release layout is line based: ``□`` main points with ``ㅇ`` sub-points and ``*``
notes, ``| ➊ … |`` section headers, ``< … >`` table captions and pipe tables, a contact block at the end.
Kiwi's sentence splitter ignores newlines, bullets and table rows, so structure is split first, here.
Every non-blank line lands in exactly one chunk; each chunk records its section path and line span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ingest import Document

TOP_BULLETS = "□■◆◇◎▣▶►"
SUB_BULLETS = "ㅇ○◦•‧∙·-–"
NOTE_MARKS = "*※"
_CIRCLED_L1 = "➊➋➌➍➎➏➐➑➒➓❶❷❸❹❺❻❼❽❾❿ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"
_CIRCLED_L2 = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_SECTION_PLAIN = re.compile(rf"^\s*(?:[{_CIRCLED_L1}{_CIRCLED_L2}]|\d{{1,2}}\s*[.)]\s|[IVX]{{1,4}}\.\s|【)")
_CAPTION = re.compile(r"^\s*[<〈《]\s*(.+?)\s*[>〉》]\s*$")
_PHONE = re.compile(r"\b0\d{1,2}[-)\s]\d{3,4}-\d{4}\b")
_CONTACT_START = re.compile(r"^\s*\|?\s*(담당\s*부서|담당자|담당|문의|연락처|책임자)")
_SOURCE = re.compile(r"^\s*(원출처|출처)\s*[:：]")
TOTAL_CELL = re.compile(r"^(합\s*계|총\s*계|소\s*계|계|합|total|sum)$", re.I)


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage.

    ``text`` is the source lines as shown to users; ``search_text`` adds the context a reader would have
    (section path, table caption and column names, the parent point of a split-off sub-point) and is what
    BM25 and the embedder see. ``start``/``end`` are 1-based inclusive line numbers in the document.
    """

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    section: str
    kind: str  # point | table_row | table_header | section | heading | contact | meta | text
    search_text: str = field(repr=False)
    cells: tuple[tuple[str, str], ...] = ()  # table rows: (column name, value) after fill-down

    @property
    def lines(self) -> tuple[int, int]:
        return (self.start, self.end)

    def to_dict(self) -> dict:
        return {"chunk_id": self.chunk_id, "doc_id": self.doc_id, "text": self.text,
                "start": self.start, "end": self.end, "section": self.section, "kind": self.kind,
                "search_text": self.search_text, "cells": [list(c) for c in self.cells]}


def split_cells(line: str) -> list[str]:
    """Cells of a pipe row, trimmed (the outer pipes do not make empty cells)."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def is_pipe_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.endswith("|") and len(s) > 1


def is_separator_row(cells: list[str]) -> bool:
    """Markdown ``|---|:--:|`` rows carry no data."""
    return all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c) and any(cells)


def section_level(text: str) -> int:
    """1 for ➊/Ⅰ/1. style headers, 2 for ①/가. style ones."""
    s = text.strip()
    if s and s[0] in _CIRCLED_L2:
        return 2
    return 1


def fill_down(header: list[str], cells: list[str], previous: list[str] | None) -> list[str]:
    """Restore merged (row-spanning) cells: a row with fewer cells than the header lost its leading ones.

    Trailing empty cells are dropped, the remaining cells are right-aligned under the header, and the
    missing leading columns are copied from the previous row. Empty cells inside the row are filled too.
    """
    n = len(header)
    vals = list(cells)
    while vals and not vals[-1]:
        vals.pop()
    if len(vals) < n and previous is not None:
        missing = n - len(vals)
        vals = list(previous[:missing]) + vals
    vals = (vals + [""] * n)[:n] if len(vals) <= n else vals[: n - 1] + [" ".join(vals[n - 1:])]
    if previous is not None and not any(TOTAL_CELL.match(v) for v in vals):
        vals = [v if v else (previous[i] if i < len(previous) and i < n - 1 else v) for i, v in enumerate(vals)]
    return vals


class _Builder:
    """Accumulates lines into chunks for one document."""

    def __init__(self, doc: Document, max_chars: int) -> None:
        self.doc = doc
        self.max_chars = max_chars
        self.chunks: list[Chunk] = []
        self.section_path: list[str] = []
        self.block: list[tuple[int, str]] = []  # (line_no, text)
        self.block_kind = "point"
        self.block_context = ""  # parent point for split-off sub-points

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)

    def add(self, lines: list[tuple[int, str]], kind: str, context: str = "",
            cells: tuple[tuple[str, str], ...] = ()) -> None:
        text = "\n".join(t for _, t in lines)
        parts = [self.section, context, text]
        search_text = "\n".join(p for p in parts if p)
        self.chunks.append(Chunk(
            chunk_id=f"{self.doc.doc_id}#{len(self.chunks):03d}", doc_id=self.doc.doc_id, text=text,
            start=lines[0][0], end=lines[-1][0], section=self.section, kind=kind,
            search_text=search_text, cells=cells))

    def flush(self) -> None:
        if self.block:
            self.add(self.block, self.block_kind, self.block_context)
        self.block, self.block_context = [], ""

    def start_block(self, n: int, text: str, kind: str) -> None:
        self.flush()
        self.block, self.block_kind = [(n, text)], kind

    def append(self, n: int, text: str, new_item: bool) -> None:
        """Add a sub-point or note to the open point, splitting off when the chunk would grow too long."""
        if not self.block:
            self.block, self.block_kind = [(n, text)], "point"
            return
        size = sum(len(t) + 1 for _, t in self.block) + len(text)
        if new_item and size > self.max_chars:
            head = self.block_context or self.block[0][1]
            self.flush()
            self.block, self.block_kind, self.block_context = [(n, text)], "point", head
        else:
            self.block.append((n, text))

    def set_section(self, title: str) -> None:
        self.flush()
        level = section_level(title)
        self.section_path = self.section_path[: level - 1] + [title]


def chunk_document(doc: Document, max_chars: int = 500) -> list[Chunk]:
    """Split one document into structure-aware chunks (see module docstring)."""
    b = _Builder(doc, max_chars)
    lines = list(enumerate(doc.lines, start=1))
    i = 0
    while i < len(lines):
        n, raw = lines[i]
        s = raw.strip()
        if not s:
            i += 1
            continue
        if is_pipe_row(s):
            cells = split_cells(s)
            nonempty = [c for c in cells if c]
            if len(nonempty) == 1 and (len(cells) == 1 or _SECTION_PLAIN.match(nonempty[0])):
                b.set_section(nonempty[0])
                b.add([(n, s)], "section")
                i += 1
                continue
            if _CONTACT_START.match(s) or (_PHONE.search(s) and not b.block_kind == "table"):
                i = _contact_block(b, lines, i)
                continue
            i = _table(b, lines, i, caption=None)
            continue
        m = _CAPTION.match(s)
        if m:
            j = next((k for k in range(i + 1, len(lines)) if lines[k][1].strip()), None)
            if j is not None and is_pipe_row(lines[j][1]) and not _CONTACT_START.match(lines[j][1].strip()):
                i = _table(b, lines, j, caption=(n, s, m.group(1)))
            else:
                b.flush()
                b.add([(n, s)], "heading")
                i += 1
            continue
        if _SOURCE.match(s):
            b.flush()
            b.add([(n, s)], "meta")
            i += 1
            continue
        if _CONTACT_START.match(s) or (_PHONE.search(s) and s[0] not in TOP_BULLETS + SUB_BULLETS):
            i = _contact_block(b, lines, i)
            continue
        if s[0] in TOP_BULLETS:
            b.start_block(n, s, "point")
        elif _SECTION_PLAIN.match(s) and len(s) <= 30 and not s.endswith("다."):
            b.set_section(s)
            b.add([(n, s)], "section")
        elif _SECTION_PLAIN.match(s):  # a long ①/1. line is an enumerated item, not a heading
            b.append(n, s, new_item=True)
        elif s[0] in SUB_BULLETS:
            b.append(n, s, new_item=True)
        elif s[0] in NOTE_MARKS:
            b.append(n, s, new_item=False)
        elif b.block:
            b.append(n, s, new_item=False)  # a wrapped continuation line
        else:
            b.start_block(n, s, "text")
        i += 1
    b.flush()
    return b.chunks


def _table(b: _Builder, lines: list[tuple[int, str]], i: int, caption: tuple[int, str, str] | None) -> int:
    """One chunk for caption + header, then one chunk per data row with the column names attached."""
    b.flush()
    header_n, header_line = lines[i]
    header = split_cells(header_line)
    head_lines = ([caption[:2]] if caption else []) + [(header_n, header_line.strip())]
    b.add(head_lines, "table_header", context=caption[2] if caption else "")
    caption_text = caption[2] if caption else ""
    previous: list[str] | None = None
    i += 1
    while i < len(lines):
        n, raw = lines[i]
        s = raw.strip()
        if not s:
            i += 1
            continue
        if not is_pipe_row(s) or _CONTACT_START.match(s):
            break  # the table ends at prose or at the contact block (담당 부서 …)
        cells = split_cells(s)
        nonempty = [c for c in cells if c]
        if len(nonempty) == 1 and _SECTION_PLAIN.match(nonempty[0]):
            break
        if is_separator_row(cells):
            b.chunks[-1] = _extend(b.chunks[-1], n, s) if b.chunks[-1].kind == "table_header" else b.chunks[-1]
            i += 1
            continue
        values = fill_down(header, cells, previous)
        previous = values
        pairs = tuple((h or f"열{k + 1}", v) for k, (h, v) in enumerate(zip(header, values)))
        described = " | ".join(f"{h}: {v}" for h, v in pairs if v)
        b.add([(n, s)], "table_row", context="\n".join(p for p in (caption_text, described) if p), cells=pairs)
        i += 1
    return i


def _extend(chunk: Chunk, n: int, text: str) -> Chunk:
    from dataclasses import replace

    return replace(chunk, text=chunk.text + "\n" + text, end=n, search_text=chunk.search_text + "\n" + text)


def _contact_block(b: _Builder, lines: list[tuple[int, str]], i: int) -> int:
    """Consecutive contact lines (담당 부서, names, phone numbers) become one chunk."""
    b.flush()
    block = []
    while i < len(lines):
        n, raw = lines[i]
        s = raw.strip()
        if not s:
            i += 1
            continue
        if block and not (_CONTACT_START.match(s) or _PHONE.search(s) or re.search(r"(과\s*장|사무관|주무관|연구관)", s)):
            break
        block.append((n, s))
        i += 1
    b.add(block, "contact")
    return i


def chunk_corpus(docs: list[Document], max_chars: int = 500) -> list[Chunk]:
    return [c for d in docs for c in chunk_document(d, max_chars)]
