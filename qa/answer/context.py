"""One question on its way through the generators: what it asks, and the passages its searches find.

Searches are lazy and kept: the generators that need the question's passages share one list, and every
variant search (the value passages, the wider look) goes through the question's :class:`SearchHandle`, so
the question is embedded once whatever runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..chunk import Chunk
from ..korean import predicates, tokenize, topics
from ..lexicon import KIND_WORDS, NAME_ASKS, QUESTION_WORDS, TOPIC_PARTICLES
from ..question import Question
from ..retrieve import Hit, SearchHandle
from ..text import abbreviates, compact
from .ask import TypedAsk, content_terms, followup_ask, read_ask
from .corpus import Corpus
from .dates import compared_from

_NAME_ASKS = re.compile(NAME_ASKS)


@dataclass
class Context:
    """A question (cleaned, spell-corrected, linked) and its searches."""

    corpus: Corpus
    text: str
    q: Question
    handle: SearchHandle
    k: int
    history: list[str] = field(default_factory=list)
    memo: dict = field(default_factory=dict)  # what one generator computes that another reads (the quoted values)

    # ------------------------------------------------------------------ what is asked
    @cached_property
    def own_ask(self) -> TypedAsk | None:
        """The value the question itself asks for (얼마, 몇 명, 언제 …), if any."""
        return read_ask(self.text, tokenize, QUESTION_WORDS, predicates)

    @cached_property
    def ask(self) -> TypedAsk | None:
        """The value asked: the question's own, or for an elliptical follow-up ("농림어업은?") its predecessor's."""
        if self.own_ask is not None or not self.history:
            return self.own_ask
        previous = read_ask(self.history[-1], tokenize, QUESTION_WORDS, predicates)
        return followup_ask(self.text, previous, tokenize, QUESTION_WORDS, self.corpus.finder.weight)

    @cached_property
    def places_named(self) -> list[set[str]]:
        """The places the question names, each as the set of its written forms (read once per question)."""
        return self.corpus.places_named(self.q)

    @cached_property
    def asks_name(self) -> bool:
        """The question asks which place or body (어느 지자체, 어디야, 누가): its answer is a name."""
        return not self.q.english and bool(_NAME_ASKS.search(self.text))

    @cached_property
    def publishers_named(self) -> set[str]:
        """The publishers of the corpus the question names, in full or abbreviated (중기부 → 중소벤처기업부)."""
        if self.q.english:
            return set()
        names = self.corpus.publisher_names
        named = {p for p in names.words if p in self.q.compact}
        for w in {compact(w) for w in self.text.split()} | set(self.q.tokens):  # 중기부가, 중기부
            named |= {p for p in names.starting(w[:1]) if abbreviates(w, p) or abbreviates(w[:-1], p)}
        return named

    @property
    def asks_value(self) -> bool:
        return self.own_ask is not None and not self.q.english

    @cached_property
    def year_scope(self) -> set[str] | None:
        """For a question naming a year no announcement (of those it names) is of: the announcements that report
        figures of that year (only they may answer, and only with figures said to be of it); None otherwise."""
        q = self.q
        if not (q.years and (not q.doc_ids or q.dated)):
            return None
        mentioned = set().union(*(self.corpus.year_mentions.get(y, set()) for y in q.years))
        return mentioned & q.doc_ids if q.dated else mentioned

    @cached_property
    def compared_only(self) -> bool:
        """Every year the question names is one it compares from ("2020년보다 몇 명 줄었어", "2023년 12월이랑 비교해서"):
        the announcements reporting that year are searched, but what is asked is their own figures."""
        return bool(self.q.years) and all(compared_from(self.text, y) for y in self.q.years)

    @property
    def year_only(self) -> bool:
        """Only figures said to be of the year asked can answer (see :attr:`year_scope`)."""
        return self.year_scope is not None and not self.compared_only

    @property
    def scope(self) -> set[str] | None:
        return (self.year_scope or None) if self.year_scope is not None else self.q.doc_ids

    # ------------------------------------------------------------------ searches
    def settle_scope(self, lead: int = 2, year_lead: int = 5) -> None:
        """Keep the announcements the question's title or year words chose only when its content agrees: one of
        them holds one of the first ``lead`` passages found without that restriction (``year_lead`` when only a
        year chose them: "2023년 거점형 선정 도시" asks the 2023 release even when the 2025 one on the same
        subject ranks first). Otherwise the title words named another announcement than the one the question is
        about ("청년" of one title, asked about another's 청년인턴): the announcements of the years it names remain
        if the content agrees with them, else the whole corpus."""
        q = self.q
        if not q.doc_ids:
            return
        free = {h.chunk.doc_id for h in self.handle.search(k=lead if q.named_titles else max(lead, year_lead))}
        if not free or q.doc_ids & free:
            return
        self.memo["scope_overruled"] = sorted(q.doc_ids)
        of_years = {d.doc_id for d in self.corpus.index.documents if d.years & set(q.years)}
        q.doc_ids = of_years if of_years & free else None
        q.dated = False

    @property
    def search_k(self) -> int:
        return max(self.k, self.corpus.config.typed_hits)

    @cached_property
    def hits(self) -> list[Hit]:
        """The question's passages, best first."""
        if self.year_only and not self.year_scope:
            return self.handle.search(k=self.search_k)  # shown as related passages only
        return self.handle.search(k=self.search_k, doc_ids=self.scope)

    def categories_of(self, doc_ids: set[str]) -> set[str]:
        """The categories the facts of these announcements name, read once per question (with the facts in the
        store each read is a query, and the quoted values of one question ask it of the same announcements)."""
        key = ("categories_of", frozenset(doc_ids))
        if key not in self.memo:
            self.memo[key] = self.corpus.categories_of(doc_ids)
        return self.memo[key]

    def similarity(self, chunk_ids: set[str]) -> float | None:
        """The closest of these passages to the question in the embedding space (the inner product of normalised
        e5 vectors: the stored passage vectors and the question's one embedding), or None when the question was
        not embedded (a BM25-only search: a feature never costs another embedding)."""
        if self.handle.embeddings == 0 or not chunk_ids:
            return None
        key = ("similarity", frozenset(chunk_ids))
        if key not in self.memo:
            rows = sorted(r for r in (self.corpus.chunk_rows.get(c) for c in chunk_ids) if r is not None)
            self.memo[key] = self.corpus.similarity(self.query_vector, rows) if rows else None
        return self.memo[key]

    def sentence_similarities(self, chunk: Chunk) -> np.ndarray | None:
        """Each sentence of a passage chunk against the question in the embedding space
        (:meth:`Corpus.sentence_similarities`), or None when the question was not embedded."""
        if self.handle.embeddings == 0:
            return None
        key = ("sentences", chunk.chunk_id)
        if key not in self.memo:
            self.memo[key] = self.corpus.sentence_similarities(self.query_vector, chunk)
        return self.memo[key]

    @cached_property
    def query_vector(self) -> np.ndarray:
        """The question's embedding as one float32 row (read so once, not per passage compared)."""
        return np.asarray(self.handle.vector, dtype=np.float32).reshape(-1)

    @cached_property
    def closest(self) -> float | None:
        """The similarity of the closest of the question's passages (what a candidate's is measured against)."""
        return self.similarity({h.chunk.chunk_id for h in self.hits[: self.k]})

    @cached_property
    def farthest(self) -> float | None:
        """The similarity of the farthest of the question's passages: with :attr:`closest`, the spread a
        candidate's similarity is measured in (e5 cosines of one question's passages differ by hundredths)."""
        sims = [self.similarity({h.chunk.chunk_id}) for h in self.hits[: self.k]]
        sims = [s for s in sims if s is not None]
        return min(sims) if sims else None

    @cached_property
    def value_hits(self) -> list[Hit]:
        """Passages for a quoted value: without the words naming its announcement (every row's caption repeats
        them) and with at most a few rows of one table, so a total stated below a table is not crowded out."""
        if self.year_only or self.q.english or (self.own_ask is None and not self.history):
            return self.hits
        words = self.corpus.within(self.q) if self.handle.query == self.q.text else self.handle.query
        return self.handle.search(words, k=self.search_k, doc_ids=self.q.doc_ids,
                                  per_table=self.corpus.config.typed_rows_per_table)

    @cached_property
    def wider_hits(self) -> list[Hit]:
        """Passages for a question no retrieved passage answers: among a few rows of each table, and, when it
        names someone, those found without its announcement's name ("장흥군 선정 마을 이름은?")."""
        k = max(self.k, 8)
        hits = self.handle.search(k=k, doc_ids=self.q.doc_ids, per_table=self.corpus.config.typed_rows_per_table)
        untitled = self.corpus.within(self.q) if self.handle.query == self.q.text and self.q.entities \
            else self.handle.query
        if untitled != self.handle.query:
            seen = {h.chunk.chunk_id for h in hits}
            hits += [h for h in self.handle.search(untitled, k=4, doc_ids=self.q.doc_ids)
                     if h.chunk.chunk_id not in seen]
        return hits

    def sub_search(self, words: str, doc_ids: set[str] | None = None) -> list[Hit]:
        """Passages for part of the question (an operand of a sum), with the question's vector."""
        return self.handle.search(words, k=self.corpus.config.typed_hits, doc_ids=doc_ids or self.scope)

    @cached_property
    def retrieved_docs(self) -> set[str]:
        """The announcements the question's first three passages are from."""
        return {h.chunk.doc_id for h in self.hits[:3]}

    # ------------------------------------------------------------------ words
    @cached_property
    def title_words(self) -> set[str]:
        return set().union(*(self.corpus.linker.title_tokens.get(d, set()) for d in self.q.doc_ids or ()))

    @cached_property
    def topic_words(self) -> list[str]:
        """The words of what the question marks as its topic ("늘봄실무사는", "서울은"), beyond its announcement's title
        (every value is of that) and words saying what kind of answer (금액은)."""
        if self.q.english:
            return []
        skip = self.title_words | QUESTION_WORDS | KIND_WORDS
        return [t for topic in topics(self.text, TOPIC_PARTICLES) for t in tokenize(topic) if t not in skip]

    @cached_property
    def residual(self) -> list[str]:
        """The question's words the facts do not explain, beyond very common ones and its announcement's title."""
        common = self.corpus.index.common_terms()
        return [t for t in self.q.residual if t not in common and not any(t in w for w in self.title_words)]

    @cached_property
    def specific_residual(self) -> list[str]:
        """Of those, the words that single out a passage (용적률, 보도시점), not generic ones (선정)."""
        index = self.corpus.index
        specific_df = max(2, len(index.chunks) // 10)
        return [t for t in self.residual if 0 < index.term_df(t) <= specific_df and not t[0].isdigit()]

    @cached_property
    def terms(self) -> list[str]:
        """The question's content words as answers are measured against them (its value ask's, else its own)."""
        if self.ask is not None:
            return list(self.ask.terms)
        return content_terms(self.q.pseudo if self.q.english else self.text, tokenize, QUESTION_WORDS)
