"""The retrieval backends (local files, Milvus Lite) and the facts-and-records store (SQLite, PostgreSQL) behind
their interfaces: the same Hit objects, filters in the engine, one embedding per question, one announcement
added or deleted at a time, facts read by subject, migrations, the version row and jobs shared by replicas."""

from __future__ import annotations

import dataclasses
import os

import pytest

from qa import Assistant, Config
from qa.answer.source import MemorySource, StoreSource
from qa.feedback import FeedbackLog
from qa.retrieve import Hit, Retriever
from qa.store import MIGRATIONS, Database, Store, StoreError, build_id

SEED = "molit_2025_smart_city_selection"


# ------------------------------------------------------------------------------------------------ settings
def test_config_fields_and_their_variables(tmp_path):
    c = Config.load(env={"QA_RETRIEVAL_BACKEND": "milvus", "QA_MILVUS_URI": "http://milvus:19530",
                         "QA_STORE_URL": "postgresql://qa@db/qa"}, path=tmp_path / "none.toml")
    assert (c.retrieval_backend, c.milvus_uri, c.store_url) == ("milvus", "http://milvus:19530", "postgresql://qa@db/qa")
    assert (Config().retrieval_backend, Config().store_url) == ("local", "")  # make run unchanged


def test_an_unknown_backend_is_a_clear_error(assistant):
    with pytest.raises(ValueError, match="retrieval_backend must be 'local' or 'milvus'"):
        Retriever(assistant.index, assistant.config.replace(retrieval_backend="elastic"))


def test_the_local_backend_is_the_default(assistant):
    assert assistant.retriever.backend.name == "local"


# ------------------------------------------------------------------------------------------------ milvus
@pytest.fixture(scope="module")
def milvus(assistant, milvus_config):
    return Retriever(assistant.index, milvus_config)


def test_milvus_collection_mirrors_the_index(milvus, assistant):
    assert milvus.backend.name == "milvus"
    assert milvus.backend.count() == len(assistant.index.chunks)
    assert set(milvus.backend.stored_documents()) == {d.doc_id for d in assistant.documents}
    assert milvus.backend.sync() == {"added": 0, "deleted": 0}  # opening again sends nothing


def test_milvus_returns_the_same_hits_as_local(milvus, assistant):
    for q in ("전주시가 받는 국비는?", "강소형 경쟁률은?", "김해시"):
        for method in ("hybrid", "dense"):
            want = [(h.chunk.chunk_id, round(h.score, 6)) for h in assistant.retriever.search(q, k=5, method=method)]
            got = milvus.search(q, k=5, method=method)
            assert all(isinstance(h, Hit) for h in got)
            assert [(h.chunk.chunk_id, round(h.score, 6)) for h in got] == want, (q, method)
    bm25 = milvus.search("전주시가 받는 국비는?", k=3, method="bm25")
    assert bm25[0].chunk.chunk_id == assistant.retriever.search("전주시가 받는 국비는?", k=3, method="bm25")[0].chunk.chunk_id


def test_milvus_filters_in_the_engine_and_spreads_table_rows(milvus, assistant):
    from qa.milvus import filter_expr

    assert filter_expr(["a", "b"], [2025]) == 'searchable == true and doc_id in ["a", "b"] and year in [2025]'
    assert milvus.search("국비", k=5, doc_ids={"nope"}) == []
    assert {h.chunk.doc_id for h in milvus.search("국비", k=5, doc_ids={SEED})} == {SEED}
    rows = [h for h in milvus.search("선정 지자체 국비", k=8, per_table=1) if h.chunk.kind == "table_row"]
    local = [h for h in assistant.retriever.search("선정 지자체 국비", k=8, per_table=1) if h.chunk.kind == "table_row"]
    assert [h.chunk.chunk_id for h in rows] == [h.chunk.chunk_id for h in local]


def test_milvus_embeds_the_question_once(milvus, monkeypatch):
    calls = []
    embed = milvus.embed_query
    monkeypatch.setattr(milvus, "embed_query", lambda q: calls.append(q) or embed(q))
    handle = milvus.handle("전주시가 받는 국비는?")
    handle.search()
    handle.search(words="전주 국비", per_table=2)
    handle.search(doc_ids={SEED})
    assert len(calls) == 1 and handle.embeddings == 1


