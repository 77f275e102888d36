"""Sentence rules: each reads one :class:`Sentence` and returns the :class:`Value` s it states (money,
matching ratio, period, competition ratio, count, percentage). Who a value is about is decided afterwards
(:mod:`qa.facts.subjects`), so a rule only finds values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from ..korean import morphs
from ..lexicon import APPROX_WORDS, BOUND_WORDS, COUNT_VERBS, COUNTED_NOUNS, MONEY_KEYS, PERCENT_STOP, SUPPORT_KEYS, Attr
from ..text import NUMBER, format_number

MONEY = re.compile(rf"(?:(?P<jo>\d+)\s*조\s*)?(?P<num>{NUMBER})\s*(?P<mag>조|억|천만|백만|만|천)?\s*원")
RATIO = re.compile(r"(?P<a>\d+(?:\.\d+)?)\s*(?::|：|대)\s*(?P<b>1)\s*(?:의|로|을|를)?\s*(?:경쟁률|경쟁)")
RATIO_AFTER = re.compile(r"경쟁률\s*(?:은|는|이|가)?\s*(?:평균\s*)?(?P<a>\d+(?:\.\d+)?)\s*(?::|：|대)\s*(?P<b>1)")
MATCHING = re.compile(r"(?P<k1>국비)\s*[:：]\s*(?P<k2>지방비|도비|시비|민간)\s*=?\s*(?P<a>\d+)\s*[:：]\s*(?P<b>\d+)")
COUNT = re.compile(
    r"(?:총\s*)?(?P<n>\d+)\s*(?P<unit>개소|개|곳|건|명|팀)\s*(?:의\s*)?"
    r"(?P<noun>지자체|지방자치단체|자치단체|기관|도시|시[·ㆍ]?군[·ㆍ]?구|시[·ㆍ]?군|기업|팀|과제|사업|유형|분야|대학|컨소시엄|지역|곳)?"
    r"\s*(?:이|가|을|를|에서|에|으로|로|이상|내외)?\s*(?P<verb>신청|선정|응모|접수|참여|지정|지원|공모|모집|나누)?")
PERIOD = re.compile(r"(?P<n>\d+)\s*(?P<unit>년|개월)\s*간")
PERCENT = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?:%|퍼센트)")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document line: ``line[start:end]``."""

    line: str
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.line[self.start:self.end]

    @cached_property
    def period(self) -> re.Match | None:
        """"3년간" (positions relative to the sentence)."""
        return PERIOD.search(self.text)

    @cached_property
    def matching(self) -> re.Match | None:
        """"국비:지방비=1:1" (positions relative to the sentence)."""
        return MATCHING.search(self.text)


@dataclass(frozen=True)
class Value:
    """A value a sentence rule found. ``at`` is where it stands for subject resolution; ``scope="field"``
    marks statements about a whole field (ratios, applicant counts) that never belong to one entity."""

    attribute: str
    text: str
    span: tuple[int, int]
    at: int
    value: float | None = None
    unit: str = ""
    qualifiers: dict[str, Any] = field(default_factory=dict)
    scope: Literal["any", "field"] = "any"


def money(s: Sentence) -> list[Value]:
    """"국비 160억원", "최대 30억원 내외", "1조 2,000억원": the money word closest before the amount names it."""
    out = []
    line = s.line
    for m in MONEY.finditer(line, s.start, s.end):
        pre = line[max(s.start, m.start() - 24):m.start()]
        num = float(m.group("num").replace(",", ""))
        mag = m.group("mag") or ""
        if m.group("jo"):
            num, mag = float(m.group("jo")) * 10**4 + num, "억"
        out.append(Value(money_word(pre), f"{format_number(num)}{mag}원", (m.start(), m.end()), m.start(),
                         value=num, unit=f"{mag}원", qualifiers=money_qualifiers(s, m, pre)))
    return out


def money_word(pre: str) -> str:
    """The money word closest before an amount; the longest one ending there (총사업비 > 사업비)."""
    key = None
    for k in MONEY_KEYS:
        i = pre.rfind(k)
        if i >= 0 and (key is None or i + len(k) > key[0] or (i + len(k) == key[0] and len(k) > len(key[1]))):
            key = (i + len(k), k)
    attr = key[1] if key else Attr.AMOUNT
    return Attr.SUPPORT if attr in SUPPORT_KEYS else attr


