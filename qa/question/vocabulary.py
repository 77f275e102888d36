"""The corpus vocabulary questions are linked against, built once from the facts table's names (read-only after)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Protocol

from ..facts import Fact
from ..facts.names import FactNames
from ..ingest import Document
from ..korean import admin_stem, tokenize
from ..lexicon import ATTRIBUTE_FAMILIES, COUNT_ATTRIBUTES, FAMILY_MEMBERS, REGION_OF, REGIONS, WHOLE, Attr
from ..text import HANGUL, compact, romanize

LONGEST_VALUE = 16  # characters of the longest named value (qa.facts.names keeps no longer text as one)
SHORTEST_INSIDE = 3  # a value this long or longer is named inside the question, a shorter one as a word of it


class NameLookup(Protocol):
    """The names a vocabulary does not hold, read per question by key (:class:`qa.answer.source.StoreSource`)."""

    def values(self, keys: set[str]) -> list[str]:
        """The named values among these keys, each once, in table order."""


def value_keys(text: str, tokens: Iterable[str]) -> set[str]:
    """Every key under which a question (its compact text and words) may name a value, as
    :func:`~qa.question.steps.link_values` reads one: its substrings as long as a value named inside it, its short
    words."""
    longest = min(len(text), LONGEST_VALUE)
    keys = {text[i:i + n] for n in range(SHORTEST_INSIDE, longest + 1) for i in range(len(text) - n + 1)}
    return keys | {t for t in tokens if len(t) < SHORTEST_INSIDE}


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
    lookup: NameLookup | None = None  # the names read per question by key (the store), when not all are held here

    @classmethod
    def build(cls, names: FactNames | list[Fact], documents: list[Document], vocab: set[str],
              docs_with_term: Callable[[str], set[str]] | None = None, lookup: NameLookup | None = None) -> Vocabulary:
        """From the facts table's names (:class:`~qa.facts.names.FactNames`: read once at load, not its rows); the
        values from ``lookup`` per question instead, when given."""
        if not isinstance(names, FactNames):
            names = FactNames.of(names)
        v = cls(documents, vocab, docs_with_term or (lambda term: set()), people=set(names.people),
                lookup=lookup)
        categories = set(names.categories) - {None}
        v.attributes.update(names.attributes)
        for _, subject, _, _ in names.subjects:
            if subject != WHOLE:
                target = v.categories if subject in categories else v.entities
                target.setdefault(subject, set()).update(aliases(subject))
        for value, attribute in names.values:
            v.values.setdefault(value, set()).add(attribute)
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

    def values_named(self, text: str, tokens: list[str]) -> Iterable[str]:
        """The values a question (its compact text and words) may name, in table order: every one held here, or
        those among its keys read from the store (the same ones, in the same order, without the rest)."""
        return self.values if self.lookup is None else self.lookup.values(value_keys(text, tokens))

    # indexes derived from the fields above on first use (the fields are filled in before any question), so
    # linking a question touches only the names and documents it shares a word with, whatever the corpus size
    @cached_property
    def title_index(self) -> dict[str, set[str]]:
        """Title word → the documents whose title holds it."""
        out: dict[str, set[str]] = {}
        for d, tokens in self.title_tokens.items():
            for t in tokens:
                out.setdefault(t, set()).add(d)
        return out

    @cached_property
    def compact_titles(self) -> dict[str, set[str]]:
        """Document → the compact forms of its title words."""
        return {d: {compact(t) for t in tokens} for d, tokens in self.title_tokens.items()}

    @cached_property
    def _term_df(self) -> dict[str, int]:
        return {}

    def term_df(self, term: str) -> int:
        """In how many documents' text a word occurs (``docs_with_term``, counted once per word and corpus)."""
        df = self._term_df.get(term)
        if df is None:
            df = self._term_df[term] = len(self.docs_with_term(term))
        return df

    @cached_property
    def known_names(self) -> set[str]:
        """Every alias of an entity or category, and the people named in the facts."""
        return {a for a, _, _ in self.alias_index} | self.people

    @cached_property
    def _one_off(self) -> dict[int, dict[tuple[int, str], list[str]]]:
        return {}

    def one_off(self, word: str) -> list[str]:
        """The pieces of corpus words (substrings as long as ``word``) that differ from it in at most one
        syllable: the only ones a one-syllable typo can be, found by key instead of by walking the vocabulary.
        Keyed by the position left out; built once per word length."""
        n = len(word)
        keys = self._one_off.get(n)
        if keys is None:
            keys = {}
            for w in self.vocab:
                for i in range(len(w) - n + 1):
                    piece = w[i:i + n]
                    for j in range(n):
                        keys.setdefault((j, piece[:j] + piece[j + 1:]), []).append(piece)
            self._one_off[n] = keys
        return [p for j in range(n) for p in keys.get((j, word[:j] + word[j + 1:]), ())]

    @cached_property
    def _alias_keys(self) -> tuple[dict[tuple[int, int, str], list[int]], set[int]]:
        return _masked([a for a, _, _ in self.alias_index])

    @cached_property
    def attribute_list(self) -> list[str]:
        """:attr:`attributes` in one fixed order, the longest (most specific) first, so linking reports them
        in the same order in every process (a set's order changes with the hash seed)."""
        return sorted(self.attributes, key=lambda a: (-len(a), a))

    @cached_property
    def _attribute_keys(self) -> tuple[dict[tuple[int, int, str], list[int]], set[int]]:
        return _masked(self.attribute_list)

    def alias_typos(self, word: str) -> list[int]:
        """Positions in :attr:`alias_index` of the aliases the start of ``word`` may be a one-syllable typo
        of (a superset, in order; :func:`~qa.text.one_typo` decides)."""
        return _typo_candidates(word, *self._alias_keys)

    def attribute_typos(self, word: str) -> list[int]:
        """Positions in :attr:`attribute_list` of the attributes the start of ``word`` may be a typo of."""
        return _typo_candidates(word, *self._attribute_keys)

    @cached_property
    def family_triggers(self) -> list[tuple[str, str, bool]]:
        """(trigger word, family, only as a word of its own) of every attribute family, longest first (as
        :func:`~qa.question.steps.link_families` reads them): sorted once, not per question."""
        pairs = sorted(((t, f) for f, ts in ATTRIBUTE_FAMILIES.items() for t in ts), key=lambda x: -len(x[0]))
        return [(t, f, len(t) <= 2 and bool(HANGUL.search(t))) for t, f in pairs]

    @cached_property
    def typo_triggers(self) -> list[tuple[str, str]]:
        """(family, trigger) of the triggers a typo may be read as (three syllables or more, Korean), in the order
        of :data:`~qa.lexicon.ATTRIBUTE_FAMILIES`."""
        return [(f, t) for f, ts in ATTRIBUTE_FAMILIES.items() for t in ts if len(t) >= 3 and HANGUL.search(t)]

    @cached_property
    def _trigger_keys(self) -> tuple[dict[tuple[int, int, str], list[int]], set[int]]:
        return _masked([t for _, t in self.typo_triggers])

    def trigger_typos(self, word: str) -> list[int]:
        """Positions in :attr:`typo_triggers` of the triggers the start of ``word`` may be a typo of."""
        return _typo_candidates(word, *self._trigger_keys)

    @cached_property
    def compact_attributes(self) -> dict[str, str]:
        """Attribute name → its compact form, in the iteration order of :attr:`attributes`."""
        return {a: compact(a) for a in self.attributes}


