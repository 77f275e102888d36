""""Not found": always one candidate, carrying every reason the question gives to think the announcements do
not answer it. Each reason is a feature; whether they outweigh the other candidates is the chooser's call."""

from __future__ import annotations

from ..candidate import none_candidate
from ..context import Context
from .quoted import names_sibling, values

# in the order the reason is named when several hold
REASONS = ("unknown_name", "unknown_noun", "unlinked_english", "year_not_in_corpus", "variant_not_stated")


def reasons(ctx: Context) -> dict[str, float]:
    """Each reason, 1.0 when it holds."""
    q, corpus = ctx.q, ctx.corpus
    found = values(ctx)
    return {
        # a place or body the corpus never names ("서울시 국비는?")
        "unknown_name": float(bool(q.unknown_names) and not q.entities),
        # a content noun no announcement contains
        "unknown_noun": float(corpus.unknown_nouns(q, ctx.residual)),
        # English words that link to nothing
        "unlinked_english": float(q.english and not q.has_ask and bool(q.residual)),
        # a year no announcement reports figures of
        "year_not_in_corpus": float(ctx.year_only and not ctx.year_scope),
        # 풀코스 asked where the announcement states 하프코스's fee
        "variant_not_stated": float(bool(found) and ctx.asks_value and names_sibling(ctx, found[0])),
    }


def generate(ctx: Context) -> list:
    why = reasons(ctx)
    reason = next((r for r in REASONS if why[r]), "no_answer")
    return [none_candidate(reason, **why)]
