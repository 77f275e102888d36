"""The split of the golden questions by announcement: a development fold, whose failures are read and which
the chooser is fitted on, and a check fold, which is only counted (``evals/folds.json``).

A question belongs to its announcement: its ``doc`` field, else the document of its first evidence line, else
(for unanswerable questions written about one announcement) the announcement its id names in the golden file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FOLDS_FILE = Path(__file__).resolve().parent / "folds.json"
DEV, CHECK = "dev", "check"


def load_folds(path: Path = FOLDS_FILE) -> dict[str, str]:
    """announcement → fold."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {d: fold for fold in (DEV, CHECK) for d in data[fold]}


def question_doc(item: dict[str, Any], siblings: list[dict[str, Any]] = ()) -> str | None:
    """The announcement a golden question is about."""
    if item.get("doc"):
        return item["doc"]
    for ev in item.get("evidence") or []:
        return ev["doc_id"]
    # an unanswerable question: the announcement of the questions sharing its id's prefix
    prefix = item["id"].rsplit("-", 1)[0]
    for other in siblings:
        if other is not item and other["id"].rsplit("-", 1)[0] == prefix and other.get("evidence"):
            return other["evidence"][0]["doc_id"]
    return None


def assign(items: list[dict[str, Any]], folds: dict[str, str] | None = None) -> dict[str, str]:
    """question id → fold (``dev`` when its announcement is not in the folds file: a new announcement is
    developed on until it is given a fold)."""
    folds = load_folds() if folds is None else folds
    return {it["id"]: folds.get(question_doc(it, items) or "", DEV) for it in items}
