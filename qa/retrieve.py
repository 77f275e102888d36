"""Retrieve: hybrid search over the index — Kiwi-morpheme BM25 and dense vectors, fused.

Both arms return their top candidates within the documents in scope, and the filter is applied inside each
search, so the work per question follows the query's postings and the scope, not the corpus size: BM25 sums
only the postings of the query's terms (the rows of scoped documents), FAISS is asked for ``candidate_k``
results through an ID selector (flat and HNSW alike; a small scope is scored exactly over its own vectors,
so an HNSW graph never loses a restricted question's dense arm). Reciprocal rank fusion (default) or a
weighted convex combination of min-max normalised scores merges the arms. Either arm can be used alone.

Where the arms run is a backend (``Config.retrieval_backend``): :class:`LocalBackend` (the files above, in this
process; the default) or :class:`qa.milvus.MilvusBackend` (Milvus Lite or a Milvus server). Either returns
:class:`Candidates` over the rows of the loaded index, and :class:`Retriever` turns them into the same
:class:`Hit` objects, so answering never knows which one ran.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Literal, Protocol

import faiss
import numpy as np

from .chunk import Chunk
from .config import Config
from .index import Index
from .korean import normalize, tokenize

Method = Literal["hybrid", "bm25", "dense"]
UNSEARCHABLE = ("section", "meta")
EXACT_SCOPE = 4096  # scopes up to this many chunks are scored exactly over their own vectors (~0.5 ms)
SMALL_POSTINGS = 256  # a query's postings up to this many are summed in Python (a dozen numpy calls cost more)


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


@dataclass
class Candidates:
    """One search's candidates from a backend: index row → fused (or single-arm) score, each arm's scores and
    1-based ranks (empty for what the backend does not report)."""

    fused: dict[int, float]
    bm25: dict[int, float] = field(default_factory=dict)
    dense: dict[int, float] = field(default_factory=dict)
    ranks: dict[str, dict[int, int]] = field(default_factory=dict)
    # the hits made of them so far, by table spread (:meth:`Retriever.search`): a search differing only in ``k``
    # shares them (a hit's rank is its place in the whole order, whatever ``k``)
    hits: dict[int | None, tuple[list[int], list[Hit]]] = field(default_factory=dict, repr=False, compare=False)


class SearchBackend(Protocol):
    """Where the arms of a search run. ``vector`` is the question's one embedding (``None`` for BM25 alone);
    ``rows`` are the searchable index rows in scope (``doc_ids`` ``None``: every document)."""

    name: str

    def candidates(self, query: str, vector: np.ndarray | None, method: Method, doc_ids: set[str] | None,
                   rows: np.ndarray, k: int) -> Candidates: ...


def open_backend(retriever: Retriever) -> SearchBackend:
    """The backend ``config.retrieval_backend`` names (a clear error for an unknown one)."""
    name = retriever.config.retrieval_backend
    if name == "local":
        return LocalBackend(retriever)
    if name == "milvus":
        from .milvus import MilvusBackend

        return MilvusBackend.open(retriever.index, retriever.config)
    raise ValueError(f"retrieval_backend must be 'local' or 'milvus', not {name!r} (QA_RETRIEVAL_BACKEND)")


class Retriever:
    """Searches a loaded :class:`~qa.index.Index`; per-index tables are built once here, never per question."""

    def __init__(self, index: Index, config: Config) -> None:
        self.index = index
        self.config = config
        self._init_tables()
        self.backend = open_backend(self)

    def _init_tables(self) -> None:
        index = self.index
        n = len(index.chunks)
        searchable = np.fromiter((c.kind not in UNSEARCHABLE for c in index.chunks), dtype=bool, count=n)
        self._searchable = searchable
        self._rows = np.flatnonzero(searchable).astype(np.int64)
        doc_codes: dict[str, int] = {}
        self._row_doc = np.fromiter((doc_codes.setdefault(c.doc_id, len(doc_codes)) for c in index.chunks),
                                    dtype=np.int32, count=n)
        self._doc_codes = doc_codes
        order = np.argsort(self._row_doc[self._rows], kind="stable")
        bounds = np.searchsorted(self._row_doc[self._rows][order], np.arange(len(doc_codes) + 1))
        self._doc_rows = {d: self._rows[order[bounds[c]:bounds[c + 1]]] for d, c in doc_codes.items()}
        unsearchable = np.flatnonzero(~searchable).astype(np.int64)
        self._unsearchable = faiss.IDSelectorBatch(len(unsearchable), faiss.swig_ptr(unsearchable))
        self._not_unsearchable = faiss.IDSelectorNot(self._unsearchable) if len(unsearchable) else None
        # a flat search of the whole corpus always filters the same way: its parameters are made once
        self._all_params = (faiss.SearchParameters(sel=self._not_unsearchable) if self._not_unsearchable is not None
                            else None)
        self._row_doc_list = self._row_doc.tolist()  # the same, as Python ints (the small BM25 path reads them one by one)
        self._searchable_list = searchable.tolist()
        self._postings: dict[int, tuple[list[int], list]] = {}  # term id → its (rows, scores) as Python lists

    # ------------------------------------------------------------------ scope
    def _scope(self, doc_ids: set[str] | None) -> tuple[np.ndarray | None, np.ndarray]:
        """(document codes or ``None`` for all, the searchable rows in scope)."""
        if doc_ids is None:
            return None, self._rows
        codes = sorted(self._doc_codes[d] for d in doc_ids if d in self._doc_codes)
        rows = [self._doc_rows[d] for d in doc_ids if d in self._doc_codes]
        return np.asarray(codes, dtype=np.int32), (np.sort(np.concatenate(rows)) if rows else self._rows[:0])

    # ------------------------------------------------------------------ arms
    def bm25_arm(self, query: str, codes: np.ndarray | None, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """BM25 scores of the scoped chunks that share a term with the query: ``(rows, scores)``.

        The same float32 sums, term by term, as ``bm25s.BM25.get_scores_from_ids`` but over the query terms'
        postings only (bm25s keeps the score matrix as CSC: one column of ``(row, score)`` pairs per term).
        """
        vocab = self.index.vocab
        ids = [vocab[t] for t in tokenize(query) if t in vocab]
        empty = (rows[:0], np.zeros(0, dtype=np.float32))
        if not ids or not len(rows):
            return empty
        bm = self.index.bm25
        data, indices, indptr = bm.scores["data"], bm.scores["indices"], bm.scores["indptr"]
        nonocc = getattr(bm, "nonoccurrence_array", None)
        if nonocc is None and data.dtype == np.dtype(bm.dtype) == np.float32 and \
                sum(int(indptr[t + 1] - indptr[t]) for t in ids) <= SMALL_POSTINGS:
            return self._bm25_small(ids, codes)
        spans = [(indptr[t], indptr[t + 1]) for t in ids]
        prow = np.concatenate([indices[a:b] for a, b in spans]).astype(np.int64)  # the terms' postings, in order
        pdata = np.concatenate([data[a:b] for a, b in spans])
        if nonocc is not None:  # variants that score absent terms too: every scoped chunk gets a score
            cand = rows
        else:
            cand = np.unique(prow)
            keep = self._searchable[cand] if codes is None else np.isin(self._row_doc[cand], codes)
            cand = cand[keep & self._searchable[cand]]
        scores = np.zeros(len(cand), dtype=np.dtype(bm.dtype))
        if len(cand):
            pos = np.minimum(np.searchsorted(cand, prow), len(cand) - 1)
            hit = cand[pos] == prow
            if pdata.dtype == scores.dtype:  # one pass: each row's scores added term by term, in the query's order
                np.add.at(scores, pos[hit], pdata[hit])
            else:  # term by term (rows are unique within one term's postings)
                start = 0
                for a, b in spans:
                    part = slice(start, start + int(b - a))
                    scores[pos[part][hit[part]]] += pdata[part][hit[part]]
                    start = part.stop
        if nonocc is not None:
            scores += nonocc[np.asarray(ids)].sum()
        return cand, scores.astype(np.float32)

    def _bm25_small(self, ids: list[int], codes: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`bm25_arm` for a query with few postings: the same float32 sums, added in the same order (term by
        term, in the query's order, from 0) with float32 scalars, without a dozen numpy calls on tiny arrays."""
        zero = np.float32(0.0)
        sums: dict[int, np.float32] = {}
        for t in ids:
            rows, scores = self._term_postings(t)
            for row, score in zip(rows, scores, strict=True):
                sums[row] = sums.get(row, zero) + score
        searchable, row_doc = self._searchable_list, self._row_doc_list
        allowed = None if codes is None else set(codes.tolist())
        cand = sorted(r for r in sums if searchable[r] and (allowed is None or row_doc[r] in allowed))
        return np.array(cand, dtype=np.int64), np.array([sums[r] for r in cand], dtype=np.float32)

    def _term_postings(self, t: int) -> tuple[list[int], list]:
        """A term's postings as Python lists (rows, float32 scores), read once per loaded index."""
        held = self._postings.get(t)
        if held is None:
            scores = self.index.bm25.scores
            a, b = int(scores["indptr"][t]), int(scores["indptr"][t + 1])
            held = self._postings[t] = (np.asarray(scores["indices"][a:b], dtype=np.int64).tolist(), list(scores["data"][a:b]))
        return held

    def embed_query(self, query: str) -> np.ndarray:
        q = self.index.embedder.encode_query([query], normalize_embeddings=True, show_progress_bar=False)
        return np.ascontiguousarray(np.asarray(q, dtype=np.float32).reshape(1, -1))

    def dense_arm(self, q: np.ndarray, codes: np.ndarray | None, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The top ``k`` scoped chunks by inner product: ``(rows, scores)``, best first.

        A document scope of at most :data:`EXACT_SCOPE` chunks (for HNSW: fewer than its filtered walk would
        compare) is scored exactly over its own vectors, with the same FAISS kernel as a flat search; a larger
        one is searched with an ID selector, and an HNSW graph explores in proportion to how much of the
        corpus the filter leaves out.
        """
        index = self.index.faiss_index
        k = min(k, len(rows))
        if k <= 0 or index.ntotal == 0:
            return rows[:0], np.zeros(0, dtype=np.float32)
        hnsw, ef = isinstance(index, faiss.IndexHNSW), None
        if hnsw:  # results only come from selected nodes: explore about 1/share times as many candidates
            share = len(rows) / max(index.ntotal, 1)
            ef = int(min(max(self.config.hnsw_ef_search, 2 * k) / max(share, 1e-9), index.ntotal))
        if codes is not None and self._exact_is_cheaper(len(rows), ef):
            return self.exact_scores(q, rows, k)
        if codes is None:
            sel = self._not_unsearchable
        else:
            keep = np.ascontiguousarray(rows, dtype=np.int64)
            sel = faiss.IDSelectorBatch(len(keep), faiss.swig_ptr(keep))  # copies the ids
        if hnsw:
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(int(ef or 0), k))
        elif codes is None:
            params = self._all_params
        else:
            params = faiss.SearchParameters(sel=sel) if sel is not None else None
        scores, ids = index.search(q, k, params=params)
        valid = ids[0] >= 0
        return ids[0][valid].astype(np.int64), scores[0][valid]

    def _exact_is_cheaper(self, scope: int, ef: int | None) -> bool:
        """Score a scope exactly when it is small, or (HNSW) smaller than the ~ef·2M vectors a filtered graph
        walk would compare anyway."""
        if scope <= EXACT_SCOPE:
            return True
        return ef is not None and scope <= ef * self.index.faiss_index.hnsw.nb_neighbors(0)

    def exact_scores(self, q: np.ndarray, rows: np.ndarray, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Exact inner products of ``q`` with the vectors of ``rows`` (top ``k`` of them, best first)."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        index = self.index.faiss_index
        sub = faiss.IndexFlatIP(index.d)
        sub.add(index.reconstruct_batch(rows))
        scores, pos = sub.search(q, min(k or len(rows), len(rows)))
        valid = pos[0] >= 0
        return rows[pos[0][valid]], scores[0][valid]

    # ------------------------------------------------------------------ search
    def handle(self, query: str, method: Method | None = None, early: Embedding | None = None) -> SearchHandle:
        """One question's searches: its vector is embedded once, on the first dense search (or taken from
        ``early``, the embedding begun while the question was read, when it is of the same text)."""
        return SearchHandle(self, query, method, early if early is not None and early.query == query else None)

    def embed_early(self, query: str, method: Method | None = None) -> Embedding | None:
        """Begin embedding ``query`` on another thread, for a dense search to come (None when the search is BM25
        only or the index is empty)."""
        if (method or self.config.retriever) not in ("hybrid", "dense") or not self.index.chunks:
            return None
        return Embedding(self.embed_query, query)

    def search(self, query: str, k: int | None = None, method: Method | None = None,
               doc_ids: set[str] | None = None, per_table: int | None = None,
               vector: np.ndarray | None = None, memo: dict | None = None) -> list[Hit]:
        """Top-``k`` chunks for a question.

        Args:
            query: the question text (any normalisation is applied here).
            k: how many hits; defaults to ``config.top_k``.
            method: ``hybrid`` | ``bm25`` | ``dense``; defaults to ``config.retriever``.
            doc_ids: restrict to these documents (e.g. the year named in the question).
            per_table: at most this many rows of one table before the other chunks (rows repeating their
                caption's words would otherwise crowd out the sentence stating a total).
            vector: the query's embedding when the caller has it (a variant of a question keeps its vector).
            memo: one question's candidates by (query, method, scope), kept by its :class:`SearchHandle`: a search
                differing only in ``k`` or ``per_table`` (both applied after) reuses them.

        Returns:
            Hits, best first; ``[]`` for an empty query, an empty index or an empty scope.
        """
        query = normalize(query).strip()
        k = k or self.config.top_k
        method = method or self.config.retriever
        if not query or not self.index.chunks:
            return []
        codes, rows = self._scope(doc_ids)
        if not len(rows):
            return []
        ck = min(self.config.candidate_k, len(self.index.chunks))
        key = (query, method, None if doc_ids is None else frozenset(doc_ids))
        found = memo.get(key) if memo is not None else None
        if found is None:
            q = None
            if method in ("hybrid", "dense"):
                q = vector if vector is not None else self.embed_query(query)
            found = self.backend.candidates(query, q, method, doc_ids, rows, ck)
            if memo is not None:
                memo[key] = found
        fused = found.fused
        held = found.hits.get(per_table)
        if held is None:
            order = sorted(fused, key=lambda i: (-fused[i], i))
            held = found.hits[per_table] = (_spread(order, self.index.chunks, per_table) if per_table else order, [])
        order, hits = held
        chunks, ranks = self.index.chunks, found.ranks.items()
        for r in range(len(hits) + 1, min(k, len(order)) + 1):
            i = order[r - 1]
            hits.append(Hit(chunk=chunks[i], score=fused[i], method=method, rank=r,
                            bm25=float(found.bm25.get(i, 0.0)), dense=float(found.dense.get(i, 0.0)),
                            arm_ranks={name: rk[i] for name, rk in ranks if i in rk}))
        return hits[:k]


class LocalBackend:
    """Today's files: the bm25s postings and the FAISS index of the loaded index folder, searched in this process
    (the arms are the :class:`Retriever`'s own methods)."""

    name = "local"

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever

    def candidates(self, query: str, vector: np.ndarray | None, method: Method, doc_ids: set[str] | None,
                   rows: np.ndarray, k: int) -> Candidates:
        r, config = self.retriever, self.retriever.config
        codes, _ = r._scope(doc_ids)
        bm_rows, bm_scores = r.bm25_arm(query, codes, rows) if method in ("hybrid", "bm25") else (rows[:0], None)
        bm = dict(zip(bm_rows.tolist(), bm_scores.tolist(), strict=True)) if bm_scores is not None else {}
        rank_bm = _top(bm_rows, bm_scores, k, positive_only=True) if bm_scores is not None else {}
        de: dict[int, float] = {}
        rank_de: dict[int, int] = {}
        if vector is not None:
            de_rows, de_scores = r.dense_arm(vector, codes, rows, k)
            de = dict(zip(de_rows.tolist(), de_scores.tolist(), strict=True))
            rank_de = _top(de_rows, de_scores, k)
            missing = [i for i in rank_bm if i not in de]  # lexical candidates: their dense score too
            if missing:
                de.update(zip(*(a.tolist() for a in r.exact_scores(vector, np.asarray(missing))), strict=True))
        return fuse(method, config, bm, de, rank_bm, rank_de)


def fuse(method: Method, config: Config, bm: dict[int, float], de: dict[int, float], rank_bm: dict[int, int],
         rank_de: dict[int, int]) -> Candidates:
    """The arms' candidates fused as configured (one arm alone for ``bm25`` / ``dense``): every backend's last step."""
    if method == "bm25":
        fused = {i: bm[i] for i in rank_bm}
    elif method == "dense":
        fused = {i: de[i] for i in rank_de}
    elif config.fusion == "rrf":
        fused = rrf({"bm25": rank_bm, "dense": rank_de}, config.rrf_k,
                    {"bm25": config.bm25_weight, "dense": config.dense_weight})
    else:
        fused = convex(_Scores(bm), _Scores(de), rank_bm, rank_de, config.bm25_weight, config.dense_weight)
    return Candidates(fused, bm, de, {"bm25": rank_bm, "dense": rank_de})


class Embedding:
    """A question's embedding computed on its own thread while the question is read and linked: the embedder's
    native call releases the GIL, so understanding the question (Kiwi, linking) overlaps it instead of preceding it
    on the critical path. :meth:`vector` waits for it (and raises what the embedder raised)."""

    def __init__(self, embed, query: str) -> None:
        self.query = query
        self._vector: np.ndarray | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(embed,), daemon=True, name="qa-embed")
        self._thread.start()

    def _run(self, embed) -> None:
        try:
            self._vector = embed(self.query)
        except BaseException as exc:  # handed to the caller of vector()
            self._error = exc

    def vector(self) -> np.ndarray:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._vector


class SearchHandle:
    """The searches of one question: every dense arm reuses the question's one embedding, computed on first
    use; variants of the question differ only in their BM25 words, scope and table spread."""

    def __init__(self, retriever: Retriever, query: str, method: Method | None = None,
                 early: Embedding | None = None) -> None:
        self.retriever = retriever
        self.query = query
        self.method = method
        self._vector: np.ndarray | None = None
        self._early = early  # the question's embedding begun before the handle, of this query (Retriever.handle)
        self.embeddings = 0  # how many times this question was embedded (0 or 1)
        self._found: dict = {}  # its searches' candidates (:meth:`Retriever.search`'s ``memo``)

    @property
    def vector(self) -> np.ndarray:
        if self._vector is None:
            self._vector = self._early.vector() if self._early is not None else self.retriever.embed_query(self.query)
            self.embeddings += 1
        return self._vector

    def search(self, words: str | None = None, k: int | None = None, doc_ids: set[str] | None = None,
               per_table: int | None = None, method: Method | None = None) -> list[Hit]:
        """Hits for the question, or for other BM25 ``words`` with the question's vector."""
        method = method or self.method or self.retriever.config.retriever
        vector = self.vector if method in ("hybrid", "dense") and self.retriever.index.chunks else None
        return self.retriever.search(words or self.query, k=k, method=method, doc_ids=doc_ids, per_table=per_table,
                                     vector=vector, memo=self._found)


def _spread(order: list[int], chunks, per_table: int) -> list[int]:
    """``order`` with the rows of one table past its first ``per_table`` moved after every other chunk."""
    seen: dict[tuple[str, str], int] = {}
    head, tail = [], []
    for i in order:
        c = chunks[i]
        if c.kind == "table_row":
            key = (c.doc_id, c.search_text.split("\n", 1)[0])
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > per_table:
                tail.append(i)
                continue
        head.append(i)
    return head + tail


class _Scores:
    """Sparse arm scores indexed like an array: a chunk the arm did not score reads as 0."""

    def __init__(self, scores: dict[int, float]) -> None:
        self.scores = scores

    def __getitem__(self, i: int) -> float:
        return self.scores.get(i, 0.0)


def _top(rows: np.ndarray, scores: np.ndarray, k: int, positive_only: bool = False) -> dict[int, int]:
    """Chunk row → 1-based rank for the top ``k`` finite scores (ties: lower row first)."""
    if len(rows) <= SMALL_POSTINGS:  # a few candidates: sorted in Python (the same order, without numpy's calls)
        pairs = [(-s, r) for r, s in zip(rows.tolist(), scores.tolist(), strict=True)
                 if math.isfinite(s) and (s > 0 or not positive_only)]
        return {r: rank for rank, (_, r) in enumerate(sorted(pairs)[:k], start=1)}
    keep = np.isfinite(scores) & ((scores > 0) if positive_only else True)
    rows, scores = rows[keep], scores[keep]
    if len(rows) > k:  # partial selection first: the full sort is only over k (+ ties) items
        kth = np.partition(-scores, k - 1)[k - 1]
        sel = -scores <= kth
        rows, scores = rows[sel], scores[sel]
    order = np.lexsort((rows, -scores))[:k]
    return {int(rows[j]): r for r, j in enumerate(order, start=1)}


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
        return {i: (v - lo) / span for i, v in zip(cand, vals, strict=True)}

    nb, nd = norm(bm), norm(de)
    total = (w_bm + w_de) or 1.0
    return {i: (w_bm * nb[i] + w_de * nd[i]) / total for i in cand}
