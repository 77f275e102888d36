"""The probe of issue 24, runnable against any version: a real server (``ui.py``) on a copy of the seed corpus,
hostile uploads and requests, and per case the status, the server's RSS (growth at its peak and after), the
worker processes' peak RSS and the longest ``/healthz`` stall while the case ran.

``.venv/bin/python tests/hostile_probe.py [--out probe.json] [--only CASE …]`` prints a Markdown table.
Linux only (``/proc``); resetting the peak RSS (``clear_refs``) needs the server to be this user's process.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402
from hostile_table import markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TOKEN = "probe-token"
SEED = "molit_2025_smart_city_selection"


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                kids = []
            out += kids
            todo += kids
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def survivors(pids, within: float) -> list[int]:
    """Those of ``pids`` still alive after up to ``within`` seconds (killed before returning: a test that finds
    some leaves none behind)."""
    deadline = time.monotonic() + within
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in pids if alive(p)]
    for p in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
    return left


class Server:
    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work = work
        self.port = _free_port()
        self.env = {**os.environ, "QA_ADMIN_TOKEN": TOKEN, "QA_RATE_LIMIT": "", "QA_BODY_TIMEOUT": "5", **env}
        self.proc = subprocess.Popen([PY, str(ROOT / "ui.py"), "--corpus", str(work / "corpus"), "--index",
                                      str(work / "index"), "--port", str(self.port)], cwd=ROOT, env=self.env,
                                     stdout=open(work / "server.log", "ab"), stderr=subprocess.STDOUT)
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not start: " + (work / "server.log").read_text()[-2000:])

    @property
    def pid(self) -> int:
        return self.proc.pid

    def request(self, method: str, path: str, body=None, headers: dict | None = None, timeout: float = 300,
                chunked: bool = False) -> tuple[int, dict | str, dict]:
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
            r = c.getresponse()
            raw = r.read()
        except (ConnectionResetError, BrokenPipeError) as exc:
            return 0, f"{type(exc).__name__}", {}
        finally:
            c.close()
        try:
            data = json.loads(raw)
        except ValueError:
            data = raw[:200].decode("utf-8", "replace")
        return r.status, data, dict(r.getheaders())

    def upload(self, name: str, data: bytes, token: str | None = TOKEN, scheme: str = "Bearer",
               fields: dict | None = None) -> tuple[int, dict | str, dict]:
        boundary = uuid.uuid4().hex
        parts = []
        for k, v in (fields or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if token:
            headers["Authorization"] = f"{scheme} {token}"
        return self.request("POST", "/api/documents", body=body, headers=headers)

    def wait_jobs(self, timeout: float = 600) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            code, jobs, _ = self.request("GET", "/api/admin/jobs", headers={"X-Admin-Token": TOKEN})
            if code == 200 and all(j["state"] in ("done", "failed") for j in jobs):
                return jobs
            time.sleep(0.3)
        return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


POLLER = """
import http.client, sys, time
port, stall = int(sys.argv[1]), 0.0
while sys.stdin.readline():  # one line from the watch: one more /healthz
    t = time.perf_counter()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("GET", "/healthz")
        c.getresponse().read()
        c.close()
    except OSError:
        pass
    stall = max(stall, time.perf_counter() - t)
    print(stall, flush=True)
