"""The cover of a document that is not a press release (a plan, a notice, a request for proposals, a form,
a guide): its title and its date, read from the lines before the body starts.

* **The cover block** is the lines before the first body line (a bullet, a numbered or Roman section, a
  table of several cells), at most :data:`COVER_LINES` of them (:func:`cover_block`).
* **The title** is the first boxed one-cell row of the block that is not a table of contents, a date or a
  body's name alone; else its first heading-like line (not a sentence, a date, a notice number or the
  issuer's signature) (:func:`cover_title`). Letter-spaced titles (``통 합 재 정 통 계``) are closed up and a
  lead-in phrase (``- 4·19민주묘지에 울려퍼지는 -``) before the title is left out (:func:`clean_title`).
* **The date** is the first date of the block that closes its line (``2023.  7.  5.``, ``… (2023.5.18.)``,
  ``… / '25년 5월 8일``) and is not the period a figure refers to (``2010.1월 누계 기준``): a full date,
  else a year and month (``2025. 1.``) (:func:`cover_date`).
"""

from __future__ import annotations

import re

from ..lexicon import (
    CONTENTS_WORDS,
    DATE_REFERENCE_WORDS,
    NOTICE_KINDS,
    PUBLISHER_HEADS,
    RELEASE_MARKERS,
    SENTENCE_ENDINGS,
    WEEKDAYS,
)
from .dates import find_dates, find_months
from .release import compact, is_org_name, row_cells

COVER_LINES = 12
_BODY = re.compile(r"^\s*\|?\s*([□■○◦ㅇ●◎◈▶▷❍]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ](?:\.|\s|\|)|\d{1,2}\s*\.\s|[➊-➓❶-❿]|[가-하]\.\s)")
_CONTENTS = re.compile("|".join(r"\s*".join(map(re.escape, w)) for w in CONTENTS_WORDS) + r"|·{4,}|…{3,}", re.I)
_NOTICE_NUMBER = re.compile(r"(?:" + "|".join(NOTICE_KINDS) + r")\s*제?\s*[\d-]+\s*호")
_SENTENCE = re.compile(r"(?:" + "|".join(SENTENCE_ENDINGS) + r")\s*[.。]\s*$")  # titles have no full stop
_SIGNATURE = re.compile(r"(" + "|".join(PUBLISHER_HEADS) + r"|위원회위원장)\s*$")
_LEAD_IN = re.compile(r"^\s*[-–]\s*[^-–]{2,40}?\s*[-–]\s*")


def is_body_line(line: str) -> bool:
    """A bullet, a numbered or Roman section, or a table row of several cells: the cover is over."""
    cells = [c for c in dict.fromkeys(row_cells(line)) if c]
    return bool(_BODY.match(line)) or (line.lstrip().startswith("|") and len(cells) > 1)


def cover_block(lines: list[str]) -> list[str]:
    """The lines before the body starts (at most :data:`COVER_LINES`)."""
    out = []
    for line in lines:
        if not line.strip():
            continue
        if is_body_line(line) or len(out) >= COVER_LINES:
            break
        out.append(line)
    return out


def clean_title(text: str) -> str:
    """A title as a title: letter-spaced runs closed up (``제 안 요 청 서`` → ``제안요청서``), a lead-in
    phrase between dashes before it left out."""
    text = re.sub(r"^\s*[<〈《]\s*(.+?)\s*[>〉》]\s*$", r"\1", text.strip())
    text = _LEAD_IN.sub("", text) or text
    return re.sub(r"(?<![가-힣])((?:[가-힣] ){2,}[가-힣])(?![가-힣])", lambda m: m.group(1).replace(" ", ""), text)


def _is_date_only(text: str) -> bool:
    return bool(find_dates(text) or find_months(text)) and not re.search(r"[가-힣A-Za-z]{2,}", re.sub(
        f"[{WEEKDAYS}]요?일?|년|월|일", "", text))


def box_title(block: list[str]) -> str | None:
    """The first boxed one-cell row that can be a title."""
    for line in block:
        if not line.lstrip().startswith("|"):
            continue
        text = next((c for c in row_cells(line) if c), "")
        if (6 <= len(compact(text)) <= 100 and not _CONTENTS.search(text) and not _is_date_only(text)
                and not _SENTENCE.search(text) and not is_org_name(text) and compact(text) not in RELEASE_MARKERS):
            return text
    return None


def heading_title(block: list[str]) -> str | None:
    """The first plain line of the block that reads as a heading."""
    for line in block:
        text = line.strip()
        if text.startswith("|"):
            continue
        if (6 <= len(compact(text)) <= 100 and not _SENTENCE.search(text) and not _is_date_only(text)
                and not _NOTICE_NUMBER.search(text) and not _SIGNATURE.search(text) and not is_org_name(text)
                and not _CONTENTS.search(text)):
            return text
    return None


def cover_title(lines: list[str]) -> str | None:
    """The document's title from its cover (see the module docstring)."""
    block = cover_block(lines)
    title = box_title(block) or heading_title(block)
    return clean_title(title) if title else None


def _refers_to_period(text: str, end: int) -> bool:
    after = text[end:end + 12]
    return any(after.lstrip(" .)").startswith(w) or f" {w}" in after[:8] for w in DATE_REFERENCE_WORDS)


def _ends_line(text: str, end: int) -> bool:
    """The date closes its line (a weekday, a bracket or a full stop may follow): a cover's date, not a
    period named in a title (``2023년 12월 한국관광통계``)."""
    return bool(re.fullmatch(rf"\s*(?:\(\s*[{WEEKDAYS}]\s*\))?[\s.)\]」』|]*", text[end:]))


def cover_date(lines: list[str]) -> tuple[str | None, str | None]:
    """``(full date, year-month)`` the cover states (the first of them), each ``None`` when absent: a date
    that closes its line and is not the period a figure refers to."""
    for line in cover_block(lines):
        dates = [d for d in find_dates(line) if _ends_line(line, d[1]) and not _refers_to_period(line, d[1])]
        if dates:
            return dates[0][2], None
        months = [m for m in find_months(line) if _ends_line(line, m[1]) and not _refers_to_period(line, m[1])]
        if months:
            return None, months[0][2]
    return None, None
