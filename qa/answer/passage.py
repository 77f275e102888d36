"""Passages: the best sentence or bullet of the retrieved chunks for a question, and whether it answers at all.
Weights live in :class:`~qa.config.PassageWeights` (``Config.passage``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..chunk import PASSAGE_KINDS, Chunk
from ..config import PassageWeights
from ..korean import predicates, tokenize
from ..lexicon import CAUSE_MARKERS, KIND_WORDS, QUESTION_WORDS, SLOT_LABELS, SLOT_QUESTIONS, WHY_ASKS, Attr
from ..question import Question, compact
from ..sentences import sentence_units
from ..text import BULLET, DATE_EXPR, HANGUL, PHONE_SHAPE, PLAIN_NUMBER, known_form, match_strength, strip_bullet

if TYPE_CHECKING:
    from ..retrieve import Hit

DEFAULT_WEIGHTS = PassageWeights()
SentenceSims = Callable[[Chunk], "Sequence[float] | None"]  # a chunk's units against the question, in unit order
_MONEY_SHAPE = r"\d\s*(억|만|천)?\s*원"
_COUNT_SHAPE = r"\d+\s*(개|곳|건|팀|명)"
# what a number question asks for, and how such a number is written in a passage
NUMBER_FAMILIES = {Attr.NATIONAL: _MONEY_SHAPE, Attr.LOCAL: _MONEY_SHAPE, Attr.TOTAL_COST: _MONEY_SHAPE,
                   Attr.PROJECT_COST: _MONEY_SHAPE, Attr.SUPPORT: _MONEY_SHAPE,
                   Attr.COMPETITION: r"\d\s*:\s*1|\d\s*대\s*1", Attr.RATIO: r"\d\s*(%|퍼센트)",
                   Attr.APPLIED: _COUNT_SHAPE, Attr.SELECTED: _COUNT_SHAPE, Attr.PERIOD: r"\d+\s*(년|개월)"}
# other typed answers and how they are written
TYPED_FAMILIES = {Attr.PHONE: PHONE_SHAPE, Attr.CONTACT: r"(과장|사무관|주무관|담당)", Attr.DEPARTMENT: r"(과|팀)\b",
                  Attr.WEBSITE: r"www\.|https?://", Attr.SOURCE: r"https?://"}


_SLOT_QUESTIONS = {name: re.compile(rx) for name, rx in SLOT_QUESTIONS.items()}
_WHY_ASKS = re.compile(WHY_ASKS)
_LEAD_IN = re.compile(r"다음과\s*같|아래와\s*같")
_SLOT_LABEL = re.compile(r"^(?:[가-하]\.\s*|\(?[0-9]+[.)]\s*)?([^:：|]{1,14})\s*[:：]")


units = sentence_units  # a chunk text's sentence / bullet spans


def passage_fits(q: Question, text: str) -> bool:
    """A passage can only answer a question that asks for a number (or a phone, a URL …) if it holds one."""
    patterns = [NUMBER_FAMILIES.get(f) or TYPED_FAMILIES.get(f) for f in q.families]
    patterns = [p for p in patterns if p]
    if q.intent in ("count", "sum", "diff", "max", "min"):
        patterns.append(r"\d")
    return not patterns or any(re.search(p, text) for p in patterns)


def content_tokens(q: Question, common: set[str], exclude: set[str] = frozenset()) -> list[str]:
    """The question words a passage must cover: what is asked beyond the named entity and the title of
    the announcement the question names."""
    if q.english:
        toks = tokenize(q.pseudo)
    elif q.entities:
        toks = list(q.residual)  # what is asked about the entity, beyond the words that say what kind of answer
    else:
        toks = list(q.residual) + tokenize(" ".join(q.categories + q.values))
    toks = [t for t in dict.fromkeys(toks) if t not in QUESTION_WORDS and t not in exclude
            and not PLAIN_NUMBER.fullmatch(t) and not HANGUL.fullmatch(t)]
    rare = [t for t in toks if t not in common]
    return rare if rare or q.entities else toks


def asked_verbs(q: Question, exclude: set[str] = frozenset()) -> list[str]:
    """What a question asks when its nouns are all its announcement's (문화누리카드로 어떤 데서 쓸 수 있어요?): its
    verbs, one-syllable stems too (쓰, 살), which :func:`content_tokens` drops as noise; never the question's own
    verbs (받, 되, 알리) nor a question about someone named, whose name decides."""
    if q.english or q.entities:
        return []
    return sorted(t for t in predicates(q.text) if t not in QUESTION_WORDS and t not in exclude)


def best_passage(q: Question, hits: list[Hit], idf: dict[str, float], entity_aliases: dict[str, set[str]],
                 common: set[str] = frozenset(), exclude: set[str] = frozenset(),
                 weights: PassageWeights = DEFAULT_WEIGHTS,
                 known: Callable[[str], str] | None = None) -> tuple[float, Chunk | None, tuple[int, int] | None]:
    """The sentence that covers most of the question (IDF-weighted), and that coverage in [0, 1]."""
    ranked = rank_passages(q, hits, idf, entity_aliases, common, exclude, weights, known, top=1)
    if not ranked:
        return 0.0, None, None
    _, coverage, chunk, span = ranked[0]
    return coverage, chunk, span


def rank_passages(q: Question, hits: list[Hit], idf: dict[str, float], entity_aliases: dict[str, set[str]],
                  common: set[str] = frozenset(), exclude: set[str] = frozenset(),
                  weights: PassageWeights = DEFAULT_WEIGHTS, known: Callable[[str], str] | None = None,
                  top: int = 3, max_idf: float | None = None, sentence_sims: SentenceSims | None = None,
                  units_of: Callable[[Chunk], ChunkUnits] | None = None) -> list[tuple[float, float, Chunk, tuple[int, int]]]:
    """The ``top`` best units (one per chunk), best first: ``(score, coverage, chunk, span)``.

    Units inside chunks that mention the question's entity are preferred; "언제" questions prefer units
    that hold a date. Coverage counts a question word unknown to the corpus at the maximum IDF, so a
    question about something the announcement never mentions scores low and is answered "not found".
    ``units_of``: a chunk's units as :func:`read_units` reads them (the loaded index's, read once per chunk).
    ``sentence_sims``: a chunk's units against the question in meaning (:func:`_meaning_losses`).
    """
    known = known or (lambda t: known_form(t, idf, lambda v: -idf[v]))
    units_of = units_of or read_units
    toks = [known(t) for t in content_tokens(q, common, exclude)]
    toks = [t for t in dict.fromkeys(toks) if t not in exclude]
    verbs = [] if toks else asked_verbs(q, exclude)  # then only a unit saying what is asked of it answers
    toks = toks or verbs
    slots = asked_slots(q.text) if not q.english else []
    if not hits or (not toks and not q.entities and not (slots and q.doc_ids)):
        return []
    if max_idf is None:  # the caller's, read once per index (a max over the whole vocabulary per question is not)
        max_idf = max(idf.values()) if idf else 1.0
    light = predicates(q.text) if not q.english else set()
    word_weights = {t: idf.get(t, max_idf) for t in toks if t not in light}
    light_weights = {t: idf.get(t, max_idf) for t in toks if t in light}
    echo_words = set(tokenize(q.text)) | set(exclude) | QUESTION_WORDS | KIND_WORDS
    # an entity the announcement's title names (전남 in a release about 전남) is what every passage is about
    about = [e for e in q.entities if not (set(entity_aliases.get(e, {e})) & set(exclude))]
    aliases = [a for e in about for a in entity_aliases.get(e, {e}) if not a.isascii()]
    bonus = _Bonus.of(q, aliases, bool(toks), weights)
    slot_words = [word for s in slots for word in SLOT_LABELS[s]]
    losses = _meaning_losses(hits, units_of, sentence_sims, weights.sentence_similarity)
    best: dict[str, tuple[float, float, Chunk, tuple[int, int]]] = {}
    for rank, h in enumerate(hits):
        c = h.chunk
        if c.kind not in PASSAGE_KINDS:
            continue
        read = units_of(c)
        mentions_entity = not aliases or any(a in read.flat for a in aliases)
        loss = losses.get(c.chunk_id)
        for i, u in enumerate(read.units):
            if u.echo and all(t in echo_words for t in u.echo):
                continue  # it repeats the question (a caption naming the announcement): never the answer
            if verbs and not any(match_strength(t, u.tokens, u.joined) for t in verbs):
                continue
            slotted = bool(slots) and bool(u.slot) and any(word in u.slot for word in slot_words)
            coverage = _coverage(word_weights, light_weights, u.tokens, read.tokens, weights, slotted,
                                 named=bool(q.entities), unit_joined=u.joined, ctx_joined=read.joined)
            score = coverage - weights.rank_penalty * rank - (weights.table_row_penalty if c.kind == "table_row"
                                                               else 0.0)
            score = bonus(score, u) - (loss[i] if loss else 0.0)
            if slotted:
                score += weights.slot_bonus
            if not mentions_entity:  # the question names someone this passage is not about
                score -= weights.other_entity_penalty
            if c.chunk_id not in best or score > best[c.chunk_id][0]:
                best[c.chunk_id] = (score, coverage if mentions_entity else 0.0, c, u.span)
    return sorted(best.values(), key=lambda b: -b[0])[:top]


def _meaning_losses(hits: list[Hit], units_of: Callable[[Chunk], ChunkUnits], sentence_sims: SentenceSims | None,
                    weight: float) -> dict[str, list[float]]:
    """What each unit of the passage chunks loses for its meaning, by chunk id: ``weight`` per unit of e5 cosine it
    falls below the closest unit of these passages. Only chunks given one similarity per unit: an index built
    before sentence vectors (or a question not embedded) gives none, and words alone rank."""
    sims: dict[str, Sequence[float]] = {}
    for h in hits if sentence_sims is not None and weight else ():
        c = h.chunk
        if c.kind in PASSAGE_KINDS and c.chunk_id not in sims:
            found = sentence_sims(c)
            if found is not None and len(found) == len(units_of(c).units) and len(found):
                sims[c.chunk_id] = found
    closest = max((max(s) for s in sims.values()), default=0.0)
    return {chunk_id: [weight * (closest - float(x)) for x in s] for chunk_id, s in sims.items()}


@dataclass(frozen=True)
class Unit:
    """One sentence or bullet of a chunk as ranking reads it, whatever the question: read once per loaded index."""

    span: tuple[int, int]
    tokens: frozenset[str]
    joined: str  # its tokens joined by newlines (a word inside one of them: :func:`match_strength`)
    echo: tuple[str, ...]  # its words that are not numbers (all in the question: it only repeats it)
    slot: str  # the label it states its value under (장소: …), without spaces
    compact: str  # its text without the bullet, compact
    flat: str  # … lower-case without spaces (keeps "(" and ":" of "PBV(…)" definitions)
    row_label: str  # a table row's label (its first cell), else ""
    row_key: str  # … compact
    row: bool  # a table row ("| … |")
    dated: bool  # holds a date or a time boundary
    cause: bool  # states a cause or purpose (때문, 위해 …)
    quoted: bool  # holds a quotation mark
    placed: bool  # names a 동/면/읍 or 일원


@dataclass(frozen=True)
class ChunkUnits:
    """A chunk's words, its compact search text and its units (:func:`read_units`)."""

    tokens: frozenset[str]
    joined: str
    flat: str
    units: tuple[Unit, ...]


