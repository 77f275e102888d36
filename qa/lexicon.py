"""Lexicon: every Korean (and English) word table the facts, question and answer stages share — data only.

A word is spelled once here; extraction emits attribute names from :class:`Attr`, question linking maps
question words onto the same names, and answer rules test for them. Adding a word for a new announcement
means editing a table here, not a rule.
"""

from __future__ import annotations

from pathlib import Path

from .chunk import NOTE_MARKS, SUB_BULLETS, TOP_BULLETS  # the chunker owns the bullet alphabet
from .glossary import ENGLISH_GLOSSARY  # English words, a table of its own for its size
from .readers.dates import TITLE_YEAR_WORDS, YEAR_SHIFT  # the readers own the relative-year words

# re-exported; the tables below are public too
__all__ = ["ENGLISH_GLOSSARY", "NOTE_MARKS", "SUB_BULLETS", "TOP_BULLETS", "TITLE_YEAR_WORDS", "YEAR_SHIFT"]


class Attr:
    """Attribute names as facts store them (one spelling for all three stages)."""

    NATIONAL = "국비"
    LOCAL = "지방비"
    TOTAL_COST = "총사업비"
    PROJECT_COST = "사업비"
    SUPPORT = "지원금액"
    AMOUNT = "금액"  # money with no money word before it
    COMPETITION = "경쟁률"
    APPLIED = "신청 수"
    SELECTED = "선정 수"
    PARTICIPATED = "참여 수"
    RECRUITED = "모집 수"
    ENTERED = "응모 수"
    PERIOD = "지원기간"
    MATCHING = "매칭비율"
    RATIO = "비율"
    SUBTYPE = "세부유형"
    TYPE = "유형"
    SUBTITLE = "부제"
    PROJECT_NAME = "사업명"
    AREA = "대상지역"
    PHONE = "전화번호"
    CONTACT = "담당자"
    DEPARTMENT = "담당 부서"
    SOURCE = "출처"
    WEBSITE = "웹사이트"
    YEAR = "연도"
    TITLE = "제목"
    RELEASED = "보도일"
    APPLY_PERIOD = "신청기간"


# subject of document-level facts (the whole announcement)
WHOLE = "전체"

# ------------------------------------------------------------------------------------------------ money
# magnitudes of Korean money units, for arithmetic across units (values keep the document's unit)
MAGNITUDE = {"조": 10**12, "억": 10**8, "천만": 10**7, "백만": 10**6, "만": 10**4, "천": 10**3, "": 1}
# money words that name an amount written right after them (longest one ending nearest the amount wins)
MONEY_KEYS = ("총사업비", "사업비", "국비", "지방비", "도비", "시비", "군비", "구비", "민간투자", "민자", "민간부담",
              "자부담", "지원금", "지원액", "지원규모", "예산", "기금", "출연금", "보조금", "융자", "특별교부세", "교부세",
              "교부금", "상금", "투자")
# money words that all mean "the amount of support"; emitted as Attr.SUPPORT
SUPPORT_KEYS = ("지원금", "지원액", "지원규모")
# words before an amount that make it an upper bound ("최대 160억원")
BOUND_WORDS = r"최대|이내|한도"
# words around an amount that make it approximate ("약 30억원", "30억원 내외")
APPROX_WORDS = r"내외|약|정도"
# families whose facts are money amounts (a money question may take any money column of a table)
MONEY_FAMILIES = {Attr.NATIONAL, Attr.SUPPORT}
# families a local share / total is derived for from 국비 and the matching ratio
DERIVED_FAMILIES = (Attr.TOTAL_COST, Attr.LOCAL)

# ------------------------------------------------------------------------------------------------ places
# provinces and metropolitan cities, short and long forms ("전북 전주시" → region 전북)
REGIONS = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남",
           "전북", "전남", "경북", "경남", "제주", "충청북도", "충청남도", "전라북도", "전라남도", "경상북도",
           "경상남도", "강원도", "경기도", "제주도", "전북특별자치도", "강원특별자치도", "제주특별자치도")
# the short and long names of each province and metropolitan city: "경남" names the same place as "경상남도"
REGION_NAMES: tuple[tuple[str, ...], ...] = (
    ("서울", "서울특별시", "서울시"), ("부산", "부산광역시", "부산시"), ("대구", "대구광역시", "대구시"),
    ("인천", "인천광역시", "인천시"), ("광주", "광주광역시", "광주시"), ("대전", "대전광역시", "대전시"),
    ("울산", "울산광역시", "울산시"), ("세종", "세종특별자치시", "세종시"), ("경기", "경기도"),
    ("강원", "강원도", "강원특별자치도"), ("충북", "충청북도"), ("충남", "충청남도"),
    ("전북", "전라북도", "전북특별자치도"), ("전남", "전라남도"), ("경북", "경상북도"), ("경남", "경상남도"),
    ("제주", "제주도", "제주특별자치도"))
