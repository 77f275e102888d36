"""The public JSON API: ``POST /api/ask``, ``POST /api/feedback``, ``GET /api/facts``, ``GET /api/documents``,
``GET /api/documents/{doc_id}``, ``GET /healthz``, and JSON 404/405 for anything else under ``/api/``."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from slowapi import Limiter

from .. import QuestionError
from ..config import Config
from ..feedback import FeedbackLog
from .answers import Answers
from .documents import document_json
from .models import Answer, DocumentDetail, DocumentSummary, ErrorResponse, Fact, Feedback, FeedbackStored, ask_request_model
from .pages import PageData, filter_facts

log = logging.getLogger("qa.web")


@dataclass
class Web:
    """What the routes share: the settings, the live assistant and what is built around it."""

    config: Config
    assistant: Any  # qa.admin.LiveAssistant
    answers: Answers
    feedback: FeedbackLog
    pages: PageData
    watch: Any  # qa.index.CorpusWatch
    limiter: Limiter
    load_problem: str | None = None
    rebuilder: Any = None  # qa.admin.Rebuilder, when the admin routes are on
    follower: Any = None  # qa.web.follow.IndexFollower

    def rate_limited(self, f):
        return self.limiter.limit(self.config.rate_limit)(f) if self.config.rate_limit else f

    def follow(self) -> None:
        """Pick up an index another worker process rebuilt (cheap; see qa/web/follow.py)."""
        if self.follower is not None:
            self.follower.check()

    def on_swap(self, new: Any) -> None:
        """After a swap (here or followed): the staleness watch looks at the new index, and the pages'
        counts, examples and facts are computed now, so the next page load shows them at once."""
        self.watch.__init__(new.index.manifest, Path(self.config.corpus_dir))
        if self.follower is not None:
            self.follower.swapped()
        try:
            self.pages.get()
        except Exception:  # noqa: BLE001 - the pages recompute on their next load anyway
            log.exception("could not refresh the page data")


def read_file_reports(index_dir: Path) -> list[dict] | None:
    """The per-file reports a build saved as ``files.json`` (name, type, status, reason …), if any."""
    try:
        with open(Path(index_dir) / "files.json", encoding="utf-8") as fh:
            reports = json.load(fh)
    except (OSError, ValueError):
        return None
    return [r for r in reports if isinstance(r, dict)] if isinstance(reports, list) else None


def skipped_files(index: Any) -> list[dict]:
    """Corpus files the loaded index does not hold, and why: from ``files.json`` when the build wrote one,
    else the files the manifest saw in the corpus folder but did not index."""
    reports = read_file_reports(index.path)
    if reports is not None:
        return [{"name": r.get("name"), "reason": r.get("reason")} for r in reports if r.get("status") == "skipped"]
    seen = index.manifest.get("corpus", {}).get("skipped", {})
    return [{"name": name, "reason": "not indexed"} for name in sorted(seen) if not name.endswith(".json")]


def scrub_paths(text: str, config: Config) -> str:
    """``text`` with the server's folders named by their last part only (``/srv/qa/corpus`` → ``corpus``)."""
    for folder in sorted({str(Path(config.corpus_dir).resolve()), str(Path(config.corpus_dir)),
                          str(Path(config.index_dir).resolve()), str(Path(config.index_dir))}, key=len, reverse=True):
        text = text.replace(folder, Path(folder).name)
    return re.sub(r"(?<![\w.])/(?:[\w.\-]+/)+([\w.\-]+)", r"\1", text)


