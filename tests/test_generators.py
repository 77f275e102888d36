"""Each generator alone, on the kit corpus (two short announcements written for these tests; no embedding model):
what it proposes for a question it is made for, and that it stays silent where it has nothing to say."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from answer_kit import context, store_sentence_vectors

from qa.answer.generators import (
    GENERATORS,
    arithmetic,
    attribution,
    facts,
    generate,
    inverse,
    listing,
    metadata,
    not_found,
    passages,
    quoted,
    tables,
)


def texts(cands) -> list[str]:
    return [c.text for c in cands]


def test_every_generator_is_registered_by_name():
    assert set(GENERATORS) >= {"facts", "quoted", "arithmetic", "rows", "passage", "lead", "inverse", "attribution",
                               "listing", "count_items", "extreme", "changed", "periods", "metadata", "not_found"}
    assert [c.generator for c in generate(context("여수시 국비는?"), names=("not_found",))] == ["not_found"]


def test_facts_proposes_each_applicable_compose_rule():
    found = facts.generate(context("여수시 국비는?"))
    assert found[0].rule == "lookup" and "90억원" in found[0].text
    assert all(c.kind == "fact" and c.facts for c in found)
    assert facts.generate(context("미래부 과장이 뭐라고 말했어?")) == []  # a quote is a sentence, not a fact


def test_in_parentheses_tells_a_reference_figure():
    from types import SimpleNamespace

    text = "근원물가 상승률은 전년(2.2%)보다 낮은 1.8%\n(참고) 2.0%"

    def value(raw: str, nth: int = 0) -> SimpleNamespace:
        at = -1
        for _ in range(nth + 1):
            at = text.find(raw, at + 1)
        return SimpleNamespace(chunk=SimpleNamespace(text=text), value_span=(at, at + len(raw)))
    assert quoted.in_parentheses(value("2.2%"))
    assert not quoted.in_parentheses(value("1.8%"))
    assert not quoted.in_parentheses(value("2.0%"))  # the line's parenthesis closed before it
    assert not quoted.in_parentheses(SimpleNamespace(chunk=SimpleNamespace(text=text), value_span=None))
    row = "| 전 체 | 141.5 | (△13.4) |"  # a rate row prints its cells in parentheses: no reference figure
    at = row.find("△13.4")
    assert not quoted.in_parentheses(SimpleNamespace(chunk=SimpleNamespace(text=row), value_span=(at, at + 5)))


def test_quoted_quotes_distinct_values_of_the_asked_class_best_first():
    found = quoted.generate(context("강소형 경쟁률은?"))
    assert found[0].value_kind == "ratio" and "6:1" in found[0].text
    assert len({c.text for c in found}) == len(found) <= quoted.TOP
    assert found[0].evidence["coverage"] > 0 and found[0].facts[0].qualifiers["source"] == "quoted"
    assert quoted.generate(context("여수시는 무슨 사업을 해?")) == []  # no value is asked


def test_arithmetic_adds_two_named_values_with_the_working():
    found = arithmetic.generate(context("거점형과 강소형 신청 지자체 합치면 몇 곳?"))
    assert found and found[0].text.startswith("합계: 20개") and "8개" in found[0].text and "12개" in found[0].text
    assert found[0].evidence["computed"] == 1.0 and len(found[0].facts) == 2


def test_arithmetic_offers_other_operand_values_ranked_after_the_first_pair():
    found = arithmetic.generate(context("거점형과 강소형 신청 지자체 합치면 몇 곳?"))
    assert 1 < len(found) <= arithmetic.ALTERNATIVES + 1 and len({c.text for c in found}) == len(found)
    assert [c.evidence["rank"] for c in found] == list(range(len(found)))
    assert found[0].text.startswith("합계: 20개")  # the best value of each operand first


def test_arithmetic_reads_a_comparison_as_a_difference():
    op = arithmetic.read_operation("강소형 신청은 거점형보다 몇 곳 더 많아?", context("강소형 신청은 거점형보다 몇 곳 더 많아?").ask)
    assert op is not None and op.op == "diff" and "거점형" in op.b
    found = arithmetic.generate(context("강소형 신청은 거점형보다 몇 곳 더 많아?"))
    assert found and "4개" in found[0].text


def test_rows_reads_the_rows_a_cell_value_names():
    found = tables.generate(context("강소형으로 뽑힌 지자체는?"))
    assert found and "여수시" in found[0].text and "통영시" in found[0].text and "강서구" not in found[0].text


def test_passage_ranks_units_one_per_chunk():
    found = passages.generate(context("여수시 섬 주민을 위한 계획은?"))
    assert "드론 택배" in found[0].text and found[0].kind == "passage" and found[0].unit_span is not None
    assert len({c.unit_chunk.chunk_id for c in found}) == len(found)


def test_a_question_whose_nouns_are_all_the_titles_is_ranked_by_its_verb():
    """"2분기 항만 물동량 줄었어?" names nothing but its announcement's title and a one-syllable verb: the verb
    decides which sentence answers (before, no passage was proposed at all), and a sentence without it is none;
    the question's own verbs never decide."""
    from qa.answer.passage import asked_verbs

    ctx = context("2분기 항만 물동량 줄었어?")
    assert asked_verbs(ctx.q, ctx.title_words) == ["줄"]
    assert [c.text[:18] for c in passages.generate(ctx)] == ["부산항 물동량은 △1.5% 줄었고"]
    assert asked_verbs(context("스마트 항만 공모 얼마 받아?").q) == []  # 받: the question's own verb


