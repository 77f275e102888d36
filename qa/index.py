"""Index: build, persist and load the BM25 + FAISS index with a self-describing manifest.

The index folder holds ``manifest.json`` (format version, embedder, chunker settings, library versions,
a hash of every corpus file), the documents and chunks as JSON, the bm25s index and vocabulary, the FAISS
vectors, whatever later stages add (``facts.sqlite``) and ``units.sqlite``, the per-document cache that makes
the next build incremental (:mod:`qa.units`). A build writes into a temporary sibling folder and swaps it in
with renames, so a failed build never breaks a good index.

Safety: the manifest carries an ownership marker, and a folder the assistant did not create is never
replaced (nothing is moved or deleted); corpus and index must be separate folders. The manifest records the
size and sha256 of every index file, checked at load, so a truncated, deleted or edited file makes the index
"stale" instead of silently answering wrong. Swaps and loads hold a file lock beside the index folder, and
leftovers of killed builds are cleaned up (or an interrupted swap is rolled back).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bm25s
import faiss
import numpy as np

from .chunk import Chunk
from .config import Config, embedder_name
from .index_lock import (  # noqa: F401 - the guard is part of the index API
    LOCK_TIMEOUT_S,
    MANIFEST,
    OUTPUT_NAMES,
    OWNER,
    STALE_TEMP_S,
    IndexLocationError,
    check_location,
    cleanup_leftovers,
    index_lock,
)
from .ingest import Document, corpus_hash
from .korean import tokenize
from .sentences import UNIT_ROWS, UNIT_VECTORS, load_vectors

if TYPE_CHECKING:
    from .units import Units

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: ownership marker and per-file checksums in the manifest
# what a build writes (plus extras); a folder holding only these and README* is also treated as ours
UNITS_DB = "units.sqlite"  # the build cache (qa/units.py): checked by the next build, not at every load


class IndexError_(Exception):
    """Base class for index problems; the message names the fix."""


class IndexNotBuiltError(IndexError_):
    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"no index in {index_dir}; build it with: python -m qa build --index {index_dir}")


class IndexMismatchError(IndexError_):
    def __init__(self, index_dir: Path, reasons: list[str]) -> None:
        self.reasons = [_one_line(r) for r in reasons]
        super().__init__(f"index in {index_dir} is stale or foreign ({'; '.join(self.reasons)}); "
                         f"rebuild it with: python -m qa build --index {index_dir}")




def _one_line(text: Any, limit: int = 300) -> str:
    """Error details on one line (messages must fit one line of a terminal or log)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "unknown"


# every module and package (all .py files inside, sorted) whose code shapes what the index stores
PIPELINE_SOURCES = ("ingest.py", "chunk.py", "korean.py", "lexicon.py", "data/synonyms.txt", "text.py", "quantity.py",
                    "quantity_kinds.py", "facts", "readers")
# and the code that builds and stores it: a change here rebuilds a cached evaluation index too (evals/run.py)
BUILD_SOURCES = ("index.py", "index_build.py", "sentences.py", "units.py", "embed.py", "embed_st.py", "config.py")


def source_hash(names: tuple[str, ...] = PIPELINE_SOURCES, folder: Path | None = None) -> str:
    """sha256 (16 hex digits) of these modules, packages and data files of ``folder`` (the ``qa`` package by
    default)."""
    h = hashlib.sha256()
    here = folder or Path(__file__).resolve().parent
    for name in names:
        path = here / name
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.is_file() else []:
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


