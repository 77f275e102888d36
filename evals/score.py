"""``python -m evals score``: a chooser's weights measured on every fold in seconds, from the cached candidates.

``python -m evals`` asks every question again (minutes). The candidates and their features do not depend on the
chooser's weights, so a refit (``python -m evals fit --out FILE``) can be measured on the candidate rows the fit
caches: the development and check folds of every golden file and the released former checks, each question counted
as ``python -m evals`` counts it (correct when its best-scoring candidate is), with the oracle beside it (a correct
candidate exists). Check-fold questions are only counted, never listed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .fit import chosen_is_correct, collect, feature_names, fit, fit_row, matrix
from .folds import CHECK, DEV

if TYPE_CHECKING:
    from qa.answer.chooser import Chooser

log = logging.getLogger("evals")
RELEASED = "released"


def released_rows(cache: Path | None, k: int | None = None, assistant_for=None) -> list[dict[str, Any]]:
    """One fit row per question of the released former checks (labels by their own scorer); ``[]`` when absent."""
    from . import released
    from .run import qa_source_hash, released_assistant

    if not released.available():
        log.warning("../shared/evals/released is absent: the released sets are skipped")
        return []
    texts = "".join((released.RELEASED_DIR / f"{name}.jsonl").read_text(encoding="utf-8") for name in released.SETS)
    scorer = Path(released.__file__).read_text(encoding="utf-8")  # the labels' judge, as the fit rows are keyed
    key = hashlib.sha256(f"{qa_source_hash()}|k={k}|{texts}|{scorer}".encode()).hexdigest()[:16]
    cached = cache / f"released-rows-{key}.json" if cache else None
    if cached and cached.is_file():
        return json.loads(cached.read_text(encoding="utf-8"))

    rows = []
    for name in released.SETS:
        a = assistant_for(name) if assistant_for else released_assistant(name)[1]
        items = [released.as_golden(it) for it in released.load_set(name)]
        for it in items:
            _, cands = a.candidates(it["q"], it.get("history"), k=k)
            rows.append(fit_row(f"{RELEASED}/{name}", it, items, RELEASED, cands,
                                judge_with=lambda item, got: released.passes(item["released"], got)))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached)
    return rows


def set_name(row: dict[str, Any]) -> str:
    """The golden file (``golden_wild.jsonl``) or released set (``released/seed_2025``) a row's question is from."""
    stem = row["id"].rsplit("/", 1)[0]
    return stem if stem.startswith(f"{RELEASED}/") else f"{stem}.jsonl"


def tally(rows: list[dict[str, Any]], weights: dict[str, float]) -> dict[str, dict[str, list[int]]]:
    """``{set: {fold: [correct, questions, oracle]}}`` and ``{"all": …}``: how the weights choose on each fold."""
    names = feature_names(rows)
    w = np.array([weights.get(n, 0.0) for n in names])
    table: dict[str, dict[str, list[int]]] = {}
    total: dict[str, list[int]] = {}
    for r in rows:
        x, y = matrix(r, names)
        hit = chosen_is_correct(x, y, w)
        for cell in (table.setdefault(set_name(r), {}).setdefault(r["fold"], [0, 0, 0]),
                     total.setdefault(r["fold"], [0, 0, 0])):
            cell[0] += hit
            cell[1] += 1
            cell[2] += bool(y.any())
    table["all"] = total
    return table


def spread(fit_rows: list[dict[str, Any]], rows: list[dict[str, Any]], c: float, n: int) -> dict[str, list[int]]:
    """How far a refit alone moves the counts: ``{fold: [correct with each of n refits]}``, each refit on the
    development rows without one announcement (``n`` of them, evenly spaced in name order, so every run leaves out
    the same ones). A change is measured against one refit, and a kept fit was once the luckier of two: the
    spread says how much of a difference between two fits is the fit's own noise."""
    groups = sorted({r["group"] for r in fit_rows})
    left_out = [groups[round(i * (len(groups) - 1) / max(n - 1, 1))] for i in range(min(n, len(groups)))]
    names = feature_names(fit_rows + rows)
    out: dict[str, list[int]] = {}
    for group in left_out:
        w = fit([r for r in fit_rows if r["group"] != group], names, c)
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["fold"]] = counts.get(r["fold"], 0) + chosen_is_correct(*matrix(r, names), w)
        for fold, correct in counts.items():
            out.setdefault(fold, []).append(correct)
    return out


def render_spread(band: dict[str, list[int]]) -> str:
    lines = [f"refits each without one development announcement ({len(next(iter(band.values()), []))}): "
             "questions correct, mean [min, max]"]
    for fold, counts in band.items():
        lines.append(f"  {fold:<9} {np.mean(counts):7.1f} [{min(counts)}, {max(counts)}]")
    return "\n".join(lines)


def render(table: dict[str, dict[str, list[int]]]) -> str:
    """The folds side by side, as ``python -m evals`` prints them (:func:`evals.run.render_folds`), each cell with
    its oracle."""
    from .run import render_folds

    return render_folds(table, "chooser on the cached candidates (questions correct = share; oracle: a correct "
                               "candidate exists):")


def load_chooser(path: Path | None, prog: str) -> Chooser | None:
    """A chooser's weights and fit record (default: the shipped file), or None with the reason on stderr (a file
    that cannot be used is the user's to fix, not a traceback)."""
    from qa.answer.chooser import Chooser, ChooserError

    try:
        return Chooser.load(path)
    except ChooserError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    """``python -m evals score [--weights FILE] [--golden FILE …] [--no-released]``."""
    import argparse

    from .golden import default_goldens
    from .run import CACHE_DIR, DEFAULT_K

    p = argparse.ArgumentParser(prog="python -m evals score", description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", type=Path, help="a chooser weights file (default: the shipped qa/data/chooser.json)")
    p.add_argument("--golden", nargs="+", type=Path, metavar="FILE", help="golden files (default: those python -m evals "
                   "reads)")
    p.add_argument("--no-released", action="store_true", help="skip the released former checks")
    p.add_argument("--spread", type=int, metavar="N", default=0, help="also refit N times, each without one "
                   "development announcement (at the weights' C), and print the band of counts those refits give")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    chooser = load_chooser(args.weights, "evals score")
    if chooser is None:
        return 2
    goldens = args.golden or default_goldens()
    missing = [g for g in goldens if not Path(g).is_file()]
    if missing:
        print(f"evals score: golden file not found: {missing[0]}", file=sys.stderr)
        return 2
    rows = collect(goldens, (DEV, CHECK), cache=CACHE_DIR, k=DEFAULT_K)
    if not args.no_released:
        rows += released_rows(CACHE_DIR, k=DEFAULT_K)
    print(render(tally(rows, chooser.weights)))
    if args.spread > 0:
        from .golden import fitted_goldens

        c = float(chooser.meta.get("c", 1.0))
        fit_rows = collect(fitted_goldens(), (DEV,), cache=CACHE_DIR, k=DEFAULT_K)
        print(render_spread(spread(fit_rows, rows, c, args.spread)))
    return 0