def test_a_passage_answering_which_place_says_whose_point_it_is():
    """A sub-point that names no one answers "어디야?" labelled with the place its point opens with; the same
    sentence answers a question that asks no name as written, and one that names its place needs no label."""
    assert passages.generate(context("수중 로봇 관제 하는 곳은 어디야?"))[0].text.startswith("여수시: 항만 안전을")
    assert passages.generate(context("수중 로봇 관제 계획은?"))[0].text.startswith("항만 안전을")
    assert passages.generate(context("드론 택배 도입하는 곳은?"))[0].text.startswith("여수시는 섬 지역")


def test_lead_answers_a_summary_question_with_the_first_point():
    found = passages.lead(context("2030 스마트 항만 공모 주요 내용은?"))
    assert found and found[0].text.startswith("미래부는")
    assert passages.lead(context("여수시 국비는?")) == []


def test_inverse_finds_who_has_a_stated_value():
    found = inverse.generate(context("국비 90억원 받는 곳은?"))
    by_rule = {c.rule: c.text for c in found}
    assert "여수시" in by_rule["inverse:table"] and "통영시" in by_rule["inverse:table"]
    assert "강서구" not in by_rule["inverse:table"]
    assert inverse.stated("경쟁률이 6:1인 유형은?")[0].text == "6:1"


def test_attribution_names_whose_plan_a_described_service_is():
    found = attribution.generate(context("드론 택배 도입하는 곳은?"))
    assert found and found[0].text == "여수시"
    # a sub-point belongs to the one its point opens with
    assert attribution.generate(context("수중 로봇 관제 하는 곳은 어디야?"))[0].text == "여수시"


def test_attribution_names_each_owner_whose_passage_holds_the_specific_words():
    """"드론을 활용하는 도시는?": every place whose plan names 드론, not only the one that also says 활용."""
    kept = SimpleNamespace(text="□ 여수시는 섬 지역 주민을 위해 자율운항 여객선과 드론 택배를 도입할 계획이다.")
    assert attribution.holds_all(kept, ["드론"]) and attribution.holds_all(kept, ["드론", "택배"])
    assert not attribution.holds_all(kept, ["드론", "경매장"]) and not attribution.holds_all(kept, [])


