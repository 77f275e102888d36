"""Where the answer table reads fact rows from: one small interface, two places.

:class:`MemorySource` holds the whole table and its indexes, built once at load (today's default, the fastest while
the table fits in memory). :class:`StoreSource` keeps only the table's distinct names
(:class:`~qa.facts.names.FactNames`, without the values) and reads the rows a question needs from the store
(:class:`qa.store.Store`) by indexed column — subject, attribute, value — and the names it may hold (values,
each announcement's subjects) by key, so what one question reads follows the question, not the number of
announcements.
``Config.facts_from_store`` chooses; :class:`~qa.answer.table.FactTable` and every rule read either alike.

Every lookup returns facts in table order (announcement by announcement, in build order), as the rules expect.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..facts import Fact
from ..facts.names import CONTACT_LABELS, FactNames
from ..lexicon import Attr
from ..question import compact, family_of
from ..question.vocabulary import NameLookup

if TYPE_CHECKING:
    from ..config import Config
    from ..index import Index
    from ..ingest import Document
    from ..store import Store


@dataclass(frozen=True)
class Keys:
    """What a lookup asks for: the facts under any of these keys (their union)."""

    attributes: tuple[str, ...] = ()
    families: tuple[str | None, ...] = ()
    subjects: tuple[str, ...] = ()
    values: tuple[str, ...] = ()  # compact value texts ("거점형", "80억": with or without a trailing 원)
    counted: bool = False  # stated counts: attributes ending in " 수"
    labelled: bool = False  # 책임자 / 담당자 contact rows
    money: bool = False  # listed entities' amounts in 원 (not totals)


class FactSource(Protocol):
    """The facts table as answering reads it: its names at load, its rows by key per question."""

    names: FactNames
    lookup: NameLookup | None  # the names left out of :attr:`names`, read per question by key

    def index_entities(self, entities: set[str]) -> None:
        """Learn which subjects are listed entities (known once the vocabulary is built from :attr:`names`)."""

    def take(self, docs: set[str] | None, keys: Keys) -> list[Fact]:
        """The facts under any of ``keys`` of these announcements (all without), in table order."""

    def listed(self, docs: set[str] | None, categories: list[str]) -> list[Fact]:
        """The facts about listed entities (of these categories only, when given), by (doc_id, line)."""

    def of_subject(self, doc_id: str, subject: str) -> list[Fact]:
        """Every fact one announcement states about one subject, in table order."""

    def matching(self, doc_id: str, subject: str, line: int) -> Fact | None:
        """The 매칭비율 fact stated on a line for a subject."""

    def has_facts(self, docs: set[str] | None) -> bool:
        """Whether these announcements (any, without) state a fact."""

    def categories_of(self, docs: set[str]) -> set[str]:
        """The categories the facts of these announcements name."""

    def every(self, doc_id: str | None = None) -> list[Fact]:
        """Every fact (of one announcement): for the admin pages and the API, never for answering."""

    def count(self) -> int:
        """How many facts the table holds."""


def is_money(f: Fact) -> bool:
    """An amount in 원 that is not a 합계 row (the fallback column of a money question)."""
    return f.unit.endswith("원") and f.value is not None and not f.qualifiers.get("total")


def has_value(f: Fact, values: tuple[str, ...] | set[str]) -> bool:
    """The fact's text is one of these compact values, or is one of them followed by 원."""
    text = compact(f.text)
    return text in values or text.rstrip("원") in values


