"""The chooser: one linear model over every candidate's features, its weights a versioned data file.

``score(c) = Σ weight[f] · c.features[f]``; the best-scoring candidate answers. "Not found" is one of the
candidates, scored by its own features (its prior ``gen:not_found`` and the reasons it carries), so its score
is the calibrated threshold an answer must clear. The weights are fitted by ``python -m evals fit`` (pairwise
logistic regression over the golden questions of the development fold, cross-validated by announcement) and
shipped in ``qa/data/chooser.json`` with the features' names, the fold and what the fit measured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import Any

from .candidate import Candidate

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "chooser.json"
FORMAT_VERSION = 1


class ChooserError(ValueError):
    """A weights file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Chooser:
    """Weights by feature name; a feature the file does not name weighs 0."""

    weights: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Chooser:
        path = Path(path or WEIGHTS_FILE)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ChooserError(f"{path}: cannot read the chooser's weights ({exc})") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION or not isinstance(data.get("weights"), dict):
            raise ChooserError(f"{path}: not a chooser weights file of format {FORMAT_VERSION}")
        return cls({k: float(v) for k, v in data["weights"].items()}, {k: v for k, v in data.items() if k != "weights"})

    def save(self, path: str | Path | None = None) -> Path:
        """Write the weights atomically (sorted keys, so a refit shows as a readable diff)."""
        path = Path(path or WEIGHTS_FILE)
        data = {"format": FORMAT_VERSION, **{k: v for k, v in self.meta.items() if k != "format"},
                "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())}}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path

    def score(self, c: Candidate) -> float:
        """``Σ weight[f] · c.features[f]``, in the order of the features (the same float sum, iterated in C)."""
        return sum(map(mul, map(self.weights.get, c.features, repeat(0.0)), c.features.values()))

    def choose(self, candidates: list[Candidate]) -> Candidate:
        """The best-scoring candidate (the first of equals, in generator order); scores are kept on each."""
        for c in candidates:
            c.score = self.score(c)
        return max(candidates, key=lambda c: c.score)
