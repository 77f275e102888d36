"""Rows of a table chosen by the cell values a question names (qa/answer/rows.py), on the real layouts of
tests/data/real (merged category cells filled down, several tables per announcement)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer.rows import asked_noun, select_column, select_rows, tables_of
from qa.chunk import chunk_document
from qa.ingest import load_corpus

REAL = Path(__file__).resolve().parent / "data" / "real"


@pytest.fixture(scope="module")
def tables():
    docs = {d.doc_id: d for d in load_corpus(REAL)}
    chunks = [c for d in docs.values() for c in chunk_document(d)]
    by_row = tables_of(chunks)
    distinct = {t[0].chunk_id: t for t in by_row.values()}
    return list(distinct.values())


def _cells(row, header):
    return next(v for h, v in row.cells if h == header)


def test_two_named_values_narrow_together(tables):
    found = select_rows("전남에서 어촌 행복한 삶터로 뽑힌 곳은 어디어디야?", tables)
    assert [_cells(r, "대상지") for r in found.rows] == ["증도 증동권역", "안양권역", "두원권역", "생일하루 봉선권역"]
    assert found.narrowed and not found.counted  # 전남 alone: 5 rows; 행복한 삶터 alone: 9


def test_rows_holding_a_named_value_are_counted(tables):
    found = select_rows("태안군이 들어간 대상지는 몇 개야?", tables)
    assert found.counted and len(found.rows) == 3  # "태안군" in one cell of 3 rows, the total row left out
    assert found.text("개")[0].startswith("태안군: 3개")
    found = select_rows("행복한 삶터로 선정된 곳은 몇 곳이야?", tables)
    assert len(found.rows) == 9  # the merged 유형 cell, filled down to every row it spans


def test_a_value_inside_a_longer_word_is_not_named(tables):
    # "행정혁신" does not name a cell "행정"; a question naming no cell value selects nothing
    assert select_rows("행정혁신 과제는 몇 개야?", tables) is None
    assert select_rows("수출은 얼마야?", tables) is None  # not a question about rows


def test_a_long_selection_is_cut_with_the_total(tables):
    found = select_rows("행복한 삶터로 선정된 곳은 몇 곳이야?", tables)
    text, shown = found.text("곳", limit=3)
    assert shown == 3 and text.startswith("행복한삶터: 9곳") and text.endswith("… 외 6건 (총 9건)")
    assert len(found.items()) == 9  # every row, for the API to page through
    text, shown = found.text("곳", limit=20, max_chars=150)
    assert len(text) <= 150 and 1 <= shown < 9


@pytest.mark.parametrize("question, noun", [("어떤 시설들이 있어?", "시설"), ("무슨 사업을 해?", "사업"),
                                            ("참여기관들 알려줘", "참여기관"), ("어느 지자체야?", None)])
def test_the_noun_a_which_ones_question_asks(question, noun):
    assert asked_noun(question) == noun


def test_a_column_asked_by_its_header_lists_its_values(tables):
    found = select_column("신길 책마루 문화센터에는 어떤 시설들이 있어?", tables)
    assert found.values == ("도서관", "수영장", "체육관", "북카페")
    assert found.text()[0] == "시설: 도서관, 수영장, 체육관, 북카페"
    assert select_column("신길 책마루 문화센터에는 어떤 주차장이 있어?", tables) is None  # no such column


def test_a_row_chosen_by_a_cell_answers_the_column_the_question_ends_on(tables):
    """"첨단재생바이오를 맡은 지역은?": no question word, but 지역 is a column of the table whose 특구 분야 cell the
    question names: that row's 지역."""
    found = select_rows("글로벌 혁신 특구 중 첨단재생바이오를 맡은 지역은?", tables)
    assert found.column == "지역" and [_cells(r, "지역") for r in found.rows] == ["충청북도"]
    assert found.items()[0].startswith("지역: 충청북도")
    assert select_rows("글로벌 혁신 특구 중 첨단재생바이오는 좋아?", tables) is None  # no column asked, no question word
