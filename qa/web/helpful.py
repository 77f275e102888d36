"""A "not found" that helps, and follow-ups after an answer.

A "not found" answer gets: why, in plain words, from its rule (``not_found:<reason>``) through the table in
``data/not_found.json`` (a reason the table does not know gets its generic sentence); the announcements the
assistant covers; close questions built from the facts table that do answer (each one asked first); and the
office to contact, from the announcement's contact block. Found answers get follow-up questions the same way.

Only the assistant's public face is used (``ask``, ``documents``, ``facts()``, ``index``), so this keeps
working whatever the answer pipeline does inside.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..chunk import split_cells
from ..lexicon import ADMIN_SUFFIXES
from ..text import josa

REASONS: dict[str, dict[str, str]] = {
    k: v for k, v in json.loads((Path(__file__).parent / "data" / "not_found.json").read_text("utf-8")).items()
    if not k.startswith("_") or k == "_generic"}
MAX_COVERED = 10  # announcements named in a "not found" (the total is given too)
MAX_CHECKS = 6  # candidate questions asked before giving up on finding `limit` that answer
_PARTICLES = sorted(("은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "께", "도", "만", "과", "와", "랑",
                     "이랑", "으로", "로", "까지", "부터", "이나", "나", "요", "이요", "은요", "는요", "에는", "에서는"),
                    key=len, reverse=True)
_WORD = re.compile(r"[가-힣A-Za-z0-9·]+")
_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*년?")
_CLEAN_ATTRIBUTE = re.compile(r"^[가-힣][가-힣·\s]{0,14}$")
_CLEAN_SUBJECT = re.compile(r"^[가-힣A-Za-z][가-힣A-Za-z0-9·\s]{1,20}$")
_QUESTION_WORDS = {"얼마", "무엇", "언제", "어디", "누구", "몇", "어떻게", "알려줘", "알려주세요", "있나요", "인가요",
                   "되나요", "하나요", "선정됐나요", "선정되었나요"}


def reason_of(rule: str | None) -> str | None:
    """``unknown_name`` for ``not_found:unknown_name``; None for an answer that was found."""
    rule = rule or ""
    return rule.split(":", 1)[1] or "_generic" if rule.startswith("not_found:") else None


def reason_sentence(reason: str | None, lang: str, values: dict[str, str]) -> str:
    """The reason in plain words; the plain variant when a value its sentence needs is missing."""
    entry = REASONS.get(reason or "", REASONS["_generic"])
    template = entry.get(lang) or entry.get("ko") or REASONS["_generic"]["ko"]
    needed = set(re.findall(r"\{(\w+)\}", template))
    if any(not values.get(k) for k in needed):
        template = entry.get(f"{lang}_plain") or entry.get("ko_plain") or REASONS["_generic"].get(lang, "")
        if re.search(r"\{\w+\}", template):
            template = REASONS["_generic"].get(lang) or REASONS["_generic"]["ko"]
    return template.format_map({k: values.get(k, "") for k in re.findall(r"\{(\w+)\}", template)})


def _usable(fact: Any) -> bool:
    """A fact that makes a clear question: a numeric value, a noun-like attribute of whole words ("국비",
    "중위소득 비율"; not "년 비율" or "지급된다 비율"), a subject that is a name (or the whole announcement)."""
    subject, attribute = (fact.subject or "").strip() or "전체", (fact.attribute or "").strip()
    if fact.value is None or not _CLEAN_ATTRIBUTE.match(attribute):
        return False
    words = attribute.split()
    if any(len(w) < 2 or w.endswith(("다", "요", "고", "면")) for w in words) or words[0] in ("대비", "전년", "비율"):
        return False
    return subject == "전체" or bool(_CLEAN_SUBJECT.match(subject))


def _topic(title: str, limit: int = 24) -> str:
    """A document's title short enough to lead a question (cut at a space)."""
    title = " ".join(str(title or "").split())
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut if len(cut) >= 6 else title[:limit]


def strip_particle(word: str) -> str:
    """``서울시는`` → ``서울시``: a trailing particle off a Korean word (at least two syllables stay)."""
    for p in _PARTICLES:
        if word.endswith(p) and len(word) - len(p) >= 2:
            return word[: -len(p)]
    return word


