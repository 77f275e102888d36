"""The words around an answer, in Korean or in English for a question asked in English.

Only labels change language: an answer's value and the Korean passages it came from are shown as the
announcement wrote them (translating a figure or a quotation would make it unverifiable).
"""

from __future__ import annotations

import re

from ..text import HANGUL

LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "kind.fact": "사실", "kind.passage": "본문", "kind.none": "없음", "kind.notice": "안내",
        "tip.fact": "사실 표에서 찾은 답입니다 (계산 과정 포함).", "tip.passage": "공고문 본문에서 찾은 문장입니다.",
        "tip.none": "공고문에서 답을 찾지 못했습니다.",
        "facts_used": "사용한 사실 {n}건", "sources": "출처",
        "related": "관련 내용", "sources_count": "{title} {n}건 · 공고 {docs}건", "more": "다른 {title} {n}건",
        "view": "원문에서 보기", "original": "원본 공고 (새 창)", "new_window": "(새 창)",
        "cite": "출처 {n}", "why": "찾지 못한 이유", "covered": "답할 수 있는 공고",
        "try": "이렇게 물어보세요", "contact": "문의", "copy": "복사", "share": "공유",
        "followups": "이어서 물어보기", "typing": "답변을 찾고 있습니다…", "more_docs": "외 {n}건",
    },
    "en": {
        "kind.fact": "Fact", "kind.passage": "Passage", "kind.none": "Not found", "kind.notice": "Notice",
        "tip.fact": "Looked up or computed from the facts table (working shown).",
        "tip.passage": "A sentence quoted from the announcement.", "tip.none": "The announcements do not say.",
        "facts_used": "Facts used: {n}", "sources": "Sources",
        "related": "Related passages", "sources_count": "{title}: {n} from {docs} announcement(s)",
        "more": "{n} more", "view": "View in the announcement",
        "original": "Original announcement (new window)", "new_window": "(new window)",
        "cite": "Source {n}", "why": "Why not found", "covered": "Announcements covered",
        "try": "Questions that do answer", "contact": "Contact", "copy": "Copy", "share": "Share",
        "followups": "Follow-up questions", "typing": "Looking for the answer…",
        "more_docs": "and {n} more",
    },
}

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def language(question: str | None) -> str:
    """``en`` for a question written in English (Latin words and no Hangul), else ``ko``."""
    q = question or ""
    return "en" if not HANGUL.search(q) and len(_LATIN_WORD.findall(q)) >= 2 else "ko"


def label(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (Korean when the key or language is unknown), formatted with ``values``."""
    text = LABELS.get(lang, LABELS["ko"]).get(key) or LABELS["ko"].get(key, key)
    return text.format(**values) if values else text
