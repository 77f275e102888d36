"""Facts: what the announcements state, as a table with provenance (``qa.facts``).

Covers the seed announcement's table (the 5 selected 지자체 with 사업유형 / 사업부제, fill-down of merged
cells), the sentence facts (국비 with 3년간 and 국비:지방비=1:1, 경쟁률, 신청 수, people, 세부유형), provenance of
every fact of every document, the SQLite round trip, generality over the announcements in
``tests/data/announcements`` (no code change for new documents) and ``python -m qa facts --json``.

Line numbers are 1-based body lines (``nl -ba`` of the seed; for files with ``---`` front matter, the
lines after it), which is what ``Document.lines`` holds.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qa.chunk import Chunk, chunk_corpus
from qa.facts import FACTS_DB, WHOLE, Fact, extract_facts, load_facts, save_facts
from qa.ingest import load_corpus

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
EXTRA_DOCS = Path(__file__).resolve().parent / "data" / "announcements"
SEED = "molit_2025_smart_city_selection"
Y2024 = "molit_2024_smart_city_selection"
CHALLENGE = "molit_2025_smart_challenge"
ZONE = "molit_2025_space_innovation_zone"
REGEN = "molit_2025_urban_regeneration"

SELECTED = {  # 지자체 -> (사업유형, 지역, table line, 사업부제)
    "전주시": ("거점형", "전북", 4, "전북 Smart Region의 출발점, Adaptive City 전주"),
    "안산시": ("강소형", "경기", 5, "미래 상호문화 플랫폼 도시의 표준을 만들다"),
    "김천시": ("강소형", "경북", 6, "Mobility Do Everything, 모두를 위한 스마트도시"),
    "김해시": ("강소형", "경남", 7, "시민과 첨단기술이 하나된 기후대응 스마트도시 ACE 김해"),
    "대구광역시": ("특화단지", None, 8, "AI산업 플랫폼 스마트 알파시티"),
}
NATIONAL = {"전주시": (160.0, 16), "안산시": (80.0, 22), "김천시": (80.0, 22), "김해시": (80.0, 22),
            "대구광역시": (80.0, 30)}
COMPETITION = {"거점형": ("3:1", 3.0, 16), "강소형": ("5.3:1", 5.3, 21), "특화단지": ("6:1", 6.0, 30)}
APPLICANTS = {"거점형": (3.0, "3개", 16), "강소형": (16.0, "16개", 21), "특화단지": (6.0, "6개", 30)}
FACT_KEYS = {"fact_id", "doc_id", "subject", "attribute", "value", "unit", "text", "raw", "chunk_id", "line", "span",
             "qualifiers"}


def pick(facts: list[Fact], subject: str | None = None, attribute: str | None = None, **where) -> list[Fact]:
    out = [f for f in facts if (subject is None or f.subject == subject)
           and (attribute is None or f.attribute == attribute)]
    for k, v in where.items():
        out = [f for f in out if getattr(f, k) == v]
    return out


def one(facts: list[Fact], subject: str, attribute: str, **where) -> Fact:
    found = pick(facts, subject, attribute, **where)
    assert len(found) == 1, f"expected one {subject}/{attribute}, got {found}"
    return found[0]


@pytest.fixture(scope="module")
def seed_facts(assistant) -> list[Fact]:
    return assistant.facts(SEED)


@pytest.fixture(scope="module")
def direct(seed_config):
    """``extract_facts`` called directly on ``load_corpus`` + ``chunk_corpus`` output, per folder."""
    out = {}
    for name, folder in (("seed", SEED_CORPUS), ("extra", EXTRA_DOCS)):
        docs = load_corpus(folder)
        chunks = chunk_corpus(docs, seed_config.chunk_max_chars)
        out[name] = (docs, chunks, extract_facts(docs, chunks))
    return out


# ---------------------------------------------------------------------------------------------------------
# The CLI runs in its own process (~10 s of imports), started once the session index exists so that it
# overlaps with the in-process tests of this module; the last test collects it.
@pytest.fixture(scope="module", autouse=True)
def cli_facts(assistant, seed_config, tmp_path_factory):
    folder = tmp_path_factory.mktemp("facts_cli")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("QA_CONFIG", None)
    out_path, err_path = folder / "out.json", folder / "err.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "qa", "facts", "--json",
                                 "--index", str(seed_config.index_dir), "--corpus", "corpus"],
                                cwd=ROOT, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    yield proc, out_path, err_path
    if proc.poll() is None:
        proc.kill()
        proc.wait()


# ---------------------------------------------------------------------------------------------------------
# The seed's table
def test_table_yields_the_five_selected_entities_with_category(seed_facts):
    types = pick(seed_facts, attribute="사업유형")
    assert {f.subject: f.text for f in types} == {e: v[0] for e, v in SELECTED.items()}
    assert len(types) == 5
    for f in types:
        category, region, line, _ = SELECTED[f.subject]
        assert f.line == line
        assert f.qualifiers["category"] == category
        assert f.qualifiers.get("region") == region
        assert f.qualifiers.get("entity") is True
        assert f.qualifiers["column"] == "사업유형"


def test_table_yields_each_subtitle(seed_facts):
    subtitles = pick(seed_facts, attribute="사업부제")
    assert {f.subject: f.text for f in subtitles} == {e: v[3] for e, v in SELECTED.items()}
    for f in subtitles:
        assert f.raw == f.text  # the cell itself
        assert f.line == SELECTED[f.subject][2]
        assert f.qualifiers["category"] == SELECTED[f.subject][0]


def test_fill_down_gives_gimcheon_and_gimhae_the_gangso_type(assistant, seed_facts):
    doc = assistant.index.doc_by_id[SEED]
    for name, line in (("김천시", 6), ("김해시", 7)):
        assert "강소형" not in doc.lines[line - 1]  # the merged cell is empty in the row itself
        f = one(seed_facts, name, "사업유형")
        assert f.text == "강소형" and f.qualifiers["category"] == "강소형"
        assert f.qualifiers["source"] == "table:filled-down"
        assert f.line == line and name[:-1] in f.raw  # points at the row's subject cell
    assert one(seed_facts, "안산시", "사업유형").qualifiers["source"] == "table:cell"


def test_table_cells_are_not_entities_of_their_own(seed_facts):
    subjects = {f.subject for f in seed_facts}
    assert not subjects & {"사업유형", "지자체", "사업부제", "경기 안산시", "경북 김천시", "전북 전주시"}


# ---------------------------------------------------------------------------------------------------------
# Sentences: money, matching, period
@pytest.mark.parametrize("entity", list(NATIONAL))
def test_national_funding_per_entity(seed_facts, entity):
    value, line = NATIONAL[entity]
    f = one(seed_facts, entity, "국비")
    assert (f.value, f.unit, f.text, f.line) == (value, "억원", f"{value:.0f}억원", line)
    assert f.raw == f.text
    assert f.base_value == value * 10**8
    assert f.qualifiers["period"] == "3년간"
    assert f.qualifiers["matching"] == "국비:지방비=1:1"
    assert f.qualifiers["category"] == SELECTED[entity][0]
    m = one(seed_facts, entity, "매칭비율")
    assert (m.text, m.line, m.qualifiers["national"], m.qualifiers["local"]) == ("국비:지방비=1:1", line, 1, 1)
    assert one(seed_facts, entity, "지원기간").text == "3년간"


def test_national_funding_is_only_stated_for_the_five_entities(seed_facts):
    national = pick(seed_facts, attribute="국비")
    assert sorted(f.subject for f in national) == sorted(NATIONAL)
    assert sum(f.value for f in national) == 480.0


# ---------------------------------------------------------------------------------------------------------
# Competition ratios and applicant counts belong to the categories, not to the selected cities
@pytest.mark.parametrize("category", list(COMPETITION))
def test_competition_ratio_per_category(seed_facts, category):
    text, value, line = COMPETITION[category]
    f = one(seed_facts, category, "경쟁률")
    assert (f.text, f.value, f.unit, f.line) == (text, value, ":1", line)
    assert f.raw.startswith(text)
    assert f.qualifiers["category"] == category


@pytest.mark.parametrize("category", list(APPLICANTS))
def test_applicants_per_category(seed_facts, category):
    value, text, line = APPLICANTS[category]
    f = one(seed_facts, category, "신청 수")
    assert (f.value, f.text, f.unit, f.line) == (value, text, "개", line)
    assert "신청" in f.raw


def test_no_city_gets_a_competition_ratio_or_applicant_count(seed_facts):
    for f in pick(seed_facts, attribute="경쟁률") + pick(seed_facts, attribute="신청 수"):
        assert f.subject in COMPETITION


# ---------------------------------------------------------------------------------------------------------
# People and 세부유형
def test_people(seed_facts):
    minister = one(seed_facts, "국토교통부", "장관")
    assert (minister.text, minister.line, minister.qualifiers.get("person")) == ("박상우", 1, True)
    director = one(seed_facts, "국토교통부", "도시경제과장")
    assert (director.text, director.line, director.qualifiers.get("person")) == ("윤종빈", 33, True)
    people = {f.text for f in seed_facts if f.qualifiers.get("person")}
    assert people == {"박상우", "윤종빈"}


def test_subtypes(seed_facts):
    subtypes = pick(seed_facts, attribute="세부유형")
    assert {f.subject: f.text for f in subtypes} == {"안산시": "지역소멸 대응형", "김천시": "지역소멸 대응형",
                                                      "김해시": "기후위기 대응형"}
    assert {f.line for f in subtypes} == {22}


# ---------------------------------------------------------------------------------------------------------
# Provenance of every fact of every document
def _check_provenance(facts, documents, chunks):
    docs = {d.doc_id: d for d in documents}
    by_id = {c.chunk_id: c for c in chunks}
    problems = []
    for f in facts:
        doc = docs[f.doc_id]
        if not 1 <= f.line <= len(doc.lines):
            problems.append(f"{f.fact_id}: line {f.line} out of range")
            continue
        if doc.lines[f.line - 1][f.span[0]:f.span[1]] != f.raw or not f.raw:
            problems.append(f"{f.fact_id}: span {f.span} of line {f.line} is not {f.raw!r}")
        c = by_id.get(f.chunk_id)
        if c is None or c.doc_id != f.doc_id or not c.start <= f.line <= c.end:
            problems.append(f"{f.fact_id}: chunk {f.chunk_id!r} does not hold line {f.line}")
    return problems


def test_provenance_of_every_stored_fact(multi_assistant):
    facts = multi_assistant.facts()
    assert {f.doc_id for f in facts} == {d.doc_id for d in multi_assistant.documents}  # every document has facts
    assert _check_provenance(facts, multi_assistant.documents, multi_assistant.index.chunks) == []
    assert len({f.fact_id for f in facts}) == len(facts)


@pytest.mark.parametrize("folder", ["seed", "extra"])
def test_provenance_of_every_directly_extracted_fact(direct, folder):
    docs, chunks, facts = direct[folder]
    assert facts and {f.doc_id for f in facts} == {d.doc_id for d in docs}
    assert _check_provenance(facts, docs, chunks) == []


def test_stored_facts_are_the_extracted_facts(direct, assistant, multi_assistant):
    """The index holds exactly what extract_facts gives, and a document's facts do not depend on the others."""
    _, _, seed_direct = direct["seed"]
    assert assistant.facts() == seed_direct
    _, _, extra = direct["extra"]
    for doc_id in {f.doc_id for f in extra}:
        assert multi_assistant.facts(doc_id) == [f for f in extra if f.doc_id == doc_id]
    assert multi_assistant.facts(SEED) == seed_direct