_PLACE_WORDS = re.compile(r"[가-힣]+(동|면|읍|리|구|군)(,|\s|$)|일원|일대")


def read_units(c: Chunk) -> ChunkUnits:
    """What :func:`rank_passages` reads of a chunk that does not depend on the question."""
    out = []
    for s, e in units(c.text):
        unit = c.text[s:e]
        body = strip_bullet(unit)
        row = body.startswith("|")
        words, label = tokenize(unit), slot_label(unit)
        tokens = frozenset(words)
        out.append(Unit(span=(s, e), tokens=tokens, joined="\n".join(tokens),
                        echo=tuple(t for t in words if not t[0].isdigit()),
                        slot=label.replace(" ", ""), compact=compact(body),
                        flat=body.lower().replace(" ", ""), row_label=label if row else "",
                        row_key=compact(label) if row else "", row=row,
                        dated=bool(DATE_EXPR.search(unit)), cause=bool(re.search(CAUSE_MARKERS, unit)),
                        quoted=bool(re.search(r"[“\"]", unit)), placed=bool(_PLACE_WORDS.search(unit))))
    tokens = frozenset(tokenize(c.search_text))
    return ChunkUnits(tokens, "\n".join(tokens), compact(c.search_text), tuple(out))


def asked_slots(question: str) -> list[str]:
    """Which answer slots a question asks for (어디 → where, 언제 → when, 누구 → who, 어떻게 → how)."""
    return [name for name, rx in _SLOT_QUESTIONS.items() if rx.search(question)]


