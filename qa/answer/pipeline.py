"""generate → featurize → choose: the one answer pipeline every question goes through."""

from __future__ import annotations

from .candidate import Candidate
from .chooser import Chooser
from .context import Context
from .features import featurize
from .generators import GENERATORS, generate

# why nothing answered, read off the best rejected answer's features (first that holds), for the "not found"
# answer's reason code
_REJECTED = (("place_missing", 1.0, "place_not_in_document"), ("period_conflict", 1.0, "other_period"),
             ("states_asked", -1.0, "value_not_stated"), ("fits_number", -1.0, "passage_without_number"))


def run(ctx: Context, chooser: Chooser, skip: tuple[str, ...] = ()) -> tuple[Candidate, list[Candidate]]:
    """The chosen answer and every candidate (scored), for one question."""
    candidates = generate(ctx, skip=skip)
    featurize(candidates, ctx, generators=tuple(GENERATORS))
    best = chooser.choose(candidates)
    if best.kind == "none" and best.rule == "not_found:no_answer":
        best.rule = f"not_found:{why_none(candidates)}"
    return best, candidates


def why_none(candidates: list[Candidate]) -> str:
    """The reason code of a "not found" that no single reason explains: what was wrong with the best answer
    it beat, or ``no_passage`` when none came close."""
    rivals = sorted((c for c in candidates if c.kind != "none"), key=lambda c: -c.score)
    if not rivals:
        return "no_passage"
    for feature, value, reason in _REJECTED:
        if rivals[0].features.get(feature) == value:
            return reason
    return "no_passage"
