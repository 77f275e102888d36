"""The document viewer: ``/doc/{doc_id}?from=16&to=16&hl=16:55:60#L16`` shows the whole announcement, its
sections as headings and its tables as tables, with the cited lines marked and the cited span highlighted,
and a link to the original. Server-rendered HTML (no script), so it works in any browser and in print."""

from __future__ import annotations

from typing import Any

from .documents import parse_highlights, structure
from .html import esc, highlight_html, mark_pieces, page, safe_url

APP_TITLE = "공고문 QA"


def _cited(n: int, cited: tuple[int, int] | None) -> bool:
    return cited is not None and cited[0] <= n <= cited[1]


def _line_html(block: dict, marks: dict[int, list[tuple[int, int]]], cited: tuple[int, int] | None) -> str:
    n = block["line"]
    cls = f"qa-line qa-line-{esc(block['kind'])}" + (" qa-cited" if _cited(n, cited) else "")
    return (f'<p id="L{n}" class="{cls}"><span class="qa-ln" aria-hidden="true">{n}</span>'
            f'<span class="qa-t">{highlight_html(block["text"], marks.get(n))}</span></p>')


def _table_html(block: dict, doc_lines: Any, marks: dict, cited: tuple[int, int] | None) -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in block["header"])
    rows = []
    for row in block["rows"]:
        n = row["line"]
        raw = doc_lines[n - 1] if 0 < n <= len(doc_lines) else ""
        pieces = [raw[s:e] for s, e in marks.get(n, [])]
        cells = "".join(f"<td>{mark_pieces(v, pieces)}</td>" for v in row["cells"])
        cls = ' class="qa-cited"' if _cited(n, cited) else ""
        rows.append(f'<tr id="L{n}"{cls}>{cells}</tr>')
    caption = f"<caption>{esc(block['caption'])}</caption>" if block["caption"] else ""
    first = block["lines"][0]
    anchor = "" if any(r["line"] == first for r in block["rows"]) else f' id="L{first}"'
    return (f'<div class="qa-table-wrap" tabindex="0" role="region" aria-label="표 {esc(block["caption"] or "")}"'
            f'{anchor}><table>{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _block_html(block: dict, doc_lines: Any, marks: dict, cited: tuple[int, int] | None) -> str:
    if block["type"] == "table":
        return _table_html(block, doc_lines, marks, cited)
    n = block["line"]
    if block["type"] == "heading":
        level = block["level"]
        cls = ' class="qa-cited"' if _cited(n, cited) else ""
        return f'<h{level} id="L{n}"{cls}>{esc(block["text"])}</h{level}>'
    if block["type"] == "row":
        cls = "qa-row" + (" qa-cited" if _cited(n, cited) else "")
        cells = "".join(f"<span>{esc(c)}</span>" for c in block["cells"])
        return f'<p id="L{n}" class="{cls}"><span class="qa-ln" aria-hidden="true">{n}</span><span class="qa-t">{cells}</span></p>'
    return _line_html(block, marks, cited)


def _meta_html(doc: Any, report: dict | None) -> str:
    parts = [esc(p) for p in (doc.publisher, doc.published) if p]
    meta = f'<p class="qa-doc-meta">{" · ".join(parts)}</p>' if parts else ""
    if safe_url(doc.source):
        meta += (f'<p><a class="qa-original" href="{esc(safe_url(doc.source))}" target="_blank" rel="noopener noreferrer">'
                 f'원본 공고 보기<span class="qa-sr"> (새 창)</span></a></p>')
    if report:
        facts = report.get("facts")
        meta += (f'<p class="qa-doc-meta">파일 {esc(report.get("name"))} · 형식 {esc(report.get("type"))} · '
                 f'{esc(report.get("lines"))}행 · 표 {esc(report.get("tables"))}개'
                 + (f" · 사실 {esc(facts)}건" if facts is not None else "") + "</p>")
    return meta


def viewer_page(doc: Any, index: Any, report: dict | None, cited: tuple[int, int] | None,
                highlights: str | None) -> str:
    """The viewer page of one document."""
    marks = parse_highlights(highlights)
    if cited:
        cited = (max(1, cited[0]), min(len(doc.lines), max(cited[0], cited[1])))
    blocks = structure(doc, index)
    seen_h2 = False
    for b in blocks:  # heading levels never skip (h1 → h3): a caption before any section is an h2
        if b["type"] == "heading":
            b["level"] = 3 if seen_h2 and b["level"] == 3 else 2
            seen_h2 = True
    body = "".join(_block_html(b, doc.lines, marks, cited) for b in blocks)
    skip = ""
    if cited:
        label = f"{cited[0]}행" if cited[0] == cited[1] else f"{cited[0]}–{cited[1]}행"
        skip = f'<p><a class="qa-skip" href="#L{cited[0]}">인용된 부분({label})으로 이동</a></p>'
    header = (f'<header class="qa-doc-head"><p class="qa-app"><a href="/">{APP_TITLE}</a> · 공고문 원문</p>'
              f'<h1>{esc(doc.title)}</h1>{_meta_html(doc, report)}{skip}</header>')
    return page(f"{doc.title} — {APP_TITLE}", f'{header}<main id="qa-doc" class="qa-doc">{body}</main>',
                css=("page.css",))


def not_found_page(doc_id: str) -> str:
    return page(f"문서 없음 — {APP_TITLE}",
                f'<main class="qa-doc"><h1>문서를 찾을 수 없습니다</h1><p>{esc(doc_id)} 문서가 색인에 없습니다. '
                f'<a href="/">질문하기로 돌아가기</a></p></main>')
