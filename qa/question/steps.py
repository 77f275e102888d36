"""Question linking as ordered steps. Each step is ``step(q, v) -> None``: it reads what earlier steps set on
the :class:`Question` and the read-only :class:`Vocabulary`, and fills in more of the question."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache

from ..korean import admin_stem, morphs, tokenize, written_as_meant
from ..lexicon import (
    ANAPHORA,
    APPLICANT_TOTAL_WORDS,
    APPLY_WORDS,
    ATTRIBUTE_FAMILIES,
    DIFF_WORDS,
    EN_COMMON,
    ENGLISH_GLOSSARY,
    EXCLUSION_WORDS,
    INTENTS,
    MAX_WORDS,
    MIN_WORDS,
    QUESTION_WORDS,
    REGIONS,
    ROLE_WORDS,
    ROLES,
    SELECTED_NOUN,
    SELECTION_WORD,
    TOTAL_WORDS,
    Attr,
)
from ..text import HANGUL, HANGUL_WORD, PLAIN_NUMBER, WORD, YEAR, compact, gloss_english, one_typo
from .model import Question
from .vocabulary import SHORTEST_INSIDE, Vocabulary, family_of

Step = Callable[[Question, Vocabulary], None]


@lru_cache(maxsize=16384)
def tokens_of(text: str) -> tuple[str, ...]:
    """Kiwi tokens of a question or a corpus name, cached: a pure function of the text, and the names a
    question is explained by (entities, attributes, values) come back question after question."""
    return tuple(tokenize(text))


_LONGER_WORD = re.compile(r"[가-힣]{4,}")
_AMOUNT_NAMED = re.compile(r"(\d[\d,.]*)\s*(조|억|천만|백만|만)?\s*원?")
_INTENT_WORDS = re.compile("|".join(t for _, ts in INTENTS for t in ts if HANGUL.search(t)))


# ------------------------------------------------------------------------------------------------ scope
def read_years(q: Question, v: Vocabulary) -> None:
    """"2024년", "'24년" restrict the question to the announcements of those years."""
    for m in YEAR.finditer(q.text):
        q.years.append(int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)))
    if q.years:
        q.doc_ids = {d.doc_id for d in v.documents if d.years & set(q.years)}


def read_titles(q: Question, v: Vocabulary) -> None:
    """Documents the question names by title ("AI 행정혁신 선도사업에서 …").

    Only title words that are distinctive count: ones found in the text of at most half the documents
    (지원, 사업, 선정 are in every announcement and name none of them).
    """
    titled = _title_docs(q.tokens, v)
    if titled:
        # "글로벌 혁신 특구 … 2024년 예산" in a 2023 release: the title names the announcement and the year its
        # figures ("otherwise constrains the facts")
        q.dated = q.doc_ids is not None and not q.doc_ids & titled
        q.doc_ids = titled if q.doc_ids is None else (q.doc_ids & titled) or titled
    q.named_titles = set().union(*(v.compact_titles[d] for d in titled or ()))


def _title_docs(tokens: list[str], v: Vocabulary) -> set[str] | None:
    n = len(v.title_tokens)
    if n < 2:
        return None
    qt = {t for t in tokens if not t.isdigit() and len(t) >= 2 and not re.fullmatch(r"\d+년", t)}
    weights = {}
    for t in qt:  # only the documents whose title shares a word with the question are scored
        if t in v.title_index:
            df = v.term_df(t)
            if 0 < df <= n / 2:
                weights[t] = math.log(n / df)
    scores: dict[str, float] = {}
    for t in weights:
        for d in v.title_index[t]:
            scores[d] = 0.0
    for d in scores:
        scores[d] = sum(weights[t] for t in qt & v.title_tokens[d] if t in weights)
    scores = {d: s for d, s in scores.items() if s}
    if not scores:
        return None
    best = max(scores.values())
    return {d for d, s in scores.items() if s >= best / 2}


# ------------------------------------------------------------------------------------------------ targets
def link_targets(q: Question, v: Vocabulary) -> None:
    """Entities and categories by alias, longest first and non-overlapping."""
    c, text = q.compact, q.text
    taken: list[tuple[int, int]] = []
    low = c if not q.english else " ".join(w.lower() for w in WORD.findall(text))
    for alias, name, kind in v.alias_index:
        hay = c if HANGUL.search(alias) else low
        if alias not in hay:
            continue
        for m in re.finditer(re.escape(alias), hay):
            if q.english and not HANGUL.search(alias):
                if not re.match(r"\b", hay[m.start():]) or (m.start() and hay[m.start() - 1].isalpha()):
                    continue
            span = (m.start(), m.end()) if hay is c else (-1 - m.start(), -1 - m.end())
            if any(a <= span[0] < b or a < span[1] <= b for a, b in taken):
                continue
            taken.append(span)
            bucket = q.entities if kind == "entity" else q.categories
            if name not in bucket:
                bucket.append(name)


def link_target_typos(q: Question, v: Vocabulary) -> None:
    """No name found: a word one jamo off a name (전즈시 → 전주시) names it."""
    if q.entities or q.categories or q.english:
        return
    for word in HANGUL_WORD.findall(q.text):
        for alias, name, kind in (v.alias_index[i] for i in v.alias_typos(word)):
            if len(alias) >= 3 and HANGUL.search(alias) and one_typo(word[: len(alias)], alias):
                (q.entities if kind == "entity" else q.categories).append(name)
                q.triggers.append(word)
                break
        if q.entities or q.categories:
            break


def link_values(q: Question, v: Vocabulary) -> None:
    """Fact values named in the question (a 세부유형 label, an amount)."""
    for value in v.values_named(q.compact, q.tokens):
        named = value in q.compact if len(value) >= SHORTEST_INSIDE else value in q.tokens
        if value in q.named_titles:
            continue  # "AI 행정혁신 선도사업" names the announcement, not the 분야 "행정"
        if named and not any(value in compact(e) for e in q.entities + q.categories):
            q.values.append(value)
    for m in _AMOUNT_NAMED.finditer(q.text):
        if m.group(2):
            q.values.append(compact(m.group(0)).rstrip("원"))


def mask_targets(q: Question, v: Vocabulary) -> None:
    """What is asked is read from the question without the names in it."""
    q.target_text = q.compact
    for alias in [a for a, _, _ in v.alias_index if a in q.compact]:
        q.target_text = q.target_text.replace(alias, " ")


# ------------------------------------------------------------------------------------------------ what is asked
def link_families(q: Question, v: Vocabulary) -> None:
    """Attribute families by trigger word, longest first, masking what matched ("세부유형" is not also "유형")."""
    masked = q.target_text
    for t, fam, word_only in v.family_triggers:
        if word_only and t not in q.tokens:
            continue  # 구비 / 시비 / 돈 only as words of their own, not inside 인구비율
        if t in masked:
            masked = masked.replace(t, " ")
            q.triggers.append(t)
            if fam not in q.families:
                q.families.append(fam)


def link_family_typos(q: Question, v: Vocabulary) -> None:
    """No family word: one syllable off a trigger, sharing its lead or vowel (갱쟁률 → 경쟁률)."""
    if q.families:
        return
    for word in HANGUL_WORD.findall(q.text):
        for i in v.trigger_typos(word):  # by key, in the order of the families
            fam, t = v.typo_triggers[i]
            # Kiwi is asked only of a word one jamo off a trigger: question and function words (어디어디 is no
            # 어디서) and words written as meant (사업이야 is no 사업비) are no typos
            if fam not in q.families and one_typo(word[: len(t)], t) and tokenize(word) \
                    and not written_as_meant(word, len(t)):
                q.families.append(fam)
                q.typos.append(word)


def link_attributes(q: Question, v: Vocabulary) -> None:
    """Exact attribute names of the corpus (table headers, roles) named in the question."""
    for attr in v.attribute_list:
        a = v.compact_attributes[attr]
        if len(a) >= 2 and a in q.target_text and family_of(attr) is None:
            q.attributes.append(attr)
            # a family word inside the attribute's own name ("유형" in "유형 수") is not asked separately
            q.families = [f for f in q.families
                          if not any(t in a for t in ATTRIBUTE_FAMILIES[f] if t in q.triggers)]


def link_roles(q: Question, v: Vocabulary) -> None:
    """Roles named in English or Korean (장관, director) → the corpus attributes that hold them."""
    for word, role in ROLE_WORDS.items():
        if word in q.text.lower():
            q.attributes.extend(a for a in v.attribute_list if role in a)
    for role in ROLES:
        if role in q.compact:
            q.attributes.extend(a for a in v.attribute_list if role in a and a not in q.attributes)


def link_attribute_typos(q: Question, v: Vocabulary) -> None:
    """A role with a typo: 도시경재과장 → 도시경제과장."""
    if q.attributes or q.english:
        return
    for word in _LONGER_WORD.findall(q.text):
        fixed = [a for a in (v.attribute_list[i] for i in v.attribute_typos(word))
                 if len(a) >= 4 and one_typo(word[: len(a)], a)]
        q.attributes.extend(fixed)
        if fixed:
            q.triggers.append(word)
            q.typos.append(word)


def typo_triggers(q: Question, v: Vocabulary) -> None:
    """Words read as typos explain themselves (they are no residual)."""
    q.triggers.extend(q.typos)


def settle_families(q: Question, v: Vocabulary) -> None:
    """When two families are asked, money beats generic words (a bare "지원금" inside a 국비 question)."""
    fams, c = q.families, q.compact
    if Attr.NATIONAL in fams and Attr.SUPPORT in fams:
        fams.remove(Attr.SUPPORT)
    if Attr.TOTAL_COST in fams and Attr.NATIONAL in fams and not re.search(Attr.NATIONAL, c):
        fams.remove(Attr.NATIONAL)
    if Attr.TOTAL_COST in fams and Attr.LOCAL in fams:
        fams.remove(Attr.LOCAL)
    if Attr.LOCAL in fams and Attr.NATIONAL in fams and not re.search(r"국비|국고|정부|나라", c):
        fams.remove(Attr.NATIONAL)  # "도비는 얼마 지원돼?": the 도비 named, not 국비 read from "얼마 지원"
    if Attr.APPLIED in fams and any(t in c for t in ("지원한", "접수")) and Attr.NATIONAL in fams:
        fams.remove(Attr.APPLIED)


# ------------------------------------------------------------------------------------------------ intent
def read_intent(q: Question, v: Vocabulary) -> None:
    """The first intent (in priority order) whose trigger the question holds."""
    for name, triggers in INTENTS:
        hit = next((t for t in triggers if t in q.target_text), None)
        if hit:
            q.intent = name
            q.triggers.append(hit)
            break


def settle_intent(q: Question, v: Vocabulary) -> None:
    """Intent and families adjusted to each other ("몇 곳이 신청" counts applicants, a list with a target and
    a family is a lookup …)."""
    c, text = q.compact, q.text
    if q.intent in ("count", "sum") and re.search(APPLY_WORDS, c) and Attr.APPLIED not in q.families:
        q.families.append(Attr.APPLIED)  # "세 유형 합쳐서 몇 곳이 신청했어?" sums applicants
    if q.intent in ("count", "sum") and len(q.families) > 1 and Attr.TYPE in q.families:
        q.families.remove(Attr.TYPE)  # "세 유형에 신청한 지자체 수": 유형 names the scope, not the answer
    if q.intent == "count" and Attr.APPLIED in q.families and not re.search(APPLICANT_TOTAL_WORDS, text):
        q.intent = "lookup"
    if q.intent in ("list", "describe") and (q.families or q.attributes) and q.has_target:
        q.intent = "lookup"
    if q.intent in ("lookup", "describe") and not q.entities and not (q.families or q.attributes) and \
            re.search(SELECTED_NOUN, c):
        q.intent = "list"  # "강소형 선정도시"
    if q.intent in ("max", "min") and "치열" in c and Attr.COMPETITION not in q.families:
        q.families.append(Attr.COMPETITION)  # "가장 치열한" competition
    if q.intent == "describe" and (q.families or q.attributes):
        q.intent = "lookup"


_WORDING = {name: re.compile(rx) for name, rx in (("excludes", EXCLUSION_WORDS), ("total", TOTAL_WORDS),
                                                    ("difference", DIFF_WORDS), ("max", MAX_WORDS), ("min", MIN_WORDS))}
_TOPIC = re.compile(r"(.{2,30}?)(?:이란|란|은|는|이|가)\W*(?:무엇|뭐|뭔|어떤|어떻|$)")
_OWNER = re.compile(r"(.{2,30}?)의")
_TOPIC_TAIL = re.compile(r"의(목적|목표|내용|의미|정의|특징|취지|뜻|약자|개념)$")


def read_wording(q: Question, v: Vocabulary) -> None:
    """Flags compose rules need, read from the wording once here (no rule reads the text again)."""
    q.excludes = bool(_WORDING["excludes"].search(q.text))
    q.wants_total = bool(_WORDING["total"].search(q.text))
    q.asks_difference = bool(_WORDING["difference"].search(q.text))
    q.max_word = bool(_WORDING["max"].search(q.compact))
    q.min_word = bool(_WORDING["min"].search(q.compact))
    q.asks_selection = SELECTION_WORD in q.compact
    q.asks_responsible = "책임자" in q.compact
    m = _TOPIC.match(q.compact) or _OWNER.match(q.compact)
    q.topic = _TOPIC_TAIL.sub("", m.group(1)) if m else None


# ------------------------------------------------------------------------------------------------ leftovers
def find_unknown_names(q: Question, v: Vocabulary) -> None:
    """Place names that are not in the corpus; in English only when nothing else links."""
    if q.english and q.has_ask:
        return
    known = v.known_names
    if q.english:
        q.unknown_names = [w for w in re.findall(r"\b[A-Z][a-z]{2,}\b", q.text)
                           if not (w.lower() in QUESTION_WORDS or w.lower() in EN_COMMON
                                   or any(w.lower() in k or k in w.lower() for k in known))]
        return
    for m in morphs(q.text):  # cached in qa.korean (a conversation's earlier turns are linked again)
        if m.tag != "NNP" and not (m.tag == "NNG" and admin_stem(m.form)) or len(m.form) < 2:
            continue
        form = compact(m.form)
        if any(form in k or k in form for k in known) or any(m.form in t for t in q.typos):
            continue
        stem = admin_stem(m.form)
        if m.form in v.vocab or (stem or m.form) in v.vocab:
            continue
        if any(t in form for ts in ATTRIBUTE_FAMILIES.values() for t in ts if len(t) >= 2):
            continue
        if stem or m.form in REGIONS or not _near_vocab(m.form, v):
            q.unknown_names.append(m.form)


def _near_vocab(word: str, v: Vocabulary) -> bool:
    """A corpus word (or part of one) one syllable away: a typo rather than an unknown name."""
    if len(word) < 3:
        return False
    return any(one_typo(word, w) for w in v.one_off(word))


def find_residual(q: Question, v: Vocabulary) -> None:
    """Content tokens none of the above explains (what a passage must cover: 용적률, 보도시점 …)."""
    explained = set(tokens_of(" ".join(q.triggers))) | {t for val in q.values for t in tokens_of(val)}
    for name in q.entities + q.categories:
        explained |= set(tokens_of(name))
    for fam in q.families:
        explained.update(ATTRIBUTE_FAMILIES[fam])
    for a in q.attributes:
        explained |= set(tokens_of(a))
    q.residual = [t for t in q.tokens
                  if not (t in explained or t in QUESTION_WORDS or t.isdigit()
                          or any(t in e or e in t for e in explained if e)
                          or PLAIN_NUMBER.fullmatch(t) or _INTENT_WORDS.search(t))]


def render_pseudo(q: Question, v: Vocabulary) -> None:
    """What was linked, in Korean (retrieval for English questions and follow-ups)."""
    glossed = [w for w in gloss_english(q.text, ENGLISH_GLOSSARY) if w not in q.families] if q.english else []
    q.pseudo = " ".join(q.entities + q.categories + q.families + q.attributes + glossed)


def is_anaphoric(q: Question) -> bool:
    """The question points back to the previous turn ("그곳은?", "그럼 국비는?")."""
    return any(re.search(rf"(^|\s){a}(\s|$)", q.text.lower()) or q.compact.startswith(a) for a in ANAPHORA)


# in order: each step may read what the steps before it set
LINK_STEPS: tuple[Step, ...] = (
    read_years, read_titles, link_targets, link_target_typos, link_values, mask_targets, link_families,
    link_family_typos, link_attributes, link_roles, link_attribute_typos, typo_triggers, settle_families,
    read_intent, settle_intent, read_wording, find_unknown_names, find_residual, render_pseudo,
)
