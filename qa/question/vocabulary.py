"""The corpus vocabulary questions are linked against, built once from the facts table (read-only after)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..facts import Fact
from ..ingest import Document
from ..korean import admin_stem, tokenize
from ..lexicon import COUNT_ATTRIBUTES, FAMILY_MEMBERS, WHOLE, Attr
from ..text import HANGUL, compact, romanize


@dataclass(frozen=True)
class Vocabulary:
    """Names of the indexed corpus: entities and categories with their aliases, attribute names, people, named
    values, document titles and words."""

    documents: list[Document]
    vocab: set[str]
    docs_with_term: Callable[[str], set[str]]
    entities: dict[str, set[str]] = field(default_factory=dict)  # canonical subject -> aliases (compact)
    categories: dict[str, set[str]] = field(default_factory=dict)
    attributes: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    values: dict[str, set[str]] = field(default_factory=dict)  # compact value text -> attribute names
    alias_index: list[tuple[str, str, str]] = field(default_factory=list)  # (alias, name, kind), longest first
    title_tokens: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, facts: list[Fact], documents: list[Document], vocab: set[str],
              docs_with_term: Callable[[str], set[str]] | None = None) -> Vocabulary:
        v = cls(documents, vocab, docs_with_term or (lambda term: set()),
                people={compact(f.text) for f in facts if f.qualifiers.get("person")})
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
        v.alias_index.extend(sorted(
            [(a, name, "entity") for name, al in v.entities.items() for a in al]
            + [(a, name, "category") for name, al in v.categories.items() for a in al],
            key=lambda t: -len(t[0])))
        v.title_tokens.update({d.doc_id: set(tokenize(d.title)) for d in documents})
        return v


def aliases(name: str) -> set[str]:
    """The ways a name is written in questions: compact, without its admin suffix, romanised, last word."""
    out = {compact(name)}
    stem = admin_stem(name)
    if stem:
        out.add(compact(stem))
    for a in list(out):
        if HANGUL.search(a):
            r = romanize(a)
            if len(r) >= 4:
                out.add(r)
    parts = name.split()
    if len(parts) > 1:
        out.add(compact(parts[-1]))
    return {a for a in out if len(a) >= 2}


def family_of(attribute: str) -> str | None:
    """The family an extracted attribute name belongs to (국비(억원) → 국비, 도시경제과장 → None)."""
    if attribute.endswith(Attr.RATIO) and attribute != Attr.MATCHING:
        return Attr.RATIO  # "국비 비율" is a percentage, not an amount of 국비
    if attribute.endswith(" 수") and attribute not in COUNT_ATTRIBUTES:
        return None  # "유형 수" is a count, matched by its own name, not the 유형 family
    a = attribute.replace(" ", "")
    for fam, members in FAMILY_MEMBERS.items():
        if any(m.replace(" ", "") == a for m in members):
            return fam
    for fam, members in FAMILY_MEMBERS.items():
        if any(m.replace(" ", "") in a for m in members if len(m) >= 2):
            return fam
    return None
