"""A corpus for the answer stage's unit tests without the embedding model: two small announcements written for
these tests, read, chunked and turned into facts by the real pipeline, indexed by a plain token table, and
searched by token overlap (:class:`KitHandle`), so a generator or a feature runs on real chunks and facts in
milliseconds."""

from __future__ import annotations

import math
import zlib
from functools import lru_cache

import faiss
import numpy as np

from qa.answer.context import Context
from qa.answer.corpus import Corpus
from qa.chunk import chunk_document
from qa.config import Config
from qa.facts.extract import extract_facts
from qa.ingest import Document
from qa.korean import tokenize
from qa.retrieve import Hit
from qa.sentences import sentence_rows, unit_texts

SELECTION = """\
□ 미래부는 「2030 스마트 항만 공모」 결과 부산 강서구, 전남 여수시, 경남 통영시를 선정하였다.
< 2030 스마트 항만 공모 선정 결과 >
| 유형 | 지자체 | 국비(억원) |
| 거점형 | 부산 강서구 | 200 |
| 강소형 | 전남 여수시 | 90 |
| 경남 통영시 | 90 | |
□ 거점형에는 총 8개 지자체가 신청해 4:1의 경쟁률을 보였다.
□ 강소형에는 총 12개 지자체가 신청해 6:1의 경쟁률을 보였으며, 선정된 두 곳에는 2년간 국비 90억원을 지원한다.
□ 여수시는 섬 지역 주민을 위해 자율운항 여객선과 드론 택배를 도입할 계획이다.
ㅇ 항만 안전을 위한 수중 로봇 관제도 함께 추진한다.
□ 통영시는 수산물 경매장에 AI 품질 판정 서버를 구축하고자 한다.
□ 공모는 지난 3월 시작하여 5월까지 진행되었다.
□ 미래부 김하나 항만정책과장은 “섬 주민의 이동권이 크게 나아질 것”이라고 밝혔다.
담당 부서: 항만정책과 | 책임자: 과장 김하나 (044-200-1111) | 담당자: 사무관 이두리 (044-200-1112)
"""

STATS = """\
< 2024년 2분기 항만 물동량 동향 >
□ 2분기 전국 항만 물동량은 3억 9천만톤으로 1년 전보다 2.1% 늘었다.
ㅇ 수출 물동량은 1억 2천만톤, 수입 물동량은 1억 5천만톤이었다.
□ 부산항 물동량은 △1.5% 줄었고, 여수항은 4.2% 늘었다.
"""

DOCS = {
    "port_2030_selection": (SELECTION, "2030 스마트 항만 공모 선정 결과", "미래부 항만정책과", "2030-06-10"),
    "port_2024_volume": (STATS, "2024년 2분기 항만 물동량 동향", "미래통계청", "2024-08-01"),
}


DIM = 64


def kit_vector(text: str) -> np.ndarray:
    """A stand-in for an embedding: the text's tokens hashed into ``DIM`` dimensions, normalised (texts sharing
    words are close), so the features that read vectors run without a model."""
    v = np.zeros(DIM, dtype=np.float32)
    for t in tokenize(text):
        v[zlib.crc32(t.encode()) % DIM] += 1.0
    n = float(np.linalg.norm(v))
    return v / n if n else v


class KitIndex:
    """What :class:`~qa.answer.corpus.Corpus` reads of an index, from a token table over the chunks."""

    def __init__(self, documents: list[Document], chunks: list) -> None:
        self.documents = documents
        self.chunks = chunks
        self.doc_by_id = {d.doc_id: d for d in documents}
        self.path = None
        df: dict[str, set[str]] = {}
        chunk_df: dict[str, int] = {}
        for c in chunks:
            toks = set(tokenize(c.search_text))
            for t in toks:
                df.setdefault(t, set()).add(c.doc_id)
                chunk_df[t] = chunk_df.get(t, 0) + 1
        self._docs = df
        self._df = chunk_df
        self.vocab = {t: i for i, t in enumerate(sorted(df))}
        self.faiss_index = faiss.IndexFlatIP(DIM)
        self.faiss_index.add(np.stack([kit_vector(c.search_text) for c in chunks]))
        sentences = [unit_texts(c) for c in chunks]  # as a build stores them (qa.sentences)
        self.sentence_vectors = (np.stack([kit_vector(t) for s in sentences for t in s]), sentence_rows(sentences))
        self.unit_vectors = self.unit_rows = None  # words alone rank the kit's passages: a test sets them

    def term_df(self, term: str) -> int:
        return self._df.get(term, 0)

    def docs_with_term(self, term: str) -> set[str]:
        return set(self._docs.get(term, set()))

    def vocab_idf(self) -> dict[str, float]:
        n = len(self.chunks)
        return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in self._df.items()}

    def common_terms(self) -> set[str]:
        return set()


class KitHandle:
    """A question's searches by token overlap (the first hit shares the most words)."""

    def __init__(self, corpus: Corpus, query: str) -> None:
        self.corpus = corpus
        self.query = query
        self.vector = kit_vector(query).reshape(1, -1)
        self.embeddings = 1

    def search(self, words=None, k=None, doc_ids=None, per_table=None, method=None) -> list[Hit]:
        toks = set(tokenize(words or self.query))
        scored = [(len(toks & set(tokenize(c.search_text))), i, c) for i, c in enumerate(self.corpus.index.chunks)
                  if (doc_ids is None or c.doc_id in doc_ids) and c.kind not in ("section", "meta")]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [Hit(chunk=c, score=float(s), method="kit", rank=r) for r, (s, _, c) in enumerate(scored[: k or 8], 1)]


@lru_cache(maxsize=1)
def corpus() -> Corpus:
    documents, chunks = [], []
    for doc_id, (text, title, publisher, published) in DOCS.items():
        doc = Document(doc_id=doc_id, title=title, publisher=publisher, published=published, source=None,
                       path=f"{doc_id}.txt", lines=tuple(text.rstrip("\n").split("\n")))
        documents.append(doc)
        chunks += chunk_document(doc)
    facts = extract_facts(documents, chunks)
    return Corpus(Config(), KitIndex(documents, chunks), facts)


def context(question: str, history: list[str] | None = None) -> Context:
    """A question linked against the kit corpus, with its searches, as :meth:`Assistant.understand` makes it."""
    c = corpus()
    q = c.linker.analyse(question, history)
    return Context(c, question, q, KitHandle(c, q.text), k=5, history=list(history or []))


def store_sentence_vectors(monkeypatch) -> None:
    """Give the kit index its stand-in sentence vectors (none by default: the kit's hashed words would otherwise
    rank its passages a second time, and the tests of other generators read words alone)."""
    index = corpus().index
    vectors, rows = index.sentence_vectors
    monkeypatch.setattr(index, "unit_vectors", vectors)
    monkeypatch.setattr(index, "unit_rows", rows)
