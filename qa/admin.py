"""Admin: add or delete an announcement from the web app; the index is rebuilt in the background.

* :func:`check_upload` decides the type by content (magic bytes and a trial read with the same reader the
  build uses), not by the file name, and enforces ``config.max_file_mb``.
* :func:`save_upload` / :func:`delete_document` change the corpus folder atomically (a hidden temporary
  file renamed into place; hidden files are never read by the build).
* :class:`Rebuilder` runs one build at a time in a thread (requests during a build coalesce into one more
  build); the old index keeps answering until the new one is loaded, then :class:`LiveAssistant` switches
  to it in one reference assignment, so each question is answered wholly by the old or the new index.
* :func:`admin_router`: ``POST /api/documents`` (multipart ``file``), ``DELETE /api/documents/{doc_id}``,
  ``GET /api/documents/jobs/{job_id}``, protected by ``config.admin_token`` (``QA_ADMIN_TOKEN``; without a
  token the routes answer 404: upload is off).
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, UploadFile
from fastapi.responses import JSONResponse

from .config import Config
from .ingest import CorpusError, corpus_files, load_file_reports, read_document, scan_corpus
from .readers import sniff

log = logging.getLogger(__name__)

# content type (qa.readers.sniff) → extension the file is saved with
SAVED_AS = {"hwpx": ".hwpx", "hwp": ".hwp", "pdf": ".pdf", "docx": ".docx", "html": ".html", "text": ".txt"}


class AdminError(Exception):
    """A refused admin request: ``status`` is the HTTP status, the message says why (Korean and English)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def safe_stem(filename: str) -> str:
    """A file-name stem safe to save in the corpus folder (it becomes the ``doc_id``): no folders, no
    leading dots, only letters (Hangul included), digits, ``_``, ``-`` and ``.``."""
    name = re.split(r"[\\/]", filename or "")[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE).strip("._-")[:100]
    return stem or "upload"


def check_upload(filename: str, data: bytes, config: Config) -> str:
    """The name the upload is saved under (its extension from its content); raises :class:`AdminError`."""
    limit = int(config.max_file_mb * 2**20)
    if len(data) > limit:
        raise AdminError(413, f"파일이 너무 큽니다: {len(data) / 2**20:.1f} MB (최대 {config.max_file_mb:g} MB). "
                              f"(File too large.)")
    kind = sniff(data)
    if kind is None:
        raise AdminError(422, "빈 파일입니다. (The file is empty.)")
    if kind not in SAVED_AS:
        raise AdminError(415, "지원하지 않는 형식입니다 (내용 기준): HWPX, HWP, PDF, DOCX, HTML, TXT, MD만 받습니다. "
                              "(Unsupported file type, judged by content.)")
    ext = SAVED_AS[kind]
    if kind == "text" and (filename or "").lower().endswith(".md"):
        ext = ".md"
    return safe_stem(filename) + ext


def save_upload(config: Config, filename: str, data: bytes, replace: bool = False) -> dict[str, Any]:
    """Check, trial-read and atomically save an upload into the corpus folder.

    Returns:
        ``{"name", "doc_id", "type", "lines"}`` of the saved file.

    Raises:
        AdminError: 413 too large, 415 unsupported type, 422 unreadable (the reason), 409 a document with
        this name exists (pass ``replace=True`` to overwrite it).
    """
    corpus = Path(config.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    name = check_upload(filename, data, config)
    stem = name.rsplit(".", 1)[0]
    existing = [p for p in corpus_files(corpus) if p.stem == stem]
    if existing and not replace:
        raise AdminError(409, f"같은 이름의 문서가 이미 있습니다: {existing[0].name} (덮어쓰려면 replace=true). "
                              f"(A document with this name exists.)")
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=name[len(stem):], dir=corpus)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            doc = read_document(Path(tmp), config.max_file_mb)
        except CorpusError as exc:
            reason = str(exc).split(": ", 1)[-1]
            raise AdminError(422, f"읽을 수 없는 파일입니다: {reason} (The file cannot be read.)") from None
        for old in existing:
            if old.name != name:
                old.unlink()
        os.replace(tmp, corpus / name)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {"name": name, "doc_id": stem, "type": name.rsplit(".", 1)[1], "lines": len(doc.lines)}