# every name of a region → all its names (경남 → {경남, 경상남도})
REGION_OF: dict[str, frozenset[str]] = {name: frozenset(group) for group in REGION_NAMES for name in group}
# administrative suffixes, longest first (전주시 → 전주, 대구광역시 → 대구)
ADMIN_SUFFIXES = ("특별자치시", "특별자치도", "특별시", "광역시", "자치구", "시", "군", "구", "도", "읍", "면", "동")

# ------------------------------------------------------------------------------------------------ tables
# header words of the column that names a table row's entity
ENTITY_HEADERS = r"지자체|지방자치단체|기관|지역|도시|시[·ㆍ]?군|대상지|수행|주관|컨소시엄|기업|업체|대학|학교|명칭|선정"
# header words of the column that names a row's category
CATEGORY_HEADERS = r"유형|구분|분야|부문|트랙|종류|분류"
# header of a serial-number column (never a fact)
SERIAL_HEADERS = r"^(연번|번호|순번|순위|no\.?|#)$"
# units a header may carry in brackets ("국비(억원)")
HEADER_UNITS = r"원|달러|%|개|명|곳|건|년|월|㎡|km|ha"
# counters that count the same things, so two counts written with them add and compare ("16개 지자체" and "3곳")
SAME_COUNTERS = (frozenset({"개", "곳", "개소", "군데"}), frozenset({"명", "인"}))
# a table caption that lists its units in its closing parenthesis without "단위:" ("< 업종별 동향(억 달러, 전년동기
# 대비, %) >"): each part a unit (magnitude and unit, spaces dropped) or the comparison its rates are of
CAPTION_UNITS = r"[십백천만억조]*(?:원|달러|엔|유로|위안|명|개|곳|건|톤|가구|세대|개소|㎡|㎢|km|mm|℃|배|%)"
CAPTION_UNIT_ASIDES = r"대비|기준|증감|비교"
# the name of a row of parenthesised figures under the row of amounts it is the change of ("| 전 체 | 141.5 |" then
# "| 전 체 | (△13.4) |"), when the row does not name itself
RATE_ROW_NAME = "증감률"

# ------------------------------------------------------------------------------------------------ people
# roles of people quoted or named in an announcement (장관 …, 담당자)
ROLES = ("장관", "차관", "실장", "국장", "과장", "팀장", "단장", "본부장", "청장", "처장", "원장", "위원장", "시장",
         "도지사", "군수", "구청장", "이사장", "사장", "사무관", "주무관", "연구관", "서기관", "담당자")
# heads of organisations written "기관(장관 이름)"
HEAD_ROLES = r"장관|차관|처장|청장|원장|위원장|시장|도지사|군수|구청장|이사장|사장|회장"
# roles that end a "이름 직함은 …" phrase
SPEAKER_ROLES = r"장관|차관|실장|국장|과장|팀장|단장|본부장|청장|처장|원장|위원장|시장|도지사|군수|구청장"
# the endings of an organisational unit in a department cell ("예방접종관리과", "대학학술정책관", "낙동강사업처")
DEPARTMENT_UNITS = ("과", "팀", "국", "실", "단", "관", "처", "센터", "본부", "부")
# civil-service ranks in a contact table
RANKS = {"과장", "팀장", "국장", "실장", "단장", "사무관", "주무관", "연구관", "서기관", "연구원", "전문위원", "행정관"}
# ranks written before a name on a contact line ("사무관 홍길동(044-…)")
CONTACT_ROLES = r"과\s*장|팀\s*장|사무관|주무관|연구관|서기관|담당자"
# labels of contact-table cells (who is responsible / the desk)
CONTACT_LABELS = ("책임자", "담당자", "담당", "문의")
# words in a contact table that look like names but are not
NOT_NAMES = {"부서", "책임자", "담당자", "사무관", "주무관", "연구관", "서기관", "과장", "팀장", "국장"}
# English role words → Korean role
ROLE_WORDS = {"minister": "장관", "vice minister": "차관", "director": "과장", "mayor": "시장", "governor": "도지사"}

# ------------------------------------------------------------------------------------------------ counts
# verbs after "N곳/개" that say what is counted → attribute
COUNT_VERBS = {"신청": Attr.APPLIED, "응모": Attr.APPLIED, "접수": Attr.APPLIED, "공모": Attr.APPLIED,
               "선정": Attr.SELECTED, "지정": Attr.SELECTED, "참여": Attr.PARTICIPATED, "모집": Attr.RECRUITED}
# nouns counted on their own ("3개 유형" → 유형 수)
COUNTED_NOUNS = ("유형", "분야", "과제", "사업")
# attributes that are counts of applicants/selections (a family of their own, not a noun count)
COUNT_ATTRIBUTES = (Attr.APPLIED, Attr.PARTICIPATED, Attr.ENTERED, Attr.SELECTED)
# bound words dropped when naming a percentage from the words before it
PERCENT_STOP = ("최대", "최소", "이상", "이하", "이내", "상한", "대비")