_PIPELINE_HASH = source_hash()  # of the code this process imported, not of later edits on disk


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
        "bm25": {"k1": config.bm25_k1, "b": config.bm25_b, "tokenizer": "qa.korean.tokenize/v1",
                 "title": config.bm25_title},
        "faiss": {"type": config.faiss_index, "hnsw_m": config.hnsw_m if config.faiss_index == "hnsw" else None},
    }


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def manifest_problems(manifest: Any) -> list[str]:
    """Schema check of a parsed manifest: what is missing or of the wrong type (empty when well-formed)."""
    if not isinstance(manifest, dict):
        return [f"{MANIFEST}: expected a JSON object, found {type(manifest).__name__}"]
    problems = []
    shapes = {"format_version": int, "pipeline": str, "embedder": dict, "chunker": dict, "bm25": dict,
              "faiss": dict, "corpus": dict, "counts": dict}
    for key, kind in shapes.items():
        if not isinstance(manifest.get(key), kind) or isinstance(manifest.get(key), bool):
            problems.append(f"{MANIFEST}: {key} missing or not a {kind.__name__}")
    if problems:
        return problems
    if not isinstance(manifest["embedder"].get("name"), str) or not _is_int(manifest["embedder"].get("dim")):
        problems.append(f"{MANIFEST}: embedder needs a name and an integer dim")
    files = manifest["corpus"].get("files")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        problems.append(f"{MANIFEST}: corpus.files must map file names to sha256 digests")
    for key in ("documents", "chunks"):
        if not _is_int(manifest["counts"].get(key)):
            problems.append(f"{MANIFEST}: counts.{key} missing or not a count")
    if manifest["format_version"] >= 2:
        stored = manifest.get("files")
        if not isinstance(stored, dict) or not stored or not all(
                isinstance(v, dict) and _is_int(v.get("size")) and isinstance(v.get("sha256"), str)
                for v in stored.values()):
            problems.append(f"{MANIFEST}: files must map every index file to its size and sha256")
    return problems


def check_manifest(manifest: dict[str, Any], config: Config, corpus_dir: Path | None) -> list[str]:
    """Reasons why the index does not fit this config and corpus (empty when it fits)."""
    problems = manifest_problems(manifest)
    if problems:
        return problems
    reasons = []
    for key, want in expected_settings(config).items():
        have = manifest.get(key) if key != "embedder" else manifest.get("embedder", {}).get("name")
        if have != want:
            reasons.append(f"{key}: index has {have!r}, config wants {want!r}")
    if corpus_dir is not None and Path(corpus_dir).is_dir():
        reasons += corpus_changes(manifest, Path(corpus_dir))
    return reasons


def _recorded_corpus(manifest: dict[str, Any]) -> dict[str, str]:
    """Every corpus file the build saw: the indexed ones and the ones it skipped (unreadable, empty …)."""
    corpus = manifest.get("corpus", {})
    skipped = corpus.get("skipped") if isinstance(corpus.get("skipped"), dict) else {}
    return {**skipped, **corpus.get("files", {})}


def corpus_changes(manifest: dict[str, Any], corpus_dir: Path, now: dict[str, str] | None = None) -> list[str]:
    """Why the corpus on disk differs from what the index was built from (by sha256); empty when equal."""
    try:
        now = corpus_hash(corpus_dir) if now is None else now
    except Exception as exc:  # noqa: BLE001 - an unreadable corpus folder is reported, not raised
        return [f"corpus not readable: {exc}"]
    have = _recorded_corpus(manifest)
    changed = sorted(set(have) ^ set(now) | {f for f in now if have.get(f) != now[f]})
    return [f"corpus changed: {', '.join(changed)}"] if changed else []


def _corpus_stats(corpus_dir: Path) -> dict[str, list[int]]:
    """Name → [size, mtime_ns] of the top-level files of the corpus folder (what a cheap check compares)."""
    out = {}
    with contextlib.suppress(OSError):
        for p in Path(corpus_dir).iterdir():
            with contextlib.suppress(OSError):
                st = p.stat()
                if p.is_file() and not p.name.startswith("."):
                    out[p.name] = [st.st_size, st.st_mtime_ns]
    return out


class CorpusWatch:
    """Is the loaded index stale with respect to the corpus on disk? Cheap enough for every ``/healthz``.

    File names, sizes and modification times are compared first; files are hashed only when those changed
    since the last look (or the build), like ``make``/``rsync``: an edit that keeps size and mtime is missed.
    """

    def __init__(self, manifest: dict[str, Any], corpus_dir: Path) -> None:
        self.manifest = manifest
        self.corpus_dir = Path(corpus_dir)
        stats = manifest.get("corpus", {}).get("stats")
        self._stats = stats if isinstance(stats, dict) else None  # as recorded by the build, when trustworthy
        self._reasons: list[str] = []
        self._lock = threading.Lock()

    def reasons(self) -> list[str]:
        """Why the index is stale (empty when it matches the corpus on disk)."""
        with self._lock:
            if not self.corpus_dir.is_dir():
                return [f"corpus folder not found: {self.corpus_dir}"]
            stats = _corpus_stats(self.corpus_dir)
            if stats != self._stats:  # something changed (or first look without recorded stats): hash
                self._reasons = corpus_changes(self.manifest, self.corpus_dir)
                self._stats = stats
            return list(self._reasons)


