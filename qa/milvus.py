"""The Milvus retrieval backend: the same searches as the local files, run by Milvus Lite or a Milvus server.

One collection per index holds every chunk: its text, its Kiwi morphemes (the tokens the local bm25s index reads),
each spelled as one opaque token (:func:`morpheme_token`) and joined by spaces for Milvus's BM25 function with the
``standard`` tokenizer (Milvus has no Korean analyzer, and its ``standard`` one would split or drop some of our
morphemes), the dense vector, the document, table and row, date and year. The BM25 index is made with the
configured ``bm25_k1`` and ``bm25_b``, those the local index was built with. A hybrid question is one
``hybrid_search`` (a FLAT inner-product request and a SPARSE_INVERTED_INDEX BM25 request, fused by
``RRFRanker``), scoped by a filter expression run in the engine; the question's vector is the one
:class:`~qa.retrieve.SearchHandle` embedded, never embedded again here. The collection follows the loaded index:
opening the backend adds the announcements whose chunks changed and deletes those that are gone, one
announcement at a time (a content hash per document, kept on its first chunk), so a rebuild after an upload
sends Milvus only the new document, and several processes syncing the same index converge (upserts by chunk
id, deletes by document).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .chunk import lexical_title
from .config import Config, embedder_name
from .korean import tokenize

if TYPE_CHECKING:
    from .chunk import Chunk
    from .index import Index
    from .retrieve import Candidates, Method

log = logging.getLogger("qa.milvus")

UNSEARCHABLE = ("section", "meta")  # as in qa.retrieve: stored, never returned
MAX_TEXT = 8000  # characters of a chunk's text kept in the collection (Milvus VARCHAR is bounded in bytes)
TOKEN_FORM = "blake2b64-hex/1"  # how morpheme_token spells a morpheme: part of every document's hash (doc_hash)
TOKEN_CHARS = 16  # the length of every morpheme_token
MAX_TOKENS = 65535 // (TOKEN_CHARS + 1)  # morphemes of one chunk that fit the 65,535-byte VARCHAR (3,855)
BATCH = 512  # rows per insert request


class MilvusUnavailable(ConnectionError):
    """pymilvus (or milvus-lite for a file URI) is not installed, or the server cannot be reached; names the fix."""


def milvus_uri(config: Config) -> str:
    """``config.milvus_uri``, or a Milvus Lite file beside the index folder (``index.milvus.db``)."""
    if config.milvus_uri:
        return config.milvus_uri
    index_dir = Path(config.index_dir)
    return str(index_dir.parent / f"{index_dir.name}.milvus.db")


def collection_name(config: Config) -> str:
    """``config.milvus_collection``, or one name per index folder (its name and a hash of its full path)."""
    if config.milvus_collection:
        return config.milvus_collection
    index_dir = Path(config.index_dir).resolve()
    stem = re.sub(r"[^A-Za-z0-9_]", "_", index_dir.name)[:40]
    return f"qa_{stem}_{hashlib.sha1(str(index_dir).encode()).hexdigest()[:8]}"


def morpheme_token(morpheme: str) -> str:
    """One of our morphemes as exactly one token of Milvus's ``standard`` analyzer: the first 8 bytes of the
    BLAKE2b digest of its UTF-8, in lowercase hex (always :data:`TOKEN_CHARS` characters of ``0-9a-f``).

    Why: the ``standard`` tokenizer (Milvus: split at spaces and punctuation; Milvus Lite 3: the runs of ``\\w``,
    lowercased) splits at punctuation and drops symbols, so fed the morphemes themselves it read ``3:1`` as ``3``
    and ``1``, ``5.3`` and ``12.5%`` as ``5`` and ``3``, ``12`` and ``5``, ``4897/2022`` as two words, ``no.`` as
    ``no`` and ``%`` as nothing, so its term statistics were not ours and near-tied candidates swapped. A run of
    lowercase hex digits is one word to any such tokenizer, and a lowercase filter leaves it as it is, whatever
    the morpheme holds. A hash rather than an escaped form (the hex of the UTF-8 bytes, say): the same length for
    every morpheme (an escaped Hangul syllable is 6 characters, a long number or name grows without bound, and
    analyzers may drop long tokens or the VARCHAR cut them), so a chunk's tokens fit the field. 64 bits: no two
    morphemes of any corpus share a token (Milvus itself maps each token to a 32-bit term id, so this is not the
    weaker step). A fixed digest, not Python's ``hash()``: the same token in every process, on every machine and
    version, as a collection shared by replicas needs. The spelling is :data:`TOKEN_FORM`.
    """
    return hashlib.blake2b(morpheme.encode(), digest_size=8).hexdigest()


def morpheme_text(text: str, title: str = "") -> str:
    """What Milvus's BM25 reads, for a chunk and for a question alike: each of our Kiwi morphemes
    (:func:`qa.korean.tokenize`, what the local bm25s index reads) as its :func:`morpheme_token`, space separated
    (at most :data:`MAX_TOKENS`, what the field holds; the local index has no such bound). A chunk's are read under
    its announcement's ``title``, the title's morphemes first, as the local index reads them
    (:func:`qa.chunk.lexical_text`)."""
    tokens = (tokenize(title) if title else []) + tokenize(text)
    return " ".join(morpheme_token(t) for t in tokens[:MAX_TOKENS])


def doc_hash(chunks: list[Chunk], embedder: str, title: str = "") -> str:
    """A document's chunks as the collection holds them: a change of any text, kind, the embedder or the spelling of
    the morphemes (:data:`TOKEN_FORM`) re-sends it, so a collection filled by older code is re-sent whole on load
    and never holds two spellings at once."""
    h = hashlib.sha256(f"{embedder}\0{TOKEN_FORM}\0{title}".encode())
    for c in chunks:
        h.update(f"\0{c.chunk_id}\0{c.kind}\0{c.search_text}".encode())
    return h.hexdigest()


def filter_expr(doc_ids: Iterable[str] | None = None, years: Iterable[int] | None = None) -> str:
    """The engine-side filter of a search: searchable chunks of the documents (and years) in scope."""
    parts = ["searchable == true"]
    if doc_ids is not None:
        parts.append(f"doc_id in {json.dumps(sorted(doc_ids), ensure_ascii=False)}")
    if years is not None:
        parts.append(f"year in {sorted(int(y) for y in years)}")
    return " and ".join(parts)


def bm25_index_params(config: Config) -> dict[str, Any]:
    """The BM25 index's parameters: ``bm25_k1`` and ``bm25_b`` of the config, the ones the local bm25s index is
    built with (its stored settings say so). Sent twice: as the flat keys pymilvus sends and a Milvus server reads,
    and in the ``params`` JSON that Milvus Lite 3 reads (it ignores the flat keys, and its defaults, k1 1.5 and
    b 0.75, are not bm25s's 1.2 and 0.75); a server merges the two, which agree."""
    k1, b = float(config.bm25_k1), float(config.bm25_b)
    return {"bm25_k1": k1, "bm25_b": b, "params": {"bm25_k1": str(k1), "bm25_b": str(b)}}


def _bm25_of(index_info: Any) -> tuple[float, float] | None:
    """(k1, b) a described BM25 index reports (flat keys or its ``params``), or ``None`` when it reports none."""
    info = dict(index_info or {})
    nested = info.get("params")
    if isinstance(nested, dict):
        info = {**info, **nested}
    try:
        return float(info["bm25_k1"]), float(info["bm25_b"])
    except (KeyError, TypeError, ValueError):
        return None


def _connect(uri: str) -> Any:
    """A ``MilvusClient`` for ``uri``; on a Milvus Lite file, one that sends no keepalive pings while no call is open.

    Milvus Lite serves a file from a gRPC server in this process that accepts a ping without calls once in 5 minutes;
    pymilvus pings every 10 s, so after ~40 s idle the server answers GOAWAY "too_many_pings", and a client made
    for the same file afterwards could fail to connect (seen in the suite: a Lite file left idle for a minute while
    another set was asked). A server (``http://…``) keeps pymilvus's keepalive."""
    from pymilvus import MilvusClient

    if "://" in uri:
        return MilvusClient(uri=uri)
    return MilvusClient(uri=uri, grpc_options={"grpc.keepalive_permit_without_calls": 0})


def _year(published: str) -> int:
    m = re.match(r"(\d{4})", published or "")
    return int(m.group(1)) if m else 0


def _table_id(c: Chunk) -> str:
    """A table row's table: its document and caption line (what the per-table row limit counts)."""
    return f"{c.doc_id}\n{c.search_text.split(chr(10), 1)[0]}"[:500] if c.kind == "table_row" else ""


class MilvusBackend:
    """Searches one Milvus collection that mirrors the loaded index (see the module docstring)."""

    name = "milvus"

    def __init__(self, client: Any, collection: str, index: Index, config: Config, uri: str = "") -> None:
        self._client, self._pid, self.uri = client, os.getpid(), uri
        self.collection = collection
        self.index = index
        self.config = config
        self.row_of = {c.chunk_id: i for i, c in enumerate(index.chunks)}
        self.docs = {d.doc_id: d for d in getattr(index, "documents", ())}

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, index: Index, config: Config, sync: bool = True) -> MilvusBackend:
        """Connect, create the collection when missing (or of another dimension) and bring it up to the index.

        Raises:
            MilvusUnavailable: pymilvus / milvus-lite missing, or the server not reachable (one line, the fix).
        """
        uri = milvus_uri(config)
        try:
            import pymilvus  # noqa: F401
        except ImportError:
            raise MilvusUnavailable("retrieval_backend = milvus needs pymilvus (and milvus-lite for a file URI): "
                                    "pip install 'gongo-qa[milvus]'") from None
        if "://" not in uri:
            Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            client = _connect(uri)
        except Exception as exc:  # noqa: BLE001 - whatever the transport raises, said in one line
            raise MilvusUnavailable(f"cannot open Milvus at {uri}: {' '.join(str(exc).split())[:300]} "
                                    f"(QA_MILVUS_URI: a local .db file for Milvus Lite, or http://host:19530)") from None
        backend = cls(client, collection_name(config), index, config, uri)
        backend.ensure_collection(int(index.faiss_index.d))
        if sync:
            backend.sync()
        return backend

    @property
    def client(self) -> Any:
        """This process's connection: a worker forked after loading (``ui.py --workers``) opens its own, as a
        gRPC channel must not cross a fork (Milvus Lite runs in the process on a local file: machines share a server)."""
        if self._pid != os.getpid():
            self._client, self._pid = _connect(self.uri), os.getpid()
        return self._client

    def ensure_collection(self, dim: int) -> None:
        """The collection with its schema and indexes; dropped and made again for another vector dimension or other
        BM25 parameters (a collection made before they reached Milvus Lite scores with its k1 of 1.5)."""
        from pymilvus import DataType, Function, FunctionType

        c, name = self.client, self.collection
        want = bm25_index_params(self.config)
        want_bm25 = (want["bm25_k1"], want["bm25_b"])
        if c.has_collection(name):
            fields = {f["name"]: f for f in c.describe_collection(name).get("fields", [])}
            have = (fields.get("vector") or {}).get("params", {}).get("dim")
            bm25 = _bm25_of(c.describe_index(name, "sparse")) if "sparse" in fields else None
            if have is not None and int(have) == dim and "morphemes" in fields and bm25 == want_bm25:
                c.load_collection(name)  # a collection found on disk or on the server starts released
                return
            log.info("milvus: collection %s holds vectors of dimension %s and BM25 (k1, b) %s, the index %d and %s: "
                     "made again", name, have, bm25, dim, want_bm25)
            c.drop_collection(name)
        s = c.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("chunk_id", DataType.VARCHAR, max_length=512, is_primary=True)
        s.add_field("doc_id", DataType.VARCHAR, max_length=512)
        s.add_field("doc_sha", DataType.VARCHAR, max_length=64)
        s.add_field("first", DataType.BOOL)  # the document's first chunk carries its hash for the sync
        s.add_field("searchable", DataType.BOOL)
        s.add_field("kind", DataType.VARCHAR, max_length=32)
        s.add_field("table_id", DataType.VARCHAR, max_length=2048)
        s.add_field("row", DataType.INT64)  # position within the document
        s.add_field("date", DataType.VARCHAR, max_length=32)
        s.add_field("year", DataType.INT64)
        s.add_field("text", DataType.VARCHAR, max_length=65535)
        s.add_field("morphemes", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
                    analyzer_params={"tokenizer": "standard"})
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["morphemes"],
                                output_field_names=["sparse"]))
        ip = c.prepare_index_params()
        ip.add_index("vector", index_type="FLAT", metric_type="IP")
        ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params=want)
        c.create_collection(name, schema=s, index_params=ip, consistency_level="Strong")

    # ------------------------------------------------------------------ keeping up with the index
    def stored_documents(self) -> dict[str, str]:
        """doc_id → content hash of every document in the collection (one row each: its first chunk)."""
        out: dict[str, str] = {}
        it = self.client.query_iterator(self.collection, batch_size=1000, filter="first == true",
                                        output_fields=["doc_id", "doc_sha"])
        try:
            while True:
                batch = it.next()
                if not batch:
                    break
                out.update((r["doc_id"], r["doc_sha"]) for r in batch)
        finally:
            it.close()
        return out

    def sync(self) -> dict[str, int]:
        """Add the documents the index has and the collection lacks (or holds another version of), delete the
        ones it no longer has; returns how many documents were added and deleted."""
        by_doc: dict[str, list[int]] = {}
        for i, c in enumerate(self.index.chunks):
            by_doc.setdefault(c.doc_id, []).append(i)
        embedder = embedder_name(self.config.embedder)
        want = {d: doc_hash([self.index.chunks[i] for i in rows], embedder, self._title(d)) for d, rows in by_doc.items()}
        have = self.stored_documents()
        gone = sorted(d for d in have if have[d] != want.get(d))
        for i in range(0, len(gone), 100):
            self.client.delete(self.collection, filter=f"doc_id in {json.dumps(gone[i:i + 100], ensure_ascii=False)}")
        added = [d for d in want if have.get(d) != want[d]]
        batch: list[dict[str, Any]] = []
        for d in added:  # many small documents go in requests of BATCH rows, not one request each
            batch += self._records(d, by_doc[d], want[d])
            if len(batch) >= BATCH:
                self.client.upsert(self.collection, batch)
                batch = []
        if batch:
            self.client.upsert(self.collection, batch)
        if gone or added:
            # sealed and indexed segments: rows left in a growing segment are scanned slowly (measured on Milvus Lite
            # at 18,000 chunks: a hybrid search 3.6 s before, 0.07 s after)
            self.client.flush(self.collection)
            log.info("milvus: %s synced with the index: %d document(s) added, %d deleted", self.collection,
                     len(added), len(gone) - len(set(gone) & set(added)))
        return {"added": len(added), "deleted": len(set(gone) - set(added))}

    def add_document(self, doc_id: str, rows: list[int], sha: str) -> int:
        """Insert (upsert) one document's chunks, rows of the loaded index; returns how many."""
        records = self._records(doc_id, rows, sha)
        for i in range(0, len(records), BATCH):
            self.client.upsert(self.collection, records[i:i + BATCH])
        self.client.flush(self.collection)
        return len(records)

    def _records(self, doc_id: str, rows: list[int], sha: str) -> list[dict[str, Any]]:
        """One document's chunks as collection rows (morphemes tokenized here, vectors read from FAISS)."""
        chunks = [self.index.chunks[i] for i in rows]
        doc = self.docs.get(doc_id)
        published = getattr(doc, "published", "") or ""
        vectors = self.index.faiss_index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return [{"chunk_id": c.chunk_id, "doc_id": c.doc_id, "doc_sha": sha, "first": n == 0,
                 "searchable": c.kind not in UNSEARCHABLE, "kind": c.kind[:32], "table_id": _table_id(c), "row": n,
                 "date": published[:32], "year": _year(published), "text": c.search_text[:MAX_TEXT],
                 "morphemes": morpheme_text(c.search_text, self._title(doc_id)), "vector": v.tolist()}
                for n, (c, v) in enumerate(zip(chunks, vectors, strict=True))]

    def _title(self, doc_id: str) -> str:
        """The title the word search reads a document's chunks under (:func:`qa.chunk.lexical_text`), as the local
        index does."""
        return lexical_title(self.docs.get(doc_id), self.config.bm25_title)

    def delete_document(self, doc_id: str) -> None:
        """Remove every chunk of one document."""
        self.client.delete(self.collection, filter=f"doc_id == {json.dumps(doc_id, ensure_ascii=False)}")

    def count(self) -> int:
        res = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(res[0]["count(*)"])

    # ------------------------------------------------------------------ searching
    def candidates(self, query: str, vector: np.ndarray | None, method: Method, doc_ids: set[str] | None,
                   rows: np.ndarray, k: int) -> Candidates:
        """The arms in Milvus: one hybrid search fused by ``RRFRanker`` (equal arm weights, RRF), else each
        arm searched alone and fused here with the local functions (weights, convex fusion)."""
        from .retrieve import Candidates, fuse

        config = self.config
        expr = filter_expr(doc_ids)
        words = morpheme_text(query) if method in ("hybrid", "bm25") else ""
        if method == "hybrid" and vector is not None and words and config.fusion == "rrf" and \
                config.bm25_weight == config.dense_weight:
            return Candidates(self._hybrid(words, vector, expr, k, config.bm25_weight))
        bm = self._arm("sparse", words, "BM25", expr, k) if words else {}
        de = self._arm("vector", vector[0].tolist(), "IP", expr, k) if vector is not None else {}
        return fuse(method, config, bm, de, _ranks(bm), _ranks(de))

    def _hybrid(self, words: str, vector: np.ndarray, expr: str, k: int, weight: float) -> dict[int, float]:
        from pymilvus import AnnSearchRequest, RRFRanker

        reqs = [AnnSearchRequest(data=[vector[0].tolist()], anns_field="vector", param={"metric_type": "IP"},
                                 limit=k, expr=expr),
                AnnSearchRequest(data=[words], anns_field="sparse", param={"metric_type": "BM25"}, limit=k, expr=expr)]
        res = self.client.hybrid_search(self.collection, reqs, RRFRanker(self.config.rrf_k), limit=2 * k,
                                        output_fields=["chunk_id"])
        # Milvus fuses Σ 1/(k + rank) in float32; the local fusion weighs each arm: equal weights scale it alike
        return {row: round(float(h["distance"]) * weight, 8) for row, h in self._rows(res)}

    def _arm(self, field: str, data: Any, metric: str, expr: str, k: int) -> dict[int, float]:
        """One arm's hits in rank order: row → score (BM25 distances are made positive: Lite reports them negated)."""
        res = self.client.search(self.collection, data=[data], anns_field=field, limit=k, filter=expr,
                                 search_params={"metric_type": metric}, output_fields=["chunk_id"])
        out = {}
        for row, h in self._rows(res):
            d = float(h["distance"])
            # Milvus's BM25 keeps the (k1 + 1) factor that bm25s (Lucene's form) leaves out: the same scale as local
            out[row] = abs(d) / (1 + self.config.bm25_k1) if metric == "BM25" else d
        return out

    def _rows(self, res: Any):
        """(index row, hit) of a result, skipping chunks this process's index does not hold (another replica
        synced a newer index: this one answers from what it loaded until it loads that one too)."""
        for h in (res[0] if res else []):
            row = self.row_of.get(h.get("id", h.get("chunk_id")))
            if row is not None:
                yield row, h


def _ranks(scores: dict[int, float]) -> dict[int, int]:
    """1-based ranks of an arm's hits, best first (ties: lower row first, as the local arms)."""
    return {i: r for r, i in enumerate(sorted(scores, key=lambda i: (-scores[i], i)), start=1)}
