"""Korean analysis: the Kiwi morpheme tokenizer that BM25 indexes and queries with."""

from __future__ import annotations

import unicodedata

import pytest

from qa.answer.passage import asked_slots, slot_label
from qa.korean import admin_stem, dictionary_word, morphs, normalize, predicates, tokenize, topics, written_as_meant
from qa.text import abbreviates, known_form, typo_fix


def test_particles_are_dropped_and_admin_names_yield_their_stem():
    toks = tokenize("전주시가 받는 국비")
    assert "전주" in toks and "전주시" in toks and "국비" in toks
    assert "가" not in toks and "전주시가" not in toks


@pytest.mark.parametrize("a,b", [("전주시가", "전주시는"), ("국비는?", "국비를"), ("강소형은", "강소형에")])
def test_same_stem_with_different_particles(a, b):
    assert tokenize(a) == tokenize(b)


def test_amount_with_and_without_won_gives_the_same_token():
    assert tokenize("160억원") == tokenize("160억") == ["160억"]
    assert tokenize("국비 160억원을 지원한다")[:2] == ["국비", "160억"]
    assert tokenize("160억 원") == ["160억"]
    assert tokenize("1,600억원") == ["1600억"]


@pytest.mark.parametrize("with_won,without", [("2천억원", "2천억"), ("5천만원", "5천만")])
def test_compound_unit_amounts_are_joined(with_won, without):
    assert tokenize(with_won) == tokenize(without)
    assert without in tokenize(with_won)


def test_counters_keep_the_bare_number_too():
    assert tokenize("총 16개 지자체") == ["16", "16개", "지자체"]
    assert tokenize("3년간") == ["3", "3년"]


def test_ratio_is_one_token():
    toks = tokenize("3:1의 경쟁률")
    assert "3:1" in toks and "경쟁률" in toks
    assert "의" not in toks


def test_decimal_ratio_survives():
    assert tokenize("5.3:1") == ["5.3:1"]
    assert "5.3:1" in tokenize("총 16개 지자체가 신청해 5.3:1의 경쟁률을 보였다.")
    assert tokenize("6:1의") == ["6:1"]


def test_gangsohyeong_is_one_token():
    assert tokenize("강소형") == ["강소형"]
    assert tokenize("강소형 경쟁률은?")[0] == "강소형"


def test_noun_compounds_emit_pieces_and_the_whole():
    assert tokenize("특화단지는") == ["특화", "단지", "특화단지"]
    assert tokenize("스마트도시") == ["스마트", "도시", "스마트도시"]


@pytest.mark.parametrize("name,stem", [("대구광역시", "대구"), ("김해시", "김해"), ("수성구", "수성"),
                                       ("세종특별자치시", "세종"), ("시", None), ("중구", None)])
def test_admin_stem(name, stem):
    assert admin_stem(name) == stem


def test_nfd_input_tokenizes_like_nfc():
    s = "전주시가 받는 국비는 160억원이며 강소형은 5.3:1의 경쟁률을 보였다."
    nfd = unicodedata.normalize("NFD", s)
    assert nfd != s
    assert tokenize(nfd) == tokenize(s)
    assert "국비" in tokenize(nfd)


def test_english_is_lower_cased():
    assert tokenize("Smart Region Adaptive City") == ["smart", "region", "adaptive", "city"]
    assert tokenize("MaaS DRT") == ["maas", "drt"]
    assert tokenize("AI산업") == ["ai", "산업", "ai산업"]


def test_fullwidth_is_folded():
    assert normalize("ＡＩ １６０억원") == "AI 160억원"
    assert tokenize("１６０억원") == tokenize("160억원")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_gives_no_tokens(text):
    assert tokenize(text) == []
    assert morphs(text) == []


def test_morph_offsets_point_into_the_normalized_text():
    text = "전주시가 받는 국비"
    for m in morphs(text):
        assert 0 <= m.start < m.end <= len(text)
    assert [(m.form, text[m.start:m.end]) for m in morphs(text) if m.form == "국비"] == [("국비", "국비")]


def test_tokenize_is_deterministic_on_the_seed():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "corpus" / "molit_2025_smart_city_selection.txt").read_text(
        encoding="utf-8")
    a, b = tokenize(text), tokenize(text)
    assert a == b
    for tok in ("전주", "김천", "김해", "강소형", "160억", "80억", "3:1", "5.3:1", "6:1", "pbv", "특화단지"):
        assert tok in a, tok


@pytest.mark.parametrize(("short", "long", "ok"), [
    ("중기부", "중소벤처기업부", True), ("과기정통부", "과학기술정보통신부", True), ("국토부", "국토교통부", True),
    ("서울", "서울특별시", False), ("기업부", "중소벤처기업부", False),
])
def test_abbreviations_keep_first_and_last_syllable_in_order(short, long, ok):
    assert abbreviates(short, long) is ok


