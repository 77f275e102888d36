"""The document's own header and cover, read from hand-written lines (``qa.readers.release``, ``.cover``,
``.metadata``, ``.dates``): the press-release header table, headline, contact table and attachments; a
plan's or notice's cover; and how they outrank a template's file properties. No files, milliseconds."""

from __future__ import annotations

import pytest

from qa.readers.cover import clean_title, cover_block, cover_date, cover_title
from qa.readers.dates import find_dates, find_months, first_date, time_of, years_in
from qa.readers.metadata import (
    TextMeta,
    agreement,
    caption_title,
    choose_published,
    choose_publisher,
    choose_title,
    labeled_title,
    text_metadata,
    text_publisher,
)
from qa.readers.release import (
    Contact,
    attachments,
    clean_department,
    contact_row,
    contacts,
    headline,
    is_org_name,
    is_release,
    marker_of,
    people,
    read_release,
    release_dates,
    row_cells,
    split_rank,
    subtitles,
)

# the layout of a ministry release, as the .txt form writes it (names and numbers invented)
RELEASE = [
    "| 보도자료 |",
    "| 보도시점 | 2025. 7. 17.(목) 11:00 | 배포 | 2025. 7. 16.(수) |",
    "| 하반기 청년인턴 150명 뽑는다 |",
    "- 행정·홍보 등 11개 분야 -",
    "- 7. 28.(월)~30.(수) 원서접수 -",
    "□ 국토교통부(장관 홍길동)는 청년인턴을 모집한다고 밝혔다.",
    "ㅇ 근무 기간: 2025. 9. 1.(월) ~ 12. 19.(금)",
    "| 담당 부서 | 운영지원과 | 책임자 | 과장 김○○ (044-201-3160) |",
    "| | | 담당자 | 사무관 이○○ (044-201-3162) |",
    "붙임 1. 모집 포스터 1부.",
    "붙임 2. 기관별 모집인원 1부.",
]


# ----------------------------------------------------------------------------- dates
@pytest.mark.parametrize("text,iso", [
    ("2025. 6. 19.(목) 배포", "2025-06-19"), ("보도시점 2025.06.19 11:00", "2025-06-19"),
    ("2025년 6월 19일 발표", "2025-06-19"), ("【주관부서】… / '25년 5월 8일", "2025-05-08"),
    ("’24. 3. 5.(화)", "2024-03-05"), ("6월 23일부터", None), ("v2.0.1", None),
])
def test_full_dates_in_every_written_form(text, iso):
    assert first_date(text) == iso


@pytest.mark.parametrize("text,month", [
    ("2025. 1.", "2025-01"), ("(‘25. 10.)", "2025-10"), ("GVI Part 1 (‘25.12)", "2025-12"), ("2025년 1월", "2025-01"),
    ("2025. 6. 19.", None), ("2026-1차", None), ("2026학년도", None),
])
def test_year_and_month_without_a_day(text, month):
    found = find_months(text)
    assert (found[0][2] if found else None) == month


def test_time_and_years():
    assert time_of("2025. 12. 2.(화) 16:00") == "16:00" and time_of("2024. 7. 10.(수) 배포 즉시") is None
    assert years_in("2010.1월 누계, 2011. 3. 2.") == [2011, 2010]
    assert [d[2] for d in find_dates("2026. 5. ～ 2026. 11. 30.")] == ["2026-11-30"]


# ----------------------------------------------------------------------------- the release header
def test_a_release_opens_with_its_marker_or_a_date_label():
    assert is_release(RELEASE)
    assert is_release(["보도일시 : 2025. 4. 24.(목) 11:00", "< 제목 >"])
    assert is_release(["한국은행 보도자료", "2023년 4/4분기 실질 국내총생산"])
    assert not is_release(["□ 국토교통부는 공모 결과를 발표하였다.", "ㅇ 보도자료 배포 예정"])
    assert marker_of("한국은행 보도자료") == ("보도자료", "한국은행") and marker_of("보도자료") == ("보도자료", "")
    assert marker_of("보도자료를 배포한다") is None


