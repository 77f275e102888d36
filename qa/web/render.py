"""One chat message as HTML: the answer with numbered citations, the facts used, the sources grouped by
announcement (a table row shown as a row, each citation opening the whole announcement at its lines), and for
a "not found" why, what is covered and whom to ask.

Everything that came from a client or an announcement is escaped here (:func:`esc`); Gradio's sanitizer
runs on top. The message is built from the answer JSON alone (``Answer.to_dict()`` plus what
:mod:`qa.web.answers` adds), so the UI and the API can never disagree.
"""

from __future__ import annotations

import re
from typing import Any

from ..facts import Qualifiers
from .html import esc, esc_lines, highlight_html, mark_pieces, safe_url
from .labels import label

# extraction bookkeeping that means nothing to a reader (where a cell came from, flags, ratio parts)
INTERNAL_QUALIFIERS = Qualifiers.INTERNAL
NEW_WINDOW = 'target="_blank" rel="noopener noreferrer"'
# ratios, dates, phone numbers, ranges: one unbreakable token on a phone ("국비:지방비=1:1", "2025-06-19")
_KEEP = re.compile(r"(?<![0-9A-Za-z가-힣])([0-9A-Za-z가-힣][0-9A-Za-z가-힣.,]*[:=~–-][0-9A-Za-z가-힣.,:=~–%-]*"
                   r"[0-9A-Za-z가-힣%])")


def keep_tokens(escaped: str) -> str:
    """Wrap ratio/date-like tokens of escaped text in a no-break span (safe: the token alphabet has no
    character that escaping produces or that could be markup)."""
    return _KEEP.sub(lambda m: f'<span class="qa-keep">{m.group(1)}</span>' if len(m.group(1)) <= 32
                     else m.group(1), escaped)


def lines_label(lines: Any) -> str:
    try:
        s, e = int(lines[0]), int(lines[1])
    except (TypeError, ValueError, IndexError):
        return ""
    return f"{s}행" if s == e else f"{s}–{e}행"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def fact_value(fact: dict) -> str:
    """The value of a fact as written, else number + unit."""
    if fact.get("text"):
        return str(fact["text"])
    if fact.get("value") is not None:
        return f"{_number(fact['value'])}{fact.get('unit') or ''}"
    return ""


def render_fact(f: dict) -> str:
    q = f.get("qualifiers") if isinstance(f.get("qualifiers"), dict) else {}
    q = {k: v for k, v in q.items() if k not in INTERNAL_QUALIFIERS and v not in (None, "", True, False)}
    quals = ""
    if q:
        tip = ", ".join(f"{k}: {v}" for k, v in q.items())
        shown = " · ".join(str(v) for v in q.values() if v not in (None, ""))
        quals = f' <span class="qa-qual" title="{esc(tip)}">({keep_tokens(esc(shown))})</span>'
    line = f' <span class="qa-lines">{esc(f["line"])}행</span>' if f.get("line") else ""
    return (f'<li><b>{esc(f.get("subject"))}</b> · {esc(f.get("attribute"))}: '
            f'<span class="qa-val">{keep_tokens(esc(fact_value(f)))}</span>{quals}{line}</li>')


def _passage(src: dict) -> str:
    """The passage; a table row with its column names as a one-row table."""
    table = src.get("table") if isinstance(src.get("table"), dict) else None
    text = src.get("text", "") or ""
    if table and table.get("header") and table.get("cells"):
        pieces = [text[int(h[0]):int(h[1])] for h in src.get("highlights") or () if _pair(h)]
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in table["header"])
        cells = "".join(f"<td>{keep_tokens(mark_pieces(str(v), pieces))}</td>" for v in table["cells"])
        return f'<div class="qa-row-table"><table><tr>{head}</tr><tr>{cells}</tr></table></div>'
    return f'<div class="qa-passage" lang="ko">{_keep_marked(text, src.get("highlights"))}</div>'


def _pair(h: Any) -> bool:
    try:
        return int(h[0]) < int(h[1])
    except (TypeError, ValueError, IndexError):
        return False


