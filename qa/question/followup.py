"""Follow-ups: fill what an elliptical question leaves out ("그럼 김천시는?") from the previous turn."""

from __future__ import annotations

import re
from dataclasses import replace

from .model import Question
from .steps import is_anaphoric

_WITHIN = re.compile(r"^\s*(?:그\s*중|이\s*중|그\s*가운데|이\s*가운데)")


def resolve_followup(q: Question, prev: Question | None) -> Question:
    """``q`` with the previous turn's targets, asks or document scope where it names none of its own."""
    if prev is None:
        return q
    anaphoric = is_anaphoric(q)
    changed = {}
    if q.has_target and not q.has_ask and not q.residual and not q.years:
        changed.update(families=list(prev.families), attributes=list(prev.attributes), intent=prev.intent)
    if not q.has_target and (q.has_ask or anaphoric) and (anaphoric or len(q.residual) <= 1):
        changed.update(entities=list(prev.entities), categories=list(prev.categories))
    if q.doc_ids is None and prev.doc_ids is not None:
        changed.update(doc_ids=prev.doc_ids, years=prev.years)
    elif q.doc_ids and prev.doc_ids and not q.doc_ids & prev.doc_ids and not q.years and _WITHIN.search(q.text):
        changed.update(doc_ids=prev.doc_ids, years=prev.years)  # "그중 일반 분야는?": within the previous answer
    if not changed:
        return q
    r = replace(q, followup=True, **changed)
    r.pseudo = " ".join(r.entities + r.categories + r.families + r.attributes)
    return r