# ------------------------------------------------------------------------------------------------ question words
# attribute families: canonical name -> ways people ask for it (Korean and English, compared without spaces)
ATTRIBUTE_FAMILIES: dict[str, tuple[str, ...]] = {
    Attr.NATIONAL: ("국비", "국고", "정부지원", "정부에서", "나라에서", "지원금", "지원액", "지원금액", "지원받", "받는돈", "받는금액",
                    "얼마받", "얼마나받", "얼마를받", "얼마지원", "얼마나지원", "돈", "nationalfund", "governmentfund",
                    "nationalsubsid", "subsid", "funding", "grant", "howmuchmoney", "budget"),
    Attr.LOCAL: ("지방비", "시비", "도비", "군비", "구비", "지자체부담", "자부담", "지방부담", "localfund", "localshare",
                 "localgovernmentfund", "matchingfund"),
    Attr.TOTAL_COST: ("총사업비", "전체사업비", "사업비총", "지방비포함", "지방비까지", "지방비를포함", "지방비합", "매칭포함",
                      "매칭까지", "총예산", "totalproject", "totalcost", "totalbudget", "includinglocal"),
    Attr.PROJECT_COST: ("사업비",),
    Attr.SUPPORT: ("지원규모", "지원금", "지원액", "지원금액", "얼마까지"),
    Attr.COMPETITION: ("경쟁률", "경쟁", "몇대1", "몇대일", "대1", "경쟁율", "competition", "competitive", "odds"),
    Attr.APPLIED: ("신청지자체", "신청한지자체", "신청한곳", "신청수", "신청건수", "신청기관", "응모", "지원한지자체", "참여한지자체",
                   "참여지자체", "참여한곳", "참여기관", "applied", "applicant", "applications"),
    Attr.SELECTED: ("선정된곳수", "선정수", "선정개수"),
    Attr.PERIOD: ("기간", "몇년", "몇년간", "년간", "동안", "언제까지지원", "period", "howmanyyears", "howlong",
                  "duration", "years"),
    Attr.MATCHING: ("매칭", "분담비율", "부담비율", "matching", "split"),
    Attr.RATIO: ("비율", "퍼센트", "몇%", "몇퍼센트", "%", "percent", "percentage", "ratio"),
    Attr.SUBTYPE: ("세부유형", "대응형", "subtype"),
    Attr.TYPE: ("사업유형", "유형", "종류", "구분", "분야", "트랙", "부문", "type", "category", "track"),
    Attr.SUBTITLE: ("부제", "사업부제", "슬로건", "비전", "캐치프레이즈", "subtitle", "slogan", "tagline", "motto"),
    Attr.PROJECT_NAME: ("사업명", "사업이름", "과제명", "projectname", "titleoftheproject"),
    Attr.AREA: ("대상지역", "대상지", "사업지역", "어디에서", "어디서", "위치", "location", "where"),
    Attr.PHONE: ("전화", "전화번호", "연락처", "번호", "phone", "telephone", "contact"),
    Attr.CONTACT: ("담당자", "담당", "문의", "책임자", "contactperson", "incharge", "responsible"),
    Attr.DEPARTMENT: ("담당부서", "부서", "department"),
    Attr.SOURCE: ("원출처", "출처", "원문", "링크", "url", "source", "link", "출처주소"),
    Attr.WEBSITE: ("홈페이지", "사이트", "포털", "누리집", "웹주소", "주소", "website", "portal", "homepage", "address"),
    Attr.YEAR: ("몇년도", "연도", "어느해", "몇년에", "무슨해", "whichyear", "whatyear"),
    Attr.TITLE: ("제목", "타이틀", "보도자료이름"),
    Attr.RELEASED: ("보도일", "보도시점", "배포일", "발표일", "게재일", "공고일", "보도날짜", "releasedate", "published"),
    Attr.APPLY_PERIOD: ("신청기간", "접수기간", "모집기간", "공모기간", "마감", "언제까지신청", "신청은언제", "deadline",
                        "applicationperiod"),
}
# which extracted attribute names belong to a family (an attribute also matches when it contains a member)
FAMILY_MEMBERS: dict[str, tuple[str, ...]] = {
    Attr.NATIONAL: ("국비", "국고"),
    Attr.LOCAL: ("지방비", "도비", "시비", "군비", "구비", "자부담"),
    Attr.TOTAL_COST: ("총사업비",),
    Attr.PROJECT_COST: ("사업비",),
    Attr.SUPPORT: ("지원금액", "지원규모", "지원금", "지원액", "금액"),
    Attr.COMPETITION: ("경쟁률",),
    Attr.APPLIED: (Attr.APPLIED, Attr.PARTICIPATED, Attr.ENTERED),
    Attr.SELECTED: (Attr.SELECTED,),
    Attr.PERIOD: ("지원기간", "사업기간", "기간"),
    Attr.MATCHING: ("매칭비율",),
    Attr.RATIO: (),
    Attr.SUBTYPE: ("세부유형",),
    Attr.TYPE: ("사업유형", "유형", "구분", "분야", "트랙", "부문", "종류"),
    Attr.SUBTITLE: ("부제",),
    Attr.PROJECT_NAME: ("사업명", "과제명"),
    Attr.AREA: ("대상지역", "대상지", "사업지역", "위치"),
    Attr.PHONE: ("전화번호", "연락처"),
    Attr.CONTACT: ("담당자", "사무관", "주무관", "연구관"),
    Attr.DEPARTMENT: ("담당 부서",),
    Attr.SOURCE: ("출처",),
    Attr.WEBSITE: ("웹사이트",),
    Attr.YEAR: ("연도",),
    Attr.TITLE: ("제목",),
    Attr.RELEASED: ("보도일", "보도시점", "배포", "공고일"),
    Attr.APPLY_PERIOD: ("신청기간", "접수기간", "모집기간", "공모기간"),
}
# what kind of answer is wanted, in priority order: intent -> trigger words (compact Korean / English)
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
# words that only name the class of value asked (나이 → an age, 금액 → money): the asked class says it, so a
# sentence need not repeat them ("만 39세 이하" answers "나이가 몇 살까지?")
KIND_WORDS = {"나이", "연령", "금액", "액수", "기간", "날짜", "일자", "날", "시간", "시각", "길이", "거리", "높이", "넓이", "면적",
              "무게", "비율", "비중", "규모", "수", "개수", "인원", "숫자", "수치", "요일", "시점", "때",
              "마감일", "시작일", "종료일", "개시일", "기한", "운영시간", "시간대",
              "미터", "킬로미터", "센티미터", "제곱미터", "평"}  # units asked by name (몇 미터)
