"""Render announcements as they are published: HWPX, HWP 5, PDF, DOCX, a portal HTML page, Markdown,
and CP949 / UTF-16 text. Deterministic; run ``.venv/bin/python tests/data/formats/make_fixtures.py``
(the two fixtures below) or ``… make_fixtures.py --real`` (the development corpus, see :func:`render_real`).

The sources are the bundled ``corpus/molit_2025_smart_city_selection.txt`` and
``tests/data/announcements/molit_2025_urban_regeneration.txt`` with their JSON sidecars. The layout follows
Korean ministry press releases as published: ``□``/``ㅇ`` points as paragraphs, ``➊`` section headings in
one-cell boxed tables, a ``< … >`` caption above each table (a paragraph, or the table's own caption object
in HWPX/HTML), a ``(단위: …)`` note between caption and table, a shaded header row, and the merged
``사업유형`` cell (강소형 spans three rows) as a real row-span. Metadata goes into each format's own
properties (HWPX/HWP summary, PDF info, DOCX core properties, HTML ``<title>``/``<meta>``); the text files
get the JSON sidecar (plain text has no properties). CP949 cannot encode ➊➋➌ or ‧, so only the urban
regeneration text exists as CP949 (with CRLF line ends, as saved by old Windows editors).

Tables are read from the ``.txt`` pipe rows the way the chunker reads them (:func:`parse_txt`): a row that
lost its leading cells is a row-span of the cells above, a two-level header (empty cells beside a top cell,
an empty cell under a top cell) becomes column- and row-spans, a 합계/계 row keeps its cells where they are,
and any other empty cell is an empty cell.

``--real`` renders the 16 development announcements of ``tests/data/real/`` (each with its sidecar's
title, publisher and date as file properties) into ``tests/data/formats/real/<format>/`` as HWPX, HWP, PDF,
DOCX and CP949 (2.8 MB in all, 5 s): PDF columns sized to their content, a running header on every page,
header rows repeated where a table continues on the next page; no CP949 copy of the three texts holding
➊➋, — or ‧ (the run names them).

Needs (generation only; the tests read the committed output): python-hwpx, reportlab, python-docx and
Debian's fonts-nanum. HWP 5 is written by :func:`write_hwp` below (no HWP writer exists on PyPI): a minimal
OLE compound file with FileHeader, DocInfo, a compressed BodyText/Section0 of HWP records and an
HwpSummaryInformation property set.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import shutil
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from qa.chunk import fill_down, is_pipe_row, is_sub_header, lost_cells, split_cells  # noqa: E402

SOURCES = {
    "molit_2025_smart_city_selection": ROOT / "corpus",
    "molit_2025_urban_regeneration": ROOT / "tests" / "data" / "announcements",
}
UNIT_NOTES = {"2025년 도시재생 혁신지구 선정 대상지": "(단위: ㎡, 억원)"}  # as printed above the table
FONT_DIR = Path("/usr/share/fonts/truetype/nanum")
ZIP_DATE = (2025, 1, 1, 0, 0, 0)


# ----------------------------------------------------------------------------- the announcement as blocks
@dataclass
class Para:
    text: str


@dataclass
class Box:  # a one-cell boxed heading, | ➊ … |
    text: str


@dataclass
class Tbl:
    caption: str | None
    grid: list[list[str]]  # filled
    spans: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, col) → rowspan of an anchor
    covered: set[tuple[int, int]] = field(default_factory=set)  # positions inside a merge (not anchors)
    unit: str | None = None
    colspans: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, col) → colspan of an anchor
    head: int = 1  # header rows (2 for a two-level header)

    def merges(self) -> list[tuple[int, int, int, int]]:
        """``(row, col, rowspan, colspan)`` of every merged anchor, row-spans first (in the order found)."""
        keys = list(self.spans) + [k for k in self.colspans if k not in self.spans]
        return [(r, c, self.spans.get((r, c), 1), self.colspans.get((r, c), 1)) for r, c in keys]


def parse_txt(path: Path, unit_notes: dict[str, str] | None = None) -> list:
    """The announcement as paragraphs, boxed headings and tables; ``unit_notes`` adds a printed
    ``(단위: …)`` note above the table of that caption (default: the two fixtures' :data:`UNIT_NOTES`)."""
    unit_notes = UNIT_NOTES if unit_notes is None else unit_notes
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    blocks: list = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        cap = None
        if s.startswith("<") and s.endswith(">") and i + 1 < len(lines) and is_pipe_row(lines[i + 1]):
            cap, i = s[1:-1].strip(), i + 1
            s = lines[i].strip()
        if is_pipe_row(s):
            cells = split_cells(s)
            if len([c for c in cells if c]) == 1 and len(cells) == 1:
                blocks.append(Box(cells[0]))
                i += 1
                continue
            rows = []
            while i < len(lines) and is_pipe_row(lines[i]):
                rows.append(split_cells(lines[i]))
                i += 1
            blocks.append(_table(cap, rows, unit_notes.get(cap or "")))
            continue
        blocks.append(Para(s))
        i += 1
    return blocks


def _table(caption: str | None, rows: list[list[str]], unit: str | None = None) -> Tbl:
    """The full grid of a pipe table and its merges, read the way :func:`qa.chunk.fill_down` reads it: a
    row that lost its leading cells in the text (:func:`qa.chunk.lost_cells`, the way merged cells are
    written in a pipe table) is a row-span of the cells above; a two-level header's empty cells are spans
    of the top cells; any other empty cell is an empty cell."""
    header = list(rows[0])
    n = len(header)
    grid = [header]
    spans: dict[tuple[int, int], int] = {}
    colspans: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
    body = rows[1:]
    if body and is_sub_header(header, body[0]):
        sub = (list(body[0]) + [""] * n)[:n]
        top = list(header)
        anchor = None
        for c in range(n):
            if top[c]:
                anchor = c
            elif sub[c] and anchor is not None:  # an empty top cell over a named one: the top cell spans it
                covered.add((0, c))
                colspans[(0, anchor)] = colspans.get((0, anchor), 1) + 1
                top[c] = top[anchor]
            else:
                anchor = None
        for c in range(n):
            if not sub[c] and header[c]:  # an empty cell under a top cell: the top cell spans both rows
                covered.add((1, c))
                spans[(0, c)] = 2
                sub[c] = header[c]
        grid = [top, sub]
        body = body[1:]
    first = len(grid)
    previous: list[str] | None = None
    filled: list[str] | None = None  # the row above as the chunker sees it (interior empty cells filled)
    for r, cells in enumerate(body, start=first):
        vals = list(cells)
        missing = lost_cells(header, cells, filled)
        filled = fill_down(header, cells, filled)
        while missing and vals and not vals[-1]:
            vals.pop()
        for c in range(missing):
            covered.add((r, c))
            anchor = r - 1
            while (anchor, c) in covered:
                anchor -= 1
            spans[(anchor, c)] = spans.get((anchor, c), 1) + 1
        vals = list(previous[:missing] if previous else []) + vals
        vals = (vals + [""] * n)[:n] if len(vals) <= n else vals[: n - 1] + [" ".join(vals[n - 1:])]
        grid.append(vals)
        previous = vals
    return Tbl(caption, grid, spans, covered, unit, colspans, head=first)


def meta_of(doc_id: str) -> dict:
    return json.loads((SOURCES[doc_id] / f"{doc_id}.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- HWPX (python-hwpx)
def write_hwpx(blocks: list, meta: dict, out: Path) -> None:
    import uuid

    from hwpx import HwpxDocument
    from hwpx.oxml import _document_primitives

    rng = random.Random(0)  # python-hwpx draws element ids from uuid4: make them repeatable
    _document_primitives.uuid4 = lambda: uuid.UUID(int=rng.getrandbits(128))
    doc = HwpxDocument.new()
    for b in blocks:
        if isinstance(b, Para):
            doc.add_paragraph(b.text)
        elif isinstance(b, Box):
            t = doc.add_table(1, 1)
            t.set_cell_text(0, 0, b.text)
            t.set_cell_shading(0, 0, "#DCE6F2")
        else:
            if b.unit:
                doc.add_paragraph(b.unit)
            t = doc.add_table(len(b.grid), len(b.grid[0]))
            for r, row in enumerate(b.grid):
                for c, value in enumerate(row):
                    if (r, c) not in b.covered:
                        t.set_cell_text(r, c, value)
            for r, c, rs, cs in b.merges():
                t.merge_cells(r, c, r + rs - 1, c + cs - 1)
            for c in range(len(b.grid[0])):
                t.set_cell_shading(0, c, "#D9D9D9")
            if b.caption:
                t.set_caption(b.caption, side="TOP")
    created = f"{meta['published']}T09:00:00Z"
    doc.package.set_document_metadata(title=meta["title"], creator=meta["publisher"], created_date=created,
                                      modified_date=created)
    _deterministic_zip(doc.to_bytes(), out)


def _deterministic_zip(data: bytes, out: Path) -> None:
    """Rewrite a zip with fixed timestamps (``mimetype`` first and stored, as OWPML/OPC require)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, ZIP_DATE)
            new.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            z.writestr(new, src.read(info.filename))
    out.write_bytes(buf.getvalue())


# ----------------------------------------------------------------------------- HWP 5 (written here)
PARA_HEADER, PARA_TEXT, PARA_CHAR_SHAPE, PARA_LINE_SEG, CTRL_HEADER, LIST_HEADER, TABLE = 66, 67, 68, 69, 71, 72, 77


def _rec(tag: int, level: int, payload: bytes) -> bytes:
    size = len(payload)
    if size >= 0xFFF:
        return struct.pack("<II", tag | (level << 10) | (0xFFF << 20), size) + payload
    return struct.pack("<I", tag | (level << 10) | (size << 20)) + payload


def _para(level: int, text: str, controls: list[bytes] = ()) -> bytes:
    """A paragraph: header, text (UTF-16LE; one 8-unit extended control char 0x0B per table), char shape.

    ``controls`` are the already-encoded CTRL_HEADER subtrees (at ``level + 1``) of the tables."""
    units = b""
    for ctrl in controls:
        ctrl_id = ctrl[4:8]
        units += struct.pack("<H", 11) + ctrl_id + b"\x00" * 8 + struct.pack("<H", 11)
    units += text.encode("utf-16-le") + struct.pack("<H", 13)
    n_chars = len(units) // 2
    header = struct.pack("<IIHBBHHHI", n_chars | 0x80000000, 0x800 if controls else 0, 0, 0, 0, 1, 0, 1, 0)
    out = _rec(PARA_HEADER, level, header)
    out += _rec(PARA_TEXT, level + 1, units)
    out += _rec(PARA_CHAR_SHAPE, level + 1, struct.pack("<II", 0, 0))
    for ctrl in controls:
        out += ctrl
    return out


def _hwp_table(level: int, grid: list[list[str]], covered: set, spans: dict, caption: str | None,
               colspans: dict | None = None) -> bytes:
    """A table control at ``level`` (its TABLE and cell LIST_HEADERs one deeper, cell paragraphs too)."""
    n_rows, n_cols = len(grid), len(grid[0])
    out = _rec(CTRL_HEADER, level, b" lbt" + struct.pack("<I", 0x082A2210) + b"\x00" * 38)
    if caption:  # caption list: LIST_HEADER before the TABLE record, then its paragraph
        out += _rec(LIST_HEADER, level + 1, struct.pack("<HHI", 1, 0, 0) + struct.pack("<IIII", 0, 8000, 850, 42520))
        out += _para(level + 1, f"< {caption} >")
    cells_per_row = [sum(1 for c in range(n_cols) if (r, c) not in covered) for r in range(n_rows)]
    table = struct.pack("<IHHH", 0x4000006, n_rows, n_cols, 0) + struct.pack("<HHHH", 510, 510, 141, 141)
    table += b"".join(struct.pack("<H", n) for n in cells_per_row) + struct.pack("<HH", 1, 0)
    out += _rec(TABLE, level + 1, table)
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), 1), (colspans or {}).get((r, c), 1)
            cell = struct.pack("<HHI", 1, 0, 0x20)  # paragraphs, (reserved), list flags
            cell += struct.pack("<HHHHII", c, r, colspan, rowspan, 42520 // n_cols * colspan, 1000 * rowspan)
            cell += struct.pack("<HHHHH", 510, 510, 141, 141, 4 if r == 0 else 3)  # margins, border/fill (shaded header)
            out += _rec(LIST_HEADER, level + 1, cell)
            out += _para(level + 1, grid[r][c])
    return out


def _section(blocks: list) -> bytes:
    out = b""
    for b in blocks:
        if isinstance(b, Para):
            out += _para(0, b.text)
        elif isinstance(b, Box):
            out += _para(0, "", [_hwp_table(1, [[b.text]], set(), {}, None)])
        else:
            if b.unit:
                out += _para(0, b.unit)
            out += _para(0, "", [_hwp_table(1, b.grid, b.covered, b.spans, b.caption, b.colspans)])
    return out


def _property_set(props: list[tuple[int, int, bytes]]) -> bytes:
    """An OLE property set stream (one section, FMTID_SummaryInformation) with ``(id, vt, value)``."""
    fmtid = bytes.fromhex("E0859FF2F94F6810AB9108002B27B3D9")
    body = b""
    offsets = []
    header_len = 8 + 8 * len(props)
    for pid, vt, value in props:
        offsets.append((pid, header_len + len(body)))
        item = struct.pack("<I", vt) + value
        body += item + b"\x00" * (-len(item) % 4)
    section = struct.pack("<II", header_len + len(body), len(props))
    section += b"".join(struct.pack("<II", pid, off) for pid, off in offsets) + body
    head = struct.pack("<HHI16sI", 0xFFFE, 0, 0x00020006, b"\x00" * 16, 1) + fmtid + struct.pack("<I", 48)
    return head + section


def _lpwstr(text: str) -> bytes:
    data = (text + "\x00").encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def _filetime(day: str) -> bytes:
    t = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)
    ticks = int((t - dt.datetime(1601, 1, 1, tzinfo=dt.UTC)).total_seconds() * 10**7)
    return struct.pack("<Q", ticks)


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (v3, 512-byte sectors). Streams are padded to the 4096-byte mini-stream
    cutoff so all live in regular sectors (readers ignore bytes after a stream's own structures); paths
    with one ``/`` become a storage and its stream."""
    SECT, FREE, END, FATSECT = 512, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    entries = [{"name": "Root Entry", "type": 5, "children": []}]
    storages: dict[str, int] = {}
    for path in streams:
        parent = 0
        if "/" in path:
            st, _ = path.split("/", 1)
            if st not in storages:
                entries.append({"name": st, "type": 1, "children": []})
                storages[st] = len(entries) - 1
                entries[0]["children"].append(storages[st])
            parent = storages[st]
        entries.append({"name": path.rsplit("/", 1)[-1], "type": 2, "children": [], "data": streams[path]})
        entries[parent]["children"].append(len(entries) - 1)
    sectors: list[bytes] = []
    fat: list[int] = []
    for e in entries:
        if e["type"] != 2:
            e["start"], e["size"] = END if e["type"] == 1 else END, 0
            continue
        data = e["data"] + b"\x00" * max(0, 4096 - len(e["data"]))
        data += b"\x00" * (-len(data) % SECT)
        e["start"], e["size"] = len(sectors), max(len(e["data"]), 4096)
        n = len(data) // SECT
        for k in range(n):
            sectors.append(data[k * SECT:(k + 1) * SECT])
            fat.append(len(fat) + 1 if k < n - 1 else END)

    def key(i: int):
        return (len(entries[i]["name"]), entries[i]["name"].upper())

    for e in entries:  # siblings as a right-leaning chain in CFB name order
        kids = sorted(e["children"], key=key)
        e["child"] = kids[0] if kids else FREE
        for a, b in zip(kids, kids[1:], strict=False):
            entries[a]["right"] = b
    dir_bytes = b""
    for e in entries:
        name = e["name"].encode("utf-16-le") + b"\x00\x00"
        dir_bytes += (name.ljust(64, b"\x00") + struct.pack("<HBB", len(name), e["type"], 1)
                      + struct.pack("<III", FREE, e.get("right", FREE), e["child"]) + b"\x00" * 16
                      + struct.pack("<I", 0) + b"\x00" * 16 + struct.pack("<IQ", e["start"], e["size"]))
    dir_bytes += b"\x00" * (-len(dir_bytes) % SECT)
    dir_start = len(sectors)
    n_dir = len(dir_bytes) // SECT
    for k in range(n_dir):
        sectors.append(dir_bytes[k * SECT:(k + 1) * SECT])
        fat.append(len(fat) + 1 if k < n_dir - 1 else END)
    n_fat = 1
    while (len(sectors) + n_fat) > n_fat * (SECT // 4):
        n_fat += 1
    fat_start = len(sectors)
    fat += [FATSECT] * n_fat
    fat += [FREE] * (n_fat * (SECT // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat = [fat_start + k for k in range(n_fat)] + [FREE] * (109 - n_fat)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, 4096, END, 0, END, 0)
              + struct.pack("<109I", *difat))
    return header + b"".join(sectors) + fat_bytes


def write_hwp(blocks: list, meta: dict, out: Path, flags: int = 0x1) -> None:
    header = b"HWP Document File".ljust(32, b"\x00") + struct.pack("<II", 0x05010100, flags)
    header = header.ljust(256, b"\x00")
    docinfo = _rec(16, 0, struct.pack("<HIIIIIIII", 1, 1, 1, 1, 0, 0, 0, 0, 0)[:26])  # DOCUMENT_PROPERTIES
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    section = deflate.compress(_section(blocks)) + deflate.flush()
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    docinfo = deflate.compress(docinfo) + deflate.flush()
    summary = _property_set([(2, 0x1F, _lpwstr(meta["title"])), (4, 0x1F, _lpwstr(meta["publisher"])),
                             (12, 0x40, _filetime(meta["published"]))])
    out.write_bytes(write_cfb({"FileHeader": header, "DocInfo": docinfo, "BodyText/Section0": section,
                               "\x05HwpSummaryInformation": summary}))


# ----------------------------------------------------------------------------- PDF (reportlab)
def _fit_widths(grid: list[list[str]], width: float, font: str, size: float, pad: float = 16) -> list[float]:
    """Column widths as a word processor's autofit sets them: every column at least as wide as its longest
    word (so no word is broken inside a cell), the rest of the page width shared by how much longer the
    column's longest cell is."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    n = len(grid[0])
    least = [max(stringWidth(w, font, size) for row in grid for w in (row[c].split() or [""])) + pad for c in range(n)]
    want = [max(stringWidth(row[c], font, size) for row in grid) + pad for c in range(n)]
    if sum(least) >= width:
        return [width * x / sum(least) for x in least]
    extra = [w - x for w, x in zip(want, least, strict=True)]
    if sum(want) <= width or not sum(extra):
        return [width * w / sum(want) for w in want]
    return [x + (width - sum(least)) * e / sum(extra) for x, e in zip(least, extra, strict=True)]


def write_pdf(blocks: list, meta: dict, out: Path, fit_columns: bool = False, running_header: str | None = None) -> None:
    """A text PDF as exported from a word processor; ``fit_columns`` sizes table columns to their content
    and ``running_header`` is printed above the body of every page (the two fixtures have neither)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(TTFont("Nanum", str(FONT_DIR / "NanumGothic.ttf")))
    pdfmetrics.registerFont(TTFont("NanumBold", str(FONT_DIR / "NanumGothicBold.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    body = ParagraphStyle("body", fontName="Nanum", fontSize=10.5, leading=16, spaceBefore=5)
    point = ParagraphStyle("point", parent=body, leftIndent=12, firstLineIndent=-12)
    sub = ParagraphStyle("sub", parent=body, leftIndent=24, firstLineIndent=-12, spaceBefore=3)
    note = ParagraphStyle("note", parent=body, fontSize=9.5, leftIndent=30, firstLineIndent=-8, spaceBefore=2)
    caption = ParagraphStyle("caption", parent=body, fontName="NanumBold", alignment=TA_CENTER, spaceBefore=10)
    unit = ParagraphStyle("unit", parent=body, fontSize=9, alignment=TA_RIGHT, spaceBefore=2)
    cell = ParagraphStyle("cell", fontName="Nanum", fontSize=9, leading=12, alignment=TA_CENTER)
    head = ParagraphStyle("head", parent=cell, fontName="NanumBold")
    box = ParagraphStyle("box", parent=body, fontName="NanumBold", fontSize=11.5)

    def esc(text: str) -> str:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace("‧", '<font name="DejaVu">‧</font>')  # the one glyph Nanum lacks

    story = []
    width = A4[0] - 40 * mm
    for b in blocks:
        if isinstance(b, Para):
            s = b.text
            style = point if s[:1] in "□■" else sub if s[:1] in "ㅇ-" else note if s[:1] in "*※" else \
                caption if s.startswith("<") else body
            story.append(Paragraph(esc(s), style))
        elif isinstance(b, Box):
            t = Table([[Paragraph(esc(b.text), box)]], colWidths=[width])
            t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                                   ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#DCE6F2"))]))
            story += [Spacer(1, 8), t, Spacer(1, 4)]
        else:
            if b.caption:
                story.append(Paragraph(esc(f"< {b.caption} >"), caption))
            if b.unit:
                story.append(Paragraph(esc(b.unit), unit))
            data = [[Paragraph(esc(v), head if r == 0 else cell) if (r, c) not in b.covered else ""
                     for c, v in enumerate(row)] for r, row in enumerate(b.grid)]
            style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                     ("BACKGROUND", (0, 0), (-1, b.head - 1), colors.HexColor("#D9D9D9"))]
            style += [("SPAN", (c, r), (c + cs - 1, r + rs - 1)) for r, c, rs, cs in b.merges()]
            widths = _fit_widths(b.grid, width, "Nanum", 9) if fit_columns else [width / len(b.grid[0])] * len(b.grid[0])
            t = Table(data, colWidths=widths, repeatRows=b.head)
            t.setStyle(TableStyle(style))
            story += [Spacer(1, 3), t, Spacer(1, 6)]

    def footer(canvas, doc) -> None:
        canvas.setFont("Nanum", 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {doc.page} -")
        if running_header:
            canvas.setFont("Nanum", 8)
            canvas.drawRightString(A4[0] - 20 * mm, A4[1] - 12 * mm, running_header)

    pdf = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=22 * mm, title=meta["title"], author=meta["publisher"],
                            creator="make_fixtures.py", invariant=1)
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    # reportlab's invariant mode fixes the dates to 2000-01-01: put the release date in
    released = ("D:" + meta["published"].replace("-", "") + "090000+09'00'").encode()
    data = out.read_bytes().replace(b"D:20000101000000+00'00'", released)
    out.write_bytes(data)


# ----------------------------------------------------------------------------- DOCX (python-docx)
def write_docx(blocks: list, meta: dict, out: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    d.styles["Normal"].font.name = "맑은 고딕"
    d.styles["Normal"].font.size = Pt(10.5)

    def shade(cell, color: str) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:fill"), color)
        tc_pr.append(shd)

    for b in blocks:
        if isinstance(b, Para):
            d.add_paragraph(b.text)
        elif isinstance(b, Box):
            t = d.add_table(rows=1, cols=1)
            t.style = "Table Grid"
            t.cell(0, 0).text = b.text
            shade(t.cell(0, 0), "DCE6F2")
        else:
            if b.caption:
                p = d.add_paragraph(f"< {b.caption} >", style="Caption")
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if b.unit:
                d.add_paragraph(b.unit).alignment = WD_ALIGN_PARAGRAPH.RIGHT
            t = d.add_table(rows=len(b.grid), cols=len(b.grid[0]))
            t.style = "Table Grid"
            for r, row in enumerate(b.grid):
                for c, value in enumerate(row):
                    if (r, c) not in b.covered:
                        t.cell(r, c).text = value
            for r, c, rs, cs in b.merges():
                t.cell(r, c).merge(t.cell(r + rs - 1, c + cs - 1))
            for c in range(len(b.grid[0])):
                shade(t.cell(0, c), "D9D9D9")
    cp = d.core_properties
    cp.title, cp.author = meta["title"], meta["publisher"]
    cp.created = cp.modified = dt.datetime.fromisoformat(meta["published"] + "T09:00:00")
    cp.last_modified_by, cp.revision = meta["publisher"], 1
    buf = io.BytesIO()
    d.save(buf)
    _deterministic_zip(buf.getvalue(), out)


# ----------------------------------------------------------------------------- HTML (a saved portal page)
def write_html(blocks: list, meta: dict, out: Path) -> None:
    from html import escape

    body = []
    for b in blocks:
        if isinstance(b, Para):
            body.append(f"<p>{escape(b.text)}</p>")
        elif isinstance(b, Box):
            body.append(f'<table class="box"><tr><td><strong>{escape(b.text)}</strong></td></tr></table>')
        else:
            rows = []
            for r, row in enumerate(b.grid):
                tag = "th" if r == 0 else "td"
                cells = []
                for c, v in enumerate(row):
                    if (r, c) in b.covered:
                        continue
                    span = f' rowspan="{b.spans[(r, c)]}"' if (r, c) in b.spans else ""
                    span += f' colspan="{b.colspans[(r, c)]}"' if (r, c) in b.colspans else ""
                    cells.append(f"<{tag}{span}>{escape(v)}</{tag}>")
                rows.append(f"<tr>{''.join(cells)}</tr>")
            cap = f"<caption>{escape(b.caption)}</caption>" if b.caption else ""
            unit = f'<p class="unit" style="text-align:right">{escape(b.unit)}</p>' if b.unit else ""
            body.append(f'{unit}<table class="tbl">{cap}<thead>{rows[0]}</thead><tbody>{"".join(rows[1:])}</tbody></table>')
    page = f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8">
<title>{escape(meta['title'])} | 보도자료 | 국토교통부</title>
<meta name="author" content="{escape(meta['publisher'])}">
<meta property="article:published_time" content="{meta['published']}T09:00:00+09:00">
<style>.tbl th {{ background: #d9d9d9; }}</style>
<script>window.dataLayer = [];</script></head>
<body>
<div id="skipNav"><a href="#content">본문 바로가기</a></div>
<header id="header"><div class="top_menu"><a href="/">국토교통부</a> <a href="/eng">ENGLISH</a></div>
<nav class="gnb"><ul><li>정책자료</li><li>뉴스·소식</li><li>보도자료</li><li>정보공개</li></ul></nav></header>
<div class="location">홈 &gt; 뉴스·소식 &gt; 보도자료</div>
<div id="container"><aside class="lnb"><ul><li>보도자료</li><li>해명자료</li><li>카드뉴스</li></ul></aside>
<div id="content"><div class="board_view">
<div class="view_title"><h3>{escape(meta['title'])}</h3>
<span>담당부서 {escape(meta['publisher'])}</span> <span>등록일 {meta['published']}</span></div>
<div class="view_cont">
{chr(10).join(body)}
</div>
<div class="file_list">첨부파일 보도자료.hwpx (120KB) 보도자료.pdf (340KB)</div>
<div class="sns_share">공유하기 페이스북 엑스 카카오톡</div>
<div class="pagination"><a>이전글</a> <a>다음글</a></div>
</div></div></div>
<footer id="footer"><p>(30103) 세종특별자치시 도움6로 11 국토교통부 | 대표전화 1599-0001</p>
<p class="copyright">Copyright Ministry of Land, Infrastructure and Transport. All rights reserved.</p></footer>
</body></html>
"""
    out.write_text(page, encoding="utf-8")


# ----------------------------------------------------------------------------- Markdown and legacy text
def write_md(blocks: list, meta: dict, out: Path) -> None:
    lines = [f"---\ntitle: {meta['title']}\npublisher: {meta['publisher']}\npublished: {meta['published']}\n---"]
    for b in blocks:
        if isinstance(b, Para):
            lines.append(b.text)
        elif isinstance(b, Box):
            lines.append(f"## {b.text}")
        else:
            if b.caption:
                lines.append(f"< {b.caption} >")
            # Markdown has no spans: a two-level header is written with the spanned cells left blank
            rows = [[v if r >= b.head or (r, c) not in b.covered else "" for c, v in enumerate(row)]
                    for r, row in enumerate(b.grid)]
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_bad(out: Path) -> None:
    """Files that must be skipped with a reason: a scan (pages, no text layer), password-protected PDF and
    HWP, a distribution-only (배포용) HWP."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(out / "scanned.pdf"), pagesize=A4, invariant=1)
    for _ in range(2):  # a scanner's page: an image of text, here grey bars where the lines would be
        for k in range(30):
            c.setFillGray(0.2 + 0.02 * (k % 5))
            c.rect(60, 760 - 22 * k, 300 + 150 * ((k * 7) % 3) / 2, 9, stroke=0, fill=1)
        c.showPage()
    c.save()
    c = canvas.Canvas(str(out / "encrypted.pdf"), pagesize=A4, invariant=1, encrypt="secret")
    c.drawString(72, 760, "confidential")
    c.showPage()
    c.save()
    blocks = [Para("□ 암호가 걸린 문서입니다.")]
    meta = {"title": "암호 문서", "publisher": "국토교통부", "published": "2025-01-01"}
    write_hwp(blocks, meta, out / "encrypted.hwp", flags=0x1 | 0x2)
    write_hwp(blocks, meta, out / "distribution.hwp", flags=0x1 | 0x4)


WRITERS = {"hwpx": (write_hwpx, "hwpx"), "hwp": (write_hwp, "hwp"), "pdf": (write_pdf, "pdf"),
           "docx": (write_docx, "docx"), "html": (write_html, "html"), "md": (write_md, "md")}
REAL_DIR = ROOT / "tests" / "data" / "real"
REAL_OUT = HERE / "real"
REAL_FORMATS = ("hwpx", "hwp", "pdf", "docx", "cp949")


def cp949_blockers(text: str) -> str:
    """The characters CP949 cannot encode (a legacy Windows editor could not save such a text as CP949)."""
    out = []
    for ch in dict.fromkeys(text):
        try:
            ch.encode("cp949")
        except UnicodeEncodeError:
            out.append(ch)
    return "".join(out)


def render(src: Path, meta: dict, out: Path, formats: tuple[str, ...], unit_notes: dict[str, str] | None = None,
           sidecar: Path | None = None, fit_columns: bool = False, running_header: bool = False) -> list[str]:
    """Write ``src`` (a ``.txt`` announcement) into ``out/<format>/`` in each of ``formats``; the legacy text
    formats (``cp949`` with CRLF line ends, ``utf16``) get a copy of the JSON ``sidecar``. Returns the
    formats that could not be written (CP949 for a text with characters CP949 lacks)."""
    doc_id = src.stem
    blocks = parse_txt(src, unit_notes)
    skipped = []
    for fmt in formats:
        (out / fmt).mkdir(parents=True, exist_ok=True)
        if fmt in WRITERS:
            writer, ext = WRITERS[fmt]
            if fmt == "pdf":
                write_pdf(blocks, meta, out / fmt / f"{doc_id}.{ext}", fit_columns=fit_columns,
                          running_header=f"{meta['publisher']} 보도자료" if running_header else None)
            else:
                writer(blocks, meta, out / fmt / f"{doc_id}.{ext}")
            continue
        text = src.read_text(encoding="utf-8")
        try:  # CP949 cannot hold ➊➋➌ or ‧: a legacy PC could not have saved such a text at all
            data = text.replace("\n", "\r\n").encode("cp949") if fmt == "cp949" else text.encode("utf-16")
        except UnicodeEncodeError:
            skipped.append(fmt)
            continue
        (out / fmt / f"{doc_id}.txt").write_bytes(data)
        if sidecar is not None:
            shutil.copy(sidecar, out / fmt / f"{doc_id}.json")
    return skipped


def render_real(out: Path = REAL_OUT, formats: tuple[str, ...] = REAL_FORMATS) -> dict[str, str]:
    """Render every development announcement of ``tests/data/real/`` (metadata from its JSON sidecar) into
    ``out/<format>/``. Tables there carry their unit notes in the text, so none is added; PDF table columns
    are sized to their content, as a publisher's word processor does, and every page has a running header
    ("<publisher> 보도자료") above the body. Returns the
    documents CP949 could not hold, with the characters that block it."""
    shutil.rmtree(out, ignore_errors=True)
    blocked = {}
    for src in sorted(REAL_DIR.glob("*.txt")):
        side = src.with_suffix(".json")
        meta = json.loads(side.read_text(encoding="utf-8"))
        if render(src, meta, out, formats, unit_notes={}, sidecar=side, fit_columns=True, running_header=True):
            blocked[src.stem] = cp949_blockers(src.read_text(encoding="utf-8"))
    return blocked


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if "--real" in argv:
        blocked = render_real()
        print("development corpus written to", REAL_OUT)
        for doc_id, chars in blocked.items():
            print(f"  no CP949 copy of {doc_id}: CP949 has no {' '.join(chars)}")
        return
    shutil.rmtree(HERE / "bad", ignore_errors=True)
    (HERE / "bad").mkdir()
    write_bad(HERE / "bad")
    formats = ("hwpx", "hwp", "pdf", "docx", "html", "md", "cp949", "utf16")
    for fmt in formats:
        shutil.rmtree(HERE / fmt, ignore_errors=True)
    for doc_id, folder in SOURCES.items():
        render(folder / f"{doc_id}.txt", meta_of(doc_id), HERE, formats, sidecar=folder / f"{doc_id}.json")
    print("fixtures written to", HERE)


if __name__ == "__main__":
    main()