def money_qualifiers(s: Sentence, m: re.Match, pre: str) -> dict[str, Any]:
    """Bound, approximation, and the period and matching ratio its sentence states."""
    qual: dict[str, Any] = {}
    if re.search(BOUND_WORDS, pre[-8:]):
        qual["bound"] = "최대"
    if re.search(APPROX_WORDS, s.line[m.end():m.end() + 4] + pre[-4:]):
        qual["approx"] = True
    if s.period and s.period.start() + s.start < m.start():
        qual["period"] = s.period.group(0)
    if s.matching:
        mt = s.matching
        qual["matching"] = f"{mt.group('k1')}:{mt.group('k2')}={mt.group('a')}:{mt.group('b')}"
    return qual


def matching(s: Sentence) -> list[Value]:
    """"국비:지방비=1:1" → 매칭비율 (value = local / national)."""
    mt = s.matching
    if not mt:
        return []
    # position and span are relative to the sentence, as extraction has always recorded them
    return [Value(Attr.MATCHING, mt.group(0).replace(" ", ""), mt.span(), mt.start(),
                  value=float(mt.group("b")) / float(mt.group("a")),
                  qualifiers={"national": int(mt.group("a")), "local": int(mt.group("b")),
                              "local_key": mt.group("k2")})]


def period(s: Sentence) -> list[Value]:
    """"3년간" → 지원기간."""
    p = s.period
    if not p:
        return []
    span = (p.start() + s.start, p.end() + s.start)
    return [Value(Attr.PERIOD, p.group(0), span, span[0], value=float(p.group("n")), unit=p.group("unit"))]


def ratio(s: Sentence) -> list[Value]:
    """"5.3:1의 경쟁률", "경쟁률은 평균 4대 1" → 경쟁률 of a field."""
    out = []
    for pat in (RATIO, RATIO_AFTER):
        for m in pat.finditer(s.line, s.start, s.end):
            a = float(m.group("a"))
            out.append(Value(Attr.COMPETITION, f"{format_number(a)}:1", m.span(), m.start(), value=a, unit=":1",
                             scope="field"))
    return out


def count(s: Sentence) -> list[Value]:
    """"16개 지자체가 신청", "3개 유형": counts of applicants, selections, types … of a field."""
    out = []
    line = s.line
    for m in COUNT.finditer(line, s.start, s.end):
        verb, noun = m.group("verb"), m.group("noun")
        follows = line[m.end("n"):m.end("n") + 1]
        if (not verb and not noun) or (follows and follows in "%.:"):
            continue
        attr = count_attribute(verb, noun)
        if attr is None:
            continue
        end = m.end("verb") if verb else m.end("noun")
        num = float(m.group("n"))
        out.append(Value(attr, f"{format_number(num)}{m.group('unit')}", (m.start(), end), m.start(), value=num,
                         unit=m.group("unit"), qualifiers={"noun": noun}, scope="field"))
    return out


def count_attribute(verb: str | None, noun: str | None) -> str | None:
    """What a count counts: by its verb (신청 → 신청 수), else by its noun (유형 → 유형 수)."""
    if verb in COUNT_VERBS:
        return COUNT_VERBS[verb]
    if noun in COUNTED_NOUNS:
        return f"{noun} 수"
    return None


def percent(s: Sentence) -> list[Value]:
    """"국비 70%" → 국비 비율; otherwise named by the last word before it."""
    out = []
    for m in PERCENT.finditer(s.line, s.start, s.end):
        pre = s.line[max(s.start, m.start() - 16):m.start()]
        key = next((k for k in sorted(MONEY_KEYS, key=lambda k: -pre.rfind(k)) if k in pre), None)
        words = [n for n in map(_noun_of, re.findall(r"(?<![\d가-힣])[가-힣]{2,}", pre)) if n and n not in PERCENT_STOP]
        named = words and words[-1] != Attr.RATIO  # "비율 5%" names nothing more than the bare 비율
        attr = f"{key} 비율" if key else (f"{words[-1]} 비율" if named else Attr.RATIO)
        v = float(m.group("n"))
        out.append(Value(attr, f"{format_number(v)}%", m.span(), m.start(), value=v, unit="%"))
    return out


def _noun_of(word: str) -> str | None:
    """The noun a word names, without its particle (전년보다 → 전년, 중위소득의 → 중위소득); None for a word that is no
    noun ("보다", "늘어", "비교하면", "각각") or a counter's (명으로, 원으로): they name no percentage."""
    ms = morphs(word)
    stem = [m for m in ms if not m.tag.startswith(("J", "E"))]
    if not stem or stem[0].tag == "NNB" or any(m.tag.startswith(("V", "XSV", "XSA", "MA")) for m in stem):
        return None
    return word[:max(m.end for m in stem)]


# in the order their facts are numbered
SENTENCE_RULES: tuple[Callable[[Sentence], list[Value]], ...] = (money, matching, period, ratio, count, percent)
