"""The chooser, the pipeline around it and the precedence feature, on the kit corpus (no embedding model)."""

from __future__ import annotations

import json

import pytest
from answer_kit import context

from qa.answer.candidate import Candidate, none_candidate
from qa.answer.chooser import WEIGHTS_FILE, Chooser, ChooserError
from qa.answer.features import featurize
from qa.answer.form import ANSWER_FORM_FAMILIES
from qa.answer.generators import GENERATORS, generate
from qa.answer.pipeline import run, why_none
from qa.answer.precedence import pick


def test_the_shipped_weights_load_and_name_known_features():
    chooser = Chooser.load()
    assert chooser.weights and chooser.meta["format"] == 1
    ctx = context("여수시 국비는?")
    found = generate(ctx)
    featurize(found, ctx, generators=tuple(GENERATORS))
    # every weight is of a feature the pipeline computes: a registered one, a generator's prior, the precedence, or
    # an indicator of the answer's form (form:<intent>|<generator>, asks:<class>|<generator>)
    fixed = set(found[0].features) - {n for n in found[0].features if n.split(":", 1)[0] in ANSWER_FORM_FAMILIES}
    assert {n for n in chooser.weights if n.split(":", 1)[0] not in ANSWER_FORM_FAMILIES} <= fixed
    assert any(n.startswith("form:") for n in chooser.weights) and any(n.startswith("asks:") for n in chooser.weights)


def test_weights_round_trip_atomically(tmp_path):
    path = Chooser({"coverage": 1.5, "gen:not_found": -0.25}, {"fitted_by": "test"}).save(tmp_path / "w.json")
    again = Chooser.load(path)
    assert again.weights == {"coverage": 1.5, "gen:not_found": -0.25} and again.meta["fitted_by"] == "test"
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("content", ["not json", json.dumps({"format": 99, "weights": {}}), json.dumps([1])])
def test_a_bad_weights_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "w.json"
    path.write_text(content)
    with pytest.raises(ChooserError, match="w.json"):
        Chooser.load(path)


def test_choose_is_the_highest_score_and_the_first_of_equals():
    a = Candidate("facts", "lookup", "a", "fact", features={"x": 1.0})
    b = Candidate("passage", "passage", "b", "passage", features={"x": 2.0})
    c = Candidate("quoted", "typed:money", "c", "fact", features={"x": 2.0})
    assert Chooser({"x": 1.0}).choose([a, b, c]) is b and b.score == 2.0
    assert Chooser({"x": -1.0}).choose([a, b, c]) is a


def test_the_precedence_alone_reproduces_the_earlier_ladder():
    chooser = Chooser({"precedence": 1.0})
    assert run(context("여수시 국비는?"), chooser)[0].text == "여수시 국비: 90억원"
    assert run(context("제주시 국비는?"), chooser)[0].rule == "not_found:unknown_name"
    assert "6:1" in run(context("강소형 경쟁률은?"), chooser)[0].text


def test_pick_prefers_facts_unless_the_question_asks_beyond_them():
    ctx = context("여수시 국비는?")
    found = generate(ctx)
    featurize(found, ctx, generators=tuple(GENERATORS))
    assert pick(found, ctx).generator == "facts"


def test_why_none_names_what_was_wrong_with_the_best_answer_it_beat():
    rival = Candidate("passage", "passage", "x", "passage", features={"states_asked": -1.0}, score=1.0)
    assert why_none([none_candidate("no_answer"), rival]) == "value_not_stated"
    assert why_none([none_candidate("no_answer")]) == "no_passage"


def test_a_question_is_embedded_at_most_once():
    from answer_kit import KitHandle

    ctx = context("강소형과 거점형 신청 합치면 몇 곳?")
    assert isinstance(ctx.handle, KitHandle)  # the kit searches by words; the real handle is tested in test_retrieve


def test_settle_scope_drops_a_title_scope_the_content_disagrees_with():
    ctx = context("2024년 드론 택배 도입하는 곳은?")  # the year names the statistics release, the words the other
    assert ctx.q.doc_ids == {"port_2024_volume"}
    found = ctx.handle.search(doc_ids={"port_2030_selection"})
    ctx.handle.search = lambda *a, **k: found  # what a search without the year's restriction finds first
    ctx.settle_scope()
    assert ctx.q.doc_ids is None and ctx.memo["scope_overruled"] == ["port_2024_volume"]
    kept = context("2024년 물동량은 얼마나 늘었어?")
    kept.settle_scope()
    assert kept.q.doc_ids == {"port_2024_volume"}


def test_settle_scope_reads_further_for_a_scope_only_a_year_chose():
    """A year named is a condition the question states: the year's announcement is kept when one of its passages
    is among the first five found without it (two for a scope that title words chose)."""
    ctx = context("2024년 드론 택배 도입하는 곳은?")
    other = ctx.handle.search(doc_ids={"port_2030_selection"})[:2]
    own = ctx.handle.search(doc_ids={"port_2024_volume"})[:1]
    searched = []

    def search(*a, k=5, **kw):
        searched.append(k)
        return (other + own)[:k]

    ctx.handle.search = search
    ctx.settle_scope()
    assert searched == [5] and ctx.q.doc_ids == {"port_2024_volume"}


def test_shipped_weights_file_is_in_the_package():
    assert WEIGHTS_FILE.name == "chooser.json" and WEIGHTS_FILE.parent.name == "data"
