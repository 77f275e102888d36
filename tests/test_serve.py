"""Serving on several cores (qa/serve.py): one loaded app forked into worker processes on one socket."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from hostile_probe import alive, survivors

from qa.serve import resolve_workers
from qa.threads import cpu_count

APP = """
import os, sys
from qa.serve import serve

LOADED_IN = os.getpid()  # stands for the index: loaded once, before the fork

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    import gc
    body = ('{"pid": %d, "loaded_in": %d, "omp": "%s", "frozen": %d}' % (os.getpid(), LOADED_IN,
            os.environ.get("OMP_NUM_THREADS"), gc.get_freeze_count())).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})

serve(app, "127.0.0.1", int(sys.argv[1]), workers=2, threads=1, log_level="warning")
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_resolve_workers():
    assert resolve_workers(3) == 3
    assert resolve_workers(0) == resolve_workers(None) == cpu_count() >= 1


def _start(port: int) -> tuple[subprocess.Popen, str]:
    """The two-worker server of ``APP``, answering."""
    proc = subprocess.Popen([sys.executable, "-c", APP, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return proc, url
        except OSError:
            assert proc.poll() is None and time.time() < deadline, proc.stderr.read().decode()[-2000:]
            time.sleep(0.1)


def test_two_workers_share_one_socket_and_the_state_loaded_before_the_fork():
    proc, url = _start(_port())
    try:
        def get(_):
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.load(r)

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(get, range(200)))
        assert {a["loaded_in"] for a in answers} == {proc.pid}  # loaded once, in the parent
        assert {a["omp"] for a in answers} == {"1"}  # each worker's native thread count
        assert min(a["frozen"] for a in answers) > 1000  # what was loaded is out of the collector's reach
        pids = {a["pid"] for a in answers}
        assert proc.pid not in pids and len(pids) == 2, pids
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert not any(alive(p) for p in pids)


def test_workers_die_with_a_killed_parent():
    """A SIGKILLed parent cannot pass a signal on: each worker gets SIGTERM from the kernel (PR_SET_PDEATHSIG)."""
    proc, _ = _start(_port())
    try:
        workers = [int(p) for t in os.listdir(f"/proc/{proc.pid}/task")
                   for p in open(f"/proc/{proc.pid}/task/{t}/children").read().split()]
        assert len(workers) == 2 and all(alive(p) for p in workers)
        proc.kill()
        proc.wait(10)
        assert not survivors(workers, within=20), "workers outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
