"""The JSON API's request and response shapes, for ``/openapi.json`` (the routes return plain dicts; these
models document them, and the tests validate real answers against them)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..config import Config
from .helpful import REASONS

NOT_FOUND_REASONS = tuple(k for k in REASONS if not k.startswith("_"))
RULE_DOC = ("What produced the answer: a compose rule (`lookup`, `sum`, `difference`, `count:members`, `typed:money` "
            "…), `passage` (`passage:lead` …), or why nothing was found: `not_found:<reason>` with reason one of "
            + ", ".join(f"`{r}`" for r in NOT_FOUND_REASONS) + ". Rule names may be added; clients should treat "
            "an unknown one as informational.")


class AskRequest(BaseModel):
    question: str = Field(..., description="질문 (Korean or English)", examples=["전주시가 받는 국비는?"])
    history: list[str] | None = Field(None, description="같은 대화의 이전 질문들, 오래된 것부터")
    k: int | None = Field(None, ge=1, le=50, description="돌려줄 출처 구절 수 (기본: config.top_k)")
    offset: int | None = Field(None, ge=0, le=1_000_000, description="목록 답의 몇 번째 항목부터 (응답의 "
                               "page.next_offset; 목록이 잘린 답에만 page가 있음)")
    limit: int | None = Field(None, ge=1, le=100, description="목록 답의 항목을 몇 개까지 (기본: 답에 보인 만큼, "
                              "config.answer_list_items)")
    suggest: bool | None = Field(None, description="`suggestions`를 만들지: true = 이어서 물어볼 질문과 못 찾은 답의 "
                                 "비슷한 질문 (각 후보를 먼저 물어 보므로 처음에는 느림), 생략 = 못 찾은 답의 비슷한 "
                                 "질문만, false = 만들지 않음")


def ask_request_model(config: Config) -> type[AskRequest]:
    """``AskRequest`` with this config's bounds on ``history`` (so they show in /openapi.json too)."""
    item = Annotated[str, Field(max_length=config.max_question_chars)]
    return create_model("AskRequest", __base__=AskRequest,
                        history=(list[item] | None, Field(None, max_length=config.max_history_items,
                                                          description=f"같은 대화의 이전 질문들, 오래된 것부터 (최대 "
                                                                      f"{config.max_history_items}개)")))


class ErrorResponse(BaseModel):
    detail: str = Field(..., description="무엇이 잘못됐는지 (Korean, with the English in brackets)")


class Fact(BaseModel):
    """A value extracted from an announcement, with where it stands."""

    model_config = ConfigDict(extra="allow")
    fact_id: str
    doc_id: str
    subject: str = Field(..., description="대상 (예: 전주시; 문서 전체는 `전체`)")
    attribute: str = Field(..., description="항목 (예: 국비)")
    value: float | int | str | None = Field(None, description="수치 (unit 단위), 없으면 null")
    unit: str | None = None
    text: str | None = Field(None, description="값을 쓴 그대로 (예: 160억원)")
    raw: str | None = None
    chunk_id: str | None = None
    line: int | None = Field(None, description="문서의 몇 번째 행 (1부터)")
    span: list[int] | None = Field(None, description="그 행 안의 [시작, 끝) 글자 위치")
    qualifiers: dict[str, Any] = Field(default_factory=dict, description="기간, 매칭 비율, 유형 등")


class SourceTable(BaseModel):
    header: list[str] = Field(..., description="열 이름 (병합된 머리글은 합쳐서)")
    cells: list[str] = Field(..., description="이 행의 값 (병합된 칸은 위에서 채움)")


class Source(BaseModel):
    """A passage the answer came from."""

    model_config = ConfigDict(extra="allow")
    doc_id: str
    title: str
    published: str | None = Field(None, description="YYYY-MM-DD")
    chunk_id: str
    section: str = ""
    lines: list[int] = Field(..., description="[첫 행, 끝 행], 1부터")
    text: str
    score: float
    highlights: list[list[int]] = Field(default_factory=list, description="`text` 안의 [시작, 끝) 강조 위치")
    url: str | None = Field(None, description="원본 공고의 주소 (메타데이터의 source)")
    view: str | None = Field(None, description="이 앱의 문서 보기: 공고 전체, 인용 행으로 스크롤, 강조 표시")
    table: SourceTable | None = Field(None, description="표의 한 행이면 그 열 이름과 값")


