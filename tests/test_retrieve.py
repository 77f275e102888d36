"""Stage 4, retrieve: BM25, dense and hybrid search on the seed announcement; fusion functions.

Every question has the file line(s) holding its answer (checked with ``nl -ba corpus/….txt``); a hit counts
when the retrieved chunk's line span contains a gold line. Run with ``-s`` to see the metrics table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.retrieve import Retriever, convex, rrf

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "molit_2025_smart_city_selection"
METHODS = ("bm25", "dense", "hybrid")

# (question, gold line numbers in corpus/molit_2025_smart_city_selection.txt)
QUESTIONS: list[tuple[str, set[int]]] = [
    ("전주시가 받는 국비는?", {16}),
    ("강소형 경쟁률은?", {21}),
    ("김해는 무슨 사업을 해?", {27, 28}),
    ("특화단지에는 몇 개 지자체가 신청했나?", {30}),
    ("김천 부제", {6}),
    ("거점형 경쟁률은 얼마였나?", {16}),
    ("대구광역시가 받는 국비는?", {30}),
    ("안산시는 어떤 서비스를 도입하나요?", {23, 24}),
    ("강소형으로 선정된 지자체는 국비를 얼마 받나?", {22}),
    ("PBV는 무엇의 약자인가?", {19}),
    ("사업계획 발표자료는 어디서 확인할 수 있나?", {35}),
    ("대구 특화단지 사업부제는?", {8}),
    ("전주 사업부제는 무엇인가요?", {4}),
    ("스마트도시 조성사업이란 무엇인가?", {9}),
    ("공모는 몇 개 유형으로 나누어 진행했나?", {10}),
    ("도시경제과장은 누구인가?", {33}),
    ("김천시 자율주행 DRT", {26}),
    ("수성구 알파시티에는 무엇을 조성하나?", {31}),
    ("특화단지 조성사업은 언제부터 추진하나?", {13}),
    ("김해시의 세부유형은?", {22}),
    ("안산시 사업부제", {5}),
    ("Which city was selected for the hub-type smart city?", {1, 4, 16}),
]


def gold_rank(hits, gold: set[int]) -> int | None:
    """1-based rank of the first hit whose chunk spans a gold line."""
    for h in hits:
        if any(h.chunk.start <= n <= h.chunk.end for n in gold):
            return h.rank
    return None


@pytest.fixture(scope="module")
def ranks(assistant) -> dict[str, list[int | None]]:
    """Gold rank (within the top 10) of every question, per method; computed once."""
    r = assistant.retriever
    return {m: [gold_rank(r.search(q, k=10, method=m), gold) for q, gold in QUESTIONS] for m in METHODS}


def metrics(rank_list: list[int | None]) -> dict[str, float]:
    n = len(rank_list)
    return {
        "hit@1": sum(r == 1 for r in rank_list) / n,
        "hit@3": sum(r is not None and r <= 3 for r in rank_list) / n,
        "MRR": sum(1 / r for r in rank_list if r) / n,
    }


def test_gold_lines_hold_what_the_questions_ask(assistant):
    lines = assistant.documents[0].lines
    assert "국비 160억원" in lines[16 - 1]
    assert "5.3:1" in lines[21 - 1]
    assert "김해시" in lines[27 - 1]
    assert "6개 지자체" in lines[30 - 1]
    assert "경북 김천시" in lines[6 - 1]
    assert "PBV(Purpose Built Vehicle)" in lines[19 - 1]
    assert "윤종빈 도시경제과장" in lines[33 - 1]


@pytest.mark.parametrize("i", range(len(QUESTIONS)), ids=[q for q, _ in QUESTIONS])
def test_hybrid_finds_the_gold_chunk_in_the_top_3(ranks, i):
    question, gold = QUESTIONS[i]
    rank = ranks["hybrid"][i]
    assert rank is not None and rank <= 3, f"{question!r}: gold lines {sorted(gold)} at rank {rank}"


def test_metrics_table(ranks):
    table = {m: metrics(ranks[m]) for m in METHODS}
    print(f"\nretrieval on {len(QUESTIONS)} seed questions (gold = chunk holding the answer line)")
    print(f"{'method':8} {'hit@1':>6} {'hit@3':>6} {'MRR':>6}")
    for m in METHODS:
        print(f"{m:8} {table[m]['hit@1']:6.3f} {table[m]['hit@3']:6.3f} {table[m]['MRR']:6.3f}")
    misses = {m: [QUESTIONS[i][0] for i, r in enumerate(ranks[m]) if not r or r > 3] for m in METHODS}
    print("outside top 3:", misses)
    assert table["hybrid"]["hit@3"] == 1.0
    # measured: hybrid's top-3 coverage is at least each single arm's on these questions
    assert table["hybrid"]["hit@3"] >= table["bm25"]["hit@3"]
    assert table["hybrid"]["hit@3"] >= table["dense"]["hit@3"]


def test_hits_are_ranked_and_carry_arm_scores(assistant):
    hits = assistant.retriever.search("전주시가 받는 국비는?")
    assert len(hits) == assistant.config.top_k
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = hits[0]
    assert top.chunk.start == 16 and top.method == "hybrid"
    assert top.bm25 > 0 and 0 < top.dense <= 1
    assert set(top.arm_ranks) == {"bm25", "dense"}


def test_k_limits_and_caps_at_the_number_of_searchable_chunks(assistant):
    r = assistant.retriever
    assert len(r.search("국비", k=2)) == 2
    # section-title rows and the 원출처 line are not returned (they hold no content of their own)
    searchable = {c.chunk_id for c in assistant.index.chunks if c.kind not in ("section", "meta")}
    assert len(searchable) < len(assistant.index.chunks)
    for method in ("dense", "hybrid"):  # dense ranks every chunk; candidate_k 30 > the seed's chunks
        assert {h.chunk.chunk_id for h in r.search("국비", k=1000, method=method)} == searchable


def test_rows_of_one_table_make_room_for_other_passages(assistant):
    """``per_table``: past its first rows a table's rows follow every other chunk (a total stated in a sentence
    below a table is not crowded out by rows repeating the caption's words)."""
    r = assistant.retriever
    plain = r.search("지자체 국비 지원 규모", k=10)
    spread = r.search("지자체 국비 지원 규모", k=10, per_table=2)
    tables: dict[str, int] = {}
    for h in spread:
        if h.chunk.kind == "table_row":
            key = h.chunk.search_text.split("\n", 1)[0]
            tables[key] = tables.get(key, 0) + 1
    assert sum(h.chunk.kind == "table_row" for h in plain) > 2
    assert tables and max(tables.values()) <= 2
    assert len(spread) == len(plain)