# particles marking a question's topic ("늘봄실무사는 몇 명이에요?"): what the value asked is of
TOPIC_PARTICLES = ("은", "는")
# words announcements and the people asking about them use for the same thing (qa/data/synonyms.txt)
SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(line.split()) for line in (Path(__file__).resolve().parent / "data" / "synonyms.txt").read_text(
        encoding="utf-8").splitlines() if line.strip() and not line.startswith("#"))
SYNONYM_WEIGHT = 0.8
# a question word inside a longer word of the sentence (대학 in 울산대학교, 관광객 in 외래관광객) counts this much
PART_WEIGHT = 0.7
# how much a verb or adjective of the question counts when a sentence is matched against it: predicates are
# paraphrased freely (뽑다 ↔ 선정, 열리다 ↔ 개최, 들어오다 ↔ 지급) while nouns name what is asked about
PREDICATE_WEIGHT = 0.3
# the labels under which announcements state what a question word asks ("장소: 킨텍스" answers 어디, "일시:"
# answers 언제): a "label: value" line or a two-cell table row whose label holds one answers that question word
SLOT_LABELS = {
    "where": ("장소", "위치", "일원", "개최지", "소재지", "주소", "행사장", "코스", "경로"),
    "when": ("일시", "기간", "일정", "날짜", "일자", "기한", "시간", "시기", "마감"),
    "who": ("대상", "주최", "주관", "주체", "자격", "담당", "문의", "신청인", "참여기관", "수행기관"),
    "how": ("방법", "절차", "방식", "요령"),
}
SLOT_QUESTIONS = {"where": r"어디|어느\s*곳|장소|위치", "when": r"언제|며칠|몇\s*시|몇\s*월|기간|일정",
                  "who": r"누구|누가|어느\s*기관|어떤\s*기관|주체|대상", "how": r"어떻게|방법|절차"}
# words that point back to the previous turn of a conversation
ANAPHORA = ("그", "그곳", "거기", "해당", "그럼", "그러면", "그리고", "또", "이곳", "그사업", "이사업", "그도시", "it", "its",
            "that", "there", "they")
# words people use when asking about figures, which a release may never write (it says "19.0% 늘어"): a typo of
# one of them ("증가뮬") is corrected to it like a typo of a corpus word
ASKING_WORDS = {"증가율", "감소율", "상승률", "하락률", "증감률", "증가폭", "감소폭", "변화율", "성장률", "비율", "경쟁률",
                "참여율", "선정률", "합격률", "지원율", "인상률", "인하율", "점유율", "달성률", "집행률", "취업률", "실업률"}
# words naming a time relative to now (작년, 올해): ordinary words, never a typo of a corpus word (작년 is not 학년)
RELATIVE_TIME_WORDS = frozenset({"작년", "올해", "내년", "금년", "전년", "지난해", "재작년", "내후년", "지난달", "이번달",
                                 "다음달", "전월", "전년도", "금월", "올해도", "예년"})
