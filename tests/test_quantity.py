"""Quantity parser: a corpus of phrasings and the quantity each must give (Duckling-style), no models."""

from __future__ import annotations

import pytest

from qa.asked import question_kind
from qa.quantity import AGE, COUNT, DATE, DURATION, MEASURE, MONEY, MULTIPLE, PERCENT, PERCENT_POINT, RATIO, TIME, parse, parse_amount

# (text, kind, value, unit, base) of the one quantity the text states
SINGLE = [
    ("국비 160억원을 지원한다", MONEY, 160, "억원", 160e8),
    ("150억 원", MONEY, 150, "억원", 150e8),
    ("1조 2,000억원", MONEY, 1.2, "조원", 1.2e12),
    ("12억 5천만원", MONEY, 12.5, "억원", 12.5e8),
    ("2천억원", MONEY, 2, "천억원", 2e11),
    ("3,500원", MONEY, 3500, "원", 3500),
    ("2만 5,000원을 낸다", MONEY, 2.5, "만원", 25000),  # the part after 만 is the same amount, never dropped
    ("576.6억 달러로 늘었다", MONEY, 576.6, "억달러", 576.6e8),  # a particle after 달러
    ("2만 1,757명이 확정", COUNT, 2.1757, "만명", 21757),
    ("1,200만 달러", MONEY, 1200, "만달러", 12e6),
    ("12,345천원", MONEY, 12345, "천원", 12345e3),
    ("45개국", COUNT, 45, "개국", 45),
    ("1,200만 명", COUNT, 1200, "만명", 12e6),
    ("320만 가구", COUNT, 320, "만가구", 3.2e6),
    ("2,284건", COUNT, 2284, "건", 2284),
    ("12개소", COUNT, 12, "개소", 12),
    ("4곳", COUNT, 4, "곳", 4),
    ("300호", COUNT, 300, "호", 300),
    ("3.2% 증가", PERCENT, 3.2, "%", 3.2),
    ("0.5%p 상승", PERCENT_POINT, 0.5, "%p", 0.5),
    ("증가율 1,080%", PERCENT, 1080.0, "%", 1080.0),  # a thousands comma (read once as float('1,080'): a crash)
    ("5.3:1의 경쟁률", RATIO, 5.3, ":1", 5.3),
    ("7.5 대 1", RATIO, 7.5, ":1", 7.5),
    ("2.5배", MULTIPLE, 2.5, "배", 2.5),
    ("3년간", DURATION, 3, "년", 3 * 365),
    ("6개월", DURATION, 6, "개월", 180),
    ("만 19세", AGE, 19, "세", 19),
    ("연면적 12,300㎡", MEASURE, 12300, "㎡", 12300),
    ("14:00", TIME, 14, "시", 14 * 60),
    ("오후 2시 30분", TIME, 14.5, "시", 14 * 60 + 30),
    ("밤 12시", TIME, 24, "시", 24 * 60),
]


@pytest.mark.parametrize(("text", "kind", "value", "unit", "base"), SINGLE)
def test_single_quantity(text, kind, value, unit, base):
    (q,) = parse(text)
    assert (q.kind, q.unit) == (kind, unit)
    assert q.value == pytest.approx(value) and q.base == pytest.approx(base)
    assert text[q.span[0]:q.span[1]] == q.text  # provenance: the span points at the raw text


DATES = [
    ("2025. 6. 19.(목)", "2025-06-19"),
    ("2025.6.19", "2025-06-19"),
    ("2025-06-19", "2025-06-19"),
    ("2025년 6월 19일", "2025-06-19"),
    ("6월 19일", "2024-06-19"),  # the year comes from the document
    ("’23년", "2023"),
    ("'23.5월", "2023-05"),
    ("’25. 6. 19.", "2025-06-19"),
    ("2023년 하반기", "2023-H2"),
    ("’26년 상반기", "2026-H1"),
    ("2024년 1분기", "2024-Q1"),
    ("23년 말까지", "2023"),
    ("2025년 6월", "2025-06"),
]


