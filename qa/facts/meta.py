"""Metadata rules: what the announcement says about itself — title (and its year), source, websites, release
date cells."""

from __future__ import annotations

import re

from ..chunk import is_pipe_row, split_cells
from ..lexicon import WHOLE, Attr
from ..text import find_span, squeeze
from .model import Found

SOURCE_LINE = re.compile(r"^\s*(원출처|출처)\s*[:：]\s*(?P<url>https?://\S+)")
WEBSITE = re.compile(r"(?P<name>[가-힣A-Za-z·]+(?:\s[가-힣A-Za-z·]+){0,3})?\s*\(?(?P<url>(?:https?://|www\.)"
                     r"[\w.-]+\.[a-z]{2,}[\w/.?=&%-]*)")
RELEASE_LABEL = re.compile(r"보도(시점|일시|일)|배포(일시|일)?|공고일")


def title(title_text: str, n: int, line: str) -> list[Found]:
    """The line that holds the title: 제목, and 연도 when the title names a year."""
    m = re.search(re.escape(title_text), line)
    if not m:
        return []
    out = [Found(WHOLE, Attr.TITLE, title_text, n, m.span())]
    y = re.search(r"(20\d{2})\s*년", title_text)
    if y:
        out.append(Found(WHOLE, Attr.YEAR, f"{y.group(1)}년", n, (m.start() + y.start(), m.start() + y.end()),
                         value=float(y.group(1)), unit="년"))
    return out


def source(n: int, line: str) -> list[Found]:
    """``출처: https://…``."""
    src = SOURCE_LINE.match(line)
    return [Found(WHOLE, Attr.SOURCE, src.group("url"), n, src.span("url"))] if src else []


def websites(n: int, line: str) -> list[Found]:
    """``스마트도시 누리집(www.smartcity.go.kr)``: the site under the name before it."""
    return [Found((m.group("name") or "").strip() or WHOLE, Attr.WEBSITE, m.group("url").rstrip(").,"), n,
                  m.span("url")) for m in WEBSITE.finditer(line)]


def release_date(n: int, line: str) -> list[Found]:
    """``| 보도시점 | 2025. 3. 5.(수) |``: the cell after a release-date label."""
    if not is_pipe_row(line):
        return []
    cells = split_cells(line)
    out = []
    for i, cell in enumerate(cells[:-1]):
        label = squeeze(cell)
        if RELEASE_LABEL.fullmatch(label) and cells[i + 1]:
            span = find_span(line, cells[i + 1])
            if span:
                out.append(Found(WHOLE, label, cells[i + 1], n, span))
    return out
