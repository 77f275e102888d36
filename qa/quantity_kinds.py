"""What a quantity is: its unit classes, the words of currencies, counters, measures and bounds, and the
``Quantity`` and ``Rule`` records the parser in :mod:`qa.quantity` produces and is made of."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Unit classes a quantity (and a question) can have.
MONEY, COUNT, PERCENT, PERCENT_POINT, RATIO, MULTIPLE = "money", "count", "percent", "percent_point", "ratio", "multiple"
DURATION, DATE, TIME, AGE, MEASURE = "duration", "date", "time", "age", "measure"
KINDS = (MONEY, COUNT, PERCENT, PERCENT_POINT, RATIO, MULTIPLE, DURATION, DATE, TIME, AGE, MEASURE)
# the classes one question word may mean between them: amounts and counts, or points and spans of time
NUMERIC_KINDS = frozenset({MONEY, COUNT, PERCENT, PERCENT_POINT, RATIO, MULTIPLE, MEASURE, AGE})
TEMPORAL_KINDS = frozenset({DATE, TIME, DURATION})

# Korean magnitudes, longest first so 천만 is read before 천 (values multiply what precedes them).
MAGNITUDES = {"천조": 10**15, "백조": 10**14, "십조": 10**13, "조": 10**12, "천억": 10**11, "백억": 10**10,
              "십억": 10**9, "억": 10**8, "천만": 10**7, "백만": 10**6, "십만": 10**5, "만": 10**4, "천": 10**3,
              "백": 10**2}
MAGNITUDE_CHARS = "".join(sorted(set("".join(MAGNITUDES))))  # 천 백 십 만 억 조: what "억원" is "원" times
# Currencies and what one unit is worth in itself (money is compared only within one currency).
CURRENCIES = ("원", "달러", "유로", "엔", "위안")
# Counters: the word after a number that says what is counted (longest first; 개월 is a duration, 개 a count).
COUNTERS = ("개국", "개소", "개사", "개교", "개팀", "개과", "개동", "가구", "세대", "개", "곳", "명", "건", "회", "차례", "대",
            "편", "종", "팀", "척", "마리", "그루", "권", "점", "부", "장", "통", "석", "인", "기", "채", "필지", "과제",
            "품목", "호", "좌", "구좌", "단체", "기관", "업체", "개업체", "쌍", "벌", "톨", "포기", "송이", "병", "캔")
# Measures with their unit words (area, length, weight, energy, volume).
MEASURES = ("㎢", "km²", "km2", "㎡", "m²", "m2", "제곱미터", "헥타르", "ha", "평", "킬로미터", "센티미터", "미터",
            "㎞", "km", "㎝", "cm", "㎜", "mm", "m",
            "톤", "kg", "㎏", "g", "GWh", "MWh", "kWh", "GW", "MW", "kW", "ℓ", "L", "리터", "㎘", "TEU", "t",
            "℃", "°C", "㏊")  # temperatures (기상 releases) and the hectare sign
# Words that bound a value and which way: the upper limit, the lower limit, or about.
BOUND_BEFORE = {"최대": "upper", "최고": "upper", "최소": "lower", "최저": "lower", "약": "approx", "총": "total",
                "평균": "average", "연간": "per_year", "연": "per_year", "월": "per_month", "1인당": "per_person",
                "인당": "per_person", "각": "each", "개소당": "each", "곳당": "each", "건당": "each"}
BOUND_AFTER = {"이상": "lower", "초과": "lower_open", "이하": "upper", "이내": "upper", "미만": "upper_open",
               "까지": "upper", "한도": "upper", "내외": "approx", "가량": "approx", "정도": "approx", "안팎": "approx",
               "여": "approx", "부터": "lower", "이후": "lower", "이전": "upper"}
# the classes one question word may mean between them: amounts and counts, or points and spans of time
RANGE_SEPARATORS = "~∼〜～"



@dataclass(frozen=True)
class Quantity:
    """One stated quantity. ``value`` is the number as written in ``unit`` (e.g. 160 with unit 억원);
    ``base`` the same in the base unit of its class (원, minutes, days, …) for arithmetic and comparison;
    ``upper`` the end of a range; ``date`` an ISO-like form for dates (``2025-06-19``, ``2025-06``,
    ``2023-H2``, ``2024-Q1``, ``--06-19`` when the year is not stated and not known)."""

    kind: str
    value: float
    unit: str
    text: str
    span: tuple[int, int]
    base: float | None = None
    upper: float | None = None
    upper_base: float | None = None
    date: str | None = None
    bound: str | None = None  # upper / lower / lower_open / upper_open / approx / total / average / each …
    rule: str = ""

    @property
    def is_range(self) -> bool:
        return self.upper is not None


@dataclass(frozen=True)
class Rule:
    """A named way of writing a quantity: a pattern and what to make of a match (None: not a quantity)."""

    name: str
    pattern: re.Pattern
    produce: Callable[[re.Match, int | None], Quantity | None]
    priority: int = 0  # among overlapping matches the higher wins, then the longer
