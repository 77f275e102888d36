"""Stage 1, ingest: announcement files → :class:`qa.ingest.Document` (metadata, lines, errors)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from qa.ingest import CorpusError, Document, corpus_hash, find_date, load_corpus, read_document

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "molit_2025_smart_city_selection"
SEED_TXT = ROOT / "corpus" / f"{SEED_ID}.txt"
SEED_JSON = ROOT / "corpus" / f"{SEED_ID}.json"
TITLE = "2025년 스마트도시 조성사업 공모 선정 결과"
SOURCE = "https://www.molit.go.kr/USR/NEWS/m_71/dtl.jsp?lcmspage=1&id=95091011"


@pytest.fixture(scope="module")
def seed_docs() -> list[Document]:
    return load_corpus(ROOT / "corpus")


# ----------------------------------------------------------------------------- the seed announcement
def test_seed_is_one_document_with_sidecar_metadata(seed_docs):
    assert len(seed_docs) == 1
    doc = seed_docs[0]
    assert doc.doc_id == SEED_ID
    assert doc.title == TITLE
    assert doc.published == "2025-06-19"
    assert doc.year == 2025
    assert doc.publisher == "국토교통부 도시경제과"
    assert doc.source == SOURCE
    assert Path(doc.path).name == SEED_TXT.name


def test_seed_lines_are_the_file_lines(seed_docs):
    """Line n of the document is line n of the file (what `nl -ba` shows), so citations are checkable."""
    doc = seed_docs[0]
    file_lines = SEED_TXT.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert doc.lines == tuple(file_lines)
    assert len(doc.lines) == 36
    assert doc.lines[0].startswith("□ 국토교통부(장관 박상우)는")
    assert doc.lines[15].startswith("□ 거점형에는 총 3개 지자체가 신청해")  # line 16
    assert doc.lines[-1].startswith("원출처 : https://")
    assert doc.text == "\n".join(doc.lines)


def test_to_dict_has_metadata_not_lines(seed_docs):
    d = seed_docs[0].to_dict()
    assert "lines" not in d
    assert d["n_lines"] == 36 and d["year"] == 2025 and d["title"] == TITLE


def test_without_sidecar_title_and_source_come_from_the_text(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)  # only the .txt, no .json
    docs = load_corpus(tmp_path)
    assert len(docs) == 1
    doc = docs[0]
    assert doc.doc_id == SEED_ID
    assert doc.title == TITLE  # the "< … >" caption on line 2
    assert doc.source == SOURCE  # the 원출처 line
    assert doc.publisher == "국토교통부"  # "국토교통부(장관 박상우)" on line 1
    assert doc.year == 2025  # no full date in the text: the year comes from the title
    assert doc.published is None


def test_a_new_txt_is_picked_up_without_any_other_file(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    shutil.copy(SEED_JSON, tmp_path / SEED_JSON.name)
    (tmp_path / "mois_2024_notice.txt").write_text(
        "□ 행정안전부(장관 이상민)는 2024년 3월 5일 「2024년 지역혁신 공모」 결과를 발표하였다.\n"
        "ㅇ 선정된 지자체에는 국비 50억원을 지원한다.\n"
        "원출처 : https://www.mois.go.kr/frt/bbs/type010/view.do?id=1\n",
        encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an announcement", encoding="utf-8")
    docs = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["mois_2024_notice", SEED_ID]  # sorted, stable
    new = docs[0]
    assert new.title == "2024년 지역혁신 공모"  # the 「…」 name
    assert new.publisher == "행정안전부"
    assert new.published == "2024-03-05"
    assert new.source == "https://www.mois.go.kr/frt/bbs/type010/view.do?id=1"
    assert len(new.lines) == 3


# ----------------------------------------------------------------------------- front matter
def test_front_matter_is_parsed_and_stripped(tmp_path):
    path = tmp_path / "fm.txt"
    path.write_text("---\ntitle: X\npublished: 2025-04-10\n---\n□ 본문 첫 줄\nㅇ 둘째 줄\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.title == "X"
    assert doc.published == "2025-04-10"
    assert doc.lines == ("□ 본문 첫 줄", "ㅇ 둘째 줄")
    assert not any(line.strip() == "---" or line.startswith("title:") for line in doc.lines)


def test_front_matter_with_crlf_bom_and_dotted_date(tmp_path):
    path = tmp_path / "fm.txt"
    path.write_bytes("\ufeff---\r\ntitle: \"Y\"\r\npublished: 2025.4.10\r\n---\r\n□ 본문\r\n".encode())
    doc = read_document(path)
    assert (doc.title, doc.published, doc.lines) == ("Y", "2025-04-10", ("□ 본문",))


def test_front_matter_only_file_is_empty(tmp_path):
    path = tmp_path / "only_meta.txt"
    path.write_text("---\ntitle: X\n---\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="only_meta.txt"):
        read_document(path)


# ----------------------------------------------------------------------------- normalisation
def test_nfd_file_ingests_to_the_same_lines_as_nfc(tmp_path):
    text = SEED_TXT.read_text(encoding="utf-8")
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text  # the decomposed form really differs
    (tmp_path / "nfc").mkdir()
    (tmp_path / "nfd").mkdir()
    (tmp_path / "nfc" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "nfd" / "a.txt").write_text(nfd, encoding="utf-8")
    a, b = read_document(tmp_path / "nfc" / "a.txt"), read_document(tmp_path / "nfd" / "a.txt")
    assert b.lines == a.lines
    assert b.title == a.title == TITLE
    assert all(unicodedata.is_normalized("NFC", line) for line in b.lines)


def test_crlf_and_odd_spaces_are_unified(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("□ 첫\u00a0줄\r\nㅇ 둘째\u3000줄\r\n".encode())
    assert read_document(path).lines == ("□ 첫 줄", "ㅇ 둘째 줄")


# ----------------------------------------------------------------------------- errors
def test_non_utf8_file_raises_corpus_error_naming_the_file(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    (tmp_path / "legacy_cp949.txt").write_bytes("□ 국토교통부는 공모 결과를 발표하였다.".encode("cp949"))
    with pytest.raises(CorpusError) as exc:
        load_corpus(tmp_path)
    assert "legacy_cp949.txt" in str(exc.value)
    assert "UTF-8" in str(exc.value)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"  \t \n \n"], ids=["empty", "newlines", "blanks"])
def test_empty_file_raises_corpus_error_naming_the_file(tmp_path, content):
    (tmp_path / "blank_notice.txt").write_bytes(content)
    with pytest.raises(CorpusError, match="blank_notice.txt"):
        load_corpus(tmp_path)


def test_empty_folder_raises(tmp_path):
    (tmp_path / "readme.md").write_text("no announcements here", encoding="utf-8")
    with pytest.raises(CorpusError, match="no .txt"):
        load_corpus(tmp_path)


def test_missing_folder_raises(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "does-not-exist")


def test_broken_sidecar_raises_corpus_error(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    (tmp_path / SEED_JSON.name).write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match=SEED_JSON.name):
        load_corpus(tmp_path)


def test_duplicate_doc_id_raises(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / "a.txt")
    shutil.copy(SEED_TXT, tmp_path / "b.txt")
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text('{"doc_id": "same"}', encoding="utf-8")
    with pytest.raises(CorpusError, match="duplicate doc_id"):
        load_corpus(tmp_path)


# ----------------------------------------------------------------------------- helpers
def test_corpus_hash_covers_txt_and_sidecar():
    hashes = corpus_hash(ROOT / "corpus")
    assert set(hashes) == {SEED_TXT.name, SEED_JSON.name}
    assert all(len(h) == 64 for h in hashes.values())


@pytest.mark.parametrize("text,iso", [
    ("2025. 6. 19.(목) 배포", "2025-06-19"),
    ("보도시점 2025.06.19 11:00", "2025-06-19"),
    ("2025년 6월 19일 발표", "2025-06-19"),
    ("6월 23일부터 확인", None),
])
def test_find_date(text, iso):
    assert find_date(text) == iso


def test_find_date_returns_the_first_date_in_the_text():
    assert find_date("2025년 6월 19일 발표. 2023.12.31 기준 통계") == "2025-06-19"
