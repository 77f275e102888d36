"""The one entry point: ``Assistant.load(config)`` then ``assistant.ask(question)``.

The CLI, the web UI and the JSON API all call :meth:`Assistant.ask`; none of them reaches into a stage.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from pathlib import Path
from typing import Any

from .answer import NOT_FOUND, Answer, QuestionError, Source
from .chunk import Chunk, chunk_corpus
from .config import Config
from .facts import Fact, extract_facts, load_facts, save_facts
from .index import Index, IndexError_, build_index, load_index
from .ingest import CorpusError, load_corpus
from .korean import normalize, tokenize, warm_up
from .retrieve import Hit, Retriever

log = logging.getLogger(__name__)

_cache: dict[tuple, Assistant] = {}
_cache_lock = threading.Lock()


def build(config: Config, embedder: Any = None) -> Path:
    """Run ingest → chunk → facts and write the index folder (atomically)."""
    documents = load_corpus(Path(config.corpus_dir))
    chunks = chunk_corpus(documents, config.chunk_max_chars)
    facts = extract_facts(documents, chunks)
    return build_index(config, documents, chunks, embedder=embedder,
                       extras={"facts": lambda folder: save_facts(facts, folder)})


class Assistant:
    """Question answering over the announcements in one index."""

    def __init__(self, config: Config, index: Index) -> None:
        self.config = config
        self.index = index
        self.retriever = Retriever(index, config)
        self.fact_table: list[Fact] = load_facts(index.path)
        self._docs = index.doc_by_id

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
            if rebuild == "never" or not Path(config.corpus_dir).is_dir():
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
        q = normalize(question or "").strip()
        if not q:
            raise QuestionError("질문을 입력해 주세요. (The question is empty.)")
        if len(q) > self.config.max_question_chars:
            raise QuestionError(f"질문이 너무 깁니다: {len(q)}자 (최대 {self.config.max_question_chars}자). "
                                f"(The question is too long.)")
        return q

    def ask(self, question: str, history: list[str] | None = None, k: int | None = None,
            retriever: str | None = None) -> Answer:
        """Answer one question.

        Args:
            question: the question, Korean or English.
            history: earlier questions of the same conversation, oldest first (for follow-ups).
            k: how many source passages to return (``config.top_k`` by default).
            retriever: ``hybrid`` | ``bm25`` | ``dense`` to override the configured retriever.

        Raises:
            QuestionError: empty or over-long question.
        """
        t0 = time.perf_counter()
        q = self.check_question(question)
        hits = self.retriever.search(q, k=k or self.config.top_k, method=retriever)
        t1 = time.perf_counter()
        answer = self._answer_from_passages(q, hits)
        t2 = time.perf_counter()
        return Answer(question=question, answer=answer[0], kind=answer[1], facts=(), sources=answer[2],
                      timing_ms={"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000,
                                 "total": (t2 - t0) * 1000})

    def _answer_from_passages(self, q: str, hits: list[Hit]) -> tuple[str, str, tuple[Source, ...]]:
        if not hits or not self._answerable(q, hits):
            return NOT_FOUND, "none", tuple(self._source(h) for h in hits[:3])
        best_text, best_span = best_unit(q, hits[0].chunk, self.index.vocab_idf())
        sources = [self._source(h, (best_span,) if i == 0 else ()) for i, h in enumerate(hits)]
        return best_text, "passage", tuple(sources)

    def _answerable(self, q: str, hits: list[Hit]) -> bool:
        return max(h.bm25 for h in hits) > 0 or hits[0].dense >= self.config.none_threshold

    def _source(self, hit: Hit, highlights: tuple[tuple[int, int], ...] = ()) -> Source:
        c = hit.chunk
        doc = self._docs[c.doc_id]
        return Source(doc_id=c.doc_id, title=doc.title, published=doc.published, chunk_id=c.chunk_id,
                      section=c.section, lines=(c.start, c.end), text=c.text, score=hit.score,
                      highlights=highlights)


_UNIT_SPLIT = re.compile(r"(?<=다\.)\s+|(?<=[.!?])\s+(?=[가-힣A-Z“\"‘'(])|\n")


def units(text: str) -> list[tuple[int, int]]:
    """Sentence / bullet spans of a chunk text (lines first, then sentence ends within a line)."""
    spans, pos = [], 0
    for m in _UNIT_SPLIT.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def best_unit(q: str, chunk: Chunk, idf: dict[str, float]) -> tuple[str, tuple[int, int]]:
    """The sentence or bullet of a chunk that shares the most (IDF-weighted) morphemes with the question."""
    qtok = set(tokenize(q))
    best, best_score = None, -1.0
    for s, e in units(chunk.text):
        toks = set(tokenize(chunk.text[s:e]))
        score = sum(idf.get(t, 1.0) for t in qtok & toks)
        if score > best_score:
            best, best_score = (s, e), score
    s, e = best or (0, len(chunk.text))
    return chunk.text[s:e].strip(), (s, e)