def test_reporting_date_first_then_the_handing_out_date():
    assert release_dates(RELEASE[:2]) == ("2025-07-17", "11:00", "2025-07-16")
    immediate = ["| 보도자료 |", "| 보도시점 | 배포 즉시 보도 가능 | 배포 | 2024. 4. 1.(월) |"]
    assert release_dates(immediate) == ("2024-04-01", None, "2024-04-01")
    online = ["| 보도시점 | (온라인) 2025. 12. 2.(화) 16:00 |", "| 보도시점 | (지 면) 2025. 12. 3.(수) 조간 |"]
    assert release_dates(online)[:2] == ("2025-12-02", "16:00")
    assert release_dates(["경기도교육청 보도자료 | 2022. 12. 21.(수) | 학교급식협력과"])[0] == "2022-12-21"
    assert release_dates(["발표: 2023. 8. 21.(월) / 작성: 호남지방통계청"])[0] == "2023-08-21"


@pytest.mark.parametrize("head,title", [
    (RELEASE, "하반기 청년인턴 150명 뽑는다"),
    (["| 보도자료 |", "| 보도시점 | 2025. 3. 26.(수) 11:00 |", "결혼·출산 가구의 내 집 마련 문턱 낮춘다", "- 부제 -"],
     "결혼·출산 가구의 내 집 마련 문턱 낮춘다"),
    (["| | 보도자료 | |", "| 1분기 해외직접투자 14.6% 감소 |", "| 보도시점 | 2024. 6. 21.(금) 11:00 |"],
     "1분기 해외직접투자 14.6% 감소"),  # the headline above the date row
    (["| 보도시점 | 2024. 6. 20.(목) 11:00 | 배포 | 2024. 6. 19.(수) |", "< 2024년 스마트도시 선정 결과 >"],
     "2024년 스마트도시 선정 결과"),
    (["| 보도자료 |", "| 보도시점 | 배포 즉시 |", "| 국토연구원 |", "국민 2천 명에게 물은 주택정책"], "국민 2천 명에게 물은 주택정책"),
    (["| 보도자료 |", "| 담당과장 | 예산실 예산총괄과장 박준호 (044-215-7110) |", "| “코로나 극복”, 2021년 예산안 |"],
     "“코로나 극복”, 2021년 예산안"),
    (["| 보도자료 |", "| 보도시점 | 2025. 1. 1. |", "□ 본문이 바로 시작한다."], None),
])
def test_the_headline_is_the_first_line_the_header_does_not_own(head, title):
    assert headline(head)[0] == title


def test_sub_headlines_follow_the_headline():
    assert headline(RELEASE)[1] == ("행정·홍보 등 11개 분야", "7. 28.(월)~30.(수) 원서접수")
    assert subtitles(["| - 국민이 주도하는 정부 |", "본문"]) == ("국민이 주도하는 정부",)
    assert subtitles(["□ 본문"]) == ()


def test_a_body_named_alone_is_the_publisher_not_the_headline():
    assert is_org_name("국토연구원") and is_org_name("한국개발연구원(KDI)") and is_org_name("기상청")
    assert not is_org_name("국토교통 정책 현장에서 일 경험을… 하반기 청년인턴 150명 뽑는다")
    assert read_release(["| 기상청 | 보도자료 |", "| 보도시점 | 2023. 9. 7.(목) 12:00 |", "여름 기후 분석"]).publisher == "기상청"
    assert read_release(["| 보도자료 |", "| 보도시점 | 2024. 4. 1. |", "| 국토연구원 |", "제목 줄입니다"]).publisher == "국토연구원"
    closing = ["| 보도자료 |", "| 보도일시 | 2020. 9. 1.(화) |", "| 예산안 제목 |", "| | 기획재정부 대변인 세종특별자치시 갈매로 |"]
    assert read_release(closing).publisher == "기획재정부"


# ----------------------------------------------------------------------------- contacts
def test_ranks_and_departments_before_a_name():
    assert split_rank(["과", "장"]) == ([], "과장")
    assert split_rank(["예산실", "예산총괄과장"]) == (["예산실", "예산총괄과"], "과장")
    assert split_rank(["연구위원"]) == ([], "연구위원") and split_rank(["학교지원과"]) == (["학교지원과"], None)


def test_people_in_one_contact_cell():
    assert people("과장 김○○ (02-1396-5310)", "학교지원과", "책임자") == [
        Contact("학교지원과", "책임자", "과장", "김○○", "02-1396-5310")]
    two = people("박상우 사무관(044-215-7131) 구정대 사무관(044-215-7132)", "예산정책과", "담당자")
    assert [(c.name, c.rank, c.phone) for c in two] == [("박상우", "사무관", "044-215-7131"), ("구정대", "사무관", "044-215-7132")]
    assert people("예산실 예산총괄과장 박준호 (044-215-7110)", None, "담당과장")[0].department == "예산실 예산총괄과"
    assert people("사무관 | 황예진 | (yejin1210@korea.kr)".replace("|", " "), "국제경제과", "담당자")[0].phone == \
        "yejin1210@korea.kr"


