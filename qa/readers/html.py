"""HTML (a saved portal page): the article body without navigation, headers and footers (``selectolax``).

Portal pages wrap one announcement in menus, breadcrumbs, share buttons, attachment lists and footers. The
body is the content container (``article``, ``main`` or an element whose id/class says content/view/board)
holding the most text, descending into a child that holds most (80 %+) of it; navigation-like elements are
removed first. Block elements become lines, ``<br>`` breaks lines, and tables become filled grids
(``rowspan``/``colspan`` repeated) with their ``<caption>``. Title, date and publisher come from ``<title>``
and ``<meta>`` tags.
"""

from __future__ import annotations

import re

from .base import Paragraph, Parsed, ReadError, Table, assemble, clean_meta, table_from_cells
from .text import decode

_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button",
              "select", "svg", "template")
_NOISE = re.compile(r"(^|[\s_-])(nav|gnb|lnb|snb|menu|footer|header|breadcrumb|location|sitemap|share|sns|banner|"
                    r"quick|skip|util|pagination|paging|related|copyright|file_?list|attach|btn|top_?menu)([\s_-]|$)", re.I)
_CONTENT = re.compile(r"(content|view|article|board|bbs|detail|cont|body|post|entry)", re.I)
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "dt", "dd", "dl",
          "section", "article", "main", "tr", "figure", "figcaption", "address", "hr"}


def _text_len(node) -> int:
    return len(re.sub(r"\s+", "", node.text(separator=" ") or ""))


def _pick_body(root):
    """The content container with the most text, narrowed to a child holding 80 %+ of it."""
    candidates = [n for n in root.css("article, main, [role=main], div, section")
                  if n.tag in ("article", "main") or n.attributes.get("role") == "main"
                  or _CONTENT.search(f"{n.attributes.get('id') or ''} {n.attributes.get('class') or ''}")]
    body = root.css_first("body") or root
    if not candidates:
        return body
    best = max(candidates, key=_text_len)
    while True:
        total = _text_len(best)
        child = next((c for c in best.iter() if c.tag in ("div", "section", "article", "main")
                      and _text_len(c) >= 0.8 * total), None)
        if child is None or total == 0:
            return best
        best = child


def _table(node) -> Table:
    cells = []
    occupied: set[tuple[int, int]] = set()
    caption_node = node.css_first("caption")
    caption = re.sub(r"\s+", " ", caption_node.text()).strip() if caption_node else None
    if caption:
        caption = re.sub(r"^[<〈《]\s*(.*?)\s*[>〉》]$", r"\1", caption)
    rows = [tr for tr in node.css("tr") if _owner_table(tr).mem_id == node.mem_id]
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.iter():
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rs = _int(td.attributes.get("rowspan"))
            cs = _int(td.attributes.get("colspan"))
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, c + dc))
            cells.append((r, c, rs, cs, _inline_text(td)))
            c += cs
    return table_from_cells(cells, caption or None)


def _owner_table(tr):
    p = tr.parent
    while p is not None and p.tag != "table":
        p = p.parent
    return p


def _int(v) -> int:
    try:
        return max(1, min(int(v), 1000))
    except (TypeError, ValueError):
        return 1


def _inline_text(node) -> str:
    return re.sub(r"\s+", " ", node.text(separator=" ")).strip()


def _walk(node, blocks: list, buf: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            buf.append(child.text_content or "")
        elif tag == "br":
            buf.append("\n")
        elif tag == "table":
            _flush(blocks, buf)
            blocks.append(_table(child))
        elif tag in _BLOCK:
            _flush(blocks, buf)
            _walk(child, blocks, buf)
            _flush(blocks, buf)
        elif tag not in ("caption", "-comment"):
            _walk(child, blocks, buf)


def _flush(blocks: list, buf: list[str]) -> None:
    text = "".join(buf)
    buf.clear()
    lines = [re.sub(r"[ \t\r\f\v]+", " ", part).strip() for part in text.split("\n")]
    for line in lines:
        if line:
            blocks.append(Paragraph(line))


def _decompose_outermost(nodes: list) -> None:
    """Remove nodes, skipping those inside another removed node (already gone with it)."""
    ids = {n.mem_id for n in nodes}
    for n in nodes:
        p, inside = n.parent, False
        while p is not None:
            if p.mem_id in ids:
                inside = True
                break
            p = p.parent
        if not inside:
            n.decompose()


def read_html(data: bytes, name: str = "") -> Parsed:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    encoding = None
    if m:
        try:
            text = data.decode(m.group(1).decode("ascii"))
            encoding = m.group(1).decode("ascii").lower()
        except (LookupError, UnicodeDecodeError):
            text = None
    if not encoding:
        text, encoding = decode(data, name)
    tree = HTMLParser(text)
    if tree.root is None:
        raise ReadError("not an HTML document")
    meta: dict[str, object] = {}
    title = tree.css_first("title")
    metas = {(m.attributes.get("name") or m.attributes.get("property") or "").lower(): m.attributes.get("content")
             for m in tree.css("meta")}
    meta["title"] = metas.get("og:title") or metas.get("title") or (title.text().strip() if title else None)
    meta["publisher"] = metas.get("author") or metas.get("og:site_name") or metas.get("publisher")
    meta["published"] = (metas.get("article:published_time") or metas.get("date") or metas.get("dc.date")
                         or metas.get("published"))
    meta["source"] = metas.get("og:url")
    if isinstance(meta["title"], str):
        meta["title"] = re.split(r"\s+[|–-]\s+", meta["title"])[0]  # "제목 | 국토교통부" → "제목"
    drop = [n for n in tree.css(", ".join(_DROP_TAGS))]
    drop += [n for n in tree.css("[id], [class]")
             if n.tag not in ("body", "html", "table", "thead", "tbody", "tr", "td", "th", "caption")
             and _NOISE.search(f"{n.attributes.get('id') or ''} {n.attributes.get('class') or ''}")]
    _decompose_outermost(drop)
    body = _pick_body(tree.root)
    blocks: list = []
    buf: list[str] = []
    _walk(body, blocks, buf)
    _flush(blocks, buf)
    parsed = assemble(blocks)
    parsed.meta = clean_meta(meta)
    parsed.encoding = encoding
    return parsed
