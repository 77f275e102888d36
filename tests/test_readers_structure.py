"""What published files hold besides paragraphs and plain tables, on hand-made structures: text boxes and
drawing objects (HWP ``gso``, HWPX ``hp:rect``/``hp:drawText``), nested tables, overlapped characters,
merged cells on a form's fine grid, Hancom's private-use characters and NUL, PDF text without a Unicode
map, and the build's progress display. No files, milliseconds."""

from __future__ import annotations

import logging
import struct
from xml.etree import ElementTree as ET

from qa.ingest import normalize_text
from qa.progress import Progress, log_line, time_left
from qa.readers import hwp, hwpx
from qa.readers.base import LABEL_CHARS, Paragraph, Table, assemble, shown_rows, table_from_cells
from qa.readers.chars import circled, clean_nul, compose_text, equation_char, is_equation_font, map_private_use
from qa.readers.pdf import mapping_failure


# ----------------------------------------------------------------------------- characters
def test_hancom_private_use_characters_read_as_standard_ones():
    assert map_private_use("\U000f02b1 대국민 소통 \U000f02b9 공직사회") == "① 대국민 소통 ⑨ 공직사회"
    assert map_private_use("\uf0a7 고유 업무 \uf0e8 접수 \uf0fe 완료 \U000f02fb 항목") == "▪ 고유 업무 ➔ 접수 ☑ 완료 ▸ 항목"
    assert map_private_use("\ue123 그대로") == "\ue123 그대로"  # an unknown one is kept
    assert compose_text("\U000f02ba\U000f02c3") == "⑩" and compose_text("\U000f02ba\U000f02c5") == "⑫"
    assert compose_text("\U000f028a\U000f0293") == "(21)"  # the other overlap block, past twenty
    assert map_private_use("\U000f02ce 클라우드 \U000f02cf 데이터 허브 \U000f02e1") == "❶ 클라우드 ❷ 데이터 허브 ⓴"
    assert map_private_use("\U000f02c4") == "⑳"
    assert circled(21) == "(21)"


def test_nul_is_a_space_between_words_and_nothing_elsewhere():
    assert clean_nul("사이버안보\x00업무규정") == "사이버안보 업무규정"
    assert clean_nul("\x00\x00앞 뒤\x00") == "앞 뒤"
    assert normalize_text("A\x00B \U000f02b2") == "A B ②"  # every reader's text goes through it


def test_equation_font_glyphs_are_letters_and_digits():
    assert is_equation_font("INPILL+HyhwpEQ") and is_equation_font("HancomEQN") and not is_equation_font("NanumSquareR")
    assert "".join(equation_char(c) for c in "\ue00b\ue0e9\ue0f2\ue044\ue017\ue045") == "Len(X)"
    assert equation_char("\ue034\ue03d") == "10" and equation_char("\ue0a7") == ""


def test_pdf_text_without_a_unicode_map_is_refused():
    garbage = "(cid:21)(cid:19)(cid:21)(cid:3) (cid:9744)(cid:10899) KOREA (cid:135)\n" * 20
    assert "no Unicode map" in mapping_failure(garbage) and "(cid:21)" in mapping_failure(garbage)
    assert mapping_failure("암호모듈 구현안내서 (cid:3) 본문\n" * 20) is None  # a stray one is dropped, not fatal
    assert "private-use" in mapping_failure("\ue001\ue002\ue003\ue004 가")
    assert mapping_failure("") is None


# ----------------------------------------------------------------------------- merged cells
def test_a_merged_cell_is_repeated_where_it_labels_and_written_once_across_a_grid():
    long_text = "가나다라마바사아자차" * 5  # longer than a label
    cells = [(0, 0, 1, 1, "구분"), (0, 1, 1, 9, "내용"),
             (1, 0, 2, 1, "분야"), (1, 1, 1, 9, long_text),
             (2, 1, 1, 3, "첨단바이오"), (2, 4, 1, 6, "")]
    table = table_from_cells(cells)
    rows = shown_rows(table)
    assert rows[1] == ["분야", long_text] + [""] * 8  # across the columns: once
    assert rows[2][0] == "분야" and rows[2][1:4] == ["첨단바이오", "", ""]  # down the rows: the label again
    big = table_from_cells([(0, 0, 3, 1, long_text), (0, 1, 1, 1, "a"), (1, 1, 1, 1, "b"), (2, 1, 1, 1, "c")])
    assert [r[0] for r in shown_rows(big)] == [long_text, "", ""]  # a long cell spanning rows: once
    assert len(long_text) > LABEL_CHARS


