"""The hand-built precedence of the earlier answer ladder, replayed over the candidates as one feature.

Before the chooser, answers were picked by a ladder of overrides (facts, then a passage when the question asks
beyond the facts, then a quoted value when it covers clearly more, then table rows, then "not found" when the
answer's announcement never names the place asked …). That order encodes what many golden questions taught;
here it is kept as evidence, not as the decision: :func:`pick` names the candidate the ladder would have chosen,
and the feature ``precedence`` marks it, so the fitted chooser learns how far to trust it against the other
features (and it can be left out in the ablation like any other).
"""

from __future__ import annotations

from ..korean import tokenize
from ..lexicon import KIND_WORDS, PREDICATE_WEIGHT
from ..quantity import NUMERIC_KINDS, TEMPORAL_KINDS
from .ask import draft_coverage, states_kind
from .candidate import Candidate
from .context import Context

COMPUTED_FACTS = ("sum", "difference", "ratio")


def _first(cands: list[Candidate], generator: str) -> Candidate | None:
    return next((c for c in cands if c.generator == generator), None)


def pick(cands: list[Candidate], ctx: Context) -> Candidate:
    """The candidate the earlier ladder would have answered with."""
    none = _first(cands, "not_found")
    draft = _draft(cands, ctx, none)
    draft = _with_values(cands, ctx, draft, none)
    draft = _with_rows(cands, ctx, draft)
    if draft.kind != "none" and (draft.features.get("place_missing") or draft.features.get("period_conflict")):
        return none
    return draft


def _draft(cands: list[Candidate], ctx: Context, none: Candidate) -> Candidate:
    """Facts when they answer what is asked; a passage when the question asks more than the facts hold and a
    passage covers it; otherwise "not found"."""
    why = none.evidence
    if why.get("unknown_name") or why.get("unknown_noun") or why.get("unlinked_english") or ctx.year_only:
        return none
    lead = _first(cands, "lead")
    if lead is not None:
        return lead
    facts = _first(cands, "facts")
    if facts is not None and not ctx.specific_residual:
        return facts
    passage = _first(cands, "passage")
    if passage is None or passage.evidence.get("coverage", 0.0) < ctx.corpus.config.none_threshold:
        return facts or none
    if facts is None and not passage.evidence.get("fits", 1.0):
        return none
    if facts is not None and passage.evidence.get("residual_said", 0.0) < 0.5:
        return facts
    return passage


def _own_coverage(draft: Candidate, ctx: Context) -> float:
    ask = ctx.ask
    titles = set().union(*(ctx.corpus.title_terms.get(d, set()) for d in ctx.q.doc_ids or ()))
    terms = [t for t in ask.terms if t not in titles and t not in KIND_WORDS]
    light = set(ask.light)
    weight = ctx.corpus.finder.weight
    own = draft_coverage(draft.text, terms, tokenize,
                         lambda t: weight(t) * (PREDICATE_WEIGHT if t in light else 1.0)) if terms else 0.5
    return 0.5 + 0.5 * own if ask.glossed else own


def _with_values(cands: list[Candidate], ctx: Context, draft: Candidate, none: Candidate) -> Candidate:
    """A quoted value (or a computation over two) when the draft states none of the asked class, is from an
    announcement retrieval does not lead to, or covers the question clearly less."""
    ask, q = ctx.ask, ctx.q
    if ask is None or (draft is none and none.evidence.get("unknown_name") and not q.english):
        return draft
    value = _first(cands, "arithmetic") or _first(cands, "quoted")
    own_ask = ctx.own_ask is not None and not q.english
    if value is not None and own_ask and value.evidence.get("names_sibling"):
        return none
    needed = ctx.corpus.config.typed_min_coverage + (0.2 if none.evidence.get("unknown_noun") else 0.0)
    if value is None or value.evidence.get("coverage", 0.0) < needed or value.evidence.get("misses_target") \
            or value.evidence.get("other_source"):
        return _stating(draft, ctx, none) if own_ask else draft
    if draft.kind == "fact" and draft.generator == "facts":
        foreign = not q.doc_ids and not (draft.doc_ids & ctx.retrieved_docs)
        listed = draft.rule == "lookup" and len(draft.facts) >= 3 and not q.entities
        several = len(draft.doc_ids) > 1
        if foreign or listed or (q.english and several):
            return value
        if draft.rule != "lookup" or several:
            return draft
    if q.english and draft.kind == "passage":
        return value
    if draft.kind != "none" and states_kind(draft.text, ask.kinds, ask.stated):
        own = _own_coverage(draft, ctx)
        temporal = draft.kind == "passage" and value.value_kind in TEMPORAL_KINDS
        to_beat = own + (0.0 if temporal else ctx.corpus.config.typed_margin)
        if own < 1.0 and draft.kind == "passage":
            to_beat = min(to_beat, 1.0)
        if value.evidence.get("coverage", 0.0) < to_beat:
            return draft
    return value


def _stating(draft: Candidate, ctx: Context, none: Candidate) -> Candidate:
    """A value question is not answered by a passage or a looked-up fact that states no value of its class."""
    ask = ctx.ask
    family = TEMPORAL_KINDS if set(ask.kinds) <= TEMPORAL_KINDS else NUMERIC_KINDS
    if draft.kind in ("passage", "fact") and (draft.kind == "passage" or draft.rule == "lookup") \
            and not states_kind(draft.text, tuple(family | set(ask.kinds)), ask.stated):
        return none
    return draft


def _with_rows(cands: list[Candidate], ctx: Context, draft: Candidate) -> Candidate:
    """Table rows chosen by the cell values the question names, when the draft is not already about exactly those
    rows; a computed or quoted value stands."""
    rows = _first(cands, "rows")
    if rows is None or ctx.q.english or draft.generator in ("quoted", "arithmetic") or draft.rule in COMPUTED_FACTS:
        return draft
    ev = rows.evidence
    if rows.rule == "rows:column":
        return rows if not ctx.q.entities and draft.kind != "fact" else draft
    if draft.kind == "fact" and not ev.get("counted") and {f.chunk_id for f in draft.facts} <= rows.chunk_ids:
        return draft
    narrowed = bool(ev.get("narrowed"))
    if draft.kind == "none" and not narrowed and ev.get("covers", 0.0) < 0.5:
        return draft
    if ev.get("counted"):
        counted_already = draft.rule.startswith("count") or (
            draft.kind == "fact" and states_kind(draft.text, tuple(NUMERIC_KINDS)))
        if counted_already and not narrowed:
            return draft
    elif not (draft.kind == "none" or narrowed or (ev.get("column") and draft.kind != "fact")):
        return draft
    return rows


# the ladder's own tests, as features the chooser weighs (registered in qa.answer.features.FEATURES)
def facts_no_residual(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """A facts-table answer to a question whose every word the facts explain (nothing left for a passage)."""
    return float(c.generator == "facts" and not ctx.specific_residual)


def below_threshold(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """A passage (or attribution) covering less of the question than ``none_threshold``, or a quoted value covering
    less than ``typed_min_coverage``: what the old rules never answered with."""
    config = ctx.corpus.config
    if c.generator in ("passage", "attribution"):
        return float(c.evidence.get("coverage", 0.0) < config.none_threshold)
    if c.generator in ("quoted", "arithmetic"):
        return float(c.evidence.get("coverage", 0.0) < config.typed_min_coverage)
    return 0.0


def facts_foreign(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
    """A facts-table answer from announcements the question neither names nor is led to by its passages."""
    return float(c.generator == "facts" and not ctx.q.doc_ids and bool(c.doc_ids) and not c.doc_ids & ctx.retrieved_docs)
