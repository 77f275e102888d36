"""Arithmetic in any wording, over stated values, with the working shown.

The question's operation and its two operands are read from its words (:func:`read_operation`): a sum or
difference of two named things ("A와 B를 더하면", "A랑 B 차이"), a comparison ("A는 B보다 몇 건 더 많아"), what
is left ("X 중 Y가 아닌 것", "떨어진 곳" = applied − selected), a multiple ("A는 B의 몇 배") or a share ("A는 전체의
몇 %"). Each operand is then the best value of the asked class for its words (:class:`TypedFinder`), and the
result is computed from the two values as written (:func:`~qa.answer.compute.combine`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...chunk import cell_spans
from ...korean import tokenize
from ...lexicon import (
    COMPLEMENT_WORDS,
    FAILED_OPERANDS,
    QUESTION_WORDS,
    RATIO_WORDS,
    RELATIVE_TIME_WORDS,
    SHARE_VERBS,
    SHARE_WORDS,
)
from ...quantity import COUNT, DATE, MONEY, NUMERIC_KINDS, PERCENT, parse
from ...text import compact, format_number
from ..ask import TypedAsk, content_terms
from ..candidate import Candidate
from ..compute import combine, operands, units_agree
from ..context import Context
from ..quote import as_fact
from ..typed import Candidate as Value
from .quoted import finder_kwargs

ALTERNATIVES = 2  # values tried for each operand: the chooser, not the first value found, decides the pair


@dataclass(frozen=True)
class Operation:
    """What to compute: ``op`` (sum | diff | ratio | share) of the values named by ``a`` and ``b`` (words),
    each looked for together with ``rest``; ``total_b``: the second operand is the total ("전체", "총")."""

    op: str
    a: str
    b: str
    rest: str
    total_b: bool = False
    total_a: bool = False  # the first operand is the whole ("X 중 Y가 아닌 것": the whole less Y)
    level: bool = False  # both operands are levels, not changes ("작년보다 몇 개 늘었어": this year's and last year's)


_THAN = re.compile(r"(?P<b>(?:[^\s,]+\s)?[^\s,]+?)보다")
_OF = re.compile(r"(?P<a>[^\s,]+?)(?:은|는|이|가)\s+(?:.*?\s)?(?P<b>[^\s,]+?)의\s*(?:몇|얼마)")
# the same with the words before each head: "거점형 지원금이 강소형 한 곳 지원금의 몇 배" (both heads 지원금)
_OF_PHRASES = re.compile(r"(?P<a>(?:[^\s,]+\s)?[^\s,]+?)(?:은|는|이|가)\s+(?P<b>(?:[^\s,]+\s){0,3}[^\s,]+?)의\s*(?:몇|얼마)")
# "전체 X 중에 A가 차지하는 비중" / "A가 전체 X에서 차지하는 비율": the part A of the whole X
_AMONG = re.compile(rf"(?P<b>(?:[^\s,]+\s){{0,3}}[^\s,]+?)\s*(?:중에서|중에|중)\s+(?P<a>[^\s,]+?)(?:이|가|은|는)?\s+(?:{SHARE_VERBS})"
                    rf"|(?P<a2>[^\s,]+?)(?:이|가|은|는)\s+(?P<b2>(?:[^\s,]+\s){{0,3}}[^\s,]+?)(?:에서|중에서|중에)\s+(?:{SHARE_VERBS})")
_LESS = re.compile(r"(?P<a>[^\s,]+?)에서\s+(?P<b>[^\s,]+?)(?:을|를)?\s*(?:빼|제외)")
_NOT = re.compile(rf"(?P<b>[^\s,]+?)(?:이|가)?\s*(?:{COMPLEMENT_WORDS})")
_PARTICLE = re.compile(r"(?:은|는|이|가|을|를|에|에서|의|도|랑|이랑|와|과)$")


def _dates_in(text: str) -> list[str]:
    return [x.text for x in parse(text) if x.kind == DATE] + [w for w in text.split() if w.rstrip("에는도") in RELATIVE_TIME_WORDS]


def _comparison(text: str, names: frozenset[str] = frozenset(), op: str = "diff") -> Operation | None:
    """ "2023년 성장률이 2022년보다 몇 %p 떨어진 거야?", "강소형 신청이 특화단지보다 몇 곳 더 많았어?": the value the
    question is about, against the one it is compared with, asked with the same words, the thing compared swapped
    for it: a date for a date, a named place, body or category for another, else the question's first word."""
    m = _THAN.search(text)
    if not m:
        return None
    b = m.group("b")
    rest = (text[:m.start()] + " " + text[m.end():]).strip()
    swap = _counterpart(b, rest, names)
    other = rest.replace(swap, b, 1) if swap else f"{b} {rest}"
    return Operation(op, rest, other, "", level=True)


