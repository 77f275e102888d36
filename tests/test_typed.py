"""Typed answers: the value of the asked class from retrieved passages, and arithmetic over two of them.

Hand-made chunks and a whitespace tokenizer: no models, milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from qa.answer.ask import read_ask, written_comparisons
from qa.answer.compute import combine, operands
from qa.answer.dates import compared_from, date_agreement
from qa.answer.quote import render
from qa.answer.typed import TypedFinder
from qa.asked import AMOUNT_KINDS, question_kinds
from qa.chunk import Chunk
from qa.quantity import COUNT, DATE, DURATION, MEASURE, MONEY, PERCENT, RATIO, TIME


def _tok(text: str) -> list[str]:
    return [re.sub(r"(은|는|이|가|을|를|의|에|로|으로|과|와)$", "", w) for w in re.findall(r"[가-힣A-Za-z0-9~]+", text)]


@dataclass
class _Hit:
    chunk: Chunk


def _chunk(text: str, kind: str = "point", cells=(), search: str | None = None, n: int = 0) -> _Hit:
    return _Hit(Chunk(chunk_id=f"d#{n:03d}", doc_id="d", text=text, start=1, end=1, section="", kind=kind,
                      search_text=search or text, cells=tuple(cells)))


FINDER = TypedFinder(_tok, idf={}, max_chunks=8)


def _best(question_terms: str, kinds, hits, **kw):
    cands = FINDER.find(_tok(question_terms), kinds, kw.pop("counter", None), hits, **kw)
    return cands[0] if cands else None


def test_the_value_in_the_clause_the_question_names():
    hits = [_chunk("□ 12월 취업자는 2,809만 3천명으로 1년 전보다 28만 5천명 늘었다. 실업자는 94만 4천명이다.")]
    assert _best("실업자 수", (COUNT,), hits, counter="명").quantity.text == "94만 4천명"
    assert _best("취업자", (COUNT,), hits, counter="명").quantity.text in ("2,809만 3천명", "28만 5천명")


def test_a_value_named_by_words_the_question_does_not_ask_ranks_below():
    """청년층 취업자 / 자동차 수출액 answer neither "취업자 수" nor "연간 수출액"."""
    hits = [_chunk("ㅇ 청년층 취업자는 381만 9천명으로 줄었다.", n=0), _chunk("□ 12월 취업자는 2,809만 3천명이다.", n=1)]
    assert _best("취업자 수", (COUNT,), hits, counter="명").quantity.text == "2,809만 3천명"
    hits = [_chunk("| 자동차 | 708.7 |", kind="table_row", cells=[("품목", "자동차"), ("수출액(억달러)", "708.7")], n=0),
            _chunk("□ 연간 수출액은 6,327억 달러로 줄었다.", n=1)]
    assert _best("연간 수출액", (MONEY,), hits).quantity.text == "6,327억 달러"
    hits = [_chunk("④ 임차보증금 5,000만원 이하이면서 월세 60만원 이하인 건물")]
    assert _best("월세 얼마 이하", (MONEY,), hits).quantity.text == "60만원"


def test_a_trend_line_answers_by_the_year_of_each_clause():
    hits = [_chunk("※ 선정 추이: '21년 선정 22개소(전국 96개소 중 23%), '22년 선정 15개소(전국 68개소 중 22%), "
                   "'23년 선정 24개소(전국 91개소 중 26%)")]
    assert _best("선정 개소", (COUNT,), hits, q_dates=["2022"], counter="개소").quantity.text == "15개소"
    assert _best("선정 비중", (PERCENT,), hits).quantity.text == "26%"  # no year asked: the latest


def test_a_cell_of_words_around_a_figure_labels_its_row():
    """"’23. 12. 28. | 후보지역 4곳 발표": the date is that of the 발표 the other cell tells."""
    rows = [_chunk("| ’23. 5. 31. | 지정계획 공고 |", kind="table_row", cells=[("시기", "’23. 5. 31."), ("내용", "지정계획 공고")],
                   search="< 추진 경과 >", n=0),
            _chunk("| ’23. 12. 28. | 후보지역 4곳 발표 |", kind="table_row", search="< 추진 경과 >",
                   cells=[("시기", "’23. 12. 28."), ("내용", "후보지역 4곳 발표")], n=1)]
    assert _best("후보지역 발표", (DATE,), rows).quantity.date == "2023-12-28"


def test_the_asked_class_only():
    hits = [_chunk("□ 접수는 2024. 5. 31.(금)까지이며, 최대 330만원을 지급한다.")]
    assert _best("접수 마감", (DATE,), hits).quantity.date == "2024-05-31"
    assert _best("최대 지급액", (MONEY,), hits).quantity.text == "330만원"


def test_a_count_question_wants_its_counter():
    hits = [_chunk("□ 전국 91개소 가운데 24개소가 선정되었으며 참여 주민은 1,200명이다.")]
    c = _best("선정 주민", (COUNT,), hits, counter="명")
    assert c.quantity.text == "1,200명"


def test_a_value_the_question_states_is_never_the_answer():
    hits = [_chunk("□ 월 20만원씩 최대 12개월 지원한다.")]
    c = _best("12개월 다 받으면 총", AMOUNT_KINDS, hits, stated_values=["12개월"])
    assert c.quantity.text == "20만원"


def test_table_cell_by_row_and_two_level_column_with_dates():
    cells = [("구분", "실업률(%)"), ("’22년 12월", "3.0"), ("’23년 12월", "3.3")]
    hits = [_chunk("| 실업률(%) | 3.0 | 3.3 |", kind="table_row", cells=cells, search="실업률 추이\n구분: 실업률(%)")]
    c = _best("실업률", (PERCENT,), hits, q_dates=["2022-12"])
    assert c.quantity.value == 3.0
    c = _best("실업률", (PERCENT,), hits, q_dates=["2023-12"])
    assert c.quantity.value == 3.3


def test_table_cell_takes_the_unit_of_its_column():
    cells = [("구분", "거점개발"), ("국비(억원)", "430"), ("지방비(억원)", "184")]
    hits = [_chunk("| 거점개발 | 430 | 184 |", kind="table_row", cells=cells, search="지원 규모\n구분: 거점개발")]
    c = _best("거점개발 지방비", (MONEY,), hits)
    assert (c.quantity.text, c.quantity.base) == ("184억원", 184e8)
    assert render(c).endswith("184억원")


def test_a_cells_value_is_placed_in_its_own_cell_not_where_its_text_first_occurs():
    """"35" of "| 부산 | 1,350 | 35 |" is highlighted in the third cell, not inside "1,350"."""
    cells = [("구분", "부산"), ("2024년(곳)", "1,350"), ("야간 쉼터(곳)", "35")]
    hits = [_chunk("| 부산 | 1,350 | 35 |", kind="table_row", cells=cells, search="무더위쉼터 현황\n구분: 부산")]
    c = _best("부산 야간 쉼터", (COUNT,), hits, counter="곳")
    assert c.quantity.text == "35곳" and c.value_span == (15, 17)


def test_headings_lose_to_sentences():
    hits = [_chunk("< 청년월세 3,500명 선정해 월 20만원 지원 >", kind="heading", n=0),
            _chunk("□ 청년월세 2차 추가모집 인원은 3,500명이다.", n=1)]
    assert _best("청년월세 모집 인원", (COUNT,), hits).chunk.chunk_id == "d#001"


@pytest.mark.parametrize(("asked", "given", "score"), [
    (["2023-12"], ["--12"], 0.5), (["2023-12"], ["2023-12"], 1.0), (["2022-12"], ["2023-12"], -1.0),
    (["2024"], ["2023"], -1.0),
    (["2023-12"], [], 0.0), ([], ["2023"], 0.0),
    (["2023-12"], ["2023"], -1.0),  # a figure of the whole year is not December's
    (["2023-12"], ["2023", "--12"], 0.5),
])
def test_date_agreement(asked, given, score):
    assert date_agreement(asked, given) == score


@pytest.mark.parametrize(("question", "year", "compared"), [
    ("서울 유치원생 수 2020년보다 몇 명 줄었어?", 2020, True),
    ("2023년 12월이랑 비교해서 수급자가 제일 많이 늘어난 권역이 어디예요?", 2023, True),
    ("2023년에 비하면 1인당 지원금이 몇 퍼센트나 오른 거예요?", 2023, True),
    ("2024년 1분기 신청 기간은 언제예요?", 2024, False),
    ("2023년이랑 2024년 합치면 몇 명이야?", 2023, False),  # 이랑 joins two years asked, it compares nothing
    ("2020년 인구는 몇 명이고 2020년보다 얼마나 늘었어?", 2020, False),  # once asked, once compared
])
def test_a_year_named_only_as_what_a_question_compares_from(question, year, compared):
    assert compared_from(question, year) is compared


@pytest.mark.parametrize(("question", "words"), [
    ("대구는 11월 물가가 1년 전보다 몇 퍼 올랐나요?", ["전년"]), ("1년 전 대비 상승률이 제일 낮은 지역은?", ["전년"]),
    ("배추값 전달보다 얼마나 떨어졌어?", ["전월"]), ("지난 분기에 비해 얼마나 늘었어?", ["전기"]),
    ("11월 소비자물가 작년 같은 달보다 몇 % 올랐어?", ["전년", "동월"]),
    ("전달받은 서류는 언제까지 내?", []), ("1년 전 계획은 뭐였어?", []),  # no comparison follows
])
def test_a_comparison_in_everyday_words_is_read_as_releases_write_it(question, words):
    assert written_comparisons(question) == words
    ask = read_ask(question, str.split, set())
    assert ask is None or set(words) <= set(ask.terms)


def test_the_everyday_words_of_a_comparison_are_not_asked_as_well():
    # "작년 같은 분기" is 전년 동기 as a release writes it; a passage is not asked to hold 작년 too
    from qa.korean import tokenize
    from qa.lexicon import QUESTION_WORDS

    ask = read_ask("대양주 투자는 작년 같은 분기 대비 몇 퍼센트 늘었어?", tokenize, QUESTION_WORDS)
    assert {"전년", "동기", "대양주"} <= set(ask.terms) and "작년" not in ask.terms
    ask = read_ask("작년보다 수출이 얼마나 늘었어?", tokenize, QUESTION_WORDS)  # no written form: 작년 stays
    assert "작년" in ask.terms


def test_sum_and_difference_show_their_working():
    hits = [_chunk("□ 맞벌이가구는 최대 330만원, 단독가구는 최대 165만원을 받는다.")]
    a = _best("맞벌이가구 최대", (MONEY,), hits)
    b = _best("단독가구 최대", (MONEY,), hits)
    text, value = combine("diff", a, b)
    assert value == 165 and text.startswith("165만원 (") and "330만원 -" in text
    text, value = combine("sum", a, b)
    assert text.startswith("495만원")


def test_two_rates_differ_by_points_and_the_working_names_each():
    hits = [_chunk("□ 15~64세 고용률은 69.2%로 0.7%p 올랐다. 청년층 고용률은 46.0%로 0.1%p 높아졌다.")]
    a = _best("15~64세 고용률", (PERCENT,), hits)
    b = _best("청년층 고용률", (PERCENT,), hits)
    text, value = combine("diff", a, b)
    assert text.startswith("23.2%p (") and "고용률은 69.2%" in text and "로 0.7%p" not in text


def test_a_sum_is_exact_whatever_the_units_written():
    a = _best("1차 확정", (COUNT,), [_chunk("□ 1차에서는 2만 1,757명이 확정되었다.")], counter="명")
    b = _best("2차 뽑는다", (COUNT,), [_chunk("□ 이번 2차에서는 3,500명을 뽑는다.", n=1)], counter="명")
    text, _ = combine("sum", a, b)
    assert text.startswith("2만 5,257명 (") and "2만 1,757명" in text and "3,500명" in text


def test_no_sum_across_currencies():
    hits = [_chunk("□ 수출은 6,327억 달러, 예산은 500억원이다.")]
    a = _best("수출", (MONEY,), hits)
    b = _best("예산", (MONEY,), hits)
    assert a.quantity.unit != b.quantity.unit and combine("sum", a, b) is None


def test_no_sum_or_difference_across_counters():
    """ "3,798만 명" less "12곳" is no number of anything; "16개 지자체" less "3곳" is (개 and 곳 count the same)."""
    hits = [_chunk("□ 이용객은 3,798만 명이었고, 충남 보령시 등 12곳이 개장했다.")]
    people = _best("이용객", (COUNT,), hits)
    places = _best("충남 보령시 개장", (COUNT,), hits)
    assert (people.quantity.unit, places.quantity.unit) == ("만명", "곳") and combine("diff", people, places) is None
    applied = _best("지자체 신청", (COUNT,), [_chunk("□ 16개 지자체가 신청했다.")])
    chosen = _best("선정", (COUNT,), [_chunk("□ 최종 3곳이 선정되었다.", n=1)])
    assert combine("diff", applied, chosen)[1] == 13


@pytest.mark.parametrize(("question", "pair"), [
    ("2023년 자동차랑 선박 수출액 합치면 얼마야?", ("자동차", "선박")),
    ("맞벌이가구와 단독가구 근로장려금 최대 지급액 차이는 얼마야?", ("맞벌이가구", "단독가구")),
    ("2023년 방한객 1위 일본과 2위 중국을 합치면 몇 만 명이야?", ("일본", "중국을")),  # the rank is not the operand
    ("12월 중국 방한객과 일본 방한객 차이는?", ("중국", "일본")),  # a shared head word: they differ before it
    ("하프 1위랑 10km 1위 상금 차이는 얼마야?", ("하프 1위", "10km")),  # a rank: the word before it names the operand
    ("충북이랑 충남 합쳐서 몇 명 배정됐어?", ("충북", "충남")),  # every conjugation of the sum words asks a sum
    ("어린이랑 임신부 예상 대상자 합치면 몇 명이야?", ("어린이", "임신부")),  # 어린이 + 랑, as the morphemes read
    ("1월이랑 2월 출생아 더해서 몇 명이에요?", ("1월", "2월")),
])
def test_operands(question, pair):
    assert operands(question)[:2] == pair
    # what to do is not a word of either value, nor a remnant of one (합쳐서 → 서)
    assert not re.search(r"차이|합치면|합쳐|더해|^서|\s서\s", operands(question)[2].strip())


@pytest.mark.parametrize(("question", "kinds"), [
    ("취업자는 1년 전보다 얼마나 늘었어?", tuple(k for k in AMOUNT_KINDS if k != DURATION)),  # not "12개월 만에"
    ("출산휴가 기간은 얼마나 늘었어?", AMOUNT_KINDS),  # a period asked: a duration may answer
    ("참가비 얼마야?", (MONEY,)),
    ("근로장려금 기한 후 신청하면 얼마나 깎여?", (MONEY, PERCENT)),  # 기한 names the application; a cut is a share too
    ("배우자 출산휴가는 며칠로 늘어나?", (DURATION, DATE)),
    ("국비랑 지방비 부담 비율은?", (PERCENT, RATIO)),
    ("수영장 길이는 몇 미터야?", (MEASURE,)),
    ("마지막 날은 무슨 요일이야?", (DATE,)),
    ("후보지역 발표일은?", (DATE,)),
    ("도서관 주말 운영시간은?", (TIME,)),
    ("몇 년 만에 다시 열리는 거야?", (DURATION,)),
    ("월세는 월 몇 만원이야?", (MONEY,)),
    ("방한객은 몇 만 명이야?", (COUNT,)),
    ("전주시가 받는 국비 알려줘", (MONEY,)),
    ("12월 일평균 수출액은?", (MONEY,)),  # a word ending in 액 is an amount of money
    ("12월 한 달 방한객 수는?", (COUNT, MEASURE)),  # "… 수" of people is a count
    ("서울 5월 출생아 수", (COUNT, MEASURE)),  # … of births, of pupils, of foreigners
    ("학교별 학생 수는?", (COUNT, MEASURE)),
    ("외국인 수 알려줘", (COUNT, MEASURE)),
    ("외국인도 신청할 수 있어?", ()),  # 수 of a possibility asks no count
    ("신청 기한 좀 알려줘요", (DATE,)),
    # a value word inside a name or a condition asks no value: a list, a yes or no
    ("청년월세 신청할 때 내야 하는 서류 알려줘", ()),
    ("공공임대주택에 사는 청년도 청년월세 받을 수 있어?", ()),
])
def test_question_kinds(question, kinds):
    assert question_kinds(question)[0] == kinds


def test_a_quoted_value_is_a_fact_with_provenance():
    """The fact of a quoted value points at its raw text: doc.lines[line - 1][span] == raw."""
    from qa.answer.quote import as_fact
    from qa.chunk import chunk_document
    from qa.ingest import Document

    lines = ("< 고용동향 >", "□ 12월 취업자는 2,809만 3천명으로 늘었다.", "  ㅇ 실업자는 94만 4천명이다.",
             "(단위: 억원)", "| 구분 | 국비 |", "| 거점개발 | 430 |")
    doc = Document(doc_id="d", title="고용동향", publisher=None, published="2024-01-10", source=None, path="d.txt",
                   lines=lines)
    hits = [_Hit(c) for c in chunk_document(doc)]
    for terms, kinds, raw, line in (("실업자", (COUNT,), "94만 4천명", 3), ("거점개발 국비", (MONEY,), "430", 6)):
        c = _best(terms, kinds, hits)
        f = as_fact(c, doc)
        assert (f.raw, f.line) == (raw, line)
        assert doc.lines[f.line - 1][f.span[0]:f.span[1]] == f.raw
        assert f.qualifiers.get("source") == "quoted"


def test_words_naming_the_class_asked_weigh_lightly():
    ask = read_ask("청년월세 받으려면 나이가 몇 살까지 돼?", _tok, {"몇"})
    assert "나이" in ask.light and "청년월세" in ask.terms and "청년월세" not in ask.light
    # "기한 후 신청" is also a name: a sentence holding 기한 is closer, one without it no further
    hits = [_chunk("□ 기한 후 신청은 2024. 6. 1.부터 11. 30.까지 받는다.", n=0),
            _chunk("□ 정기 신청은 2024. 5. 1.부터 5. 31.까지 받는다.", n=1)]
    ask = read_ask("기한 후 신청은 언제까지 돼?", _tok, {"언제"})
    ranked = FINDER.find(ask.terms, ask.kinds, ask.counter, hits, light=ask.light, bound=ask.bound)
    assert ranked[0].quantity.date == "2024-06-01/2024-11-30"
    assert ranked[0].coverage > next(c.coverage for c in ranked if c.chunk.chunk_id == "d#001")


def test_the_percent_asked_is_no_word_a_passage_must_hold():
    # "몇 퍼센트" asks a value a passage writes as %: 퍼센트 is the question's word, as 몇 is
    from qa.korean import tokenize
    from qa.lexicon import QUESTION_WORDS

    for question in ("대양주 투자는 작년 같은 분기 대비 몇 퍼센트 늘었어?", "수출 몇 프로 줄었어?"):
        ask = read_ask(question, tokenize, QUESTION_WORDS)
        assert not {"퍼센트", "프로"} & set(ask.terms) and {"대양주", "수출"} & set(ask.terms)


def test_synonyms_and_containing_words_count_partly():
    from qa.lexicon import PART_WEIGHT, SYNONYM_WEIGHT
    from qa.text import match_strength

    assert match_strength("접수", {"신청", "기간"}) == SYNONYM_WEIGHT
    assert match_strength("대학", {"울산대학교"}) == PART_WEIGHT
    assert match_strength("대학", {"대학"}) == 1.0 and match_strength("마감", {"신청"}) == 0.0
    assert match_strength("발표일", {"발표"}) == match_strength("반환점", {"반환"}) == PART_WEIGHT  # its day, its point
    assert match_strength("증가율", {"증가"}) == match_strength("일본인", {"일본"}) == 0.0  # a rate, a people
    row = _chunk("| 신청 기간 | 2023. 9. 5.(화) 10:00 ~ 9. 18.(월) 18:00 |", n=0, kind="table_row",
                 cells=(("구분", "신청 기간"), ("내용", "2023. 9. 5.(화) 10:00 ~ 9. 18.(월) 18:00")))
    other = _chunk("ㅇ 문의: 콜센터 (평일 09:00~18:00)", n=1)
    ask = read_ask("2차 접수는 마지막 날 몇 시까지 받아?", _tok, {"몇"})
    best = FINDER.find(ask.terms, ask.kinds, ask.counter, [row, other], light=ask.light, bound=ask.bound)[0]
    assert best.quantity.text == "18:00" and best.chunk is row.chunk  # the end of the period, read as 신청


def test_a_short_service_number_is_a_phone_number():
    import re

    from qa.text import PHONE_SHAPE

    for held in ("국세상담센터(☎126, 평일 09:00~18:00)", "상담센터(1599-2000)", "콜센터(국번 없이 1339)",
                 "국세상담센터(126)로 하면 된다", "044-204-3410"):
        assert re.search(PHONE_SHAPE, held), held
    for not_held in ("센터(2024년) 개소", "126명이 신청", "1,339건"):
        assert not re.search(PHONE_SHAPE, not_held), not_held


def test_a_date_is_answered_as_precisely_as_the_announcement_states_it():
    hits = [_chunk("< 근로장려금 정기 신청 안내 … 5월 한 달간 접수 >", n=0, kind="heading"),
            _chunk("□ 근로장려금 정기 신청을 2024. 5. 1.(수)부터 5. 31.(금)까지 받는다.", n=1)]
    ask = read_ask("2024년 근로장려금 정기 신청은 언제까지야?", _tok, {"언제"})
    best = FINDER.find(ask.terms, ask.kinds, ask.counter, hits, q_dates=ask.dates, light=ask.light,
                       bound=ask.bound)[0]
    assert best.quantity.date == "2024-05-01/2024-05-31"


def test_a_paraphrased_predicate_does_not_count_against_a_sentence():
    hits = [_chunk("□ 올해는 5,680개 상점을 선정한다.", n=0), _chunk("□ 지난해에는 4천개 상점을 지원했다.", n=1)]
    plain = FINDER.find(["상점", "뽑"], (COUNT,), "개", hits)
    light = FINDER.find(["상점", "뽑"], (COUNT,), "개", hits, light=["뽑"])
    assert light[0].coverage == 1.0 > plain[0].coverage  # "뽑" is written "선정"; the noun decides
    assert light[0].quantity.text == "5,680개"


def test_a_cell_holding_a_date_and_a_time_gives_both():
    row = _chunk("| 예비창업패키지 | 2024. 2. 21.(수) 16:00 |", kind="table_row",
                 cells=[("구분", "예비창업패키지"), ("접수 마감", "2024. 2. 21.(수) 16:00")])
    best = _best("예비창업패키지 접수 마감", (TIME,), [row])
    assert best.quantity.text == "16:00"
    assert best.value_span is not None and row.chunk.text[slice(*best.value_span)] == "16:00"


def test_a_rank_column_is_no_quantity():
    row = _chunk("| 2 | 중국 | 202 |", kind="table_row", cells=[("순위(만명)", "2"), ("국가", "중국"), ("방한객(만명)", "202")],
                 search="< 방한객 상위 5개국 >\n(단위: 만명)")
    found = FINDER.find(["중국", "방한객"], (COUNT,), None, [row])
    assert [c.quantity.text for c in found] == ["202만명"]


def test_the_announcements_own_schedule_beats_its_history():
    hits = [_chunk("ㅇ 마라톤은 2005년 처음 열려 호응이 컸다.", n=0), _chunk("□ 구는 5월 13일 안양천에서 마라톤 대회를 연다.", n=1)]
    best = _best("마라톤 대회", (DATE,), hits, doc_year=lambda d: 2023)
    assert best.quantity.text == "5월 13일"


def test_a_change_written_after_the_value_is_a_change():
    hits = [_chunk("* 제조업 취업자는 1만명 늘어 증가로 돌아섰다.", n=0), _chunk("□ 12월 취업자는 2,809만 3천명이다.", n=1)]
    best = _best("취업자", (COUNT,), hits, change=False)
    assert best.quantity.text.startswith("2,809만")


def test_a_value_question_is_not_answered_by_a_passage_without_a_value_of_its_family():
    """What the ``states_asked`` feature reads: a text states a value of the asked class's family (any amount or
    count for 얼마; a ratio for 경쟁률 read as a percentage), other than the values the question itself writes."""
    from qa.answer.ask import states_kind
    from qa.quantity import NUMERIC_KINDS

    fee = read_ask("수영장 정규 강습 이용료는 얼마야?", _tok, {"얼마"})
    family = tuple(NUMERIC_KINDS | set(fee.kinds))
    assert not states_kind("이용료는 영등포구 체육시설 요금 기준에 따라 7월부터 부과한다.", family)  # 7월 is no amount
    assert states_kind("이용료는 월 5만원이다.", family)
    rate = read_ask("거점형 갱쟁률은 얼마야?", _tok, {"얼마"})
    assert states_kind("거점형 경쟁률: 3:1", tuple(NUMERIC_KINDS | set(rate.kinds)))
    asked = read_ask("2024년 신청은 언제까지야?", _tok, {"언제"})
    assert not states_kind("2024년 신청 안내", asked.kinds, asked.stated)  # the year the question names answers nothing

def test_an_english_question_weighs_the_glossary_words_of_its_own():
    """"unemployment rate" → 실업률: the sentence about it, not the first percentage the passages hold; a unit
    without the glossary's words stays a candidate (the glossary has several words for one)."""
    ask = read_ask("What was the unemployment rate in December 2023?", _tok, set())
    assert ask.glossed and "실업률" in ask.terms and ask.kinds[0] == PERCENT and ask.dates == ("2023-12",)
    hits = [_chunk("□ 12월 취업자는 2,809만 3천명으로 1년 전보다 28만 5천명(1.0%) 늘었다.", n=0),
            _chunk("□ 12월 실업률은 3.3%로 0.3%p 상승하였다.", n=1)]
    ranked = FINDER.find(ask.terms, ask.kinds, ask.counter, hits, q_dates=ask.dates, glossed=True)
    assert ranked[0].quantity.text == "3.3%"
    assert min(c.coverage for c in ranked) >= 0.5  # "1.0%" is not ruled out, only ranked below
    assert read_ask("What is the maximum tax credit for dual-earner households?", _tok, set()).kinds == (MONEY,)


