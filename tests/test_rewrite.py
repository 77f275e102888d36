"""The follow-up rewrite step: "2부는?" after "… 1부는 몇 분 동안 해?" read as the whole question it stands for."""

from __future__ import annotations

import pytest

from qa.question.rewrite import counterpart, counterpart_span, elliptical_member, rewrite_followup, rewrite_history, shifted


@pytest.mark.parametrize("question, member", [
    ("2부는?", "2부"), ("그럼 8월은?", "8월"), ("작년엔?", "작년"), ("중학교는", "중학교"),
    ("거기 국비는 얼마야?", None),  # it asks something of its own
    ("월드 디제이 페스티벌은?", "월드 디제이 페스티벌"),
    ("그럼 세대로는 몇 세대야?", None),
])
def test_an_elliptical_follow_up_names_one_member(question, member):
    assert elliptical_member(question) == member


@pytest.mark.parametrize("previous, question, whole", [
    ("여수 불꽃축제 불꽃쇼 1부는 몇 분 동안 해?", "2부는?", "여수 불꽃축제 불꽃쇼 2부는 몇 분 동안 해?"),  # ends alike
    ("2025년 여름 부산 열대야 7월에 며칠 있었어?", "8월은?", "2025년 여름 부산 열대야 8월에 며칠 있었어?"),  # month
    ("2024년 거점형 선정 도시는?", "그럼 2025년은?", "2025년 거점형 선정 도시는?"),  # year for year
    ("전주시 국비는?", "김해는?", "김해 국비는?"),  # a name the corpus knows
    ("서울 광역버스 요금 얼마로 올라?", "청소년은?", None),  # no counterpart: left to the linker
    # several words: the run from the word the first matches to the one the last begins
    ("보령머드축제 월드 K-팝 페스티벌 언제 해?", "월드 디제이 페스티벌은?", "보령머드축제 월드 디제이 페스티벌 언제 해?"),
    ("면적직불금 진흥지역 안 논밭 2구간 단가 얼마야?", "진흥지역 밖 논은?", "면적직불금 진흥지역 밖 논 2구간 단가 얼마야?"),
    ("은평구 집수리 지원 반지하는 가구당 최대 얼마까지 돼?", "주거 취약가구는?", None),
])
def test_the_previous_question_is_asked_again_with_the_member_in_place(previous, question, whole):
    assert rewrite_followup(question, previous, names={"전주시", "김해"}) == whole


def test_a_relative_year_stands_for_the_year_it_is_from_the_one_asked_before():
    assert shifted("작년", "2026학년도") == "2025학년도"
    assert shifted("내년", "2024년") == "2025년"
    assert shifted("작년", "7월") is None and shifted("8월", "2024년") is None
    assert rewrite_followup("작년엔?", "경북 2026학년도 공립 교사 몇 명 뽑아?") == "경북 2025학년도 공립 교사 몇 명 뽑아?"
    assert rewrite_followup("작년엔?", "올해 서울 교사 몇 명 뽑아?") == "작년 서울 교사 몇 명 뽑아?"


def test_a_place_stands_for_a_place_and_a_word_ending_alike_before_any_other_name():
    names, places = {"2023년", "광주", "전북", "민간소비", "정부소비", "서울", "중학교"}, {"광주", "전북", "서울"}
    assert rewrite_followup("전북은?", "2023년 2분기 광주 고용률 얼마나 올랐어?", names, places) == \
        "2023년 2분기 전북 고용률 얼마나 올랐어?"
    assert rewrite_followup("정부소비는?", "2023년 연간 민간소비 증가율 몇이야?", names, places) == \
        "2023년 연간 정부소비 증가율 몇이야?"
    assert rewrite_followup("중학교는?", "서울 초등학교 학급당 학생 수 몇 명이야?", names, places) == \
        "서울 중학교 학급당 학생 수 몇 명이야?"
    assert counterpart("2024년", "2024년 서울 예산은?", names, places) is None  # a member never stands for itself
    assert counterpart("5km", "양천마라톤 하프 참가비 얼마야?", {"5km", "양천", "하프"}, {"양천"}) == "하프"


def test_a_counterpart_is_never_a_question_word_nor_the_member_itself():
    assert counterpart("2부", "2부는 언제 해?") is None
    assert counterpart("7급", "울산 9급 공채 필기시험 언제 봐?") == "9급"


def test_a_chain_of_follow_ups_is_rewritten_in_turn():
    history = ["2024년 제주 2월 강수량 얼마였어?", "11월은?"]
    assert rewrite_history("12월은?", history) == "2024년 제주 12월 강수량 얼마였어?"
    assert rewrite_history("2부는?", []) is None


def test_a_run_of_words_is_never_longer_than_four_nor_without_the_members_last_word():
    assert counterpart_span("월드 디제이 페스티벌", "월드 K-팝 페스티벌은 언제?") == "월드 K-팝 페스티벌"
    assert counterpart_span("75세 이상", "65~74세 고립 비율 몇 %야?") is None
    assert counterpart_span("가 나 다", "가 하나 둘 셋 넷 다섯 다") is None