def delete_document(config: Config, doc_id: str) -> list[str]:
    """Remove the corpus file(s) of a document (and its sidecar); returns the removed names.

    Raises:
        AdminError: 404 when no corpus file holds that ``doc_id``.
    """
    corpus = Path(config.corpus_dir)
    scan = scan_corpus(corpus, None)
    names = {r.name for r in scan.reports if r.doc_id == doc_id}
    names |= {p.name for p in corpus_files(corpus) if p.stem == doc_id}
    if not names:
        raise AdminError(404, f"문서를 찾을 수 없습니다: {doc_id} (No such document.)")
    removed = []
    for name in sorted(names):
        for path in (corpus / name, (corpus / name).with_suffix(".json")):
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed.append(path.name)
    return removed


class LiveAssistant:
    """A stand-in for :class:`qa.Assistant` whose target can be switched while requests are running.

    Attribute access goes to the current assistant, so ``live.ask(...)`` runs wholly on the assistant that
    was current when it started; :meth:`swap` replaces the target in one assignment.
    """

    def __init__(self, assistant: Any) -> None:
        object.__setattr__(self, "_current", assistant)

    def swap(self, assistant: Any) -> Any:
        old = self._current
        object.__setattr__(self, "_current", assistant)
        return old

    @property
    def current(self) -> Any:
        return self._current

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current, name)


@dataclass
class Job:
    """One background rebuild, as ``GET /api/documents/jobs/{id}`` shows it."""

    job_id: str
    reason: str
    state: str = "queued"  # queued | running | done | failed
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    message: str = ""
    files: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Rebuilder:
    """Rebuilds the index in a background thread, one build at a time, then swaps the live assistant."""

    def __init__(self, config: Config, live: LiveAssistant, embedder: Any = None, max_jobs: int = 50,
                 on_swap: Callable[[Any], None] | None = None) -> None:
        self.config = config
        self.live = live
        self.embedder = embedder
        self.on_swap = on_swap
        self.jobs: dict[str, Job] = {}
        self._queue: list[Job] = []
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._max_jobs = max_jobs

    def request(self, reason: str) -> Job:
        """Queue a rebuild; jobs queued while a build runs are all served by the next build."""
        job = Job(job_id=uuid.uuid4().hex[:12], reason=reason)
        with self._lock:
            self.jobs[job.job_id] = job
            for old in list(self.jobs)[: max(0, len(self.jobs) - self._max_jobs)]:
                if self.jobs[old].state in ("done", "failed"):
                    del self.jobs[old]
            self._queue.append(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="qa-rebuild", daemon=True)
                self._worker.start()
        return job

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the queue is empty (tests, CLI); False on timeout."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def _run(self) -> None:
        from .assistant import Assistant, build
        from .index import load_index

        while True:
            with self._lock:
                batch, self._queue = self._queue, []
                if not batch:
                    self._worker = None
                    return
            for job in batch:
                job.state, job.started = "running", time.time()
            try:
                embedder = self.embedder or getattr(getattr(self.live.current, "index", None), "embedder", None)
                build(self.config, embedder=embedder)
                new = Assistant(self.config, load_index(self.config, embedder=embedder))
                self.live.swap(new)
                if self.on_swap is not None:
                    self.on_swap(new)
                files = [r.to_dict() for r in load_file_reports(Path(self.config.index_dir))]
                for job in batch:
                    job.state, job.files = "done", files
                    job.message = f"{len(new.documents)}개 문서로 색인을 다시 만들었습니다. (Index rebuilt.)"
            except Exception as exc:  # noqa: BLE001 - a failed build leaves the old index answering
                log.exception("background rebuild failed")
                for job in batch:
                    job.state = "failed"
                    job.message = f"색인 재구축 실패, 이전 색인으로 계속 답합니다: {type(exc).__name__}: {exc}"
            for job in batch:
                job.finished = time.time()


