"""Table rules: pipe-table rows (one record per row, columns named by the header, merged cells already filled
down by the chunker). A first pass learns the entities and categories the sentences are resolved against."""

from __future__ import annotations

import re

from ..chunk import TOTAL_CELL, Chunk
from ..lexicon import CATEGORY_HEADERS, ENTITY_HEADERS, HEADER_UNITS, REGIONS, SERIAL_HEADERS, WHOLE
from ..text import find_span, parse_number
from .context import DocContext
from .model import Found

_ENTITY_HEADER = re.compile(ENTITY_HEADERS)
_CATEGORY_HEADER = re.compile(CATEGORY_HEADERS)
_SERIAL_HEADER = re.compile(SERIAL_HEADERS, re.I)
_ADMIN_ENTITY = re.compile(r"(특별자치시|특별자치도|특별시|광역시|시|군|도)$")


def split_entity(value: str) -> tuple[str, str | None]:
    """``"전북 전주시"`` → (``"전주시"``, ``"전북"``); other names are returned whole."""
    parts = value.split()
    if len(parts) == 2 and parts[0] in REGIONS:
        return parts[1], parts[0]
    return value.strip(), None


def header_unit(header: str) -> tuple[str, str]:
    """``"국비(억원)"`` → (``"국비"``, ``"억원"``)."""
    m = re.fullmatch(r"\s*(.+?)\s*[(\[]\s*(?:단위\s*[:：]?\s*)?([^()\[\]]+?)\s*[)\]]\s*", header)
    if m and re.search(HEADER_UNITS, m.group(2)):
        return m.group(1), m.group(2)
    return header.strip(), ""


def is_total_row(c: Chunk) -> bool:
    return any(TOTAL_CELL.match(v.strip()) for _, v in c.cells)


def table_rows(ctx: DocContext) -> list[Chunk]:
    return [c for c in ctx.chunks if c.kind == "table_row" and c.cells]


def table_columns(c: Chunk) -> tuple[int | None, int | None]:
    """(entity column, category column) of a row, by header words, else by values that look like place names."""
    headers = [h for h, _ in c.cells]
    values = [v for _, v in c.cells]
    ent_col = next((i for i, h in enumerate(headers) if _ENTITY_HEADER.search(h) and not
                    _CATEGORY_HEADER.fullmatch(h)), None)
    if ent_col is None:
        ent_col = next((i for i, v in enumerate(values) if _ADMIN_ENTITY.search(split_entity(v)[0])
                        and len(v) <= 20), None)
    if ent_col is None:
        return None, None  # without a name column the first column is the row's key, not a category
    cat_col = next((i for i, h in enumerate(headers) if _CATEGORY_HEADER.search(h) and i != ent_col), None)
    if cat_col is not None and (parse_number(values[cat_col]) is not None or cat_col > ent_col):
        cat_col = None  # a number is no category; a "구분" column after the name is a detail, not the category
    return ent_col, cat_col


def learn_entities(ctx: DocContext) -> None:
    """First pass: the entities and categories the table rows name (sentences are resolved against them)."""
    for c in table_rows(ctx):
        ent_col, cat_col = table_columns(c)
        if is_total_row(c) or ent_col is None:
            continue
        name, region = split_entity(c.cells[ent_col][1])
        category = c.cells[cat_col][1] if cat_col is not None else None
        if name:
            ctx.add_entity(name, region, category)
        if category and category not in ctx.categories:
            ctx.categories.append(category)


def table_facts(ctx: DocContext) -> list[Found]:
    out = []
    for c in table_rows(ctx):
        line = ctx.doc.lines[c.start - 1]
        out += total_row(c, line) if is_total_row(c) else table_row(c, line)
    return out


def table_row(c: Chunk, line: str) -> list[Found]:
    """One fact per cell of a row, about the row's entity (or its first cell)."""
    ent_col, cat_col = table_columns(c)
    key_col = ent_col if ent_col is not None else 0
    subject, region = split_entity(c.cells[key_col][1])
    if not subject:
        return []
    category = c.cells[cat_col][1] if cat_col is not None else None
    row_unit = header_unit(c.cells[key_col][1])[1]  # a row naming its unit ("증감률(%)") over its columns'
    out = []
    for i, (header, value) in enumerate(c.cells):
        if i == key_col or not value or _SERIAL_HEADER.match(header):
            continue
        attr, unit = header_unit(header)
        unit = row_unit or unit
        num = parse_number(value)
        span = find_span(line, value)
        raw_from = "cell"
        if span is None:  # a filled-down cell: point at the row's subject instead
            span = find_span(line, c.cells[key_col][1]) or (0, len(line))
            raw_from = "filled-down"
        out.append(Found(subject, attr, f"{value}{unit if num is not None and unit else ''}", c.start, span,
                         value=num, unit=unit if num is not None else "",
                         qualifiers={"category": category, "region": region, "source": f"table:{raw_from}",
                                     "column": header, "entity": ent_col is not None or None}))
    return out


def total_row(c: Chunk, line: str) -> list[Found]:
    """A 합계 row states document-level totals of its numeric columns."""
    out = []
    for header, value in c.cells:
        num = parse_number(value)
        span = find_span(line, value)
        if num is None or span is None or _SERIAL_HEADER.match(header):
            continue
        attr, unit = header_unit(header)
        out.append(Found(WHOLE, attr, f"{value}{unit}", c.start, span, value=num, unit=unit,
                         qualifiers={"total": True, "source": "table:total", "column": header}))
    return out
