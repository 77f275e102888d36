"""Korean text analysis in one place: the Kiwi morpheme tokenizer used for BM25 documents and queries.

Particles and endings are dropped (so "전주시가" and "전주시는" both give 전주시), numbers are joined with
their units (so "160억원" and "160억" both give ``160억``), adjacent noun pieces are also emitted as one
compound (Kiwi splits unknown words like 강소형 into 강/소/형), and administrative names also yield their
stem (전주시 → 전주, 대구광역시 → 대구) because people drop the suffix when they ask.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from kiwipiepy import Kiwi

from .lexicon import ADMIN_SUFFIXES

CONTENT_TAGS = ("NNG", "NNP", "NNB", "NR", "SL", "SH", "SN", "XR", "VV", "VA", "W_SERIAL", "W_HASHTAG")
NOUN_PIECES = ("NNG", "NNP", "XSN", "XPN", "XR", "SL", "SH")
NUMBER_UNITS = {"억", "만", "천", "조", "백", "십"}
COUNTER_UNITS = {"개", "곳", "년", "개월", "월", "일", "명", "건", "회", "차", "%", "배", "세"}
CURRENCY = {"원", "달러"}
PLAIN_SUFFIXES = {"들", "당", "별", "씩", "께", "쯤"}  # plural, per, by, each: a compound means its noun
STOP_NOUNS = {"것", "수", "등", "및", "때", "중", "바", "곳", "점", "하", "되", "있", "이"}

_lock = threading.Lock()


class Morph(NamedTuple):
    """A Kiwi morpheme (a named tuple: answering makes thousands of them, a frozen dataclass is slower to build)."""

    form: str
    tag: str
    start: int
    end: int


@lru_cache(maxsize=1)
def get_kiwi() -> Kiwi:
    """The process-wide Kiwi, loaded once and warmed up (its first call costs as much as loading).

    Without Kiwi's typo and multi-word dictionaries: loading and the first call take 1.6 s and 340 MB instead
    of 2.8 s and 530 MB (measured), which is most of a cold start. Typos are corrected against the corpus's
    own words instead (:class:`qa.text.Speller`, :func:`qa.text.known_form`)."""
    kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
    kiwi.tokenize("전주시가 받는 국비는 160억원이다.")
    return kiwi


def normalize(text: str) -> str:
    """NFC plus width folding of digits/latin (NFKC would also fold ➊ and ㅇ, which carry structure)."""
    text = unicodedata.normalize("NFC", text)
    return text.translate(_FULLWIDTH)


_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def morphs(text: str) -> list[Morph]:
    """Kiwi morphemes with character offsets into ``normalize(text)``."""
    return list(_morphs(normalize(text)))


@lru_cache(maxsize=65536)
def _morphs(text: str) -> tuple[Morph, ...]:
    """Cached: a question is read by several steps (its tokens, its morphemes, its predicates, the words it does
    not know) and a passage's sentences by several generators and features — a third of the Kiwi calls of
    answering were of a text already analysed (measured)."""
    if not text.strip():
        return ()
    with _lock:  # Kiwi is not documented as thread-safe; the web app calls from worker threads
        toks = get_kiwi().tokenize(text)
    return tuple(Morph(t.form, t.tag.split("-")[0], t.start, t.start + t.len) for t in toks)


@lru_cache(maxsize=4096)
def predicates(text: str) -> frozenset[str]:
    """The verb and adjective stems of a text (뽑, 열리, 들어오), and the nouns made adjectives by 하다 (가능하다,
    필요하다): the words a paraphrase changes first."""
    ms = morphs(text)
    return frozenset(m.form for i, m in enumerate(ms) if m.tag in ("VV", "VA") or (
        m.tag in ("NNG", "XR") and i + 1 < len(ms) and ms[i + 1].tag == "XSA"))


def topics(text: str, particles: tuple[str, ...]) -> list[str]:
    """The phrases a text marks as its topic, particle removed ("늘봄실무사는" → 늘봄실무사, "수입 물동량은" → 수입
    물동량): a word whose last morpheme is one of ``particles`` read as an auxiliary particle (JX), never a verb's
    adnominal ending ("받는", "있는"), with the bare nouns right before it."""
    words = [w.strip("?!.,~") for w in text.split()]
    found = []
    for i, word in enumerate(words):
        if len(word) < 3 or not word.endswith(particles):
            continue
        ms = morphs(word)
        if not (ms and ms[-1].tag == "JX" and ms[-1].form in particles) or \
                any(m.tag.startswith(("V", "E", "J", "XSV", "XSA")) for m in ms[:-1]):
            continue
        start = i
        while start > 0 and words[start - 1] and all(m.tag.startswith(("NN", "SN", "SL", "XSN", "XPN"))
                                                      for m in morphs(words[start - 1])):
            start -= 1
        found.append(" ".join(words[start:i] + [word[: -len(ms[-1].form)]]))
    return found


def reads_as(word: str, vocabulary) -> bool:
    """Whether every content morpheme of ``word`` (nouns, roots, verb and adjective stems) is in ``vocabulary``:
    "신청은" is 신청 and a particle, "증가뮬은" holds the unknown 뮬."""
    content = [m.form for m in morphs(word) if m.tag[0] in "NV" or m.tag in ("XR", "SL")]
    return bool(content) and all(f in vocabulary for f in content)


@lru_cache(maxsize=8192)
def dictionary_word(word: str) -> bool:
    """Whether Kiwi's own dictionary holds ``word`` whole: one known morpheme (아기, 주소, 사업비), or a verb or
    adjective stem (나오, 비싸). Such a word is written as meant, not a typo of a corpus word one jamo away
    (아기 is no 위기, 주소 no 중소); a typo is read as an unknown morpheme (기갼) or as pieces (경쟁율)."""
    kiwi = get_kiwi()
    whole = kiwi.tokenize(word)
    if len(whole) == 1 and whole[0].form == word and whole[0].id != _unknown_id():
        return True
    stem = kiwi.tokenize(word + "다")
    return len(stem) == 2 and stem[0].form == word and stem[0].tag in ("VV", "VA")


def written_as_meant(word: str, n: int) -> bool:
    """Whether the first ``n`` syllables of ``word`` are words as written, not a typo of an ``n``-syllable word:
    a word of Kiwi's dictionary (대상자, 신청서), or a known word with a particle or ending after it (사업이 of
    사업이야, 신청부 of 신청부터, 대상이 of 대상이에요). A typo reads as an unknown morpheme (갱쟁률) or as
    pieces that are not a word and its ending (경쟁 + 율)."""
    if dictionary_word(word[:n]):
        return True
    ms = morphs(word)
    if not ms or ms[0].start != 0 or ms[0].end >= n or not dictionary_word(ms[0].form):
        return False
    return all(m.tag.startswith(("J", "E")) or m.tag in ("VCP", "VCN") for m in ms[1:] if m.start < n)


@lru_cache(maxsize=1)
def _unknown_id() -> int:
    """The morpheme id Kiwi gives a word its dictionary lacks (read off a string no dictionary holds)."""
    return get_kiwi().tokenize("뷁쉙")[0].id


def admin_stem(name: str) -> str | None:
    """전주시 → 전주, 대구광역시 → 대구; None when the name is not an administrative name or too short."""
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def tokenize(text: str) -> list[str]:
    """BM25 tokens: content morphemes, numbers with units, noun compounds and admin-name stems.

    Cached: answering re-reads the same passages' sentences for every question (a fresh list each call)."""
    return list(_tokens(text))


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    ms = morphs(text)
    out: list[str] = []
    i = 0
    while i < len(ms):
        m = ms[i]
        # numbers: 160 억 원 → 160억 ; 16 개 → 16개 (+16) ; 5.3 : 1 → 5.3:1
        if m.tag == "SN":
            num, j = m.form.replace(",", ""), i + 1
            if j + 1 < len(ms) and ms[j].form == ":" and ms[j + 1].tag == "SN" and ms[j + 1].start - m.end <= 3:
                out.append(f"{num}:{ms[j + 1].form}")
                i = j + 2
                continue
            while j < len(ms) and ms[j].form and set(ms[j].form) <= NUMBER_UNITS and ms[j].start - ms[j - 1].end <= 1:
                num += ms[j].form
                j += 1
            if j < len(ms) and ms[j].form in CURRENCY and ms[j].start - ms[j - 1].end <= 1:
                j += 1
            elif j < len(ms) and ms[j].form in COUNTER_UNITS and ms[j].start - ms[j - 1].end <= 1:
                out.append(m.form.replace(",", ""))
                num += ms[j].form
                j += 1
            out.append(num)
            i = j
            continue
        # "R&D", "M&A": latin letters joined by & are one word (its letters alone say nothing)
        if m.tag == "SL" and i + 2 < len(ms) and ms[i + 1].form == "&" and ms[i + 2].tag == "SL" \
                and ms[i + 1].start == m.end and ms[i + 2].start == ms[i + 1].end:
            out.append(_fold(f"{m.form}&{ms[i + 2].form}"))
            i += 3
            continue
        # runs of adjacent noun pieces: emit the pieces and the joined compound
        if m.tag in NOUN_PIECES:
            j = i
            while j + 1 < len(ms) and ms[j + 1].tag in NOUN_PIECES and ms[j + 1].start == ms[j].end:
                j += 1
            run = ms[i: j + 1]
            for p in run:
                if p.tag in ("XSN", "XPN") or (len(p.form) < 2 and len(run) > 1 and p.tag != "SL"):
                    continue
                form = p.form[:-1] if p.form.endswith("들") and len(p.form) >= 3 and p.tag == "NNG" else p.form
                out.append(_fold(form))
                stem = admin_stem(p.form) if p.tag == "NNP" else None
                if stem:
                    out.append(stem)
            while len(run) > 1 and run[-1].tag == "XSN" and run[-1].form in PLAIN_SUFFIXES:
                run = run[:-1]  # 시설들, 참여기관들, 개소당: the compound is the noun (참여기관), not its plural
            if len(run) > 1:
                compound = "".join(p.form for p in run)
                out.append(_fold(compound))
            i = j + 1
            continue
        if m.tag in CONTENT_TAGS and m.form not in STOP_NOUNS:
            out.append(_fold(m.form))
        i += 1
    return tuple(out)


def _fold(form: str) -> str:
    return form.lower()


def warm_up() -> None:
    get_kiwi()
