"""A real server under hostile traffic (issue 24): its peak RSS and the longest ``/healthz`` stall, measured
while requests without a token, decompression bombs, a 200,000-page PDF and an ordinary upload with its
rebuild go through; and a build's embedding processes die with the build.

The server is ``ui.py`` in a process of its own (RSS from ``/proc``; the peak is reset with ``clear_refs``),
probed with the same helpers as ``tests/hostile_probe.py``. Slow: one to two minutes on two cores.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402
from hostile_probe import TOKEN, Server, Watch, spawned, survivors  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")]
ROOT = Path(__file__).resolve().parent.parent
MB = 2**20
STALL = 0.2  # seconds /healthz may take while anything is checked or rebuilt


@pytest.fixture(scope="module")
def server(tmp_path_factory, cached_embedder):
    from qa.assistant import build
    from qa.config import Config

    work = tmp_path_factory.mktemp("hostile-load")
    (work / "corpus").mkdir()
    for f in (ROOT / "corpus").iterdir():
        shutil.copy2(f, work / "corpus" / f.name)
    build(Config.load(env={}, corpus_dir=work / "corpus", index_dir=work / "index"), embedder=cached_embedder)
    s = Server(work, {"QA_BUILD_WORKERS": "1"})
    yield s
    s.stop()


def _post_without_token(s: Server, n: int, size: int) -> list[int]:
    body, codes = b"x" * size, []

    def one():
        codes.append(s.request("POST", "/api/documents", body=body,
                               headers={"Content-Type": "multipart/form-data; boundary=zz"})[0])

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(codes)


def test_hostile_traffic_neither_grows_nor_stalls_the_server(server):
    """Before: eight 49 MB requests without a token +900 MB; a 1 GiB mimetype or PDF stream +2 GB and 3-7 s
    frozen; a 200,000-page PDF 23 s frozen; every upload parsed on the event loop."""
    s = server
    with Watch(s) as no_token:
        assert _post_without_token(s, 4, 49 * MB) == [401] * 4
        chunked = s.request("POST", "/api/documents", body=(b"y" * MB for _ in range(52)), chunked=True,
                            headers={"Content-Type": "multipart/form-data; boundary=zz"})
        assert chunked[0] == 401
    assert no_token.growth_mb <= 10 and no_token.stall < STALL, no_token.row()

    bombs = {"mimetype.hwpx": hostile.hwpx(mimetype_size=256 * MB), "stream.pdf": hostile.pdf_flate_bomb(256 * MB),
             "pages.pdf": hostile.pdf_many_pages(200_000)}
    with Watch(s) as hostile_uploads:
        answers = {name: s.upload(name, data) for name, data in bombs.items()}
    assert {n: a[0] for n, a in answers.items()} == dict.fromkeys(bombs, 422), answers
    assert "zip bomb" in answers["mimetype.hwpx"][1]["detail"] and "FlateDecode" in answers["stream.pdf"][1]["detail"]
    assert "200000 pages" in answers["pages.pdf"][1]["detail"]
    assert hostile_uploads.growth_mb <= 32 and hostile_uploads.stall < STALL, hostile_uploads.row()
    assert hostile_uploads.child_peak < 3072 * 1024  # the worker stayed inside check_memory_mb

    with Watch(s) as ordinary:
        code, body, _ = s.upload("ordinary.pdf", hostile.pdf_ordinary(10))  # parsed twice (check, build), 60 chunks embedded
        jobs = s.wait_jobs(300)
    assert code == 202 and body["outcome"]["status"] == "indexed", body
    assert jobs[0]["state"] == "done" and jobs[0]["uploads"][0]["status"] == "indexed", jobs[0]
    assert ordinary.stall < STALL, ordinary.row()
    assert s.request("HEAD", "/healthz")[0] == 200
    assert s.request("GET", "/healthz")[1]["documents"] == 2


PARENT = """
import sys
sys.path.insert(0, {root!r})
from qa.embed import encode_documents_parallel
from qa.worker import embedding_workers_die_with_parent
texts = ["passage " + str(i) + " " + "공고문 본문 " * 60 for i in range(4000)]
with embedding_workers_die_with_parent():
    encode_documents_parallel(texts, 2, lambda n: print("done", n, flush=True), slice_size=16)
"""


@pytest.mark.parametrize("when", ["starting", "embedding"])
def test_a_builds_embedding_processes_die_with_it(when):
    """Before: three spawned embedding processes of a killed server were alive 49 s later, holding 265 MB.
    ``starting``: the build is killed while its embedding processes are still starting (before they could ask
    for a signal at its death); ``embedding``: once they embed."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT.format(root=str(ROOT))], stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        if when == "embedding":
            assert parent.stdout.readline().startswith(b"done")  # the workers are up and embedding
        while len(workers := spawned(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(workers) == 2
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert not survivors(workers, within=20), "embedding processes outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_the_server_is_answered_by_head_and_refuses_without_reading(server):
    assert server.request("HEAD", "/")[0] == 200
    r = server.request("POST", "/api/documents", body=b"x" * 1000, headers={"Authorization": f"bearer {TOKEN}x"})
    assert r[0] == 403
