"""What the web app adds to ``Answer.to_dict()`` before the API returns it or the chat shows it.

* each source: ``url`` (the announcement's original address), ``view`` (this app's viewer at the cited lines,
  span highlighted) and, for a table row, ``table`` (its column names and values after merged cells are
  filled down);
* ``lang``: ``en`` for a question asked in English (labels only; values and passages stay Korean);
* ``not_found`` for an answer of kind ``none``: the reason code and sentence, the announcements covered,
  close questions that do answer, the contact office (:mod:`qa.web.helpful`);
* ``suggestions``: questions to ask next (the close questions of a "not found", else follow-ups).

Every "not found" is written to the unanswered log (:mod:`qa.feedback`).
"""

from __future__ import annotations

import logging
from typing import Any

from ..feedback import FeedbackLog
from .documents import doc_spans, view_link
from .helpful import Helper
from .labels import language

log = logging.getLogger("qa.web")


class Answers:
    """Enriches answers for one (live) assistant; lookups that depend only on the index are made once."""

    def __init__(self, assistant: Any, feedback: FeedbackLog | None = None) -> None:
        self.assistant = assistant
        self.helper = Helper(assistant)
        self.feedback = feedback
        self._maps_of: tuple[Any, dict[str, Any], dict[str, Any]] = (None, {}, {})

    def _maps(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Documents and chunks by id, of the index loaded now (held, so compared by identity)."""
        index, docs, chunks = self._maps_of
        if index is not self.assistant.index:
            index = self.assistant.index
            docs = {d.doc_id: d for d in index.documents}
            chunks = {c.chunk_id: c for c in index.chunks}
            self._maps_of = (index, docs, chunks)
        return docs, chunks

    def sources(self, ans: dict[str, Any], base: str = "") -> None:
        docs, chunks = self._maps()
        for s in ans.get("sources") or ():
            doc = docs.get(s.get("doc_id"))
            s["url"] = getattr(doc, "source", None)
            s["view"] = view_link(base, s["doc_id"], s.get("lines"), doc_spans(doc, s)) if doc else None
            chunk = chunks.get(s.get("chunk_id"))
            if chunk is not None and chunk.kind == "table_row" and chunk.cells:
                s["table"] = {"header": [h for h, _ in chunk.cells], "cells": [v for _, v in chunk.cells]}

    def enrich(self, ans: dict[str, Any], *, base: str = "", suggest: bool | None = None) -> dict[str, Any]:
        """``ans`` (an ``Answer.to_dict()``) with the fields above; changed in place and returned.

        ``suggest``: True computes follow-ups and the close questions of a "not found" (each candidate is
        asked first, once per index); None only the close questions of a "not found"; False none."""
        question = ans.get("question") or ""
        lang = language(question)
        ans["lang"] = lang
        self.sources(ans, base)
        ans["suggestions"] = []
        if ans.get("kind") == "none":
            ans["not_found"] = self.helper.not_found(question, ans, lang, suggest=False)
        if suggest is not False:
            self.suggest(ans, followups=bool(suggest))
        return ans

    def suggest(self, ans: dict[str, Any], followups: bool = True) -> dict[str, Any]:
        """Fill ``suggestions`` (and a "not found"'s ``not_found.suggestions``) of an enriched answer."""
        question = ans.get("question") or ""
        if ans.get("kind") == "none":
            top = next((s.get("doc_id") for s in ans.get("sources") or () if s.get("doc_id")), None)
            found = self.helper.questions(question, top)
            ans["not_found"]["suggestions"] = found
            ans["suggestions"] = list(found)
        elif followups:
            ans["suggestions"] = self.helper.followups(question, ans)
        return ans

    def record(self, ans: dict[str, Any], origin: str) -> None:
        """Log a "not found" (never fails the answer: a full disk only costs the log line)."""
        if self.feedback is None or ans.get("kind") != "none":
            return
        try:
            self.feedback.not_found(ans.get("question", ""), ans.get("answer", ""), ans.get("rule", ""), origin)
        except Exception:  # noqa: BLE001
            log.exception("could not write the unanswered log")