BODY_DF = "body_df.npy"  # the chunk frequency of every BM25 term id in the chunks' own words (titles aside)


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
    # the build's chunk frequencies of the chunks' own words (:data:`BODY_DF`); None for an index built before them
    body_df: np.ndarray | None = field(default=None, repr=False)
    # its passage chunks' sentence vectors and each chunk's rows (:mod:`qa.sentences`); None for an index built before
    unit_vectors: np.ndarray | None = field(default=None, repr=False)
    unit_rows: np.ndarray | None = field(default=None, repr=False)

    @property
    def doc_by_id(self) -> dict[str, Document]:
        return {d.doc_id: d for d in self.documents}

    @cached_property
    def _df(self) -> np.ndarray:
        """Chunk frequency of every BM25 term id in the chunks' own words: as the build counted them, titles aside
        (:data:`BODY_DF`, read with the other parts), else as the BM25 matrix holds them (bm25s keeps the scores as
        CSC arrays: one column a term)."""
        if self.body_df is not None:
            return self.body_df
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



def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

def _count_facts(path: Path) -> int | None:
    if not path.is_file():
        return None
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM facts").fetchone()[0])
    finally:
        con.close()


def build_index(config: Config, documents: list[Document], chunks: list[Chunk], embedder: Any = None,
                units: Units | None = None, extras: dict[str, Callable[[Path], Any]] | None = None) -> Path:
    """Build the index folder (see :func:`qa.index_build.build_index`)."""
    from .index_build import build_index as build

    return build(config, documents, chunks, embedder=embedder, units=units, extras=extras)