def slot_label(unit: str) -> str:
    """The label a unit states its value under: "가. 장소: …" → 장소, "| 장소 | 킨텍스 |" → 장소."""
    body = strip_bullet(unit).strip()
    if body.startswith("|"):
        cells = [c.strip() for c in body.strip("|").split("|")]
        return cells[0] if len(cells) >= 2 else ""
    m = _SLOT_LABEL.match(body)
    return m.group(1) if m else ""


def _coverage(word_weights: dict[str, float], light_weights: dict[str, float], unit_toks: set[str],
              ctx_toks: set[str], w: PassageWeights, slotted: bool = False, named: bool = False,
              unit_joined: str | None = None, ctx_joined: str | None = None) -> float:
    """IDF-weighted share of the question's nouns in the unit (nouns only in its chunk count partly).

    Predicates (뽑다, 열리다) are paraphrased freely, so they never count against a unit; one the unit shares
    adds to it. A question that names only an entity is covered by any unit (the entity decides); one that
    names nothing beyond its announcement and what it asks ("나노코리아 2024는 어디서 열려?") is answered by a
    unit stating that slot (장소: …) and by no other. ``unit_joined`` / ``ctx_joined``: the token sets joined
    (:func:`match_strength`), when kept."""
    light = sum(x * match_strength(t, unit_toks, unit_joined) for t, x in light_weights.items())
    total = sum(word_weights.values())
    if not total and named:
        return 1.0
    if not total:
        base = 0.5 if slotted else 0.3
        return base + (0.5 * light / sum(light_weights.values()) if light_weights else 0.0)
    strength = {t: match_strength(t, unit_toks, unit_joined) for t in word_weights}
    matched = sum(x * strength[t] for t, x in word_weights.items())
    ctx = sum(x * (1 - strength[t]) * match_strength(t, ctx_toks, ctx_joined) for t, x in word_weights.items()
              if strength[t] < 1)
    return (matched + w.context * ctx + light) / (total + light)


