"""Chunk: split an announcement along its own structure.

The standard Korean press-release layout is line based: ``□`` main points with ``ㅇ`` sub-points and ``*``
notes, ``| ➊ … |`` section headers, ``< … >`` table captions and pipe tables, a contact block at the end.
Kiwi's sentence splitter ignores newlines, bullets and table rows, so structure is split first, here.
Every non-blank line lands in exactly one chunk; each chunk records its section path and line span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .ingest import Document
from .table_units import (
    BASIS,
    NUMERIC_CELL,
    UNIT_NOTE,
    caption_units,
    note_units,
    opens_part,
    parenthesised,
    rate_label,
    with_units,
)

TOP_BULLETS = "□■◆◇◎▣▶►"
PASSAGE_KINDS = ("point", "text", "table_row", "contact", "heading")  # chunks whose sentences answer as passages
SUB_BULLETS = "ㅇ○◦•‧∙·-–"
NOTE_MARKS = "*※"
_CIRCLED_L1 = "➊➋➌➍➎➏➐➑➒➓❶❷❸❹❺❻❼❽❾❿ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"
_CIRCLED_L2 = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_SECTION_PLAIN = re.compile(rf"^\s*(?:[{_CIRCLED_L1}{_CIRCLED_L2}]|\d{{1,2}}\s*[.)]\s|[IVX]{{1,4}}\.\s|【)")
# "< 기관별 분담액 >", and with its unit note on the same line: "< 기관별 분담액 > (단위: 억 원)"
CAPTION = re.compile(r"^\s*[<〈《]\s*(.+?)\s*[>〉》]\s*(?P<unit>[(\[（]\s*단\s*위\s*[:：][^()\[\]（）]+[)\]）])?\s*$")
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


@lru_cache(maxsize=8192)
def cell_spans(text: str, cells: tuple[tuple[str, str], ...]) -> tuple[tuple[int, int] | None, ...]:
    """Where each (column, value) cell of a table row stands in its text: the k-th pipe cell when it holds the value
    (a value found anywhere in the row would put "35" inside "1,350"), else None (a filled-down value is not
    written in the row)."""
    lead = len(text) - len(text.lstrip())  # the row as written, indented or not
    text = text.rstrip()
    bars = [i for i, ch in enumerate(text) if ch == "|"]
    bounds = ([] if text.lstrip().startswith("|") else [lead - 1]) + bars + ([] if text.endswith("|") else [len(text)])
    raw = [(a + 1, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    spans: list[tuple[int, int] | None] = []
    for k, (_, v) in enumerate(cells):
        s, e = raw[k] if k < len(raw) else (0, 0)
        at = text.find(v, s, e) if v else -1
        spans.append((at, at + len(v)) if at >= 0 else None)
    return tuple(spans)


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
    """Restore merged (row-spanning) cells: a row with fewer cells than the header lost its leading ones
    (:func:`lost_cells`).

    Trailing empty cells are dropped, the remaining cells are right-aligned under the header, and the
    missing leading columns are copied from the previous row. Empty cells inside the row are filled too.
    """
    n = len(header)
    vals = list(cells)
    missing = lost_cells(header, cells, previous)
    total_row = bool(vals) and bool(TOTAL_CELL.match(vals[0]))  # 합계/계 rows keep their cells' positions
    while vals and not vals[-1] and not total_row and (missing or len(vals) > n):
        vals.pop()
    if missing:
        vals = list(previous[:missing]) + vals[: n - missing]
    vals = (vals + [""] * n)[:n] if len(vals) <= n else vals[: n - 1] + [" ".join(vals[n - 1:])]
    if previous is not None and not any(TOTAL_CELL.match(v) for v in vals):
        vals = [v if v else (previous[i] if i < len(previous) and i < n - 1 else v) for i, v in enumerate(vals)]
    return vals


_FIGURE = re.compile(r"(?:(?:최대|최소|약|총|월|연|매월|각)\s*)?[-+△▲▽∆]?\s*\d[\d,.]*\s*[^\d\s]{0,4}"
                     r"(?:\s*(?:이내|이상|이하|미만|초과|내외|증가|감소))?|[-–—]")  # 3,000 | 770명 | 최대 5년 | -


def lost_cells(header: list[str], cells: list[str], previous: list[str] | None) -> int:
    """How many leading cells a row lost to row-spanning cells above it: as many as the header has more
    than the row without its trailing empty cells. A row written in full whose last cells are empty (a
    blank 비고, as every published table's rows are written) is taken as such when fewer of its cells
    stand under a cell of the other kind in the row above (a figure under text, text under a figure)
    unshifted than shifted."""
    vals = list(cells)
    if previous is None or not vals or TOTAL_CELL.match(vals[0]):
        return 0
    while vals and not vals[-1]:
        vals.pop()
    missing = len(header) - len(vals)
    if missing <= 0:
        return 0
    if len(cells) >= len(header):
        def clashes(row: list[str]) -> int:
            pairs = zip(row, previous, strict=False)
            return sum(bool(_FIGURE.fullmatch(v)) != bool(_FIGURE.fullmatch(p)) for v, p in pairs if v and p)

        if clashes(vals) < clashes(list(previous[:missing]) + vals):
            return 0
    return missing


def lexical_text(chunk: Chunk, title: str = "") -> str:
    """What the word search (BM25) reads of a chunk: its search text under its announcement's title. A chunk that
    never repeats what its announcement is about ("□ 총 융자 규모: 3조 7,000억원") is then found by those words
    ("소상공인 정책자금 전체 규모가 얼마야?") as its neighbours are. The dense vector and the answering code read
    ``search_text`` alone."""
    return f"{title}\n{chunk.search_text}" if title else chunk.search_text


def lexical_title(document: Document | None, bm25_title: bool) -> str:
    """The title the word search reads a document's chunks under (:func:`lexical_text`), for the local index and the
    Milvus collection alike: its own when ``Config.bm25_title`` says so, none otherwise."""
    return (document.title or "") if document is not None and bm25_title else ""


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
        self.part_note: tuple[int, str] | None = None  # the unit note of the part (참고 1 …) the lines are in
        self.basis = ""  # the basis the tables that follow are stated on ("(순투자 기준)"), until the next one

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
        if opens_part(s):
            b.part_note, b.basis = ((n, s) if UNIT_NOTE.search(s) else None), ""
        elif BASIS.match(s) and not UNIT_NOTE.search(s):
            b.basis = s.strip("()（） ")
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
        if CAPTION.match(s) or _UNIT_NOTE_LINE.match(s):
            i = _caption(b, lines, i)
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
        elif _SECTION_PLAIN.match(s) and len(s) <= 30 and not s.endswith("다.") and not _continues_list(b.block, s):
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


def _enum_number(text: str) -> int | None:
    """1 for "1. …", "1) …" or "① …"; None for a line that is not numbered so."""
    m = re.match(r"^\s*(\d{1,2})\s*[.)]\s", text)
    if m:
        return int(m.group(1))
    return _CIRCLED_L2.index(text.lstrip()[0]) + 1 if text.strip() and text.lstrip()[0] in _CIRCLED_L2 else None


def _continues_list(block: list[tuple[int, str]], text: str) -> bool:
    """A short numbered line is an item, not a heading, when it continues the numbering of the open point's
    last line ("1. 임대차계약서 사본" → "2. 최근 3개월 월세 이체 내역") or opens a list the point announces
    ("제출 서류는 다음과 같다." → "1. …")."""
    k = _enum_number(text)
    if not block or k is None:
        return False
    last = block[-1][1]
    return _enum_number(last) == k - 1 or (k == 1 and re.search(r"(?:다음|아래)과\s*같[다습]|[:：]$", last) is not None)


def _caption(b: _Builder, lines: list[tuple[int, str]], i: int) -> int:
    """A ``< … >`` caption or a ``(단위: …)`` note: the head of the table below it, else a heading (or text)."""
    n, s = lines[i][0], lines[i][1].strip()
    m = CAPTION.match(s)
    j = next((k for k in range(i + 1, len(lines)) if lines[k][1].strip()), None)
    note = None
    if m and j is not None and _UNIT_NOTE_LINE.match(lines[j][1].strip()):
        note = lines[j]  # "(단위: 억원)" between the caption and its table
        j = next((k for k in range(j + 1, len(lines)) if lines[k][1].strip()), None)
    elif not m or "단위" in m.group(1) or m.group("unit") or caption_units(s):
        note = (n, s)  # a unit note alone, or "< 지원 규모 (단위: 억원) >" / "< 분담액 > (단위: 억원)": the caption carries it
    if j is not None and is_pipe_row(lines[j][1]) and not _CONTACT_START.match(lines[j][1].strip()):
        return _table(b, lines, j, caption=(n, s, m.group(1)) if m else None, unit_note=note)
    if not m:
        b.append(n, s, new_item=False) if b.block else b.start_block(n, s, "text")
    else:
        b.flush()
        b.add([(n, s)], "heading")
    return i + 1


def _table(b: _Builder, lines: list[tuple[int, str]], i: int, caption: tuple[int, str, str] | None,
           unit_note: tuple[int, str] | None = None) -> int:
    """One chunk for caption + header, then one chunk per data row with the column names attached.

    A second header row (a two-level header: "’23년" over "9월 | 10월 | …") is merged into the column
    names ("’23년 9월"), and the units of a "(단위: 억원, %)" note go to the numeric columns they belong to
    ("국비" → "국비(억원)"), so every row reads as complete sentences of name and value.
    """
    b.flush()
    header_n, header_line = lines[i]
    header = split_cells(header_line)
    note_line = unit_note if unit_note and not (caption and unit_note[0] == caption[0]) else None
    head_lines = ([caption[:2]] if caption else []) + ([note_line] if note_line else []) + [(header_n, header_line.strip())]
    nxt = next((k for k in range(i + 1, len(lines)) if lines[k][1].strip()), None)
    if nxt is not None and is_pipe_row(lines[nxt][1]) and is_sub_header(header, split_cells(lines[nxt][1])):
        header = merge_headers(header, split_cells(lines[nxt][1]))
        head_lines.append((lines[nxt][0], lines[nxt][1].strip()))
        i = nxt
    units_from = unit_note or b.part_note  # else the unit of the part the table is in ("참고 1 … (단위: 억달러)")
    units = note_units(units_from[1]) if units_from else []
    if units:  # the rows of rates under their amounts (below) take their own unit, not the columns'
        header = with_units(header, units, [r for r in _data_rows(lines, i + 1) if not parenthesised(r)])
    caption_text = " ".join(p for p in (caption[2] if caption else "", note_line[1].strip() if note_line else "",
                                        b.basis) if p)
    b.add(head_lines, "table_header", context=caption_text)
    previous: list[str] | None = None
    group: str | None = None
    i += 1
    while i < len(lines):
        n, raw = lines[i]
        s = raw.strip()
        if not s:
            i += 1
            continue
        if not is_pipe_row(s) or _CONTACT_START.match(s) or opens_part(s):
            break  # the table ends at prose, at the contact block (담당 부서 …) or at a part (| 참고 2 | …)
        cells = split_cells(s)
        nonempty = [c for c in cells if c]
        if len(nonempty) == 1 and _SECTION_PLAIN.match(nonempty[0]):
            break
        if is_separator_row(cells):
            b.chunks[-1] = _extend(b.chunks[-1], n, s) if b.chunks[-1].kind == "table_header" else b.chunks[-1]
            i += 1
            continue
        values = fill_down(header, cells, previous)
        rate = rate_label(values, previous, units)
        previous = values
        if rate:  # "| 전 체 | (△13.4) |" under "| 전 체 | 141.5 |": the change of the row above, in %
            values = [rate, *(v.strip("()（） ") for v in values[1:])]
        else:
            values, group = _in_group(values, group)
        pairs = tuple((h or f"열{k + 1}", v) for k, (h, v) in enumerate(zip(header, values, strict=False)))
        described = " | ".join(f"{h}: {v}" for h, v in pairs if v)
        b.add([(n, s)], "table_row", context="\n".join(p for p in (caption_text, described) if p), cells=pairs)
        i += 1
    return i


_GROUP_LABEL = re.compile(r"[(\[]\s*[^()\[\]]*?(?:원|명|개|곳|건|%|％|가구|개소|달러|톤|회)\s*[)\]]\s*$")


def _in_group(values: list[str], group: str | None) -> tuple[list[str], str | None]:
    """Rows of figures under a row that names a measure with its unit ("고용률(%)" then "15~64세", "15~29세"):
    each sub-row's label is read with its group ("15~64세(OECD비교기준) 고용률(%)"), as the indented original
    shows. Returns the row's cells and the group that continues."""
    if not values or not values[0] or not all(NUMERIC_CELL.match(v) for v in values[1:] if v):
        return values, None  # a row of words ends the groups
    if _GROUP_LABEL.search(values[0]):
        return values, values[0]
    if group and not TOTAL_CELL.match(values[0]):
        return [f"{values[0]} {group}", *values[1:]], group
    return values, group


_UNIT_NOTE_LINE = re.compile(r"^\s*[(\[]?\s*단위\s*[:：]\s*[^)\]]{1,40}[)\]]?\s*$")


def is_sub_header(top: list[str], sub: list[str]) -> bool:
    """A second header row: no number in it, and either the header has spanning (empty) cells or the row's
    first cell is empty (the row-label column's header spans both rows)."""
    if not any(sub) or any(NUMERIC_CELL.match(c) for c in sub if c) or len(sub) > len(top) + 1:
        return False
    if sub[0] and TOTAL_CELL.match(sub[0]):
        return False
    return not sub[0] or any(not c for c in top[1:])


def merge_headers(top: list[str], sub: list[str]) -> list[str]:
    """Column names of a two-level header: a top cell spans the empty cells to its right."""
    names, span = [], ""
    for k in range(max(len(top), len(sub))):
        t = top[k] if k < len(top) else ""
        s = sub[k] if k < len(sub) else ""
        if t:
            span = t
        elif not s:
            span = ""
        upper = t or (span if s and k > 0 else "")
        names.append(" ".join(p for p in (upper, s) if p) or "")
    return names


def _data_rows(lines: list[tuple[int, str]], i: int) -> list[list[str]]:
    rows = []
    while i < len(lines):
        s = lines[i][1].strip()
        if s:
            if not is_pipe_row(s) or _CONTACT_START.match(s) or opens_part(s):
                break
            rows.append(split_cells(s))
        i += 1
    return rows


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
