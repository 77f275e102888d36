"""Index: build, persist and load the BM25 + FAISS index with a self-describing manifest.

The index folder holds ``manifest.json`` (format version, embedder, chunker settings, library versions,
a hash of every corpus file), the documents and chunks as JSON, the bm25s index and vocabulary, the FAISS
vectors and whatever later stages add (``facts.sqlite``). A build writes into a temporary sibling folder
and swaps it in with renames, so a failed build never breaks a good index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np

from .chunk import Chunk
from .config import Config, embedder_name
from .ingest import Document, corpus_hash
from .korean import tokenize

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class IndexError_(Exception):
    """Base class for index problems; the message names the fix."""


class IndexNotBuiltError(IndexError_):
    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"no index in {index_dir}; build it with: python -m qa build --index {index_dir}")


class IndexMismatchError(IndexError_):
    def __init__(self, index_dir: Path, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(f"index in {index_dir} is stale or foreign ({'; '.join(reasons)}); "
                         f"rebuild it with: python -m qa build --index {index_dir}")


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "unknown"


def _hash_pipeline_sources() -> str:
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("ingest.py", "chunk.py", "korean.py", "facts.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


_PIPELINE_HASH = _hash_pipeline_sources()  # of the code this process imported, not of later edits on disk


def pipeline_hash() -> str:
    """sha256 of the source of the stages whose output is stored in the index (ingest, chunk, Korean
    tokenization, facts): new extraction code means the stored index is stale."""
    return _PIPELINE_HASH


def expected_settings(config: Config) -> dict[str, Any]:
    """The parts of the config an index depends on; a difference means the index must be rebuilt."""
    return {
        "format_version": FORMAT_VERSION,
        "pipeline": pipeline_hash(),
        "embedder": embedder_name(config.embedder),
        "chunker": config.chunker_settings(),
        "bm25": {"k1": config.bm25_k1, "b": config.bm25_b, "tokenizer": "qa.korean.tokenize/v1"},
        "faiss": {"type": config.faiss_index, "hnsw_m": config.hnsw_m if config.faiss_index == "hnsw" else None},
    }


def check_manifest(manifest: dict[str, Any], config: Config, corpus_dir: Path | None) -> list[str]:
    """Reasons why the index does not fit this config and corpus (empty when it fits)."""
    reasons = []
    for key, want in expected_settings(config).items():
        have = manifest.get(key) if key != "embedder" else manifest.get("embedder", {}).get("name")
        if have != want:
            reasons.append(f"{key}: index has {have!r}, config wants {want!r}")
    if corpus_dir is not None and Path(corpus_dir).is_dir():
        have_files = manifest.get("corpus", {}).get("files", {})
        now_files = corpus_hash(Path(corpus_dir))
        changed = sorted(set(have_files) ^ set(now_files) | {f for f in now_files if have_files.get(f) != now_files[f]})
        if changed:
            reasons.append(f"corpus changed: {', '.join(changed)}")
    return reasons


@dataclass
class Index:
    """A loaded index: documents, chunks, BM25, FAISS and the embedder (loaded once, reused per query)."""

    path: Path
    manifest: dict[str, Any]
    documents: list[Document]
    chunks: list[Chunk]
    bm25: bm25s.BM25
    vocab: dict[str, int]
    faiss_index: Any
    embedder: Any = field(repr=False)

    @property
    def doc_by_id(self) -> dict[str, Document]:
        return {d.doc_id: d for d in self.documents}

    @cached_property
    def _df(self) -> np.ndarray:
        """Chunk frequency of every BM25 term id (bm25s keeps the scores as CSC arrays: one column a term)."""
        return np.diff(np.asarray(self.bm25.scores["indptr"]))

    def term_df(self, term: str) -> int:
        """In how many chunks a BM25 term occurs (0 when unknown)."""
        i = self.vocab.get(term)
        return int(self._df[i]) if i is not None and i < len(self._df) else 0

    def docs_with_term(self, term: str) -> set[str]:
        """The documents whose chunks contain a BM25 term."""
        i = self.vocab.get(term)
        if i is None or i >= len(self._df):
            return set()
        indptr = self.bm25.scores["indptr"]
        rows = np.asarray(self.bm25.scores["indices"])[indptr[i]:indptr[i + 1]]
        return {self.chunks[int(r)].doc_id for r in rows}

    @cached_property
    def _idf(self) -> dict[str, float]:
        n = max(len(self.chunks), 1)
        df = self._df
        return {t: float(np.log(1 + (n - df[i] + 0.5) / (df[i] + 0.5))) for t, i in self.vocab.items() if i < len(df)}

    def vocab_idf(self) -> dict[str, float]:
        """Inverse document frequency of every BM25 term (for weighting matched morphemes); computed once."""
        return self._idf

    @cached_property
    def _common(self) -> set[str]:
        n = max(len(self.chunks), 1)
        df = self._df
        return {t for t, i in self.vocab.items() if i < len(df) and df[i] > 0.5 * n and n >= 5}

    def common_terms(self) -> set[str]:
        """Terms in more than half of the chunks (사업, 스마트도시 …): too common to show relevance."""
        return self._common

    def bm25_scores(self, query: str) -> np.ndarray:
        ids = [self.vocab[t] for t in tokenize(query) if t in self.vocab]
        if not ids or not self.chunks:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self.bm25.get_scores_from_ids(ids), dtype=np.float32)

    def dense_scores(self, query: str) -> np.ndarray:
        n = len(self.chunks)
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        q = np.asarray(self.embedder.encode_query([query], normalize_embeddings=True, show_progress_bar=False),
                       dtype=np.float32)
        scores, ids = self.faiss_index.search(q, n)
        out = np.full(n, -np.inf, dtype=np.float32)
        valid = ids[0] >= 0
        out[ids[0][valid]] = scores[0][valid]
        return out


def _make_faiss(vectors: np.ndarray, config: Config) -> Any:
    dim = vectors.shape[1]
    if config.faiss_index == "hnsw":
        index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = max(64, config.candidate_k * 2)
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def build_index(config: Config, documents: list[Document], chunks: list[Chunk], embedder: Any = None,
                extras: dict[str, Callable[[Path], None]] | None = None) -> Path:
    """Build the index into a temporary folder, then swap it in atomically.

    Args:
        config: settings; ``config.index_dir`` is the destination.
        documents, chunks: output of the ingest and chunk stages.
        embedder: a loaded sentence-transformers model (loaded from ``config.embedder`` when ``None``).
        extras: ``{name: writer(folder)}`` for files later stages add (the facts table).

    Returns:
        The index folder.
    """
    t0 = time.perf_counter()
    index_dir = Path(config.index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    if embedder is None:
        from .embed import load_embedder  # torch is imported only when a model is really needed

        embedder = load_embedder(config.embedder)
    tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.build-", dir=index_dir.parent))
    try:
        with open(tmp / "documents.json", "w", encoding="utf-8") as fh:
            json.dump([{**d.to_dict(), "lines": list(d.lines)} for d in documents], fh, ensure_ascii=False)
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        # BM25 over Kiwi morphemes
        tokenizer = bm25s.tokenization.Tokenizer(splitter=tokenize, lower=False, stopwords=None)
        corpus_tokens = tokenizer.tokenize([c.search_text for c in chunks], return_as="tuple", show_progress=False)
        bm25 = bm25s.BM25(k1=config.bm25_k1, b=config.bm25_b)
        bm25.index(corpus_tokens, show_progress=False)
        bm25.save(str(tmp / "bm25"))
        tokenizer.save_vocab(str(tmp / "bm25"))
        # dense vectors
        texts = [c.search_text for c in chunks]
        vectors = np.asarray(embedder.encode_document(texts, batch_size=config.embed_batch_size,
                                                      normalize_embeddings=True, show_progress_bar=False),
                             dtype=np.float32).reshape(len(texts), -1)
        dim = int(vectors.shape[1]) if len(texts) else int(embedder.get_embedding_dimension())
        faiss.write_index(_make_faiss(vectors, config), str(tmp / "dense.faiss"))
        for writer in (extras or {}).values():
            writer(tmp)
        manifest = {
            **expected_settings(config),
            "embedder": {"name": embedder_name(config.embedder), "dim": dim},
            "qa_version": _version("gongo-qa"),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - t0, 3),
            "versions": {p: _version(p) for p in ("kiwipiepy", "bm25s", "faiss-cpu", "sentence-transformers")},
            # the checksums of the bytes that were read, so an edit saved during the build shows as stale
            "corpus": {"dir": str(config.corpus_dir), "files": dict(sorted(
                (name, sha) for d in documents for name, sha in d.checksums))},
            "counts": {"documents": len(documents), "chunks": len(chunks)},
            "extras": sorted(extras or {}),
        }
        with open(tmp / MANIFEST, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=2)
        _swap_in(tmp, index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return index_dir


def _swap_in(tmp: Path, index_dir: Path) -> None:
    """Replace ``index_dir`` by ``tmp`` with renames; the old index stays until the new one is in place.

    Files in ``index_dir`` that are not build output (a README) are carried over.
    """
    old = None
    if index_dir.exists():
        for keep in index_dir.glob("README*"):
            shutil.copy2(keep, tmp / keep.name)
        old = index_dir.with_name(f".{index_dir.name}.old-{os.getpid()}-{time.time_ns()}")
        os.replace(index_dir, old)
    os.replace(tmp, index_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(index_dir: Path) -> dict[str, Any]:
    path = Path(index_dir) / MANIFEST
    if not path.is_file():
        raise IndexNotBuiltError(Path(index_dir))
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_index(config: Config, embedder: Any = None, check_corpus: bool = True) -> Index:
    """Load the index, refusing one that is missing, stale or foreign.

    Raises:
        IndexNotBuiltError: no index in ``config.index_dir``.
        IndexMismatchError: the manifest does not fit the config or the corpus on disk.
    """
    index_dir = Path(config.index_dir)
    manifest = read_manifest(index_dir)
    reasons = check_manifest(manifest, config, Path(config.corpus_dir) if check_corpus else None)
    if reasons:
        raise IndexMismatchError(index_dir, reasons)
    with open(index_dir / "documents.json", encoding="utf-8") as fh:
        documents = [Document(doc_id=d["doc_id"], title=d["title"], publisher=d["publisher"],
                              published=d["published"], source=d["source"], path=d["path"],
                              lines=tuple(d["lines"]), checksums=tuple(tuple(c) for c in d.get("checksums", [])))
                     for d in json.load(fh)]
    chunks = []
    with open(index_dir / "chunks.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            d["cells"] = tuple(tuple(c) for c in d["cells"])
            chunks.append(Chunk(**d))
    bm25 = bm25s.BM25.load(str(index_dir / "bm25"))
    with open(index_dir / "bm25" / "vocab.tokenizer.json", encoding="utf-8") as fh:
        vocab = json.load(fh)["word_to_id"]
    if embedder is None:
        from .embed import load_embedder

        embedder = load_embedder(config.embedder)
    return Index(path=index_dir, manifest=manifest, documents=documents, chunks=chunks, bm25=bm25,
                 vocab=vocab, faiss_index=faiss.read_index(str(index_dir / "dense.faiss")), embedder=embedder)
