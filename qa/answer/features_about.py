"""Features of what an answer is about: its announcement, the period and year it speaks of, and the places,
bodies and categories it names, against those the question asks about. Registered in
:data:`qa.answer.features.FEATURES` with the others.
"""

from __future__ import annotations

import re

from ..korean import tokenize
from ..lexicon import ORDINAL_COUNTERS, ORDINAL_WORDS
from ..quantity import parse
from ..text import compact
from .candidate import Candidate
from .context import Context
from .dates import date_agreement
from .support import evidence_feature, once, support_text, support_tokens


# ------------------------------------------------------------------------------------------------ the announcement
def doc_named(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when the question names its announcement (title, year) and the answer is from it, -1 from another."""
    named = ctx.q.doc_ids
    if not named or not c.doc_ids:
        return 0.0
    return 1.0 if c.doc_ids <= named else -1.0


def publisher_named(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when the question names the publisher of the answer's announcement (중기부, 기상청), -1 when it names
    publishers and this one is not among them: "중기부가 이 공고 언제 냈어?" is about 중소벤처기업부's."""
    named = ctx.publishers_named
    if not named or not c.doc_ids:
        return 0.0
    return 1.0 if any(ctx.corpus.publishers.get(d) in named for d in c.doc_ids) else -1.0


def doc_retrieved(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the answer's announcement is among those of the question's first three passages."""
    return float(bool(c.doc_ids & ctx.retrieved_docs))


def doc_first(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the answer is from the announcement of the question's first passage."""
    return float(bool(ctx.hits) and ctx.hits[0].chunk.doc_id in c.doc_ids)


def several_docs(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the answer spans several announcements (one labelled part each)."""
    return float(len(c.doc_ids) > 1)


def place_missing(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the question names a place the answer's announcements never mention ("서울의 실업률" answered
    from a national release, "경남은 몇 곳" from a release about 전남)."""
    if c.kind == "none" or ctx.q.english or not c.doc_ids:
        return 0.0
    for forms in ctx.places_named:
        if forms and not any(ctx.corpus.mentions(d, f) for d in c.doc_ids for f in forms):
            return 1.0
    return 0.0


def period_conflict(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when a question about a month ("2024년 1월 취업자 수는?") gets an answer from passages that speak only of
    other months."""
    ask = ctx.own_ask
    if c.kind == "none" or ctx.q.english or ask is None:
        return 0.0
    months = [d for d in ask.dates if re.fullmatch(r"\d{4}-\d{2}", d)]
    if not months:
        return 0.0
    stated = ctx.corpus.periods(c.chunk_ids)
    return float(bool(stated) and date_agreement(months, stated) < 0)


def year_agreement(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when a question naming a year gets an answer of an announcement of that year or stating it, -1 when
    neither; 0 when no year is named."""
    years = ctx.q.years
    if not years or c.kind == "none" or not c.doc_ids:
        return 0.0
    if any(ctx.corpus.docs[d].years & set(years) for d in c.doc_ids):
        return 1.0
    said = {x.date[:4] for x in parse(support_text(c, ctx)) if x.kind == "date" and x.date and x.date[:4].isdigit()}
    return 1.0 if said & {str(y) for y in years} else -1.0


_ORDINAL = re.compile(r"(\d+)(?:\s*[~∼-]\s*(\d+))?\s*(?:/\s*4\s*)?(" + "|".join(ORDINAL_COUNTERS)
                      + r")(?:(?![가-힣])|(?=[은는이가을를의에도만로와과랑]))")
_ORDINAL_WORD = re.compile("|".join(ORDINAL_WORDS))


def ordinals(text: str) -> dict[str, set[int]]:
    """The members of series a text names, by counter: "2차 특별할인" → {차: {2}}, "4~6구간" → {구간: {4, 5, 6}},
    "2/4분기" and "2분기" → {분기: {2}}, "하반기" → {반기: {2}}. A counter glued to a longer word (2차전지) is
    no member of a series."""
    found: dict[str, set[int]] = {}
    for m in _ORDINAL.finditer(text):
        first, last, counter = m.groups()
        lo, hi = int(first), int(last or first)
        if hi - lo <= 12:
            found.setdefault(counter, set()).update(range(lo, hi + 1) if lo <= hi else (lo, hi))
    for m in _ORDINAL_WORD.finditer(text):
        counter, n = ORDINAL_WORDS[m.group(0)]
        found.setdefault(counter, set()).add(n)
    return found


def ordinal_agreement(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when the question names one of a series (2차 특별할인, 7구간, 2/4분기, 하반기) and the answer's support
    names it too, -1 when the support names only other members of that series (the 1차 할인's figure for the
    2차, 9구간's amount for 7구간); 0 when the question names none or the support no member of its series."""
    if c.kind == "none" or ctx.q.english:
        return 0.0
    asked = ordinals(ctx.q.text)
    if not asked:
        return 0.0
    said = once(ctx, "ordinals", c, lambda: ordinals(support_text(c, ctx) + "\n" + c.text))
    verdicts = [bool(wanted & said[counter]) for counter, wanted in asked.items() if said.get(counter)]
    if not verdicts:
        return 0.0
    return 1.0 if all(verdicts) else -1.0


# ------------------------------------------------------------------------------------------------ who it is about
def names_target(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when the question names an entity or category and the answer's support names it, -1 when it does not."""
    q = ctx.q
    targets = q.entities + q.categories
    if not targets or c.kind == "none" or q.english:
        return 0.0
    flat = compact(support_text(c, ctx) + " " + c.text)
    v = ctx.corpus.linker.vocabulary
    for t in targets:
        names = v.entities.get(t, set()) | v.categories.get(t, set()) | {t}
        if any(len(n) >= 2 and compact(n) in flat for n in names):
            return 1.0
    return -1.0


def dense_similarity(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How close the answer's passage is to the question in meaning (e5 vectors: the question's one embedding and
    the stored passage vectors), measured in the spread of the question's passages: 0 for the closest, -1 for the
    farthest of them, below for passages farther still (clipped at -2). A paraphrase shares few words but keeps
    the meaning; a value from a passage about something else does not. 0 for "not found", when the question was
    not embedded, and when its passages are all as close."""
    if c.kind == "none":
        return 0.0
    own, top, bottom = ctx.similarity(c.chunk_ids), ctx.closest, ctx.farthest
    if own is None or top is None or bottom is None or top - bottom <= 1e-6:
        return 0.0
    return max(-2.0, min(0.0, (own - top) / (top - bottom)))


def none_closest(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """For "not found": how close the question's closest passage is in meaning (an announcement that speaks of
    nothing like it argues for "not found"; one that speaks of just that, against)."""
    return (ctx.closest or 0.0) if c.kind == "none" else 0.0


def place_elsewhere(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the question names a place (울산) and the answer's own sentence or facts name another (부산) but not
    it: a figure of a release covering several places, given for the wrong one. ``place_missing`` asks whether
    the announcement names the place at all; this asks whether the answer is about it."""
    if c.kind == "none" or ctx.q.english:
        return 0.0
    asked = ctx.places_named
    if not asked:
        return 0.0
    return once(ctx, "place_elsewhere", c, lambda: _place_elsewhere(c, ctx, asked))


def _place_elsewhere(c: Candidate, ctx: Context, asked: list[set[str]]) -> float:
    support = support_tokens(c, ctx)  # (the answer's own text is read only when its support does not name it)
    held = support if any(support & forms for forms in asked) else support | set(tokenize(c.text))
    if any(held & forms for forms in asked):
        return 0.0
    return float(any(t in ctx.corpus.place_forms for t in held))


def name_for_which(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """For a question asking which place or body (어느 지자체 계획이야?): the share of the answer's text that is
    names of places or bodies the corpus knows (1 for "대구광역시", near 0 for a sentence that mentions one). The
    answer type of factoid QA: the asked class against the class given. 0 for other questions and "not found"."""
    if c.kind == "none" or not ctx.asks_name:
        return 0.0
    return once(ctx, "name_for_which", c, lambda: name_share(compact(c.text), ctx.corpus.alias_names))


def name_share(flat: str, names) -> float:
    """Share of ``flat`` (compact text) covered by the given names, longest first, each place counted once."""
    if not flat:
        return 0.0
    covered = [False] * len(flat)
    for a in sorted((a for a in names if a in flat), key=len, reverse=True):
        start = flat.find(a)
        while start >= 0:
            covered[start:start + len(a)] = [True] * len(a)
            start = flat.find(a, start + len(a))
    return sum(covered) / len(flat)


misses_target = evidence_feature("misses_target", "A quoted value whose passage names none of the question's targets.")
other_source = evidence_feature("other_source", "A quoted amount named by another source of money (도비 asked, 국비 given).")
names_sibling = evidence_feature("names_sibling", "A quoted value of a sibling of what is asked (하프코스's fee for 풀코스).")


def unnamed_list(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """A lookup listing every fact of an attribute (three or more) when the question named none of them."""
    return float(c.rule == "lookup" and len(c.facts) >= 3 and not ctx.q.entities)
