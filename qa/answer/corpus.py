"""What answering reads of a loaded index, built once at load and shared (read-only) by every question.

The generators and features ask the same few questions of the corpus — which words it writes, which
announcement names a place, which dates a passage speaks of, how a mistyped word is written — and the answers
are kept here so that no generator scans the corpus per question. Caches are plain dicts written with one
assignment each, so concurrent questions never see a half-written entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import faiss
import numpy as np

from ..asked import asked_edge
from ..chunk import Chunk
from ..config import Config
from ..facts import Fact
from ..korean import admin_stem, dictionary_word, morphs, tokenize
from ..lexicon import KIND_WORDS, QUESTION_WORDS, REGION_OF, RELATIVE_TIME_WORDS
from ..quantity import parse
from ..question import Linker, Question
from ..readers.dates import STATED_YEAR
from ..text import TypoIndex, compact, match_strength
from .passage import ChunkUnits, read_units
from .rows import tables_of
from .source import FactSource, MemorySource
from .table import FactTable
from .typed import TypedFinder

if TYPE_CHECKING:
    from ..index import Index
    from ..ingest import Document

_YEAR_MENTION = re.compile(rf"{STATED_YEAR}|[’'‘](\d{{2}})\s*년?(?=[\s.\d월상하])")


class Corpus:
    """The loaded announcements as answering reads them: facts (through :attr:`table`), vocabulary, tables, titles
    and caches."""

    def __init__(self, config: Config, index: Index, facts: list[Fact] | FactSource) -> None:
        self.config = config
        self.index = index
        source = MemorySource(facts) if isinstance(facts, list) else facts
        self.docs: dict[str, Document] = index.doc_by_id
        self.chunks: dict[str, Chunk] = {c.chunk_id: c for c in index.chunks}
        self.tables = tables_of(index.chunks)  # each table row's whole table
        # the vocabulary from the facts' names (read once); their rows only through the table, by key
        self.linker = Linker(source.names, index.documents, set(index.vocab), index.docs_with_term, source.lookup)
        self.table = FactTable(source, index.documents, source.names.entity_subjects(self.linker.entities),
                               config.answer_list_items, config.max_answer_chars)
        self.finder = TypedFinder(tokenize, index.vocab_idf(), max_chunks=config.typed_hits)
        self.title_terms = {d.doc_id: set(tokenize(d.title)) for d in index.documents}
        # each announcement's publisher as a question writes it: the body, without its department (국토교통부)
        self.publishers = {d.doc_id: compact(d.publisher.split()[0]) for d in index.documents if (d.publisher or "").strip()}
        # … their names, looked up by first syllable as known_form looks up what a word abbreviates (중기부 among the
        # 중… bodies only)
        self.publisher_names = TypoIndex(sorted({p for p in self.publishers.values() if len(p) >= 2}))
        # every Korean name of every place or body the corpus names (a list of them is a list of who gets what)
        self.entity_names = frozenset(a for aliases in self.linker.entities.values() for a in aliases
                                      if len(a) >= 2 and not a.isascii())
        # each of them compact → its name (whose plan a passage is); places, bodies and categories (compact) that a
        # comparison swaps for each other: read once per loaded index, not per question
        self.alias_names = {compact(a): name for name, aliases in self.linker.entities.items()
                            for a in aliases | {name} if len(a) >= 2 and not a.isascii()}
        # every written form of a place: provinces and cities, and the places the corpus names (compact)
        self.place_forms = frozenset({a for a, name in self.alias_names.items() if self.place(name)}
                                     | {compact(f) for f in REGION_OF})
        vocabulary = self.linker.vocabulary
        self.operand_names = frozenset(compact(a) for kind in (vocabulary.entities, vocabulary.categories)
                                       for name, aliases in kind.items() for a in aliases | {name} if len(a) >= 2)
        self.year_mentions = year_mentions(index.documents)
        self.lead_points: dict[str, Chunk] = {}  # each announcement's first point (its lead)
        self.doc_chunks: dict[str, list[Chunk]] = {}  # each announcement's chunks, in order
        for c in index.chunks:
            self.doc_chunks.setdefault(c.doc_id, []).append(c)
            if c.kind in ("point", "text"):
                self.lead_points.setdefault(c.doc_id, c)
        self.chunk_rows = {c.chunk_id: i for i, c in enumerate(index.chunks)}  # a passage's row of stored vectors
        self.vectors = flat_vectors(index.faiss_index)  # those vectors, when stored flat (a view, not a copy)
        self._doc_texts: dict[str, str] = {}
        self._mentions: dict[tuple[str, str], bool] = {}  # (document, place form) → written in it
        self._vocab_text: str | None = None  # the corpus words joined by newlines (:meth:`shares_a_word`)
        # every written form of every place or body (whose words name someone, not what is asked)
        self.aliases = frozenset(a for aliases in self.linker.entities.values() for a in aliases)
        self._siblings: dict[str, tuple[str, ...]] = {}
        self._neighbours: dict[str, tuple[str, ...]] = {}
        self.vocab_typos = TypoIndex(index.vocab)  # the corpus words one jamo from a word, by key
        self._units: dict[int, tuple[Chunk, ChunkUnits]] = {}  # id(chunk) → (chunk, its units)
        self._names_someone: dict[str, bool] = {}  # compact text → it writes a place or body's name

    def similarity(self, vector: np.ndarray, rows: list[int]) -> float:
        """The largest inner product of a normalised query vector with the stored vectors of ``rows`` (read from the
        flat vectors when the index keeps them so: the same floats as ``reconstruct_batch``, without its copy)."""
        stored = self.vectors[rows] if self.vectors is not None else \
            self.index.faiss_index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return float(np.maximum.reduce(stored @ np.asarray(vector, dtype=np.float32).reshape(-1)))

    def sentence_similarities(self, vector: np.ndarray, chunk: Chunk) -> np.ndarray | None:
        """Each sentence of a passage chunk (its units, in order) against a normalised query vector: the stored
        sentence vectors, or the chunk's own for a chunk of one sentence. None for an index built before sentence
        vectors and for a chunk it does not hold."""
        rows, row = self.index.unit_rows, self.chunk_rows.get(chunk.chunk_id)
        if rows is None or self.index.unit_vectors is None or row is None or row >= len(rows):
            return None
        start, count = (int(x) for x in rows[row])
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        if count:
            return self.index.unit_vectors[start:start + count] @ v
        return np.array([self.similarity(v, [row])], dtype=np.float32)

    def passage_units(self, chunk: Chunk) -> ChunkUnits:
        """A chunk's units as passages are ranked by them (:func:`~qa.answer.passage.read_units`), read once per
        loaded index: its sentences, their words and what they hold do not change from question to question."""
        held = self._units.get(id(chunk))  # the loaded index's chunks live as long as it does
        if held is None or held[0] is not chunk:
            held = self._units[id(chunk)] = (chunk, read_units(chunk))
        return held[1]

    def names_someone(self, flat: str) -> bool:
        """Whether a compact text (a passage's list item, a cell) writes the name of a place or body the corpus names:
        looked up once per text for the loaded index, not by walking every name for every item of every question."""
        found = self._names_someone.get(flat)
        if found is None:
            found = self._names_someone[flat] = any(n in flat for n in self.entity_names)
        return found

    def categories_of(self, doc_ids: set[str]) -> set[str]:
        """The categories the facts of these announcements name (read by key when the facts are in the store)."""
        return self.table.source.categories_of(doc_ids)

    # ------------------------------------------------------------------ words
    @property
    def vocab(self):
        return self.index.vocab

    def docs_with_term(self, term: str) -> set[str]:
        return self.index.docs_with_term(term)

    def compact_text(self, doc_id: str) -> str:
        """A document's text without spaces (kept per document once asked)."""
        text = self._doc_texts.get(doc_id)
        if text is None:
            text = self._doc_texts[doc_id] = compact("\n".join(self.docs[doc_id].lines))
        return text

    def mentions(self, doc_id: str, form: str) -> bool:
        """Whether a document's compact text holds ``form`` (a place's written form): looked up once per document
        and form, not searched through the whole text for every candidate of every question."""
        key = (doc_id, form)
        found = self._mentions.get(key)
        if found is None:
            found = self._mentions[key] = form in self.compact_text(doc_id)
        return found

    def known_in(self, doc_ids: set[str] | None, hits) -> Callable[[str], str]:
        """A question word as the announcements it is about write it: of the corpus words one jamo away from a
        word no announcement holds, the one those announcements hold, and of several the one in the passage
        retrieved first ("나노코리아 2024 주체 기관" → 주최); otherwise as the whole corpus writes it."""
        if not doc_ids:
            return self.finder.known

        def known(word: str) -> str:
            if word in self.vocab or len(word) < 2 or word in RELATIVE_TIME_WORDS or dictionary_word(word):
                return self.finder.known(word)
            if word not in self._neighbours:
                self._neighbours[word] = tuple(self.vocab_typos.neighbours(word))
            near = [v for v in self._neighbours[word] if self.docs_with_term(v) & doc_ids]
            first = next((v for h in hits for v in near if v in h.chunk.text), None)
            return first or (near[0] if len(near) == 1 else self.finder.known(word))
        return known

    def siblings(self, word: str) -> tuple[str, ...]:
        """Corpus words sharing the longest head of two syllables or more with ``word`` and differing before it
        (풀코스 → 하프코스; 초기창업패키지 → 예비창업패키지), synonyms and words of a kind asked (기간) aside."""
        if word not in self._siblings:
            found: tuple[str, ...] = ()
            for n in range(len(word) - 1, 1, -1):
                head, lead = word[-n:], word[:-n]
                if head in KIND_WORDS or head not in self.vocab or head in self.index.common_terms():
                    continue  # 지역, 사업: too general a head for its other words to be variants of this one
                found = tuple(w for w in self.vocab if len(w) > n and w.endswith(head) and w[:-n] != lead
                              and not w[:-n].endswith(lead) and not lead.endswith(w[:-n])
                              and not match_strength(word, {w}) and not match_strength(w, {word}))
                if found:
                    break
            self._siblings[word] = found
        return self._siblings[word]

    def shares_a_word(self, word: str) -> bool:
        """``any(len(v) >= 2 and (v in word or word in v) for v in vocab)``, by lookup instead of by walking the
        vocabulary: a piece of the word (two syllables or more) is a corpus word, or the word is inside one (one
        search of the vocabulary joined by newlines, kept for the loaded index)."""
        n = len(word)
        if any(word[i:j] in self.vocab for i in range(n) for j in range(i + 2, n + 1)):
            return True
        if "\n" in word or n < 2:
            return any(len(v) >= 2 and word in v for v in self.vocab)
        if self._vocab_text is None:
            self._vocab_text = "\n".join(self.vocab)
        return word in self._vocab_text

    def unknown_nouns(self, q: Question, residual: list[str]) -> bool:
        """A content noun of the question that no announcement contains (인구 in a corpus without it)."""
        if not residual or q.english:
            return False
        unknown = 0
        ms = morphs(asked_edge(q.text)[1])  # "마지막 날", "무슨 요일" say which value, not about what
        for i, m in enumerate(ms):
            if m.tag not in ("NNG", "NNP") or len(m.form) < 2 or m.form in self.vocab or m.form not in residual \
                    or m.form in QUESTION_WORDS or m.form in KIND_WORDS or m.form in RELATIVE_TIME_WORDS:
                continue
            if i + 1 < len(ms) and ms[i + 1].tag in ("XSV", "XSA"):
                continue  # "얼마가 투입돼요?": a noun made the verb says what happens, not what is asked about
            if self.finder.known(m.form) != m.form or self.finder.typos.neighbours(m.form):
                continue  # a typo (기갼), an abbreviation (중기부) or a word one jamo from one the corpus has (나라)
            if not self.shares_a_word(m.form):
                unknown += 1  # shares nothing with any word of any announcement (not a compound of known parts)
        unknown += sum(1 for t in residual if "&" in t and t not in self.vocab)  # R&D in a corpus without it
        return unknown > 0 and unknown * 2 >= len(residual)

    # ------------------------------------------------------------------ announcements
    def title_lead(self, q: Question) -> int:
        """How many of the question's first words name its one announcement (by its title's words)."""
        if not q.doc_ids or len(q.doc_ids) > 1:
            return 0
        titles = self.linker.title_tokens.get(next(iter(q.doc_ids)), set())
        words = q.text.split()
        lead = 0
        while lead < len(words) and set(tokenize(words[lead])) <= titles | QUESTION_WORDS:
            lead += 1
        return lead

    def within(self, q: Question) -> str:
        """The question as a query inside the announcement its title words chose: without the words that name it
        first, which every one of its passages shares ("어촌분야 … 공모 기간은?" → "공모 기간은?")."""
        rest = q.text.split()[self.title_lead(q):]
        return " ".join(rest) if any(set(tokenize(w)) - QUESTION_WORDS for w in rest) else q.text

    def widened(self, q: Question, terms: tuple[str, ...]) -> set[str]:
        """Announcements holding a word of the question (not a name) that none of those its title words chose
        holds: a title word can name the wrong announcement ("소상공인" is in two titles)."""
        if not q.doc_ids or q.dated or len(q.years) > 1:
            return set()
        unknown = set(q.unknown_names)
        extra: set[str] = set()
        for t in terms:
            if t in self.aliases or t in unknown or t[0].isdigit():
                continue
            docs = set(self.docs_with_term(t))
            if docs and not docs & q.doc_ids:
                extra |= docs
        return extra

    def periods(self, chunk_ids) -> list[str]:
        """The dates those passages speak of."""
        return [x.date for cid in chunk_ids if cid in self.chunks
                for x in parse(self.chunks[cid].search_text, None)  # "12월" of a January release: no year
                if x.kind == "date" and x.date and "/" not in x.date]

    def place(self, name: str) -> bool:
        return bool(admin_stem(name)) or name in REGION_OF

    def places_named(self, q: Question) -> list[set[str]]:
        """The places a question names, each as the set of its written forms."""
        names = [self.linker.entities.get(e, {e}) | {e} for e in q.entities if self.place(e)]
        words = set(tokenize(q.text))
        names += [set(g) for g in {REGION_OF[w] for w in words & REGION_OF.keys()}]  # each region once, whichever name
        return [{compact(a) for a in aliases if len(a) >= 2 and not a.isascii()} for aliases in names]


def flat_vectors(index) -> np.ndarray | None:
    """The ``(n, d)`` float32 vectors a flat FAISS index (or an HNSW graph's flat storage) keeps, as a read-only view
    of its memory (valid while the index lives); None for any other index."""
    try:
        flat = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSW) else index
        if not isinstance(flat, faiss.IndexFlat) or flat.ntotal == 0:
            return None
        view = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)
    except (AttributeError, TypeError, RuntimeError):
        return None
    view.flags.writeable = False
    return view


def year_mentions(documents: list[Document]) -> dict[int, set[str]]:
    """Which announcements state figures of which years in their text ("’22년 478억 달러")."""
    out: dict[int, set[str]] = {}
    for d in documents:
        for m in _YEAR_MENTION.finditer(d.text):
            out.setdefault(int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)), set()).add(d.doc_id)
    return out