def _counterpart(b: str, rest: str, names: frozenset[str]) -> str | None:
    """The words of ``rest`` that play the part ``b`` plays in the other operand."""
    if _dates_in(b):
        mine = _dates_in(rest)
        return mine[0] if mine else None
    flat_b = compact(b)
    if any(n in flat_b for n in names):
        own = [w for w in rest.split() if any(n in compact(w) for n in names) and compact(w) != flat_b]
        if own:
            return own[0]
    first = rest.split()[0] if rest.split() else ""
    return first if first and not _PARTICLE.search(first) else None


def read_operation(text: str, ask: TypedAsk, names: frozenset[str] = frozenset()) -> Operation | None:
    """The computation a value question asks for, if any (``names``: the corpus's places, bodies and categories,
    which a comparison swaps for each other)."""
    if ask.op and ask.operands:
        a, b, rest = ask.operands
        return Operation(ask.op, f"{a} {rest}", f"{b} {rest}", "")
    c = compact(text)
    if re.search(RATIO_WORDS, c):
        m = _of(text)
        if m:
            return Operation("ratio", f"{m.group('a')} {_rest(text, m)}", f"{m.group('b')} {_rest(text, m)}", "")
        return _comparison(text, names, "ratio")
    if re.search(SHARE_WORDS, c) and ask.kinds[:1] == (PERCENT,):
        m = _of(text)
        if m:
            return Operation("share", f"{m.group('a')} {_rest(text, m)}", f"{m.group('b')} {_rest(text, m)}", "",
                             total_b=True)
        m = _AMONG.search(text)
        if m:
            a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("a2"), m.group("b2"))
            return Operation("share", f"{a} {_rest(text, m)}", f"{b} {_rest(text, m)}", "", total_b=True)
    m = _LESS.search(text)
    if m:  # "수출액에서 수입액 빼면"
        return Operation("diff", f"{m.group('a')} {_rest(text, m)}", f"{m.group('b')} {_rest(text, m)}", "")
    if ask.kinds and ask.kinds[0] in NUMERIC_KINDS | {"duration"} and _THAN.search(text):
        return _comparison(text, names)
    for word, (a, b) in FAILED_OPERANDS.items():
        if word in c:
            rest = text.replace(word, " ")
            return Operation("diff", f"{a} {rest}", f"{b} {rest}", "")
    m = _NOT.search(text)
    if m:  # "보행 중이 아닌 사고": the whole less the part named
        rest = text[m.end():]
        return Operation("diff", rest, f"{text[:m.end('b')]} {rest}", "", total_a=True) if rest.strip() else None
    return None


def _of(text: str) -> re.Match | None:
    """ "A는 B의 몇 배 / 몇 %": the two heads, each with the words before it when the heads are the same word."""
    m = _OF.search(text)
    if m and compact(m.group("a")) == compact(m.group("b")):
        return _OF_PHRASES.search(text) or m
    return m


def _rest(text: str, m: re.Match) -> str:
    return text[:m.start()] + " " + text[m.end():]


def _values(ctx: Context, words: str, kinds: tuple[str, ...], ask: TypedAsk, bound: str | None,
            level: bool = False) -> list[Value]:
    """The values of ``kinds`` for ``words``, best first."""
    terms = content_terms(words, tokenize, QUESTION_WORDS)
    kw = finder_kwargs(ctx, ask)
    kw["bound"] = bound
    kw["q_dates"] = tuple(x.date for x in parse(words) if x.kind == DATE and x.date and "/" not in x.date)
    if level:
        kw["change"] = False
    return ctx.corpus.finder.find(terms, kinds, ask.counter, ctx.sub_search(words), **kw)


def _same(v: Value, w: Value) -> bool:
    return compact(v.quantity.text) == compact(w.quantity.text) or \
        (v.chunk.chunk_id, v.value_span) == (w.chunk.chunk_id, w.value_span)


def column_of(v: Value) -> tuple[str, tuple[str, ...], int] | None:
    """The table (announcement and header row) and column index a value stands in; None for a sentence's value."""
    chunk = v.chunk
    if chunk.kind != "table_row" or not chunk.cells or v.value_span is None:
        return None
    a, b = v.value_span
    column = next((k for k, span in enumerate(cell_spans(chunk.text, chunk.cells))
                   if span and span[0] <= a and b <= span[1]), None)
    return (chunk.doc_id, tuple(h for h, _ in chunk.cells), column) if column is not None else None


