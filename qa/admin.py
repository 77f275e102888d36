"""Admin: add or delete an announcement from the web app; the index is rebuilt in the background.

* :mod:`qa.upload` takes an upload from the request to the corpus folder: its name (NFKC, a byte budget, no
  name the scanner skips, no look-alike of an existing id), its type by content (magic bytes and a trial read
  with the reader the build uses, in a worker process with memory and time limits: :mod:`qa.worker`), the
  size limit ``config.max_file_mb`` counted as the bytes are copied, an atomic save with the corpus's file
  mode (a hidden temporary file renamed into place; hidden files are never read by the build).
* :mod:`qa.rebuild`: :class:`Rebuilder` runs one build at a time in a worker process (requests during a
  build coalesce into one more build); the old index keeps answering until the new one is loaded, then
  :class:`LiveAssistant` switches to it in one reference assignment.
* :func:`admin_router`: ``POST /api/documents`` (multipart ``file``), ``DELETE /api/documents/{doc_id}``,
  ``GET /api/documents/jobs/{job_id}``, ``GET /api/admin/jobs``, ``GET /api/admin/documents``, protected by
  ``config.admin_token`` (``QA_ADMIN_TOKEN``; without a token the routes answer 404: upload is off). The token
  is checked before the body is read: by the web app's request guard from the headers alone
  (:func:`token_refusal`, so a request without it never gets more than the ordinary body bound), and by a
  dependency that runs before the body is validated, so a wrong token always gets 401/403, never a 422; the
  OpenAPI document declares it as a bearer scheme (``Bearer`` in any case) and ``X-Admin-Token``.
* :class:`ProgressCapture` turns the build's progress lines (``embedding: 270/540 texts``) into the
  running job's ``progress``, which the maintainer page polls.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, Security, UploadFile
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel

from .config import Config
from .ingest import _text_key, load_file_reports
from .rebuild import Job, LiveAssistant, ProgressCapture, Rebuilder  # noqa: F401 (the admin API's names)
from .upload import SAVED_AS, AdminError, check_upload, delete_document, safe_stem, save_upload  # noqa: F401

UPLOAD_PATH = "/api/documents"


def given_token(headers: Any) -> str:
    """The token a request carries: ``X-Admin-Token``, or ``Authorization: Bearer …`` (the scheme in any case)."""
    token = headers.get("x-admin-token")
    if token:
        return token.strip()
    scheme, _, value = (headers.get("authorization") or "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def token_refusal(config: Config, headers: Any) -> tuple[int, str, dict[str, str]] | None:
    """Why a request to an admin route is refused by its headers alone (404 admin off, 401 no token, 403 wrong
    token; compared in constant time), or None."""
    if not config.admin_token:
        return 404, "문서 관리 기능이 꺼져 있습니다 (QA_ADMIN_TOKEN 미설정). (Admin upload is off.)", {}
    given = given_token(headers)
    if not given:
        return 401, "관리자 토큰이 필요합니다. (Admin token required.)", {"WWW-Authenticate": "Bearer"}
    if not hmac.compare_digest(given.encode("utf-8", "replace"), config.admin_token.encode("utf-8", "replace")):
        return 403, "관리자 토큰이 틀렸습니다. (Wrong admin token.)", {}
    return None


def upload_limit(config: Config) -> int:
    """The request-body limit of an authorized upload: ``max_file_mb`` plus room for the multipart framing."""
    return int(config.max_file_mb * 2**20) + 65536


class Detail(BaseModel):
    detail: str


# The two ways to send the token, declared so /docs has an Authorize button (checked in `admin_auth`).
BEARER = HTTPBearer(auto_error=False, scheme_name="adminBearer",
                    description="관리자 토큰 (QA_ADMIN_TOKEN): `Authorization: Bearer <token>`")
TOKEN_HEADER = APIKeyHeader(name="X-Admin-Token", auto_error=False, scheme_name="adminToken",
                            description="관리자 토큰 (QA_ADMIN_TOKEN)을 X-Admin-Token 헤더로")
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Detail, "description": "토큰 없음 (Admin token required)"},
    403: {"model": Detail, "description": "토큰이 틀림 (Wrong admin token)"},
    404: {"model": Detail, "description": "관리 기능 꺼짐 (QA_ADMIN_TOKEN 미설정) 또는 대상 없음"},
}


def admin_auth(config: Config) -> Callable[..., None]:
    """A dependency that refuses a request without the right token (401 none, 403 wrong, 404 admin off).

    A dependency runs before the request body is validated, so a refused upload is never a 422."""

    def check(request: Request, _bearer: Annotated[Any, Security(BEARER)] = None,
              _key: Annotated[Any, Security(TOKEN_HEADER)] = None) -> None:
        refusal = token_refusal(config, request.headers)
        if refusal is not None:
            status, detail, headers = refusal
            raise HTTPException(status, detail, headers=headers or None)

    return check


def _responses(*codes: int, **described: str) -> dict[int | str, dict[str, Any]]:
    out = dict(AUTH_RESPONSES)
    for code in codes:
        out[code] = {"model": Detail, "description": described.get(f"s{code}", "")}
    return out


class AdminRoutes:
    """The handlers of the admin routes (one method each), bound to a config and a live assistant."""

    def __init__(self, config: Config, live: LiveAssistant, rebuilder: Rebuilder) -> None:
        self.config = config
        self.live = live
        self.rebuilder = rebuilder
        # uploads checked at once (max_upload_checks), each in a worker process of up to check_memory_mb
        self._checks = threading.BoundedSemaphore(max(1, config.max_upload_checks))
        self._texts: tuple[Any, dict[str, str]] = (None, {})

    def upload(self, file: Annotated[UploadFile, File(description="공고문 파일 (HWPX, HWP, PDF, DOCX, HTML, TXT, MD)")],
               replace: Annotated[bool, Form(description="같은 이름의 문서를 덮어쓰기")] = False,
               doc_id: Annotated[str | None, Form(description="이 문서를 이 파일로 교체 (replace 포함)")] = None):
        """Save the file into the corpus and start a background rebuild; poll ``/api/documents/jobs/{id}``.
        ``file.outcome`` says whether the build will index it or skip it as a duplicate; the job's
        ``uploads`` say what it did. (A plain function: FastAPI runs it in a thread, off the event loop.)"""
        try:
            with self._checks:  # a few worker processes at a time, however many uploads arrive
                saved = save_upload(self.config, file.filename or "upload", file.file, replace=replace or bool(doc_id),
                                    as_doc_id=doc_id or None, documents=self._documents(), texts=self._known_texts())
        except AdminError as exc:
            return JSONResponse(status_code=exc.status, content={"detail": exc.message})
        outcome = saved.pop("outcome")
        job = self.rebuilder.request(f"upload {saved['name']}", uploads=[saved["name"]])
        return JSONResponse(status_code=202, content={"file": saved, "outcome": outcome, "job": job.to_dict()})

    def _documents(self) -> list[Any]:
        return list(getattr(self.live, "documents", ()) or ())

    def _known_texts(self) -> dict[str, str]:
        """Text key → file name of the documents being served (computed once per loaded index)."""
        current = getattr(self.live, "current", None)
        if self._texts[0] is not current:
            texts = {_text_key(d.lines): Path(d.path).name for d in self._documents() if getattr(d, "lines", None)}
            self._texts = (current, texts)
        return self._texts[1]

    def delete(self, doc_id: str):
        """Remove the document's file(s) from the corpus and start a background rebuild."""
        try:
            removed = delete_document(self.config, doc_id)
        except AdminError as exc:
            return JSONResponse(status_code=exc.status, content={"detail": exc.message})
        job = self.rebuilder.request(f"delete {doc_id}")
        return JSONResponse(status_code=202, content={"removed": removed, "job": job.to_dict()})

    def job(self, job_id: str):
        """One rebuild job: state, progress (stage, done/total), elapsed seconds, message, file reports."""
        job = self.rebuilder.job(job_id)
        if job is None:
            return JSONResponse(status_code=404, content={"detail": "작업을 찾을 수 없습니다. (No such job.)"})
        return job

    def jobs(self) -> list[dict[str, Any]]:
        """Every rebuild job kept (the last 50), newest first."""
        return self.rebuilder.listing()

    def documents(self) -> list[dict[str, Any]]:
        """Every corpus file with its build report (type, encoding, lines, tables, facts, skipped and why)
        and the document it became (title, date, publisher)."""
        index = getattr(self.live, "index", None)
        docs = {d.doc_id: d for d in getattr(self.live, "documents", ())}
        reports = load_file_reports(Path(index.path)) if index is not None else []
        out = []
        for r in reports:
            row = {k: v for k, v in r.to_dict().items() if k != "path"}
            doc = docs.get(r.doc_id or "")
            row.update({"title": getattr(doc, "title", None), "published": getattr(doc, "published", None),
                        "publisher": getattr(doc, "publisher", None)})
            out.append(row)
        return out


