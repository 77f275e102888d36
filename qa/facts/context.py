"""Per-document state of extraction: what is known about the document (:class:`DocContext`) and the facts
found so far (:class:`FactSink`). Rules read the first and hand :class:`~qa.facts.model.Found` to the second."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..chunk import Chunk
from ..ingest import Document
from ..korean import admin_stem
from ..lexicon import REGIONS
from .model import Fact, Found, Qualifiers


@dataclass
class Entity:
    """An entity named in a table row: its province and category."""

    region: str | None = None
    category: str | None = None


class DocContext:
    """What extraction knows about one document: its entities and categories (from tables), the labels it
    defines, its contact department, and the chunk of each line."""

    def __init__(self, doc: Document, chunks: list[Chunk]) -> None:
        self.doc = doc
        self.chunks = chunks
        self.chunk_of_line: dict[int, Chunk] = {n: c for c in chunks for n in range(c.start, c.end + 1)}
        self.entities: dict[str, Entity] = {}  # canonical name -> region, category
        self.categories: list[str] = []
        self.defined_labels: dict[str, str] = {}  # label -> term (지역소멸 대응형 -> 세부유형)
        self.department: str | None = None  # the latest 담당 부서 seen (contacts below it belong to it)

    def add_entity(self, name: str, region: str | None = None, category: str | None = None) -> None:
        e = self.entities.setdefault(name, Entity())
        e.region = e.region or region
        e.category = e.category or category

    def category_of(self, entity: str) -> str | None:
        e = self.entities.get(entity)
        return e.category if e else None

    def entity_pattern(self) -> re.Pattern | None:
        """Any entity name or its stem, optionally after a province ("경북 김천시", "김천")."""
        names = set(self.entities) | {s for s in map(admin_stem, self.entities) if s}
        if not names:
            return None
        alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(?:(?:{'|'.join(REGIONS)})\s+)?(?P<e>{alts})")

    def canonical(self, mention: str) -> str:
        if mention in self.entities:
            return mention
        return next((name for name in self.entities if admin_stem(name) == mention), mention)

    def category_of_section(self, section: str) -> str | None:
        return next((cat for cat in sorted(self.categories, key=len, reverse=True) if cat in section), None)


@dataclass
class FactSink:
    """The facts of one document in the order found; repeats (same subject, attribute, text, line) dropped."""

    ctx: DocContext
    facts: list[Fact] = field(default_factory=list)
    _seen: set[tuple] = field(default_factory=set)

    def add_all(self, found: list[Found]) -> None:
        for f in found:
            self.add(f)

    def add(self, f: Found) -> None:
        key = (f.subject, f.attribute, f.text, f.line)
        if key in self._seen or not f.subject or not f.text:
            return
        self._seen.add(key)
        doc = self.ctx.doc
        chunk = self.ctx.chunk_of_line.get(f.line)
        self.facts.append(Fact(
            fact_id=f"{doc.doc_id}:{len(self.facts):04d}", doc_id=doc.doc_id, subject=f.subject,
            attribute=f.attribute, value=f.value, unit=f.unit, text=f.text,
            raw=doc.lines[f.line - 1][f.span[0]:f.span[1]], chunk_id=chunk.chunk_id if chunk else "", line=f.line,
            span=f.span, qualifiers=self.qualifiers(f)))

    def qualifiers(self, f: Found) -> Qualifiers:
        """The rule's qualifiers, plus the subject's category and region and the document's year."""
        q: dict[str, Any] = {k: v for k, v in f.qualifiers.items() if v not in (None, "", [])}
        ent = self.ctx.entities.get(f.subject)
        if ent:
            q.setdefault("category", ent.category)
            q.setdefault("region", ent.region)
        if self.ctx.doc.year:
            q.setdefault("year", self.ctx.doc.year)
        return Qualifiers.of(q)

    def has(self, attribute: str) -> bool:
        return any(f.attribute == attribute for f in self.facts)
