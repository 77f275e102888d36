"""Stage 2, chunk: structure-aware chunks of the seed announcement (points, table rows, sections, contacts)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from qa.chunk import Chunk, chunk_corpus, chunk_document, fill_down, split_cells
from qa.ingest import Document, load_corpus
from qa.table_units import caption_units, opens_part, rated

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "molit_2025_smart_city_selection"
SECTION_1 = "➊ 거점형 스마트도시 조성사업"
SECTION_2 = "➋ 강소형 스마트도시 조성사업"
SECTION_3 = "➌ 스마트도시 특화단지 조성사업"


@pytest.fixture(scope="module")
def doc() -> Document:
    (d,) = load_corpus(ROOT / "corpus")
    return d


@pytest.fixture(scope="module")
def chunks(doc) -> list[Chunk]:
    return chunk_document(doc)


def synthetic(text: str, doc_id: str = "synthetic") -> Document:
    return Document(doc_id=doc_id, title="T", publisher=None, published=None, source=None, path=f"{doc_id}.txt",
                    lines=tuple(text.split("\n")))


def line_no(doc: Document, needle: str) -> int:
    (n,) = [i for i, line in enumerate(doc.lines, start=1) if needle in line]
    return n


def chunk_at(chunks: list[Chunk], n: int) -> Chunk:
    (c,) = [c for c in chunks if c.start <= n <= c.end]
    return c


def assert_partition(doc: Document, chunks: list[Chunk]) -> None:
    """Every non-blank line is inside exactly one chunk's span, and each chunk's text is its lines."""
    for n, line in enumerate(doc.lines, start=1):
        owners = [c.chunk_id for c in chunks if c.start <= n <= c.end]
        if line.strip():
            assert len(owners) == 1, f"line {n} is in {owners}: {line!r}"
    for c in chunks:
        assert 1 <= c.start <= c.end <= len(doc.lines)
        span = [doc.lines[i - 1].strip() for i in range(c.start, c.end + 1)]
        assert c.text == "\n".join(s for s in span if s), c.chunk_id


# ----------------------------------------------------------------------------- coverage
@pytest.mark.parametrize("max_chars", [500, 120, 40])
def test_every_nonblank_line_is_in_exactly_one_chunk(doc, max_chars):
    assert_partition(doc, chunk_document(doc, max_chars))


def test_chunk_ids_are_unique_and_ordered(chunks):
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    assert [c.chunk_id for c in chunks] == [f"{SEED_ID}#{i:03d}" for i in range(len(chunks))]
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    assert all(c.doc_id == SEED_ID for c in chunks)


def test_chunk_corpus_concatenates_documents(doc):
    other = synthetic("□ 두 번째 공고의 요점이다.\nㅇ 세부 내용이다.", doc_id="other")
    out = chunk_corpus([doc, other])
    assert out[: len(chunk_document(doc))] == chunk_document(doc)
    assert out[-1].doc_id == "other" and out[-1].text == "□ 두 번째 공고의 요점이다.\nㅇ 세부 내용이다."


# ----------------------------------------------------------------------------- the table
def test_table_header_chunk_holds_caption_and_header(chunks):
    header = chunk_at(chunks, 3)
    assert header.kind == "table_header"
    assert (header.start, header.end) == (2, 3)
    assert "< 2025년 스마트도시 조성사업 공모 선정 결과 >" in header.text
    assert "| 사업유형 | 지자체 | 사업부제 |" in header.text


def test_five_table_rows_with_header_names(chunks):
    rows = [c for c in chunks if c.kind == "table_row"]
    assert [(c.start, c.end) for c in rows] == [(n, n) for n in range(4, 9)]
    for c in rows:
        assert [name for name, _ in c.cells] == ["사업유형", "지자체", "사업부제"]
        assert all(value for _, value in c.cells), c.cells
        assert "2025년 스마트도시 조성사업 공모 선정 결과" in c.search_text  # caption as context


@pytest.mark.parametrize("line,expected", [
    (4, ("거점형", "전북 전주시", "전북 Smart Region의 출발점, Adaptive City 전주")),
    (5, ("강소형", "경기 안산시", "미래 상호문화 플랫폼 도시의 표준을 만들다")),
    (6, ("강소형", "경북 김천시", "Mobility Do Everything, 모두를 위한 스마트도시")),
    (7, ("강소형", "경남 김해시", "시민과 첨단기술이 하나된 기후대응 스마트도시 ACE 김해")),
    (8, ("특화단지", "대구광역시", "AI산업 플랫폼 스마트 알파시티")),
])
def test_table_rows_after_fill_down(chunks, line, expected):
    c = chunk_at(chunks, line)
    assert c.kind == "table_row"
    assert dict(c.cells) == dict(zip(("사업유형", "지자체", "사업부제"), expected, strict=True))


@pytest.mark.parametrize("line,city", [(6, "김천"), (7, "김해")])
def test_shifted_rows_carry_gangsohyeong(chunks, line, city):
    """The merged 사업유형 cell left 김천/김해 rows shifted; fill-down restores 강소형 for search."""
    c = chunk_at(chunks, line)
    assert city in c.text and "강소형" not in c.text  # the raw row does not say it …
    assert dict(c.cells)["사업유형"] == "강소형"
    assert "강소형" in c.search_text  # … but what BM25 and the embedder see does
    assert "사업유형: 강소형" in c.search_text


# ----------------------------------------------------------------------------- sections
def test_section_headers_become_section_chunks(chunks):
    sections = [c for c in chunks if c.kind == "section"]
    assert [(c.start, c.section) for c in sections] == [(15, SECTION_1), (20, SECTION_2), (29, SECTION_3)]


@pytest.mark.parametrize("needle,prefix", [
    ("국비 160억원", "➊"),
    ("5.3:1", "➋"),
    ("6:1", "➌"),
    ("PBV(Purpose Built Vehicle)", "➊"),
    ("김해시는 급속한 인구 증가", "➋"),
    ("수성구 알파시티", "➌"),
])
def test_section_path_of_a_line(doc, chunks, needle, prefix):
    c = chunk_at(chunks, line_no(doc, needle))
    assert c.section.startswith(prefix)
    assert c.search_text.startswith(c.section)  # the section is part of what is searched


def test_lines_before_the_first_section_have_no_section(doc, chunks):
    first_section_line = line_no(doc, "| ➊ ")
    before = [c for c in chunks if c.end < first_section_line]
    assert before and all(c.section == "" for c in before)


def test_section_paths_nest_and_reset():
    d = synthetic("1. 개요\n□ 요점 하나\n① 세부 항목\n□ 요점 둘\n2. 추진 계획\n□ 요점 셋")
    got = [(c.start, c.kind, c.section) for c in chunk_document(d)]
    assert got == [(1, "section", "1. 개요"), (2, "point", "1. 개요"),
                   (3, "section", "1. 개요 > ① 세부 항목"), (4, "point", "1. 개요 > ① 세부 항목"),
                   (5, "section", "2. 추진 계획"), (6, "point", "2. 추진 계획")]


# ----------------------------------------------------------------------------- points
def test_sub_points_stay_with_their_point(chunks):
    c = chunk_at(chunks, 10)
    assert (c.kind, c.start, c.end) == ("point", 10, 13)
    assert c.text.startswith("□ 국토교통부는 지난 3월")
    assert c.text.count("\nㅇ ") == 3
    for parent, child in [(21, 22), (23, 24), (25, 26), (27, 28), (31, 32), (33, 34)]:
        assert chunk_at(chunks, parent) is chunk_at(chunks, child), (parent, child)


def test_note_stays_with_its_point(doc, chunks):
    pbv = line_no(doc, "* PBV(Purpose Built Vehicle)")
    c = chunk_at(chunks, pbv)
    assert (c.start, c.end) == (17, 19)
    assert c.text.startswith("□ 전주시는") and c.text.endswith("목적별 서비스 제공")


def test_single_line_points(chunks):
    for n in (1, 9, 14, 16, 30, 35):
        c = chunk_at(chunks, n)
        assert (c.kind, c.start, c.end) == ("point", n, n)


def test_source_line_is_a_meta_chunk(chunks):
    c = chunk_at(chunks, 36)
    assert c.kind == "meta" and c.text.startswith("원출처")


def test_small_max_chars_splits_at_sub_point_boundaries(doc):
    small = chunk_document(doc, max_chars=120)
    parent = doc.lines[9]  # line 10, the □ point with three ㅇ sub-points
    assert len("\n".join(doc.lines[9:13])) > 120  # the whole point does not fit
    for n in (10, 11, 12, 13):
        c = chunk_at(small, n)
        assert (c.start, c.end) == (n, n)  # each ㅇ is its own chunk …
    for n in (11, 12, 13):
        c = chunk_at(small, n)
        assert c.text == doc.lines[n - 1]  # … showing only its own line …
        assert c.text.startswith("ㅇ ")
        assert parent in c.search_text  # … but searched with its parent □ line
    # the * note still stays with the ㅇ it explains, and that part still knows its parent point
    c = chunk_at(small, 19)
    assert (c.start, c.end) == (18, 19)
    assert doc.lines[16] in c.search_text


def test_split_parts_keep_the_original_parent_not_the_previous_part():
    d = synthetic("□ 부모 요점 " + "가" * 50 + "\nㅇ 첫째 " + "나" * 60 + "\nㅇ 둘째 " + "다" * 60
                  + "\nㅇ 셋째 " + "라" * 60)
    out = chunk_document(d, max_chars=120)
    assert [(c.start, c.end) for c in out] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    for c in out[1:]:
        assert c.search_text.startswith(d.lines[0])
    for c in out[2:]:
        assert d.lines[1] not in c.search_text  # the context is the □ line, not the previous ㅇ part


def test_wrapped_continuation_lines_join_the_point():
    d = synthetic("텍스트 줄 하나\n이어지는 줄\n□ 요점\n  ㅇ 들여쓴 하위\n    - 더 들여쓴 하위\n※ 참고")
    got = [(c.kind, c.start, c.end) for c in chunk_document(d)]
    assert got == [("text", 1, 2), ("point", 3, 6)]


def test_a_short_numbered_list_is_items_of_its_point_not_headings():
    d = synthetic("□ 제출 서류는 다음과 같다.\n1. 임대차계약서 사본\n2. 월세 이체 내역\n3. 주민등록등본\n"
                  "1. 추진 배경\n□ 배경 설명이다.")
    got = [(c.kind, c.start, c.end) for c in chunk_document(d)]
    assert got == [("point", 1, 4), ("section", 5, 5), ("point", 6, 6)]  # a restarted numbering is a heading


def test_rows_under_a_measure_row_are_read_with_it():
    """A statistics table indents its breakdowns under the row naming the measure and its unit ("고용률(%)" then
    "15~64세", "15~29세"): each sub-row's label is read with its group; a row of words ends the groups."""
    d = synthetic("< 고용률 및 취업자 추이 >\n| 구분 | 9월 | 10월 |\n| 고용률(%) | 63.2 | 63.3 |\n"
                  "| 15~64세 | 69.6 | 69.7 |\n| 취업자 증감(만명) | 30.9 | 34.6 |\n| 15~64세 | 5.5 | 9.7 |\n"
                  "| 비고 | 계절조정 | 원계열 |\n| 15~64세 | 1.0 | 2.0 |")
    labels = [c.cells[0][1] for c in chunk_document(d) if c.kind == "table_row"]
    assert labels == ["고용률(%)", "15~64세 고용률(%)", "취업자 증감(만명)", "15~64세 취업자 증감(만명)", "비고", "15~64세"]