# ---------------------------------------------------------------------------------------------------------
# SQLite
def test_sqlite_round_trip(seed_facts, multi_assistant, tmp_path):
    for i, facts in enumerate((seed_facts, multi_assistant.facts())):
        folder = tmp_path / str(i)
        folder.mkdir()
        save_facts(facts, folder)
        loaded = load_facts(folder)
        assert loaded == facts
        assert all(isinstance(f.span, tuple) for f in loaded)


def test_sqlite_file_is_a_plain_queryable_table(seed_facts, tmp_path):
    save_facts(seed_facts, tmp_path)
    con = sqlite3.connect(tmp_path / FACTS_DB)
    try:
        rows = con.execute("SELECT subject, text FROM facts WHERE attribute='국비'").fetchall()
        count = con.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
        quals = con.execute("SELECT qualifiers FROM facts WHERE subject='전주시' AND attribute='국비'").fetchone()[0]
    finally:
        con.close()
    assert sorted(rows) == sorted((e, f"{v:.0f}억원") for e, (v, _) in NATIONAL.items())
    assert count == len(seed_facts)
    assert json.loads(quals)["matching"] == "국비:지방비=1:1"


def test_session_index_holds_the_facts_table(assistant):
    path = Path(assistant.index.path) / FACTS_DB
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT subject, value, unit FROM facts WHERE attribute='경쟁률' ORDER BY line").fetchall()
    finally:
        con.close()
    assert rows == [("거점형", 3.0, ":1"), ("강소형", 5.3, ":1"), ("특화단지", 6.0, ":1")]