def aligned(a: Value, b: Value) -> bool:
    """Two cells of one table's column in different rows ("부산 2024년 1,269곳", "대구 2024년 1,269곳"): operands
    that parallel each other, as a sum or comparison of two rows means, not two columns of them."""
    where = column_of(a)
    return where is not None and where == column_of(b) and a.chunk.chunk_id != b.chunk.chunk_id


def generate(ctx: Context) -> list[Candidate]:
    ask = ctx.ask if ctx.own_ask is not None else None
    if ask is None or ctx.q.english:
        return []
    operation = read_operation(ctx.text, ask, ctx.corpus.operand_names)
    if operation is None:
        return []
    op = operation.op
    # "고용률과 청년층 고용률은 몇 %p 차이?": the operands are the two rates, their difference is in points
    kinds = (PERCENT,) if op == "diff" and ask.kinds[:1] == ("percent_point",) else ask.kinds
    if op in ("ratio", "share"):
        kinds = tuple(k for k in (MONEY, COUNT, PERCENT) if k) if not set(kinds) & {MONEY, COUNT} else kinds
        kinds = tuple(k for k in kinds if k in NUMERIC_KINDS and k not in ("multiple",)) or (MONEY, COUNT)
        if op == "share":  # a part of a whole is a count or an amount: a share of two shares means nothing
            kinds = tuple(k for k in kinds if k != PERCENT) or (MONEY, COUNT)
    # each of the first operand's best values with each of the second's best other values (each operand searched once)
    firsts = _values(ctx, operation.a, kinds, ask, "total" if operation.total_a else None, operation.level)
    seconds = _values(ctx, operation.b, kinds, ask, "total" if operation.total_b else None, operation.level) \
        if firsts else []
    pairs = [(a, b) for a in firsts[:ALTERNATIVES] for b in [v for v in seconds if not _same(v, a)][:ALTERNATIVES]]
    pairs = pairs[:1] + sorted(pairs[1:], key=lambda ab: -min(ab[0].score, ab[1].score))[:ALTERNATIVES]
    # … and for a cell, the other operand's best cell of the same column, wherever it ranks among its values: these
    # pairs come first, by their first operand (two rows added or compared are read in the same column)
    parallel = [(a, b) for a in firsts[:ALTERNATIVES] for b in [next((v for v in seconds if aligned(a, v)), None)] if b]
    pairs = parallel + [ab for ab in pairs if ab not in parallel]
    out: list[Candidate] = []
    for a, b in pairs:
        done = _compute(op, a, b)
        if done is None or any(c.text == done[0] for c in out):
            continue
        text, name = done
        facts = [as_fact(v, ctx.corpus.docs[v.chunk.doc_id]) for v in (a, b)]
        same = float(a.chunk.chunk_id == b.chunk.chunk_id)
        out.append(Candidate(generator="arithmetic", rule=f"typed:{name}", text=text, kind="fact", facts=facts,
                             value_kind=a.quantity.kind,
                             evidence={"coverage": min(a.coverage, b.coverage), "score": min(a.score, b.score),
                                       "same_passage": same, "computed": 1.0, "rank": float(len(out)),
                                       "aligned": float(aligned(a, b))}))
    return out


def _compute(op: str, a: Value, b: Value) -> tuple[str, str] | None:
    """The result text (with its working) and the rule's name."""
    if op in ("sum", "diff"):
        done = combine("sum" if op == "sum" else "diff", a, b)
        if not done:
            return None
        return f"{'합계' if op == 'sum' else '차이'}: {done[0]}", op
    qa_, qb = a.quantity, b.quantity
    if qa_.base is None or qb.base is None or not qb.base or qa_.kind != qb.kind or not units_agree(qa_, qb):
        return None
    value = qa_.base / qb.base
    if op == "share" and not 0 < value < 1:
        return None  # a part is less than its whole: the second value was not the whole
    # a multiple to two decimals (300만 ÷ 80만 = 3.75배, not 3.8), a share to one (33.3%), neither with a zero tail
    if op == "ratio":
        return f"{format_number(round(value, 2))}배 ({qa_.text} ÷ {qb.text})", "ratio"
    return f"{format_number(round(value * 100, 1))}% ({qa_.text} ÷ {qb.text})", "share"


__all__ = ["Operation", "generate", "operands", "read_operation"]
