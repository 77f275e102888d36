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
    found = named_subjects(q, found)
    parts = [(doc_id, render_facts(t, fs, q)) for doc_id, fs in t.by_doc(found)]
    return docs_draft(t, parts, found)


def named_subjects(q: Question, found: list[Fact]) -> list[Fact]:
    """Of the facts of several subjects, those whose subject the question writes a word of ("홑벌이 … 기준" →
    홑벌이가구 of 단독·홑벌이·맞벌이가구): the longest such word, of three syllables or more, decides; all when it
    names none of them, or when the question names its targets (entities, categories) already."""
    subjects = {f.subject for f in found}
    if len(subjects) < 2 or q.entities or q.categories:
        return found
    words = [compact(t) for t in q.tokens if len(t) >= 3]  # two-syllable words (사업, 지원) name too much

    def named(subject: str) -> int:
        s = compact(subject)
        return max((len(w) for w in words if w and w in s), default=0)

    best = max(named(s) for s in subjects)
    keep = {s for s in subjects if named(s) == best}
    return [f for f in found if f.subject in keep] if best and len(keep) < len(subjects) else found
