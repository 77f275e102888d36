"""Incremental builds (qa/units.py): adding, changing or removing one announcement re-processes only that
one, and the index written equals a full rebuild of the same corpus: the same bytes for documents, chunks,
file reports and BM25 arrays, the same facts rows, the same vectors, BM25 scores and answers.

A small corpus (the seed and two test announcements) is built once per module; each test works on a copy of
that index. Vectors come from the session's cached embedder (each text is encoded once per session); what a
build re-processed is read from the ``build`` record of its manifest, which counts what was not in the units.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import faiss
import numpy as np
import pytest

import qa.embed
import qa.index
import qa.units
from qa import Assistant
from qa.assistant import build
from qa.index import MANIFEST, UNITS_DB, _read_chunks, load_index, read_manifest
from qa.sentences import UNIT_ROWS, UNIT_VECTORS, unit_texts

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "announcements"
SEED = ROOT / "corpus" / "molit_2025_smart_city_selection.txt"
BASE = [SEED, SEED.with_suffix(".json"), DATA / "mois_2025_ai_admin_innovation.txt",
        DATA / "molit_2025_urban_regeneration.txt", DATA / "molit_2025_urban_regeneration.json"]
ADDED = [DATA / "molit_2025_smart_challenge.txt", DATA / "molit_2025_smart_challenge.json"]
NEW_LINE = "\n□ 테스트용으로 추가한 문장: 스마트도시 챌린지 사업에는 국비 999억원을 지원한다.\n"
QUESTIONS = ["전주시가 받는 국비는?", "AI 행정혁신 선도사업 경쟁률은?", "도시재생 혁신지구 국비 총액은?",
             "스마트시티 챌린지 본사업 선정 결과는?", "선정된 곳 국비를 모두 합하면?"]


class StubEmbedder:
    """Deterministic unit vectors of another "model" (for the embedder-change test)."""

    def encode_document(self, texts, **kwargs):
        seeds = [int(hashlib.sha256(t.encode()).hexdigest()[:8], 16) for t in texts]
        v = np.stack([np.random.default_rng(s).normal(size=384) for s in seeds]).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def get_embedding_dimension(self) -> int:
        return 384


class NoModel:
    """An embedder that must not be used: a build that needs no new vector never encodes."""

    def encode_document(self, texts, **kwargs):
        raise AssertionError(f"encoded {len(texts)} texts although every vector was stored")

    def get_embedding_dimension(self) -> int:
        raise AssertionError("asked for the dimension although the units know it")


def copy_files(files: list[Path], dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, dst / f.name)
    return dst


@pytest.fixture(scope="module")
def base(tmp_path_factory, seed_config, cached_embedder):
    """The base corpus and its index, built once (a first build: nothing to reuse)."""
    root = tmp_path_factory.mktemp("incremental")
    cfg = seed_config.replace(corpus_dir=copy_files(BASE, root / "corpus"), index_dir=root / "index")
    build(cfg, embedder=cached_embedder)
    return cfg


@pytest.fixture
def work(base, tmp_path):
    """A private copy of the base corpus and index."""
    corpus = tmp_path / "corpus"
    shutil.copytree(base.corpus_dir, corpus)
    shutil.copytree(base.index_dir, tmp_path / "index")
    return base.replace(corpus_dir=corpus, index_dir=tmp_path / "index")


def built(cfg) -> dict:
    """The build record of the index's manifest: mode, reused / processed / removed files, texts made."""
    return read_manifest(Path(cfg.index_dir))["build"]


def texts_of(folder: Path) -> set[str]:
    """The distinct texts an index embeds: its chunks' and their sentences' (:func:`qa.sentences.unit_texts`)."""
    chunks = _read_chunks(Path(folder) / "chunks.jsonl")
    return {c.search_text for c in chunks} | {t for c in chunks for t in unit_texts(c)}