def admin_router(config: Config, live: LiveAssistant, rebuilder: Rebuilder | None = None,
                 on_swap: Callable[[Any], None] | None = None):
    """The admin routes (see module docstring) as a FastAPI ``APIRouter``; ``on_swap(new_assistant)`` runs
    after each swap (e.g. to point the app's staleness watch at the new index and refresh the pages)."""
    rebuilder = rebuilder or Rebuilder(config, live, on_swap=on_swap)
    router = APIRouter(dependencies=[Depends(admin_auth(config))], tags=["admin"])
    router.rebuilder = rebuilder  # type: ignore[attr-defined]
    routes = AdminRoutes(config, live, rebuilder)
    described = {"s409": "같은 이름의 문서가 있음 (replace=true로 덮어쓰기), 또는 기존 문서와 헷갈리는 이름",
                 "s413": "파일이 너무 큼 (max_file_mb)", "s415": "지원하지 않는 형식 (내용 기준)",
                 "s422": "빈 파일, 읽을 수 없는 파일 (또는 읽기를 멈춘 한도), 색인하지 않는 이름, 잘못된 요청",
                 "s507": "디스크 가득 참 (no space left)"}
    router.add_api_route(UPLOAD_PATH, routes.upload, methods=["POST"], status_code=202,
                         summary="문서 추가·교체 (admin: upload an announcement)",
                         responses=_responses(409, 413, 415, 422, 507, **described))
    router.add_api_route("/api/documents/{doc_id}", routes.delete, methods=["DELETE"], status_code=202,
                         summary="문서 삭제 (admin: delete an announcement)", responses=_responses())
    router.add_api_route("/api/documents/jobs/{job_id}", routes.job, methods=["GET"],
                         summary="재구축 작업 상태 (admin: rebuild job status)", responses=_responses())
    router.add_api_route("/api/admin/jobs", routes.jobs, methods=["GET"],
                         summary="재구축 작업 목록 (admin: rebuild jobs)", responses=_responses())
    router.add_api_route("/api/admin/documents", routes.documents, methods=["GET"],
                         summary="문서와 빌드 보고서 (admin: documents with their build report)",
                         responses=_responses())
    return router
