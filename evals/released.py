"""The released former checks (``../shared/evals/released``), read from where they are published, never copied
into the project, and skipped when that folder is absent.

Each set names its corpus: the bundled announcement, plus documents from ``released/docs/``. Items carry
``all`` (every key must be in the answer), ``any`` (one of them), ``not`` (none) and ``none`` (the answer must
be "not found"); :func:`passes` applies exactly that rule, comparing with all whitespace removed.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .golden import ROOT

RELEASED_DIR = (ROOT.parent / "shared" / "evals" / "released").resolve()
# the corpora and indexes built from the released documents live outside the project (their texts are never copied
# into it, not even into its git-ignored caches)
CACHE_DIR = Path(tempfile.gettempdir()) / "gongo-qa-released"
# set → the documents of released/docs/ its corpus adds to the bundled one
SETS = {"seed_2025": (), "smartcity_2023": ("molit_2023_smartcity_selection",),
        "real_2019_2021": ("mois_2019_school_zone_accidents", "msit_2020_regional_future_science",
                           "cdsch_2021_phased_recovery_step1")}


def available(folder: Path = RELEASED_DIR) -> bool:
    return all((folder / f"{name}.jsonl").is_file() for name in SETS)


def load_set(name: str, folder: Path = RELEASED_DIR) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def corpus_for(name: str, cache: Path = CACHE_DIR, folder: Path = RELEASED_DIR) -> Path:
    """A corpus folder (under ``cache``) with the bundled announcement and the set's documents."""
    target = cache / f"released-{name}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for f in (ROOT / "corpus").iterdir():
        if f.suffix in (".txt", ".json"):
            shutil.copy2(f, target / f.name)
    for doc in SETS[name]:
        for ext in (".txt", ".json"):
            src = folder / "docs" / f"{doc}{ext}"
            if src.is_file():
                shutil.copy2(src, target / src.name)
    return target


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def passes(item: dict[str, Any], got: dict[str, Any]) -> bool:
    """The released scorer's rule (whitespace-insensitive substring checks)."""
    if item.get("none"):
        return got.get("kind") == "none"
    if got.get("kind") == "none":
        return False
    text = _flat(got.get("answer", ""))
    ok = all(_flat(k) in text for k in item.get("all") or [])
    if item.get("any"):
        ok = ok and any(_flat(k) in text for k in item["any"])
    return ok and not any(_flat(k) in text for k in item.get("not") or [])


def as_golden(item: dict[str, Any]) -> dict[str, Any]:
    """A released item in the golden files' shape (for the fit's labels and the shared report code)."""
    must = [[k] for k in item.get("all") or []] + ([list(item["any"])] if item.get("any") else [])
    return {"id": item["id"], "q": item["q"], "type": item.get("type", "released"), "history": item.get("history"),
            "kind": "none" if item.get("none") else "fact", "must": must, "must_not": list(item.get("not") or []),
            "evidence": [], "released": item}
