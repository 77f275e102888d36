"""Each feature alone, on candidates of the kit corpus (no embedding model): what it measures, on one candidate
that has the property and one that does not."""

from __future__ import annotations

import pytest
from answer_kit import context, kit_vector, store_sentence_vectors

from qa.answer import features as F
from qa.answer.candidate import Candidate, none_candidate
from qa.answer.features import FEATURES, featurize
from qa.answer.features_about import name_share, ordinals
from qa.answer.form import answer_form, coverage_by_generator
from qa.answer.generators import GENERATORS, generate


def cands(question: str, history=None):
    ctx = context(question, history)
    found = generate(ctx)
    featurize(found, ctx, generators=tuple(GENERATORS))
    return ctx, found


def first(found, generator: str, rule: str | None = None) -> Candidate:
    return next(c for c in found if c.generator == generator and (rule is None or c.rule == rule))


def passage(ctx, words: str) -> Candidate:
    """A passage candidate over the kit chunk holding ``words``."""
    chunk = next(c for c in ctx.corpus.index.chunks if words in c.text)
    return Candidate(generator="passage", rule="passage", text=chunk.text, kind="passage", unit_chunk=chunk,
                     unit_span=(0, len(chunk.text)), evidence={"coverage": 0.2, "fits": 0.0})


def test_every_feature_is_registered_and_gives_a_number():
    ctx, found = cands("여수시 국비는?")
    names = set(FEATURES) | {f"gen:{g}" for g in GENERATORS} | {"precedence"}
    assert all(set(c.features) == names | set(answer_form(c, ctx)) for c in found)
    assert all(isinstance(v, float) for c in found for v in c.features.values())
    assert sum(c.features["precedence"] for c in found) == 1.0  # the ladder picks exactly one


def test_coverage_and_what_is_missing():
    ctx, found = cands("여수시 드론 택배 계획은?")
    right, wrong = passage(ctx, "드론 택배"), passage(ctx, "수산물 경매장")
    assert F.coverage(right, ctx, found) > F.coverage(wrong, ctx, found)
    assert F.missing_weight(right, ctx, found) < F.missing_weight(wrong, ctx, found)
    assert F.missing_top(right, ctx, found) <= F.missing_top(wrong, ctx, found)
    assert F.coverage(none_candidate("x"), ctx, found) == 0.0


def test_label_coverage_reads_what_names_the_value():
    ctx, found = cands("여수시 국비는?")
    assert F.label_coverage(first(found, "facts"), ctx, found) > 0.5


def test_generator_evidence_features():
    ctx, found = cands("강소형 경쟁률은?")
    top = first(found, "quoted")
    assert F.gen_coverage(top, ctx, found) == top.evidence["coverage"]
    assert -1.0 <= F.gen_score(top, ctx, found) <= 2.0
    assert F.margin(top, ctx, found) >= 0.0
    assert F.first_of_generator(top, ctx, found) == 1.0
    assert F.best_rival_coverage(first(found, "not_found"), ctx, found) > 0.0


def test_states_asked_and_kind_first():
    ctx, found = cands("강소형 경쟁률은 얼마야?")
    assert F.states_asked(first(found, "quoted"), ctx, found) == 1.0
    assert F.states_asked(passage(ctx, "드론 택배"), ctx, found) == -1.0
    assert F.kind_first(first(found, "quoted"), ctx, found) == 1.0
    assert F.value_asked_none(first(found, "not_found"), ctx, found) == 0.0


def test_states_first_asked_wants_the_class_and_counter_asked():
    ctx, found = cands("강소형 경쟁률은 얼마야?")
    assert F.states_first_asked(first(found, "quoted"), ctx, found) == 1.0
    assert F.states_first_asked(passage(ctx, "드론 택배"), ctx, found) == -1.0
    assert F.states_first_asked(first(found, "not_found"), ctx, found) == 0.0
    ctx, found = cands("강소형에 신청한 지자체는 몇 곳이야?")
    stating = Candidate(generator="passage", rule="passage", text="12개 지자체가 신청해", kind="passage")
    other = Candidate(generator="passage", rule="passage", text="국비 80억원을 3년간 지원", kind="passage")
    assert F.states_first_asked(stating, ctx, found) == 1.0  # 곳 is asked, 개 answers it
    assert F.states_asked(other, ctx, found) == 1.0 and F.states_first_asked(other, ctx, found) == -1.0


