"""Typed answers: the value of the class a question asks for, found in the passages retrieval returned.

When the facts table holds no row for what is asked (a figure stated in a sentence of a statistics
release, a deadline in a 모집 공고, a cell of a two-level table), the answer is still a stated quantity:
"언제" wants a date, "몇 명" a count in 명, "얼마" money. Every sentence (and every table cell, read with its
row label, column name and caption) of the retrieved passages is a candidate; each quantity of the wanted
class in it is scored by how much of the question the candidate's words cover (IDF-weighted morphemes),
how close those words stand to the value (same clause), whether dates named in the question match the
candidate's, and the passage's retrieval rank. The value is then quoted as written, never recomputed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from ..asked import range_edges, times_within
from ..chunk import TOP_BULLETS, cell_spans
from ..korean import predicates
from ..lexicon import KIND_WORDS, PREDICATE_WEIGHT, RELATIVE_TIME_WORDS
from ..quantity import BARE_FIGURE, COUNT, DATE, MAGNITUDE_CHARS, NUMERIC_KINDS, TEMPORAL_KINDS, TIME, Quantity, parse
from ..table_units import ORDINAL_HEADER
from ..text import BARE_NUMBER_CELL, BULLET, TypoIndex, known_form, match_strength, sentence_spans
from .dates import _dates, date_agreement, date_owners, earlier_column, past_value

# Counters that answer the same "몇 X" question (몇 곳 is answered by 개소; 몇 명 by 인).
COUNTER_GROUPS = (("명", "인"), ("곳", "개소", "개", "군데"), ("개국", "개국가"), ("건",), ("개사", "곳", "개", "기업"),
                  ("회", "번", "차례"), ("가구", "세대"), ("개월", "달"))
# "□ (배우자 출산휴가) …": the topic a top bullet names in parentheses, which its sub-bullets ("ㅇ 나누어 쓸 수 있는
# 횟수도 …") speak of without repeating it
_TOPIC = re.compile(rf"^\s*[{re.escape(TOP_BULLETS)}]\s*[(\[［【]([^)\]］】]{{2,20}})[)\]］】]")
# … or the subject it opens with ("□ 연령계층별 연간 취업자는 …": "ㅇ 성별로는 여성이 30만 3천명 …" counts 취업자 too)
_SUBJECT = re.compile(rf"^\s*[{re.escape(TOP_BULLETS)}]\s*((?:[^\s,.()]+[^\s,.()이가을를에의로]\s){{0,2}}[^\s,.()]+?)(?:은|는)\s")
_CLAUSE_SEP = re.compile(r"(?<!\d)[,，]|[,，](?!\d)|[;·]|\s(?:및|또는)\s|(?<=[다요])\.\s")
_CHANGE = re.compile(r"보다|대비|비해|증감|증가|감소|늘|줄|상승|하락|올랐|내렸|변화|차이|폭")
_THRESHOLD_AFTER = re.compile(r"\s*(?:을|를|이|가)?\s*(?:넘|돌파|웃돌|밑돌|하회|상회)")
_CHANGE_AFTER = re.compile(r"\s*(?:이|가|씩)?\s*(?:늘|줄|증가|감소|상승|하락|올랐|올라|내렸|내려|많아|적어)")  # "1만명 늘어"


@dataclass(frozen=True)
class Candidate:
    """One value that may answer: where it stands (chunk, span of the unit in ``chunk.text``) and why."""

    chunk: object  # qa.chunk.Chunk
    unit_span: tuple[int, int]
    value_span: tuple[int, int] | None  # within chunk.text; None for a cell value not found verbatim
    quantity: Quantity
    label: str  # the words that say what the value is (clause head, or row label · column name)
    score: float
    coverage: float


class Unit(NamedTuple):
    """A unit of a chunk as values are found in it (:meth:`TypedFinder.read`): its span, its words, its dates and
    its values (value span, quantity, clause, the clause before the value, what follows it, the value's own dates)."""

    span: tuple[int, int]
    words: frozenset[str]
    joined: str  # the words joined by newlines (:func:`~qa.text.match_strength`)
    dates: list[str]
    values: tuple[tuple, ...]


def _words(label_text: str, tokenize: Callable[[str], list[str]]) -> frozenset[str]:
    """The words a unit's text holds, line by line (a cell's figure ends a line, a label begins the next — "96" +
    "대만" is not 96대), with the first number of each range."""
    return frozenset({t for line in label_text.split("\n") for t in tokenize(line)} | _range_starts(label_text))


def counter_fits(asked: str | None, unit: str) -> bool:
    if not asked:
        return True
    unit = unit.lstrip(MAGNITUDE_CHARS)
    return any(asked in g and unit in g for g in COUNTER_GROUPS) or unit == asked


class TypedFinder:
    """Finds the best value of a wanted class in retrieved passages (stateless between questions)."""

    def __init__(self, tokenize: Callable[[str], list[str]], idf: dict[str, float], max_chunks: int = 8) -> None:
        self.tokenize = tokenize
        self.idf = idf
        self.top_idf = max(idf.values(), default=1.0)  # an unknown word's weight: the rarest word's, read once
        self.max_chunks = max_chunks
        self._known: dict[str, str] = {}  # unknown question word → its corpus form (a dict: safe across threads)
        self.typos = TypoIndex(idf)  # the vocabulary by key: resolving a word reads only its neighbours
        self._read: dict[tuple[int, int | None], tuple] = {}  # (id(chunk), year) → (chunk, its units): :meth:`read`

    def known(self, t: str) -> str:
        """A question word as the corpus writes it (typos and abbreviations resolved, by key; remembered)."""
        if t in self.idf or t in RELATIVE_TIME_WORDS:
            return t
        if t not in self._known:
            self._known[t] = known_form(t, self.idf, lambda v: -self.idf[v], self.typos)
        return self._known[t]

    def weight(self, t: str) -> float:
        return self.idf.get(t, self.top_idf)

    def find(self, terms: Sequence[str], kinds: Sequence[str], counter: str | None, hits: Sequence, *,
             year: int | None = None, q_dates: Sequence[str] = (), doc_year: Callable[[str], int | None] = lambda d: None,
             stated_values: Sequence[str] = (), title_terms: Callable[[str], set[str]] = lambda d: set(),
             bound: str | None = None, dated: bool = False, change: bool | None = None,
             light: Sequence[str] = (), glossed: bool = False, edge: str | None = None) -> list[Candidate]:
        """Candidates best first. ``terms``: the question's content morphemes; ``kinds``: the classes that may
        answer, likeliest first; ``counter``: 몇 명 → 명; ``q_dates``: ISO dates the question names (conditions,
        not answers); ``stated_values``: quantities it writes (never the answer); ``title_terms``: an
        announcement's title words (they say which announcement, not which sentence); ``bound``: upper / lower /
        total asked; ``dated``: only values stating the question's dates; ``change``: a change asked (True), a
        level (False) or either (None); ``light``: predicates, weighed lightly; ``glossed``: an English
        question's glossary terms (they rank, never rule out); ``edge``: one end of a period asked."""
        terms = list(dict.fromkeys(self.known(t) for t in terms))
        light = set(light)

        def weight(t: str) -> float:
            return self.weight(t) * (PREDICATE_WEIGHT if t in light else 1.0)

        stated = {_compact(x) for x in stated_values}
        out: list[Candidate] = []
        for rank, hit in enumerate(hits[: self.max_chunks]):
            chunk = hit.chunk
            y = doc_year(chunk.doc_id) or year
            titles = title_terms(chunk.doc_id)
            own = [t for t in terms if t not in titles]
            for unit_span, toks, joined, u_dates, values in self.read(chunk, y):
                coverage, matched = self._unit_coverage(toks, terms, own, light, weight, glossed, joined)
                for value_span, qty, label, before, after, owned in values:
                    if edge:
                        value_span, qty = _edge_of(value_span, qty, edge)
                    if not self._admissible(qty, kinds, counter, stated, q_dates):
                        continue
                    # the dates of the value's own clause, when it has any ("'22년 15개소, '23년 24개소")
                    v_dates = owned if owned is not None else (_dates(label, None) or u_dates) \
                        if chunk.kind != "table_row" else u_dates
                    agreement = date_agreement(q_dates, v_dates, whole=qty.kind not in TEMPORAL_KINDS)
                    if dated and agreement < 1:
                        continue
                    score = coverage + 0.25 * agreement + 0.15 / (1 + rank) + self._fit(
                        chunk, qty, label, before, matched, own, kinds, bound, change, weight, after) \
                        - (self.MODIFIER_PENALTY * self._unasked(before, chunk.kind == "table_row", terms, titles)
                           if (qty.kind in NUMERIC_KINDS or qty.kind == TIME) and terms else 0.0)
                    if (not q_dates and past_value(qty, y, v_dates, u_dates)) or earlier_column(chunk, owned, q_dates):
                        score -= self.PAST_PENALTY
                    out.append(Candidate(chunk, unit_span, value_span, qty, label, score, coverage))
        out.sort(key=lambda c: -c.score)
        return _most_precise_first(out)

    def read(self, chunk, year: int | None) -> tuple[Unit, ...]:
        """A chunk's units as :meth:`find` reads them whatever the question (:meth:`_units`, with each unit's words
        and dates), read once per chunk and year for the loaded index."""
        key = (id(chunk), year)  # the chunk itself is kept with its units: an id is only reused once it is gone
        held = self._read.get(key)
        if held is None or held[0] is not chunk:
            held = self._read[key] = (chunk, tuple(
                Unit(span, words, "\n".join(words),
                     _dates(label_text.rsplit("\n", 1)[-1], None) or _dates(label_text, None), tuple(values))
                for span, label_text, values in self._units(chunk, year)
                for words in [_words(label_text, self.tokenize)]))
        return held[1]

    def _unit_coverage(self, toks: frozenset[str], terms: Sequence[str], own: Sequence[str], light: set[str],
                       weight: Callable[[str], float], glossed: bool, joined: str | None = None) -> tuple[float, list[str]]:
        """How much of the question a unit with the words ``toks`` (:func:`_words`; ``joined``: them joined by
        newlines) covers, and the question's words it holds."""
        strength = {t: match_strength(t, toks, joined) for t in terms}
        if own and glossed:
            return 0.5 + 0.5 * self._coverage(own, strength, light, weight), [t for t in own if strength[t]]
        if own:
            return self._coverage(own, strength, light, weight), [t for t in own if strength[t]]
        # only the announcement's name: its words in the unit tell a little
        coverage = 0.5 + 0.5 * self._coverage(terms, strength, light, weight) if terms else 0.5
        return coverage, [t for t in terms if strength[t]]

    @staticmethod
    def _coverage(own: Sequence[str], strength: dict[str, float], light: set[str],
                  weight: Callable[[str], float]) -> float:
        """Weighted share of the question's nouns the unit holds (a synonym or a containing word partly, see
        :func:`~qa.text.match_strength`); predicates (뽑다, 열리다) never count against it, one it shares adds.
        A question that names nothing beyond its announcement but a predicate ("몇 곳 뽑아?") leaves the choice
        to the other signals (class, nearness, rank): 0.5, up to 1 with shared predicates."""
        nouns = [t for t in own if t not in light]
        shared = sum(weight(t) * strength[t] for t in own if t in light)
        if not nouns:
            preds = sum(weight(t) for t in own)
            return 0.5 + 0.5 * shared / preds if preds else 0.5
        total = sum(weight(t) for t in nouns)
        return (sum(weight(t) * strength[t] for t in nouns) + shared) / (total + shared)

    @staticmethod
    def _admissible(qty: Quantity, kinds: Sequence[str], counter: str | None, stated: set[str],
                    q_dates: Sequence[str]) -> bool:
        if kinds and qty.kind not in kinds:
            return False
        if qty.kind == COUNT and not counter_fits(counter, qty.unit):
            return False
        if _compact(qty.text) in stated:
            return False  # the question already says it (12개월 in "12개월 다 받으면 총 얼마야?")
        # the date the question names is a condition, not the answer; a more precise date within it may be
        # ("2023년 … 며칠까지" → 2023-04-07)
        return not (qty.kind == DATE and qty.date and any(end == d for end in qty.date.split("/") for d in q_dates))

    def _fit(self, chunk, qty: Quantity, label: str, before: str, matched: Sequence[str], own: Sequence[str],
             kinds: Sequence[str], bound: str | None, change: bool | None,
             weight: Callable[[str], float] | None = None, after: str = "") -> float:
        """How well one value fits beyond word coverage: its clause holds the question's words, a question
        word stands right before it (the subject: "월세 60만원"), its class is the likeliest, it is the bound
        asked, it is a change when a change is asked (and a level when not), it is not a heading, and a table
        row answers only when the question names it (or as a total)."""
        near = self._near(label, matched, own, weight or self.weight)
        head = 0.1 if any(t in set(self.tokenize(before[-12:])) | _range_starts(before[-12:]) for t in own) else 0.0
        counted = after[:1].isspace() and after.split()[:1]  # the word right after the number, not its particle
        if not head and qty.kind == COUNT and counted and any(t in set(self.tokenize(counted[0])) for t in own):
            head = 0.1  # what is counted follows its number ("661개 부스", "11개 어촌마을"; not "17개소는 …")
        # a figure something changed from ("종전 10개월에서 …", "70% → 50%", a 현행 column) answers a question
        # asking what it was (작년, 종전), not one asking what it is
        former = 0.0
        if _FORMER.search(before if chunk.kind == "table_row" else before[-12:]) or _FROM_AFTER.match(after):
            former = 0.15 if _FORMER_ASKED.search(" ".join(own)) else -0.15
        preferred = 0.1 if kinds and qty.kind == kinds[0] else 0.0
        bounded = 0.1 if bound and ((qty.bound or "").startswith(bound) or _BOUND_WORDS[bound].search(label)
                                    or qty.is_range) else 0.0  # a period states both its ends
        changed = 0.0
        if change is not None and qty.kind not in (DATE, "time"):
            # "70% → 50%": both are levels (what it was, what it is), whatever the column says of them
            arrow = _FROM_AFTER.match(after) or _ARROW_BEFORE.search(before)
            is_change = not arrow and (bool(_CHANGE.search(before)) or bool(_CHANGE_AFTER.match(after)))
            changed = -0.25 if is_change != change else 0.0
        heading = -0.2 if chunk.kind in ("heading", "table_header", "section") else 0.0
        # "월 100만명을 넘었다" states a threshold passed, not how many
        threshold = -0.2 if not bound and _THRESHOLD_AFTER.match(after) else 0.0
        cell = 0.0
        if chunk.kind == "table_row":  # a row the question does not name answers only as a total
            # named by its label cells (중국), not by the column every row shares (12월 방한객)
            row_words = self._row_words(chunk)
            row_named = any(match_strength(t, row_words) or any(t.startswith(w) for w in row_words if len(w) > 1)
                            for t in own)  # 지급 시기 for 들어오다, 일본 for 일본인
            cell = 0.1 if _TOTAL_LABEL.search(label) and not row_named else (0.0 if row_named else -0.15)
        return 0.35 * near + head + preferred + bounded + changed + heading + threshold + cell + former

    def _row_words(self, chunk) -> set[str]:
        """The words of a table row's cells that state no quantity (its label cells), read once per row."""
        return _row_words(tuple(chunk.cells), self.tokenize)

    MODIFIER_PENALTY = 0.2
    PAST_PENALTY = 0.15  # a value of the past (an earlier year, an earlier period column) when no date is asked

    def _unasked(self, before: str, cell: bool, terms: Sequence[str], titles: set[str]) -> float:
        """Share (by weight) of the nouns naming a value that the question does not ask about: "청년층 취업자는
        381만명" or "자동차 수출액 708억 달러" answer "취업자 수는?" / "연간 수출액은?" less well than the
        figure named by the question's words alone. A sentence value is named by the nouns after the previous
        value of its clause ("임차보증금 5,000만원 이하이면서 월세 60만원": 월세), or before it when none stand
        between them ("패키지는 3.3% 늘어난 1,513억원"); a table cell by its row label and column name."""
        for named in [before] if cell else reversed(_VALUE_TEXT.split(_CONNECTIVE.sub(" ", before))):
            verbs = predicates(named)
            words = [t for t in dict.fromkeys(self.tokenize(named)) if len(t) > 1 and not t[0].isdigit()
                     and t not in verbs and t not in KIND_WORDS and t not in titles and not _BOUND_WORD.fullmatch(t)
                     and t not in _PERIOD_WORDS]
            if words:
                break
        else:
            return 0.0
        asked = set(terms)
        extra = sum(self.weight(t) for t in words
                    if not match_strength(t, asked) and not any(match_strength(q, {t}) for q in asked))
        return extra / sum(self.weight(t) for t in words)

    def _near(self, clause: str, matched: Sequence[str], own: Sequence[str], weight: Callable[[str], float]) -> float:
        """Share of the question's words (by weight) that stand in the value's own clause: a clause holding
        the one word a sentence shares with the question ("내년") is near only as far as that word weighs."""
        if not matched:
            return 0.0
        toks = set(self.tokenize(clause)) | _range_starts(clause)
        inside = sum(weight(t) for t in matched if t in toks)
        return inside / sum(weight(t) for t in dict.fromkeys([*own, *matched]))

    def _units(self, chunk, year: int | None):
        """(unit span, text the question is matched against, [(value span, quantity, clause)]) per unit."""
        text = chunk.text
        if chunk.kind == "table_row" and chunk.cells:
            yield from self._cells(chunk, year)
            return
        context = chunk.search_text[: max(0, chunk.search_text.find(text))] if text in chunk.search_text else ""
        topic = parent = ""
        for s, e in sentence_spans(text, lines=True):
            sent = text[s:e]
            # a top bullet sets the topic its sub-bullets speak of: its parenthesised label, else its subject
            opens = (s == 0 or text[s - 1] == "\n") and sent.lstrip()[:1] in TOP_BULLETS
            if opens:
                top = _TOPIC.match(sent)
                subject = None if top else _SUBJECT.match(sent)
                topic, parent = (top.group(1) if top else ""), (subject.group(1) if subject else "")
            about = f"({topic}) " if topic and not opens else ""  # a sub-bullet's clause is about its topic
            # … and about its parent's subject, which only widens what it covers (shown, it would read oddly)
            widened = f"\n{parent}" if parent and not opens else ""
            qs = _with_times(parse(sent, year))
            clauses = [value_clause(sent, q.span) for q in qs]
            owners = date_owners(qs, [q.span[0] - len(before) for q, (_, before) in zip(qs, clauses, strict=True)])
            values = [((s + q.span[0], s + q.span[1]), q, about + BULLET.sub("", clause) if about else clause, before,
                       sent[q.span[1]:q.span[1] + 12], owners.get(q.span))
                      for q, (clause, before) in zip(qs, clauses, strict=True)]
            if values:
                yield (s, e), f"{context}{widened}\n{about}\n{sent}" if about else f"{context}{widened}\n{sent}", values

    def _cells(self, chunk, year: int | None):
        """A table row: each cell is a value, read with the row's label cells, its column name and the caption; a
        cell of an earlier period column than another carries that column's dates (where a sentence's values
        carry their own dates)."""
        cells = list(chunk.cells)
        parsed = {v: parse(v) for _, v in cells if v}  # each cell read once
        labels = [v for k, (h, v) in enumerate(cells) if v and not BARE_NUMBER_CELL.match(v) and (
            not parsed[v] or (k == 0 and _words_beside(v, parsed[v])))]  # "15~64세 고용률(%)" names its row
        # a cell of words around a figure ("후보지역 4곳 발표") also says what the row is about
        wordy = [v for h, v in cells if v and v not in labels and _words_beside(v, parsed[v])]
        context = chunk.search_text.split("\n")[0] if chunk.search_text else ""
        caption_unit = _caption_unit(chunk.search_text)
        row_unit = next((u for u in map(_header_unit, labels) if u), None)  # "고용률(%)" rows of a mixed table
        row_dates = [v for _, v in cells if v and any(q.kind == DATE for q in parsed[v])]
        periods = {h: max(years) for h, _ in cells if h
                   for years in [[d for d in _dates(h, None) if d[:4].isdigit()]] if years}
        latest = max(periods.values(), default="")
        spans = cell_spans(chunk.text, chunk.cells)
        for (h, v), span in zip(cells, spans, strict=True):
            if not v or v in labels or ORDINAL_HEADER.match(h or ""):
                continue  # a rank or a row number is not a quantity of the caption's unit
            column_unit = _header_unit(h)
            unit = row_unit or column_unit or caption_unit  # a row naming its unit ("증감률(%)") over its column's
            # "2025년 1분기(억달러)" names the column; the row's own unit is not shown beside another
            column = _HEADER_UNIT.sub("", h).strip() if row_unit and column_unit not in (None, row_unit) else h
            # a bare figure takes its column's unit ("4,127" under "(단위: 명)"; read alone it would be 원)
            shown = v if not unit or (parse(v) and not BARE_FIGURE.fullmatch(v)) else f"{v}{unit}"
            qs = _with_times(parse(shown, year) or parse(f"{v} {h}", year))
            if not qs:
                continue
            label = " ".join(dict.fromkeys(labels + [w for w in wordy if w != v] + [column]))
            # a column of an earlier period than another column (2022년 beside 2023년): the question that names
            # none asks the latest, as it does of a trend written in a sentence
            earlier = (periods[h],) if h in periods and periods[h] < latest else None
            # the row is dated by its date cells too ("정기 신청 | 2024. 5. 1. ~ 5. 31. | 8월 말까지": 8월 말 is of
            # the May applications)
            dated = " ".join(d for d in row_dates if d != v)
            # every value of the cell ("2024. 2. 21.(수) 16:00" holds a date and a time)
            # what follows a value in its cell ("지원 비율 70% → 50%": 70% is what it was)
            yield (0, len(chunk.text)), f"{context}\n{v}\n{label} {dated}".rstrip(), [
                (span if len(qs) == 1 else _within(span, q.span), q, label, label,
                 shown[q.span[1]:q.span[1] + 12] if len(qs) > 1 else "", earlier) for q in qs]


@lru_cache(maxsize=4096)
def _row_words(cells: tuple[tuple[str, str], ...], tokenize: Callable[[str], list[str]]) -> frozenset[str]:
    return frozenset(tokenize(" ".join(v for _, v in cells if v and not parse(v))))


def _words_beside(cell: str, figures: Sequence[Quantity]) -> bool:
    """Whether a cell holds words beyond its figures (two syllables or more outside them)."""
    rest = cell
    for q in figures:
        rest = rest.replace(q.text, " ")
    return len(re.findall(r"[가-힣]", rest)) >= 2


def _most_precise_first(ranked: list[Candidate], within: float = 0.4) -> list[Candidate]:
    """A date that a nearly as good candidate of the same announcement states more precisely ("5월" in a
    heading, "2024. 5. 1.(수)부터 5. 31.(금)까지" in the text) gives way to it: the answer is as precise as
    the announcement."""
    if not ranked or ranked[0].quantity.kind != DATE or not ranked[0].quantity.date:
        return ranked
    top = ranked[0]
    coarse = top.quantity.date
    for c in ranked[1:]:
        if top.score - c.score > within:
            break
        start = (c.quantity.date or "").split("/")[0]
        if c.chunk.doc_id == top.chunk.doc_id and "/" not in coarse and start.startswith(coarse) \
                and len(start) > len(coarse):
            return [c] + [x for x in ranked if x is not c]
    return ranked


def _with_times(qs: list[Quantity]) -> list[Quantity]:
    """The quantities, each period of two date-times followed by its two times (spans within the text)."""
    out = []
    for q in qs:
        out.append(q)
        out += [replace(t, span=(q.span[0] + t.span[0], q.span[0] + t.span[1])) for t in times_within(q)]
    return out


# what a figure was: named so, or followed by what it became ("10개월에서", "70% →", "140억원을 시작으로 향후 총 …")
_FORMER = re.compile(r"종전|기존|현행|당초|이전|개편\s*전|변경\s*전|개정\s*전")
_FORMER_ASKED = re.compile(rf"{_FORMER.pattern}|작년|지난해|전년|예전|원래")
_ARROW = r"→|->|⇒"
_STARTS_FROM = r"(?:을|를)\s*시작으로"
_FROM_AFTER = re.compile(rf"\s*(?:에서(?![가-힣])|{_ARROW}|{_STARTS_FROM})")
_ARROW_BEFORE = re.compile(rf"(?:{_ARROW})\s*$")
_CONNECTIVE = re.compile(rf"{_STARTS_FROM}|에\s*이어|에\s*더해")  # link two figures, name neither
# words saying over which period a figure counts ("연간으로는 2,272만명"): the dates the question names judge that
_PERIOD_WORDS = frozenset({"연간", "연중", "월간", "한해", "향후", "앞으로"}) | RELATIVE_TIME_WORDS
_RANGE_WORDS = re.compile(r"(?<![\d.])(\d+)\s*[~∼〜～]\s*\d+\s*(개월|년|세|일|주|시간|회|차|단계|등급|분기)")


def _range_starts(text: str) -> set[str]:
    """The first number of a range with the range's unit ("4~6개월" → 4개월): a question asking "4개월째부터
    6개월째까지" names both ends, the tokenizer gives the unit to the last number only."""
    return {f"{m.group(1)}{m.group(2)}" for m in _RANGE_WORDS.finditer(text)}


def _edge_of(span: tuple[int, int] | None, qty: Quantity, edge: str) -> tuple[tuple[int, int] | None, Quantity]:
    """A period's day at the end asked (its value span within the period's), else the value itself."""
    day = next((e for e in range_edges(qty) if e.bound == edge), None)
    if day is None:
        return span, qty
    return (_within(span, day.span) if span else None), replace(day, span=(qty.span[0] + day.span[0],
                                                                            qty.span[0] + day.span[1]))


def _within(span: tuple[int, int] | None, inner: tuple[int, int]) -> tuple[int, int] | None:
    """The span of a part of a cell, given the cell's span in the chunk text."""
    return (span[0] + inner[0], span[0] + inner[1]) if span else None


def _compact(text: str) -> str:
    return _SPACE_OR_COMMA.sub("", text)


_SPACE_OR_COMMA = re.compile(r"[\s,]")


def value_clause(sent: str, span: tuple[int, int]) -> tuple[str, str]:
    """The clause a value stands in (from the separator before it to the one after it), and the part of it
    before the value (where its subject and any comparison — "전년보다" — are written)."""
    start = 0
    for m in _CLAUSE_SEP.finditer(sent, 0, span[0]):
        start = m.end()
    m = _CLAUSE_SEP.search(sent, span[1])
    end = m.start() if m else len(sent)
    return sent[start:end], sent[start:span[0]]


_VALUE_TEXT = re.compile(r"[’'‘]?\d[\d,.]*\s*[^\s\d]*")
_BOUND_WORD = re.compile(r"이하|이상|이내|미만|초과|최대|최소|최고|최저|내외|가량|수준|정도|규모")
_BOUND_WORDS = {"upper": re.compile(r"최대|최고|상한|한도"), "lower": re.compile(r"최소|최저|하한"),
                "total": re.compile(r"(?<![가-힣])총(?![가-힣]{2})|합계|총계")}
_TOTAL_WORDS = re.compile(r"(?<![가-힣])(?:총|모두|전부|통틀어)(?![가-힣]{2})|다\s*합")  # "모두 얼마야?" asks a total
_TOTAL_LABEL = re.compile(r"(?:^|\s)(?:합\s*계|총\s*계|소\s*계|계|총계|전체|총지출)(?:\s|$)")
_UNIT_NOTE = re.compile(r"단위\s*[:：]\s*([^)\]\n,]+)")
_HEADER_UNIT = re.compile(r"[(\[]\s*([^()\[\]]*?(?:원|명|개|곳|건|%|㎡|톤|가구|세대|개소|달러|mm|㎜|℃|°C|km|㎞|ha|㏊|일|회|대))"
                          r"\s*[)\]]\s*$")


def _caption_unit(search_text: str) -> str | None:
    m = _UNIT_NOTE.search(search_text or "")
    return m.group(1).strip() if m else None


def _header_unit(header: str) -> str | None:
    m = _HEADER_UNIT.search(header or "")
    return m.group(1).strip() if m else None
