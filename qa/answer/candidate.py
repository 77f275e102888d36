"""What a generator proposes: one possible answer with where it stands and the evidence for it.

Every way of answering (a looked-up fact, a computed sum, a quoted value, a table row, a passage, "not found")
produces :class:`Candidate`\\ s of this one shape, so the chooser weighs them on equal terms: the features it
reads are computed from the candidate and the question alone, never from which generator ran last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..chunk import Chunk
from ..facts import Fact
from .model import NOT_FOUND, Draft


@dataclass
class Candidate:
    """One possible answer.

    ``generator`` is the registered generator that made it, ``rule`` the finer name the API reports
    (``lookup``, ``typed:money``, ``passage``, ``not_found:unknown_noun`` …). ``evidence`` holds the
    generator's own measurements (coverage, score, margin) that features read; ``features`` is filled by
    :func:`qa.answer.features.featurize`.
    """

    generator: str
    rule: str
    text: str
    kind: str  # fact | passage | none
    facts: list[Fact] = field(default_factory=list)
    unit_chunk: Chunk | None = None  # passage answers: the chunk and span the answer was cut from
    unit_span: tuple[int, int] | None = None
    items: list[str] = field(default_factory=list)  # a cut list answer: all its items
    shown: int = 0
    value_kind: str | None = None  # the class of the value it states (money, count, date …), when one
    evidence: dict[str, float] = field(default_factory=dict)
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def chunk_ids(self) -> set[str]:
        """The passages the answer stands on: its facts' chunks, else its passage."""
        return {f.chunk_id for f in self.facts} or ({self.unit_chunk.chunk_id} if self.unit_chunk else set())

    @property
    def doc_ids(self) -> set[str]:
        return {f.doc_id for f in self.facts} or ({self.unit_chunk.doc_id} if self.unit_chunk else set())

    def draft(self) -> Draft:
        return Draft(self.text, self.kind, facts=list(self.facts), unit_chunk=self.unit_chunk,
                     unit_span=self.unit_span, rule=self.rule, items=list(self.items), shown=self.shown)

    @classmethod
    def of_draft(cls, generator: str, draft: Draft, **evidence: float) -> Candidate:
        return cls(generator=generator, rule=draft.rule or generator, text=draft.text, kind=draft.kind,
                   facts=list(draft.facts), unit_chunk=draft.unit_chunk, unit_span=draft.unit_span,
                   items=list(draft.items), shown=draft.shown, evidence=dict(evidence))


def none_candidate(reason: str, **evidence: float) -> Candidate:
    """The "not found" answer, with why (``not_found:<reason>``)."""
    return Candidate(generator="not_found", rule=f"not_found:{reason}", text=NOT_FOUND, kind="none",
                     evidence=dict(evidence))
