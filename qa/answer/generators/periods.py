"""A row across two periods: "2023년 전북 건설수주액 1분기보다 2분기에 얼마나 줄었어?", "2023년 설비투자 증가율
3분기랑 4분기 차이가 몇 %p야?", "지원 가구 2024년보다 몇 가구 늘었어?" — the row of a table the question's words
name, read in the columns of the two periods it names (or of the one it compares with and the latest after it), and
the difference between them, with the working. A statistics release tabulates each series by period; the difference
asked is seldom written. :mod:`.arithmetic` searches each operand's value by its words, which the two cells of one
row share: this reads the row once, in the columns the periods pick."""

from __future__ import annotations

import re
from typing import NamedTuple

from ...chunk import Chunk
from ...lexicon import PERIOD_COMPARED, PERIOD_DIFF_ASKED, YEAR_SHIFT
from ...text import compact, format_number
from ..candidate import Candidate
from ..context import Context
from .extreme import cell_value
from .tables import row_fact, table_context, tables_hit

_YEAR = re.compile(r"(20\d\d)\s*(?:년|학년도)")
_MONTH = r"(?<![\d~∼-])(1[0-2]|[1-9])\s*월(?!\s*[~∼-])"  # 5월, not a month of a range (1~5월)
_PART = re.compile(r"(?<![\d/])([1-4])\s*(?:/\s*4\s*)?분기|" + _MONTH)
_HEADER_YEAR, _HEADER_QUARTER = re.compile(r"(20\d\d)"), re.compile(r"(?<![\d/])([1-4])\s*/\s*4(?![\d/])|([1-4])\s*분기")
_HEADER_MONTH = re.compile(_MONTH)
_DIFF, _COMPARED = re.compile(PERIOD_DIFF_ASKED), re.compile(PERIOD_COMPARED)
# a year told relatively, as a word of its own (not 전년, which compares: 전년동월대비)
_RELATIVE = re.compile(r"(?<![가-힣])(재작년|작년|지난해|올해|금년|내년)")
_UNIT = re.compile(r"\(([^()]*?)\)\s*$")
_NOTE_UNIT = re.compile(r"단위\s*:\s*([^,)]+)")
_CELL_UNIT = re.compile(r"[\d.]\s*([%가-힣]{1,3})\s*$")
_POINTS = re.compile(r"%\s*p|％\s*p|퍼센트\s*포인트|포인트")
TOP = 2  # candidates per question


class Period(NamedTuple):
    year: str | None
    part: tuple[str, int] | None  # ("분기", 2), ("월", 5): the quarter or month within the year, if any


def periods_asked(question: str) -> list[Period]:
    """The periods a question names, in order: "2023년 … 1분기보다 2분기" → (2023, 1분기), (2023, 2분기); "4월보다
    5월에" → (None, 4월), (None, 5월); "2023년 성장률이 2022년보다" → (2023, None), (2022, None); a year named once
    holds for each quarter or month."""
    years = _YEAR.findall(question)
    parts = [("분기", int(m.group(1))) if m.group(1) else ("월", int(m.group(2))) for m in _PART.finditer(question)]
    if parts:
        year = years[0] if len(years) == 1 else None
        return [Period(year, part) for part in parts] if len(years) <= 1 else []
    return [Period(y, None) for y in years]


def header_period(header: str) -> Period | None:
    """The period a column header names ("2023년 4/4분기", "2023년 3/4", "연간 2022년"), or None."""
    years = _HEADER_YEAR.findall(header)
    parts = [("분기", int(a or b)) for a, b in _HEADER_QUARTER.findall(header)] + \
        [("월", int(m)) for m in _HEADER_MONTH.findall(header)]
    if len(years) > 1 or len(parts) > 1 or not (years or parts):
        return None
    return Period(years[0] if years else None, parts[0] if parts else None)


def fits(header: Period, asked: Period) -> bool:
    """Whether a column of ``header``'s period holds the period asked: the same quarter (and year, when both say
    one), or the same year and no quarter ("연간 2022년" for 2022년, not "2022년 4/4")."""
    if asked.part is not None:
        return header.part == asked.part and (asked.year is None or header.year in (None, asked.year))
    return header.part is None and header.year == asked.year


def columns(table: tuple[Chunk, ...]) -> list[tuple[str, Period]]:
    return [(h, p) for h, _ in table[0].cells if h for p in [header_period(h)] if p]


