"""Question understanding: link a question to the facts table (entities, categories, attributes, intent, year).

The vocabulary comes from the facts of the indexed corpus (subjects, categories, attribute names), so a new
announcement brings its own names; the only hand-written lists are generic Korean (and English) ways of
asking for money, ratios, counts, periods, people and so on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from .facts import REGIONS, ROLES, WHOLE, Fact
from .ingest import Document
from .korean import admin_stem, morphs, normalize, tokenize

# Attribute families: canonical name -> ways people ask for it (Korean and English, compared without spaces).
ATTRIBUTE_FAMILIES: dict[str, tuple[str, ...]] = {
    "국비": ("국비", "국고", "정부지원", "정부에서", "나라에서", "지원금", "지원액", "지원금액", "지원받", "받는돈", "받는금액",
           "얼마받", "얼마나받", "얼마를받", "얼마지원", "얼마나지원", "돈", "nationalfund", "governmentfund", "nationalsubsid",
           "subsid", "funding", "grant", "howmuchmoney", "budget"),
    "지방비": ("지방비", "시비", "도비", "군비", "구비", "지자체부담", "자부담", "지방부담", "localfund", "localshare",
            "localgovernmentfund", "matchingfund"),
    "총사업비": ("총사업비", "전체사업비", "사업비총", "지방비포함", "지방비까지", "지방비를포함", "지방비합", "매칭포함",
             "매칭까지", "총예산", "totalproject", "totalcost", "totalbudget", "includinglocal"),
    "사업비": ("사업비",),
    "지원금액": ("지원규모", "지원금", "지원액", "지원금액", "얼마까지"),
    "경쟁률": ("경쟁률", "경쟁", "몇대1", "몇대일", "대1", "경쟁율", "competition", "competitive", "odds"),
    "신청 수": ("신청지자체", "신청한지자체", "신청한곳", "신청수", "신청건수", "신청기관", "응모", "지원한지자체", "참여한지자체",
              "참여지자체", "참여한곳", "참여기관", "applied", "applicant", "applications"),
    "선정 수": ("선정된곳수", "선정수", "선정개수"),
    "지원기간": ("기간", "몇년", "몇년간", "년간", "동안", "언제까지지원", "period", "howmanyyears", "howlong",
             "duration", "years"),
    "매칭비율": ("매칭", "분담비율", "부담비율", "matching", "split"),
    "비율": ("비율", "퍼센트", "몇%", "몇퍼센트", "%", "percent", "percentage", "ratio"),
    "세부유형": ("세부유형", "대응형", "subtype"),
    "유형": ("사업유형", "유형", "종류", "구분", "분야", "트랙", "부문", "type", "category", "track"),
    "부제": ("부제", "사업부제", "슬로건", "비전", "캐치프레이즈", "subtitle", "slogan", "tagline", "motto"),
    "사업명": ("사업명", "사업이름", "과제명", "projectname", "titleoftheproject"),
    "대상지역": ("대상지역", "대상지", "사업지역", "어디에서", "어디서", "위치", "location", "where"),
    "전화번호": ("전화", "전화번호", "연락처", "번호", "phone", "telephone", "contact"),
    "담당자": ("담당자", "담당", "문의", "책임자", "contactperson", "incharge", "responsible"),
    "담당 부서": ("담당부서", "부서", "department"),
    "출처": ("원출처", "출처", "원문", "링크", "url", "source", "link", "출처주소"),
    "웹사이트": ("홈페이지", "사이트", "포털", "누리집", "웹주소", "주소", "website", "portal", "homepage", "address"),
    "연도": ("몇년도", "연도", "어느해", "몇년에", "무슨해", "whichyear", "whatyear"),
    "제목": ("제목", "타이틀", "보도자료이름"),
    "보도일": ("보도일", "보도시점", "배포일", "발표일", "게재일", "공고일", "보도날짜", "releasedate", "published"),
    "신청기간": ("신청기간", "접수기간", "모집기간", "공모기간", "마감", "언제까지신청", "신청은언제", "deadline",
             "applicationperiod"),
}
# which extracted attribute names belong to a family (an attribute also matches when it contains a member)
FAMILY_MEMBERS: dict[str, tuple[str, ...]] = {
    "국비": ("국비", "국고"),
    "지방비": ("지방비", "도비", "시비", "군비", "구비", "자부담"),
    "총사업비": ("총사업비",),
    "사업비": ("사업비",),
    "지원금액": ("지원금액", "지원규모", "지원금", "지원액", "금액"),
    "경쟁률": ("경쟁률",),
    "신청 수": ("신청 수", "참여 수", "응모 수"),
    "선정 수": ("선정 수",),
    "지원기간": ("지원기간", "사업기간", "기간"),
    "매칭비율": ("매칭비율",),
    "비율": (),
    "세부유형": ("세부유형",),
    "유형": ("사업유형", "유형", "구분", "분야", "트랙", "부문", "종류"),
    "부제": ("부제",),
    "사업명": ("사업명", "과제명"),
    "대상지역": ("대상지역", "대상지", "사업지역", "위치"),
    "전화번호": ("전화번호", "연락처"),
    "담당자": ("담당자", "사무관", "주무관", "연구관"),
    "담당 부서": ("담당 부서",),
    "출처": ("출처",),
    "웹사이트": ("웹사이트",),
    "연도": ("연도",),
    "제목": ("제목",),
    "보도일": ("보도일", "보도시점", "배포", "공고일"),
    "신청기간": ("신청기간", "접수기간", "모집기간", "공모기간"),
}
ROLE_WORDS = {"minister": "장관", "vice minister": "차관", "director": "과장", "mayor": "시장", "governor": "도지사"}
INTENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("diff", ("차이", "차액", "얼마나더", "얼마더", "더많이", "더받", "더많은", "더적", "많아", "많은가", "많나", "적어", "적은가",
              "difference", "morethan", "lessthan", "differ")),
    ("sum", ("합계", "합하면", "합치면", "합쳐", "총합", "모두합", "다합", "더하면", "합산", "합은", "총액", "전부합",
             "intotal", "sum", "combined", "altogether", "addup")),
    ("count", ("몇곳", "몇개", "몇군데", "몇개소", "몇명", "몇팀", "몇건", "몇지자체", "몇개의", "개수", "숫자", "howmany",
               "numberof")),
    ("where", ("어디", "어느지역", "어느곳", "위치", "대상지", "대상지역", "일원", "장소", "where", "location")),
    ("max", ("가장많", "제일많", "가장높", "제일높", "가장큰", "제일큰", "최고", "치열", "가장비싼", "최다",
             "most", "highest", "largest", "biggest")),
    ("min", ("가장적", "제일적", "가장낮", "제일낮", "가장작", "제일작", "최저", "최소", "least", "lowest", "smallest")),
    ("list", ("어느", "어떤지자체", "어떤도시", "어떤곳", "어떤기관", "누가", "누구", "목록", "명단", "모두", "전부", "다알려",
              "선정된곳", "선정된지자체", "선정지자체", "선정된도시", "which", "list", "whatcities", "whichcities", "who")),
    ("summary", ("주요내용", "요약", "개요", "핵심내용", "요점", "무슨내용", "어떤내용", "summary", "overview", "summarize")),
    ("quote", ("뭐라고", "뭐라", "무엇이라고", "말했", "밝혔", "발언", "소감", "언급", "강조", "said", "say", "quote")),
    ("when", ("언제", "날짜", "일정", "며칠", "몇월", "when", "date", "schedule")),
    ("describe", ("어떻게", "왜", "무엇을", "무엇", "뭘", "뭐", "무슨", "내용", "계획", "설명", "소개", "어떤사업", "목적", "목표",
                  "특징", "취지", "지향", "이란", "란", "what", "how", "why", "describe", "explain", "plan")),
)
ANAPHORA = ("그", "그곳", "거기", "해당", "그럼", "그러면", "그리고", "또", "이곳", "그사업", "이사업", "그도시", "it", "its",
            "that", "there", "they")
QUESTION_WORDS = {"얼마", "무엇", "뭐", "무슨", "어떤", "어떻", "언제", "어디", "누구", "몇", "왜", "알려주", "알리", "알", "궁금",
                  "설명", "내용", "받", "주", "보", "말하", "대하", "관하", "관련", "경우", "정도", "좀", "이번", "해당", "총",
                  "나요", "인가", "이다", "이나", "하나", "모두", "전부", "다", "각", "각각", "되", "하", "있", "없", "어느", "가요",
                  "지자체", "지방자치단체", "자치단체", "기관", "곳", "목적", "목표", "계획", "특징", "취지", "실시", "진행",
                  "개최", "열리", "시작", "밝히", "이름", "성함", "비교", "알려", "얼마나",
                  "만들", "바뀌", "바꾸", "변하", "달라지", "생기", "갖추", "이루", "보도자료", "보도", "공고문", "자료", "문서",
                  "전체", "추진", "시행", "수행", "운영", "진행되", "추진되",
                  "the", "a", "an", "of", "in", "is", "are", "was", "were", "does", "do", "did", "what", "how", "which",
                  "who", "when", "where", "much", "many", "for", "to", "and", "or", "it", "its", "by", "on", "with",
                  "get", "gets", "receive", "receives", "received", "about", "tell", "me", "please"}

_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*년?|'(\d{2})\s*년")
_HANGUL = re.compile(r"[가-힣]")
_WORD = re.compile(r"[A-Za-z]+|[가-힣0-9]+")

# Revised Romanization tables (enough to match English city names like Jeonju, Gimhae, Daegu).
_L = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_V = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
      "eu", "ui", "i"]
_T = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng",
      "t", "t", "k", "t", "p", "t"]


def romanize(text: str) -> str:
    """Revised Romanization of Hangul syllables, lower case, other characters dropped (전주 → jeonju)."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            lead, vowel, tail = code // 588, (code % 588) // 28, code % 28
            initial = _L[lead]
            if lead == 5 and not out:  # word-initial ㄹ
                initial = "r"
            out.append(initial + _V[vowel] + _T[tail])
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
    return "".join(out)


