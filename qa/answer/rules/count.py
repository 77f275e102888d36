"""count: a stated count ("신청 수", "유형 수"; added up when the question asks for all of them), else the
number of entities a document lists ("강소형 선정 도시는 몇 곳?")."""

from __future__ import annotations

from ...asked import question_kinds
from ...facts import Fact
from ...lexicon import PLACE_COUNTERS, Attr
from ...question import Question, compact, family_of
from ..model import Draft
from ..render import docs_draft, name_list, render_facts
from ..table import FactTable, add, dedupe_subjects


def applies(q: Question) -> bool:
    return q.intent == "count"


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    stated = stated_counts(q, t.counted(facts))
    if stated and not (q.asks_selection and not any(f.attribute == Attr.SELECTED for f in stated)):
        parts = [(d, count_text(q, dedupe_subjects(fs), t)) for d, fs in t.by_doc(stated)]
        return docs_draft(t, parts, stated)
    if q.entities:
        return None  # "전주시 인구는 몇 명?" is not a count of the selected entities
    if question_kinds(q.text)[1] not in PLACE_COUNTERS:
        return None  # "몇 명 뽑아?" counts people, not the places or bodies the announcement lists
    members = t.selected_entities(facts, q)
    if not members or len(t.selected_entities(facts, q, by_row=True)) > len(members):
        # a place listed in several rows (two 대상지 of one 군): the rows are what is counted, and the number
        # of places is not it; the count the announcement states, or its rows, answer instead
        return None
    parts, used = [], []
    for doc_id, group in t.by_doc(members, key=lambda m: m[0]):
        names = [e for _, e, _ in group]
        scope = "·".join(q.categories) + " " if q.categories else ""
        parts.append((doc_id, f"{scope}{len(names)}곳 ({name_list(t, names)})"))
        used += t.member_facts(facts, group)
    return docs_draft(t, parts, used, rule="count:members")


def stated_counts(q: Question, facts: list[Fact]) -> list[Fact]:
    """Count facts of the asked family (or named by the question: "유형 수"), of the named targets."""
    in_family = [f for f in facts if f.attribute.endswith(" 수") and family_of(f.attribute) in q.families]
    stated = in_family or [f for f in facts if f.attribute.endswith(" 수") and compact(f.attribute[:-2]) in q.compact]
    return [f for f in stated if (not (q.categories or q.entities) or f.subject in q.categories + q.entities)
            and f.value is not None]  # a "-" cell states no count


def count_text(q: Question, fs: list[Fact], t: FactTable) -> str:
    if len(fs) > 1 and q.wants_total and len({f.unit for f in fs}) == 1:
        total, unit = add(fs)  # "세 유형에 신청한 지자체는 모두 몇 곳?" = 3 + 16 + 6
        return f"{fs[0].attribute} 합계: {total}{unit} (" + " + ".join(f"{f.subject} {f.text}" for f in fs) + ")"
    return render_facts(t, fs, q)
