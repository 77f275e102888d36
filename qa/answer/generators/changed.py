"""Rows by the way their figure changed: "2020년 2분기 소매판매가 감소한 시도는 어디어디예요?", "발화요인 중에서
전년보다 건수가 늘어난 건 몇 개야?", "이혼 건수가 안 줄어든 시도는?" — the rows of a table whose change, in the
column of changes the question names, falls (or rises, or does not fall), listed or counted. A statistics release
tabulates every region's or item's change and writes out only some of them in its text; :mod:`.extreme` reads the
largest or smallest of such a column, this every row on one side of zero."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from ...chunk import Chunk
from ...korean import tokenize
from ...lexicon import (
    CHANGE_HEADERS,
    CHANGED_ASKS,
    CHANGED_NOT_ROWS,
    CHANGED_ROWS,
    PLACES_ASKED,
    QUESTION_WORDS,
    RATE_ROW_NAME,
    WHOLE_ROWS,
)
from ...table_units import rated
from ...text import compact
from ..ask import content_terms
from ..candidate import Candidate
from ..context import Context
from ..features_about import ordinals
from ..rows import is_total
from .extreme import best_column, cell_value, direction, figures_of, label_column
from .listing import names_asked
from .tables import row_fact, table_context, tables_hit

_ROWS, _ASKS, _NOT_ROWS = re.compile(CHANGED_ROWS), re.compile(CHANGED_ASKS), re.compile(CHANGED_NOT_ROWS)
_CHANGE_HEADER = re.compile(CHANGE_HEADERS)
_FIGURE_BEFORE = re.compile(r"\d[\d.,]*\s*(?:%p?|％|배|[명건곳개원])(?:씩)?\s*$")
_YEAR, _QUARTER = re.compile(r"(20\d\d)"), re.compile(r"(?<![\d/])([1-4])\s*/\s*4(?![\d/])")
_PLACES_ASKED = re.compile(PLACES_ASKED)
_HEADER_UNIT = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")  # "금융보험업(억달러)" → 금융보험업
_WHOLE = re.compile(WHOLE_ROWS)
TOP = 2  # candidates per question (one per table)


class ChangeAsked(NamedTuple):
    fall: bool  # the rows asked fell (줄어든), else rose (늘어난)
    negated: bool  # "안 줄어든": the rows that did not
    count: bool  # how many rows (몇 곳), else which
    counter: str  # the count's unit as asked (곳, 개 …)

    def holds(self, change: float) -> bool:
        """Whether a row of this change is one of those asked."""
        moved = change < 0 if self.fall else change > 0
        return moved != self.negated


def asked(question: str) -> ChangeAsked | None:
    """The rows a question asks by their change, or None when it asks none: a superlative, a reason, an amount or
    a row by its stated change ("제일 많이 늘어난", "줄어든 이유가 뭐야", "몇 %p 떨어진 거야", "143.5% 늘어난 곳")."""
    m = _ROWS.search(question)
    if not m or direction(question) is not None or _FIGURE_BEFORE.search(question[: m.start("verb")]):
        return None  # "143.5% 늘어난 곳은": the row of a stated change (an inverse lookup), not all that rose
    rest = m.group("rest")
    ask = _ASKS.search(rest)
    if not ask or _NOT_ROWS.search(rest):
        return None
    count = ask.group(0).startswith("몇")
    return ChangeAsked(fall=bool(m.group("fall")), negated=bool(m.group("neg")), count=count,
                       counter=(ask.group("counter") or "개") if count else "")


def rows_changed(table: tuple[Chunk, ...], header: str, named_by: str, ask: ChangeAsked,
                 terms: tuple[str, ...] = ()) -> tuple[int, list[tuple[Chunk, str]]]:
    """How many rows of a table state a change in ``header`` (totals and wholes left out: 전국, 합계), and those
    of them asked, with their labels (the cell in ``named_by``). In a table of several label columns (지표 then
    지역, the first filled down), only the rows whose other labels hold one of the question's ``terms`` (compact)
    when some do: "광공업생산이 줄어든 시도" reads the 광공업생산 rows, not every indicator's."""
    rows = [row for row in table if not is_total(row)]
    for h in {h for h, _ in table[0].cells if h and h not in (header, named_by)}:
        held = [row for row in rows if any(hh == h and v and cell_value(v) is None and any(t in compact(v) for t in terms)
                                           for hh, v in row.cells)]
        rows = held or rows
    figures = figures_of(rows, header, named_by)
    return len(figures), [(row, label) for x, row, label in figures if ask.holds(x)]


