"""Text toolkit shared by the facts, question and answer stages: sentence spans, bullets, numbers, phones,
compact forms, romanisation, one-jamo typos and josa — each written once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from .korean import dictionary_word, normalize
from .lexicon import (
    ENGLISH_GLOSSARY,
    NO_AREA_CODE,
    NOTE_MARKS,
    PART_WEIGHT,
    SERVICE_DESKS,
    SUB_BULLETS,
    SYNONYM_WEIGHT,
    SYNONYMS,
    TOP_BULLETS,
)

HANGUL = re.compile(r"[가-힣]")
WORD = re.compile(r"[A-Za-z]+|[가-힣0-9]+")
HANGUL_WORD = re.compile(r"[가-힣]{3,}")  # a word long enough to look for a typo in
PLAIN_NUMBER = re.compile(r"\d+(?:년|월|일)?")  # a token that is only a number, a year, a month or a day
# table cells that hold a figure, not a label: a bare number or share (1,200 / △3.5 / 12%), or a dash …
BARE_NUMBER_CELL = re.compile(r"^[-+△▲▽∆]?\s*[\d,.]*\s*%?$|^[-–—]$")
# … or a figure with a short unit (12명, 90억원, 3.5:1)
FIGURE_CELL = re.compile(r"^[-+△▲▽∆]?\s*[\d,.]+\s*[%가-힣:]{0,4}$|^[-–—]$")
# a year the question asks about; never a birth year ("2010년생": who is asking, not which announcement)
YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\s*년\s*생)\s*년?|'(\d{2})(?!\s*년\s*생)\s*년")
# a number as documents write it: 1,200 / 5.25 / 160
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# phone numbers: a strict one (contact cells, "(044-201-1234)") and the loose one of running text ("02)123-4567")
PHONE = r"0\d{1,2}-\d{3,4}-\d{4}"
PHONE_LOOSE = re.compile(r"\(?(?P<phone>0\d{1,2}[-)]\s?\d{3,4}-\d{4})\)?")
# anything shaped like a phone number (a passage that can answer a phone question): an area or mobile number, a
# nationwide representative number (1544-9944, 1599-2000: 15xx to 18xx, four digits each side) or a short one
# dialled without an area code ("국번 없이 126", "☎126", "국세상담센터(126)")
PHONE_SHAPE = (rf"\d{{2,4}}-\d{{3,4}}-\d{{4}}|(?<![\d-])1[5-8]\d{{2}}-\d{{4}}(?![\d-])|{NO_AREA_CODE}\s*\d{{3,4}}"
               rf"|☎\s*\d{{3,4}}(?![\d-])|(?:{SERVICE_DESKS})\s*\(\s*\d{{3,4}}\s*[),]")
# a date or a time boundary in a sentence ("3월", "2025년", "까지")
DATE_EXPR = re.compile(r"\d{1,2}\s*월|\d{4}\s*[.년]|\d{1,2}\s*일|까지|부터")
BULLET = re.compile(rf"^\s*[{re.escape(TOP_BULLETS + SUB_BULLETS + NOTE_MARKS)}]\s*")
# every bullet and note mark a line opens with ("□ ", "ㅇ - ", "※ "), before its label
LEADING_MARKS = re.compile(rf"^[{re.escape(TOP_BULLETS + SUB_BULLETS + NOTE_MARKS)}\s]+")

# Sentence ends. Inside one document line a bullet may open the next sentence ("…다. ※ …"); in a chunk text
# every line is a unit of its own and a bullet only ever starts a line.
_SENTENCE_END_IN_LINE = re.compile(r"(?<=다\.)\s+|(?<=[.!?])\s+(?=[□ㅇ○*※“\"‘'(가-힣A-Z])")
_SENTENCE_END_IN_CHUNK = re.compile(r"(?<=다\.)\s+|(?<=[.!?])\s+(?=[가-힣A-Z“\"‘'(])|\n")


def sentence_spans(text: str, lines: bool = False) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the non-blank sentences of ``text``.

    Args:
        text: one document line (``lines=False``, as facts read it) or a chunk text (``lines=True``: every
            line is also a unit, as passages are cut).
    """
    pattern = _SENTENCE_END_IN_CHUNK if lines else _SENTENCE_END_IN_LINE
    spans, pos = [], 0
    for m in pattern.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def strip_bullet(text: str) -> str:
    """``"□ 전주시는 …"`` → ``"전주시는 …"`` (one leading bullet or note mark)."""
    return BULLET.sub("", text)


