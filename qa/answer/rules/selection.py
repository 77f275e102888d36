"""selection: "전주시는 선정됐나요?" — the entity's own table row says so (its 유형)."""

from __future__ import annotations

from ...facts import Fact
from ...lexicon import Attr
from ...question import Question
from ..model import Draft
from ..render import docs_draft
from ..table import FactTable


def applies(q: Question) -> bool:
    return bool(q.entities) and q.asks_selection and (not q.families or q.families == [Attr.TYPE]) \
        and not q.attributes


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    mine = [f for f in t.of_family(facts, Attr.TYPE) if f.subject in q.entities]
    if not mine:
        return None
    parts = [(d, " / ".join(f"{f.subject}: {f.text} 선정" for f in fs)) for d, fs in t.by_doc(mine)]
    return docs_draft(t, parts, mine)