_TOPIC_ENDS = ("은", "는", "이란", "란", "이", "가", ")", "(", ":")  # "X란", "X(…)": X is the unit's topic
_TOPIC_MARKS = ("은", "는", "이란", "란")
_ENTITY_ENDS = ("은", "는", "이", "가", ")")


def _opens(text: str, word: str, ends: tuple[str, ...]) -> bool:
    """``re.match(r"\(?" + re.escape(word) + "(" + "|".join(ends) + ")", text)``, without a pattern to compile: the
    text opens with ``word`` (after an optional "(") and one of ``ends`` right after it."""
    return any(text.startswith(word, i) and text.startswith(ends, i + len(word))
               for i in ((0, 1) if text.startswith("(") else (0,)))


def _marked(text: str, word: str, ends: tuple[str, ...]) -> bool:
    """``re.search(re.escape(word) + "(" + "|".join(ends) + ")", text)``: ``word`` somewhere, one of ``ends`` after it."""
    i = text.find(word)
    while i >= 0:
        if text.startswith(ends, i + len(word)):
            return True
        i = text.find(word, i + 1)
    return False


@dataclass(frozen=True)
class _Bonus:
    """What makes a unit the answer beyond covering the words, for one question: a date for 언제, the topic of
    "X란?" …, added to a unit's score one by one, in this order."""

    q: Question
    w: PassageWeights
    aliases: tuple[str, ...]
    asks_words: bool
    why: bool

    @classmethod
    def of(cls, q: Question, aliases: list[str], asks_words: bool, w: PassageWeights) -> _Bonus:
        return cls(q, w, tuple(aliases), asks_words, bool(_WHY_ASKS.search(q.text)))

    def __call__(self, score: float, u: Unit) -> float:
        q, w, topic = self.q, self.w, self.q.topic
        if q.intent == "when" and u.dated:
            score += w.date_bonus
        if topic and _opens(u.flat, topic, _TOPIC_ENDS):
            score += w.topic_lead_bonus  # "X란?" is best answered where X is the topic of the sentence
        elif topic and _marked(u.compact, topic, _TOPIC_MARKS):
            score += w.topic_bonus
        elif self.aliases and any(_opens(u.compact, a, _ENTITY_ENDS) for a in self.aliases):
            score += w.entity_lead_bonus if not self.asks_words else w.entity_lead_bonus_asked  # introduces the entity
        label = u.row_label
        if len(u.row_key) >= 2 and u.row_key in q.compact and label not in q.categories:
            score += w.row_label_bonus  # "특별전시관은 어떤 게 있어?": the row labelled 특별전시관, not a row listing it
        if self.why and u.cause and not u.row:
            score += w.cause_bonus  # "왜 늘었어?" is answered by the sentence saying what made it so
        if q.intent == "quote" and u.quoted:
            score += w.quote_bonus
        if q.intent == "where" and u.placed:
            score += w.place_bonus
        return score