# question and filler words that never make a question about something the corpus lacks
# nouns an hours word modifies: "운영시간 제한은 언제 풀려?" asks when the restriction ends, not the hours
TIME_NOUN_MODIFIED = r"제한|단축|연장|변경|조정|해제|완화"
QUESTION_WORDS = {"얼마", "무엇", "뭐", "무슨", "어떤", "어떻", "언제", "어디", "누구", "몇", "왜", "알려주", "알리", "알", "궁금",
                  "설명", "내용", "받", "주", "보", "말하", "대하", "관하", "관련", "경우", "정도", "좀", "이번", "해당", "총",
                  "나요", "인가", "이다", "이나", "하나", "모두", "전부", "다", "각", "각각", "되", "하", "있", "없", "어느", "가요",
                  "지자체", "지방자치단체", "자치단체", "기관", "곳", "목적", "목표", "계획", "특징", "취지", "실시", "진행",
                  "개최", "열리", "시작", "밝히", "이름", "성함", "비교", "알려", "얼마나",
                  "만들", "바뀌", "바꾸", "변하", "달라지", "생기", "갖추", "이루", "보도자료", "보도", "공고문", "자료", "문서",
                  "전체", "추진", "시행", "수행", "운영", "진행되", "추진되",
                  "퍼센트", "프로",  # "몇 퍼센트", "몇 프로": the value asked, which a passage writes as %
                  "the", "a", "an", "of", "in", "is", "are", "was", "were", "does", "do", "did", "what", "how", "which",
                  "who", "when", "where", "much", "many", "for", "to", "and", "or", "it", "its", "by", "on", "with",
                  "get", "gets", "receive", "receives", "received", "about", "tell", "me", "please"}
# capitalised English words that are never an unknown place name
EN_COMMON = {"national", "local", "government", "funding", "total", "project", "competition", "ratio", "city",
             "cities", "selected", "smart", "type", "minister", "director", "how", "what", "which", "who", "when",
             "the", "subtitle", "period", "years", "budget", "korea", "korean", "ministry", "million", "billion",
             "won", "krw", "and", "hub", "is", "was", "are", "does", "did", "many", "much", "name", "list", "sum",
             "difference", "between", "applied", "applications", "rate", "including", "contact", "phone"}
# words that ask for everything together ("모두 몇 곳", "in total"): a count becomes a sum of counts
TOTAL_WORDS = r"모두|전체|총|합|all|total"
# the same, as a question about applicants is read ("다 더")
APPLICANT_TOTAL_WORDS = r"모두|전체|총|합|다\s*더|all|total"
EXCLUSION_WORDS = r"빼|제외|말고|except|excluding"  # words that leave the named entities out of a sum ("전주시를 빼고")
DIFF_WORDS = r"차이|차액|difference"  # words of a difference between two amounts
# words that ask to add two or more stated values (every conjugation: 합치면, 합쳐서, 더해서, 통틀어)
SUM_OPERATION_WORDS = r"더하면|더한|더해서?|합치면|합친|합쳐서?|합하면|합한|합해서?|합계|합산|총합|모두\s*합|통틀어서?"
# words that ask how far apart two stated values are
DIFF_OPERATION_WORDS = r"차이|빼면|뺀|얼마나\s*더\s*(?:많|적|크|작)|보다\s*얼마나\s*(?:많|적)"
# a superlative as a question writes it ("제일 많이 받는", "가장 높은", "젤 긴"): the word after 가장 tells which end
SUPERLATIVE = r"(?:가장|제일|젤|최고로)\s*(?P<word>[가-힣]+)"
LARGE_WORDS = r"많|높|크|큰|컸|길|긴|비싸|늘|오르|오른|올랐|빠르|빨리|넓"
SMALL_WORDS = r"적|낮|작|짧|싸|싼|줄|좁|늦"
# a measure of decrease: its largest is the most negative of a signed column (감소율이 제일 컸던 → 증감률 lowest)
FALL_WORDS = r"감소|줄어|줄었|하락|떨어|내려|내렸"
# a change asked ("제일 많이 늘어난", "가장 크게 줄어든", "증가율") and the column headers that hold changes
CHANGE_ASKED = r"늘|줄|오르|오른|올랐|증가|감소|상승|하락|떨어|증감"
CHANGE_HEADERS = r"증감|증가|감소|변화|등락|대비"
RATE_WORDS = r"율|률|%"
# a row label of a whole or a subtotal, never the row a superlative picks ("전국" above the regions, "모두채움 소계")
WHOLE_ROWS = r"^(?:전국|전체|합\s*계|총\s*계|계)$|소\s*계$|합\s*계$|누\s*계$"
# rows asked by the way their figure changed ("줄어든 시도는 어디어디?", "감소한 업종 몇 개야?", "안 줄어든 곳은?"):
# a change verb in its adnominal form, falling or rising, with "안" or "못" before it turning it round, then which
# rows or how many are asked of it (the counter of "몇 곳" names the count's unit) and not why ("줄어든 이유가 뭐야")
CHANGED_FALL = r"줄어든|줄은|감소한|감소된|하락한|떨어진|내린|내려간"
CHANGED_RISE = r"늘어난|늘은|증가한|증가된|상승한|오른|올라간"
CHANGED_ROWS = r"(?P<neg>(?:안|못)\s*)?(?P<verb>(?P<fall>" + CHANGED_FALL + r")|" + CHANGED_RISE + r")(?P<rest>.*)"
CHANGED_ASKS = r"어디|어느|뭐|무엇|무슨|몇\s*(?P<counter>곳|개|군데|가지|개소|시도|건)?"
CHANGED_NOT_ROWS = r"이유|원인|왜|때문|얼마"
# a difference asked between two periods of one series ("1분기보다 2분기에 얼마나 줄었어", "3분기랑 4분기 차이",
# "2024년보다 몇 가구 늘었어"), and the comparison right after a lone period that makes it the earlier one (the later
# is the latest: "2024년보다", not "9월 평균기온이 평년보다")
PERIOD_DIFF_ASKED = r"얼마나|몇|차이|증감"
COMPARISON_FOLLOWS = r"\s*(?:보다|(?:에\s*)?비(?:해|하면|하여)|대비|(?:과|와|이랑|랑|하고)\s*비교)"  # "보다", "에 비하면"
PERIOD_COMPARED = rf"^{COMPARISON_FOLLOWS}"
# the word a statistical release writes for a comparison a question says in everyday words, when the comparison
# follows it: "1년 전보다" is 전년 (the column 전년동월비(%) beside 전월비(%)), "지난달보다" 전월, "지난 분기보다" 전기,
# "작년 같은 달보다" 전년 동월 (the words of a key are each looked for)
COMPARED_WRITTEN = {"전년": r"(?:1|한)\s*년\s*전", "전월": r"(?:1|한)\s*달\s*전|지난\s*달|전\s*달",
                    "전기": r"(?:직전|지난)\s*분기", "전년 동월": r"(?:작년|지난해|전년)\s*같은\s*달",
                    "전년 동기": r"(?:작년|지난해|전년)\s*같은\s*(?:기간|분기|때)"}
