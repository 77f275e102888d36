"""The measurements behind ``python -m benchmarks``; each returns ``[(what, value), …]`` rows of measured numbers."""

from __future__ import annotations

import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
Rows = list[tuple[str, str]]
BUSY = "while True: pass"


def golden_questions(path: Path) -> list[tuple[str, list[str] | None]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if "q" in item:
                out.append((item["q"], item.get("history")))
    return out


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
            "PYTHONWARNINGS": "ignore", "QA_RATE_LIMIT": ""}


def _config(corpus: Path, index_dir: Path):
    from qa.config import Config

    return Config.load(corpus_dir=corpus, index_dir=index_dir)


class _Busy:
    """Another process keeping one core busy for the duration of a ``with`` block."""

    def __enter__(self) -> _Busy:
        self.proc = subprocess.Popen([sys.executable, "-c", BUSY])
        time.sleep(0.5)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.proc.kill()
        self.proc.wait()


# ----------------------------------------------------------------------------- build and cold start
def build_time(corpus: Path, index_dir: Path) -> Rows:
    from qa.assistant import build

    t0 = time.perf_counter()
    build(_config(corpus, index_dir), full=True)
    return [("index build, full (incl. loading Kiwi and the embedder)", f"{time.perf_counter() - t0:.1f} s")]


def _timed_build(config, full: bool = False) -> tuple[float, dict[str, Any]]:
    """Wall seconds of one in-process build and the build record of its manifest (what it reused, parts)."""
    from qa.assistant import build
    from qa.index import read_manifest

    t0 = time.perf_counter()
    folder = build(config, full=full)
    return time.perf_counter() - t0, read_manifest(folder).get("build", {})


def _described(seconds: float, b: dict[str, Any]) -> str:
    return (f"{seconds:.1f} s (reused {b.get('reused', 0)} files, processed {b.get('processed', 0)}, "
            f"removed {b.get('removed', 0)}; embedded {b.get('embedded', 0)} texts: chunks and their sentences)")