def test_load_facts_of_a_folder_without_table_is_empty(tmp_path):
    assert load_facts(tmp_path) == []


# ---------------------------------------------------------------------------------------------------------
# Generality: the announcements in tests/data, with no code change
def test_2024_smart_city_selection(multi_assistant):
    facts = multi_assistant.facts(Y2024)
    cheongju = one(facts, "청주시", "국비")
    assert (cheongju.value, cheongju.unit, cheongju.line) == (160.0, "억원", 15)
    assert cheongju.qualifiers["matching"] == "국비:지방비=1:1" and cheongju.qualifiers["period"] == "3년간"
    assert (one(facts, "거점형", "경쟁률").text, one(facts, "거점형", "경쟁률").line) == ("4:1", 15)
    assert (one(facts, "강소형", "경쟁률").text, one(facts, "강소형", "경쟁률").value) == ("7.5:1", 7.5)
    assert one(facts, "강소형", "신청 수").value == 15.0
    assert {f.subject: f.text for f in pick(facts, attribute="사업유형")} == {
        "청주시": "거점형", "춘천시": "강소형", "나주시": "강소형"}
    naju = one(facts, "나주시", "사업유형")  # the merged-cell row "| 전남 나주시 | … | |"
    assert naju.qualifiers["source"] == "table:filled-down" and naju.line == 9
    assert one(facts, "나주시", "사업부제").text == "에너지 수도 나주, 탄소중립 생활 플랫폼"
    assert {f.subject for f in pick(facts, attribute="국비") if f.subject != WHOLE} == {"청주시", "춘천시", "나주시"}
    assert one(facts, "국토교통부", "도시경제과장").text == "정우진"