def test_a_typo_or_an_abbreviation_resolves_to_the_corpus_word():
    vocab = {"기간": 0.5, "기관": 2.0, "신청": 1.0, "중소벤처기업부": 3.0, "증가율": 1.5}
    freq = lambda v: -vocab[v]  # noqa: E731 — the lower the IDF, the more frequent
    assert typo_fix("기갼", vocab) is None  # 기간 and 기관 both fit: only a frequency decides
    assert known_form("기갼", vocab, freq) == "기간"
    assert known_form("증가뮬", vocab, freq) == "증가율"
    assert known_form("중기부", vocab, freq) == "중소벤처기업부"
    assert known_form("입장료", vocab, freq) == "입장료"  # an unknown word stays unknown


def test_predicates_are_the_verbs_and_adjectives():
    assert {"뽑", "열리"} <= predicates("몇 곳 뽑아? 어디서 열려?")
    assert "상점" not in predicates("스마트상점은 몇 곳 뽑아?")


@pytest.mark.parametrize(("unit", "label"), [
    ("가. 장소: 킨텍스 제1전시장", "장소"), ("| 기간 | 2024. 7. 3.(수) ~ 7. 5.(금) |", "기간"),
    ("- 접수 방법: 누리집에서 온라인 접수", "접수 방법"), ("□ 올해는 5,680곳을 선정한다.", ""),
])
def test_slot_labels(unit, label):
    assert slot_label(unit) == label


def test_asked_slots():
    assert asked_slots("나노코리아는 어디서 열려?") == ["where"]
    assert asked_slots("신청 방법은?") == ["how"]
    assert asked_slots("국비는 얼마야?") == []


def test_speller_corrects_long_mistyped_words_and_leaves_words_with_particles():
    from qa.korean import reads_as
    from qa.text import Speller

    vocab = {"글로벌": 1.0, "혁신": 1.0, "예비창업패키지": 1.0, "신청": 1.0, "신청인": 1.0, "기업": 1.0,
             "기업가": 1.0, "지자체": 1.0, "지자체들": 1.0}
    speller = Speller(vocab, analysed=lambda word: reads_as(word, vocab))
    assert speller("글로별 혁신 특구") == "글로벌 혁신 특구"
    assert speller("예비창업패키치 소셜벤처") == "예비창업패키지 소셜벤처"
    # 신청은 is 신청 + 은, not the word 신청인 one jamo away; likewise 기업까지, 지자체를
    assert speller("신청은 기업까지 지자체를") == "신청은 기업까지 지자체를"


def test_speller_leaves_words_of_the_language_alone():
    """"총 사업비" is written as meant: Kiwi's dictionary holds 사업비, so it is no typo of the corpus's 사업부 one
    jamo away; nor is "시험은" the asking word 시점 mistyped. A word no dictionary holds is still corrected."""
    from qa.korean import written_as_meant
    from qa.text import Speller

    vocab = {"사업부": 1.0, "글로벌": 1.0}
    assert Speller(vocab)("총 사업비는") == "총 사업부는"  # without the dictionary: the corpus word
    speller = Speller(vocab, asking=["시점", "기간"], as_written=written_as_meant)
    assert speller("총 사업비는 글로별") == "총 사업비는 글로벌"
    assert speller("시험은 기관은 기갼은") == "시험은 기관은 기간은"


def test_speller_knows_the_words_people_ask_with():
    """A release says "19.0% 늘어" and never 증가율; "증가뮬은" is still read as 증가율은 (the Assistant adds the
    lexicon's asking words below every corpus word)."""
    from qa.korean import reads_as
    from qa.lexicon import ASKING_WORDS
    from qa.text import Speller

    vocab = {"증가": 1.0, "예산안": 1.0, **{w: -1.0 for w in ASKING_WORDS}}
    assert Speller(vocab, analysed=lambda word: reads_as(word, vocab))("예산안 증가뮬은?") == "예산안 증가율은?"


def test_region_short_and_long_names_are_aliases():
    from qa.question.vocabulary import aliases

    assert {"전남", "전라남도"} <= aliases("전라남도")
    assert {"서울", "서울특별시"} <= aliases("서울특별시")


