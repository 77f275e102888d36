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

from qa.serve import resolve_workers
from qa.threads import cpu_count

APP = """
import os, sys
from qa.serve import serve

LOADED_IN = os.getpid()  # stands for the index: loaded once, before the fork

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = ('{"pid": %d, "loaded_in": %d, "omp": "%s"}' % (os.getpid(), LOADED_IN, os.environ.get("OMP_NUM_THREADS"))).encode()
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


def test_two_workers_share_one_socket_and_the_state_loaded_before_the_fork():
    port = _port()
    proc = subprocess.Popen([sys.executable, "-c", APP, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, proc.stderr.read().decode()[-2000:]
                time.sleep(0.1)

        def get(_):
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.load(r)

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(get, range(200)))
        assert {a["loaded_in"] for a in answers} == {proc.pid}  # loaded once, in the parent
        assert {a["omp"] for a in answers} == {"1"}  # each worker's native thread count
        pids = {a["pid"] for a in answers}
        assert proc.pid not in pids and len(pids) == 2, pids
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert not any(os.path.exists(f"/proc/{p}") and open(f"/proc/{p}/stat").read().split()[2] != "Z" for p in pids)
