"""Dates as published documents write them: ``2025. 6. 19.(목)``, ``2025-06-19``, ``2025년 6월 19일``,
``’25. 5. 8.`` and ``'25년 5월 8일`` (a two-digit year after an apostrophe), and the year-and-month forms of
a cover page (``2025. 1.``, ``2025년 1월``, ``(‘25. 10.)``).
"""

from __future__ import annotations

import re

# years counted from an announcement's own: "지난해 12월", "내년 예산" (the dates a sentence writes; the year a title's
# 지난해 speaks of: a January release "지난해 화재 3만 8,857건" is about the year before). Kept here, below every
# stage that reads them (the ingest of a document's years, the quantity parser), and named in qa.lexicon.
YEAR_SHIFT = {"내후년": 2, "내년": 1, "재작년": -2, "작년": -1, "지난해": -1, "전년": -1, "올해": 0, "금년": 0}
# the year a document says it is about: 2024년, 2024년도, and a school year, 2026학년도 (an education office's 2025
# release on the 2026학년도 recruitment is about 2026)
STATED_YEAR = r"(?<!\d)(20\d{2})\s*(?:학)?년"
TITLE_YEAR_WORDS = ("내후년", "내년", "재작년", "작년", "지난해")  # not 전년: a title's "전년 대비" compares, it names no topic

_APOS = "'’‘`´"
_YEAR = rf"(?:(?<!\d)(20\d{{2}})|[{_APOS}]\s*(\d{{2}}))"
_DAY_PATTERNS = (
    re.compile(_YEAR + r"\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?!\d)"),
    re.compile(_YEAR + r"\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"),
)
_MONTH_PATTERNS = (
    re.compile(_YEAR + r"\s*[./]\s*(\d{1,2})\s*\.?(?!\s*\d)"),
    re.compile(_YEAR + r"\s*년\s*(\d{1,2})\s*월(?!\s*\d{1,2}\s*일)"),
)
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*[:시]\s*([0-5]\d)?(?!\d)")


def _year(full: str | None, short: str | None) -> int:
    return int(full) if full else 2000 + int(short)


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Every full date in the text as ``(start, end, "YYYY-MM-DD")``, in text order."""
    found = []
    for pat in _DAY_PATTERNS:
        for m in pat.finditer(text):
            y, mo, d = _year(m.group(1), m.group(2)), int(m.group(3)), int(m.group(4))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                found.append((m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}"))
    return sorted(found)


def find_months(text: str) -> list[tuple[int, int, str]]:
    """Every year-and-month written without a day (``2025. 1.``, ``2025년 1월``) as ``(start, end, "YYYY-MM")``."""
    days = find_dates(text)
    found = []
    for pat in _MONTH_PATTERNS:
        for m in pat.finditer(text):
            y, mo = _year(m.group(1), m.group(2)), int(m.group(3))
            inside = any(s <= m.start() < e for s, e, _ in days)
            if 1 <= mo <= 12 and not inside:
                found.append((m.start(), m.end(), f"{y:04d}-{mo:02d}"))
    return sorted(found)


def first_date(text: str) -> str | None:
    """The first full date in the text (``YYYY-MM-DD``)."""
    dates = find_dates(text)
    return dates[0][2] if dates else None


def time_of(text: str) -> str | None:
    """The first clock time written after a date (``11:00``, ``16시``) as ``HH:MM``."""
    dates = find_dates(text)
    rest = text[dates[0][1]:] if dates else text
    m = _TIME.search(rest)
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}" if m else None


def years_in(text: str) -> list[int]:
    """The years of every full date and year-and-month in the text."""
    return [int(iso[:4]) for _, _, iso in find_dates(text) + find_months(text)]
