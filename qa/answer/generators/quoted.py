"""Quoted values: the value of the class a question asks for (얼마, 몇 명, 언제, 몇 %), found in a sentence or a
table cell of the question's passages and quoted as written (:class:`~qa.answer.typed.TypedFinder`)."""

from __future__ import annotations

from ...korean import tokenize
from ...lexicon import FAMILY_MEMBERS, KIND_WORDS, Attr
from ...text import compact
from ..ask import TypedAsk
from ..candidate import Candidate
from ..context import Context
from ..quote import as_fact, render
from ..typed import Candidate as Value

TOP = 3  # distinct values proposed per question


def finder_kwargs(ctx: Context, ask: TypedAsk) -> dict:
    """What :meth:`TypedFinder.find` needs beyond the words: dates, bounds, the announcement's title words."""
    corpus, q = ctx.corpus, ctx.q
    named = corpus.title_lead(q)
    words = q.text.split()
    # a title word the question writes again after naming the announcement is asked about ("서울 청년월세
    # 신청하려면 월세가 얼마 이하여야 해?": 월세)
    again = ({t for w in words[named:] for t in tokenize(w)} & {t for w in words[:named] for t in tokenize(w)}
             if named else set())  # (each word is a Kiwi call: none when no title is named)
    return dict(q_dates=ask.dates, stated_values=ask.stated, bound=ask.bound, change=ask.change, light=ask.light,
                glossed=ask.glossed, edge=ask.edge, doc_year=lambda d: corpus.docs[d].year,
                title_terms=lambda d: corpus.title_terms.get(d, set()) - again, dated=ctx.year_only)


def value_hits(ctx: Context, ask: TypedAsk):
    """The passages a value is looked for in: an English question's, in the one announcement its meaning leads
    to; a question whose words another announcement holds, in that one too."""
    q = ctx.q
    if q.english:
        dense = ctx.handle.search(k=1, method="dense", doc_ids=q.doc_ids or None)
        if not dense:
            return []
        return ctx.handle.search(f"{ctx.text} {q.pseudo}", k=ctx.corpus.config.typed_hits,
                                 doc_ids={dense[0].chunk.doc_id})
    extra = ctx.corpus.widened(q, tuple(t for t in ask.terms if t not in KIND_WORDS))
    if extra:
        return ctx.handle.search(ctx.text, k=ctx.corpus.config.typed_hits, doc_ids=(ctx.scope or set(q.doc_ids)) | extra)
    return ctx.value_hits


def values(ctx: Context) -> list[Value]:
    """The values of the asked class, best first (computed once per question)."""
    if "values" not in ctx.memo:
        ask = ctx.ask
        if ask is None or (ctx.q.english and ctx.own_ask is None):
            ctx.memo["values"] = []
        else:
            ctx.memo["values"] = ctx.corpus.finder.find(ask.terms, ask.kinds, ask.counter, value_hits(ctx, ask),
                                                        **finder_kwargs(ctx, ask))
    return ctx.memo["values"]


def generate(ctx: Context) -> list[Candidate]:
    found = values(ctx)
    out: list[Candidate] = []
    seen: set[str] = set()
    for i, v in enumerate(found):
        key = compact(v.quantity.text)
        if key in seen:
            continue
        seen.add(key)
        nxt = next((w.score for w in found[i + 1:] if compact(w.quantity.text) != key), v.score - 1.0)
        fact = as_fact(v, ctx.corpus.docs[v.chunk.doc_id])
        out.append(Candidate(
            generator="quoted", rule=f"typed:{v.quantity.kind}", text=render(v), kind="fact", facts=[fact],
            value_kind=v.quantity.kind,
            evidence={"coverage": v.coverage, "score": v.score, "margin": v.score - nxt, "rank": len(out),
                      "misses_target": float(misses_target(ctx, [v])), "other_source": float(other_source(ctx, [v])),
                      "names_sibling": float(ctx.asks_value and names_sibling(ctx, v)),
                      "in_parentheses": float(in_parentheses(v))}))
        if len(out) >= TOP:
            break
    return out


