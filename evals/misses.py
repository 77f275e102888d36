"""``python -m evals misses``: the development fold's misses, read from the cached candidates, to look for mechanisms.

Each miss is printed with the candidate the chooser took and, when one exists, the best-scoring correct candidate,
with their scores and the features that separate them most (weight × difference). A miss with no correct candidate
is a generation gap (no generator proposes the answer); one with a correct candidate is a choice error. The check
fold is never printed (its failures are not read), and neither is anything of the released sets but their ids and
questions' verdicts, since their documents stay outside the project.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .fit import collect, feature_names, matrix
from .folds import CHECK, DEV
from .score import load_chooser

SEPARATING = 4  # features listed per choice error


def misses(rows: list[dict[str, Any]], weights: dict[str, float]) -> list[dict[str, Any]]:
    """Every development-fold row whose best-scoring candidate is wrong, with what was chosen and what was right."""
    names = feature_names(rows)
    w = np.array([weights.get(n, 0.0) for n in names])
    out = []
    for r in rows:
        if r["fold"] != DEV:
            continue
        x, y = matrix(r, names)
        if not len(x):
            continue
        scores = x @ w
        chosen = int(np.argmax(scores))
        if y[chosen]:
            continue
        right = int(np.argmax(np.where(y, scores, -np.inf))) if y.any() else None
        why = []
        if right is not None:
            contrib = w * (x[right] - x[chosen])
            why = [(names[i], float(contrib[i])) for i in np.argsort(np.abs(contrib))[::-1][:SEPARATING] if contrib[i]]
        out.append({"row": r, "chosen": chosen, "right": right, "scores": scores, "why": why})
    return out


def describe(m: dict[str, Any]) -> str:
    r, scores = m["row"], m["scores"]

    def line(i: int) -> str:
        return f"    {r['generators'][i]:<12} {scores[i]:+.2f}  {r['texts'][i][:110]!r}"

    out = [f"{r['id']}  {r['q']}", "  chosen:", line(m["chosen"])]
    if m["right"] is None:
        out.append("  no correct candidate")
    else:
        out += ["  correct:", line(m["right"]),
                "  separating (weight × difference, + favours the correct one): "
                + ", ".join(f"{n} {v:+.2f}" for n, v in m["why"])]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """``python -m evals misses [--weights FILE] [--sets SUBSTRING …] [--only choice|generation]``."""
    import argparse

    from .golden import default_goldens
    from .run import CACHE_DIR, DEFAULT_K

    p = argparse.ArgumentParser(prog="python -m evals misses", description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", type=Path, help="a chooser weights file (default: the shipped qa/data/chooser.json)")
    p.add_argument("--sets", nargs="+", default=[], metavar="SUBSTRING", help="only question ids containing one of these")
    p.add_argument("--only", choices=("choice", "generation"), help="choice errors or generation gaps only")
    args = p.parse_args(argv)
    chooser = load_chooser(args.weights, "evals misses")
    if chooser is None:
        return 2
    # the rows python -m evals score caches (both folds: one cache); only the development fold is printed
    rows = collect(default_goldens(), (DEV, CHECK), cache=CACHE_DIR, k=DEFAULT_K)
    found = [m for m in misses(rows, chooser.weights) if not args.sets or any(s in m["row"]["id"] for s in args.sets)]
    if args.only:
        found = [m for m in found if (m["right"] is None) == (args.only == "generation")]
    for m in found:
        print(describe(m), end="\n\n")
    gaps = sum(m["right"] is None for m in found)
    print(f"{len(found)} development-fold misses: {len(found) - gaps} choice errors, {gaps} with no correct candidate")
    return 0