def find_span(line: str, value: str) -> tuple[int, int] | None:
    """Where ``value`` first stands in ``line``."""
    i = line.find(value)
    return (i, i + len(value)) if i >= 0 and value else None


def parse_number(text: str) -> float | None:
    """``"1,200"`` → 1200.0; ``None`` when the text holds no single number."""
    m = re.fullmatch(rf"\s*({NUMBER})\s*", text)
    return float(m.group(1).replace(",", "")) if m else None


def format_number(v: float) -> str:
    """160.0 → "160"; 5.25 → "5.25"; 1200 → "1,200" (as Korean documents write it)."""
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=16384)
def compact(text: str) -> str:
    """Lower-case, no spaces or punctuation: the form triggers and aliases are compared in (remembered: the same
    passages and names are compared for every candidate of a question)."""
    return re.sub(r"[^\w%]+|_", "", normalize(text).lower())


def squeeze(text: str) -> str:
    """All whitespace removed ("담당 부서" → "담당부서"): how labels and titles are compared."""
    return re.sub(r"\s+", "", text)


# Revised Romanization tables (enough to match English city names like Jeonju, Gimhae, Daegu).
_L = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_V = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
      "eu", "ui", "i"]
_T = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng",
      "t", "t", "k", "t", "p", "t"]


