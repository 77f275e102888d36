"""The sentences of a chunk: the units a passage answer is cut from, and what the embedder reads of each (their
vectors are stored with the index, so a question is compared with a sentence as with a chunk, at no embedding)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .chunk import PASSAGE_KINDS, Chunk
from .text import sentence_spans

UNIT_VECTORS = "unit_vectors.npy"  # the vectors of the sentences of passage chunks (:func:`unit_texts`), in order
UNIT_ROWS = "unit_rows.npy"  # per chunk: its first row there and how many (0: its own vector is its sentence's)


def sentence_units(text: str) -> list[tuple[int, int]]:
    """Sentence / bullet spans of a chunk text (lines first, then sentence ends within a line): the units a
    passage answer is cut from, and those :func:`unit_texts` embeds."""
    return sentence_spans(text, lines=True)


def unit_texts(chunk: Chunk) -> list[str]:
    """What the embedder reads of each sentence of a passage chunk: the chunk's context (section, caption, parent
    point) and the sentence, as the chunk's own vector reads it whole, so the sentence answering a question can be
    told from its neighbours by meaning too. [] for a chunk of one sentence (its chunk vector is that sentence's)
    and for a kind never answered from."""
    if chunk.kind not in PASSAGE_KINDS:
        return []
    spans = sentence_units(chunk.text)
    if len(spans) < 2:
        return []
    whole = chunk.search_text
    context = whole[: len(whole) - len(chunk.text)] if whole.endswith(chunk.text) else ""
    return [context + chunk.text[s:e] for s, e in spans]


def sentence_rows(sentences: list[list[str]]) -> np.ndarray:
    """Each chunk's first row among the sentence vectors and its count (``(chunks, 2)``), the chunks in order."""
    counts = np.array([len(s) for s in sentences], dtype=np.int64)
    return np.stack([np.cumsum(counts) - counts, counts], axis=1).reshape(-1, 2)


def save_vectors(folder: Path, sentences: list[list[str]], vectors: np.ndarray) -> None:
    """Write the sentence vectors (one row per sentence, the chunks in order) and :func:`sentence_rows`."""
    np.save(Path(folder) / UNIT_VECTORS, np.ascontiguousarray(vectors, dtype=np.float32))
    np.save(Path(folder) / UNIT_ROWS, sentence_rows(sentences))


def load_vectors(folder: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The stored sentence vectors and rows, or None for an index built before them (words alone then rank)."""
    if not (Path(folder) / UNIT_ROWS).is_file():
        return None
    return np.load(Path(folder) / UNIT_VECTORS), np.load(Path(folder) / UNIT_ROWS)
