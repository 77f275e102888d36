"""The standard Korean press-release layout, read from a document's lines (so from every format, ``.txt``
included): what the file's header says about the document itself.

Nearly every ministry release opens with a header table and ends with a contact table::

    | 보도자료 |                                              ← the marker (qa.lexicon.RELEASE_MARKERS)
    | 보도시점 | 2024. 6. 21.(금) 11:00 | 배포 | 2024. 6. 21.(금) 09:00 |   ← reporting and handing-out time
    | ‘24년 1분기 해외직접투자는 150.9억 달러로 … 감소 |          ← the headline (a one-cell row or a line)
    - 부제 -                                                ← sub-headlines
    …
    | 담당 부서 | 대외경제국 | 책임자 | 과 장 | 강병중 | (044-215-7630) |
    | | 국제경제과 | 담당자 | 사무관 | 황예진 | (yejin1210@korea.kr) |
    붙임 1. … 1부.

:func:`read_release` turns that into a :class:`Release`: the headline as the title, the reporting date
(the handing-out date when it is reported "배포 즉시") as the published date, the publisher (a body named in
the header, or the spokesperson's closing box), the department and the contact rows, and the attachments.
The words are data in :mod:`qa.lexicon`; the rows may be pipe rows, ``label: value`` lines or
``기관 보도자료 | 날짜`` lines, in whatever order the header puts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import (
    ATTACHMENT_LABELS,
    CONTACT_RANKS,
    CONTACT_ROLE_LABELS,
    CONTACT_TABLE_LABELS,
    IMMEDIATE_WORDS,
    ORG_ENDINGS,
    RELEASE_MARKERS,
    RELEASE_SENT_LABELS,
    RELEASE_TIME_LABELS,
    SENTENCE_ENDINGS,
    SPOKESPERSON,
    WEEKDAYS,
)
from .dates import find_dates, time_of

HEAD_LINES = 16  # the header, headline and sub-headlines stand within the first lines
MARKER_LINES = 5  # the marker (보도자료) or a date label opens the file
_BODY = re.compile(r"^\s*\|?\s*([□■○◦ㅇ●◎※◈▶▷❍]|[ⅠⅡⅢⅣⅤ]\.?\s|\d{1,2}\.\s|[➊-➓❶-❿])")
_SUBTITLE = re.compile(r"^\s*[-–]\s*(.+?)\s*[-–]?\s*$")
_CAPTION = re.compile(r"^\s*[<〈《]\s*(.+?)\s*[>〉》]\s*$")
_PHONE = r"\d{2,4}[-)]\s?\d{3,4}-\d{4}|0\d{1,2}-\d{3,4}-\d{4}|\(\d{4}\)|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_RANKS = "|".join(sorted((r"\s*".join(r) for r in CONTACT_RANKS), key=len, reverse=True))
_PERSON = re.compile(r"(?P<name>[가-힣]{2,4}|[가-힣]?○{2,3})\s*(?P<rank>" + _RANKS + r")?\s*[(（]?\s*(?P<phone>"
                     + _PHONE + r")")


@dataclass(frozen=True)
class Contact:
    """One person of a contact row: department, role (책임자/담당자), rank (과장, 사무관), name, phone or e-mail."""

    department: str | None
    role: str | None
    rank: str | None
    name: str
    phone: str | None

    def as_tuple(self) -> tuple[str, ...]:
        return tuple(v or "" for v in (self.department, self.role, self.rank, self.name, self.phone))


@dataclass(frozen=True)
class Release:
    """What a release's own layout says about it (fields the layout does not give are ``None``/empty)."""

    marker: str | None = None
    title: str | None = None
    subtitles: tuple[str, ...] = ()
    published: str | None = None  # the reporting date, else the handing-out date (YYYY-MM-DD)
    time: str | None = None  # the reporting time (HH:MM)
    sent: str | None = None  # the handing-out date
    publisher: str | None = None
    department: str | None = None
    contacts: tuple[Contact, ...] = ()
    attachments: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------------ small readers
def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def row_cells(line: str) -> list[str]:
    """A pipe row's cells, a ``a | b`` line's parts, or the line itself as one cell."""
    s = line.strip()
    if s.startswith("|") and s.endswith("|") and len(s) > 1:
        s = s[1:-1]
    return [c.strip() for c in s.split("|")] if "|" in s else [s.strip()]


