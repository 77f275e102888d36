"""Rows of a table chosen by their cells: the table as a table, whatever its shape.

"전남에서 행복한 삶터로 뽑힌 곳은?" names two cell values (시·도 = 전남, 유형 = 행복한 삶터): the rows holding both
are the answer, shown with their other cells. "태안군이 들어간 대상지는 몇 개야?" counts such rows; "첨단재생바이오를
맡은 지역은?" reads the one row whose 분야 is 첨단재생바이오. Nothing here knows a column name: a filter is any cell
value the question writes, the answer any row that holds every filter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..chunk import Chunk
from ..lexicon import REGION_OF
from ..table_units import ORDINAL_HEADER
from ..text import compact
from .render import cap_text, cut_items, more_note

_TOTAL_ROW = re.compile(r"^(?:합\s*계|총\s*계|소\s*계|계|총계|전체)$")
_PARTS = re.compile(r"\s*[,，、/]\s*")
_NUMERIC = re.compile(r"^[-+△▲▽∆~∼]?\s*[\d,.]+\s*[%가-힣]{0,3}$|^[-–—]$")
# a question that asks which rows (어디, 뭐, 누구, 어떤 …) or how many (몇 곳)
ASKS_ROWS = re.compile(r"어디|어느|뭐|무엇|무슨|누구|어떤|몇\s*(?:곳|개|개소|명|건|군데)|알려|목록")
COUNT_ASKED = re.compile(r"몇\s*(?P<counter>곳|개소|개|명|건|군데)")


@dataclass(frozen=True)
class RowAnswer:
    """The rows the question's cell values select, the filters (column → values named), and whether it counts."""

    rows: tuple[Chunk, ...]
    filters: dict[str, frozenset[str]]
    counted: bool
    total: int  # data rows of the table
    narrowed: bool = False  # two or more named values select together fewer rows than each alone
    column: str | None = None  # the column the question asks by its header ("… 맡은 지역은?" → 지역)

    def items(self) -> list[str]:
        """Each selected row as one line of its other cells; the asked column's value first."""
        if not self.column:
            return [_row_text(r, self.filters) for r in self.rows]
        out = []
        for r in self.rows:
            value = next((v for h, v in r.cells if h == self.column and v), "")
            rest = _row_text(r, {**self.filters, self.column: frozenset()})
            out.append(f"{self.column}: {value} ({rest})" if rest else f"{self.column}: {value}")
        return out

    def text(self, counter: str = "건", limit: int = 20, max_chars: int = 2000) -> tuple[str, int]:
        """The answer (the count first when one is asked) and how many rows it shows: at most ``limit``, within
        ``max_chars``, then "… 외 N건 (총 M건)" (the API pages through :meth:`items`)."""
        items = self.items()
        named = ", ".join(sorted(v for vals in self.filters.values() for v in vals))
        head = f"{named}: {len(self.rows)}{counter}\n" if self.counted else ""
        shown, n = cut_items(items, limit)
        while n > 1 and len(head) + sum(len(x) + 3 for x in shown[:n]) > max_chars - 40:
            n -= 1
        lines = [f"• {x}" for x in items[:n]]
        if n < len(items):
            lines.append(f"… {more_note(n, len(items))}")
        return cap_text(head + "\n".join(lines), max_chars), n


def tables_of(chunks: Sequence[Chunk]) -> dict[str, tuple[Chunk, ...]]:
    """Each table row's whole table (the run of rows with the same columns in one announcement), by chunk id."""
    out: dict[str, tuple[Chunk, ...]] = {}
    run: list[Chunk] = []

    def close() -> None:
        table = tuple(run)
        for c in table:
            out[c.chunk_id] = table
        run.clear()

    for c in chunks:
        if c.kind != "table_row" or not c.cells:
            if run and c.kind != "table_row":
                close()
            continue
        if run and (run[-1].doc_id != c.doc_id or _columns(run[-1]) != _columns(c)):
            close()
        run.append(c)
    if run:
        close()
    return out


def select_rows(question: str, tables: Sequence[tuple[Chunk, ...]]) -> RowAnswer | None:
    """The rows of the first table (in retrieval order) that the question's cell values select, or None when it
    names no cell value of any, or every row holds those it names (the question names the table, not rows)."""
    asks_rows = bool(ASKS_ROWS.search(question))
    tail = _TAIL_NOUN.search(question)
    if not asks_rows and not tail:
        return None
    q = question
    for table in tables:
        data = [r for r in table if not is_total(r)]
        column = _header_named(tail.group("noun"), _columns(data[0])) if tail and data else None
        if not asks_rows and column is None:
            continue
        filters: dict[str, set[str]] = {}
        for r in data:
            for h, v in r.cells:
                if ORDINAL_HEADER.match(h or ""):
                    continue
                for part in _named_parts(v, q):
                    filters.setdefault(h, set()).add(part)
        filters = {h: vals for h, vals in filters.items()
                   if not all(_holds(r, h, vals) for r in data)}  # in every row: it names the table, not rows
        if not filters:
            continue
        rows = [r for r in data if all(_holds(r, h, vals) for h, vals in filters.items())]
        if rows and len(rows) < len(data):
            # two named values narrow together when each alone selects more rows than both
            narrowed = len(filters) >= 2 and all(
                sum(_holds(r, h, vals) for r in data) > len(rows) for h, vals in filters.items())
            return RowAnswer(tuple(rows), {h: frozenset(v) for h, v in filters.items()},
                             bool(COUNT_ASKED.search(question)), len(data), narrowed,
                             column if column not in filters else None)
    return None