"""


class Watch:
    """While a case runs: /healthz every 25 ms, timed from a process of its own (the probe's own work never
    counts as the server's stall), the server's peak RSS (VmHWM after clear_refs) and the peak RSS of its
    child processes."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def __enter__(self) -> Watch:
        pid = self.server.pid
        self.rss0 = self.sampled = rss_kb(pid)
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current RSS
            self.reset = True
        except OSError:
            self.reset = False  # then the peak is the largest RSS sampled every 25 ms
        self.poller = subprocess.Popen([PY, "-c", POLLER, str(self.server.port)], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, bufsize=1)
        self.stop = threading.Event()
        self.stall = 0.0
        self.child_peak = 0
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()
        self.t0 = time.time()
        return self

    def _run(self) -> None:
        while not self.stop.is_set():
            self.poller.stdin.write("\n")
            self.stall = max(self.stall, float(self.poller.stdout.readline() or 0))
            self.sampled = max(self.sampled, rss_kb(self.server.pid))
            kids = sum(rss_kb(k) for k in descendants(self.server.pid))
            self.child_peak = max(self.child_peak, kids)
            time.sleep(0.025)

    def __exit__(self, *exc) -> None:
        self.seconds = time.time() - self.t0
        self.stop.set()
        self.t.join()
        self.poller.stdin.close()
        self.poller.wait(10)
        pid = self.server.pid
        self.peak = max(rss_kb(pid, "VmHWM") if self.reset else 0, self.sampled)
        time.sleep(1.0)
        self.rss1 = rss_kb(pid)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.rss0) / 1024

    def row(self) -> dict:
        return {"rss_before_mb": round(self.rss0 / 1024), "peak_growth_mb": round((self.peak - self.rss0) / 1024),
                "after_growth_mb": round((self.rss1 - self.rss0) / 1024),
                "children_peak_mb": round(self.child_peak / 1024),
                "healthz_stall_ms": round(self.stall * 1000), "seconds": round(self.seconds, 1)}


def brief(data) -> str:
    if isinstance(data, dict):
        if "detail" in data:
            return str(data["detail"])[:160]
        out = {k: data[k] for k in ("file", "outcome") if k in data}
        return json.dumps(out, ensure_ascii=False)[:240]
    return str(data)[:160]


# --------------------------------------------------------------------------- cases
def case_no_token_8x49mb(s: Server, files: dict) -> dict:
    body = b"x" * (49 * 2**20)
    results = []

    def one():
        results.append(s.request("POST", "/api/documents", body=body,
                                 headers={"Content-Type": "multipart/form-data; boundary=zz"})[0])

    with Watch(s) as w:
        threads = [threading.Thread(target=one) for _ in range(8)]
        [t.start() for t in threads]
        [t.join() for t in threads]
    return {"status": sorted(results), **w.row()}


def _chunks(total: int, piece: int = 2**20):
    sent = 0
    while sent < total:
        n = min(piece, total - sent)
        sent += n
        yield b"y" * n


def case_no_token_chunked_52mb(s: Server, files: dict) -> dict:
    with Watch(s) as w:
        code = s.request("POST", "/api/documents", body=_chunks(52 * 2**20), chunked=True,
                         headers={"Content-Type": "multipart/form-data; boundary=zz"})[0]
    return {"status": code, **w.row()}


def _multipart_chunks(total: int):
    """A well-formed multipart upload whose file part holds ``total`` bytes, sent in 1 MB chunks."""
    yield b'--zz\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
    yield from _chunks(total)
    yield b"\r\n--zz--\r\n"


def case_token_chunked_52mb(s: Server, files: dict) -> dict:
    """An authorized upload over max_file_mb without Content-Length: refused as the bytes arrive."""
    with Watch(s) as w:
        code, data, _ = s.request("POST", "/api/documents", body=_multipart_chunks(52 * 2**20), chunked=True,
                                  headers={"Content-Type": "multipart/form-data; boundary=zz",
                                           "Authorization": f"Bearer {TOKEN}"})
    return {"status": code, "says": brief(data), **w.row()}


def _upload_case(name: str, upload_as: str | None = None):
    def run(s: Server, files: dict) -> dict:
        data = files[name].read_bytes()
        with Watch(s) as w:
            code, body, _ = s.upload(upload_as or name, data)
            s.wait_jobs()
        return {"status": code, "says": brief(body), **w.row()}
    return run


def case_hangul_90(s: Server, files: dict) -> dict:
    code, body, _ = s.upload("가" * 90 + ".txt", "□ 긴 이름의 공고문 본문입니다.\n".encode())
    s.wait_jobs()
    return {"status": code, "says": brief(body)}


def case_lookalike(s: Server, files: dict) -> dict:
    name = SEED.replace("o", "\u043e", 1) + ".txt"  # Cyrillic о
    code, body, _ = s.upload(name, "□ 비슷한 이름의 다른 공고문입니다.\n".encode())
    s.wait_jobs()
    return {"status": code, "says": brief(body)}


