"""difference: how much more one named target has than another ("전주시와 안산시 국비 차이는?")."""

from __future__ import annotations

from ...facts import Fact
from ...question import Question
from ..model import Draft
from ..render import docs_draft
from ..table import FactTable, diff


def applies(q: Question) -> bool:
    return q.intent == "diff" and len(q.entities + q.categories) >= 2


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    targets = (q.entities + q.categories)[:2]
    fam_facts = t.numeric(q, facts, targets)
    if not fam_facts:
        return None
    parts, used = [], []
    for doc_id, group in t.by_doc(next(iter(fam_facts.values()))):
        pick = {f.subject: f for f in reversed(group)}  # the first fact of each subject
        if len(pick) < 2 or not all(x in pick for x in targets):
            continue
        a, b = pick[targets[0]], pick[targets[1]]
        if a.unit != b.unit and not (a.unit.endswith("원") and b.unit.endswith("원")):
            continue
        if (b.base_value or 0) > (a.base_value or 0):
            a, b = b, a
        value, unit = diff(a, b)
        parts.append((doc_id, f"{a.attribute} 차이: {value}{unit} ({a.subject} {a.text} - {b.subject} {b.text})"))
        used += [a, b]
    return docs_draft(t, parts, used) if parts else None