@pytest.mark.parametrize(("text", "iso"), DATES)
def test_dates(text, iso):
    qs = [q for q in parse(text, year=2024) if q.kind == DATE]
    assert [q.date for q in qs] == [iso]


@pytest.mark.parametrize(("text", "kind", "low", "high"), [
    ("10~20만원", MONEY, 10, 20),
    ("3~5명", COUNT, 3, 5),
    ("09:00~18:00", TIME, 9, 18),
    ("2025. 3. 5.(수) ~ 4. 30.(수)", DATE, 20250305, 20250430),
    ("3월부터 5월까지", DATE, 20250300, 20250500),
])
def test_ranges(text, kind, low, high):
    (q,) = parse(text, year=2025)
    assert (q.kind, q.value, q.upper) == (kind, low, high)
    assert q.text == text


@pytest.mark.parametrize(("text", "bound"), [
    ("월 최대 20만원", "upper"), ("34세 이하", "upper"), ("만 19세 이상", "lower"), ("30일 이내", "upper"),
    ("5곳 이상", "lower"), ("50만 명 미만", "upper_open"), ("약 28km", "approx"), ("총 800억원", "total"),
    ("18시까지", "upper"),
])
def test_bounds(text, bound):
    (q,) = parse(text)
    assert q.bound == bound


@pytest.mark.parametrize("text", ["(단위: 억원)", "제3조", "스마트도시 조성사업", "", "㉠ 항목", "Ⅱ. 추진 배경"])
def test_no_quantity(text):
    assert parse(text) == []


def test_seed_sentence_states_every_quantity():
    line = ("□ 거점형에는 총 3개 지자체가 신청해 3:1의 경쟁률을 보였으며, "
            "선정된 전주시에는 3년간 국비 160억원(국비:지방비=1:1 매칭)을 지원한다.")
    got = [(q.kind, q.text) for q in parse(line)]
    assert got == [(COUNT, "3개"), (RATIO, "3:1"), (DURATION, "3년간"), (MONEY, "160억원"), (RATIO, "1:1")]


def test_parse_amount():
    assert parse_amount("1조 2,000억") == 1.2e12
    assert parse_amount("5천만") == 5e7
    assert parse_amount("없음") is None


@pytest.mark.parametrize(("question", "kind", "counter"), [
    ("청년 월세 최대 얼마야?", MONEY, None), ("몇 명 뽑아?", COUNT, "명"), ("접수 마감은 언제?", DATE, None),
    ("몇 시에 시작해?", TIME, None), ("몇 살까지 신청돼?", AGE, None), ("강소형 경쟁률은?", RATIO, None),
    ("몇 곳 선정됐어?", COUNT, "곳"), ("고용률 증가율은?", PERCENT, None), ("몇 %p 올랐어?", PERCENT_POINT, None),
    ("지원 기간은 몇 개월이야?", DURATION, None), ("김해는 무슨 사업을 해?", None, None),
    ("대구는 1년 전보다 몇 퍼 올랐어?", PERCENT, None), ("몇퍼야?", PERCENT, None),  # 퍼 as people say 퍼센트
])
def test_question_kind(question, kind, counter):
    assert question_kind(question) == (kind, counter)


def test_a_period_of_two_date_times_is_one_range():
    (q,) = parse("| 신청 기간 | 2023. 9. 5.(화) 10:00 ~ 9. 18.(월) 18:00 |")
    assert (q.kind, q.date, q.text) == (DATE, "2023-09-05/2023-09-18", "2023. 9. 5.(화) 10:00 ~ 9. 18.(월) 18:00")


def test_a_date_after_a_tilde_is_an_end():
    q = parse("신청 기간: 공고일 ~ 2024. 4. 15.(월)")[0]
    assert (q.date, q.bound) == ("2024-04-15", "upper")


@pytest.mark.parametrize(("text", "iso"), [
    ("7월 3일(수)부터 5일(금)까지 3일간", "2024-07-03/2024-07-05"),  # the end's month and year are the start's
    ("7월 3일~5일", "2024-07-03/2024-07-05"),
])
def test_a_range_ending_in_a_day_alone(text, iso):
    q = parse(text, 2024)[0]
    assert q.kind == DATE and q.date == iso


