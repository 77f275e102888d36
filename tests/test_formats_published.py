"""Files as public bodies published them (``../shared/formats/real/``, skipped when the folder is absent;
nothing of them is copied into the project): press releases, plans, notices, requests for proposals,
forms and guides as HWP, HWPX and PDF.

For each file: the Hangul the reader gives covers ≥ 99 % of the Hangul an independent reader sees
(``data/formats/published_reference.json``: counts per syllable made once by pyhwp, lxml and PyMuPDF, see
``data/formats/make_published_reference.py``) and holds at most twice as much (a form's merged cells are not
multiplied); the title and date are the ones the document states (its release header or cover: never a
template's file properties); tables and table rows are counted; reading stays fast and small; no NUL, no
mapped private-use character and no ``(cid:NN)`` glyph code is left; the PDF whose fonts have no Unicode
map is skipped with that reason. The three long NCSC guides (10–20 s each) are marked slow.
"""

from __future__ import annotations

import json
import re
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.ingest import Document, FileReport, _read, _Skip
from qa.readers.chars import PRIVATE_USE

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent / "shared" / "formats" / "real"
REFERENCE = json.loads((HERE / "data" / "formats" / "published_reference.json").read_text(encoding="utf-8"))
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is not here (the published files are shared, "
                                                          "not part of the project)")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
MIN_COVERAGE = 0.99
MAX_SIZE = 2.0  # the reader's Hangul over the file's own
MAX_SECONDS = {".hwp": 3.0, ".hwpx": 3.0, ".pdf": 60.0}
MAX_MB = 100.0  # Python allocations while reading one HWP/HWPX file (tracemalloc slows PDFs too much to measure)


@dataclass(frozen=True)
class Expect:
    """What a file says about itself. ``title=None``: the text names no title (not checked); ``month``: the
    document states only a year and month; ``skipped``: the problem it is skipped for."""

    title: str | None = None
    published: str | None = None
    month: str | None = None
    tables: int = 0
    rows: int = 0
    department: str | None = None
    skipped: str | None = None


