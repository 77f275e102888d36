"""The one entry point: ``Assistant.load(config)`` then ``assistant.ask(question)``.

The CLI, the web UI and the JSON API all call :meth:`Assistant.ask`; none of them reaches into a stage.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from .answer import Answer, QuestionError
from .answer.candidate import Candidate
from .answer.chooser import Chooser
from .answer.context import Context
from .answer.corpus import Corpus
from .answer.pipeline import run
from .answer.source import fact_source
from .answer.sources import sources
from .config import Config
from .facts import Fact, save_facts
from .index import Index, IndexError_, build_index, load_index
from .ingest import files_with_facts, load_corpus, save_file_reports, scan_corpus
from .korean import normalize, reads_as, warm_up, written_as_meant
from .lexicon import ASKING_WORDS, KIND_WORDS
from .question.rewrite import rewrite_history
from .retrieve import Retriever
from .text import HANGUL, Speller
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

    def __init__(self, config: Config, index: Index, chooser: Chooser | None = None) -> None:
        self.config = config
        self.index = index
        self.fact_source = fact_source(config, index)  # in memory, or the store (Config.facts_from_store)
        self.corpus = Corpus(config, index, self.fact_source)  # read-only: ask is re-entrant
        self.retriever = Retriever(index, config)
        self.chooser = chooser or Chooser.load(config.chooser_weights or None)
        idf = self.corpus.finder.idf
        frequency = {w: -v for w, v in idf.items()}  # rarer words have a higher idf
        rarest = min(frequency.values(), default=0.0) - 1.0
        frequency.update({w: rarest for w in ASKING_WORDS | KIND_WORDS if w not in frequency})  # corpus words first
        self.speller = Speller(frequency, analysed=lambda word: reads_as(word, frequency), asking=KIND_WORDS,
                              as_written=written_as_meant)

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

    @property
    def fact_table(self) -> list[Fact]:
        """Every fact, in table order (for the admin pages and the API; answering reads them by key)."""
        return self.fact_source.every()

    def facts(self, doc_id: str | None = None) -> list[Fact]:
        return self.fact_source.every(doc_id)

    def status(self) -> dict[str, Any]:
        m = self.index.manifest
        return {"index_loaded": True, "documents": len(self.index.documents), "chunks": len(self.index.chunks),
                "facts": self.fact_source.count(), "built_at": m.get("built_at"),
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
        if raw.isprintable():  # no control, format, surrogate or unassigned character: nothing to remove (most questions)
            kept = [raw]
        else:
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

        understand (clean, correct typos, link; a follow-up reads its history) → retrieve (one search handle:
        the question is embedded once) → generate candidates → choose (:mod:`qa.answer.chooser`) → render
        with sources. Numbers come only from the announcements (looked up, quoted or computed with the working
        shown); when nothing answers, the answer is :data:`~qa.answer.NOT_FOUND` with the closest passages.

        Args:
            question: the question, Korean or English.
            history: earlier questions of the same conversation, oldest first (for follow-ups).
            k: how many source passages to return (``config.top_k`` by default).
            retriever: ``hybrid`` | ``bm25`` | ``dense`` to override the configured retriever.

        Raises:
            QuestionError: empty or over-long question.
        """
        return self.explain(question, history, k, retriever)[0]

    def explain(self, question: str, history: list[str] | None = None, k: int | None = None,
                retriever: str | None = None) -> tuple[Answer, list[Candidate]]:
        """:meth:`ask`, and every candidate the answer was chosen from with its features (what ``python -m evals``
        and its fit read of one run)."""
        t0 = time.perf_counter()
        ctx = self.understand(question, history, k, retriever)
        t1 = time.perf_counter()
        best, candidates = run(ctx, self.chooser)
        draft = best.draft()
        t2 = time.perf_counter()
        found = sources(draft, ctx.hits, ctx.k, self.corpus.chunks, self.corpus.docs)
        t3 = time.perf_counter()
        return Answer(question=question, answer=draft.text, kind=draft.kind, facts=tuple(draft.facts),
                      sources=tuple(found), rule=draft.rule, items=tuple(draft.items), shown=draft.shown,
                      timing_ms={"understand": (t1 - t0) * 1000, "retrieve_compose": (t2 - t1) * 1000,
                                 "sources": (t3 - t2) * 1000, "total": (t3 - t0) * 1000}), candidates

    def understand(self, question: str, history: list[str] | None = None, k: int | None = None,
                   retriever: str | None = None) -> Context:
        """The question cleaned, spell-corrected and linked (with its follow-up history), and its search handle."""
        text = self.speller(self.check_question(question))
        # the question's vector is begun now and linking overlaps it; a follow-up or an English question is searched
        # with other words (its pseudo-query), so its embedding waits for them
        early = self.retriever.embed_early(text, retriever) if not history and HANGUL.search(text) else None
        q = self.corpus.linker.analyse(text, history)
        names, places = self.corpus.operand_names, self.corpus.place_forms
        whole = rewrite_history(text, history, names, places) if history and not q.pseudo else None
        if whole:  # "2부는?" after "… 1부는 몇 분 동안 해?", which linking left empty: the whole question it stands for
            text, history = self.speller(whole), None
            q = self.corpus.linker.analyse(text)
        query = f"{q.text} {q.pseudo}" if (q.english or q.followup) and q.pseudo else q.text
        handle = self.retriever.handle(query, retriever, early)
        ctx = Context(self.corpus, text, q, handle, k or self.config.top_k, history=list(history or []))
        ctx.settle_scope()
        return ctx

    def candidates(self, question: str, history: list[str] | None = None, skip: tuple[str, ...] = (),
                   k: int | None = None) -> tuple[Candidate, list[Candidate]]:
        """The chosen candidate and every candidate with its features (what ``python -m evals fit`` learns
        from; ``skip`` leaves generators out for the ablation)."""
        return run(self.understand(question, history, k), self.chooser, skip=skip)
