"""Stage 1, ingest: announcement files → :class:`qa.ingest.Document` (metadata, lines, errors, bad files).

Format-by-format agreement with the ``.txt`` (HWPX, HWP, PDF, DOCX, HTML, Markdown) is in test_formats.py.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from qa.ingest import (
    CorpusError,
    Document,
    corpus_files,
    corpus_hash,
    find_date,
    load_corpus,
    read_document,
    scan_corpus,
)
from qa.readers import ReadError, file_type, sniff
from qa.readers.text import decode

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "tests" / "data" / "formats"
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
    (tmp_path / "notes.log").write_text("not an announcement", encoding="utf-8")  # not a supported type
    (tmp_path / "README.md").write_text("# about this folder", encoding="utf-8")  # folder documentation
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
def test_cp949_file_is_decoded_not_fatal(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    (tmp_path / "legacy_cp949.txt").write_bytes("□ 국토교통부는 공모 결과를 발표하였다.".encode("cp949"))
    scan = scan_corpus(tmp_path)
    assert [r.status for r in scan.reports] == ["ok", "ok"]
    legacy = next(d for d in scan.documents if d.doc_id == "legacy_cp949")
    assert legacy.lines == ("□ 국토교통부는 공모 결과를 발표하였다.",)
    assert next(r for r in scan.reports if r.name == "legacy_cp949.txt").encoding == "cp949"


# ----------------------------------------------------------------------------- encodings
@pytest.mark.parametrize("text", ["국비", "단위: 억원", "선정 결과", "□ 국토교통부는 공모 결과를 발표하였다.",
                                  "강소형 | 경북 김천시 | 80억원"])
def test_short_cp949_text_is_cp949_even_where_detectors_guess_otherwise(text):
    """charset-normalizer alone calls the 4 bytes of "국비" Big5 and "단위: 억원" UTF-16-BE; CP949 is tried
    strictly before the detector."""
    assert decode(text.encode("cp949")) == (text, "cp949")
    assert decode(text.encode("euc-kr"))[0] == text


@pytest.mark.parametrize("encoding,name", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
                                           ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"),
                                           ("utf-32", "utf-32")])
def test_unicode_encodings_with_and_without_bom(encoding, name):
    text = "□ 국토교통부는 2025년 6월 19일 발표하였다.\nㅇ 국비 80억원"
    assert decode(text.encode(encoding)) == (text, name)


def test_a_legacy_encoding_charset_normalizer_knows():
    """Neither UTF-8 nor valid CP949 (ö + r is no CP949 pair): charset-normalizer decides."""
    text = "Die Förderung beträgt 80 Mio. Euro für Städte und Gemeinden."
    decoded, encoding = decode(text.encode("cp1252"))
    assert decoded == text and encoding not in ("utf-8", "cp949")


def test_utf16_file_reads_like_the_utf8_one(tmp_path):
    (tmp_path / "a.txt").write_bytes(SEED_TXT.read_text(encoding="utf-8").encode("utf-16"))
    assert read_document(tmp_path / "a.txt").lines == read_document(SEED_TXT).lines


@pytest.mark.parametrize("content", [b"", b"\n\n", b"  \t \n \n"], ids=["empty", "newlines", "blanks"])
def test_empty_file_raises_corpus_error_naming_the_file(tmp_path, content):
    (tmp_path / "blank_notice.txt").write_bytes(content)
    with pytest.raises(CorpusError, match="blank_notice.txt"):
        load_corpus(tmp_path)


def test_empty_folder_raises(tmp_path):
    (tmp_path / "readme.md").write_text("no announcements here", encoding="utf-8")
    with pytest.raises(CorpusError, match="no announcements"):
        load_corpus(tmp_path)


def test_missing_folder_raises(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "does-not-exist")


def test_broken_sidecar_alone_raises_corpus_error_naming_it(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    (tmp_path / SEED_JSON.name).write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match=SEED_JSON.name):  # nothing else readable: the build cannot go on
        load_corpus(tmp_path)


def test_duplicate_doc_id_is_skipped(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / "a.txt")
    (tmp_path / "b.txt").write_text("□ 다른 공고의 본문이다.\n", encoding="utf-8")
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text('{"doc_id": "same"}', encoding="utf-8")
    scan = scan_corpus(tmp_path)
    assert [d.path for d in scan.documents] == [str(tmp_path / "a.txt")]
    (bad,) = scan.skipped
    assert (bad.name, bad.status, bad.problem) == ("b.txt", "skipped", "duplicate_id") and "a.txt" in bad.reason


# ----------------------------------------------------------------------------- bad files never stop the build
BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "blank.md": (b"\n  \n", "empty"),
    "binary.txt": (bytes(range(256)) * 8, "binary"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
    "not_really.pdf": ("□ 이것은 PDF가 아니다".encode(), "wrong_type"),
    "html_error.docx": (b"<!DOCTYPE html><html><body>404</body></html>", "wrong_type"),
    "truncated.pdf": (b"%PDF-1.7\n1 0 obj <<", "unreadable"),
    "broken.hwpx": (b"PK\x03\x04" + bytes(100), "wrong_type"),
    "zip.hwp": (b"PK\x03\x04" + bytes(100), "wrong_type"),
}


@pytest.fixture
def messy_corpus(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    shutil.copy(SEED_JSON, tmp_path / SEED_JSON.name)
    for name, (data, _) in BAD_FILES.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_bad_files_are_skipped_with_their_reason(messy_corpus, caplog):
    scan = scan_corpus(messy_corpus)
    assert [d.doc_id for d in scan.documents] == [SEED_ID]
    status = {r.name: r.problem or r.status for r in scan.reports}
    assert status == {SEED_TXT.name: "ok", **{n: s for n, (_, s) in BAD_FILES.items()}}
    for r in scan.skipped:
        assert r.reason and r.name in caplog.text  # a warning naming the file …
        assert any(r.reason in rec.getMessage() for rec in caplog.records)  # … and why
    assert load_corpus(messy_corpus)[0].doc_id == SEED_ID  # load_corpus keeps working


@pytest.mark.parametrize("name,status,words", [
    ("scanned.pdf", "scanned", "no text layer"),
    ("encrypted.pdf", "encrypted", "password"),
    ("encrypted.hwp", "encrypted", "password"),
    ("distribution.hwp", "encrypted", "배포용"),
])
def test_scanned_and_encrypted_files_are_reported(tmp_path, name, status, words):
    shutil.copy(FORMATS / "bad" / name, tmp_path / name)
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    (bad,) = scan_corpus(tmp_path).skipped
    assert (bad.name, bad.problem) == (name, status) and words in bad.reason


def test_encrypted_hwpx_and_docx(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "locked.hwpx", "w") as z:
        z.writestr("mimetype", "application/hwp+zip")
        z.writestr("META-INF/manifest.xml", '<odf:manifest><odf:file-entry><odf:encryption-data/></odf:file-entry></odf:manifest>')
        z.writestr("Contents/section0.xml", b"\x8f\x13 ciphertext")
    ole = (FORMATS / "bad" / "encrypted.hwp").read_bytes()  # an OLE file, as Office saves encrypted .docx
    (tmp_path / "locked.docx").write_bytes(ole.replace(b"F\x00i\x00l\x00e", b"X\x00i\x00l\x00e"))
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    skipped = {r.name: r.problem for r in scan_corpus(tmp_path).skipped}
    assert skipped == {"locked.hwpx": "encrypted", "locked.docx": "encrypted"}


def test_oversized_file_is_skipped(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    (tmp_path / "huge.txt").write_text("□ 큰 파일\n" * 20000, encoding="utf-8")
    scan = scan_corpus(tmp_path, max_file_mb=0.1)
    (bad,) = scan.skipped
    assert (bad.name, bad.problem) == ("huge.txt", "oversized") and "max_file_mb" in bad.reason
    assert len(scan_corpus(tmp_path, max_file_mb=None).documents) == 2


def test_config_has_the_size_limit():
    from qa.config import Config

    assert Config().max_file_mb == 50.0
    assert Config.load(env={"QA_MAX_FILE_MB": "2.5"}).max_file_mb == 2.5


@pytest.mark.parametrize("sidecar,words", [
    ('{"publisher": 123}', '"publisher" must be a string, not int'),
    ('{"title": {"ko": "제목"}}', '"title" must be a string, not dict'),
    ('["title"]', "JSON object"),
    ("[" * 20_000 + "]" * 20_000, "nested too deeply"),
    ('{"title": "' + "가" * 70_000 + '"}', "larger than"),
    ("\xff\xfe{", "unreadable"),
])
def test_bad_sidecar_skips_its_document_only(tmp_path, sidecar, words):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    (tmp_path / "other.txt").write_text("□ 행정안전부는 공모 결과를 발표하였다.\n", encoding="utf-8")
    (tmp_path / "other.json").write_bytes(sidecar.encode("utf-8", "surrogateescape") if "\xff" not in sidecar
                                         else b"\xff\xfe{")
    scan = scan_corpus(tmp_path)
    assert [d.doc_id for d in scan.documents] == [SEED_ID]
    (bad,) = scan.skipped
    assert (bad.name, bad.problem) == ("other.txt", "bad_sidecar")
    assert "other.json" in bad.reason and words in bad.reason


def test_unknown_sidecar_keys_are_ignored_and_null_is_no_value(tmp_path):
    shutil.copy(SEED_TXT, tmp_path / SEED_TXT.name)
    (tmp_path / SEED_JSON.name).write_text('{"title": "T", "publisher": null, "tags": [1, 2]}', encoding="utf-8")
    (doc,) = load_corpus(tmp_path)
    assert doc.title == "T" and doc.publisher == "국토교통부"  # from the text


def test_duplicate_text_in_another_format_is_skipped(tmp_path):
    """Ministries often publish the same release as HWPX and PDF: one is read, the other is a duplicate."""
    for fmt, ext in (("hwpx", "hwpx"), ("pdf", "pdf")):
        shutil.copy(FORMATS / fmt / f"{SEED_ID}.{ext}", tmp_path / f"release.{ext}")
    shutil.copy(SEED_TXT, tmp_path / "copy_of_seed.txt")
    shutil.copy(SEED_TXT, tmp_path / "zz_second_copy.txt")
    scan = scan_corpus(tmp_path)
    status = {r.name: (r.problem or r.status, r.reason) for r in scan.reports}
    assert status["release.hwpx"][0] == "ok"
    assert status["release.pdf"] == ("duplicate", "same text as release.hwpx")
    assert status["zz_second_copy.txt"] == ("duplicate", "same text as copy_of_seed.txt")


# ----------------------------------------------------------------------------- symlinks
def test_symlink_leaving_the_corpus_is_never_followed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_TXT, corpus / SEED_TXT.name)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (corpus / "x.txt").symlink_to(secret)
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / f"{SEED_ID}.json").symlink_to(secret)  # a sidecar pointing out: ignored, not read
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    scan = scan_corpus(corpus)
    assert [d.doc_id for d in scan.documents] == [SEED_ID]
    assert all("root:" not in line for d in scan.documents for line in d.lines)
    skipped = {r.name: r.problem for r in scan.skipped}
    assert skipped == {"x.txt": "symlink", "passwd.txt": "symlink", "loop.txt": "symlink"}
    hashes = corpus_hash(corpus)
    import hashlib

    assert hashes["x.txt"] != hashlib.sha256(secret.read_bytes()).hexdigest()  # the target was never read


def test_symlink_inside_the_corpus_is_read(tmp_path):
    (tmp_path / "archive").mkdir()
    shutil.copy(SEED_TXT, tmp_path / "archive" / "real.txt")
    (tmp_path / "link.txt").symlink_to(tmp_path / "archive" / "real.txt")
    (doc,) = load_corpus(tmp_path)
    assert doc.doc_id == "link" and len(doc.lines) == 36


# ----------------------------------------------------------------------------- types by content
def test_type_is_checked_by_content_not_extension(tmp_path):
    hwpx = (FORMATS / "hwpx" / f"{SEED_ID}.hwpx").read_bytes()
    assert sniff(hwpx) == "hwpx" and sniff((FORMATS / "docx" / f"{SEED_ID}.docx").read_bytes()) == "docx"
    assert sniff((FORMATS / "hwp" / f"{SEED_ID}.hwp").read_bytes()) == "hwp"
    assert sniff(b"%PDF-1.4\n") == "pdf" and sniff(b"") is None
    assert file_type(".hwp", hwpx) == "hwpx"  # an HWPX saved as .hwp is read as HWPX
    (tmp_path / "saved_as.hwp").write_bytes(hwpx)
    assert read_document(tmp_path / "saved_as.hwp").lines == read_document(FORMATS / "hwpx" / f"{SEED_ID}.hwpx").lines
    with pytest.raises(ReadError, match="rename it to .pdf"):
        file_type(".txt", b"%PDF-1.4\n...")


def test_corpus_files_cover_every_supported_type(tmp_path):
    for name in ("a.hwpx", "b.hwp", "c.pdf", "d.docx", "e.html", "f.htm", "g.md", "h.txt", "i.json", "j.xlsx",
                 ".hidden.txt", "README.md"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in corpus_files(tmp_path)] == ["a.hwpx", "b.hwp", "c.pdf", "d.docx", "e.html", "f.htm",
                                                        "g.md", "h.txt"]
    (tmp_path / "h.json").write_text("{}", encoding="utf-8")
    assert set(corpus_hash(tmp_path)) == {"a.hwpx", "b.hwp", "c.pdf", "d.docx", "e.html", "f.htm", "g.md", "h.txt",
                                          "h.json"}


def test_html_in_a_legacy_charset(tmp_path):
    page = '<html><head><meta charset="euc-kr"><title>공고</title></head><body><div class="view_cont">' \
           '<p>□ 국토교통부는 국비 80억원을 지원한다.</p></div><footer>저작권</footer></body></html>'
    (tmp_path / "page.html").write_bytes(page.encode("euc-kr"))
    doc = read_document(tmp_path / "page.html")
    assert doc.lines == ("□ 국토교통부는 국비 80억원을 지원한다.",)


def test_file_reports_and_the_build_table(messy_corpus, tmp_path):
    from qa.cli import format_file_table
    from qa.ingest import FileReport, files_with_facts, load_file_reports, save_file_reports

    scan = scan_corpus(messy_corpus)
    reports = files_with_facts(scan.reports, [type("F", (), {"doc_id": SEED_ID})()] * 3)
    save_file_reports(reports, tmp_path)
    back = load_file_reports(tmp_path)
    assert back == reports and isinstance(back[0], FileReport)
    raw = json.loads((tmp_path / "files.json").read_text(encoding="utf-8"))
    assert isinstance(raw, list) and {r["status"] for r in raw} == {"ok", "skipped"}
    assert {"name", "type", "encoding", "lines", "tables", "status", "reason", "problem", "doc_id", "facts"} == set(raw[0])
    seed = next(r for r in back if r.ok)
    assert (seed.type, seed.encoding, seed.lines, seed.tables, seed.facts) == ("txt", "utf-8", 36, 1, 3)
    table = format_file_table(back)
    assert "skipped (wrong_type)" in table and "not_really.pdf" in table
    assert table.splitlines()[-1] == f"1 file(s) indexed, {len(BAD_FILES)} skipped"


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


# ----------------------------------------------------------------------------- what the document states about itself
KINDS = ROOT / "tests" / "data" / "kinds"
RELEASES = {  # the team-written releases whose sidecars give neither title nor date: the header does
    "sen_2024_class_organization": ("서울특별시교육청, 2024학년도 유·초·중·고·특수·각종학교 학급편성 결과 발표", "2024-07-10"),
    "kostat_2020_q2_regional_economy": ("2020년 2/4분기 지역경제동향", "2020-08-19"),
    "yeosu_2019_night_sea_fireworks": ("여수시, 26일(토) '2019 여수밤바다 불꽃축제' 개최…축제장 주변 8개 지점 교통통제",
                                       "2019-10-25"),
    "molit_2025_h2_youth_intern_recruitment": ("국토교통 정책 현장에서 일 경험을… 하반기 청년인턴 150명 뽑는다", "2025-07-17"),
    "molit_2025_newlywed_birth_housing_priority": ("결혼·출산 가구의 내 집 마련 문턱 낮추고 주거 혜택 넓힌다", "2025-03-26"),
    "kma_2023_summer_climate": ("2023년 여름, 전국이 평년보다 1.0 ℃ 덥고 비는 291.2 mm 더 내렸다", "2023-09-07"),
    "krihs_2024_land_housing_policy_survey": ('국민 2천 명에게 물은 국토·주택·부동산정책: "자가 선호 97.0%, 내 집 마련 지원이 최우선"',
                                              "2024-04-01"),  # 보도시점 "배포 즉시": the 배포 date
    "me_2019_ecocar_purchase_subsidy": ("올해 전기차는 최대 1,900만 원, 수소차는 최대 3,600만 원까지 구매보조금 지원",
                                        "2019-01-17"),  # 보도시점, not the 배포 date the day before
}


@pytest.mark.parametrize("doc_id", sorted(RELEASES))
def test_a_release_without_sidecar_title_gets_its_headline_and_reporting_date(doc_id):
    doc = read_document(KINDS / f"{doc_id}.txt")
    assert (doc.title, doc.published) == RELEASES[doc_id]
    assert doc.department and doc.contacts and all(len(c) == 5 for c in doc.contacts)


def test_the_sidecar_outranks_the_header(tmp_path):
    shutil.copy(KINDS / "kma_2023_summer_climate.txt", tmp_path / "kma.txt")
    (tmp_path / "kma.json").write_text('{"title": "여름 기후", "published": "2023-09-06"}', encoding="utf-8")
    doc = read_document(tmp_path / "kma.txt")
    assert (doc.title, doc.published, doc.publisher, doc.department) == ("여름 기후", "2023-09-06", "기상청", "기후변화감시과")


def test_a_documents_new_fields_survive_a_json_round_trip():
    """The build caches documents as JSON (qa.units): contacts come back as lists and are tuples again."""
    from dataclasses import asdict

    doc = read_document(KINDS / "sen_2024_class_organization.txt")
    back = Document(**json.loads(json.dumps(asdict(doc), ensure_ascii=False)) | {"lines": doc.lines,
                                                                                "checksums": doc.checksums})
    assert back == doc and hash(back.contacts) == hash(doc.contacts)
    assert doc.to_dict()["contacts"][0] == ["학교지원과", "책임자", "과장", "김○○", "02-1396-5310"]


def test_a_cover_month_sets_the_year_without_inventing_a_day(tmp_path):
    (tmp_path / "rfp.txt").write_text("| K-water 디지털플랫폼 구축 제안 요청서 |\n2025. 1.\n1. 제안공모요강\n", encoding="utf-8")
    doc = read_document(tmp_path / "rfp.txt")
    assert (doc.title, doc.published, doc.published_month, doc.year) == (
        "K-water 디지털플랫폼 구축 제안 요청서", None, "2025-01", 2025)


@pytest.mark.parametrize("title, published, years", [
    ("지난해 화재 3만 8,857건으로 3.1% 줄어", "2024-01-18", {2023, 2024}),  # a January release on the year before
    ("2024년 기준 중위소득 6.09% 인상", "2023-07-28", {2023, 2024}),
    ("내년 예산안 656조 원 편성", "2024-08-27", {2024, 2025}),
    ("수출 전년 대비 8% 늘어", "2024-01-01", {2024}),  # 전년 compares: the title names no other year
    ("봄철 산불조심기간 시작", None, set()),
    ("2026학년도 교사 380명 선발", "2025-09-10", {2025, 2026}),  # a school year is a year the release is about
    ("2026 학년도 입학 안내", None, {2026}),
])
def test_the_years_an_announcement_is_about(title, published, years):
    doc = Document(doc_id="d", title=title, publisher=None, published=published, source=None, path="d.txt", lines=[])
    assert doc.years == years


def test_a_school_year_in_the_text_is_a_year_the_announcement_states():
    """2026학년도 in the text lets a question on 2026 find the 2025 release on that school year's recruitment."""
    from qa.answer.corpus import year_mentions

    doc = Document(doc_id="d", title="교사 선발", publisher=None, published="2025-09-10", source=None, path="d.txt",
                   lines=["2026학년도 교사 369명을 선발한다.", "’24년 대비 3명 늘었다.", "학년별 인원은 표와 같다."])
    assert year_mentions([doc]) == {2026: {"d"}, 2024: {"d"}}
