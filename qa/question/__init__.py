"""Question understanding: link a question to the facts table (entities, categories, attributes, intent, year).

The vocabulary comes from the facts of the indexed corpus (subjects, categories, attribute names), so a new
announcement brings its own names; the only hand-written lists are the generic Korean (and English) ways of
asking in :mod:`qa.lexicon`. Linking is the ordered :data:`~qa.question.steps.LINK_STEPS`; nothing is kept
between questions, so :meth:`Linker.analyse` is safe to call from several threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..facts import Fact
from ..facts.names import FactNames
from ..ingest import Document
from ..korean import normalize
from ..lexicon import QUESTION_WORDS
from ..text import HANGUL, compact, romanize
from .followup import resolve_followup
from .model import Question
from .steps import LINK_STEPS, tokens_of
from .vocabulary import NameLookup, Vocabulary, aliases, family_of

__all__ = ["LINK_STEPS", "QUESTION_WORDS", "Linker", "Question", "Vocabulary", "aliases", "compact", "family_of",
           "link", "romanize"]


def link(text: str, v: Vocabulary) -> Question:
    """One question (without history) through every linking step."""
    text = normalize(text).strip()
    english = not HANGUL.search(text) and bool(re.search(r"[A-Za-z]", text))
    q = Question(text=text, compact=compact(text), tokens=list(tokens_of(text)), english=english)
    for step in LINK_STEPS:
        step(q, v)
    return q


class Linker:
    """Links questions against one corpus :class:`Vocabulary` (built once from the facts table's names)."""

    def __init__(self, names: FactNames | list[Fact], documents: list[Document], vocab: set[str],
                 docs_with_term: Callable[[str], set[str]] | None = None, lookup: NameLookup | None = None) -> None:
        self.vocabulary = Vocabulary.build(names, documents, vocab, docs_with_term, lookup)

    @property
    def entities(self) -> dict[str, set[str]]:
        return self.vocabulary.entities

    @property
    def title_tokens(self) -> dict[str, set[str]]:
        return self.vocabulary.title_tokens

    def analyse(self, text: str, history: list[str] | None = None) -> Question:
        """The question, with what a follow-up leaves out taken from the earlier turns (oldest first)."""
        q = link(text, self.vocabulary)
        prev = None
        for h in history or []:
            h = normalize(h or "").strip()
            if h:
                prev = resolve_followup(link(h, self.vocabulary), prev)
        return resolve_followup(q, prev) if prev else q
