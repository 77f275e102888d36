"""Arithmetic over two quoted values: the operands a question names ("A와 B를 더하면"), the result in the first
value's unit and precision, and the working ("합계: 928.4억달러 (A 466.3억달러 + B 462.1억달러)")."""

from __future__ import annotations

import re

from ..korean import tokenize
from ..lexicon import DIFF_OPERATION_WORDS, SAME_COUNTERS, SUM_OPERATION_WORDS
from ..quantity import MAGNITUDE_CHARS, Quantity
from ..text import LEADING_MARKS
from .typed import Candidate

_PAIR = re.compile(r"(?P<a>[^\s,]+?)(?P<p>와|과|이랑|랑|하고|및|,)\s*(?P<b>[^\s,]+)")
SUM_WORDS = re.compile(SUM_OPERATION_WORDS)
DIFF_WORDS = re.compile(DIFF_OPERATION_WORDS)


def operands(question: str) -> tuple[str, str, str] | None:
    """ "자동차랑 선박 수출액 합치면 얼마야?" → ("자동차", "선박", rest): the two things an arithmetic question
    names, and the words they share."""
    m = _PAIR.search(question)
    if not m:
        return None
    start, end = m.start(), m.end()
    a, b = m.group("a"), m.group("b")
    if m.group("p") == "이랑" and a + "이" in tokenize(a + "이랑"):
        a += "이"  # "어린이랑" is 어린이 + 랑 (the morpheme analysis reads the noun), not 어린 + 이랑
    if _ORDINAL.fullmatch(b):  # "1위 일본과 2위 중국을": the operand is the word after the rank
        nxt = re.match(r"\s*([^\s,]+)", question[end:])
        if nxt:
            b, end = nxt.group(1), end + nxt.end()
    after = re.match(r"\s*([^\s,]+)", question[end:])
    before = re.search(r"([^\s,]+)\s*$", question[:start])
    if _ORDINAL.fullmatch(a) and before:  # "하프 1위랑 10km 1위": the operand is the word before the rank, with it
        a, start = f"{before.group(1)} {a}", before.start()
        before = re.search(r"([^\s,]+)\s*$", question[:start])
    if after and before and _stem(after.group(1)) == _stem(a):
        # "중국 방한객과 일본 방한객": the two differ in the words before their shared head
        a, start = before.group(1), before.start()
    rest = question[:start] + " " + question[end:]
    return a, b, DIFF_WORDS.sub(" ", SUM_WORDS.sub(" ", rest))  # "차이", "더하면" say what to do, not which value


_ORDINAL = re.compile(r"\d+\s*(?:위|등|번째|순위)")


def _stem(word: str) -> str:
    """A word without its particle (방한객과 → 방한객, 방한객을 → 방한객)."""
    return re.sub(r"(?:과|와|을|를|이|가|은|는|의|도|랑|이랑|하고)$", "", word)


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def format_value(value: float, unit: str, decimals: int) -> str:
    """ "928.4억달러", "9,930억원": the unit as the document writes it, the precision of the inputs."""
    return f"{value:,.{decimals}f}{unit}"


def korean_amount(base: float) -> str:
    """An exact amount written as Korean documents do: 25257 → "2만 5,257", 1.45135e13 → "14조 5,135억", and a
    whole number of thousands after the first group as 천 (327000 → "32만 7천", 5.4e8 → "5억 4천만", as "32만
    7천명" and "19억 9천만달러" are written)."""
    n = round(base)
    parts = []
    for size, name in ((10**12, "조"), (10**8, "억"), (10**4, "만")):
        if n >= size:
            group = n // size  # below the first group a whole number of thousands is 천: "5억 4천만", "1조 3천억"
            parts.append(f"{group // 1000}천{name}" if parts and group % 1000 == 0 else f"{group:,}{name}")
            n %= size
    if n and parts and n % 1000 == 0:
        parts.append(f"{n // 1000}천")
    elif n or not parts:
        parts.append(f"{n:,}")
    return " ".join(parts)


def combine(op: str, a: Candidate, b: Candidate) -> tuple[str, float] | None:
    """Sum or difference of two values of one class, in the first one's unit, with its working."""
    qa_, qb = a.quantity, b.quantity
    if qa_.kind != qb.kind or qa_.base is None or qb.base is None or not qa_.value or not units_agree(qa_, qb):
        return None
    scale = qa_.base / qa_.value
    vb = qb.base / scale
    dec = max(_decimals(qa_.text), _decimals(qb.text))
    if op == "sum":
        v = qa_.value + vb
        working = f"{_short(a)} {qa_.text} + {_short(b)} {qb.text}"
    else:
        v = abs(qa_.value - vb)
        hi, lo = (a, b) if qa_.value >= vb else (b, a)
        working = f"{_short(hi)} {hi.quantity.text} - {_short(lo)} {lo.quantity.text}"
    if abs(round(v, dec) - v) * scale >= 0.5:  # "2만 1,757명 + 3,500명" is not "3만명": the exact amount
        return f"{korean_amount(v * scale)}{qa_.unit.lstrip(MAGNITUDE_CHARS)} ({working})", v
    unit = "%p" if op == "diff" and qa_.kind == "percent" else qa_.unit  # two rates differ by points
    return f"{format_value(round(v, dec), unit, dec)} ({working})", v


def units_agree(a: Quantity, b: Quantity) -> bool:
    """Whether two values of one class can be added, compared or divided: money in one currency (억원 and 만원,
    never 원 and 달러), anything else in one unit whatever its magnitude ("3,798만 명" and "12곳" are both counts,
    and their difference is no number of anything; counters of the same things agree: 개 and 곳). A value
    written without a unit agrees with any."""
    if a.kind == "money":
        return a.unit[-1:] == b.unit[-1:]
    ua, ub = (q.unit.replace(" ", "").lstrip(MAGNITUDE_CHARS) for q in (a, b))
    return not ua or not ub or ua == ub or any(ua in alike and ub in alike for alike in SAME_COUNTERS)


def _short(c: Candidate) -> str:
    """What a value is, for the working of a sum or difference: its clause up to the value ("15~64세 고용률은"),
    or its row label and column."""
    label = LEADING_MARKS.sub("", c.label).strip()
    head = label.split(c.quantity.text)[0].strip(" :,(") if c.quantity.text in label else label
    return (head or label.replace(c.quantity.text, "").strip(" :,("))[:40]