MOIS = "‘국민주권시대, AI와 함께 열다’ 국민주권정부의 정부혁신 청사진 공개"
EXPECTED = {
    # press releases: the header's headline and 보도 date, the 담당 부서 table (the properties say 2008, 2020-08-27 …)
    "hwp_moef_pr_20200901_budget2021.hwp": Expect("“코로나 극복, 선도국가”, 2021년 예산안", "2020-09-01", tables=2, rows=8,
                                                  department="예산실 예산총괄과"),
    "hwp_mois_pr_20251202_gov_innovation.hwp": Expect(MOIS, "2025-12-02", tables=7, rows=23, department="참여혁신국 혁신기획과"),
    "hwpx_mois_pr_20251202_gov_innovation.hwpx": Expect(MOIS, "2025-12-02", tables=7, rows=23,
                                                        department="참여혁신국 혁신기획과"),
    "hwpx_moef_pr_20240621_fdi_2024q1.hwpx": Expect("‘24년 1분기 해외직접투자는 150.9억 달러로 전년동기비 14.6% 감소",
                                                    "2024-06-21", tables=25, rows=191, department="대외경제국 국제경제과"),
    # plans, notices, requests for proposals, forms: the cover's title and date
    "hwp_kwater_plan_2025_public_data_quality.hwp": Expect("2025년 공공데이터 품질관리 협의체 구성‧운영 추진계획", "2025-05-08",
                                                           tables=9, rows=68),
    "hwp_kwater_rfp_2025_digital_platform.hwp": Expect("K-water 디지털플랫폼 구축 제안 요청서", month="2025-01", tables=11,
                                                       rows=134),
    "hwp_rfp_2025_genai_pilot.hwp": Expect("제안요청서 [사업명 : 생성형 AI 서비스 시범 도입]", month="2025-08", tables=88,
                                           rows=649),
    "hwp_moef_fiscal_stats_2010_01.hwp": Expect("통합재정통계", "2010-10-11", tables=6, rows=60),  # no date in the text
    "hwpx_gangbuk_rfp_20230705_419_festival.hwpx": Expect("『제2회 가을밤의 음악축제』 행사대행 용역 제안요청서", "2023-07-05",
                                                          tables=28, rows=236),
    "hwpx_gangnam_notice_2023-745.hwpx": Expect("서울특별시 강남구 공무직 관리 규정 일부개정규칙안 입법예고", "2023-03-24"),
    "hwpx_keit_2026_rnd_item_form.hwpx": Expect("암조직 저산소 내성 한계 극복 나노산소운반체 기반 항암제 병용치료 증강제 개발",
                                                "2025-10-13", tables=5, rows=146),  # the form's 품목명; no date in the text
    "hwpx_nipa_2026_ai_voucher_form.hwpx": Expect("2026년 AI바우처 지원사업 사업계획(신청)서 <일반분과>", "2026-02-27",
                                                  tables=123, rows=555),
    "hwpx_public_data_standard_20230518.hwpx": Expect("공공데이터 제공 표준 (2023.5.18.)", "2023-05-18", tables=4, rows=56),
    "hwpx_moef_fdi_2024_annual_body.hwpx": Expect(None, None),  # a body without a title or a date
    "hwpx_hwpxlib_2022_unknown.hwpx": Expect(skipped="empty"),
    # guides as PDF
    "pdf_ncsc_notice_file8.pdf": Expect("암호모듈 제출물 작성 안내서", "2022-08-30", tables=180, rows=1164),
    "pdf_ncsc_notice_file18.pdf": Expect("GVI Part 2 (‘25. 10.)", month="2025-10", tables=209, rows=1586),
    "pdf_ncsc_notice_file19.pdf": Expect("GVI Part 1 (‘25.12)", "2025-12-08", tables=188, rows=487),
    "pdf_nssc_radiation_inspection_guide_2022.pdf": Expect(skipped="unmapped"),  # fonts without a Unicode map
}
SLOW = {"pdf_ncsc_notice_file8.pdf", "pdf_ncsc_notice_file18.pdf", "pdf_ncsc_notice_file19.pdf"}
FILES = [pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name for name in sorted(EXPECTED)]


@dataclass
class Read:
    doc: Document | None
    report: FileReport | None
    problem: str | None
    reason: str | None
    seconds: float
    mb: float | None


_CACHE: dict[str, Read] = {}


_WARM: set[str] = set()


def _warm_up(suffix: str) -> None:
    """The first read of a format in a process imports its reader and loads Kiwi (~2 s for HWP): not what reading
    one file costs, and which test comes first in a worker is the scheduler's choice. The smallest file of the
    format is read once, untimed."""
    if suffix not in _WARM:
        _WARM.add(suffix)
        smallest = min((REAL / n for n in EXPECTED if n.endswith(suffix)), key=lambda p: p.stat().st_size)
        try:
            _read(smallest)
        except _Skip:
            pass


def read(name: str) -> Read:
    """Each file is read once per session: its CPU time (``process_time``: what reading costs, not what the suite's
    other worker or a busy machine makes of it on the wall clock) and its allocations measured (HWP/HWPX)."""
    if name not in _CACHE:
        path = REAL / name
        _warm_up(path.suffix)
        measure = path.suffix != ".pdf"
        if measure:
            tracemalloc.start()
        t0 = time.process_time()
        try:
            doc, report = _read(path)
            problem = reason = None
        except _Skip as exc:
            doc, report, problem, reason = None, None, exc.status, exc.reason
        seconds = time.process_time() - t0
        mb = tracemalloc.get_traced_memory()[1] / 2**20 if measure else None
        if measure:
            tracemalloc.stop()
        _CACHE[name] = Read(doc, report, problem, reason, seconds, mb)
    return _CACHE[name]


def hangul(doc: Document) -> Counter:
    return Counter(HANGUL.findall("\n".join(doc.lines)))


