"""Serving on several cores: load the app once, then fork worker processes that accept on one shared socket.

The index, Kiwi and the embedder are loaded before the fork, so every worker shares their memory pages (copy
on write) and none of them loads anything again; each worker sets its own native thread count
(``Config.threads``, one by default), so N workers use N cores without their thread pools competing.
Native pools are never started before the fork with one thread per process (OpenMP makes no pool for one
thread), which is what makes forking a loaded process safe here.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import time
from typing import Any

from .threads import apply_threads, cpu_count

log = logging.getLogger(__name__)


def resolve_workers(workers: int | None) -> int:
    """``workers`` ≥ 1 as given; 0 or less means one per core this process may use."""
    n = int(workers or 0)
    return n if n >= 1 else cpu_count()


def serve(app: Any, host: str, port: int, workers: int = 1, threads: int = 1, log_level: str = "info") -> None:
    """Serve ``app`` with uvicorn in ``workers`` processes (in this process when ``workers`` is 1).

    The parent only holds the listening socket, restarts a worker that dies and passes SIGTERM / SIGINT on;
    a worker dies with the parent (``PR_SET_PDEATHSIG``), so a killed parent leaves no server behind.
    """
    import uvicorn

    freeze_heap()
    if workers <= 1:
        uvicorn.run(app, host=host, port=port, log_level=log_level)
        return
    sock = listen(host, port)
    pool = _Workers(app, sock, workers, threads, log_level)
    signal.signal(signal.SIGTERM, pool.stop)
    signal.signal(signal.SIGINT, pool.stop)
    print(f"serving on http://{host}:{port} with {workers} worker processes, {threads} native thread(s) each",
          flush=True)
    pool.run()
    sock.close()


def freeze_heap() -> None:
    """Move what is loaded (the index, Kiwi, Gradio, every module: about 250,000 objects) out of the garbage
    collector's reach before serving. Otherwise the first full collection a few seconds of traffic later walks
    all of it with the interpreter lock held (120–210 ms measured on two cores): every request waits, whatever
    it asks. Objects loaded later (a rebuilt index, about 35,000) are collected as usual. Before a fork this also
    keeps the collector from touching, and so copying, the pages the workers share."""
    gc.collect()
    gc.freeze()


def listen(host: str, port: int) -> socket.socket:
    """The listening socket every worker accepts on (inherited through the fork)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class _Workers:
    """The forked uvicorn workers of :func:`serve`: started, restarted when one dies, stopped on a signal."""

    def __init__(self, app: Any, sock: socket.socket, workers: int, threads: int, log_level: str) -> None:
        self.app, self.sock, self.workers, self.threads, self.log_level = app, sock, workers, threads, log_level
        self.children: dict[int, int] = {}
        self.stopping = False

    def spawn(self, slot: int) -> None:
        import uvicorn

        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                from .worker import die_with_parent

                die_with_parent(signal.SIGTERM, parent)  # uvicorn's own handler then shuts down cleanly
                apply_threads(self.threads)
                uvicorn.Server(uvicorn.Config(self.app, log_level=self.log_level)).run(sockets=[self.sock])
            except BaseException:  # noqa: B036 - a worker must never return into the parent's code
                log.exception("worker %d failed", slot)
                code = 1
            os._exit(code)
        self.children[pid] = slot

    def stop(self, signum: int, frame: Any) -> None:
        self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def run(self) -> None:
        for slot in range(self.workers):
            self.spawn(slot)
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            slot = self.children.pop(pid, None)
            if slot is not None and not self.stopping:
                log.warning("worker %d (pid %d) exited with %s; restarting it", slot, pid,
                            os.waitstatus_to_exitcode(status))
                time.sleep(1)  # a worker that cannot start must not spin
                self.spawn(slot)