# words by which a question asks for places as the rows of a table (줄어든 시도는, 늘어난 지역은)
PLACES_ASKED = r"시도|시·도|시군|시·군|지역|지자체|권역|광역"
# superlative words (compact) of the largest / smallest value
MAX_WORDS = r"가장많|제일많|가장높|최고|최다|most|highest"
MIN_WORDS = r"가장적|제일적|가장낮|최저|최소|least|lowest"
# verbs of applying (a count question about them counts applicants)
APPLY_WORDS = r"신청|응모|참여|접수|applied|appl"
# the kinds of entity a selection names ("선정된 지자체"), not things selected in one (선정 마을)
SELECTED_KINDS = r"도시|지자체|지방자치단체|자치단체|곳|기관|지역|대상"
# "선정된 도시 / 지자체 …": a question asking which ones were selected
SELECTED_NOUN = rf"선정(된|한|받은)?({SELECTED_KINDS})"
# words that say who the question is about is selected
SELECTION_WORD = "선정"

# arithmetic asked in other words than 더하면/차이 (qa.answer.generators.arithmetic)
COMPLEMENT_WORDS = r"아닌|아니었던|제외한|뺀\s*나머지|말고"  # "보행 중이 아닌 사고": the whole less the part named
RATIO_WORDS = r"몇배|몇곱절"  # "A는 B의 몇 배"
SHARE_WORDS = r"비중|비율|몇%|몇퍼센트|몇프로|몇퍼(?!레|즐)"  # "A는 전체의 몇 %"
SHARE_VERBS = r"차지|점유"  # "전체 X 중에 A가 차지하는 비중", "A가 전체 X에서 차지하는 비율"
# "떨어진 곳": those who applied less those selected (operands as the announcements write them)
FAILED_OPERANDS = {"떨어진": ("신청", "선정"), "탈락": ("신청", "선정"), "떨어졌": ("신청", "선정"), "못뽑힌": ("신청", "선정"),
                   "안뽑힌": ("신청", "선정"), "선정안된": ("신청", "선정"), "선정안됐": ("신청", "선정"),
                   "선정되지않은": ("신청", "선정"), "선정되지못한": ("신청", "선정"), "미선정": ("신청", "선정")}