def _keep_marked(text: str, highlights: Any) -> str:
    """Highlighted passage whose unmarked stretches keep their ratio/date tokens whole."""
    parts = re.split(r"(<mark>.*?</mark>|<br>)", highlight_html(text, highlights))
    return "".join(p if p.startswith("<") else keep_tokens(p) for p in parts)


def render_source(src: dict, index: int, lang: str = "ko") -> str:
    """One source: its number, section and lines (a link to the announcement at those lines), the passage."""
    meta = [f'<span class="qa-src-no">[{index}]</span>']
    if src.get("section"):
        meta.append(f'<span class="qa-section">{esc(src["section"])}</span>')
    lines = lines_label(src.get("lines"))
    if lines and str(src.get("view") or "").startswith(("/doc/", "http://", "https://")):
        meta.append(f'<a class="qa-lines" href="{esc(src["view"])}" {NEW_WINDOW}>{esc(lines)}'
                    f'<span class="qa-sr"> {esc(label(lang, "view"))} {esc(label(lang, "new_window"))}</span></a>')
    elif lines:
        meta.append(f'<span class="qa-lines">{esc(lines)}</span>')
    head = '<span class="qa-sep"> · </span>'.join(meta)
    return f'<div class="qa-source"><div class="qa-src-meta">{head}</div>{_passage(src)}</div>'


def _group_head(src: dict, lang: str) -> str:
    parts = [f'<span class="qa-doc-title" lang="ko">{esc(src.get("title"))}</span>']
    if src.get("published"):
        parts.append(f'<span class="qa-date">{esc(src["published"])}</span>')
    if safe_url(src.get("url")):
        parts.append(f'<a class="qa-original" href="{esc(safe_url(src["url"]))}" {NEW_WINDOW}>'
                     f'{esc(label(lang, "original"))}</a>')
    return f'<div class="qa-doc-head">{"<span class=qa-sep> · </span>".join(parts)}</div>'


def render_groups(items: list[tuple[int, dict]], lang: str) -> str:
    """Sources grouped by announcement (in the order they first appear), each keeping its number."""
    groups: dict[str, list[tuple[int, dict]]] = {}
    for i, s in items:
        groups.setdefault(str(s.get("doc_id") or s.get("title") or ""), []).append((i, s))
    return "".join(f'<div class="qa-doc-group">{_group_head(members[0][1], lang)}'
                   f'{"".join(render_source(s, i, lang) for i, s in members)}</div>' for members in groups.values())


def citations(sources: list[dict], lang: str) -> str:
    """``[1] [2]`` after the answer: the sources with a highlighted span, each opening the announcement."""
    links = []
    for i, s in enumerate(sources, start=1):
        if s.get("highlights") and str(s.get("view") or "").startswith(("/doc/", "http://", "https://")):
            links.append(f'<a class="qa-cite" href="{esc(s["view"])}" {NEW_WINDOW}>[{i}]<span class="qa-sr"> '
                         f'{esc(label(lang, "cite", n=i))} {esc(label(lang, "new_window"))}</span></a>')
    return f' <span class="qa-cites">{"".join(links)}</span>' if links else ""


def render_help(help_: dict, lang: str) -> str:
    """Why nothing was found, the announcements covered, and whom to ask."""
    parts = [f'<p class="qa-why"><b>{esc(label(lang, "why"))}</b> <span lang="ko">'
             f'{keep_tokens(esc(help_.get("message", "")))}</span></p>']
    covered = help_.get("covered") or {}
    docs = covered.get("documents") or []
    if docs:
        items = "".join(f'<li lang="ko">{esc(d.get("title"))}'
                        + (f' <span class="qa-date">({esc(d["published"])})</span>' if d.get("published") else "")
                        + "</li>" for d in docs)
        more = covered.get("total", len(docs)) - len(docs)
        more_html = f'<li>{esc(label(lang, "more_docs", n=more))}</li>' if more > 0 else ""
        parts.append(f'<div class="qa-covered"><b>{esc(label(lang, "covered"))}</b><ul>{items}{more_html}</ul></div>')
    contact = help_.get("contact")
    if contact:
        people = "; ".join(contact.get("people") or [])
        who = " · ".join(p for p in (contact.get("office"), people) if p)
        parts.append(f'<p class="qa-contact"><b>{esc(label(lang, "contact"))}</b> <span lang="ko">'
                     f'{keep_tokens(esc(who))}</span></p>')
    if help_.get("suggestions"):
        parts.append(f'<p class="qa-try"><b>{esc(label(lang, "try"))}</b> ↓</p>')
    return f'<div class="qa-help">{"".join(parts)}</div>'


