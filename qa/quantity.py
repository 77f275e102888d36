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
from dataclasses import replace
from functools import lru_cache

from .quantity_kinds import (  # noqa: F401 (the parser's public names are read from here)
    AGE,
    BOUND_AFTER,
    BOUND_BEFORE,
    COUNT,
    COUNTERS,
    CURRENCIES,
    DATE,
    DURATION,
    KINDS,
    MAGNITUDE_CHARS,
    MAGNITUDES,
    MEASURE,
    MEASURES,
    MONEY,
    MULTIPLE,
    NUMERIC_KINDS,
    PERCENT,
    PERCENT_POINT,
    RANGE_SEPARATORS,
    RATIO,
    TEMPORAL_KINDS,
    TIME,
    Quantity,
    Rule,
)
from .readers.dates import YEAR_SHIFT

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# a figure written with no unit at all ("1,365", "△445": a table cell whose unit is its column's or caption's); read
# alone, parse() takes one with a thousands comma for an amount of 원, so the readers of cells check this first
BARE_FIGURE = re.compile(r"[-+△▲▽∆]?\s*(?P<n>\d[\d,]*(?:\.\d+)?)")
_MAG = "|".join(sorted(MAGNITUDES, key=len, reverse=True))
# "1조 2,000억", "12억 5천만", "3억5천", "2천억", "150", "2만 1,757"
_AMOUNT = (rf"(?:{_NUM})\s*(?:{_MAG})?(?:\s*(?:{_NUM})\s*(?:{_MAG}))*"
           r"(?:(?<=[만억조천])\s*(?:\d{1,3}(?:,\d{3})?|\d{1,4})(?![\d,.]))?")  # "2만 1,757명": the rest after 만
_AMOUNT_PART = re.compile(rf"(?P<n>{_NUM})\s*(?P<mag>{_MAG})?")
_WEEKDAY = r"(?:\s*\(\s*[월화수목금토일](?:요일)?\s*\))?"
_HANGUL_AFTER = r"(?![가-힣])"


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


def _money_bare(m: re.Match) -> Quantity:
    amount = m.group("amt") or m.group("amt2")
    value, unit = _amount_unit(amount, "원")
    return _q(MONEY, m, value, unit, parse_amount(amount))


def _count(m: re.Match, year: int | None) -> Quantity:
    value, unit = _amount_unit(m.group("amt"), m.group("counter"))
    q = _q(COUNT, m, value, unit, parse_amount(m.group("amt")))
    return replace(q, bound="approx") if m.groupdict().get("approx") else q  # "20여 명": about 20


def _percent(m: re.Match, year: int | None) -> Quantity:
    point, n = bool(m.group("p")), float(m.group("n").replace(",", ""))  # "1,080%"
    return _q(PERCENT_POINT if point else PERCENT, m, n, "%p" if point else "%", n)


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
    # "80억 받는 곳": an amount in 억/조 with no unit written is money (in 원)
    Rule("money_bare", _rx(rf"(?<![제第])(?P<amt>{_NUM}\s*(?:조|억)(?:\s*{_NUM}\s*(?:억|만))?)"
                           rf"(?![가-힣%]|\s*[가-힣]*(?:원|달러|명|개|건|톤|대))|"
                           rf"(?<![제第])(?P<amt2>{_NUM}\s*(?:조|억)(?:\s*{_NUM}\s*(?:억|만))?)(?=[이은을의에과와도만씩으로까부가는를])"),
         lambda m, y: _money_bare(m), 3),
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
    # "열대야일수는 63.5일": a number of days with a decimal is a count of days, never a date
    Rule("duration_days_decimal", _rx(r"(?<![\d.])(?P<n>\d{1,3}\.\d)\s*(?P<unit>일)(?![가-힣]|$)|"
                                      r"(?<![\d.])(?P<n2>\d{1,3}\.\d)\s*(?P<unit2>일)(?=[로은는이가을를의에과와도만씩]|보다|$)"),
         lambda m, y: _duration_any(m), 6),
    # "강수일수는 26일에 그쳤고": after 일수 a number of days, not a day of the month
    Rule("duration_days_counted", _rx(r"(?:(?<=일수)|(?<=일수는)|(?<=일수가)|(?<=일수도)|(?<=일수\s)|(?<=일수는\s)|(?<=일수가\s)"
                                      r"|(?<=일수도\s))(?P<n>\d{1,3})\s*(?P<unit>일)"), _duration, 7),
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
                        r"(?=$|[^A-Za-z가-힣²]|[로은는이가을를의에과와도만씩보](?![가-힣]{3}))"), _measure, 4),
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