class MemorySource:
    """The whole table in memory, indexed once here (by attribute, family, subject, document, value text and
    matching-ratio line) so that a lookup touches only candidate facts, whatever the corpus size."""

    def __init__(self, facts: list[Fact]) -> None:
        self.facts = facts
        self.names = FactNames.of(facts)
        self.lookup: NameLookup | None = None  # every name is in names
        self._categories = self.names.doc_categories()
        self._by_attr: dict[str, list[int]] = {}
        self._by_family: dict[str | None, list[int]] = {}
        self._by_subject: dict[str, list[int]] = {}
        self._by_doc_subject: dict[tuple[str, str], list[int]] = {}
        self._by_doc: dict[str, list[int]] = {}
        self._by_value: dict[str, list[int]] = {}
        self._matching: dict[tuple[str, str, int], int] = {}
        self._labelled: list[int] = []
        self._counts: list[int] = []
        for i, f in enumerate(facts):
            self._by_attr.setdefault(f.attribute, []).append(i)
            self._by_family.setdefault(family_of(f.attribute), []).append(i)
            self._by_subject.setdefault(f.subject, []).append(i)
            self._by_doc_subject.setdefault((f.doc_id, f.subject), []).append(i)
            self._by_doc.setdefault(f.doc_id, []).append(i)
            text = compact(f.text)
            self._by_value.setdefault(text, []).append(i)
            if text.rstrip("원") != text:
                self._by_value.setdefault(text.rstrip("원"), []).append(i)
            if f.attribute == Attr.MATCHING:
                self._matching.setdefault((f.doc_id, f.subject, f.line), i)
            if f.attribute.endswith(" 수"):
                self._counts.append(i)
            if f.qualifiers.get("label") in CONTACT_LABELS:
                self._labelled.append(i)
        # each announcement's facts as one position range, when they stand together (as extraction writes them)
        self._doc_range: dict[str, tuple[int, int]] | None = {d: (p[0], p[-1]) for d, p in self._by_doc.items()}
        if any(hi - lo + 1 != len(self._by_doc[d]) for d, (lo, hi) in self._doc_range.items()):
            self._doc_range = None
        self._money: list[int] = []  # entity facts in money
        self._entities: list[int] = []  # facts about listed entities, by (doc_id, line)
        self._entities_by_cat: dict[str | None, list[int]] = {}  # the same by category, by (doc_id, line)
        self._entities_by_doc: dict[str, list[int]] = {}  # the same by document, by line

    def index_entities(self, entities: set[str]) -> None:
        self._money, self._entities, self._entities_by_cat, self._entities_by_doc = [], [], {}, {}
        for i, f in enumerate(self.facts):
            if f.subject in entities:
                if is_money(f):
                    self._money.append(i)
                self._entities.append(i)
        self._entities.sort(key=lambda i: (self.facts[i].doc_id, self.facts[i].line, i))
        for i in self._entities:
            self._entities_by_cat.setdefault(self.facts[i].qualifiers.get("category"), []).append(i)
            self._entities_by_doc.setdefault(self.facts[i].doc_id, []).append(i)

    def take(self, docs: set[str] | None, keys: Keys) -> list[Fact]:
        lists = [self._by_attr.get(a, []) for a in keys.attributes]
        lists += [self._by_family.get(f, []) for f in keys.families]
        lists += [self._by_subject.get(s, []) for s in keys.subjects]
        lists += [self._by_value.get(v, []) for v in keys.values]
        lists += [self._counts] if keys.counted else []
        lists += [self._labelled] if keys.labelled else []
        lists += [self._money] if keys.money else []
        if not lists:
            return []
        pos = lists[0] if len(lists) == 1 else sorted(set().union(*lists))
        if docs is None:
            return [self.facts[i] for i in pos]
        if self._doc_range is None:
            return [self.facts[i] for i in pos if self.facts[i].doc_id in docs]
        spans = sorted(self._doc_range[d] for d in docs if d in self._doc_range)
        return [self.facts[i] for lo, hi in spans for i in pos[bisect_left(pos, lo):bisect_right(pos, hi)]]

    def listed(self, docs: set[str] | None, categories: list[str]) -> list[Fact]:
        if docs is not None:
            pos = [i for d in sorted(docs) for i in self._entities_by_doc.get(d, [])]
            return [self.facts[i] for i in pos
                    if not categories or self.facts[i].qualifiers.get("category") in categories]
        if not categories:
            return [self.facts[i] for i in self._entities]
        pos = [i for c in dict.fromkeys(categories) for i in self._entities_by_cat.get(c, [])]
        pos.sort(key=lambda i: (self.facts[i].doc_id, self.facts[i].line, i))
        return [self.facts[i] for i in pos]

    def of_subject(self, doc_id: str, subject: str) -> list[Fact]:
        return [self.facts[i] for i in self._by_doc_subject.get((doc_id, subject), [])]

    def matching(self, doc_id: str, subject: str, line: int) -> Fact | None:
        i = self._matching.get((doc_id, subject, line))
        return None if i is None else self.facts[i]

    def has_facts(self, docs: set[str] | None) -> bool:
        return bool(self.facts) if docs is None else any(d in self._by_doc for d in docs)

    def categories_of(self, docs: set[str]) -> set[str]:
        return set().union(*(self._categories.get(d, ()) for d in docs))

    def every(self, doc_id: str | None = None) -> list[Fact]:
        return list(self.facts) if doc_id is None else [self.facts[i] for i in self._by_doc.get(doc_id, [])]

    def count(self) -> int:
        return len(self.facts)