def test_smart_challenge_table_units_and_merged_rows(multi_assistant):
    facts = multi_assistant.facts(CHALLENGE)
    national = {f.subject: f for f in pick(facts, attribute="국비") if f.qualifiers.get("entity")}
    assert {s: (f.value, f.unit, f.text) for s, f in national.items()} == {
        "부산광역시": (40.0, "억원", "40억원"), "춘천시": (30.0, "억원", "30억원"),
        "김해시": (30.0, "억원", "30억원"), "당진시": (20.0, "억원", "20억원")}
    assert all(f.qualifiers["column"] == "국비(억원)" for f in national.values())
    gimhae = national["김해시"]
    assert gimhae.line == 10 and gimhae.raw == "30"
    assert one(facts, "김해시", "구분").qualifiers["source"] == "table:filled-down"  # merged 구분 cell
    assert one(facts, "김해시", "총사업비").text == "6,000백만원"


def test_smart_challenge_total_row_is_document_level(multi_assistant):
    facts = multi_assistant.facts(CHALLENGE)
    totals = [f for f in facts if f.qualifiers.get("total")]
    assert {(f.subject, f.attribute, f.text, f.line) for f in totals} == {
        (WHOLE, "국비", "120억원", 12), (WHOLE, "총사업비", "24,000백만원", 12)}
    assert not {"합계", "합 계", "4개 지자체"} & {f.subject for f in facts}
    assert not [f for f in facts if f.line == 12 and f.subject != WHOLE]