def test_a_fine_grid_form_stays_the_size_of_its_text():
    text = "고품질 첨단의약품 디지털팩토리 제조공정 혁신 " * 3
    cells = [(r, 0, 1, 1, f"항목{r}") for r in range(20)] + [(r, 1, 1, 26, text) for r in range(20)]
    out = "\n".join(assemble([Table(table_from_cells(cells).rows, merged=table_from_cells(cells).merged)]).lines)
    own = sum(len(text) + 3 for _ in range(20))
    assert len(out) < 2 * own


def test_a_frame_around_pictures_keeps_its_caption():
    parsed = assemble([Paragraph("앞"), Table([[""]], caption="<그림 1> 싱크홀 사고"), Paragraph("뒤")])
    assert parsed.lines == ["앞", "<그림 1> 싱크홀 사고", "뒤"]


def test_a_paragraph_broken_inside_its_sentence_is_joined_again():
    # a release's lead paragraph written as two, as statistical releases' HWP files have it
    parsed = assemble([Paragraph("올해 2분기 수출액은 통관 기준으로 전년 같은 분기보다 늘어난 1,520억 달러로"),
                       Paragraph("역대 2분기 가운데 가장 많았다."), Paragraph("품목별로는 반도체가 가장 많았다.")])
    assert parsed.lines == [
        "올해 2분기 수출액은 통관 기준으로 전년 같은 분기보다 늘어난 1,520억 달러로 역대 2분기 가운데 가장 많았다.",
        "품목별로는 반도체가 가장 많았다."]
    # a connective ending and a conjunction are open too; a text box broken line by line is joined line by line
    broken = ["오래된 수도관에서 조금씩 새어 나온 물이 주변의 흙을", "쓸어 가면서 도로 아래에 눈에 보이지 않는 빈 공간을",
              "만들어 낸다"]
    assert assemble([Paragraph(x) for x in broken]).lines == [" ".join(broken)]
    assert len(assemble([Paragraph("지원 대상은 만 19세 이상 34세 이하 청년 및"), Paragraph("중장년 구직자이다.")]).lines) == 1


def test_titles_items_and_nouns_at_a_line_end_are_not_joined():
    kept = [
        ["2024년 영암군 도서관 기간제근로자 채용 공고", "영암군 관리규정 제10조에 따라 채용한다."],  # a title ends on a noun
        ["정부는 상황을 살펴 지원 방안을 마련할 계획이며", "□ 향후 계획"],  # the next opens with a bullet
        ["나. 과업기간: 계약체결일 ~ 2023. 11. 30.(목)까지", "다. 과업목적"],  # … or with a number
        ["소프트웨어 사업의 목표시스템 구성도", "전체 구성은 다음과 같다."],  # 구성도 is a noun, not 구성 + "also"
        ["암호모듈에서 사용되는 피드백의 길이", "CTR 운영모드의 초기값"],  # 길이 is a word of its own
        ["[첨부2] 소프트웨어사업 영향평가 결과 검토 결과서", "2024-11-26"],  # a label's line
        ["짧은 줄로", "끝난다."],  # too short to be a wrapped line
    ]
    for lines in kept:
        assert assemble([Paragraph(x) for x in lines]).lines == lines, lines


# ----------------------------------------------------------------------------- HWPX
HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"


def _hp(xml: str):
    return ET.fromstring(f'<hp:p xmlns:hp="{HP}">{xml}</hp:p>')


def _para(text: str) -> str:
    return f"<hp:p><hp:run><hp:t>{text}</hp:t></hp:run></hp:p>"


def _cell(row: int, col: int, inner: str) -> str:
    return (f'<hp:tc><hp:subList>{inner}</hp:subList><hp:cellAddr colAddr="{col}" rowAddr="{row}"/>'
            '<hp:cellSpan colSpan="1" rowSpan="1"/></hp:tc>')


def test_hwpx_text_boxes_are_read_where_they_are_anchored():
    p = _hp("<hp:run><hp:t>앞 문단</hp:t><hp:rect><hp:drawText><hp:subList>" + _para("배점 45점/100점")
            + "</hp:subList></hp:drawText></hp:rect><hp:t>뒤 문단</hp:t></hp:run>")
    blocks: list = []
    hwpx._paragraph_blocks(p, blocks)
    assert [b.text for b in blocks] == ["앞 문단", "배점 45점/100점", "뒤 문단"]
    group = _hp("<hp:run><hp:container><hp:rect><hp:drawText><hp:subList>" + _para("상자 1")
                + "</hp:subList></hp:drawText></hp:rect><hp:ellipse><hp:drawText><hp:subList>" + _para("상자 2")
                + "</hp:subList></hp:drawText></hp:ellipse></hp:container></hp:run>")
    blocks = []
    hwpx._paragraph_blocks(group, blocks)
    assert [b.text for b in blocks] == ["상자 1", "상자 2"]


