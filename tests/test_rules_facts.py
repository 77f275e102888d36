"""Fact rules one by one, on hand-made sentences, lines and table rows (no corpus, no models)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from qa.chunk import Chunk
from qa.facts import FACTS_DB, Fact, Qualifiers, lines, load_facts, meta, save_facts, sentences, tables
from qa.facts.context import DocContext, FactSink
from qa.facts.model import Found
from qa.facts.sentences import Sentence
from qa.facts.subjects import Mention, Where, mentions, resolve, resolve_field, subjects, topic
from qa.ingest import Document
from qa.lexicon import WHOLE, Attr
from qa.text import sentence_spans


def doc(*body: str, title: str = "2025년 스마트도시 공모 결과", publisher: str | None = "국토교통부") -> Document:
    return Document(doc_id="d", title=title, publisher=publisher, published="2025-03-05", source=None, path="d.txt",
                    lines=tuple(body))


def whole(line: str) -> Sentence:
    return Sentence(line, 0, len(line))


def row(cells: list[tuple[str, str]], start: int = 1, line: str | None = None) -> Chunk:
    text = line or "| " + " | ".join(v for _, v in cells) + " |"
    return Chunk(chunk_id=f"d:{start}", doc_id="d", text=text, start=start, end=start, section="", kind="table_row",
                 search_text=text, cells=tuple(cells))


# ------------------------------------------------------------------------------------------------ sentence rules
def test_money_names_amount_by_closest_money_word_and_reads_period_and_matching():
    [v] = sentences.money(whole("전주시는 국비 160억원을 3년간 지원받는다(국비:지방비=1:1)."))
    assert (v.attribute, v.text, v.value, v.unit) == (Attr.NATIONAL, "160억원", 160.0, "억원")
    assert v.qualifiers == {"matching": "국비:지방비=1:1"}  # the period stands after the amount
    [v] = sentences.money(whole("3년간 국비 160억원"))
    assert v.qualifiers["period"] == "3년간"


@pytest.mark.parametrize("text, attribute", [("총사업비 320억원", "총사업비"), ("사업비 10억원", "사업비"),
                                             ("지원금 5천만원", Attr.SUPPORT), ("모두 80억원", Attr.AMOUNT)])
def test_money_word(text, attribute):
    assert sentences.money(whole(text))[0].attribute == attribute


def test_money_jo_bound_and_approx():
    [v] = sentences.money(whole("총 1조 2,000억원 투입"))
    assert (v.text, v.value, v.unit) == ("12,000억원", 12000.0, "억원")
    [v] = sentences.money(whole("최대 30억원 내외"))
    assert v.qualifiers == {"bound": "최대", "approx": True}


def test_matching_ratio_value_is_local_over_national():
    [v] = sentences.matching(whole("국비:도비 = 7:3으로 분담"))
    assert (v.attribute, v.text, v.value) == (Attr.MATCHING, "국비:도비=7:3", 3 / 7)
    assert v.qualifiers == {"national": 7, "local": 3, "local_key": "도비"}
    assert sentences.matching(whole("국비만 지원")) == []


def test_period_offsets_are_in_the_line():
    line = "공모 결과를 알렸다. 3년간 지원한다."
    s0, s1 = sentence_spans(line)[1]
    [v] = sentences.period(Sentence(line, s0, s1))
    assert line[v.span[0]:v.span[1]] == "3년간" and (v.value, v.unit) == (3.0, "년")


@pytest.mark.parametrize("text, value", [("5.3:1의 경쟁률을 보였다", 5.3), ("경쟁률은 평균 4대 1이었다", 4.0)])
def test_ratio_is_a_field_statement(text, value):
    [v] = sentences.ratio(whole(text))
    assert (v.attribute, v.value, v.unit, v.scope) == (Attr.COMPETITION, value, ":1", "field")


@pytest.mark.parametrize("text, attribute, shown", [
    ("16개 지자체가 신청했다", Attr.APPLIED, "16개"), ("4곳을 선정했다", Attr.SELECTED, "4곳"),
    ("3개 유형으로 나누어", "유형 수", "3개"), ("20개 기관이 참여", Attr.PARTICIPATED, "20개"),
])
def test_count_by_verb_else_noun(text, attribute, shown):
    [v] = sentences.count(whole(text))
    assert (v.attribute, v.text, v.scope) == (attribute, shown, "field")


@pytest.mark.parametrize("text", ["3개 지원", "5명", "3개로 나누어"])
def test_count_needs_a_verb_or_counted_noun(text):
    assert sentences.count(whole(text)) == []


def test_percent_named_by_money_word_else_last_word():
    assert sentences.percent(whole("국비 70% 지원"))[0].attribute == "국비 비율"
    assert sentences.percent(whole("평균 집행률은 최대 95%"))[0].attribute == "집행률 비율"


def test_rule_order_is_the_numbering_order():
    assert [r.__name__ for r in sentences.SENTENCE_RULES] == ["money", "matching", "period", "ratio", "count",
                                                              "percent"]


# ------------------------------------------------------------------------------------------------ subjects
def ctx_with(*body: str) -> DocContext:
    ctx = DocContext(doc(*body), [])
    for name, cat in (("전주시", "거점형"), ("안산시", "강소형"), ("김천시", "강소형")):
        ctx.add_entity(name, "전북" if name == "전주시" else None, cat)
        if cat not in ctx.categories:
            ctx.categories.append(cat)
    return ctx


def where(ctx: DocContext, line: str, topic_=None, section: str = "") -> Where:
    return Where(line, 0, len(line), mentions(ctx, line, ctx.entity_pattern()), topic_, section)


def test_mentions_use_canonical_names_and_categories():
    ctx = ctx_with()
    found = mentions(ctx, "안산·김천시는 강소형", ctx.entity_pattern())
    assert [(m.kind, m.name) for m in found] == [("entity", "안산시"), ("entity", "김천시"), ("category", "강소형")]


def test_resolve_entity_group_before_the_value():
    ctx = ctx_with()
    line = "안산시, 김천시에는 각 80억원"
    assert resolve(ctx, where(ctx, line), line.index("80")) == (["안산시", "김천시"], None)


def test_resolve_collective_amount_is_the_whole_document():
    ctx = ctx_with()
    line = "안산시, 김천시 등 4곳에 총 800억원"
    assert resolve(ctx, where(ctx, line), line.index("800")) == ([], WHOLE)


def test_resolve_falls_back_to_the_point_topic_then_section():
    ctx = ctx_with()
    line = "ㅇ 국비 160억원"
    assert resolve(ctx, where(ctx, line, ("entity", "전주시")), 5) == (["전주시"], None)
    assert resolve(ctx, where(ctx, line, None, "강소형 선정 결과"), 5) == ([], "강소형")


def test_field_statements_resolve_to_the_category_of_the_entity():
    ctx = ctx_with()
    line = "전주시가 속한 유형은 5:1의 경쟁률"
    assert resolve_field(ctx, where(ctx, line), line.index("5:1")) == ([], "거점형")


def test_subjects_and_topic():
    ctx = ctx_with()
    assert subjects(ctx, ["전주시"], None) == [("전주시", "거점형")]
    assert subjects(ctx, [], WHOLE) == [(WHOLE, None)] and subjects(ctx, [], None) == [(WHOLE, None)]
    assert topic("□ 전주시는 국비", [Mention(2, 5, "entity", "전주시")]) == ("entity", "전주시")
    line = "□ 올해 공모의 최종 결과 전주시가"
    assert topic(line, [Mention(line.index("전주시"), line.index("전주시") + 3, "entity", "전주시")]) is None


# ------------------------------------------------------------------------------------------------ tables
def test_table_row_facts_about_the_entity_column():
    c = row([("연번", "1"), ("유형", "거점형"), ("지자체", "전북 전주시"), ("국비(억원)", "160")],
            line="| 1 | 거점형 | 전북 전주시 | 160 |")
    assert tables.table_columns(c) == (2, 1)
    found = tables.table_row(c, c.text)
    assert [(f.subject, f.attribute, f.text, f.value, f.unit) for f in found] == [
        ("전주시", "유형", "거점형", None, ""), ("전주시", "국비", "160억원", 160.0, "억원")]
    assert found[1].qualifiers["region"] == "전북" and found[1].qualifiers["source"] == "table:cell"


def test_total_row_is_document_level():
    c = row([("지자체", "합계"), ("국비(억원)", "800")], line="| 합계 | 800 |")
    assert tables.is_total_row(c)
    [f] = tables.total_row(c, c.text)
    assert (f.subject, f.attribute, f.text, f.qualifiers["total"]) == (WHOLE, "국비", "800억원", True)


def test_header_unit_and_split_entity():
    assert tables.header_unit("국비(단위: 억원)") == ("국비", "억원")
    assert tables.header_unit("비고(기타)") == ("비고(기타)", "")
    assert tables.split_entity("경북 김천시") == ("김천시", "경북")


# ------------------------------------------------------------------------------------------------ lines, meta
def test_contact_line_gives_person_and_phone():
    ctx = DocContext(doc("x"), [])
    found = lines.contacts(ctx, 1, "담당: 사무관 김철수(044-201-3456)")
    assert [(f.subject, f.attribute, f.text) for f in found] == [("국토교통부", "사무관", "김철수"),
                                                                 ("김철수", Attr.PHONE, "044-201-3456")]


def test_contact_department_carries_to_later_rows():
    ctx = DocContext(doc("x"), [])
    lines.contacts(ctx, 1, "| 담당 부서 | 도시경제과 |")
    found = lines.contacts(ctx, 2, "| 책임자 | 과장 | 홍길동 (044-201-1234) |")
    assert ctx.department == "도시경제과"
    assert (found[0].subject, found[0].attribute, found[0].text) == ("도시경제과", "과장", "홍길동")


def test_a_department_cell_keeps_its_bureau_and_division():
    ctx = DocContext(doc("x"), [])
    row = "| 담당 부서 | 의료안전예방국 예방접종관리과 | 책임자 | 과장 박정훈 (043-719-0000) |"
    [dept, person, phone] = lines.contacts(ctx, 1, row)
    assert (dept.attribute, dept.text) == (Attr.DEPARTMENT, "의료안전예방국 예방접종관리과")  # had been the bureau alone
    # the rank and the person in one cell: the division's 과장, read where the row writes them
    assert (person.subject, person.attribute, person.text, phone.text) == ("예방접종관리과", "과장", "박정훈",
                                                                          "043-719-0000")
    assert row[slice(*person.span)] == "박정훈" and row[slice(*phone.span)] == "043-719-0000"
    assert lines.contacts(DocContext(doc("x"), []), 1, "담당부서: 교육부 대학학술정책관 장학제도과")[0].text == \
        "교육부 대학학술정책관 장학제도과"
    assert lines.contacts(DocContext(doc("x"), []), 1, "| 담당 부서 | 낙동강사업처 | 책임자 | 부 장 | 김도훈 |")[0].text == \
        "낙동강사업처"  # a public corporation's 처


def test_a_contact_row_with_a_spaced_rank_and_the_phone_in_its_own_cell():
    ctx = DocContext(doc("x"), [])
    row = "| 담당 부서 | 개인납세국 원천세과 | 책임자 | 과 장 정현우 | (044-204-3400) |"
    [_, person, phone] = lines.contacts(ctx, 1, row)
    assert (person.subject, person.attribute, person.text) == ("원천세과", "과장", "정현우")
    assert (phone.subject, phone.attribute, phone.text) == ("정현우", Attr.PHONE, "044-204-3400")
    assert row[slice(*person.span)] == "정현우" and row[slice(*phone.span)] == "044-204-3400"


def test_labels_defined_then_used():
    ctx = ctx_with()
    lines.define_labels(ctx, "세부유형(지역소멸 대응형, 기후위기 대응형)")
    line = "김천시(지역소멸 대응형)"
    [f] = lines.entity_labels(ctx, 2, line, mentions(ctx, line, ctx.entity_pattern()))
    assert (f.subject, f.attribute, f.text) == ("김천시", "세부유형", "지역소멸 대응형")


def test_label_value_line():
    [f] = lines.label_value(ctx_with(), 3, "ㅇ 신청기간: 3월 1일 ~ 3월 31일", "")
    assert (f.subject, f.attribute, f.text, f.qualifiers) == (WHOLE, "신청기간", "3월 1일 ~ 3월 31일",
                                                              {"source": "label"})
    assert lines.label_value(ctx_with(), 3, "출처: https://x.kr", "") == []


def test_meta_rules():
    [t, y] = meta.title("2025년 스마트도시 공모 결과", 1, "2025년 스마트도시 공모 결과")
    assert (t.attribute, y.attribute, y.value) == (Attr.TITLE, Attr.YEAR, 2025.0)
    assert meta.source(9, "출처: https://www.molit.go.kr/a")[0].text == "https://www.molit.go.kr/a"
    assert meta.websites(9, "스마트도시 누리집(www.smartcity.go.kr)")[0].subject == "스마트도시 누리집"
    assert meta.release_date(2, "| 보도시점 | 2025. 3. 5.(수) |")[0].text == "2025. 3. 5.(수)"


# ------------------------------------------------------------------------------------------------ sink, model
def test_sink_drops_repeats_and_adds_entity_qualifiers():
    ctx = ctx_with("전주시 국비 160억원")
    sink = FactSink(ctx)
    f = Found("전주시", "국비", "160억원", 1, (7, 12), value=160.0, unit="억원", qualifiers={"bound": None})
    sink.add_all([f, f])
    [fact] = sink.facts
    assert (fact.fact_id, fact.raw) == ("d:0000", "160억원")
    assert fact.qualifiers.to_dict() == {"category": "거점형", "region": "전북", "year": 2025}


def test_qualifiers_serialise_set_fields_only(tmp_path):
    q = Qualifiers.of({"category": "거점형", "period": "", "unknown": 1})
    assert q.to_dict() == {"category": "거점형"} and dict(q) == {"category": "거점형"}
    assert q.get("period") is None and q["category"] == "거점형" and "period" not in q
    with pytest.raises(KeyError):
        q["period"]
    fact = Fact("d:0", "d", "전주시", "국비", 160.0, "억원", "160억원", "160억원", "c", 1, (0, 6),
                {"category": "거점형", "bound": "최대"})
    assert isinstance(fact.qualifiers, Qualifiers)
    assert fact.to_dict()["qualifiers"] == {"category": "거점형", "bound": "최대"}
    save_facts([fact], tmp_path)
    stored = sqlite3.connect(tmp_path / FACTS_DB).execute("SELECT qualifiers FROM facts").fetchone()[0]
    assert json.loads(stored) == {"category": "거점형", "bound": "최대"}
    assert load_facts(tmp_path) == [fact]