def test_space_innovation_zone_contact_block(multi_assistant):
    facts = multi_assistant.facts(ZONE)
    head = one(facts, "도시정책과", "과장")
    assert (head.text, head.line, head.qualifiers.get("label")) == ("최민석", 31, "책임자")
    phone = one(facts, "최민석", "전화번호")
    assert (phone.text, phone.line, phone.qualifiers.get("role")) == ("044-201-3701", 31, "과장")
    officer = one(facts, "도시정책과", "사무관")
    assert (officer.text, officer.line, officer.qualifiers.get("label")) == ("윤서진", 32, "담당자")
    assert one(facts, "윤서진", "전화번호").text == "044-201-3712"
    assert one(facts, WHOLE, "담당 부서").text == "도시정책과"


def test_urban_regeneration_total_is_not_attributed_to_each_city(multi_assistant):
    facts = multi_assistant.facts(REGEN)
    total = [f for f in facts if f.attribute == "국비" and f.value == 800.0]
    assert {(f.subject, f.line) for f in total} == {(WHOLE, 2), (WHOLE, 13)}
    assert all(f.raw == "800억원" for f in total)
    cities = {f.subject: f.value for f in pick(facts, attribute="국비") if f.subject != WHOLE}
    assert cities == {"안산시": 250.0, "청주시": 200.0, "익산시": 200.0, "안동시": 150.0}
    assert one(facts, WHOLE, "신청 수").text == "12곳"
    assert one(facts, WHOLE, "경쟁률").text == "3:1"


def test_ai_admin_front_matter_lines_and_special_grant(multi_assistant):
    """A document with ``---`` front matter: lines are body lines, the 특별교부세(억원) column is money."""
    facts = multi_assistant.facts("mois_2025_ai_admin_innovation")
    gimcheon = one(facts, "김천시", "특별교부세")
    assert (gimcheon.value, gimcheon.unit, gimcheon.line) == (5.0, "억원", 12)
    assert one(facts, "성동구", "특별교부세").value == 7.5
    assert [f.text for f in facts if f.qualifiers.get("total")] == ["60억원"]


# ---------------------------------------------------------------------------------------------------------
def test_cli_facts_json(cli_facts, assistant):
    proc, out_path, err_path = cli_facts
    code = proc.wait(timeout=600)
    out, err = out_path.read_text(encoding="utf-8"), err_path.read_text(encoding="utf-8")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == len(assistant.facts())
    assert all(set(d) == FACT_KEYS for d in data)
    jeonju = [d for d in data if d["subject"] == "전주시" and d["attribute"] == "국비"]
    assert len(jeonju) == 1
    assert (jeonju[0]["value"], jeonju[0]["unit"], jeonju[0]["line"], jeonju[0]["raw"]) == (160.0, "억원", 16, "160억원")
    assert isinstance(jeonju[0]["span"], list) and jeonju[0]["qualifiers"]["period"] == "3년간"
    assert data == [f.to_dict() for f in assistant.facts()]


@pytest.mark.parametrize("line, attribute", [
    ("소비자물가는 전년보다 1.5% 올랐다", "전년 비율"),  # the noun, not "전년보다"
    ("출생아는 19,547명으로 2.7% 늘었다", "출생아 비율"),  # "명으로" names no percentage
    ("수출은 작년과 비교하면 5.3% 줄었다", "작년 비율"),  # nor a verb's "비교하면"
    ("기준 중위소득의 60% 이하", "중위소득 비율"),
    ("국비 70%를 지원", "국비 비율"),  # a money key first
])
def test_a_percentage_is_named_by_the_last_noun_before_it(line, attribute):
    from qa.facts.sentences import Sentence, percent

    (value,) = percent(Sentence(line, 0, len(line)))
    assert value.attribute == attribute


def test_a_row_naming_its_unit_states_its_cells_in_it():
    """ "증감률(%)" under amounts in 억원 columns: the row's cells are percentages, never 억원."""
    from qa.facts.tables import table_row

    line = "| 국비 증감률(%) | 12.5 |"
    row = Chunk(chunk_id="d#001", doc_id="d", text=line, start=1, end=1, section="", kind="table_row",
                search_text=line, cells=(("구분", "국비 증감률(%)"), ("2025년(억원)", "12.5")))
    [fact] = table_row(row, line)
    assert fact.unit == "%" and fact.value == 12.5