def unit_of(row: Chunk, header: str, cell: str, table: tuple[Chunk, ...]) -> str:
    """The unit of a row's figures: the cell's own (1,280가구), the row label's or header's in parentheses
    (건설수주액(억원)), else the table note's (단위: %)."""
    m = _CELL_UNIT.search(cell)
    if m:
        return m.group(1)
    label = next((v for h, v in row.cells if v and cell_value(v) is None), "")
    for text in (label, header):
        m = _UNIT.search(text or "")
        if m and not re.search(r"\d", m.group(1)):
            return m.group(1).strip()
    m = _NOTE_UNIT.search(table_context(table))
    if not m:
        return ""
    note = m.group(1).split()  # "(단위: 전년동분기대비 %, …)": the unit is the note's last word
    return note[-1] if note else ""


def compared(question: str) -> bool:
    """Whether the one period a question names is what it compares with ("2024년보다", "2020년이랑 비교하면"), not
    the period of what is compared with something else ("9월 평균기온이 평년보다")."""
    ends = [m.end() for m in _PART.finditer(question)] or [m.end() for m in _YEAR.finditer(question)]
    return any(_COMPARED.match(re.sub(r"^(?:에|의|도)", "", question[end:].lstrip())) for end in ends[-1:])


def _decimals(cell: str) -> int:
    m = re.search(r"\.(\d+)", cell)
    return len(m.group(1)) if m else 0


def _order(period: Period) -> tuple[str, tuple[str, int]]:
    return period.year or "", period.part or ("", 0)


def dated(question: str, year: int | None) -> str:
    """The question with each year told relatively written as the year it is in the announcement's time ("작년보다"
    in a 2026 release → "2025년보다"), so that it names the columns headed by years."""
    if not year:
        return question
    return _RELATIVE.sub(lambda m: f"{year + YEAR_SHIFT[m.group(1)]}년", question)


def asked_in(question: str) -> list[Period] | None:
    """The periods a question compares, in order, or None when it compares none it names (one period only when it
    is the one compared with)."""
    asked = periods_asked(question)
    if not 1 <= len(asked) <= 2 or len(set(asked)) < len(asked) or (len(asked) == 1 and not compared(question)):
        return None
    return asked


def generate(ctx: Context) -> list[Candidate]:
    if ctx.q.english or not _DIFF.search(ctx.text):
        return []
    if not _RELATIVE.search(ctx.text) and asked_in(ctx.text) is None:
        return []  # no period named, nor one told relatively that a table's announcement would date
    terms = [compact(t) for t in ctx.terms if not _YEAR.search(t) and not _PART.search(t) and t not in YEAR_SHIFT]
    weight_of = ctx.corpus.finder.weight
    scored = []
    for rank, table in enumerate(tables_hit(ctx)):
        doc = ctx.corpus.docs.get(table[0].doc_id)
        asked = asked_in(dated(ctx.text, doc.year if doc else None))
        if asked is None:
            continue
        cols = columns(table)
        for row in table:
            labels = compact(" ".join(v for _, v in row.cells if v and cell_value(v) is None))
            weight = sum(weight_of(t) for t in terms if len(t) >= 2 and t in labels)
            if not weight:
                continue
            figures = [(h, v, p) for (h, p) in cols for hh, v in row.cells if hh == h and cell_value(v) is not None]
            pair = [next((f for f in figures if fits(f[2], a)), None) for a in asked]
            if len(asked) == 1 and pair[0]:  # "2024년보다 몇 가구 늘었어?": against the latest column after it
                later = [f for f in figures if _order(f[2]) > _order(pair[0][2])]
                pair = [pair[0], later[-1]] if later else [None]
            if all(pair) and pair[0][0] != pair[1][0]:
                scored.append((-weight, rank, row, table, sorted(pair, key=lambda f: _order(f[2]))))
    out: list[Candidate] = []
    for neg_weight, _, row, table, ((h1, v1, _), (h2, v2, _)) in sorted(scored, key=lambda s: s[:2]):
        x, y = cell_value(v1), cell_value(v2)
        diff = round(y - x, max(_decimals(v1), _decimals(v2)))
        unit = unit_of(row, h2, v2, table)
        unit = "%p" if unit in ("%", "％") or (not unit and _POINTS.search(ctx.text)) else unit
        label = " ".join(v.strip() for _, v in row.cells if v and cell_value(v) is None)  # 건설수주 전북
        moved = "증가" if diff > 0 else "감소" if diff < 0 else "변화 없음"
        text = f"차이: {format_number(abs(diff))}{unit} {moved} ({label} {h1} {v1.strip()} → {h2} {v2.strip()})"
        if any(c.text == text for c in out):
            continue
        out.append(Candidate(generator="periods", rule="typed:diff", text=text, kind="fact", facts=[row_fact(ctx, row)],
                             evidence={"computed": 1.0, "rank": float(len(out)), "label_weight": -neg_weight}))
        if len(out) == TOP:
            break
    return out