def test_states_first_asked_wants_every_class_a_joined_question_asks():
    """"몇 건이고 비율은?" asks a count and a share: 377건(87%) states both, a list of shares one of the two."""
    from qa.asked import joined_kinds

    assert joined_kinds("걸어가다 당한 사고는 몇 건이고 비율은 얼마나 돼?") == ("count", "percent")
    assert joined_kinds("신청은 언제까지고 몇 명 뽑아?") == ("date", "count")
    assert joined_kinds("국비랑 지방비 합치면 얼마야?") == ()  # two operands, one class asked
    ctx, found = cands("여수시 신청은 몇 곳이고 비율은 얼마야?")
    both = Candidate(generator="quoted", rule="typed:count", text="보행 중 사고가 377건(87%)", kind="fact")
    one = Candidate(generator="facts", rule="lookup", text="• 사고 비율: 87%\n• 교통사고 비율: 55%", kind="fact")
    neither = Candidate(generator="passage", rule="passage", text="신청을 받는다", kind="passage")
    assert [F.states_first_asked(c, ctx, found) for c in (both, one, neither)] == [1.0, 0.0, -1.0]


def test_operation_features():
    ctx, found = cands("거점형과 강소형 신청 지자체 합치면 몇 곳?")
    total = first(found, "arithmetic")
    assert F.computed(total, ctx, found) == F.computed_for_operation(total, ctx, found) == 1.0
    assert F.plain_for_operation(first(found, "quoted"), ctx, found) == 1.0
    plain_ctx, plain = cands("강소형 경쟁률은?")
    assert F.plain_for_operation(first(plain, "quoted"), plain_ctx, plain) == 0.0


def test_announcement_features():
    ctx, found = cands("부산항 물동량 몇 % 줄었어?")
    stats = first(found, "quoted")
    assert F.doc_named(stats, ctx, found) == 1.0 and F.doc_retrieved(stats, ctx, found) == 1.0
    assert F.doc_first(stats, ctx, found) == 1.0 and F.several_docs(stats, ctx, found) == 0.0
    other = passage(ctx, "드론 택배")
    assert F.doc_named(other, ctx, found) == -1.0


def test_publisher_named_reads_the_publisher_in_full_or_abbreviated():
    ctx, found = cands("미래통계청 물동량 몇 % 줄었어?")
    stats, other = first(found, "quoted"), passage(ctx, "드론 택배")
    assert ctx.publishers_named == {"미래통계청"}
    assert F.publisher_named(stats, ctx, found) == 1.0 and F.publisher_named(other, ctx, found) == -1.0
    short, short_found = cands("미통청이 낸 물동량 몇 % 줄었어?")  # 미래통계청 abbreviated, first and last syllable kept
    assert short.publishers_named == {"미래통계청"}
    plain, plain_found = cands("부산항 물동량 몇 % 줄었어?")
    assert F.publisher_named(first(plain_found, "quoted"), plain, plain_found) == 0.0


def test_place_missing_and_year_agreement():
    ctx, found = cands("통영시 물동량은 몇 % 늘었어?")
    stats = passage(ctx, "부산항 물동량")
    assert F.place_missing(stats, ctx, found) == 1.0  # the statistics release never names 통영
    ctx2, found2 = cands("2024년 물동량 몇 % 늘었어?")
    assert F.year_agreement(passage(ctx2, "전국 항만 물동량"), ctx2, found2) == 1.0
    assert F.year_agreement(passage(ctx2, "드론 택배"), ctx2, found2) == -1.0


def test_missing_from_doc_counts_the_words_the_whole_announcement_lacks():
    ctx, found = cands("2분기 수출 물동량은 부산항이 얼마야?")
    busan = passage(ctx, "부산항 물동량")  # the sentence lacks 수출, the announcement has it
    assert F.missing_weight(busan, ctx, found) > 0 and F.missing_from_doc(busan, ctx, found) == 0.0
    ctx2, found2 = cands("통영항 물동량은 얼마야?")
    assert F.missing_from_doc(passage(ctx2, "부산항 물동량"), ctx2, found2) > 0  # no passage names 통영항
    assert F.missing_from_doc(none_candidate("x"), ctx2, found2) == 0.0