def compact(text: str) -> str:
    """Lower-case, no spaces or punctuation: the form triggers and aliases are compared in."""
    return re.sub(r"[^\w%]+|_", "", normalize(text).lower())


def family_of(attribute: str) -> str | None:
    """The family an extracted attribute name belongs to (국비(억원) → 국비, 도시경제과장 → None)."""
    if attribute.endswith("비율") and attribute != "매칭비율":
        return "비율"  # "국비 비율" is a percentage, not an amount of 국비
    if attribute.endswith(" 수") and attribute not in ("신청 수", "참여 수", "응모 수", "선정 수"):
        return None  # "유형 수" is a count, matched by its own name, not the 유형 family
    a = attribute.replace(" ", "")
    for fam, members in FAMILY_MEMBERS.items():
        if any(m.replace(" ", "") == a for m in members):
            return fam
    for fam, members in FAMILY_MEMBERS.items():
        if any(m.replace(" ", "") in a for m in members if len(m) >= 2):
            return fam
    return None


@dataclass
class Question:
    """What a question asks, linked to the corpus vocabulary."""

    text: str
    compact: str
    tokens: list[str]
    english: bool = False
    years: list[int] = field(default_factory=list)
    doc_ids: set[str] | None = None  # restriction from a year or title in the question
    entities: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)  # exact extracted attribute names (roles, headers)
    values: list[str] = field(default_factory=list)  # fact values named in the question (기후위기 대응형, 80억)
    intent: str = "lookup"
    unknown_names: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)  # the words that matched families and intent
    residual: list[str] = field(default_factory=list)  # content tokens not explained by the above
    followup: bool = False
    pseudo: str = ""  # Korean rendering of what was linked (for retrieving English questions)

    @property
    def has_target(self) -> bool:
        return bool(self.entities or self.categories)

    @property
    def has_ask(self) -> bool:
        return bool(self.families or self.attributes or self.intent in ("sum", "diff", "count", "list"))