def test_listing_reads_a_tables_labels_for_a_where_list():
    found = listing.generate(context("선정된 곳 어디어디야?"))
    assert found and all(n in found[0].text for n in ("강서구", "여수시", "통영시"))
    assert not listing.asks_list("여수시 국비는?")


def test_metadata_reads_the_contact_block_date_and_speaker():
    assert metadata.asked("담당 부서 어디야?") >= {"department"}
    assert "department" in metadata.asked("이 자료 어느 과 담당이에요?") and "department" in metadata.asked("담당 과장 누구야?")
    assert "department" not in metadata.asked("대구는 무슨 과제를 하게 됐어?")  # 과제, 과목: not the word 과
    assert "published" in metadata.asked("보도자료 언제 나왔어?")
    dept = metadata.generate(context("담당 부서 어디야?"))
    assert dept and "항만정책과" in dept[0].text and "044-200-1111" in dept[0].text
    who = metadata.generate(context("섬 주민 이동권 얘기한 사람 누구야?"))
    assert who and who[0].text.endswith("김하나 항만정책과장")
    date = metadata.generate(context("2030 스마트 항만 공모 결과 보도자료 언제 나왔어?"))
    assert date and "2030년 6월 10일" in date[0].text
    # the date comes from the announcement's metadata, written on no line: still an answer from that announcement
    assert date[0].doc_ids == {"port_2030_selection"} and date[0].facts[0].line == 1


@pytest.mark.parametrize("question, reason", [
    ("제주시 국비는?", "unknown_name"),
    ("여수시 인구는 몇 명이야?", "unknown_noun"),
    ("강소형 경쟁률은?", "no_answer"),
])
def test_not_found_always_proposes_itself_with_its_reasons(question, reason):
    (none,) = not_found.generate(context(question))
    assert none.kind == "none" and none.rule == f"not_found:{reason}"
    assert set(none.evidence) == set(not_found.REASONS)


def test_a_noun_made_the_verb_is_no_unknown_subject():
    """"얼마가 투입돼?": 투입 (a noun made a verb by 되다) says what happens to the money, so a corpus that never
    writes 투입 still may answer it; an unknown noun the question is about (인구) still argues "not found"."""
    (none,) = not_found.generate(context("여수시 국비는 얼마나 투입돼?"))  # 투입: its only word left
    assert none.evidence["unknown_noun"] == 0.0
    (none,) = not_found.generate(context("여수시 인구는 몇 명이야?"))
    assert none.evidence["unknown_noun"] == 1.0


@pytest.mark.parametrize("question, a, b", [
    ("거점형 지원금이 강소형 한 곳 지원금의 몇 배야?", "거점형 지원금", "강소형 한 곳 지원금"),  # one head: its words
    ("강소형 신청은 거점형 신청의 몇 배야?", "강소형 신청", "거점형 신청"),
    ("여수시 국비는 통영시의 몇 배야?", "국비", "통영시"),  # two heads: as before
])
def test_arithmetic_reads_a_multiple_of_two_things_named_by_the_same_head(question, a, b):
    op = arithmetic.read_operation(question, context(question).ask)
    assert op is not None and op.op == "ratio" and op.a.startswith(a) and op.b.startswith(b)


@pytest.mark.parametrize("question, a, b", [
    ("전체 신청 지자체 중에 강소형이 차지하는 비중은 몇 %야?", "강소형", "전체 신청 지자체"),
    ("강소형이 전체 신청 지자체에서 차지하는 비율은?", "강소형", "전체 신청 지자체"),
])
def test_arithmetic_reads_the_share_a_part_takes_of_a_whole(question, a, b):
    op = arithmetic.read_operation(question, context(question).ask)
    assert op is not None and op.op == "share" and op.total_b and op.a.startswith(a) and op.b.startswith(b)


