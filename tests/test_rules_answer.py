"""Compose rules one by one, on hand-made facts and questions (no index, no models)."""

from __future__ import annotations

import pytest

from qa.answer import RULES, FactTable, compose, extend_lead_in, passage_fits, passage_text, units
from qa.answer.rules import count, difference, extreme, listing, lookup, selection, sum, total, unselected
from qa.answer.table import one_unit
from qa.chunk import Chunk
from qa.facts import Fact
from qa.ingest import Document
from qa.lexicon import WHOLE, Attr
from qa.question import Question, compact

DOC = Document(doc_id="d", title="2025 공모 결과", publisher=None, published="2025-03-05", source=None, path="",
               lines=("x",))
ROWS = [("전주시", "거점형", 160), ("안산시", "강소형", 80), ("김천시", "강소형", 80)]


def fact(subject, attribute, value, unit, text, line=1, **q) -> Fact:
    return Fact(f"d:{subject}:{attribute}", "d", subject, attribute, value, unit, text, text, "c", line,
                (0, len(text)), q)


def table(*extra: Fact, matching: bool = True) -> FactTable:
    facts = []
    for i, (city, cat, money) in enumerate(ROWS, start=1):
        facts.append(fact(city, "사업유형", None, "", cat, line=i, category=cat, entity=True))
        facts.append(fact(city, "국비", money, "억원", f"{money}억원", line=10 + i, category=cat,
                          **({"matching": "국비:지방비=1:1"} if matching else {})))
    facts += [fact("강소형", "경쟁률", 5.3, ":1", "5.3:1", line=20), fact(WHOLE, "신청 수", 25, "곳", "25곳", line=21),
              *extra]
    return FactTable(facts, [DOC], {c for c, _, _ in ROWS})


def q(text: str, **fields) -> Question:
    question = Question(text=text, compact=compact(text), tokens=text.split())
    for k, v in fields.items():
        setattr(question, k, v)
    return question


def test_rule_table_order():
    assert [r.name for r in RULES] == ["extreme", "difference", "unselected", "sum", "total", "count", "listing",
                                       "selection", "lookup"]


def test_lookup_and_category_inheritance():
    t = table()
    d = compose(q("전주시 국비는?", entities=["전주시"], families=[Attr.NATIONAL]), t)
    assert (d.rule, d.text, d.kind) == ("lookup", "전주시 국비: 160억원 (국비:지방비=1:1)", "fact")
    d = lookup.run(q("안산시 경쟁률", entities=["안산시"], families=[Attr.COMPETITION]), t.source.every(), t)
    assert d.text == "강소형(안산시) 경쟁률: 5.3:1"
    assert not lookup.applies(q("안산시는?", entities=["안산시"]))


def test_a_phone_asked_of_a_person_found_follows_to_the_persons_phone():
    t = table(fact("원천세과", "사무관", None, "", "윤서진", line=30, person=True, label="담당자"),
              fact("윤서진", Attr.PHONE, None, "", "044-204-3410", line=30, role="사무관"),
              fact("징세과", "사무관", None, "", "유지민", line=31, person=True, label="담당자"),
              fact("유지민", Attr.PHONE, None, "", "044-204-3420", line=31, role="사무관"))
    asked = q("원천세과 담당 사무관 전화번호", entities=["원천세과"], families=[Attr.PHONE, Attr.CONTACT],
              attributes=["사무관"])
    d = lookup.run(asked, t.source.every(), t)
    assert "윤서진" in d.text and "044-204-3410" in d.text  # had been the person's name alone
    assert "044-204-3420" not in d.text  # another division's person's phone


def test_lookup_skips_values_the_question_states():
    t = table()
    assert lookup.run(q("강소형인 안산시 유형", entities=["안산시"], families=[Attr.TYPE]), t.source.every(), t) is None


def test_sum_with_working_and_exclusion():
    t = table()
    d = compose(q("국비 합계", intent="sum", families=[Attr.NATIONAL]), t)
    assert d.rule == "sum" and d.text.startswith("국비 합계: 320억원 (전주시 160억원 + 안산시 80억원")
    d = sum.run(q("전주시 빼고 국비 합계", intent="sum", families=[Attr.NATIONAL], entities=["전주시"], excludes=True),
                t.source.every(), t)
    assert d.text == "국비 합계(전주시 제외): 160억원 (안산시 80억원 + 김천시 80억원)"