def jamo(ch: str) -> tuple[int, int, int]:
    """(lead, vowel, tail) indices of a Hangul syllable; (-1, -1, -1) for anything else."""
    code = ord(ch) - 0xAC00
    return (code // 588, (code % 588) // 28, code % 28) if 0 <= code < 11172 else (-1, -1, -1)


def romanize(text: str) -> str:
    """Revised Romanization of Hangul syllables, lower case, other characters dropped (전주 → jeonju)."""
    out = []
    for ch in text:
        lead, vowel, tail = jamo(ch)
        if lead >= 0:
            initial = "r" if lead == 5 and not out else _L[lead]  # word-initial ㄹ
            out.append(initial + _V[vowel] + _T[tail])
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
    return "".join(out)


_EN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _singular_keys(glossary: dict[str, str]) -> dict[str, str]:
    """The glossary with its keys read as questions are (plurals singular: "smes and startups")."""
    return {" ".join(_singular(w) for w in k.split()): v for k, v in glossary.items()}


_SINGULAR_GLOSSARY = _singular_keys(ENGLISH_GLOSSARY)  # the lexicon's, read so once (not per question)


def gloss_english(text: str, glossary: dict[str, str], longest: int = 7) -> list[str]:
    """The Korean words of a glossary for an English text's words and phrases, longest phrase first
    ("unemployment rate" → 실업률 rather than 실업 and a bare rate), plurals read as singular."""
    words = [_singular(w) for w in _EN_WORD.findall(text.lower().replace("'s", "").replace("’s", ""))]
    glossary = _SINGULAR_GLOSSARY if glossary is ENGLISH_GLOSSARY else _singular_keys(glossary)
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            found = glossary.get(phrase) or glossary.get(phrase.replace("-", " "))
            if found:
                out.extend(w for w in found.split() if w not in out)
                i += n
                break
        else:
            i += 1
    return out


def one_typo(word: str, target: str) -> bool:
    """Same length, exactly one differing syllable, and that syllable keeps its lead consonant or vowel."""
    if len(word) != len(target) or word == target:
        return False
    diff = [(a, b) for a, b in zip(word, target, strict=True) if a != b]
    if len(diff) != 1:
        return False
    ja, jb = jamo(diff[0][0]), jamo(diff[0][1])
    return ja[0] >= 0 and jb[0] >= 0 and sum(x == y for x, y in zip(ja, jb, strict=True)) >= 2  # one jamo off: 갱/경, 재/제


def abbreviates(short: str, long: str) -> bool:
    """Korean abbreviations keep syllables of the full name in order, with its first and last one
    (중기부 ← 중소벤처기업부, 과기정통부 ← 과학기술정보통신부, 국토부 ← 국토교통부)."""
    if not 2 <= len(short) < len(long) or short[0] != long[0] or short[-1] != long[-1] or jamo(short[0])[0] < 0:
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def typo_neighbours(word: str, vocabulary) -> list[str]:
    """The words of ``vocabulary`` one jamo away from ``word`` (주체 → 주제, 주최)."""
    if isinstance(vocabulary, TypoIndex):
        return vocabulary.neighbours(word)
    return [v for v in vocabulary if len(v) == len(word) and one_typo(word, v)]


class TypoIndex:
    """A vocabulary's words looked up by key instead of by walking the vocabulary: those one syllable away from a
    word (per word length, the word without one syllable → where its words stand; a superset that
    :func:`one_typo` decides) and those starting with a syllable. Each table is built on first use and kept (one
    assignment), for the vocabulary of a loaded index; every answer lists words in the vocabulary's order."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = list(words)
        self._masked: dict[int, dict[tuple[int, str], list[int]]] = {}
        self._initial: dict[str, list[str]] | None = None

    def neighbours(self, word: str) -> list[str]:
        """``typo_neighbours(word, words)``: the words one jamo away from ``word``, in vocabulary order."""
        n = len(word)
        keys = self._masked.get(n)
        if keys is None:
            keys = {}
            for i, w in enumerate(self.words):
                if len(w) == n:
                    for j in range(n):
                        keys.setdefault((j, w[:j] + w[j + 1:]), []).append(i)
            self._masked[n] = keys
        near = sorted({i for j in range(n) for i in keys.get((j, word[:j] + word[j + 1:]), ())})
        return [self.words[i] for i in near if one_typo(word, self.words[i])]

    def starting(self, initial: str) -> list[str]:
        """The words starting with ``initial``, in vocabulary order."""
        if self._initial is None:
            table: dict[str, list[str]] = {}
            for w in self.words:
                if w:
                    table.setdefault(w[0], []).append(w)
            self._initial = table
        return self._initial.get(initial, [])


def typo_fix(word: str, vocabulary, frequency=None) -> str | None:
    """The word of ``vocabulary`` (or of a :class:`TypoIndex`) a word unknown to it is one jamo away from (기갼 →
    기간, 증가뮬 → 증가율): the most frequent one when ``frequency(word)`` is given, else only when there is
    exactly one."""
    found = typo_neighbours(word, vocabulary)
    if len(found) > 1 and frequency is not None:
        return max(found, key=frequency)
    return found[0] if len(found) == 1 else None


def known_form(word: str, vocabulary, frequency=None, typos: TypoIndex | None = None) -> str:
    """``word`` as the corpus writes it: itself when known, else its one-jamo correction (기갼 → 기간), else the
    full name it abbreviates (중기부 → 중소벤처기업부), the most frequent when several; else unchanged.
    ``typos``: a :class:`TypoIndex` of ``vocabulary`` (the same answer, found by key). A word of the language
    (:func:`~qa.korean.dictionary_word`) is never corrected to another one jamo away: 아기 stays 아기 in a corpus
    that writes 위기 and not 아기."""
    if word in vocabulary or len(word) < 2 or jamo(word[0])[0] < 0:
        return word
    fixed = None if dictionary_word(word) else typo_fix(word, typos or vocabulary, frequency)
    if fixed:
        return fixed
    longer = [v for v in (typos.starting(word[0]) if typos else vocabulary) if abbreviates(word, v)]
    if not longer:
        return word
    return max(longer, key=frequency) if frequency is not None else min(longer, key=len)


def josa(word: str, with_batchim: str, without: str) -> str:
    """The particle for ``word``: 은/는, 이/가 … by the final syllable's batchim."""
    for ch in reversed(word.strip()):
        if "가" <= ch <= "힣":
            return with_batchim if (ord(ch) - 0xAC00) % 28 else without
        if ch.isalnum():
            break
    return f"{with_batchim}({without})"


_SYNONYMS_OF: dict[str, frozenset[str]] = {w: group - {w} for group in SYNONYMS for w in group}


_PLACE_TIME_SUFFIXES = set("일점지처장")  # 발표일, 반환점, 출발지, 접수처, 행사장 (not 율, 인: 증가율 is not 증가)


def match_strength(word: str, toks: set[str], joined: str | None = None) -> float:
    """How far a sentence with tokens ``toks`` holds a question word: 1 the word itself, ``SYNONYM_WEIGHT`` a
    synonym (접수 ↔ 신청), ``PART_WEIGHT`` a longer word containing it (대학 ⊂ 울산대학교) or the word without
    its suffix of day, point or place (발표일 → 발표), else 0. ``joined``: ``"\\n".join(toks)``, when the caller
    keeps it (a sentence is matched against many words).

    One measure for every rule that matches a question against sentences (the typed values, the passages)."""
    if word in toks:
        return 1.0
    if _SYNONYMS_OF.get(word, frozenset()) & toks:
        return SYNONYM_WEIGHT
    # a longer token holding the word (the word itself is not in toks): one C-level scan of the joined tokens
    if len(word) >= 2 and not word[0].isdigit() and "\n" not in word and \
            word in (joined if joined is not None else "\n".join(toks)):
        return PART_WEIGHT
    if len(word) >= 3 and word[-1] in _PLACE_TIME_SUFFIXES and word[:-1] in toks:
        return PART_WEIGHT  # the day, point or place of what a sentence names (발표일 ← 발표, 반환점 ← 반환)
    return 0.0


class Speller:
    """Corrects a question's long words the corpus never writes to the word it does, one jamo away (글로별 →
    글로벌, 예비창업패키치 → 예비창업패키지, 증가뮬은 → 증가율은), before anything reads the question: linking,
    retrieval and the rules then all see the corpus's word.

    Only words of three syllables or more: a longer word one jamo away from a corpus word is almost surely that
    word mistyped, while two-syllable words have many real neighbours (the rules resolve those per word,
    :func:`known_form`). A word whose longest known prefix is as long as the correction is left alone.
    """

    def __init__(self, frequency: dict[str, float], analysed: Callable[[str], bool] = lambda word: False,
                 asking: Iterable[str] = (), as_written: Callable[[str, int], bool] = lambda word, n: False) -> None:
        self.frequency = frequency  # corpus word → how often (the most frequent correction wins)
        self.analysed = analysed  # whether a word reads as corpus words with particles and endings (신청은, 기업까지)
        # whether a word's first n syllables are the language's words as written (사업비, 시험은, 기관은): never
        # "corrected" to a corpus word one jamo away (사업부, 시점, 기간)
        self.as_written = as_written
        # two-syllable words that name what is asked (기간, 금액): "기갼은?" is one of them mistyped, while a
        # two-syllable noun of the corpus has too many neighbours to correct to
        self.asking = [w for w in asking if len(w) == 2 and all("가" <= ch <= "힣" for ch in w)]
        # the words a long word may be a typo of, looked up by key (not by walking the vocabulary per word)
        self.typos = TypoIndex(w for w in frequency if len(w) >= 3 and "가" <= w[0] <= "힣")
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return HANGUL_WORD.sub(lambda m: self.word(m.group(0)), text)

    def word(self, word: str) -> str:
        if word not in self._cache:
            self._cache[word] = self._fix(word) if len(self._cache) < 100_000 else word
        return self._cache[word]

    def _fix(self, word: str) -> str:
        # a word that reads as corpus words is kept: asked only of a word that has a correction (most have none,
        # and reading a word is a Kiwi call)
        fixed = self._correction(word)
        return word if fixed is None or self.analysed(word) else fixed

    def _correction(self, word: str) -> str | None:
        known = max((n for n in range(2, len(word) + 1) if word[:n] in self.frequency), default=0)
        for n in range(len(word), max(known, 2), -1):  # the longest prefix that is a typo of a corpus word
            fixed = typo_fix(word[:n], self.typos, self.frequency.get)
            if fixed:  # unless the prefix is the language's words (asked of the few words with a correction)
                return None if self.as_written(word, n) else fixed + word[n:]
        if not known and _PARTICLE_AFTER.fullmatch(word[2:]):
            # "기갼은" → 기간은: a word of asking with its particle, mistyped in its second syllable (a first
            # syllable changed makes another word: 차이 is not 나이)
            fixed = typo_fix(word[:2], [w for w in self.asking if w[0] == word[0]])
            if fixed and not self.as_written(word, 2):  # 시험은, 기관은 are no 시점, 기간 mistyped
                return fixed + word[2:]
        return None


_PARTICLE_AFTER = re.compile(r"은|는|이|가|을|를|이야|야|이랑|도|만|까지|부터|이요|요|이에요|예요|인가요|이지")
