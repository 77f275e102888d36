"""unselected: how many applied and were not selected ("떨어진 곳 몇 곳", "선정 안 된 지자체는 몇 곳"), from the
facts: the applications the announcement states (of the category named; in all, its stated total or its
categories' counts added) less the places it lists as selected, with the working. No sentence states it."""

from __future__ import annotations

from dataclasses import replace

from ...facts import Fact
from ...lexicon import FAILED_OPERANDS, INTENTS, WHOLE, Attr
from ...question import Question
from ...text import format_number
from ..model import Draft
from ..render import docs_draft
from ..table import FactTable, dedupe_subjects
from .sum import is_count

COUNT_WORDS = dict(INTENTS)["count"]  # 몇곳, 몇개 …: a count asked whatever the question's intent


def applies(q: Question) -> bool:
    """How many were not selected (몇 곳, 몇 개): which ones ("탈락한 지자체는 어디") no announcement lists."""
    return not q.entities and asks_unselected(q) and (q.intent == "count" or any(w in q.compact for w in COUNT_WORDS))


def asks_unselected(q: Question) -> bool:
    """The question asks about those who applied and were not selected (떨어진, 탈락한, 선정 안 된)."""
    return any(w in q.compact for w in FAILED_OPERANDS)


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    asked = replace(q, entities=[], categories=[], families=[Attr.APPLIED], attributes=[])
    applied = [f for fs in t.numeric(asked, facts, None).values() for f in fs if f.base_value and is_count(f)]
    members = dict(t.by_doc(t.selected_entities(facts, replace(q, entities=[], values=[])), key=lambda m: m[0]))
    parts, used = [], []
    for doc_id, group in t.by_doc(applied):
        group = dedupe_subjects(group)
        chosen = members.get(doc_id, [])
        if q.categories:
            whole = [f for f in group if f.subject in q.categories][:1] if len(q.categories) == 1 else []
        else:
            whole = [f for f in group if f.subject == WHOLE][:1] or \
                [f for f in group if f.subject not in t.entity_names and f.subject != WHOLE]
        if not chosen or not whole or len({f.unit for f in whole}) != 1:
            continue  # counts of different counters (곳, 개) are not added, as ``count.count_text`` does not
        unit = whole[0].unit
        left = sum(f.base_value for f in whole) - len(chosen)
        if left <= 0:
            continue
        names = [e for _, e, _ in chosen]
        stated = " + ".join(f"{f.subject} {f.text}" for f in whole) if len(whole) > 1 else whole[0].text
        parts.append((doc_id, f"선정되지 않은 곳: {format_number(left)}{unit} (신청 {stated} − 선정 {len(names)}{unit}: "
                              f"{', '.join(names)})"))
        used += whole + t.member_facts(facts, chosen)
    return docs_draft(t, parts, used) if parts else None
