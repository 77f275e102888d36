"""Speed and memory benchmark: prints numbers (no pass/fail); run with ``make bench``.

Measures index build time, cold load time, per-question latency (p50/p95, per retriever) over the golden
questions, and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def questions(path: Path) -> list[tuple[str, list[str] | None]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if "q" in item:
                out.append((item["q"], item.get("history")))
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--golden", type=Path, default=ROOT / "evals" / "golden.jsonl")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from qa import Assistant, Config
    from qa.assistant import build
    import_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        config = Config.load(corpus_dir=args.corpus, index_dir=Path(tmp) / "index")
        t0 = time.perf_counter()
        build(config)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        assistant = Assistant.load(config, rebuild="never")
        load_s = time.perf_counter() - t0
        qs = questions(args.golden)
        assistant.ask(qs[0][0])  # warm
        print(f"corpus: {args.corpus} ({assistant.status()['documents']} documents, "
              f"{assistant.status()['chunks']} chunks, {assistant.status()['facts']} facts)")
        print(f"import qa (torch, sentence-transformers, kiwi): {import_s:.2f} s")
        print(f"index build: {build_s:.2f} s   cold load: {load_s:.2f} s")
        for method in ("bm25", "dense", "hybrid"):
            times = []
            for _ in range(args.repeat):
                for q, history in qs:
                    t = time.perf_counter()
                    assistant.ask(q, history=history, retriever=method)
                    times.append((time.perf_counter() - t) * 1000)
            print(f"ask() latency [{method:6}] over {len(times)} questions: p50 {statistics.median(times):.1f} ms, "
                  f"p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss_mb:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