def extend_lead_in(chunk: Chunk, span: tuple[int, int]) -> tuple[int, int]:
    """A sentence that announces a list ("다음과 같은 지원이 제공된다") is answered with the list."""
    if _LEAD_IN.search(chunk.text[span[0]:span[1]]) and span[1] < len(chunk.text):
        return span[0], len(chunk.text)
    return span


def passage_text(chunk: Chunk, span: tuple[int, int]) -> str:
    text = chunk.text[span[0]:span[1]]
    return "\n".join(BULLET.sub("", line).strip() for line in text.split("\n") if line.strip())


_ITEM_SEP = re.compile(r"(?<!\d)[,，](?!\d)|[,，](?=\s)|\n")


def named_items(text: str, span: tuple[int, int], aliases: list[str],
                names_someone: Callable[[str], bool]) -> tuple[int, int] | None:
    """In a passage listing items of many named ones ("순천 송강면 삼청마을, …, 장흥 관산읍 동두마을·장흥읍 행원마을,
    …"), the span of the items naming one of ``aliases`` — the answer about that one, not the whole list; None
    when the passage is no list of at least four items, most of them naming someone (``names_someone``), or the
    name is in most of them."""
    items, pos = [], span[0]
    for m in _ITEM_SEP.finditer(text, span[0], span[1]):
        items.append((pos, m.start()))
        pos = m.end()
    items.append((pos, span[1]))
    items = [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in items if text[a:b].strip()]
    if len(items) < 4 or sum(names_someone(compact(text[a:b])) for a, b in items) * 2 < len(items):
        return None  # a list of things ("김천형 MaaS, 드론 배송, …"), not of who gets them
    named = [(a, b) for a, b in items if any(alias in compact(text[a:b]) for alias in aliases)]
    if not named or len(named) * 2 > len(items):
        return None
    return named[0][0], named[-1][1]


def owner(chunk: Chunk, span: tuple[int, int], names: dict[str, str]) -> str | None:
    """The place or body a unit is about: one it names, else the one its chunk's first line opens with."""
    for text in (chunk.text[span[0]:span[1]], chunk.text.split("\n", 1)[0]):
        flat = compact(text)
        found = sorted(((flat.find(a), -len(a), name) for a, name in names.items() if a in flat))
        if found:
            return found[0][2]
    return None


def announces(doc, who: str) -> bool:
    """Whether ``who`` is the body announcing ``doc`` (its publisher, or a name in its title), not one of those
    the announcement is about."""
    return compact(who) in compact(f"{doc.publisher or ''} {doc.title}")

