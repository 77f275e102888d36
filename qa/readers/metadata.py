"""A document's metadata from what it says about itself, weighed against the file's properties.

Precedence, field by field: the JSON sidecar > front matter > the document's own header and text > the
file's properties (decided in :func:`qa.ingest._document`; this module gives the last two).

* **From the text** (:func:`text_metadata`): a press release's header (:mod:`.release`), else the cover of
  a plan, notice or form (:mod:`.cover`), else a ``< … >`` caption or ``「…」`` name near the top; the
  publisher from the header or from ``기관(장관 이름)``; the department and contact rows from the contact
  table, wherever it stands.
* **Properties are templates' as often as documents'**: authoring tools keep the title and dates of the
  file a document was made from. A property is kept only where it agrees with the text (a title most of
  whose words the document's head holds, a publisher that extends the text's, a date in the month the
  cover states) or nothing else exists (:func:`choose_title`, :func:`choose_publisher`, :func:`choose_published`);
  a property date years before every date the text states is a template's and is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import ORG_ENDINGS, PUBLISHER_HEADS, TITLE_LABELS
from .cover import cover_block, cover_date, cover_title
from .dates import first_date, years_in
from .release import compact, contacts, read_release, row_cells

TEMPLATE_YEARS = 2  # a property date at least this many years before every date in the text is a template's
AGREEMENT = 0.6  # share of a title property's words the document's head must hold for the property to stand
HEAD_LINES = 6  # the first lines a title property is checked against
_PUBLISHER = re.compile(r"([가-힣]+(?:" + "|".join(sorted(map(re.escape, ORG_ENDINGS), key=len, reverse=True))
                        + r"|특별시|광역시|특별자치시|특별자치도))\s*\(\s*(?:" + "|".join(PUBLISHER_HEADS) + r")")


@dataclass(frozen=True)
class TextMeta:
    """What the text says about the document (``None`` where it says nothing)."""

    title: str | None = None
    published: str | None = None
    month: str | None = None  # "YYYY-MM" when the cover states only a year and month
    publisher: str | None = None
    department: str | None = None
    contacts: tuple[tuple[str, ...], ...] = ()
    first_date: str | None = None  # the first full date anywhere in the text
    years: tuple[int, ...] = ()  # the years of every date the text states


def caption_title(lines: list[str]) -> str | None:
    """A ``< … >`` caption or a ``「…」`` name in the first lines (how the ``.txt`` form writes a title)."""
    for line in lines[:15]:
        m = re.fullmatch(r"[<〈《]\s*(.+?)\s*[>〉》]", line.strip())
        if m:
            return m.group(1)
    for line in lines[:15]:
        m = re.search(r"[「『]\s*([^」』]{4,60})\s*[」』]", line)
        if m:
            return m.group(1)
    return None


def labeled_title(lines: list[str]) -> str | None:
    """A form's title cell: the value of the first ``| 품목명 | … |`` row (:data:`qa.lexicon.TITLE_LABELS`)."""
    for line in lines[:30]:
        cells = [c for c in dict.fromkeys(row_cells(line)) if c]
        if len(cells) >= 2 and compact(cells[0]) in TITLE_LABELS and len(compact(cells[1])) >= 4:
            return cells[1]
    return None


def text_publisher(text: str) -> str | None:
    """The body written ``기관(장관 이름)`` first in the text (``행정안전부(장관 윤호중)는``)."""
    m = _PUBLISHER.search(text)
    return m.group(1) if m else None


def text_metadata(lines: list[str]) -> TextMeta:
    """Title, dates, publisher, department and contacts as the document's own lines give them."""
    lines = [line for line in lines if line.strip()]
    text = "\n".join(lines)
    release = read_release(lines)
    people, department = contacts(lines)
    day, month = (release.published, None) if release and release.published else cover_date(lines)
    title = (release.title if release else None) or cover_title(lines) or caption_title(lines) or labeled_title(lines)
    return TextMeta(title=title, published=day, month=month,
                    publisher=(release.publisher if release else None) or text_publisher(text),
                    department=(release.department if release else None) or department,
                    contacts=tuple(c.as_tuple() for c in people), first_date=first_date(text),
                    years=tuple(years_in(text)))


def agreement(prop_title: str, head: str) -> float:
    """The share of a title property's words that the document's head (its title and first lines) holds: a
    document's own title, however shortened, shares most of its words; a template's shares few."""
    words = [w for w in re.split(r"[\s,·ㆍ()\[\]「」『』<>‘’'\"“”…:-]+", prop_title) if len(w) > 1]
    return sum(1 for w in words if w in compact(head)) / len(words) if words else 0.0


def choose_title(meta: TextMeta, prop: str | None, lines: list[str], fallback: str) -> str:
    """The title property where it agrees with the document's head (its title and cover, or its first
    lines: :data:`AGREEMENT` of the property's words); else
    the text's title; else the property (nothing else names the document); else ``fallback``."""
    opening = cover_block(lines) or [line for line in lines if line.strip()][:HEAD_LINES]
    head = "\n".join([meta.title or "", *opening])
    if prop and (meta.title or fallback) and agreement(prop, head) >= AGREEMENT:
        return prop
    return meta.title or prop or fallback


def choose_publisher(meta: TextMeta, prop: str | None) -> str | None:
    """The text's publisher; the property when it agrees and says more (``국토교통부 도시경제과`` for a
    text that names ``국토교통부``), or when the text names none."""
    if meta.publisher and prop and compact(meta.publisher) in compact(prop):
        return prop
    return meta.publisher or prop


def choose_published(meta: TextMeta, prop: str | None) -> tuple[str | None, str | None]:
    """``(published, month)``: the text's own date; a cover's year and month, made a day by a property
    date of that month; else the property date unless it is a template's; else the text's first date."""
    if meta.published:
        return meta.published, None
    if meta.month:
        return (prop, None) if prop and prop.startswith(meta.month) else (None, meta.month)
    if prop and meta.years and int(prop[:4]) <= min(meta.years) - TEMPLATE_YEARS:
        prop = None
    return (prop or meta.first_date), None