def test_milvus_adds_and_deletes_one_announcement(assistant, milvus_config):
    """An index with one more announcement sends Milvus that one; the index without it again deletes it."""
    import faiss

    from qa.milvus import MilvusBackend

    index = assistant.index
    copy = [dataclasses.replace(c, doc_id="copy", chunk_id=c.chunk_id.replace(SEED, "copy")) for c in index.chunks]
    vectors = index.faiss_index.reconstruct_n(0, index.faiss_index.ntotal)
    dense = faiss.IndexFlatIP(index.faiss_index.d)
    dense.add(vectors)
    dense.add(vectors)
    bigger = dataclasses.replace(index, chunks=index.chunks + copy, faiss_index=dense,
                                 documents=index.documents + [dataclasses.replace(index.documents[0], doc_id="copy")])
    config = milvus_config.replace(milvus_collection="qa_add_delete")
    n = MilvusBackend.open(index, config).count()
    added = MilvusBackend.open(bigger, config)
    assert added.count() == 2 * n and set(added.stored_documents()) == {SEED, "copy"}
    hits = Retriever(bigger, config).search("전주시가 받는 국비는?", k=4, doc_ids={"copy"})
    assert hits and {h.chunk.doc_id for h in hits} == {"copy"}
    again = MilvusBackend.open(index, config)
    assert again.count() == n and set(again.stored_documents()) == {SEED}
    again.delete_document(SEED)
    assert again.count() == 0


# morphemes the ``standard`` tokenizer split, dropped or lowercased when it read them as they are (a pair of each)
AWKWARD_DOCS = (("3:1", "%"), ("3", "1"), ("%",), ("5.3", "5", "3"), ("A/Victoria/4897/2022",),
                ("a", "victoria", "4897", "2022"), ("‘", "국비"), ("AI",), ("ai",), ("국비AI2025", "국비", "국비"),
                ("5G망", "5", "g망"), ("x",))
AWKWARD = ("3:1", "%", "5.3", "A/Victoria/4897/2022", "‘", "AI", "ai", "국비AI2025", "5G망", "3", "국비")


def test_milvus_reads_each_morpheme_as_one_token(milvus_config, tmp_path):
    """Every morpheme reaches Milvus's BM25 as exactly one token, whole and unchanged. Milvus Lite does not run
    ``run_analyzer`` (UNIMPLEMENTED), so BM25 searches show it: each awkward morpheme alone finds exactly the
    documents holding it, with the scores bm25s gives over the same token lists and the configured k1 and b. A
    morpheme split in two would also find its pieces' documents and lengthen its own, one dropped would find
    nothing, one lowercased would find ``ai`` for ``AI``, and Lite's own k1 (1.5) would change every score."""
    from types import SimpleNamespace

    import bm25s

    from qa.korean import tokenize
    from qa.milvus import MAX_TOKENS, MilvusBackend, _bm25_of, _connect, filter_expr, morpheme_text, morpheme_token

    tokens = [morpheme_token(m) for m in AWKWARD]
    assert all(len(t) == 16 and set(t) <= set("0123456789abcdef") for t in tokens) and len(set(tokens)) == len(tokens)
    text = "국비:지방비=3:1, 경쟁률 5.3:1, 증가율 12.5%"
    assert morpheme_text(text) == " ".join(morpheme_token(t) for t in tokenize(text))  # the words a question sends
    assert len(morpheme_text("국비 " * (MAX_TOKENS + 9))) == 17 * MAX_TOKENS - 1 <= 65535  # fits the VARCHAR

    config = milvus_config.replace(milvus_uri=str(tmp_path / "tokens.milvus.db"), milvus_collection="qa_tokens",
                                   bm25_k1=1.3, bm25_b=0.6)  # not Lite's defaults (1.5, 0.75): they must reach it
    chunks = [SimpleNamespace(chunk_id=f"c{i}", doc_id=f"d{i}", kind="point") for i in range(len(AWKWARD_DOCS))]
    backend = MilvusBackend(_connect(config.milvus_uri), "qa_tokens", SimpleNamespace(chunks=chunks), config,
                            config.milvus_uri)
    backend.ensure_collection(2)
    assert _bm25_of(backend.client.describe_index("qa_tokens", "sparse")) == (1.3, 0.6)
    backend.client.insert("qa_tokens", [
        {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "doc_sha": "", "first": True, "searchable": True, "kind": "point",
         "table_id": "", "row": 0, "date": "", "year": 0, "text": "", "vector": [1.0, 0.0],
         "morphemes": " ".join(morpheme_token(m) for m in doc)} for c, doc in zip(chunks, AWKWARD_DOCS, strict=True)])
    backend.client.flush("qa_tokens")

    vocab = {m: i for i, m in enumerate(sorted({m for doc in AWKWARD_DOCS for m in doc}))}
    local = bm25s.BM25(k1=1.3, b=0.6)
    local.index(bm25s.tokenization.Tokenized(ids=[[vocab[m] for m in doc] for doc in AWKWARD_DOCS], vocab=vocab),
                show_progress=False)
    for m in AWKWARD:
        want = {row: float(s) for row, s in enumerate(local.get_scores([vocab[m]])) if s > 0}
        got = backend._arm("sparse", morpheme_token(m), "BM25", filter_expr(), k=len(chunks))
        assert set(got) == {row for row, doc in enumerate(AWKWARD_DOCS) if m in doc} == set(want), m
        assert got == pytest.approx(want, rel=1e-5), m

    backend.ensure_collection(2)  # the same parameters: kept
    assert backend.count() == len(chunks)
    MilvusBackend(backend.client, "qa_tokens", SimpleNamespace(chunks=chunks), config.replace(bm25_k1=1.2),
                  config.milvus_uri).ensure_collection(2)  # other parameters: made again, to be filled by the sync
    assert backend.count() == 0


