"""Golden files: JSONL, an optional ``{"meta": {...}}`` first line, then one question per line.

::

    {"meta": {"corpus": ["corpus"], "description": "..."}}
    {"id": "seed-001", "q": "전주시가 받는 국비는?", "type": "lookup", "kind": "fact",
     "must": [["160억", "160 억"]], "must_not": ["80억"],
     "evidence": [{"doc_id": "molit_2025_smart_city_selection", "lines": [16]}]}

``corpus`` folders are relative to the repository root; several are combined into one corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .metrics import KINDS, TYPES

ROOT = Path(__file__).resolve().parent.parent
EVALS_DIR = Path(__file__).resolve().parent
SEED_GOLDEN = EVALS_DIR / "golden.jsonl"
MULTI_GOLDEN = EVALS_DIR / "golden_multi.jsonl"
REAL_GOLDEN = EVALS_DIR / "golden_real.jsonl"  # announcements modelled on real ones (tests/data/real)
KINDS_GOLDEN = EVALS_DIR / "golden_kinds.jsonl"  # 24 announcements of other kinds (tests/data/kinds)
FRESH_GOLDEN = EVALS_DIR / "golden_seed_fresh.jsonl"  # questions on the bundled announcement written apart
FRESH2_GOLDEN = EVALS_DIR / "golden_seed_fresh2.jsonl"  # more of them, by another helper
WILD_GOLDEN = EVALS_DIR / "golden_wild.jsonl"  # announcements of kinds none of the above has
WILD2_GOLDEN = EVALS_DIR / "golden_wild2.jsonl"  # nine more such announcements, written the same way
WILD3_GOLDEN = EVALS_DIR / "golden_wild3.jsonl"  # and nine more
WILD4_GOLDEN = EVALS_DIR / "golden_wild4.jsonl"  # and eight more, written 2026-12-06
DEFAULT_CORPUS = ["corpus"]


class GoldenError(ValueError):
    """A golden file that cannot be used; the message names the file and line."""


def load_golden(path: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read a golden file: ``(meta, items)``. ``meta["corpus"]`` defaults to ``["corpus"]``."""
    path = Path(path)
    meta: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldenError(f"{path.name}:{n}: not JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise GoldenError(f"{path.name}:{n}: expected a JSON object")
            if "meta" in obj and not items and not meta:
                meta = dict(obj["meta"] or {})
                continue
            obj.setdefault("must", [])
            obj.setdefault("must_not", [])
            obj.setdefault("evidence", [])
            obj["_line"] = n
            items.append(obj)
    meta.setdefault("corpus", list(DEFAULT_CORPUS))
    if isinstance(meta["corpus"], str):
        meta["corpus"] = [meta["corpus"]]
    return meta, items


def corpus_dirs(meta: dict[str, Any], root: Path = ROOT) -> list[Path]:
    return [(root / c).resolve() for c in meta.get("corpus") or DEFAULT_CORPUS]


def default_goldens() -> list[Path]:
    return [p for p in (SEED_GOLDEN, MULTI_GOLDEN, REAL_GOLDEN, KINDS_GOLDEN, FRESH_GOLDEN, FRESH2_GOLDEN, WILD_GOLDEN,
                        WILD2_GOLDEN, WILD3_GOLDEN, WILD4_GOLDEN) if p.is_file()]


def fitted_goldens() -> list[Path]:
    """The default golden files the chooser is fitted on (its development fold): not those whose meta line says
    ``"fit": false``, sets kept to measure the chooser on questions and announcements it was never fitted on."""
    return [p for p in default_goldens() if load_golden(p)[0].get("fit", True)]


def validate_items(items: list[dict[str, Any]], documents: dict[str, Any] | None = None,
                   strict: bool = False) -> list[str]:
    """Problems with a golden file's items (empty when well-formed).

    ``documents`` (doc_id → object with ``lines``) enables the evidence checks: the document exists, every
    cited line number exists in its body and the line is not blank. ``strict`` also requires ``must`` and
    evidence on every answerable item and no evidence on ``none`` items (the seed file is held to this).
    """
    problems = []
    seen: set[str] = set()
    for it in items:
        where = f"line {it.get('_line', '?')} ({it.get('id', '?')})"
        iid = it.get("id")
        if not isinstance(iid, str) or not iid:
            problems.append(f"{where}: missing id")
        elif iid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(iid)
        if not isinstance(it.get("q"), str) or not it["q"].strip():
            problems.append(f"{where}: empty question")
        if it.get("type") not in TYPES:
            problems.append(f"{where}: type {it.get('type')!r} not in {TYPES}")
        if it.get("kind") not in KINDS:
            problems.append(f"{where}: kind {it.get('kind')!r} not in {KINDS}")
        for m in it.get("must") or []:
            alts = [m] if isinstance(m, str) else m
            if not isinstance(alts, list) or not alts or not all(isinstance(a, str) and a.strip() for a in alts):
                problems.append(f"{where}: bad must entry {m!r}")
        if not all(isinstance(x, str) and x.strip() for x in it.get("must_not") or []):
            problems.append(f"{where}: bad must_not {it.get('must_not')!r}")
        hist = it.get("history")
        if hist is not None and not (isinstance(hist, list) and all(isinstance(h, str) for h in hist)):
            problems.append(f"{where}: history must be a list of strings")
        if it.get("type") == "unanswerable" and it.get("kind") != "none":
            problems.append(f"{where}: unanswerable but kind {it.get('kind')!r}")
        if strict and it.get("kind") in ("fact", "passage"):
            if not it.get("must"):
                problems.append(f"{where}: an answerable item without 'must'")
            if not it.get("evidence"):
                problems.append(f"{where}: an answerable item without evidence")
        if strict and it.get("kind") == "none" and it.get("evidence"):
            problems.append(f"{where}: a 'none' item with evidence")
        for ev in it.get("evidence") or []:
            if not isinstance(ev, dict) or not isinstance(ev.get("doc_id"), str) or not ev.get("lines"):
                problems.append(f"{where}: bad evidence {ev!r}")
                continue
            if documents is None:
                continue
            doc = documents.get(ev["doc_id"])
            if doc is None:
                problems.append(f"{where}: evidence doc {ev['doc_id']!r} not in the corpus")
                continue
            for n in ev["lines"]:
                if not isinstance(n, int) or not 1 <= n <= len(doc.lines):
                    problems.append(f"{where}: {ev['doc_id']} has no line {n!r} (1..{len(doc.lines)})")
                elif not doc.lines[n - 1].strip():
                    problems.append(f"{where}: {ev['doc_id']} line {n} is blank")
    return problems
