"""How fact answers are written: one block per announcement, grouped facts, qualifier notes."""

from __future__ import annotations

from ..facts import Fact
from ..lexicon import WHOLE
from ..question import Question
from .table import FactTable


def bullets(lines: list[str]) -> str:
    """One line as is; several as a bullet list."""
    return lines[0] if len(lines) == 1 else "\n".join(f"• {x}" for x in lines)


def doc_label(t: FactTable, doc_id: str) -> str:
    d = t.docs[doc_id]
    return f"[{d.title}" + (f", {d.published}]" if d.published else "]")


def join_docs(t: FactTable, parts: list[tuple[str, str]]) -> str:
    """One block per document; labelled with title and date when there is more than one."""
    if len(parts) == 1:
        return parts[0][1]
    return "\n".join(f"{doc_label(t, doc_id)} {text}" for doc_id, text in parts)


def qualifier_note(f: Fact) -> str:
    notes = [f.qualifiers[k] for k in ("bound", "period", "matching") if f.qualifiers.get(k)]
    return f" ({', '.join(notes)})" if notes else ""


def render_facts(t: FactTable, fs: list[Fact], q: Question) -> str:
    """Facts as "subject attribute: value (notes)" lines; equal values of several subjects share a line."""
    groups: dict[tuple[str, str, str], list[Fact]] = {}
    for f in fs:
        groups.setdefault((f.attribute, f.text, qualifier_note(f)), []).append(f)
    if len(fs) > 2 and len(groups) < len(fs):
        lines = []
        for (attr, text, note), g in groups.items():
            subjects = [x.subject for x in g if x.subject != WHOLE]
            who = f" — {', '.join(subjects)}" if subjects else ""
            each = "각 " if len(subjects) > 1 else ""
            lines.append(f"{attr}: {each}{text}{note}{who}")
        return bullets(lines)
    return bullets([f"{_subject_label(t, f, q)}{f.attribute}: {f.text}{qualifier_note(f)}" for f in fs])


def _subject_label(t: FactTable, f: Fact, q: Question) -> str:
    """"전주시 ", "거점형(전주시) " for a category fact shown for a named entity, "" for the whole document."""
    subj = f.subject
    if q.entities and f.subject not in q.entities and f.subject not in t.entity_names:
        members = [e for e in q.entities if any(g.subject == e and g.qualifiers.get("category") == f.subject
                                                for g in t.facts if g.doc_id == f.doc_id)]
        if members:
            subj = f"{f.subject}({', '.join(members)})"
    return "" if subj == WHOLE else subj + " "