def test_a_share_above_the_whole_is_no_answer():
    from qa.quantity import parse

    def value(text):
        return SimpleNamespace(quantity=parse(text)[0])

    assert arithmetic._compute("share", value("80억원"), value("160억원"))[0].startswith("50% (")
    assert arithmetic._compute("share", value("1억원"), value("3억원"))[0].startswith("33.3% (")
    assert arithmetic._compute("ratio", value("300만 명"), value("80만 명"))[0].startswith("3.75배 (")
    assert arithmetic._compute("ratio", value("160억원"), value("80억원"))[0].startswith("2배 (")
    assert arithmetic._compute("share", value("160억원"), value("80억원")) is None


def test_arithmetic_pairs_two_rows_in_the_same_column_first():
    from qa.chunk import Chunk

    header = ("구분", "2024년(곳)", "야간 쉼터(곳)")
    rows = {"부산": ("1,350", "35"), "대구": ("1,350", "41")}  # "35" is also inside "1,350"

    def cell(row: str, column: int):
        """The value in ``column`` (1 or 2) of ``row``'s table row."""
        values = rows[row]
        text = f"| {row} | {values[0]} | {values[1]} |"
        chunk = Chunk(f"d#{row}", "d", text, 1, 1, "", "table_row", text, tuple(zip(header, (row, *values), strict=True)))
        at = text.rfind(f" {values[column - 1]} |") + 1 if column == 2 else text.find(values[0])
        return SimpleNamespace(chunk=chunk, value_span=(at, at + len(values[column - 1])))

    busan, daegu, busan_night, daegu_night = cell("부산", 1), cell("대구", 1), cell("부산", 2), cell("대구", 2)
    assert busan_night.chunk.text[slice(*busan_night.value_span)] == "35"
    assert arithmetic.column_of(busan) == ("d", header, 1)
    assert arithmetic.column_of(busan_night)[2] == 2  # the third column, not the "1,350" that holds "35"
    assert arithmetic.aligned(busan, daegu) and not arithmetic.aligned(busan, daegu_night)
    assert arithmetic.aligned(busan_night, daegu_night) and not arithmetic.aligned(busan_night, daegu)
    assert not arithmetic.aligned(busan, busan)  # one cell is no pair
    sentence = SimpleNamespace(chunk=Chunk("d#s", "d", "부산 1,269곳", 1, 1, "", "point", ""), value_span=(3, 8))
    assert arithmetic.column_of(sentence) is None and not arithmetic.aligned(sentence, sentence)


def test_count_items_counts_what_a_table_lists_in_the_questions_counter():
    found = listing.count(context("거점형 강소형 지자체 국비 표에 나온 지자체 몇 가지야?"))
    assert "3가지\n• 부산 강서구\n• 전남 여수시\n• 경남 통영시" in texts(found)
    assert all(c.generator == "count_items" and c.value_kind == "count" for c in found)
    assert listing.count(context("여수시 국비는?")) == []  # no count of items asked
    assert listing.count(context("거점형 강소형 지자체 국비 표에 나온 곳 몇 곳이야?")) == []  # places: stated counts
    assert listing.count(context("여수시 계획은 몇 가지야?")) == []  # one sub-point is no list


def test_extreme_reads_the_largest_or_smallest_row_of_the_column_asked():
    from qa.answer.generators import extreme

    top = extreme.generate(context("국비를 가장 많이 받는 지자체는?"))
    assert texts(top) == ["부산 강서구 (국비(억원) 200)"] and top[0].rule == "extreme:max" and top[0].facts
    assert texts(extreme.generate(context("국비가 제일 적은 곳은?"))) == ["전남 여수시, 경남 통영시 (국비(억원) 90)"]
    assert extreme.generate(context("여수시 국비는?")) == []  # no superlative asked


@pytest.mark.parametrize("question, end", [("예산 젤 많이 받는 시 어디야?", "max"), ("실업률이 가장 낮은 시도는?", "min"),
                                           ("가장 먼저 신청하는 곳은?", None), ("국비는?", None)])
