"""sum: the total of an attribute over the named (or listed) entities, with the working shown; 총사업비 and
지방비 sums are derived from 국비 and the matching ratio when the document states none."""

from __future__ import annotations

from dataclasses import replace

from ...facts import Fact
from ...lexicon import DERIVED_FAMILIES, WHOLE, Attr
from ...quantity import COUNT, parse
from ...question import Question
from ...text import format_number
from ..model import Draft
from ..render import docs_draft
from ..table import FactTable, add, asked_quantities, dedupe_subjects, is_quantity, matching, one_unit


def applies(q: Question) -> bool:
    return q.intent == "sum"


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    excluded = q.excluded
    if len(q.entities) == 1 and not excluded:
        # one place named: its own quantities added ("전주 국비랑 지방비 더하면"), never the other places' (its
        # 총사업비 from 국비 and the matching ratio is then the ``total`` rule's)
        return quantities_sum(q, facts, t)
    subjects = q.entities if len(q.entities) >= 2 and not excluded else None
    if subjects is None:
        members = t.selected_entities(facts, replace(q, entities=[]) if excluded else q)
        subjects = [e for _, e, _ in members if e not in excluded] if members else None
    derived = derived_sum(q, facts, t, subjects)
    if derived:
        return derived
    fam_facts = t.numeric(q, facts, subjects)
    if not fam_facts and subjects is not None and not q.entities:
        # the selected places have none of it: counts stated per category add up ("세 유형 합쳐서 신청한 곳");
        # an amount stated per category may be each member's ("각 200억원"), so amounts are not summed so
        subjects = None
        fam_facts = {k: fs for k, fs in t.numeric(q, facts, None).items() if all(is_count(f) for f in fs)}
    if not fam_facts:
        return quantities_sum(q, facts, t)
    fs = [f for f in next(iter(fam_facts.values()))
          if f.subject in t.entity_names or (subjects is None and f.subject != WHOLE)]  # parts, not their whole
    parts, used = [], []
    for doc_id, group in t.by_doc(fs):
        group = dedupe_subjects(group)
        if len(group) < 2 or not one_unit(group):
            continue
        total, unit = add(group)
        working = " + ".join(f"{f.subject} {f.text}" for f in group)
        label = f"{group[0].attribute} 합계" + (f"({', '.join(excluded)} 제외)" if excluded else "")
        parts.append((doc_id, f"{label}: {total}{unit} ({working})"))
        used += group
    return docs_draft(t, parts, used) if parts else quantities_sum(q, facts, t)


def quantities_sum(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    """"국비와 지방비를 더하면": the one value an announcement states of each quantity the question names, added
    (not one quantity over several places, which :func:`run` adds)."""
    asked = asked_quantities(q)
    if len(asked) < 2:
        return None
    found = [f for f in t.lookup_facts(q, facts) if f.value is not None and not f.qualifiers.get("person")]
    parts, used = [], []
    for doc_id, group in t.by_doc(found):
        picks = []
        for how, key in asked:
            values = {f.text: f for f in group if is_quantity(f, how, key)}
            if len(values) != 1:
                break  # a quantity stated more than once (per place, per year) is no single term of the sum
            picks.append(next(iter(values.values())))
        else:
            if not one_unit(picks):  # 억원 and 명 do not add
                continue
            total, unit = add(picks)
            parts.append((doc_id, f"합계: {total}{unit} ({' + '.join(f'{f.attribute} {f.text}' for f in picks)})"))
            used += picks
    return docs_draft(t, parts, used, rule="sum:quantities") if parts else None


def is_count(f: Fact) -> bool:
    """A fact stating a count (3곳, 16개): a category's count is its own; its amount may be each member's."""
    return any(x.kind == COUNT for x in parse(f.text))


def derived_sum(q: Question, facts: list[Fact], t: FactTable, subjects: list[str] | None) -> Draft | None:
    """Sum of 총사업비 (or 지방비) computed from 국비 and the matching ratio, when the document states none."""
    fam = next((f for f in q.families if f in DERIVED_FAMILIES), None)
    if fam is None or any(f.subject in (subjects or [f.subject]) for f in t.of_family(facts, fam)):
        return None
    parts, used = [], []
    national = [f for f in t.of_family(facts, Attr.NATIONAL) if f.value is not None
                and f.subject in (subjects or t.entity_names)]
    for doc_id, group in t.by_doc(national):
        rows = []
        for f in dedupe_subjects(group):
            ratio = matching(f, facts)
            if ratio is None:
                rows = []
                break
            a, b, key, mfact = ratio
            rows.append((f, f.value * b / a + (f.value if fam == Attr.TOTAL_COST else 0), mfact))
        if len(rows) < 2:
            continue
        total = sum(v for _, v, _ in rows)
        unit = rows[0][0].unit
        working = " + ".join(f"{f.subject} {format_number(v)}{unit}" for f, v, _ in rows)
        a, b, key, _ = matching(rows[0][0], facts)
        label = Attr.TOTAL_COST if fam == Attr.TOTAL_COST else key
        parts.append((doc_id, f"{label} 합계: {format_number(total)}{unit} ({working}; 국비:{key}={a}:{b}로 계산)"))
        used += [f for f, _, _ in rows] + [m for _, _, m in rows if m]
    return docs_draft(t, parts, used, rule="sum:derived") if parts else None