# ----------------------------------------------------------------------------- contact block
CONTACT = "| 담당 부서 | 도시정책과 | 책임자 | 과 장 | 홍길동 (044-201-3701) |"


def test_contact_block_becomes_a_contact_chunk():
    d = synthetic("□ 본문 요점이다.\nㅇ 세부 내용이다.\n" + CONTACT + "\n| | | 담당자 | 사무관 | 김철수 (044-201-3702) |")
    out = chunk_document(d)
    assert [(c.kind, c.start, c.end) for c in out] == [("point", 1, 2), ("contact", 3, 4)]
    assert "홍길동 (044-201-3701)" in out[1].text and "김철수" in out[1].text
    assert_partition(d, out)


def test_plain_contact_line_after_a_table_is_a_contact_chunk():
    d = synthetic("< 표 >\n| 구분 | 금액 |\n| 가 | 10억 |\n\n담당 부서: 도시정책과 홍길동 (044-201-3701)\n□ 다음 요점")
    assert [(c.kind, c.start) for c in chunk_document(d)] == [
        ("table_header", 1), ("table_row", 3), ("contact", 5), ("point", 6)]


def test_pipe_contact_block_after_a_table_is_a_contact_chunk():
    d = synthetic("< 표 >\n| 구분 | 금액 |\n| 가 | 10억 |\n\n" + CONTACT)
    out = chunk_document(d)
    assert [(c.kind, c.start) for c in out] == [("table_header", 1), ("table_row", 3), ("contact", 5)]


