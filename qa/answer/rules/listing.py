"""listing: the entities a document lists, by category ("선정된 도시는?", "강소형은 어디?"); a long list shows
its first ``t.list_items`` names with "외 N건 (총 M건)" (one announcement's list keeps every name for paging)."""

from __future__ import annotations

from dataclasses import replace

from ...facts import Fact
from ...lexicon import Attr
from ...question import Question
from ..model import Draft
from ..render import docs_draft, name_list
from ..table import FactTable
from .unselected import asks_unselected


def applies(q: Question) -> bool:
    """Not for the places not selected ("탈락한 지자체는 어디?"): the list is of those selected, the opposite."""
    return q.intent in ("list", "where") and not q.entities and not q.attributes and not asks_unselected(q) and (
        not q.families or set(q.families) <= {Attr.TYPE, Attr.SUBTYPE} or bool(q.values))


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    members = t.selected_entities(facts, q)
    if not members:
        return None
    parts, used, flat = [], [], []
    for doc_id, group in t.by_doc(members, key=lambda m: m[0]):
        cats: dict[str | None, list[str]] = {}
        for _, e, c in group:
            cats.setdefault(c, []).append(e)
        if len(cats) == 1 or q.categories:
            flat = [e for es in cats.values() for e in es]
            text = name_list(t, flat)
            if q.categories:
                text = f"{'·'.join(q.categories)}: {text}"
        else:
            flat = []
            text = " / ".join(f"{c}: {name_list(t, es)}" if c else name_list(t, es) for c, es in cats.items())
        parts.append((doc_id, text))
        used += t.member_facts(facts, group)
    draft = docs_draft(t, parts, used)
    if len(parts) == 1 and len(flat) > t.list_items:  # one announcement's long list: the API pages its names
        shown = set(flat[: t.list_items])
        draft = replace(draft, items=flat, shown=t.list_items, facts=[f for f in draft.facts if f.subject in shown])
    return draft