def test_a_months_figure_is_a_part_of_the_year_asked():
    assert date_agreement(["2023"], ["--12"], whole=True) == -0.5  # "12월 방한객" for "2023년 … 몇 명"
    assert date_agreement(["2023"], ["--12"]) == 0  # a date asked: 12월 may well be the answer
    assert date_agreement(["2023"], ["2023"], whole=True) == 1


def test_a_table_row_is_named_by_its_label_cells_not_by_the_column_every_row_shares():
    """"2023년 대만 관광객은 몇 명" → the 대만 row of the year's table, not the 12월 table's; "12월 방한객 수" names
    the column of every country's row: none of them answers it."""
    year = _chunk("| 4 | 대만 | 96 |", kind="table_row", n=0,
                  cells=[("순위", "4"), ("국가", "대만"), ("방한객(만명)", "96")],
                  search="2023년 방한객 상위 5개국 (단위: 만명)\n| 4 | 대만 | 96 |")
    month = _chunk("| 대만 | 8.1만명 |", kind="table_row", n=1, cells=[("국가", "대만"), ("12월 방한객", "8.1만명")],
                   search="2023년 12월 주요 시장별 방한객\n| 대만 | 8.1만명 |")
    assert _best("대만 방한객", (COUNT,), [year, month], q_dates=["2023"]).quantity.text == "96만명"
    total = _chunk("□ 12월 한 달 동안 방한객은 1,036,625명이었다.", n=2)
    china = _chunk("| 중국 | 25.4만명 |", kind="table_row", n=0, cells=[("국가", "중국"), ("12월 방한객", "25.4만명")])
    assert _best("12월 방한객", (COUNT,), [china, total]).quantity.text == "1,036,625명"