def test_years_ago_is_a_duration_and_a_bare_day_no_date():
    assert [(q.kind, q.text) for q in parse("8년 만에 다시 열린다")] == [(DURATION, "8년")]
    assert all(q.kind != DATE for q in parse("5일간 운영"))


def test_a_dotted_range_end_written_before_kkaji_and_the_times_of_a_period():
    from qa.asked import times_within

    (q,) = parse("정기 신청 기간을 놓친 경우 2024. 6. 1.부터 11. 30.까지 기한 후 신청을 할 수 있다.")
    assert q.date == "2024-06-01/2024-11-30"
    (period,) = parse("| 신청 기간 | 2023. 9. 5.(화) 10:00 ~ 9. 18.(월) 18:00 |")
    assert [(t.text, t.bound) for t in times_within(period)] == [("10:00", "lower"), ("18:00", "upper")]
    assert times_within(q) == []  # a period of days holds no time of day


def test_english_dates_are_conditions_like_korean_ones():
    from qa.asked import english_dates

    assert english_dates("How many foreign visitors came to Korea in 2023?") == ("2023",)
    assert english_dates("What was the unemployment rate in December 2023?") == ("2023-12",)
    assert english_dates("Who spoke on May 5, 2024?") == ("2024-05-05",)
    assert english_dates("How many booths are there?") == ()


def test_a_count_of_countries_asks_for_the_counter_of_countries():
    from qa.asked import question_kinds

    assert question_kinds("논문은 몇 개 나라에서 나와?") == ((COUNT,), "개국")
    assert question_kinds("몇 개 기업이 참가해?") == ((COUNT,), "개")
    assert question_kinds("인턴 월급은 얼마 줘?") == ((MONEY,), None)  # pay is money, not a head count


def test_how_much_asked_as_to_what_extent():
    """어느 정도 asks an amount as 얼마 does ("비중은 어느 정도예요?", "비용은 어느 정도 들어요?")."""
    from qa.asked import question_kinds

    assert question_kinds("어르신 비중은 어느 정도예요?")[0][0] == PERCENT
    assert question_kinds("비용은 어느정도 들어요?") == ((MONEY,), None)


def test_a_word_ending_in_won_is_no_money_word():
    """인원, 정원, 지원 end in 원 but ask no amount of money; 억 원 and 만원 do."""
    from qa.asked import question_kinds

    assert COUNT in question_kinds("2022년이랑 2023년 배정 인원 차이가 얼마나 나요?")[0]  # an amount of any class
    assert question_kinds("국비 몇 억 원이야?") == ((MONEY,), None)
    assert question_kinds("보완 요청 받으면 몇일안에 내야 돼?") == ((DURATION, DATE), None)  # 몇일: 며칠 misspelt
    assert question_kinds("몇일 걸려요?") == ((DURATION,), None)
    assert question_kinds("절차가 몇 단계야?")[0][0] == COUNT and question_kinds("몇 가지예요?")[0][0] == COUNT
    assert question_kinds("2차 개편은 몇 월 며칠부터 시행돼?") == ((DATE,), None)  # a day of the calendar
    assert question_kinds("학원 운영시간 제한은 언제 풀려요?") == ((DATE,), None)  # the restriction ends on a day
    assert question_kinds("운영 시간은 언제야?") == ((TIME,), None)
    assert question_kinds("한 달에 몇 만원 받아?") == ((MONEY,), None)


def test_a_year_and_month_before_an_age_range_is_one_date():
    """"’23년 10월 15~64세 고용률": the month of 2023, not a year and a bare month (10월 15 is no day here)."""
    assert [(q.kind, q.date) for q in parse("’23년 10월 15~64세 고용률")] == [("date", "2023-10"), ("age", None)]
    assert [q.date for q in parse("2023년 10월 15일")] == ["2023-10-15"]
    assert [(q.kind, q.date) for q in parse("2023년 10월 5.3%")] == [("date", "2023-10"), ("percent", None)]


