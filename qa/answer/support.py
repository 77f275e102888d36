"""What a candidate answer stands on, read once per question for every feature: its support text and words.

Kept apart from :mod:`qa.answer.features` so that the feature modules share one reading of a candidate's
support (and one per-question memo) without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable

from ..korean import tokenize
from .candidate import Candidate
from .context import Context

Feature = Callable[[Candidate, Context, list[Candidate]], float]


def evidence_feature(name: str, doc: str) -> Feature:
    """A feature that reads what its generator measured (``c.evidence[name]``, 0 when it did not)."""
    def feature(c: Candidate, ctx: Context, rivals: list[Candidate]) -> float:
        return c.evidence.get(name, 0.0)
    feature.__doc__ = doc
    return feature


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


def once(ctx: Context, name: str, c: Candidate, compute: Callable[[], object]):
    """A per-candidate measurement computed once per question (features of one candidate read its rivals' too)."""
    key = (name, id(c))
    held = ctx.memo.get(key)
    if held is None or held[0] is not c:  # an id is reused once its candidate is gone: keep the candidate to tell
        held = ctx.memo[key] = (c, compute())
    return held[1]


def support_tokens(c: Candidate, ctx: Context) -> set[str]:
    return once(ctx, "support", c, lambda: line_tokens(support_text(c, ctx)))


def line_tokens(text: str) -> set[str]:
    """The words of a text, line by line (each line's tokens are remembered by :func:`~qa.korean.tokenize`)."""
    held: set[str] = set()
    for line in text.split("\n"):
        held.update(tokenize(line))
    return held
