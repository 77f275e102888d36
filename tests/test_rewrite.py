"""The follow-up rewrite step: "2부는?" after "… 1부는 몇 분 동안 해?" read as the whole question it stands for."""

from __future__ import annotations

import pytest

from qa.question.rewrite import counterpart, elliptical_member, rewrite_followup, rewrite_history


@pytest.mark.parametrize("question, member", [
    ("2부는?", "2부"), ("그럼 8월은?", "8월"), ("작년엔?", "작년"), ("중학교는", "중학교"),
    ("거기 국비는 얼마야?", None),  # it asks something of its own
    ("주거 취약가구는?", None),  # two words: which of the previous question's they replace is unclear
])
def test_an_elliptical_follow_up_names_one_member(question, member):
    assert elliptical_member(question) == member


@pytest.mark.parametrize("previous, question, whole", [
    ("여수 불꽃축제 불꽃쇼 1부는 몇 분 동안 해?", "2부는?", "여수 불꽃축제 불꽃쇼 2부는 몇 분 동안 해?"),  # ends alike
    ("2025년 여름 부산 열대야 7월에 며칠 있었어?", "8월은?", "2025년 여름 부산 열대야 8월에 며칠 있었어?"),  # month
    ("2024년 거점형 선정 도시는?", "그럼 2025년은?", "2025년 거점형 선정 도시는?"),  # year for year
    ("전주시 국비는?", "김해는?", "김해 국비는?"),  # a name the corpus knows
    ("서울 광역버스 요금 얼마로 올라?", "청소년은?", None),  # no counterpart: left to the linker
])
def test_the_previous_question_is_asked_again_with_the_member_in_place(previous, question, whole):
    assert rewrite_followup(question, previous, names={"전주시", "김해"}) == whole


def test_a_counterpart_is_never_a_question_word_nor_the_member_itself():
    assert counterpart("2부", "2부는 언제 해?") is None
    assert counterpart("7급", "울산 9급 공채 필기시험 언제 봐?") == "9급"


def test_a_chain_of_follow_ups_is_rewritten_in_turn():
    history = ["2024년 제주 2월 강수량 얼마였어?", "11월은?"]
    assert rewrite_history("12월은?", history) == "2024년 제주 12월 강수량 얼마였어?"
    assert rewrite_history("2부는?", []) is None