def test_period_conflict_needs_a_month_asked():
    ctx, found = cands("2030년 3월 공모 신청은 몇 곳?")
    assert F.period_conflict(passage(ctx, "드론 택배"), ctx, found) == 0.0  # no month stated: no conflict
    ctx2, found2 = cands("강소형 경쟁률은?")
    assert F.period_conflict(first(found2, "quoted"), ctx2, found2) == 0.0  # no month asked


def test_ordinals_name_members_of_a_series():
    assert ordinals("2차 특별할인 물량") == {"차": {2}} and ordinals("제1차 시험") == {"차": {1}}
    assert ordinals("4~6구간에서") == {"구간": {4, 5, 6}} and ordinals("2020년 2/4분기") == {"분기": {2}}
    assert ordinals("하반기 청년인턴") == {"반기": {2}}
    assert ordinals("2차전지 수출") == {}  # a counter glued to a longer word numbers no series


def test_ordinal_agreement_sets_the_member_asked_against_the_one_stated():
    ctx, found = cands("2차 공모 신청은 몇 곳?")
    second = Candidate("quoted", "typed:count", "2차 공모에는 12곳이 신청", "fact", value_kind="count")
    first_round = Candidate("quoted", "typed:count", "1차 공모에는 9곳이 신청", "fact", value_kind="count")
    unsaid = Candidate("quoted", "typed:count", "모두 12곳이 신청", "fact", value_kind="count")
    assert F.ordinal_agreement(second, ctx, found) == 1.0
    assert F.ordinal_agreement(first_round, ctx, found) == -1.0  # another round's figure
    assert F.ordinal_agreement(unsaid, ctx, found) == 0.0  # the round not stated: no evidence either way
    ctx2, found2 = cands("여수시 국비는?")
    assert F.ordinal_agreement(first_round, ctx2, found2) == 0.0  # no member of a series asked


def test_gives_other_value_of_the_category_the_question_names():
    ctx = context("강소형으로 선정된 곳은?")
    ctx.q.values = ["강소형"]  # as the linker reads a fact's value the question names (지역소멸 대응형)
    facts = [f for f in ctx.corpus.table.source.every() if f.attribute == "유형"]
    other = Candidate("facts", "lookup", "강서구 유형: 거점형", "fact", facts=[f for f in facts if f.text == "거점형"])
    named = Candidate("facts", "lookup", "여수시, 통영시", "fact", facts=[f for f in facts if f.text == "강소형"])
    assert F.gives_other_value(other, ctx, [other, named]) == 1.0
    assert F.gives_other_value(named, ctx, [other, named]) == 0.0
    ctx2, found2 = cands("국비 90억원 받는 곳은?")  # a figure named: the answer listing 200억원 too gives others
    listing = next(c for c in found2 if c.generator == "facts" and any("200" in f.text for f in c.facts))
    assert F.gives_other_value(listing, ctx2, found2) == 1.0
    ninety = [f for f in listing.facts if "90" in f.text and "200" not in f.text]
    only = Candidate("facts", "lookup", "여수시, 통영시", "fact", facts=ninety)
    assert ninety and F.gives_other_value(only, ctx2, found2) == 0.0


def test_names_target():
    ctx, found = cands("여수시 국비는?")
    assert F.names_target(first(found, "facts"), ctx, found) == 1.0
    assert F.names_target(passage(ctx, "수산물 경매장"), ctx, found) == -1.0


def test_kind_other_flags_a_value_of_a_class_not_asked():
    ctx, found = cands("여수시 국비는 얼마야?")
    money = Candidate("quoted", "typed:money", "90억원", "fact", value_kind="money")
    count = Candidate("quoted", "typed:count", "12개", "fact", value_kind="count")
    assert F.kind_other(count, ctx, found) == 1.0 and F.kind_other(money, ctx, found) == 0.0
    assert F.kind_other(passage(ctx, "드론 택배"), ctx, found) == 0.0  # states no value: not this feature's call


def test_place_elsewhere_flags_an_answer_about_another_place():
    ctx, found = cands("통영 국비는 얼마야?")
    other = next(c for c in found if c.generator == "quoted" and "강서구" in c.text)
    assert F.place_elsewhere(other, ctx, found) == 1.0  # 부산 강서구's 200억원 for 통영
    assert F.place_elsewhere(first(found, "facts"), ctx, found) == 0.0  # 통영시 국비: 90억원
    assert F.place_elsewhere(passage(ctx, "전국 항만 물동량"), ctx, found) == 0.0  # names no place: no conflict
    ctx2, found2 = cands("강소형 경쟁률은?")
    assert all(F.place_elsewhere(c, ctx2, found2) == 0.0 for c in found2)  # no place asked


