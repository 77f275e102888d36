"""Scoring: answer matching against a golden item, retrieval metrics (ranx), none P/R and latency percentiles.

Nothing here imports ``qa`` or loads a model; ``ranx`` is imported lazily inside :func:`retrieval_metrics`
(it costs about two seconds), so the unit tests of the matching logic stay instant.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

KINDS = ("fact", "passage", "none")
TYPES = ("lookup", "list", "count", "sum", "difference", "total", "description", "unanswerable", "english",
         "paraphrase", "typo", "followup", "multi_doc", "arithmetic", "inverse", "attribution", "date", "metadata")
RETRIEVAL_METRICS = {"hit@1": "hit_rate@1", "hit@3": "hit_rate@3", "hit@5": "hit_rate@5",
                     "mrr@5": "mrr@5", "ndcg@5": "ndcg@5"}
NO_RESULT = "__no_result__"

_STRIP = re.compile(r"[\s,，]+")


# ------------------------------------------------------------------------------------------------ answers
def normalize(text: str) -> str:
    """The form answers and expected strings are compared in: NFC, no whitespace, no commas, casefolded.

    ``"480 억"`` → ``"480억"``, ``"1,200"`` → ``"1200"``, ``"Adaptive City"`` → ``"adaptivecity"``.
    """
    return _STRIP.sub("", unicodedata.normalize("NFC", str(text or ""))).casefold()


def _alternatives(requirement: str | Sequence[str]) -> list[str]:
    return [requirement] if isinstance(requirement, str) else list(requirement)


def missing_musts(answer: str, must: Iterable[str | Sequence[str]]) -> list[list[str]]:
    """The ``must`` requirements (each a string or a list of alternatives) that the answer does not meet."""
    a = normalize(answer)
    return [alts for alts in map(_alternatives, must) if not any(normalize(x) and normalize(x) in a for x in alts)]


def found_must_nots(answer: str, must_not: Iterable[str]) -> list[str]:
    """The ``must_not`` strings that do appear in the answer."""
    a = normalize(answer)
    return [x for x in must_not if normalize(x) and normalize(x) in a]


# the rules of computed answers ("차이: 1.5%p (a 1.9% - b 0.4%)"): what they state is their result; the working
# after it quotes the operands, which are not the answer
COMPUTED_RULES = ("typed:sum", "typed:diff", "typed:ratio", "typed:share")


def stated(got: dict[str, Any]) -> str:
    """What an answer states: its text, or a computed answer's result without its working (a difference of the
    wrong two figures is wrong even when its working quotes the figure asked)."""
    answer = got.get("answer") or ""
    if got.get("rule") in COMPUTED_RULES:
        return answer.split(" (", 1)[0]
    return answer


def judge(item: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """Score one answer (``Answer.to_dict()``-shaped) against a golden item.

    Correct when the kind fits (expected ``none`` → got ``none``; expected ``fact``/``passage`` → got anything
    but ``none``), every ``must`` is met by what it states (:func:`stated`) and no ``must_not`` appears.
    ``kind_agree`` is exact kind equality (a fact answered as a passage is correct if its text passes, but does
    not agree in kind).
    """
    expected, kind = item["kind"], got.get("kind")
    answer = stated(got)
    kind_ok = (kind == "none") if expected == "none" else (kind in ("fact", "passage"))
    missing = missing_musts(answer, item.get("must") or [])
    forbidden = found_must_nots(answer, item.get("must_not") or [])
    return {"correct": bool(kind_ok and not missing and not forbidden), "kind_ok": kind_ok,
            "kind_agree": kind == expected, "missing": missing, "forbidden": forbidden}


# ------------------------------------------------------------------------------------------------ retrieval
def chunk_key(doc_id: str, start: int, end: int) -> str:
    return f"{doc_id}#{start}-{end}"


def covers(doc_id: str, lines: Sequence[int], evidence: Iterable[dict[str, Any]]) -> bool:
    """Whether a passage (``doc_id``, ``[start, end]``) contains one of the gold evidence lines."""
    start, end = int(lines[0]), int(lines[1])
    return any(ev["doc_id"] == doc_id and any(start <= int(n) <= end for n in ev.get("lines") or [])
               for ev in evidence)


def chunk_keys(chunks: Iterable[Any]) -> dict[str, str]:
    """``chunk_id`` → run key ``doc#start-end`` for every chunk of an index (``~2``, ``~3`` … on a repeated
    line span, so two chunks of one long line stay distinct)."""
    seen: Counter[str] = Counter()
    out = {}
    for c in chunks:
        base = chunk_key(c.doc_id, c.start, c.end)
        seen[base] += 1
        out[c.chunk_id] = base if seen[base] == 1 else f"{base}~{seen[base]}"
    return out


def retrieval_judgement(sources: Sequence[dict[str, Any]], evidence: Sequence[dict[str, Any]],
                        chunks: Iterable[Any] = ()) -> tuple[list[str], list[str]]:
    """Run keys of the returned sources (best first) and the relevant keys (qrels) for one question.

    The relevant set is every index chunk that covers a gold line, plus every returned source that does, so
    nDCG's ideal ranking knows about relevant chunks that were not retrieved.
    """
    chunks = list(chunks)
    by_id = chunk_keys(chunks)
    ranked, relevant, used = [], set(), Counter()
    for s in sources:
        key = by_id.get(s.get("chunk_id", ""))
        if key is None:
            base = chunk_key(s["doc_id"], s["lines"][0], s["lines"][1])
            used[base] += 1
            key = base if used[base] == 1 else f"{base}~{used[base]}"
        ranked.append(key)
        if covers(s["doc_id"], s["lines"], evidence):
            relevant.add(key)
    for c in chunks:
        if covers(c.doc_id, (c.start, c.end), evidence):
            relevant.add(by_id[c.chunk_id])
    if not relevant:  # a gold line no chunk covers: keep the question, it can only score 0
        relevant.add("__gold_not_indexed__")
    return ranked, sorted(relevant)


def first_relevant_rank(ranked: Sequence[str], relevant: Iterable[str]) -> int | None:
    rel = set(relevant)
    return next((i for i, key in enumerate(ranked, start=1) if key in rel), None)


def retrieval_metrics(judged: dict[str, tuple[Sequence[str], Sequence[str]]]) -> dict[str, float | int]:
    """hit@1/3/5, MRR@10 and nDCG@10 with ranx over ``{query_id: (ranked run keys, relevant keys)}``.

    Scores are descending by rank (1/rank). A question with no sources gets one non-relevant placeholder.
    """
    out: dict[str, float | int] = {"n": len(judged)}
    if not judged:
        return {**out, **{name: None for name in RETRIEVAL_METRICS}}
    from ranx import Qrels, Run, evaluate  # lazy: ~2 s import

    qrels = {q: {key: 1 for key in rel} for q, (_, rel) in judged.items()}
    run = {}
    for q, (ranked, _) in judged.items():
        scores: dict[str, float] = {}
        for i, key in enumerate(ranked, start=1):
            scores.setdefault(key, 1.0 / i)
        run[q] = scores or {NO_RESULT: 0.0}
    res = evaluate(Qrels(qrels), Run(run), list(RETRIEVAL_METRICS.values()))
    if not isinstance(res, dict):
        res = {list(RETRIEVAL_METRICS.values())[0]: res}
    out.update({name: float(res[m]) for name, m in RETRIEVAL_METRICS.items()})
    return out


# ------------------------------------------------------------------------------------------------ aggregates
def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile (numpy's default) of a non-empty sequence; ``None`` when empty."""
    v = sorted(values)
    if not v:
        return None
    pos = (len(v) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def none_pr(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Precision / recall of answering ``none``; positive class = expected ``none``. Pairs are (expected, got)."""
    tp = fp = fn = tn = 0
    for expected, got in pairs:
        e, g = expected == "none", got == "none"
        tp += e and g
        fp += (not e) and g
        fn += e and not g
        tn += (not e) and not g
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}


def by_rule(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Answer accuracy per answering rule (``Answer.rule``: lookup, sum, passage, not_found:… ), so a change to
    one rule shows where it helps or hurts."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[r.get("rule") or "-"].append(r)
    return {name: {"n": len(rs), "correct": sum(r["correct"] for r in rs),
                   "accuracy": _ratio(sum(r["correct"] for r in rs), len(rs))}
            for name, rs in sorted(groups.items())}


def compute_metrics(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate per-question records (see :func:`evals.run.evaluate_items`) into the reported metrics."""
    n = len(records)
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_type[r["type"]].append(r)
    judged = {r["key"]: (r["ranked"], r["relevant"]) for r in records if r.get("relevant")}
    lat = [r["latency_ms"] for r in records if r.get("latency_ms") is not None]
    return {
        "n": n,
        "correct": sum(r["correct"] for r in records),
        "answer_accuracy": _ratio(sum(r["correct"] for r in records), n),
        "kind_agreement": _ratio(sum(r["kind_agree"] for r in records), n),
        "errors": sum(1 for r in records if r.get("error")),
        "by_type": {t: {"n": len(rs), "correct": sum(r["correct"] for r in rs),
                        "accuracy": _ratio(sum(r["correct"] for r in rs), len(rs)),
                        "kind_agreement": _ratio(sum(r["kind_agree"] for r in rs), len(rs))}
                    for t, rs in sorted(by_type.items())},
        "by_rule": by_rule(records),
        "none": none_pr((r["expected_kind"], r["got_kind"]) for r in records),
        "retrieval": retrieval_metrics(judged),
        "latency_ms": {"n": len(lat), "p50": percentile(lat, 50), "p95": percentile(lat, 95),
                       "mean": _ratio(sum(lat), len(lat)), "max": max(lat) if lat else None},
    }
