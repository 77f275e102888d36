"""How fact answers are written: one block per announcement, grouped facts, qualifier notes."""

from __future__ import annotations

from ..facts import Fact
from ..lexicon import WHOLE
from ..question import Question
from .model import Draft
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


def more_note(shown: int, total: int) -> str:
    """What a cut list leaves out: "외 12건 (총 32건)"."""
    return f"외 {total - shown}건 (총 {total}건)"


def cut_items(items: list[str], limit: int) -> tuple[list[str], int]:
    """The first ``limit`` items and how many that is (all of them when there are no more)."""
    return (items, len(items)) if len(items) <= limit else (items[:limit], limit)


def name_list(t: FactTable, names: list[str]) -> str:
    """"a, b, c", or the first ``t.list_items`` names and "외 N건 (총 M건)"."""
    shown, n = cut_items(names, t.list_items)
    return ", ".join(shown) + ("" if n == len(names) else f" {more_note(n, len(names))}")


def docs_draft(t: FactTable, parts: list[tuple[str, str]], facts: list[Fact], rule: str = "") -> Draft:
    """The fact draft of per-announcement blocks (:func:`join_docs`), bounded whatever the corpus size: at
    most ``t.list_items`` blocks within ``t.max_chars`` characters. When blocks are left out, the text ends
    with "… 외 N건 (총 M건)", ``items`` keep every block (the API pages through them) and ``facts`` only
    those of the announcements shown."""
    text = join_docs(t, parts)
    if len(parts) <= 1 or (len(parts) <= t.list_items and len(text) <= t.max_chars):
        return Draft(cap_text(text, t.max_chars), "fact", facts, rule=rule)
    blocks = [f"{doc_label(t, doc_id)} {block}" for doc_id, block in parts]
    tail = f"… {more_note(0, len(blocks))}"
    shown, size = 0, 0
    for b in blocks[: t.list_items]:
        if shown and size + len(b) + 1 + len(tail) > t.max_chars:
            break
        shown, size = shown + 1, size + len(b) + 1
    head = cap_text("\n".join(blocks[:shown]), t.max_chars - len(tail) - 1)
    docs = {doc_id for doc_id, _ in parts[:shown]}
    return Draft(f"{head}\n… {more_note(shown, len(blocks))}", "fact", [f for f in facts if f.doc_id in docs],
                 rule=rule, items=blocks, shown=shown)


def cap_text(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a line (else item) boundary, marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]
    for sep in ("\n", ", ", " "):
        at = cut.rfind(sep)
        if at > limit // 2:
            return cut[:at] + " …"
    return cut + " …"


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
        return _bounded_bullets(t, lines)
    return _bounded_bullets(t, [f"{_subject_label(t, f, q)}{f.attribute}: {f.text}{qualifier_note(f)}" for f in fs])


def _bounded_bullets(t: FactTable, lines: list[str]) -> str:
    shown, n = cut_items(lines, t.list_items)
    return bullets(shown if n == len(lines) else [*shown, f"… {more_note(n, len(lines))}"])


def _subject_label(t: FactTable, f: Fact, q: Question) -> str:
    """"전주시 ", "거점형(전주시) " for a category fact shown for a named entity, "" for the whole document."""
    subj = f.subject
    if q.entities and f.subject not in q.entities and f.subject not in t.entity_names:
        members = [e for e in q.entities if any(g.qualifiers.get("category") == f.subject
                                                for g in t.of_subject(f.doc_id, e))]
        if members:
            subj = f"{f.subject}({', '.join(members)})"
    return "" if subj == WHOLE else subj + " "
