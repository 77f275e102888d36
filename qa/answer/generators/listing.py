"""Lists: "서류 뭐뭐 내야 돼?", "정원 뭐뭐 있어?", "모집 분야 어디어디야?" — the items of the passage that covers the
question best: the rows of its table (by their labels), the sub-points under it, or the rows or points a
sentence announcing a list ("다음과 같다", "네 개의 정원으로") leads into."""

from __future__ import annotations

import re

from ...chunk import Chunk
from ...lexicon import ITEM_COUNT_ASK, LIST_ASKS, LIST_LEADS
from ...quantity import COUNT
from ...text import BULLET, FIGURE_CELL, compact
from ..candidate import Candidate
from ..context import Context
from ..passage import passage_text
from .passages import ranked

_TOTAL = re.compile(r"^(?:합\s*계|총\s*계|소\s*계|계|총계|전체)$")
MAX_ITEMS = 30


_LIST_ASKS = re.compile(LIST_ASKS)
_ITEM_COUNT_ASK = re.compile(ITEM_COUNT_ASK)


def asks_list(text: str) -> bool:
    return bool(_LIST_ASKS.search(text))


def row_labels(table: tuple[Chunk, ...], names: frozenset[str] = frozenset()) -> list[str]:
    """Each row's label, totals aside: the cells of the column naming most places or bodies (``names``) when
    one does ("어디어디 선정됐어?"), else the first cell of each row that is not a figure."""
    columns = [h for h, _ in table[0].cells] if table and table[0].cells else []
    named = {h: sum(any(n in compact(v) for n in names) for r in table for c, v in r.cells if c == h and v)
             for h in columns}
    best = max(columns, key=lambda h: named[h], default=None)
    out = []
    for row in table:
        if best and named[best]:
            label = next((v for h, v in row.cells if h == best and v), "")
        else:
            label = next((v for _, v in row.cells if v and not FIGURE_CELL.match(v)), "")
        if label and not _TOTAL.match(label) and label not in out:
            out.append(label)
    return out


def sub_points(chunk: Chunk) -> list[str]:
    """The lines under a chunk's first line (its sub-points), without their bullets."""
    lines = [BULLET.sub("", line).strip() for line in chunk.text.split("\n")[1:]]
    return [line for line in lines if line]


def items_after(ctx: Context, chunk: Chunk, span: tuple[int, int]) -> tuple[list[str], Chunk]:
    """The items a unit leads into: its chunk's sub-points, else the table (or points) right after it."""
    if chunk.kind == "table_row":
        table = ctx.corpus.tables.get(chunk.chunk_id)
        return (row_labels(table, names_asked(ctx)) if table else []), chunk
    below = sub_points(chunk) if span[0] == 0 else []
    if below:
        return below, chunk
    doc_chunks = ctx.corpus.doc_chunks.get(chunk.doc_id, [])
    at = next((i for i, c in enumerate(doc_chunks) if c.chunk_id == chunk.chunk_id), None)
    unit = chunk.text[span[0]:span[1]]
    if at is None or not re.search(LIST_LEADS, unit):
        return [], chunk
    following = [c for c in doc_chunks[at + 1: at + 12] if c.kind not in ("heading", "section")]
    if following and following[0].kind == "table_row":
        table = ctx.corpus.tables.get(following[0].chunk_id)
        return (row_labels(table, names_asked(ctx)) if table else []), following[0]
    return [passage_text(c, (0, len(c.text))).split("\n")[0] for c in following[:8] if c.kind == "point"], chunk


def names_asked(ctx: Context) -> frozenset[str]:
    """The places and bodies the corpus names, when the question asks where (a list of places), else none."""
    return frozenset(compact(n) for n in ctx.corpus.entity_names) if re.search(r"어디|어느|곳|지역|지자체|도시", ctx.text) \
        else frozenset()


def generate(ctx: Context) -> list[Candidate]:
    if ctx.q.english or ctx.year_only or not asks_list(ctx.text):
        return []
    out = []
    for score, coverage, chunk, span in ranked(ctx, ctx.hits[: max(ctx.k, 8)])[:2]:
        items, where = items_after(ctx, chunk, span)
        if len(items) < 2:
            continue
        items = items[:MAX_ITEMS]
        out.append(Candidate(generator="listing", rule="listing:passage", text="\n".join(f"• {x}" for x in items),
                             kind="fact", unit_chunk=where, unit_span=(0, len(where.text)),
                             evidence={"coverage": coverage, "score": score, "items": float(len(items)),
                                       "rank": float(len(out))}))
    return out


def count(ctx: Context) -> list[Candidate]:
    """"절차가 몇 단계야?", "세부자금 몇 개?": how many items the best-covering passage lists (its rows, sub-points or
    the points it leads into), counted in the question's counter, with the items. An announcement often lists
    what it never counts; the chooser weighs this against a count the text states ("3개 유형으로")."""
    asked = _ITEM_COUNT_ASK.search(ctx.text)
    if ctx.q.english or ctx.year_only or not asked:
        return []
    out = []
    for score, coverage, chunk, span in ranked(ctx, ctx.hits[: max(ctx.k, 8)])[:2]:
        items, where = items_after(ctx, chunk, span)
        if len(items) < 2 or any(c.text.startswith(f"{len(items)}{asked['counter']}") for c in out):
            continue
        shown = "\n".join(f"• {x}" for x in items[:MAX_ITEMS])
        out.append(Candidate(generator="count_items", rule="listing:count",
                             text=f"{len(items)}{asked['counter']}\n{shown}", kind="fact", value_kind=COUNT,
                             unit_chunk=where, unit_span=(0, len(where.text)),
                             evidence={"coverage": coverage, "score": score, "items": float(len(items)),
                                       "computed": 1.0, "rank": float(len(out))}))
    return out
