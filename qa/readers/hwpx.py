"""HWPX (Hancom OWPML, KS X 6101): a zip of XML parts, read with the standard library.

``Contents/content.hpf`` lists the sections in order (``Contents/section0.xml`` …) and holds the metadata
(title, creator, dates). A section is a sequence of ``hp:p`` paragraphs whose runs hold text (``hp:t``) and
controls; a table (``hp:tbl``) sits inside a run, its cells (``hp:tc``) carry their grid address
(``hp:cellAddr``) and span (``hp:cellSpan``), and each cell holds paragraphs of its own (nested tables
included). Covered cells of a merge are absent from the XML, so the grid is rebuilt from the addresses.
A table nested in a cell becomes a table of its own after the table holding it. Drawing objects (``hp:rect``,
``hp:container`` … with an ``hp:drawText`` text box) are read in the place they are anchored, and an
overlapped character (``hp:compose``) is the character it shows.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree as ET

from . import budget
from .base import Paragraph, Parsed, ReadError, Table, assemble, clean_meta, table_from_cells
from .chars import compose_text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _text_of(el) -> str:
    """Text of a paragraph-like element, excluding nested tables; tabs and line breaks kept."""
    parts: list[str] = []
    for node in el.iter():
        tag = _local(node.tag)
        if tag == "t":
            parts.append(_t_text(node))
        elif tag in ("lineBreak",):
            parts.append("\n")
    return "".join(parts)


def _t_text(t) -> str:
    out = [t.text or ""]
    for child in t:
        name = _local(child.tag)
        if name == "tab":
            out.append("\t")
        elif name == "lineBreak":
            out.append("\n")
        elif name in ("nbSpace", "fwSpace"):
            out.append(" ")
        out.append(child.tail or "")
    return "".join(out)


_SHAPES = {"rect", "ellipse", "arc", "polygon", "curve", "connectLine", "line", "container", "textart", "pic", "ole"}


def _paragraph_blocks(p, blocks: list) -> None:
    """Blocks of one ``hp:p`` in reading order: its text, with each table and drawing object (text box) in
    the place it is anchored, and an overlapped character (``hp:compose``) as the character it shows."""
    buf: list[str] = []

    def flush() -> None:
        if "".join(buf).strip():
            blocks.append(Paragraph("".join(buf)))
        buf.clear()

    for run in _children(p, "run"):
        for node in run:
            tag = _local(node.tag)
            if tag == "t":
                buf.append(_t_text(node))
            elif tag == "compose":
                buf.append(compose_text(node.get("composeText") or ""))
            elif tag == "tbl":
                flush()
                blocks.extend(_table_blocks(node))
            elif tag in _SHAPES:
                flush()
                blocks.extend(_shape_blocks(node))
    flush()


def _shape_blocks(shape) -> list:
    """The text of a drawing object: the paragraphs of its text box (``hp:drawText``) and caption, of the
    shapes a container groups, and a text-art's text."""
    blocks: list = []
    if shape.get("text"):  # hp:textart
        blocks.append(Paragraph(shape.get("text")))
    for child in shape:
        tag = _local(child.tag)
        if tag in ("drawText", "caption"):
            for sub in _children(child, "subList"):
                for p in _children(sub, "p"):
                    _paragraph_blocks(p, blocks)
        elif tag in _SHAPES:
            blocks.extend(_shape_blocks(child))
    return blocks


def _cell_content(tc) -> tuple[str, list[Table]]:
    """A cell's text (its paragraphs and text boxes) and the tables nested in it."""
    inner: list = []
    for sub in _children(tc, "subList"):
        for p in _children(sub, "p"):
            _paragraph_blocks(p, inner)
    text = " ".join(b.text.strip() for b in inner if isinstance(b, Paragraph) and b.text.strip())
    return text, [b for b in inner if isinstance(b, Table)]


def _table_blocks(tbl) -> list[Table]:
    """A table as blocks: the table, then the tables nested in its cells (see :mod:`.base`)."""
    cells = []
    nested: list[Table] = []
    for r_i, tr in enumerate(_children(tbl, "tr")):
        for c_i, tc in enumerate(_children(tr, "tc")):
            addr = next(iter(_children(tc, "cellAddr")), None)
            span = next(iter(_children(tc, "cellSpan")), None)
            row = int(addr.get("rowAddr", r_i)) if addr is not None else r_i
            col = int(addr.get("colAddr", c_i)) if addr is not None else c_i
            rs = int(span.get("rowSpan", 1)) if span is not None else 1
            cs = int(span.get("colSpan", 1)) if span is not None else 1
            text, inner = _cell_content(tc)
            cells.append((row, col, rs, cs, text))
            nested.extend(inner)
    caption = None
    for cap in _children(tbl, "caption"):
        caption = " ".join(_text_of(p).strip() for sub in _children(cap, "subList") for p in _children(sub, "p")).strip()
        caption = re.sub(r"^\s*[<〈《]\s*(.*?)\s*[>〉》]\s*$", r"\1", caption) or None
    return [table_from_cells(cells, caption), *nested]


def _read_part(z: zipfile.ZipFile, name: str) -> bytes:
    """One part, read against the file's decompression budget (:mod:`.budget`)."""
    return budget.current().read_member(z, name, "HWPX")


def read_hwpx(data: bytes, name: str = "") -> Parsed:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReadError(f"not a valid HWPX (zip) file: {exc}") from exc
    with z:
        budget.current().check_zip(z, "HWPX")
        names = set(z.namelist())
        if "META-INF/manifest.xml" in names and b"encryption-data" in _read_part(z, "META-INF/manifest.xml"):
            raise ReadError("the HWPX is password-protected (encrypted); save an unprotected copy", "encrypted")
        meta: dict[str, object] = {}
        sections: list[str] = []
        hpf = next((n for n in ("Contents/content.hpf",) if n in names), None)
        if hpf:
            try:
                root = ET.fromstring(_read_part(z, hpf))
            except ET.ParseError as exc:
                raise ReadError(f"broken HWPX package description ({hpf}: {exc})") from exc
            items = {}
            for el in root.iter():
                tag = _local(el.tag)
                if tag == "title" and el.text:
                    meta["title"] = el.text
                elif tag == "meta":
                    key = (el.get("name") or "").lower()
                    if key == "creator" and el.text:
                        meta["publisher"] = el.text
                    elif key in ("createddate", "date") and el.text and "published" not in meta:
                        meta["published"] = el.text
                elif tag == "item" and el.get("href"):
                    items[el.get("id")] = el.get("href")
                elif tag == "itemref" and items.get(el.get("idref"), "").startswith("Contents/section"):
                    sections.append(items[el.get("idref")])
        if not sections:
            sections = sorted((n for n in names if re.fullmatch(r"Contents/section\d+\.xml", n)),
                              key=lambda n: int(re.search(r"\d+", n).group()))
        if not sections:
            raise ReadError("no body sections (Contents/section*.xml) in the HWPX package")
        blocks: list = []
        for sec in sections:
            if sec not in names:
                raise ReadError(f"the HWPX package lists {sec} but does not contain it")
            try:
                root = ET.fromstring(_read_part(z, sec))
            except ET.ParseError as exc:
                raise ReadError(f"broken HWPX section {sec}: {exc}") from exc
            for p in _children(root, "p"):
                _paragraph_blocks(p, blocks)
    parsed = assemble(blocks)
    parsed.meta = clean_meta(meta)
    return parsed