def test_caption_table_with_a_blank_line_inside_keeps_its_rows():
    d = synthetic("□ 요점\n\n< 선정 결과 >\n| 구분 | 금액 |\n\n| 가 | 10억 |")
    out = chunk_document(d)
    assert [(c.kind, c.start, c.end) for c in out] == [("point", 1, 1), ("table_header", 3, 4), ("table_row", 6, 6)]
    assert out[2].cells == (("구분", "가"), ("금액", "10억"))


def test_caption_followed_by_a_blank_line_then_the_table():
    d = synthetic("< 선정 결과 >\n\n| 구분 | 금액 |\n| 가 | 10억 |\n| 나 | 20억 |")
    out = chunk_document(d)
    assert [(c.kind, c.start, c.end) for c in out] == [("table_header", 1, 3), ("table_row", 4, 4),
                                                       ("table_row", 5, 5)]
    assert out[1].cells == (("구분", "가"), ("금액", "10억"))
    assert_partition(d, out)


def test_markdown_separator_row_joins_the_header():
    d = synthetic("| 구분 | 금액 |\n|---|:--:|\n| 가 | 10억 |\n| 나 | 20억 |")
    out = chunk_document(d)
    assert [(c.kind, c.start, c.end) for c in out] == [("table_header", 1, 2), ("table_row", 3, 3),
                                                       ("table_row", 4, 4)]
    assert out[2].cells == (("구분", "나"), ("금액", "20억"))


