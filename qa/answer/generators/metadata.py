"""The announcement itself: when it was published, by whom, which department to contact (with the people and
phone numbers of its contact block), and who said a quoted remark."""

from __future__ import annotations

import re

from ...chunk import Chunk
from ...facts import Fact
from ...ingest import Document
from ...lexicon import METADATA_ASKS, MORE_SPEAKER_ROLES, QUOTE_MARKS, SPEAKER_ROLES
from ...text import PHONE_LOOSE, compact
from ..candidate import Candidate
from ..context import Context

_ROLE = rf"(?:{SPEAKER_ROLES}|{MORE_SPEAKER_ROLES})"
_SPEAKER = re.compile(rf"(?P<who>(?:[가-힣A-Za-z]+\s+){{0,2}}[가-힣]{{2,4}}\s*(?:[가-힣]{{0,10}}{_ROLE}))"
                      rf"(?:은|는|이|가)\s*[{QUOTE_MARKS}]")


_METADATA_ASKS = {name: re.compile(rx) for name, rx in METADATA_ASKS.items()}  # compiled once, not looked up per question


def asked(text: str) -> set[str]:
    """Which facts about the announcement the question asks (published, department, phone, speaker, publisher)."""
    return {name for name, rx in _METADATA_ASKS.items() if rx.search(text)}


def target_docs(ctx: Context) -> list[str]:
    """The announcement the question is about: the one it names, else the one its first passage is from."""
    if ctx.q.doc_ids and len(ctx.q.doc_ids) <= 2:
        return sorted(ctx.q.doc_ids)
    return [ctx.hits[0].chunk.doc_id] if ctx.hits else []


def generate(ctx: Context) -> list[Candidate]:
    asks = asked(ctx.text)
    if not asks or ctx.q.english:
        return []
    out: list[Candidate] = []
    for doc_id in target_docs(ctx):
        doc = ctx.corpus.docs[doc_id]
        chunks = ctx.corpus.doc_chunks.get(doc_id, [])
        if "published" in asks and doc.published:
            out.append(_published(doc, chunks))
        if asks & {"department", "phone"}:
            out.extend(_contacts(doc, chunks, "phone" in asks))
        if "speaker" in asks:
            out.extend(_speakers(ctx, doc, chunks))
        if "publisher" in asks and doc.publisher:
            out.append(_candidate("publisher", f"{doc.publisher} ({doc.title})", doc, chunks[0] if chunks else None,
                                  doc.publisher))
    return out


def _candidate(what: str, text: str, doc: Document, chunk: Chunk | None, value: str, line: int | None = None) -> Candidate:
    facts = []
    if chunk is not None:
        n = line or chunk.start
        raw = doc.lines[n - 1]
        at = raw.find(value)
        span = (at, at + len(value)) if at >= 0 else (0, len(raw))
        facts.append(Fact(fact_id=f"{chunk.chunk_id}@{n}:{span[0]}", doc_id=doc.doc_id, subject=doc.title[:40],
                          attribute=what, value=None, unit="", text=value, raw=raw, chunk_id=chunk.chunk_id, line=n,
                          span=span, qualifiers={"source": "metadata", "year": doc.year}))
    return Candidate(generator="metadata", rule=f"metadata:{what}", text=text, kind="fact", facts=facts,
                     value_kind="date" if what == "published" else None, evidence={"asked": 1.0})


def _chunk_of_line(chunks: list[Chunk], n: int) -> Chunk | None:
    return next((c for c in chunks if c.start <= n <= c.end), chunks[0] if chunks else None)


def _published(doc: Document, chunks: list[Chunk]) -> Candidate:
    y, m, d = (int(p) for p in doc.published.split("-"))
    written = f"{y}. {m}. {d}."
    line = next((i for i, s in enumerate(doc.lines, 1) if compact(written) in compact(s)), None)
    text = f"{doc.title} — {y}년 {m}월 {d}일 ({written}) 발표"
    # a date from the sidecar or front matter is written on no line: the answer still stands on the announcement,
    # shown at its first passage, so it counts as from the announcement the question is about
    chunk = _chunk_of_line(chunks, line) if line else (chunks[0] if chunks else None)
    return _candidate("published", text, doc, chunk, written, line)


def _contacts(doc: Document, chunks: list[Chunk], phone_only: bool) -> list[Candidate]:
    """The contact block's department, people and phones, as written (each table row read as a line); when a phone
    is asked, only a block that has one."""
    blocks = [c for c in chunks if c.kind == "contact" and (not phone_only or PHONE_LOOSE.search(c.text))]
    if not blocks:
        if phone_only or not doc.publisher:
            return []
        return [_candidate("department", f"{doc.publisher} ({doc.title})", doc, chunks[0] if chunks else None,
                           doc.publisher)]
    out = []
    for c in blocks:
        lines = [" ".join(cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip())
                 for line in c.text.split("\n") if line.strip()]
        text = "\n".join(lines)
        out.append(_candidate("phone" if phone_only else "department", text, doc, c, lines[0][:40] if lines else ""))
    return out


def _speakers(ctx: Context, doc: Document, chunks: list[Chunk]) -> list[Candidate]:
    """Who said a quoted remark: the name and title before the quotation ("윤종빈 도시경제과장은 “…”"), for the
    quotation that shares most words with the question (a continued quotation keeps the speaker before it)."""
    words = {t for t in ctx.terms}
    best: list[tuple[float, str, Chunk, int]] = []
    speaker = None
    for c in chunks:
        for k, line in enumerate(c.text.split("\n")):
            m = _SPEAKER.search(line)
            if m:
                speaker = m.group("who").strip()
            if speaker and any(q in line for q in QUOTE_MARKS):
                shared = sum(w in line for w in words)
                best.append((shared, speaker, c, c.start + k))
    best.sort(key=lambda b: -b[0])
    seen, out = set(), []
    for _, who, c, n in best[:3]:
        if who in seen:
            continue
        seen.add(who)
        out.append(_candidate("speaker", who, doc, c, who.split()[-1], n))
    return out