class Linker:
    """Builds the corpus vocabulary from the facts table once, then analyses questions."""

    def __init__(self, facts: list[Fact], documents: list[Document], vocab: set[str],
                 docs_with_term=None) -> None:
        self.documents = documents
        self.vocab = vocab
        self.docs_with_term = docs_with_term or (lambda term: set())
        self.categories: dict[str, set[str]] = {}
        self.entities: dict[str, set[str]] = {}  # canonical subject -> aliases (compact)
        self.attributes: set[str] = set()
        self.people = {compact(f.text) for f in facts if f.qualifiers.get("person")}
        self.values: dict[str, set[str]] = {}  # compact value text -> attribute names
        categories = {f.qualifiers.get("category") for f in facts} - {None}
        for f in facts:
            self.attributes.add(f.attribute)
            if f.subject == WHOLE:
                continue
            target = self.categories if f.subject in categories else self.entities
            target.setdefault(f.subject, set()).update(self.aliases(f.subject))
            if f.value is None and 2 <= len(f.text) <= 16 and not f.qualifiers.get("person"):
                self.values.setdefault(compact(f.text), set()).add(f.attribute)
        for cat in categories:
            self.categories.setdefault(cat, set()).update(self.aliases(cat))
            if cat.endswith("형") and len(cat) >= 3:
                self.categories[cat].add(compact(cat[:-1]))
        self.alias_index = sorted(
            [(a, name, "entity") for name, al in self.entities.items() for a in al]
            + [(a, name, "category") for name, al in self.categories.items() for a in al],
            key=lambda t: -len(t[0]))
        self.title_tokens = {d.doc_id: set(tokenize(d.title)) for d in documents}

    @staticmethod
    def aliases(name: str) -> set[str]:
        out = {compact(name)}
        stem = admin_stem(name)
        if stem:
            out.add(compact(stem))
        for a in list(out):
            if _HANGUL.search(a):
                r = romanize(a)
                if len(r) >= 4:
                    out.add(r)
        parts = name.split()
        if len(parts) > 1:
            out.add(compact(parts[-1]))
        return {a for a in out if len(a) >= 2}

    # ------------------------------------------------------------------ analysis
    def analyse(self, text: str, history: list[str] | None = None) -> Question:
        q = self._analyse_one(text)
        prev = None
        for h in history or []:
            h = normalize(h or "").strip()
            if h:
                prev = self._resolve(self._analyse_one(h), prev)
        return self._resolve(q, prev) if prev else q

    def _analyse_one(self, text: str) -> Question:
        text = normalize(text).strip()
        c = compact(text)
        english = not _HANGUL.search(text) and bool(re.search(r"[A-Za-z]", text))
        q = Question(text=text, compact=c, tokens=tokenize(text), english=english)
        # years ("2024년", "'24년") restrict documents
        for m in _YEAR.finditer(text):
            y = int(m.group(1)) if m.group(1) else 2000 + int(m.group(2))
            q.years.append(y)
        if q.years:
            q.doc_ids = {d.doc_id for d in self.documents if d.year in q.years}
        titled = self._title_docs(q.tokens)
        if titled:
            q.doc_ids = titled if q.doc_ids is None else (q.doc_ids & titled) or q.doc_ids
        named_titles = {compact(t) for d in (titled or ()) for t in self.title_tokens[d]}
        # entities and categories by alias (longest first, non-overlapping)
        taken: list[tuple[int, int]] = []
        low = c if not english else " ".join(w.lower() for w in _WORD.findall(text))
        for alias, name, kind in self.alias_index:
            hay = c if _HANGUL.search(alias) else low
            for m in re.finditer(re.escape(alias), hay):
                if english and not _HANGUL.search(alias):
                    if not re.match(r"\b", hay[m.start():]) or (m.start() and hay[m.start() - 1].isalpha()):
                        continue
                span = (m.start(), m.end()) if hay is c else (-1 - m.start(), -1 - m.end())
                if any(a <= span[0] < b or a < span[1] <= b for a, b in taken):
                    continue
                taken.append(span)
                bucket = q.entities if kind == "entity" else q.categories
                if name not in bucket:
                    bucket.append(name)
        if not q.entities and not q.categories and not english:
            for word in re.findall(r"[가-힣]{3,}", text):
                for alias, name, kind in self.alias_index:
                    if len(alias) >= 3 and _HANGUL.search(alias) and _one_typo(word[: len(alias)], alias):
                        (q.entities if kind == "entity" else q.categories).append(name)
                        q.triggers.append(word)
                        break
                if q.entities or q.categories:
                    break
        # values named in the question (a 세부유형 label, an amount)
        for v, _attrs in self.values.items():
            named = v in c if len(v) >= 3 else v in q.tokens
            if v in named_titles:
                continue  # "AI 행정혁신 선도사업" names the announcement, not the 분야 "행정"
            if named and not any(v in compact(e) for e in q.entities + q.categories):
                q.values.append(v)
        for m in re.finditer(r"(\d[\d,.]*)\s*(조|억|천만|백만|만)?\s*원?", text):
            if m.group(2):
                q.values.append(compact(m.group(0)).rstrip("원"))
        # attributes: families by trigger, exact attribute names (headers, roles)
        target_text = c
        for alias in [a for a, _, _ in self.alias_index if a in c]:
            target_text = target_text.replace(alias, " ")
        # longest trigger first, masking what it matched ("세부유형" is not also "유형")
        masked = target_text
        for t, fam in sorted(((t, f) for f, ts in ATTRIBUTE_FAMILIES.items() for t in ts), key=lambda x: -len(x[0])):
            if len(t) <= 2 and _HANGUL.search(t) and t not in q.tokens:
                continue  # 구비 / 시비 / 돈 only as words of their own, not inside 인구비율
            if t in masked:
                masked = masked.replace(t, " ")
                q.triggers.append(t)
                if fam not in q.families:
                    q.families.append(fam)
        self._typos: list[str] = []
        if not q.families:
            q.families = self._fuzzy_families(text)
        for attr in self.attributes:
            a = compact(attr)
            if len(a) >= 2 and a in target_text and family_of(attr) is None:
                q.attributes.append(attr)
                # a family word inside the attribute's own name ("유형" in "유형 수") is not asked separately
                q.families = [f for f in q.families
                              if not any(t in a for t in ATTRIBUTE_FAMILIES[f] if t in q.triggers)]
        for word, role in ROLE_WORDS.items():
            if word in text.lower():
                q.attributes.extend(a for a in self.attributes if role in a)
        for role in ROLES:
            if role in c:
                q.attributes.extend(a for a in self.attributes if role in a and a not in q.attributes)
        if not q.attributes and not english:  # a role with a typo: 도시경재과장 → 도시경제과장
            for word in re.findall(r"[가-힣]{4,}", text):
                fixed = [a for a in self.attributes if len(a) >= 4 and _one_typo(word[: len(a)], a)]
                q.attributes.extend(fixed)
                if fixed:
                    q.triggers.append(word)
                    self._typos.append(word)
        q.triggers.extend(self._typos)
        # a bare "신청" inside "선정" questions etc.: money beats generic words
        if "국비" in q.families and "지원금액" in q.families:
            q.families.remove("지원금액")
        if "총사업비" in q.families and "국비" in q.families and not re.search(r"국비", c):
            q.families.remove("국비")
        if "총사업비" in q.families and "지방비" in q.families:
            q.families.remove("지방비")
        if "신청 수" in q.families and any(t in c for t in ("지원한", "접수")) and "국비" in q.families:
            q.families.remove("신청 수")
        # intent
        for name, triggers in INTENTS:
            hit = next((t for t in triggers if t in target_text), None)
            if hit:
                q.intent = name
                q.triggers.append(hit)
                break
        if q.intent == "count" and re.search(r"신청|응모|참여|접수|applied|appl", c) and "신청 수" not in q.families:
            q.families.append("신청 수")
        if q.intent in ("count", "sum") and len(q.families) > 1 and "유형" in q.families:
            q.families.remove("유형")  # "세 유형에 신청한 지자체 수": 유형 names the scope, not the answer
        if q.intent == "count" and "신청 수" in q.families and not re.search(r"모두|전체|총|합|다\s*더|all|total", text):
            q.intent = "lookup"
        if q.intent in ("list", "describe") and (q.families or q.attributes) and q.has_target:
            q.intent = "lookup"
        if q.intent in ("lookup", "describe") and not q.entities and not (q.families or q.attributes) and \
                re.search(r"선정(된|한|받은)?(도시|지자체|지방자치단체|자치단체|곳|기관|지역|대상)", c):
            q.intent = "list"  # "강소형 선정도시"
        if q.intent in ("max", "min") and "치열" in c and "경쟁률" not in q.families:
            q.families.append("경쟁률")  # "가장 치열한" competition
        if q.intent == "describe" and (q.families or q.attributes):
            q.intent = "lookup"
        # unknown place names (a city that is not in the corpus); in English only when nothing else links
        q.unknown_names = self._unknown_names(text, english) if not (english and q.has_ask) else []
        q.residual = self._residual(q)
        q.pseudo = " ".join(q.entities + q.categories + q.families + q.attributes)
        return q

    def _title_docs(self, tokens: list[str]) -> set[str] | None:
        """Documents the question names by title ("AI 행정혁신 선도사업에서 …").

        Only title words that are distinctive count: ones found in the text of at most half the
        documents (지원, 사업, 선정 are in every announcement and name none of them).
        """
        n = len(self.title_tokens)
        if n < 2:
            return None
        qt = {t for t in tokens if not t.isdigit() and len(t) >= 2 and not re.fullmatch(r"\d+년", t)}
        scores = {}
        for d, tt in self.title_tokens.items():
            score = 0.0
            for t in qt & tt:
                df = len(self.docs_with_term(t))
                if 0 < df <= n / 2:
                    score += math.log(n / df)
            if score:
                scores[d] = score
        if not scores:
            return None
        best = max(scores.values())
        return {d for d, v in scores.items() if v >= best / 2}

    def _fuzzy_families(self, text: str) -> list[str]:
        """Typo tolerance for attribute words (갱쟁률 → 경쟁률): one syllable off, sharing its lead or vowel."""
        out = []
        for word in re.findall(r"[가-힣]{3,}", text):
            for fam, triggers in ATTRIBUTE_FAMILIES.items():
                for t in triggers:
                    if len(t) >= 3 and _HANGUL.search(t) and fam not in out and _one_typo(word[: len(t)], t):
                        out.append(fam)
                        self._typos.append(word)
        return out

    def _unknown_names(self, text: str, english: bool) -> list[str]:
        known = {a for a, _, _ in self.alias_index} | self.people
        out = []
        if english:
            for w in re.findall(r"\b[A-Z][a-z]{2,}\b", text):
                lw = w.lower()
                if lw in QUESTION_WORDS or lw in _EN_COMMON or any(lw in k or k in lw for k in known):
                    continue
                out.append(w)
            return out
        for m in morphs(text):
            if m.tag != "NNP" and not (m.tag == "NNG" and admin_stem(m.form)) or len(m.form) < 2:
                continue
            form = compact(m.form)
            if any(form in k or k in form for k in known) or any(m.form in t for t in self._typos):
                continue
            stem = admin_stem(m.form)
            if m.form in self.vocab or (stem or m.form) in self.vocab:
                continue
            if any(t in form for ts in ATTRIBUTE_FAMILIES.values() for t in ts if len(t) >= 2):
                continue
            if stem or m.form in REGIONS or not self._near_vocab(m.form):
                out.append(m.form)
        return out

    def _near_vocab(self, word: str) -> bool:
        """A corpus word (or part of one) one syllable away: a typo rather than an unknown name."""
        if len(word) < 3:
            return False
        n = len(word)
        return any(_one_typo(word, v[i:i + n]) for v in self.vocab if len(v) >= n for i in range(len(v) - n + 1))

    def _residual(self, q: Question) -> list[str]:
        explained = set(tokenize(" ".join(q.triggers))) | {t for v in q.values for t in tokenize(v)}
        for name in q.entities + q.categories:
            explained |= set(tokenize(name))
        for fam in q.families:
            for t in ATTRIBUTE_FAMILIES[fam]:
                explained.add(t)
        for a in q.attributes:
            explained |= set(tokenize(a))
        out = []
        for t in q.tokens:
            if t in explained or t in QUESTION_WORDS or t.isdigit() or any(t in e or e in t for e in explained if e):
                continue
            if re.fullmatch(r"\d+(년|월|일)?", t):
                continue
            if _INTENT_WORDS.search(t):
                continue
            out.append(t)
        return out

    # ------------------------------------------------------------------ follow-ups
    def _resolve(self, q: Question, prev: Question | None) -> Question:
        """Fill what an elliptical follow-up leaves out from the previous turn."""
        if prev is None:
            return q
        anaphoric = any(re.search(rf"(^|\s){a}(\s|$)", q.text.lower()) or q.compact.startswith(a)
                        for a in ANAPHORA)
        changed = {}
        if q.has_target and not q.has_ask and not q.residual and not q.years:
            changed.update(families=list(prev.families), attributes=list(prev.attributes), intent=prev.intent)
        if not q.has_target and (q.has_ask or anaphoric) and (anaphoric or len(q.residual) <= 1):
            changed.update(entities=list(prev.entities), categories=list(prev.categories))
        if q.doc_ids is None and prev.doc_ids is not None:
            changed.update(doc_ids=prev.doc_ids, years=prev.years)
        if not changed:
            return q
        r = replace(q, followup=True, **changed)
        r.pseudo = " ".join(r.entities + r.categories + r.families + r.attributes)
        return r


