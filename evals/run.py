"""``python -m evals``: run the golden questions through ``Assistant.ask`` and report accuracy, retrieval
quality, none precision/recall and latency.

::

    python -m evals                      # evals/golden.jsonl (+ evals/golden_multi.jsonl when present)
    python -m evals --compare            # the same with bm25, dense and hybrid side by side
    python -m evals --golden evals/golden.jsonl --retriever bm25 --json
    python -m evals --golden evals/golden_real.jsonl --format pdf hwp   # the same documents as published files

Each golden file names its corpus in its meta line; every corpus gets its own cached index under
``evals/.cache/`` (git-ignored), rebuilt when the corpus or the ``qa`` source code changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from qa.readers import EXTENSIONS

from .folds import CHECK, DEV, assign
from .golden import ROOT, corpus_dirs, default_goldens, load_golden
from .metrics import chunk_keys, compute_metrics, first_relevant_rank, judge, retrieval_judgement

EVALS_DIR = Path(__file__).resolve().parent
CACHE_DIR = EVALS_DIR / ".cache"
REPORT_DIR = EVALS_DIR / "report"
RETRIEVERS = ("bm25", "dense", "hybrid")
# --format: rendered copies of the corpus documents, tests/data/formats/[real/]<format>/<doc_id>.<ext>
# (written by tests/data/formats/make_fixtures.py); the first folder holding a document wins
FORMAT_RENDERS = (ROOT / "tests" / "data" / "formats" / "real", ROOT / "tests" / "data" / "formats")
FORMAT_EXT = {"hwpx": ".hwpx", "hwp": ".hwp", "pdf": ".pdf", "docx": ".docx", "html": ".html", "md": ".md",
              "cp949": ".txt", "utf16": ".txt"}
# sources per question: the assistant's own default (Config.top_k), so the answers judged are the answers users and
# the independent checks get (generators read the first k passages) and the fit learns from those same candidates
DEFAULT_K = 5
ANSWER_CHARS = 160

log = logging.getLogger("evals")


# ------------------------------------------------------------------------------------------------ index / corpus
def qa_source_hash(root: Path = ROOT) -> str:
    """sha256 over the ``qa`` package sources and its word lists (``qa/data/*.txt``: the synonyms are read by the
    answering code as its sources are): what a report and the fit's cached rows were computed with. Not the
    chooser's weights, which the rows are fitted to, never computed with."""
    h = hashlib.sha256()
    for p in sorted([*(root / "qa").rglob("*.py"), *(root / "qa" / "data").glob("*.txt")]):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def index_source_hash(root: Path = ROOT) -> str:
    """sha256 over the sources that shape a stored index (what it reads, chunks, extracts, embeds and writes): a
    cached evaluation index is rebuilt when they change, not when only the answering code does."""
    from qa.index import BUILD_SOURCES, PIPELINE_SOURCES, source_hash

    return source_hash(PIPELINE_SOURCES + BUILD_SOURCES, root / "qa")


def corpus_key(dirs: list[Path]) -> str:
    return hashlib.sha256("\n".join(sorted(str(d) for d in dirs)).encode()).hexdigest()[:12]


def prepare_corpus(dirs: list[Path], cache: Path = CACHE_DIR) -> Path:
    """The corpus folder to index: the folder itself, or several combined by copying the files the build reads
    (texts, published HWP/HWPX/PDF/DOCX/HTML files and sidecars; no README or hidden file)."""
    if len(dirs) == 1:
        return dirs[0]
    target = cache / f"corpus-{corpus_key(dirs)}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for d in dirs:
        if not d.is_dir():
            raise SystemExit(f"evals: corpus folder not found: {d}")
        for f in sorted(d.iterdir()):
            if (f.suffix.lower() in (*EXTENSIONS, ".json") and f.is_file() and not f.name.startswith(".")
                    and not f.name.upper().startswith("README")):
                if (target / f.name).exists():
                    raise SystemExit(f"evals: {f.name} appears in more than one corpus folder")
                shutil.copy2(f, target / f.name)
    return target


def format_corpus(dirs: list[Path], fmt: str, cache: Path = CACHE_DIR) -> tuple[Path, int, int]:
    """The corpus with every document that has a ``fmt`` rendering (see :data:`FORMAT_RENDERS`) read from
    that file instead of its ``.txt`` (and sidecar: published files carry their own metadata; the legacy
    text encodings keep theirs). Returns the folder, how many documents were replaced and how many exist."""
    target = cache / f"corpus-{corpus_key(dirs)}-{fmt}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    replaced = total = 0
    for d in dirs:
        if not d.is_dir():
            raise SystemExit(f"evals: corpus folder not found: {d}")
        for f in sorted(d.iterdir()):
            if f.suffix not in (".txt", ".json") or not f.is_file():
                continue
            if f.suffix == ".json" and f.with_suffix(".txt").is_file():
                continue  # goes with its document below
            if f.suffix == ".json":
                shutil.copy2(f, target / f.name)
                continue
            total += 1
            render = next((r / fmt / f"{f.stem}{FORMAT_EXT[fmt]}" for r in FORMAT_RENDERS
                           if (r / fmt / f"{f.stem}{FORMAT_EXT[fmt]}").is_file()), None)
            src = render or f
            shutil.copy2(src, target / src.name)
            side = src.with_suffix(".json")
            if side.is_file() and (render is None or fmt in ("cp949", "utf16")):
                shutil.copy2(side, target / side.name)
            replaced += render is not None
    return target, replaced, total


def load_assistant(dirs: list[Path], index_dir: Path | None = None, cache: Path = CACHE_DIR,
                   rebuild: bool = False, fmt: str | None = None):
    """An Assistant over the given corpus folders, with an index cached per corpus.

    With ``index_dir`` the index goes there (built when missing or stale, as ``Assistant.load`` does);
    otherwise into ``evals/.cache/index-<corpus key>``, also rebuilt when the ``qa`` sources changed.
    """
    from qa import Assistant, Config

    cache.mkdir(parents=True, exist_ok=True)
    corpus = format_corpus(dirs, fmt, cache)[0] if fmt else prepare_corpus(dirs, cache)
    stamp = None
    if index_dir is None:
        key = corpus_key(dirs) + (f"-{fmt}" if fmt else "")
        index_dir = cache / f"index-{key}"
        stamp = cache / f"index-{key}.qa-sha256"
        code = index_source_hash()
        if index_dir.exists() and (rebuild or not stamp.is_file() or stamp.read_text().strip() != code):
            why = "--rebuild" if rebuild else "the index's sources changed since it was built"
            log.info("rebuilding %s (%s)", index_dir, why)
            shutil.rmtree(index_dir)
    elif rebuild and Path(index_dir).exists():
        return Assistant.load(Config.load(corpus_dir=corpus, index_dir=Path(index_dir)), rebuild="always")
    assistant = Assistant.load(Config.load(corpus_dir=corpus, index_dir=Path(index_dir)), rebuild="auto")
    if stamp is not None:
        stamp.write_text(code + "\n")
    return assistant


def manifest_info(assistant) -> dict[str, Any]:
    """What of the index manifest goes into the report (embedder, chunker, corpus hashes, counts …)."""
    m = getattr(getattr(assistant, "index", None), "manifest", None) or {}
    return {"embedder": m.get("embedder"), "chunker": m.get("chunker"), "bm25": m.get("bm25"),
            "faiss": m.get("faiss"), "corpus_files": (m.get("corpus") or {}).get("files"),
            "counts": m.get("counts"), "built_at": m.get("built_at"), "qa_version": m.get("qa_version"),
            "extras": m.get("extras")}


# ------------------------------------------------------------------------------------------------ evaluation
def evaluate_items(assistant, items: list[dict[str, Any]], retriever: str | None = None, k: int | None = DEFAULT_K,
                   prefix: str = "", warm_up: bool = True, judge_with=None,
                   rows: list[dict[str, Any]] | None = None, stem: str = "") -> list[dict[str, Any]]:
    """Ask every golden question (``ask(q, history=…, k=k, retriever=…)``) and judge the answer.

    Returns one record per item: correctness, kinds, missing / forbidden strings, the ranked source keys
    and relevant keys for the retrieval metrics, and the wall-clock latency of ``ask`` in ms. With ``rows``,
    the same run's candidates are appended to it as the fit's rows (:func:`evals.fit.fit_row`, ids under
    ``stem``): one asking serves the report and the fit.
    """
    from .fit import fit_row

    chunks = list(getattr(getattr(assistant, "index", None), "chunks", []) or [])
    keys = chunk_keys(chunks)
    if warm_up and items:  # first-call costs (lazy model parts, caches) are not the latency users see
        try:
            assistant.ask(items[0]["q"], k=k, retriever=retriever)
        except Exception:  # noqa: BLE001 — the real call below records the error
            pass
    records = []
    folds = assign(items)
    for it in items:
        rec: dict[str, Any] = {"key": f"{prefix}{it['id']}", "id": it["id"], "type": it["type"], "q": it["q"],
                               "fold": "released" if it.get("released") else folds[it["id"]],
                               "history": it.get("history"), "expected_kind": it["kind"],
                               "must": it.get("must") or [], "must_not": it.get("must_not") or [], "error": None}
        t0 = time.perf_counter()
        try:
            answer, cands = assistant.explain(it["q"], history=it.get("history"), k=k, retriever=retriever)
            got = answer.to_dict()
            if rows is not None:
                rows.append(fit_row(stem, it, items, rec["fold"], cands))
        except Exception as exc:  # noqa: BLE001 — a crash is a failed item, not a failed run
            got = {"answer": "", "kind": "error", "sources": []}
            rec["error"] = f"{type(exc).__name__}: {exc}"
        rec["latency_ms"] = (time.perf_counter() - t0) * 1000.0
        verdict = judge(it, got)
        if judge_with is not None:  # the released sets' own scorer
            verdict["correct"] = judge_with(it["released"], got)
        sources = got.get("sources") or []
        evidence = it.get("evidence") or []
        if evidence and it["kind"] != "none":
            ranked, relevant = retrieval_judgement(sources, evidence, chunks)
        else:
            ranked, relevant = [keys.get(s.get("chunk_id"), "") for s in sources], []
        rec.update({"got_kind": got.get("kind"), "rule": got.get("rule") or "", "answer": got.get("answer") or "",
                    "correct": verdict["correct"],
                    "kind_agree": verdict["kind_agree"], "missing": verdict["missing"],
                    "forbidden": verdict["forbidden"], "ranked": ranked, "relevant": relevant,
                    "gold_rank": first_relevant_rank(ranked, relevant) if relevant else None,
                    "top_lines": [list(s["lines"]) for s in sources[:3]], "n_facts": len(got.get("facts") or [])})
        records.append(rec)
    return records


def failure_rows(records: list[dict[str, Any]], golden: str) -> list[dict[str, Any]]:
    out = []
    for r in records:
        if r["correct"] or r.get("fold") == CHECK:  # the check fold is counted, never read
            continue
        ans = r["answer"].replace("\n", " / ")
        ans = ans[:ANSWER_CHARS] + ("…" if len(ans) > ANSWER_CHARS else "")
        out.append({"golden": golden, "id": r["id"], "type": r["type"], "q": r["q"], "history": r["history"],
                    "expected_kind": r["expected_kind"], "got_kind": r["got_kind"], "rule": r.get("rule") or "",
                    "must": r["must"], "must_not": r["must_not"], "missing": r["missing"],
                    "forbidden": r["forbidden"], "answer": ans,
                    "gold_rank": r["gold_rank"], "top_lines": r["top_lines"], "error": r["error"]})
    return out


def run(goldens: list[Path], retriever: str | None = None, compare: bool = False, k: int = DEFAULT_K,
        corpus: list[Path] | None = None, index_dir: Path | None = None, rebuild: bool = False,
        formats: list[str] | None = None, with_released: bool = True) -> dict[str, Any]:
    """Evaluate golden files; returns the summary (also what ``summary.json`` holds). With ``formats``
    the primary retriever also runs over the corpus read from each published format (``summary["formats"]``,
    see :func:`run_formats`)."""
    t_start = time.perf_counter()
    loaded = []
    for g in goldens:
        meta, items = load_golden(g)
        dirs = [Path(c).resolve() for c in corpus] if corpus else corpus_dirs(meta)
        loaded.append((Path(g), meta, items, dirs))
    groups = sorted({tuple(d) for *_, d in loaded})
    if index_dir is not None and len(groups) > 1:
        raise SystemExit("evals: --index needs a single corpus (these golden files name different corpora); "
                         "pass --golden FILE or --corpus DIR")
    assistants = {grp: load_assistant(list(grp), index_dir=index_dir, rebuild=rebuild) for grp in groups}
    primary = retriever or next(iter(assistants.values())).config.retriever
    retrievers = [primary] + [r for r in RETRIEVERS if r != primary] if compare else [primary]

    results = []
    for path, meta, items, dirs in loaded:
        a = assistants[tuple(dirs)]
        records = {}
        for r in retrievers:
            t0 = time.perf_counter()
            records[r] = evaluate_items(a, items, retriever=r, k=k, prefix=f"{path.stem}/")
            log.info("%s × %s: %d questions in %.1fs", path.name, r, len(items), time.perf_counter() - t0)
        results.append({"name": path.name, "path": _rel(path), "corpus": [_rel(d) for d in dirs],
                        "description": meta.get("description"), "items": items, "index": manifest_info(a),
                        "records": records})
    if formats:
        del assistants
    if with_released:
        results += run_released(primary, k)
    summary = build_summary(results, primary, retrievers, k, time.perf_counter() - t_start)
    if formats:
        summary["formats"] = run_formats(loaded, results, formats, primary, k, rebuild)
        summary["elapsed_s"] = time.perf_counter() - t_start
    return summary


def run_formats(loaded: list, results: list[dict[str, Any]], formats: list[str], retriever: str, k: int,
                rebuild: bool = False) -> dict[str, Any]:
    """Answer accuracy with the documents read from each format, beside the ``.txt`` run: per format and
    golden file the accuracy, how many documents that format replaced, and the questions whose verdict
    differs from the ``.txt`` run (``{fmt: {golden: {...}}}``)."""
    out: dict[str, Any] = {}
    txt = {res["name"]: {r["id"]: r["correct"] for r in res["records"][retriever]} for res in results}
    for fmt in formats:
        out[fmt] = {}
        for path, _meta, items, dirs in loaded:
            _, replaced, total = format_corpus(dirs, fmt)
            t0 = time.perf_counter()
            a = load_assistant(dirs, rebuild=rebuild, fmt=fmt)
            records = evaluate_items(a, items, retriever=retriever, k=k, prefix=f"{path.stem}/")
            del a
            log.info("%s as %s: %d questions in %.1fs", path.name, fmt, len(items), time.perf_counter() - t0)
            m = compute_metrics(records)
            out[fmt][path.name] = {
                "answer_accuracy": m["answer_accuracy"], "txt_answer_accuracy": compute_metrics(
                    [r for res in results if res["name"] == path.name for r in res["records"][retriever]])["answer_accuracy"],
                "documents": total, "replaced": replaced,
                "differs": [r["id"] for r in records if r["correct"] != txt[path.name].get(r["id"])]}
    return out


def render_formats(formats: dict[str, Any]) -> str:
    """The per-format table printed after the main report."""
    names = sorted({g for per in formats.values() for g in per})
    lines = ["format parity (answer accuracy; documents read from the format / all; questions judged differently):"]
    for g in names:
        first = next(per[g] for per in formats.values() if g in per)
        lines.append(f"  {g}: txt {first['txt_answer_accuracy']:.3f}")
        for fmt, per in formats.items():
            if g in per:
                r = per[g]
                diff = f"; differs: {', '.join(r['differs'][:12])}{' …' if len(r['differs']) > 12 else ''}" \
                    if r["differs"] else ""
                lines.append(f"    {fmt:<6} {r['answer_accuracy']:.3f} ({r['replaced']}/{r['documents']} documents"
                             f"{diff})")
    return "\n".join(lines)


def build_summary(results: list[dict[str, Any]], primary: str, retrievers: list[str], k: int,
                  elapsed_s: float) -> dict[str, Any]:
    """The summary (what summary.json holds) from per-golden-file records of every retriever run.

    ``results``: ``[{"name", "path", "corpus", "description", "items", "index", "records": {retriever: [...]}}]``.
    ``overall`` pools the records of all golden files; ``failures`` are the primary retriever's.
    """
    goldens_out: dict[str, Any] = {}
    pooled: dict[str, list[dict[str, Any]]] = {r: [] for r in retrievers}
    failures: list[dict[str, Any]] = []
    for res in results:
        released = res["name"].startswith("released/")  # its own fold: not pooled into the primary metric
        for r in retrievers:
            if not released:
                pooled[r].extend(res["records"].get(r, []))
        failures.extend(failure_rows(res["records"][primary], res["name"]))
        goldens_out[res["name"]] = {
            "path": res["path"], "corpus": res["corpus"], "description": res.get("description"),
            "items": len(res["items"]), "types": dict(sorted(Counter(it["type"] for it in res["items"]).items())),
            "index": res.get("index") or {},
            "runs": {r: compute_metrics(res["records"][r]) for r in retrievers if r in res["records"]}}
    overall = {r: compute_metrics(recs) for r, recs in pooled.items()}
    return {"folds": fold_table(results, primary),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "primary": {"metric": "answer_accuracy", "retriever": primary,
                    "value": overall[primary]["answer_accuracy"]},
        "retriever": primary, "retrievers": list(retrievers), "k": k, "qa_source_sha256": qa_source_hash(),
        "goldens": goldens_out, "overall": overall, "failures": failures, "elapsed_s": elapsed_s,
    }


def fold_table(results: list[dict[str, Any]], primary: str) -> dict[str, dict[str, list[int]]]:
    """``{golden: {fold: [correct, n]}}`` and ``{"all": …}`` for the dev, check and released folds."""
    table: dict[str, dict[str, list[int]]] = {}
    total: dict[str, list[int]] = {}
    for res in results:
        row = table.setdefault(res["name"], {})
        for r in res["records"][primary]:
            fold = r.get("fold", DEV)
            for cell in (row.setdefault(fold, [0, 0]), total.setdefault(fold, [0, 0])):
                cell[0] += bool(r["correct"])
                cell[1] += 1
    table["all"] = total
    return table


FOLDS_TITLE = ("folds (answer accuracy; dev: failures read and the chooser fitted on it; check: only counted; "
               "released: ../shared/evals/released):")


def render_folds(folds: dict[str, dict[str, list[int]]], title: str = FOLDS_TITLE) -> str:
    """The dev, check and released accuracies side by side (the check fold's failures are never printed). A cell is
    ``[correct, questions]``, or ``[correct, questions, oracle]`` to show the oracle's share beside it."""
    def cell(c: list[int]) -> str:
        oracle = f" (≤{c[2] / c[1]:.3f})" if len(c) > 2 else ""
        return f"{c[0]}/{c[1]} = {c[0] / c[1]:.3f}{oracle}"

    width = 26 if any(len(c) > 2 for row in folds.values() for c in row.values()) else 16
    lines = [title, f"  {'golden':<28} {'dev':>{width}} {'check':>{width}} {'released':>{width}}"]
    for name, row in folds.items():
        cells = [cell(row[f]) if row.get(f) else "-" for f in (DEV, CHECK, "released")]
        lines.append(f"  {name:<28} " + " ".join(f"{c:>{width}}" for c in cells))
    return "\n".join(lines)


def run_released(retriever: str | None, k: int, cache: Path | None = None) -> list[dict[str, Any]]:
    """The released former checks, each over its own corpus (built under ``released.CACHE_DIR``, outside the
    project), judged by their own rule."""
    from . import released

    cache = cache or released.CACHE_DIR

    if not released.available():
        log.warning("../shared/evals/released is absent: the released sets are skipped")
        return []
    results = []
    for name in released.SETS:
        items = [released.as_golden(it) for it in released.load_set(name)]
        corpus, a = released_assistant(name, cache)
        records = evaluate_items(a, items, retriever=retriever, k=k, prefix=f"released/{name}/",
                                 judge_with=released.passes)
        results.append({"name": f"released/{name}", "path": str(released.RELEASED_DIR / f"{name}.jsonl"),
                        "corpus": [str(corpus)], "description": "released former check", "items": items,
                        "index": manifest_info(a), "records": {retriever or a.config.retriever: records}})
    return results


def released_assistant(name: str, cache: Path | None = None):
    """A released set's corpus folder and the assistant over it (corpus and index under ``released.CACHE_DIR``)."""
    from . import released

    cache = cache or released.CACHE_DIR
    corpus = released.corpus_for(name, cache)
    return corpus, load_assistant([corpus], index_dir=cache / f"index-released-{name}", cache=cache)


def _rel(p: Path) -> str:
    try:
        return Path(p).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(p)


# ------------------------------------------------------------------------------------------------ CLI
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m evals", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--golden", nargs="+", type=Path, metavar="FILE",
                   help="golden JSONL file(s) (default: evals/golden.jsonl and evals/golden_multi.jsonl if present)")
    p.add_argument("--corpus", nargs="+", type=Path, metavar="DIR",
                   help="corpus folder(s) for every golden file, instead of the ones in their meta lines")
    p.add_argument("--index", type=Path, metavar="DIR", help="index folder (single corpus only; default: a cache "
                   "folder per corpus under evals/.cache)")
    p.add_argument("--retriever", choices=RETRIEVERS, help="retriever of the main run (default: the config's)")
    p.add_argument("--compare", action="store_true", help="also run bm25, dense and hybrid and compare them")
    p.add_argument("--k", type=int, default=DEFAULT_K, help=f"sources asked for per question (default {DEFAULT_K})")
    p.add_argument("--json", action="store_true", help="print the summary JSON on stdout (the text report goes "
                   "to stderr)")
    p.add_argument("--report", type=Path, default=REPORT_DIR, metavar="DIR",
                   help="where summary.json, report.md and metrics.png go (default evals/report)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the index(es) first")
    p.add_argument("--format", nargs="+", choices=sorted(FORMAT_EXT), metavar="FMT", dest="formats",
                   help="also answer with the documents read from these published formats "
                        f"({', '.join(FORMAT_EXT)}; renders from tests/data/formats/) and report each beside the .txt")
    p.add_argument("--ablation", action="store_true", help="also print the development fold's cross-validated "
                   "accuracy with each feature and each generator of the chooser left out (see python -m evals fit)")
    p.add_argument("--no-released", action="store_true", help="skip the released former checks "
                   "(../shared/evals/released; skipped anyway when that folder is absent)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["fit"]:
        from .fit import main as fit_main

        return fit_main(argv[1:])
    if argv[:1] == ["score"]:
        from .score import main as score_main

        return score_main(argv[1:])
    if argv[:1] == ["misses"]:
        from .misses import main as misses_main

        return misses_main(argv[1:])
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")  # no per-question "Batches" progress bars from the encoder
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.verbose:
        for name in ("evals", "qa"):
            logging.getLogger(name).setLevel(logging.INFO)
    goldens = args.golden or default_goldens()
    if not goldens:
        print("evals: no golden file (evals/golden.jsonl is missing)", file=sys.stderr)
        return 2
    for g in goldens:
        if not Path(g).is_file():
            print(f"evals: golden file not found: {g}", file=sys.stderr)
            return 2
    if args.k < 1:
        print("evals: --k must be ≥ 1", file=sys.stderr)
        return 2

    from .report import render_text, write_report

    if args.formats and args.index is not None:
        print("evals: --format builds one index per format under evals/.cache; drop --index", file=sys.stderr)
        return 2
    summary = run(goldens, retriever=args.retriever, compare=args.compare, k=args.k, corpus=args.corpus,
                  index_dir=args.index, rebuild=args.rebuild, formats=args.formats,
                  with_released=not args.no_released and args.index is None and not args.corpus)
    paths = write_report(summary, args.report)
    out = sys.stderr if args.json else sys.stdout
    print(render_text(summary), file=out)
    print(render_folds(summary["folds"]), file=out)
    if args.ablation:
        from .fit import ablation, best_c, collect, feature_names, print_ablation, shipped_c

        rows = collect(goldens, cache=CACHE_DIR, k=DEFAULT_K)
        names = feature_names(rows)
        c, by_c = best_c(rows, names, keep=shipped_c())
        print_ablation(ablation(rows, names, c), by_c[c], file=out)
    if summary.get("formats"):
        print(render_formats(summary["formats"]), file=out)
    print(f"report: {', '.join(_rel(p) for p in paths)}", file=out)
    if args.json:
        from .report import rounded

        print(json.dumps(rounded(summary), ensure_ascii=False, sort_keys=True, indent=2))
    value = summary["primary"]["value"]
    print(f"primary: answer_accuracy={value:.3f}" if value is not None else "primary: answer_accuracy=n/a",
          file=out, flush=True)
    return 0
