"""Background rebuilds for the web app: one build at a time, in a worker process, then a swap.

:class:`Rebuilder` runs one build at a time (requests during a build coalesce into one more build). The build
itself runs in a worker process with memory and time limits (:mod:`qa.worker`), so parsing every new file,
chunking, tokenizing and embedding never run in the serving process; its progress lines come back as the
job's ``progress``. Only loading the new index happens here, in a thread, while the old index keeps
answering; then :class:`LiveAssistant` switches to it in one reference assignment, so each question is
answered wholly by the old or the new index. A caller that passes its own embedder (tests, library use) gets
the build in a thread of this process instead: an embedder object cannot be handed to another process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .ingest import load_file_reports

log = logging.getLogger("qa.admin")


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
    progress: dict[str, Any] | None = None  # the build's current step: {"stage", "done", "total", "unit"}
    uploads: list[dict] = field(default_factory=list)  # what became of the files this job was asked for

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        end = self.finished or time.time()
        d["elapsed"] = round(end - self.started, 1) if self.started else None
        return d


_PROGRESS_LINE = re.compile(r"^(?P<stage>[^:]{1,60}): (?P<done>\d+)/(?P<total>\d+) (?P<unit>\w+)")


class ProgressCapture(logging.Handler):
    """Reads the build's progress lines (:mod:`qa.progress`: from the worker process, or logged by the
    rebuild thread) into the running jobs' ``progress``; lines logged by other threads are ignored."""

    def __init__(self, jobs: list[Job]) -> None:
        super().__init__(logging.INFO)
        self.jobs = jobs
        self.thread = threading.get_ident()

    def feed(self, line: str) -> None:
        m = _PROGRESS_LINE.match(line)
        if m:
            step = {"stage": m["stage"], "done": int(m["done"]), "total": int(m["total"]), "unit": m["unit"]}
            for job in self.jobs:
                job.progress = step

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.feed(record.getMessage())

    @contextlib.contextmanager
    def attached(self):
        """Progress as log lines (not a terminal bar) while an in-process build runs, captured here."""
        logger = logging.getLogger("qa.progress")
        level, env = logger.level, os.environ.get("QA_PROGRESS")
        logger.addHandler(self)
        logger.setLevel(logging.INFO)
        os.environ["QA_PROGRESS"] = "log"
        try:
            yield self
        finally:
            logger.removeHandler(self)
            logger.setLevel(level)
            if env is None:
                os.environ.pop("QA_PROGRESS", None)
            else:
                os.environ["QA_PROGRESS"] = env


def config_payload(config: Config) -> dict[str, Any]:
    """The config as JSON for a worker process (rebuilt there with ``Config().replace(**payload)``)."""
    return {f.name: getattr(config, f.name) if not dataclasses.is_dataclass(getattr(config, f.name))
            else asdict(getattr(config, f.name)) for f in dataclasses.fields(config)}


def upload_outcomes(names: list[str], reports: list[dict]) -> list[dict]:
    """What the build did with each uploaded file: indexed, or skipped and why."""
    by_name = {r.get("name"): r for r in reports}
    out = []
    for name in names:
        r = by_name.get(name)
        if r is None:
            out.append({"name": name, "status": "missing", "reason": "not in the corpus folder any more"})
        elif r.get("status") == "ok":
            out.append({"name": name, "status": "indexed", "doc_id": r.get("doc_id")})
        else:
            out.append({"name": name, "status": "skipped", "problem": r.get("problem"), "reason": r.get("reason")})
    return out


REBUILD_NICE = 10  # the rebuild thread's scheduling priority below the thread that answers questions