@pytest.mark.parametrize("method", METHODS)
def test_section_and_source_chunks_are_never_returned(assistant, method):
    for q in ("거점형 스마트도시 조성사업", "원출처 molit.go.kr", "특화단지 조성사업"):
        assert all(h.chunk.kind not in ("section", "meta") for h in assistant.retriever.search(q, k=50, method=method))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_empty_query_gives_no_hits(assistant, query, method):
    assert assistant.retriever.search(query, method=method) == []


@pytest.mark.parametrize("method", METHODS)
def test_nfd_and_fullwidth_queries_are_normalised(assistant, method):
    import unicodedata

    r = assistant.retriever
    q = "전주시가 받는 국비는 160억원?"
    want = [h.chunk.chunk_id for h in r.search(q, method=method)]
    assert [h.chunk.chunk_id for h in r.search(unicodedata.normalize("NFD", q), method=method)] == want
    assert [h.chunk.chunk_id for h in r.search(q.replace("160", "１６０"), method=method)] == want


def test_bm25_has_no_hits_for_unknown_words_but_dense_still_ranks(assistant):
    r = assistant.retriever
    assert r.search("xyzzyq", method="bm25") == []
    assert len(r.search("xyzzyq", method="dense")) == assistant.config.top_k


def test_doc_ids_restriction_on_the_seed(assistant):
    r = assistant.retriever
    everything = [h.chunk.chunk_id for h in r.search("국비 지원")]
    assert [h.chunk.chunk_id for h in r.search("국비 지원", doc_ids={SEED_ID})] == everything
    assert r.search("국비 지원", doc_ids={"not-a-document"}) == []
    assert r.search("국비 지원", doc_ids=set()) == []


OTHER_DOC = """□ 해양수산부(장관 강도형)는 2024년 5월 2일 「2024년 어촌신활력 증진사업」 대상지를 선정하였다.
ㅇ 선정된 어촌에는 3년간 국비 100억원을 지원한다.
□ 이번 공모에는 총 120개 어촌이 신청하였다.
"""