def test_contact_rows_of_every_layout():
    found, dept = contact_row(row_cells("| 담당 부서 | 대외경제국 | 책임자 | 과 장 | 강병중 | (044-215-7630) |"), None)
    assert dept == "대외경제국" and found[0].as_tuple() == ("대외경제국", "책임자", "과장", "강병중", "044-215-7630")
    header_row = "| 담당과장 | 예산실 예산총괄과장 박준호 (044-215-7110) | 담당자 | 김영임 서기관(044-215-7111) |"
    found, dept = contact_row(row_cells(header_row), None)
    assert [c.department for c in found] == ["예산실 예산총괄과", "예산실 예산총괄과"]  # the officer's desk is the head's
    found, dept = contact_row(row_cells("문의: 한국개발연구원 경제전망실 (대표전화 044-550-4114)"), None)
    assert dept == "한국개발연구원 경제전망실" and found == []
    assert clean_department("보령시 관광과 축제팀 041-930-3542") == "보령시 관광과 축제팀"


def test_the_first_contact_unit_is_the_department():
    people_found, dept = contacts(RELEASE)
    assert dept == "운영지원과" and [c.role for c in people_found] == ["책임자", "담당자"]
    two_level = ["| 담당 부서 | 대외경제국 | 책임자 | 과 장 | 강병중 | (044-215-7630) |",
                 "| | 국제경제과 | 담당자 | 사무관 | 황예진 | (044-215-7631) |",
                 "| 협조 부서 | 교통과 | 책임자 | 과장 박○○ (061-659-3400) |"]
    people_found, dept = contacts(two_level)
    assert dept == "대외경제국 국제경제과" and len(people_found) == 3  # the 협조 부서 row is a contact, not the department
    merged = ["| 담당 부서 | 혁신국 | 책임자 | 과장 | 장은영 | (044-205-2201) |",
              "| | 혁신국 | 담당자 | 서기관 | 신화영 | (044-205-2213) |",
              "| | 혁신기획과 | 담당자 | 서기관 | 신화영 | (044-205-2213) |"]  # a merged cell repeated
    assert [c.name for c in contacts(merged)[0]] == ["장은영", "신화영"]
    assert contacts(["담당 업무는 다음과 같다"]) == ((), None)  # a label needs a table row or a colon


def test_attachments():
    assert attachments(RELEASE) == ("모집 포스터 1부.", "기관별 모집인원 1부.")
    assert attachments(["붙임 2024학년도 학급편성 결과 1부.", "| 별첨 | | 세부 통계 |"]) == (
        "2024학년도 학급편성 결과 1부.", "세부 통계")


def test_read_release_whole():
    r = read_release(RELEASE)
    assert (r.marker, r.title, r.published, r.time, r.sent) == ("보도자료", "하반기 청년인턴 150명 뽑는다", "2025-07-17",
                                                                "11:00", "2025-07-16")
    assert r.department == "운영지원과" and len(r.contacts) == 2 and len(r.attachments) == 2
    assert read_release(["□ 본문"]) is None


# ----------------------------------------------------------------------------- covers of other documents
PLAN = ["공공데이터 제공 운영실태 평가 & 품질인증", "| 2025년 품질관리 협의체 운영 추진계획 |",
        "【주관부서】디지털전환추진단 / '25년 5월 8일", "| Ⅰ | | 추진 목적 |", "□ 품질수준 향상"]
NOTICE = ["서울특별시 강남구 공고 제2023-745호", "규정을 개정하고자 다음과 같이 공고합니다.", "2023년  3월  24일",
          "서울특별시 강남구청장", "서울특별시 강남구 공무직 관리 규정 일부개정규칙안 입법예고", "1. 제정이유", "본문"]


def test_the_cover_is_what_comes_before_the_body():
    assert cover_block(PLAN) == PLAN[:3]
    assert cover_block(["| 품목번호 | 2026-1차 | 분류 |", "본문"]) == []  # a form starts with its grid


