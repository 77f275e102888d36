"""The feedback and unanswered-question log (qa/feedback.py): what is stored (and what never is), retention,
the row cap, concurrent writers, the summary and the CSV export."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from qa.config import Config
from qa.feedback import COLUMNS, FeedbackLog, feedback_path


@pytest.fixture
def log(tmp_path) -> FeedbackLog:
    return FeedbackLog(tmp_path / "fb.sqlite", retention_days=30)


def test_rows_hold_question_answer_rule_time_and_no_address(log):
    row = log.not_found("서울시 국비는?", "공고문에서 찾을 수 없습니다.", "not_found:unknown_name", origin="ui")
    fb = log.feedback("전주시 국비는?", "160억원", "lookup", "down", comment="기간이 빠짐", origin="embed")
    rows = log.rows()
    assert [r["id"] for r in rows] == [row, fb]
    assert rows[0]["kind"] == "not_found" and rows[0]["rule"] == "not_found:unknown_name" and rows[0]["time"].endswith("Z")
    assert (rows[1]["rating"], rows[1]["comment"], rows[1]["origin"]) == ("down", "기간이 빠짐", "embed")
    assert set(COLUMNS) == set(rows[0]) and not any("addr" in c or c in ("ip", "client", "host") for c in COLUMNS)


def test_comment_after_the_rating(log):
    row = log.feedback("q", "a", "lookup", "up")
    assert log.set_comment(row, "좋아요") and log.rows()[0]["comment"] == "좋아요"
    nf = log.not_found("q2", "a", "not_found:no_passage")
    assert not log.set_comment(nf, "x")  # only feedback rows take comments


def test_bad_values_are_refused_and_long_text_bounded(log):
    with pytest.raises(ValueError):
        log.feedback("q", "a", "r", "meh")
    with pytest.raises(ValueError):
        log.add("other", "q")
    log.feedback("가" * 10_000 + "\ud800", "a", "r", "up", origin="nowhere")
    row = log.rows()[0]
    assert len(row["question"]) == 4000 and row["origin"] == "api"


def test_summary_counts_and_frequent_unanswered(log):
    for _ in range(3):
        log.not_found("서울시 국비는?", "없음", "not_found:unknown_name")
    log.not_found("부산 국비는?", "없음", "not_found:unknown_name")
    log.feedback("전주시 국비는?", "160억원", "lookup", "down", comment="틀림")
    log.feedback("김해시 국비는?", "80억원", "lookup", "up")
    s = log.summary()
    assert s["counts"] == {"not_found": 4, "up": 1, "down": 1, "comments": 1}
    assert s["unanswered"][0] == {"question": "서울시 국비는?", "count": 3, "last": s["unanswered"][0]["last"],
                                  "rules": ["not_found:unknown_name"]}
    assert {u["question"] for u in s["unanswered"]} == {"서울시 국비는?", "부산 국비는?", "전주시 국비는?"}
    assert [f["rating"] for f in s["feedback"]] == ["up", "down"]  # newest first


def test_retention_and_row_cap(tmp_path):
    log = FeedbackLog(tmp_path / "fb.sqlite", retention_days=1, max_rows=5)
    log.not_found("old", "a", "r")
    with sqlite3.connect(log.path) as conn:
        conn.execute("update events set time = '2000-01-01T00:00:00Z'")
    for i in range(8):
        log.not_found(f"q{i}", "a", "r")
    questions = [r["question"] for r in log.rows()]
    assert "old" not in questions and questions == [f"q{i}" for i in range(3, 8)]


def test_concurrent_writers_never_lose_a_row(log):
    def write(i: int) -> int:
        return log.feedback(f"q{i}", "a", "r", "up" if i % 2 else "down")

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(write, range(200)))
    assert len(set(ids)) == 200 and len(log.rows()) == 200
    assert threading.active_count() >= 1


def test_csv_export_is_spreadsheet_safe(log):
    log.feedback("=HYPERLINK(\"http://x\")", "+1", "lookup", "down", comment="@sum, \"인용\"")
    text = log.csv()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(COLUMNS)
    assert rows[1][COLUMNS.index("question")].startswith("'=") and rows[1][COLUMNS.index("answer")] == "'+1"
    assert rows[1][COLUMNS.index("comment")] == "'@sum, \"인용\""


def test_default_path_is_beside_the_index_folder(tmp_path):
    config = Config.load(env={}, index_dir=tmp_path / "index")
    assert feedback_path(config) == tmp_path / "index.feedback.sqlite"  # a rebuild replaces index/ whole
    assert feedback_path(config.replace(feedback_db=str(tmp_path / "x.db"))) == tmp_path / "x.db"
    assert Config.load(env={"QA_FEEDBACK_RETENTION_DAYS": "7"}).feedback_retention_days == 7.0