def parse(text: str, year: int | None = None) -> list[Quantity]:
    """Every quantity in ``text``, in order, non-overlapping.

    Args:
        text: one line or sentence of an announcement or a question.
        year: the document's year, for dates written without one ("6월 19일" → 2025-06-19).
    """
    if not text or not _DIGIT.search(text):
        return []
    return list(_parsed(text, year))


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=16384)
def _parsed(text: str, year: int | None) -> tuple[Quantity, ...]:
    """:func:`parse`, remembered: the same retrieved sentences are read by several generators and features of a
    question and by the next questions over the same announcements (a quantity is frozen, so sharing is safe)."""
    qs = _select(_candidates(text, year))
    return tuple(_day_count(text, _relative_year(text, _signed(text, q), year))
                 for q in _bounds(text, _ranges(text, qs)) if not _decade(q))


def _decade(q: Quantity) -> bool:
    """ "30대와 50대", "60대 이상": an age group, not a count of vehicles (대)."""
    return q.kind == COUNT and q.unit == "대" and q.value in (10, 20, 30, 40, 50, 60, 70, 80, 90) and "," not in q.text


# a day of a month that is a number of days: "강수일수는 26일", "열대야 일수가 45일"
_DAYS_COUNTED = re.compile(r"일수\S{0,2}\s*$|(?:동안|기간)\S{0,2}\s*$")


def _day_count(text: str, q: Quantity) -> Quantity:
    """A day written alone after 일수/동안/기간 as the number of days it is."""
    if q.kind != DATE or not (q.date or "").startswith("---") or not _DAYS_COUNTED.search(text[max(0, q.span[0] - 8):q.span[0]]):
        return q
    return replace(q, kind=DURATION, unit="일", base=q.value, date=None)


# "내년 2월", "지난해 12월": a date without its year, in the year a word before it counts from the announcement's
_RELATIVE_YEAR = re.compile(rf"({'|'.join(sorted(YEAR_SHIFT, key=len, reverse=True))})\s*(?:도\s*)?$")


def _relative_year(text: str, q: Quantity, year: int | None) -> Quantity:
    """A date written without a year after 내년/작년/올해 …, in that year (the announcement's year shifted)."""
    if q.kind != DATE or not year or not q.date or not q.date.startswith(str(year)) or re.search(r"\d\s*년|[’'‘]", q.text):
        return q
    m = _RELATIVE_YEAR.search(text[max(0, q.span[0] - 8):q.span[0]])
    shift = YEAR_SHIFT[m.group(1)] if m else 0
    if not shift:
        return q
    return replace(q, date=f"{year + shift}{q.date[4:]}", value=q.value + shift * 10000,
                   base=q.base + shift * 10000 if q.base is not None else None)


# a minus written before a figure: △ (the statistics releases' sign), ▽, or a hyphen / minus sign set against
# the digits ("-3.2%", not the bullet "- 3개")
_MINUS_BEFORE = re.compile(r"(?:[△▽▼]\s*|(?<![\d\w])[-−–])$")


def _signed(text: str, q: Quantity) -> Quantity:
    """A figure written with a minus (△25.1%, -7.4) as a negative value."""
    m = None if q.kind in (DATE, TIME) or q.is_range else _MINUS_BEFORE.search(text[max(0, q.span[0] - 2):q.span[0]])
    if not m:
        return q
    # the sign is part of what was written: an answer shows "△5.3%", never the decrease as "5.3%"
    start = q.span[0] - len(m.group(0))
    return replace(q, value=-q.value, base=-q.base if q.base is not None else None,
                   text=text[start:q.span[0]] + q.text, span=(start, q.span[1]))
