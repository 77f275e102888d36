"""Retrieve: hybrid search over the index — Kiwi-morpheme BM25 and dense vectors, fused.

Both arms return their top candidates; reciprocal rank fusion (default) or a weighted convex combination
of min-max normalised scores merges them. Either arm can be used alone for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .chunk import Chunk
from .config import Config
from .index import Index
from .korean import normalize

Method = Literal["hybrid", "bm25", "dense"]
UNSEARCHABLE = ("section", "meta")


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk. ``score`` is the fused (or single-arm) score; arm scores are kept for thresholds."""

    chunk: Chunk
    score: float
    method: str
    rank: int
    bm25: float = 0.0
    dense: float = 0.0
    arm_ranks: dict[str, int] = field(default_factory=dict)


class Retriever:
    """Searches a loaded :class:`~qa.index.Index`."""

    def __init__(self, index: Index, config: Config) -> None:
        self.index = index
        self.config = config

    def bm25_scores(self, query: str) -> np.ndarray:
        return self.index.bm25_scores(query)

    def dense_scores(self, query: str) -> np.ndarray:
        return self.index.dense_scores(query)

    def search(self, query: str, k: int | None = None, method: Method | None = None,
               doc_ids: set[str] | None = None) -> list[Hit]:
        """Top-``k`` chunks for a question.

        Args:
            query: the question text (any normalisation is applied here).
            k: how many hits; defaults to ``config.top_k``.
            method: ``hybrid`` | ``bm25`` | ``dense``; defaults to ``config.retriever``.
            doc_ids: restrict to these documents (e.g. the year named in the question).

        Returns:
            Hits, best first; ``[]`` for an empty query or an empty index.
        """
        query = normalize(query).strip()
        k = k or self.config.top_k
        method = method or self.config.retriever
        n = len(self.index.chunks)
        if not query or n == 0:
            return []
        # section-title rows and source-URL lines hold no content of their own
        mask = np.array([c.kind not in UNSEARCHABLE and (doc_ids is None or c.doc_id in doc_ids)
                         for c in self.index.chunks])
        bm = self.bm25_scores(query) if method in ("hybrid", "bm25") else np.zeros(n)
        de = self.dense_scores(query) if method in ("hybrid", "dense") else np.zeros(n)
        bm = np.where(mask, bm, -np.inf)
        de = np.where(mask, de, -np.inf)
        ck = min(self.config.candidate_k, n)
        rank_bm = _ranks(bm, ck, positive_only=True)
        rank_de = _ranks(de, ck)
        if method == "bm25":
            fused = {i: float(bm[i]) for i in rank_bm}
        elif method == "dense":
            fused = {i: float(de[i]) for i in rank_de}
        elif self.config.fusion == "rrf":
            fused = rrf({"bm25": rank_bm, "dense": rank_de}, self.config.rrf_k,
                        {"bm25": self.config.bm25_weight, "dense": self.config.dense_weight})
        else:
            fused = convex(bm, de, rank_bm, rank_de, self.config.bm25_weight, self.config.dense_weight)
        order = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        hits = []
        for r, i in enumerate(order, start=1):
            arm_ranks = {name: ranks[i] for name, ranks in (("bm25", rank_bm), ("dense", rank_de)) if i in ranks}
            hits.append(Hit(chunk=self.index.chunks[i], score=fused[i], method=method, rank=r,
                            bm25=float(bm[i]) if np.isfinite(bm[i]) else 0.0,
                            dense=float(de[i]) if np.isfinite(de[i]) else 0.0, arm_ranks=arm_ranks))
        return hits


def _ranks(scores: np.ndarray, k: int, positive_only: bool = False) -> dict[int, int]:
    """Chunk index → 1-based rank for the top ``k`` finite scores."""
    order = np.argsort(-scores, kind="stable")[:k]
    out = {}
    for i in order:
        s = scores[i]
        if not np.isfinite(s) or (positive_only and s <= 0):
            continue
        out[int(i)] = len(out) + 1
    return out


def rrf(rankings: dict[str, dict[int, int]], k: int, weights: dict[str, float]) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of ``w / (k + rank)`` over the arms that ranked the item."""
    fused: dict[int, float] = {}
    for name, ranks in rankings.items():
        w = weights.get(name, 1.0)
        for i, r in ranks.items():
            fused[i] = fused.get(i, 0.0) + w / (k + r)
    return fused


def convex(bm: np.ndarray, de: np.ndarray, rank_bm: dict[int, int], rank_de: dict[int, int],
           w_bm: float, w_de: float) -> dict[int, float]:
    """Weighted sum of min-max normalised arm scores over the union of both candidate lists."""
    cand = sorted(set(rank_bm) | set(rank_de))
    if not cand:
        return {}

    def norm(x: np.ndarray) -> dict[int, float]:
        vals = np.array([x[i] if np.isfinite(x[i]) else 0.0 for i in cand], dtype=float)
        lo, hi = float(vals.min()), float(vals.max())
        span = hi - lo or 1.0
        return {i: (v - lo) / span for i, v in zip(cand, vals)}

    nb, nd = norm(bm), norm(de)
    total = (w_bm + w_de) or 1.0
    return {i: (w_bm * nb[i] + w_de * nd[i]) / total for i in cand}
