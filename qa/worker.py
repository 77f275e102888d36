"""Work on untrusted files runs in a child process with memory and time limits, never in the server.

:func:`run` starts ``python -m qa.worker TASK`` (a fresh interpreter: nothing of the server is shared or
copied), gives it the task's input as JSON on stdin and reads one JSON result from its stdout. The child
limits its own address space (``RLIMIT_AS``) and CPU time before it reads anything, and dies with the thread
that started it (``PR_SET_PDEATHSIG``, or a watchdog where ``prctl`` is missing), so a killed server leaves
nothing behind; the parent kills it when the wall-clock limit passes. A hostile file can then neither freeze
the server's questions (the parent thread only waits) nor take its memory, and a limit that stopped the work
is a :class:`WorkerError` naming it.

Tasks: ``check`` (type by content and a trial read of an upload, :func:`qa.upload.inspect`) and ``build``
(a rebuild of the index, :func:`qa.assistant.build`, its progress lines passed back as they come).
Children started here are killed on every exit path of the parent (:func:`stop_all`: app shutdown, atexit).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1
MAX_RESULT = 16 * 2**20  # bytes of JSON a child may send back
PROGRESS = "PROGRESS "  # stderr lines that carry the build's progress
WORKER_NICE = 10  # scheduling priority below the server's (the build's embedding processes inherit it)

_children: set[subprocess.Popen] = set()
_children_lock = threading.Lock()


class WorkerError(Exception):
    """The child was stopped by a limit (``limit`` ``"memory"`` or ``"time"``) or failed (``limit`` None)."""

    def __init__(self, message: str, limit: str | None = None, kind: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit
        self.kind = kind  # the exception type the child raised, e.g. "CorpusError"


# --------------------------------------------------------------------------- dying with the parent
def die_with_parent(sig: int = signal.SIGKILL, parent: int | None = None) -> None:
    """Have the kernel send ``sig`` to this process when the thread that started it ends (Linux); elsewhere a
    watchdog thread exits when the parent is gone. ``parent``: the pid it must still have (a parent that
    died before the call would otherwise go unnoticed)."""
    parent = os.getppid() if parent is None else parent
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        ok = libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        ok = False
    if os.getppid() != parent:
        os._exit(1)
    if not ok:
        threading.Thread(target=_watchdog, args=(parent,), name="qa-parent-watch", daemon=True).start()


def _watchdog(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _embedding_worker_start(variant: str) -> None:
    """An embedding process of a build (:func:`qa.embed.encode_documents_parallel`) that dies with the build,
    also when the build died while this process was still starting (its parent's pid is checked after
    ``prctl``: a parent gone before it has no death to signal)."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    die_with_parent(parent=parent.pid if parent is not None else None)
    from .embed import _worker_start

    _worker_start(variant)


_swap = threading.Lock()


@contextlib.contextmanager
def embedding_workers_die_with_parent() -> Iterator[None]:
    """While the block runs, the build's embedding processes start with :func:`die_with_parent` (their
    initializer is looked up when the pool is made; the real one runs after it in the child)."""
    from . import embed

    with _swap:
        original = embed._worker_start
        embed._worker_start = _embedding_worker_start
        try:
            yield
        finally:
            embed._worker_start = original