def _jamo(ch: str) -> tuple[int, int, int]:
    code = ord(ch) - 0xAC00
    return (code // 588, (code % 588) // 28, code % 28) if 0 <= code < 11172 else (-1, -1, -1)


def _one_typo(word: str, target: str) -> bool:
    """Same length, exactly one differing syllable, and that syllable keeps its lead consonant or vowel."""
    if len(word) != len(target) or word == target:
        return False
    diff = [(a, b) for a, b in zip(word, target) if a != b]
    if len(diff) != 1:
        return False
    ja, jb = _jamo(diff[0][0]), _jamo(diff[0][1])
    return ja[0] >= 0 and jb[0] >= 0 and sum(x == y for x, y in zip(ja, jb)) >= 2  # one jamo off: 갱/경, 재/제


_INTENT_WORDS = re.compile("|".join(t for _, ts in INTENTS for t in ts if _HANGUL.search(t)))
_EN_COMMON = {"national", "local", "government", "funding", "total", "project", "competition", "ratio", "city",
              "cities", "selected", "smart", "type", "minister", "director", "how", "what", "which", "who", "when",
              "the", "subtitle", "period", "years", "budget", "korea", "korean", "ministry", "million", "billion",
              "won", "krw", "and", "hub", "is", "was", "are", "does", "did", "many", "much", "name", "list", "sum",
              "difference", "between", "applied", "applications", "rate", "including", "contact", "phone"}
