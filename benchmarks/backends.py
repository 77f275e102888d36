"""``python -m benchmarks --backend milvus``: the Milvus backend beside the local files, measured in one run.

* At ``--backend-size`` announcements (default 1,000, made by varying the real ones as ``--scale`` does): the
  local build, the Milvus build (the collection filled from the index), adding one announcement (the index's
  incremental build, then the one document sent to Milvus), and ``ask()`` p50 / p95 over the golden questions
  on each backend. The chunks' vectors come from a deterministic stand-in (a hash of the text), to spare the
  half-hour embedding of ~18,000 chunks on two cores; questions are embedded by the real model, so latencies
  are real, answers' correctness is not measured here (the tests compare verdicts on the real index).
* At ``--backend-retrieval`` chunk counts (default 100,000): random unit vectors (384 d) with random words, one
  document per 20 chunks, searched by Milvus (FLAT dense, BM25, hybrid) and by exact FAISS through the local
  dense arm: recall@10 of Milvus's dense top 10 against FAISS's, p50 / p95 latency without a filter, with one
  document and with 10 % of documents; insert time, the Milvus Lite file on disk and this process's RSS.
"""

from __future__ import annotations

import hashlib
import os
import resource
import statistics
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from .measure import Rows, _config, _latencies, pct, random_scope, varied_corpus

DIM = 384


class StandInEmbedder:
    """Document vectors from a hash of the text (deterministic, no model); queries by the real model."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def encode_document(self, texts, **kwargs) -> np.ndarray:
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out

    def encode_query(self, *args, **kwargs):
        return self.real.encode_query(*args, **kwargs)

    def get_embedding_dimension(self) -> int:
        return DIM


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du_mib(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _store_size_mib(url: str) -> str:
    """What the facts and documents take in the store: PostgreSQL's table sizes (with indexes), or the file."""
    from qa.store import Database

    db = Database(url)
    if db.dialect == "sqlite":
        return f"{Path(url).stat().st_size / 2**20:.1f} MiB (SQLite file)"
    with db.transaction() as tx:
        sizes = {t: tx.execute("select pg_total_relation_size(?)", (t,)).fetchone()[0] / 2**20
                 for t in ("facts", "documents", "file_reports")}
    return ", ".join(f"{t} {v:.1f} MiB" for t, v in sizes.items()) + " (PostgreSQL, with indexes)"


def announcements(size: int, tmp: Path, questions, store_url: str = "") -> Rows:
    """Build, add one and ask on both backends at ``size`` announcements (see the module docstring)."""
    from qa.assistant import Assistant, build
    from qa.embed import load_embedder
    from qa.index import load_index

    corpus = varied_corpus(size, tmp / f"backend-{size}" / "corpus")
    config = _config(corpus, tmp / f"backend-{size}" / "index")
    mconfig = config.replace(retrieval_backend="milvus", milvus_uri=str(tmp / f"backend-{size}" / "milvus.db"))
    real = load_embedder(config.embedder)
    stand_in = StandInEmbedder(real)
    rows: Rows = []
    t0 = time.perf_counter()
    build(config, embedder=stand_in, full=True)
    index = load_index(config, embedder=real)
    n = len(index.chunks)
    rows.append((f"{size:,} announcements ({n:,} chunks): local build, full, stand-in vectors",
                 f"{time.perf_counter() - t0:.1f} s"))
    local = Assistant(config, index)
    if store_url:
        from qa.store import Store

        t0 = time.perf_counter()
        Store.open(store_url).publish(index, local.fact_table, [])
        rows.append((f"{size:,} announcements ({len(local.fact_table):,} facts): store publish, first",
                     f"{time.perf_counter() - t0:.1f} s; {_store_size_mib(store_url)}"))
    t0 = time.perf_counter()
    rss0 = _rss_mib()
    remote = Assistant(mconfig, index)  # opening the backend fills the collection from the index
    rows.append((f"{size:,} announcements: Milvus Lite build (collection filled from the index: morphemes, vectors)",
                 f"{time.perf_counter() - t0:.1f} s, file {_du_mib(Path(mconfig.milvus_uri)):.0f} MiB, "
                 f"peak RSS +{_rss_mib() - rss0:.0f} MiB"))
    folder = Path(config.index_dir)
    parts = {name: _du_mib(folder / name) for name in ("dense.faiss", "bm25", "chunks.jsonl", "facts.sqlite", "units.sqlite")}
    rows.append((f"{size:,} announcements: local index folder on disk",
                 f"{_du_mib(folder):.0f} MiB (" + ", ".join(f"{k} {v:.1f}" for k, v in parts.items()) + " MiB)"))
    for name, a in (("local", local), ("milvus", remote)):
        for q, h in questions[:5]:
            a.ask(q, history=h)
        stages, _ = _latencies(a, questions)
        wall = stages["ask() wall"]
        embeds = max(stages["query embeddings per question"])
        rows.append((f"{size:,} announcements: ask() p50 / p95 on {name} ({len(questions)} golden questions)",
                     f"{statistics.median(wall):.0f} / {pct(wall, 95):.0f} ms (at most {embeds:.0f} query embedding)"))
    before = set(corpus.iterdir())
    varied_corpus(1, corpus, start=size)
    added = [p for p in set(corpus.iterdir()) - before if p.suffix == ".txt"]
    t0 = time.perf_counter()
    build(config, embedder=stand_in)
    index2 = load_index(config, embedder=real)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    from qa.milvus import MilvusBackend

    backend = MilvusBackend.open(index2, mconfig, sync=False)
    sent = backend.sync()
    rows.append((f"{size:,} announcements: add one ({added[0].name}): index build (incremental) + load / Milvus sync",
                 f"{t_build:.1f} s / {time.perf_counter() - t0:.1f} s ({sent['added']} document sent)"))
    rows.append(("peak RSS of this process (both backends loaded)", f"{_rss_mib():.0f} MiB"))
    return rows