def test_a_followup_picks_its_value_by_what_it_names():
    """"그럼 시·군 역량강화는?" after "… 권역단위 거점개발 국비는?": the previous question's remaining words keep the
    context lightly, so the clause of what the follow-up names wins over the previous subject's clause."""
    from qa.answer.ask import followup_ask
    from qa.korean import tokenize
    from qa.lexicon import QUESTION_WORDS

    previous = read_ask("어촌 권역단위 거점개발 국비는 얼마야?", tokenize, QUESTION_WORDS)
    ask = followup_ask("그럼 시·군 역량강화는?", previous, tokenize, QUESTION_WORDS, lambda t: float(len(t)))
    assert "역량강화" in ask.terms and "역량강화" not in ask.light and set(ask.light) >= {"국비"}
    hits = [_chunk("□ 권역단위 거점개발 11개소에 최대 5년간 국비 430억원, 시·군 역량강화 6개소에 1년간 7억원을 지원한다.")]
    ranked = TypedFinder(tokenize, idf={}).find(ask.terms, ask.kinds, ask.counter, hits, light=ask.light)
    assert ranked[0].quantity.text == "7억원"


def test_a_table_row_is_dated_by_its_date_cells_and_named_by_synonyms():
    """"5월에 신청하면 돈은 언제 들어와?": the row of the May applications (a period, read by its two ends) gives its
    payment date; 지급 시기 names the row for 들어오다."""
    from qa.korean import tokenize
    from qa.lexicon import QUESTION_WORDS

    may = _chunk("| 정기 신청 | 2024. 5. 1. ~ 5. 31. | 2024. 8월 말까지 |", kind="table_row", n=0,
                 cells=[("신청 구분", "정기 신청"), ("신청 기간", "2024. 5. 1. ~ 5. 31."), ("지급 시기", "2024. 8월 말까지")])
    late = _chunk("| 기한 후 신청 | 2024. 6. 1. ~ 11. 30. | 신청일이 속하는 달부터 4개월 이내 |", kind="table_row", n=1,
                  cells=[("신청 구분", "기한 후 신청"), ("신청 기간", "2024. 6. 1. ~ 11. 30."),
                         ("지급 시기", "신청일이 속하는 달부터 4개월 이내")])
    ask = read_ask("근로장려금 5월에 신청하면 돈은 언제 들어와?", tokenize, QUESTION_WORDS)
    best = TypedFinder(tokenize, idf={}).find(ask.terms, ask.kinds, ask.counter, [may, late], q_dates=ask.dates,
                                              light=ask.light)[0]
    assert best.quantity.text.startswith("2024. 8월") or best.quantity.text.startswith("8월")


