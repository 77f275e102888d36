"""What users see — a direct answer, its kind, the facts used and the source passages — and the draft an
answer rule produces before sources are attached."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..chunk import Chunk
from ..facts import Fact

NOT_FOUND = "공고문에서 찾을 수 없습니다."


class QuestionError(ValueError):
    """A question the assistant cannot take (empty, too long); the message is shown to the user."""


@dataclass(frozen=True)
class Source:
    """A passage an answer came from; ``highlights`` are ``[start, end)`` character offsets into ``text``."""

    doc_id: str
    title: str
    published: str | None
    chunk_id: str
    section: str
    lines: tuple[int, int]
    text: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["lines"] = list(self.lines)
        d["highlights"] = [list(h) for h in self.highlights]
        d["score"] = round(float(self.score), 4)
        return d


@dataclass(frozen=True)
class Answer:
    """What ``Assistant.ask`` returns; ``to_dict()`` is exactly the CLI / API JSON.

    ``rule`` names what produced the answer: a compose rule (``lookup``, ``sum``, ``count:members`` …),
    ``passage`` (``passage:lead`` …) or why nothing was found (``not_found:unknown_noun`` …).
    """

    question: str
    answer: str
    kind: str  # fact | passage | none
    facts: tuple[Any, ...] = ()  # qa.facts.Fact
    sources: tuple[Source, ...] = ()
    timing_ms: dict[str, float] = field(default_factory=dict)
    rule: str = ""
    items: tuple[str, ...] = ()  # every item of a list answer whose text shows only the first ``shown``
    shown: int = 0

    def to_dict(self, offset: int | None = None, limit: int | None = None) -> dict[str, Any]:
        """The CLI / API JSON; a list answer that was cut also gets ``page``: ``items[offset:offset + limit]``
        of the full list (the items the text shows, by default), its ``total`` and the ``next_offset``."""
        d = {
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "rule": self.rule,
            "facts": [f.to_dict() for f in self.facts],
            "sources": [s.to_dict() for s in self.sources],
            "timing_ms": {k: round(v, 2) for k, v in self.timing_ms.items()},
        }
        if self.items:
            d["page"] = self.page(offset or 0, limit or self.shown)
        return d

    def page(self, offset: int, limit: int) -> dict[str, Any]:
        """Items ``offset`` … ``offset + limit`` of a cut list answer."""
        total = len(self.items)
        end = min(offset + limit, total)
        return {"total": total, "offset": offset, "limit": limit, "items": list(self.items[offset:end]),
                "next_offset": end if end < total else None}


@dataclass
class Draft:
    """An answer before sources are attached, with the name of the rule that produced it."""

    text: str
    kind: str
    facts: list[Fact] = field(default_factory=list)
    unit_chunk: Chunk | None = None  # passage answers: the chunk and span the answer was cut from
    unit_span: tuple[int, int] | None = None
    rule: str = ""
    items: list[str] = field(default_factory=list)  # a cut list answer: all its items (the text shows ``shown``)
    shown: int = 0


def not_found(reason: str) -> Draft:
    """The "not found" draft, with why (``not_found:<reason>``)."""
    return Draft(NOT_FOUND, "none", rule=f"not_found:{reason}")
