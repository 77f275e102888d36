"""PDF (text PDFs as exported from Hangul or Word): words and ruled tables with ``pdfplumber``.

Per page: tables are found from their ruling lines and read as grids (a merged cell is one rectangle: it
is repeated in every row and column it covers); the words outside the tables are grouped into visual lines
(top to bottom), and lines are joined into paragraphs. A new paragraph starts at a bullet or numbering mark,
a caption, or a vertical gap wider than the line spacing; a wrapped line continues the paragraph before it
(joined with a space: Korean wraps between words), unless the line before stopped short of the margin by
more than the first word of this one needs. Page numbers (``- 3 -``, ``3 / 12``) are dropped. A PDF
with pages but no text layer is a scan and is reported as such.
"""

from __future__ import annotations

import io
import re
import statistics

from .base import Paragraph, Parsed, ReadError, Table, assemble, clean_meta

_NEW_PARA = re.compile(r"^\s*([□■◆◇◎▣▶►ㅇ○◦•‧∙·*※\-–<〈《【|]|[➊-➓❶-❿ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ①-⑳]|\d{1,2}\s*[.)]\s|[가-하]\.\s|\(\S{1,10}\)\s)")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*\d{1,4}\s*[-–]|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d+)\s*$", re.I)
_MAX_PAGES = 2000


def _fill_table(table) -> list[list[str]]:
    """The grid of a pdfplumber table with merged cells filled from the rectangle that covers them."""
    rows = table.rows
    grid: list[list[str]] = []
    texts = table.extract()
    n_cols = max((len(r.cells) for r in rows), default=0)
    for r_i, row in enumerate(rows):
        out = []
        for c_i in range(n_cols):
            bbox = row.cells[c_i] if c_i < len(row.cells) else None
            value = texts[r_i][c_i] if r_i < len(texts) and c_i < len(texts[r_i]) else None
            if bbox is None or value is None:
                value = _covering(table, rows, texts, r_i, c_i)
            out.append(value or "")
        grid.append(out)
    return grid


def _covering(table, rows, texts, r_i: int, c_i: int) -> str:
    """Text of the cell rectangle that covers grid position (r_i, c_i) of a table (a merged cell)."""
    # the position's centre: x from any row that has this column, y from this row
    xs = [r.cells[c_i] for r in rows if c_i < len(r.cells) and r.cells[c_i] is not None]
    ys = [c for c in rows[r_i].cells if c is not None]
    if not xs or not ys:
        return ""
    cx = (xs[0][0] + xs[0][2]) / 2
    cy = (ys[0][1] + ys[0][3]) / 2
    for cell in table.cells:
        x0, top, x1, bottom = cell
        if x0 <= cx <= x1 and top <= cy <= bottom:
            for rr, row in enumerate(rows):
                for cc, bbox in enumerate(row.cells):
                    if bbox == cell and rr < len(texts) and cc < len(texts[rr]):
                        return texts[rr][cc] or ""
    return ""


def _inside(bbox, page) -> bool:
    x0, top, x1, bottom = bbox
    return 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height


def _ended_short(prev: dict, ln: dict) -> bool:
    """The line before stopped short of the right margin by more than this line's first word needs: it
    was not wrapped, so this line starts a new paragraph."""
    text = ln["text"].strip()
    first = text.split()[0] if text.split() else text
    per_char = (ln["x1"] - ln["x0"]) / max(len(text), 1)
    return prev["right"] - prev["x1"] > per_char * (len(first) + 1.5)


def _lines_to_paragraphs(lines: list[dict]) -> list[Paragraph]:
    """Join wrapped visual lines into paragraphs (see module docstring)."""
    if not lines:
        return []
    heights = [ln["bottom"] - ln["top"] for ln in lines]
    height = statistics.median(heights) if heights else 10
    gaps = [b["top"] - a["bottom"] for a, b in zip(lines, lines[1:], strict=False) if 0 <= b["top"] - a["bottom"] < 3 * height]
    line_gap = min(gaps) if gaps else height * 0.3
    paras: list[list[str]] = []
    prev = None
    for ln in lines:
        text = ln["text"].strip()
        new = (prev is None or bool(_NEW_PARA.match(text)) or ln["top"] - prev["bottom"] > line_gap + 0.5 * height
               or bool(re.search(r"^\s*[<〈《].+[>〉》]\s*$", paras[-1][-1]))
               or _ended_short(prev, ln))
        if new:
            paras.append([text])
        else:
            paras[-1].append(text)
        prev = ln
    return [Paragraph(" ".join(p)) for p in paras]