def test_extreme_direction(question, end):
    from qa.answer.generators import extreme

    assert extreme.direction(question) == end


def test_extreme_cell_values_are_signed_figures():
    from qa.answer.generators import extreme

    assert extreme.cell_value("△1,256") == -1256.0 and extreme.cell_value("12.5%") == 12.5
    assert extreme.cell_value("-") is None and extreme.cell_value("서울") is None


def test_extreme_reads_a_relative_year_as_the_announcements_and_months_as_row_labels():
    from qa.answer.generators import extreme
    from qa.chunk import Chunk

    assert extreme.dated_terms(["올해", "출생아"], 2024) == ["2024년", "출생아"]
    assert extreme.dated_terms(["작년"], 2024) == ["2023년"] and extreme.dated_terms(["올해"], None) == ["올해"]
    header = ("구분", "2023년(명)", "2024년(명)")
    table = tuple(Chunk(f"d#t{i}", "d", " | ".join(r), i, i, "", "table_row", "", cells=tuple(zip(header, r, strict=True)))
                  for i, r in enumerate([("1월", "23,228", "21,442"), ("2월", "20,022", "19,363"),
                                         ("1~5월 누계", "43,250", "40,805")]))
    assert extreme.label_column(table, frozenset()) == "구분"  # "1월" reads as a figure, but names its row
    assert [label for _, _, label in extreme.figures_of(table, "2024년(명)", "구분")] == ["1월", "2월"]  # no 누계


@pytest.mark.parametrize("question, fall, negated, count, counter", [
    ("2020년 2분기 소매판매가 감소한 시도는 어디어디예요?", True, False, False, ""),
    ("발화요인 중에서 전년보다 건수가 늘어난 건 몇 개야?", False, False, True, "개"),
    ("광공업생산이 줄어든 시도는 몇 곳이야?", True, False, True, "곳"),
    ("이혼 건수가 안 줄어든 시도는 어디야?", True, True, False, ""),
])
def test_changed_reads_the_rows_asked_by_their_change(question, fall, negated, count, counter):
    from qa.answer.generators import changed

    assert changed.asked(question) == changed.ChangeAsked(fall, negated, count, counter)


@pytest.mark.parametrize("question", [
    "건설수주가 줄어든 이유가 뭐예요?",  # why, not which
    "성장률이 작년보다 몇 %p 떨어진 거야?",  # an amount, asked before the verb
    "수급자가 제일 많이 늘어난 권역이 어디예요?",  # a superlative (extreme)
    "건설수주가 143.5% 늘어난 곳은 어디야?",  # the row of a stated change
    "예산 얼마나 늘어난 거야?",
])
def test_changed_leaves_other_change_questions(question):
    from qa.answer.generators import changed

    assert changed.asked(question) is None


def test_changed_rows_are_those_on_the_side_of_zero_asked():
    from qa.answer.generators import changed
    from qa.chunk import Chunk

    def row(i: int, *cells: str) -> Chunk:
        pairs = tuple(zip(("시도", "2023년", "2024년", "증감"), cells, strict=True))
        return Chunk(f"c{i}", "d", "| " + " | ".join(cells) + " |", i, i, "", "table_row", "", pairs)

    table = (row(1, "전국", "100", "98", "△2"), row(2, "서울", "40", "42", "2"), row(3, "전남", "30", "27", "△3"),
             row(4, "경남", "30", "29", "-1"), row(5, "세종", "5", "5", "0"))
    fell = changed.asked("줄어든 시도는 어디야?")
    read, picked = changed.rows_changed(table, "증감", "시도", fell)
    assert read == 4 and [label for _, label in picked] == ["전남", "경남"]  # 전국 is the whole, not a row
    _, kept = changed.rows_changed(table, "증감", "시도", changed.asked("안 줄어든 시도는 어디야?"))
    assert [label for _, label in kept] == ["서울", "세종"]
    _, rose = changed.rows_changed(table, "증감", "시도", changed.asked("늘어난 시도는 몇 곳이야?"))
    assert [label for _, label in rose] == ["서울"]