def _label_pattern(labels: tuple[str, ...]) -> re.Pattern:
    alts = sorted((r"\s*".join(map(re.escape, compact(w))) for w in labels), key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(alts) + r")(?![가-힣])\s*[:：]?\s*")


_TIME_LABEL = _label_pattern(RELEASE_TIME_LABELS)
_SENT_LABEL = _label_pattern(RELEASE_SENT_LABELS)
_CONTACT_LABEL = _label_pattern(CONTACT_TABLE_LABELS)
_MARKER = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, RELEASE_MARKERS)) + r")\s*$")
_SENTENCE_END = re.compile(r"(?:" + "|".join(SENTENCE_ENDINGS) + r")\s*[.。]\s*$")  # headlines have no full stop
_SPOKESPERSON = re.compile(r"([가-힣]{2,20}(?:" + "|".join(map(re.escape, ORG_ENDINGS)) + r"))\s*(?:"
                          + "|".join(SPOKESPERSON) + ")")
_ATTACHMENT = re.compile(r"^\s*\|?\s*(?:" + "|".join(ATTACHMENT_LABELS) + r")(?![가-힣])\s*\|?\s*(?:\d{1,2}\s*[.)]\s*)?(.+)$")


def is_org_name(text: str) -> bool:
    """A public body's name alone (``국토연구원``, ``기상청``, ``한국개발연구원(KDI)``), not a headline."""
    s = re.sub(r"\s*\([^)]*\)\s*$", "", text.strip())
    return (2 <= len(compact(s)) <= 20 and len(s.split()) <= 3 and not re.search(r"\d", s)
            and s.endswith(ORG_ENDINGS))


def marker_of(cell: str) -> tuple[str, str] | None:
    """``(marker, the body named before it)`` of a cell such as ``보도자료`` or ``한국은행 보도자료``."""
    m = _MARKER.search(cell.strip())
    if not m:
        return None
    before = cell.strip()[:m.start(1)].strip()
    return m.group(1), before if before and is_org_name(before) else ""


def labeled_values(cells: list[str], label: re.Pattern) -> list[str]:
    """The values of the cells that ``label`` opens: the rest of the cell, or the next cell when it is empty."""
    out = []
    for i, cell in enumerate(cells):
        m = label.match(cell)
        if not m:
            continue
        rest = cell[m.end():].strip()
        if not rest:
            rest = next((c for c in cells[i + 1:] if c.strip() and c.strip() != cell.strip()), "")
        out.append(rest)
    return out


def is_release(lines: list[str]) -> bool:
    """True when the file opens with a release marker or a reporting/handing-out date label."""
    head = [line for line in lines if line.strip()][:MARKER_LINES]
    for line in head:
        cells = row_cells(line)
        if any(marker_of(c) for c in cells) or labeled_values(cells, _TIME_LABEL) or labeled_values(cells, _SENT_LABEL):
            return True
    return False


# ------------------------------------------------------------------------------------------------ the header
def release_dates(head: list[str]) -> tuple[str | None, str | None, str | None]:
    """``(published, time, sent)`` from the header: the reporting date (보도시점 …), else the handing-out
    date (배포 …, as when it is reported "배포 즉시"), else a date written in the marker's row."""
    report, sent, loose = None, None, None
    time = None
    for line in head:
        cells = row_cells(line)
        for value in labeled_values(cells, _TIME_LABEL):
            dates = find_dates(value)
            if dates and report is None:
                report, time = dates[0][2], time_of(value)
        for value in labeled_values(cells, _SENT_LABEL):
            dates = find_dates(value)
            if dates and sent is None:
                sent = dates[0][2]
        if loose is None and any(marker_of(c) for c in cells):
            dates = find_dates(line)
            loose = dates[0][2] if dates else None
    return report or sent or loose, time, sent


def is_header_line(line: str) -> bool:
    """A header row: the marker, a date label or a contact label in one of its cells."""
    cells = row_cells(line)
    return any(marker_of(c) or _TIME_LABEL.match(c) or _SENT_LABEL.match(c) or _CONTACT_LABEL.match(c)
               for c in cells if c)