def read_pdf(data: bytes, name: str = "") -> Parsed:
    pdf, pages = _open_pdf(data)
    with pdf:
        if len(pages) > _MAX_PAGES:
            raise ReadError(f"{len(pages)} pages (limit {_MAX_PAGES})", "oversized")
        blocks: list = []
        any_text = False
        try:
            for page in pages:
                page_blocks, has_text = _page_blocks(page)
                blocks.extend(page_blocks)
                blocks.append(None)  # page break marker
                any_text = any_text or has_text
        except Exception as exc:  # noqa: BLE001
            raise ReadError(f"cannot extract the PDF text ({type(exc).__name__}: {exc})") from exc
        if not any_text:
            raise ReadError(f"no text layer on any of its {len(pages)} pages: a scanned PDF; OCR it or ask for the "
                            "HWP/HWPX original", "scanned")
        info = pdf.metadata or {}
    meta = {"title": info.get("Title"), "publisher": info.get("Author"), "published": _pdf_date(info.get("CreationDate"))}
    parsed = assemble(_join_pages(blocks))
    parsed.meta = clean_meta({k: _s(v) for k, v in meta.items()})
    return parsed


def _open_pdf(data: bytes):
    """The open PDF and its pages; an encrypted or broken file is a :class:`ReadError` saying which."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        return pdf, pdf.pages
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ReadError("the PDF is password-protected (encrypted); save an unprotected copy", "encrypted") from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types for broken files
        inner = exc.__cause__ or (exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc)
        if ("password" in f"{exc} {inner}".lower() or "encrypt" in type(inner).__name__.lower()
                or b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]):
            raise ReadError("the PDF is password-protected (encrypted); save an unprotected copy", "encrypted") from exc
        raise ReadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc


def _page_blocks(page) -> tuple[list, bool]:
    """One page as paragraphs and tables in reading order, and whether it has any text."""
    finder = page.debug_tablefinder()
    tables = finder.tables
    in_tables = {cell for t in tables for cell in t.cells}
    # a lone ruled cell (pdfplumber drops one-cell tables) is a boxed heading: | ➊ … |
    singles = [c for c in finder.cells if c not in in_tables]
    boxes = [t.bbox for t in tables] + singles

    def outside(obj, boxes=boxes) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    text_page = page.filter(lambda o: o.get("object_type") != "char" or outside(o))
    lines = [ln for ln in text_page.extract_text_lines(strip=True, return_chars=False) if ln["text"].strip()]
    has_text = bool(lines) or bool(tables)
    # page numbers: short numeric lines at the very top or bottom of the page
    lines = [ln for ln in lines if not (_PAGE_NUMBER.match(ln["text"])
                                        and (ln["top"] > page.height * 0.85 or ln["bottom"] < page.height * 0.1))]
    items = [(ln["top"], "line", ln) for ln in lines] + [(t.bbox[1], "table", t) for t in tables]
    for cell in singles:
        text = page.crop(cell).extract_text().strip() if _inside(cell, page) else ""
        if text:
            items.append((cell[1], "box", " ".join(text.split())))
    items.sort(key=lambda x: x[0])
    right = max((ln["x1"] for ln in lines), default=page.width)
    blocks: list = []
    run: list[dict] = []
    for _, kind, obj in items:
        if kind == "line":
            run.append({**obj, "right": right})
            continue
        blocks.extend(_lines_to_paragraphs(run))
        run = []
        blocks.append(Table(_fill_table(obj)) if kind == "table" else Table([[obj]]))
    blocks.extend(_lines_to_paragraphs(run))
    return blocks, has_text


def _join_pages(blocks: list) -> list:
    """Drop page markers; a paragraph cut by a page break (next page starts without a mark) is joined."""
    out: list = []
    after_break = False
    for b in blocks:
        if b is None:
            after_break = True
            continue
        if (after_break and isinstance(b, Paragraph) and out and isinstance(out[-1], Paragraph)
                and not _NEW_PARA.match(b.text) and not re.search(r"(다\.|[.?!」”\"')])\s*$", out[-1].text)):
            out[-1] = Paragraph(out[-1].text + " " + b.text)
        else:
            out.append(b)
        after_break = False
    return out


def _s(v: object) -> str | None:
    if isinstance(v, bytes):
        for enc in ("utf-16", "utf-8", "cp949"):
            try:
                return v.decode(enc)
            except UnicodeDecodeError:
                continue
        return None
    return str(v) if v is not None else None


def _pdf_date(v: object) -> str | None:
    """``D:20250619…`` → ``2025-06-19``."""
    s = _s(v) or ""
    m = re.match(r"D?:?(\d{4})(\d{2})(\d{2})", s)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None