def test_changed_reads_rows_of_rates_under_their_amounts():
    """A release printing each change in parentheses under its amounts (read as "X 증감률(%)" rows): things in rows
    read in the latest period column; things in columns (periods in rows) read across the one rate row."""
    from qa.answer.generators import changed
    from qa.chunk import Chunk

    def table(header: tuple[str, ...], *rows: tuple[str, ...]) -> tuple[Chunk, ...]:
        return tuple(Chunk(f"c{i}", "d", "| " + " | ".join(r) + " |", i, i, "", "table_row", "",
                           tuple(zip(header, r, strict=True))) for i, r in enumerate(rows))

    rose, every = changed.asked("작년보다 늘어난 업종은 어디어디야?"), (lambda h: True)
    by_rows = table(("구 분", "2024년 1분기(억달러)", "2025년 1분기(억달러)"),
                    ("제조업", "42.9", "35.6"), ("제조업 증감률(%)", "△32.2", "△16.9"),
                    ("광업", "6.8", "10.5"), ("광업 증감률(%)", "△41.0", "54.4"))
    read, picked, header = changed.rate_rows_changed(by_rows, rose, every)
    assert (read, [label for _, label in picked], header) == (2, ["광업"], "2025년 1분기 증감률")
    by_columns = table(("구분", "금융보험업(억달러)", "제조업(억달러)", "광업(억달러)"),
                       ("‘24.1Q", "62.7", "42.9", "6.8"), ("‘25.1Q", "77.4", "35.6", "10.5"),
                       ("‘25.1Q 증감률(%)", "23.4", "△16.9", "54.4"))
    read, picked, _ = changed.rate_rows_changed(by_columns, rose, every)
    assert read == 3 and [label for _, label in picked] == ["금융보험업", "광업"]
    assert changed.rate_rows_changed(by_rows[:1], rose, every) is None  # no rate rows: the columns are read
    # one thing over periods: nothing to list, and its amounts are not read as changes
    assert changed.rate_rows_changed(by_rows[:2], rose, every) == (0, [], "")


def test_changed_rows_of_a_long_table_are_those_of_the_indicator_asked():
    from qa.answer.generators import changed
    from qa.chunk import Chunk

    def row(i: int, *cells: str) -> Chunk:
        pairs = tuple(zip(("지표", "지역", "2/4분기"), cells, strict=True))
        return Chunk(f"c{i}", "d", "| " + " | ".join(cells) + " |", i, i, "", "table_row", "", pairs)

    table = (row(1, "광공업생산", "광주", "△3.6"), row(2, "광공업생산", "전남", "2.5"),
             row(3, "수출", "광주", "△3.4"), row(4, "수출", "전남", "△32.8"))
    fell = changed.asked("광공업생산이 줄어든 지역은 어디야?")
    read, picked = changed.rows_changed(table, "2/4분기", "지역", fell, ("광공업생산",))
    assert read == 2 and [label for _, label in picked] == ["광주"]
    _, every = changed.rows_changed(table, "2/4분기", "지역", fell)  # no term: every row
    assert [label for _, label in every] == ["광주", "광주", "전남"]


def test_changed_reads_only_a_column_of_the_period_asked():
    from qa.answer.generators import changed

    assert changed.period_agrees("2023년 4/4분기", {"2023"}, {"분기": {4}})
    assert changed.period_agrees("2023년 4/4", {"2023"}, {"분기": {4}})
    assert not changed.period_agrees("2023년 3/4", {"2023"}, {"분기": {4}})
    assert not changed.period_agrees("2019년 2/4분기", {"2020"}, {"분기": {2}})
    assert changed.period_agrees("증감", {"2020"}, {"분기": {2}})  # a header of no period


