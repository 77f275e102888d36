"""HWP 5 (the binary Hangul format): an OLE compound file read with ``olefile``, records parsed here.

No maintained Python package reads HWP 5 tables with their merges (see the README's parser comparison), so
the record layer of the published format (한글 문서 파일 형식 5.0) is parsed directly:

* ``FileHeader``: signature, version and flags (bit 0 compressed, bit 1 password, bit 2 distribution).
* ``BodyText/Section{n}``: raw-deflate compressed records ``(tag, level, size)``; a paragraph is a
  ``PARA_HEADER`` whose children are its ``PARA_TEXT`` (UTF-16LE with inline control codes) and one
  ``CTRL_HEADER`` per extended control in the text, in order. A table control (``tbl ``) holds a ``TABLE``
  record and a ``LIST_HEADER`` per cell (column, row, spans) followed by the cell's paragraphs.
* ``\\x05HwpSummaryInformation``: an OLE property set with title, author and dates.

Drawing objects (``gso``: rectangles, text boxes, grouped shapes) are read in the place of their control:
the paragraphs of each text box they hold. An overlapped character (``tcps``) is the character it shows.
A table nested in a cell is a table of its own, after the table holding it.

Page headers, footers and footnotes are left out (they repeat on every page or interrupt sentences).
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field

from . import budget
from .base import Paragraph, Parsed, ReadError, Table, assemble, clean_meta, table_from_cells
from .chars import compose_text

HWPTAG_BEGIN = 0x10
PARA_HEADER = HWPTAG_BEGIN + 50
PARA_TEXT = HWPTAG_BEGIN + 51
CTRL_HEADER = HWPTAG_BEGIN + 55
LIST_HEADER = HWPTAG_BEGIN + 56
TABLE = HWPTAG_BEGIN + 61

_EXTENDED = {1, 2, 3, 11, 12, 14, 15, 16, 17, 18, 21, 22, 23}  # 8 WCHARs, own CTRL_HEADER
_INLINE = {4, 5, 6, 7, 8, 9, 19, 20}  # 8 WCHARs, no record


def ctrl_id(chars: str) -> bytes:
    """How a four-letter control id (``"tbl "``) is stored: a big-endian code read as little-endian."""
    return chars.encode("ascii")[::-1]


@dataclass
class Record:
    tag: int
    level: int
    data: bytes
    children: list[Record] = field(default_factory=list)


def parse_records(data: bytes) -> list[Record]:
    """The record stream as a tree (a record's children are the following records one level deeper)."""
    roots: list[Record] = []
    stack: list[Record] = []
    pos = 0
    while pos + 4 <= len(data):
        (header,) = struct.unpack_from("<I", data, pos)
        pos += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, header >> 20
        if size == 0xFFF:
            if pos + 4 > len(data):
                break
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        rec = Record(tag, level, data[pos:pos + size])
        pos += size
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(rec)
        stack.append(rec)
    return roots


def _para_text(data: bytes) -> list[str | int]:
    """Text pieces of a PARA_TEXT, with the index of each extended control in place of the control."""
    out: list[str | int] = []
    buf: list[str] = []
    n_ctrl = 0
    i = 0
    n = len(data) // 2
    while i < n:
        (code,) = struct.unpack_from("<H", data, 2 * i)
        if code >= 32:
            buf.append(chr(code))
            i += 1
        elif code in _EXTENDED:
            out.append("".join(buf))
            buf = []
            out.append(n_ctrl)
            n_ctrl += 1
            i += 8
        elif code in _INLINE:
            if code == 9:
                buf.append("\t")
            i += 8
        else:
            if code == 10:
                buf.append("\n")
            elif code in (30, 31):
                buf.append(" ")
            i += 1  # 13 (paragraph end), 24 (hyphen), 0 and reserved codes
    out.append("".join(buf))
    # surrogate pairs arrive as two UTF-16 units: join them
    return [p.encode("utf-16", "surrogatepass").decode("utf-16") if isinstance(p, str) else p for p in out]


def _paragraph_blocks(para: Record, blocks: list) -> None:
    """Blocks of one paragraph in reading order: its text, with each table, drawing object (text box) and
    overlapped character (``tcps``) in the place of its control."""
    text = next((c for c in para.children if c.tag == PARA_TEXT), None)
    ctrls = [c for c in para.children if c.tag == CTRL_HEADER]
    pieces = _para_text(text.data) if text else [""]
    buf = ""
    for piece in pieces:
        if isinstance(piece, str):
            buf += piece
            continue
        ctrl = ctrls[piece] if piece < len(ctrls) else None
        kind = ctrl.data[:4] if ctrl is not None else b""
        if kind == ctrl_id("tcps"):
            buf += _compose(ctrl)
        elif kind in (ctrl_id("tbl "), ctrl_id("gso ")):
            if buf.strip():
                blocks.append(Paragraph(buf))
            buf = ""
            blocks.extend(_table_blocks(ctrl) if kind == ctrl_id("tbl ") else _shape_blocks(ctrl))
    if buf.strip():
        blocks.append(Paragraph(buf))


def _compose(ctrl: Record) -> str:
    """An overlapped character (글자 겹치기, control ``tcps``): a length and the UTF-16 glyphs overlapped."""
    if len(ctrl.data) < 6:
        return ""
    (n,) = struct.unpack_from("<H", ctrl.data, 4)
    return compose_text(ctrl.data[6:6 + 2 * n].decode("utf-16-le", "replace"))


def _shape_blocks(rec: Record) -> list:
    """The text of a drawing object (``gso``): the paragraphs of every text box in it, containers and
    captions included, in the order they are stored."""
    blocks: list = []
    in_list = False
    for child in rec.children:
        if child.tag == LIST_HEADER:
            in_list = True
        elif child.tag == PARA_HEADER:
            if in_list:
                _paragraph_blocks(child, blocks)
        else:
            blocks.extend(_shape_blocks(child))
    return blocks


def _cell_content(paras: list[Record]) -> tuple[str, list[Table]]:
    """A cell's text (its paragraphs and text boxes) and the tables nested in it."""
    inner: list = []
    for p in paras:
        _paragraph_blocks(p, inner)
    text = " ".join(b.text.strip() for b in inner if isinstance(b, Paragraph) and b.text.strip())
    return text, [b for b in inner if isinstance(b, Table)]


def _table_blocks(ctrl: Record) -> list[Table]:
    """A table control as blocks: the table, then the tables nested in its cells (see :mod:`.base`)."""
    caption: str | None = None
    seen_table = False
    cells: list[tuple[int, int, int, int, list[Record]]] = []
    for child in ctrl.children:
        if child.tag == TABLE:
            seen_table = True
        elif child.tag == LIST_HEADER:
            if not seen_table:  # a list before the TABLE record is the caption
                cells.append((-1, 0, 1, 1, []))
            elif len(child.data) >= 16:
                col, row, colspan, rowspan = struct.unpack_from("<HHHH", child.data, 8)
                cells.append((row, col, rowspan, colspan, []))
        elif child.tag == PARA_HEADER and cells:
            cells[-1][4].append(child)
    grid_cells = []
    nested: list[Table] = []
    for row, col, rs, cs, paras in cells:
        text, inner = _cell_content(paras)
        nested.extend(inner)
        if row < 0:
            caption = text or None
        else:
            grid_cells.append((row, col, rs, cs, text))
    if caption:
        caption = caption.strip().lstrip("<〈《").rstrip(">〉》").strip() or None
    return [table_from_cells(grid_cells, caption), *nested]


def _decompress(raw: bytes, name: str) -> bytes:
    """A raw-deflate section, inflated against the file's decompression budget (:mod:`.budget`)."""
    try:
        return budget.current().inflate(raw, name, wbits=-15, strict=False)
    except zlib.error as exc:
        raise ReadError(f"{name} is not valid compressed HWP data ({exc})") from exc


def read_hwp(data: bytes, name: str = "") -> Parsed:
    import olefile

    if not olefile.isOleFile(io.BytesIO(data)):
        raise ReadError("not an HWP 5 file (no OLE compound-file signature)")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as exc:
        raise ReadError(f"broken OLE container: {exc}") from exc
    with ole:
        if ole.exists("EncryptedPackage"):
            raise ReadError("a password-protected Office document (EncryptedPackage), not HWP", "encrypted")
        if not ole.exists("FileHeader"):
            raise ReadError("an OLE file without an HWP FileHeader stream (not an HWP document)")
        header = ole.openstream("FileHeader").read(256)
        if not header.startswith(b"HWP Document File"):
            raise ReadError("the FileHeader has no HWP signature (not an HWP 5 document)")
        (flags,) = struct.unpack_from("<I", header, 36)
        if flags & 0x2:
            raise ReadError("the HWP file is password-protected (encrypted); save an unprotected copy", "encrypted")
        if flags & 0x4:
            raise ReadError("a distribution (배포용) HWP document: its text is encrypted; ask for the HWPX or PDF",
                            "encrypted")
        compressed = bool(flags & 0x1)
        sections = sorted((e for e in ole.listdir() if len(e) == 2 and e[0] == "BodyText" and e[1].startswith("Section")),
                          key=lambda e: int(e[1][7:] or 0))
        if not sections:
            raise ReadError("no BodyText sections in the HWP file")
        blocks: list = []
        for entry in sections:
            raw = ole.openstream(entry).read()
            body = _decompress(raw, "/".join(entry)) if compressed else raw
            for rec in parse_records(body):
                if rec.tag == PARA_HEADER:
                    _paragraph_blocks(rec, blocks)
        meta: dict[str, object] = {}
        if ole.exists("\x05HwpSummaryInformation"):
            try:
                props = ole.getproperties("\x05HwpSummaryInformation", convert_time=True)
            except Exception:  # noqa: BLE001 - a broken property set only loses metadata
                props = {}
            meta = {"title": _prop(props.get(2)), "publisher": _prop(props.get(4)), "published": _when(props.get(12))}
    parsed = assemble(blocks)
    parsed.meta = clean_meta(meta)
    return parsed


def _prop(value: object) -> str | None:
    """A string property (olefile may return bytes, or read past the terminating NUL)."""
    if isinstance(value, bytes):
        value = value.decode("utf-16-le", "ignore") if b"\x00" in value else value.decode("cp949", "ignore")
    return str(value).split("\x00", 1)[0].strip() if value else None


def _when(value: object) -> str | None:
    """A FILETIME property: olefile gives a datetime, or seconds since 1601 for ids it does not convert."""
    import datetime as dt

    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int) and value > 0:
        seconds = value / 10**7 if value > 10**14 else value
        try:
            return (dt.datetime(1601, 1, 1) + dt.timedelta(seconds=seconds)).date().isoformat()
        except OverflowError:
            return None
    return None