def test_every_published_file_is_expected():
    files = {p.name for p in REAL.iterdir() if p.suffix.lower() in (".hwp", ".hwpx", ".pdf")}
    assert files == set(EXPECTED) == set(REFERENCE)


@pytest.mark.parametrize("name", FILES)
def test_read_or_skipped_with_its_reason(name):
    got, want = read(name), EXPECTED[name]
    assert got.problem == want.skipped, got.reason
    if want.skipped == "unmapped":
        assert "no Unicode map" in got.reason and "(cid:" in got.reason


@pytest.mark.parametrize("name", FILES)
def test_hangul_coverage_against_an_independent_reader(name):
    got, ref = read(name), REFERENCE[name]
    if got.doc is None or not ref["hangul"]:
        pytest.skip("no text layer to compare")
    mine = hangul(got.doc)
    covered = sum(min(mine[ch], n) for ch, n in ref["counts"].items()) / ref["hangul"]
    assert covered >= MIN_COVERAGE, f"{covered:.2%} of {ref['hangul']} Hangul ({ref['reader']})"
    assert sum(mine.values()) <= MAX_SIZE * ref["hangul"], f"{sum(mine.values())} Hangul for the file's {ref['hangul']}"


@pytest.mark.parametrize("name", FILES)
def test_the_title_and_date_the_document_states(name):
    got, want = read(name), EXPECTED[name]
    if got.doc is None:
        pytest.skip("skipped file")
    if want.title is not None:
        assert got.doc.title == want.title
    assert (got.doc.published, got.doc.published_month) == (want.published, want.month)
    assert got.doc.department == want.department


@pytest.mark.parametrize("name", FILES)
def test_tables_and_table_rows(name):
    got, want = read(name), EXPECTED[name]
    if got.doc is None:
        pytest.skip("skipped file")
    rows = sum(1 for line in got.doc.lines if line.startswith("|") and line.endswith("|"))
    assert (got.report.tables, rows) == (want.tables, want.rows)
    assert max(map(len, got.doc.lines)) < 4000  # no row carries a merged cell into every grid position


@pytest.mark.parametrize("name", FILES)
def test_time_and_memory(name):
    got = read(name)
    assert got.seconds <= MAX_SECONDS[Path(name).suffix], f"{got.seconds:.1f}s"
    assert got.mb is None or got.mb <= MAX_MB, f"{got.mb:.0f} MB"


@pytest.mark.parametrize("name", FILES)
def test_no_nul_private_use_or_glyph_codes_left(name):
    got = read(name)
    if got.doc is None:
        pytest.skip("skipped file")
    text = "\n".join(got.doc.lines) + got.doc.title
    assert "\x00" not in text
    assert not [hex(ord(ch)) for ch in text if ord(ch) in PRIVATE_USE]
    assert "(cid:" not in text


def test_a_statistical_release_reads_its_units_and_rate_rows():
    """기획재정부's release prints each table's units in its caption ("< 업종별 동향(억 달러, 전년동기 대비, %) >"), the
    change under each row of amounts in parentheses ("| 전 체 | (△14.6) |"), and heads its appendix with "| 참고 1 |
    … (단위: 억달러, 전년동기 대비 %) |": every row of amounts reads in 억달러, every row of rates as that row's
    증감률 in %, its figures without the parentheses."""
    from qa.chunk import chunk_document

    rows = [c for c in chunk_document(read("hwpx_moef_pr_20240621_fdi_2024q1.hwpx").doc) if c.kind == "table_row"]
    rates = [c for c in rows if c.cells[0][1].endswith(" 증감률(%)")]
    amounts = [c for c in rows if c not in rates and any(h.endswith("(억달러)") for h, _ in c.cells)]
    assert (len(rates), len(amounts), len(rows)) == (76, 80, 157)
    assert [c.cells[0][1] for c in rows[1:3]] == ["총투자", "총투자 증감률(%)"]
    assert not any("(" in v for c in rates for _, v in c.cells[1:])
