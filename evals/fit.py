"""``python -m evals fit``: fit the chooser's weights on the development fold and measure them.

Every golden question of the development fold is asked once; each of its candidates gets its features and a
label (would this candidate's text be judged correct?). The weights are a pairwise logistic regression (a
RankSVM-style fit: for each question, every correct candidate's features minus every wrong one's, weighted so
each question counts once), with no intercept, so only differences between candidates matter. The
regularisation is chosen by cross-validation grouped by announcement (``GroupKFold``): no question's
announcement is ever in the fold that fits it, so the cross-validated accuracy says how the chooser does on
announcements it was not fitted on. The final weights are fitted on the whole development fold and written to
``qa/data/chooser.json``; the check fold is never read here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from .folds import DEV, assign, question_doc
from .golden import corpus_dirs, load_golden
from .metrics import judge

log = logging.getLogger("evals")
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
C_MARGIN = 2  # questions of cross-validated accuracy by which a weaker regularisation must win (best_c)
SPLITS = 5
# C is chosen on the mean of this many grouped splits (the first the plain GroupKFold, the others with the
# announcements shuffled): one split's accuracy moves by about as much as C does, so one split alone would let
# the split decide
REPEATS = 3
# the solver's stopping tolerance: at scikit-learn's default (1e-4) L-BFGS stops 0.025 short of the optimum and
# features that differ in the sixth decimal moved a weight by 0.008, so a fresh clone's fit missed the shipped
# weights; at 1e-8 the same change moves none by more than 3e-6 (120 iterations instead of 40, 1.7 s)
SOLVER_TOL = 1e-8


# ------------------------------------------------------------------------------------------------ data
def collect(goldens: list[Path], folds: tuple[str, ...] = (DEV,), cache: Path | None = None,
            assistant_for=None, k: int | None = None) -> list[dict[str, Any]]:
    """One row per question of the given folds: its candidates' features, labels and generators.

    ``assistant_for(corpus_dirs)`` gives the assistant of a golden file's corpus (default: the evals cache's).
    """
    from .run import load_assistant, qa_source_hash

    assistant_for = assistant_for or load_assistant

    key = hashlib.sha256(("|".join(str(g) for g in goldens) + "|".join(folds) + f"|k={k}|" + qa_source_hash()
                          + (Path(__file__).parent / "metrics.py").read_text(encoding="utf-8")  # the labels' judge
                          + "".join(Path(g).read_text(encoding="utf-8") for g in goldens)).encode()).hexdigest()[:16]
    cached = cache / f"fit-rows-{key}.json" if cache else None
    if cached and cached.is_file():
        return json.loads(cached.read_text(encoding="utf-8"))
    rows = []
    for path in goldens:
        meta, items = load_golden(path)
        fold = assign(items)
        wanted = [it for it in items if fold[it["id"]] in folds]
        if not wanted:
            continue
        t0 = time.perf_counter()
        a = assistant_for(corpus_dirs(meta))  # the features do not depend on the chooser's weights
        for it in wanted:
            _, cands = a.candidates(it["q"], it.get("history"), k=k)
            rows.append(fit_row(Path(path).stem, it, items, fold[it["id"]], cands))
        log.info("%s: %d questions in %.1fs", Path(path).name, len(wanted), time.perf_counter() - t0)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return rows


def fit_row(stem: str, it: dict[str, Any], items: list[dict[str, Any]], fold: str, cands,
            judge_with=None) -> dict[str, Any]:
    """One question's row: its candidates' generators, texts, features and labels (would each be judged correct?
    by ``judge_with(item, answer)``, default the golden files' judge)."""
    verdict = judge_with or (lambda item, got: judge(item, got)["correct"])
    return {"id": f"{stem}/{it['id']}", "q": it["q"], "group": question_doc(it, items) or stem, "fold": fold,
            "generators": [c.generator for c in cands], "rules": [c.rule for c in cands],
            "texts": [c.text[:200] for c in cands], "features": [c.features for c in cands],
            "labels": [bool(verdict(it, {"answer": c.text, "kind": c.kind, "rule": c.rule})) for c in cands]}


def feature_names(rows: list[dict[str, Any]]) -> list[str]:
    return sorted({name for r in rows for f in r["features"] for name in f})


def matrix(row: dict[str, Any], names: list[str], skip_generators: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """A question's candidates as a feature matrix, and their labels (candidates of skipped generators left out)."""
    keep = [i for i, g in enumerate(row["generators"]) if g not in skip_generators]
    x = np.array([[row["features"][i].get(n, 0.0) for n in names] for i in keep], dtype=float).reshape(len(keep), len(names))
    return x, np.array([row["labels"][i] for i in keep], dtype=bool)


# ------------------------------------------------------------------------------------------------ fit
def fit(rows: list[dict[str, Any]], names: list[str], c: float, skip_generators: tuple[str, ...] = ()) -> np.ndarray:
    """Pairwise logistic regression: weights such that correct candidates outscore wrong ones."""
    from sklearn.linear_model import LogisticRegression

    diffs, weights = [], []
    for r in rows:
        x, y = matrix(r, names, skip_generators)
        pos, neg = x[y], x[~y]
        if not len(pos) or not len(neg):
            continue
        d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, len(names))
        diffs.append(d)
        weights.append(np.full(len(d), 1.0 / len(d)))
    if not diffs:
        return np.zeros(len(names))
    d = np.vstack(diffs)
    w = np.concatenate(weights)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000, tol=SOLVER_TOL)
    model.fit(np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))], sample_weight=np.r_[w, w])
    return model.coef_[0]