def test_name_for_which_prefers_a_name_when_the_question_asks_which_one():
    ctx, found = cands("드론 택배는 어디 계획이야?")
    assert ctx.asks_name
    named, sentence = first(found, "attribution"), passage(ctx, "드론 택배")
    assert F.name_for_which(named, ctx, found) == 1.0 > F.name_for_which(sentence, ctx, found) > 0.0
    assert F.name_for_which(first(found, "not_found"), ctx, found) == 0.0
    ctx2, found2 = cands("여수시 국비는?")
    assert not ctx2.asks_name and all(F.name_for_which(c, ctx2, found2) == 0.0 for c in found2)
    assert not cands("공모는 어디서 신청해?")[0].asks_name  # where it happens, not who


def test_name_share_counts_each_character_once():
    assert name_share("안산시김천시", {"안산시", "안산", "김천시"}) == 1.0
    assert name_share("여수시는드론", {"여수시", "여수"}) == 0.5
    assert name_share("", {"여수"}) == 0.0


def test_dense_similarity_and_how_close_the_closest_passage_is():
    ctx, found = cands("여수시 드론 택배 계획은?")
    right, wrong = passage(ctx, "드론 택배"), passage(ctx, "수산물 경매장")
    assert F.dense_similarity(wrong, ctx, found) < F.dense_similarity(right, ctx, found) <= 0.0
    closest = max(ctx.hits[: ctx.k], key=lambda h: ctx.similarity({h.chunk.chunk_id}))
    assert F.dense_similarity(passage(ctx, closest.chunk.text), ctx, found) == 0.0
    farthest = min(ctx.hits[: ctx.k], key=lambda h: ctx.similarity({h.chunk.chunk_id}))
    assert F.dense_similarity(passage(ctx, farthest.chunk.text), ctx, found) == -1.0  # in the spread of its passages
    nf = first(found, "not_found")
    assert F.dense_similarity(nf, ctx, found) == 0.0 and 0.0 < F.none_closest(nf, ctx, found) <= 1.0
    assert F.none_closest(right, ctx, found) == 0.0
    ctx.handle.embeddings = 0  # a BM25-only search: no vector, no feature (never another embedding)
    ctx.memo.clear()
    ctx.__dict__.pop("closest", None)
    assert F.dense_similarity(wrong, ctx, found) == 0.0 and F.none_closest(nf, ctx, found) == 0.0


def test_passage_similarity_reads_the_stored_vectors_in_row_order(monkeypatch):
    """A set of passages iterates in an order that changes with the process's string hashing, and a matrix product
    over the same rows in another order can differ in the last float bits: the rows go in sorted, so a question's
    features are the same in every process (the fit reproduces the shipped weights from a fresh clone)."""
    ctx, _ = cands("여수시 드론 택배 계획은?")
    read = []
    similarity = ctx.corpus.similarity
    monkeypatch.setattr(ctx.corpus, "similarity", lambda vector, rows: read.append(rows) or similarity(vector, rows))
    ids = {h.chunk.chunk_id for h in ctx.hits[:5]}
    ctx.memo.clear()
    value = ctx.similarity(ids)
    assert len(read[0]) == len(ids) > 1 and read[0] == sorted(read[0])
    assert value == max(ctx.similarity({i}) for i in ids)


def test_sentence_similarity_reads_each_sentences_stored_vector(monkeypatch):
    """A passage chunk's sentences against the question: the stored sentence vectors of a chunk of several (one
    inner product each, in sentence order), the chunk's own for a chunk of one; None for an index stored before
    sentence vectors and for a question that was not embedded."""

    from qa.sentences import unit_texts

    store_sentence_vectors(monkeypatch)
    ctx, _ = cands("여수시 드론 택배 계획은?")
    chunks = ctx.corpus.index.chunks
    several = next(c for c in chunks if len(unit_texts(c)) == 2)
    one = next(c for c in chunks if c.kind == "point" and not unit_texts(c))
    q = ctx.query_vector
    want = [float(kit_vector(t) @ q) for t in unit_texts(several)]
    assert ctx.sentence_similarities(several) == pytest.approx(want) and want[0] != want[1]
    assert ctx.sentence_similarities(one) == pytest.approx([ctx.similarity({one.chunk_id})])
    monkeypatch.setattr(ctx.corpus.index, "unit_rows", None)
    assert ctx.corpus.sentence_similarities(q, several) is None
    monkeypatch.setattr(ctx.handle, "embeddings", 0)
    ctx.memo.clear()
    assert ctx.sentence_similarities(several) is None