def _lower_priority() -> None:
    """On Linux a thread has its own nice value: loading a new index yields the CPU to the event loop on a busy
    machine (elsewhere, or when refused, nothing changes)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), REBUILD_NICE)


LOADING_SWITCH_INTERVAL = 0.0005  # seconds; Python's default is 0.005


@contextlib.contextmanager
def handing_over():
    """While this thread loads an index in the serving process, other threads get the interpreter lock back ten
    times sooner: a request handed between the event loop and a worker thread waits for it at every step, so
    the default 5 ms interval adds up to a visible stall; the load itself is barely slower."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, LOADING_SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class Rebuilder:
    """Rebuilds the index in the background, one build at a time, then swaps the live assistant."""

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
        from .store import open_store

        self.store = open_store(config)  # with a shared store, every replica can show every job

    def _saved(self, *jobs: Job) -> None:
        """Write the jobs to the shared store (nothing without one; a failed write only costs the listing)."""
        if self.store is None:
            return
        for job in jobs:
            try:
                self.store.save_job(job.to_dict())
            except Exception as exc:  # noqa: BLE001 - the build goes on
                log.warning("could not save job %s to the store: %s", job.job_id, exc)

    def job(self, job_id: str) -> dict[str, Any] | None:
        """A job of this process, or of another replica's through the shared store."""
        job = self.jobs.get(job_id)
        if job is not None:
            return job.to_dict()
        return self.store.job(job_id) if self.store is not None else None

    def request(self, reason: str, uploads: list[str] | None = None) -> Job:
        """Queue a rebuild; jobs queued while a build runs are all served by the next build."""
        job = Job(job_id=uuid.uuid4().hex[:12], reason=reason,
                  uploads=[{"name": n, "status": "queued"} for n in uploads or ()])
        with self._lock:
            self.jobs[job.job_id] = job
            for old in list(self.jobs)[: max(0, len(self.jobs) - self._max_jobs)]:
                if self.jobs[old].state in ("done", "failed"):
                    del self.jobs[old]
            self._queue.append(job)
            self._saved(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="qa-rebuild", daemon=True)
                self._worker.start()
        return job

    def busy(self) -> bool:
        """A build is queued or running in this process."""
        worker = self._worker
        return bool(self._queue) or (worker is not None and worker.is_alive())

    def listing(self) -> list[dict[str, Any]]:
        """Every job kept, newest first."""
        with self._lock:
            jobs = list(self.jobs.values())
        return [j.to_dict() for j in sorted(jobs, key=lambda j: j.created, reverse=True)]

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the queue is empty (tests, CLI); False on timeout."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def _build(self, batch: list[Job]) -> Any:
        """Build the index (in a worker process unless an embedder was given); returns the embedder to load with."""
        capture = ProgressCapture(batch)
        if self.embedder is not None:
            from .assistant import build

            with capture.attached():
                build(self.config, embedder=self.embedder)
            return self.embedder
        from .worker import run

        run("build", {"config": config_payload(self.config)}, memory_mb=self.config.build_memory_mb,
            seconds=self.config.build_timeout, on_progress=capture.feed)
        return getattr(getattr(self.live.current, "index", None), "embedder", None)

    def _run(self) -> None:
        from .assistant import Assistant
        from .index import load_index

        _lower_priority()
        while True:
            with self._lock:
                batch, self._queue = self._queue, []
                if not batch:
                    self._worker = None
                    return
            for job in batch:
                job.state, job.started = "running", time.time()
            self._saved(*batch)
            try:
                embedder = self._build(batch)
                for job in batch:
                    job.progress = {"stage": "loading", "done": 0, "total": 1, "unit": "index"}
                with handing_over():
                    new = Assistant(self.config, load_index(self.config, embedder=embedder))
                    self.live.swap(new)
                    if self.on_swap is not None:
                        self.on_swap(new)
                self._finish(batch, new)
            except Exception as exc:  # noqa: BLE001 - a failed build leaves the old index answering
                log.warning("background rebuild failed: %s: %s", type(exc).__name__, exc)
                why = " ".join(f"{type(exc).__name__}: {exc}".split())[:1000]
                for job in batch:
                    job.state = "failed"
                    job.message = f"색인 재구축 실패, 이전 색인으로 계속 답합니다: {why}"
            for job in batch:
                job.finished = time.time()
            self._saved(*batch)

    def _finish(self, batch: list[Job], new: Any) -> None:
        files = [r.to_dict() for r in load_file_reports(Path(self.config.index_dir))]
        for job in batch:
            job.state, job.files = "done", files
            job.uploads = upload_outcomes([u["name"] for u in job.uploads], files)
            job.progress = {"stage": "done", "done": 1, "total": 1, "unit": "index"}
            skipped = [f"{u['name']}: {u.get('reason')}" for u in job.uploads if u["status"] != "indexed"]
            job.message = f"{len(new.documents)}개 문서로 색인을 다시 만들었습니다. (Index rebuilt.)" + (
                f" 건너뛴 파일 (skipped): {'; '.join(skipped)}" if skipped else "")