@pytest.fixture(scope="module")
def two_doc_retriever(tmp_path_factory, seed_config, embedder, assistant, cached_embedder):
    """An index over the seed plus one small announcement (built once, real vectors)."""
    from qa.chunk import chunk_corpus
    from qa.index import build_index, load_index
    from qa.ingest import load_corpus

    corpus = tmp_path_factory.mktemp("two") / "corpus"
    corpus.mkdir()
    for f in (ROOT / "corpus").glob(f"{SEED_ID}.*"):
        shutil.copy2(f, corpus / f.name)
    (corpus / "mof_2024_fishing_village.txt").write_text(OTHER_DOC, encoding="utf-8")
    config = seed_config.replace(corpus_dir=corpus, index_dir=corpus.parent / "index")
    docs = load_corpus(corpus)
    build_index(config, docs, chunk_corpus(docs, config.chunk_max_chars),
                embedder=cached_embedder)
    return Retriever(load_index(config, embedder=embedder), config)


@pytest.mark.parametrize("method", METHODS)
def test_doc_ids_restricts_hits_to_those_documents(two_doc_retriever, method):
    r = two_doc_retriever
    both = {h.chunk.doc_id for h in r.search("국비 지원", k=10, method=method)}
    assert both == {SEED_ID, "mof_2024_fishing_village"}
    only_other = r.search("국비 지원", k=10, method=method, doc_ids={"mof_2024_fishing_village"})
    assert only_other and {h.chunk.doc_id for h in only_other} == {"mof_2024_fishing_village"}
    only_seed = r.search("국비 지원", k=10, method=method, doc_ids={SEED_ID})
    assert only_seed and {h.chunk.doc_id for h in only_seed} == {SEED_ID}
    if method != "hybrid":  # a single arm's restricted list is its unrestricted list filtered
        unrestricted_seed = [h.chunk.chunk_id for h in r.search("국비 지원", k=40, method=method)
                             if h.chunk.doc_id == SEED_ID]
        assert [h.chunk.chunk_id for h in only_seed] == unrestricted_seed[: len(only_seed)]


def test_two_doc_question_finds_the_new_announcement(two_doc_retriever):
    hits = two_doc_retriever.search("어촌신활력 증진사업 국비는?")
    assert hits[0].chunk.doc_id == "mof_2024_fishing_village"
    assert "국비 100억원" in "\n".join(h.chunk.text for h in hits[:2])


LOANS_DOC = """---
title: 2024년 소상공인 정책자금 융자계획 공고
publisher: 중소벤처기업부
published: 2024-01-15
---
□ 총 융자 규모: 3조 7,000억원
□ 소상공인 정책자금은 일반경영안정자금, 성장기반자금, 특별경영안정자금으로 나누어 운용한다.
ㅇ 소상공인 정책자금 일반경영안정자금은 소상공인의 운영자금을 지원한다.
ㅇ 소상공인 정책자금 성장기반자금은 소상공인의 시설자금을 지원한다.
□ 소상공인 정책자금 신청은 누리집에서 온라인으로 받는다.
"""


@pytest.mark.parametrize("title", [True, False])
def test_the_word_search_reads_a_chunk_under_its_announcements_title(tmp_path, seed_config, embedder, cached_embedder,
                                                                      title):
    """"□ 총 융자 규모: 3조 7,000억원" never writes what the announcement is about; under its title it is found by
    those words, and the words' chunk frequencies still count only where the chunks write them."""
    from qa.chunk import chunk_corpus
    from qa.index import build_index, load_index
    from qa.ingest import load_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "mss_2024_loans.md").write_text(LOANS_DOC, encoding="utf-8")
    config = seed_config.replace(corpus_dir=corpus, index_dir=tmp_path / "index", bm25_title=title)
    docs = load_corpus(corpus)
    build_index(config, docs, chunk_corpus(docs, config.chunk_max_chars), embedder=cached_embedder)
    index = load_index(config, embedder=embedder)
    first = Retriever(index, config).search("소상공인 정책자금 전체 규모", k=3, method="bm25")[0]
    assert ("3조 7,000억원" in first.chunk.text) == title
    assert index.term_df("소상공인") == sum("소상공인" in c.search_text for c in index.chunks)


# ----------------------------------------------------------------------------- fusion
BM25_RANKS = {0: 1, 1: 2, 2: 3, 3: 4, 7: 5}
DENSE_RANKS = {2: 1, 4: 2, 5: 3, 0: 4, 1: 5, 6: 6}

