"""The facts sources behind the answer table (qa/answer/source.py): the store's lookups return what the in-memory
indexes return, in the same order; the names read at load build the vocabulary every fact builds; what one
question reads from the store does not grow with unrelated announcements; migration 2 applies once and makes the
next publish write every announcement again. Hand-made facts, a SQLite file and the session's PostgreSQL."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from qa.answer import FactTable, compose
from qa.answer.source import Keys, MemorySource, StoreSource
from qa.facts import Fact
from qa.facts.names import FactNames
from qa.ingest import Document
from qa.lexicon import WHOLE, Attr
from qa.question import Question, Vocabulary, aliases, compact
from qa.store import MIGRATIONS, Database, Store


def _fact(doc: str, n: int, subject: str, attribute: str, text: str, value: float | None = None, unit: str = "",
          line: int = 1, **qualifiers) -> Fact:
    return Fact(f"{doc}:{n}", doc, subject, attribute, value, unit, text, text, f"{doc}#0", line, (0, len(text)),
                qualifiers)


def _doc(doc_id: str, published: str = "2025-03-05") -> Document:
    return Document(doc_id=doc_id, title=f"{doc_id} 공모 결과", publisher=None, published=published, source=None,
                    path=f"{doc_id}.txt", lines=("x",))


def _smart(doc: str) -> list[Fact]:
    """An announcement selecting three cities, with money, a total row, a ratio, counts, a person and a contact."""
    rows = [("전주시", "거점형", 160.0), ("안산시", "강소형", 80.0), ("김천시", "강소형", 80.0)]
    out: list[Fact] = []
    for i, (city, cat, money) in enumerate(rows):
        out.append(_fact(doc, len(out), city, "사업유형", cat, line=10 + i, category=cat, entity=True))
        out.append(_fact(doc, len(out), city, "국비", f"{money:g}억원", money, "억원", line=10 + i, category=cat))
        out.append(_fact(doc, len(out), city, Attr.MATCHING, "1:1", line=10 + i, national=1, local=1,
                         local_key="지방비"))
    out += [_fact(doc, 9, WHOLE, "국비", "320억원", 320.0, "억원", line=13, total=True),
            _fact(doc, 10, "강소형", "경쟁률", "5:1", 5.0, ":1", line=14),
            _fact(doc, 11, WHOLE, "신청 수", "25곳", 25.0, "곳", line=15),
            _fact(doc, 12, WHOLE, "도시경제과장", "홍길동", line=16, person=True),
            _fact(doc, 13, WHOLE, "전화번호", "044-201-0000", line=17, label="담당자"),
            _fact(doc, 14, WHOLE, "사업기간", "3년", line=18)]
    return out


def _unrelated(doc: str) -> list[Fact]:
    """An announcement about something else: its own bodies, category and attributes."""
    return [_fact(doc, i, f"{doc}기관{i}", "면적", f"{i + 1}㎢", i + 1.0, "㎢", line=i + 1, category="혁신지구",
                  entity=True) for i in range(6)]


def _index(documents: list[Document], built_at: str = "2025-01-01T00:00:00"):
    """What :meth:`Store.publish` reads of an index."""
    return SimpleNamespace(manifest={"built_at": built_at, "files": {d.doc_id: d.doc_id for d in documents}},
                           documents=documents, chunks=[])


def _stored(url: str, documents: list[Document], facts: list[Fact], built_at: str = "2025-01-01T00:00:00"):
    store = Store.open(url)
    store.publish(_index(documents, built_at), facts, [])
    return StoreSource(store, documents)


DOCS = [_doc("a"), _doc("b", "2024-03-05"), _doc("c", "2023-01-01")]
FACTS = _smart("a") + _smart("b") + _unrelated("c")
ENTITIES = {f.subject for f in FACTS if f.qualifiers.get("entity")}
KEYS = [Keys(attributes=("국비",)), Keys(families=(Attr.TYPE,)), Keys(families=(Attr.NATIONAL, Attr.COMPETITION)),
        Keys(subjects=("전주시", "강소형")), Keys(values=("80억",)), Keys(values=("80억원", "거점형")),
        Keys(counted=True), Keys(labelled=True), Keys(money=True), Keys(), Keys(attributes=("없는 속성",)),
        Keys(families=(Attr.NATIONAL,), attributes=("사업기간",), labelled=True)]
SCOPES = [None, {"a"}, {"b", "c"}, {"nope"}, set()]


@pytest.fixture
def sources(store_url):
    memory = MemorySource(FACTS)
    stored = _stored(store_url, DOCS, FACTS)
    for s in (memory, stored):
        s.index_entities(ENTITIES)
    return memory, stored


def _held(names: FactNames) -> FactNames:
    """The names a store source holds at load: each subject once, with the announcement first stating it (the
    others' are read by key), and no values (read per question by key)."""
    first = {}
    for doc, *subject in names.subjects:
        first.setdefault(tuple(subject), doc)
    return dataclasses.replace(names, subjects=[(doc, *subject) for subject, doc in first.items()], values=[])


def test_the_store_reads_what_memory_holds_in_the_same_order(sources):
    memory, stored = sources
    assert stored.names == _held(memory.names) and memory.names.values
    for docs in SCOPES:
        assert stored.has_facts(docs) == memory.has_facts(docs), docs
        assert stored.categories_of(docs or set()) == memory.categories_of(docs or set()), docs
        for keys in KEYS:
            assert stored.take(docs, keys) == memory.take(docs, keys), (docs, keys)
        for categories in ([], ["강소형"], ["거점형", "혁신지구"]):
            assert stored.listed(docs, categories) == memory.listed(docs, categories), (docs, categories)
    assert [f.subject for f in memory.take(None, Keys(money=True))] == ["전주시", "안산시", "김천시"] * 2
    assert [f.text for f in memory.take({"a"}, Keys(values=("80억",)))] == ["80억원", "80억원"]
    assert stored.of_subject("b", "안산시") == memory.of_subject("b", "안산시") and memory.of_subject("b", "안산시")
    assert stored.matching("a", "김천시", 12) == memory.matching("a", "김천시", 12) is not None
    assert stored.matching("a", "김천시", 11) is None
    assert stored.every() == memory.every() == FACTS and stored.every("c") == memory.every("c")
    assert stored.count() == memory.count() == len(FACTS)


def test_table_order_survives_an_incremental_publish(store_url):
    """A rebuild that puts a new announcement first writes only its facts; the others keep their old positions,
    and lookups still come in the new table's order."""
    _stored(store_url, DOCS[:2], FACTS[:-6])
    new = _doc("n", "2026-01-01")
    facts = _smart("n") + FACTS[:-6]
    stored = _stored(store_url, [new, *DOCS[:2]], facts, built_at="2026-01-01T00:00:00")
    memory = MemorySource(facts)
    assert stored.store.publish(_index([new, *DOCS[:2]], "2026-01-01T00:00:00"), facts, []) == \
        {"changed": 0, "removed": 0}
    for keys in KEYS:
        assert stored.take(None, keys) == memory.take(None, keys), keys
    assert stored.names == _held(memory.names) and stored.every() == facts
    every_value = {v for v, _ in memory.names.values}
    assert stored.values(every_value) == list(dict.fromkeys(v for v, _ in memory.names.values))


def _vocabulary_from_every_fact(facts: list[Fact]) -> Vocabulary:
    """The vocabulary as it was built before the names: one walk over every fact (the reference)."""
    v = Vocabulary([], set(), lambda t: set(), people={compact(f.text) for f in facts if f.qualifiers.get("person")})
    categories = {f.qualifiers.get("category") for f in facts} - {None}
    for f in facts:
        v.attributes.add(f.attribute)
        if f.subject == WHOLE:
            continue
        target = v.categories if f.subject in categories else v.entities
        target.setdefault(f.subject, set()).update(aliases(f.subject))
        if f.value is None and 2 <= len(f.text) <= 16 and not f.qualifiers.get("person"):
            v.values.setdefault(compact(f.text), set()).add(f.attribute)
    for cat in categories:
        v.categories.setdefault(cat, set()).update(aliases(cat))
        if cat.endswith("형") and len(cat) >= 3:
            v.categories[cat].add(compact(cat[:-1]))
    return v


def test_the_names_build_the_vocabulary_every_fact_builds():
    names = FactNames.of(FACTS)
    assert len(names.subjects) < len(FACTS) and names.docs == ["a", "b", "c"]
    built, walked = Vocabulary.build(names, [], set()), _vocabulary_from_every_fact(FACTS)
    for field in ("entities", "categories", "values"):  # the same names in the same order
        assert list(getattr(built, field).items()) == list(getattr(walked, field).items()), field
    assert (built.attributes, built.people) == (walked.attributes, walked.people) and built.people == {"홍길동"}


def _question(**fields) -> Question:
    q = Question(text="질문", compact="질문", tokens=["질문"])
    for k, v in fields.items():
        setattr(q, k, v)
    return q


QUESTIONS = [
    _question(entities=["전주시"], families=[Attr.NATIONAL], doc_ids={"b"}),
    _question(entities=["안산시"], families=[Attr.COMPETITION]),
    _question(intent="list", categories=["거점형"]),
    _question(intent="list", doc_ids={"a"}),
    _question(intent="count", doc_ids={"b"}),
    _question(intent="max", families=[Attr.NATIONAL], doc_ids={"a"}),
    _question(intent="sum", families=[Attr.NATIONAL], categories=["강소형"]),
    _question(intent="sum", families=[Attr.TOTAL_COST], entities=["안산시", "김천시"], doc_ids={"a"}),
    _question(families=[Attr.CONTACT]),
    _question(intent="list", values=["강소형"], doc_ids={"b"}),
]
CORPUS_WIDE = _question(intent="list")  # every listed entity of every announcement: its reads follow the corpus


def _reads(url: str, documents: list[Document], facts: list[Fact]) -> tuple[list[int], list, list]:
    """Rows read from the store per question, with the answers from the store and from memory."""
    source = _stored(url, documents, facts, built_at=f"2025-01-01T00:00:{len(documents):02d}")
    read = source.store.fact_rows
    counts: list[int] = []

    def counted(*args):
        rows = read(*args)
        counts[-1] += len(rows)
        return rows

    source.store.fact_rows = counted
    entities = FactNames.of(facts).entity_subjects({})  # the rows that name an entity
    table, memory = FactTable(source, documents, entities), FactTable(list(facts), documents, entities)
    answers, expected = [], []
    for q in [*QUESTIONS, CORPUS_WIDE]:
        counts.append(0)
        answers.append(compose(q, table))
        expected.append(compose(q, memory))
    return counts, answers, expected


def test_rows_read_per_question_do_not_grow_with_unrelated_announcements(store_url):
    small_docs, small = DOCS[:2], FACTS[:-6]
    extra = [_doc(f"u{i:02d}", "2022-01-01") for i in range(40)]
    big_docs, big = small_docs + extra, small + [f for d in extra for f in _unrelated(d.doc_id)]
    reads, answers, expected = _reads(store_url, small_docs, small)
    assert answers == expected and all(a is not None for a in answers)
    more, more_answers, more_expected = _reads(store_url, big_docs, big)
    assert more_answers[:-1] == answers[:-1] and more_answers == more_expected
    assert more[:-1] == reads[:-1] and all(reads[:-1])  # the same rows with 240 more facts in the store
    assert more[-1] > reads[-1]  # "which places were selected?" over every announcement reads every list


def test_one_question_reads_each_lookup_once(tmp_path):
    """The rules of one question share its scope, which keeps what each lookup read."""
    source = _stored(str(tmp_path / "store.sqlite"), DOCS, FACTS)
    calls = []
    read = source.store.fact_rows
    source.store.fact_rows = lambda *args: calls.append(args) or read(*args)
    table = FactTable(source, DOCS, ENTITIES)
    scope = table.scope(_question(doc_ids={"a"}))
    first = table.of_family(scope, Attr.NATIONAL)
    assert len(calls) == 1 and table.of_family(scope, Attr.NATIONAL) is first and len(calls) == 1
    assert table.of_family(table.scope(_question(doc_ids={"a"})), Attr.NATIONAL) == first and len(calls) == 2


def test_migration_two_applies_once_and_rewrites_every_announcement(tmp_path, monkeypatch):
    """A store made before migration 2 (no value stems, no names) is written again whole by the next publish."""
    url = str(tmp_path / "old.sqlite")
    import qa.store

    monkeypatch.setattr(qa.store, "MIGRATIONS", MIGRATIONS[:1])
    with Database(url).transaction() as tx:  # what the code of migration 1 published
        tx.executemany(f"insert into facts ({qa.store._FACT_COLUMNS}) values ({', '.join('?' * 14)})",
                       [qa.store._fact_row(f, i) for i, f in enumerate(FACTS)])
        tx.executemany("insert into documents (doc_id, content_sha, position) values (?, ?, ?)",
                       [(d.doc_id, "sha", i) for i, d in enumerate(DOCS)])
        tx.execute("insert into index_version (id, version, built_at) values (1, 1, ?)",
                   (qa.store.build_id(_index(DOCS).manifest),))
    monkeypatch.setattr(qa.store, "MIGRATIONS", MIGRATIONS)
    db = Database(url)
    assert db.migrate() == MIGRATIONS[-1][0] == Database(url).migrate()
    with db.transaction() as tx:
        assert [r[0] for r in tx.execute("select version from schema_version order by version")] == \
            [m[0] for m in MIGRATIONS]
        indexes = {r[1] for r in tx.execute("pragma index_list(facts)")}
        assert {"facts_subject", "facts_doc", "facts_attribute", "facts_value"} <= indexes
        assert tx.execute("select built_at from index_version").fetchone()[0] == ""
    store = Store(db)
    assert store.publish(_index(DOCS), FACTS, []) == {"changed": 3, "removed": 0}
    stored = StoreSource(store, DOCS)
    assert stored.names == _held(MemorySource(FACTS).names)
    assert [f.fact_id for f in stored.take(None, Keys(values=("80억",)))] == \
        [f.fact_id for f in MemorySource(FACTS).take(None, Keys(values=("80억",)))]
