"""extreme: the largest (or smallest) value ("국비를 가장 많이 받는 곳", "경쟁이 제일 치열한 유형"); with both
"가장 많이" and "가장 적게" and 차이, the difference between the two."""

from __future__ import annotations

from ...facts import Fact
from ...lexicon import WHOLE
from ...question import Question
from ..model import Draft
from ..render import docs_draft
from ..table import FactTable, dedupe_subjects, diff, one_unit


def applies(q: Question) -> bool:
    return q.intent in ("max", "min") or (q.intent == "diff" and q.spread)


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    subjects = q.entities if len(q.entities) >= 2 else None
    if subjects is None and q.categories:
        subjects = [e for _, e, _ in t.selected_entities(facts, q)] or None
    fam_facts = t.numeric(q, facts, subjects)
    if not fam_facts:
        return None
    spread = q.asks_difference and q.min_word
    parts, used = [], []
    for doc_id, group in t.by_doc(next(iter(fam_facts.values()))):
        group = [f for f in dedupe_subjects(group) if f.subject != WHOLE and f.base_value is not None]
        if len(group) < 2:
            continue
        if spread:
            if not one_unit(group):
                continue  # a rate row's % beside its column's amounts: no spread to state
            hi = max(group, key=lambda f: f.base_value)
            lo = min(group, key=lambda f: f.base_value)
            value, unit = diff(hi, lo)
            parts.append((doc_id, f"{hi.attribute} 최대·최소 차이: {value}{unit} "
                                  f"({hi.subject} {hi.text} - {lo.subject} {lo.text})"))
            used += [hi, lo]
            continue
        pick = (max if q.intent == "max" else min)(f.base_value for f in group)
        best = [f for f in group if f.base_value == pick]
        parts.append((doc_id, ", ".join(f.subject for f in best) + f" ({best[0].attribute} {best[0].text})"))
        used += best
    if not parts:
        return None
    return docs_draft(t, parts, used, rule="extreme:spread" if spread else "")