def test_a_period_asked_by_name_asks_a_date_range_or_a_duration():
    from qa.asked import question_kinds

    assert question_kinds("어촌분야 공모 기간은?") == ((DATE, DURATION), None)  # when it runs
    assert question_kinds("지원 기간은?") == ((DURATION, DATE), None)  # how long
    assert question_kinds("기간제 근로자 알려줘") == ((), None)


def test_a_month_range_written_once_with_its_year():
    assert [q.date for q in parse("’23.1~3월에 공모를 실시하고")] == ["2023-01/2023-03"]
    assert [q.date for q in parse("2023. 5. 1. ~ 5. 31.")] == ["2023-05-01/2023-05-31"]


def test_a_period_ends_in_its_own_year_whatever_the_documents():
    """The end of "2023. 9. 5. ~ 9. 18." is in 2023 even in a 2024 document; one before its start is in the next."""
    assert [q.date for q in parse("2023. 9. 5.(화) 10:00 ~ 9. 18.(월) 18:00", 2024)] == ["2023-09-05/2023-09-18"]
    assert [q.date for q in parse("2023. 12. 5. ~ 1. 18.", 2024)] == ["2023-12-05/2024-01-18"]
    assert [q.date for q in parse("2023. 3. 2. ~ 2024. 4. 15.", 2023)] == ["2023-03-02/2024-04-15"]


def test_the_ends_of_a_period_and_the_question_asking_one():
    from qa.asked import asked_edge, range_edges

    (period, _) = parse("7월 3일(수)부터 5일(금)까지 3일간", 2024)
    first, last = range_edges(period)
    assert (first.text, first.date, first.bound) == ("7월 3일(수)", "2024-07-03", "lower")
    assert (last.text, last.date, last.bound) == ("7월 5일(금)", "2024-07-05", "upper")  # its month from the start
    assert period.text[last.span[0]:last.span[1]] == "5일(금)"
    (period,) = parse("2024. 7. 3.(수) ~ 7. 5.(금)")
    assert [e.text for e in range_edges(period)] == ["2024. 7. 3.(수)", "7. 5.(금)"]
    assert range_edges(parse("7월 3일")[0]) == []
    assert asked_edge("나노코리아 2024 마지막 날은 무슨 요일이야?")[0] == "upper"
    assert asked_edge("축제 첫날 몇 시에 시작해?")[0] == "lower"
    assert asked_edge("마지막으로 신청할 수 있는 사람은?") == (None, "마지막으로 신청할 수 있는 사람은?")


def test_how_many_times_is_a_count_of_times():
    assert question_kind("나눠 쓰는 건 몇 번까지 돼?") == (COUNT, "번")
    assert question_kind("몇 번째 행사야?")[1] != "번"


def test_a_figure_changed_from_is_no_range():
    assert [q.text for q in parse("종전 10개월에서 2개월을 늘려 12개월로 운영한다")] == ["10개월", "2개월", "12개월"]
    assert [q.text for q in parse("횟수도 1회에서 3회(총 4번 사용)로 확대된다")] == ["1회", "3회"]
    assert [q.text for q in parse("만 19세에서 39세까지")] == ["만 19세에서 39세까지"]


def test_a_limit_asked_by_name_is_an_amount():
    from qa.asked import question_kinds

    assert question_kinds("개소당 지원 한도는?") == ((MONEY,), None)
    assert question_kinds("한도 초과하면 어떻게 돼?") == ((), None)


@pytest.mark.parametrize("text, shown, base", [
    ("석유류 △10.9%", "△10.9%", -10.9),  # the statistics releases' minus
    ("기여도 △ 0.22%p", "△ 0.22%p", -0.22),
    ("전년 대비 -7.4% 감소", "-7.4%", -7.4),
    ("- 3개 지자체", "3개", 3.0),  # a bullet's hyphen is no minus
])
def test_a_minus_is_part_of_the_figure_as_written(text, shown, base):
    """A figure written with a minus is negative and keeps its sign in its text and span: an answer quotes the
    decrease "△10.9%", never "10.9%"."""
    (q,) = [x for x in parse(text) if x.kind != DATE]
    assert (q.text, q.base) == (shown, base) and text[q.span[0]:q.span[1]] == shown
