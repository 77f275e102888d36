"""Features: small named measurements of how well one candidate answers the question.

Each feature is ``feature(c, ctx, rivals) -> float`` over the candidate, the question's :class:`Context` and
all candidates of the question (for the few that compare: the best rival's coverage). They read what the
generators recorded (``c.evidence``) and the question; none loads a model, so each has a unit test that runs
in milliseconds. :data:`FEATURES` is the registry the chooser's weights are keyed by, with one more feature
per generator (``gen:<name>``: its prior) added by :func:`featurize`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..asked import joined_kinds
from ..korean import tokenize
from ..quantity import NUMERIC_KINDS, TEMPORAL_KINDS, parse
from ..text import compact, match_strength
from .ask import states_kind, values_stated
from .candidate import Candidate
from .context import Context
from .dates import date_agreement
from .form import answer_form
from .generators.arithmetic import read_operation
from .passage import slot_label
from .precedence import below_threshold, facts_foreign, facts_no_residual, pick
from .typed import counter_fits

Feature = Callable[[Candidate, Context, list[Candidate]], float]


def _evidence(name: str, doc: str) -> Feature:
    """A feature that reads what its generator measured (``c.evidence[name]``, 0 when it did not)."""
    def feature(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
        return c.evidence.get(name, 0.0)
    feature.__doc__ = doc
    return feature


# ------------------------------------------------------------------------------------------------ support
def support_text(c: Candidate, ctx: Context) -> str:
    """The text an answer stands on: its passage, or its facts' lines with what they are about."""
    if c.unit_chunk is not None:
        return c.unit_chunk.text[slice(*(c.unit_span or (0, len(c.unit_chunk.text))))]
    parts = []
    for f in c.facts:
        doc = ctx.corpus.docs.get(f.doc_id)
        line = doc.lines[f.line - 1] if doc and 0 < f.line <= len(doc.lines) else f.raw
        parts.append(f"{f.subject} {f.attribute} {f.qualifiers.get('clause') or ''} {line}")
    return "\n".join(parts)


def _once(ctx: Context, name: str, c: Candidate, compute: Callable[[], object]):
    """A per-candidate measurement computed once per question (features of one candidate read its rivals' too)."""
    key = (name, id(c))
    held = ctx.memo.get(key)
    if held is None or held[0] is not c:  # an id is reused once its candidate is gone: keep the candidate to tell
        held = ctx.memo[key] = (c, compute())
    return held[1]


def _support_tokens(c: Candidate, ctx: Context) -> set[str]:
    return _once(ctx, "support", c, lambda: _line_tokens(support_text(c, ctx)))


def _line_tokens(text: str) -> set[str]:
    """The words of a text, line by line (each line's tokens are remembered by :func:`~qa.korean.tokenize`)."""
    held: set[str] = set()
    for line in text.split("\n"):
        held.update(tokenize(line))
    return held


