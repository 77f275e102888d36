"""``Assistant.ask`` is re-entrant: the golden questions asked from 8 threads at once get exactly the answers
a sequential run gives (so the web app needs no lock around it)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "evals" / "golden.jsonl"


def _items() -> list[dict]:
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if "q" in r]


def _ask(assistant, item: dict) -> dict:
    d = assistant.ask(item["q"], history=item.get("history")).to_dict()
    d.pop("timing_ms")
    return d


@pytest.mark.slow
def test_golden_questions_from_8_threads_match_a_sequential_run(assistant):
    items = _items()
    assert len(items) > 100
    sequential = [_ask(assistant, it) for it in items]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda it: _ask(assistant, it), items))
    mismatched = [it["id"] for it, a, b in zip(items, sequential, threaded, strict=True) if a != b]
    assert not mismatched, f"answers differ under concurrency: {mismatched}"
    assert {d["rule"] for d in sequential} >= {"lookup", "passage"}  # the run went through facts and passages
