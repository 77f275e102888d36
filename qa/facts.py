"""Facts: a structured table of what each announcement states, every row with its provenance.

Extraction is rule based and document agnostic: it reads pipe tables (one record per row, columns named
by the header, merged cells already filled down by the chunker) and sentences (money, competition ratios,
counts, periods, funding-match ratios, percentages, people and roles, phone numbers, ``label: value``
lines). Each fact is resolved to the entity or category it is about from its sentence, its parent point
and its section. Numbers in answers come only from here (or arithmetic over these), never from a guess.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .chunk import NOTE_MARKS, SUB_BULLETS, TOP_BULLETS, TOTAL_CELL, Chunk, is_pipe_row, split_cells
from .ingest import Document
from .korean import admin_stem, morphs

FACTS_DB = "facts.sqlite"
WHOLE = "전체"  # subject of document-level facts

# Magnitudes of Korean money units, for arithmetic across units (values keep the document's unit).
MAGNITUDE = {"조": 10**12, "억": 10**8, "천만": 10**7, "백만": 10**6, "만": 10**4, "천": 10**3, "": 1}
REGIONS = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남",
           "전북", "전남", "경북", "경남", "제주", "충청북도", "충청남도", "전라북도", "전라남도", "경상북도",
           "경상남도", "강원도", "경기도", "제주도", "전북특별자치도", "강원특별자치도", "제주특별자치도")
MONEY_KEYS = ("총사업비", "사업비", "국비", "지방비", "도비", "시비", "군비", "구비", "민간투자", "민자", "민간부담",
              "자부담", "지원금", "지원액", "지원규모", "예산", "기금", "출연금", "보조금", "융자", "특별교부세", "교부세",
              "교부금", "상금", "투자")
ENTITY_HEADERS = re.compile(r"지자체|지방자치단체|기관|지역|도시|시[·ㆍ]?군|대상지|수행|주관|컨소시엄|기업|업체|대학|학교|명칭|선정")
CATEGORY_HEADERS = re.compile(r"유형|구분|분야|부문|트랙|종류|분류")
SERIAL_HEADERS = re.compile(r"^(연번|번호|순번|순위|no\.?|#)$", re.I)
SUMMARY_LINE = re.compile(r"^\s*[-–]\s.*\s[-–]\s*$")  # "- 4곳 선정 … 총 800억원 투입 -" under a title
ADMIN_ENTITY = re.compile(r"(특별자치시|특별자치도|특별시|광역시|시|군|도)$")
ROLES = ("장관", "차관", "실장", "국장", "과장", "팀장", "단장", "본부장", "청장", "처장", "원장", "위원장", "시장",
         "도지사", "군수", "구청장", "이사장", "사장", "사무관", "주무관", "연구관", "서기관", "담당자")

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONEY = re.compile(rf"(?:(?P<jo>\d+)\s*조\s*)?(?P<num>{_NUM})\s*(?P<mag>조|억|천만|백만|만|천)?\s*원")
_RATIO = re.compile(r"(?P<a>\d+(?:\.\d+)?)\s*(?::|：|대)\s*(?P<b>1)\s*(?:의|로|을|를)?\s*(?:경쟁률|경쟁)")
_RATIO_AFTER = re.compile(r"경쟁률\s*(?:은|는|이|가)?\s*(?:평균\s*)?(?P<a>\d+(?:\.\d+)?)\s*(?::|：|대)\s*(?P<b>1)")
_MATCH = re.compile(r"(?P<k1>국비)\s*[:：]\s*(?P<k2>지방비|도비|시비|민간)\s*=?\s*(?P<a>\d+)\s*[:：]\s*(?P<b>\d+)")
_COUNT = re.compile(
    r"(?:총\s*)?(?P<n>\d+)\s*(?P<unit>개소|개|곳|건|명|팀)\s*(?:의\s*)?"
    r"(?P<noun>지자체|지방자치단체|자치단체|기관|도시|시[·ㆍ]?군[·ㆍ]?구|시[·ㆍ]?군|기업|팀|과제|사업|유형|분야|대학|컨소시엄|지역|곳)?"
    r"\s*(?:이|가|을|를|에서|에|으로|로|이상|내외)?\s*(?P<verb>신청|선정|응모|접수|참여|지정|지원|공모|모집|나누)?")
_PERIOD = re.compile(r"(?P<n>\d+)\s*(?P<unit>년|개월)\s*간")
_PERCENT = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?:%|퍼센트)")
_PHONE = re.compile(r"\(?(?P<phone>0\d{1,2}[-)]\s?\d{3,4}-\d{4})\)?")
_ORG_HEAD = re.compile(
    r"(?P<org>[가-힣]+(?:부|처|청|원|위원회|특별시|광역시|특별자치시|특별자치도|도|시|군|구))\s*\(\s*"
    r"(?P<role>장관|차관|처장|청장|원장|위원장|시장|도지사|군수|구청장|이사장|사장|회장)\s+(?P<name>[가-힣]{2,4})\s*\)")
_NAME_ROLE = re.compile(
    r"(?:(?P<org>[가-힣]+(?:부|처|청|위원회))\s+)?(?P<name>[가-힣]{2,4})\s+(?P<role>[가-힣]{0,8}?"
    r"(?:장관|차관|실장|국장|과장|팀장|단장|본부장|청장|처장|원장|위원장|시장|도지사|군수|구청장))"
    r"(?:은|는|이|가|도)(?=\s|[“\"‘'])")
_DEPT = re.compile(r"담당\s*부서\s*\|?\s*(?P<dept>[가-힣A-Za-z]+(?:과|팀|국|실|단|센터|본부|부))")
_LABEL_VALUE = re.compile(r"^(?P<label>[가-힣A-Za-z ·()]{2,14}?)\s*[:：]\s*(?P<value>\S.{0,200})$")
_DEFINES = re.compile(r"(?P<term>[가-힣]{2,10})\s*\((?P<items>[^()]{2,80},[^()]{2,80})\)")
_SENT_END = re.compile(r"(?<=다\.)\s+|(?<=[.!?])\s+(?=[□ㅇ○*※“\"‘'(가-힣A-Z])")
_STRIP_BULLET = re.compile(rf"^[{re.escape(TOP_BULLETS + SUB_BULLETS + NOTE_MARKS)}]\s*")


@dataclass(frozen=True)
class Fact:
    """One stated fact.

    ``subject`` is the entity or category it is about (전주시, 강소형, or ``전체`` for the whole
    announcement), ``attribute`` what is stated (국비, 경쟁률, 신청 수, 사업부제 …), ``value``/``unit`` the
    number in the document's own unit when there is one, ``text`` the value as it should be shown, ``raw``
    the exact source text and ``line``/``span`` where it stands (``doc.lines[line - 1][span[0]:span[1]] ==
    raw``). ``qualifiers`` hold the category, region, period, matching ratio and the like.
    """

    fact_id: str
    doc_id: str
    subject: str
    attribute: str
    value: float | None
    unit: str
    text: str
    raw: str
    chunk_id: str
    line: int
    span: tuple[int, int]
    qualifiers: dict[str, Any] = field(default_factory=dict)

    @property
    def base_value(self) -> float | None:
        """The value in base units (원 for money), for arithmetic across 억원 / 만원."""
        if self.value is None:
            return None
        mag = self.unit[:-1] if self.unit.endswith("원") else None
        return self.value * MAGNITUDE.get(mag, 1) if mag is not None else self.value

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = list(self.span)
        return d


def parse_number(text: str) -> float | None:
    """``"1,200"`` → 1200.0; ``None`` when the text holds no single number."""
    m = re.fullmatch(r"\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*", text)
    return float(m.group(1).replace(",", "")) if m else None


def format_number(v: float) -> str:
    """160.0 → "160"; 5.25 → "5.25"; 1200 → "1,200" (as Korean documents write it)."""
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def split_entity(value: str) -> tuple[str, str | None]:
    """``"전북 전주시"`` → (``"전주시"``, ``"전북"``); other names are returned whole."""
    parts = value.split()
    if len(parts) == 2 and parts[0] in REGIONS:
        return parts[1], parts[0]
    return value.strip(), None


def header_unit(header: str) -> tuple[str, str]:
    """``"국비(억원)"`` → (``"국비"``, ``"억원"``)."""
    m = re.fullmatch(r"\s*(.+?)\s*[(\[]\s*(?:단위\s*[:：]?\s*)?([^()\[\]]+?)\s*[)\]]\s*", header)
    if m and re.search(r"원|%|개|명|곳|건|년|월|㎡|km|ha", m.group(2)):
        return m.group(1), m.group(2)
    return header.strip(), ""


# ----------------------------------------------------------------------------------------------------------
class _DocContext:
    """What the extractor knows about one document: its entities, categories and the chunk of each line."""

    def __init__(self, doc: Document, chunks: list[Chunk]) -> None:
        self.doc = doc
        self.chunk_of_line: dict[int, Chunk] = {}
        for c in chunks:
            for n in range(c.start, c.end + 1):
                self.chunk_of_line[n] = c
        self.entities: dict[str, dict[str, Any]] = {}  # canonical name -> {region, category, aliases}
        self.categories: list[str] = []
        self.defined_labels: dict[str, str] = {}  # label -> term (세부유형 …)

    def add_entity(self, name: str, region: str | None = None, category: str | None = None) -> None:
        e = self.entities.setdefault(name, {"region": None, "category": None})
        e["region"] = e["region"] or region
        e["category"] = e["category"] or category

    def entity_pattern(self) -> re.Pattern | None:
        names = set()
        for name in self.entities:
            names.add(name)
            stem = admin_stem(name)
            if stem:
                names.add(stem)
        if not names:
            return None
        alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(?:(?:{'|'.join(REGIONS)})\s+)?(?P<e>{alts})")

    def canonical(self, mention: str) -> str:
        if mention in self.entities:
            return mention
        for name in self.entities:
            if admin_stem(name) == mention:
                return name
        return mention

    def category_of_section(self, section: str) -> str | None:
        for cat in sorted(self.categories, key=len, reverse=True):
            if cat in section:
                return cat
        return None


class _Extractor:
    def __init__(self, doc: Document, chunks: list[Chunk]) -> None:
        self.ctx = _DocContext(doc, chunks)
        self.doc = doc
        self.chunks = chunks
        self.facts: list[Fact] = []
        self._seen: set[tuple] = set()

    # ------------------------------------------------------------------ helpers
    def emit(self, subject: str, attribute: str, text: str, line: int, span: tuple[int, int],
             value: float | None = None, unit: str = "", **qualifiers: Any) -> None:
        key = (subject, attribute, text, line)
        if key in self._seen or not subject or not text:
            return
        self._seen.add(key)
        raw = self.doc.lines[line - 1][span[0]:span[1]]
        chunk = self.ctx.chunk_of_line.get(line)
        q = {k: v for k, v in qualifiers.items() if v not in (None, "", [])}
        ent = self.ctx.entities.get(subject)
        if ent:
            q.setdefault("category", ent.get("category"))
            q.setdefault("region", ent.get("region"))
        if self.doc.year:
            q.setdefault("year", self.doc.year)
        q = {k: v for k, v in q.items() if v not in (None, "")}
        self.facts.append(Fact(
            fact_id=f"{self.doc.doc_id}:{len(self.facts):04d}", doc_id=self.doc.doc_id, subject=subject,
            attribute=attribute, value=value, unit=unit, text=text, raw=raw,
            chunk_id=chunk.chunk_id if chunk else "", line=line, span=span, qualifiers=q))

    # ------------------------------------------------------------------ tables
    def scan_tables(self) -> None:
        """First pass: learn entities and categories from table rows (needed to resolve sentences)."""
        for c in self.chunks:
            if c.kind != "table_row" or not c.cells:
                continue
            ent_col, cat_col = self.table_columns(c)
            if is_total_row(c):
                continue
            if ent_col is not None:
                name, region = split_entity(c.cells[ent_col][1])
                category = c.cells[cat_col][1] if cat_col is not None else None
                if name:
                    self.ctx.add_entity(name, region, category)
                if category and category not in self.ctx.categories:
                    self.ctx.categories.append(category)

    def table_columns(self, c: Chunk) -> tuple[int | None, int | None]:
        headers = [h for h, _ in c.cells]
        values = [v for _, v in c.cells]
        ent_col = next((i for i, h in enumerate(headers) if ENTITY_HEADERS.search(h) and not
                        CATEGORY_HEADERS.fullmatch(h)), None)
        if ent_col is None:
            ent_col = next((i for i, v in enumerate(values) if ADMIN_ENTITY.search(split_entity(v)[0])
                            and len(v) <= 20), None)
        cat_col = next((i for i, h in enumerate(headers) if CATEGORY_HEADERS.search(h) and i != ent_col), None)
        if ent_col is None:
            cat_col = None  # without a name column the first column is the row's key, not a category
        if cat_col is not None and parse_number(values[cat_col]) is not None:
            cat_col = None
        if ent_col is not None and cat_col is not None and cat_col > ent_col:
            cat_col = None  # a "구분" column after the name is a detail, not the row's category
        return ent_col, cat_col

    def table_facts(self) -> None:
        for c in self.chunks:
            if c.kind != "table_row" or not c.cells:
                continue
            line = self.doc.lines[c.start - 1]
            ent_col, cat_col = self.table_columns(c)
            if is_total_row(c):
                self.total_row_facts(c, line)
                continue
            key_col = ent_col if ent_col is not None else 0
            subject, region = split_entity(c.cells[key_col][1])
            if not subject:
                continue
            category = c.cells[cat_col][1] if cat_col is not None else None
            for i, (header, value) in enumerate(c.cells):
                if i == key_col or not value or SERIAL_HEADERS.match(header):
                    continue
                attr, unit = header_unit(header)
                num = parse_number(value)
                span = _find_span(line, value)
                if span is None:  # a filled-down cell: point at the row's subject instead
                    span = _find_span(line, c.cells[key_col][1]) or (0, len(line))
                    raw_from = "filled-down"
                else:
                    raw_from = "cell"
                self.emit(subject, attr, f"{value}{unit if num is not None and unit else ''}", c.start, span,
                          value=num, unit=unit if num is not None else "", category=category, region=region,
                          source=f"table:{raw_from}", column=header, entity=ent_col is not None or None)

    def total_row_facts(self, c: Chunk, line: str) -> None:
        """A 합계 row states document-level totals of its numeric columns."""
        for header, value in c.cells:
            num = parse_number(value)
            span = _find_span(line, value)
            if num is None or span is None or SERIAL_HEADERS.match(header):
                continue
            attr, unit = header_unit(header)
            self.emit(WHOLE, attr, f"{value}{unit}", c.start, span, value=num, unit=unit, total=True,
                      source="table:total", column=header)

    # ------------------------------------------------------------------ sentences
    def sentence_facts(self) -> None:
        pattern = self.ctx.entity_pattern()
        parent_topic: tuple[str, str] | None = None  # (kind, name) of the current □ point
        for n, line in enumerate(self.doc.lines, start=1):
            s = line.strip()
            if not s:
                continue
            chunk = self.ctx.chunk_of_line.get(n)
            section = chunk.section if chunk else ""
            if is_pipe_row(s):
                self.contact_facts(n, line)
                continue
            mentions = self.mentions(line, pattern)
            is_sub = s[0] in SUB_BULLETS + NOTE_MARKS
            own_topic = _topic(line, mentions)
            if not is_sub:
                parent_topic = own_topic
            topic = (own_topic or parent_topic) if is_sub else None  # a point's own later mention is no antecedent
            if SUMMARY_LINE.match(line):
                mentions, topic = [], None  # a summary under the title speaks of the whole announcement
            self.define_labels(line)
            for start, end in _sentences(line):
                self.money_facts(n, line, start, end, mentions, topic, section)
                self.ratio_facts(n, line, start, end, mentions, topic, section)
                self.count_facts(n, line, start, end, mentions, topic, section)
                self.percent_facts(n, line, start, end, mentions, topic, section)
            self.label_facts(n, line, mentions, section)
            self.people_facts(n, line)
            self.contact_facts(n, line)

    def mentions(self, line: str, pattern: re.Pattern | None) -> list[tuple[int, int, str, str]]:
        """Entity and category mentions in a line: (start, end, kind, canonical name), in order."""
        out = []
        if pattern:
            for m in pattern.finditer(line):
                out.append((m.start("e"), m.end("e"), "entity", self.ctx.canonical(m.group("e"))))
        for cat in self.ctx.categories:
            for m in re.finditer(re.escape(cat), line):
                if not any(s <= m.start() < e for s, e, _, _ in out):
                    out.append((m.start(), m.end(), "category", cat))
        return sorted(out)

    def resolve(self, line: str, pos: int, sent: tuple[int, int], mentions, parent_topic, section,
                allow_after: bool = True, entities: bool = True) -> tuple[list[str], str | None]:
        """Who a number at ``pos`` is about: [entities] (a listed group counts for each) and a category.

        ``entities=False`` for statements about a whole field (competition ratios, applicant counts): they
        resolve to the category of the entity named, else the section's category, else the whole document.
        """
        s0, s1 = sent
        if not entities:
            ents, cat = self.resolve(line, pos, sent, mentions, parent_topic, section, allow_after)
            if ents:
                cats = {self.ctx.entities.get(e, {}).get("category") for e in ents} - {None}
                return [], (cats.pop() if len(cats) == 1 else self.ctx.category_of_section(section) or WHOLE)
            return [], cat
        before = [m for m in mentions if s0 <= m[0] and m[1] <= pos]
        ents = [m for m in before if m[2] == "entity"]
        cats = [m for m in before if m[2] == "category"]
        clause_start = max(line.rfind(",", s0, pos), line.rfind("며", s0, pos), s0)
        # an entity group right before the number's clause: "안산시(…), 김천시(…), 김해시(…)에는 … 80억원"
        if ents:
            group = [ents[-1]]
            for prev in reversed(ents[:-1]):
                gap = line[prev[1]:group[0][0]]
                if re.fullmatch(r"\s*(\([^()]*\))?\s*(,|와|과|및|·|ㆍ)\s*", gap):
                    group.insert(0, prev)
                else:
                    break
            last_cat = cats[-1] if cats else None
            if not (last_cat and last_cat[0] > group[-1][1] and last_cat[0] >= clause_start):
                between = line[group[-1][1]:pos]
                if re.search(r"등\s|총\s*$|총\s*\S*\s*$|합계|모두", between[-12:] + " ") and (
                        len(group) > 1 or re.match(r"\s*등\s", between)):
                    return [], WHOLE  # "안산·청주 등 4곳 … 총 800억원": a collective amount
                return [g[3] for g in group], None
        if cats:
            if len({c[3] for c in cats}) > 1 and not ents:
                return [], WHOLE  # "거점형 …, 강소형 …, 특화단지 … 3개 유형": about all of them
            return [], cats[-1][3]
        if allow_after:
            after = [m for m in mentions if pos <= m[0] < s1 and m[2] == "entity"]
            comma = line.find(",", pos, s1)
            if after and (comma < 0 or after[0][0] < comma):
                return [after[0][3]], None
        if parent_topic:
            kind, name = parent_topic
            return ([name], None) if kind == "entity" else ([], name)
        return [], self.ctx.category_of_section(section)

    def subjects(self, ents: list[str], cat: str | None, section: str) -> list[tuple[str, str | None]]:
        if ents:
            return [(e, self.ctx.entities.get(e, {}).get("category")) for e in ents]
        if cat:
            return [(cat, cat if cat != WHOLE else None)]
        return [(WHOLE, None)]

    def money_facts(self, n, line, s0, s1, mentions, parent_topic, section) -> None:
        sent = line[s0:s1]
        period = _PERIOD.search(sent)
        match = _MATCH.search(sent)
        for m in _MONEY.finditer(line, s0, s1):
            pre = line[max(s0, m.start() - 24):m.start()]
            key = None  # the money word closest before the amount; the longest one ending there (총사업비 > 사업비)
            for k in MONEY_KEYS:
                i = pre.rfind(k)
                if i >= 0 and (key is None or i + len(k) > key[0] or (i + len(k) == key[0] and len(k) > len(key[1]))):
                    key = (i + len(k), k)
            attr = key[1] if key else "금액"
            if attr in ("지원금", "지원액", "지원규모"):
                attr = "지원금액"
            qual = {}
            if re.search(r"최대|이내|한도", pre[-8:]):
                qual["bound"] = "최대"
            if re.search(r"내외|약|정도", line[m.end():m.end() + 4] + pre[-4:]):
                qual["approx"] = True
            if period and period.start() + s0 < m.start():
                qual["period"] = period.group(0)
            if match:
                qual["matching"] = f"{match.group('k1')}:{match.group('k2')}={match.group('a')}:{match.group('b')}"
            num = float(m.group("num").replace(",", ""))
            mag = m.group("mag") or ""
            if m.group("jo"):
                num, mag = float(m.group("jo")) * 10**4 + num, "억"
            ents, cat = self.resolve(line, m.start(), (s0, s1), mentions, parent_topic, section)
            for subject, category in self.subjects(ents, cat, section):
                self.emit(subject, attr, f"{format_number(num)}{mag}원", n, (m.start(), m.end()), value=num,
                          unit=f"{mag}원", category=category, **qual)
        if match:
            ents, cat = self.resolve(line, match.start(), (s0, s1), mentions, parent_topic, section)
            for subject, category in self.subjects(ents, cat, section):
                self.emit(subject, "매칭비율", match.group(0).replace(" ", ""), n, match.span(),
                          value=float(match.group("b")) / float(match.group("a")), unit="",
                          category=category, national=int(match.group("a")), local=int(match.group("b")),
                          local_key=match.group("k2"))
        if period:
            ents, cat = self.resolve(line, period.start() + s0, (s0, s1), mentions, parent_topic, section)
            for subject, category in self.subjects(ents, cat, section):
                self.emit(subject, "지원기간", period.group(0), n, (period.start() + s0, period.end() + s0),
                          value=float(period.group("n")), unit=period.group("unit"), category=category)

    def ratio_facts(self, n, line, s0, s1, mentions, parent_topic, section) -> None:
        for pat in (_RATIO, _RATIO_AFTER):
            for m in pat.finditer(line, s0, s1):
                ents, cat = self.resolve(line, m.start(), (s0, s1), mentions, parent_topic, section,
                                         allow_after=False, entities=False)
                a = float(m.group("a"))
                for subject, category in self.subjects(ents, cat, section):
                    self.emit(subject, "경쟁률", f"{format_number(a)}:1", n, m.span(), value=a, unit=":1",
                              category=category)

    def count_facts(self, n, line, s0, s1, mentions, parent_topic, section) -> None:
        for m in _COUNT.finditer(line, s0, s1):
            verb, noun = m.group("verb"), m.group("noun")
            if not verb and not noun:
                continue
            if line[m.end("n"):m.end("n") + 1] in "%.:" and line[m.end("n"):m.end("n") + 1]:
                continue
            if verb in ("신청", "응모", "접수", "공모"):
                attr = "신청 수"
            elif verb in ("선정", "지정"):
                attr = "선정 수"
            elif verb == "참여":
                attr = "참여 수"
            elif verb == "모집":
                attr = "모집 수"
            elif noun in ("유형", "분야", "과제", "사업"):
                attr = f"{noun} 수"
            else:
                continue
            if verb == "지원" and not noun:
                continue
            # "16개 지자체가 신청" counts a field of applicants: a category or the whole call, not a city
            ents, cat = self.resolve(line, m.start(), (s0, s1), mentions, parent_topic, section,
                                     allow_after=False, entities=False)
            end = m.end("verb") if verb else m.end("noun")
            num = float(m.group("n"))
            for subject, category in self.subjects(ents, cat, section):
                self.emit(subject, attr, f"{format_number(num)}{m.group('unit')}", n, (m.start(), end),
                          value=num, unit=m.group("unit"), category=category, noun=noun)

    def percent_facts(self, n, line, s0, s1, mentions, parent_topic, section) -> None:
        for m in _PERCENT.finditer(line, s0, s1):
            pre = line[max(s0, m.start() - 16):m.start()]
            key = next((k for k in sorted(MONEY_KEYS, key=lambda k: -pre.rfind(k)) if k in pre), None)
            words = [w for w in re.findall(r"[가-힣]{2,}", pre) if w not in ("최대", "최소", "이상", "이하", "이내", "상한의")]
            words = [re.sub(r"(의|은|는|이|가|을|를)$", "", w) for w in words]
            attr = f"{key} 비율" if key else (f"{words[-1]} 비율" if words else "비율")
            ents, cat = self.resolve(line, m.start(), (s0, s1), mentions, parent_topic, section)
            v = float(m.group("n"))
            for subject, category in self.subjects(ents, cat, section):
                self.emit(subject, attr, f"{format_number(v)}%", n, m.span(), value=v, unit="%", category=category)

    def define_labels(self, line: str) -> None:
        """``세부유형(지역소멸 대응형, 기후위기 대응형)`` defines labels later attached as ``Entity(label)``."""
        for m in _DEFINES.finditer(line):
            for item in m.group("items").split(","):
                item = item.strip()
                if 2 <= len(item) <= 20:
                    self.ctx.defined_labels[item] = m.group("term")

    def label_facts(self, n, line, mentions, section) -> None:
        """``Entity(label)`` after a defined label set, and ``label: value`` lines of notices."""
        for _start, end, kind, name in mentions:
            if kind != "entity":
                continue
            m = re.match(r"\s*\(([^()]{2,20})\)", line[end:])
            if m and m.group(1).strip() in self.ctx.defined_labels:
                label = m.group(1).strip()
                self.emit(name, self.ctx.defined_labels[label], label, n,
                          (end + m.start(1), end + m.end(1)))
        body = _STRIP_BULLET.sub("", line.strip())
        m = _LABEL_VALUE.match(body)
        if m and not re.search(r"https?$|출처", m.group("label")):
            offset = line.index(body)
            label = m.group("label").strip()
            value = m.group("value").strip()
            v_start = offset + m.start("value")
            self.emit(self.ctx.category_of_section(section) or WHOLE, label, value, n,
                      (v_start, v_start + len(m.group("value").rstrip())), value=None, source="label")

    def people_facts(self, n, line) -> None:
        for m in _ORG_HEAD.finditer(line):
            self.emit(m.group("org"), m.group("role"), m.group("name"), n, m.span("name"), person=True)
        for m in _NAME_ROLE.finditer(line):
            name, role = m.group("name"), m.group("role")
            if morphs(name) and morphs(name)[0].tag != "NNP" and len(name) > 3:
                continue
            org = m.group("org") or self.doc.publisher or WHOLE
            org = org.split()[0] if org else WHOLE
            self.emit(org, role, name, n, m.span("name"), person=True)

    def contact_facts(self, n, line) -> None:
        """담당 부서 / 책임자 / 담당자 rows and ``사무관 홍길동(044-…)`` lines: names, ranks, phones."""
        dept = _DEPT.search(line)
        if dept:
            self.emit(WHOLE, "담당 부서", dept.group("dept"), n, dept.span("dept"))
            self._dept = dept.group("dept")
        org = getattr(self, "_dept", None) or (self.doc.publisher or WHOLE).split()[-1]
        people = []
        if is_pipe_row(line):
            label, rank = None, None
            pos = line.index("|") + 1
            for cell in line.strip().strip("|").split("|"):
                start = line.index(cell, pos)
                pos = start + len(cell)
                value = cell.strip()
                if not value:
                    continue
                compacted = re.sub(r"\s+", "", value)
                if compacted in ("책임자", "담당자", "담당", "문의"):
                    label = compacted
                elif compacted in _RANKS:
                    rank = compacted
                else:
                    m = _NAME_PHONE.fullmatch(value)
                    if m and (rank or label) and m.group("name") not in _NOT_NAMES:
                        off = start + (len(cell) - len(cell.lstrip()))
                        people.append((rank or label, label, m, off))
        else:
            for m in _CONTACT_LINE.finditer(line):
                if m.group("name") not in _NOT_NAMES:
                    people.append((re.sub(r"\s+", "", m.group("role")), None, m, 0))
        for rank, label, m, off in people:
            name_span = (off + m.start("name"), off + m.end("name"))
            self.emit(org, rank, m.group("name"), n, name_span, person=True, label=label)
            if m.group("phone"):
                self.emit(m.group("name"), "전화번호", m.group("phone"), n,
                          (off + m.start("phone"), off + m.end("phone")), role=rank)
        if not people and not is_pipe_row(line):
            for m in _PHONE.finditer(line):
                pre = re.findall(r"[가-힣]{2,}", line[:m.start()])
                self.emit(pre[-1] if pre else WHOLE, "전화번호", m.group("phone"), n, m.span("phone"))

    def meta_facts(self) -> None:
        """What the announcement says about itself: its title (and year), release date, source, websites."""
        title = re.sub(r"\s+", "", self.doc.title)
        for n, line in enumerate(self.doc.lines, start=1):
            flat = re.sub(r"\s+", "", line)
            if title and title in flat and not any(f.attribute == "제목" for f in self.facts):
                m = re.search(re.escape(self.doc.title), line)
                if m:
                    self.emit(WHOLE, "제목", self.doc.title, n, m.span())
                    y = re.search(r"(20\d{2})\s*년", self.doc.title)
                    if y:
                        self.emit(WHOLE, "연도", f"{y.group(1)}년", n, (m.start() + y.start(), m.start() + y.end()),
                                  value=float(y.group(1)), unit="년")
            src = re.match(r"^\s*(원출처|출처)\s*[:：]\s*(?P<url>https?://\S+)", line)
            if src:
                self.emit(WHOLE, "출처", src.group("url"), n, src.span("url"))
                continue
            for m in re.finditer(r"(?P<name>[가-힣A-Za-z·]+(?:\s[가-힣A-Za-z·]+){0,3})?\s*\(?(?P<url>(?:https?://|www\.)"
                                 r"[\w.-]+\.[a-z]{2,}[\w/.?=&%-]*)", line):
                name = (m.group("name") or "").strip()
                self.emit(name or WHOLE, "웹사이트", m.group("url").rstrip(").,"), n, m.span("url"))
            if is_pipe_row(line):
                cells = split_cells(line)
                for i, cell in enumerate(cells[:-1]):
                    label = re.sub(r"\s+", "", cell)
                    if re.fullmatch(r"보도(시점|일시|일)|배포(일시|일)?|공고일", label) and cells[i + 1]:
                        span = _find_span(line, cells[i + 1])
                        if span:
                            self.emit(WHOLE, label, cells[i + 1], n, span)

    def run(self) -> list[Fact]:
        self.scan_tables()
        self.table_facts()
        self.sentence_facts()
        self.meta_facts()
        return self.facts


_RANKS = {"과장", "팀장", "국장", "실장", "단장", "사무관", "주무관", "연구관", "서기관", "연구원", "전문위원", "행정관"}
_NOT_NAMES = {"부서", "책임자", "담당자", "사무관", "주무관", "연구관", "서기관", "과장", "팀장", "국장"}
_NAME_PHONE = re.compile(r"(?P<name>[가-힣]{2,4})\s*(?:\(\s*(?P<phone>0\d{1,2}-\d{3,4}-\d{4})\s*\))?")
_CONTACT_LINE = re.compile(r"(?P<role>과\s*장|팀\s*장|사무관|주무관|연구관|서기관|담당자)\s+(?P<name>[가-힣]{2,4})\s*"
                           r"\(\s*(?P<phone>0\d{1,2}-\d{3,4}-\d{4})")


def is_total_row(c: Chunk) -> bool:
    return any(TOTAL_CELL.match(v.strip()) for _, v in c.cells)


def _topic(line: str, mentions) -> tuple[str, str] | None:
    """The entity or category a point is about: named near its start and marked as topic or subject
    (``□ 전주시는 …``, ``ㅇ (익산시) …``, ``□ 경북 김천시는 …``)."""
    body = _STRIP_BULLET.sub("", line.strip())
    lead = line.index(body[:1]) if body else 0
    for start, end, kind, name in mentions:
        if start - lead > 8:
            break
        after = line[end:end + 3]
        if re.match(r"(은|는|이|가|에서|의|\))", after) or line[max(0, start - 1):start] == "(":
            return kind, name
    return None


def _sentences(line: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _SENT_END.finditer(line):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(line)))
    return [(a, b) for a, b in spans if line[a:b].strip()]


def _find_span(line: str, value: str) -> tuple[int, int] | None:
    i = line.find(value)
    return (i, i + len(value)) if i >= 0 and value else None


def extract_facts(documents: Iterable[Document], chunks: Iterable[Chunk]) -> list[Fact]:
    """Facts of every document, in document and line order."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    facts: list[Fact] = []
    for doc in documents:
        facts.extend(_Extractor(doc, by_doc.get(doc.doc_id, [])).run())
    return facts


