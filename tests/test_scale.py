"""Question work independent of corpus size, and bounded answers, on a synthetic facts table of 20,000 facts
over 1,000 announcements (hand-made objects, no models; milliseconds).

"Touched" is measured, not timed: the facts whose fields a rule reads are recorded, so a rule that scans the
whole table fails here however fast the machine is.
"""

from __future__ import annotations

import pytest

from qa.answer import Answer, FactTable, compose
from qa.facts import Fact
from qa.ingest import Document
from qa.lexicon import WHOLE, Attr
from qa.question import Question, Vocabulary, compact, steps

N_DOCS = 1000
CITIES = [f"도시{i:02d}시" for i in range(8)]  # each announcement selects the same eight cities
TOUCHED: set[int] = set()


class Watched(Fact):
    """A fact that records when a rule reads one of its fields."""

    def __getattribute__(self, name: str):
        if name in ("subject", "attribute", "doc_id", "value", "unit", "qualifiers", "text", "line"):
            TOUCHED.add(object.__getattribute__(self, "fact_id"))
        return object.__getattribute__(self, name)


def _doc(n: int) -> Document:
    return Document(doc_id=f"d{n:04d}", title=f"스마트도시 공모 {n}차 결과", publisher=None,
                    published=f"20{10 + n % 15}-03-05", source=None, path="", lines=("x",))


def _facts() -> list[Fact]:
    out: list[Fact] = []
    for n in range(N_DOCS):
        d = f"d{n:04d}"

        def f(subject, attribute, value, unit, text, line, _d=d, _out=out, **q):
            return Watched(f"{_d}:{len(_out)}", _d, subject, attribute, value, unit, text, text, f"{_d}#0", line,
                           (0, len(text)), q)

        for i, city in enumerate(CITIES):
            cat = "거점형" if i < 2 else "강소형"
            out.append(f(city, "사업유형", None, "", cat, i + 1, category=cat, entity=True))
            out.append(f(city, "국비", 10.0 * (i + 1) + n, "억원", f"{10 * (i + 1) + n}억원", 20 + i, category=cat))
        out += [f("강소형", "경쟁률", 5.0, ":1", "5:1", 40), f(WHOLE, "신청 수", 25, "곳", "25곳", 41),
                f(WHOLE, "도시경제과장", None, "", "홍길동", 42, person=True),
                f(WHOLE, "사업기간", None, "", "3년", 43)]
    return out


@pytest.fixture(scope="module")
def table() -> FactTable:
    facts = _facts()
    assert len(facts) == 20 * N_DOCS
    return FactTable(facts, [_doc(n) for n in range(N_DOCS)], set(CITIES))


def q(text: str, **fields) -> Question:
    question = Question(text=text, compact=compact(text), tokens=text.split())
    for k, v in fields.items():
        setattr(question, k, v)
    return question


def touched(run) -> tuple[object, int]:
    TOUCHED.clear()
    out = run()
    return out, len(TOUCHED)


def test_lookup_in_one_announcement_touches_only_its_candidates(table):
    question = q("전주 국비", entities=["도시03시"], families=[Attr.NATIONAL], doc_ids={"d0500"})
    draft, n = touched(lambda: compose(question, table))
    assert draft.rule == "lookup" and draft.text == "도시03시 국비: 540억원"
    assert n <= 20  # the announcement's facts at most, not the 20,000 of the table


def test_lookup_over_the_corpus_touches_only_the_asked_attribute(table):
    question = q("도시03시 경쟁률", entities=["도시03시"], families=[Attr.COMPETITION])
    draft, n = touched(lambda: compose(question, table))
    assert draft is not None and "경쟁률" in draft.text
    # the 경쟁률 facts and the facts about 도시03시 (for the category it inherits from): 3 per announcement
    assert n <= 3 * N_DOCS < table.source.count() // 5


def test_listing_by_category_reads_only_that_category(table):
    question = q("거점형 선정 도시는?", intent="list", categories=["거점형"])
    draft, n = touched(lambda: compose(question, table))
    assert draft.rule == "listing"
    assert n <= 4 * N_DOCS  # the 거점형 rows (two cities) and their shown facts, not the 강소형 ones


def test_list_over_many_announcements_is_bounded_and_pages(table):
    draft = compose(q("선정된 도시는?", intent="list"), table)
    assert len(draft.text) <= table.max_chars
    assert f"(총 {N_DOCS}건)" in draft.text and f"외 {N_DOCS - draft.shown}건" in draft.text
    assert 1 <= draft.shown <= table.list_items and len(draft.items) == N_DOCS
    shown_docs = {f.doc_id for f in draft.facts}
    assert len(shown_docs) == draft.shown  # facts (and so sources) only of the announcements shown
    a = Answer(question="선정된 도시는?", answer=draft.text, kind="fact", facts=tuple(draft.facts),
               items=tuple(draft.items), shown=draft.shown)
    first = a.to_dict()["page"]
    assert first["items"] == draft.items[: draft.shown] and first["next_offset"] == draft.shown
    last = a.to_dict(offset=N_DOCS - 3, limit=10)["page"]
    assert len(last["items"]) == 3 and last["next_offset"] is None and last["total"] == N_DOCS


