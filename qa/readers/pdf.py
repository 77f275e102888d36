"""PDF (text PDFs as exported from Hangul or Word): words and ruled tables with ``pdfplumber``.

Per page: tables are found from their ruling lines and read as grids (a merged cell is one rectangle: it
is repeated in every row and column it covers); the words outside the tables are grouped into visual lines
(top to bottom), and lines are joined into paragraphs. A new paragraph starts at a bullet or numbering mark,
a caption, or a vertical gap wider than the line spacing; a wrapped line continues the paragraph before it
(joined with a space: Korean wraps between words), unless the line before stopped short of the margin by
more than the first word of this one needs. Marks that also occur inside a sentence (``-``, ``*``, ``·``,
``1.``, ``(가)``) start a paragraph only when the line is not indented past the paragraph's first line, or
follows a gap or a short line: a wrapped "…(-2만 5천명," / "-2.0%)" stays one paragraph. A table that
continues on the next page (the page starts with a table of as many columns, its header rows repeated or
not) is one table. Page numbers (``- 3 -``, ``3 / 12``) and running headers/footers (a line in the top or
bottom margin band that recurs, digits aside, on two or more pages) are dropped. A PDF with pages but no
text layer is a scan and is reported as such.

Characters are read as drawn where the font's map says nothing useful: a NUL drawn as the space between two
words (Hancom's export) is a space, and the letters and digits of Hancom's equation font are the ones it
shows (:mod:`.chars`). A PDF whose fonts have no Unicode map at all gives glyph codes (``(cid:21)``) instead
of text: when they are a large part of what it holds (:data:`MAX_UNMAPPED`), the file is refused as
``unmapped`` (:func:`mapping_failure`); a few stray ones are dropped.
"""

from __future__ import annotations

import io
import re
import statistics

from . import budget
from .base import Paragraph, Parsed, ReadError, Table, assemble, clean_meta
from .chars import equation_char, is_equation_font

_NEW_PARA = re.compile(r"^\s*([□■◆◇◎▣▶►ㅇ○◦•‧∙·*※\-–<〈《【|]|[➊-➓❶-❿ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ①-⑳]|\d{1,2}\s*[.)]\s|[가-하]\.\s|\(\S{1,10}\)\s)")
_WEAK_MARK = re.compile(r"^\s*([‧∙·*\-–]|\d{1,2}\s*[.)]\s|[가-하]\.\s|\(\S{1,10}\)\s)")  # also seen mid-sentence
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*\d{1,4}\s*[-–]|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d+)\s*$", re.I)
_CID = re.compile(r"\(cid:\d+\)")
MAX_UNMAPPED = 0.3  # share of the visible characters that may be glyph codes or unknown private-use characters


def _fill_table(table) -> Table:
    """The grid of a pdfplumber table with merged cells filled from the rectangle that covers them."""
    rows = table.rows
    grid: list[list[str]] = []
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    texts = table.extract()
    n_cols = max((len(r.cells) for r in rows), default=0)
    for r_i, row in enumerate(rows):
        out = []
        for c_i in range(n_cols):
            bbox = row.cells[c_i] if c_i < len(row.cells) else None
            value = texts[r_i][c_i] if r_i < len(texts) and c_i < len(texts[r_i]) else None
            if bbox is None or value is None:
                value, anchor = _covering(table, rows, texts, r_i, c_i)
                if anchor is not None and anchor != (r_i, c_i):
                    merged[(r_i, c_i)] = anchor
            out.append(value or "")
        grid.append(out)
    return Table(grid, merged=merged)


def _covering(table, rows, texts, r_i: int, c_i: int) -> tuple[str, tuple[int, int] | None]:
    """Text and (row, col) of the cell rectangle that covers grid position (r_i, c_i) (a merged cell)."""
    # the position's centre: x from any row that has this column, y from this row
    xs = [r.cells[c_i] for r in rows if c_i < len(r.cells) and r.cells[c_i] is not None]
    ys = [c for c in rows[r_i].cells if c is not None]
    if not xs or not ys:
        return "", None
    cx = (xs[0][0] + xs[0][2]) / 2
    cy = (ys[0][1] + ys[0][3]) / 2
    for cell in table.cells:
        x0, top, x1, bottom = cell
        if x0 <= cx <= x1 and top <= cy <= bottom:
            for rr, row in enumerate(rows):
                for cc, bbox in enumerate(row.cells):
                    if bbox == cell and rr < len(texts) and cc < len(texts[rr]):
                        return texts[rr][cc] or "", (rr, cc)
    return "", None


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
    first_x0 = 0.0
    for ln in lines:
        text = ln["text"].strip()
        new = (prev is None or ln["top"] - prev["bottom"] > line_gap + 0.5 * height
               or bool(re.search(r"^\s*[<〈《].+[>〉》]\s*$", paras[-1][-1]))
               or _ended_short(prev, ln)
               or bool(_NEW_PARA.match(text)) and not (_WEAK_MARK.match(text) and ln["x0"] > first_x0 + 1))
        if new:
            paras.append([text])
            first_x0 = ln["x0"]
        else:
            paras[-1].append(text)
        prev = ln
    return [Paragraph(_join_lines(p)) for p in paras]


