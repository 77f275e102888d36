"""Extremes in a table: "예산 제일 많이 받는 시 어디야?", "실업률이 가장 높은 시도는?", "감소율이 제일 컸던 데는?" —
the row whose figure, in the column the question names, is the largest (or the smallest), read off the tables of
the question's passages. :mod:`qa.answer.rules.extreme` answers superlatives over the facts table; this reads any
table's column, whatever its attribute, so a statistics release's tables answer as its facts do."""

from __future__ import annotations

import re

from ...chunk import Chunk
from ...korean import tokenize
from ...lexicon import (
    CHANGE_ASKED,
    CHANGE_HEADERS,
    FALL_WORDS,
    LARGE_WORDS,
    QUESTION_WORDS,
    RATE_WORDS,
    SMALL_WORDS,
    SUPERLATIVE,
    WHOLE_ROWS,
    YEAR_SHIFT,
)
from ...quantity import BARE_FIGURE
from ...text import FIGURE_CELL, compact, match_strength
from ..ask import content_terms, written_comparisons
from ..candidate import Candidate
from ..context import Context
from ..rows import is_total
from .listing import names_asked
from .tables import row_fact, tables_hit

_SUPERLATIVE = re.compile(SUPERLATIVE)
_LARGE, _SMALL, _FALL = re.compile(LARGE_WORDS), re.compile(SMALL_WORDS), re.compile(FALL_WORDS)
_SIGN = re.compile(r"^\s*[△▽▼\-−–]")
_WHOLE = re.compile(WHOLE_ROWS)
_CHANGE_ASKED, _CHANGE_HEADER, _RATE = re.compile(CHANGE_ASKED), re.compile(CHANGE_HEADERS), re.compile(RATE_WORDS)
# a row named by its period ("1월", "2023년", "2/4분기"): a label, though it reads as a figure
_PERIOD_LABEL = re.compile(r"^\s*(?:(?:19|20)\d{2}\s*년(?:\s*(?:1[0-2]|[1-9])\s*월)?|(?:1[0-2]|[1-9])\s*월|"
                           r"[1-4]\s*(?:/\s*4\s*)?분기)\s*$")
TOP = 2  # candidates per question (one per table)


def direction(question: str) -> str | None:
    """"max" or "min": which end a superlative question asks for (None when it asks none)."""
    m = _SUPERLATIVE.search(question)
    if not m:
        return None
    word = m.group("word")
    if _SMALL.match(word):
        return "min"
    return "max" if _LARGE.match(word) else None


def cell_value(text: str) -> float | None:
    """A table cell's figure as a number (△ and a minus before it make it negative); None for a label or a dash."""
    text = (text or "").strip()
    if not FIGURE_CELL.match(text):
        return None
    m = BARE_FIGURE.search(text)
    if not m:
        return None
    value = float(m.group("n").replace(",", ""))
    return -value if _SIGN.match(text) else value


def label_column(table: tuple[Chunk, ...], names: frozenset[str]) -> str | None:
    """The column naming the rows: the one naming most places or bodies when the question asks which (``names``),
    else the first whose cells are labels, not figures."""
    headers = [h for h, _ in table[0].cells if h]
    labels = {h: [v for row in table for hh, v in row.cells if hh == h and v and v.strip() not in ("-", "")
                  and (cell_value(v) is None or _PERIOD_LABEL.match(v))] for h in headers}
    named = {h: sum(any(n in compact(v) for n in names) for v in vs) for h, vs in labels.items()}
    if names and any(named.values()):
        return max(headers, key=lambda h: named[h])
    return next((h for h in headers if len(labels[h]) * 2 >= len(table)), None)


def label_of(row: Chunk, column: str) -> str:
    """A row's cell in the label column, without a sub-row's dash."""
    return next((v.strip().lstrip("-·").strip() for h, v in row.cells if h == column and v), "")


def figures_of(rows, header: str, named_by: str) -> list[tuple[float, Chunk, str]]:
    """Each row's figure in ``header`` with its label (its cell in ``named_by``): the rows that state one and name
    one thing, not a total (합계) nor a whole (전국)."""
    found = [(cell_value(v), row, label_of(row, named_by)) for row in rows if not is_total(row)
             for h, v in row.cells if h == header]
    return [(x, row, label) for x, row, label in found if x is not None and label and not _WHOLE.search(label)]


def best_column(table: tuple[Chunk, ...], question: str, terms: list[str], known,
                weights: tuple[float, float], keep=None) -> tuple[str, float] | None:
    """The figure column the question names best: the share of its words the header holds, and, when it asks a
    change, the change's column ("제일 많이 늘어난" → 증감; "감소율이" → 증감률); None when no column is named.
    ``keep(header)``, when given, says which columns may be read at all."""
    change, rate = _CHANGE_ASKED.search(question), _RATE.search(question)
    scored = []
    for h in [h for h, _ in table[0].cells if h and (keep is None or keep(h))]:
        if sum(cell_value(v) is not None for row in table for hh, v in row.cells if hh == h) < 2:
            continue
        held = set(tokenize(h))
        score = sum(match_strength(known(t), held) for t in terms) / len(terms) if terms else 0.0
        if change and _CHANGE_HEADER.search(h):
            score += weights[0] + (weights[1] if rate and _RATE.search(h) else 0.0)
        if score > 0:
            scored.append((score, h))
    if not scored:
        return None
    score, header = max(scored, key=lambda s: s[0])
    return header, score


def dated_terms(terms: list[str], year: int | None) -> list[str]:
    """The question's words with a year told relatively as the year it is in the announcement's time ("올해" in a
    2024 release → 2024년), so that the column headed 2024년 is the one "올해 … 제일 많이" names."""
    return [f"{year + YEAR_SHIFT[t]}년" if year and t in YEAR_SHIFT else t for t in terms]


def generate(ctx: Context) -> list[Candidate]:
    end = direction(ctx.text)
    if end is None or ctx.q.english or ctx.year_only:
        return []
    terms = [t for t in content_terms(ctx.text, tokenize, QUESTION_WORDS) if not _LARGE.match(t) and
             not _SMALL.match(t)] + written_comparisons(ctx.text)
    config, names, out = ctx.corpus.config, names_asked(ctx), []
    for table in tables_hit(ctx):
        doc = ctx.corpus.docs.get(table[0].doc_id)
        column = best_column(table, ctx.text, dated_terms(terms, doc.year if doc else None), ctx.corpus.finder.known,
                             (config.extreme_change_match, config.extreme_rate_match))
        if column is None:
            continue
        header, score = column
        named_by = label_column(table, names)
        if named_by is None:
            continue
        rows = figures_of(table, header, named_by)
        if len(rows) < 2:
            continue
        # "감소율이 제일 컸던": a decrease asked of a signed column of changes turns the ends (the most negative)
        turned = bool(_FALL.search(ctx.text)) and not _FALL.search(header)
        pick = {"max": "min", "min": "max"}[end] if turned else end
        value = (max if pick == "max" else min)(x for x, _, _ in rows)
        best = [(row, label) for x, row, label in rows if x == value]
        cell = next(v for h, v in best[0][0].cells if h == header)
        text = f"{', '.join(dict.fromkeys(label for _, label in best))} ({header} {cell.strip()})"
        out.append(Candidate(generator="extreme", rule=f"extreme:{pick}", text=text, kind="fact",
                             facts=[row_fact(ctx, r) for r, _ in best],
                             evidence={"header_match": score, "rows": float(len(rows)), "computed": 1.0,
                                       "rank": float(len(out))}))
        if len(out) == TOP:
            break
    return out
