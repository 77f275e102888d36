"""Features: small named measurements of how well one candidate answers the question.

Each feature is ``feature(c, ctx, rivals) -> float`` over the candidate, the question's :class:`Context` and
all candidates of the question (for the few that compare: the best rival's coverage). They read what the
generators recorded (``c.evidence``) and the question; none loads a model, so each has a unit test that runs
in milliseconds. :data:`FEATURES` is the registry the chooser's weights are keyed by, with one more feature
per generator (``gen:<name>``: its prior) added by :func:`featurize`.
"""

from __future__ import annotations

import re

from ..asked import joined_kinds
from ..korean import tokenize
from ..lexicon import MAX_WORDS, MIN_WORDS
from ..quantity import NUMERIC_KINDS, TEMPORAL_KINDS, parse
from ..text import compact, match_strength
from .ask import states_kind, values_stated
from .candidate import Candidate
from .context import Context
from .features_about import (
    dense_similarity,
    doc_first,
    doc_named,
    doc_retrieved,
    misses_target,
    name_for_which,
    names_sibling,
    names_target,
    none_closest,
    ordinal_agreement,
    other_source,
    period_conflict,
    place_elsewhere,
    place_missing,
    publisher_named,
    several_docs,
    unnamed_list,
    year_agreement,
)
from .form import answer_form
from .generators.arithmetic import read_operation
from .generators.inverse import figure_keys, same, stated
from .passage import slot_label
from .precedence import below_threshold, facts_foreign, facts_no_residual, pick
from .support import Feature, evidence_feature, once, support_text, support_tokens
from .typed import counter_fits


