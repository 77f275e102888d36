"""Serving on several cores: load the app once, then fork worker processes that accept on one shared socket.

The index, Kiwi and the embedder are loaded before the fork, so every worker shares their memory pages (copy
on write) and none of them loads anything again; each worker sets its own native thread count
(``Config.threads``, one by default), so N workers use N cores without their thread pools competing.
Native pools are never started before the fork with one thread per process (OpenMP makes no pool for one
thread), which is what makes forking a loaded process safe here.
"""

from __future__ import annotations

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

    The parent only holds the listening socket, restarts a worker that dies and passes SIGTERM / SIGINT on.
    """
    import uvicorn

    if workers <= 1:
        uvicorn.run(app, host=host, port=port, log_level=log_level)
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    children: dict[int, int] = {}
    stopping = False

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:  # worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                apply_threads(threads)
                uvicorn.Server(uvicorn.Config(app, log_level=log_level)).run(sockets=[sock])
            except BaseException:  # noqa: B036 - a worker must never return into the parent's code
                log.exception("worker %d failed", slot)
                code = 1
            os._exit(code)
        children[pid] = slot

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    for slot in range(workers):
        spawn(slot)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"serving on http://{host}:{port} with {workers} worker processes, {threads} native thread(s) each",
          flush=True)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        slot = children.pop(pid, None)
        if slot is not None and not stopping:
            log.warning("worker %d (pid %d) exited with %s; restarting it", slot, pid, os.waitstatus_to_exitcode(status))
            time.sleep(1)  # a worker that cannot start must not spin
            spawn(slot)
    sock.close()
