"""Escaping and highlighting: every piece of text that reaches a page goes through :func:`esc`."""

from __future__ import annotations

import html
from typing import Any


def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(value: Any) -> str | None:
    """An ``http(s)://`` address, else None: a document's metadata must never put ``javascript:`` in a link."""
    url = str(value or "").strip()
    return url if url.lower().startswith(("http://", "https://")) and len(url) <= 2000 else None


def esc_lines(value: Any) -> str:
    """Escape and keep line breaks."""
    return esc(value).replace("\r\n", "\n").replace("\n", "<br>")


def spans(highlights: Any, n: int) -> list[tuple[int, int]]:
    """Valid, clamped, merged ``[start, end)`` spans (malformed entries are skipped)."""
    found = []
    for h in highlights or ():
        try:
            s, e = int(h[0]), int(h[1])
        except (TypeError, ValueError, IndexError):
            continue
        s, e = max(0, s), min(n, e)
        if s < e:
            found.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def highlight_html(text: str, highlights: Any) -> str:
    """The passage as HTML with ``<mark>`` around the highlighted spans; every segment escaped."""
    text = text or ""
    out, pos = [], 0
    for s, e in spans(highlights, len(text)):
        out.append(esc_lines(text[pos:s]))
        out.append(f"<mark>{esc_lines(text[s:e])}</mark>")
        pos = e
    out.append(esc_lines(text[pos:]))
    return "".join(out)


def mark_pieces(text: str, pieces: list[str]) -> str:
    """``text`` escaped, with the first occurrence of each of ``pieces`` marked (a table cell whose raw row
    was highlighted: the cell's value is shown, not the row's offsets)."""
    found = []
    for p in pieces:
        p = p.strip(" |")
        i = text.find(p) if p else -1
        if i >= 0:
            found.append((i, i + len(p)))
    return highlight_html(text, found)


STATIC = "/qa-static"  # where qa/web/static is served


def page(title: str, body: str, *, css: tuple[str, ...] = ("page.css",), scripts: tuple[str, ...] = ()) -> str:
    """A whole Korean page: ``lang="ko"``, a viewport for phones, local style sheets and scripts only."""
    links = "".join(f'<link rel="stylesheet" href="{STATIC}/{esc(c)}">' for c in css)
    js = "".join(f'<script src="{STATIC}/{esc(s)}" defer></script>' for s in scripts)
    return (f'<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)}</title><link rel="icon" href="data:,">{links}{js}</head>'
            f'<body>{body}</body></html>')
