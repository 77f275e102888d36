"""Attribution: whose plan a described service is. "AI학습 서버 구축은 어느 지자체 계획이야?", "드론 쓰는 데 어디야?":
the passages that describe it belong to the place or body they name, or, for a sub-point, the one its point
(□) opens with."""

from __future__ import annotations

import re

from ...chunk import Chunk
from ...korean import tokenize
from ...lexicon import WHICH_ASKS
from ..candidate import Candidate
from ..context import Context
from ..passage import announces, owner
from .passages import ranked

MIN_COVERAGE = 0.5  # share of the question's words a passage must hold to say whose plan it is
NEAR_BEST = 0.15  # coverage below the best passage's by which another owner still counts as well matched


_WHICH_ASKS = re.compile(WHICH_ASKS)


def asks_which(text: str) -> bool:
    return bool(_WHICH_ASKS.search(text))


def holds_all(chunk: Chunk, words: list[str]) -> bool:
    """Whether a passage names every word that singles out the service asked about ("드론을 활용하는 도시는?":
    드론), however it words the rest: each city whose plan uses drones is an owner, not only the best-worded one."""
    if not words:
        return False
    toks = set(tokenize(chunk.text))
    return all(w in toks for w in words)


def generate(ctx: Context) -> list[Candidate]:
    q = ctx.q
    if q.english or ctx.year_only or not asks_which(ctx.text) or not (q.residual or q.values):
        return []
    names = ctx.corpus.alias_names
    asked = {e for e in q.entities}
    specific = ctx.specific_residual
    owners: list[tuple[str, Chunk, tuple[int, int], float, bool]] = []
    for _score, coverage, chunk, span in ranked(ctx, ctx.hits[: max(ctx.k, 8)]):
        if coverage < MIN_COVERAGE:
            continue
        who = owner(chunk, span, names)
        if who and announces(ctx.corpus.docs[chunk.doc_id], who):
            continue  # the body announcing it, not the one whose plan it is
        if who and who not in asked and who not in {o[0] for o in owners}:
            owners.append((who, chunk, span, coverage, holds_all(chunk, specific)))
    if not owners:
        return []
    best = owners[0][3]
    kept = [o for o in owners if o[3] >= best - NEAR_BEST or o[4]]
    first = kept[0]
    return [Candidate(generator="attribution", rule="attribution", text=", ".join(o[0] for o in kept), kind="fact",
                      unit_chunk=first[1], unit_span=first[2],
                      evidence={"coverage": best, "owners": float(len(kept))})]