# ----------------------------------------------------------------------------- fill_down and cells
HEADER = ["사업유형", "지자체", "사업부제"]


def test_split_cells():
    assert split_cells("| 강소형 | 경기 안산시 | 미래 |") == ["강소형", "경기 안산시", "미래"]
    assert split_cells("| 경북 김천시 | Mobility | |") == ["경북 김천시", "Mobility", ""]


def test_fill_down_full_row_is_unchanged():
    assert fill_down(HEADER, ["강소형", "경기 안산시", "미래"], ["거점형", "전북 전주시", "x"]) == [
        "강소형", "경기 안산시", "미래"]


def test_cell_spans_finds_each_value_in_its_own_pipe_cell():
    from qa.chunk import cell_spans

    text = "| 부산 | 1,350 | 35 |"
    spans = cell_spans(text, (("시도", "부산"), ("인원", "1,350"), ("곳", "35")))
    assert [text[a:b] for a, b in spans] == ["부산", "1,350", "35"]
    assert spans[2] == (text.rindex("35"), len(text) - 2)  # not the "35" inside "1,350"
    # a filled-down value is not written in its row
    assert cell_spans("|  | 35 |", (("시도", "서울"), ("곳", "35")))[0] is None
    assert cell_spans("부산 | 3", (("a", "부산"), ("b", "3"))) == ((0, 2), (5, 6))  # no outer pipes
    assert cell_spans("  | 부산 | 3 |", (("a", "부산"), ("b", "3"))) == ((4, 6), (9, 10))  # indented


def test_fill_down_row_shorter_than_header_takes_leading_cells_from_previous_row():
    assert fill_down(HEADER, ["경북 김천시", "Mobility"], ["강소형", "경기 안산시", "미래"]) == [
        "강소형", "경북 김천시", "Mobility"]


def test_fill_down_trailing_empties_mean_a_shifted_row():
    """The seed's line 6: ``| 경북 김천시 | Mobility … | |``: the empty last cell is dropped, the row right-aligned."""
    assert fill_down(HEADER, ["경북 김천시", "Mobility", ""], ["강소형", "경기 안산시", "미래"]) == [
        "강소형", "경북 김천시", "Mobility"]
    assert fill_down(HEADER, ["x", "", ""], ["a", "b", "c"]) == ["a", "b", "x"]


def test_fill_down_empty_inner_cells_are_filled_but_not_the_last_column():
    assert fill_down(HEADER, ["", "경남 김해시", "ACE"], ["강소형", "경북 김천시", "M"]) == ["강소형", "경남 김해시", "ACE"]
    assert fill_down(["a", "b", "c", "d"], ["x", "", "y", "z"], ["p", "q", "r", "s"]) == ["x", "q", "y", "z"]


def test_fill_down_without_previous_row_pads_with_empty_cells():
    assert fill_down(HEADER, ["거점형", "전북 전주시"], None) == ["거점형", "전북 전주시", ""]
    assert fill_down(HEADER, ["거점형", "", ""], None) == ["거점형", "", ""]