def _join_lines(lines: list[str]) -> str:
    """Wrapped lines as one paragraph: joined with a space (Korean wraps between words), except after a
    word hyphenated at the line end ("infra-" / "structure"), which is joined as written."""
    out = lines[0]
    for line in lines[1:]:
        out += line if re.search(r"[A-Za-z]-$", out) and re.match(r"[a-z]", line) else " " + line
    return out


def read_pdf(data: bytes, name: str = "") -> Parsed:
    pdf, pages = _open_pdf(data)
    with pdf:
        blocks: list = []
        any_text = False
        try:
            layouts = [_page_layout(page) for page in pages]
            running = _running_lines(layouts, pages)
            for page, layout in zip(pages, layouts, strict=True):
                page_blocks, has_text = _page_blocks(page, layout, running)
                blocks.extend(page_blocks)
                blocks.append(None)  # page break marker
                any_text = any_text or has_text
        except ReadError:
            raise  # the decompression budget (oversized), not a broken file
        except Exception as exc:  # noqa: BLE001
            raise ReadError(f"cannot extract the PDF text ({type(exc).__name__}: {exc})") from exc
        if not any_text:
            raise ReadError(f"no text layer on any of its {len(pages)} pages: a scanned PDF; OCR it or ask for the "
                            "HWP/HWPX original", "scanned")
        info = pdf.metadata or {}
    meta = {"title": info.get("Title"), "publisher": info.get("Author"), "published": _pdf_date(info.get("CreationDate"))}
    parsed = assemble(_join_pages(blocks))
    why = mapping_failure("\n".join(parsed.lines))
    if why:
        raise ReadError(why, "unmapped")
    parsed.lines = [line for line in (_CID.sub("", line) for line in parsed.lines) if line.strip(" |")]
    parsed.meta = clean_meta({k: _s(v) for k, v in meta.items()})
    return parsed