def test_topic_labelled_prefers_the_value_named_by_the_questions_topic():
    """"항만 물동량 중에 수입 물동량은 얼마야?": the topic (수입) names one value of a sentence listing two."""
    ctx, found = cands("항만 물동량 중에 수입 물동량은 얼마야?")
    assert ctx.topic_words == ["수입"]  # 물동량: the announcement's title
    scored = {c.text: F.topic_labelled(c, ctx, found) for c in found if c.generator == "quoted"}
    assert any("1억 5천만톤" in t and v == 1.0 for t, v in scored.items()), scored
    assert any("1억 2천만톤" in t and v == -1.0 for t, v in scored.items()), scored
    assert F.topic_labelled(first(found, "not_found"), ctx, found) == 0.0
    ctx2, found2 = cands("항만 물동량 얼마야?")
    assert ctx2.topic_words == [] and {F.topic_labelled(c, ctx2, found2) for c in found2} == {0.0}


def test_quoted_value_flags_are_read_from_the_evidence():
    c = Candidate("quoted", "typed:money", "x", "fact", evidence={"misses_target": 1.0, "other_source": 1.0,
                                                                 "names_sibling": 1.0})
    ctx, found = cands("강소형 경쟁률은?")
    assert F.misses_target(c, ctx, found) == F.other_source(c, ctx, found) == F.names_sibling(c, ctx, found) == 1.0


def test_unnamed_list_and_facts_precedences():
    ctx, found = cands("국비는 얼마야?")
    listed = first(found, "facts")
    assert F.unnamed_list(listed, ctx, found) == 1.0
    assert F.facts_no_residual(listed, ctx, found) == 1.0
    assert F.facts_foreign(listed, ctx, found) == 0.0


def test_passage_features():
    ctx, found = cands("여수시 국비는 얼마야?")
    bare = passage(ctx, "드론 택배")
    assert F.fits_number(bare, ctx, found) == -1.0 and F.below_threshold(bare, ctx, found) == 1.0
    assert F.long_answer(bare, ctx, found) > 0.0
    assert F.english_passage(bare, ctx, found) == 0.0
    assert F.residual_said(bare, ctx, found) == 0.0


def test_headline_marks_a_caption_line():
    from dataclasses import replace

    ctx, found = cands("2030 스마트 항만 공모 선정 결과는?")
    plain = passage(ctx, "드론 택배")
    line = "< 2030 스마트 항만 공모 선정 결과 >"
    caption = Candidate("passage", "passage", line, "passage", unit_chunk=replace(plain.unit_chunk, text=line),
                        unit_span=(0, len(line)))
    assert F.headline(caption, ctx, found) == 1.0
    assert F.headline(passage(ctx, "드론 택배"), ctx, found) == 0.0


def test_superlative_stated_wants_the_sentence_saying_which_is_the_most():
    from dataclasses import replace

    def unit(ctx, line: str) -> Candidate:
        plain = passage(ctx, "드론 택배")
        return Candidate("passage", "passage", line, "passage", unit_chunk=replace(plain.unit_chunk, text=line),
                         unit_span=(0, len(line)))

    most, other = "드론 택배는 오후 2시에서 6시 사이에 가장 많이 운항한다.", "드론 택배 점검은 오후 2시에서 6시 사이에 한다."
    ctx, found = cands("드론 택배가 제일 많이 다니는 시간대는 언제야?")
    assert F.superlative_stated(unit(ctx, most), ctx, found) == 1.0
    assert F.superlative_stated(unit(ctx, other), ctx, found) == 0.0
    ctx, found = cands("드론 택배는 언제 다녀?")  # no superlative asked
    assert F.superlative_stated(unit(ctx, most), ctx, found) == 0.0


def test_over_facts_compares_a_quoted_value_with_the_facts():
    ctx, found = cands("강소형 경쟁률은?")
    assert F.over_facts(first(found, "quoted"), ctx, found) <= 0.5
    assert F.over_facts(first(found, "facts"), ctx, found) == 0.0