def test_a_threshold_passed_is_not_the_figure_asked():
    hits = [_chunk("ㅇ 12월 방한객이 100만명을 넘었다.", n=0), _chunk("□ 한 달 동안 12월 방한객은 103만 6,625명이었다.", n=1)]
    assert _best("12월 방한객", (COUNT,), hits).quantity.text == "103만 6,625명"


def test_english_bound_words_are_whole_words():
    assert read_ask("How large is the Ministry of SMEs and Startups' budget?", _tok, set()).bound is None
    assert read_ask("When does the library close?", _tok, set()).bound == "upper"


def test_a_time_named_by_words_the_question_does_not_ask_ranks_below():
    """"주말에는 몇 시까지?": the weekend hours, not the weekday ones that open the same sentence."""
    from qa.korean import tokenize

    hits = [_chunk("□ (도서관) 임시 운영 기간에는 평일 10:00~20:00, 주말 10:00~17:00에 문을 연다.")]
    finder = TypedFinder(tokenize, idf={"도서관": 2.0, "임시": 2.0, "운영": 1.0, "기간": 1.0, "평일": 3.0, "주말": 3.0})
    best = finder.find(tokenize("임시 운영 주말"), (TIME,), None, hits)[0]
    assert best.quantity.text == "10:00~17:00"