def rate_rows_changed(table: tuple[Chunk, ...], ask: ChangeAsked,
                      period: Callable[[str], bool]) -> tuple[int, list[tuple[Chunk, str]], str] | None:
    """A table whose changes are rows of rates under their amounts (``qa.table_units.rate_label``: "금융 보험업
    증감률(%)" under "금융 보험업"): how many things state a change, those of them asked (the row of each, its
    label) and the column read. Things in rows, periods in columns: each rate row's cell in the latest column of
    the period asked. Things in columns, periods in rows ("‘25.1Q 증감률(%)" under "‘25.1Q", columns 금융보험업,
    제조업 …): the one rate row's cells, each named by its column. Nothing read for a table of rate rows in another
    layout (one thing over periods); None for a table without rate rows."""
    rates = [row for row in table if row.cells and rated(row.cells[0][1]) is not None]
    if not rates:
        return None
    things = [rated(row.cells[0][1]) for row in rates]
    headers = [h for h, _ in table[0].cells[1:] if h]
    if len(rates) >= 2 and len(set(things)) == len(things):
        columns = [h for h in headers if period(h)]
        if not columns:
            return 0, [], ""
        column = columns[-1]
        header = f"{_HEADER_UNIT.sub('', column).strip()} {RATE_ROW_NAME}"  # "2025년 1분기(억달러)" held the amounts
        figures = [(cell_value(v), row, thing) for row, thing in zip(rates, things, strict=True)
                   for h, v in row.cells if h == column]
    elif len(rates) == 1 and not any(_YEAR.search(h) or _QUARTER.search(h) for h in headers):
        header = rates[0].cells[0][1]
        figures = [(cell_value(v), rates[0], _HEADER_UNIT.sub("", h).strip()) for h, v in rates[0].cells[1:] if h]
    elif len(rates) * 2 >= len(table):  # one thing over periods ("총투자", "총투자 증감률(%)"): no things to list,
        return 0, [], ""  # and its amounts are no changes for the columns to be read as
    else:
        return None  # a table of amounts with a row of rates among them is read by its columns
    figures = [(x, row, label) for x, row, label in figures if x is not None and label and not _WHOLE.search(label)]
    return len(figures), [(row, label) for x, row, label in figures if ask.holds(x)], header


def period_agrees(header: str, years: set[str], members: dict[str, set[int]]) -> bool:
    """Whether a column's header may be of the period the question names: no other year than the one asked, no
    other quarter or half ("2019년 2/4분기" is not the 2020년 2분기 asked; a header "2023년 3/4" is a quarter)."""
    said_years = set(_YEAR.findall(header))
    if years and said_years and not said_years & years:
        return False
    said = ordinals(header)
    quarters = {int(q) for q in _QUARTER.findall(header)}
    if quarters:
        said.setdefault("분기", set()).update(quarters)
    return all(not said.get(counter) or said[counter] & wanted for counter, wanted in members.items())


def names_place(label: str, ctx: Context) -> bool:
    """Whether a row's label is a place (서울, 전남, 경기 고양시), as the corpus's places and the lexicon's regions know it."""
    flat = compact(label)
    return flat in ctx.corpus.place_forms or any(compact(w) in ctx.corpus.place_forms for w in label.split())


def generate(ctx: Context) -> list[Candidate]:
    ask = asked(ctx.text)
    if ask is None or ctx.q.english or ctx.year_only:
        return []
    terms = content_terms(ctx.text, tokenize, QUESTION_WORDS)
    config, names, out = ctx.corpus.config, names_asked(ctx), []
    years, members = {str(y) for y in ctx.q.years}, ordinals(ctx.text)

    def period(header: str) -> bool:
        return period_agrees(header, years, members)

    places = bool(_PLACES_ASKED.search(ctx.text))
    flat_terms = tuple(t for t in (compact(t) for t in terms) if len(t) >= 2)
    for table in tables_hit(ctx):
        by_rates = rate_rows_changed(table, ask, period)
        if by_rates is not None:
            read, picked, header = by_rates
            if read >= 2 and picked:
                out.append(_listed(ask, picked, header, read, 0.0, ctx, len(out)))
            if len(out) == TOP:
                break
            continue
        column = best_column(table, ctx.text, terms, ctx.corpus.finder.known,
                             (config.extreme_change_match, config.extreme_rate_match), keep=period)
        if column is None or not (_CHANGE_HEADER.search(column[0]) or _CHANGE_HEADER.search(table_context(table))):
            continue  # only a column of changes has a side of zero to read
        header, score = column
        named_by = label_column(table, names)
        if named_by is None:
            continue
        read, picked = rows_changed(table, header, named_by, ask, flat_terms)
        if read < 2 or not picked or (places and not any(names_place(label, ctx) for _, label in picked)):
            continue  # (시도 asked, and the rows are indicators: a table of something else)
        out.append(_listed(ask, picked, header, read, score, ctx, len(out)))
        if len(out) == TOP:
            break
    return out


def _listed(ask: ChangeAsked, picked: list[tuple[Chunk, str]], header: str, read: int, score: float, ctx: Context,
            rank: int) -> Candidate:
    """The candidate listing (or counting) the rows picked, read in ``header``."""
    labels = list(dict.fromkeys(label for _, label in picked))
    listed = ", ".join(labels)
    text = f"{len(labels)}{ask.counter} ({listed}; {header})" if ask.count else f"{listed} ({header})"
    rule = f"changed:{'fall' if ask.fall else 'rise'}{':not' if ask.negated else ''}{':count' if ask.count else ''}"
    facts = list({r.chunk_id: row_fact(ctx, r) for r, _ in picked}.values())
    return Candidate(generator="changed", rule=rule, text=text, kind="fact", facts=facts,
                     evidence={"header_match": score, "rows": float(read), "computed": 1.0, "rank": float(rank)})