def headline_candidate(line: str) -> str | None:
    """The text of a line that can be the headline: a one-cell row, a ``< … >`` caption or a plain line
    (not a bullet, a sub-headline, a date, a sentence or a body's name alone)."""
    cells = [c for c in dict.fromkeys(row_cells(line)) if c]
    if len(cells) != 1:
        return None
    text = cells[0]
    m = _CAPTION.match(text)
    text = m.group(1) if m else text
    if (_BODY.match(text) or _SUBTITLE.match(text) or is_org_name(text) or len(compact(text)) < 6
            or re.fullmatch(r"[\d\s.()~:" + WEEKDAYS + r"-]+", text) or _SENTENCE_END.search(text)):
        return None
    return text


def headline(head: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """The headline and the sub-headlines after it, from the header lines."""
    for i, line in enumerate(head):
        if is_header_line(line):
            continue
        if _BODY.match(line):
            return None, ()
        title = headline_candidate(line)
        if title:
            return title, subtitles(head[i + 1:])
    return None, ()


def subtitles(lines: list[str]) -> tuple[str, ...]:
    """The ``- 부제 -`` lines (or one-cell rows) right after the headline."""
    out = []
    for line in lines:
        cells = [c for c in row_cells(line) if c]
        m = _SUBTITLE.match(cells[0]) if len(cells) == 1 else None
        if not m:
            break
        out.append(m.group(1))
    return tuple(out)


def header_publisher(head: list[str], lines: list[str]) -> str | None:
    """A body the header names (``| 기상청 | 보도자료 |``, ``한국은행 보도자료``, a ``| 국토연구원 |`` row), or
    the one whose spokesperson signs the closing box (``기획재정부 대변인``)."""
    for line in head:
        cells = [c for c in row_cells(line) if c]
        for cell in cells:
            found = marker_of(cell)
            if found and found[1]:
                return found[1]
        if any(marker_of(c) for c in cells) or len(set(cells)) == 1:
            org = next((c for c in cells if is_org_name(c)), None)
            if org:
                return org
    for line in lines[::-1]:
        m = _SPOKESPERSON.search(line)
        if m:
            return m.group(1)
    return None


# ------------------------------------------------------------------------------------------------ contacts
def _rank_of(token: str) -> str | None:
    t = compact(token)
    return next((r for r in sorted(CONTACT_RANKS, key=len, reverse=True) if t.endswith(r)), None)


def split_rank(tokens: list[str]) -> tuple[list[str], str | None]:
    """The words before a name as ``(department words, rank)``: ``과 장`` is a rank, ``예산실 예산총괄과장``
    the department 예산실 예산총괄과 and the rank 과장."""
    if not tokens:
        return [], None
    whole = compact(" ".join(tokens))
    if whole in CONTACT_RANKS:
        return [], whole
    last = compact(tokens[-1])
    rank = _rank_of(last)
    if rank is None:
        return tokens, None
    if last == rank:
        return tokens[:-1], rank
    unit = last[: len(last) - len(rank)] + (rank[:-1] if rank.endswith("장") else "")
    return tokens[:-1] + [unit], rank[-2:] if rank.endswith("장") else rank


def people(text: str, department: str | None, role: str | None) -> list[Contact]:
    """The people a contact cell (or a row's joined cells) names: ``과장 김○○ (02-…)``,
    ``예산실 예산총괄과장 박준호 (044-…)``, ``김영임 서기관(044-…) 구정대 사무관(044-…)``."""
    out = []
    pos = 0
    for m in _PERSON.finditer(text):
        dept, rank = split_rank([t for t in text[pos:m.start()].split() if re.search(r"[가-힣A-Za-z]", t)])
        pos = m.end()
        rank = compact(m.group("rank") or "") or rank
        out.append(Contact(clean_department(" ".join(dept)) or department, role, rank, m.group("name"),
                           m.group("phone")))
    return out


def clean_department(text: str) -> str:
    """A department as a name: cut before the first phone number or bracketed address/number."""
    m = re.search(r"\([^)]*\d[^)]*\)|" + _PHONE, text)
    return re.sub(r"\s+", " ", text[:m.start()] if m else text).strip(" ,·/|")


def contact_row(cells: list[str], department: str | None) -> tuple[list[Contact], str | None]:
    """The people of one contact row and its department: the cells before its first role (``책임자``,
    ``담당자`` …), or only the label's own value in a row that names no role; else the department carried
    from the row above."""
    dept_parts: list[str] = []
    found: list[Contact] = []
    role: str | None = None
    segment: list[str] = []
    cells = [c for c in cells if c]
    has_role = any((m := _CONTACT_LABEL.match(c)) and compact(c[:m.end()]).rstrip(":：") in CONTACT_ROLE_LABELS
                   for c in cells)
    for i, cell in enumerate(cells):
        label = _CONTACT_LABEL.match(cell)
        name = compact(cell[:label.end()]).rstrip(":：") if label else ""
        rest = cell[label.end():].strip() if label else cell
        if name in CONTACT_ROLE_LABELS:
            found.extend(people(" ".join(segment), clean_department(" ".join(dept_parts)) or department, role)
                         if segment else [])
            role, segment = name, [rest] if rest else []
        elif role is None and (has_role or not dept_parts):
            dept_parts.extend([rest] if rest and (has_role or i <= 1) else [])
        elif role is not None:
            segment.append(cell)
    found.extend(people(" ".join(segment), clean_department(" ".join(dept_parts)) or department, role)
                 if segment else [])
    return inherit_departments(found), clean_department(" ".join(dict.fromkeys(dept_parts))) or department


def inherit_departments(found: list[Contact]) -> list[Contact]:
    """A person of a row with no department of their own works in the department of the person before
    (``담당과장 | 예산실 예산총괄과장 박준호 … | 담당자 | 김영임 서기관 …``)."""
    out: list[Contact] = []
    for c in found:
        if not c.department and out and out[-1].department:
            c = Contact(out[-1].department, c.role, c.rank, c.name, c.phone)
        out.append(c)
    return out


def contact_units(lines: list[str]) -> list[list[list[str]]]:
    """The contact rows grouped into units: a row a contact label opens (``담당 부서``, ``담당과장`` …; on a
    line that is not a table row, ``label:``) and the rows below it whose first cell is empty (its merged
    label) and that name a phone."""
    units: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in lines:
        cells = row_cells(line)
        label = _CONTACT_LABEL.match(cells[0]) if cells else None
        if label and (line.lstrip().startswith("|") or re.search(r"[:：]\s*$", cells[0][:label.end()])):
            current = [cells]
            units.append(current)
        elif current is not None and cells and not cells[0] and re.search(_PHONE, line):
            current.append(cells)
        else:
            current = None
    return units


def contacts(lines: list[str]) -> tuple[tuple[Contact, ...], str | None]:
    """Every person of the contact rows (header or closing table), and the department of the first unit."""
    found: list[Contact] = []
    first: list[str] = []
    for n, unit in enumerate(contact_units(lines)):
        department = None
        for cells in unit:
            row, department = contact_row(cells, department)
            found.extend(c for c in row if c.as_tuple()[1:] not in {f.as_tuple()[1:] for f in found})
            if n == 0:
                first.extend(d for d in [c.department for c in row] + [department] if d and d not in first)
    return tuple(found), (_nested_departments(first) or None)


def _nested_departments(parts: list[str]) -> str:
    """Department names joined, a name that another already contains left out (``예산실 예산총괄과`` and
    ``예산실`` are one department)."""
    keep = [p for p in parts if not any(p != q and p in q for q in parts)]
    return " ".join(keep)


# ------------------------------------------------------------------------------------------------ the whole
def attachments(lines: list[str]) -> tuple[str, ...]:
    """The attachments listed on ``붙임 1. … 1부.`` lines (or a ``| 별첨 | … |`` row)."""
    out = []
    for line in lines:
        m = _ATTACHMENT.match(line)
        if m:
            text = re.sub(r"\s*\|\s*", " ", m.group(1)).strip(" |")
            if text:
                out.append(text)
    return tuple(out)


def read_release(lines: list[str]) -> Release | None:
    """The release layout of a document's lines, or ``None`` when it does not open as a release."""
    lines = [line for line in lines if line.strip()]
    if not is_release(lines):
        return None
    head = lines[:HEAD_LINES]
    marker = next((found[0] for line in head for c in row_cells(line) for found in [marker_of(c)] if found), None)
    published, time, sent = release_dates(head)
    title, subs = headline(head)
    people_found, department = contacts(lines)
    if published is None and any(w in line for line in head for w in IMMEDIATE_WORDS):
        published = sent
    return Release(marker=marker, title=title, subtitles=subs, published=published, time=time, sent=sent,
                   publisher=header_publisher(head, lines), department=department, contacts=people_found,
                   attachments=attachments(lines))