def _sources_html(kind: str, sources: list[dict], lang: str) -> str:
    if not sources:
        return ""
    title = label(lang, "related" if kind == "none" else "sources")
    shown, folded = [], []
    for i, s in enumerate(sources, start=1):
        (shown if i == 1 or s.get("highlights") else folded).append((i, s))
    more = (f'<details class="qa-more"><summary>{esc(label(lang, "more", title=title, n=len(folded)))}</summary>'
            f'{render_groups(folded, lang)}</details>' if folded else "")
    n_docs = len({s.get("doc_id") for s in sources})
    return (f'<div class="qa-sources"><div class="qa-sub">'
            f'{esc(label(lang, "sources_count", title=title, n=len(sources), docs=n_docs))}</div>'
            f'{render_groups(shown, lang)}{more}</div>')


def render_answer(ans: dict, lang: str | None = None) -> str:
    """One assistant chat message: kind badge, answer text with citations, the help of a "not found", facts
    used, sources, copy/share buttons. ``lang`` (``ko``/``en``) picks the labels only."""
    lang = lang or ans.get("lang") or "ko"
    kind = ans.get("kind") or "none"
    badge = label(lang, f"kind.{kind}") if kind in ("fact", "passage", "none") else kind
    sources = [s for s in ans.get("sources") or () if isinstance(s, dict)]
    parts = [f'<div class="qa-answer qa-kind-{esc(kind)}" lang="{esc(lang)}">',
             f'<div class="qa-head"><span class="qa-badge qa-badge-{esc(kind)}" title="{esc(label(lang, f"tip.{kind}"))}">'
             f"{esc(badge)}</span></div>",
             f'<div class="qa-text" lang="ko">{keep_tokens(esc_lines(ans.get("answer", "")))}'
             f'{citations(sources, lang) if kind != "none" else ""}</div>']
    if kind == "none" and isinstance(ans.get("not_found"), dict):
        parts.append(render_help(ans["not_found"], lang))
    facts = ans.get("facts") or []
    if facts:
        parts.append(f'<div class="qa-facts"><div class="qa-sub">{esc(label(lang, "facts_used", n=len(facts)))}</div>'
                     f'<ul>{"".join(render_fact(f) for f in facts)}</ul></div>')
    parts.append(_sources_html(kind, sources, lang))
    if kind != "none" and ans.get("suggestions"):
        parts.append(f'<p class="qa-try"><b>{esc(label(lang, "followups"))}</b> ↓</p>')
    parts.append(f'<div class="qa-actions"><button type="button" class="qa-copy">{esc(label(lang, "copy"))}</button>'
                 f'<button type="button" class="qa-share">{esc(label(lang, "share"))}</button></div>'
                 f'<span class="qa-rule">{esc(ans.get("rule", ""))}</span></div>')
    return "".join(parts)


def render_notice(message: str) -> str:
    return (f'<div class="qa-answer qa-notice"><div class="qa-head"><span class="qa-badge qa-badge-notice">안내'
            f'</span></div><div class="qa-text">{esc_lines(message)}</div></div>')


def render_question(question: str) -> str:
    return f'<div class="qa-question">{keep_tokens(esc_lines(question))}</div>'


def render_typing(lang: str = "ko") -> str:
    """The indicator shown while the answer is being looked up (replaced by the answer)."""
    return (f'<div class="qa-typing"><span class="qa-dots"></span><span>{esc(label(lang, "typing"))}</span>'
            f"</div>")