@pytest.mark.parametrize("lines,title", [
    (PLAN, "2025년 품질관리 협의체 운영 추진계획"),
    (NOTICE, "서울특별시 강남구 공무직 관리 규정 일부개정규칙안 입법예고"),
    (["| 제 안 요 청 서 [사업명 : 생성형 AI] |", "2025. 8.", "| | 목 차 | |"], "제안요청서 [사업명 : 생성형 AI]"),
    (["| - 4·19민주묘지에 울려퍼지는 - 『제2회 음악축제』 제안요청서 |", "2023.  7.  5."], "『제2회 음악축제』 제안요청서"),
    (["| C O N T E N T S Ⅰ 개요 ··········· 6 |", "암호모듈 작성 안내서"], "암호모듈 작성 안내서"),
    (["□ 본문부터 시작한다."], None),
])
def test_cover_title(lines, title):
    assert cover_title(lines) == title


@pytest.mark.parametrize("lines,when", [
    (PLAN, ("2025-05-08", None)), (NOTICE, ("2023-03-24", None)), (["| 제안요청서 |", "2025. 1."], (None, "2025-01")),
    (["| 통 합 재 정 통 계 |", "(2010.1월 누계 기준/잠정)"], (None, None)),  # the period a figure refers to
    (["< 2023년 12월 한국관광통계 >", "- 부제 -"], (None, None)),  # a period named in the title, not a date line
    (["GVI Part 2 (‘25. 10.)", "암호모듈"], (None, "2025-10")),
    (["| 2026년 사업계획서 |", "| 2026. 2. 27. |"], ("2026-02-27", None)),
    (["| 공공데이터 표준 (2023.5.18.) |"], ("2023-05-18", None)),
])
def test_cover_date(lines, when):
    assert cover_date(lines) == when


def test_clean_title():
    assert clean_title("통 합 재 정 통 계") == "통합재정통계" and clean_title("< 제목 >") == "제목"
    assert clean_title("K-water 디지털플랫폼 구축 제안 요청서") == "K-water 디지털플랫폼 구축 제안 요청서"


# ----------------------------------------------------------------------------- text against properties
def test_title_sources_in_order():
    assert caption_title(["□ 본문", "< 2025년 선정 결과 >"]) == "2025년 선정 결과"
    assert labeled_title(["| 품목번호 | 01 |", "| 품목명 | 나노산소운반체 기반 항암제 개발 |"]) == "나노산소운반체 기반 항암제 개발"
    assert text_publisher("□ 행정안전부(장관 윤호중)는 발표했다.") == "행정안전부"
    assert text_publisher("□ 국토연구원(원장 심교언)은") == "국토연구원"


def test_a_title_property_stands_only_where_the_text_agrees():
    head = ["< 2023년 12월 한국관광통계 … 방한객 1,103만명 >", "- 부제 -", "□ 본문"]
    meta = text_metadata(head)
    assert agreement("2023년 12월 한국관광통계", meta.title) == 1.0
    assert choose_title(meta, "2023년 12월 한국관광통계", head, "x") == "2023년 12월 한국관광통계"  # a shorter form of it
    assert choose_title(meta, "【주관부서】수자원기획처 처장", head, "x") == meta.title  # a template's
    assert choose_title(TextMeta(), "문서 제목", ["본문"], "본문") == "문서 제목"  # nothing else names it
    assert choose_title(TextMeta(), None, ["본문"], "본문") == "본문"


def test_a_property_date_years_before_the_text_is_a_templates():
    assert choose_published(TextMeta(published="2024-06-21"), "2008-09-17") == ("2024-06-21", None)
    assert choose_published(TextMeta(years=(2025, 2026)), "2004-09-09") == (None, None)
    assert choose_published(TextMeta(years=(2010,), first_date=None), "2010-10-11") == ("2010-10-11", None)
    assert choose_published(TextMeta(month="2025-01"), "2004-09-09") == (None, "2025-01")
    assert choose_published(TextMeta(month="2025-12"), "2025-12-08") == ("2025-12-08", None)  # the day of that month
    assert choose_published(TextMeta(first_date="2024-03-05"), None) == ("2024-03-05", None)


def test_publisher_property_that_says_more():
    assert choose_publisher(TextMeta(publisher="국토교통부"), "국토교통부 도시경제과") == "국토교통부 도시경제과"
    assert choose_publisher(TextMeta(publisher="국토교통부"), "홍길동") == "국토교통부"
    assert choose_publisher(TextMeta(), "행정안전부") == "행정안전부"


def test_text_metadata_of_a_release():
    meta = text_metadata(RELEASE)
    assert (meta.title, meta.published, meta.publisher, meta.department) == (
        "하반기 청년인턴 150명 뽑는다", "2025-07-17", "국토교통부", "운영지원과")
    assert meta.contacts[0] == ("운영지원과", "책임자", "과장", "김○○", "044-201-3160")
