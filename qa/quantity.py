"""Quantities: every number a Korean announcement states, with its unit class, bounds and ranges.

A small Duckling-style parser (``facebook/duckling``'s ``Rule``: a name, a pattern, a production): each rule
below finds one way of writing a quantity — money with Korean magnitudes ("1조 2,000억원", "12억 5천만원"),
counts with any counter (건, 명, 개소, 개국, 가구 …), percentages and %p, ratios, durations, dates in all the
forms announcements use ("2025. 6. 19.(목)", "6월 19일", "’23년", "2023년 하반기", "1분기"), times of day
("14시", "오후 2시", "14:00"), ages and measures. Overlaps are resolved by priority and length, then ranges
("10~20만원", "6. 19.(목)~7. 18.(금)", "3월부터 5월까지") and bounds (최대/최소/이상/이하/이내/초과/미만/약)
are attached. Values are exact (``decimal``-free floats of what is written, no rounding) and every quantity
keeps its character span, so a fact built from it points at its raw text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

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
            "톤", "kg", "㎏", "g", "GWh", "MWh", "kWh", "GW", "MW", "kW", "ℓ", "L", "리터", "㎘", "TEU", "t")
# Words that bound a value and which way: the upper limit, the lower limit, or about.
BOUND_BEFORE = {"최대": "upper", "최고": "upper", "최소": "lower", "최저": "lower", "약": "approx", "총": "total",
                "평균": "average", "연간": "per_year", "연": "per_year", "월": "per_month", "1인당": "per_person",
                "인당": "per_person", "각": "each", "개소당": "each", "곳당": "each", "건당": "each"}
BOUND_AFTER = {"이상": "lower", "초과": "lower_open", "이하": "upper", "이내": "upper", "미만": "upper_open",
               "까지": "upper", "한도": "upper", "내외": "approx", "가량": "approx", "정도": "approx", "안팎": "approx",
               "여": "approx", "부터": "lower", "이후": "lower", "이전": "upper"}
# the classes one question word may mean between them: amounts and counts, or points and spans of time
RANGE_SEPARATORS = "~∼〜～"

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAG = "|".join(sorted(MAGNITUDES, key=len, reverse=True))
# "1조 2,000억", "12억 5천만", "3억5천", "2천억", "150", "2만 1,757"
_AMOUNT = (rf"(?:{_NUM})\s*(?:{_MAG})?(?:\s*(?:{_NUM})\s*(?:{_MAG}))*"
           r"(?:(?<=[만억조천])\s*(?:\d{1,3}(?:,\d{3})?|\d{1,4})(?![\d,.]))?")  # "2만 1,757명": the rest after 만
_AMOUNT_PART = re.compile(rf"(?P<n>{_NUM})\s*(?P<mag>{_MAG})?")
_WEEKDAY = r"(?:\s*\(\s*[월화수목금토일](?:요일)?\s*\))?"
_HANGUL_AFTER = r"(?![가-힣])"


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


# ------------------------------------------------------------------------------------------ numbers
def parse_amount(text: str) -> float | None:
    """ "1조 2,000억" → 1.2e12, "12억 5천만" → 1.25e9, "2천억" → 2e11, "1,234.5" → 1234.5."""
    total, found = 0.0, False
    for m in _AMOUNT_PART.finditer(text):
        n = float(m.group("n").replace(",", ""))
        total += n * MAGNITUDES.get(m.group("mag") or "", 1)
        found = True
    return total if found else None


def _amount_unit(amount_text: str, unit: str) -> tuple[float, str]:
    """The value in the document's own unit: "160억" + 원 → (160, 억원); "1조 2,000억" → (1.2, 조원), as the
    first (largest) magnitude reads."""
    first = _AMOUNT_PART.search(amount_text)
    mag = first.group("mag") or ""
    scale = MAGNITUDES.get(mag, 1)
    return parse_amount(amount_text) / scale, f"{mag}{unit}"


def _q(kind: str, m: re.Match, value: float, unit: str, base: float | None = None, **kw) -> Quantity:
    return Quantity(kind=kind, value=value, unit=unit, text=m.group(0), span=m.span(), base=base, **kw)


# ------------------------------------------------------------------------------------------ productions
def _money(m: re.Match, year: int | None) -> Quantity:
    value, unit = _amount_unit(m.group("amt"), m.group("cur"))
    return _q(MONEY, m, value, unit, parse_amount(m.group("amt")))


def _count(m: re.Match, year: int | None) -> Quantity:
    value, unit = _amount_unit(m.group("amt"), m.group("counter"))
    q = _q(COUNT, m, value, unit, parse_amount(m.group("amt")))
    return replace(q, bound="approx") if m.groupdict().get("approx") else q  # "20여 명": about 20


def _percent(m: re.Match, year: int | None) -> Quantity:
    point = bool(m.group("p"))
    return _q(PERCENT_POINT if point else PERCENT, m, float(m.group("n")), "%p" if point else "%", float(m.group("n")))


def _ratio(m: re.Match, year: int | None) -> Quantity:
    a, b = float(m.group("a")), float(m.group("b"))
    return _q(RATIO, m, a, f":{m.group('b')}", a / b if b else None)


def _multiple(m: re.Match, year: int | None) -> Quantity:
    return _q(MULTIPLE, m, float(m.group("n")), "배", float(m.group("n")))


_DURATION_DAYS = {"년": 365, "개년": 365, "개월": 30, "달": 30, "주": 7, "주일": 7, "일": 1, "시간": 1 / 24, "분": 1 / 1440}


def _duration(m: re.Match, year: int | None) -> Quantity:
    n, unit = float(m.group("n").replace(",", "")), m.group("unit")
    return _q(DURATION, m, n, unit, n * _DURATION_DAYS[unit])


def _age(m: re.Match, year: int | None) -> Quantity:
    return _q(AGE, m, float(m.group("n")), "세", float(m.group("n")))


def _measure(m: re.Match, year: int | None) -> Quantity:
    value, unit = _amount_unit(m.group("amt"), m.group("unit"))
    return _q(MEASURE, m, value, unit, parse_amount(m.group("amt")))


def _full_year(y: str) -> int:
    """ "2025" → 2025, "25" → 2025 (two-digit years in announcements are this century)."""
    n = int(y)
    return n if n >= 100 else 2000 + n


def _date(m: re.Match, year: int | None) -> Quantity | None:
    g = m.groupdict()
    y_raw = g.get("y") or g.get("ya")
    y = _full_year(y_raw) if y_raw else None
    mo = int(g["mo"]) if g.get("mo") else None
    d = int(g["d"]) if g.get("d") else None
    if (mo is not None and not 1 <= mo <= 12) or (d is not None and not 1 <= d <= 31):
        return None
    if y is not None and not 1990 <= y <= 2099:
        return None
    if g.get("half"):
        iso = f"{y or year or ''}-H{1 if g['half'] == '상' else 2}"
    elif g.get("qtr"):
        iso = f"{y or year or ''}-Q{g['qtr']}"
    else:
        yy = y if y is not None else year
        if mo is None and d is not None:  # "5일(금)" ending a range: its month (and year) are the start's
            return _q(DATE, m, float(d), "일", float(d), date=f"---{d:02d}")
        parts = [f"{yy:04d}" if yy else "-"]
        if mo is not None:
            parts.append(f"{mo:02d}")
        if d is not None:
            parts.append(f"{d:02d}")
        iso = "-".join(parts)
    ordinal = (y or year or 0) * 10000 + (mo or 0) * 100 + (d or 0)
    unit = "일" if d else ("월" if mo else ("분기" if g.get("qtr") else ("반기" if g.get("half") else "년")))
    return _q(DATE, m, float(ordinal), unit, float(ordinal), date=iso)


def _time(m: re.Match, year: int | None) -> Quantity | None:
    h = int(m.group("h"))
    mi = int(m.group("mi") or 0)
    ampm = (m.groupdict().get("ampm") or "").strip()
    if ampm == "밤" and h == 12:
        h = 24
    elif ampm in ("오후", "저녁", "밤") and h < 12:
        h += 12
    elif ampm in ("오전", "새벽") and h == 12:
        h = 0
    if m.groupdict().get("half"):
        mi = 30
    if not (0 <= h <= 24 and 0 <= mi < 60):
        return None
    return _q(TIME, m, h + mi / 60, "시", float(h * 60 + mi))


# ------------------------------------------------------------------------------------------ rules
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


_Y4 = r"(?P<y>(?:19|20)\d{2})"
_Y2 = r"[’'‘`](?P<ya>\d{2})"
_MO = r"(?P<mo>1[0-2]|0?[1-9])"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9])"

RULES: tuple[Rule, ...] = (
    # dates
    Rule("date_dotted_ymd", _rx(rf"(?:{_Y4}|{_Y2})\s*[.\-/]\s*{_MO}\s*[.\-/]\s*{_D}(?!\d)\.?{_WEEKDAY}"), _date, 9),
    Rule("date_korean_ymd", _rx(rf"(?:{_Y4}|{_Y2})\s*년\s*{_MO}\s*월\s*{_D}\s*일{_WEEKDAY}"), _date, 9),
    Rule("date_korean_ym", _rx(rf"(?:{_Y4}|{_Y2})\s*년\s*{_MO}\s*월(?!\s*\d{{1,2}}\s*(?:일|[~∼〜～]\s*\d{{1,2}}\s*일|[.,](?!\d)|$))"),
         _date, 8),  # not the year and month of a day ("10월 15일", "10월 15~16일"); "10월 15~64세" is a month
    Rule("date_apostrophe_ym", _rx(rf"{_Y2}\s*\.\s*{_MO}\s*월"), _date, 8),
    # "’23.1~3월": a year and month whose 월 the end of the range writes
    Rule("date_ym_range_start", _rx(rf"(?:{_Y4}|{_Y2})\s*\.\s*{_MO}(?=\s*[~∼〜～]\s*(?:1[0-2]|0?[1-9])\s*월)"), _date, 8),
    Rule("date_korean_md", _rx(rf"(?<![\d.])(?<!\d\s){_MO}\s*월\s*{_D}\s*일{_WEEKDAY}"), _date, 7),
    Rule("date_dotted_md", _rx(rf"(?<![\d.,])(?<!\d\s){_MO}\s*\.\s*{_D}\s*\.?{_WEEKDAY}(?=[\s~∼〜～\-,)]|$|까지|부터)"
                               rf"(?<=[.)])"), _date, 6),
    Rule("date_day_after", _rx(rf"(?:(?<=[~∼〜～])|(?<=[~∼〜～]\s)|(?<=부터\s)){_D}\s*일{_WEEKDAY}(?!\s*(?:간|동안|이내|이상))"),
         _date, 2),
    Rule("date_half", _rx(rf"(?:{_Y4}|{_Y2})\s*년?\s*(?:도\s*)?(?P<half>[상하])반기"), _date, 8),
    Rule("date_quarter", _rx(rf"(?:(?:{_Y4}|{_Y2})\s*년?\s*(?:도\s*)?)?(?P<qtr>[1-4])\s*/?\s*4?\s*분기"), _date, 8),
    Rule("date_year", _rx(rf"(?:{_Y4}|{_Y2})\s*년(?:도)?(?!\s*간|\s*동안|\s*이상|\s*이하|\s*이내|\s*차|\s*째)"), _date, 5),
    Rule("date_year_bare2", _rx(r"(?<![\d.’'‘`])(?P<y>[1-3]\d)\s*년(?=\s*(?:[1-9]|1[0-2])\s*월|\s*[상하]반기|\s*[1-4]\s*분기|"
                                r"\s*(?:말|초|중반|까지|부터)|(?:에|도|은|는|의)(?![가-힣]))"), _date, 4),
    Rule("date_month", _rx(rf"(?<![\d.])(?<!\d\s){_MO}\s*월(?:\s*(?P<part>초|중|말|중순|하순|상순))?"
                           r"(?:(?![가-힣])|(?=부터|까지|말|초|중|에|의|은|는|이|과|와|로|으로|경))"), _date, 3),
    # times of day
    Rule("time_clock", _rx(r"(?<![\d:])(?P<h>[01]?\d|2[0-4])\s*:\s*(?P<mi>[0-5]\d)(?![\d:])"), _time, 7),
    Rule("time_korean", _rx(r"(?:(?P<ampm>오전|오후|새벽|아침|저녁|밤|낮)\s*)?(?<!\d)(?P<h>[01]?\d|2[0-4])\s*시"
                            r"(?!간|대|범|행|설|장|도|민|군|청|의회)(?:\s*(?P<mi>[0-5]?\d)\s*분|\s*(?P<half>반))?"), _time, 7),
    # money, percentages, ratios
    Rule("money", _rx(rf"(?P<amt>{_AMOUNT})\s*(?P<cur>{'|'.join(CURRENCIES)})(?![가-힣])|"
                      rf"(?P<amt2>{_AMOUNT})\s*(?P<cur2>{'|'.join(CURRENCIES)})(?=[이은을의에과와도만씩으로까부이가는를)\s,.·/~∼]|$)"),
         lambda m, y: _money_any(m), 6),
    Rule("percent", _rx(rf"(?P<n>{_NUM})\s*(?:%|％|퍼센트)\s*(?P<p>p|포인트|P)?"), _percent, 6),
    Rule("percent_point", _rx(rf"(?P<n>{_NUM})\s*(?P<p>%p|％p|%P|퍼센트\s*포인트)"), _percent, 7),
    Rule("ratio", _rx(r"(?<![\d:.])(?P<a>\d+(?:\.\d+)?)\s*(?:[:：]|\s대\s)\s*(?P<b>\d{1,2}(?:\.\d+)?)(?![\d:])"), _ratio, 5),
    Rule("multiple", _rx(rf"(?P<n>{_NUM})\s*배(?![가-힣]|로|를|나)|(?P<n2>{_NUM})\s*배(?=로|를|나|에|이|가|의)"),
         lambda m, y: _q(MULTIPLE, m, float((m.group("n") or m.group("n2")).replace(",", "")), "배",
                         float((m.group("n") or m.group("n2")).replace(",", ""))), 5),
    # durations, ages, counts, measures
    Rule("duration", _rx(rf"(?P<n>{_NUM})\s*(?P<unit>개년|개월|주일|시간|년|달|주|일|분)\s*(?:간|동안)"), _duration, 6),
    Rule("duration_plain", _rx(rf"(?P<n>{_NUM})\s*(?P<unit>개년|개월|시간|주일)(?![가-힣])|"
                               rf"(?P<n2>{_NUM})\s*(?P<unit2>개년|개월|시간|주일)(?=[이은을의에과와도만씩으로까부이가는를])"),
         lambda m, y: _duration_any(m), 5),
    Rule("duration_years", _rx(r"(?<![\d’'‘`])(?P<n>\d{1,2})\s*(?P<unit>년|주|일)\s*"
                               r"(?=이상|이하|이내|미만|초과|내외|간|동안|째|마다|\s*만에|\s*만의)"),
         _duration, 4),
    Rule("age", _rx(r"(?:만\s*)?(?P<n>\d{1,3})\s*(?:세|살)(?![가-힣]|$)|"
                    r"(?:만\s*)?(?P<n2>\d{1,3})\s*(?:세|살)(?=[이미초부까의에는가]|$)"),
         lambda m, y: _q(AGE, m, float(m.group("n") or m.group("n2")), "세", float(m.group("n") or m.group("n2"))), 5),
    Rule("count", _rx(rf"(?P<amt>{_AMOUNT})(?P<approx>여)?\s*(?P<counter>{'|'.join(sorted(COUNTERS, key=len, reverse=True))})"
                      r"(?![가-힣])"), _count, 4),
    Rule("count_particle", _rx(rf"(?P<amt>{_AMOUNT})(?P<approx>여)?\s*(?P<counter>{'|'.join(sorted(COUNTERS, key=len, reverse=True))})"
                               r"(?=이상|이하|이내|미만|초과|내외|가량|정도|씩|당|이|가|을|를|은|는|의|에|과|와|도|만|으로|로|까지|부터|중|에서|규모|수준)"),
         _count, 4),
    Rule("measure", _rx(rf"(?P<amt>{_AMOUNT})\s*(?P<unit>{'|'.join(re.escape(u) for u in sorted(MEASURES, key=len, reverse=True))})"
                        r"(?![A-Za-z가-힣²])"), _measure, 4),
)


def _money_any(m: re.Match) -> Quantity:
    amt, cur = (m.group("amt"), m.group("cur")) if m.group("amt") else (m.group("amt2"), m.group("cur2"))
    value, unit = _amount_unit(amt, cur)
    return _q(MONEY, m, value, unit, parse_amount(amt))


def _duration_any(m: re.Match) -> Quantity:
    n, unit = (m.group("n"), m.group("unit")) if m.group("n") else (m.group("n2"), m.group("unit2"))
    v = float(n.replace(",", ""))
    return _q(DURATION, m, v, unit, v * _DURATION_DAYS[unit])


# ------------------------------------------------------------------------------------------ parsing
def _candidates(text: str, year: int | None) -> list[tuple[Quantity, int]]:
    found = []
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            if m.start() == m.end():
                continue
            q = rule.produce(m, year)
            if q is not None:
                found.append((replace(q, rule=rule.name, text=q.text.strip(),
                                      span=(m.start(), m.start() + len(m.group(0).rstrip()))), rule.priority))
    return found


def _select(cands: list[tuple[Quantity, int]]) -> list[Quantity]:
    """Non-overlapping quantities: the higher priority wins an overlap, then the longer match."""
    cands.sort(key=lambda c: (-c[1], -(c[0].span[1] - c[0].span[0]), c[0].span[0]))
    taken: list[Quantity] = []
    for q, _ in cands:
        if all(q.span[1] <= t.span[0] or q.span[0] >= t.span[1] for t in taken):
            taken.append(q)
    return sorted(taken, key=lambda q: q.span)


_BARE_BEFORE_RANGE = re.compile(rf"(?P<amt>{_AMOUNT})\s*(?P<unitless>[^\d\s~∼〜～]{{0,4}}?)\s*[{RANGE_SEPARATORS}]\s*$")
_BETWEEN_RANGE = re.compile(rf"^\s*(?:[{RANGE_SEPARATORS}\-–]|부터|에서)\s*$")
_UNTIL_AFTER = re.compile(r"^\s*까지")


def _same_year(start: str | None, end: str | None) -> str | None:
    """The end of a range written without its year ("2023. 9. 5. ~ 9. 18.") is in the start's year."""
    if start and end and end.startswith("---") and re.match(r"(?:\d{4}|-)-\d{2}", start):
        return start[:start.index("-", 1) + 3] + end[2:]  # "2024-07-03" + "---05" → "2024-07-05"
    if start and end and end.startswith("--") and start[:4].isdigit():
        return start[:4] + end[1:]
    return end