# what a question asks about the announcement itself (qa.answer.generators.metadata), read off its wording
METADATA_ASKS = {
    # "보도자료 언제 나왔어?", "발표일이 며칠이야?"
    "published": r"(?:발표|배포|공개|보도|게시|공고|발간|나왔|나온|올라온|올라왔|냈|낸)\S*\s*(?:\S+\s+){0,2}(?:언제|며칠|날짜|일자)"
                 r"|(?:언제|며칠|날짜|일자)\S*\s*(?:\S+\s+){0,1}(?:발표|배포|공개|보도|게시|공고|발간|나왔|나온|냈|낸)"
                 r"|(?:발표|배포|보도|게시|공고)\s*(?:일|일자|날짜|시점)",
    # "문의는 어느 부서로?", "담당 부서가 어디야?" (과 the word, not 무슨 과제 / 어느 과목)
    "department": r"부서|(?:어느|무슨|담당)\s*과(?![제목정학거태세일자])|어느\s*팀|무슨\s*팀|담당\s*팀|문의|연락|담당자|물어보",
    # "전화번호 알려줘"
    "phone": r"전화|연락처|번호",
    # "… 라고 말한 사람 누구야? 직책은?"
    "speaker": r"누가\s*(?:말|밝|강조|발언|얘기|이야기|언급)"
               r"|(?:말|발언|얘기|이야기|언급|인터뷰)\S*\s*(?:\S+\s+){0,2}(?:누구|사람|직책|직함)"
               r"|직책|직함",
    # "어느 기관이 발표했어?"
    "publisher": r"(?:어디|어느\s*(?:기관|부처|곳|부서))\S*\s*(?:\S+\s+){0,1}(?:발표|냈|낸|배포|공개|발간)|발표한\s*(?:곳|기관|부처)",
}
QUOTE_MARKS = "“”\"‘’'"
# written before a number dialled as it is, without an area code: "국번 없이 126", "국번없이 1399"
NO_AREA_CODE = r"국번\s*없이"
# a service desk a release gives a number for ("국세상담센터(☎126)", "한국장학재단 상담센터(1599-2000)")
SERVICE_DESKS = r"센터|상담실|민원실|콜센터|상담전화|안내전화|신고전화"
# titles of people quoted in releases beyond the government ranks of SPEAKER_ROLES
MORE_SPEAKER_ROLES = r"교육감|대표|이사장|연구위원|부연구위원|센터장|소장|관장|총장"

# counters that number one of a series (2차 특별할인, 7구간, 2/4분기, 3단계): a question naming one asks about that
# one, and a figure stated for another of the series answers something else
ORDINAL_COUNTERS = ("차", "구간", "분기", "단계", "학기", "학년", "노선", "회차")
# the words that name one of a series without a number
ORDINAL_WORDS = {"상반기": ("반기", 1), "하반기": ("반기", 2), "전반기": ("반기", 1), "후반기": ("반기", 2)}
# a question asking which one (a place, a body, a category, an item): inverse lookups and attribution
WHICH_ASKS = (r"어느\s*(?:시|군|구|도|도시|지자체|지방자치단체|지역|기관|곳|데|회사|기업|학교|나라|국가"
              r"|유형|분야|항목|부문|업종|달|월|노선|팀|과)"
              r"|어디|어떤\s*(?:곳|데|도시|지역|기관|유형|분야|항목|부문|업종|사업|노선)|무슨\s*(?:유형|분야|항목|부문|업종|사업)"
              r"|(?:곳|데|도시|지역|기관|유형|분야|항목|부문|업종|노선|달|나라)(?:은|는|이|가)?\s*(?:뭐|무엇|어디|누구)|누구|뭐야|뭐예요|뭔가요|무엇"
              r"|(?:곳|데|도시|지역|지자체|기관|유형|분야|항목|부문|업종|노선|달|나라|학교급|사람|시군|시·군|시도|시·도)(?:은|는|이|가|들은)?\s*[?？]?\s*$")
# what an owner of a plan is called in a question ("어느 지자체 계획이야?")
OWNER_KINDS = r"시|군|구|도|도시|지자체|지방자치단체|지역|기관|곳|데|회사|기업|학교|나라"
# a question answered by the name of a place or body (어느 지자체 계획이야? 드론 쓰는 데 어디야?), not by where (어디서 해?)
NAME_ASKS = (rf"어느\s*(?:{OWNER_KINDS}|국가|부처|단체)(?![가-힣])|어디(?!\s*(?:에서|서|일대|에|로|까지|부터|쯤))|누구|누가"
             r"|(?:곳|데|도시|지역|지자체|기관|시군|시·군|시도|시·도)(?:은|는|이|가|들은|들이)?\s*[?？]?\s*$")

# ------------------------------------------------------------------------------------------------ published files
# the standard press-release layout (qa.readers.release): the header table, the headline, the contact table, 붙임
# what the first header cell calls the document (a file that opens with one of these is read as a release)
RELEASE_MARKERS = ("보도자료", "보도참고자료", "설명자료", "해명자료", "설명·해명자료", "보도해명자료", "보도설명자료",
                   "정책설명자료", "브리핑자료", "참고자료")
# labels of the date from which the release may be reported: the published date
RELEASE_TIME_LABELS = ("보도시점", "보도일시", "보도일", "보도시간", "보도", "공표일시", "공표일", "발표일시", "발표일", "발표")
# labels of the date it was handed out: the published date when no reporting date is given ("배포 즉시")
RELEASE_SENT_LABELS = ("배포일시", "배포일", "배포시점", "배포")
# first cells of the contact rows (in the header or the closing table)
CONTACT_TABLE_LABELS = ("담당부서", "담당과", "협조부서", "공동담당부서", "담당과장", "담당자", "담당", "문의", "책임자")
# who a contact row names (책임자 = the head of the desk, 담당자 = the officer)
CONTACT_ROLE_LABELS = ("책임자", "담당자", "담당과장", "과장", "팀장")
# civil-service and research ranks written before or after a name in a contact row
CONTACT_RANKS = ("과장", "팀장", "국장", "실장", "단장", "부장", "차장", "사무관", "서기관", "주무관", "연구관", "연구사",
                 "행정관", "전문위원", "연구위원", "부연구위원", "선임연구위원", "연구원", "책임", "선임", "주임", "계장",
                 "팀원", "대리", "과장대리", "축제팀장", "담당관", "장학관", "장학사", "연구관", "교육연구관")
