"""The golden answers on Milvus (Lite) + PostgreSQL are the ones local files + SQLite give, and an announcement
added to a running assistant on Milvus is answered without a restart. One slow module: the seed set is asked
once here; the local run it is compared with is the regression gate's (the session memo in conftest)."""

from __future__ import annotations

import shutil

import pytest

from evals.golden import MULTI_GOLDEN, REAL_GOLDEN, SEED_GOLDEN, load_golden
from evals.run import DEFAULT_K, evaluate_items
from qa import Assistant
from qa.store import Store

NEW_DOC = "mois_2025_ai_admin_innovation"


@pytest.mark.slow
def test_seed_golden_same_verdicts_on_milvus_and_postgresql(assistant, milvus_config, postgres_url):
    from conftest import evaluated

    from qa.index import load_index

    config = milvus_config.replace(store_url=postgres_url)
    index = load_index(config, embedder=assistant.index.embedder)  # publishes the build to PostgreSQL
    assert Store.open(postgres_url).facts() == assistant.fact_table
    remote = Assistant(config, index)
    assert remote.retriever.backend.name == "milvus"
    want = evaluated(assistant, SEED_GOLDEN)  # local + SQLite: the regression gate's own records
    _, items = load_golden(SEED_GOLDEN)
    got = evaluate_items(remote, items, retriever="hybrid", k=DEFAULT_K)
    differ = [f"{w['id']} {w['q']!r}: local {w['correct']} {w['answer'][:60]!r} / milvus {g['correct']} {g['answer'][:60]!r}"
              for w, g in zip(want, got, strict=True) if (w["correct"], w["answer"]) != (g["correct"], g["answer"])]
    assert not differ, "\n".join(differ)


@pytest.mark.slow
@pytest.mark.parametrize("fixture, golden", [("multi_assistant", MULTI_GOLDEN), ("real_assistant", REAL_GOLDEN)])
def test_more_golden_sets_same_verdicts_on_milvus(request, fixture, golden, tmp_path):
    """The multi-announcement set (109 questions) and the real-modelled set (275) on Milvus Lite give the local
    verdicts and answers (the store does not change an answer: answering reads the facts of the index it loaded).
    The real-modelled set did not while Milvus's ``standard`` tokenizer read our morphemes as they are: it split
    3:1 and 5.3, dropped % and ‘, and 3 answer texts and 1 verdict differed (measured 2026-12-04 and again before
    qa.milvus.morpheme_token); each morpheme now reaches it as one opaque token, and none differs."""
    pytest.importorskip("pymilvus", reason="pymilvus is not installed (pip install 'gongo-qa[milvus]')")
    pytest.importorskip("milvus_lite", reason="milvus-lite is not installed (pip install 'gongo-qa[milvus]')")
    from conftest import evaluated

    from qa.index import load_index

    local = request.getfixturevalue(fixture)
    config = local.config.replace(retrieval_backend="milvus", milvus_uri=str(tmp_path / "golden.milvus.db"))
    remote = Assistant(config, load_index(config, embedder=local.index.embedder))
    assert remote.retriever.backend.name == "milvus"
    want = evaluated(local, golden)  # the regression gate's own records
    got = evaluate_items(remote, load_golden(golden)[1], retriever="hybrid", k=DEFAULT_K)
    differ = [f"{w['id']} {w['q']!r}: local {w['correct']} {w['answer'][:60]!r} / milvus {g['correct']} {g['answer'][:60]!r}"
              for w, g in zip(want, got, strict=True) if (w["correct"], w["answer"]) != (g["correct"], g["answer"])]
    assert not differ, "\n".join(differ)


@pytest.mark.slow
def test_an_uploaded_announcement_is_answered_on_milvus_without_a_restart(milvus_config, cached_embedder, tmp_path):
    from conftest import EXTRA_DOCS, SEED_CORPUS

    from qa.assistant import build
    from qa.rebuild import LiveAssistant, Rebuilder

    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    config = milvus_config.replace(corpus_dir=corpus, index_dir=tmp_path / "index")
    build(config, embedder=cached_embedder)
    live = LiveAssistant(Assistant.load(config, rebuild="never"))
    question = "AI 행정혁신 선도사업에서 김천시 지원액은?"
    assert "5억" not in live.ask(question).answer
    shutil.copy2(EXTRA_DOCS / f"{NEW_DOC}.txt", corpus / f"{NEW_DOC}.txt")  # what an admin upload saves
    rebuilder = Rebuilder(config, live, embedder=cached_embedder)
    job = rebuilder.request(f"upload {NEW_DOC}.txt", uploads=[f"{NEW_DOC}.txt"])
    assert rebuilder.wait(120) and job.state == "done", job.message
    answer = live.ask(question)
    assert "5억" in answer.answer and answer.sources[0].doc_id == NEW_DOC
    assert NEW_DOC in live.retriever.backend.stored_documents()  # only that document was sent to Milvus