@pytest.mark.parametrize("question, asked", [
    ("2023년 전북 건설수주액 1분기보다 2분기에 얼마나 줄었어?", [("2023", ("분기", 1)), ("2023", ("분기", 2))]),
    ("설비투자 증가율 3분기랑 4분기 차이가 몇 %p야?", [(None, ("분기", 3)), (None, ("분기", 4))]),
    ("4월보다 5월에 출생아 몇 명 늘었어?", [(None, ("월", 4)), (None, ("월", 5))]),
    ("2023년 성장률이 2022년보다 몇 %p 떨어진 거야?", [("2023", None), ("2022", None)]),
    ("2022년 1분기보다 2023년 2분기에 얼마나 늘었어?", []),  # two years and two quarters: which goes with which
])
def test_periods_reads_the_periods_a_question_names_in_order(question, asked):
    from qa.answer.generators import periods

    assert periods.periods_asked(question) == [periods.Period(*p) for p in asked]


def test_periods_reads_a_column_of_the_period_asked():
    from qa.answer.generators import periods

    P = periods.Period
    assert periods.header_period("2023년 4/4분기") == P("2023", ("분기", 4)) == periods.header_period("2023년 4/4")
    assert periods.header_period("연간 2022년") == P("2022", None) and periods.header_period("1~5월") is None
    assert periods.fits(P("2023", ("분기", 4)), P(None, ("분기", 4)))  # the year the header says, none asked
    assert not periods.fits(P("2022", ("분기", 4)), P("2022", None))  # a quarter's column is not the year's
    assert not periods.fits(P("2023", ("분기", 3)), P("2023", ("분기", 4)))


def test_periods_unit_is_the_cells_the_labels_or_the_tables_note():
    from qa.answer.generators import periods
    from qa.chunk import Chunk

    def row(label: str, a: str, b: str, note: str = "") -> Chunk:
        cells = (("구분", label), ("2023년 1/4분기", a), ("2023년 2/4분기", b))
        return Chunk("c", "d", f"| {label} | {a} | {b} |", 1, 1, "", "table_row", f"{note}\nx\n| … |", cells)

    amount = row("건설수주액(억원)", "12,537", "10,157")
    assert periods.unit_of(amount, "2023년 2/4분기", "10,157", (amount,)) == "억원"
    rate = row("수출", "△1.4", "△20.3", note="(단위: 전년동분기대비 %, 고용률은 %p)")
    assert periods.unit_of(rate, "2023년 2/4분기", "△20.3", (rate,)) == "%"
    own = row("가구", "1,000가구", "1,280가구")
    assert periods.unit_of(own, "2023년 2/4분기", "1,280가구", (own,)) == "가구"


@pytest.mark.parametrize("question, lone", [
    ("안심 집수리 2024년보다 지원 가구 몇 가구 늘었어?", True),
    ("서울 초등학생 2020년이랑 비교하면 얼마나 줄었어?", True),
    ("2022년에 비해 얼마나 늘었어?", True),
    ("2024년 제주 9월 평균기온이 평년보다 몇 도 높았어?", False),  # 9월 is what is compared, with 평년
    ("2023년 12월 취업자는 1년 전보다 얼마나 늘었어?", False),
])
def test_periods_compares_with_a_lone_period_only_when_it_is_the_one_compared_with(question, lone):
    from qa.answer.generators import periods

    assert periods.compared(question) is lone


def test_periods_reads_a_year_told_relatively_as_the_announcements():
    from qa.answer.generators import periods

    assert periods.dated("안심 집수리 작년보다 지원 가구 몇 가구 늘었어?", 2026) == "안심 집수리 2025년보다 지원 가구 몇 가구 늘었어?"
    assert periods.dated("작년 대비 올해 예산", 2026) == "2025년 대비 2026년 예산"
    assert periods.dated("전년동월대비 작년보다", None) == "전년동월대비 작년보다"  # no year: left as written
    assert periods.dated("전년동월대비", 2026) == "전년동월대비"  # 전년 compares; it names no year
    assert periods.asked_in("2025년보다 몇 가구 늘었어?") == [periods.Period("2025", None)]
    assert periods.asked_in("2026년 예산 얼마야?") is None  # one period, not the one compared with