def state(folder: Path) -> tuple[dict, np.ndarray]:
    """Everything an index holds, comparable: file bytes, facts rows, manifest settings, and the vectors."""
    folder = Path(folder)
    out = {name: (folder / name).read_bytes() for name in ("documents.json", "chunks.jsonl", "files.json", UNIT_ROWS)}
    out.update({f"bm25/{p.name}": p.read_bytes() for p in sorted((folder / "bm25").iterdir())})
    con = sqlite3.connect(folder / "facts.sqlite")
    try:
        out["facts"] = con.execute("SELECT * FROM facts ORDER BY rowid").fetchall()
    finally:
        con.close()
    m = read_manifest(folder)
    out["manifest"] = {k: m[k] for k in ("counts", "corpus", "embedder", "chunker", "pipeline", "bm25", "faiss")}
    dense = faiss.read_index(str(folder / "dense.faiss"))
    return out, np.vstack([dense.reconstruct_n(0, dense.ntotal), np.load(folder / UNIT_VECTORS)])


def assert_equals_full_rebuild(cfg, embedder, tmp_path: Path) -> None:
    """The incremental index of ``cfg`` equals a full build of the same corpus into a fresh folder."""
    full = cfg.replace(index_dir=tmp_path / "full-index")
    build(full, embedder=embedder, full=True)
    assert built(full)["mode"] == "full" and built(full)["reused"] == 0
    (a, va), (b, vb) = state(Path(cfg.index_dir)), state(Path(full.index_dir))
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == b[key], f"{key} differs from a full rebuild"
    assert va.shape == vb.shape and np.allclose(va, vb, atol=1e-6)


def test_first_build_processes_every_file_and_stores_units(base):
    b = built(base)
    assert b["mode"] == "full" and b["reused"] == 0 and b["processed"] == 3 and b["removed"] == 0
    m = read_manifest(Path(base.index_dir))
    assert b["tokenized"] == m["counts"]["chunks"] and b["embedded"] == len(texts_of(base.index_dir))
    assert UNITS_DB not in m["files"]  # the build cache is not verified at every load …
    units = Path(base.index_dir) / UNITS_DB
    assert m["units"]["size"] == units.stat().st_size  # … but recorded, and checked by the next build


def test_unchanged_corpus_reuses_everything(work):
    build(work, embedder=NoModel())
    b = built(work)
    assert (b["mode"], b["reused"], b["processed"], b["removed"]) == ("incremental", 3, 0, 0)
    assert b["tokenized"] == 0 and b["embedded"] == 0


def test_adding_one_announcement_processes_only_it(work, cached_embedder, tmp_path, monkeypatch):
    before, had = read_manifest(Path(work.index_dir))["counts"]["chunks"], texts_of(work.index_dir)
    copy_files(ADDED, Path(work.corpus_dir))
    build(work, embedder=cached_embedder)
    b = built(work)
    assert (b["reused"], b["processed"], b["removed"]) == (3, 1, 0)
    assert b["processed_files"] == [ADDED[0].name]
    new_chunks = read_manifest(Path(work.index_dir))["counts"]["chunks"] - before
    assert b["tokenized"] == new_chunks > 0 and b["embedded"] == len(texts_of(work.index_dir) - had) > new_chunks
    assert_equals_full_rebuild(work, cached_embedder, tmp_path)

    # the same scores and answers from both indexes
    full = work.replace(index_dir=tmp_path / "full-index")
    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: cached_embedder)
    inc_idx, full_idx = load_index(work, embedder=cached_embedder), load_index(full, embedder=cached_embedder)
    for q in QUESTIONS:
        assert np.array_equal(inc_idx.bm25_scores(q), full_idx.bm25_scores(q)), q
        assert np.allclose(inc_idx.dense_scores(q), full_idx.dense_scores(q), atol=1e-5), q
    inc, ref = Assistant.load(work, rebuild="never"), Assistant.load(full, rebuild="never")
    for q in QUESTIONS:
        a, r = inc.ask(q).to_dict(), ref.ask(q).to_dict()
        a.pop("timing_ms"), r.pop("timing_ms")
        assert a == r, q