# the noun a question ends on ("첨단재생바이오를 맡은 지역은?" → 지역): a column asked by its header
_TAIL_NOUN = re.compile(r"(?:^|\s)(?P<noun>[가-힣]{2,}?)(?:은|는|이|가|을|를)?\s*(?:이야|야|예요|에요|이에요|이지|지)?\s*[?？.]*\s*$")


_PARENTHESES = re.compile(r"\(.*?\)")


def _header_named(noun: str, headers: Sequence[str]) -> str | None:
    """The column whose header is the noun, with a name suffix (사업 → 사업명) or as its last part (기관 → 수행기관)."""
    for header in headers:
        h = _PARENTHESES.sub("", compact(header or ""))
        if len(h) >= 2 and ((h.startswith(noun) and h[len(noun):] in _NAME_HEADS) or (h.endswith(noun) and len(noun) >= 2)):
            return header
    return None


@dataclass(frozen=True)
class ColumnAnswer:
    """The values of the column a question asks for by its header ("어떤 시설들이 있어?" → 시설)."""

    header: str
    values: tuple[str, ...]
    rows: tuple[Chunk, ...]  # the row each value was read from (its provenance), one per value

    def text(self, limit: int = 20, max_chars: int = 2000) -> tuple[str, int]:
        shown, n = cut_items(list(self.values), limit)
        body = ", ".join(shown[:n]) + (f" … {more_note(n, len(self.values))}" if n < len(self.values) else "")
        return cap_text(f"{self.header}: {body}", max_chars), n


# "어떤 시설들이 있어?", "무슨 사업", "참여기관 알려줘", "과제 목록": the noun whose kinds are asked
_ASKED_NOUN = re.compile(r"(?:어떤|무슨)\s*(?P<a>[가-힣A-Za-z]+)|(?P<b>[가-힣A-Za-z]{2,})\s*(?:뭐|무엇|알려|목록|종류)")
_NAME_HEADS = ("", "명", "명칭", "이름", "종류", "목록")


def asked_noun(question: str) -> str | None:
    """The noun a "which ones" question asks about, without its particle or plural (시설들이 → 시설)."""
    m = _ASKED_NOUN.search(question)
    if not m:
        return None
    word = m.group("a") or m.group("b")
    found = re.fullmatch(rf"(.+?)(?:들)?{_PARTICLE}", word)
    noun = found.group(1) if found else word
    return noun if len(noun) >= 2 else None


def select_column(question: str, tables: Sequence[tuple[Chunk, ...]]) -> ColumnAnswer | None:
    """The column of the first table (in retrieval order) whose header is the noun the question asks about
    (시설 → "시설", 사업 → "사업명"), as the list of its values; None when no header is that noun or the column
    holds fewer than two values."""
    noun = asked_noun(question)
    if not noun:
        return None
    noun = compact(noun)
    for table in tables:
        data = [r for r in table if not is_total(r)]
        for header, _ in data[0].cells if data else ():
            h = compact(header or "")
            if not h.startswith(noun) or h[len(noun):] not in _NAME_HEADS:
                continue
            values, rows = [], []
            for r in data:
                v = next((v.strip() for hh, v in r.cells if hh == header and v), "")
                if v and not _NUMERIC.match(v) and v not in values:
                    values.append(v)
                    rows.append(r)
            if len(values) >= 2:
                return ColumnAnswer(header, tuple(values), tuple(rows))
    return None


def table_words(table: Sequence[Chunk], tokenize) -> set[str]:
    """The words of a table: its caption and context, its column names and its cells."""
    return set(tokenize(" ".join(r.search_text for r in table)))


def _named_parts(value: str, question: str) -> list[str]:
    """The parts of a cell ("삼척시, 강릉시") the question writes, by any name of a region (전남 = 전라남도)."""
    out = []
    for part in _PARTS.split(value or ""):
        p = compact(part)
        if len(p) < 2 or _NUMERIC.match(part.strip()):
            continue
        names = REGION_OF.get(p) or {p}
        if any(_written(n, question) for n in names):
            out.append(p)
    return out


def _written(name: str, question: str) -> bool:
    """Whether the question writes ``name`` as its own word (spaces as it likes, a particle after it): 행정 is not
    written in "AI 행정혁신", 행복한 삶터 is in "행복한 삶터로"."""
    if not any(ch.isspace() for ch in name) and name not in "".join(question.split()):
        return False  # not written at all (most cells): no pattern to build
    pattern = r"\s*".join(map(re.escape, name))
    return re.search(rf"(?:^|(?<=[\s,·(「『‘“]))(?:{pattern}){_PARTICLE}(?=$|[\s?,.!)」』’”])", question) is not None


_PARTICLE = r"(?:은|는|이|가|을|를|에|에서|에서는|의|로|으로|로는|으로는|와|과|도|만|에는|이나|나|이라|라|이랑|랑|부터|까지)?"


def _holds(row: Chunk, header: str, values: set[str]) -> bool:
    return any(h == header and any(p in values for p in (compact(x) for x in _PARTS.split(v or "")))
               for h, v in row.cells)


def is_total(row: Chunk) -> bool:
    """A row of totals (합계, 소계, 계 …) in its first two cells."""
    return any(_TOTAL_ROW.match((v or "").strip()) for _, v in row.cells[:2])


def _columns(row: Chunk) -> tuple[str, ...]:
    return tuple(h for h, _ in row.cells)


def _row_text(row: Chunk, filters: dict[str, frozenset[str]]) -> str:
    """A row's cells other than those the question named and row numbers: "신안군 · 증도 증동권역 · 최대 5년"."""
    cells = [v for h, v in row.cells if v and v.strip() not in ("-", "") and h not in filters
             and not ORDINAL_HEADER.match(h or "")]
    return " · ".join(cells) if cells else " · ".join(v for _, v in row.cells if v)