def _masked(names: list[str]) -> tuple[dict[tuple[int, int, str], list[int]], set[int]]:
    """(length, left-out position, the name without that syllable) → positions of the names; and the lengths."""
    keys: dict[tuple[int, int, str], list[int]] = {}
    for i, name in enumerate(names):
        for j in range(len(name)):
            keys.setdefault((len(name), j, name[:j] + name[j + 1:]), []).append(i)
    return keys, {len(n) for n in names}


def _typo_candidates(word: str, keys: dict[tuple[int, int, str], list[int]], lengths: set[int]) -> list[int]:
    out: set[int] = set()
    for n in lengths:
        if n <= len(word):
            head = word[:n]
            for j in range(n):
                out.update(keys.get((n, j, head[:j] + head[j + 1:]), ()))
    return sorted(out)


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
    out |= REGION_OF.get(compact(name), frozenset())  # 전라남도 is asked as 전남
    parts = name.split()
    if len(parts) > 1 and (admin_stem(parts[-1]) or admin_stem(parts[0]) or parts[0] in REGIONS):
        out.add(compact(parts[-1]))  # "경기 고양시" → 고양시; not "정기 신청" → 신청, a word every question may hold
    return {a for a in out if len(a) >= 2}


@lru_cache(maxsize=65536)
def family_of(attribute: str) -> str | None:
    """The family an extracted attribute name belongs to (국비(억원) → 국비, 도시경제과장 → None).

    Cached: a pure function of the name, asked for every fact a rule looks at (a corpus has few distinct names).
    """
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
