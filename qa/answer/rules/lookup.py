"""lookup: the asked attribute of the named targets, as the document states it ("전주시 국비는?")."""

from __future__ import annotations

from ...facts import Fact
from ...question import Question, compact
from ..model import Draft
from ..render import docs_draft, render_facts
from ..table import FactTable


def applies(q: Question) -> bool:
    return bool(q.families or q.attributes)


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    # a fact whose value the question already states ("대구 특화단지는 어떤 분야…": 유형 = 특화단지) answers nothing
    found = [f for f in t.lookup_facts(q, facts) if not (f.value is None and compact(f.text) in q.compact)]
    if not found:
        return None
    parts = [(doc_id, render_facts(t, fs, q)) for doc_id, fs in t.by_doc(found)]
    return docs_draft(t, parts, found)