def test_english_words_read_through_the_glossary_longest_phrase_first():
    from qa.lexicon import ENGLISH_GLOSSARY
    from qa.text import gloss_english

    assert gloss_english("What was the unemployment rate?", ENGLISH_GLOSSARY) == ["실업률"]  # not 실업 + a bare rate
    assert gloss_english("How many booths are there?", ENGLISH_GLOSSARY) == ["부스"]  # plural read as singular
    assert gloss_english("income limit for single-person households", ENGLISH_GLOSSARY) == \
        ["총소득", "기준", "단독가구"]
    assert gloss_english("Ulsan's carmaker", ENGLISH_GLOSSARY) == ["자동차"]  # names are linked elsewhere


def test_speller_corrects_a_short_asking_word_only_in_its_second_syllable():
    """"기갼은?" is 기간 mistyped; "차이는" is a word of its own, not 나이 (a changed first syllable is another word)."""
    from qa.text import Speller

    speller = Speller({"국비": 1.0, "공모": 1.0}, asking=["기간", "나이", "금액"])
    assert speller("공모 기갼은?") == "공모 기간은?"
    assert speller("금엑은 얼마야?") == "금액은 얼마야?"
    assert speller("전주와 김해의 국비 차이는?") == "전주와 김해의 국비 차이는?"


def test_latin_letters_joined_by_an_ampersand_are_one_word():
    assert "r&d" in tokenize("R&D 예산은 얼마야?") and "r" not in tokenize("R&D 예산은 얼마야?")


def test_an_english_ministry_name_is_glossed_whole():
    from qa.lexicon import ENGLISH_GLOSSARY
    from qa.text import gloss_english

    # its words are the name, not "startups" → 창업 (plurals read as the keys are)
    assert gloss_english("the Ministry of SMEs and Startups' budget", ENGLISH_GLOSSARY) == ["중소벤처기업부", "예산"]


@pytest.mark.parametrize("line, label", [
    ("□ 국비 160억원", "국비 160억원"), ("ㅇ - 지방비 80억원", "지방비 80억원"), ("※ 2024년 기준", "2024년 기준"),
    ("◆ 신청 기간: 3. 20.", "신청 기간: 3. 20."), ("‧ 고등학교 24.5명", "고등학교 24.5명"), ("15~64세 고용률", "15~64세 고용률"),
])
def test_every_leading_bullet_and_note_mark_of_the_chunkers_alphabet_is_stripped(line, label):
    from qa.text import LEADING_MARKS

    assert LEADING_MARKS.sub("", line) == label


@pytest.mark.parametrize(("word", "ok"), [
    ("아기", True), ("주소", True), ("사업비", True), ("나오", True), ("비싸", True),  # nouns, verb and adjective stems
    ("기갼", False), ("증가뮬", False), ("경쟁율", False), ("종소세", False),  # typos and abbreviations
])
def test_a_dictionary_word_is_one_kiwi_knows_whole(word, ok):
    assert dictionary_word(word) is ok


@pytest.mark.parametrize(("word", "n", "ok"), [
    ("대상자는", 3, True), ("신청서는", 3, True),  # dictionary words (not 대상지, 신청수)
    ("사업이야", 3, True), ("대상이에요", 3, True), ("신청부터", 3, True),  # a word and its ending (not 사업비)
    ("갱쟁률은", 3, False), ("경쟁율은", 3, False), ("겅쟁률", 3, False),  # typos of 경쟁률
])
def test_written_as_meant_tells_a_word_and_its_ending_from_a_typo(word, n, ok):
    assert written_as_meant(word, n) is ok


def test_a_word_of_the_language_is_never_corrected_to_its_neighbour():
    vocab = {"위기": 1.0, "중소": 1.0, "기간": 0.5, "중소벤처기업부": 3.0}
    freq = lambda v: -vocab[v]  # noqa: E731
    assert known_form("아기", vocab, freq) == "아기"  # a baby is no crisis, though one jamo apart
    assert known_form("주소", vocab, freq) == "주소"
    assert known_form("기갼", vocab, freq) == "기간"  # a typo still is
    assert known_form("중기부", vocab, freq) == "중소벤처기업부"


@pytest.mark.parametrize(("question", "topic"), [
    ("지금 배치된 전담 인력 중에 늘봄실무사는 몇 명이에요?", ["늘봄실무사"]),
    ("서울은 얼마야?", ["서울"]),
    ("항만 물동량 중에 수입 물동량은 얼마야?", ["수입 물동량"]),  # with the bare nouns before it
    ("강소형 경쟁률은?", ["강소형 경쟁률"]),
    ("전주시가 받는 국비는?", ["국비"]),  # 받는: a verb's ending, no topic
    ("작년에는 얼마였어?", []),  # 에는: a time, not what the value is of
    ("신청한 것은?", []),
])
def test_topics_are_words_marked_by_the_topic_particle(question, topic):
    assert topics(question, ("은", "는")) == topic