def test_periods_computes_the_rows_difference_between_the_columns_asked(monkeypatch):
    from qa.answer.generators import periods
    from qa.chunk import Chunk

    def row(i: int, label: str, a: str, b: str) -> Chunk:
        cells = (("구분", label), ("2023년 1/4분기", a), ("2023년 2/4분기", b))
        return Chunk(f"c{i}", "d", f"| {label} | {a} | {b} |", i, i, "", "table_row", f"x\n| {label} |", cells)

    table = (row(1, "광공업생산지수", "103.5", "108.9"), row(2, "건설수주액(억원)", "12,537", "10,157"))
    monkeypatch.setattr(periods, "tables_hit", lambda ctx: [table])
    monkeypatch.setattr(periods, "row_fact", lambda ctx, r: r.chunk_id)
    question = "2023년 건설수주액 1분기보다 2분기에 얼마나 줄었어?"
    ctx = SimpleNamespace(text=question, q=SimpleNamespace(english=False), terms=["건설수주액", "2023년", "1분기", "2분기"],
                          corpus=SimpleNamespace(finder=SimpleNamespace(weight=lambda t: 1.0), docs={}))
    found = periods.generate(ctx)
    assert texts(found) == ["차이: 2,380억원 감소 (건설수주액(억원) 2023년 1/4분기 12,537 → 2023년 2/4분기 10,157)"]
    assert found[0].rule == "typed:diff" and found[0].facts == ["c2"]
    ctx.text = "2023년 건설수주액은 얼마야?"  # one period, compared with nothing: no difference asked
    assert periods.generate(ctx) == []


def test_meaning_tells_the_answering_sentence_from_its_neighbours(monkeypatch):
    """A chunk's sentences are ranked by their words and, beside them, by how close each is to the question in
    meaning (the stored sentence vectors): a sentence as close as the closest loses nothing, one farther loses
    ``PassageWeights.sentence_similarity`` per unit of cosine. Without sentence vectors (an index built before
    them, a question not embedded) or with the weight 0, words alone decide, as before."""
    from dataclasses import replace

    from qa.answer.passage import rank_passages
    from qa.config import PassageWeights

    ctx = context("여수시 섬 주민 계획은?")
    corpus = ctx.corpus
    both = next(c for c in corpus.index.chunks if "수중 로봇" in c.text and "드론 택배" in c.text)

    def first(sims, weights=None):
        ranked = rank_passages(ctx.q, ctx.hits, corpus.index.vocab_idf(), corpus.linker.entities,
                               weights=weights or PassageWeights(),
                               units_of=corpus.passage_units, sentence_sims=sims, top=1)
        chunk, span = ranked[0][2], ranked[0][3]
        return chunk.text[span[0]:span[1]]

    assert "드론 택배" in first(None)  # by its words
    second_closer = {both.chunk_id: [0.2, 0.9]}
    assert "수중 로봇" in first(lambda c: second_closer.get(c.chunk_id))
    assert "드론 택배" in first(lambda c: second_closer.get(c.chunk_id), replace(PassageWeights(), sentence_similarity=0))
    assert "드론 택배" in first(lambda c: [0.9] if c is both else None)  # not one per sentence: not read
    assert first(ctx.sentence_similarities) == first(None)  # the kit stores no sentence vectors: words alone
    store_sentence_vectors(monkeypatch)
    ctx.memo.clear()  # (what the question read before the vectors were stored)
    assert len(ctx.sentence_similarities(both)) == 2
    assert "드론 택배" in first(ctx.sentence_similarities)  # its stand-in vectors agree with its words here