def test_a_sub_bullet_speaks_of_the_topic_its_top_bullet_names():
    """ "ㅇ 나누어 쓸 수 있는 횟수도 …" is about the (배우자 출산휴가) of the □ line above it."""
    hits = [_chunk("□ (배우자 출산휴가) 배우자 출산휴가는 10일에서 20일로 늘어난다.\n"
                   "ㅇ 나누어 쓸 수 있는 횟수도 1회에서 3회로 확대된다.\n"
                   "□ (근로시간 단축) 단축 기간을 최대 3회까지 나누어 쓸 수 있다.")]
    best = _best("배우자 출산휴가 나누어 쓰는 횟수", (COUNT,), hits, counter="번")
    assert best.quantity.text == "3회"  # what it becomes, not "1회에서 3회"
    untitled = [_chunk("□ 올해부터 배우자 출산휴가가 10일에서 20일로 늘어난다.\nㅇ 나누어 쓸 수 있는 횟수도 1회에서 3회로 확대된다.")]
    assert _best("배우자 출산휴가 나누어 쓰는 횟수", (COUNT,), untitled, counter="번").coverage < best.coverage


def test_the_last_day_of_a_period_answers_a_question_asking_it():
    hits = [_chunk("□ 나노코리아 2024를 7월 3일(수)부터 5일(금)까지 킨텍스에서 연다.")]
    ask = read_ask("나노코리아 2024 마지막 날은 무슨 요일이야?", _tok, {"무슨", "이야"})
    assert ask.edge == "upper" and "마지막" not in ask.terms
    best = _best("나노코리아", ask.kinds, hits, edge=ask.edge, bound=ask.bound)
    assert best.quantity.text == "7월 5일(금)"
    assert hits[0].chunk.text[best.value_span[0]:best.value_span[1]] == "5일(금)"
    assert _best("나노코리아", ask.kinds, hits).quantity.text == "7월 3일(수)부터 5일(금)까지"  # the period otherwise