def test_sum_of_one_place_is_its_own_total():
    """"전주 국비랑 지방비 더하면": one place's 국비 and 지방비, its 총사업비, not 지방비 added over every place."""
    t = table()
    one = q("전주 국비랑 지방비 더하면", intent="sum", families=[Attr.TOTAL_COST, Attr.NATIONAL], entities=["전주시"])
    assert sum.run(one, t.source.every(), t) is None
    d = compose(one, t)
    assert d.rule == "total" and d.text.startswith("전주시 총사업비: 320억원 (국비 160억원 + 지방비 160억원")


def test_unselected_are_the_applications_less_the_places_selected():
    """"떨어진 곳 몇 곳": the applications stated (of the category named, or the stated total) less the places
    listed as selected, with the working; a place named asks something else."""
    t = table(fact("거점형", "신청 수", 3, "곳", "3곳", line=22), fact("강소형", "신청 수", 16, "곳", "16곳", line=23))
    d = compose(q("강소형 신청했다가 떨어진 곳 몇곳", families=[Attr.APPLIED], categories=["강소형"]), t)
    assert (d.rule, d.text) == ("unselected", "선정되지 않은 곳: 14곳 (신청 16곳 − 선정 2곳: 안산시, 김천시)")
    d = unselected.run(q("선정 안 된 곳 몇 곳", intent="count"), t.source.every(), t)
    assert d.text == "선정되지 않은 곳: 22곳 (신청 25곳 − 선정 3곳: 전주시, 안산시, 김천시)"
    assert not unselected.applies(q("전주시는 떨어졌어?", entities=["전주시"]))
    assert not unselected.applies(q("거점형에 신청했다가 탈락한 지자체는 어디인가요?", categories=["거점형"]))
    # … nor does the list of those selected answer which were not: it names the opposite
    failed = q("거점형에 신청했다가 탈락한 지자체는 어디인가요?", intent="where", categories=["거점형"])
    assert not listing.applies(failed) and compose(failed, t) is None
    assert listing.applies(q("거점형에 선정된 지자체는 어디인가요?", intent="where", categories=["거점형"]))
    # no stated total, and counts of different counters (곳, 개): not added, no answer (rather than an error)
    types = [fact(city, "사업유형", None, "", cat, line=i, category=cat, entity=True) for i, (city, cat, _) in enumerate(ROWS)]
    applied = [fact("거점형", "신청 수", 3, "곳", "3곳", line=22), fact("강소형", "신청 수", 16, "개", "16개", line=23)]
    mixed = FactTable(types + applied, [DOC], {c for c, _, _ in ROWS})
    assert unselected.run(q("선정 안 된 곳 몇 곳", intent="count"), mixed.source.every(), mixed) is None


def test_sum_derived_from_matching():
    t = table()
    d = compose(q("총사업비 합계", intent="sum", families=[Attr.TOTAL_COST], entities=["전주시", "안산시"]), t)
    assert d.rule == "sum:derived" and d.text.startswith("총사업비 합계: 480억원")


def test_sum_of_two_quantities_each_stated_once():
    """"국비와 지방비를 더하면": each quantity's one value added; a quantity stated per place is no single term."""
    t = FactTable([fact(WHOLE, "국비", 171, "억원", "171억원", line=1), fact(WHOLE, "지방비", 171, "억원", "171억원", line=2)],
                  [DOC], set())
    d = compose(q("국비와 지방비를 더하면", intent="sum", families=[Attr.NATIONAL, Attr.LOCAL]), t)
    assert (d.rule, d.text) == ("sum:quantities", "합계: 342억원 (국비 171억원 + 지방비 171억원)")
    assert sum.quantities_sum(q("국비와 경쟁률", intent="sum", families=[Attr.NATIONAL, Attr.COMPETITION]),
                              table().source.every(), table()) is None


def test_difference_between_two_targets():
    t = table()
    d = compose(q("차이", intent="diff", entities=["안산시", "전주시"], families=[Attr.NATIONAL]), t)
    assert (d.rule, d.text) == ("difference", "국비 차이: 80억원 (전주시 160억원 - 안산시 80억원)")
    assert not difference.applies(q("차이", intent="diff", entities=["전주시"]))


def test_extreme_and_spread():
    t = table()
    d = compose(q("국비 최다", intent="max", families=[Attr.NATIONAL]), t)
    assert (d.rule, d.text) == ("extreme", "전주시 (국비 160억원)")
    d = extreme.run(q("국비 최저", intent="min", families=[Attr.NATIONAL]), t.source.every(), t)
    assert d.text == "안산시, 김천시 (국비 80억원)"
    spread = q("최대 최소 차이", intent="diff", families=[Attr.NATIONAL], max_word=True, min_word=True,
               asks_difference=True)
    assert extreme.applies(spread)
    d = compose(spread, t)
    assert d.rule == "extreme:spread" and d.text.startswith("국비 최대·최소 차이: 80억원")