def test_milvus_resends_a_collection_of_another_token_form(assistant, milvus_config, monkeypatch):
    """A collection filled by code that spelled the morphemes otherwise is sent again whole on load."""
    from qa import milvus as m

    config = milvus_config.replace(milvus_collection="qa_token_form")
    n = m.MilvusBackend.open(assistant.index, config).count()
    monkeypatch.setattr(m, "TOKEN_FORM", "an older spelling")
    again = m.MilvusBackend.open(assistant.index, config, sync=False)
    assert again.sync() == {"added": len(assistant.documents), "deleted": 0} and again.count() == n
    assert again.sync() == {"added": 0, "deleted": 0}


def test_milvus_unreachable_is_one_line(assistant, milvus_config):
    from qa.milvus import MilvusUnavailable

    with pytest.raises(MilvusUnavailable, match="QA_MILVUS_URI"):
        Retriever(assistant.index, milvus_config.replace(milvus_uri="http://127.0.0.1:9/"))


# ------------------------------------------------------------------------------------------------ store
def test_migrations_are_versioned_and_applied_once(store_url):
    db = Database(store_url)
    assert db.migrate() == MIGRATIONS[-1][0]
    again = Database(store_url)
    assert again.migrate() == MIGRATIONS[-1][0]
    with again.transaction() as tx:
        assert [r[0] for r in tx.execute("select version from schema_version order by version").fetchall()] == \
            [m[0] for m in MIGRATIONS]


def test_publish_holds_facts_documents_and_the_version(store_url, assistant):
    from qa.ingest import load_file_reports

    store = Store.open(store_url)
    reports = [r.to_dict() for r in load_file_reports(assistant.index.path)]
    assert store.version() is None
    assert store.publish(assistant.index, assistant.fact_table, reports) == {"changed": 1, "removed": 0}
    assert store.facts() == assistant.fact_table  # provenance (line, span, chunk, qualifiers) round-trips
    v = store.version()
    assert (v.version, v.built_at, v.chunks) == (1, build_id(assistant.index.manifest), len(assistant.index.chunks))
    assert store.publish(assistant.index, assistant.fact_table, reports) == {"changed": 0, "removed": 0}
    assert store.version().version == 1  # the same build again: nothing written
    docs = store.documents()
    assert [d["doc_id"] for d in docs] == [SEED] and docs[0]["report"]["status"] == "ok"
    assert {r["name"] for r in store.file_reports()} == {r["name"] for r in reports}
    # a newer build with one fact changed replaces that document's facts and bumps the version
    later = dataclasses.replace(assistant.index, manifest={**assistant.index.manifest, "built_at": "9999-01-01T00:00:00"})
    facts = assistant.fact_table[:-1]
    assert store.publish(later, facts, reports) == {"changed": 1, "removed": 0}
    assert store.facts(SEED) == facts and store.version().version == 2


def test_facts_are_read_by_index_not_by_scanning(store_url, assistant):
    store = Store.open(store_url)
    store.publish(assistant.index, assistant.fact_table, [])
    want = [f for f in assistant.fact_table if f.subject in ("전주시", "김해시")]
    assert want and store.facts_about(["전주시", "김해시"]) == want
    assert store.facts_about(["전주시"], doc_ids=["nope"]) == [] and store.facts_about([]) == []
    attrs = [f for f in assistant.fact_table if f.attribute == "국비"]
    assert attrs and [f for _, f in store.fact_rows("attribute", ["국비"], [SEED])] == attrs
    with pytest.raises(ValueError, match="not read by 'text'"):
        store.fact_rows("text", ["x"])
    if store.db.dialect == "postgresql":
        with store.db.transaction() as tx:
            tx.execute("set enable_seqscan = off")
            for column, index in (("subject", "facts_subject"), ("attribute", "facts_attribute"),
                                  ("value_stem", "facts_value")):
                plan = " ".join(r[0] for r in tx.execute(f"explain select * from facts where {column} in (?)", ("x",)))
                assert index in plan, (column, plan)


