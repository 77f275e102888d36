"""The names the store reads per question by key (qa/store_names.py, StoreSource.values and its per-announcement
subjects) link questions as the names held whole in memory do; load reads each distinct name once, however many
announcements repeat it; a question's name reads do not grow with unrelated announcements; migration 3 applies once,
whole or not at all, and its index serves the lookups. Hand-made facts, a SQLite file and the session's
PostgreSQL."""

from __future__ import annotations

import pytest
from test_fact_source import DOCS, FACTS, _doc, _fact, _held, _index, _smart, _stored

from qa.answer.source import MemorySource, StoreSource
from qa.facts.names import doc_name_rows
from qa.question import Linker
from qa.question.vocabulary import LONGEST_VALUE, value_keys
from qa.store import MIGRATIONS, Database, Store

QUESTIONS = ["거점형 국비는 얼마야?", "강소형으로 선정된 곳은?", "전주시 매칭비율 1:1 맞아?", "나형 사업은?",
             "가형과 다형 중 어느 쪽이 커?", "김천시 국비", "모든 유형 알려줘"]


def _typed(doc: str, first: int, labels: list[str]) -> list:
    """Named values of one announcement, in the order given (so two announcements can state them in two orders)."""
    return [_fact(doc, first + i, f"{doc}사업{i}", "유형", label, line=30 + i) for i, label in enumerate(labels)]


TYPED = FACTS[:15] + _typed("a", 15, ["나형", "가형"]) + FACTS[15:30] + _typed("b", 30, ["가형", "다형"]) + FACTS[30:]


def _linked(linker: Linker) -> list[tuple]:
    return [(q.values, q.entities, q.categories, q.attributes)
            for q in (linker.analyse(text) for text in QUESTIONS)]


def test_value_keys_hold_every_value_a_question_can_name():
    """link_values names a value of three syllables or more inside the compact question and a shorter one as a
    word: every such value is one of the question's keys."""
    text, tokens = "거점형국비80억원은얼마야", ["거점", "형", "국비", "80", "억", "원", "은", "얼마", "야"]
    keys = value_keys(text, tokens)
    pieces = {text[i:j] for i in range(len(text)) for j in range(i + 1, len(text) + 1)} | set(tokens)
    named = {v for v in pieces if len(v) <= LONGEST_VALUE and (v in text if len(v) >= 3 else v in tokens)}
    assert named <= keys and "거점형" in keys and "형" in keys and "거점" in keys and "국" not in keys
    assert value_keys("", []) == set() and value_keys("가나", ["가나"]) == {"가나"}


def test_values_read_by_key_link_as_every_value_held(store_url):
    memory, stored = MemorySource(TYPED), _stored(store_url, DOCS, TYPED)
    assert stored.names == _held(memory.names) and stored.names.values == []
    assert [v for v, _ in memory.names.values][:5] == ["거점형", "11", "강소형", "나형", "가형"]
    assert stored.values({"다형", "가형", "나형", "없는값"}) == ["나형", "가형", "다형"]  # first statements, in order
    assert stored.values(set()) == []
    want = _linked(Linker(memory.names, DOCS, set()))
    assert _linked(Linker(stored.names, DOCS, set(), lookup=stored.lookup)) == want
    assert any(values for values, *_ in want)


def test_a_newer_build_of_another_replica_does_not_change_the_names_read(store_url):
    """The store holds a newer build putting announcement b first and rewriting a after it (one more fact, no new
    name); this replica's index still has a first, and its names come in its order, not the store's positions."""
    _stored(store_url, DOCS, TYPED)
    newer = [DOCS[1], DOCS[0], DOCS[2]]
    more = _fact("a", 99, "전주시", "국비", "1억원", 1.0, "억원", line=40, category="거점형")
    facts = [f for d in newer for f in TYPED if f.doc_id == d.doc_id]
    facts.insert(max(i for i, f in enumerate(facts) if f.doc_id == "a") + 1, more)
    _stored(store_url, newer, facts, "2026-01-01T00:00:00")
    with Store.open(store_url).db.transaction() as tx:
        assert tx.execute("select min(position) from fact_names where doc_id = 'a'").fetchone()[0] > 0
    old = StoreSource(Store.open(store_url), DOCS)
    assert old.names == _held(MemorySource(TYPED).names)
    assert old.values({"가형", "나형", "다형"}) == ["나형", "가형", "다형"]


def test_load_reads_each_name_once_however_many_announcements_repeat_it(store_url):
    one = [_doc("s00")]
    many = [_doc(f"s{i:02d}") for i in range(30)]
    small = _stored(store_url, one, _smart("s00"))
    big = _stored(store_url, many, [f for d in many for f in _smart(d.doc_id)], "2026-01-01T00:00:00")
    with big.store.db.transaction() as tx:
        rows = tx.execute("select count(*) from fact_names").fetchone()[0]
    assert rows == 30 * len(doc_name_rows(enumerate(_smart("x"))))  # every announcement's rows are kept
    for field in ("subjects", "categories", "attributes", "labelled", "people"):
        assert getattr(big.names, field) == getattr(small.names, field), field
    assert big.names.docs == [d.doc_id for d in many]


