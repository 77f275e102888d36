"""Answering: ``Assistant.ask`` over the seed announcement and over the seed + tests/data announcements.

Every case states the key value(s) the answer must hold (compared without spaces and commas), the answer
kind and, for fact and passage answers, the source line(s) holding the value (1-based body lines, ``nl -ba``).
Fact answers are also held to the "no invented number" invariant (:func:`invented_numbers`), here and
over every question of ``evals/golden.jsonl`` and ``evals/golden_multi.jsonl``.

Known bugs are pinned as ``xfail(strict=True, reason="BUG: …")`` with the correct expectation: they turn
into a failure (XPASS) once fixed, and the marker goes with the fix.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qa import NOT_FOUND, QuestionError
from qa.facts import MAGNITUDE, Fact
from qa.quantity import COUNTERS as COUNT_UNITS

ROOT = Path(__file__).resolve().parent.parent
SEED = "molit_2025_smart_city_selection"
Y2024 = "molit_2024_smart_city_selection"
CHALLENGE = "molit_2025_smart_challenge"
ZONE = "molit_2025_space_innovation_zone"
REGEN = "molit_2025_urban_regeneration"
AI_ADMIN = "mois_2025_ai_admin_innovation"

ANSWER_KEYS = {"question", "answer", "kind", "rule", "facts", "sources", "timing_ms"}
SOURCE_KEYS = {"doc_id", "title", "published", "chunk_id", "section", "lines", "text", "score", "highlights"}


def squash(text: str) -> str:
    """Compare without spaces and commas: "Adaptive City" ~ "AdaptiveCity", "1,200" ~ "1200"."""
    return re.sub(r"[\s,]+", "", text)


# =========================================================================================================
# The "no invented number" invariant
_NUM = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_RATIO = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)(?![\d.])")
_LABEL = re.compile(r"^\[[^\[\]\n]*\]\s*", re.M)  # "[2024년 … 선정 결과, 2024-06-20] " before a document's block
_MATCHING = re.compile(r"(\d+)\s*:\s*(\d+)\s*$")
_TOL = 0.0051  # answers show at most two decimals


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _dim(f: Fact) -> str:
    return "원" if f.unit.endswith("원") else f.unit


def _fact_strings(f: Fact) -> list[str]:
    return [f.text, f.raw, *(str(v) for v in f.qualifiers.values())]


class NumberCheck:
    """What a fact answer built on ``facts`` may show: ratios stated by the facts, and numbers that either
    appear in the facts (text, raw, qualifiers, value) or result from arithmetic over their values: the sum
    of any of them within one announcement, the difference of two such sums, value × ratio of a matching
    qualifier (국비:지방비=1:1 gives 지방비 = 국비 × 1/1 and 국비 + 지방비) and sums of those, and the count of
    the facts or of their subjects. The places an announcement's facts list without a number (a selected place's
    type) are counted too, and that count is one of its counts (16 applied − 3 listed = 13). Sums are never taken
    across announcements."""

    def __init__(self, facts: list[Fact]) -> None:
        self.ratios = {f"{_num(a):g}:{_num(b):g}" for f in facts for s in _fact_strings(f) for a, b in _RATIO.findall(s)}
        numbers = {_num(m) for f in facts for s in _fact_strings(f) for m in _NUM.findall(s)}
        numbers |= {f.value for f in facts if f.value is not None}
        numbers |= {float(len(facts)), float(len({(f.doc_id, f.subject) for f in facts}))}
        numbers |= {float(len({f.subject for f in facts if f.doc_id == d})) for d in {f.doc_id for f in facts}}
        # atoms in base units (원 for money), grouped by announcement and dimension (money, ratio, count …)
        groups: dict[tuple[str, str], list[float]] = {}
        for f in facts:
            if f.value is None or f.qualifiers.get("person"):
                continue
            atoms = groups.setdefault((f.doc_id, _dim(f)), [])
            atoms.append(f.base_value)
            ratio = _matching(f, facts)
            if ratio and _dim(f) == "원":
                a, b = ratio
                atoms += [f.base_value * b / a, f.base_value * (a + b) / a]
        for d in {f.doc_id for f in facts}:
            listed = float(len({f.subject for f in facts if f.doc_id == d and f.value is None}))
            numbers.add(listed)
            for dim in COUNT_UNITS:
                if listed and (d, dim) in groups:
                    groups[(d, dim)].append(listed)
        self.numbers = sorted(numbers)
        sums: set[float] = set()
        for atoms in groups.values():
            reach = {0.0}
            for a in atoms:
                reach |= {round(r + a, 6) for r in reach}
                if len(reach) > 100_000:
                    break
            sums |= reach
        self.sums = sorted(sums)
        self.scales = sorted({1.0} | {float(MAGNITUDE.get(f.unit[:-1], 1)) for f in facts if f.unit.endswith("원")})

    def knows(self, x: float) -> bool:
        if _near(x, self.numbers, _TOL):
            return True
        for scale in self.scales:
            y, tol = x * scale, _TOL * scale
            if _near(y, self.sums, tol) or any(_near(s + y, self.sums, tol) for s in self.sums):
                return True
        return False

    def knows_ratio(self, a: float, b: float) -> bool:
        return f"{a:g}:{b:g}" in self.ratios or (b == 1 and self.knows(a))


def _matching(f: Fact, facts: list[Fact]) -> tuple[int, int] | None:
    for g in facts:
        if g.attribute == "매칭비율" and g.doc_id == f.doc_id and g.subject == f.subject and "national" in g.qualifiers:
            return int(g.qualifiers["national"]), int(g.qualifiers["local"])
    m = _MATCHING.search(str(f.qualifiers.get("matching", "")))
    return (int(m.group(1)), int(m.group(2))) if m else None


def _near(x: float, values: list[float], tol: float) -> bool:
    i = bisect.bisect_left(values, x - tol)
    return i < len(values) and values[i] <= x + tol


def invented_numbers(answer: str, facts: list[Fact]) -> list[str]:
    """The numbers (and ratios like 5.3:1) in ``answer`` that the facts neither state nor yield."""
    check = NumberCheck(list(facts))
    text = _LABEL.sub("", answer)  # the per-announcement labels (title, date) are not answer numbers
    bad = [m.group(0) for m in _RATIO.finditer(text) if not check.knows_ratio(_num(m.group(1)), _num(m.group(2)))]
    bad += [tok for tok in _NUM.findall(_RATIO.sub(" ", text)) if not check.knows(_num(tok))]
    return bad


def _fact(subject, attribute, value, unit, text, line=1, doc_id="d", **q) -> Fact:
    return Fact(fact_id=f"{doc_id}:{subject}:{attribute}", doc_id=doc_id, subject=subject, attribute=attribute,
                value=value, unit=unit, text=text, raw=text, chunk_id="c", line=line, span=(0, len(text)),
                qualifiers=q)


UNIT_FACTS = [
    _fact("전주시", "국비", 160.0, "억원", "160억원", 16, period="3년간", matching="국비:지방비=1:1"),
    _fact("안산시", "국비", 80.0, "억원", "80억원", 22, period="3년간", matching="국비:지방비=1:1"),
    _fact("김해시", "국비", 80.0, "억원", "80억원", 22, period="3년간", matching="국비:지방비=1:1"),
    _fact("강소형", "경쟁률", 5.3, ":1", "5.3:1", 21),
    _fact("거점형", "경쟁률", 3.0, ":1", "3:1", 16),
]


@pytest.mark.parametrize("text", [
    "전주시 국비: 160억원 (3년간, 국비:지방비=1:1)",
    "국비 합계: 320억원 (전주시 160억원 + 안산시 80억원 + 김해시 80억원)",
    "국비 차이: 80억원 (전주시 160억원 - 김해시 80억원)",
    "전주시 총사업비: 320억원 (국비 160억원 + 지방비 160억원, 국비:지방비=1:1)",
    "총사업비 합계: 640억원 (전주시 320억원 + 안산시 160억원 + 김해시 160억원)",
    "안산시 지방비: 80억원 (국비 80억원 × 1/1)",
    "강소형 경쟁률: 5.3:1",
    "3곳 (전주시, 안산시, 김해시)",
    "[2025년 스마트도시 조성사업 공모 선정 결과, 2025-06-19] 전주시 국비: 160억원",
])
def test_invented_numbers_accepts_stated_and_computed_numbers(text):
    assert invented_numbers(text, UNIT_FACTS) == []


@pytest.mark.parametrize("text, bad", [
    ("국비 합계: 250억원 (전주시 160억원 + 안산시 90억원)", ["250", "90"]),  # made-up numbers
    ("전주시 국비: 16억원", ["16"]),
    ("강소형 경쟁률: 5.4:1", ["5.4:1"]),
    ("강소형 경쟁률: 1:5.3", ["1:5.3"]),
    ("전주시 인구: 650,000명", ["650,000"]),
])
def test_invented_numbers_rejects_made_up_numbers(text, bad):
    assert invented_numbers(text, UNIT_FACTS) == bad


def test_invented_numbers_does_not_sum_across_announcements():
    facts = [_fact("춘천시", "국비", 80.0, "억원", "80억원", doc_id="a"),
             _fact("춘천시", "국비", 30.0, "억원", "30억원", doc_id="b")]
    assert invented_numbers("춘천시 국비: 80억원 / 30억원", facts) == []
    assert invented_numbers("춘천시 국비 합계: 110억원", facts) == ["110"]


def test_invented_numbers_works_across_units():
    facts = [_fact("부산광역시", "총사업비", 8000.0, "백만원", "8,000백만원"),
             _fact("춘천시", "총사업비", 6000.0, "백만원", "6,000백만원"),
             _fact("전체", "총사업비", 240.0, "억원", "240억원")]
    assert invented_numbers("총사업비 합계: 14,000백만원 (= 140억원)", facts) == []
    assert invented_numbers("총사업비 합계: 15,000백만원", facts) == ["15,000"]


# =========================================================================================================
# Cases
@dataclass
class Case:
    id: str
    q: str
    kind: str | tuple[str, ...]
    must: list = field(default_factory=list)  # each item a string, or a tuple of alternatives
    must_not: list = field(default_factory=list)
    lines: dict = field(default_factory=dict)  # doc_id -> lines that must lie in the answer's sources
    history: list | None = None
    multi: bool = False  # ask multi_assistant (seed + tests/data announcements)
    per_doc: dict = field(default_factory=dict)  # doc_id -> values that must stand in that document's block
    bug: str | None = None


def S(id, q, kind, must=(), must_not=(), lines=(), history=None, bug=None) -> Case:
    return Case(id, q, kind, list(must), list(must_not), {SEED: list(lines)} if lines else {}, history, False,
                {}, bug)


def M(id, q, kind, must=(), must_not=(), lines=None, history=None, per_doc=None, bug=None) -> Case:
    return Case(id, q, kind, list(must), list(must_not), dict(lines or {}), history, True, dict(per_doc or {}), bug)


CITIES = ["전주", "안산", "김천", "김해", "대구"]
CASES = [
    # ---- lookups
    S("lookup-jeonju-national", "전주시가 받는 국비는?", "fact", ["160억"], ["80억"], [16]),
    S("lookup-ansan-national", "안산시 국비 얼마 받아요?", "fact", ["80억"], ["160억"], [22]),
    S("lookup-daegu-national", "대구광역시에 지원되는 국비는 얼마인가요?", "fact", ["80억"], ["160억"], [30]),
    S("lookup-gangso-ratio", "강소형 경쟁률은?", "fact", ["5.3:1"], ["6:1"], [21]),
    S("lookup-special-ratio", "특화단지 경쟁률 알려줘", "fact", ["6:1"], ["5.3"], [30]),
    S("lookup-hub-ratio", "거점형 경쟁률이 어떻게 돼?", "fact", ["3:1"], ["5.3", "6:1"], [16]),
    S("lookup-gangso-applicants", "강소형에 신청한 지자체는 몇 개야?", "fact", ["16"], ["5.3"], [21]),
    S("lookup-gimhae-subtitle", "김해시 부제는?", "fact", ["ACE김해"], ["AdaptiveCity"], [7]),
    S("lookup-gimcheon-type", "김천시는 어떤 유형이야?", "fact", ["강소형"], ["거점형", "특화단지"], [6]),
    S("lookup-gimhae-subtype", "김해시 세부유형은?", "fact", ["기후위기대응형"], ["지역소멸"], [22]),
    S("lookup-minister", "국토교통부 장관 이름은?", "fact", ["박상우"], ["윤종빈"], [1]),
    S("lookup-director", "도시경제과장은 누구야?", "fact", ["윤종빈"], ["박상우"], [33]),
    S("lookup-period", "전주시 지원기간은?", "fact", ["3년"], [], [16]),
    S("lookup-matching", "전주시 매칭 비율은?", "fact", ["1:1"], [], [16]),
    S("lookup-selected-yes", "전주시는 선정됐나요?", "fact", ["거점형"], ["강소형"], [4]),
    # ---- lists
    S("list-gangso", "강소형으로 선정된 지자체는?", "fact", ["안산", "김천", "김해"], ["전주", "대구"], [5, 6, 7]),
    S("list-gangso-doubled", "강소형 어디어디 뽑혔어?", "fact", ["안산", "김천", "김해"], ["전주", "대구"], [5, 6, 7]),
    S("list-all", "선정된 지자체를 전부 알려줘", "fact", CITIES, [], [4, 5, 6, 7, 8]),
    S("list-decline-type", "지역소멸 대응형으로 선정된 지자체는?", "fact", ["안산", "김천"], ["김해"], [22]),
    S("list-climate-type", "기후위기 대응형으로 선정된 곳은?", "fact", ["김해"], ["안산", "김천"], [22]),
    S("list-decline-short", "지역소멸 대응형 지자체는?", "fact", ["안산", "김천"], ["김해"], [22]),
    # ---- counts
    S("count-selected", "몇 곳이 선정됐어?", "fact", ["5곳"], [], [4, 8]),
    S("count-gangso", "강소형은 몇 곳 선정됐나요?", "fact", ["3곳"], ["16"], [5, 6, 7]),
    S("count-applicants-all", "세 유형에 신청한 지자체는 모두 몇 곳?", "fact", ["25"], [], [16, 21, 30]),
    # ---- sums
    S("sum-all", "선정된 곳 국비를 모두 합하면?", "fact", ["480억"], [], [16, 22, 30]),
    S("sum-gangso", "강소형 국비 합계는?", "fact", ["240억"], ["480억"], [22]),
    S("sum-two-cities", "전주와 대구 국비 합치면?", "fact", ["240억"], [], [16, 30]),
    S("sum-two-types", "특화단지랑 강소형 국비 다 더하면?", "fact", ["320억"], ["480억"], [22, 30]),
    S("sum-except", "김천시를 빼고 선정된 곳 국비를 모두 합하면?", "fact", ["400억"], ["480억"], [16, 22, 30]),
    S("sum-except-short", "김천시를 제외한 국비 합계는?", "fact", ["400억"], ["480억"], [16, 22, 30]),
    S("sum-one-city", "전주시가 받는 국비를 모두 합하면?", "fact", ["160억"], ["480억"], [16]),  # one city's own
    # one city's 국비 and 지방비 (총 사업비: a word of the language, not the corpus's 사업부 one jamo away)
    S("sum-one-city-two-quantities", "전주 국비랑 지방비 더하면 총 사업비 얼마야?", "fact", ["320억"], ["480억", "960억"], [16]),
    # applications less the places selected, with the working
    S("count-unselected-category", "강소형 신청했다가 떨어진 지자체 몇 곳이야?", "fact", ["13", "16", "안산시"], [], [21]),
    S("count-unselected-all", "이번 공모에서 선정 안 된 지자체는 전부 몇 곳인가요?", "fact", ["20", "16", "대구광역시"], [],
      [16, 21, 30]),
    # ---- differences
    S("diff-jeonju-gimhae", "전주랑 김해 국비 차이는?", "fact", ["80억"], [], [16, 22]),
    S("diff-applicants", "강소형 신청 수가 특화단지보다 몇 개 많아?", "fact", ["10"], [], [21, 30]),
    S("diff-more-than", "전주시는 안산시보다 국비를 얼마나 더 받아?", "fact", ["80억"], [], [16, 22]),
    S("diff-ratios", "거점형과 강소형 경쟁률 차이는?", "fact", ["2.3"], ["2.3:1"], [16, 21],
      bug="BUG: the difference of 5.3:1 and 3:1 is shown as the ratio '2.3:1', which the document never states "
          "(a difference of 2.3, not a competition ratio)"),
    S("diff-followup", "김해랑 차이는?", "fact", ["80억"], [], [16, 22], history=["전주시 국비는?"],
      bug="BUG: a follow-up difference after '전주시 국비는?' is not computed (a 김해 passage or not found); "
          "160억원 - 80억원 = 80억원"),
    # ---- totals (국비:지방비=1:1)
    S("total-jeonju", "전주시 지방비 포함 총사업비는?", "fact", ["320억"], [], [16]),
    S("total-gimcheon-local", "김천시 지방비는 얼마야?", "fact", ["80억"], ["160억"], [22]),
    S("total-all", "선정된 5곳 총사업비 합계는?", "fact", ["960억"], [], [16, 22, 30]),
    S("total-daegu", "대구광역시 총사업비는?", "fact", ["160억"], [], [30]),
    S("total-gangso", "강소형 총사업비 합계는?", "fact", ["480억"], [], [22]),
    S("total-followup", "지방비 포함하면?", "fact", ["320억"], [], [16], history=["전주시 국비는?"]),
    # ---- superlatives
    S("max-national", "국비를 제일 많이 받는 곳은?", "fact", ["전주"], ["안산", "김천", "김해", "대구"], [16]),
    S("max-ratio", "경쟁률이 가장 높은 유형은?", "fact", ["특화단지"], ["거점형", "강소형"], [30]),
    S("min-ratio", "경쟁률이 가장 낮은 유형은?", "fact", ["거점형"], ["특화단지", "강소형"], [16]),
    S("max-applicants", "신청 지자체가 가장 많은 유형은?", "fact", ["강소형", "16"], ["거점형", "특화단지"], [21]),
    S("min-national", "국비를 가장 적게 받는 곳은?", "fact", ["안산", "김천", "김해", "대구"], ["전주"], [22, 30]),
    S("max-applicants-short", "신청이 가장 많았던 유형은?", "fact", ["강소형"], ["거점형", "특화단지"], [21],
      bug="BUG: answered with the list of 사업유형 of all cities instead of the type with most applicants "
          "(강소형, 16개, line 21)"),
    S("max-fierce", "제일 경쟁 치열했던 분야가 어디야?", "fact", ["특화단지"], ["거점형", "5.3:1"], [30],
      bug="BUG: '분야' is read as 유형 and every type and ratio is listed; the fiercest is 특화단지 (6:1, line 30)"),
    # ---- descriptions (passages)
    S("describe-gimhae", "김해는 무슨 사업을 해?", "passage", ["김해", ("기후대응", "탄소중립", "햇빛발전소")], [], [27]),
    S("describe-ansan", "안산시는 어떤 서비스를 도입해?", "passage", ["안산", ("외국시민", "MaaS", "통합교통")], [], [23]),
    S("describe-program", "스마트도시 조성사업이란?", "passage", ["도시문제"], [], [9]),
    S("describe-hub", "거점형 스마트도시 조성사업이 뭐야?", "passage", ["거점기능"], [], [11]),
    S("describe-quote", "윤종빈 과장이 뭐라고 했어?", "passage", ["다양한솔루션"], [], [33]),
    S("describe-daegu", "대구광역시는 어떤 도시를 지향해?", "passage", ["실증도시"], [], [31]),
    S("describe-jeonju-elderly", "전주시는 고령층에게 어떤 서비스를 제공해?", "passage", ["헬스케어"], [], [18]),
    S("describe-pbv", "PBV가 뭐야?", "passage", ["PurposeBuiltVehicle"], [], [19]),
    S("describe-idle-land", "김해시는 유휴부지를 어떻게 활용하나요?", "passage", ["햇빛발전소"], [], [28]),
    S("describe-reverse", "원곡동은 어느 시의 사업 지역이야?", ("passage", "fact"), ["안산"], ["김천", "김해"], [23]),
    S("describe-daegu-field", "대구 특화단지는 어떤 분야에 특화돼 있어?", "passage", ["로봇", "지능형관제"], [], [31]),
    # ---- not in the announcement
    S("none-seoul-selected", "서울시는 선정됐나요?", "none"),
    S("none-busan-national", "부산시 국비는?", "none"),
    S("none-population", "전주시 인구는?", "none",
      bug="BUG: answered with 전주시's plan (line 23): 인구는? is not read as asking a value, and the answer-form weight "
          "asks:none|not_found (-1.3: most 'not found' questions ask a value) tips it past 'not found' (0.53 vs 0.39)"),
    S("none-other-year", "2023년 선정 결과 알려줘", "none"),
    S("none-weather", "오늘 날씨 어때?", "none"),
    S("none-gwangju", "광주광역시는 어떤 유형으로 선정됐어?", "none"),
    S("none-phone", "스마트도시 조성사업 담당자 전화번호는?", "none"),
    S("none-english", "What is the population of Gimhae?", "none",
      bug="BUG: the chooser answers with a passage on 김해 (nf_unlinked_english weighs too little against it)"),
    # ---- English
    S("en-gimhae-national", "How much national funding does Gimhae get?", "fact", ["80억"], ["160억"], [22]),
    S("en-gangso-ratio", "What is the competition ratio for the 강소형 type?", "fact", ["5.3:1"], [], [21]),
    S("en-selected", "Which cities were selected?", "fact", CITIES, [], [4, 5, 6, 7, 8]),
    S("en-minister", "Who is the minister?", "fact", ["박상우"], [], [1]),
    S("en-diff", "What is the difference in national funding between Jeonju and Daegu?", "fact", ["80억"], [],
      [16, 30]),
    S("en-sum", "What is the sum of national funding for all selected cities?", "fact", ["480억"], [], [16, 22, 30]),
    S("en-director", "Who is the director of the urban economy division?", "fact", ["윤종빈"], [], [33]),
    S("en-count", "How many cities were selected?", "fact", ["5곳"], [], [4, 8]),
    S("en-total", "How much is the total national funding for all selected cities?", "fact", ["480억"], [],
      [16, 22, 30],
      bug="BUG: 'total' is not read as a sum: the five 국비 facts are listed without their total 480억원"),
    S("en-idle-land", "What will Gimhae build on idle land?", "passage", [("햇빛발전소", "태양광")], [], [28],
      bug="BUG: answered 'not found'; line 28 says 유휴부지 활용 햇빛발전소(태양광)"),
    # ---- typos and spacing
    S("typo-name", "김헤시 국비", "fact", ["80억"], ["160억"], [22]),
    S("typo-nospace", "전주시국비얼마", "fact", ["160억"], ["80억"], [16]),
    S("typo-attribute", "강소형 갱쟁률", "fact", ["5.3:1"], [], [21]),
    S("typo-role", "도시경재과장 이름", "fact", ["윤종빈"], [], [33]),
    S("typo-subtitle", "김천시 사업부재는?", "fact", ["MobilityDoEverything"], [], [6]),
    S("spacing-split-name", "전 주 시 국비", "fact", ["160억"], ["80억"], [16]),
    S("spacing-extra", "전주시   국비는   ?", "fact", ["160억"], ["80억"], [16]),
    S("typo-colloquial", "대구 국비 얼마임", "fact", ["80억"], ["160억"], [30]),
    S("typo-nospace-attribute", "거점형갱쟁률", "fact", ["3:1"], ["5.3", "6:1"], [16],
      bug="BUG: the typo 갱쟁률 written without a space is not recognised; the passage given (line 10) holds no "
          "ratio; 거점형 경쟁률 is 3:1 (line 16)"),
    # ---- follow-ups
    S("followup-entity", "김해는?", "fact", ["80억"], ["160억"], [22], history=["전주시 국비는?"]),
    S("followup-subtitle", "그 사업 부제는?", "fact", ["AdaptiveCity"], ["ACE"], [4], history=["전주시 국비는?"]),
    S("followup-category", "특화단지는?", "fact", ["6:1"], ["5.3"], [30], history=["강소형 경쟁률은?"]),
    S("followup-subtype", "김해는?", "fact", ["기후위기"], ["지역소멸"], [22], history=["김천시 세부유형은?"]),
    S("followup-there", "거기 국비는?", "fact", ["80억"], ["160억"], [30], history=["대구광역시는 어떤 유형이야?"]),
    S("followup-two-turns", "안산은?", "fact", ["80억"], ["160억"], [22], history=["전주시 국비는?", "김해는?"]),
    S("followup-inherits", "김해는?", "fact", ["5.3:1"], ["6:1"], [21], history=["강소형 경쟁률은?"]),
    # ---- several announcements: years, one city in two announcements
    M("multi-2024-hub-ratio", "2024년 거점형 경쟁률은?", "fact", ["4:1"], ["3:1"], {Y2024: [15]}),
    M("multi-2025-hub-ratio", "2025년 거점형 경쟁률은?", "fact", ["3:1"], ["4:1"], {SEED: [16]}),
    M("multi-2024-gangso-list", "2024년 강소형으로 선정된 지자체는?", "fact", ["춘천", "나주"], ["안산", "김천", "김해"],
      {Y2024: [8, 9]}),
    M("multi-2024-cheongju", "2024년 청주시 국비는?", "fact", ["160억"], ["200억"], {Y2024: [15]}),
    M("multi-2024-gangso-ratio", "2024년 강소형 경쟁률은?", "fact", ["7.5:1"], ["5.3"], {Y2024: [20]}),
    M("multi-2025-gangso-ratio", "2025년 강소형 경쟁률은?", "fact", ["5.3:1"], ["7.5"], {SEED: [21]}),
    M("multi-2024-sum", "2024년 스마트도시 조성사업 국비 합계는?", "fact", ["320억"], ["480억"], {Y2024: [15, 20]}),
    M("multi-year-followup", "그럼 2025년은?", ("fact", "passage"), ["전주"], ["청주"], {SEED: [16]},
      history=["2024년 거점형 선정 도시는?"]),
    M("multi-compare-years", "2024년과 2025년 강소형 경쟁률을 비교해줘", "fact", [], ["12.8"],
      {Y2024: [20], SEED: [21]}, per_doc={Y2024: ["7.5:1"], SEED: ["5.3:1"]}),
    M("multi-city-chuncheon", "춘천시 국비는 얼마야?", "fact", [], ["110억"], {Y2024: [20], CHALLENGE: [9]},
      per_doc={Y2024: ["80억"], CHALLENGE: ["30억"]}),
    M("multi-city-cheongju", "청주시가 받는 국비는?", "fact", [], ["360억"], {Y2024: [15], REGEN: [9]},
      per_doc={Y2024: ["160억"], REGEN: ["200억"]}),
    M("multi-city-ansan", "안산시 국비는?", "fact", [], ["330억"], {SEED: [22], REGEN: [8]},
      per_doc={SEED: ["80억"], REGEN: ["250억"]}),
    M("multi-city-gimhae", "김해시 국비는?", "fact", [], ["110억"], {SEED: [22], CHALLENGE: [10]},
      per_doc={SEED: ["80억"], CHALLENGE: ["30억"]}),
    M("multi-challenge-gimhae", "스마트시티 챌린지 김해시 국비는?", "fact", ["30억"], ["80억"], {CHALLENGE: [10]}),
    M("multi-regen-total", "도시재생 혁신지구 국비 총액은?", "fact", ["800억"], [], {REGEN: [8, 11]}),
    M("multi-challenge-sum", "스마트시티 챌린지 국비 합계는?", "fact", ["120억"], ["480억"], {CHALLENGE: [8, 11]}),
    M("multi-2025-hub-city", "2025년 거점형 선정 도시는?", "fact", ["전주"], ["청주"], {SEED: [4]}),
    M("multi-city-sum", "춘천시가 받는 국비를 모두 합하면?", "fact", [], ["110억", "800억", "480억"],
      {Y2024: [20], CHALLENGE: [9]}, per_doc={Y2024: ["80억"], CHALLENGE: ["30억"]}),  # never across announcements
    M("multi-city-each", "김해시는 2025년 스마트도시 조성사업과 스마트시티 챌린지에서 각각 국비를 얼마 받아?", "fact",
      [], ["110억"], {SEED: [22], CHALLENGE: [10]}, per_doc={SEED: ["80억"], CHALLENGE: ["30억"]}),
    M("multi-diff-of-sums", "2025년 스마트도시 조성사업 선정 지자체 국비 합계는 2024년보다 얼마나 많아?", "fact",
      ["480억", "320억", "160억"], [], {SEED: [16, 22, 30], Y2024: [15, 20]},
      bug="BUG: the two years' 국비 are listed but neither summed nor compared; 480억원 - 320억원 = 160억원"),
    M("multi-2025-director", "2025년 도시경제과장은 누구야?", "fact", ["윤종빈"], ["서지원", "최민석"], {SEED: [33]},
      bug="BUG: '도시경제과장' also returns 도시재생정책과장 서지원 and 도시정책과장 최민석"),
    M("multi-zone-officer", "공간혁신구역 담당 사무관은 누구야?", "fact", ["윤서진"], ["박지훈"], {ZONE: [32]},
      bug="BUG: also lists 주무관 박지훈; the 사무관 is 윤서진 (line 32)"),
    M("multi-zone-submitted", "공간혁신구역 공모에 제출된 후보지는 몇 곳?", "fact", ["23곳"], ["6곳"], {ZONE: [11]},
      bug="BUG: counts the 6 selected 후보지; line 11 says 17개 지자체가 23곳의 후보지를 제출"),
    M("multi-year-in-word", "스마트도시2024 강소형 선정도시", "fact", ["춘천", "나주"], ["안산", "김천", "김해"],
      {Y2024: [8, 9]}),
]


def _ids(cases):
    return [c.id for c in cases]


def _param(c: Case):
    marks = [pytest.mark.xfail(reason=c.bug, strict=True)] if c.bug else []
    return pytest.param(c, id=c.id, marks=marks)


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Asking embeds one query; with torch's default intra-op threads on a busy 2-core machine every query
    then waits ~1.7 s on thread hand-offs (~30 ms with one thread). Scoped to this module, restored after."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def ask(assistant, multi_assistant):
    cache = {}

    def _ask(c: Case):
        key = (c.multi, c.q, tuple(c.history or ()))
        if key not in cache:
            a = multi_assistant if c.multi else assistant
            cache[key] = (a, a.ask(c.q, history=c.history))
        return cache[key]

    return _ask


def _blocks(answer: str, titles: dict[str, str]) -> dict[str, str]:
    """Split a multi-announcement answer into its labelled blocks: doc_id -> text."""
    out, current = {}, None
    for line in answer.splitlines():
        m = re.match(r"^\[([^\[\]]+?)(?:, \d{4}-\d{2}-\d{2})?\]", line)
        if m:
            current = next((d for d, t in titles.items() if t == m.group(1)), m.group(1))
            out[current] = ""
            line = line[m.end():]
        if current is not None:
            out[current] += line + "\n"
    return out


def check(c: Case, a, ans) -> None:
    text = squash(ans.answer)
    kinds = (c.kind,) if isinstance(c.kind, str) else c.kind
    assert ans.kind in kinds, f"kind {ans.kind!r}: {ans.answer!r}"
    if ans.kind == "none":
        assert ans.answer == NOT_FOUND and not ans.facts
        assert all(not s.highlights for s in ans.sources)
        return
    for item in c.must:
        alternatives = item if isinstance(item, tuple) else (item,)
        assert any(squash(v) in text for v in alternatives), f"{item!r} not in {ans.answer!r}"
    for item in c.must_not:
        assert squash(item) not in text, f"{item!r} in {ans.answer!r}"
    assert ans.answer != NOT_FOUND and ans.sources
    if c.per_doc:
        titles = {d.doc_id: d.title for d in a.documents}
        blocks = _blocks(ans.answer, titles)
        for doc_id, values in c.per_doc.items():
            assert doc_id in blocks, f"no block labelled [{titles[doc_id]}, …] in {ans.answer!r}"
            for v in values:
                assert squash(v) in squash(blocks[doc_id]), f"{v!r} not in the {doc_id} block: {blocks[doc_id]!r}"
    # provenance: the lines holding the value are among the sources
    for doc_id, lines in c.lines.items():
        for n in lines:
            assert any(s.doc_id == doc_id and s.lines[0] <= n <= s.lines[1] for s in ans.sources), \
                f"{doc_id} line {n} not in sources {[(s.doc_id, s.lines) for s in ans.sources]}"
    first = ans.sources[0]
    assert first.highlights, "the first source of a fact/passage answer has no highlight"
    for s, e in first.highlights:
        assert 0 <= s < e <= len(first.text)
    if ans.kind == "fact":
        assert ans.facts, "a fact answer without facts"
        if c.lines:
            assert {f.doc_id for f in ans.facts} <= set(c.lines), f"facts from {sorted({f.doc_id for f in ans.facts})}"
        raws = {squash(f.raw) for f in ans.facts if f.chunk_id == first.chunk_id}
        for s, e in first.highlights:
            assert squash(first.text[s:e]) in raws  # each highlight is one of the facts used
        assert invented_numbers(ans.answer, list(ans.facts)) == []
    else:
        assert any(ans.answer in first.text[s:e] for s, e in first.highlights)  # the sentence given is highlighted


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_answer(ask, case):
    a, ans = ask(case)
    check(case, a, ans)


def test_cases_cover_every_kind_of_question():
    ids = _ids(CASES)
    assert len(CASES) >= 45 and len(set(ids)) == len(ids)
    for prefix in ("lookup", "list", "count", "sum", "diff", "total", "max", "min", "describe", "none", "en",
                   "typo", "spacing", "followup", "multi"):
        assert any(i.startswith(prefix) for i in ids), prefix


# =========================================================================================================
# The issue's own examples, with the working shown
def test_sum_shows_its_working(assistant):
    ans = assistant.ask("선정된 곳 국비를 모두 합하면?")
    assert ans.kind == "fact" and "480억" in squash(ans.answer)
    working = ans.answer.split("480억원", 1)[1]
    assert len(re.findall(r"(?<![\d,.])160억원", working)) == 1
    assert len(re.findall(r"(?<![\d,.])80억원", working)) == 4
    assert sorted((f.subject, f.value) for f in ans.facts) == sorted(
        [("전주시", 160.0), ("안산시", 80.0), ("김천시", 80.0), ("김해시", 80.0), ("대구광역시", 80.0)])


def test_difference_shows_both_values(assistant):
    ans = assistant.ask("전주랑 김해 국비 차이는?")
    assert ans.kind == "fact"
    assert "80억" in squash(ans.answer.split("(")[0])
    assert "160억원" in ans.answer and "전주" in ans.answer and "김해" in ans.answer


def test_total_states_the_matching_ratio(assistant):
    ans = assistant.ask("전주시 지방비 포함 총사업비는?")
    assert ans.kind == "fact" and "320억" in squash(ans.answer)
    assert "1:1" in ans.answer and "160억원" in ans.answer
    assert {f.attribute for f in ans.facts} >= {"국비"}


def test_passage_about_gimhae(assistant):
    ans = assistant.ask("김해는 무슨 사업을 해?")
    assert ans.kind == "passage" and "김해" in ans.answer
    assert ans.sources[0].doc_id == SEED and ans.sources[0].lines[0] <= 27 <= ans.sources[0].lines[1]


def test_followups_keep_the_conversation(assistant):
    first = assistant.ask("김해는?", history=["전주시 국비는?"])
    assert "80억" in squash(first.answer) and [f.subject for f in first.facts] == ["김해시"]
    second = assistant.ask("그 사업 부제는?", history=["전주시 국비는?"])
    assert "AdaptiveCity" in squash(second.answer) and [f.subject for f in second.facts] == ["전주시"]


# =========================================================================================================
# API of Answer
HIGHLIGHT_CASES = [
    ("전주시가 받는 국비는?", "160억"),
    ("강소형 경쟁률은?", "5.3:1"),
    ("김천시 사업부제는?", "Mobility Do Everything"),
    ("도시경제과장은 누구야?", "윤종빈"),
    ("김해시 세부유형은?", "기후위기 대응형"),
    ("거점형에는 몇 개 지자체가 신청했나요?", "3개"),
]


@pytest.mark.parametrize("question, key", HIGHLIGHT_CASES)
def test_fact_highlight_holds_the_key_value(assistant, question, key):
    d = assistant.ask(question).to_dict()
    assert d["kind"] == "fact"
    first = d["sources"][0]
    assert any(key in first["text"][s:e] for s, e in first["highlights"]), (first["text"], first["highlights"])


@pytest.mark.parametrize("question", ["김해는 무슨 사업을 해?", "스마트도시 조성사업이란?", "윤종빈 과장이 뭐라고 했어?"])
def test_passage_highlight_is_the_extracted_sentence(assistant, question):
    d = assistant.ask(question).to_dict()
    assert d["kind"] == "passage"
    first = d["sources"][0]
    assert any(d["answer"] in first["text"][s:e] for s, e in first["highlights"])


@pytest.mark.parametrize("question", ["전주시가 받는 국비는?", "김해는 무슨 사업을 해?", "서울시는 선정됐나요?",
                                      "선정된 곳 국비를 모두 합하면?"])
def test_to_dict_shape(assistant, question):
    ans = assistant.ask(question)
    d = ans.to_dict()
    assert set(d) == ANSWER_KEYS
    assert d["question"] == question and d["answer"] == ans.answer and d["kind"] in ("fact", "passage", "none")
    assert isinstance(d["facts"], list) and len(d["facts"]) == len(ans.facts)
    assert all(isinstance(f, dict) and f["doc_id"] == SEED for f in d["facts"])
    assert d["sources"], "even a 'not found' answer shows related passages"
    for s in d["sources"]:
        assert set(s) == SOURCE_KEYS
        assert isinstance(s["lines"], list) and len(s["lines"]) == 2 and s["lines"][0] <= s["lines"][1]
        assert isinstance(s["score"], float) and isinstance(s["text"], str) and s["doc_id"] == SEED
        assert isinstance(s["highlights"], list)
        assert all(isinstance(h, list) and len(h) == 2 and 0 <= h[0] < h[1] <= len(s["text"])
                   for h in s["highlights"])
    assert isinstance(d["timing_ms"], dict) and all(isinstance(v, float) for v in d["timing_ms"].values())
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d


def test_none_answer_shape(assistant):
    d = assistant.ask("서울시는 선정됐나요?").to_dict()
    assert (d["kind"], d["answer"], d["facts"]) == ("none", NOT_FOUND, [])
    assert all(s["highlights"] == [] for s in d["sources"])


# =========================================================================================================
# Questions the assistant refuses
@pytest.mark.parametrize("question", ["", "   ", "\n\t ", "\u3000", None])
def test_empty_question_raises(assistant, question):
    with pytest.raises(QuestionError):
        assistant.ask(question)


def test_overlong_question_raises(assistant):
    with pytest.raises(QuestionError):
        assistant.ask("전주시 국비는? " + "가" * 600)
    with pytest.raises(QuestionError):
        assistant.ask("가" * 600)


def test_question_at_the_limit_is_answered(assistant):
    limit = assistant.config.max_question_chars
    q = "전주시 국비는?"
    ans = assistant.ask(q + " " * 3 + "가" * (limit - len(q) - 3))
    assert ans.kind in ("fact", "passage", "none")


# =========================================================================================================
# "No invented number" over every golden question, each with the assistant of its corpus
def _golden(path: Path) -> tuple[str, list[dict]]:
    meta, items = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        if "meta" in obj and not items:
            meta = obj["meta"]
        else:
            items.append(obj)
    corpus = meta.get("corpus", ["corpus"])
    fixture = "assistant" if corpus == ["corpus"] else "multi_assistant"
    assert corpus in (["corpus"], ["corpus", "tests/data/announcements"]), corpus
    return fixture, items


GOLDEN = [pytest.param(fixture, item, id=item["id"])
          for name in ("golden.jsonl", "golden_multi.jsonl")
          for fixture, items in [_golden(ROOT / "evals" / name)]
          for item in items]


@pytest.mark.parametrize("fixture, item", GOLDEN)
def test_golden_fact_answers_invent_no_number(request, fixture, item):
    a = request.getfixturevalue(fixture)
    ans = a.ask(item["q"], history=item.get("history"))
    if ans.kind != "fact":
        return
    assert ans.facts
    assert invented_numbers(ans.answer, list(ans.facts)) == [], ans.answer
