"""A quoted value as users see it ("label: value", the clause up to the value) and as a :class:`~qa.facts.Fact`
with its line and span, so quoted answers carry the same provenance as the facts table's."""

from __future__ import annotations

import re

from ..facts import Fact
from ..quantity import parse
from ..text import LEADING_MARKS
from .compute import _short
from .typed import Candidate


def render(c: Candidate) -> str:
    """ "label: value" with the value as written (and its bound word when it has one)."""
    label = LEADING_MARKS.sub("", c.label).strip()
    value = c.quantity.text
    if label and value not in label:
        return f"{label}: {value}"
    at = label.find(value)
    rest = label[at + len(value):] if at >= 0 else ""
    later = next((q for q in parse(rest) if q.kind == c.quantity.kind), None)
    if later is not None:
        # "연간으로는 2,272만명이 출국하여 방한객(1,103만명)의 …": the clause up to the value's own word, not the
        # other figure after it
        end = min(re.match(r"\S*(?:\s+\S+)?", rest).end(), later.span[0])
        return f"{label[:at + len(value) + end].rstrip(' ,(')} …"
    return label or value


KIND_NAMES = {"money": "금액", "count": "수", "percent": "비율", "percent_point": "증감(%p)", "ratio": "비율",
              "multiple": "배수", "duration": "기간", "date": "날짜", "time": "시각", "age": "나이", "measure": "규모"}


def as_fact(c: Candidate, doc) -> Fact:
    """A quoted value as a :class:`~qa.facts.Fact`: where it stands (line and span of its raw text in the
    document), what it is (its class, the clause or row it was read with), so answers built on quoted values
    carry the same provenance as those of the facts table."""
    chunk = c.chunk
    raw = c.quantity.text if c.value_span is None else chunk.text[c.value_span[0]:c.value_span[1]]
    line, col = _doc_position(chunk, doc, c.value_span[0] if c.value_span else 0)
    in_line = doc.lines[line - 1].find(raw, col) if c.value_span else doc.lines[line - 1].find(raw.split(" ")[0])
    if in_line < 0:
        raw = chunk.text.split("\n")[0]
        in_line = max(0, doc.lines[line - 1].find(raw))
    q = c.quantity
    return Fact(fact_id=f"{chunk.chunk_id}@{line}:{in_line}", doc_id=chunk.doc_id, subject=_short(c) or "전체",
                attribute=KIND_NAMES.get(q.kind, q.kind), value=q.value, unit=q.unit, text=q.text, raw=raw,
                chunk_id=chunk.chunk_id, line=line, span=(in_line, in_line + len(raw)),
                qualifiers={"bound": q.bound, "clause": c.label, "source": "quoted", "year": doc.year})


def _doc_position(chunk, doc, offset: int) -> tuple[int, int]:
    """(line, column) in the document of an offset in ``chunk.text`` (the stripped non-blank lines of the
    chunk's span joined by newlines)."""
    before = chunk.text[:offset]
    k = before.count("\n")
    col = offset - (before.rfind("\n") + 1)
    seen = -1
    for n in range(chunk.start, chunk.end + 1):
        raw = doc.lines[n - 1]
        if raw.strip():
            seen += 1
            if seen == k:
                return n, col + len(raw) - len(raw.lstrip())
    return chunk.start, 0
