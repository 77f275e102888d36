"""Compose rules: facts → a deterministic answer with its working. One module per rule, each with
``applies(q)`` (a cheap test of the linked question) and ``run(q, facts, table)`` (a draft, or None to let
the next rule try). :data:`RULES` is the priority order; the first draft wins and records the rule's name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ...facts import Fact
from ...question import Question
from ..model import Draft
from ..table import FactTable
from . import count, difference, extreme, listing, lookup, selection, sum, total, unselected


@dataclass(frozen=True)
class Rule:
    """A named compose rule."""

    name: str
    applies: Callable[[Question], bool]
    run: Callable[[Question, list[Fact], FactTable], Draft | None]


def _rule(name: str, module) -> Rule:
    return Rule(name, module.applies, module.run)


# in priority order: an extreme or arithmetic reading beats a plain lookup of the same words
RULES: tuple[Rule, ...] = (
    _rule("extreme", extreme), _rule("difference", difference), _rule("unselected", unselected), _rule("sum", sum),
    _rule("total", total), _rule("count", count), _rule("listing", listing), _rule("selection", selection),
    _rule("lookup", lookup),
)


def compose(q: Question, t: FactTable, rules: tuple[Rule, ...] = RULES) -> Draft | None:
    """The first rule's draft for the facts in the question's scope; None when no rule answers."""
    facts = t.scope(q)
    if not facts:
        return None
    for rule in rules:
        if rule.applies(q):
            draft = rule.run(q, facts, t)
            if draft:
                return draft if draft.rule else replace(draft, rule=rule.name)
    return None