def test_facts_from_store_needs_a_store(assistant):
    with pytest.raises(ValueError, match="facts_from_store needs a store"):
        Assistant(assistant.config.replace(facts_from_store=True), assistant.index)


@pytest.mark.slow
@pytest.mark.parametrize("fixture, golden", [("assistant", "golden.jsonl"), ("multi_assistant", "golden_multi.jsonl"),
                                             ("real_assistant", "golden_real.jsonl")])
def test_answers_from_the_store_are_the_answers_from_memory(request, store_url, fixture, golden):
    """Every golden question gets the same answer, kind, rule and facts when its facts are read per question from
    the store (SQLite, PostgreSQL) as when the whole table is in memory."""
    from conftest import ROOT

    from evals.golden import load_golden
    from evals.run import DEFAULT_K

    memory = request.getfixturevalue(fixture)
    stored = Assistant(memory.config.replace(store_url=store_url, facts_from_store=True), memory.index)
    assert isinstance(stored.fact_source, StoreSource) and isinstance(memory.fact_source, MemorySource)
    assert stored.facts() == memory.facts() and stored.status()["facts"] == memory.status()["facts"]
    items = load_golden(ROOT / "evals" / golden)[1]
    differ = []
    for it in items:
        want, got = (a.ask(it["q"], history=it.get("history"), k=DEFAULT_K) for a in (memory, stored))
        if (got.answer, got.kind, got.rule, got.facts) != (want.answer, want.kind, want.rule, want.facts):
            differ.append(f"{it['id']} {it['q']!r}: memory {want.answer[:60]!r} / store {got.answer[:60]!r}")
    assert len(items) > 100 and not differ, "\n".join(differ)


def test_jobs_are_shared_through_the_store(store_url):
    store = Store.open(store_url)
    store.save_job({"job_id": "j1", "state": "queued", "reason": "upload x.txt", "created": 1.0})
    store.save_job({"job_id": "j1", "state": "done", "reason": "upload x.txt", "created": 1.0, "finished": 2.0,
                    "message": "ok", "uploads": [{"name": "x.txt", "status": "indexed"}]})
    job = store.job("j1")
    assert (job["state"], job["finished"], job["uploads"][0]["status"]) == ("done", 2.0, "indexed")
    assert store.job("nope") is None


def test_feedback_on_the_store(store_url):
    log = FeedbackLog.for_config(Config().replace(store_url=store_url))
    a = log.not_found("서울시 국비는?", "공고문에서 찾을 수 없습니다.", "not_found:unknown_name", origin="ui")
    b = log.feedback("서울시 국비는?", "x", "lookup", "down", comment="=cmd")
    assert log.set_comment(b, "없어요") and [r["id"] for r in log.rows()] == [a, b]
    s = log.summary()
    assert s["counts"] == {"not_found": 1, "up": 0, "down": 1, "comments": 1}
    assert s["unanswered"][0]["count"] == 2 and set(s["unanswered"][0]["rules"]) == {"lookup", "not_found:unknown_name"}


def test_a_bad_store_url_is_one_line(postgres_url):
    port = postgres_url.rsplit(":", 1)[1].split("/")[0]
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL.*QA_STORE_URL"):
        Store.open(f"postgresql://nobody:secret@127.0.0.1:{port}/nodb").version()
    assert "secret" not in repr(Database(f"postgresql://nobody:secret@127.0.0.1:{port}/nodb"))


def _backend_pid(db: Database) -> int:
    with db.transaction() as tx:
        return int(tx.execute("select pg_backend_pid()").fetchone()[0])


