"""The extraction walk: tables first (they name the entities), then every line's sentences and line rules,
then the metadata rules. Rules find values; this module resolves their subjects and collects the facts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..chunk import Chunk, is_pipe_row
from ..ingest import Document
from ..lexicon import NOTE_MARKS, SUB_BULLETS, Attr
from ..text import sentence_spans, squeeze
from . import lines, meta, tables
from .context import DocContext, FactSink
from .model import Fact, Found
from .sentences import SENTENCE_RULES, Sentence, Value
from .subjects import Topic, Where, mentions, resolve, resolve_field, subjects, topic

SUMMARY_LINE = re.compile(r"^\s*[-–]\s.*\s[-–]\s*$")  # "- 4곳 선정 … 총 800억원 투입 -" under a title


def extract_facts(documents: Iterable[Document], chunks: Iterable[Chunk]) -> list[Fact]:
    """Facts of every document, in document and line order."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    facts: list[Fact] = []
    for doc in documents:
        facts.extend(document_facts(doc, by_doc.get(doc.doc_id, [])))
    return facts


def document_facts(doc: Document, chunks: list[Chunk]) -> list[Fact]:
    ctx = DocContext(doc, chunks)
    sink = FactSink(ctx)
    tables.learn_entities(ctx)
    sink.add_all(tables.table_facts(ctx))
    line_facts(ctx, sink)
    meta_facts(ctx, sink)
    return sink.facts


def line_facts(ctx: DocContext, sink: FactSink) -> None:
    """Sentence and line rules over every non-blank line, tracking the topic of the current □ point."""
    pattern = ctx.entity_pattern()
    parent_topic: Topic | None = None
    for n, line in enumerate(ctx.doc.lines, start=1):
        s = line.strip()
        if not s:
            continue
        if is_pipe_row(s):
            sink.add_all(lines.contacts(ctx, n, line))
            continue
        chunk = ctx.chunk_of_line.get(n)
        section = chunk.section if chunk else ""
        found = mentions(ctx, line, pattern)
        own_topic = topic(line, found)
        is_sub = s[0] in SUB_BULLETS + NOTE_MARKS
        if not is_sub:
            parent_topic = own_topic
        line_topic = (own_topic or parent_topic) if is_sub else None  # a point's own later mention is no antecedent
        if SUMMARY_LINE.match(line):
            found, line_topic = [], None  # a summary under the title speaks of the whole announcement
        lines.define_labels(ctx, line)
        for start, end in sentence_spans(line):
            where = Where(line, start, end, found, line_topic, section)
            sentence = Sentence(line, start, end)
            for rule in SENTENCE_RULES:
                sink.add_all(resolved(ctx, n, where, rule(sentence)))
        sink.add_all(lines.entity_labels(ctx, n, line, found))
        sink.add_all(lines.label_value(ctx, n, line, section))
        sink.add_all(lines.people(ctx, n, line))
        sink.add_all(lines.contacts(ctx, n, line))


def resolved(ctx: DocContext, n: int, where: Where, values: list[Value]) -> list[Found]:
    """Each value once per subject it is about."""
    out = []
    for v in values:
        ents, cat = resolve_field(ctx, where, v.at) if v.scope == "field" else resolve(ctx, where, v.at)
        for subject, category in subjects(ctx, ents, cat):
            out.append(Found(subject, v.attribute, v.text, n, v.span, value=v.value, unit=v.unit,
                             qualifiers={"category": category, **v.qualifiers}))
    return out


def meta_facts(ctx: DocContext, sink: FactSink) -> None:
    title = squeeze(ctx.doc.title)
    for n, line in enumerate(ctx.doc.lines, start=1):
        if title and title in squeeze(line) and not sink.has(Attr.TITLE):
            sink.add_all(meta.title(ctx.doc.title, n, line))
        src = meta.source(n, line)
        if src:
            sink.add_all(src)
            continue
        sink.add_all(meta.websites(n, line))
        sink.add_all(meta.release_date(n, line))