# ranx's rrf is numba-jitted; compiling it costs 10-50 s. The same Python source runs interpreted in a
# subprocess with NUMBA_DISABLE_JIT=1 in ~3 s, which is what this comparison needs.
RANX_RRF = """
import inspect, json, sys
from ranx import Run, fuse
from ranx.fusion import rrf
runs = json.load(sys.stdin)
fused = fuse([Run(r, name=n) for n, r in runs.items()], norm=None, method="rrf", params={"k": 60})
print(json.dumps({"scores": {d: float(s) for d, s in fused["q1"].items()},
                  "k_default": inspect.signature(rrf).parameters["k"].default}))
"""


def test_rrf_formula():
    fused = rrf({"bm25": {"a": 1, "b": 2}, "dense": {"b": 1}}, 60, {"bm25": 1.0, "dense": 1.0})
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    weighted = rrf({"bm25": {"a": 1}, "dense": {"a": 1}}, 10, {"bm25": 0.25, "dense": 0.75})
    assert weighted["a"] == pytest.approx(1 / 11)


def test_rrf_matches_ranx():
    pytest.importorskip("ranx")
    # ranx ranks by score: give rank r the score 100 - r
    runs = {name: {"q1": {f"c{i}": float(100 - r) for i, r in ranks.items()}}
            for name, ranks in (("bm25", BM25_RANKS), ("dense", DENSE_RANKS))}
    proc = subprocess.run([sys.executable, "-c", RANX_RRF], input=json.dumps(runs), capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["k_default"] == 60  # ranx's default k is the same as Config.rrf_k
    theirs = out["scores"]
    ours = rrf({"bm25": BM25_RANKS, "dense": DENSE_RANKS}, 60, {"bm25": 1.0, "dense": 1.0})
    assert len({round(v, 12) for v in ours.values()}) == len(ours)  # no ties: the ranking is well defined
    assert set(theirs) == {f"c{i}" for i in ours}
    for i, s in ours.items():
        assert s == pytest.approx(theirs[f"c{i}"])
    order_ours = [f"c{i}" for i in sorted(ours, key=lambda i: -ours[i])]
    assert order_ours == sorted(theirs, key=lambda d: -theirs[d])
    # the configured equal weights (0.5, 0.5) scale every score alike: same ranking
    halves = rrf({"bm25": BM25_RANKS, "dense": DENSE_RANKS}, 60, {"bm25": 0.5, "dense": 0.5})
    assert sorted(halves, key=lambda i: -halves[i]) == sorted(ours, key=lambda i: -ours[i])


def test_convex_fusion_normalises_each_arm():
    bm = np.array([12.0, 6.0, 3.0, 0.0, 9.0])
    de = np.array([0.80, 0.90, 0.70, 0.75, 0.60])
    rank_bm = {0: 1, 4: 2, 1: 3, 2: 4}
    rank_de = {1: 1, 0: 2, 3: 3, 2: 4, 4: 5}
    fused = convex(bm, de, rank_bm, rank_de, 0.5, 0.5)
    assert set(fused) == set(rank_bm) | set(rank_de)
    assert all(0.0 <= v <= 1.0 for v in fused.values())
    # item 0: bm25 max (1.0) and dense (0.8-0.6)/(0.9-0.6)
    assert fused[0] == pytest.approx(0.5 * 1.0 + 0.5 * (0.2 / 0.3))
    assert fused[3] == pytest.approx(0.5 * 0.0 + 0.5 * (0.15 / 0.3))
    # scale invariance: multiplying an arm's raw scores does not change the fused scores
    scaled = convex(bm * 100, de * 3, rank_bm, rank_de, 0.5, 0.5)
    for i in fused:
        assert scaled[i] == pytest.approx(fused[i])
    # weights are normalised too
    assert convex(bm, de, rank_bm, rank_de, 2.0, 2.0) == pytest.approx(fused)


def test_convex_hybrid_search_on_the_seed(assistant):
    r = Retriever(assistant.index, assistant.config.replace(fusion="convex"))
    hits = r.search("전주시가 받는 국비는?")
    assert hits[0].chunk.start == 16
    assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_convex_search_with_no_matching_document_is_empty(assistant):
    r = Retriever(assistant.index, assistant.config.replace(fusion="convex"))
    assert r.search("국비", doc_ids={"not-a-document"}) == []


# ----------------------------------------------------------------------------- filtering inside the search
def _reference_search(r: Retriever, query: str, k: int, method: str, doc_ids: set[str] | None) -> list[tuple]:
    """The previous implementation: every chunk scored by both arms (FAISS asked for all n), a mask, a full
    argsort. Kept here as the oracle the filtered search must reproduce exactly on a flat index."""
    from qa.korean import normalize, tokenize

    idx, cfg = r.index, r.config
    query = normalize(query).strip()
    n = len(idx.chunks)
    mask = np.array([c.kind not in ("section", "meta") and (doc_ids is None or c.doc_id in doc_ids) for c in idx.chunks])
    ids = [idx.vocab[t] for t in tokenize(query) if t in idx.vocab]
    bm = np.asarray(idx.bm25.get_scores_from_ids(ids), dtype=np.float32) if ids else np.zeros(n, dtype=np.float32)
    q = np.asarray(idx.embedder.encode_query([query], normalize_embeddings=True), dtype=np.float32)
    s, i = idx.faiss_index.search(q, n)
    de = np.full(n, -np.inf, dtype=np.float32)
    de[i[0][i[0] >= 0]] = s[0][i[0] >= 0]
    bm, de = np.where(mask, bm, -np.inf), np.where(mask, de, -np.inf)
    ck = min(cfg.candidate_k, n)

    def ranks(x, positive_only=False):
        out = {}
        for j in np.argsort(-x, kind="stable")[:ck]:
            if np.isfinite(x[j]) and not (positive_only and x[j] <= 0):
                out[int(j)] = len(out) + 1
        return out

    rank_bm = ranks(bm, True) if method != "dense" else {}
    rank_de = ranks(de) if method != "bm25" else {}
    if method == "bm25":
        fused = {j: float(bm[j]) for j in rank_bm}
    elif method == "dense":
        fused = {j: float(de[j]) for j in rank_de}
    elif cfg.fusion == "rrf":
        fused = rrf({"bm25": rank_bm, "dense": rank_de}, cfg.rrf_k, {"bm25": cfg.bm25_weight, "dense": cfg.dense_weight})
    else:
        fused = convex(bm, de, rank_bm, rank_de, cfg.bm25_weight, cfg.dense_weight)
    order = sorted(fused, key=lambda j: (-fused[j], j))[:k]
    return [(idx.chunks[j].chunk_id, fused[j], float(bm[j]) if method != "dense" and np.isfinite(bm[j]) else 0.0,
             float(de[j]) if method != "bm25" and np.isfinite(de[j]) else 0.0) for j in order]


def _golden_questions() -> list[str]:
    out = []
    for name in ("golden.jsonl", "golden_multi.jsonl"):
        with open(ROOT / "evals" / name, encoding="utf-8") as fh:
            out += [json.loads(line)["q"] for line in fh if line.strip() and '"q"' in line]
    return out


class _QueryCache:
    """The session embedder, each question embedded once for every method and scope compared."""

    def __init__(self, embedder) -> None:
        self.embedder, self.cache = embedder, {}

    def encode_query(self, texts, **kwargs):
        key = tuple(texts)
        if key not in self.cache:
            self.cache[key] = self.embedder.encode_query(list(texts), **kwargs)
        return self.cache[key]


@pytest.fixture(scope="module")
def multi_index(multi_assistant):
    import copy

    index = copy.copy(multi_assistant.index)
    index.embedder = _QueryCache(multi_assistant.index.embedder)
    return index


@pytest.mark.parametrize("fusion", ["rrf", "convex"])
def test_filtered_search_is_identical_to_scoring_every_chunk_on_the_golden_questions(multi_assistant, multi_index, fusion):
    r = Retriever(multi_index, multi_assistant.config.replace(fusion=fusion))
    docs = sorted(d.doc_id for d in multi_assistant.documents)
    scopes = [None, {SEED_ID}, set(docs[:3]), {docs[-1], "not-a-document"}]
    questions = _golden_questions()
    assert len(questions) > 200
    compared = 0
    for n, q in enumerate(questions):  # every question hybrid; each single arm on every third one
        for method in (METHODS if fusion == "rrf" and n % 3 == 0 else ("hybrid",)):
            for scope in scopes:
                got = [(h.chunk.chunk_id, h.score, h.bm25, h.dense) for h in r.search(q, k=10, method=method, doc_ids=scope)]
                assert got == _reference_search(r, q, 10, method, scope), (q, method, scope)
                compared += bool(got)
    assert compared > len(questions)  # most comparisons are of non-empty hit lists


def _synthetic_retriever(n_docs: int, per_doc: int, faiss_type: str, seed: int = 0):
    """A Retriever over random unit vectors in ``n_docs`` documents of ``per_doc`` chunks (dense arm only)."""
    from types import SimpleNamespace

    import faiss

    from qa.config import Config

    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n_docs * per_doc, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexHNSWFlat(64, 32, faiss.METRIC_INNER_PRODUCT) if faiss_type == "hnsw" else faiss.IndexFlatIP(64)
    index.add(vectors)
    chunks = [SimpleNamespace(doc_id=f"d{i // per_doc:04d}", kind="point", chunk_id=f"d{i // per_doc:04d}#{i % per_doc}")
              for i in range(len(vectors))]
    chunks[3] = SimpleNamespace(doc_id="d0000", kind="section", chunk_id="d0000#3")  # never returned
    idx = SimpleNamespace(chunks=chunks, faiss_index=index, vocab={}, bm25=None, embedder=None)
    return Retriever(idx, Config()), rng


@pytest.mark.parametrize("path", ["exact", "graph"])  # graph: every scope through the HNSW walk with a selector
def test_hnsw_keeps_its_recall_under_a_document_filter(monkeypatch, path):
    if path == "graph":
        monkeypatch.setattr(Retriever, "_exact_is_cheaper", lambda self, scope, ef: False)
    hnsw, rng = _synthetic_retriever(200, 20, "hnsw")
    flat, _ = _synthetic_retriever(200, 20, "flat")
    recalls = []
    for t in range(30):
        q = rng.standard_normal((1, 64)).astype(np.float32)
        q /= np.linalg.norm(q)
        scope = {f"d{d:04d}" for d in rng.choice(200, size=[1, 5, 40][t % 3], replace=False)} | {"d0000"}
        codes, rows = flat._scope(scope)
        want, _ = flat.dense_arm(q, codes, rows, 10)
        got, scores = hnsw.dense_arm(q, codes, rows, 10)
        assert {hnsw.index.chunks[i].doc_id for i in got} <= scope  # filtered inside the search
        assert 3 not in got.tolist() and len(got) == min(10, len(rows))
        assert list(scores) == sorted(scores, reverse=True)
        recalls.append(len(set(got.tolist()) & set(want.tolist())) / len(want))
    assert np.mean(recalls) >= 0.95, recalls


def test_dense_arm_asks_faiss_for_k_not_for_every_chunk(multi_assistant, monkeypatch):
    r = Retriever(multi_assistant.index, multi_assistant.config)
    asked = []
    real = type(r.index.faiss_index).search

    def spy(self, x, k, *args, **kwargs):
        asked.append(k)
        return real(self, x, k, *args, **kwargs)

    monkeypatch.setattr(type(r.index.faiss_index), "search", spy)
    monkeypatch.setattr(Retriever, "_exact_is_cheaper", lambda self, scope, ef: False)
    assert r.search("국비 지원", method="dense")
    assert r.search("국비 지원", method="dense", doc_ids={SEED_ID})
    assert asked and max(asked) <= r.config.candidate_k < len(r.index.chunks)


# ----------------------------------------------------------------------------- the embedding begun early
def test_an_early_embedding_is_the_questions_one_embedding(assistant, monkeypatch):
    """The vector begun while the question is read serves its searches (one embedding, the same vector); an early
    embedding of other words is not used, and BM25 alone begins none."""
    r = assistant.retriever
    calls = []
    embed = r.embed_query
    monkeypatch.setattr(r, "embed_query", lambda q: calls.append(q) or embed(q))
    early = r.embed_early("전주시가 받는 국비는?")
    handle = r.handle("전주시가 받는 국비는?", early=early)
    hits = handle.search()
    assert calls == ["전주시가 받는 국비는?"] and handle.embeddings == 1
    assert np.array_equal(handle.vector, embed("전주시가 받는 국비는?"))
    assert [h.chunk.chunk_id for h in hits] == [h.chunk.chunk_id for h in r.search("전주시가 받는 국비는?")]
    other = r.handle("전주 국비 얼마", early=r.embed_early("전주시가 받는 국비는?"))
    other.search()
    assert other._early is None and calls[-1] == "전주 국비 얼마"
    assert r.embed_early("국비", method="bm25") is None


def test_an_early_embedding_hands_over_the_embedders_error(assistant, monkeypatch):
    from qa.retrieve import Embedding

    def broken(query):
        raise RuntimeError("embedder down")
    with pytest.raises(RuntimeError, match="embedder down"):
        Embedding(broken, "국비").vector()
