"""listing: the entities a document lists, by category ("선정된 도시는?", "강소형은 어디?")."""

from __future__ import annotations

from ...facts import Fact
from ...lexicon import Attr
from ...question import Question
from ..model import Draft
from ..render import join_docs
from ..table import FactTable


def applies(q: Question) -> bool:
    return q.intent in ("list", "where") and not q.entities and not q.attributes and (
        not q.families or set(q.families) <= {Attr.TYPE, Attr.SUBTYPE} or bool(q.values))


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    members = t.selected_entities(facts, q)
    if not members:
        return None
    parts, used = [], []
    for doc_id, group in t.by_doc(members, key=lambda m: m[0]):
        cats: dict[str | None, list[str]] = {}
        for _, e, c in group:
            cats.setdefault(c, []).append(e)
        if len(cats) == 1 or q.categories:
            text = ", ".join(e for es in cats.values() for e in es)
            if q.categories:
                text = f"{'·'.join(q.categories)}: {text}"
        else:
            text = " / ".join(f"{c}: {', '.join(es)}" if c else ", ".join(es) for c, es in cats.items())
        parts.append((doc_id, text))
        used += t.member_facts(facts, group)
    return Draft(join_docs(t, parts), "fact", used)
