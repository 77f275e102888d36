"""What value a question asks for, in the classes of :mod:`qa.quantity`: 얼마 → money, 몇 명 → a count in 명,
언제 → a date, 몇 시 → a time, 몇 % → a percentage (Korean and English questions); which end of a period
("마지막 날") it asks; and a period's two ends and the times within it."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .lexicon import TIME_NOUN_MODIFIED
from .quantity import (
    AGE,
    COUNT,
    COUNTERS,
    DATE,
    DURATION,
    MEASURE,
    MONEY,
    MULTIPLE,
    PERCENT,
    PERCENT_POINT,
    RANGE_SEPARATORS,
    RATIO,
    TIME,
    Quantity,
    _candidates,
    _select,
    parse,
)


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


# ------------------------------------------------------------------------------------------ questions
# What a question asks for, from its question words: (pattern, unit class, counter or None). First match wins.
QUESTION_KINDS: tuple[tuple[re.Pattern, str, str | None], ...] = (
    (re.compile(r"경쟁률|몇\s*대\s*몇|몇\s*:\s*몇"), RATIO, None),
    (re.compile(r"몇\s*%p|몇\s*퍼센트\s*포인트|%p|포인트"), PERCENT_POINT, None),
    (re.compile(r"몇\s*(?:%|퍼센트|프로|퍼(?!레|즐))|비율|비중|점유율|증가율|감소율|상승률|하락률|률은|율은|률이|율이|"
                r"퍼센트|%"), PERCENT, None),
    (re.compile(r"몇\s*배"), MULTIPLE, None),
    (re.compile(r"몇\s*시(?!간)|시각|(?:운영|이용|개방|영업|관람|접수)\s*시간(?!\s*(?:이|은|는)?\s*(?:얼마|몇))"
                rf"(?!\s*(?:{TIME_NOUN_MODIFIED}))"), TIME, None),
    (re.compile(r"몇\s*(?:살|세)|나이|연령"), AGE, None),
    (re.compile(r"몇\s*(?:년|개월|주|일|시간)\s*(?:간|동안|만에|만의)|얼마\s*(?:동안|나\s*걸)|몇\s*개월|몇\s*시간|몇\s*주|"
                r"몇\s*년\s*(?:이상|까지)|일수|며칠\s*(?:동안|간|지원|운영|걸|쉬|연속|째)"), DURATION, None),  # 폭염일수: days counted
    (re.compile(r"몇\s*도(?![가-힣])|기온|온도"), MEASURE, None),  # "몇 도였어?": a temperature
    (re.compile(r"언제|며칠|무슨\s*요일|몇\s*요일|몇\s*월|몇\s*일|날짜|일자|일정|기한|마감|시작일|종료일|(?:발표|시행|개최|접수|신청|선정|공고|개관|개막|지급|기준|출발|입금|납부)일|부터\s*언제|어느\s*날|"
                r"몇\s*년도|몇\s*년에"), DATE, None),
    # "몇 번" counts times as 회 does (번 after a number in a text is a serial: 1번 출구)
    (re.compile(rf"몇\s*(?:[십백천만]\s*)?(?P<counter>{'|'.join(sorted(COUNTERS, key=len, reverse=True))}|번(?!째|지|호))"),
     COUNT, "counter"),
    (re.compile(r"몇\s*(?:개|곳|가지|단계)|개수|몇\s*군데|얼마나\s*많|"
                r"[가-힣](?:자|객|원|기업|가구|건|아|생|인)\s*수(?=$|[\s?？는가를])"), COUNT, None),  # 취업자 수, 출생아 수
    (re.compile(r"면적|넓이|길이|거리|높이|무게|몇\s*(?:㎡|제곱미터|미터|톤|km|킬로|m(?![A-Za-z])|평|헥타르|리터)"), MEASURE, None),
    (re.compile(r"얼마|금액|액수|[가-힣]액(?=$|[\s?？은는이가을를])|한도(?=$|[\s?？은는이가을를])|비용|예산|사업비|국비|지방비|지원금|지원액|보조금|수당|월세|임금|요금|가격|"
                r"이용료|참가비|수수료|상금|몇\s*[십백천만억조\s]*원"), MONEY, None),
)


# "얼마" alone asks for an amount of whatever the subject is measured in (취업자 → 명, 면적 → ㎡, 예산 → 원).
AMOUNT_KINDS = (MONEY, COUNT, MEASURE, PERCENT, DURATION, MULTIPLE)
_MONEY_WORDS = re.compile(r"금액|액수|[가-힣]액(?=$|[\s?？은는이가을를])|비용|예산|사업비|국비|지방비|도비|시비|"
                          r"지원금|지원액|보조금|수당|월세|임금|급여|월급|연봉|시급|일당|요금|가격|이용료|입장료|관람료|등록금|수강료|한도|"
                          r"참가비|수수료|상금|장려금|자금|대출|융자|수출액|수입액|매출|(?<![가-힣])원\b|[십백천만억조]\s*원\b|달러")
_BARE_AMOUNT = re.compile(r"얼마")
_ASKS_VALUE = re.compile(r"얼마|몇|언제|며칠|금액은|액수|비율은|기간은|날짜|일정|어느\s*정도")  # 어느 정도: how much


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


_JOINED_ASKS = re.compile(r"(?<=[가-힣])(?:이고|고|하고)\s+|,\s*|그리고\s+")


@lru_cache(maxsize=1024)  # read by a feature of every candidate of the question
def joined_kinds(question: str) -> tuple[str, ...]:
    """The classes a question joining two asks wants together ("몇 건이고 비율은 얼마나 돼?": a count and a share;
    "신청은 언제까지고 몇 명 뽑아?"); empty for a question that asks one thing."""
    kinds = tuple(dict.fromkeys(k for k in (question_kind(part)[0] for part in _JOINED_ASKS.split(question)) if k))
    return kinds if len(kinds) > 1 else ()


# "몇일" is how 며칠 is often misspelt ("보완 요청 받으면 몇일안에 내야 돼?"), a count of days or a day of the month
_MYEOCHIL = re.compile(r"몇\s*일(?![차째])")


def question_kinds(question: str) -> tuple[tuple[str, ...], str | None]:
    """The unit classes that can answer a question, the most likely first, and the counter it names.

    "몇 명" → ((count,), "명"); "며칠로 늘어나?" → ((duration, date), None); "얼마나 늘었어?" about 취업자 →
    every amount class with money first only when money words are present.
    """
    question = _MYEOCHIL.sub("며칠", question)
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
    if kind == DATE and re.search(r"몇\s*월\s*며칠", question):
        return (DATE,), None  # "몇 월 며칠부터?" asks a day of the calendar, never how many days
    if kind == DATE and re.search(r"며칠\s*(?:로|간|동안|이나|을|를|안에|이내|만에)", question):
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