def test_changing_one_announcement_processes_only_it(work, cached_embedder, tmp_path):
    txt, had = Path(work.corpus_dir) / SEED.name, texts_of(work.index_dir)
    txt.write_text(txt.read_text(encoding="utf-8") + NEW_LINE, encoding="utf-8")
    build(work, embedder=cached_embedder)
    b = built(work)
    assert (b["reused"], b["processed"], b["processed_files"]) == (2, 1, [SEED.name])
    assert 1 <= b["embedded"] == len(texts_of(work.index_dir) - had)  # only the texts the edit made new
    assert_equals_full_rebuild(work, cached_embedder, tmp_path)


def test_changing_only_a_sidecar_reprocesses_its_announcement(work, cached_embedder, tmp_path):
    sidecar = Path(work.corpus_dir) / SEED.with_suffix(".json").name
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("2025-06-19", "2025-06-20"), encoding="utf-8")
    build(work, embedder=NoModel())  # same text, new date: the chunk texts and their vectors are unchanged
    b = built(work)
    assert (b["reused"], b["processed"], b["embedded"]) == (2, 1, 0)
    docs = {d.doc_id: d for d in load_index(work, embedder=NoModel()).documents}
    assert docs[SEED.stem].published == "2025-06-20"
    assert_equals_full_rebuild(work, cached_embedder, tmp_path)


def test_removing_one_announcement_needs_no_model(work, cached_embedder, tmp_path, monkeypatch):
    (Path(work.corpus_dir) / "mois_2025_ai_admin_innovation.txt").unlink()
    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: NoModel())  # loading a model would fail the build
    build(work)
    b = built(work)
    assert (b["reused"], b["processed"], b["removed"], b["embedded"]) == (2, 0, 1, 0)
    assert b["removed_files"] == ["mois_2025_ai_admin_innovation.txt"]
    assert_equals_full_rebuild(work, cached_embedder, tmp_path)
    con = sqlite3.connect(Path(work.index_dir) / UNITS_DB)
    try:  # the removed file's unit and its chunk texts dropped out of the store
        names = {r[0] for r in con.execute("SELECT name FROM files")}
        n_texts = con.execute("SELECT count(*) FROM texts").fetchone()[0]
    finally:
        con.close()
    assert "mois_2025_ai_admin_innovation.txt" not in names
    assert n_texts == len(texts_of(work.index_dir))


def test_skipped_and_duplicate_files_equal_a_full_rebuild(work, cached_embedder, tmp_path):
    corpus = Path(work.corpus_dir)
    (corpus / "empty_notice.txt").write_text("   \n", encoding="utf-8")  # skipped: no text
    shutil.copy2(corpus / "mois_2025_ai_admin_innovation.txt", corpus / "zz_copy_of_mois.txt")  # duplicate
    build(work, embedder=NoModel())
    assert built(work)["processed"] == 2
    build(work, embedder=NoModel())  # the skip is a unit too: nothing is read again
    assert (built(work)["reused"], built(work)["processed"]) == (5, 0)
    assert_equals_full_rebuild(work, cached_embedder, tmp_path)


def test_moved_corpus_folder_reuses_units_with_the_new_paths(work, tmp_path):
    moved = tmp_path / "moved-corpus"
    shutil.move(work.corpus_dir, moved)
    cfg = work.replace(corpus_dir=moved)
    build(cfg, embedder=NoModel())
    assert (built(cfg)["reused"], built(cfg)["processed"]) == (3, 0)
    assert all(Path(d.path).parent == moved for d in load_index(cfg, embedder=NoModel()).documents)