# a line that lists an attachment ("붙임 1. … 1부.")
ATTACHMENT_LABELS = ("붙임", "별첨", "첨부")
# the label a part of a release opens with ("| 참고 1 | ’25.2분기 세부통계 (단위: 억달러) |"): a unit note on that line is
# the unit of every table of the part that states none of its own (qa.chunk)
PART_LABELS = ("참고", *ATTACHMENT_LABELS)
# the spokesperson's closing box names the publishing body ("기획재정부 대변인 …")
SPOKESPERSON = ("대변인",)
# the name ending of a public body (a one-cell "| 국토연구원 |" row in a header is the publisher, not the headline)
ORG_ENDINGS = ("부", "처", "청", "원", "위원회", "공단", "공사", "재단", "센터", "교육청", "시", "도", "군", "구", "은행",
               "연구원", "진흥원", "본부", "협회", "연구소", "관리원", "박물관")
# heads of bodies written "기관(장관 이름)": the body is the publisher ("행정안전부(장관 윤호중)는")
PUBLISHER_HEADS = ("장관", "차관", "처장", "청장", "위원장", "시장", "도지사", "군수", "구청장", "교육감", "원장", "이사장",
                   "사장", "총장", "회장")
# a date followed by these is the period a figure refers to, not the document's own date ("2010.1월 누계 기준")
DATE_REFERENCE_WORDS = ("기준", "현재", "누계", "잠정", "말", "까지", "부터", "~")
# labels of a form's cell that holds what the document is about ("| 품목명 | … |"): its title when it has no other
TITLE_LABELS = ("사업명", "과제명", "품목명", "행사명", "용역명", "과업명", "공고명", "건명", "제목")
# words that say the reporting time is the handing-out time ("배포 즉시 보도 가능")
IMMEDIATE_WORDS = ("즉시",)
# endings of a sentence (a line that ends so, with a full stop, is body text, not a title or headline)
SENTENCE_ENDINGS = ("다", "요", "오", "음", "함", "임")
# what a table of contents calls itself (a cover's box that is one is not the title)
CONTENTS_WORDS = ("목차", "CONTENTS", "차례", "순서")
# kinds of numbered public notices ("강남구 공고 제2023-745호" is the notice's number, not its title)
NOTICE_KINDS = ("공고", "고시", "훈령", "예규", "공시")
# the days of the week as dates write them ("2025. 6. 19.(목)")
WEEKDAYS = "월화수목금토일"

# "왜 늘었어?", "이유가 뭐야?": a question asking why, and the words that state a cause or a purpose in a sentence
WHY_ASKS = r"왜|이유|원인|까닭|배경|때문|어째서|목적"
CAUSE_MARKERS = (r"때문|영향|으로 인해|로 인해|인해|에 따라|따른|덕분|요인|원인|이유|위해|위하여|의 결과|여파|로 인한|으로 인한"
                 r"|면서|되어|늘어|줄어")

# the counters a count of listed places or bodies answers ("몇 곳 선정됐어?"; None: "몇 개", "몇 군데" …)
PLACE_COUNTERS = (None, "곳", "개소", "개", "군데", "개사", "기관", "개 기관", "단체", "업체")

# a question asking for several items ("뭐뭐 내야 돼?", "어디어디야?", "어떤 게 있어?")
LIST_ASKS = (r"뭐뭐|무엇무엇|어디어디|누구누구|종류|목록|어떤\s*(?:것|게|거)\S*\s*있|뭐가\s*있|무엇이\s*있|어떤\s*\S+들"
             r"|모두\s*알려|다\s*알려")
# "몇 가지야?", "몇 단계로 나뉘어?": a count of the items a passage lists, in the counter the question names
# (not 몇 개 or 몇 곳: those mostly count what the text states or a filtered part of a list, 감소한 업종 몇 개)
ITEM_COUNT_ASK = r"몇\s*(?P<counter>가지|단계|종류|유형)"
# a sentence announcing the list that follows it ("다음과 같다", "네 개의 정원으로 꾸며진다", "두 조건을 모두 충족")
LIST_LEADS = r"다음|아래|[두세네다섯여섯일곱]\s*(?:가지|개|곳|개의|조건)|[0-9]+\s*(?:가지|개|곳|개의)"

# ------------------------------------------------------------------------------------------------ reading
# conjunctions a paragraph broken inside its sentence may stop on (qa.readers.base.join_broken)
OPEN_CONJUNCTIONS = frozenset({"및", "또는"})
# particles that also end nouns at a line's end: 구성도, 제도 are read as nouns, not as 구성 + "also"
NOUN_END_PARTICLES = frozenset({"도"})
