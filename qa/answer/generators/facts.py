"""The facts table: each compose rule that applies to the question (extreme, difference, unselected, sum, total,
count, listing, selection, lookup) proposes its answer, computed from the facts with its working shown."""

from __future__ import annotations

from dataclasses import replace

from ..candidate import Candidate
from ..context import Context
from ..rules import RULES

# compose rules whose answer is computed (or counted) from several facts rather than read off one
COMPUTED_RULES = ("extreme", "difference", "unselected", "sum", "total", "count")


def wants_passage(ctx: Context) -> bool:
    """A quote, or where a named entity's project takes place: a sentence answers, not a fact."""
    q = ctx.q
    return q.intent == "quote" or (q.intent == "where" and not q.families and bool(q.entities))


def generate(ctx: Context) -> list[Candidate]:
    q = ctx.q
    if ctx.year_only or wants_passage(ctx) or not (q.has_target or q.has_ask):
        return []
    scope = ctx.corpus.table.scope(q)
    if not scope:
        return []
    out: list[Candidate] = []
    for rule in RULES:
        if not rule.applies(q):
            continue
        draft = rule.run(q, scope, ctx.corpus.table)
        if draft is None:
            continue
        draft = draft if draft.rule else replace(draft, rule=rule.name)
        if any(c.text == draft.text for c in out):
            continue
        out.append(Candidate.of_draft("facts", draft, rank=len(out), computed=float(rule.name in COMPUTED_RULES)))
    return out