def test_fill_down_extra_cells_are_joined_into_the_last_column():
    assert fill_down(HEADER, ["거점형", "전주", "A", "B"], None) == ["거점형", "전주", "A B"]


def test_fill_down_previous_row_shorter_than_missing():
    assert fill_down(HEADER, ["x", "y"], ["p"]) == ["p", "x", "y"]


# ------------------------------------------------------------------ tables as published (issue 10)
def _doc(text: str) -> Document:
    return Document(doc_id="t", title="t", publisher=None, published=None, source=None, path="t.txt",
                    lines=tuple(text.split("\n")))


def _rows(text: str) -> list[dict[str, str]]:
    return [dict(c.cells) for c in chunk_document(_doc(text)) if c.kind == "table_row"]


def test_two_level_header_names_every_column():
    rows = _rows("< 실업률 추이 >\n| 구분 | ’22년 | ’23년 | | |\n| | 12월 | 10월 | 11월 | 12월 |\n"
                 "| 실업률(%) | 3.0 | 2.1 | 2.3 | 3.3 |")
    assert rows == [{"구분": "실업률(%)", "’22년 12월": "3.0", "’23년 10월": "2.1", "’23년 11월": "2.3", "’23년 12월": "3.3"}]


def test_two_level_header_under_a_spanning_group():
    rows = _rows("| 시·군 | 선정 개소 | | | 국비 |\n| | 도시 | 농어촌 | 계 | |\n| 목포시 | 1 | - | 1 | 3,000 |")
    assert list(rows[0]) == ["시·군", "선정 개소 도시", "선정 개소 농어촌", "선정 개소 계", "국비"]


def test_unit_note_goes_to_the_columns_it_belongs_to():
    text = "< 분야별 예산안 >\n(단위: 억원, %)\n| 분야 | 본예산 | 예산안 | 증감률 |\n| 소상공인 | 41,922 | 49,882 | 19.0 |"
    chunks = chunk_document(_doc(text))
    head = next(c for c in chunks if c.kind == "table_header")
    assert "분야별 예산안" in head.search_text and head.start == 1  # the caption is kept over the unit note
    assert _rows(text) == [{"분야": "소상공인", "본예산(억원)": "41,922", "예산안(억원)": "49,882", "증감률(%)": "19.0"}]


def test_unit_note_left_alone_when_rows_carry_their_units():
    rows = _rows("(단위: %, 만명)\n| 구분 | 12월 |\n| 고용률(%) | 61.7 |\n| 취업자(만명) | 28.5 |")
    assert list(rows[0]) == ["구분", "12월"]


def test_total_row_keeps_its_cell_positions():
    rows = _rows("| 구분 | 개소 수 | 한도 | 국비 | 지방비 |\n| 거점개발 | 11개소 | 100억원 | 430 | 184 |\n| 합계 | 17개소 | | 437 | |")
    assert rows[1] == {"구분": "합계", "개소 수": "17개소", "한도": "", "국비": "437", "지방비": ""}


def test_unit_note_inside_the_caption():
    rows = _rows("< 유형별 지원 규모 (단위: 억원) >\n| 구분 | 국비 | 지방비 |\n| 거점개발 | 430 | 184 |")
    assert rows == [{"구분": "거점개발", "국비(억원)": "430", "지방비(억원)": "184"}]


def test_unit_note_after_the_caption_on_its_line():
    """ "< 기관별 분담액 > (단위: 억 원)": one line names the table and its unit; both belong to the table."""
    text = "< 기관별 분담액 > (단위: 억 원)\n| 분담 기관 | 분담액 |\n| 도청 | 2,083 |"
    head = next(c for c in chunk_document(_doc(text)) if c.kind == "table_header")
    assert "기관별 분담액" in head.search_text and head.start == 1
    assert _rows(text) == [{"분담 기관": "도청", "분담액(억원)": "2,083"}]


def test_units_a_caption_lists_without_the_word_unit():
    """ "< 업종별 동향(억 달러, 전년동기 대비, %) >": statistical releases list the units in the caption's parenthesis."""
    assert caption_units("< 분기별 해외직접투자액 추이(억 달러, 전년동기 대비, %) >") == ["억달러", "%"]
    assert caption_units("< 선정 결과(총 5곳) >") == [] and caption_units("< 추진 경과(잠정) >") == []
    rows = _rows("< 업종별 동향(억 달러, %) >\n| 구분 | 제조업 | 광업 |\n| ‘25.2Q | 35.3 | 7.5 |")
    assert rows == [{"구분": "‘25.2Q", "제조업(억달러)": "35.3", "광업(억달러)": "7.5"}]