def test_hwpx_nested_table_is_a_table_of_its_own_after_its_holder():
    inner = "<hp:run><hp:tbl>" + "".join(f"<hp:tr>{_cell(r, 0, _para(a))}{_cell(r, 1, _para(b))}</hp:tr>"
                                         for r, (a, b) in enumerate([("전략", "과제"), ("참여소통", "국민 참여")])) \
        + "</hp:tbl></hp:run>"
    outer = _hp("<hp:run><hp:tbl><hp:tr>" + _cell(0, 0, _para("정부혁신 추진전략") + f"<hp:p>{inner}</hp:p>")
                + "</hp:tr></hp:tbl></hp:run>")
    blocks: list = []
    hwpx._paragraph_blocks(outer, blocks)
    assert [b.rows for b in blocks] == [[["정부혁신 추진전략"]], [["전략", "과제"], ["참여소통", "국민 참여"]]]


def test_hwpx_overlapped_character():
    p = _hp('<hp:run><hp:compose composeText="\U000f02ba\U000f02c4"/><hp:t> 공공 AI 리터러시</hp:t></hp:run>')
    blocks: list = []
    hwpx._paragraph_blocks(p, blocks)
    assert blocks[0].text == "⑪ 공공 AI 리터러시"


# ----------------------------------------------------------------------------- HWP 5 records
def _text(*pieces) -> hwp.Record:
    """A PARA_TEXT: strings, and ``None`` for an extended control (code 11, eight UTF-16 units)."""
    data = b"".join(p.encode("utf-16-le") if p is not None else struct.pack("<H", 11) + bytes(14) for p in pieces)
    return hwp.Record(hwp.PARA_TEXT, 1, data)


def _paragraph(*pieces, ctrls=()) -> hwp.Record:
    return hwp.Record(hwp.PARA_HEADER, 0, b"", [_text(*pieces), *ctrls])


def _list_header(row: int = 0, col: int = 0) -> hwp.Record:
    return hwp.Record(hwp.LIST_HEADER, 1, bytes(8) + struct.pack("<HHHH", col, row, 1, 1))


def test_hwp_drawing_object_text_is_read_in_place():
    box = hwp.Record(hwp.CTRL_HEADER, 1, hwp.ctrl_id("gso ") + bytes(40), [
        hwp.Record(hwp.HWPTAG_BEGIN + 60, 2, b"", [hwp.Record(hwp.LIST_HEADER, 3, bytes(8)),
                                                   _paragraph("배점 45점/100점")])])
    blocks: list = []
    hwp._paragraph_blocks(_paragraph("앞 ", None, " 뒤", ctrls=[box]), blocks)
    assert [b.text for b in blocks] == ["앞 ", "배점 45점/100점", " 뒤"]


def test_hwp_nested_table_and_overlapped_character():
    inner = hwp.Record(hwp.CTRL_HEADER, 3, hwp.ctrl_id("tbl "), [
        hwp.Record(hwp.TABLE, 4, b""), _list_header(0, 0), _paragraph("전략"), _list_header(0, 1), _paragraph("과제")])
    outer = hwp.Record(hwp.CTRL_HEADER, 1, hwp.ctrl_id("tbl "), [
        hwp.Record(hwp.TABLE, 2, b""), _list_header(), _paragraph("추진전략", None, ctrls=[inner])])
    compose = hwp.Record(hwp.CTRL_HEADER, 1, hwp.ctrl_id("tcps") + struct.pack("<H", 4)
                         + "\U000f02ba\U000f02c3".encode("utf-16-le"))
    blocks: list = []
    hwp._paragraph_blocks(_paragraph(None, " 인프라 ", None, ctrls=[compose, outer]), blocks)
    assert blocks[0].text == "⑩ 인프라 "
    assert [b.rows for b in blocks[1:]] == [[["추진전략"]], [["전략", "과제"]]]


# ----------------------------------------------------------------------------- progress
def test_progress_log_lines_say_what_is_left(caplog, monkeypatch):
    monkeypatch.setenv("QA_PROGRESS", "log")
    assert time_left(0, 10, 5.0) is None and time_left(5, 10, 5.0) == 5.0 and time_left(10, 10, 9.0) == 0.0
    assert log_line("embedding", 270, 540, "chunks", 12.3) == "embedding: 270/540 chunks (12.3s, ~12s left)"
    with caplog.at_level(logging.INFO, logger="qa.progress"):
        progress = Progress("reading files", 20, "files")
        for n in range(21):
            progress(n)
    lines = [r.getMessage() for r in caplog.records if r.name == "qa.progress"]
    assert len(lines) == 11 and lines[0].startswith("reading files: 0/20 files") and lines[-1].startswith("reading files: 20/20")
