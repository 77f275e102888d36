"""The names the facts table uses, without its rows: what the question reader's vocabulary and the answer table's
lookups need to know at load, so that the rows themselves can stay in the store and be read per question.

It grows with the distinct names of each announcement (subjects, categories, attribute names, short text values,
people), not with its facts. Each list keeps the order in which the table first states a name, so a vocabulary
built from it is the one built from the whole table (the same dicts and sets, filled in the same order).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..lexicon import WHOLE
from ..text import compact
from .model import Fact

CONTACT_LABELS = ("책임자", "담당자")  # the labelled contact rows a 연락처 question reads

NameRow = tuple[str, str | None, str | None, int]  # (kind, name, detail, flag), as the store keeps them


def name_rows(f: Fact) -> Iterator[NameRow]:
    """The names one fact states: its subject (with category and entity flag), category, attribute, and its text
    when it is a person or a short named value (what questions are linked against)."""
    category = f.qualifiers.get("category")
    yield "subject", f.subject, category, int(bool(f.qualifiers.get("entity")))
    yield "category", category, None, 0
    yield "attribute", f.attribute, None, 0
    if f.qualifiers.get("label") in CONTACT_LABELS:
        yield "labelled", f.attribute, None, 0
    person = f.qualifiers.get("person")
    if person:
        yield "person", compact(f.text), None, 0
    elif f.subject != WHOLE and f.value is None and 2 <= len(f.text) <= 16:
        yield "value", compact(f.text), f.attribute, 0


def doc_name_rows(facts: Iterable[tuple[int, Fact]]) -> list[tuple[NameRow, int]]:
    """One announcement's distinct name rows, each with the table position of the first fact stating it."""
    first: dict[NameRow, int] = {}
    for position, f in facts:
        for row in name_rows(f):
            first.setdefault(row, position)
    return list(first.items())


@dataclass
class FactNames:
    """Distinct names in table order; subjects per announcement, the rest over the whole table."""

    subjects: list[tuple[str, str, str | None, bool]] = field(default_factory=list)  # (doc, subject, category, entity)
    categories: list[str | None] = field(default_factory=list)  # None too, where a fact first has no category
    attributes: list[str] = field(default_factory=list)
    labelled: list[str] = field(default_factory=list)  # attributes of 책임자 / 담당자 contact rows
    values: list[tuple[str, str]] = field(default_factory=list)  # (compact short text value, its attribute)
    people: list[str] = field(default_factory=list)  # compact names of people
    docs: list[str] = field(default_factory=list)  # the announcements that state any fact
    _seen: set = field(default_factory=set, repr=False, compare=False)

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> FactNames:
        """The names of these facts, in their order (one pass)."""
        out = cls()
        for f in facts:
            for row in name_rows(f):
                out.add(f.doc_id, row)
        return out

    def add(self, doc_id: str, row: NameRow) -> None:
        """Take one name row of an announcement; a name already seen keeps its place."""
        kind, name, detail, flag = row
        key = (kind, doc_id if kind == "subject" else None, name, detail, flag)
        if key in self._seen:
            return
        self._seen.add(key)
        if ("doc", doc_id) not in self._seen:
            self._seen.add(("doc", doc_id))
            self.docs.append(doc_id)
        if kind == "subject":
            self.subjects.append((doc_id, name, detail, bool(flag)))
        elif kind == "value":
            self.values.append((name, detail))
        else:
            getattr(self, {"category": "categories", "attribute": "attributes", "labelled": "labelled",
                           "person": "people"}[kind]).append(name)

    def entity_subjects(self, entities: dict[str, set[str]]) -> set[str]:
        """The subjects that are listed entities: a table row names them, or an entity of the vocabulary has a
        category (what list, count and sum answers are made of)."""
        return {s for _, s, category, entity in self.subjects if entity or (s in entities and category)}

    def doc_categories(self) -> dict[str, set[str]]:
        """The categories each announcement's facts name."""
        out: dict[str, set[str]] = {}
        for doc_id, _, category, _ in self.subjects:
            if category:
                out.setdefault(doc_id, set()).add(category)
        return out