# --------------------------------------------------------------------------- load
def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The parsed manifest.

    Raises:
        IndexNotBuiltError: no manifest.
        IndexMismatchError: the manifest is not valid JSON (names the file and the fix).
    """
    path = Path(index_dir) / MANIFEST
    if not path.is_file():
        raise IndexNotBuiltError(Path(index_dir))
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (ValueError, OSError) as exc:
        raise IndexMismatchError(Path(index_dir), [f"{MANIFEST}: not readable JSON ({exc})"]) from None


def verify_files(index_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """Every index file the manifest lists must be there with its recorded size and sha256."""
    reasons = []
    for rel, want in manifest.get("files", {}).items():
        p = Path(index_dir) / rel
        if not p.is_file():
            reasons.append(f"{rel}: missing")
            continue
        size = p.stat().st_size
        if size != want["size"]:
            reasons.append(f"{rel}: {size} bytes, the manifest says {want['size']}")
        elif _sha256(p) != want["sha256"]:
            reasons.append(f"{rel}: content differs from the manifest (sha256)")
    return reasons


def _retryable(exc: IndexMismatchError) -> IndexMismatchError:
    """Mark a damaged-file mismatch, which a concurrent swap can cause and a second read may not see."""
    exc.retryable = True
    return exc


def _part(index_dir: Path, name: str, load: Callable[[], Any]) -> Any:
    """Load one index file; any failure becomes a mismatch naming the file (rebuilt, never a traceback)."""
    try:
        return load()
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file raises
        raise _retryable(IndexMismatchError(index_dir, [f"{name}: unreadable ({type(exc).__name__}: {exc})"])) from None


def _read_documents(path: Path) -> list[Document]:
    with open(path, encoding="utf-8") as fh:
        return [Document(doc_id=d["doc_id"], title=d["title"], publisher=d["publisher"],
                         published=d["published"], source=d["source"], path=d["path"],
                         lines=tuple(d["lines"]), checksums=tuple(tuple(c) for c in d.get("checksums", [])))
                for d in json.load(fh)]


def _read_chunks(path: Path) -> list[Chunk]:
    chunks = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            d["cells"] = tuple(tuple(c) for c in d["cells"])
            chunks.append(Chunk(**d))
    return chunks


def _read_vocab(path: Path) -> dict[str, int]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)["word_to_id"]


def _load_parts(index_dir: Path, config: Config, check_corpus: bool) -> tuple[dict[str, Any], tuple]:
    """Read and verify everything under the lock: manifest, checksums, then each file, then the counts."""
    manifest = read_manifest(index_dir)
    reasons = check_manifest(manifest, config, Path(config.corpus_dir) if check_corpus else None)
    if reasons:
        raise IndexMismatchError(index_dir, reasons)
    reasons = verify_files(index_dir, manifest)
    if reasons:
        raise _retryable(IndexMismatchError(index_dir, reasons))
    documents = _part(index_dir, "documents.json", lambda: _read_documents(index_dir / "documents.json"))
    chunks = _part(index_dir, "chunks.jsonl", lambda: _read_chunks(index_dir / "chunks.jsonl"))
    bm25 = _part(index_dir, "bm25/", lambda: bm25s.BM25.load(str(index_dir / "bm25")))
    vocab = _part(index_dir, "bm25/vocab.tokenizer.json", lambda: _read_vocab(index_dir / "bm25" / "vocab.tokenizer.json"))
    dense = _part(index_dir, "dense.faiss", lambda: faiss.read_index(str(index_dir / "dense.faiss")))
    body = index_dir / "bm25" / BODY_DF
    body_df = _part(index_dir, f"bm25/{BODY_DF}", lambda: np.load(body)) if body.is_file() else None
    units = _part(index_dir, UNIT_VECTORS, lambda: load_vectors(index_dir))
    counts = manifest["counts"]
    found = {"documents.json": (len(documents), counts["documents"]),
             "chunks.jsonl": (len(chunks), counts["chunks"]),
             "dense.faiss (vectors)": (int(dense.ntotal), counts["chunks"]),
             "bm25/ (documents)": (_part(index_dir, "bm25/", lambda: int(bm25.scores["num_docs"])), counts["chunks"])}
    if units is not None:
        found[f"{UNIT_ROWS} (chunks)"] = (len(units[1]), counts["chunks"])
        found[f"{UNIT_VECTORS} (sentences)"] = (len(units[0]), int(units[1][:, 1].sum()))
    if "facts" in manifest.get("extras", []) or "facts" in counts:
        n = _part(index_dir, "facts.sqlite", lambda: _count_facts(index_dir / "facts.sqlite"))
        found["facts.sqlite"] = (n, counts.get("facts", n))
        if n is None:
            found["facts.sqlite"] = ("missing", "a facts table")
    bad = [f"{name}: {have} entries, the manifest says {want}" for name, (have, want) in found.items() if have != want]
    if bad:
        raise _retryable(IndexMismatchError(index_dir, bad))
    return manifest, (documents, chunks, bm25, vocab, dense, body_df, units)


def load_index(config: Config, embedder: Any = None, check_corpus: bool = True, retries: int = 2) -> Index:
    """Load the index, refusing one that is missing, stale, foreign or damaged.

    Reading happens under :func:`index_lock`, and a failed read is retried after a short wait (a writer
    that does not take the lock, or a file system without working locks, may have swapped meanwhile).

    Raises:
        IndexLocationError: the index path is a file, not ours, or nested with the corpus.
        IndexNotBuiltError: no index in ``config.index_dir``.
        IndexMismatchError: the manifest does not fit the config or the corpus on disk, or an index file
            is missing, truncated or altered (the message names the file and the fix).
    """
    index_dir = Path(config.index_dir)
    check_location(index_dir, Path(config.corpus_dir) if check_corpus else None)
    for attempt in range(retries + 1):
        try:
            with index_lock(index_dir):
                cleanup_leftovers(index_dir)
                manifest, (documents, chunks, bm25, vocab, dense, body_df, units) = _load_parts(index_dir, config,
                                                                                                check_corpus)
            break
        except (IndexMismatchError, OSError) as exc:
            if attempt == retries or (isinstance(exc, IndexMismatchError) and not getattr(exc, "retryable", False)):
                if isinstance(exc, OSError):
                    raise IndexMismatchError(index_dir, [f"{getattr(exc, 'filename', '') or index_dir}: "
                                                         f"{exc.strerror or exc}"]) from None
                raise
            time.sleep(0.1 * (attempt + 1))
    if embedder is None:
        from .embed import load_embedder

        embedder = load_embedder(config.embedder)
    index = Index(path=index_dir, manifest=manifest, documents=documents, chunks=chunks, bm25=bm25,
                  vocab=vocab, faiss_index=dense, embedder=embedder, body_df=body_df,
                  unit_vectors=units[0] if units else None, unit_rows=units[1] if units else None)
    if config.store_url:  # the shared store learns of this build (facts, documents, the version row)
        from .store import publish_index

        publish_index(config, index)
    return index