class Page(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[str]
    next_offset: int | None


class Covered(BaseModel):
    total: int = Field(..., description="색인에 있는 공고 수")
    documents: list[dict[str, Any]] = Field(..., description="최근 공고부터 최대 10건 (doc_id, title, published, url)")


class Contact(BaseModel):
    doc_id: str
    title: str
    office: str | None = Field(None, description="담당 부서 또는 발행 기관")
    people: list[str] = Field(default_factory=list, description="담당자 줄 (직위, 이름, 전화)")
    url: str | None = None


class NotFound(BaseModel):
    """Why nothing was found, and where to go from there."""

    reason: str = Field(..., description="`rule`의 not_found: 뒤 부분: " + ", ".join(NOT_FOUND_REASONS)
                        + " (모르는 값이면 일반 문장)")
    message: str = Field(..., description="이유를 쉬운 말로 (질문이 영어면 영어)")
    covered: Covered
    suggestions: list[str] = Field(..., description="답할 수 있는 비슷한 질문 (사실 표에서 만들고 먼저 물어 본 것)")
    contact: Contact | None = Field(None, description="문의처 (공고의 담당 부서 표)")


class Answer(BaseModel):
    """What ``POST /api/ask`` returns: ``qa.Answer.to_dict()`` plus ``lang``, ``suggestions``, ``not_found``
    and each source's ``url``/``view``/``table``."""

    model_config = ConfigDict(extra="allow")
    question: str = Field(..., description="정리된 질문")
    answer: str = Field(..., description="답; 못 찾으면 \"공고문에서 찾을 수 없습니다.\"")
    kind: Literal["fact", "passage", "none"] = Field(..., description="fact: 사실 표에서 찾거나 계산; passage: "
                                                     "본문 문장; none: 못 찾음 (sources는 가장 가까운 구절)")
    rule: str = Field(..., description=RULE_DOC)
    facts: list[Fact]
    sources: list[Source]
    timing_ms: dict[str, float]
    page: Page | None = Field(None, description="잘린 목록 답에만: offset/limit로 다음 항목")
    lang: Literal["ko", "en"] = Field("ko", description="라벨 언어 (영어 질문이면 en; 값과 출처는 한국어 그대로)")
    suggestions: list[str] = Field(default_factory=list, description="이어서 물어볼 질문 (답하는 것만)")
    not_found: NotFound | None = Field(None, description="kind가 none일 때만")


class Feedback(BaseModel):
    """👍/👎 on an answer, with an optional comment. Stored with the time, never the client's address."""

    question: str = Field(..., min_length=1, max_length=2000, description="답을 받은 질문")
    answer: str = Field("", max_length=10000, description="받은 답")
    rule: str = Field("", max_length=200, description="답의 rule (not_found:… 포함)")
    rating: Literal["up", "down"] = Field(..., description="up = 👍, down = 👎")
    comment: str = Field("", max_length=2000, description="의견 (선택)")


class FeedbackStored(BaseModel):
    id: int = Field(..., description="저장된 줄 번호")
    stored: bool = True


class DocumentSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str
    title: str
    publisher: str | None = None
    published: str | None = None
    source: str | None = Field(None, description="원본 주소")


class DocumentDetail(BaseModel):
    """One announcement whole: lines, structure, tables, metadata, file report."""

    model_config = ConfigDict(extra="allow")
    doc_id: str
    title: str
    publisher: str | None = None
    published: str | None = None
    url: str | None = Field(None, description="원본 공고 주소")
    n_lines: int
    lines: list[dict[str, Any]] = Field(..., description="[{n, text}] 모든 행")
    blocks: list[dict[str, Any]] = Field(..., description="heading / table / line / row 블록, 행 순서대로")
    tables: list[dict[str, Any]] = Field(..., description="표: caption, header, rows [{line, cells}]")
    file: dict[str, Any] | None = Field(None, description="파일 보고서: name, type, encoding, lines, tables, facts")
    cited: dict[str, Any] | None = Field(None, description="start/end를 주면 그 행들")