_YEAR_WRITTEN = re.compile(r"\d{4}|[’'‘`]\s*\d{2}")


def _end_date(start: Quantity, end: Quantity) -> str | None:
    """The ISO date of a period's end: in the start's year when the end does not write its own ("2023. 9. 5. ~
    9. 18." ends 2023-09-18 whatever the document's year), the next year when it falls before the start."""
    iso = _same_year(start.date, end.date)
    if not (start.date and iso and re.match(r"\d{4}-", start.date) and re.match(r"\d{4}-\d{2}", iso)) \
            or _YEAR_WRITTEN.search(end.text):
        return iso
    year = int(start.date[:4]) + (1 if iso[5:] < start.date[5:len(iso)] else 0)
    return f"{year}{iso[4:]}"


_BECOMES = re.compile(r"\s*(?:\([^)]*\))?\s*(?:(?:으로|로)(?![가-힣])|(?:을|를|이|가)?\s*(?:늘|줄|증가|감소|확대|축소|상향|하향))")


def _changes_from(between: str, a: Quantity, b: Quantity, after: str) -> bool:
    """ "1회에서 3회로 확대", "10개월에서 2개월을 늘려": a value changed from one figure, not a range — "A에서 B" is
    a range only when B is the larger and not what A becomes ("19세에서 39세까지")."""
    return between.strip() == "에서" and (_BECOMES.match(after) is not None
                                          or (a.base or a.value) > (b.base or b.value))