def case_readme(s: Server, files: dict) -> dict:
    code, body, _ = s.upload("readme_notice.txt", "□ 이름이 readme로 시작하는 공고문입니다.\n".encode())
    s.wait_jobs()
    readme = s.work / "corpus" / "README.md"
    readme.write_text("# corpus notes\n", encoding="utf-8")
    code2, body2, _ = s.upload("README.md", "□ README를 덮어쓰려는 업로드입니다.\n".encode())
    s.wait_jobs()
    kept = readme.read_text(encoding="utf-8") == "# corpus notes\n"
    return {"status": [code, code2], "says": brief(body) + " | " + brief(body2), "README.md kept": kept}


def case_duplicate(s: Server, files: dict) -> dict:
    data = (s.work / "corpus" / f"{SEED}.txt").read_bytes()
    code, body, _ = s.upload("copy_of_seed.txt", data)
    jobs = s.wait_jobs()
    return {"status": code, "says": brief(body), "job": (jobs[0].get("message", "") if jobs else "")[:200]}


def case_lowercase_bearer(s: Server, files: dict) -> dict:
    code, body, _ = s.upload("lower_bearer.txt", "□ 소문자 bearer 업로드입니다.\n".encode(), scheme="bearer")
    s.wait_jobs()
    return {"status": code, "says": brief(body)}


def case_file_mode(s: Server, files: dict) -> dict:
    code, body, _ = s.upload("mode_check.txt", "□ 파일 권한 확인용 공고문입니다.\n".encode())
    s.wait_jobs()
    saved = s.work / "corpus" / "mode_check.txt"
    corpus_mode = oct((s.work / "corpus" / f"{SEED}.txt").stat().st_mode & 0o777)
    return {"status": code, "mode": oct(saved.stat().st_mode & 0o777) if saved.exists() else None,
            "corpus mode": corpus_mode}


def case_head_healthz(s: Server, files: dict) -> dict:
    return {"status": [s.request("HEAD", "/healthz")[0], s.request("HEAD", "/api/documents")[0],
                       s.request("HEAD", "/")[0]]}


def case_slow_body(s: Server, files: dict) -> dict:
    """Headers say 1,000 bytes, 10 arrive, then nothing: how long does the server wait?"""
    sock = socket.create_connection(("127.0.0.1", s.port))
    sock.settimeout(40)
    sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                 b'{"question')
    t = time.time()
    try:
        reply = sock.recv(200)
    except TimeoutError:
        reply = b"(no answer in 40 s)"
    sock.close()
    return {"status": reply.split(b"\r\n")[0].decode(errors="replace"), "seconds": round(time.time() - t, 1)}


def case_rebuild_stall(s: Server, files: dict) -> dict:
    with Watch(s) as w:
        code, body, _ = s.upload("long_text.txt", files["long_text.txt"].read_bytes())
        jobs = s.wait_jobs()
    return {"status": code, "job": jobs[0]["state"] if jobs else None, **w.row()}


def spawned(pid: int) -> list[int]:
    """The embedding processes (multiprocessing's spawned children) under ``pid``."""
    out = []
    for p in descendants(pid):
        try:
            if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes():
                out.append(p)
        except OSError:
            pass
    return out


def case_kill_during_embedding(work: Path, files: dict) -> dict:
    """A rebuild that embeds in two processes, then SIGKILL to the server as soon as both exist (still
    starting): who is left 10 s later?"""
    s = Server(work, {"QA_BUILD_WORKERS": "2"})
    try:
        s.upload("long_text_2.txt", hostile.long_text(paragraphs=600, seed=11))
        deadline = time.time() + 300
        while time.time() < deadline and len(found := spawned(s.pid)) < 2:
            time.sleep(0.02)
        tree = descendants(s.pid)
        os.kill(s.pid, signal.SIGKILL)
        s.proc.wait()
        time.sleep(10)
        left = [p for p in tree if alive(p)]
        held = sum(rss_kb(p) for p in left)
        for p in left:
            os.kill(p, signal.SIGKILL)
        return {"embedding processes seen": len(found), "descendants": len(tree), "alive 10 s later": len(left),
                "their RSS MB": round(held / 1024)}
    finally:
        s.stop()