def _ask_route(app: FastAPI, web: Web) -> None:
    ask_model = ask_request_model(web.config)

    def api_ask(request: Request, req) -> JSONResponse:
        """Answer one question. ``kind`` is ``fact``, ``passage`` or ``none``; ``rule`` says what produced it
        (``not_found:<reason>`` when nothing did, explained in ``not_found``); ``sources[].highlights`` are
        ``[start, end)`` offsets into ``sources[].text``, ``sources[].view`` opens the announcement at them.
        A list answer longer than ``answer_list_items`` carries ``page``; ``offset``/``limit`` page on."""
        web.follow()
        try:
            question = web.assistant.check_question(req.question)
            history = []
            for h in req.history or ():
                with contextlib.suppress(QuestionError):  # blank earlier turns carry nothing
                    history.append(web.assistant.check_question(h))
            ans = web.assistant.ask(question, history=history or None, k=req.k)
        except QuestionError as exc:
            return JSONResponse(status_code=422, content={"detail": str(exc)})
        body = web.answers.enrich(ans.to_dict(req.offset, req.limit), suggest=req.suggest)
        web.answers.record(body, "api")
        return JSONResponse(body)

    api_ask.__annotations__["req"] = ask_model  # a class built from the config (annotations here are strings)
    app.post("/api/ask", summary="질문하기 (ask a question)", response_model=None,
             responses={200: {"model": Answer, "description": "답 (`qa.Answer.to_dict()` + lang, suggestions, "
                                                              "not_found, sources[].url/view/table)"},
                        413: {"model": ErrorResponse, "description": "요청 본문이 너무 큼 (max_body_bytes)"},
                        422: {"model": ErrorResponse, "description": "빈 질문, 너무 긴 질문, 잘못된 요청"},
                        429: {"model": ErrorResponse, "description": "요청이 너무 많음 (rate_limit)"}},
             )(web.rate_limited(api_ask))


def _feedback_route(app: FastAPI, web: Web) -> None:
    def api_feedback(request: Request, fb: Feedback) -> JSONResponse:
        """Store 👍/👎 (and an optional comment) on an answer; shown on the maintainer page (/admin).
        Only the question, answer, rule, rating, comment and time are kept, never the client's address."""
        try:
            row = web.feedback.feedback(fb.question, fb.answer, fb.rule, fb.rating, fb.comment, origin="api")
        except Exception:  # noqa: BLE001 - a full disk is the server's problem, said plainly
            log.exception("could not store feedback")
            return JSONResponse(status_code=503, content={"detail": "의견을 저장하지 못했습니다. (Could not store.)"})
        return JSONResponse(status_code=201, content={"id": row, "stored": True})

    app.post("/api/feedback", summary="의견 보내기 (feedback on an answer)", status_code=201, response_model=None,
             responses={201: {"model": FeedbackStored, "description": "저장됨"},
                        413: {"model": ErrorResponse, "description": "요청 본문이 너무 큼"},
                        422: {"model": ErrorResponse, "description": "잘못된 요청 (rating은 up 또는 down)"},
                        429: {"model": ErrorResponse, "description": "요청이 너무 많음 (rate_limit)"},
                        503: {"model": ErrorResponse, "description": "저장하지 못함"}})(web.rate_limited(api_feedback))


def _document_routes(app: FastAPI, web: Web) -> None:
    @app.get("/api/facts", summary="사실 표 (facts table)", response_model=list[Fact])
    def api_facts(doc_id: str | None = Query(None, description="문서 ID"),
                  subject: str | None = Query(None, description="대상 (예: 전주시)"),
                  attribute: str | None = Query(None, description="항목 (예: 국비)")) -> JSONResponse:
        """Facts with provenance, optionally filtered (exact match) by document, subject and attribute."""
        web.follow()
        return JSONResponse([f.to_dict() for f in filter_facts(web.assistant, doc_id, subject, attribute)])

    @app.get("/api/documents", summary="문서 목록 (documents)", response_model=list[DocumentSummary])
    def api_documents() -> JSONResponse:
        web.follow()
        return JSONResponse([{k: v for k, v in d.to_dict().items() if k != "path"} for d in web.assistant.documents])

    @app.get("/api/documents/{doc_id}", summary="문서 한 건 (one announcement, whole)", response_model=DocumentDetail,
             responses={404: {"model": ErrorResponse, "description": "없는 문서"}})
    def api_document(doc_id: str, start: int | None = Query(None, ge=1, le=10**6, description="인용 첫 행"),
                     end: int | None = Query(None, ge=1, le=10**6, description="인용 끝 행")) -> JSONResponse:
        """The announcement's lines, structure (sections, tables with filled-down rows), metadata and file
        report; with ``start``/``end`` also ``cited``: those lines."""
        found = _document(web, doc_id)
        if found is None:
            return JSONResponse(status_code=404, content={"detail": f"문서를 찾을 수 없습니다: {doc_id[:100]} "
                                                                    f"(No such document.)"})
        doc, report = found
        cited = (start, end or start) if start else None
        return JSONResponse(document_json(doc, web.assistant.index, report, cited))


