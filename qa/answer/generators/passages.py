"""Passages: the sentences (or bullets, or table rows) of the question's passages that cover it best, and an
announcement's lead for "주요 내용은?" (:func:`lead`)."""

from __future__ import annotations

from ...chunk import Chunk
from ...korean import tokenize
from ...text import compact
from ..candidate import Candidate
from ..context import Context
from ..passage import announces, extend_lead_in, named_items, owner, passage_fits, passage_text, rank_passages

TOP = 3  # passages proposed per question (one per chunk)


def ranked(ctx: Context, hits) -> list:
    """The question's best passages among ``hits`` (ranked once per question and passages: the passage, attribution
    and listing generators rank the same ones)."""
    key = ("ranked", tuple(h.chunk.chunk_id for h in hits))
    if key not in ctx.memo:
        corpus = ctx.corpus
        ctx.memo[key] = rank_passages(ctx.q, hits, corpus.index.vocab_idf(), corpus.linker.entities,
                                      corpus.index.common_terms(), exclude=ctx.title_words, weights=corpus.config.passage,
                                      known=corpus.known_in(ctx.q.doc_ids, hits), top=TOP,
                                      max_idf=corpus.finder.top_idf, units_of=corpus.passage_units,
                                      sentence_sims=ctx.sentence_similarities)
    return list(ctx.memo[key])


def generate(ctx: Context) -> list[Candidate]:
    if ctx.year_only:
        return []
    q, corpus = ctx.q, ctx.corpus
    found = ranked(ctx, ctx.hits[: max(ctx.k, 8)])
    if not found or found[0][1] < corpus.config.none_threshold:
        seen = {c.chunk_id for _, _, c, _ in found}
        found += [r for r in ranked(ctx, ctx.wider_hits) if r[2].chunk_id not in seen]
        found.sort(key=lambda r: -r[0])
    aliases = [a for e in q.entities for a in corpus.linker.entities.get(e, {e})
               if not a.isascii() and not any(a in w or w in a for w in ctx.title_words)]
    residual = ctx.specific_residual
    out = []
    for rank, (score, coverage, chunk, span) in enumerate(found[:TOP]):
        span = extend_lead_in(chunk, span)
        # the items of a long list of places (or bodies) naming the one asked about
        span = named_items(chunk.text, span, aliases, corpus.names_someone) or span
        text = with_owner(ctx, chunk, span, passage_text(chunk, span))
        unit_toks = set(tokenize(chunk.text[span[0]:span[1]]))
        said = sum(t in unit_toks for t in residual) / len(residual) if residual else 0.0
        out.append(Candidate(generator="passage", rule="passage", text=text, kind="passage", unit_chunk=chunk,
                             unit_span=span,
                             evidence={"coverage": coverage, "score": score, "rank": rank,
                                       "fits": float(passage_fits(q, chunk.text[span[0]:span[1]])),
                                       "residual_said": said}))
    return out


def with_owner(ctx: Context, chunk: Chunk, span: tuple[int, int], text: str) -> str:
    """A question asking which place or body (드론 쓰는 데 어디야?) answered by a sentence that names none: the
    sentence labelled with the one its point (□) opens with, as :mod:`.attribution` reads it, so the answer says who
    as well as what. Never the body announcing it (the publisher or a name in the title)."""
    if not ctx.asks_name:
        return text
    names, flat = ctx.corpus.alias_names, compact(text)
    if any(a in flat for a in names):
        return text
    who = owner(chunk, span, names)
    if not who or announces(ctx.corpus.docs[chunk.doc_id], who):
        return text
    return f"{who}: {text}"


def lead(ctx: Context) -> list[Candidate]:
    """"주요 내용은?" with no one named: the first point of the announcement the question names (or the best
    matching one)."""
    q = ctx.q
    if ctx.year_only or q.intent != "summary" or q.has_target:
        return []
    doc_ids = q.doc_ids or ({ctx.hits[0].chunk.doc_id} if ctx.hits else set())
    if len(doc_ids) != 1:
        return []
    chunk = ctx.corpus.lead_points.get(next(iter(doc_ids)))
    if chunk is None:
        return []
    span = (0, len(chunk.text))
    return [Candidate(generator="lead", rule="passage:lead", text=passage_text(chunk, span), kind="passage",
                      unit_chunk=chunk, unit_span=span, evidence={"coverage": 1.0})]


def names_in(text: str, names) -> list[str]:
    """The names (of places or bodies) a text writes, in order."""
    flat = compact(text)
    return [n for n in names if n in flat]