def test_total_derived_unless_stated():
    t = table()
    d = compose(q("전주시 총사업비", entities=["전주시"], families=[Attr.TOTAL_COST]), t)
    assert d.rule == "total" and d.text == ("전주시 총사업비: 320억원 (국비 160억원 + 지방비 160억원, "
                                            "국비:지방비=1:1)")
    stated = table(fact("전주시", "총사업비", 400, "억원", "400억원", line=30))
    assert total.run(q("전주시 총사업비", entities=["전주시"], families=[Attr.TOTAL_COST]), stated.source.every(), stated) is None
    assert compose(q("전주시 지방비", entities=["전주시"], families=[Attr.LOCAL]), t).text.startswith("전주시 지방비: 160억원")


def test_count_stated_summed_and_members():
    t = table(fact("거점형", "신청 수", 3, "곳", "3곳", line=22), fact("강소형", "신청 수", 16, "곳", "16곳", line=23))
    d = compose(q("신청 몇 곳", intent="count", families=[Attr.APPLIED]), t)
    assert d.rule == "count" and "25곳" in d.text
    d = count.run(q("모두 몇 곳", intent="count", families=[Attr.APPLIED], categories=["거점형", "강소형"],
                    wants_total=True), t.source.every(), t)
    assert d.text == "신청 수 합계: 19곳 (거점형 3곳 + 강소형 16곳)"
    # a sum asked of applicants: stated per category, not per selected place (the places have none of it)
    d = sum.run(q("세 유형 합쳐서 몇 곳이 신청", intent="sum", families=[Attr.APPLIED]), t.source.every(), t)
    assert d.text == "신청 수 합계: 19곳 (거점형 3곳 + 강소형 16곳)"
    each = [fact(city, "사업유형", None, "", cat, line=i, category=cat, entity=True) for i, (city, cat, _) in enumerate(ROWS)]
    each += [fact("거점형", "국비", 200, "억원", "200억원", line=22), fact("강소형", "국비", 120, "억원", "120억원", line=23)]
    each_table = FactTable(each, [DOC], {c for c, _, _ in ROWS})
    # an amount per category may be each member's (각 120억원): not added up as if it were the category's
    assert sum.run(q("선정된 곳 국비 모두 합하면", intent="sum", families=[Attr.NATIONAL]), each, each_table) is None
    d = compose(q("강소형 선정 몇 곳", intent="count", categories=["강소형"], asks_selection=True), t)
    assert (d.rule, d.text) == ("count:members", "강소형 2곳 (안산시, 김천시)")


def test_places_listed_in_several_rows_are_not_counted_as_places():
    """Two 대상지 of one 군 (a row each): the number of places is not what "대상지는 몇 개소?" asks."""
    t = table(fact("김천시", "사업유형", None, "", "특화단지", line=4, category="특화단지", entity=True))
    assert count.run(q("선정 몇 곳", intent="count"), t.source.every(), t) is None
    assert count.run(q("선정 몇 곳", intent="count"), table().source.every(), table()).text.startswith("3곳")


def test_listing_by_category():
    t = table()
    d = compose(q("선정된 도시", intent="list"), t)
    assert (d.rule, d.text) == ("listing", "거점형: 전주시 / 강소형: 안산시, 김천시")
    assert listing.run(q("강소형", intent="list", categories=["강소형"]), t.source.every(), t).text == "강소형: 안산시, 김천시"
    assert not listing.applies(q("국비 어디", intent="where", families=[Attr.NATIONAL]))


def test_selection():
    t = table()
    question = q("전주시는 선정됐나요?", entities=["전주시"], asks_selection=True)
    assert selection.applies(question)
    assert compose(question, t).text == "전주시: 거점형 선정"
    assert compose(q("전주시 면적?", entities=["전주시"]), t) is None
    # what was selected in it is another question; as what it was selected, or the city itself, is not
    assert not selection.applies(q("장흥군 선정 마을 이름은?", entities=["장흥군"], asks_selection=True))
    assert selection.applies(q("부산광역시가 선정된 사업을 모두 알려줘", entities=["부산광역시"], asks_selection=True))
    assert selection.applies(q("선정된 전주시는 어떤 유형이야?", entities=["전주시"], asks_selection=True))


def test_scope_outside_the_question_documents():
    assert compose(q("국비", families=[Attr.NATIONAL], doc_ids={"other"}), table()) is None