def coverage(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """IDF-weighted share of the question's content words that the candidate's support holds (title words of
    its announcement aside: they say which announcement, not which sentence). The same measure for every
    generator, so evidence of different kinds competes on equal terms."""
    if c.kind == "none":
        return 0.0
    return _once(ctx, "coverage", c, lambda: _coverage(c, ctx))


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
    return _once(ctx, "terms", c, terms)


def _strengths(c: Candidate, ctx: Context) -> dict[str, float]:
    """How far the candidate's support holds each of those words (:func:`match_strength`), once per candidate."""
    held, known = _support_tokens(c, ctx), ctx.corpus.finder.known
    return _once(ctx, "strengths", c, lambda: {t: match_strength(known(t), held, joined)
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


def label_coverage(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """Share of the question's words in what names the value: a quoted value's clause head or row label, a
    fact's subject and attribute, a passage's slot label ("신청 기간: …")."""
    if c.kind == "none":
        return 0.0
    if c.facts:
        label = " ".join(f"{f.subject} {f.attribute} {f.qualifiers.get('clause') or ''}" for f in c.facts[:3])
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
    states = _once(ctx, "states_asked", c, lambda: states_kind(c.text, tuple(family | set(ask.kinds)), ask.stated))
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


# ------------------------------------------------------------------------------------------------ the announcement
def doc_named(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when the question names its announcement (title, year) and the answer is from it, -1 from another."""
    named = ctx.q.doc_ids
    if not named or not c.doc_ids:
        return 0.0
    return 1.0 if c.doc_ids <= named else -1.0


def doc_retrieved(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the answer's announcement is among those of the question's first three passages."""
    return float(bool(c.doc_ids & ctx.retrieved_docs))


def doc_first(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the answer is from the announcement of the question's first passage."""
    return float(bool(ctx.hits) and ctx.hits[0].chunk.doc_id in c.doc_ids)


def several_docs(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the answer spans several announcements (one labelled part each)."""
    return float(len(c.doc_ids) > 1)


def place_missing(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the question names a place the answer's announcements never mention ("서울의 실업률" answered
    from a national release, "경남은 몇 곳" from a release about 전남)."""
    if c.kind == "none" or ctx.q.english or not c.doc_ids:
        return 0.0
    for forms in ctx.places_named:
        if forms and not any(ctx.corpus.mentions(d, f) for d in c.doc_ids for f in forms):
            return 1.0
    return 0.0


def period_conflict(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when a question about a month ("2024년 1월 취업자 수는?") gets an answer from passages that speak only of
    other months."""
    ask = ctx.own_ask
    if c.kind == "none" or ctx.q.english or ask is None:
        return 0.0
    months = [d for d in ask.dates if re.fullmatch(r"\d{4}-\d{2}", d)]
    if not months:
        return 0.0
    stated = ctx.corpus.periods(c.chunk_ids)
    return float(bool(stated) and date_agreement(months, stated) < 0)


def year_agreement(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when a question naming a year gets an answer of an announcement of that year or stating it, -1 when
    neither; 0 when no year is named."""
    years = ctx.q.years
    if not years or c.kind == "none" or not c.doc_ids:
        return 0.0
    if any(ctx.corpus.docs[d].years & set(years) for d in c.doc_ids):
        return 1.0
    said = {x.date[:4] for x in parse(support_text(c, ctx)) if x.kind == "date" and x.date and x.date[:4].isdigit()}
    return 1.0 if said & {str(y) for y in years} else -1.0


# ------------------------------------------------------------------------------------------------ who it is about
def names_target(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """+1 when the question names an entity or category and the answer's support names it, -1 when it does not."""
    q = ctx.q
    targets = q.entities + q.categories
    if not targets or c.kind == "none" or q.english:
        return 0.0
    flat = compact(support_text(c, ctx) + " " + c.text)
    v = ctx.corpus.linker.vocabulary
    for t in targets:
        names = v.entities.get(t, set()) | v.categories.get(t, set()) | {t}
        if any(len(n) >= 2 and compact(n) in flat for n in names):
            return 1.0
    return -1.0


def dense_similarity(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """How close the answer's passage is to the question in meaning (e5 vectors: the question's one embedding and
    the stored passage vectors), relative to the closest of the question's passages: 0 for the closest, below
    0 for others. A paraphrase shares few words but keeps the meaning; a value from a passage about something
    else does not. 0 for "not found" and when the question was not embedded."""
    if c.kind == "none":
        return 0.0
    own, top = ctx.similarity(c.chunk_ids), ctx.closest
    return 0.0 if own is None or top is None else min(0.0, own - top)


def none_closest(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """For "not found": how close the question's closest passage is in meaning (an announcement that speaks of
    nothing like it argues for "not found"; one that speaks of just that, against)."""
    return (ctx.closest or 0.0) if c.kind == "none" else 0.0


def place_elsewhere(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """1 when the question names a place (울산) and the answer's own sentence or facts name another (부산) but not
    it: a figure of a release covering several places, given for the wrong one. ``place_missing`` asks whether
    the announcement names the place at all; this asks whether the answer is about it."""
    if c.kind == "none" or ctx.q.english:
        return 0.0
    asked = ctx.places_named
    if not asked:
        return 0.0
    return _once(ctx, "place_elsewhere", c, lambda: _place_elsewhere(c, ctx, asked))


def _place_elsewhere(c: Candidate, ctx: Context, asked: list[set[str]]) -> float:
    support = _support_tokens(c, ctx)  # (the answer's own text is read only when its support does not name it)
    held = support if any(support & forms for forms in asked) else support | set(tokenize(c.text))
    if any(held & forms for forms in asked):
        return 0.0
    return float(any(t in ctx.corpus.place_forms for t in held))


def name_for_which(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """For a question asking which place or body (어느 지자체 계획이야?): the share of the answer's text that is
    names of places or bodies the corpus knows (1 for "대구광역시", near 0 for a sentence that mentions one). The
    answer type of factoid QA: the asked class against the class given. 0 for other questions and "not found"."""
    if c.kind == "none" or not ctx.asks_name:
        return 0.0
    return _once(ctx, "name_for_which", c, lambda: name_share(compact(c.text), ctx.corpus.alias_names))


def name_share(flat: str, names) -> float:
    """Share of ``flat`` (compact text) covered by the given names, longest first, each place counted once."""
    if not flat:
        return 0.0
    covered = [False] * len(flat)
    for a in sorted((a for a in names if a in flat), key=len, reverse=True):
        start = flat.find(a)
        while start >= 0:
            covered[start:start + len(a)] = [True] * len(a)
            start = flat.find(a, start + len(a))
    return sum(covered) / len(flat)


misses_target = _evidence("misses_target", "A quoted value whose passage names none of the question's targets.")
other_source = _evidence("other_source", "A quoted amount named by another source of money (도비 asked, 국비 given).")
names_sibling = _evidence("names_sibling", "A quoted value of a sibling of what is asked (하프코스's fee for 풀코스).")


def unnamed_list(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """A lookup listing every fact of an attribute (three or more) when the question named none of them."""
    return float(c.rule == "lookup" and len(c.facts) >= 3 and not ctx.q.entities)


# ------------------------------------------------------------------------------------------------ passages
def fits_number(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """-1 for a passage that states no number where the question asks for one (or a phone, a URL)."""
    return 0.0 if c.evidence.get("fits", 1.0) else -1.0


def residual_said(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """Share of the question's words the facts do not explain (용적률, 보도시점) that the answer's support holds."""
    residual = ctx.specific_residual
    if not residual or c.kind == "none":
        return 0.0
    held = _support_tokens(c, ctx)
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
rows_cover = _evidence("covers", "Share of the question's other words that the selected rows' table holds.")


rows_narrowed = _evidence("narrowed", "Rows selected by two named cell values together (no fact states that conjunction).")


rows_column = _evidence("column", "Rows (or a column) read by the header the question names.")


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


FEATURES: dict[str, Feature] = {
    "coverage": coverage, "missing_weight": missing_weight, "missing_top": missing_top,
    "label_coverage": label_coverage, "gen_coverage": gen_coverage, "gen_score": gen_score, "margin": margin,
    "first_of_generator": first_of_generator, "best_rival_coverage": best_rival_coverage,
    "states_asked": states_asked, "states_first_asked": states_first_asked, "kind_first": kind_first,
    "kind_other": kind_other, "computed": computed,
    "computed_for_operation": computed_for_operation, "plain_for_operation": plain_for_operation,
    "doc_named": doc_named, "doc_retrieved": doc_retrieved, "doc_first": doc_first, "several_docs": several_docs,
    "place_missing": place_missing, "period_conflict": period_conflict, "year_agreement": year_agreement,
    "names_target": names_target, "place_elsewhere": place_elsewhere, "name_for_which": name_for_which,
    "dense_similarity": dense_similarity, "none_closest": none_closest,
    "misses_target": misses_target, "other_source": other_source,
    "names_sibling": names_sibling, "unnamed_list": unnamed_list, "fits_number": fits_number,
    "residual_said": residual_said, "headline": headline, "english_passage": english_passage, "long_answer": long_answer,
    "rows_cover": rows_cover, "rows_narrowed": rows_narrowed, "rows_column": rows_column,
    "value_asked_none": value_asked_none, "owners_named": owners_named,
    "facts_no_residual": facts_no_residual, "below_threshold": below_threshold, "over_facts": over_facts,
    "facts_foreign": facts_foreign,
    "inverse_from_facts": _evidence("from_facts", "An inverse answer read off the facts table (subjects of the value)."),
    "inverse_from_table": _evidence("from_table", "An inverse answer read off a table row holding the value."),
    "value_in_parentheses": _evidence("in_parentheses", "A quoted value inside parentheses: a figure given for "
                                      "reference (전년(2.2%)), beside the one its sentence states."),
    "metadata_asked": _evidence("asked", "The question asks about the announcement itself (date, department …)."),
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
