"""Table rows chosen by the cell values the question names (:func:`~qa.answer.rows.select_rows`), counted
when it asks how many, or the values of the column it asks for by its header (:func:`select_column`)."""

from __future__ import annotations

from ...chunk import Chunk
from ...facts import Fact
from ...korean import tokenize
from ...lexicon import QUESTION_WORDS
from ...table_units import ORDINAL_HEADER
from ...text import match_strength
from ..ask import content_terms
from ..candidate import Candidate
from ..context import Context
from ..rows import COUNT_ASKED, RowAnswer, select_column, select_rows, table_words


def tables_hit(ctx: Context) -> list[tuple[Chunk, ...]]:
    """The tables of the question's passages, in the order of their first row."""
    seen, tables = set(), []
    for h in ctx.hits[: ctx.corpus.config.typed_hits]:
        table = ctx.corpus.tables.get(h.chunk.chunk_id)
        if table and table[0].chunk_id not in seen:
            seen.add(table[0].chunk_id)
            tables.append(table)
    return tables


def table_context(table: tuple[Chunk, ...]) -> str:
    """What the search reads above a table's first row: its section and unit note ("(단위: %, 분기는 전기대비, 연간은
    전년대비)" says every figure column is a change), without the row itself (its cells, then its line)."""
    lines = table[0].search_text.split("\n")
    return "\n".join(lines[:-2])


def generate(ctx: Context) -> list[Candidate]:
    if ctx.q.english or ctx.year_only:
        return []
    tables = tables_hit(ctx)
    found = select_rows(ctx.text, tables)
    if found is None:
        return _column(ctx, tables)
    if found.counted and len(found.rows) < 2:
        return []
    config = ctx.corpus.config
    counter = COUNT_ASKED.search(ctx.text)
    answer, shown = found.text(counter.group("counter") if counter else "건", config.answer_list_items,
                               config.max_answer_chars)
    facts = [row_fact(ctx, r) for r in found.rows[:shown]]
    cut = shown < len(found.rows)  # a cut list keeps every row for the API to page through
    return [Candidate(generator="rows", rule="rows:count" if found.counted else "rows", text=answer, kind="fact",
                      facts=facts, items=found.items() if cut else [], shown=shown if cut else 0,
                      value_kind="count" if found.counted else None,
                      evidence={"counted": float(found.counted), "narrowed": float(found.narrowed),
                                "column": float(bool(found.column)), "covers": table_coverage(ctx, found),
                                "rows": float(len(found.rows)), "computed": float(found.counted)})]


def _column(ctx: Context, tables: list[tuple[Chunk, ...]]) -> list[Candidate]:
    """"어떤 시설들이 있어?": the values of the column headed by the noun asked, when the question names no row."""
    if ctx.q.entities:
        return []
    column = select_column(ctx.text, tables)
    if column is None:
        return []
    config = ctx.corpus.config
    answer, shown = column.text(config.answer_list_items, config.max_answer_chars)
    return [Candidate(generator="rows", rule="rows:column", text=answer, kind="fact",
                      facts=[row_fact(ctx, r) for r in column.rows[:shown]],
                      evidence={"column": 1.0, "rows": float(len(column.rows))})]


def table_coverage(ctx: Context, found: RowAnswer) -> float:
    """Share of the question's other words (beyond the cell values it names) that the table holds."""
    named = {t for vals in found.filters.values() for v in vals for t in tokenize(v)}
    words = [t for t in content_terms(ctx.text, tokenize, QUESTION_WORDS) if t not in named]
    if not words:
        return 1.0
    held = table_words(ctx.corpus.tables[found.rows[0].chunk_id], tokenize)
    return sum(match_strength(t, held) > 0 for t in words) / len(words)


def row_fact(ctx: Context, row: Chunk) -> Fact:
    """A selected table row as a fact: the whole row line is its provenance."""
    doc = ctx.corpus.docs[row.doc_id]
    line = next((n for n in range(row.start, row.end + 1) if doc.lines[n - 1].strip()), row.start)
    raw = doc.lines[line - 1]
    first = next((v for h, v in row.cells if v and not ORDINAL_HEADER.match(h or "")), "")
    return Fact(fact_id=f"{row.chunk_id}@{line}:0", doc_id=row.doc_id, subject=first or "전체", attribute="행",
                value=None, unit="", text=" · ".join(v for _, v in row.cells if v), raw=raw,
                chunk_id=row.chunk_id, line=line, span=(0, len(raw)), qualifiers={"source": "row", "year": doc.year})
