"""Inverse lookups: which one has a given value. "경쟁률이 6:1인 유형은?", "80억 받는 도시는?", "7명씩 뽑는 지역
어디어디야?", "성장기여도가 -0.7%p였던 항목은?": the facts, table cells and sentence clauses stating the value the
question names, answered by whom they are about (a fact's subject, a row's label, a wide table's column, the
subject of the clause)."""

from __future__ import annotations

import re

from ...chunk import Chunk
from ...korean import tokenize
from ...lexicon import REGION_OF
from ...quantity import BARE_FIGURE, DATE, NUMERIC_KINDS, Quantity, parse
from ...text import FIGURE_CELL, compact, sentence_spans
from ..candidate import Candidate
from ..context import Context
from ..typed import value_clause
from .attribution import asks_which

_SUBJECT = re.compile(r"([가-힣A-Za-z][가-힣A-Za-z0-9·()]*(?:\s+[가-힣A-Za-z0-9·()]+){0,2}?)\s*(?:은|는|이|가|의|에서|에는|에)?\s*$")


def stated(text: str) -> list[Quantity]:
    """The values a question names (not the years and dates that scope it)."""
    return [x for x in parse(text) if x.kind in NUMERIC_KINDS and x.kind != DATE]


def figure_keys(figures: list[Quantity]) -> set[str]:
    """The figures a question names as the facts table looks values up (compact, without a trailing 원)."""
    return {compact(x.text).rstrip("원") for x in figures}


def same(a: Quantity, b: Quantity) -> bool:
    """The same figure: equal value, and the same unit unless one side leaves it to its column."""
    if abs(a.value - b.value) > 1e-9:
        return False
    return not a.unit or not b.unit or a.unit.lstrip("약") == b.unit or a.kind == b.kind


def _cell_quantity(value: str, unit_hint: Quantity) -> Quantity | None:
    """A cell's figure; a bare number ("1,365", its unit in the caption) is of the class the question names, with
    no unit of its own (read alone, the parser would take it for an amount of 원)."""
    m = BARE_FIGURE.fullmatch(value.strip())
    if m:
        return Quantity(kind=unit_hint.kind, value=float(m.group("n").replace(",", "")), unit="", text=value.strip(),
                        span=(0, 0))
    found = parse(value)
    return found[0] if found else None


def from_tables(ctx: Context, values: list[Quantity]) -> list[tuple[str, Chunk]]:
    """(what, row) for each table row of the question's passages holding one of the values."""
    out: list[tuple[str, Chunk]] = []
    seen: set[str] = set()
    for h in ctx.hits[: ctx.corpus.config.typed_hits]:
        table = ctx.corpus.tables.get(h.chunk.chunk_id)
        if not table or table[0].chunk_id in seen:
            continue
        seen.add(table[0].chunk_id)
        for row in table:
            for header, value in row.cells:
                qty = _cell_quantity(value, values[0]) if value else None
                if qty is None or not any(same(qty, v) for v in values):
                    continue
                labels = [v for h2, v in row.cells if v and not FIGURE_CELL.match(v)]
                # the cell naming a place or body, when one does ("90억 받는 곳": 여수시, not its 유형)
                label = next((v for v in labels if _entity_in(ctx, v)), labels[0] if labels else "")
                what = header if len(table) <= 2 and header and not FIGURE_CELL.match(header) else label
                if what:
                    out.append((what, row))
    return out


def from_sentences(ctx: Context, values: list[Quantity]) -> list[tuple[str, Chunk]]:
    """(what, chunk) for each clause of the question's passages stating one of the values: the words naming it."""
    out: list[tuple[str, Chunk]] = []
    for h in ctx.hits[: max(ctx.k, 8)]:
        c = h.chunk
        if c.kind == "table_row":
            continue
        for s, e in sentence_spans(c.text, lines=True):
            sent = c.text[s:e]
            for qty in parse(sent):
                if not any(same(qty, v) for v in values):
                    continue
                clause, before = value_clause(sent, qty.span)
                m = _SUBJECT.search(re.sub(r"[□ㅇ○◦•\-*※]\s*", "", before).rstrip(" (,"))
                name = _known_name(ctx, m.group(1)) if m else None
                if name:
                    out.append((name, c))
    return out


def _entity_in(ctx: Context, cell: str) -> bool:
    return ctx.corpus.names_someone(compact(cell))


def _known_name(ctx: Context, words: str) -> str | None:
    """The place, body or category a clause's subject words name (the longest), if they name one."""
    flat = compact(words)
    v = ctx.corpus.linker.vocabulary
    found = [name for kind in (v.entities, v.categories) for name, aliases in kind.items()
             for a in aliases | {name} if len(a) >= 2 and compact(a) in flat]
    return max(found, key=len) if found else None


def generate(ctx: Context) -> list[Candidate]:
    q = ctx.q
    if q.english or ctx.year_only or not asks_which(ctx.text):
        return []
    values = stated(ctx.text)
    out: list[Candidate] = []
    if values:
        for source, found in (("table", from_tables(ctx, values)), ("sentence", from_sentences(ctx, values))):
            names = list(dict.fromkeys(w for w, _ in found))
            if names:
                chunk = found[0][1]
                out.append(Candidate(generator="inverse", rule=f"inverse:{source}", text=", ".join(names[:20]),
                                     kind="fact", unit_chunk=chunk, unit_span=(0, len(chunk.text)),
                                     evidence={"found": float(len(names)), "from_table": float(source == "table")}))
    for found in (_from_facts(ctx), _from_region(ctx)):
        if found:
            out.append(found)
    return out


def _from_region(ctx: Context) -> Candidate | None:
    """The places of a region the question names that an announcement lists ("경기도에서 뽑힌 곳은?" → 안산시):
    entities whose written names open with the region's."""
    words = set(tokenize(ctx.text))
    regions = {REGION_OF[w] for w in words & REGION_OF.keys()}
    if not regions or ctx.q.entities:
        return None
    forms = {f for g in regions for f in g}
    docs = ctx.q.doc_ids or {h.chunk.doc_id for h in ctx.hits[:3]}
    t = ctx.corpus.table
    members = t.selected_entities(t.scope_of(docs), ctx.q)
    found = []
    for _doc_id, name, _ in members or []:
        aliases = ctx.corpus.linker.entities.get(name, set())
        if any(a.split()[0] in forms for a in aliases if " " in a) and name not in found:
            found.append(name)
    if not found:
        return None
    return Candidate(generator="inverse", rule="inverse:region", text=", ".join(found), kind="fact",
                     facts=t.about(docs, found)[:len(found)],
                     evidence={"found": float(len(found)), "from_facts": 1.0})


def _from_facts(ctx: Context) -> Candidate | None:
    """Subjects of the facts whose value the question names ("지역소멸 대응형으로 뽑힌 곳은?", "80억 받는 곳은?")."""
    t, q = ctx.corpus.table, ctx.q
    keys = {compact(v) for v in q.values} | figure_keys(stated(ctx.text))
    if not keys:
        return None
    facts = [f for f in t.with_values(q.doc_ids or None, keys) if f.subject not in q.entities]
    if ctx.hits:
        top = {h.chunk.doc_id for h in ctx.hits[:3]}
        facts = [f for f in facts if f.doc_id in top] or facts
    subjects = list(dict.fromkeys(f.subject for f in facts))
    if not subjects or len(subjects) > 20:
        return None
    return Candidate(generator="inverse", rule="inverse:facts", text=", ".join(subjects), kind="fact",
                     facts=[next(f for f in facts if f.subject == s) for s in subjects],
                     evidence={"found": float(len(subjects)), "from_facts": 1.0})
