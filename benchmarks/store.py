"""``python -m benchmarks --backend store``: what answering with the facts in the store costs (README "Running
beyond one machine"), against ``--store-url`` (an empty database; without one, a SQLite file in the run's folder).

* Per question: the golden questions asked of one index with the facts in memory and from the store, each
  question's vector computed once (so the difference is the facts' reads), the fastest of three rounds.
* At load: the names :class:`~qa.answer.source.StoreSource` reads at load (``fact_names``, each distinct name
  once, not the values): rows and distinct names per kind in the table, the names that reach the replica, the time
  and traced memory of reading them and of building the question reader's vocabulary from them; and per golden
  question, the name rows read by key while linking it. At the given corpus and at ``--backend-size``
  announcements made by varying the real ones (vectors from the stand-in of :mod:`benchmarks.backends`: names do
  not depend on them).
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

from .measure import Rows, _config, pct, varied_corpus


def _timed(assistant, questions) -> list[float]:
    out = []
    for q, history in questions:
        t = time.perf_counter()
        assistant.ask(q, history=history)
        out.append((time.perf_counter() - t) * 1000)
    return out


def _vectors_once(assistant) -> None:
    """Each question embedded once: later rounds measure the answering, not the model."""
    real, seen = assistant.retriever.embed_query, {}
    assistant.retriever.embed_query = lambda q: seen[q] if q in seen else seen.setdefault(q, real(q))


def per_question(corpus: Path, tmp: Path, questions, store_url: str, rounds: int = 3) -> tuple[Rows, Any]:
    """ask() with the facts in memory and from the store; returns the rows and the index (for :func:`names`)."""
    from qa.assistant import Assistant, build
    from qa.store import Database

    config = _config(corpus, tmp / "store-bench" / "index")
    build(config)
    memory = Assistant.load(config, rebuild="never")
    stored = Assistant(config.replace(store_url=store_url, facts_from_store=True), memory.index)
    best: dict[str, list[float]] = {}
    for name, a in (("memory", memory), ("store", stored)):
        _vectors_once(a)
        _timed(a, questions)  # warm: vectors, per-index caches
        best[name] = [min(r) for r in zip(*(_timed(a, questions) for _ in range(rounds)), strict=True)]
    added = [s - m for s, m in zip(best["store"], best["memory"], strict=True)]
    where = Database(store_url).dialect
    rows = [(f"ask() p50 / mean, {len(questions)} golden questions: facts in memory / from the store ({where})",
             " / ".join(f"{statistics.median(b):.2f} / {statistics.mean(b):.2f} ms" for b in best.values())),
            (f"added per question by the store ({where}): p50 / mean / p95",
             f"{statistics.median(added):.2f} / {statistics.mean(added):.2f} / {pct(added, 95):.2f} ms")]
    return rows, memory.index


def _traced(fn) -> tuple[Any, float, float]:
    """What ``fn`` returns, its time on a second call (warm) and the memory its first call left allocated."""
    gc.collect()
    tracemalloc.start()
    out = fn()
    mib = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    t = time.perf_counter()
    fn()
    return out, (time.perf_counter() - t) * 1000, mib


def names(index, store_url: str, label: str, questions=()) -> Rows:
    """The names table of ``index`` published to the store: its size, reading it as a replica loads it, and what
    linking each question reads of it by key."""
    from qa.answer.source import StoreSource
    from qa.facts import load_facts
    from qa.question import Linker
    from qa.store import Store

    store = Store.open(store_url)
    try:
        store.publish(index, load_facts(index.path), [])
        with store.db.transaction() as tx:
            rows = tx.execute("select kind, name from fact_names").fetchall()
        rank = {d.doc_id: i for i, d in enumerate(index.documents)}
        loaded, read_ms, read_mib = _traced(lambda: store.fact_names(rank))
        source = StoreSource(store, index.documents)
        linker, vocab_ms, vocab_mib = _traced(lambda: Linker(source.names, index.documents, set(index.vocab),
                                                             index.docs_with_term, source.lookup))
        reads = _name_reads(store, linker, questions)
    finally:
        store.close()
    kinds = Counter(k for k, _ in rows)
    distinct = Counter(k for k, _ in set(rows))
    held = sum(len(getattr(loaded, f)) for f in ("subjects", "categories", "attributes", "labelled", "values", "people"))
    out = [(f"{label}: fact_names rows / distinct names, per kind",
            f"{len(rows):,} / {sum(distinct.values()):,}: " + ", ".join(f"{k} {kinds[k]:,} / {distinct[k]:,}"
                                                                      for k in sorted(kinds))),
           (f"{label}: read at load (Store.fact_names): names / announcements, warm / traced memory",
            f"{held:,} / {len(loaded.docs):,}, {read_ms:.0f} ms / {read_mib:.1f} MiB"),
           (f"{label}: the vocabulary built from them (Linker), warm / traced memory",
            f"{vocab_ms:.0f} ms / {vocab_mib:.1f} MiB")]
    if reads:
        rows_read, ms = zip(*reads, strict=True)
        out.append((f"{label}: name rows read by key linking a golden question ({len(reads)}): p50 / max, p50 time",
                    f"{statistics.median(rows_read):.0f} / {max(rows_read)}, {statistics.median(ms):.2f} ms"))
    return out


def _name_reads(store, linker, questions) -> list[tuple[int, float]]:
    """(name rows read, ms) of each question's lookups by key while it is linked (its value keys)."""
    read, out = store.name_rows, []

    def counted(*args):
        rows = read(*args)
        out[-1][0] += len(rows)
        return rows

    store.name_rows = counted
    try:
        for q, _ in questions:
            out.append([0, 0.0])
            text, tokens = _keys_of(q)
            t = time.perf_counter()
            linker.vocabulary.values_named(text, tokens)
            out[-1][1] = (time.perf_counter() - t) * 1000
    finally:
        store.name_rows = read
    return [(n, ms) for n, ms in out]


def _keys_of(text: str) -> tuple[str, list[str]]:
    """The compact text and words a question is linked by."""
    from qa.korean import normalize
    from qa.question import compact
    from qa.question.steps import tokens_of

    text = normalize(text).strip()
    return compact(text), list(tokens_of(text))


def varied_index(size: int, tmp: Path):
    """An index over ``size`` varied announcements with stand-in document vectors."""
    from qa.assistant import build
    from qa.embed import load_embedder
    from qa.index import load_index

    from .backends import StandInEmbedder

    config = _config(varied_corpus(size, tmp / f"names-{size}" / "corpus"), tmp / f"names-{size}" / "index")
    real = load_embedder(config.embedder)
    build(config, embedder=StandInEmbedder(real), full=True)
    return load_index(config, embedder=real)