@pytest.mark.parametrize("change", ["pipeline", "code", "libraries", "chunker"])
def test_units_made_otherwise_are_ignored(work, cached_embedder, tmp_path, monkeypatch, change):
    before = work
    if change == "pipeline":  # an index built by other qa/ code …
        monkeypatch.setattr(qa.index, "_PIPELINE_HASH", "0" * 16)
    elif change == "code":  # … by another qa/units.py (the index itself would still load) …
        monkeypatch.setattr(qa.units, "_CODE_HASH", "0" * 16)
    elif change == "libraries":  # … by another Kiwi (other morphemes) …
        version = qa.units._version
        monkeypatch.setattr(qa.units, "_version", lambda p: "0.0" if p == "kiwipiepy" else version(p))
    else:  # … or with other chunk sizes
        before = work.replace(chunk_max_chars=200)
    build(before, embedder=cached_embedder, full=True)
    monkeypatch.undo()
    build(work, embedder=cached_embedder)  # … is stale, and so are its units: nothing is reused
    b = built(work)
    assert (b["mode"], b["reused"], b["processed"]) == ("full", 0, 3)
    assert change in b["previous_units"]
    assert b["embedded"] == len(texts_of(work.index_dir))
    assert_equals_full_rebuild(work, cached_embedder, tmp_path)


def test_vectors_of_another_embedder_are_ignored(work, cached_embedder):
    _, vectors = state(Path(work.index_dir))
    other = work.replace(embedder="sentence-transformers/all-MiniLM-L6-v2")
    build(other, embedder=StubEmbedder())
    b = built(other)
    n = len(texts_of(work.index_dir))
    assert (b["reused"], b["processed"], b["tokenized"]) == (3, 0, 0)  # parsing and morphemes do not depend on it
    assert b["embedded"] == n and "embedder" in b["previous_units"]  # vectors do
    _, stub_vectors = state(Path(work.index_dir))
    assert not np.allclose(stub_vectors, vectors)
    build(work, embedder=cached_embedder)  # and back: the other model's vectors are not taken either
    assert built(work)["embedded"] == n
    assert np.allclose(state(Path(work.index_dir))[1], vectors, atol=1e-6)


def test_damaged_units_are_ignored(work, cached_embedder, tmp_path):
    units = Path(work.index_dir) / UNITS_DB
    data = bytearray(units.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte: the size matches, the sha256 does not
    units.write_bytes(bytes(data))
    load_index(work, embedder=cached_embedder)  # answering does not read the build cache
    build(work, embedder=cached_embedder)
    b = built(work)
    assert (b["mode"], b["processed"]) == ("full", 3) and "damaged" in b["previous_units"]
    assert_equals_full_rebuild(work, cached_embedder, tmp_path)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("stage", ["facts writer", "faiss write", "interrupt while embedding"])
def test_failed_incremental_build_keeps_the_old_index_and_units(work, cached_embedder, tmp_path, monkeypatch, stage):
    index_dir = Path(work.index_dir)
    before = _tree(index_dir)
    copy_files(ADDED, Path(work.corpus_dir))
    if stage == "facts writer":
        monkeypatch.setattr("qa.assistant.save_facts", lambda facts, folder: (_ for _ in ()).throw(OSError("disk full")))
        expected: type[BaseException] = OSError
    elif stage == "faiss write":
        monkeypatch.setattr(qa.index.faiss, "write_index", lambda *a: (_ for _ in ()).throw(RuntimeError("disk full")))
        expected = RuntimeError
    else:
        class Interrupted:
            def encode_document(self, texts, **kwargs):
                raise KeyboardInterrupt
        cached_embedder, expected = Interrupted(), KeyboardInterrupt
    with pytest.raises(expected):
        build(work, embedder=cached_embedder)
    monkeypatch.undo()
    assert _tree(index_dir) == before  # the index and its units, byte for byte
    assert not [p.name for p in index_dir.parent.iterdir() if ".build-" in p.name or ".old-" in p.name]
    load_index(work.replace(corpus_dir=ROOT / "corpus"), embedder=NoModel(), check_corpus=False)


def test_cli_build_is_incremental_and_full_on_request(work, cached_embedder, monkeypatch, capsys):
    from qa.cli import main

    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: cached_embedder)
    args = ["build", "--corpus", str(work.corpus_dir), "--index", str(work.index_dir)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "incremental build: reused 3 file(s), processed 0, removed 0; embedded 0 chunk(s)" in out
    assert main([*args, "--full"]) == 0
    out = capsys.readouterr().out
    assert "full build: reused 0 file(s), processed 3" in out
    assert (Path(work.index_dir) / MANIFEST).is_file()