def test_postgresql_connections_come_from_one_pool(postgres_url):
    """Transactions reuse the pool's connection; an exception rolls its transaction back and leaves that connection
    usable, even after a failed statement; a connection the server ended is replaced; a forked worker opens its own
    pool and never touches the parent's."""
    db = Database(postgres_url, pool_size=2)
    first = _backend_pid(db)
    made = db._pool.get_stats()["connections_num"]
    assert {_backend_pid(db) for _ in range(20)} == {first}  # one thread asking: the pool's one connection
    assert db._pool.get_stats()["connections_num"] == made == 1 and db._pool.max_size == 2
    with pytest.raises(RuntimeError), db.transaction() as tx:
        tx.execute("insert into jobs (job_id, state) values (?, ?)", ("rolled-back", "queued"))
        raise RuntimeError("the caller failed")
    with pytest.raises(Exception, match="no_such_table"), db.transaction() as tx:
        tx.execute("select * from no_such_table")  # the server aborts the transaction: it must be rolled back
    with db.transaction() as tx:
        assert tx.execute("select pg_backend_pid()").fetchone()[0] == first
        assert tx.execute("select count(*) from jobs where job_id = ?", ("rolled-back",)).fetchone()[0] == 0
    side = Database(postgres_url)
    with side.transaction() as tx:  # the server ends the pooled session (a restart, an idle timeout)
        tx.execute("select pg_terminate_backend(?)", (first,))
    side.close()
    ended = first
    ours = {_backend_pid(db) for _ in range(4)}  # the broken connection is replaced when taken, never handed out
    assert ended not in ours  # (the pool may refill with a second connection meanwhile: which one is handed out varies)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # a forked worker (ui.py --workers): its own pool; closing it leaves the parent's alone
        try:
            os.write(write, str(_backend_pid(db)).encode())
            db.close()
        finally:
            os._exit(0)
    os.close(write)
    theirs = int(os.read(read, 64) or 0)
    os.waitpid(child, 0)
    os.close(read)
    assert theirs and theirs not in ours
    with db.transaction() as tx:  # the parent's sessions were not ended by the child
        alive = {pid for pid in ours if tx.execute("select count(*) from pg_stat_activity where pid = ?",
                                                  (pid,)).fetchone()[0]}
    assert alive == ours
    db.close()
    assert db._pool is None
    with pytest.raises(ValueError, match="QA_STORE_POOL_SIZE"):
        Database(postgres_url, pool_size=0)


def test_an_unreachable_postgresql_is_one_line_at_once():
    import socket
    import time

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = time.perf_counter()
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL.*QA_STORE_URL"):
        Store.open(f"postgresql://qa:secret@127.0.0.1:{port}/qa").version()
    assert time.perf_counter() - t < 5


def test_store_pool_size_is_a_setting(tmp_path):
    c = Config.load(env={"QA_STORE_POOL_SIZE": "7", "QA_STORE_URL": "postgresql://qa@db/qa"}, path=tmp_path / "none.toml")
    assert c.store_pool_size == 7 and Config().store_pool_size == 4
    pytest.importorskip("psycopg_pool", reason="psycopg-pool is not installed")
    from qa.store import open_store

    assert open_store(c).db.pool_size == 7 and FeedbackLog.for_config(c).db.pool_size == 7  # nothing opened yet


# ------------------------------------------------------------------------------------------------ deployment
def test_the_compose_file_names_real_settings():
    """deploy/compose.yaml parses, holds Milvus (etcd, MinIO), PostgreSQL, two replicas and a proxy, and every QA_
    variable it sets is a Config field (``docker-compose config`` validated it too: see the README)."""
    import yaml
    from conftest import ROOT

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    assert {"etcd", "minio", "milvus", "postgres", "app1", "app2", "proxy"} <= set(compose["services"])
    env = compose["services"]["app1"]["environment"]
    fields = {f.name for f in dataclasses.fields(Config)}
    assert {k[3:].lower() for k in env if k.startswith("QA_")} <= fields
    assert env["QA_RETRIEVAL_BACKEND"] == "milvus" and env["QA_STORE_URL"].startswith("postgresql://")
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "server app1:7860" in nginx and "server app2:7860" in nginx


def test_replicas_follow_the_version_row(assistant, tmp_path, monkeypatch):
    """A replica loads the build the store's version row names, once that build is on its index volume."""
    from types import SimpleNamespace

    from qa.rebuild import LiveAssistant
    from qa.web.follow import IndexFollower

    url = str(tmp_path / "store.sqlite")
    store = Store.open(url)
    store.publish(assistant.index, assistant.fact_table, [])
    web = SimpleNamespace(assistant=LiveAssistant(assistant), config=assistant.config.replace(store_url=url),
                          rebuilder=None, on_swap=lambda new: None)
    follower = IndexFollower(web, interval=0)
    loads = []
    monkeypatch.setattr(follower, "_load", loads.append)
    follower.check()
    assert loads == []  # the store names the loaded build
    with store.db.transaction() as tx:  # another replica published a build this volume does not hold yet
        tx.execute("update index_version set built_at = ?, version = version + 1", ("9999-01-01T00:00:00/abc",))
    follower.check()
    assert loads == []
    follower._built = "an older build"  # this replica answers from an older build; the volume holds the named one
    with store.db.transaction() as tx:
        tx.execute("update index_version set built_at = ?", (build_id(assistant.index.manifest),))
    follower.check()
    assert loads == [build_id(assistant.index.manifest)]