# ------------------------------------------------------------------------------------------------ passages
def chunk(text: str) -> Chunk:
    return Chunk("c", "d", text, 1, 1, "", "point", text)


def test_units_split_lines_and_sentences():
    text = "□ 첫 문장이다. 둘째 문장\nㅇ 다음 줄"
    assert [text[a:b] for a, b in units(text)] == ["□ 첫 문장이다.", "둘째 문장", "ㅇ 다음 줄"]


@pytest.mark.parametrize("families, intent, text, fits", [
    ([Attr.NATIONAL], "lookup", "국비 160억원 지원", True), ([Attr.NATIONAL], "lookup", "국비를 지원한다", False),
    ([Attr.PHONE], "lookup", "문의 044-201-3456", True), ([], "count", "여러 곳", False), ([], "describe", "무엇", True),
    ([Attr.PHONE], "lookup", "고객센터(1544-3412)에서 확인", True), ([Attr.PHONE], "lookup", "국세상담센터(국번 없이 126)", True),
    ([Attr.PHONE], "lookup", "2015-2024년 추이", False), ([Attr.PHONE], "lookup", "상담센터로 문의", False),
])
def test_passage_fits(families, intent, text, fits):
    assert passage_fits(q("?", families=families, intent=intent), text) is fits


def test_lead_in_and_passage_text():
    c = chunk("□ 다음과 같은 지원이 제공된다.\nㅇ 컨설팅\nㅇ 교육")
    span = extend_lead_in(c, units(c.text)[0])
    assert passage_text(c, span) == "다음과 같은 지원이 제공된다.\n컨설팅\n교육"


def test_passage_weights_are_config(tmp_path):
    from qa.config import Config

    (tmp_path / "qa.toml").write_text("[passage]\nquote_bonus = 0.3\n", encoding="utf-8")
    c = Config.load(tmp_path / "qa.toml", env={})
    assert c.passage.quote_bonus == 0.3 and c.passage.date_bonus == Config().passage.date_bonus


def test_a_lookup_keeps_the_subject_the_question_writes():
    """"홑벌이 … 기준은?": of the three household types' limits, the one the question writes part of."""
    limits = [fact(s, "총소득 기준", v, "만원", f"{v:,}만원 미만", line=40 + i)
              for i, (s, v) in enumerate([("단독가구", 2200), ("홑벌이가구", 3200), ("맞벌이가구", 3800)])]
    t = FactTable(limits, [DOC], set())
    ask = q("홑벌이 총소득 기준은?", attributes=["총소득 기준"])
    assert lookup.named_subjects(ask, limits) == [limits[1]]
    assert lookup.named_subjects(q("총소득 기준은?", attributes=["총소득 기준"]), limits) == limits
    assert "3,800" not in lookup.run(ask, t.source.every(), t).text


def test_the_items_of_a_list_of_places_naming_the_one_asked():
    from qa.answer.passage import named_items

    text = ("ㅇ (농어촌 21곳) 순천 송강면 삼청마을·상사면 초곡마을, 나주 동강면 대전지구, 광양 봉강면 부암마을, "
            "장흥 관산읍 동두마을·장흥읍 행원마을, 강진 작천면 죽산마을")
    places = ("순천", "나주", "광양", "장흥", "강진")
    span = named_items(text, (0, len(text)), ["장흥", "장흥군"], lambda item: any(p in item for p in places))
    assert text[span[0]:span[1]] == "장흥 관산읍 동두마을·장흥읍 행원마을"
    # a list of things, not of places: the whole passage stands
    things = "ㅇ 김천형 MaaS, 드론 배송, 스마트 정류장, 수요응답형 버스를 도입한다"
    assert named_items(things, (0, len(things)), ["김천"], lambda item: "김천" in item) is None


def test_amounts_and_their_rates_are_never_added_or_spread():
    """A table's rate row ("국비 증감률(%)") states its column in % beside the column's amounts: no sum, no spread
    over both (adding 억원 to % had raised "units differ" and failed the question)."""
    t = table(fact("국비 증감률(%)", "국비", 12.5, "%", "12.5%", line=30))
    assert not one_unit([f for f in t.source.every() if f.attribute == "국비"])
    d = sum.run(q("국비 합계", intent="sum", families=[Attr.NATIONAL]), t.source.every(), t)
    assert d is None or "%" not in d.text.split("(")[0]
    spread = q("최대 최소 차이", intent="diff", families=[Attr.NATIONAL], max_word=True, min_word=True,
               asks_difference=True)
    assert extreme.run(spread, t.source.every(), t) is None