def _open_pdf(data: bytes):
    """The open PDF and its pages; an encrypted or broken file is a :class:`ReadError` saying which."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    limit = budget.limits().pages
    raw = len(_PAGE_OBJECT.findall(data))  # incremental saves repeat page objects: only a gross excess here
    if raw > 4 * limit:
        _refuse_many_pages(raw, limit)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _refuse_many_pages(_page_tree(pdf.doc, limit), limit)  # not pdf.close(): it builds every page to close it
        return pdf, pdf.pages
    except ReadError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ReadError("the PDF is password-protected (encrypted); save an unprotected copy", "encrypted") from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types for broken files
        inner = exc.__cause__ or (exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc)
        if ("password" in f"{exc} {inner}".lower() or "encrypt" in type(inner).__name__.lower()
                or b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]):
            raise ReadError("the PDF is password-protected (encrypted); save an unprotected copy", "encrypted") from exc
        raise ReadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def _refuse_many_pages(n: int, limit: int) -> None:
    """Over ``limit`` pages (``max_pdf_pages``) is refused before pdfplumber builds a page (200,000 took 23 s)."""
    if n > limit:
        more = "more than " if n == limit + 1 else ""  # the walk stops one page past the limit
        raise ReadError(f"{more}{n if not more else limit} pages (limit {limit}, max_pdf_pages)", "oversized")


def _page_tree(doc, limit: int) -> int:
    """The pages of the page tree, counted without building them: its ``/Count`` when that says too many,
    else its leaves up to one past the limit (``/Count`` may lie; pages in object streams are not in the raw
    bytes that :data:`_PAGE_OBJECT` counts first)."""
    import itertools

    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    try:
        root = resolve1(doc.catalog.get("Pages"))
        declared = resolve1(root.get("Count")) if isinstance(root, dict) else None
    except Exception:  # noqa: BLE001 - a broken tree: pdfminer finds the pages its own way
        declared = None
    if isinstance(declared, int) and declared > limit:
        return declared
    return sum(1 for _ in itertools.islice(PDFPage.create_pages(doc), limit + 1))


_MARGIN_BAND = 0.1  # top and bottom tenth of a page: where running headers and footers stand


def _band_key(ln: dict, page) -> str | None:
    """The digit-blind text of a line in the top or bottom margin band (``None`` for body lines)."""
    if ln["bottom"] < page.height * _MARGIN_BAND or ln["top"] > page.height * (1 - _MARGIN_BAND):
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", ln["text"]))
    return None


def _running_lines(layouts: list, pages) -> set[str]:
    """Margin-band lines that recur on two or more pages: running headers and footers."""
    seen: dict[str, int] = {}
    for (_, _, lines), page in zip(layouts, pages, strict=True):
        for key in {_band_key(ln, page) for ln in lines} - {None}:
            seen[key] = seen.get(key, 0) + 1
    return {k for k, n in seen.items() if n >= 2}


def mapping_failure(text: str) -> str | None:
    """Why a PDF's extracted text is not its text, when most of it is glyph codes without a Unicode map
    (``(cid:NN)``), replacement characters or private-use characters; ``None`` for readable text."""
    visible = re.sub(r"\s|\|", "", text)
    if not visible:
        return None
    cids = _CID.findall(visible)  # one glyph each
    rest = _CID.sub("", visible)
    odd = sum(1 for ch in rest if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF or ord(ch) >= 0xF0000)
    glyphs = len(rest) + len(cids)
    share = (len(cids) + odd) / glyphs
    if share <= MAX_UNMAPPED:
        return None
    what = f"{len(cids):,} glyph codes like {cids[0]}" if cids else f"{odd:,} unknown or private-use characters"
    return (f"the fonts have no Unicode map: {what} instead of text ({100 * share:.0f}% of it); "
            "ask for the HWP/HWPX original or a PDF saved with Unicode text")


def _read_as_drawn(page) -> None:
    """Fix the text of characters the font's map gets wrong, in place: a NUL drawn between words is a space,
    a glyph of Hancom's equation font the letter, digit or sign it shows."""
    for ch in page.chars:
        text = ch.get("text") or ""
        if text == "\x00":
            ch["text"] = " "
        elif is_equation_font(ch.get("fontname") or ""):
            ch["text"] = equation_char(text) or " "


def _page_layout(page) -> tuple[list, list, list]:
    """The ruled tables, lone ruled cells and text lines outside them of one page."""
    _read_as_drawn(page)
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
    return tables, singles, lines


def _page_blocks(page, layout: tuple[list, list, list], running: set[str]) -> tuple[list, bool]:
    """One page as paragraphs and tables in reading order, and whether it has any text."""
    tables, singles, lines = layout
    has_text = bool(lines) or bool(tables)
    lines = [ln for ln in lines if _band_key(ln, page) not in running]
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
        blocks.append(_fill_table(obj) if kind == "table" else Table([[obj]]))
    blocks.extend(_lines_to_paragraphs(run))
    return blocks, has_text


def _join_pages(blocks: list) -> list:
    """Drop page markers; a paragraph cut by a page break (next page starts without a mark) is joined, and
    so is a table (see :func:`_continue_table`)."""
    out: list = []
    after_break = False
    for b in blocks:
        if b is None:
            after_break = True
            continue
        if after_break and isinstance(b, Table) and out and isinstance(out[-1], Table) and _continue_table(out[-1], b):
            pass
        elif (after_break and isinstance(b, Paragraph) and out and isinstance(out[-1], Paragraph)
                and not _NEW_PARA.match(b.text) and not re.search(r"(다\.|[.?!」”\"')])\s*$", out[-1].text)):
            out[-1] = Paragraph(out[-1].text + " " + b.text)
        else:
            out.append(b)
        after_break = False
    return out


def _continue_table(table: Table, more: Table) -> bool:
    """Append ``more`` (the first table on a page) to ``table`` (the last block of the page before) when it
    is the same table cut by the page break: as many columns, neither a one-cell box. Header rows the
    word processor repeated on the new page are dropped."""
    width = len(table.rows[0]) if table.rows else 0
    if width < 2 or not more.rows or len(more.rows[0]) != width:
        return False
    skip = 0
    while skip < len(more.rows) and skip < len(table.rows) - 1 and more.rows[skip] == table.rows[skip]:
        skip += 1
    offset = len(table.rows) - skip
    table.rows.extend(more.rows[skip:])
    for (r, c), (ar, ac) in more.merged.items():
        if r >= skip and ar >= skip:
            table.merged[(r + offset, c)] = (ar + offset, ac)
    return True


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
