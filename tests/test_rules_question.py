"""Question linking steps one by one, on hand-made questions and a hand-made vocabulary (no models)."""

from __future__ import annotations

import pytest

from qa.ingest import Document
from qa.lexicon import Attr
from qa.question import Question, Vocabulary, aliases, compact, family_of, steps
from qa.question.followup import resolve_followup

DOCS = [Document(doc_id=f"d{y}", title=f"{y}년 공모 결과", publisher=None, published=f"{y}-03-05", source=None,
                 path="", lines=("x",)) for y in (2024, 2025)]


def vocab() -> Vocabulary:
    v = Vocabulary(documents=DOCS, vocab={"전주시", "경쟁률", "용적률"}, docs_with_term=lambda t: set(),
                   attributes={"국비", "사업유형", "유형 수", "도시경제과장", "경쟁률"})
    v.entities.update({"전주시": aliases("전주시"), "안산시": aliases("안산시")})
    v.categories.update({"강소형": {"강소형", "강소"}})
    v.alias_index.extend(sorted([(a, n, "entity") for n, al in v.entities.items() for a in al]
                                + [(a, n, "category") for n, al in v.categories.items() for a in al],
                                key=lambda t: -len(t[0])))
    v.values.update({"기후위기대응형": {"세부유형"}})
    return v


def question(text: str, tokens: list[str] | None = None, english: bool = False) -> Question:
    return Question(text=text, compact=compact(text), tokens=tokens or text.split(), english=english)


def run(q: Question, *names: str) -> Question:
    v = vocab()
    for name in names:
        getattr(steps, name)(q, v)
    return q


def test_aliases_and_family_of():
    assert aliases("전주시") == {"전주시", "전주", "jeonjusi", "jeonju"}
    assert family_of("국비(억원)") == Attr.NATIONAL and family_of("국비 비율") == Attr.RATIO
    assert family_of("유형 수") is None and family_of("신청 수") == Attr.APPLIED and family_of("도시경제과장") is None


def test_years_restrict_documents():
    q = run(question("2024년 선정 도시는?"), "read_years")
    assert q.years == [2024] and q.doc_ids == {"d2024"}
    assert run(question("'25년 국비"), "read_years").years == [2025]
    # a birth year says who asks, not which announcement: "2010년생" restricts nothing
    assert run(question("저는 2010년생, 동생은 2015 년생인데 얼마 받아요?"), "read_years").years == []


def test_a_title_of_another_year_names_the_announcement_and_the_year_its_figures():
    """"특구 … 2024년 예산" in a 2023 release: the release, with the year as a condition on its figures."""
    docs = [Document(doc_id=d, title=t, publisher=None, published=p, source=None, path="", lines=("x",))
            for d, t, p in [("zone", "특구 후보 선정", "2023-12-28"), ("nano", "나노 전시 개최", "2024-06-01"),
                            ("rent", "월세 모집", "2024-02-01")]]
    titles = {"zone": {"특구", "후보", "선정"}, "nano": {"나노", "전시", "개최"}, "rent": {"월세", "모집"}}
    v = Vocabulary(documents=docs, vocab=set(),
                   docs_with_term=lambda t: {d for d, words in titles.items() if t in words})
    v.title_tokens.update(titles)
    q = question("특구 2024년 예산", tokens=["특구", "2024년", "예산"])
    for name in ("read_years", "read_titles"):
        getattr(steps, name)(q, v)
    assert q.doc_ids == {"zone"} and q.dated
    q = question("월세 2024년 모집", tokens=["월세", "2024년", "모집"])
    for name in ("read_years", "read_titles"):
        getattr(steps, name)(q, v)
    assert q.doc_ids == {"rent"} and not q.dated


def test_targets_longest_alias_first_and_english():
    q = run(question("전주시와 강소형 국비"), "link_targets")
    assert (q.entities, q.categories) == (["전주시"], ["강소형"])
    q = run(question("How much does Jeonju get?", english=True), "link_targets")
    assert q.entities == ["전주시"]


def test_target_typo():
    q = run(question("전즈시 국비"), "link_targets", "link_target_typos")
    assert q.entities == ["전주시"] and q.triggers == ["전즈시"]


def test_values_named_in_the_question():
    q = run(question("기후위기 대응형으로 80억원 받은 곳"), "link_targets", "link_values")
    assert q.values == ["기후위기대응형", "80억"]


def test_families_mask_longer_triggers_first():
    q = run(question("전주시 세부유형은?", ["전주시", "세부유형"]), "link_targets", "mask_targets", "link_families")
    assert q.families == [Attr.SUBTYPE] and q.target_text.strip() == "세부유형은"


def test_a_named_source_of_money_beats_a_generic_ask():
    """"도비는 얼마 지원돼?" asks 도비; 국비 is read from "얼마 지원" only and goes."""
    q = run(question("용당1지구에 도비는 얼마 지원돼?", ["도비", "지원"]), "mask_targets", "link_families", "settle_families")
    assert q.families == [Attr.LOCAL]
    q = run(question("국비와 도비는 얼마 지원돼?", ["국비", "도비"]), "mask_targets", "link_families", "settle_families")
    assert set(q.families) == {Attr.LOCAL, Attr.NATIONAL}


def test_short_triggers_only_as_words():
    q = run(question("인구비율은?", ["인구", "비율"]), "mask_targets", "link_families")
    assert Attr.LOCAL not in q.families and q.families == [Attr.RATIO]


def test_family_typo_is_recorded_on_the_question():
    q = run(question("갱쟁률은?", ["갱쟁률"]), "mask_targets", "link_families", "link_family_typos", "typo_triggers")
    assert q.families == [Attr.COMPETITION] and q.typos == ["갱쟁률은"] and "갱쟁률은" in q.triggers


