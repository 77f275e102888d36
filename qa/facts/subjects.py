"""Subject resolution: who or what a value found in a sentence is about (entities, a category, or the whole
announcement), from the mentions in the sentence, the topic of its point and its section."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..lexicon import WHOLE
from ..text import strip_bullet
from .context import DocContext


class Mention(NamedTuple):
    """An entity or category named in a line, at ``[start, end)``."""

    start: int
    end: int
    kind: str  # entity | category
    name: str  # canonical name


Topic = tuple[str, str]  # (kind, name) of what a point is about


def mentions(ctx: DocContext, line: str, pattern: re.Pattern | None) -> list[Mention]:
    """Entity and category mentions in a line, in order (a category inside an entity name is not one)."""
    out = [Mention(m.start("e"), m.end("e"), "entity", ctx.canonical(m.group("e")))
           for m in (pattern.finditer(line) if pattern else ())]
    for cat in ctx.categories:
        for m in re.finditer(re.escape(cat), line):
            if not any(s <= m.start() < e for s, e, _, _ in out):
                out.append(Mention(m.start(), m.end(), "category", cat))
    return sorted(out)


def topic(line: str, found: list[Mention]) -> Topic | None:
    """The entity or category a point is about: named near its start and marked as topic or subject
    (``□ 전주시는 …``, ``ㅇ (익산시) …``, ``□ 경북 김천시는 …``)."""
    body = strip_bullet(line.strip())
    lead = line.index(body[:1]) if body else 0
    for start, end, kind, name in found:
        if start - lead > 8:
            break
        if re.match(r"(은|는|이|가|에서|의|\))", line[end:end + 3]) or line[max(0, start - 1):start] == "(":
            return kind, name
    return None


class Where(NamedTuple):
    """The sentence a value stands in, with what resolution needs to know around it."""

    line: str
    start: int  # sentence span in the line
    end: int
    mentions: list[Mention]
    topic: Topic | None  # the point's topic (sub-points inherit their parent's)
    section: str


def resolve(ctx: DocContext, w: Where, pos: int, allow_after: bool = True) -> tuple[list[str], str | None]:
    """Who a value at ``pos`` is about: [entities] (a listed group counts for each) or a category."""
    before = [m for m in w.mentions if w.start <= m.start and m.end <= pos]
    ents = [m for m in before if m.kind == "entity"]
    cats = [m for m in before if m.kind == "category"]
    if ents:
        found = _entity_group(w, pos, ents, cats)
        if found is not None:
            return found
    if cats:
        if len({c.name for c in cats}) > 1 and not ents:
            return [], WHOLE  # "거점형 …, 강소형 …, 특화단지 … 3개 유형": about all of them
        return [], cats[-1].name
    if allow_after:
        after = [m for m in w.mentions if pos <= m.start < w.end and m.kind == "entity"]
        comma = w.line.find(",", pos, w.end)
        if after and (comma < 0 or after[0].start < comma):
            return [after[0].name], None
    if w.topic:
        kind, name = w.topic
        return ([name], None) if kind == "entity" else ([], name)
    return [], ctx.category_of_section(w.section)


def _entity_group(w: Where, pos: int, ents: list[Mention], cats: list[Mention]
                  ) -> tuple[list[str], str | None] | None:
    """The entity group right before the value's clause ("안산시(…), 김천시(…), 김해시(…)에는 … 80억원"), or
    None when a category named later in the clause takes over."""
    line = w.line
    clause_start = max(line.rfind(",", w.start, pos), line.rfind("며", w.start, pos), w.start)
    group = [ents[-1]]
    for prev in reversed(ents[:-1]):
        if re.fullmatch(r"\s*(\([^()]*\))?\s*(,|와|과|및|·|ㆍ)\s*", line[prev.end:group[0].start]):
            group.insert(0, prev)
        else:
            break
    last_cat = cats[-1] if cats else None
    if last_cat and last_cat.start > group[-1].end and last_cat.start >= clause_start:
        return None
    between = line[group[-1].end:pos]
    if re.search(r"등\s|총\s*$|총\s*\S*\s*$|합계|모두", between[-12:] + " ") and (
            len(group) > 1 or re.match(r"\s*등\s", between)):
        return [], WHOLE  # "안산·청주 등 4곳 … 총 800억원": a collective amount
    return [g.name for g in group], None


def resolve_field(ctx: DocContext, w: Where, pos: int) -> tuple[list[str], str | None]:
    """Statements about a whole field (competition ratios, applicant counts) resolve to the category of the
    entity named, else the section's category, else the whole document — never to an entity."""
    ents, cat = resolve(ctx, w, pos, allow_after=False)
    if ents:
        cats = {ctx.category_of(e) for e in ents} - {None}
        return [], (cats.pop() if len(cats) == 1 else ctx.category_of_section(w.section) or WHOLE)
    return [], cat


def subjects(ctx: DocContext, ents: list[str], cat: str | None) -> list[tuple[str, str | None]]:
    """(subject, category) pairs a resolved value is emitted for."""
    if ents:
        return [(e, ctx.category_of(e)) for e in ents]
    if cat:
        return [(cat, cat if cat != WHOLE else None)]
    return [(WHOLE, None)]
