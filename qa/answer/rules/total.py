"""total: 총사업비 / 지방비 of named targets computed from 국비 and the matching ratio, when the document does not
state them (a stated value is left to ``lookup``)."""

from __future__ import annotations

from ...facts import Fact
from ...lexicon import DERIVED_FAMILIES, Attr
from ...question import Question, family_of
from ...text import format_number
from ..model import Draft
from ..render import bullets, docs_draft
from ..table import FactTable, dedupe_subjects, matching


def applies(q: Question) -> bool:
    return any(f in DERIVED_FAMILIES for f in q.families)


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    fam = next(f for f in q.families if f in DERIVED_FAMILIES)
    if any(family_of(f.attribute) == fam for f in t.lookup_facts(q, facts)):
        return None  # a plain lookup shows what the document says
    subjects = q.entities or [e for _, e, _ in t.selected_entities(facts, q)]
    national = [f for f in t.of_family(facts, Attr.NATIONAL) if f.subject in subjects
                and f.value is not None]
    parts, used = [], []
    for doc_id, group in t.by_doc(national):
        lines = []
        for f in dedupe_subjects(group):
            ratio = matching(f, facts)
            if ratio is None:
                continue
            lines.append(derived_line(f, fam, ratio))
            used += [f] + ([ratio[3]] if ratio[3] else [])
        if lines:
            parts.append((doc_id, bullets(lines)))
    return docs_draft(t, parts, used) if parts else None


def derived_line(f: Fact, fam: str, ratio: tuple[int, int, str, Fact | None]) -> str:
    """"전주시 총사업비: 320억원 (국비 160억원 + 지방비 160억원, 국비:지방비=1:1)"."""
    a, b, key, _ = ratio
    local = f.value * b / a
    local_txt = f"{format_number(local)}{f.unit}"
    if fam == Attr.LOCAL:
        return f"{f.subject} {key}: {local_txt} (국비 {f.text} × {b}/{a}, 국비:{key}={a}:{b})"
    return (f"{f.subject} 총사업비: {format_number(f.value + local)}{f.unit} "
            f"(국비 {f.text} + {key} {local_txt}, 국비:{key}={a}:{b})")