class Helper:
    """Builds the help for one assistant; what depends only on the index is computed once per index."""

    def __init__(self, assistant: Any, cache_size: int = 2048) -> None:
        self.assistant = assistant
        self._answers: OrderedDict[str, str | None] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._index: Any = None  # the index the caches are of (held, so it is compared by identity)
        self._text = ""

    # ----------------------------------------------------------------- per index
    def _sync(self) -> Any:
        """Forget what was learnt of another index (an admin upload swapped a new one in)."""
        index = self.assistant.index
        with self._lock:
            if index is not self._index:
                self._answers.clear()
                self._text = "\n".join("\n".join(d.lines) + "\n" + d.title for d in self.assistant.documents)
                self._index = index
        return index

    def _corpus_text(self) -> str:
        self._sync()
        return self._text

    def answer_of(self, question: str) -> str | None:
        """The assistant's answer text to ``question``, None when it is "not found". Remembered per index."""
        index = self._sync()
        with self._lock:
            if question in self._answers:
                self._answers.move_to_end(question)
                return self._answers[question]
        try:
            ans = self.assistant.ask(question)
            text = ans.answer if ans.kind != "none" else None
        except Exception:  # noqa: BLE001 - a suggestion that fails is simply not offered
            text = None
        with self._lock:
            if index is self._index:  # not if the index was swapped meanwhile
                self._answers[question] = text
                while len(self._answers) > self._cache_size:
                    self._answers.popitem(last=False)
        return text

    # ----------------------------------------------------------------- pieces
    def unknown_words(self, question: str) -> list[str]:
        """Words of the question (particles stripped) that no announcement contains."""
        text = self._corpus_text()
        out = []
        for raw in _WORD.findall(question or ""):
            word = strip_particle(raw)
            if len(word) >= 2 and word not in _QUESTION_WORDS and word not in text and word not in out:
                out.append(word)
        return out

    def known_names(self, doc_ids: Iterable[str] | None = None, limit: int = 6) -> list[str]:
        """Places and bodies the announcements name (subjects of facts ending in 시/군/구/도 …)."""
        wanted = set(doc_ids or ())
        names: list[str] = []
        for f in self.assistant.facts():
            if wanted and f.doc_id not in wanted:
                continue
            s = (f.subject or "").strip()
            if s and s not in names and s.endswith(ADMIN_SUFFIXES) and _CLEAN_SUBJECT.match(s):
                names.append(s)
        return names[:limit] + ([f"외 {len(names) - limit}곳"] if len(names) > limit else [])

    def covered(self) -> dict[str, Any]:
        docs = list(self.assistant.documents)
        items = [{"doc_id": d.doc_id, "title": d.title, "published": d.published, "url": d.source}
                 for d in sorted(docs, key=lambda d: d.published or "", reverse=True)[:MAX_COVERED]]
        return {"total": len(docs), "documents": items}

    def contact(self, doc_id: str | None) -> dict[str, Any] | None:
        """The office to ask: the announcement's contact rows, else its department or publisher."""
        docs = {d.doc_id: d for d in self.assistant.documents}
        doc = docs.get(doc_id or "") or next(iter(docs.values()), None)
        if doc is None:
            return None
        people = [" ".join(c for c in row if c) for row in doc.contacts] or self._contact_rows(doc.doc_id)
        office = doc.department or doc.publisher or (people[0].split(" ")[0] if people else None)
        if not office and not people:
            return None
        return {"doc_id": doc.doc_id, "title": doc.title, "office": office, "people": people[:4], "url": doc.source}

    def _contact_rows(self, doc_id: str) -> list[str]:
        rows: list[str] = []
        for chunk in self.assistant.index.chunks:
            if chunk.doc_id != doc_id or chunk.kind != "contact":
                continue
            dept = ""
            for line in chunk.text.splitlines():
                cells = [c for c in split_cells(line) if c and not re.fullmatch(r"담당\s*부서|연락처|문의", c)]
                if not cells:
                    continue
                if not re.search(r"담당|책임|과\s*장|팀\s*장|관$", cells[0]):
                    dept, cells = cells[0], cells[1:]
                rows.append(" ".join([dept, *[re.sub(r"\s+", "", c) if len(c) <= 4 else c for c in cells]]).strip())
        return rows

    # ----------------------------------------------------------------- questions that answer
    def candidates(self, question: str, doc_id: str | None, about: Iterable[tuple[str, str]] = (),
                   anywhere: bool = False) -> list[str]:
        """Questions from the facts table of the closest announcement (``doc_id``; with ``anywhere``, the
        others after it), closest first: the attribute or subject the question names, or (after an answer)
        the same attribute of another subject and another attribute of the same subject as the facts the
        answer used (``about``: their subject/attribute pairs). A whole-announcement fact is asked with the
        announcement's title where several are indexed ("제12회 양천마라톤 대회 참가자 모집 참가비는?")."""
        pairs = set(about)
        subjects, attributes = {s for s, _ in pairs}, {a for _, a in pairs}
        topics = {d.doc_id: _topic(d.title) for d in self.assistant.documents} if len(self.assistant.documents) > 1 \
            else {}
        scored: dict[str, float] = {}
        for i, f in enumerate(self.assistant.facts()):
            subject, attribute = (f.subject or "").strip() or "전체", (f.attribute or "").strip()
            same = f.doc_id == doc_id
            if (not same and not anywhere and doc_id) or (subject, attribute) in pairs or not _usable(f):
                continue
            who = (topics.get(f.doc_id, "") if subject == "전체" else subject).strip()
            q = f"{who} {attribute}{josa(attribute, '은', '는')}?".strip()
            score = 4.0 * same + 2.0 * (attribute in question or attribute in attributes) \
                + 1.5 * (subject != "전체" and (subject in question or subject in subjects)) - i * 1e-6
            if q != question and score > scored.get(q, -1e9):
                scored[q] = score
        return sorted(scored, key=lambda q: -scored[q])

    def questions(self, question: str, doc_id: str | None, limit: int = 3, about: Iterable[tuple[str, str]] = (),
                  answer: str | None = None, anywhere: bool = True) -> list[str]:
        """Up to ``limit`` close questions the assistant does answer, each with another answer than
        ``answer`` (each asked once per index, results remembered)."""
        out: list[str] = []
        for checks, q in enumerate(self.candidates(question, doc_id, about, anywhere)):
            if len(out) >= limit or checks >= MAX_CHECKS:
                break
            got = self.answer_of(q)
            if got is not None and got != answer:
                out.append(q)
        return out

    # ----------------------------------------------------------------- the whole help
    def not_found(self, question: str, answer: dict[str, Any], lang: str = "ko", suggest: bool = True
                  ) -> dict[str, Any]:
        """The help of a "not found" answer (``not_found`` in the API JSON); ``suggest=False`` skips the
        close questions (each costs a question to the assistant the first time)."""
        reason = reason_of(answer.get("rule")) or "_generic"
        top = next((s.get("doc_id") for s in answer.get("sources") or () if s.get("doc_id")), None)
        unknown = self.unknown_words(question)
        asked_years = sorted(set(_YEAR.findall(question or "")))
        years = sorted({str(d.year) for d in self.assistant.documents if d.year})
        name = unknown[0] if unknown else ""
        values = {
            "name": name, "eun": josa(name, "은", "는") if name else "",
            "known": ", ".join(self.known_names([top] if top else None)),
            "years": ", ".join(f"{y}년" for y in asked_years) if lang == "ko" else ", ".join(asked_years),
            "corpus_years": ", ".join(f"{y}년" for y in years) if lang == "ko" else ", ".join(years),
            "english": " ".join(re.findall(r"[A-Za-z]{3,}", question or "")[:4]),
        }
        return {"reason": reason, "message": reason_sentence(reason, lang, values), "covered": self.covered(),
                "suggestions": self.questions(question, top) if suggest else [], "contact": self.contact(top)}

    def followups(self, question: str, answer: dict[str, Any], limit: int = 3) -> list[str]:
        """Questions to ask next after a found answer (they answer too, and differently)."""
        top = next((s.get("doc_id") for s in answer.get("sources") or () if s.get("doc_id")), None)
        about = [(f.get("subject") or "", f.get("attribute") or "") for f in answer.get("facts") or ()]
        return self.questions(question, top, limit=limit, about=about, answer=answer.get("answer"), anywhere=False)