def _ranges(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Join "A~B" of one kind into one range; a bare number before "~B" takes B's unit ("10~20만원")."""
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        nxt = qs[i + 1] if i + 1 < len(qs) else None
        # "2023. 9. 5.(화) 10:00 ~ 9. 18.(월) 18:00": a period of two date-times is one date range
        if (q.kind == DATE and nxt is not None and nxt.kind == TIME and i + 2 < len(qs) and qs[i + 2].kind == DATE
                and _BETWEEN_RANGE.match(text[nxt.span[1]:qs[i + 2].span[0]])
                and not text[q.span[1]:nxt.span[0]].strip()):
            end = last = qs[i + 2]
            step = 3
            if i + 3 < len(qs) and qs[i + 3].kind == TIME and not text[end.span[1]:qs[i + 3].span[0]].strip():
                last, step = qs[i + 3], 4
            out.append(replace(q, text=text[q.span[0]:last.span[1]], span=(q.span[0], last.span[1]), upper=end.value,
                               upper_base=end.base, date=f"{q.date}/{_end_date(q, end)}", rule=f"{q.rule}+range"))
            i += step
            continue
        if nxt is not None and nxt.kind == q.kind and _BETWEEN_RANGE.match(text[q.span[1]:nxt.span[0]]) \
                and not _changes_from(text[q.span[1]:nxt.span[0]], q, nxt, text[nxt.span[1]:]):
            end = nxt.span[1]
            tail = _UNTIL_AFTER.match(text[end:])
            if tail:
                end += tail.end()
            date = f"{q.date}/{_end_date(q, nxt)}" if q.date else None
            out.append(replace(q, text=text[q.span[0]:end], span=(q.span[0], end), upper=nxt.value,
                               upper_base=nxt.base, date=date, rule=f"{q.rule}+range"))
            i += 2
            continue
        if q.kind in (MONEY, COUNT, PERCENT, MEASURE, AGE, DURATION):
            head = text[max(0, q.span[0] - 30):q.span[0]]
            m = _BARE_BEFORE_RANGE.search(head)
            prev_end = out[-1].span[1] if out else 0
            if m and not m.group("unitless").strip() and q.span[0] - len(head) + m.start() >= prev_end:
                low = parse_amount(m.group("amt"))
                start = q.span[0] - len(head) + m.start()
                scale = (q.base / q.value) if q.value and q.base is not None else 1
                low_in_unit = low if not re.search(_MAG, m.group("amt")) else low / scale
                out.append(replace(q, value=low_in_unit, base=low_in_unit * scale, upper=q.value, upper_base=q.base,
                                   text=text[start:q.span[1]], span=(start, q.span[1]), rule=f"{q.rule}+range"))
                i += 1
                continue
        out.append(q)
        i += 1
    return out


_BOUND_BEFORE_RX = re.compile(rf"(?:{'|'.join(sorted(BOUND_BEFORE, key=len, reverse=True))})\s*$")
_BOUND_AFTER_RX = re.compile(rf"^\s*(?:{'|'.join(sorted(BOUND_AFTER, key=len, reverse=True))})(?![가-힣]{{2}})")


def _bounds(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Attach the bounding word right before or after a quantity (최대 200만원, 34세 이하, 5곳 이상)."""
    out = []
    for q in qs:
        bound = "upper" if text[:q.span[0]].rstrip().endswith(tuple(RANGE_SEPARATORS)) else None  # "공고일 ~ 4. 15."
        after = _BOUND_AFTER_RX.match(text[q.span[1]:q.span[1] + 6])
        before = _BOUND_BEFORE_RX.search(text[max(0, q.span[0] - 6):q.span[0]])
        if bound is None and after and not (q.kind == DATE and after.group(0).strip() in ("여",)):
            word = after.group(0).strip()
            if not (word in ("까지", "부터") and q.is_range):
                bound = BOUND_AFTER[word]
        if bound is None and before and not (q.kind in (DATE, TIME) and before.group(0).strip() in ("월", "연")):
            bound = BOUND_BEFORE[before.group(0).strip()]
        out.append(replace(q, bound=bound) if bound else q)
    return out


def times_within(q: Quantity) -> list[Quantity]:
    """The times of day inside a period of two date-times ("9. 5.(화) 10:00 ~ 9. 18.(월) 18:00" → 10:00 from,
    18:00 until), spans relative to the period's text: a 몇 시 question asks for them, not for the dates."""
    if q.kind != DATE or not q.is_range:
        return []
    times = [t for t in _select(_candidates(q.text, None)) if t.kind == TIME]
    if len(times) != 2:
        return []
    first, last = times
    return [replace(first, bound="lower"), replace(last, bound="upper")]


_RANGE_SPLIT = re.compile(rf"\s*(?:[{RANGE_SEPARATORS}]|부터)\s*")


def range_edges(q: Quantity) -> list[Quantity]:
    """The first and the last day of a period ("7월 3일(수)부터 5일(금)까지" → 7월 3일(수) from, 7월 5일(금)
    until), spans relative to the period's text: "마지막 날은 무슨 요일이야?" asks for one of them. An end written
    without its month takes the month of its date."""
    if q.kind != DATE or not q.is_range or not q.date or "/" not in q.date:
        return []
    sep = _RANGE_SPLIT.search(q.text)
    if not sep:
        return []
    out = []
    for (a, b), iso, bound in (((0, sep.start()), q.date.split("/")[0], "lower"),
                               ((sep.end(), len(q.text)), q.date.split("/")[1], "upper")):
        written = re.sub(r"\s*까지\s*$", "", q.text[a:b])
        text = written
        if bound == "upper" and not re.search(r"월|\d\s*\.\s*\d", written) and re.match(r"(?:\d{4}|-)-\d{2}", iso):
            text = f"{int(iso.split('-')[-2])}월 {written}"  # "5일(금)" of "7월 3일부터 5일까지"
        out.append(replace(q, text=text, span=(a, a + len(written)), value=q.upper if bound == "upper" else q.value,
                           base=q.upper_base if bound == "upper" else q.base, upper=None, upper_base=None, date=iso,
                           bound=bound, rule=f"{q.rule}+edge"))
    return out


def parse(text: str, year: int | None = None) -> list[Quantity]:
    """Every quantity in ``text``, in order, non-overlapping.

    Args:
        text: one line or sentence of an announcement or a question.
        year: the document's year, for dates written without one ("6월 19일" → 2025-06-19).
    """
    if not text or not any(ch.isdigit() for ch in text):
        return []
    qs = _select(_candidates(text, year))
    return _bounds(text, _ranges(text, qs))


# ------------------------------------------------------------------------------------------ questions
# What a question asks for, from its question words: (pattern, unit class, counter or None). First match wins.
QUESTION_KINDS: tuple[tuple[re.Pattern, str, str | None], ...] = (
    (re.compile(r"경쟁률|몇\s*대\s*몇|몇\s*:\s*몇"), RATIO, None),
    (re.compile(r"몇\s*%p|몇\s*퍼센트\s*포인트|%p|포인트"), PERCENT_POINT, None),
    (re.compile(r"몇\s*(?:%|퍼센트|프로)|비율|비중|점유율|증가율|감소율|상승률|하락률|률은|율은|률이|율이|퍼센트|%"), PERCENT, None),
    (re.compile(r"몇\s*배"), MULTIPLE, None),
    (re.compile(r"몇\s*시(?!간)|시각|(?:운영|이용|개방|영업|관람|접수)\s*시간(?!\s*(?:이|은|는)?\s*(?:얼마|몇))"), TIME, None),
    (re.compile(r"몇\s*(?:살|세)|나이|연령"), AGE, None),
    (re.compile(r"몇\s*(?:년|개월|주|일|시간)\s*(?:간|동안|만에|만의)|얼마\s*(?:동안|나\s*걸)|몇\s*개월|몇\s*시간|몇\s*주|"
                r"몇\s*년\s*(?:이상|까지)"), DURATION, None),
    (re.compile(r"언제|며칠|무슨\s*요일|몇\s*요일|몇\s*월|몇\s*일|날짜|일자|일정|기한|마감|시작일|종료일|(?:발표|시행|개최|접수|신청|선정|공고|개관|개막|지급|기준|출발|입금|납부)일|부터\s*언제|어느\s*날|"
                r"몇\s*년도|몇\s*년에"), DATE, None),
    # "몇 번" counts times as 회 does (번 after a number in a text is a serial: 1번 출구)
    (re.compile(rf"몇\s*(?:[십백천만]\s*)?(?P<counter>{'|'.join(sorted(COUNTERS, key=len, reverse=True))}|번(?!째|지|호))"),
     COUNT, "counter"),
    (re.compile(r"몇\s*(?:개|곳)|개수|몇\s*군데|얼마나\s*많|"
                r"[가-힣](?:자|객|원|기업|가구|건)\s*수(?=$|[\s?？는가를])"), COUNT, None),  # 취업자 수, 방한객 수
    (re.compile(r"면적|넓이|길이|거리|높이|무게|몇\s*(?:㎡|제곱미터|미터|톤|km|킬로|m(?![A-Za-z])|평|헥타르|리터)"), MEASURE, None),
    (re.compile(r"얼마|금액|액수|[가-힣]액(?=$|[\s?？은는이가을를])|한도(?=$|[\s?？은는이가을를])|비용|예산|사업비|국비|지방비|지원금|지원액|보조금|수당|월세|임금|요금|가격|"
                r"이용료|참가비|수수료|상금|몇\s*[십백천만억조\s]*원"), MONEY, None),
)


# "얼마" alone asks for an amount of whatever the subject is measured in (취업자 → 명, 면적 → ㎡, 예산 → 원).
AMOUNT_KINDS = (MONEY, COUNT, MEASURE, PERCENT, DURATION, MULTIPLE)
_MONEY_WORDS = re.compile(r"금액|액수|[가-힣]액(?=$|[\s?？은는이가을를])|비용|예산|사업비|국비|지방비|도비|시비|"
                          r"지원금|지원액|보조금|수당|월세|임금|급여|요금|가격|이용료|한도|"
                          r"참가비|수수료|상금|장려금|자금|대출|융자|수출액|수입액|매출|원\b|몇\s*[십백천만억조\s]*원|달러")
_BARE_AMOUNT = re.compile(r"얼마")
_ASKS_VALUE = re.compile(r"얼마|몇|언제|며칠|금액은|액수|비율은|기간은|날짜|일정")


_REQUEST_END = re.compile(r"\s*(?:좀\s*)?(?:알려\s*줘요?|알려\s*주세요|알려\s*주실\s*래요|뭐야|뭐예요|뭔가요|무엇인가요|궁금해요?)?"
                          r"\s*[?？.!]*\s*$")


def _asked_tail(question: str) -> str:
    """The last two words of a question without its request ("… 국비 알려줘" → "받는 국비"): where a question
    without a question word names what it asks ("국비는?", "접수 마감은?")."""
    return " ".join(_REQUEST_END.sub("", question).split()[-2:])


# "마지막 날은 무슨 요일이야?", "첫날 몇 시부터?": one end of a period is asked (upper: its last day), not the period
_EDGE_ASKED = re.compile(r"(?P<upper>마지막\s*(?:날짜|날|일)|끝나는\s*날|끝\s*날|종료일|마감일|폐막일|폐막\s*날)|"
                         r"(?P<lower>(?<![가-힣])첫\s*(?:날짜|날|째\s*날)|시작하는\s*날|시작일|개막일|개막\s*날)")


def asked_edge(question: str) -> tuple[str | None, str]:
    """Which end of a period a question asks for ("upper", "lower" or None) and the question without the words
    saying so (they name no content: "나노코리아 2024 마지막 날은?" is about 나노코리아 2024)."""
    m = _EDGE_ASKED.search(question)
    if not m:
        return None, question
    return ("upper" if m.group("upper") else "lower"), _EDGE_ASKED.sub(" ", question)


_DATE_NOUNS = re.compile(r"기한|마감|일정|날짜|일자|시작일|종료일")
_PERIOD_ASKED = re.compile(r"(?P<what>신청|접수|모집|공모|운영|행사|개최|교육|전시|휴관|공사|평가|심사|등록|참가|투표)?\s*"
                           r"기간(?=$|[\s?？은는이가을를])")
_DURATION_WORDS = re.compile(r"기간|동안|오래|개월|년간|일간|시간|걸리|걸려")


def question_kinds(question: str) -> tuple[tuple[str, ...], str | None]:
    """The unit classes that can answer a question, the most likely first, and the counter it names.

    "몇 명" → ((count,), "명"); "며칠로 늘어나?" → ((duration, date), None); "얼마나 늘었어?" about 취업자 →
    every amount class with money first only when money words are present.
    """
    kind, counter = question_kind(question)
    if kind == DATE and re.search(r"얼마", question) and not re.search(r"언제|며칠|몇\s*(?:월|일|년도)|요일", question):
        # "기한 후 신청하면 얼마나 깎여?": 기한 names the application, 얼마 asks the amount
        kind, counter = question_kind(re.sub(_DATE_NOUNS, " ", question))
    if kind is None:
        period = _PERIOD_ASKED.search(question)
        if period and (_ASKS_VALUE.search(question) or _PERIOD_ASKED.search(_asked_tail(question))):
            # "공모 기간은?": when it runs (a date range); "지원 기간은?": how long (a duration)
            return ((DATE, DURATION) if period.group("what") else (DURATION, DATE)), None
        return (), None
    if not _ASKS_VALUE.search(question):
        if question_kind(_asked_tail(question))[0] != kind:
            return (), None  # a value word inside a name or a condition (청년월세 … 서류 알려줘, 월세 받을 수 있어?)
        if any(q.kind == kind for q in parse(question)):
            return (), None  # "국비 80억원을 받는 지자체는?" states the value and asks who
    if kind == MONEY and not _MONEY_WORDS.search(question) and _BARE_AMOUNT.search(question):
        if not _DURATION_WORDS.search(question):
            return tuple(k for k in AMOUNT_KINDS if k != DURATION), None  # "증가 폭은 얼마야?" is not "12개월 만에"
        return AMOUNT_KINDS, None
    if kind == MONEY and re.search(r"얼마나\s*(?:깎|감액|삭감|줄|덜)", question):
        return (MONEY, PERCENT), None  # "얼마나 깎여?": by an amount or by a share (5% 감액)
    if kind == MONEY:
        return (MONEY,), None
    if kind == DATE and re.search(r"며칠\s*(?:로|간|동안|이나|을|를)", question):
        return (DURATION, DATE), None
    if kind == DATE and re.search(r"며칠", question):
        return (DATE, DURATION), None
    if kind == PERCENT and re.search(r"비율|비중", question):
        return (PERCENT, RATIO), None
    if kind == RATIO and re.search(r"비율", question):
        return (RATIO, PERCENT), None
    if kind == COUNT and counter is None:
        return (COUNT, MEASURE), None
    return (kind,), counter


# English questions: the class asked, from the question word (money first when a money word is present)
ENGLISH_KINDS: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = (
    (re.compile(r"\bwhat time\b|\bat what hour\b|\bopening hours\b", re.I), (TIME,)),
    (re.compile(r"\bhow long\b|\bhow many (?:months|years|weeks|days|hours)\b|\bfor how many\b", re.I), (DURATION,)),
    (re.compile(r"\bwhen\b|\bwhat date\b|\bwhich date\b|\bdeadline\b|\bwhat day\b", re.I), (DATE,)),
    (re.compile(r"\bpercent|\bpercentage\b|\brate\b|\bshare\b|%", re.I), (PERCENT, RATIO)),
    (re.compile(r"\bhow many\b|\bnumber of\b", re.I), (COUNT, MEASURE)),
    (re.compile(r"\bhow much\b|\bbudget\b|\bfee\b|\bcost\b|\bfunding\b|\bsubsidy\b|\bprice\b|\bincome limit\b|"
                r"\bamount\b|\bwon\b|\bdollars?\b|\bhow large\b|\bcredit\b|\ballowance\b|\bprize\b|\bwage\b|"
                r"\bsalary\b|\brent\b|\bpension\b", re.I), AMOUNT_KINDS),
)
_ENGLISH_MONEY = re.compile(r"budget|fee|cost|funding|subsidy|price|income|won\b|dollar|export|import|pay|grant|credit|"
                            r"allowance|prize|wage|salary|rent|pension|benefit|support", re.I)


def english_question_kinds(question: str) -> tuple[str, ...]:
    """The unit classes an English question asks for ("how many" → counts, "how much … budget" → money)."""
    for pattern, kinds in ENGLISH_KINDS:
        if pattern.search(question):
            if kinds == AMOUNT_KINDS and _ENGLISH_MONEY.search(question):
                return (MONEY,)
            return kinds
    return ()


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_ENGLISH_DATE = re.compile(r"\b(?:(?P<month>" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?\s+)?(?:(?P<day>\d{1,2}),?\s+)?"
                           r"(?P<year>(?:19|20)\d\d)\b", re.I)


def english_dates(question: str) -> tuple[str, ...]:
    """The dates an English question names, as ISO prefixes ("in 2023" → 2023, "December 2023" → 2023-12):
    conditions on the values, as "2023년 12월" is in a Korean question."""
    out = []
    for m in _ENGLISH_DATE.finditer(question):
        month = m.group("month")
        if month is None:
            out.append(m.group("year"))
            continue
        iso = f"{m.group('year')}-{[x[:3] for x in _MONTHS].index(month.lower()[:3]) + 1:02d}"
        out.append(f"{iso}-{int(m.group('day')):02d}" if m.group("day") else iso)
    return tuple(out)


def question_kind(question: str) -> tuple[str | None, str | None]:
    """The unit class a question asks for and, for counts, the counter it names ("몇 명" → (count, 명))."""
    for pattern, kind, counter in QUESTION_KINDS:
        m = pattern.search(question)
        if m:
            if counter and m.group("counter") == "개" and re.match(r"\s*(?:나라|국가)", question[m.end():]):
                return kind, "개국"  # "몇 개 나라" counts what "28개국" states
            return kind, (m.group("counter") if counter else None)
    return None, None
