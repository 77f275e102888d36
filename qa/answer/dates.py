"""Whether the dates a question names fit the dates a passage speaks of ("2022년 12월" asked, "12월" given), and whose
dates a value of a sentence or a table cell carries (the clause's, its period column's, a year before the announcement's)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lexicon import PERIOD_COMPARED
from ..quantity import DATE, TIME, Quantity, parse

_COMPARED = re.compile(PERIOD_COMPARED)


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


def date_owners(qs: Sequence[Quantity], clause_starts: Sequence[int]) -> dict[tuple[int, int], list[str]]:
    """The dates of each value in a clause holding several ("올해 4곳을 시작으로 2027년까지 10곳": 2027 is 10곳's,
    4곳 has none): a date opening the clause is all of its values', one among them belongs to the value nearest
    it (the one after it when as near). Values of clauses with one value are absent (the clause's dates are theirs).
    ``clause_starts`` holds where each quantity's clause begins."""
    out: dict[tuple[int, int], list[str]] = {}
    for start in set(clause_starts):
        inside = [q for q, at in zip(qs, clause_starts, strict=True) if at == start]
        values = [q for q in inside if q.kind not in (DATE, TIME)]
        dates = [q for q in inside if q.kind == DATE and q.date]
        if len(values) < 2 or not dates:
            continue
        for v in values:
            out[v.span] = []
        for d in dates:
            written = _dates(d.text, None)  # as written (a year not stated stays unknown, as for the clause's dates)
            if d.span[1] <= min(v.span[0] for v in values):  # "2023년 수출은 6,327억 달러로 7.4% 줄었다": all of it
                for v in values:
                    out[v.span] += written
                continue
            owner = min(values, key=lambda v: (v.span[0] - d.span[1]) * 2 if v.span[0] >= d.span[1]
                        else (d.span[0] - v.span[1]) * 2 + 1)
            out[owner.span] += written
    return out


def past_value(qty: Quantity, year: int | None, v_dates: Sequence[str], u_dates: Sequence[str]) -> bool:
    """A value of the past, when the question names no date: "언제 열려?" asks the announcement's own schedule, not
    its history (2005년 처음 열려); "몇 %야?" the latest figure of a trend, not its earlier years ('21년 22개소, …
    '23년 24개소)."""
    return before_year(qty, year) or (qty.kind != DATE and v_dates is not u_dates
                                      and latest_year(v_dates) < latest_year(u_dates))


def earlier_column(chunk, owned: Sequence[str] | None, q_dates: Sequence[str]) -> bool:
    """A cell of a table's earlier period column (2022년 beside 2023년; ``owned``: its dates, :meth:`TypedFinder._cells`)
    when the question names no date of that year: "5월 이혼 건수" asks 2024년 5월's, "2023년 5월" the other."""
    if chunk.kind != "table_row" or not owned:
        return False
    return not any(d[:4] == owned[0][:4] for d in q_dates)


def latest_year(dates: Sequence[str]) -> int:
    """The latest year among ISO dates (0 when none states one)."""
    return max((int(d[:4]) for d in dates if d[:4].isdigit()), default=0)


def before_year(qty: Quantity, year: int | None) -> bool:
    """A date of a year before the announcement's own."""
    return bool(year and qty.kind == DATE and qty.date and qty.date[:4].isdigit() and int(qty.date[:4]) < year)


def compared_from(text: str, year: int) -> bool:
    """Whether a question names a year only as the one it compares from ("2020년보다 몇 명 줄었어", "2023년 12월이랑
    비교해서 제일 많이 늘어난"): what it asks is the announcement's own figures, not figures of that year."""
    ends = [m.end() for m in re.finditer(rf"(?<!\d){year}\s*년(?:\s*(?:1[0-2]|[1-9])\s*월)?", text)]
    return bool(ends) and all(_COMPARED.match(text[e:]) for e in ends)