def test_a_date_among_several_values_dates_the_value_it_stands_by():
    """ "올해 4곳을 시작으로 2027년까지 10곳": 2027 is the date of 10곳; a date opening the clause dates all of it."""
    hits = [_chunk("□ 정부는 올해 4곳을 시작으로 2027년까지 10곳을 지정할 계획이다.")]
    assert _best("지정", (COUNT,), hits, q_dates=["2027"], counter="곳").quantity.text == "10곳"
    hits = [_chunk("□ 2023년 수출은 6,327억 달러로 7.4% 줄었고, 2022년 수출은 6,836억 달러였다.")]
    assert _best("수출 감소율", ("percent",), hits, q_dates=["2023"]).quantity.text == "7.4%"


def test_a_figure_changed_from_answers_only_when_the_former_is_asked():
    hits = [_chunk("□ 지원 기간은 올해부터 종전 10개월에서 2개월을 늘려 12개월로 운영한다.")]
    assert _best("지원 기간", (DURATION,), hits).quantity.text == "12개월"
    assert _best("종전 지원 기간", (DURATION,), hits).quantity.text == "10개월"


def test_what_a_count_counts_may_follow_its_number():
    hits = [_chunk("ㅇ 17개소는 11개 사업장과 6개 시·군으로 이루어져 있다.")]
    assert _best("사업장", (COUNT,), hits).quantity.text == "11개"
    hits = [_chunk("□ 국내외 356개 기업이 661개 부스를 꾸려 제품을 선보인다.")]
    assert _best("부스", (COUNT,), hits).quantity.text == "661개"