# --------------------------------------------------------------------------- the parent's side
def run(task: str, payload: dict[str, Any], *, memory_mb: float, seconds: float,
        on_progress: Callable[[str], None] | None = None) -> Any:
    """Run ``task`` in a child process and return its result.

    Args:
        memory_mb: the child's address-space limit (``RLIMIT_AS``).
        seconds: wall-clock limit; the child is killed when it passes (its CPU time is limited as well).
        on_progress: called with each progress line the child logs (the build's ``embedding: 12/540 …``).

    Raises:
        WorkerError: a limit stopped the child (``limit``), or the task raised (the message says what).
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "QA_WORKER_PARENT": str(os.getpid()), "QA_PROGRESS": "log"}
    cmd = [sys.executable, "-m", "qa.worker", task, str(float(memory_mb)), str(float(seconds))]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=str(ROOT), close_fds=True)
    with _children_lock:
        _children.add(proc)
    out: list[bytes] = []
    tail: deque[str] = deque(maxlen=20)
    readers = [threading.Thread(target=_read_result, args=(proc.stdout, out), daemon=True),
               threading.Thread(target=_read_log, args=(proc.stderr, tail, on_progress), daemon=True)]
    try:
        for t in readers:
            t.start()
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"))
            proc.stdin.close()
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise WorkerError(f"stopped after {seconds:g} s", limit="time") from None
        finally:
            for t in readers:
                t.join(5)
    finally:
        with _children_lock:
            _children.discard(proc)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return _outcome(proc.returncode, b"".join(out), tail, memory_mb)


def _read_result(stream, out: list[bytes]) -> None:
    size = 0
    for chunk in iter(lambda: stream.read(65536), b""):
        size += len(chunk)
        if size <= MAX_RESULT:
            out.append(chunk)


def _read_log(stream, tail: deque, on_progress: Callable[[str], None] | None) -> None:
    import logging

    log = logging.getLogger("qa.worker")
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if line.startswith(PROGRESS):
            if on_progress is not None:
                on_progress(line[len(PROGRESS):])
            continue
        tail.append(line)
        log.info("%s", line)


def _outcome(code: int, raw: bytes, tail: deque, memory_mb: float) -> Any:
    """The child's result, or the :class:`WorkerError` that says why there is none."""
    try:
        result = json.loads(raw) if raw else None
    except ValueError:
        result = None
    if isinstance(result, dict) and result.get("ok"):
        return result.get("result")
    if isinstance(result, dict):
        raise WorkerError(str(result.get("error") or "failed"), limit=result.get("limit"), kind=result.get("type"))
    if code in (-signal.SIGXCPU,):
        raise WorkerError("ran out of CPU time", limit="time")
    if code < 0 and code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        raise WorkerError(f"stopped by signal {-code}, most likely out of memory ({memory_mb:g} MB)", limit="memory")
    last = next((line for line in reversed(tail) if line.strip()), "")
    raise WorkerError(f"exited with status {code}" + (f": {last[:300]}" if last else ""))


def stop_all() -> int:
    """Kill every child still running (app shutdown, interpreter exit); returns how many."""
    with _children_lock:
        running = [p for p in _children if p.poll() is None]
    for proc in running:
        with contextlib.suppress(OSError):
            proc.kill()
    return len(running)


atexit.register(stop_all)


# --------------------------------------------------------------------------- the child's side
def _limit(memory_mb: float, seconds: float) -> None:
    """Limits set by the child on itself, before it reads anything."""
    import resource

    memory = int(memory_mb * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _logging() -> None:
    """Progress lines marked for the parent; the rest of the build's log as plain lines (both on stderr)."""
    import logging

    progress = logging.StreamHandler(sys.stderr)
    progress.setFormatter(logging.Formatter(PROGRESS + "%(message)s"))
    logger = logging.getLogger("qa.progress")
    logger.addHandler(progress)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("qa.index").setLevel(logging.INFO)


def _task_check(payload: dict[str, Any]) -> dict[str, Any]:
    from .upload import inspect

    return inspect(payload)


def _task_build(payload: dict[str, Any]) -> dict[str, Any]:
    from .config import Config
    from .threads import set_thread_env

    config = Config().replace(**payload["config"])
    set_thread_env(config.threads)  # before numpy, FAISS or the engine load their pools
    from .assistant import build
    from .readers import budget

    budget.configure_from(config)
    return {"index": str(build(config, full=bool(payload.get("full"))))}


TASKS: dict[str, Callable[[dict[str, Any]], Any]] = {"check": _task_check, "build": _task_build}


def main(argv: list[str]) -> int:
    task, memory_mb, seconds = argv[0], float(argv[1]), float(argv[2])
    die_with_parent(parent=int(os.environ.get("QA_WORKER_PARENT") or os.getppid()))
    _limit(memory_mb, seconds)
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)  # the server's questions come first on a busy machine
    result_fd = os.dup(1)
    os.dup2(2, 1)  # whatever a library prints goes to the log, not into the result
    _logging()
    try:
        result: dict[str, Any] = {"ok": True, "result": TASKS[task](json.loads(sys.stdin.buffer.read()))}
    except MemoryError:
        result = {"ok": False, "limit": "memory", "error": f"out of memory ({memory_mb:g} MB)", "type": "MemoryError"}
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        limit = "memory" if isinstance(exc.__cause__, MemoryError) else None
        result = {"ok": False, "limit": limit, "error": " ".join(str(exc).split())[:2000] or type(exc).__name__,
                  "type": type(exc).__name__}
    with os.fdopen(result_fd, "wb") as fh:
        fh.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