def case_disk_full(work: Path, files: dict) -> dict:
    """``python -m qa build`` onto a 1 MB tmpfs that fills during the build: what does the operator see?"""
    mnt = work / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", str(mnt)]).returncode != 0:
        return {"status": "skipped (cannot mount a tmpfs)"}
    try:
        (mnt / "filler").write_bytes(b"\0" * (600 * 1024))  # 40 KB left: less than the index needs
        r = subprocess.run([PY, "-m", "qa", "build", "--corpus", str(work / "corpus_seed"), "--index", str(mnt / "index")],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
        err = [line for line in r.stderr.splitlines() if line.strip()]
        last = err[-1] if err else ""
        return {"status": r.returncode, "traceback": "Traceback" in r.stderr, "last line": last[:200]}
    finally:
        subprocess.run(["umount", str(mnt)])


CASES = {
    "no_token_8x49MB": case_no_token_8x49mb,
    "no_token_chunked_52MB": case_no_token_chunked_52mb,
    "token_chunked_52MB": case_token_chunked_52mb,
    "hwpx_mimetype_1GiB": _upload_case("hwpx_mimetype_bomb.hwpx"),
    "pdf_flate_1GiB": _upload_case("pdf_flate_bomb.pdf"),
    "pdf_200k_pages": _upload_case("pdf_200k_pages.pdf"),
    "hwpx_section_1GiB": _upload_case("hwpx_section_bomb.hwpx"),
    "docx_part_1GiB": _upload_case("docx_bomb.docx"),
    "pdf_ordinary_300_pages": _upload_case("pdf_ordinary_300.pdf"),
    "name_90_hangul": case_hangul_90,
    "name_lookalike": case_lookalike,
    "name_readme": case_readme,
    "duplicate_new_name": case_duplicate,
    "bearer_lowercase": case_lowercase_bearer,
    "file_mode": case_file_mode,
    "head": case_head_healthz,
    "slow_body": case_slow_body,
    "rebuild_stall": case_rebuild_stall,
}
OFFLINE = {"kill_during_embedding": case_kill_during_embedding, "disk_full_build": case_disk_full}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", help="the results as JSON")
    p.add_argument("--md", help="the table as Markdown (it is printed either way)")
    p.add_argument("--only", nargs="*")
    p.add_argument("--bomb-mb", type=int, default=1024)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="probe24-"))
    files = hostile.write_all(work / "files", bomb=args.bomb_mb * 2**20)
    (work / "corpus").mkdir()
    for f in (ROOT / "corpus").glob(f"{SEED}.*"):
        shutil.copy2(f, work / "corpus" / f.name)
    shutil.copytree(work / "corpus", work / "corpus_seed")
    subprocess.run([PY, "-m", "qa", "build", "--corpus", str(work / "corpus"), "--index", str(work / "index")],
                   cwd=ROOT, check=True, capture_output=True)
    results = {}
    wanted = [c for c in [*CASES, *OFFLINE] if not args.only or c in args.only]
    s = Server(work, {}) if any(c in CASES for c in wanted) else None
    try:
        for name in wanted:
            if name in CASES:
                print(f"… {name}", file=sys.stderr, flush=True)
                results[name] = CASES[name](s, files)
                print(f"  {results[name]}", file=sys.stderr, flush=True)
    finally:
        if s is not None:
            s.stop()
    for name in wanted:
        if name in OFFLINE:
            print(f"… {name}", file=sys.stderr, flush=True)
            results[name] = OFFLINE[name](work, files)
            print(f"  {results[name]}", file=sys.stderr, flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    from qa.config import Config

    table = markdown(results, Config.load().max_unpacked_mb)
    if args.md:
        Path(args.md).write_text(table + "\n", encoding="utf-8")
    print(table)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