def test_a_row_of_parenthesised_rates_under_its_amounts():
    """The change printed in parentheses under the amounts it is of, the label a merged cell of both rows (or a
    rate of its own): read as that row's 증감률 in %, its figures without the parentheses."""
    rows = _rows("< 분기별 추이(억 달러, 전년동기 대비, %) >\n| 구분 | 1분기 | 2분기 |\n| 전체 | 157.4 | 141.5 |\n"
                 "| 전체 | (△5.3) | (△13.4) |\n| 제조업 | 36.0 | 35.3 |\n| 증감률(%) | (△16.1) | (△9.1) |")
    assert rows[1] == {"구분": "전체 증감률(%)", "1분기(억달러)": "△5.3", "2분기(억달러)": "△13.4"}
    assert rows[2]["구분"] == "제조업" and rows[3]["구분"] == "제조업 증감률(%)"
    assert rated(rows[1]["구분"]) == "전체" and rated("제조업") is None  # what a rate row is the change of
    # without a % anywhere, parentheses are left as written (they may be a share, a count, a note)
    plain = _rows("| 구분 | 1분기 |\n| 전체 | 157.4 |\n| 전체 | (12) |")
    assert plain[1] == {"구분": "전체", "1분기": "(12)"}


def test_a_part_title_gives_its_unit_to_the_tables_under_it():
    """ "| 참고 1 | 세부통계 (단위: 억달러, 전년동기 대비 %) |" heads an appendix of tables that state no unit of their
    own; the next part ("참고 2") ends it."""
    text = ("| 참고 1 | 해외직접투자 세부통계 (단위: 억달러, 전년동기 대비 %) |\n1. 분기별 동향\n| 구 분 | 1분기 | 2분기 |\n"
            "| 전 체 | 157.4 | 141.5 |\n| 전 체 | (△5.3) | (△13.4) |\n※ 자료: 한국수출입은행\n| 참고 2 | 용어 설명 |\n□ 신고 건수\n"
            "| 구분 | 1분기 |\n| 전체 | 12 |")
    rows = _rows(text)
    assert rows[0] == {"구 분": "전 체", "1분기(억달러)": "157.4", "2분기(억달러)": "141.5"}
    assert rows[1] == {"구 분": "전 체 증감률(%)", "1분기(억달러)": "△5.3", "2분기(억달러)": "△13.4"}
    assert rows[2] == {"구분": "전체", "1분기": "12"}
    assert not opens_part("참고로 신청은 온라인으로 한다.") and opens_part("붙임 1. 세부 통계 1부.")


def test_a_basis_line_heads_the_tables_below_it():
    """ "(순투자 기준)" alone on a line: the tables after it (until the next basis or part) are on that basis."""
    text = ("(총투자 기준)\n| 구분 | 2분기 |\n| 전체 | 141.5 |\n(순투자 기준)\n1. 분기별 동향\n| 구분 | 2분기 |\n| 전체 | 100.7 |\n"
            "| 참고 2 | 용어 |\n□ 건수\n| 구분 | 2분기 |\n| 전체 | 12 |")
    rows = [c for c in chunk_document(_doc(text)) if c.kind == "table_row"]
    assert "총투자 기준" in rows[0].search_text and "순투자 기준" in rows[1].search_text
    assert "기준" not in rows[-1].search_text


def test_a_passage_chunks_sentences_are_embedded_under_its_context():
    """What the embedder reads of each sentence (:func:`qa.sentences.unit_texts`): the chunk's context (its
    section) and the sentence, one per sentence the passage ranking cuts; none for a chunk of one sentence (its
    own vector serves) nor for a kind never answered from."""
    from qa.sentences import sentence_units, unit_texts

    doc = synthetic("1. 추진 배경\n□ 여수시는 드론 택배를 도입한다.\nㅇ 수중 로봇 관제도 함께 추진한다.\n□ 공모는 5월까지다.")
    point, single = [c for c in chunk_document(doc) if c.kind == "point"]
    assert unit_texts(point) == [f"{point.section}\n□ 여수시는 드론 택배를 도입한다.",
                                 f"{point.section}\nㅇ 수중 로봇 관제도 함께 추진한다."]
    assert len(sentence_units(point.text)) == 2
    assert unit_texts(single) == []
    assert unit_texts(replace(point, kind="section")) == []