@pytest.mark.parametrize("text", ["무슨 사업이야?", "누구 대상이에요?", "신청서는 며칠까지 받았어?", "강소형 어디어디 뽑혔어?"])
def test_words_written_as_meant_are_no_family_typos(text):
    """사업이야 is 사업 + 이야, not 사업비 misspelt; 어디어디 is no 어디서; 신청서 no 신청 수."""
    q = run(question(text), "mask_targets", "link_families", "link_family_typos", "typo_triggers")
    assert q.families == [] and q.typos == []


def test_attribute_named_drops_family_word_inside_it():
    q = run(question("유형 수는?", ["유형", "수"]), "mask_targets", "link_families", "link_attributes")
    assert q.attributes == ["유형 수"] and q.families == []


def test_roles_and_role_typo():
    q = run(question("도시경제과장은 누구?"), "mask_targets", "link_roles")
    assert q.attributes == ["도시경제과장"]
    q = run(question("사엽유형 알려줘"), "mask_targets", "link_roles", "link_attribute_typos")
    assert q.attributes == ["사업유형"] and q.typos == ["사엽유형"]


@pytest.mark.parametrize("families, text, left", [
    ([Attr.NATIONAL, Attr.SUPPORT], "국비 지원금", [Attr.NATIONAL]),
    ([Attr.TOTAL_COST, Attr.NATIONAL], "지원받는 총사업비", [Attr.TOTAL_COST]),
    ([Attr.TOTAL_COST, Attr.LOCAL], "지방비 포함 총사업비", [Attr.TOTAL_COST]),
    ([Attr.APPLIED, Attr.NATIONAL], "지원한 국비", [Attr.NATIONAL]),
])
def test_settle_families(families, text, left):
    q = question(text)
    q.families = list(families)
    assert run(q, "settle_families").families == left


def test_intent_priority_and_settling():
    q = run(question("전주시와 안산시 국비 차이는?"), "mask_targets", "read_intent")
    assert q.intent == "diff"
    q = question("신청한 지자체는 몇 곳?")
    q.intent = "count"
    q.families = [Attr.APPLIED]
    assert run(q, "settle_intent").intent == "lookup"  # a stated count, not a count of listed entities
    q = question("모두 몇 곳이 신청했나?")
    q.intent = "count"
    assert run(q, "settle_intent").families == [Attr.APPLIED] and q.intent == "count"
    q = run(question("강소형 선정도시"), "read_intent", "settle_intent")
    assert q.intent == "list"
    q = question("경쟁이 가장 치열한 유형")
    q.intent = "max"
    assert Attr.COMPETITION in run(q, "settle_intent").families


def test_wording_flags_for_compose_rules():
    q = run(question("전주시를 빼고 국비 합계는?"), "link_targets", "read_wording")
    assert q.excludes and q.excluded == ["전주시"]
    q = run(question("가장 많이 받는 곳과 가장 적게 받는 곳의 차이"), "read_wording")
    assert q.spread and q.asks_difference
    q = run(question("세 유형에 신청한 지자체는 모두 몇 곳?"), "read_wording")
    assert q.wants_total and not q.asks_selection
    q = run(question("스마트도시란 무엇인가요?"), "read_wording")
    assert q.topic == "스마트도시"
    assert run(question("책임자 연락처"), "read_wording").asks_responsible


def test_unknown_english_names():
    q = run(question("Busan and Jeonju", english=True), "find_unknown_names")
    assert q.unknown_names == ["Busan"]


def test_step_order_is_declared():
    names = [s.__name__ for s in steps.LINK_STEPS]
    assert names.index("link_targets") < names.index("mask_targets") < names.index("link_families")
    assert names.index("typo_triggers") < names.index("find_unknown_names") < names.index("find_residual")


def test_followup_takes_what_it_leaves_out():
    prev = question("전주시 국비는?")
    prev.entities, prev.families, prev.doc_ids, prev.years = ["전주시"], [Attr.NATIONAL], {"d2025"}, [2025]
    q = question("그럼 안산시는?")
    q.entities = ["안산시"]
    r = resolve_followup(q, prev)
    assert r.followup and r.families == [Attr.NATIONAL] and r.doc_ids == {"d2025"} and r.entities == ["안산시"]
    q = question("그곳 경쟁률은?")
    q.families = [Attr.COMPETITION]
    assert resolve_followup(q, prev).entities == ["전주시"]
    assert resolve_followup(q, None) is q


def test_a_last_word_alias_only_for_place_names():
    """ "경기 고양시" is asked as 고양시, but "정기 신청" is not asked as 신청 (a word of every 모집 question)."""
    assert "고양시" in aliases("경기 고양시") and "에코델타시티" in aliases("부산 에코델타시티")
    assert "신청" not in aliases("정기 신청") and "정기신청" in aliases("정기 신청")


def test_a_followup_within_the_previous_answer_keeps_its_announcement():
    """"그중 일반 분야는?" after a question about 예비창업패키지: 일반 in another title does not move it."""
    prev = question("예비창업패키지는 몇 명 선발해?")
    prev.doc_ids = {"startup"}
    q = question("그중 일반 분야는 몇 명이야?")
    q.doc_ids = {"fishing"}  # 일반 is a word of the title 일반농산어촌개발사업
    assert resolve_followup(q, prev).doc_ids == {"startup"}
    q = question("나노코리아는 몇 명 참가해?")
    q.doc_ids = {"nano"}
    assert resolve_followup(q, prev).doc_ids == {"nano"}  # a new question naming another announcement