def _parts(b: dict[str, Any], top: int = 4) -> str:
    parts = sorted(b.get("seconds", {}).items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{k} {v:.2f} s" for k, v in parts)


def _edit(path: Path) -> None:
    """Change one announcement: one more point at its end (a new sentence with an amount)."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n□ 벤치마크에서 추가한 문장: 후속 사업에는 국비 12억원을 추가로 지원한다.\n")


def incremental_build_time(corpus: Path, tmp: Path, runs: int = 1) -> Rows:
    """Incremental builds on a copy of the corpus: add one announcement (one of tests/data/announcements), change
    it, remove it; in process (Kiwi loaded), and once as ``python -m qa build`` (process start to exit)."""
    import shutil

    from qa.ingest import corpus_files

    work = tmp / "incremental"
    shutil.copytree(corpus, work / "corpus")
    config = _config(work / "corpus", work / "index")
    _timed_build(config, full=True)
    have = {p.stem for p in corpus_files(work / "corpus")}
    new = next(p for p in sorted((ROOT / "tests" / "data" / "announcements").glob("*.txt")) if p.stem not in have)
    rows: Rows = []

    def add() -> None:
        for f in (new, new.with_suffix(".json")):
            if f.is_file():
                shutil.copy2(f, work / "corpus" / f.name)

    def remove() -> None:
        for f in (new, new.with_suffix(".json")):
            (work / "corpus" / f.name).unlink(missing_ok=True)

    for what, change in (("add one announcement", add), ("change one announcement", lambda: _edit(work / "corpus" / new.name)),
                         ("remove one announcement", remove)):
        change()
        seconds, b = _timed_build(config)
        rows.append((f"index build, incremental: {what} (in process)", _described(seconds, b)))
        if what == "add one announcement":
            rows.append(("index build, incremental: add one announcement, largest parts", _parts(b)))
    add()
    cmd = [sys.executable, "-m", "qa", "build", "--corpus", str(work / "corpus"), "--index", str(work / "index")]
    wall, rss, code = _run_measured(cmd)
    rows.append(("`python -m qa build` after adding one announcement: process start → exit",
                 f"{wall:.1f} s, peak RSS {rss:.0f} MiB" if code == 0 else f"failed (exit {code})"))
    return rows


def _run_measured(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(), cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, proc.returncode


def cold_cli(corpus: Path, index_dir: Path, question: tuple[str, Any], runs: int = 2) -> Rows:
    cmd = [sys.executable, "-m", "qa", "ask", question[0], "--corpus", str(corpus), "--index", str(index_dir),
           "--no-rebuild"]
    results = [_run_measured(cmd) for _ in range(runs)]
    if any(r[2] != 0 for r in results):
        return [("CLI cold start", f"failed (exit {[r[2] for r in results]})")]
    return [("CLI cold start: process start → first answer", f"{min(r[0] for r in results):.2f} s (best of {runs})"),
            ("CLI peak RSS", f"{max(r[1] for r in results):.0f} MiB")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, question: str, timeout: float = 30) -> dict:
    req = urllib.request.Request(url, data=json.dumps({"question": question}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.load(r)


class App:
    """The web app in a child process on 127.0.0.1."""

    def __init__(self, proc: subprocess.Popen, port: int, workers: int = 1) -> None:
        self.proc, self.port, self.workers = proc, port, workers
        self.url = f"http://127.0.0.1:{port}/api/ask"

    def stop(self) -> Rows:
        """Stop the app; the peak RSS of its largest process (workers share the pages loaded before the fork)."""
        self.proc.terminate()
        _, _, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = 0
        # wait4 reports the largest of the app's process and its reaped workers
        return [(f"web app peak RSS of one process, {self.workers} worker(s), after the load test",
                 f"{usage.ru_maxrss / 1024:.0f} MiB")]


def _hwm(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024


def start_app(corpus: Path, index_dir: Path, question: tuple[str, Any], workers: int = 1,
              timeout: float = 300) -> tuple[App, Rows]:
    port = _free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "ui.py", "--port", str(port), "--corpus", str(corpus), "--index",
                             str(index_dir), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(), cwd=ROOT)
    app = App(proc, port, workers)
    while True:
        try:
            _post(app.url, question[0], timeout=5)
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            if proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError("the web app did not answer") from None
            time.sleep(0.05)
    return app, [("web app cold start: process start → first /api/ask answered", f"{time.perf_counter() - t0:.2f} s"),
                 ("web app peak RSS at the first answer", f"{_hwm(proc.pid):.0f} MiB")]


# ----------------------------------------------------------------------------- warm latency
def _latencies(assistant, questions) -> tuple[dict[str, list[float]], list[float]]:
    embedder = assistant.index.embedder
    stages: dict[str, list[float]] = {}
    bare = []
    embeds = _count_embeddings(assistant)
    for q, history in questions:
        t = time.perf_counter()
        embedder.encode_query([q], normalize_embeddings=True, show_progress_bar=False)
        bare.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        ans = assistant.ask(q, history=history)
        wall = (time.perf_counter() - t) * 1000
        for stage, ms in ans.timing_ms.items():
            stages.setdefault(stage, []).append(ms)
        stages.setdefault("ask() wall", []).append(wall)
        stages.setdefault("query embeddings per question", []).append(float(embeds.pop()))
    return stages, bare


def _count_embeddings(assistant) -> list[int]:
    """Count the query embeddings each ask() computes (the search handle should need exactly one)."""
    retriever = assistant.retriever
    real = retriever.embed_query
    counts = [0]

    def counted(query: str):
        counts[-1] += 1
        return real(query)

    class Counts(list):
        def pop(self) -> int:  # the count of the question just asked, and a fresh one for the next
            n = counts[-1]
            counts.append(0)
            return n

    retriever.embed_query = counted
    return Counts()


def warm(corpus: Path, index_dir: Path, questions) -> Rows:
    from qa.assistant import Assistant

    assistant = Assistant.load(_config(corpus, index_dir), rebuild="never")
    for q, history in questions[:5]:
        assistant.ask(q, history=history)
    rows: Rows = []
    for label, ctx in (("idle", None), ("one core busy", _Busy)):
        if ctx is None:
            stages, bare = _latencies(assistant, questions)
        else:
            with ctx():
                stages, bare = _latencies(assistant, questions)
        b50, b95 = statistics.median(bare), pct(bare, 95)
        rows.append((f"[{label}] bare query embedding ({len(bare)} questions)", f"p50 {b50:.1f} ms, p95 {b95:.1f} ms"))
        for stage, ms in stages.items():
            if stage == "query embeddings per question":
                rows.append((f"[{label}] {stage}", f"max {max(ms):.0f}, mean {statistics.mean(ms):.2f}"))
                continue
            rows.append((f"[{label}] {stage}", f"p50 {statistics.median(ms):.1f} ms, p95 {pct(ms, 95):.1f} ms"))
        total = stages.get("ask() wall", [])
        if total:
            rows.append((f"[{label}] ask() ÷ bare embedding", f"p50 {statistics.median(total) / b50:.2f}×, "
                                                               f"p95 {pct(total, 95) / b95:.2f}×"))
    return rows


def peak_rss_self() -> Rows:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [("benchmark process peak RSS (build + warm runs)", f"{rss:.0f} MiB")]


# ----------------------------------------------------------------------------- serving
def throughput(app: App, questions, concurrencies=(1, 4, 16)) -> Rows:
    rows: Rows = []
    qs = [q for q, h in questions if not h]
    for c in concurrencies:
        n = max(40, 8 * c)
        errors = 0
        lock = threading.Lock()

        def one(i: int, lock: threading.Lock = lock) -> None:
            nonlocal errors
            try:
                _post(app.url, qs[i % len(qs)], timeout=60)
            except (urllib.error.URLError, OSError):
                with lock:
                    errors += 1

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=c) as pool:
            list(pool.map(one, range(n)))
        wall = time.perf_counter() - t0
        rows.append((f"requests/s at concurrency {c} ({app.workers} worker(s), {n} requests)",
                     f"{(n - errors) / wall:.1f}" + (f" ({errors} failed)" if errors else "")))
    return rows


# ----------------------------------------------------------------------------- retrieval alone
def retrieval_alone(n: int, dim: int = 384, per_doc: int = 20, n_queries: int = 200, seed: int = 0) -> Rows:
    """FAISS flat vs HNSW at ``n`` random unit vectors through :class:`qa.retrieve.Retriever`'s dense arm:
    p95 latency and recall@10 of HNSW against flat, without a filter, one document, and 10 % of documents."""
    from types import SimpleNamespace

    import faiss
    import numpy as np

    from qa.config import Config
    from qa.retrieve import Retriever
    from qa.threads import cpu_count, resolve_threads

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    queries = rng.standard_normal((n_queries, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    config = Config.load()
    chunks = [SimpleNamespace(doc_id=f"d{i // per_doc:06d}", kind="point") for i in range(n)]
    n_docs = (n + per_doc - 1) // per_doc
    rows: Rows = []
    built = {}
    for kind in ("flat", "hnsw"):
        t0 = time.perf_counter()
        index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT) if kind == "hnsw" else faiss.IndexFlatIP(dim)
        faiss.omp_set_num_threads(cpu_count())  # building is offline work: every core; queries: one thread
        index.add(x)
        faiss.omp_set_num_threads(resolve_threads(config.threads))
        built[kind] = Retriever(SimpleNamespace(chunks=chunks, faiss_index=index, vocab={}, bm25=None, embedder=None), config)
        rows.append((f"retrieval alone, {n:,} random unit vectors ({dim}d): build {kind} ({cpu_count()} threads)",
                     f"{time.perf_counter() - t0:.1f} s"))
    scopes = {"no filter": None, "filter: 1 document": "one", "filter: 10 % of documents": "tenth"}
    for label, how in scopes.items():
        results: dict[str, list] = {"flat": [], "hnsw": []}
        times: dict[str, list[float]] = {"flat": [], "hnsw": []}
        for qi in range(n_queries):
            doc_ids = random_scope(rng, n_docs, how, digits=6)
            q = queries[qi:qi + 1]
            for kind, r in built.items():
                t = time.perf_counter()
                codes, scope_rows = r._scope(doc_ids)
                got, _ = r.dense_arm(q, codes, scope_rows, 10)
                times[kind].append((time.perf_counter() - t) * 1000)
                results[kind].append(set(got.tolist()))
        recall = statistics.mean(len(h & f) / max(len(f), 1) for h, f in zip(results["hnsw"], results["flat"], strict=True))
        rows.append((f"retrieval alone, {n:,} chunks, {label}: p95 flat / HNSW (efSearch {config.hnsw_ef_search})",
                     f"{pct(times['flat'], 95):.2f} ms / {pct(times['hnsw'], 95):.2f} ms, HNSW recall@10 {recall:.3f}"))
        if how is None:  # the recall / latency trade-off of the graph on this (hardest: uniformly random) data
            truth = results["flat"]
            for ef in (512, 2048):
                r = Retriever(built["hnsw"].index, config.replace(hnsw_ef_search=ef))
                lat, got = [], []
                for qi in range(n_queries):
                    t = time.perf_counter()
                    codes, scope_rows = r._scope(None)
                    found, _ = r.dense_arm(queries[qi:qi + 1], codes, scope_rows, 10)
                    lat.append((time.perf_counter() - t) * 1000)
                    got.append(set(found.tolist()))
                rec = statistics.mean(len(h & f) / max(len(f), 1) for h, f in zip(got, truth, strict=True))
                rows.append((f"retrieval alone, {n:,} chunks, no filter: HNSW efSearch {ef}",
                             f"p95 {pct(lat, 95):.2f} ms, recall@10 {rec:.3f}"))
    return rows


# ----------------------------------------------------------------------------- scaling
_AMOUNT = re.compile(r"(\d[\d,]*)(\s*(?:억|만|천|명|개|곳|건|%))")
_CLOSING = re.compile(r"^(\s*[<〈《].*?|.*?)(\s*[>〉》]\s*|\s[-–]\s*)$")  # a caption's bracket, a summary's dash


def random_scope(rng, n_docs: int, how: str | None, digits: int) -> set[str] | None:
    """A search's document filter over random documents named d000…: none, one document, or a tenth of them."""
    if how is None:
        return None
    if how == "one":
        return {f"d{int(rng.integers(n_docs)):0{digits}d}"}
    return {f"d{d:0{digits}d}" for d in rng.choice(n_docs, size=max(1, n_docs // 10), replace=False)}


def _tag(i: int) -> str:
    """A two-syllable word unique to announcement ``i`` (no digits, so no rule reads it as a value)."""
    return "".join(chr(0xAC00 + 28 * ((i // 399 ** k) % 399)) for k in (1, 0))


def _vary(text: str, factor: int, tag: str) -> str:
    """Amounts scaled by ``factor`` and ``tag`` added to every paragraph and caption (not to front matter or
    table rows), so that no two variants share a text or a chunk: each costs a full announcement's work."""
    text = _AMOUNT.sub(lambda m: f"{int(m.group(1).replace(',', '')) * factor}{m.group(2)}", text)
    lines, front = text.split("\n"), text.startswith("---")
    out = []
    for n, line in enumerate(lines):
        if front:
            front = not (n > 0 and line.strip() == "---")
            out.append(line)
            continue
        s = line.strip()
        m = _CLOSING.match(line)
        out.append(line if not s or s.startswith("|") else f"{m.group(1)} {tag}{m.group(2)}" if m else f"{line} {tag}")
    return "\n".join(out)


def varied_corpus(size: int, folder: Path, start: int = 0) -> Path:
    """``size`` announcements made by varying the real ones: amounts and counts scaled, a word unique to each
    announcement added to its paragraphs and captions, titles numbered (numbers ``start`` …)."""
    sources = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "tests" / "data" / "announcements").glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + size):
        src = sources[i % len(sources)]
        factor = 1 + (i // len(sources)) % 9
        stem = f"{src.stem}_v{i:05d}"
        text = _vary(src.read_text(encoding="utf-8"), factor, _tag(i))
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        sidecar = src.with_suffix(".json")
        if sidecar.is_file():
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
            if meta.get("title"):
                meta["title"] = f"{meta['title']} ({i + 1}차)"
            (folder / f"{stem}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return folder


def scale_table(sizes: list[int], tmp: Path, questions) -> dict[int, dict[str, str]]:
    from qa.assistant import Assistant

    out = {}
    for size in sizes:
        corpus = varied_corpus(size, tmp / f"scale-{size}" / "corpus")
        config = _config(corpus, tmp / f"scale-{size}" / "index")
        build_s, full = _timed_build(config, full=True)
        a = Assistant.load(config, rebuild="never")
        stages, bare = _latencies(a, questions)
        total = stages["ask() wall"]
        chars = max(len(a.ask(q, history=h).answer) for q, h in questions)
        s = a.status()
        inc = scale_incremental(config, size)  # after the answers: the corpus then holds one more
        out[size] = {"chunks": str(s["chunks"]), "facts": str(s["facts"]), "build, full": f"{build_s:.0f} s",
                     **inc,
                     "ask p50 / p95": f"{statistics.median(total):.0f} / {pct(total, 95):.0f} ms",
                     "÷ bare embedding p50 / p95": f"{statistics.median(total) / statistics.median(bare):.1f}× / "
                                                   f"{pct(total, 95) / pct(bare, 95):.1f}×",
                     "longest answer": f"{chars} chars"}
    return out


def scale_incremental(config, size: int) -> dict[str, str]:
    """Incremental builds of a scaled corpus: add one more variant, then change it (the corpus ends as it began
    plus that announcement, edited); the time and, for the addition, the largest parts of the build."""
    corpus = Path(config.corpus_dir)
    before = set(corpus.iterdir())
    varied_corpus(1, corpus, start=size)
    added = next(p for p in set(corpus.iterdir()) - before if p.suffix == ".txt")
    add_s, add = _timed_build(config)
    _edit(added)
    change_s, change = _timed_build(config)
    return {"incremental: add one": f"{add_s:.1f} s ({add.get('embedded', 0)} chunks embedded)",
            "incremental: change one": f"{change_s:.1f} s ({change.get('embedded', 0)} embedded)",
            "add one: largest parts": _parts(add, top=3)}


# ----------------------------------------------------------------------------- output
def print_table(rows: Rows) -> None:
    print("\n| what | measured |\n| --- | --- |")
    for what, value in rows:
        print(f"| {what} | {value} |")
    sys.stdout.flush()


def print_scale(table: dict[int, dict[str, str]], sizes: list[int]) -> None:
    keys = list(next(iter(table.values())))
    print("\n| announcements | " + " | ".join(keys) + " |")
    print("| --- " * (len(keys) + 1) + "|")
    for size in sizes:
        print(f"| {size:,} | " + " | ".join(table[size][k] for k in keys) + " |")
