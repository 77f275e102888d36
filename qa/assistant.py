"""The one entry point: ``Assistant.load(config)`` then ``assistant.ask(question)``.

The CLI, the web UI and the JSON API all call :meth:`Assistant.ask`; none of them reaches into a stage.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .answer import (
    Answer,
    Draft,
    FactTable,
    QuestionError,
    Source,
    best_passage,
    compose,
    extend_lead_in,
    named_items,
    not_found,
    passage_fits,
    passage_text,
)
from .answer.rows import COUNT_ASKED, RowAnswer, select_column, select_rows, table_words, tables_of
from .answer.typed import (
    TypedAsk,
    TypedFinder,
    as_fact,
    content_terms,
    date_agreement,
    draft_coverage,
    followup_ask,
    read_ask,
    states_kind,
    typed_answer,
)
from .chunk import ORDINAL_HEADER, Chunk
from .config import Config
from .facts import Fact, load_facts, save_facts
from .index import Index, IndexError_, build_index, load_index
from .ingest import Document, files_with_facts, load_corpus, save_file_reports, scan_corpus
from .korean import admin_stem, normalize, predicates, reads_as, tokenize, warm_up
from .lexicon import ASKING_WORDS, FAMILY_MEMBERS, KIND_WORDS, PREDICATE_WEIGHT, QUESTION_WORDS, REGION_OF, RELATIVE_TIME_WORDS, Attr
from .quantity import NUMERIC_KINDS, TEMPORAL_KINDS, asked_edge, parse
from .question import Linker, Question
from .retrieve import Hit, Retriever
from .text import Speller, compact, match_strength, typo_neighbours
from .units import Units

log = logging.getLogger(__name__)

_cache: dict[tuple, Assistant] = {}
_cache_lock = threading.Lock()


def build(config: Config, embedder: Any = None, full: bool = False) -> Path:
    """Run ingest → chunk → facts and write the index folder (atomically).

    Incremental unless ``full``: files whose bytes, pipeline and settings match the previous build's units
    (:mod:`qa.units`) are not parsed, chunked, tokenized or embedded again; the result equals a full build.
    Bad corpus files are skipped (see :func:`qa.ingest.scan_corpus`); the per-file reports, with each
    document's fact count, are saved as ``files.json`` in the index folder.
    """
    with Units.open(config, full=full) as units:
        scan = scan_corpus(Path(config.corpus_dir), config.max_file_mb, read=units.read)
        if not scan.documents:
            load_corpus(Path(config.corpus_dir), config.max_file_mb)  # raises CorpusError saying why
        documents = scan.documents
        chunks, facts = units.derive(documents)  # per document, as chunk_corpus and extract_facts do
        reports = files_with_facts(scan.reports, facts)
        return build_index(config, documents, chunks, embedder=embedder, units=units,
                           extras={"facts": lambda folder: save_facts(facts, folder),
                                   "files": lambda folder: save_file_reports(reports, folder)})


class Assistant:
    """Question answering over the announcements in one index."""

    def __init__(self, config: Config, index: Index) -> None:
        self.config = config
        self.index = index
        self.retriever = Retriever(index, config)
        self.fact_table: list[Fact] = load_facts(index.path)
        self._docs = index.doc_by_id
        self._chunks = {c.chunk_id: c for c in index.chunks}  # built once: _sources looks facts' chunks up
        self._doc_texts: dict[str, str] = {}
        self._tables = tables_of(index.chunks)  # each table row's whole table
        self.linker = Linker(self.fact_table, index.documents, set(index.vocab), index.docs_with_term)
        entity_names = {f.subject for f in self.fact_table if f.qualifiers.get("entity") or
                        (f.subject in self.linker.entities and f.qualifiers.get("category"))}
        self.table = FactTable(self.fact_table, index.documents, entity_names,  # read-only: ask is re-entrant
                               config.answer_list_items, config.max_answer_chars)
        self.finder = TypedFinder(tokenize, index.vocab_idf(), max_chunks=config.typed_hits)
        frequency = {w: -idf for w, idf in self.finder.idf.items()}  # rarer words have a higher idf
        rarest = min(frequency.values(), default=0.0) - 1.0
        frequency.update({w: rarest for w in ASKING_WORDS | KIND_WORDS if w not in frequency})  # corpus words first
        self.speller = Speller(frequency, analysed=lambda word: reads_as(word, frequency), asking=KIND_WORDS)
        self._title_terms = {d.doc_id: set(tokenize(d.title)) for d in index.documents}
        # every Korean name of every place or body the corpus names (a list of them is a list of who gets what)
        self._entity_names = frozenset(a for aliases in self.linker.entities.values() for a in aliases
                                       if len(a) >= 2 and not a.isascii())
        self._sibling_cache: dict[str, tuple[str, ...]] = {}  # word → corpus words of its head (a dict: thread-safe)
        self._neighbours: dict[str, tuple[str, ...]] = {}  # unknown word → corpus words one jamo away (a dict: thread-safe)
        self._doc_categories: dict[str, set[str]] = {}  # the categories each announcement's facts name
        for f in self.fact_table:
            if f.qualifiers.get("category"):
                self._doc_categories.setdefault(f.doc_id, set()).add(f.qualifiers.get("category"))
        self._year_mentions = _year_mentions(index.documents)

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, config: Config | None = None, *, rebuild: str = "auto", **overrides: Any) -> Assistant:
        """Load the index (building it first when missing or stale and the corpus is at hand).

        Args:
            config: settings; ``Config.load()`` when omitted.
            rebuild: ``"auto"`` (build when missing/stale), ``"never"`` (raise instead), ``"always"``.
            **overrides: config fields, e.g. ``corpus_dir=…``, ``index_dir=…``.

        Raises:
            IndexNotBuiltError / IndexMismatchError: with ``rebuild="never"``, or when there is no corpus.
            CorpusError: the corpus folder or a file in it cannot be read.
        """
        config = (config or Config.load()).replace(**overrides)
        warm_up()
        embedder = None
        if rebuild == "always":
            build(config)
        try:
            index = load_index(config)
        except IndexError_ as exc:
            if rebuild == "never":
                raise
            if not Path(config.corpus_dir).is_dir():
                exc.args = (f"{exc} — and the corpus folder to build it from was not found: {config.corpus_dir}",)
                raise
            log.info("%s — building", exc)
            from .embed import load_embedder

            embedder = load_embedder(config.embedder)
            build(config, embedder=embedder)
            index = load_index(config, embedder=embedder)
        return cls(config, index)

    @classmethod
    def cached(cls, config: Config | None = None, **overrides: Any) -> Assistant:
        """The process-wide loaded assistant for a config (the only global: a cached loaded index)."""
        config = (config or Config.load()).replace(**overrides)
        key = (str(config),)
        with _cache_lock:
            if key not in _cache:
                _cache[key] = cls.load(config)
            return _cache[key]

    # ----------------------------------------------------------------- info
    @property
    def documents(self):
        return self.index.documents

    def facts(self, doc_id: str | None = None) -> list[Fact]:
        return [f for f in self.fact_table if doc_id is None or f.doc_id == doc_id]

    def status(self) -> dict[str, Any]:
        m = self.index.manifest
        return {"index_loaded": True, "documents": len(self.index.documents), "chunks": len(self.index.chunks),
                "facts": len(self.fact_table), "built_at": m.get("built_at"),
                "embedder": m.get("embedder", {}).get("name"), "index_dir": str(self.index.path)}

    # ----------------------------------------------------------------- asking
    def check_question(self, question: str | None) -> str:
        """The question as the pipeline takes it; the one place where client text is bounded and cleaned.

        Measured before anything is stripped (10 MB of spaces around a short question is too long). Lone
        surrogates, format characters (right-to-left and zero-width marks, BOM) and noncharacters are
        removed and control characters become spaces, so no input reaches the tokenizer or the JSON encoder
        that either would choke on, and a leading RTL mark does not change the answer.

        Raises:
            QuestionError: not text, empty after cleaning, or longer than ``config.max_question_chars``.
        """
        import unicodedata

        if question is not None and not isinstance(question, str):
            raise QuestionError("질문은 문자열이어야 합니다. (The question must be a string.)")
        raw = question or ""
        limit = self.config.max_question_chars
        if len(raw) > limit:
            raise QuestionError(f"질문이 너무 깁니다: {len(raw)}자 (최대 {limit}자). "
                                f"(The question is too long: {len(raw)} characters, at most {limit}.)")
        kept = []
        for ch in raw:
            cat = unicodedata.category(ch)
            if cat in ("Cs", "Cf") or 0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE:
                continue
            kept.append(" " if cat == "Cc" else ch)
        q = normalize("".join(kept)).strip()
        if not q:
            raise QuestionError("질문을 입력해 주세요. (The question is empty.)")
        return q

    def ask(self, question: str, history: list[str] | None = None, k: int | None = None,
            retriever: str | None = None) -> Answer:
        """Answer one question.

        Numbers come only from the facts table (looked up or computed, with the working shown); other
        questions get the best sentence of the best passage; when nothing in the corpus answers, the answer
        is :data:`~qa.answer.NOT_FOUND` with the closest passages as related content.

        Args:
            question: the question, Korean or English.
            history: earlier questions of the same conversation, oldest first (for follow-ups).
            k: how many source passages to return (``config.top_k`` by default).
            retriever: ``hybrid`` | ``bm25`` | ``dense`` to override the configured retriever.

        Raises:
            QuestionError: empty or over-long question.
        """
        t0 = time.perf_counter()
        text = self.speller(self.check_question(question))
        k = k or self.config.top_k
        q = self.linker.analyse(text, history)
        t1 = time.perf_counter()
        query = f"{q.text} {q.pseudo}" if (q.english or q.followup) and q.pseudo else q.text
        asked = read_ask(text, tokenize, QUESTION_WORDS, predicates)  # the value it asks for, if any (read once)
        if q.years and (not q.doc_ids or q.dated):
            # no announcement (of those the question names) is of that year: those that report figures of it may
            # still answer a value question
            mentioned = set().union(*(self._year_mentions.get(y, set()) for y in q.years))
            if q.dated:
                mentioned &= q.doc_ids
            hits = self.retriever.search(query, k=max(k, self.config.typed_hits), method=retriever,
                                         doc_ids=mentioned or None)
            draft = not_found("year_not_in_corpus")
            if mentioned:
                draft = self._with_values(text, q, asked, hits, draft, retriever, scope=mentioned, dated=True)
        else:
            # values are looked for in more passages than a sentence is (a figure sits in one table row)
            hits = self.retriever.search(query, k=max(k, self.config.typed_hits), method=retriever, doc_ids=q.doc_ids)
            within = self._within(q) if query == q.text and asked else query
            # a value is looked for without the words naming its announcement (every row's caption repeats them)
            # … and among a few rows of each table (a total is often stated in a sentence below the table); only
            # when a value may be asked (an English question searches on its own, see _with_values)
            value_hits = self.retriever.search(within, k=max(k, self.config.typed_hits), method=retriever,
                                               doc_ids=q.doc_ids, per_table=self.config.typed_rows_per_table) \
                if (asked is not None or history) and not q.english else hits
            draft = self._draft(q, hits[:max(k, 8)])
            if draft.rule == "not_found:no_passage":
                draft = self._draft(q, self._wider(q, query, max(k, 8), retriever))
            draft = self._with_values(text, q, asked, value_hits, draft, retriever, history=history)
        draft = self._in_period(self._about_named(self._with_rows(text, q, hits, draft), q, text), q, asked)
        t2 = time.perf_counter()
        sources = self._sources(draft, hits, k)
        t3 = time.perf_counter()
        return Answer(question=question, answer=draft.text, kind=draft.kind, facts=tuple(draft.facts),
                      sources=tuple(sources), rule=draft.rule, items=tuple(draft.items), shown=draft.shown,
                      timing_ms={"understand": (t1 - t0) * 1000, "retrieve_compose": (t2 - t1) * 1000,
                                 "sources": (t3 - t2) * 1000, "total": (t3 - t0) * 1000})

    def _wider(self, q: Question, query: str, k: int, method: str | None) -> list[Hit]:
        """Passages for a question no retrieved passage answers: among a few rows of each table (a sentence
        listing what a row counts comes after many rows repeating the caption's words), and, when it names
        someone, those found without its announcement's name ("장흥군 선정 마을 이름은?")."""
        hits = self.retriever.search(query, k=k, method=method, doc_ids=q.doc_ids,
                                     per_table=self.config.typed_rows_per_table)
        untitled = self._within(q) if query == q.text and q.entities else query
        if untitled != query:
            seen = {h.chunk.chunk_id for h in hits}
            hits += [h for h in self.retriever.search(untitled, k=4, method=method, doc_ids=q.doc_ids)
                     if h.chunk.chunk_id not in seen]
        return hits

    def _within(self, q: Question) -> str:
        """The question as a query inside the announcement its title words chose: without the words that name it
        first, which every one of its passages shares in meaning and a table repeats in each row's caption
        ("어촌분야 일반농산어촌개발사업 공모 기간은?" → "공모 기간은?")."""
        rest = q.text.split()[self._title_lead(q):]
        return " ".join(rest) if any(set(tokenize(w)) - QUESTION_WORDS for w in rest) else q.text

    def _title_lead(self, q: Question) -> int:
        """How many of the question's first words name its one announcement (by its title's words); the
        announcement is named first, then what is asked of it ("… 대상지 알려줘" keeps 대상지)."""
        if not q.doc_ids or len(q.doc_ids) > 1:
            return 0
        titles = self.linker.title_tokens.get(next(iter(q.doc_ids)), set())
        words = q.text.split()
        lead = 0
        while lead < len(words) and set(tokenize(words[lead])) <= titles | QUESTION_WORDS:
            lead += 1
        return lead

    def _draft(self, q: Question, hits: list[Hit]) -> Draft:
        """Facts when they answer what is asked; a passage when the question asks for more than the facts
        hold (its residual words: 용적률, 보도시점 …) and a passage covers it; otherwise "not found"."""
        if q.unknown_names and not q.entities:
            return not_found("unknown_name")
        common = self.index.common_terms()
        title_words = set().union(*(self.linker.title_tokens.get(d, set()) for d in q.doc_ids or ()))
        residual = [t for t in q.residual if t not in common and not any(t in w for w in title_words)]
        if self._unknown_nouns(q, residual):
            return not_found("unknown_noun")  # the question is about something the corpus never mentions
        if q.english and not q.has_ask and q.residual:
            return not_found("unlinked_english")  # English words we could not link: no honest passage to give
        # words the facts do not hold and that single out a passage (용적률, 보도시점), not generic ones (선정)
        specific_df = max(2, len(self.index.chunks) // 10)
        residual = [t for t in residual if 0 < self.index.term_df(t) <= specific_df and not t[0].isdigit()]
        if q.intent == "summary" and not q.has_target:
            lead = self._lead_point(q, hits)
            if lead is not None:
                return Draft(passage_text(lead, (0, len(lead.text))), "passage", unit_chunk=lead,
                             unit_span=(0, len(lead.text)), rule="passage:lead")
        wants_passage = q.intent == "quote" or (q.intent == "where" and not q.families and q.entities)
        draft = compose(q, self.table) if (q.has_target or q.has_ask) and not wants_passage else None
        if draft and not residual:
            return draft
        coverage, chunk, span = best_passage(q, hits, self.index.vocab_idf(), self.linker.entities, common,
                                             exclude=title_words, weights=self.config.passage,
                                             known=self._known_in(q.doc_ids, hits))
        if chunk is None or coverage < self.config.none_threshold:
            return draft or not_found("no_passage")
        span = extend_lead_in(chunk, span)
        if not draft and not passage_fits(q, chunk.text[span[0]:span[1]]):
            return not_found("passage_without_number")  # a number was asked and this passage states none
        if draft:
            unit_toks = set(tokenize(chunk.text[span[0]:span[1]]))
            if sum(t in unit_toks for t in residual) * 2 < len(residual):
                return draft  # the passage does not say more about what the facts leave out
        aliases = [a for e in q.entities for a in self.linker.entities.get(e, {e})
                   if not a.isascii() and not any(a in w or w in a for w in title_words)]
        # the items of a long list of places (or bodies) naming the one asked about
        span = named_items(chunk.text, span, aliases, lambda item: any(a in item for a in self._entity_names)) or span
        return Draft(passage_text(chunk, span), "passage", unit_chunk=chunk, unit_span=span,
                     rule="passage:beyond_facts" if draft else "passage")

    def _known_in(self, doc_ids: set[str] | None, hits: list[Hit]) -> Callable[[str], str]:
        """A question word as the announcements it is about write it: of the corpus words one jamo away from a
        word no announcement holds, the one those announcements hold, and of several the one in the passage
        retrieved first ("나노코리아 2024 주체 기관" → 주최, its table row, though 주제 is more frequent);
        otherwise as the whole corpus writes it (:meth:`TypedFinder.known`)."""
        if not doc_ids:
            return self.finder.known

        def known(word: str) -> str:
            if word in self.index.vocab or len(word) < 2 or word in RELATIVE_TIME_WORDS:
                return self.finder.known(word)
            if word not in self._neighbours:
                self._neighbours[word] = tuple(typo_neighbours(word, self.index.vocab))
            near = [v for v in self._neighbours[word] if self.index.docs_with_term(v) & doc_ids]
            first = next((v for h in hits for v in near if v in h.chunk.text), None)
            return first or (near[0] if len(near) == 1 else self.finder.known(word))
        return known

    def _widened(self, q: Question, terms: tuple[str, ...]) -> set[str]:
        """A title word can name the wrong announcement ("소상공인" is in two titles): announcements that hold
        a word of the question (not a name) which none of those its title words chose holds."""
        if not q.doc_ids or q.dated or len(q.years) > 1:
            return set()  # announcements the question's title or years chose stay chosen
        names = {a for aliases in self.linker.entities.values() for a in aliases} | set(q.unknown_names)
        extra: set[str] = set()
        for t in terms:
            if t in names or t[0].isdigit():
                continue
            docs = set(self.index.docs_with_term(t))
            if docs and not docs & q.doc_ids:
                extra |= docs
        return extra

    def _with_values(self, text: str, q: Question, ask: TypedAsk | None, hits: list[Hit], draft: Draft,
                     method: str | None, scope: set[str] | None = None, dated: bool = False,
                     history: list[str] | None = None) -> Draft:
        """The typed rule: when the question asks for a value (얼마, 몇 명, 언제, 몇 %) and the facts'
        answer states none of that class, covers the question less, or nothing was found, quote the value
        of the asked class from the sentence (or table cell) of the retrieved passages that covers the
        question best — with "A와 B를 더하면/차이" computed from two such values, working shown."""
        if draft.rule == "not_found:unknown_name" and not q.english:
            return draft
        own_ask = ask is not None and not q.english  # the question itself asks a value (not its predecessor)
        if q.english:
            if ask is None:
                return draft
            # no Korean words to weigh: the announcement the meaning of the question leads to, its passages in
            # the order of that meaning (multilingual embeddings), the first value of the asked class
            dense = self.retriever.search(text, k=1, method="dense", doc_ids=q.doc_ids or None)
            if not dense:
                return draft
            scope = {dense[0].chunk.doc_id}
            hits = self.retriever.search(f"{text} {q.pseudo}", k=self.config.typed_hits, method=method, doc_ids=scope)
        if ask is None and history:
            ask = followup_ask(text, read_ask(history[-1], tokenize, QUESTION_WORDS, predicates), tokenize, QUESTION_WORDS,
                               self.finder.weight)
        if ask is None:
            return draft
        extra = self._widened(q, tuple(t for t in ask.terms if t not in KIND_WORDS))
        if extra:
            scope = (scope or set(q.doc_ids)) | extra
            hits = self.retriever.search(text, k=self.config.typed_hits, method=method, doc_ids=scope)
        # a title word the question writes again after naming the announcement is asked about ("서울 청년월세
        # 신청하려면 월세가 얼마 이하여야 해?": 월세)
        named = self._title_lead(q)
        asked_again = {t for w in q.text.split()[named:] for t in tokenize(w)} & \
            {t for w in q.text.split()[:named] for t in tokenize(w)}
        typed = typed_answer(
            ask, self.finder, hits,
            lambda sub: self.retriever.search(sub, k=self.config.typed_hits, method=method, doc_ids=scope or q.doc_ids),
            tokenize, QUESTION_WORDS, doc_year=lambda d: self._docs[d].year,
            title_terms=lambda d: self._title_terms.get(d, set()) - asked_again, dated=dated)
        # a word no announcement contains (본예산 → 예산안, 중기부 …) may be a paraphrase: quote only a close match
        needed = self.config.typed_min_coverage + (0.2 if draft.rule == "not_found:unknown_noun" else 0.0)
        if typed is not None and own_ask and self._names_a_sibling(ask, typed.candidates[0]):
            return not_found("variant_not_stated")  # 풀코스 asked, the announcement states 하프코스's fee
        if typed is None or typed.coverage < needed or self._misses_target(q, typed.candidates) \
                or self._other_source(q, typed.candidates):
            return self._stating(draft, ask) if own_ask else draft
        retrieved = {h.chunk.doc_id for h in hits[:3]}
        foreign = draft.kind == "fact" and not q.doc_ids and not ({f.doc_id for f in draft.facts} & retrieved)
        if foreign:
            pass  # facts of an announcement the question's words do not lead to: the quoted value is better
        elif draft.kind == "fact" and draft.rule == "lookup" and len(draft.facts) >= 3 and not q.entities:
            pass  # a lookup that lists every fact of the attribute: the question named none of them
        elif q.english and draft.kind == "fact" and len({f.doc_id for f in draft.facts}) > 1:
            pass  # English words linked to facts of several announcements: the meaning leads to one
        elif draft.kind == "fact" and (draft.rule != "lookup" or len({f.doc_id for f in draft.facts}) > 1):
            return draft  # computed, counted, listed or per-announcement answers of the facts table stand
        elif q.english and draft.kind == "passage":
            pass  # a passage of an English question is chosen by fewer words than the value ranked by its glossary
        elif (months := self._months_asked(ask)) and date_agreement(months, self._periods(self._draft_chunks(draft))) < 0 \
                and date_agreement(months, self._periods({c.chunk.chunk_id for c in typed.candidates})) > 0:
            pass  # the passage speaks of another month than the one asked; the quoted value of that month answers
        elif draft.kind != "none" and states_kind(draft.text, ask.kinds, ask.stated):
            titles = set().union(*(self._title_terms.get(d, set()) for d in q.doc_ids or ()))
            terms = [t for t in ask.terms if t not in titles and t not in KIND_WORDS]  # as the quoted value's coverage
            light = set(ask.light)  # weighed as the quoted value's coverage weighs them
            own = draft_coverage(draft.text, terms, tokenize, lambda t: self.finder.weight(t) * (
                PREDICATE_WEIGHT if t in light else 1.0)) if terms else 0.5
            if ask.glossed:  # measured as the quoted value's coverage is
                own = 0.5 + 0.5 * own
            # a fact stands unless the quoted value covers clearly more; a passage yields to a date or time covering
            # as much (its sentence may state other dates: "5월 공고 당시에는 10월까지 …" for "공고일이 언제였지?")
            temporal = draft.kind == "passage" and typed.candidates[0].quantity.kind in TEMPORAL_KINDS
            to_beat = own + (0.0 if temporal else self.config.typed_margin)
            if own < 1.0 and draft.kind == "passage":
                to_beat = min(to_beat, 1.0)  # a value whose unit holds every word asked outweighs a passage missing some
            if typed.coverage < to_beat:
                return draft
        facts = [as_fact(c, self._docs[c.chunk.doc_id]) for c in typed.candidates]
        return Draft(typed.text, "fact", facts=facts, rule=typed.rule)

    def _names_a_sibling(self, ask: TypedAsk, best) -> bool:
        """Whether the question asks about a variant of what the value's announcement speaks of: a compound word
        of the question (풀코스, 초기창업패키지) that the value's passage does not hold, of a specific head that
        the announcement writes with another modifier (하프코스, 예비창업패키지) — when no announcement writes the
        question's word at all, or when the other is the announcement's own subject (a title word). The value
        is then the sibling's, not the one asked."""
        doc_id = best.chunk.doc_id
        titles = self._title_terms.get(doc_id, set())
        passage = compact(best.chunk.search_text)
        asked = set(ask.terms)
        for word in ask.terms:
            if len(word) < 3 or word in titles or not word[0].isalpha() or word in passage:
                continue
            siblings = self._siblings(word)
            if not siblings or asked & set(siblings) or len(siblings) > 2:
                continue  # 맞벌이가구와 단독가구: both asked; 조성사업: a generic head (선도사업, 지원사업 …)
            if not any(doc_id in self.index.docs_with_term(w) for w in siblings):
                continue
            if word not in self.index.vocab or any(w in titles for w in siblings):
                return True
        return False

    def _siblings(self, word: str) -> tuple[str, ...]:
        """Corpus words sharing the longest head of two syllables or more with ``word`` and differing before it
        (풀코스 → 하프코스; 초기창업패키지 → 예비창업패키지), synonyms and words of a kind asked (기간) aside."""
        if word not in self._sibling_cache:
            found: tuple[str, ...] = ()
            for n in range(len(word) - 1, 1, -1):
                head, lead = word[-n:], word[:-n]
                if head in KIND_WORDS or head not in self.index.vocab or head in self.index.common_terms():
                    continue  # 지역, 사업: too general a head for its other words to be variants of this one
                found = tuple(w for w in self.index.vocab if len(w) > n and w.endswith(head) and w[:-n] != lead
                              and not w[:-n].endswith(lead) and not lead.endswith(w[:-n])
                              and not match_strength(word, {w}) and not match_strength(w, {word}))
                if found:
                    break
            self._sibling_cache[word] = found
        return self._sibling_cache[word]

    @staticmethod
    def _other_source(q: Question, candidates) -> bool:
        """Whether a quoted amount is named by another source of money than the one asked: "도비는 얼마?"
        is not answered by "국비 지원 기준액 3,000백만원" (국비 and 지방비 are each their own figure)."""
        sources = [f for f in (Attr.NATIONAL, Attr.LOCAL) if f in q.families]
        if len(sources) != 1:
            return False
        others = [w for f in (Attr.NATIONAL, Attr.LOCAL) if f != sources[0] for w in FAMILY_MEMBERS[f]]
        own = FAMILY_MEMBERS[sources[0]]
        return any(any(w in c.label for w in others) and not any(w in c.label for w in own) for c in candidates)

    def _misses_target(self, q: Question, candidates) -> bool:
        """Whether a quoted value's passage names none of the question's targets ("강소형 경쟁률" answered by the
        sentence about 거점형's 5:1): it is about something else."""
        if q.english:
            return False
        v = self.linker.vocabulary
        about = " ".join(compact(self._docs[c.chunk.doc_id].title) for c in candidates)
        said = " ".join(compact(c.chunk.search_text) for c in candidates)

        def names_of(target: str, kind: dict[str, set[str]]) -> set[str]:
            return {compact(a) for a in kind.get(target, set()) | {target} if len(a) >= 2 and not a.isascii()}

        places = [e for e in q.entities if self._place(e)]  # not every fact subject is a name (모집 인원)
        for targets, kind in ((places, v.entities), (q.categories, v.categories)):
            for target in targets:
                names = names_of(target, kind)
                if not names or any(n in said for n in names):
                    continue
                if any(n in about for n in names):
                    # the announcement is about it (서울시 in a 서울시 notice) and every passage is, unless the
                    # passage names another category (거점형's 5:1 for 강소형, in a release about both)
                    others = {n for c in candidates for other in self._doc_categories.get(c.chunk.doc_id, ())
                              if other not in targets for n in names_of(other, kind)}
                    if kind is v.entities or not any(n in said for n in others):
                        continue
                return True
        return False

    def _with_rows(self, text: str, q: Question, hits: list[Hit], draft: Draft) -> Draft:
        """Table rows chosen by the cell values the question names (:mod:`qa.answer.rows`), when the facts or
        passage answer is not already about exactly those rows; a computed or quoted value stands."""
        if q.english or draft.rule.startswith("typed") or draft.rule in ("sum", "difference", "ratio"):
            return draft
        seen, tables = set(), []
        for h in hits[: self.config.typed_hits]:
            table = self._tables.get(h.chunk.chunk_id)
            if table and table[0].chunk_id not in seen:
                seen.add(table[0].chunk_id)
                tables.append(table)
        found = select_rows(text, tables)
        if found is None:
            return self._with_column(text, q, tables, draft)
        ids = {r.chunk_id for r in found.rows}
        if draft.kind == "fact" and not found.counted and {f.chunk_id for f in draft.facts} <= ids:
            return draft  # the facts answer already reads those rows
        conjunction = found.narrowed  # "전남의 행복한 삶터": two columns together, which no fact states
        if draft.kind == "none" and not conjunction and not self._table_covers(text, found):
            return draft  # the question asks about more than the table holds (탈락한 지자체)
        if found.counted:
            # rows are counted when several hold what is named and the facts did not count them already
            counted_already = draft.rule.startswith("count") or (
                draft.kind == "fact" and states_kind(draft.text, tuple(NUMERIC_KINDS)))  # 신청 수: 16개
            if len(found.rows) < 2 or (counted_already and not conjunction):
                return draft
        elif not (draft.kind == "none" or conjunction or (found.column and draft.kind != "fact")):
            return draft  # one named value: the facts or the passage about it say more than its row
        counter = COUNT_ASKED.search(text)
        answer, shown = found.text(counter.group("counter") if counter else "건", self.config.answer_list_items,
                                   self.config.max_answer_chars)
        facts = [self._row_fact(r) for r in found.rows[:shown]]
        cut = shown < len(found.rows)  # a cut list keeps every row for the API to page through
        return Draft(answer, "fact", facts=facts, rule="rows:count" if found.counted else "rows",
                     items=found.items() if cut else [], shown=shown if cut else 0)

    def _with_column(self, text: str, q: Question, tables: list[tuple[Chunk, ...]], draft: Draft) -> Draft:
        """"어떤 시설들이 있어?": the values of the column headed by the noun asked, when the question names no
        one row (an entity, a cell value) and the facts do not answer it already."""
        if q.entities or draft.kind == "fact":
            return draft
        column = select_column(text, tables)
        if column is None:
            return draft
        answer, shown = column.text(self.config.answer_list_items, self.config.max_answer_chars)
        return Draft(answer, "fact", facts=[self._row_fact(r) for r in column.rows[:shown]], rule="rows:column")

    def _table_covers(self, text: str, found: RowAnswer) -> bool:
        """Whether most of the question's other words are the table's (caption, columns, cells)."""
        named = {t for vals in found.filters.values() for v in vals for t in tokenize(v)}
        words = [t for t in content_terms(text, tokenize, QUESTION_WORDS) if t not in named]
        if not words:
            return True
        held = table_words(self._tables[found.rows[0].chunk_id], tokenize)
        return sum(match_strength(t, held) > 0 for t in words) * 2 >= len(words)

    def _row_fact(self, row: Chunk) -> Fact:
        """A selected table row as a fact: the whole row line is its provenance."""
        doc = self._docs[row.doc_id]
        line = next((n for n in range(row.start, row.end + 1) if doc.lines[n - 1].strip()), row.start)
        raw = doc.lines[line - 1]
        first = next((v for h, v in row.cells if v and not ORDINAL_HEADER.match(h or "")), "")
        return Fact(fact_id=f"{row.chunk_id}@{line}:0", doc_id=row.doc_id, subject=first or "전체", attribute="행",
                    value=None, unit="", text=" · ".join(v for _, v in row.cells if v), raw=raw,
                    chunk_id=row.chunk_id, line=line, span=(0, len(raw)), qualifiers={"source": "row", "year": doc.year})

    def _about_named(self, draft: Draft, q: Question, text: str) -> Draft:
        """An answer from announcements that never mention a place the question names ("서울의 실업률" answered
        from a national release, "경남은 몇 곳" from a release about 전남) answers another question: not found."""
        if draft.kind == "none" or q.english:
            return draft
        docs = {f.doc_id for f in draft.facts} or ({draft.unit_chunk.doc_id} if draft.unit_chunk else set())
        if not docs:
            return draft
        names = [self.linker.entities.get(e, {e}) | {e} for e in q.entities if self._place(e)]
        words = set(tokenize(text))
        names += {REGION_OF[w] for w in words & REGION_OF.keys()}  # each region once, whichever name
        for aliases in names:
            forms = {compact(a) for a in aliases if len(a) >= 2 and not a.isascii()}
            if forms and not any(f in self._compact_text(d) for d in docs for f in forms):
                return not_found("place_not_in_document")
        return draft

    def _in_period(self, draft: Draft, q: Question, ask: TypedAsk | None) -> Draft:
        """A value question about a month ("2024년 1월 취업자 수는?") is not answered from passages that speak only of
        other months (a release on December's figures): "not found"."""
        if draft.kind == "none" or q.english or q.followup:
            return draft
        months = self._months_asked(ask)
        if not months:
            return draft
        stated = self._periods(self._draft_chunks(draft))
        if stated and date_agreement(months, stated) < 0:
            return not_found("other_period")
        return draft

    @staticmethod
    def _months_asked(ask: TypedAsk | None) -> list[str]:
        return [d for d in (ask.dates if ask else ()) if re.fullmatch(r"\d{4}-\d{2}", d)]

    @staticmethod
    def _draft_chunks(draft: Draft) -> set[str]:
        """The passages a draft answer stands on: its facts' chunks, else its passage."""
        return {f.chunk_id for f in draft.facts} or ({draft.unit_chunk.chunk_id} if draft.unit_chunk else set())

    def _periods(self, chunks: set[str]) -> list[str]:
        """The dates those passages speak of."""
        return [x.date for cid in chunks if cid in self._chunks
                for x in parse(self._chunks[cid].search_text, None)  # "12월" of a January release: no year
                if x.kind == "date" and x.date and "/" not in x.date]

    @staticmethod
    def _place(name: str) -> bool:
        return bool(admin_stem(name)) or name in REGION_OF

    def _compact_text(self, doc_id: str) -> str:
        """A document's text without spaces (kept per document once asked; read-only afterwards)."""
        text = self._doc_texts.get(doc_id)
        if text is None:
            text = self._doc_texts[doc_id] = compact("\n".join(self._docs[doc_id].lines))
        return text

    @staticmethod
    def _stating(draft: Draft, ask: TypedAsk) -> Draft:
        """A value question (얼마, 몇 명, 언제) is not answered by a passage or a looked-up fact that states no
        value of the asked class ("이용료는 요금 기준에 따라 부과한다" for "이용료는 얼마야?"): "not found", the
        passage staying among the related sources."""
        # the asked class read from the question word is a guess among neighbours (얼마나 많아: a count or an
        # amount; 경쟁률: a ratio, not a percentage), so any value of the same family answers
        family = TEMPORAL_KINDS if set(ask.kinds) <= TEMPORAL_KINDS else NUMERIC_KINDS
        if draft.kind in ("passage", "fact") and (draft.kind == "passage" or draft.rule == "lookup") \
                and not states_kind(draft.text, tuple(family | set(ask.kinds)), ask.stated):
            return not_found("value_not_stated")
        return draft

    def _lead_point(self, q: Question, hits: list[Hit]) -> Chunk | None:
        """The first point of the announcement the question names (or the best-matching one): its lead."""
        doc_ids = q.doc_ids or ({hits[0].chunk.doc_id} if hits else set())
        if len(doc_ids) != 1:
            return None
        (doc_id,) = doc_ids
        return next((c for c in self.index.chunks if c.doc_id == doc_id and c.kind in ("point", "text")), None)

    def _unknown_nouns(self, q: Question, residual: list[str]) -> bool:
        """A content noun of the question that no announcement contains (인구 in a corpus without it)."""
        if not residual or q.english:
            return False
        vocab = self.index.vocab
        from .korean import morphs
        unknown = 0
        for m in morphs(asked_edge(q.text)[1]):  # "마지막 날", "무슨 요일" say which value, not about what
            if m.tag not in ("NNG", "NNP") or len(m.form) < 2 or m.form in vocab or m.form not in residual \
                    or m.form in QUESTION_WORDS or m.form in KIND_WORDS or m.form in RELATIVE_TIME_WORDS:
                continue
            if self.finder.known(m.form) != m.form:
                continue  # a typo (기갼) or an abbreviation (중기부) of a word the corpus has
            if not any(len(v) >= 2 and (v in m.form or m.form in v) for v in vocab):
                unknown += 1  # shares nothing with any word of any announcement (not a compound of known parts)
        unknown += sum(1 for t in residual if "&" in t and t not in vocab)  # R&D in a corpus without it
        return unknown > 0 and unknown * 2 >= len(residual)

    def _sources(self, draft: Draft, hits: list[Hit], k: int) -> list[Source]:
        """Fact chunks first (with the facts' spans highlighted), then the retrieved passages."""
        out: list[Source] = []
        seen: set[str] = set()
        chunks = self._chunks
        if draft.kind == "fact":
            spans: dict[str, list[tuple[int, int]]] = {}
            for f in draft.facts:
                c = chunks.get(f.chunk_id)
                if c is None:
                    continue
                off = chunk_offset(c, self._docs[c.doc_id], f.line, f.span)
                spans.setdefault(c.chunk_id, [])
                if off and off not in spans[c.chunk_id]:
                    spans[c.chunk_id].append(off)
            for cid, hl in spans.items():
                out.append(self._source(chunks[cid], 1.0, tuple(sorted(hl))))
                seen.add(cid)
        elif draft.kind == "passage" and draft.unit_chunk is not None:
            out.append(self._source(draft.unit_chunk, next((h.score for h in hits if h.chunk.chunk_id ==
                                                            draft.unit_chunk.chunk_id), 0.0), (draft.unit_span,)))
            seen.add(draft.unit_chunk.chunk_id)
        limit = max(k, len(out)) if draft.kind != "none" else min(k, 3)
        for h in hits:
            if len(out) >= limit:
                break
            if h.chunk.chunk_id not in seen:
                out.append(self._source(h.chunk, h.score))
                seen.add(h.chunk.chunk_id)
        return out

    def _source(self, c: Chunk, score: float, highlights: tuple[tuple[int, int], ...] = ()) -> Source:
        doc = self._docs[c.doc_id]
        return Source(doc_id=c.doc_id, title=doc.title, published=doc.published, chunk_id=c.chunk_id,
                      section=c.section, lines=(c.start, c.end), text=c.text, score=score,
                      highlights=highlights)


_YEAR_MENTION = re.compile(r"(?<!\d)(20\d{2})\s*년|[’'‘](\d{2})\s*년?(?=[\s.\d월상하])")


def _year_mentions(documents: list[Document]) -> dict[int, set[str]]:
    """Which announcements state figures of which years in their text ("’22년 478억 달러")."""
    out: dict[int, set[str]] = {}
    for d in documents:
        for m in _YEAR_MENTION.finditer(d.text):
            out.setdefault(int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)), set()).add(d.doc_id)
    return out


def chunk_offset(chunk: Chunk, doc: Document, line: int, span: tuple[int, int]) -> tuple[int, int] | None:
    """Map a (line, span-in-line) position to character offsets in ``chunk.text``.

    Chunk texts hold the stripped non-blank lines of their span, joined by newlines.
    """
    pos = 0
    for n in range(chunk.start, chunk.end + 1):
        raw = doc.lines[n - 1]
        s = raw.strip()
        if not s:
            continue
        lead = len(raw) - len(raw.lstrip())
        if n == line:
            a, b = span[0] - lead, span[1] - lead
            if 0 <= a <= b <= len(s):
                found = chunk.text.find(s[a:b], pos)
                return (found, found + (b - a)) if found >= 0 else None
            return None
        found = chunk.text.find(s, pos)
        if found < 0:
            return None
        pos = found + len(s) + 1
    return None
