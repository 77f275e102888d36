"""Whether the dates a question names fit the dates a passage speaks of ("2022년 12월" asked, "12월" given)."""

from __future__ import annotations

from collections.abc import Sequence

from ..quantity import DATE, parse


def _dates(text: str, year: int | None) -> list[str]:
    """The dates a text states, a period by its two ends."""
    return [d for q in parse(text, year) if q.kind == DATE and q.date for d in q.date.split("/")]


def _ymd(iso: str) -> tuple[str | None, ...]:
    """ "2023-12" → ("2023", "12", None); "--12" (a month without a year) → (None, "12", None); "---05" (a day
    alone) → (None, None, "05")."""
    if iso.startswith("---"):
        return None, None, iso[3:] or None
    parts = (iso.split("-") + [None, None])[:3] if not iso.startswith("-") else [None] + iso.lstrip("-").split("-")
    return tuple((p or None) for p in (parts + [None, None])[:3])


def _date_relation(q: str, u: str, whole: bool = False) -> float:
    """1 when the candidate's date fits the question's in every part both state (0.5 when the candidate leaves
    out a year the question names: "12월" read for "2022년 12월"), -1 when a part differs. With ``whole`` (a
    figure is asked, not a date), a month's figure given for a year ("12월 방한객" for "2023년") is a part of the
    period: -0.5."""
    qa, ua = _ymd(q), _ymd(u)
    if whole and qa[0] and not qa[1] and ua[1] and not ua[2] and ua[0] in (None, qa[0]):
        return -0.5
    shared = [(a, b) for a, b in zip(qa, ua, strict=True) if a and b and not a.startswith(("H", "Q")) and not b.startswith(("H", "Q"))]
    if not shared:
        return 0
    if not all(a == b for a, b in shared):
        return -1
    if qa[0] and qa[1] and ua[0] and not ua[1]:
        return -1  # "2023년 12월" asked, a figure of the whole of 2023 given: another period
    # a part the question names that the candidate leaves out: "2022년 12월" read as "12월", or as "2022년"
    return 0.5 if any(x and not y for x, y in zip(qa, ua, strict=True)) else 1


def date_agreement(q_dates: Sequence[str], unit_dates: Sequence[str], whole: bool = False) -> float:
    """+1 when every date the question names fits one the candidate names, -1 when the candidate only names
    others (2022년 12월 asked, 2023년 12월 given), 0 when it says nothing about dates."""
    if not q_dates or not unit_dates:
        return 0.0
    rel = [max(_date_relation(d, u, whole) for u in unit_dates) for d in q_dates]
    if any(r < 0 for r in rel):
        return min(rel)
    return min(rel) if all(r > 0 for r in rel) else 0.0
