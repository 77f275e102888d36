"""The facts table as answer rules read it: scope, wanted facts, entities a document lists, numeric facts of
the asked attribute, and unit-aware arithmetic."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..facts import Fact
from ..ingest import Document
from ..lexicon import MAGNITUDE, MONEY_FAMILIES, WHOLE, Attr
from ..question import Question, compact, family_of
from ..text import format_number
from .source import FactSource, Keys, MemorySource

Member = tuple[str, str, str | None]  # (doc_id, entity, category)


class Scope:
    """The announcements a question may use facts of (``doc_ids``; None: all of them) and the table that reads
    them: the table's methods answer lookups in it from its source's indexes, never by walking every fact. One
    question's rules share a scope, which keeps each lookup's facts (read-only) so no rule reads them twice."""

    def __init__(self, table: FactTable, doc_ids: set[str] | None) -> None:
        self.table = table
        self.doc_ids = doc_ids
        self.memo: dict[Keys | tuple, list[Fact]] = {}

    def __bool__(self) -> bool:
        return self.table.source.has_facts(self.doc_ids)


class FactTable:
    """Read-only view of the facts of the loaded corpus (shared by every question, never changed).

    Its rows come from a :class:`~qa.answer.source.FactSource` (in memory, or read from the store per question);
    each lookup asks the source for candidate facts by key, so it touches only those, whatever the corpus size.
    A plain list of facts (tests, a generator's own selection) is scanned instead.
    """

    def __init__(self, facts: list[Fact] | FactSource, documents: list[Document], entity_names: set[str],
                 list_items: int = 20, max_chars: int = 2000) -> None:
        self.source: FactSource = MemorySource(facts) if isinstance(facts, list) else facts
        self.list_items = list_items  # how many items a list answer shows (Config.answer_list_items)
        self.max_chars = max_chars  # how long a fact answer's text may be (Config.max_answer_chars)
        self.docs = {d.doc_id: d for d in documents}
        self.entity_names = entity_names
        self.doc_order = {d.doc_id: i for i, d in enumerate(
            sorted(documents, key=lambda d: (d.published or f"{d.year or 0}", d.doc_id), reverse=True))}
        self.source.index_entities(entity_names)

    def scope(self, q: Question) -> Scope:
        """The facts of the announcements the question is restricted to (all of them without a restriction)."""
        return Scope(self, None if q.doc_ids is None else set(q.doc_ids))

    def scope_of(self, doc_ids: set[str] | None) -> Scope:
        """The facts of these announcements (all of them with None)."""
        return Scope(self, doc_ids)

    def _indexed(self, facts: list[Fact] | Scope) -> Scope | None:
        """``facts`` when it is a scope of this table (its lookups can use the indexes), else None."""
        return facts if isinstance(facts, Scope) and facts.table is self else None

    def _take(self, scope: Scope, keys: Keys) -> list[Fact]:
        """The scope's facts under these keys (kept in the scope: the question's next rule reads them again)."""
        found = scope.memo.get(keys)
        if found is None:
            found = scope.memo[keys] = self.source.take(scope.doc_ids, keys)
        return found

    def about(self, doc_ids: set[str] | None, subjects) -> list[Fact]:
        """The facts of these subjects in these announcements, in table order."""
        return self.source.take(doc_ids, Keys(subjects=tuple(subjects)))

    def with_values(self, doc_ids: set[str] | None, values) -> list[Fact]:
        """The facts whose text is one of these compact values (or one of them and 원), in table order."""
        return self.source.take(doc_ids, Keys(values=tuple(values)))

    def of_family(self, facts: list[Fact], family: str | None) -> list[Fact]:
        """The facts of an attribute family, in table order."""
        scope = self._indexed(facts)
        if scope is None:
            return [f for f in facts if family_of(f.attribute) == family]
        return self._take(scope, Keys(families=(family,)))

    def counted(self, facts: list[Fact]) -> list[Fact]:
        """The stated counts ("신청 수", "유형 수"): facts whose attribute ends in " 수", in table order."""
        scope = self._indexed(facts)
        if scope is None:
            return [f for f in facts if f.attribute.endswith(" 수")]
        return self._take(scope, Keys(counted=True))

    def of_subject(self, doc_id: str, subject: str) -> list[Fact]:
        """Every fact one announcement states about one subject, in table order."""
        return self.source.of_subject(doc_id, subject)

    def matching_fact(self, doc_id: str, subject: str, line: int) -> Fact | None:
        """The 매칭비율 fact stated on a line for a subject."""
        return self.source.matching(doc_id, subject, line)

    def by_doc(self, items: list, key: Callable = lambda x: x.doc_id) -> list[tuple[str, list]]:
        """Items grouped per document, newest announcement first."""
        groups: dict[str, list] = {}
        for it in items:
            groups.setdefault(key(it), []).append(it)
        return sorted(groups.items(), key=lambda kv: self.doc_order.get(kv[0], 0))

    def selected_entities(self, facts: list[Fact], q: Question, by_row: bool = False) -> list[Member]:
        """(doc_id, entity, category) of the entities a document lists, filtered by the question's
        categories and named values, in document order (with ``by_row``, one per row that gives an entity its
        category: a place selected twice counts twice)."""
        seen, out = set(), []
        value_subjects = None
        scope = self._indexed(facts)
        if q.values:
            named = self._take(scope, Keys(values=tuple(q.values))) if scope is not None else \
                [f for f in facts if any(v == compact(f.text) or v == compact(f.text).rstrip("원") for v in q.values)]
            value_subjects = {(f.doc_id, f.subject) for f in named}
        ordered = sorted(facts, key=lambda f: (f.doc_id, f.line)) if scope is None else \
            self._listed(scope, q.categories)
        for f in ordered:
            key = (f.doc_id, f.line) if by_row else (f.doc_id, f.subject)
            if f.subject not in self.entity_names or key in seen or (by_row and family_of(f.attribute) != Attr.TYPE):
                continue
            cat = f.qualifiers.get("category")
            if q.categories and cat not in q.categories:
                continue
            if value_subjects is not None and (f.doc_id, f.subject) not in value_subjects:
                continue
            seen.add(key)
            out.append((f.doc_id, f.subject, cat))
        return out

    def _listed(self, scope: Scope, categories: list[str]) -> list[Fact]:
        """The facts about listed entities in the scope (of these categories only, when given), ordered by
        (doc_id, line) as :meth:`selected_entities` walks them."""
        key = ("listed", tuple(categories))
        found = scope.memo.get(key)
        if found is None:
            found = scope.memo[key] = self.source.listed(scope.doc_ids, categories)
        return found

    def member_facts(self, facts: list[Fact], group: list[Member]) -> list[Fact]:
        """The fact that shows each listed entity (its table row's category cell, else its first fact)."""
        out = []
        scope = self._indexed(facts)
        for doc_id, e, _ in group:
            if scope is not None:
                mine = self.of_subject(doc_id, e) if scope.doc_ids is None or doc_id in scope.doc_ids else []
            else:
                mine = [f for f in facts if f.doc_id == doc_id and f.subject == e]
            pick = next((f for f in mine if family_of(f.attribute) == Attr.TYPE), mine[0] if mine else None)
            if pick:
                out.append(pick)
        return out

    def numeric(self, q: Question, facts: list[Fact], subjects: list[str] | None) -> dict[str, list[Fact]]:
        """Numeric facts of the first asked attribute that has any: named attributes (면적) first, then
        attribute families, then 국비 as the default quantity of a funding announcement."""
        keys = asked_quantities(q)
        out: dict[str, list[Fact]] = {}
        scope = self._indexed(facts)
        for how, key in keys or [("fam", Attr.NATIONAL)]:
            candidates = facts if scope is None else \
                self._take(scope, Keys(attributes=(key,)) if how == "attr" else Keys(families=(key,)))
            for f in candidates:
                if f.value is None or f.qualifiers.get("person") or f.qualifiers.get("total"):
                    continue
                if not is_quantity(f, how, key):
                    continue
                if subjects is None or f.subject in subjects:
                    out.setdefault(key, []).append(f)
            if out:
                return out
        if set(q.families) & MONEY_FAMILIES:
            # a money question where the table names its money column otherwise (특별교부세 …)
            candidates = facts if scope is None else self._take(scope, Keys(money=True))
            money = [f for f in candidates if f.unit.endswith("원") and f.value is not None
                     and not f.qualifiers.get("total") and (subjects is None or f.subject in subjects)
                     and f.subject in self.entity_names]
            if money:
                attr = max({f.attribute for f in money}, key=lambda a: sum(f.attribute == a for f in money))
                out[attr] = [f for f in money if f.attribute == attr]
        return out

    def lookup_facts(self, q: Question, facts: list[Fact]) -> list[Fact]:
        """The facts a lookup shows: the asked attributes of the named targets, with what they inherit."""
        scope = self._indexed(facts)
        if scope is None:
            wanted = [f for f in facts if wants(f, q)]
        else:  # the candidates of the asked families and attributes (and contact rows), then the exact test
            keys = Keys(families=tuple(q.families), attributes=tuple(q.attributes),
                        labelled=Attr.CONTACT in q.families)
            wanted = [f for f in self._take(scope, keys) if wants(f, q)]
        targets = set(q.entities) | set(q.categories)

        def about(subjects: set[str] | list[str]) -> list[Fact]:
            if scope is None:
                return [f for f in facts if f.subject in subjects]
            return self._take(scope, Keys(subjects=tuple(subjects)))

        if set(q.families) & MONEY_FAMILIES and targets:
            # "김천시는 얼마 받아?" where a table names the money column otherwise (특별교부세, 상금 …): per document
            covered_docs = {f.doc_id for f in wanted if f.subject in targets}
            seen = {f.fact_id for f in wanted}  # by id: a source read from the store gives each lookup new objects
            wanted += [f for f in about(targets) if f.unit.endswith("원") and f.value is not None
                       and f.doc_id not in covered_docs and f.fact_id not in seen]
        if not wanted or not targets:
            return wanted
        out = [f for f in wanted if f.subject in targets]
        covered = {f.subject for f in out}
        for e in q.entities:
            if e not in covered:  # an entity inherits category-level facts (전주시 경쟁률 → 거점형 경쟁률)
                cats = {f.qualifiers.get("category") for f in about([e])} - {None}
                out += [f for f in wanted if f.subject in cats and f not in out]
        if not out:  # nothing about the named target: the document-level statement ("유형 수" of the whole call)
            out = [f for f in wanted if f.subject == WHOLE and f.attribute in q.attributes]
        for c in ([] if q.entities else q.categories):
            if c not in covered:  # a category's members' facts (강소형 국비 → 안산시, 김천시, 김해시)
                out += [f for f in wanted if f.qualifiers.get("category") == c and f.subject in self.entity_names
                        and f not in out]
        return out + persons_phones(out, wanted) if Attr.PHONE in q.families else out


def persons_phones(found: list[Fact], wanted: list[Fact]) -> list[Fact]:
    """The phones of the people found, when a phone is asked ("원천세과 담당 사무관 전화번호" finds the 사무관, whose
    number is filed under the person): each of the same announcement, not yet found."""
    people = {(f.doc_id, f.text) for f in found if f.qualifiers.get("person")}
    return [f for f in wanted if f.attribute == Attr.PHONE and (f.doc_id, f.subject) in people and f not in found]


def wants(f: Fact, q: Question) -> bool:
    """The fact states what the question asks (a family or an exact attribute; 책임자 vs 담당자)."""
    label = f.qualifiers.get("label")
    if Attr.CONTACT in q.families and label in ("책임자", "담당자") and q.asks_responsible == (label == "책임자"):
        return True
    return (family_of(f.attribute) in q.families) or (f.attribute in q.attributes)


def matching(f: Fact, facts: list[Fact]) -> tuple[int, int, str, Fact | None] | None:
    """The matching ratio stated with a 국비 fact: (national, local, local money word, its 매칭비율 fact)."""
    if isinstance(facts, Scope):
        g = facts.table.matching_fact(f.doc_id, f.subject, f.line)
        found = [g] if g is not None and (facts.doc_ids is None or g.doc_id in facts.doc_ids) else []
    else:
        found = facts
    for g in found:
        if g.doc_id == f.doc_id and g.subject == f.subject and g.attribute == Attr.MATCHING and g.line == f.line:
            return g.qualifiers["national"], g.qualifiers["local"], g.qualifiers.get("local_key", Attr.LOCAL), g
    m = re.fullmatch(r"국비:(\S+)=(\d+):(\d+)", f.qualifiers.get("matching", ""))
    if m:
        return int(m.group(2)), int(m.group(3)), m.group(1), None
    return None


def asked_quantities(q: Question) -> list[tuple[str, str]]:
    """The quantities a question names, as (how, key): its named attributes (면적) first, then its families."""
    return [("attr", a) for a in q.attributes] + [("fam", f) for f in q.families]


def is_quantity(f: Fact, how: str, key: str) -> bool:
    """Whether a fact states that quantity: its attribute named so ("attr"), or one of that family ("fam")."""
    return (f.attribute if how == "attr" else family_of(f.attribute)) == key


def dedupe_subjects(group: list[Fact]) -> list[Fact]:
    """The first fact of each subject."""
    seen, out = set(), []
    for f in group:
        if f.subject not in seen:
            seen.add(f.subject)
            out.append(f)
    return out


def common_unit(fs: list[Fact]) -> tuple[str, int]:
    if not one_unit(fs):
        raise ValueError("units differ")
    units = {f.unit for f in fs}
    if len(units) == 1:
        u = fs[0].unit
        return u, MAGNITUDE.get(u[:-1], 1) if u.endswith("원") else 1
    best = max(units, key=lambda u: MAGNITUDE.get(u[:-1], 1))  # mixed 억원/만원: show in the largest unit used
    return best, MAGNITUDE.get(best[:-1], 1)


def one_unit(fs: list[Fact]) -> bool:
    """Whether the facts can be added or compared: one unit, or amounts of money in several (억원 and 만원). A
    table's rate row ("증감률(%)") states its column in % beside the column's amounts."""
    units = {f.unit for f in fs}
    return len(units) <= 1 or all(u.endswith("원") for u in units)


def add(fs: list[Fact]) -> tuple[str, str]:
    """Sum of the values in their common unit: ("240", "억원")."""
    unit, mag = common_unit(fs)
    return format_number(sum(f.base_value or 0 for f in fs) / mag), unit


def diff(a: Fact, b: Fact) -> tuple[str, str]:
    unit, mag = common_unit([a, b])
    return format_number((a.base_value - b.base_value) / mag), unit