def test_a_range_start_takes_the_ranges_unit():
    hits = [_chunk("- 첫 3개월 250만원, 4~6개월 200만원, 7개월째부터 160만원 -")]
    assert _best("4개월 상한액", (MONEY,), hits).quantity.text == "200만원"


def test_a_rendered_clause_stops_before_another_figure_of_the_class():
    hits = [_chunk("ㅇ 연간으로는 2,272만명이 출국하여 방한객(1,103만명)의 약 2.1배에 달했다.")]
    best = next(c for c in FINDER.find(["출국"], (COUNT,), "명", hits) if c.quantity.text == "2,272만명")
    assert render(best) == "연간으로는 2,272만명이 출국하여 …"


def test_a_figure_before_an_arrow_is_what_it_was():
    """ "지원 비율 70% → 50%": two levels, not a change; 작년 asks the first, a plain question the second."""
    hits = [_chunk("ㅇ 키오스크는 올해부터 지원 비율 70% → 50%로 낮춘다.")]
    assert _best("키오스크 지원 비율", ("percent",), hits, change=False).quantity.text == "50%"
    assert _best("작년 키오스크 지원 비율", ("percent",), hits, change=False).quantity.text == "70%"


def test_a_relative_time_word_is_never_corrected_as_a_typo():
    finder = TypedFinder(_tok, idf={"학년": 1.0, "작성": 2.0}, max_chunks=8)
    assert finder.known("작년") == "작년"
    assert finder.known("학년") == "학년"