def test_rows_features():
    c = Candidate("rows", "rows", "x", "fact", evidence={"covers": 0.8, "narrowed": 1.0, "column": 1.0})
    ctx, found = cands("강소형 경쟁률은?")
    assert F.rows_cover(c, ctx, found) == 0.8 and F.rows_narrowed(c, ctx, found) == 1.0
    assert F.rows_column(c, ctx, found) == 1.0


def test_operands_aligned_reads_the_arithmetic_pairs_evidence():
    ctx, found = cands("강소형 경쟁률은?")
    pair = Candidate("arithmetic", "typed:sum", "합계: 2,538곳", "fact", evidence={"computed": 1.0, "aligned": 1.0})
    assert F.operands_aligned(pair, ctx, found) == 1.0
    assert F.operands_aligned(first(found, "quoted"), ctx, found) == 0.0


def test_which_one_features():
    ctx, found = cands("국비 90억원 받는 곳은?")
    table = first(found, "inverse", "inverse:table")
    assert FEATURES["inverse_from_table"](table, ctx, found) == 1.0 and F.owners_named(table, ctx, found) == 2.0
    assert FEATURES["inverse_from_facts"](first(found, "inverse", "inverse:facts"), ctx, found) == 1.0
    ctx2, found2 = cands("담당 부서 어디야?")
    assert FEATURES["metadata_asked"](first(found2, "metadata"), ctx2, found2) == 1.0


def test_a_listed_item_is_no_owner_named():
    ctx, found = cands("선정된 곳 어디어디야?")
    listed = first(found, "listing")
    assert F.items_listed(listed, ctx, found) >= 2 and F.owners_named(listed, ctx, found) == 0.0


def test_not_found_reasons_only_on_not_found():
    ctx, found = cands("제주시 국비는?")
    none = first(found, "not_found")
    assert F.FEATURES["nf_unknown_name"](none, ctx, found) == 1.0
    assert F.FEATURES["nf_unknown_name"](first(found, "facts"), ctx, found) == 0.0
    for name in ("nf_unlinked_english", "nf_year_not_in_corpus", "nf_variant_not_stated"):
        assert F.FEATURES[name](none, ctx, found) == 0.0
    ctx2, found2 = cands("강소형 경쟁률은?")
    assert all(F.FEATURES[n](first(found2, "not_found"), ctx2, found2) == 0.0 for n in F.FEATURES if n.startswith("nf_"))


def test_answer_form_crosses_the_question_form_with_the_generator():
    ctx, found = cands("강소형 경쟁률은?")
    quoted = first(found, "quoted")
    assert answer_form(quoted, ctx) == {f"form:{ctx.q.intent}|quoted": 1.0, "asks:ratio|quoted": 1.0,
                                        "cover:quoted": quoted.features["coverage"]}
    ctx2, found2 = cands("김해는 무슨 사업을 해?")  # asks no value
    passage = first(found2, "passage")
    assert answer_form(passage, ctx2) == {f"form:{ctx2.q.intent}|passage": 1.0, "asks:none|passage": 1.0,
                                          **coverage_by_generator(passage)}
    ctx4, found4 = cands("드론 택배 하는 도시는 어디야?")  # asks which place: a name, not a value
    assert "asks:name|passage" in answer_form(first(found4, "passage"), ctx4)
    ctx3, found3 = cands("How much national funding does Jeonju get?")  # English: a form of its own
    assert f"form:{ctx3.q.intent}_en|{found3[0].generator}" in answer_form(found3[0], ctx3)
    featurize(found, ctx, generators=tuple(GENERATORS))
    assert quoted.features["asks:ratio|quoted"] == 1.0 and "asks:ratio|passage" not in quoted.features
    featurize(found, ctx, generators=tuple(GENERATORS), skip=("answer_form",))
    assert not any(k.startswith(("form:", "asks:", "cover:")) for k in quoted.features)


def test_coverage_by_generator_names_the_coverage_under_the_generator():
    c = Candidate("passage", "passage", "x", "passage")
    c.features = {"coverage": 0.75}
    assert coverage_by_generator(c) == {"cover:passage": 0.75}
    c.features = {"coverage": 0.0}  # "not found", or a candidate that covers nothing: no indicator
    assert coverage_by_generator(c) == {}