def retrieval(n: int, tmp: Path, per_doc: int = 20, n_queries: int = 100, seed: int = 0) -> Rows:
    """Milvus (Lite) FLAT / BM25 / hybrid beside exact FAISS at ``n`` random chunks (see the module docstring)."""
    import faiss
    from pymilvus import AnnSearchRequest, MilvusClient, RRFRanker

    from qa.config import Config
    from qa.milvus import MilvusBackend, filter_expr
    from qa.retrieve import Retriever

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    queries = rng.standard_normal((n_queries, DIM)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    words = rng.integers(0, 20_000, size=(n, 8))
    n_docs = (n + per_doc - 1) // per_doc
    chunks = [SimpleNamespace(doc_id=f"d{i // per_doc:07d}", kind="point", chunk_id=f"c{i}") for i in range(n)]
    flat = faiss.IndexFlatIP(DIM)
    flat.add(x)
    config = Config.load()
    local = Retriever(SimpleNamespace(chunks=chunks, faiss_index=flat, vocab={}, bm25=None, embedder=None), config)
    uri = tmp / f"retrieval-{n}.milvus.db"
    rss0 = _rss_mib()
    client = MilvusClient(uri=str(uri))
    mconfig = config.replace(milvus_collection=f"bench_{n}")
    backend = MilvusBackend(client, mconfig.milvus_collection, SimpleNamespace(chunks=chunks), mconfig, str(uri))
    backend.ensure_collection(DIM)
    t0 = time.perf_counter()
    step = 2000
    for i in range(0, n, step):
        client.insert(backend.collection, [
            {"chunk_id": f"c{j}", "doc_id": chunks[j].doc_id, "doc_sha": "", "first": j % per_doc == 0,
             "searchable": True, "kind": "point", "table_id": "", "row": j % per_doc, "date": "2025-01-01",
             "year": 2025, "text": "", "morphemes": " ".join(f"w{w}" for w in words[j]), "vector": x[j].tolist()}
            for j in range(i, min(n, i + step))])
    client.flush(backend.collection)
    insert_s = time.perf_counter() - t0
    rows: Rows = [(f"retrieval, {n:,} random chunks: Milvus Lite insert (BM25 function on 8 words each)",
                   f"{insert_s:.1f} s ({n / insert_s:,.0f} chunks/s), file {_du_mib(uri):.0f} MiB, "
                   f"process RSS +{_rss_mib() - rss0:.0f} MiB")]
    scopes = {"no filter": None, "1 document": "one", "10 % of documents": "tenth"}
    for label, how in scopes.items():
        t_faiss, t_mv, t_hy, t_bm, recall = [], [], [], [], []
        for qi in range(n_queries):
            doc_ids = random_scope(rng, n_docs, how, digits=7)
            q = queries[qi:qi + 1]
            t = time.perf_counter()
            codes, scope_rows = local._scope(doc_ids)
            want, _ = local.dense_arm(q, codes, scope_rows, 10)
            t_faiss.append((time.perf_counter() - t) * 1000)
            expr = filter_expr(doc_ids)
            t = time.perf_counter()
            res = client.search(backend.collection, data=[q[0].tolist()], anns_field="vector", limit=10, filter=expr,
                                search_params={"metric_type": "IP"}, output_fields=["chunk_id"])
            t_mv.append((time.perf_counter() - t) * 1000)
            got = {int(str(h.get("id", h.get("chunk_id")))[1:]) for h in res[0]}
            recall.append(len(got & set(want.tolist())) / max(len(want), 1))
            text = " ".join(f"w{w}" for w in words[int(rng.integers(n))][:3])
            t = time.perf_counter()
            client.search(backend.collection, data=[text], anns_field="sparse", limit=30, filter=expr,
                          search_params={"metric_type": "BM25"}, output_fields=["chunk_id"])
            t_bm.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            client.hybrid_search(backend.collection, [
                AnnSearchRequest(data=[q[0].tolist()], anns_field="vector", param={"metric_type": "IP"}, limit=30, expr=expr),
                AnnSearchRequest(data=[text], anns_field="sparse", param={"metric_type": "BM25"}, limit=30, expr=expr)],
                RRFRanker(60), limit=60, output_fields=["chunk_id"])
            t_hy.append((time.perf_counter() - t) * 1000)
        rows.append((f"retrieval, {n:,} chunks, {label}: dense p50 / p95, exact FAISS vs Milvus FLAT; Milvus recall@10",
                     f"{statistics.median(t_faiss):.1f} / {pct(t_faiss, 95):.1f} ms vs {statistics.median(t_mv):.1f} / "
                     f"{pct(t_mv, 95):.1f} ms; recall@10 {statistics.mean(recall):.3f}"))
        rows.append((f"retrieval, {n:,} chunks, {label}: Milvus BM25 (top 30) / hybrid RRF (30 + 30) p50 / p95",
                     f"{statistics.median(t_bm):.1f} / {pct(t_bm, 95):.1f} ms, {statistics.median(t_hy):.1f} / "
                     f"{pct(t_hy, 95):.1f} ms"))
    client.drop_collection(backend.collection)
    client.close()
    for p in tmp.glob(f"retrieval-{n}.milvus.db*"):
        if p.is_file():
            os.unlink(p)
    return rows
