"""What value a question asks for (:class:`TypedAsk`): the classes that can answer, the counter, its content words,
the dates it names, the bound it wants and whether it asks a change — read once from its wording; and whether an
answer's text states a value of that class."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..lexicon import COMPARED_WRITTEN, COMPARISON_FOLLOWS, KIND_WORDS
from ..quantity import DATE, Quantity, parse
from ..text import HANGUL, PLAIN_NUMBER
from .compute import DIFF_WORDS, SUM_WORDS, operands
from .typed import _TOTAL_WORDS, _compact

_UPPER_WORDS = re.compile(r"최대|최고|상한|한도|까지|마감|마지막|종료")
_LOWER_WORDS = re.compile(r"최소|최저|하한|이상|부터|시작|개시")
_WRITTEN = [(words, re.compile(rf"(?:{rx})(?={COMPARISON_FOLLOWS})")) for words, rx in COMPARED_WRITTEN.items()]
_CHANGE_ASKED = re.compile(r"늘었|늘어|줄었|줄어|증가|감소|증감|변화|올랐|내렸|상승|하락|폭")


@dataclass(frozen=True)
class TypedAsk:
    """What a question asks in terms of values: the classes that can answer, the counter, its content words,
    the dates it names (conditions), the values it states, the bound it wants and its arithmetic."""

    kinds: tuple[str, ...]
    counter: str | None
    terms: tuple[str, ...]
    dates: tuple[str, ...]
    stated: tuple[str, ...]
    bound: str | None
    op: str | None  # sum | diff
    operands: tuple[str, str, str] | None
    change: bool | None = None  # asks how much something changed (늘었어, 증가 폭), not its level
    light: tuple[str, ...] = ()  # its predicates (뽑, 열리), weighed lightly
    glossed: bool = False  # its terms are a glossary's Korean for English words: they rank, never rule out
    edge: str | None = None  # one end of a period asked ("마지막 날": upper), not the period


def read_ask(text: str, tokenize: Callable[[str], list[str]], question_words: set[str],
             predicates: Callable[[str], set[str]] = lambda text: set()) -> TypedAsk | None:
    """The value a question asks for, or None when it asks for none (무슨 사업, 어디, 누구 …).

    The words that only name the class asked (나이, 금액, 기한: the class says it) weigh as little as its predicates:
    a sentence holding them is a little closer, one without them is not further (기한 후 신청 is also a name)."""
    from ..asked import asked_edge, english_dates, english_question_kinds, question_kinds
    from ..lexicon import ENGLISH_GLOSSARY
    from ..text import gloss_english

    if not HANGUL.search(text):  # English: the class from its question word, its words through the glossary
        kinds = english_question_kinds(text)
        if not kinds:
            return None
        glossed = " ".join(gloss_english(text, ENGLISH_GLOSSARY))  # the Korean words for its English ones
        upper = re.search(r"\bmaximum\b|\bup to\b|\bat most\b|\buntil\b|\bclos(?:e|es|ing)\b|\bdeadline\b|\bdue\b|"
                          r"\blast day\b|\bend(?:s)?\b", text, re.I)
        lower = re.search(r"\bminimum\b|\bat least\b|\bfrom when\b|\bstart(?:s|ing)?\b", text, re.I)
        return TypedAsk(kinds=kinds, counter=None, terms=tuple(content_terms(glossed, tokenize, question_words)),
                        dates=english_dates(text), stated=(), op=None, operands=None, glossed=True,
                        bound="upper" if upper else "lower" if lower else None)
    kinds, counter = question_kinds(text)
    edge, rest = asked_edge(text)  # "마지막 날은 무슨 요일?": the words asking an end say nothing of what
    if not kinds and edge:
        kinds = (DATE,)  # "축제 마지막 날은?"
    if not kinds:
        return None
    qs = parse(text)
    op = "sum" if SUM_WORDS.search(text) else "diff" if DIFF_WORDS.search(text) else None
    said = said_comparisons(rest, tokenize)
    return TypedAsk(
        kinds=kinds, counter=counter,
        terms=tuple(dict.fromkeys([t for t in content_terms(rest, tokenize, question_words) if t not in said]
                                  + written_comparisons(rest))),
        light=tuple(predicates(rest) | (KIND_WORDS & set(tokenize(rest)))),
        dates=tuple(q.date for q in qs if q.kind == DATE and q.date and "/" not in q.date),
        stated=tuple(q.text for q in qs), op=op, operands=operands(text) if op else None,
        bound=edge or ("upper" if _UPPER_WORDS.search(text) else "lower" if _LOWER_WORDS.search(text)
                       else "total" if _TOTAL_WORDS.search(text) and not op else None),
        change=None if op else bool(_CHANGE_ASKED.search(text)), edge=edge)


def followup_ask(text: str, previous: TypedAsk | None, tokenize: Callable[[str], list[str]],
                 question_words: set[str], weight: Callable[[str], float]) -> TypedAsk | None:
    """ "그럼 농림어업은?" after "12월 건설업 취업자 증가 폭은?": the previous value question about what this one
    names — its words replace the previous question's most specific ones (건설업), the rest stays."""
    if previous is None or previous.op:
        return None
    own = content_terms(text, tokenize, question_words)
    if not own:
        return None
    kept = [t for t in previous.terms if t not in own]
    dropped = set(sorted(kept, key=weight, reverse=True)[: len(own)])
    kept = [t for t in kept if t not in dropped]
    # what it names picks the value; the previous question's words only keep the context, lightly
    return replace(previous, terms=tuple(own + kept), light=tuple(dict.fromkeys([*previous.light, *kept])), stated=())


def written_comparisons(text: str) -> list[str]:
    """The words a release writes for the comparisons a question says in everyday words ("1년 전보다" → 전년)."""
    return list(dict.fromkeys(word for words, rx in _WRITTEN if rx.search(text) for word in words.split()))


def said_comparisons(text: str, tokenize: Callable[[str], list[str]]) -> set[str]:
    """The everyday words of the comparisons :func:`written_comparisons` writes as a release does ("작년 같은
    분기" → 전년 동기): the written words stand for them, so a passage is not asked to hold 작년 as well."""
    return {t for _, rx in _WRITTEN for m in rx.finditer(text) for t in tokenize(m.group())}


def content_terms(text: str, tokenize: Callable[[str], list[str]], question_words: set[str]) -> list[str]:
    """The morphemes that say what is asked about (no question words, bare numbers or single syllables)."""
    return [t for t in dict.fromkeys(tokenize(text))
            if t not in question_words and not PLAIN_NUMBER.fullmatch(t) and len(t) > 1]


def values_stated(text: str, stated: Sequence[str] = ()) -> list[Quantity]:
    """The values an answer text states, other than those the question states itself ("2024년" in a caption does
    not answer "2024년 신청은 언제까지야?")."""
    known = {_compact(x) for x in stated}
    return [q for q in parse(text) if _compact(q.text) not in known]


def states_kind(text: str, kinds: Sequence[str], stated: Sequence[str] = ()) -> bool:
    """Whether an answer text states a value of one of the asked classes (:func:`values_stated`)."""
    return any(q.kind in kinds for q in values_stated(text, stated))


def draft_coverage(text: str, terms: Sequence[str], tokenize: Callable[[str], list[str]], weight: Callable[[str], float]) -> float:
    toks = set(tokenize(text))
    total = sum(weight(t) for t in terms) or 1.0
    return sum(weight(t) for t in terms if t in toks) / total