# ----------------------------------------------------------------------------------------------------------
def save_facts(facts: list[Fact], folder: Path) -> None:
    """Write the facts table as SQLite (inspectable with any SQL tool: ``sqlite3 index/facts.sqlite``)."""
    con = sqlite3.connect(Path(folder) / FACTS_DB)
    try:
        con.execute("""CREATE TABLE facts (
            fact_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, subject TEXT NOT NULL, attribute TEXT NOT NULL,
            value REAL, unit TEXT, text TEXT, raw TEXT, chunk_id TEXT, line INTEGER,
            span_start INTEGER, span_end INTEGER, qualifiers TEXT)""")
        con.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            (f.fact_id, f.doc_id, f.subject, f.attribute, f.value, f.unit, f.text, f.raw, f.chunk_id, f.line,
             f.span[0], f.span[1], json.dumps(f.qualifiers, ensure_ascii=False)) for f in facts])
        con.execute("CREATE INDEX facts_subject ON facts(doc_id, subject, attribute)")
        con.commit()
    finally:
        con.close()


def load_facts(folder: Path) -> list[Fact]:
    path = Path(folder) / FACTS_DB
    if not path.is_file():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT * FROM facts ORDER BY rowid").fetchall()
    finally:
        con.close()
    return [Fact(fact_id=r[0], doc_id=r[1], subject=r[2], attribute=r[3], value=r[4], unit=r[5] or "",
                 text=r[6] or "", raw=r[7] or "", chunk_id=r[8], line=r[9], span=(r[10], r[11]),
                 qualifiers=json.loads(r[12] or "{}")) for r in rows]
