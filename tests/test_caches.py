"""The structures answering reads once per loaded index (or once per question) instead of per candidate or per
unit: each gives exactly what the computation it replaces gave, and is kept (asked again, it is not rebuilt)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import product

import faiss
import numpy as np
import pytest
from answer_kit import context, corpus

from qa.answer.chooser import Chooser
from qa.answer.corpus import flat_vectors
from qa.answer.generators import generate
from qa.answer.passage import (
    _ENTITY_ENDS,
    _TOPIC_ENDS,
    _TOPIC_MARKS,
    _marked,
    _opens,
    read_units,
    slot_label,
    units,
)
from qa.answer.rows import _PARTICLE, _written
from qa.answer.typed import TypedFinder, _range_starts
from qa.chunk import Chunk
from qa.korean import tokenize
from qa.lexicon import ATTRIBUTE_FAMILIES, ENGLISH_GLOSSARY
from qa.question.model import Question
from qa.question.steps import link_families, link_family_typos, link_targets, mask_targets
from qa.text import (
    _SINGULAR_GLOSSARY,
    HANGUL,
    Speller,
    TypoIndex,
    _singular_keys,
    compact,
    known_form,
    match_strength,
    one_typo,
    typo_fix,
    typo_neighbours,
)

SYLLABLES = "가각간기갼경갱재제주즈시사율뮬비국도"


def _words(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return list(dict.fromkeys("".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 5))) for _ in range(n)))


# ------------------------------------------------------------------------------------------------ typos by key
def test_typo_index_finds_what_walking_the_vocabulary_finds_in_its_order():
    vocab = _words(400, 1)
    index = TypoIndex(vocab)
    for word in _words(300, 2) + vocab[:50]:
        assert index.neighbours(word) == typo_neighbours(word, vocab)
        assert typo_fix(word, index, len) == typo_fix(word, vocab, len)
        assert index.starting(word[0]) == [v for v in vocab if v[0] == word[0]]
    assert index._masked[3] is index._masked[3]  # built once per length, then kept
    table = index._masked[3]
    index.neighbours("가가가")
    assert index._masked[3] is table


def test_known_form_by_key_is_known_form_by_walking():
    idf = {w: float(i % 7) for i, w in enumerate(_words(300, 3) + ["중소벤처기업부", "과학기술정보통신부", "신청"])}
    typos = TypoIndex(idf)
    for word in _words(200, 4) + ["중기부", "과기정통부", "시청", "x"]:
        assert known_form(word, idf, lambda v: -idf[v], typos) == known_form(word, idf, lambda v: -idf[v])


def test_speller_reads_a_word_only_when_it_has_a_correction():
    """The speller asks whether a word reads as corpus words (a Kiwi call) only of a word it would correct: the
    answer is the one asking first gave, with far fewer calls."""
    vocab = {w: 1.0 for w in ["증가율", "글로벌", "예비창업패키지", "신청", "기간", "국비"]}
    asked: list[str] = []

    def analysed(word: str) -> bool:
        asked.append(word)
        return word.endswith("은") and word[:-1] in vocab

    speller = Speller(vocab, analysed=analysed, asking=["기간"])
    reference = Speller(vocab, asking=["기간"])  # analysed never true: every correction is made
    for word in ["증가뮬", "글로별", "예비창업패키치", "신청은", "국비는", "기갼은", "전혀모르는말"]:
        fixed = reference.word(word)
        assert speller.word(word) == (word if fixed != word and analysed(word) else fixed)
    assert "국비는" not in asked and "전혀모르는말" not in asked  # no correction: not read


# ------------------------------------------------------------------------------------------------ linking
def _question(text: str) -> Question:
    return Question(text=text, compact=compact(text), tokens=list(tokenize(text)))


def _old_link_families(q: Question) -> None:
    masked = q.target_text
    for t, fam in sorted(((t, f) for f, ts in ATTRIBUTE_FAMILIES.items() for t in ts), key=lambda x: -len(x[0])):
        if len(t) <= 2 and HANGUL.search(t) and t not in q.tokens:
            continue
        if t in masked:
            masked = masked.replace(t, " ")
            q.triggers.append(t)
            if fam not in q.families:
                q.families.append(fam)


def _old_link_family_typos(q: Question) -> None:
    if q.families:
        return
    for word in re.findall(r"[가-힣]{3,}", q.text):
        for fam, triggers in ATTRIBUTE_FAMILIES.items():
            for t in triggers:
                if len(t) >= 3 and HANGUL.search(t) and fam not in q.families and one_typo(word[: len(t)], t):
                    q.families.append(fam)
                    q.typos.append(word)


@pytest.mark.parametrize("text", ["전주시 국비는?", "갱쟁률은?", "강소형 갱쟁률", "인구비율은 얼마야", "구비 시비 합계",
                                  "세부유형과 유형 수", "사업비랑 총사업비", "지원금 얼마 지원돼?", "겅쟁률 몇 대 일"])
def test_family_triggers_sorted_once_and_typos_by_key_link_as_before(text):
    v = corpus().linker.vocabulary
    new, old = _question(text), _question(text)
    for q in (new, old):
        link_targets(q, v)
        mask_targets(q, v)
    link_families(new, v)
    link_family_typos(new, v)
    _old_link_families(old)
    _old_link_family_typos(old)
    assert (new.families, new.triggers, new.typos) == (old.families, old.triggers, old.typos)
    assert v.family_triggers is v.family_triggers and v.typo_triggers is v.typo_triggers  # kept on the vocabulary


# ------------------------------------------------------------------------------------------------ passages
def test_a_chunks_units_are_read_once_and_hold_what_ranking_read_per_question():
    c = corpus()
    chunk = next(ch for ch in c.index.chunks if "경쟁률" in ch.text)
    read = c.passage_units(chunk)
    assert c.passage_units(chunk) is read  # kept for the loaded index
    assert read.tokens == set(tokenize(chunk.search_text)) and read.flat == compact(chunk.search_text)
    assert [u.span for u in read.units] == units(chunk.text)
    for u in read.units:
        unit = chunk.text[slice(*u.span)]
        assert u.tokens == set(tokenize(unit)) and set(u.joined.split("\n")) == u.tokens
        assert list(u.echo) == [t for t in tokenize(unit) if not t[0].isdigit()]
        assert u.slot == slot_label(unit).replace(" ", "")
    assert read_units(chunk) == read  # a pure function of the chunk


def test_topic_and_name_leads_without_a_pattern_are_the_patterns():
    rnd = random.Random(5)
    alphabet = list("(은는이란가):ab")
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 7)))
        word = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 3)))
        for ends in (_TOPIC_ENDS, _TOPIC_MARKS, _ENTITY_ENDS):
            alternatives = "(" + "|".join(map(re.escape, ends)) + ")"
            assert _opens(text, word, ends) == bool(re.match(r"\(?" + re.escape(word) + alternatives, text))
            assert _marked(text, word, ends) == bool(re.search(re.escape(word) + alternatives, text))


def test_a_cell_not_written_in_the_question_is_told_without_its_pattern():
    for name, question in product(["강소형", "전남", "행정", "행복한삶터", "a b"],
                                  ["강소형 국비는?", "강 소 형은?", "AI 행정혁신", "행복한 삶터로", "전남은", "a  b는"]):
        pattern = r"\s*".join(map(re.escape, name))
        expected = re.search(rf"(?:^|(?<=[\s,·(「『‘“]))(?:{pattern}){_PARTICLE}(?=$|[\s?,.!)」』’”])", question)
        assert _written(name, question) == (expected is not None)


def test_match_strength_with_the_joined_tokens_is_match_strength():
    toks = {"울산대학교", "신청", "발표", "국비"}
    joined = "\n".join(toks)
    for word in ["대학", "접수", "발표일", "국비", "학교", "9대", "없는말"]:
        assert match_strength(word, toks, joined) == match_strength(word, toks)


# ------------------------------------------------------------------------------------------------ typed values
@dataclass
class _Hit:
    chunk: Chunk


def _tok(text: str) -> list[str]:
    return re.findall(r"[가-힣A-Za-z0-9~]+", text)


def test_a_chunks_values_are_read_once_per_chunk_and_year():
    finder = TypedFinder(_tok, idf={"취업자": 1.0})
    chunk = Chunk(chunk_id="d#000", doc_id="d", text="□ 12월 취업자는 2,809만명이다. 실업자는 4~6개월 94만명이다.",
                  start=1, end=1, section="", kind="point", search_text="고용 동향\n□ 12월 취업자는 2,809만명이다.")
    read = finder.read(chunk, 2024)
    assert finder.read(chunk, 2024) is read and finder.read(chunk, 2023) is not read
    old = list(finder._units(chunk, 2024))
    assert [u.span for u in read] == [span for span, _, _ in old]
    assert [list(u.values) for u in read] == [values for _, _, values in old]
    for u, (_, label_text, _) in zip(read, old, strict=True):
        assert u.words == {t for line in label_text.split("\n") for t in _tok(line)} | _range_starts(label_text)
    same = Chunk(**{**chunk.__dict__, "text": chunk.text.replace("94만", "95만")})  # another chunk, same id
    assert finder.read(same, 2024) != read
    assert finder.find(["실업자"], ("count",), "명", [_Hit(same)])[0].quantity.text == "95만명"


# ------------------------------------------------------------------------------------------------ vectors
@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_flat_vectors_are_the_stored_vectors_without_a_copy(kind):
    rnd = np.random.default_rng(0)
    x = rnd.standard_normal((50, 16)).astype(np.float32)
    index = faiss.IndexFlatIP(16) if kind == "flat" else faiss.IndexHNSWFlat(16, 8, faiss.METRIC_INNER_PRODUCT)
    index.add(x)
    view = flat_vectors(index)
    ids = np.arange(50, dtype=np.int64)
    assert np.array_equal(view, index.reconstruct_batch(ids)) and not view.flags.writeable
    assert flat_vectors(faiss.IndexFlatIP(16)) is None and flat_vectors(object()) is None


def test_similarity_read_from_the_flat_vectors_is_the_reconstructed_one():
    c = corpus()
    index = c.index.faiss_index
    vector = np.random.default_rng(1).standard_normal(index.d).astype(np.float32)
    for rows in ([0], [3, 1], list(range(index.ntotal))):
        stored = index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        assert c.similarity(vector, rows) == float(np.max(stored @ vector))


# ------------------------------------------------------------------------------------------------ the rest
def test_the_glossary_is_read_singular_once():
    assert _SINGULAR_GLOSSARY == _singular_keys(ENGLISH_GLOSSARY)


def test_chooser_score_is_the_same_float_sum():
    ctx = context("여수시 국비는?")
    found = generate(ctx)
    from qa.answer.features import featurize
    from qa.answer.generators import GENERATORS

    featurize(found, ctx, generators=tuple(GENERATORS))
    chooser = Chooser.load()
    for c in found:
        assert chooser.score(c) == sum(chooser.weights.get(n, 0.0) * v for n, v in c.features.items())


# ------------------------------------------------------------------------------------------------ searches
def _bm25_retriever(dtype):
    """A Retriever over four chunks whose BM25 postings are given by hand (``dtype``: the stored scores' type)."""
    from types import SimpleNamespace

    from qa.config import Config
    from qa.retrieve import Retriever

    vocab = {t: i for i, t in enumerate(tokenize("국비 경쟁률 강소형 선정"))}
    cols = {vocab["국비"]: [(0, 1.25), (2, 0.5)], vocab["경쟁률"]: [(1, 2.0), (2, 0.75), (3, 0.1)],
            vocab["강소형"]: [(2, 1.0 / 3), (3, 2.5)], vocab["선정"]: [(3, 0.2)]}
    indptr, indices, data = [0], [], []
    for t in range(len(vocab)):
        for row, score in cols.get(t, []):
            indices.append(row)
            data.append(score)
        indptr.append(len(indices))
    bm = SimpleNamespace(scores={"data": np.asarray(data, dtype=dtype), "indices": np.asarray(indices, dtype=np.int32),
                                 "indptr": np.asarray(indptr, dtype=np.int64)}, dtype="float32")
    chunks = [SimpleNamespace(doc_id=f"d{i % 2}", kind="point", chunk_id=f"c{i}") for i in range(4)]
    index = faiss.IndexFlatIP(4)
    index.add(np.eye(4, dtype=np.float32))
    return Retriever(SimpleNamespace(chunks=chunks, faiss_index=index, vocab=vocab, bm25=bm, embedder=None), Config())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bm25_adds_each_terms_scores_in_the_querys_order(dtype):
    """One pass over every term's postings adds the same float32 numbers, in the same order, as term by term."""
    r = _bm25_retriever(dtype)
    bm = r.index.bm25.scores
    for query in ["국비 경쟁률", "강소형 강소형 경쟁률 국비 선정", "선정", "없는말"]:
        for scope in (None, {"d0"}, {"d1"}):
            codes, rows = r._scope(scope)
            cand, scores = r.bm25_arm(query, codes, rows)
            expected = np.zeros(len(cand), dtype=np.float32)
            for t in [r.index.vocab[w] for w in tokenize(query) if w in r.index.vocab]:
                for row, score in zip(bm["indices"][bm["indptr"][t]:bm["indptr"][t + 1]],
                                      bm["data"][bm["indptr"][t]:bm["indptr"][t + 1]], strict=True):
                    if row in cand:
                        i = int(np.searchsorted(cand, row))
                        expected[i] = expected[i] + score  # in the stored type, kept as float32
            assert scores.tobytes() == expected.tobytes(), (query, scope)


def test_few_postings_are_summed_as_the_array_path_sums_them(monkeypatch):
    """A query with few postings is summed in Python (float32 scalars, term by term): the same candidates and the same
    float32 bytes as the numpy path, and the same ranks from :func:`qa.retrieve._top` either way."""
    import qa.retrieve as retrieve

    r = _bm25_retriever(np.float32)
    rng = np.random.default_rng(0)
    queries = ["국비 경쟁률", "강소형 강소형 경쟁률 국비 선정", "선정", "없는말", "경쟁률 국비 국비"]
    for query, scope in product(queries, (None, {"d0"}, {"d1"})):
        codes, rows = r._scope(scope)
        small = r.bm25_arm(query, codes, rows)
        monkeypatch.setattr(retrieve, "SMALL_POSTINGS", -1)
        array = r.bm25_arm(query, codes, rows)
        assert small[0].tolist() == array[0].tolist() and small[1].tobytes() == array[1].tobytes(), (query, scope)
        for k, positive in product((1, 2, 10), (True, False)):
            ranks = retrieve._top(*array, k, positive_only=positive)
            monkeypatch.setattr(retrieve, "SMALL_POSTINGS", 256)
            assert retrieve._top(*array, k, positive_only=positive) == ranks
            monkeypatch.setattr(retrieve, "SMALL_POSTINGS", -1)
        monkeypatch.setattr(retrieve, "SMALL_POSTINGS", 256)
    for _ in range(200):  # ties, zeros, negatives and non-finite scores ranked alike
        n = int(rng.integers(0, 40))
        rows = rng.permutation(100)[:n].astype(np.int64)
        scores = rng.choice(np.array([0.0, -0.0, 1.5, 2.25, -1.0, np.inf, np.nan, 0.1], dtype=np.float32), n)
        for k, positive in product((1, 5, 50), (True, False)):
            monkeypatch.setattr(retrieve, "SMALL_POSTINGS", 256)
            small = retrieve._top(rows, scores, k, positive_only=positive)
            monkeypatch.setattr(retrieve, "SMALL_POSTINGS", -1)
            assert small == retrieve._top(rows, scores, k, positive_only=positive)


def test_a_question_computes_its_candidates_once_whatever_k_and_spread():
    r = _bm25_retriever(np.float32)
    calls = []
    real = r.backend.candidates
    r.backend.candidates = lambda *a: calls.append(a[0]) or real(*a)
    handle = r.handle("국비 경쟁률", "bm25")
    first = handle.search(k=3)
    assert [h.chunk.chunk_id for h in handle.search(k=1)] == [h.chunk.chunk_id for h in first[:1]]
    handle.search(k=3, per_table=1)
    handle.search("강소형", k=3)
    handle.search(k=3, doc_ids={"d0"})
    assert calls == ["국비 경쟁률", "강소형", "국비 경쟁률"]  # (query, method, scope) once each
    again = r.search("국비 경쟁률", k=3, method="bm25")  # without the question's memo: the same hits
    assert [(h.chunk.chunk_id, h.score, h.bm25) for h in again] == [(h.chunk.chunk_id, h.score, h.bm25) for h in first]
    grown = r.handle("국비 경쟁률", "bm25")  # hits made for a smaller k first, then more of them: the same hits
    assert grown.search(k=1) == again[:1] and grown.search(k=3) == again and grown.search(k=2) == again[:2]
    assert grown.search(k=3, per_table=1) == r.search("국비 경쟁률", k=3, method="bm25", per_table=1)


def test_the_same_passages_are_ranked_once_per_question(monkeypatch):
    from qa.answer.generators import passages

    ctx = context("여수시는 어떤 서비스를 도입하나요?")
    calls = []
    real = passages.rank_passages
    monkeypatch.setattr(passages, "rank_passages", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = passages.ranked(ctx, ctx.hits[:8])
    first.append("changed by its caller")
    again = passages.ranked(ctx, ctx.hits[:8])
    assert len(calls) == 1 and again == first[:-1] and again is not first
    passages.ranked(ctx, ctx.hits[:3])
    assert len(calls) == 2


def test_whether_an_announcement_names_a_place_is_looked_up_once():
    c = corpus()
    for doc_id in c.docs:
        for form in ("여수시", "부산", "서울", "항만"):
            assert c.mentions(doc_id, form) == (form in c.compact_text(doc_id))
            assert (doc_id, form) in c._mentions  # kept for the loaded index


def test_a_word_shares_a_corpus_word_by_lookup_as_by_walking_the_vocabulary():
    c = corpus()
    words = list(c.vocab)[:40] + ["여수시청사", "항만정책", "없는말말", "스마트항만공모", "수중", "x", "부산강서"]
    for word in words + [w[1:] + "말" for w in words if len(w) > 2]:
        assert c.shares_a_word(word) == any(len(v) >= 2 and (v in word or word in v) for v in c.vocab), word