def test_extreme_and_lookup_over_many_announcements_are_bounded(table):
    for question in (q("경쟁률이 가장 높은 곳", intent="max", families=[Attr.NATIONAL]),
                     q("사업기간은?", families=[Attr.PERIOD])):
        draft = compose(question, table)
        assert len(draft.text) <= table.max_chars and "외 " in draft.text, question.text
        assert len(draft.items) == N_DOCS


def test_one_long_list_shows_the_first_items_with_the_total():
    doc = _doc(0)
    names = [f"마을{i:03d}" for i in range(300)]
    facts = [Fact(f"d0000:{i}", "d0000", e, "사업유형", None, "", "강소형", "강소형", "d0000#0", i + 1, (0, 3),
                  {"category": "강소형", "entity": True}) for i, e in enumerate(names)]
    t = FactTable(facts, [doc], set(names), list_items=20)
    draft = compose(q("선정된 마을은?", intent="list"), t)
    assert draft.text.startswith(", ".join(names[:20])) and draft.text.endswith("외 280건 (총 300건)")
    assert draft.items == names and draft.shown == 20 and len(draft.facts) == 20
    draft = compose(q("선정된 마을은 몇 곳?", intent="count"), t)
    assert draft.text.startswith("300곳 (") and "외 280건 (총 300건)" in draft.text and len(draft.text) < 400


def test_short_lists_are_unchanged(table):
    draft = compose(q("선정된 도시는?", intent="list", doc_ids={"d0001"}), table)
    assert draft.text == f"거점형: {', '.join(CITIES[:2])} / 강소형: {', '.join(CITIES[2:])}"
    assert not draft.items and draft.shown == 0 and len(draft.facts) == len(CITIES)


def test_title_linking_scores_only_documents_sharing_a_word():
    docs = [_doc(n) for n in range(N_DOCS)]
    calls: list[str] = []

    def docs_with_term(t: str) -> set[str]:
        calls.append(t)
        return {d.doc_id for d in docs if t in d.title.split()}

    v = Vocabulary(documents=docs, vocab=set(), docs_with_term=docs_with_term)
    v.title_tokens.update({d.doc_id: set(d.title.split()) for d in docs})
    question = q("스마트도시 공모 7차 결과는?", tokens=["스마트도시", "공모", "7차", "결과"])
    steps.read_titles(question, v)
    assert question.doc_ids == {"d0007"}
    assert sorted(calls) == ["7차", "결과", "공모", "스마트도시"]  # once per question word, not per document
    calls.clear()
    steps.read_titles(q("공모 12차", tokens=["공모", "12차"]), v)
    assert calls == ["12차"]  # document frequencies are kept between questions


def test_typo_lookup_by_key_equals_walking_the_vocabulary():
    import random

    from qa.text import one_typo

    rng = random.Random(0)
    syllables = "가나다라마바사아자차카타파하강경공국전주시군구"
    vocab = {"".join(rng.choice(syllables) for _ in range(rng.randint(1, 6))) for _ in range(3000)}
    v = Vocabulary(documents=[], vocab=vocab, docs_with_term=lambda t: set())
    for _ in range(300):
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(3, 5)))
        n = len(word)
        walked = any(one_typo(word, w[i:i + n]) for w in vocab if len(w) >= n for i in range(len(w) - n + 1))
        assert steps._near_vocab(word, v) == walked, word


def test_typo_candidates_by_key_hold_every_typo():
    import random

    from qa.question.vocabulary import _masked, _typo_candidates
    from qa.text import one_typo

    rng = random.Random(1)
    syllables = "가나다라마바사전주경제과장형시군"
    names = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))) for _ in range(2000)})
    keys, lengths = _masked(names)
    hits = 0
    for _ in range(300):
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(3, 6)))
        walked = [i for i, a in enumerate(names) if one_typo(word[: len(a)], a)]
        candidates = _typo_candidates(word, keys, lengths)
        assert candidates == sorted(candidates) and set(walked) <= set(candidates), word
        assert [i for i in candidates if one_typo(word[: len(names[i])], names[i])] == walked
        hits += bool(walked)
    assert hits > 20  # the check above was not vacuous


@pytest.mark.parametrize("fields", [
    {"intent": "list"}, {"intent": "list", "categories": ["강소형"]}, {"intent": "list", "values": ["거점형"]},
    {"families": [Attr.NATIONAL], "entities": ["도시03시"]}, {"families": [Attr.COMPETITION], "entities": ["도시05시"]},
    {"families": [Attr.NATIONAL], "categories": ["거점형"]}, {"attributes": ["신청 수"]},
])
@pytest.mark.parametrize("doc_ids", [None, {"d0003", "d0001", "d0999"}])
def test_indexed_lookups_equal_scanning_the_scope(table, fields, doc_ids):
    """Every indexed lookup returns what scanning the question's facts returns, in the same order."""
    question = q("질문", doc_ids=doc_ids, **fields)
    scope = table.scope(question)
    plain = [f for f in table.source.every() if doc_ids is None or f.doc_id in doc_ids]  # scanned by the table
    assert plain and scope
    assert table.selected_entities(scope, question) == table.selected_entities(plain, question)
    assert table.lookup_facts(question, scope) == table.lookup_facts(question, plain)
    assert table.numeric(question, scope, None) == table.numeric(question, plain, None)
    assert table.counted(scope) == table.counted(plain)
    assert table.of_family(scope, Attr.TYPE) == table.of_family(plain, Attr.TYPE)