def in_parentheses(v: Value) -> bool:
    """Whether the value stands inside parentheses on its line ("전년(2.2%)보다 낮은 1.8%", "방한객(1,103만명)"):
    a figure given for reference beside the one the sentence states."""
    if v.value_span is None:
        return False
    before = v.chunk.text[:v.value_span[0]]
    line = before[before.rfind("\n") + 1:]
    if line.lstrip().startswith("|") and line[line.rfind("|") + 1:].strip() in ("(", "（"):
        return False  # a table cell printed in parentheses ("| 전 체 | (△13.4) |": a rate row), not a reference
    return line.count("(") > line.count(")")


def names_sibling(ctx: Context, best: Value) -> bool:
    """Whether the question asks about a variant of what the value's announcement speaks of: a compound word of
    the question (풀코스, 초기창업패키지) that the value's passage does not hold, of a specific head that the
    announcement writes with another modifier (하프코스, 예비창업패키지) — when no announcement writes the
    question's word at all, or when the other is the announcement's own subject (a title word)."""
    corpus, ask = ctx.corpus, ctx.ask
    doc_id = best.chunk.doc_id
    titles = corpus.title_terms.get(doc_id, set())
    passage = compact(best.chunk.search_text)
    asked = set(ask.terms)
    for word in ask.terms:
        if len(word) < 3 or word in titles or not word[0].isalpha() or word in passage:
            continue
        siblings = corpus.siblings(word)
        if not siblings or asked & set(siblings) or len(siblings) > 2:
            continue  # 맞벌이가구와 단독가구: both asked; 조성사업: a generic head (선도사업, 지원사업 …)
        if not any(doc_id in corpus.docs_with_term(w) for w in siblings):
            continue
        if word not in corpus.vocab or any(w in titles for w in siblings):
            return True
    return False


def other_source(ctx: Context, found: list[Value]) -> bool:
    """Whether a quoted amount is named by another source of money than the one asked: "도비는 얼마?" is not
    answered by "국비 지원 기준액 3,000백만원" (국비 and 지방비 are each their own figure)."""
    q = ctx.q
    sources = [f for f in (Attr.NATIONAL, Attr.LOCAL) if f in q.families]
    if len(sources) != 1:
        return False
    others = [w for f in (Attr.NATIONAL, Attr.LOCAL) if f != sources[0] for w in FAMILY_MEMBERS[f]]
    own = FAMILY_MEMBERS[sources[0]]
    return any(any(w in v.label for w in others) and not any(w in v.label for w in own) for v in found)


def misses_target(ctx: Context, found: list[Value]) -> bool:
    """Whether a value's passage names none of the question's targets ("강소형 경쟁률" answered by the sentence
    about 거점형's 5:1): it is about something else."""
    q, corpus = ctx.q, ctx.corpus
    if q.english:
        return False
    v = corpus.linker.vocabulary
    about = " ".join(compact(corpus.docs[c.chunk.doc_id].title) for c in found)
    said = " ".join(compact(c.chunk.search_text) for c in found)

    def names_of(target: str, kind: dict[str, set[str]]) -> set[str]:
        return {compact(a) for a in kind.get(target, set()) | {target} if len(a) >= 2 and not a.isascii()}

    places = [e for e in q.entities if corpus.place(e)]  # not every fact subject is a name (모집 인원)
    for targets, kind in ((places, v.entities), (q.categories, v.categories)):
        for target in targets:
            names = names_of(target, kind)
            if not names or any(n in said for n in names):
                continue
            if any(n in about for n in names):
                # the announcement is about it and every passage is, unless the passage names another category
                if kind is v.entities:
                    continue
                others = {n for other in ctx.categories_of({c.chunk.doc_id for c in found})
                          if other not in targets for n in names_of(other, kind)}
                if not any(n in said for n in others):
                    continue
            return True
    return False