def test_a_total_asked_is_the_figure_said_to_be_the_total():
    """ "모두 얼마야?": 총 1,360억원, not the 140억원 it starts from, nor the 1,080억원 of a part."""
    ask = read_ask("정부가 신규 선정지에 앞으로 주는 국비는 모두 얼마야?", _tok, {"얼마", "모두"})
    assert ask.bound == "total"
    hits = [_chunk("ㅇ 정부는 올해 신규 선정지 91곳에 약 140억원을 시작으로 향후 총 1,360억원(농어촌 1,080억원, "
                   "도시 280억원) 안팎의 국비를 지원할 계획이다.")]
    assert _best("신규 선정지 국비", (MONEY,), hits, bound=ask.bound).quantity.text == "1,360억원"


def test_a_sub_bullet_counts_the_subject_its_top_bullet_opens_with():
    """ "□ 연령계층별 연간 취업자는 …" / "ㅇ 성별로는 여성이 30만 3천명 …": the 여성 figure is one of 취업자."""
    text = "□ 연령계층별 연간 취업자는 60세 이상에서 늘었다.\nㅇ 성별로는 여성이 30만 3천명, 남성이 2만 4천명 늘었다."
    best = _best("연간 여성 취업자", (COUNT,), [_chunk(text)], counter="명")
    assert best.quantity.text == "30만 3천명" and best.coverage == 1.0
    assert render(best).startswith("성별로는 여성이 30만 3천명")  # widens what it covers, not what it shows


def test_a_whole_number_of_thousands_is_written_in_thousands():
    from qa.answer.compute import korean_amount

    assert korean_amount(327_000) == "32만 7천"
    assert korean_amount(25_257) == "2만 5,257"
    assert korean_amount(540_000_000) == "5억 4천만" and korean_amount(40_000_000) == "4,000만"  # the first group as is
    assert korean_amount(1.45135e13) == "14조 5,135억"


def test_a_question_naming_no_period_asks_the_latest_column():
    """"재산피해는?" over 2022년 | 2023년 columns: the 2023 figure; a question naming 2022 still gets 2022's."""
    cells = [("구분", "재산피해(백만원)"), ("2022년", "1,210,300"), ("2023년", "1,117,600"), ("증감", "△92,700")]
    hits = [_chunk("| 재산피해(백만원) | 1,210,300 | 1,117,600 | △92,700 |", kind="table_row", cells=cells,
                   search="< 화재 현황 >\n구분: 재산피해(백만원)")]
    assert _best("재산피해", (MONEY,), hits, change=False).quantity.text.startswith("1,117,600")
    assert _best("재산피해", (MONEY,), hits, change=False, q_dates=("2022",)).quantity.text.startswith("1,210,300")
    # a month without its year ("5월 이혼 건수") still asks the latest year's
    cells = [("구분", "이혼 건수"), ("2023년 5월", "8,393"), ("2024년 5월", "7,923")]
    row = _chunk("| 이혼 건수 | 8,393 | 7,923 |", kind="table_row", cells=cells, search="< 인구동향 >\n구분: 이혼 건수")
    assert _best("5월 이혼 건수", (MONEY,), [row], q_dates=("--05",)).quantity.text.startswith("7,923")
    # what marks it: the cell of the earlier column carries that column's period, no other cell does
    owned = {q.value: own for unit in FINDER.read(hits[0].chunk, None) for _, q, _, _, _, own in unit.values}
    assert owned[1210300] == ("2022",) and owned[1117600] is None
    cells = [("구분", "재산피해(백만원)"), ("주거", "300,000"), ("비주거", "500,000")]  # no period columns
    row = _chunk("| 재산피해(백만원) | 300,000 | 500,000 |", kind="table_row", cells=cells)
    assert all(own is None for unit in FINDER.read(row.chunk, None) for *_, own in unit.values)


def test_a_bare_figure_takes_its_columns_unit():
    """"4,127" under "(단위: 명)" is 4,127명 (read alone, the parser takes a bare figure for an amount of 원)."""
    cells = [("시도", "충북"), ("2023년 상반기", "2,895"), ("2024년 상반기", "4,127")]
    row = _chunk("| 충북 | 2,895 | 4,127 |", kind="table_row", cells=cells, search="< 시도별 배정 현황 > (단위: 명)\n시도: 충북")
    read = [q for unit in FINDER.read(row.chunk, None) for _, q, *_ in unit.values]
    assert [(q.kind, q.text) for q in read] == [(COUNT, "2,895명"), (COUNT, "4,127명")]
    assert _best("충북 배정 인원", (COUNT,), [row], counter="명").quantity.text == "4,127명"


def test_a_row_naming_its_unit_reads_its_cells_in_it():
    """A rate row under amounts ("총투자 증감률(%)" in a table of 억달러 columns) reads its figures as percentages."""
    rows = [_chunk("| 총투자 | 157.4 | 141.5 |", kind="table_row", search="< 분기별 추이 >", n=0,
                   cells=[("구분", "총투자"), ("1분기(억달러)", "157.4"), ("2분기(억달러)", "141.5")]),
            _chunk("| 총투자 | (△5.3) | (△13.4) |", kind="table_row", search="< 분기별 추이 >", n=1,
                   cells=[("구분", "총투자 증감률(%)"), ("1분기(억달러)", "△5.3"), ("2분기(억달러)", "△13.4")])]
    money = _best("총투자 2분기", (MONEY,), rows)
    assert money.quantity.unit == "억달러" and money.quantity.value == 141.5
    rate = _best("총투자 증감률 2분기", (PERCENT,), rows)
    assert rate.quantity.unit == "%" and rate.quantity.value == -13.4
    assert "억달러" not in rate.label  # the column's unit is not shown beside the row's