def chosen_is_correct(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> bool:
    """Whether a question's best-scoring candidate (the first of equals, as the chooser takes it) is correct."""
    return bool(len(x)) and bool(y[int(np.argmax(x @ weights))])


def accuracy(rows: list[dict[str, Any]], names: list[str], weights: np.ndarray,
             skip_generators: tuple[str, ...] = ()) -> float:
    """Share of questions whose best-scoring candidate (the first of equals) is correct."""
    good = sum(chosen_is_correct(*matrix(r, names, skip_generators), weights) for r in rows)
    return good / len(rows) if rows else 0.0


def cross_validate(rows: list[dict[str, Any]], names: list[str], c: float,
                   skip_generators: tuple[str, ...] = (), repeats: int = 1) -> float:
    """Accuracy of weights fitted without each question's announcement (GroupKFold by announcement), the mean
    over ``repeats`` splits: the plain GroupKFold first, then ones with the announcements shuffled (seeds 1, 2 …)."""
    from sklearn.model_selection import GroupKFold

    groups = [r["group"] for r in rows]
    splits = min(SPLITS, len(set(groups)))
    if splits < 2:
        return accuracy(rows, names, fit(rows, names, c, skip_generators), skip_generators)
    good = 0.0
    for seed in range(repeats):
        folds = GroupKFold(n_splits=splits, shuffle=True, random_state=seed) if seed else GroupKFold(n_splits=splits)
        for train, test in folds.split(rows, groups=groups):
            w = fit([rows[i] for i in train], names, c, skip_generators)
            good += accuracy([rows[i] for i in test], names, w, skip_generators) * len(test)
    return good / (len(rows) * repeats)


def oracle(rows: list[dict[str, Any]]) -> float:
    """Share of questions with at least one correct candidate: what a perfect chooser would reach."""
    return sum(any(r["labels"]) for r in rows) / len(rows) if rows else 0.0


def best_c(rows: list[dict[str, Any]], names: list[str], keep: float | None = None) -> tuple[float, dict[float, float]]:
    """The C the fit uses: the strongest regularisation (the smallest C) that cross-validates within
    ``C_MARGIN`` questions of the best: a C better by less is no better (the habit of the one-standard-error rule,
    with a floor in questions). With a floor of one question the choice between C 1 and C 3 followed float noise
    in the stored vectors: 1e-6 in ``dense_similarity`` between two runs of the same code made C 3 better by 1.3
    questions in one (C .3 / 1 / 3: 724.3 / 725.7 / 727.0 of 1,160) and by under one in the other (2026-12-07), and
    the shipped weights with it; on those candidates the C 3 fit's band on the check fold was 417.4 against 418.4
    at C 1. Three questions would have taken C .3 there, which loses ten check questions (2026-12-06).

    ``keep`` (the shipped weights' C) stays while it is within the margin: a change that moved the cross-validated
    accuracies by a question or two took C .3 over C 1 (.624 against .626), and with it 16 check questions the
    change at C 1 did not lose (2026-12-07). A C is changed when another wins by the margin, not by noise. With the
    solver run to its optimum (:data:`SOLVER_TOL`) C 3 cross-validated 3.5 questions above C 1 and lost 4.6 check
    questions (2026-12-08); C 3 − C 1 over six single splits ranged from −10 to +7 questions, so the margin is still
    below the splits' noise: ``evals fit --check`` refits at the shipped C and reports this choice beside it."""
    scores = {c: cross_validate(rows, names, c, repeats=REPEATS) for c in C_GRID}
    return pick_c(scores, len(rows), keep), scores


def pick_c(scores: dict[float, float], questions: int, keep: float | None = None) -> float:
    """:func:`best_c`'s rule over cross-validated accuracies already measured (``scores`` by C)."""
    top = max(scores.values())
    within = [c for c in sorted(scores) if scores[c] >= top - C_MARGIN / questions]
    return keep if keep in within else min(within)


def ablation(rows: list[dict[str, Any]], names: list[str], c: float) -> dict[str, dict[str, float]]:
    """Cross-validated accuracy with one feature, or one generator (its candidates and its prior), left out; an
    indicator family (``form:*``, ``asks:*``: :func:`qa.answer.form.answer_form`) goes out whole. On the same
    ``REPEATS`` splits as :func:`best_c`, so each entry compares with the all-in accuracy it is printed beside."""
    out = {"feature": {}, "generator": {}}
    for entry in dict.fromkeys(family(n) for n in names if not n.startswith("gen:")):
        out["feature"][entry] = cross_validate(rows, [m for m in names if family(m) != entry], c, repeats=REPEATS)
    for g in sorted({g for r in rows for g in r["generators"]}):
        out["generator"][g] = cross_validate(rows, [m for m in names if m != f"gen:{g}"], c, skip_generators=(g,),
                                             repeats=REPEATS)
    return out


def family(name: str) -> str:
    """A feature's ablation entry: its own name, or ``form:*`` for every indicator of a family."""
    from qa.answer.form import ANSWER_FORM_FAMILIES

    head = name.split(":", 1)[0]
    return f"{head}:*" if ":" in name and head in ANSWER_FORM_FAMILIES else name


def fit_rows(rows: list[dict[str, Any]], keep: float | None = None,
             c: float | None = None) -> tuple[list[str], np.ndarray, float, dict[float, float]]:
    """The shipped fit: the feature names, the weights fitted on all ``rows`` with the C that cross-validates
    best (:func:`best_c`, ``keep`` the shipped C) or the ``c`` given, that C and the cross-validated accuracy of
    every C tried (and of ``c``)."""
    names = feature_names(rows)
    chosen, by_c = best_c(rows, names, keep)
    if c is not None and c not in by_c:
        by_c[c] = cross_validate(rows, names, c, repeats=REPEATS)
    c = chosen if c is None else c
    return names, fit(rows, names, c), c, by_c


def shipped_c() -> float | None:
    """The C of the shipped weights (``qa/data/chooser.json``), which :func:`best_c` keeps while it is within the
    margin."""
    from qa.answer.chooser import Chooser

    return Chooser.load(None).meta.get("c")


def differs(names: list[str], weights: np.ndarray, shipped: dict[str, float]) -> float:
    """The largest difference between fitted and shipped weights (a feature either side lacks counts as 0)."""
    fitted = dict(zip(names, weights, strict=True))
    return max((abs(fitted.get(n, 0.0) - shipped.get(n, 0.0)) for n in set(fitted) | set(shipped)), default=0.0)


def write_weights(names: list[str], weights: np.ndarray, meta: dict[str, Any], path: Path | None = None) -> Path:
    from qa.answer.chooser import Chooser

    return Chooser({n: float(w) for n, w in zip(names, weights, strict=True)}, meta).save(path)


# ------------------------------------------------------------------------------------------------ CLI
def main(argv: list[str] | None = None) -> int:
    """``python -m evals fit [--golden FILE …] [--ablation] [--check] [--out FILE]``."""
    import argparse

    from .golden import fitted_goldens
    from .run import CACHE_DIR, DEFAULT_K

    p = argparse.ArgumentParser(prog="python -m evals fit", description=__doc__.split("\n\n")[0])
    p.add_argument("--golden", nargs="+", type=Path, metavar="FILE",
                   help='golden files (default: those of evals/ whose meta line does not say "fit": false)')
    p.add_argument("--ablation", action="store_true", help="also print the accuracy with each feature and each "
                   "generator left out (cross-validated)")
    p.add_argument("--check", action="store_true", help="fit at the shipped weights' C, and compare with them "
                   "instead of writing them (exit 1 when they differ); prints the C cross-validation would take")
    p.add_argument("--out", type=Path, help="where to write the weights (default qa/data/chooser.json)")
    p.add_argument("--c", type=float, help="fit at this C instead of the one cross-validation chooses (to compare "
                   "a change at the shipped C)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    goldens = args.golden or fitted_goldens()
    rows = collect(goldens, (DEV,), cache=CACHE_DIR, k=DEFAULT_K)  # the candidates python -m evals judges
    keep = shipped_c()
    # the check asks whether the shipped weights are reproduced, so it refits at their C; which C cross-validation
    # would take now is printed beside (a change of C is a change to measure, not a failed reproduction)
    at = args.c if args.c is not None else keep if args.check else None
    names, weights, c, by_c = fit_rows(rows, keep=keep, c=at)
    cv = by_c[c]
    print(f"development fold: {len(rows)} questions, {len({r['group'] for r in rows})} announcements, "
          f"{len(names)} features")
    print(f"oracle (a correct candidate exists): {oracle(rows):.3f}")
    print(f"cross-validated accuracy by C (GroupKFold by announcement, mean of {REPEATS} splits): "
          + ", ".join(f"C={k:g} {v:.3f}" for k, v in by_c.items()))
    print(f"chosen C={c:g}: cross-validated {cv:.3f}, in-sample {accuracy(rows, names, weights):.3f}")
    if args.ablation:
        print_ablation(ablation(rows, names, c), cv)
    meta = {"fitted_by": "python -m evals fit", "c": c, "questions": len(rows),
            "announcements": len({r["group"] for r in rows}), "cv_accuracy": round(cv, 4), "cv_repeats": REPEATS,
            "goldens": [Path(g).name for g in goldens], "fold": DEV}
    if args.check:
        from qa.answer.chooser import Chooser

        by_cv = pick_c({k: v for k, v in by_c.items() if k in C_GRID}, len(rows), keep)
        if by_cv != c:
            print(f"cross-validation would take C={by_cv:g} (the check refits at the shipped C={c:g})")
        diff = differs(names, weights, Chooser.load(args.out).weights)
        print(f"largest difference from the shipped weights: {diff:.6f}")
        return 0 if diff < 1e-3 else 1
    print(f"weights: {write_weights(names, weights, meta, args.out)}")
    return 0


def print_ablation(result: dict[str, dict[str, float]], full: float, file=None) -> None:
    print(f"\nablation (development fold, cross-validated by announcement; all in: {full:.3f})", file=file)
    print(f"{'left out':<28} {'accuracy':>8} {'change':>8}", file=file)
    for kind in ("generator", "feature"):
        for name, acc in sorted(result[kind].items(), key=lambda kv: kv[1]):
            print(f"{kind[:3]} {name:<24} {acc:8.3f} {acc - full:+8.3f}", file=file)