class StoreSource:
    """The table's distinct names read once at load (not its values); its rows read per question from the store by
    indexed column only (subject, attribute or value stem, each with doc_id: :meth:`qa.store.Store.fact_rows`),
    and so the values a question may name (:meth:`values`) and the subjects of the announcements it is about
    (:meth:`qa.store.Store.name_rows`). Only the loaded index's announcements are read, in its order (another
    replica may have published a newer build)."""

    def __init__(self, store: Store, documents: list[Document]) -> None:
        self.store = store
        self.rank = {d.doc_id: i for i, d in enumerate(documents)}
        self.names = store.fact_names(self.rank)
        self.lookup: NameLookup | None = self
        self._docs = set(self.names.docs)
        self._counted = tuple(a for a in self.names.attributes if a.endswith(" 수"))
        self._families: dict[str | None, tuple[str, ...]] = {}
        self._entities: set[str] = set()

    def index_entities(self, entities: set[str]) -> None:
        self._entities = entities

    def values(self, keys: set[str]) -> list[str]:
        """The named values among a question's keys, each once at its first statement in the loaded index."""
        rows = [r for r in self.store.name_rows("value", sorted(keys), None) if r[0] in self.rank]
        return list(dict.fromkeys(r[2] for r in sorted(rows, key=lambda r: (self.rank[r[0]], r[5]))))

    def _subject_rows(self, docs: set[str] | None) -> list[tuple[str, str | None]]:
        """(subject, category) of these announcements' facts: read by key, or (all of them) the names held."""
        if docs is None:
            return [(s, category) for _, s, category, _ in self.names.subjects]
        wanted = sorted(d for d in docs if d in self.rank)
        return [(r[2], r[3]) for r in self.store.name_rows("subject", None, wanted)]

    def categories_of(self, docs: set[str]) -> set[str]:
        return {category for _, category in self._subject_rows(docs) if category}

    def _family(self, family: str | None) -> tuple[str, ...]:
        """The attribute names of a family (the store indexes attributes, not families)."""
        if family not in self._families:
            self._families[family] = tuple(a for a in self.names.attributes if family_of(a) == family)
        return self._families[family]

    def _entity_subjects(self, docs: set[str] | None, categories: list[str] | None = None) -> set[str]:
        """The listed entities of these announcements (with a fact of these categories, when given)."""
        return {s for s, category in self._subject_rows(docs)
                if s in self._entities and (not categories or category in categories)}

    def _read(self, column: str, keys, docs: set[str] | None) -> list[tuple[int, Fact]]:
        """(position, fact) of the rows whose ``column`` is one of ``keys``, in these announcements."""
        wanted = None if docs is None else sorted(d for d in docs if d in self.rank)
        if not keys or wanted == []:
            return []
        return [(p, f) for p, f in self.store.fact_rows(column, sorted(set(keys)), wanted) if f.doc_id in self.rank]

    def _ordered(self, rows: list[tuple[int, Fact]]) -> list[Fact]:
        """Each fact once, in table order (announcements in build order, then their facts in order)."""
        once = {f.fact_id: (self.rank[f.doc_id], p, f) for p, f in rows}
        return [f for _, _, f in sorted(once.values(), key=lambda r: r[:2])]

    def take(self, docs: set[str] | None, keys: Keys) -> list[Fact]:
        attrs = set(keys.attributes) | {a for fam in keys.families for a in self._family(fam)}
        rows = self._read("attribute", attrs | set(self._counted if keys.counted else ()), docs)
        rows += self._read("subject", keys.subjects, docs)
        if keys.values:
            stems = {v.rstrip("원") for v in keys.values}
            rows += [(p, f) for p, f in self._read("value_stem", stems, docs) if has_value(f, keys.values)]
        if keys.labelled:
            rows += [(p, f) for p, f in self._read("attribute", self.names.labelled, docs)
                     if f.qualifiers.get("label") in CONTACT_LABELS]
        if keys.money:
            rows += [(p, f) for p, f in self._read("subject", self._entity_subjects(docs), docs) if is_money(f)]
        return self._ordered(rows)

    def listed(self, docs: set[str] | None, categories: list[str]) -> list[Fact]:
        rows = [(p, f) for p, f in self._read("subject", self._entity_subjects(docs, categories), docs)
                if f.subject in self._entities and (not categories or f.qualifiers.get("category") in categories)]
        rows.sort(key=lambda r: (r[1].doc_id, r[1].line, r[0]))
        return [f for _, f in rows]

    def of_subject(self, doc_id: str, subject: str) -> list[Fact]:
        return [f for _, f in self._read("subject", [subject], {doc_id})]

    def matching(self, doc_id: str, subject: str, line: int) -> Fact | None:
        return next((f for f in self.of_subject(doc_id, subject) if f.attribute == Attr.MATCHING and f.line == line),
                    None)

    def has_facts(self, docs: set[str] | None) -> bool:
        return bool(self._docs) if docs is None else not self._docs.isdisjoint(docs)

    def every(self, doc_id: str | None = None) -> list[Fact]:
        facts = [f for f in self.store.facts(doc_id) if f.doc_id in self.rank]
        return sorted(facts, key=lambda f: self.rank[f.doc_id])  # stable: each announcement's facts in order

    def count(self) -> int:
        return self.store.fact_count()


def fact_source(config: Config, index: Index) -> FactSource:
    """The configured source: the index folder's facts in memory (default), or the store (``facts_from_store``,
    which needs ``store_url``; the index is published there first, a no-op when the store holds it)."""
    if not config.facts_from_store:
        from ..facts import load_facts

        return MemorySource(load_facts(index.path))
    if not config.store_url:
        raise ValueError("facts_from_store needs a store: set store_url (QA_STORE_URL) to a SQLite file or a "
                         "postgresql:// URL")
    from ..store import open_store, publish_index

    store = open_store(config)
    publish_index(config, index, store)
    return StoreSource(store, index.documents)
