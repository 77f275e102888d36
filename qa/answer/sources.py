"""The passages an answer came from, as users see them: the answer's own passages first (their spans
highlighted), then the question's other retrieved passages."""

from __future__ import annotations

from ..chunk import Chunk
from ..ingest import Document
from .model import Draft, Source


def sources(draft: Draft, hits, k: int, chunks: dict[str, Chunk], docs: dict[str, Document]) -> list[Source]:
    """Fact chunks first (with the facts' spans highlighted), then the retrieved passages; at most 3 related
    passages for "not found"."""
    out: list[Source] = []
    seen: set[str] = set()
    if draft.kind != "none" and draft.facts:
        spans: dict[str, list[tuple[int, int]]] = {}
        for f in draft.facts:
            c = chunks.get(f.chunk_id)
            if c is None:
                continue
            off = chunk_offset(c, docs[c.doc_id], f.line, f.span)
            spans.setdefault(c.chunk_id, [])
            if off and off not in spans[c.chunk_id]:
                spans[c.chunk_id].append(off)
        for cid, hl in spans.items():
            out.append(source(chunks[cid], docs, 1.0, tuple(sorted(hl))))
            seen.add(cid)
    elif draft.kind != "none" and draft.unit_chunk is not None:
        score = next((h.score for h in hits if h.chunk.chunk_id == draft.unit_chunk.chunk_id), 0.0)
        out.append(source(draft.unit_chunk, docs, score, (draft.unit_span,)))
        seen.add(draft.unit_chunk.chunk_id)
    limit = max(k, len(out)) if draft.kind != "none" else min(k, 3)
    for h in hits:
        if len(out) >= limit:
            break
        if h.chunk.chunk_id not in seen:
            out.append(source(h.chunk, docs, h.score))
            seen.add(h.chunk.chunk_id)
    return out


def source(c: Chunk, docs: dict[str, Document], score: float, highlights: tuple[tuple[int, int], ...] = ()) -> Source:
    doc = docs[c.doc_id]
    return Source(doc_id=c.doc_id, title=doc.title, published=doc.published, chunk_id=c.chunk_id,
                  section=c.section, lines=(c.start, c.end), text=c.text, score=score, highlights=highlights)


def chunk_offset(chunk: Chunk, doc: Document, line: int, span: tuple[int, int]) -> tuple[int, int] | None:
    """Map a (line, span-in-line) position to character offsets in ``chunk.text``.

    Chunk texts hold the stripped non-blank lines of their span, joined by newlines.
    """
    pos = 0
    for n in range(chunk.start, chunk.end + 1):
        raw = doc.lines[n - 1]
        s = raw.strip()
        if not s:
            continue
        lead = len(raw) - len(raw.lstrip())
        if n == line:
            a, b = span[0] - lead, span[1] - lead
            if 0 <= a <= b <= len(s):
                found = chunk.text.find(s[a:b], pos)
                return (found, found + (b - a)) if found >= 0 else None
            return None
        found = chunk.text.find(s, pos)
        if found < 0:
            return None
        pos = found + len(s) + 1
    return None