def _document(web: Web, doc_id: str) -> tuple[Any, dict | None] | None:
    """A document of the live index and its file report."""
    doc = next((d for d in web.assistant.documents if d.doc_id == doc_id), None)
    if doc is None:
        return None
    reports = read_file_reports(web.assistant.index.path) or []
    return doc, next((r for r in reports if r.get("doc_id") == doc_id), None)


def _health_route(app: FastAPI, web: Web) -> None:
    @app.get("/healthz", summary="상태 (health)")
    def healthz() -> JSONResponse:
        """Index loaded and counts; ``stale`` (the corpus on disk differs from what the index holds, with
        ``stale_reasons``) and ``skipped`` corpus files. A stale index keeps answering until it is rebuilt.
        Folders are named by their last part only (no server paths)."""
        web.follow()
        try:
            reasons = web.watch.reasons()
            if web.load_problem:
                reasons = [f"rebuild failed, serving the previous index: {web.load_problem}", *reasons]
            status = dict(web.assistant.status())
            status["index_dir"] = Path(str(status.get("index_dir") or web.config.index_dir)).name
            return JSONResponse({"ok": True, **status, "stale": bool(reasons),
                                 "stale_reasons": [scrub_paths(r, web.config) for r in reasons],
                                 "skipped": skipped_files(web.assistant.index)})
        except Exception as exc:  # pragma: no cover - defensive
            log.exception("status failed")
            return JSONResponse(status_code=503, content={"ok": False, "detail": f"{type(exc).__name__}"})


def _fallback_routes(app: FastAPI) -> None:
    async def wrong_method(request: Request) -> JSONResponse:
        """405 (with ``Allow``) for a known path asked with another method, 404 for an unknown /api path;
        without this the request falls through to the Gradio mount and gets an HTML 404."""
        allowed = {m for r in app.routes if isinstance(r, APIRoute) and r.endpoint is not wrong_method
                   and r.path_regex.match(request.url.path) for m in r.methods}
        allowed = sorted(allowed | ({"HEAD"} if "GET" in allowed else set()))  # HEAD goes wherever GET does
        if allowed:
            return JSONResponse(status_code=405, headers={"Allow": ", ".join(allowed)}, content={
                "detail": f"허용되지 않는 메서드입니다: {request.method}. 가능한 메서드: {', '.join(allowed)}. "
                          f"(Method not allowed; use {', '.join(allowed)}.)"})
        return JSONResponse(status_code=404, content={"detail": "없는 API 경로입니다. (No such API route.)"})

    any_method = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    app.add_api_route("/api/{rest:path}", wrong_method, methods=any_method, include_in_schema=False)
    app.add_api_route("/healthz", wrong_method, methods=[m for m in any_method if m not in ("GET", "HEAD")],
                      include_in_schema=False)


def add_api_routes(app: FastAPI, web: Web) -> None:
    """The public API (the admin routes come before it, see :mod:`qa.web.app`)."""
    _ask_route(app, web)
    _feedback_route(app, web)
    _document_routes(app, web)
    _health_route(app, web)


def add_fallback_routes(app: FastAPI) -> None:
    _fallback_routes(app)
