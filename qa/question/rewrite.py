"""Follow-ups that only name another member of what was asked ("2부는?", "8월은?", "중학교는?", "7급은?"): the
previous question asked again with that member in place of its counterpart, so that every stage after reads a
whole question ("여수 불꽃쇼 2부는 몇 분 동안 해?") instead of two words and a history.

A counterpart is the previous question's word of the same kind: a date of the same unit (7월 for 8월; a year for
a year told relatively, 2026학년도 for 작년, which then stands as 2025학년도), a place for a place (광주 for 전북), a
word ending as the member does (초등학교 for 중학교, 민간소비 for 정부소비, 1부 for 2부), or a name the corpus knows
(전주시 for 김해). When none is found the follow-up is left to the linker's own reading
(:func:`~qa.question.followup.resolve_followup`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..lexicon import RELATIVE_TIME_WORDS, YEAR_SHIFT
from ..quantity import DATE, parse
from ..text import compact

# "그럼 2부는?", "작년엔?", "월드 디제이 페스티벌은?": a member (up to three words) and a topic particle, nothing asked
_ELLIPTICAL = re.compile(r"^\s*(?:그럼|그러면|그리고)?\s*(?P<member>[^?？]+?)\s*(?:은|는|도|엔|에는|에선)\s*[?？.]*\s*$")
_ASKED = re.compile(r"몇|얼마|언제|어디|뭐|무엇|무슨|누구|왜|어떻|어떤|어느")
_YEAR = re.compile(r"^((?:19|20)\d{2})((?:학?년도?)?)$")  # 2026학년도, 2024년, 2025
_PARTICLE = re.compile(r"(?:은|는|이|가|을|를|에|에서|의|도|엔|에는|랑|이랑|와|과)$")


def elliptical_member(question: str) -> str | None:
    """The member a follow-up names, when that is all it says ("2부는?" → "2부"); None for a question of its own."""
    m = _ELLIPTICAL.match(question)
    if not m or _ASKED.search(question):
        return None
    member = m.group("member").strip()
    return member if len(member.split()) <= 3 else None


def dates_in(text: str) -> list[str]:
    """The dates and relative times a text writes (2023년, 7월, 작년), in order."""
    return [x.text for x in parse(text) if x.kind == DATE] + \
        [w for w in text.split() if w.rstrip("에는도엔") in RELATIVE_TIME_WORDS]


def shifted(member: str, year: str) -> str | None:
    """A year told relatively, as the year it is from the one the previous question wrote ("작년" after "2026학년도"
    → "2025학년도"); None when ``member`` is not such a word or ``year`` no year."""
    m = _YEAR.match(year)
    shift = YEAR_SHIFT.get(member)
    return f"{int(m.group(1)) + shift}{m.group(2)}" if m and shift is not None else None


def counterpart(member: str, previous: str, names: Iterable[str] = (), places: Iterable[str] = ()) -> str | None:
    """The word of ``previous`` (its stem, without a particle) that ``member`` stands in for, or None: a date of the
    same unit or a year for a relative one, else a place for a place, a word ending alike, or a name the corpus
    knows that is no place."""
    words = [_PARTICLE.sub("", w) for w in previous.split("?")[0].split()]
    words = [w for w in words if w and not _ASKED.search(w) and compact(w) != compact(member)]
    flat = compact(member)
    last = flat[-1:]
    if dates_in(member):
        same = [d for d in dates_in(previous) if d[-1:] == last and compact(d) != flat]
        if member in YEAR_SHIFT:
            same = [w for w in words if shifted(member, w) or w in YEAR_SHIFT] + same
        return same[0] if same else None
    places = frozenset(places)
    if flat in places:
        own = [w for w in words if any(p in compact(w) for p in places)]
        if own:
            return own[0]
    alike = [w for w in words if len(w) >= 2 and len(member) >= 2 and w[-1:] == last and re.match(r"[가-힣]", last)]
    if alike:
        return alike[0]
    if any(n in flat for n in names):  # a name, not a date; a place only for a place (5km for 하프, not 양천마라톤)
        own = [w for w in words if any(n in compact(w) for n in names) and not dates_in(w)
               and not any(p in compact(w) for p in places)]
        if own:
            return own[0]
    return None


def counterpart_span(member: str, previous: str) -> str | None:
    """For a member of several words ("월드 디제이 페스티벌", "진흥지역 밖 논"): the run of ``previous`` from the word
    its first word matches to the one its last word begins ("월드 K-팝 페스티벌", "진흥지역 안 논밭"), at most four
    words; a first word is matched as written or by its ending (75세 for 65~74세). None when there is no such run
    ("주거 취약가구" against a question on 반지하)."""
    first, last = member.split()[0], member.split()[-1]
    words = previous.split()
    for i, w in enumerate(words):
        stem = _PARTICLE.sub("", w)
        if stem != first and not (len(stem) >= 2 and stem[-1:] == first[-1:] and re.match(r"[가-힣]", first[-1:])):
            continue
        for j in range(i + 1, min(i + 4, len(words))):
            if _PARTICLE.sub("", words[j]).startswith(last):
                return _PARTICLE.sub("", " ".join(words[i:j + 1]))  # the run without its last word's particle
        return None
    return None


def rewrite_followup(question: str, previous: str, names: Iterable[str] = (), places: Iterable[str] = ()) -> str | None:
    """The previous question with the member this follow-up names in place of its counterpart, or None."""
    member = elliptical_member(question)
    if member is None:
        return None
    if len(member.split()) > 1:
        other = counterpart_span(member, previous)
    else:
        other = counterpart(member, previous, names, places)
    if other is None:
        return None
    return previous.replace(other, shifted(member, other) or member, 1)


def rewrite_history(question: str, history: list[str], names: Iterable[str] = (),
                    places: Iterable[str] = ()) -> str | None:
    """``question`` rewritten against its history, each earlier follow-up rewritten against the one before it
    ("7월에 며칠?" → "8월은?" → "9월은?")."""
    previous = None
    for h in history:
        previous = (rewrite_followup(h, previous, names, places) or h) if previous else h
    return rewrite_followup(question, previous, names, places) if previous else None