def coverage(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """IDF-weighted share of the question's content words that the candidate's support holds (title words of
    its announcement aside: they say which announcement, not which sentence). The same measure for every
    generator, so evidence of different kinds competes on equal terms."""
    if c.kind == "none":
        return 0.0
    return once(ctx, "coverage", c, lambda: _coverage(c, ctx))


def _coverage(c: Candidate, ctx: Context) -> float:
    terms = _terms_of(c, ctx)
    if not terms:
        return 0.5
    strength = _strengths(c, ctx)
    weight = ctx.corpus.finder.weight
    total = sum(weight(t) for t in terms)
    return sum(weight(t) * strength[t] for t in terms) / total


def _terms_of(c: Candidate, ctx: Context) -> list[str]:
    """The question's words a candidate's support is measured against (once per candidate: features share them)."""
    def terms() -> list[str]:
        titles = set().union(*(ctx.corpus.title_terms.get(d, set()) for d in c.doc_ids))
        return [t for t in ctx.terms if t not in titles] or list(ctx.terms)
    return once(ctx, "terms", c, terms)


def _strengths(c: Candidate, ctx: Context) -> dict[str, float]:
    """How far the candidate's support holds each of those words (:func:`match_strength`), once per candidate."""
    held, known = support_tokens(c, ctx), ctx.corpus.finder.known
    return once(ctx, "strengths", c, lambda: {t: match_strength(known(t), held, joined)
                                               for joined in ["\n".join(held)] for t in _terms_of(c, ctx)})


def missing_weight(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How much of the question the answer's support leaves unexplained: the summed IDF of the question's words it
    lacks, in units of the rarest word's IDF (capped at 3). A tempting wrong answer covers the common words and
    misses the one that matters ("장애인 구분모집" answered by the sentence on 지역구분모집)."""
    if c.kind == "none":
        return 0.0
    strength = _strengths(c, ctx)
    finder = ctx.corpus.finder
    top = finder.top_idf
    lost = sum(finder.weight(t) for t in _terms_of(c, ctx) if not strength[t])
    return min(3.0, lost / top)


def missing_top(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """The IDF of the rarest question word the answer's support lacks, relative to the corpus's rarest word."""
    if c.kind == "none":
        return 0.0
    strength = _strengths(c, ctx)
    finder = ctx.corpus.finder
    top = finder.top_idf
    return max((finder.weight(t) / top for t in _terms_of(c, ctx) if not strength[t]), default=0.0)


def missing_from_doc(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How much of the question the answer's announcement never writes: the summed IDF of the question's words
    none of its passages holds, in units of the rarest word's (capped at 3). ``missing_weight`` asks what the
    answer's own sentence lacks, which a paraphrase or a word written one passage away also makes; a word the
    whole announcement lacks ("2024년 서귀포 폭염일수" of a release on 제주 and 성산) says it is not the
    announcement's to answer."""
    if c.kind == "none" or not c.doc_ids:
        return 0.0
    finder = ctx.corpus.finder
    lost = sum(finder.weight(t) for t in _terms_of(c, ctx) if not _docs_with(t, ctx) & c.doc_ids)
    return min(3.0, lost / finder.top_idf)


def _docs_with(t: str, ctx: Context) -> set[str]:
    """The announcements holding a question word (as the corpus writes it), read once per question."""
    key = ("docs_with", t)
    if key not in ctx.memo:
        ctx.memo[key] = ctx.corpus.docs_with_term(ctx.corpus.finder.known(t))
    return ctx.memo[key]


def label_coverage(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """Share of the question's words in what names the value: a quoted value's clause head or row label, a
    fact's subject and attribute, a passage's slot label ("신청 기간: …")."""
    if c.kind == "none":
        return 0.0
    if c.facts:
        label = _facts_label(c)
    elif c.unit_chunk is not None:
        label = slot_label(c.unit_chunk.text[slice(*(c.unit_span or (0, len(c.unit_chunk.text))))])
    else:
        return 0.0
    terms = _terms_of(c, ctx)
    if not terms or not label:
        return 0.0
    held = set(tokenize(label))
    weight = ctx.corpus.finder.weight
    return sum(weight(t) * match_strength(ctx.corpus.finder.known(t), held) for t in terms) / sum(weight(t) for t in terms)


def _facts_label(c: Candidate) -> str:
    """What names an answer's facts: their subjects, attributes and clause heads (the first three)."""
    return " ".join(f"{f.subject} {f.attribute} {f.qualifiers.get('clause') or ''}" for f in c.facts[:3])


def topic_labelled(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """For a value answering a question that marks its topic ("… 중에 늘봄실무사는 몇 명이에요?"), the share of the
    topic's words in what names the value, from -1 (none) to 1 (all): of "늘봄실무사 6,238명, …, 재배치 인력
    815명" the topic's is the first, although the clause around the question's other words is the last. 0 without
    a topic, for a passage and for "not found"."""
    words = ctx.topic_words
    if not words or not c.facts or c.kind == "none":
        return 0.0
    held = set(tokenize(_facts_label(c)))
    return 2.0 * sum(match_strength(t, held) for t in words) / len(words) - 1.0


def gen_coverage(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """The generator's own coverage measure (the value finder's, the passage ranker's)."""
    return c.evidence.get("coverage", 0.0)


def gen_score(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """The generator's own score (coverage with its bonuses and penalties), clipped to [-1, 2]."""
    return max(-1.0, min(2.0, c.evidence.get("score", 0.0)))


def margin(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How far a quoted value's score stands above the next other value's (clipped to 1)."""
    return min(1.0, c.evidence.get("margin", 0.0))


def first_of_generator(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 for a generator's first candidate, 1/2 for its second …"""
    return 1.0 / (1.0 + c.evidence.get("rank", 0.0))


def best_rival_coverage(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """For "not found": the best coverage any answer reaches (high coverage argues against not found)."""
    if c.kind != "none":
        return 0.0
    return max((coverage(r, ctx, rivals) for r in rivals if r.kind != "none"), default=0.0)


# ------------------------------------------------------------------------------------------------ the value asked
def states_asked(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when a value question (얼마, 몇 명, 언제) gets an answer stating a value of the asked family, -1 when the
    answer states none; 0 for questions that ask no value and for "not found"."""
    ask = ctx.own_ask
    if ask is None or c.kind == "none" or ctx.q.english:
        return 0.0
    family = TEMPORAL_KINDS if set(ask.kinds) <= TEMPORAL_KINDS else NUMERIC_KINDS
    states = once(ctx, "states_asked", c, lambda: states_kind(c.text, tuple(family | set(ask.kinds)), ask.stated))
    return 1.0 if states else -1.0


def states_first_asked(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How far the answer states the class the question asks, in the counter it names (몇 명 → a count in 명 or 인,
    not 1만 원 nor 3개): +1 when it does, -1 when it does not. A question joining two asks ("몇 건이고 비율은?")
    wants each: +1 for both, 0 for one, -1 for neither. 0 for questions that ask no value, for "not found" and for
    arithmetic (its result is of the class asked by construction). ``states_asked`` accepts any value of the asked
    family, so a sentence of other figures stands as well as the one stating the number asked."""
    ask = ctx.own_ask
    if ask is None or not ask.kinds or c.kind == "none" or ctx.q.english or c.evidence.get("computed"):
        return 0.0
    values = values_stated(c.text, ask.stated)
    joined = joined_kinds(ctx.text)
    if joined:
        return 2.0 * sum(any(v.kind == k for v in values) for k in joined) / len(joined) - 1.0
    first, counter = ask.kinds[0], ask.counter
    return 1.0 if any(v.kind == first and counter_fits(counter, v.unit) for v in values) else -1.0


def kind_first(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the value given is of the class the question asks first (몇 명 → a count)."""
    ask = ctx.ask
    return float(bool(ask and ask.kinds and c.value_kind == ask.kinds[0]))


def kind_other(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the value given is of a class the question cannot be answered with (a head count for 월급은 얼마):
    ``kind_first`` rewards the class asked, this tells a wrong class from an answer that states no value."""
    ask = ctx.ask
    return float(bool(ask and ask.kinds and c.value_kind and c.value_kind not in ask.kinds))


def asks_operation(ctx: Context) -> bool:
    if "asks_op" not in ctx.memo:
        ask = ctx.own_ask
        ctx.memo["asks_op"] = bool(ctx.q.intent in ("sum", "diff") or (
            ask is not None and not ctx.q.english and read_operation(ctx.text, ask, ctx.corpus.operand_names) is not None))
    return ctx.memo["asks_op"]


def computed_for_operation(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when a question asking for a computation (합치면, 차이, 몇 배) gets a computed answer."""
    return float(asks_operation(ctx) and bool(c.evidence.get("computed")))


def plain_for_operation(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when a question asking for a computation gets an answer that computes nothing."""
    return float(asks_operation(ctx) and c.kind != "none" and not c.evidence.get("computed"))


def computed(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 for an answer computed from several values (a sum, a count, a difference)."""
    return float(bool(c.evidence.get("computed")))


# ------------------------------------------------------------------------------------------------ passages
def gives_other_value(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the question names a value of an attribute (지역소멸 대응형, a 세부유형; 90억원, a 국비) and the answer
    gives other values of that attribute (김해시 세부유형: 기후위기 대응형; 국비 200억원): the question states the
    value and asks whose it is, so an answer in kind with it answers something else."""
    if not c.facts:
        return 0.0
    if "named_values" not in ctx.memo:  # once per question: the values it names and the attributes they are of
        named = {compact(v) for v in ctx.q.values if not any(ch.isdigit() for ch in v)}
        figures = stated(ctx.text)
        keys = named | figure_keys(figures)
        facts = ctx.corpus.table.with_values(ctx.q.doc_ids or None, keys) if keys else []
        ctx.memo["named_values"] = (named, figures, {f.attribute for f in facts})
    named, figures, attributes = ctx.memo["named_values"]
    if not attributes:
        return 0.0

    def other(f) -> bool:
        if compact(f.text) in named:
            return False
        given = parse(f.text)
        return not (given and any(same(given[0], x) for x in figures))
    return float(any(f.attribute in attributes and other(f) for f in c.facts))


def fits_number(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """-1 for a passage that states no number where the question asks for one (or a phone, a URL)."""
    return 0.0 if c.evidence.get("fits", 1.0) else -1.0


def residual_said(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """Share of the question's words the facts do not explain (용적률, 보도시점) that the answer's support holds."""
    residual = ctx.specific_residual
    if not residual or c.kind == "none":
        return 0.0
    held = support_tokens(c, ctx)
    return sum(t in held for t in residual) / len(residual)


def headline(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """A passage that is a caption or headline line ("< … >", "- … -"): what the announcement is titled, not a
    sentence stating an answer."""
    if c.kind != "passage" or c.unit_chunk is None:
        return 0.0
    unit = c.unit_chunk.text[slice(*(c.unit_span or (0, len(c.unit_chunk.text))))].strip()
    return float(bool(_HEADLINE.fullmatch(unit)))


_HEADLINE = re.compile(r"[<〈《].*[>〉》]|-\s.*\s-")


def english_passage(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """A passage for an English question (chosen by fewer words than a value ranked by its glossary)."""
    return float(ctx.q.english and c.kind == "passage")


def long_answer(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How long the answer is, in hundreds of characters (capped at 3): a long passage is a vague answer."""
    return min(3.0, len(c.text) / 100.0)


# ------------------------------------------------------------------------------------------------ tables
rows_cover = evidence_feature("covers", "Share of the question's other words that the selected rows' table holds.")


rows_narrowed = evidence_feature("narrowed", "Rows selected by two named cell values together (no fact states that conjunction).")


operands_aligned = evidence_feature("aligned", "A computation over two cells of one table column, in different rows.")
rows_column = evidence_feature("column", "Rows (or a column) read by the header the question names.")


# ------------------------------------------------------------------------------------------------ the old precedences
def over_facts(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How much more of the question a quoted value covers than the best facts-table answer (0 without one)."""
    if c.generator not in ("quoted", "arithmetic"):
        return 0.0
    facts = [coverage(r, ctx, rivals) for r in rivals if r.generator == "facts"]
    return c.evidence.get("coverage", 0.0) - max(facts) if facts else 0.0


# ------------------------------------------------------------------------------------------------ which one
def owners_named(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How many places or bodies an inverse or attribution answer names (capped at 5)."""
    return min(5.0, c.evidence.get("owners", c.evidence.get("found", 0.0)))


def items_listed(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How many items a list read off a passage gives (capped at 5): bullets under a heading the question
    matches, counted apart from the places an inverse answer names (a list of four indicators is no list of four
    cities)."""
    return min(5.0, c.evidence.get("items", 0.0))


# ------------------------------------------------------------------------------------------------ not found
def _reason(name: str) -> Feature:
    def feature(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
        return c.evidence.get(name, 0.0) if c.kind == "none" else 0.0
    feature.__doc__ = f'"Not found" because of {name.replace("_", " ")}.'
    return feature


def value_asked_none(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """For "not found": 1 when the question asks a value and no rival states one of its family."""
    if c.kind != "none" or ctx.own_ask is None or ctx.q.english:
        return 0.0
    return float(all(states_asked(r, ctx, rivals) < 0 for r in rivals if r.kind != "none"))


def superlative_stated(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """For a question asking the most or the least ("스쿨존 사고가 제일 많이 나는 시간대는?"), 1 when the answer's
    support says which is the most or the least ("… 오후 2시에서 6시 사이에 가장 많이 발생"), 0 otherwise: a
    sentence naming the same hours for something else does not answer it."""
    if c.kind == "none" or ctx.q.intent not in ("max", "min"):
        return 0.0
    words = MAX_WORDS if ctx.q.intent == "max" else MIN_WORDS
    return 1.0 if re.search(words, compact(support_text(c, ctx))) else 0.0


FEATURES: dict[str, Feature] = {
    "coverage": coverage, "missing_weight": missing_weight, "missing_top": missing_top,
    "missing_from_doc": missing_from_doc,
    "label_coverage": label_coverage, "gen_coverage": gen_coverage, "gen_score": gen_score, "margin": margin,
    "first_of_generator": first_of_generator, "best_rival_coverage": best_rival_coverage,
    "states_asked": states_asked, "states_first_asked": states_first_asked, "kind_first": kind_first,
    "kind_other": kind_other, "computed": computed,
    "computed_for_operation": computed_for_operation, "plain_for_operation": plain_for_operation,
    "doc_named": doc_named, "publisher_named": publisher_named,
    "doc_retrieved": doc_retrieved, "doc_first": doc_first, "several_docs": several_docs,
    "place_missing": place_missing, "period_conflict": period_conflict, "year_agreement": year_agreement,
    "ordinal_agreement": ordinal_agreement,
    "names_target": names_target, "place_elsewhere": place_elsewhere, "name_for_which": name_for_which,
    "dense_similarity": dense_similarity, "none_closest": none_closest,
    "misses_target": misses_target, "other_source": other_source,
    "names_sibling": names_sibling, "unnamed_list": unnamed_list, "fits_number": fits_number,
    "gives_other_value": gives_other_value,
    "residual_said": residual_said, "headline": headline, "english_passage": english_passage, "long_answer": long_answer,
    "rows_cover": rows_cover, "rows_narrowed": rows_narrowed, "rows_column": rows_column,
    "operands_aligned": operands_aligned, "superlative_stated": superlative_stated, "topic_labelled": topic_labelled,
    "value_asked_none": value_asked_none, "owners_named": owners_named, "items_listed": items_listed,
    "facts_no_residual": facts_no_residual, "below_threshold": below_threshold, "over_facts": over_facts,
    "facts_foreign": facts_foreign,
    "inverse_from_facts": evidence_feature("from_facts", "An inverse answer read off the facts table (subjects of the value)."),
    "inverse_from_table": evidence_feature("from_table", "An inverse answer read off a table row holding the value."),
    "value_in_parentheses": evidence_feature("in_parentheses", "A quoted value inside parentheses: a figure given for "
                                      "reference (전년(2.2%)), beside the one its sentence states."),
    "metadata_asked": evidence_feature("asked", "The question asks about the announcement itself (date, department …)."),
    **{f"nf_{r}": _reason(r) for r in ("unknown_name", "unknown_noun", "unlinked_english", "year_not_in_corpus",
                                       "variant_not_stated")},
}


def featurize(candidates: list[Candidate], ctx: Context, names: dict[str, Feature] | None = None,
              generators: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> None:
    """Fill every candidate's ``features``: each registered feature, ``gen:<name>`` for its generator, the
    :func:`answer_form` indicators, and ``precedence`` (:mod:`qa.answer.precedence`) for the one the earlier
    ladder would have chosen."""
    names = FEATURES if names is None else names
    flags = [(g, f"gen:{g}") for g in generators]  # named once per question, not per candidate
    for c in candidates:
        c.features = {name: float(f(c, ctx, candidates)) for name, f in names.items()}
        for g, flag in flags:
            c.features[flag] = float(c.generator == g)
        if "answer_form" not in skip:
            c.features.update(answer_form(c, ctx))
    if "precedence" not in skip:
        # read off the features above: the candidate the earlier ladder of overrides would have answered with
        chosen = pick(candidates, ctx)
        for c in candidates:
            c.features["precedence"] = float(c is chosen)