def admin_body_limit(scope: dict, default: int) -> int:
    """The request-body limit for a request: ``max_file_mb`` (plus multipart overhead) for an admin upload
    when uploads are on, ``default`` for everything else (for the web app's body-size guard)."""
    app = scope.get("app")
    config = getattr(getattr(app, "state", None), "config", None)
    if (config is not None and getattr(config, "admin_token", "") and scope.get("method") == "POST"
            and scope.get("path", "").rstrip("/") == UPLOAD_PATH):
        return max(default, int(config.max_file_mb * 2**20) + 65536)
    return default


UPLOAD_PATH = "/api/documents"


def admin_router(config: Config, live: LiveAssistant, rebuilder: Rebuilder | None = None,
                 on_swap: Callable[[Any], None] | None = None):
    """The admin routes (see module docstring) as a FastAPI ``APIRouter``; ``on_swap(new_assistant)`` runs
    after each swap (e.g. to point the app's staleness watch at the new index)."""
    router = APIRouter()
    rebuilder = rebuilder or Rebuilder(config, live, on_swap=on_swap)
    router.rebuilder = rebuilder  # type: ignore[attr-defined]

    def authorize(authorization: str | None, x_admin_token: str | None) -> JSONResponse | None:
        if not config.admin_token:
            return JSONResponse(status_code=404, content={
                "detail": "문서 관리 기능이 꺼져 있습니다 (QA_ADMIN_TOKEN 미설정). (Admin upload is off.)"})
        given = x_admin_token or (authorization or "").removeprefix("Bearer ").strip()
        if not given:
            return JSONResponse(status_code=401, content={"detail": "관리자 토큰이 필요합니다. (Admin token required.)"},
                                headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(given.encode(), config.admin_token.encode()):
            return JSONResponse(status_code=403, content={"detail": "관리자 토큰이 틀렸습니다. (Wrong admin token.)"})
        return None

    @router.post(UPLOAD_PATH, status_code=202, summary="문서 추가 (admin: upload an announcement)")
    async def upload(file: Annotated[UploadFile, File()], replace: Annotated[bool, Form()] = False,
                     authorization: Annotated[str | None, Header()] = None,
                     x_admin_token: Annotated[str | None, Header()] = None):
        """Save the file into the corpus and start a background rebuild; poll ``/api/documents/jobs/{id}``."""
        refused = authorize(authorization, x_admin_token)
        if refused:
            return refused
        data = await file.read(int(config.max_file_mb * 2**20) + 1)
        try:
            saved = save_upload(config, file.filename or "upload", data, replace=replace)
        except AdminError as exc:
            return JSONResponse(status_code=exc.status, content={"detail": exc.message})
        job = rebuilder.request(f"upload {saved['name']}")
        return JSONResponse(status_code=202, content={"file": saved, "job": job.to_dict()})

    @router.delete("/api/documents/{doc_id}", status_code=202, summary="문서 삭제 (admin: delete an announcement)")
    def delete(doc_id: str, authorization: Annotated[str | None, Header()] = None,
               x_admin_token: Annotated[str | None, Header()] = None):
        refused = authorize(authorization, x_admin_token)
        if refused:
            return refused
        try:
            removed = delete_document(config, doc_id)
        except AdminError as exc:
            return JSONResponse(status_code=exc.status, content={"detail": exc.message})
        job = rebuilder.request(f"delete {doc_id}")
        return JSONResponse(status_code=202, content={"removed": removed, "job": job.to_dict()})

    @router.get("/api/documents/jobs/{job_id}", summary="재구축 작업 상태 (admin: rebuild job status)")
    def job_status(job_id: str, authorization: Annotated[str | None, Header()] = None,
                   x_admin_token: Annotated[str | None, Header()] = None):
        refused = authorize(authorization, x_admin_token)
        if refused:
            return refused
        job = rebuilder.jobs.get(job_id)
        if job is None:
            return JSONResponse(status_code=404, content={"detail": "작업을 찾을 수 없습니다. (No such job.)"})
        return job.to_dict()

    return router