def _name_reads(url: str, documents, facts, built_at: str) -> tuple[list[int], list]:
    """Name rows read per question (linking, then its announcement's listed entities and categories)."""
    source = _stored(url, documents, facts, built_at)
    source.index_entities({f.subject for f in facts if f.qualifiers.get("entity")})
    read, counts = source.store.name_rows, []

    def counted(*args):
        rows = read(*args)
        counts[-1] += len(rows)
        return rows

    source.store.name_rows = counted
    linker, found = Linker(source.names, documents, set(), lookup=source.lookup), []
    for text in QUESTIONS:
        counts.append(0)
        q = linker.analyse(text)
        found.append((q.values, q.entities, source.listed({"a"}, []), source.categories_of({"a"})))
    return counts, found


def test_a_questions_name_reads_do_not_grow_with_unrelated_announcements(store_url):
    small_docs, small = DOCS[:2], TYPED[:-6]
    extra = [_doc(f"u{i:02d}", "2022-01-01") for i in range(40)]
    unrelated = [f for d in extra for f in _typed(d.doc_id, 0, [f"{d.doc_id}지구형", "혁신지구형", "라형"])]
    reads, found = _name_reads(store_url, small_docs, small, "2025-01-01T00:00:01")
    more, more_found = _name_reads(store_url, small_docs + extra, small + unrelated, "2025-01-01T00:00:02")
    assert more_found == found and any(values for values, *_ in found)
    assert more == reads and all(reads)  # the same rows with 120 more named values and 40 more announcements


def test_migration_three_applies_once_and_keeps_what_is_published(tmp_path, monkeypatch):
    """A store published at migration 2 gains the names index without being written again."""
    import qa.store

    url = str(tmp_path / "two.sqlite")
    monkeypatch.setattr(qa.store, "MIGRATIONS", MIGRATIONS[:2])
    Store.open(url).publish(_index(DOCS), TYPED, [])
    monkeypatch.setattr(qa.store, "MIGRATIONS", MIGRATIONS)
    db = Database(url)
    assert db.migrate() == 3 == Database(url).migrate()
    with db.transaction() as tx:
        assert [r[0] for r in tx.execute("select version from schema_version order by version")] == [1, 2, 3]
        indexes = {r[1] for r in tx.execute("pragma index_list(fact_names)")}
        assert {"fact_names_kind", "fact_names_doc_kind"} <= indexes and "fact_names_doc" not in indexes
    store = Store(db)
    assert store.publish(_index(DOCS), TYPED, []) == {"changed": 0, "removed": 0}  # nothing to write again
    stored = StoreSource(store, DOCS)
    assert stored.names == _held(MemorySource(TYPED).names) and stored.values({"가형", "다형"}) == ["가형", "다형"]


def test_a_failing_migration_leaves_nothing_behind(tmp_path, monkeypatch):
    """Each migration is one transaction: one that fails part way records no version and leaves no index."""
    import qa.store

    url = str(tmp_path / "broken.sqlite")
    monkeypatch.setattr(qa.store, "MIGRATIONS", MIGRATIONS[:2])
    Database(url).migrate()
    broken = (3, "broken", "create index if not exists fact_names_kind on fact_names(kind, name); select * from nope")
    monkeypatch.setattr(qa.store, "MIGRATIONS", (*MIGRATIONS[:2], broken))
    with pytest.raises(Exception, match="nope"):
        Database(url).migrate()
    monkeypatch.setattr(qa.store, "MIGRATIONS", MIGRATIONS[:2])
    with Database(url).transaction() as tx:
        assert [r[0] for r in tx.execute("select version from schema_version order by version")] == [1, 2]
        assert "fact_names_kind" not in {r[1] for r in tx.execute("pragma index_list(fact_names)")}


def test_name_lookups_use_their_index(store_url):
    store = Store.open(store_url)
    store.publish(_index(DOCS), TYPED, [])
    assert {r[2] for r in store.name_rows("value", ["가형", "없음"], None)} == {"가형"}
    assert {r[0] for r in store.name_rows("subject", None, ["c"])} == {"c"}
    assert store.name_rows("value", [], None) == [] == store.name_rows("subject", None, [])
    if store.db.dialect == "postgresql":
        with store.db.transaction() as tx:
            tx.execute("set enable_seqscan = off")
            for where, index in (("kind = 'value' and name in ('가형', '나형')", "fact_names_kind"),
                                 ("kind = 'subject' and doc_id in ('a')", "fact_names_doc_kind")):
                plan = " ".join(r[0] for r in tx.execute(f"explain select * from fact_names where {where}"))
                assert index in plan, (where, plan)


def test_a_question_reads_the_categories_of_its_announcements_once(monkeypatch):
    """The quoted values of one question ask for the same announcements' categories: the store is read once."""
    from answer_kit import context

    ctx = context("강소형 경쟁률은 얼마야?")
    reads = []
    real = type(ctx.corpus).categories_of
    monkeypatch.setattr(type(ctx.corpus), "categories_of", lambda self, docs: reads.append(set(docs)) or real(self, docs))
    docs = {ctx.corpus.index.chunks[0].doc_id}
    first = ctx.categories_of(docs)
    assert ctx.categories_of(set(docs)) == first and reads == [docs]
    ctx.categories_of(docs | {"another"})
    assert len(reads) == 2
