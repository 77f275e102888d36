"""No input gives a 500: random Unicode into ``Assistant.ask`` (hypothesis) and a schema-driven fuzzer
(schemathesis on ``/openapi.json``) against the JSON API. Both are bounded (a few seconds each).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from qa import Answer, QuestionError

ROOT = Path(__file__).resolve().parent.parent
# what hostile or broken clients send: lone surrogates, C0/C1 controls, bidi and zero-width marks, BOM,
# noncharacters, private use, combining marks, full-width forms
NASTY = ["\ud800", "\udfff", "\udbff\udc00", "\x00", "\x1b[31m", "\x7f", "\x85", "\u200b", "\u200d", "\u200e",
         "\u200f", "\u202e", "\u2066", "\u2069", "\ufeff", "\ufffe", "\uffff", "\U0010ffff", "\ue000", "\u0301",
         "\uff11\uff16\uff10억", "\u3000", "\r\n", "\t"]
WORDS = ["전주시", "국비", "는?", "얼마", "선정", "강소형", "경쟁률", " ", "1:1", "160억원", "?", "SELECT *", "<b>"]
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.sampled_from(WORDS),
                                st.characters(exclude_categories=()),  # every code point, surrogates included
                                st.text(max_size=8)), max_size=24).map("".join)


def _encodable(obj) -> None:
    """What the API does with an answer: UTF-8 JSON (fails on lone surrogates)."""
    json.dumps(obj, ensure_ascii=False).encode("utf-8")


@pytest.mark.slow  # ~15-30 s on a busy 2-core machine
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(question=nasty_text)
def test_ask_survives_any_unicode(assistant, question):
    """Either a clear QuestionError or an answer whose every field can be sent as UTF-8 JSON."""
    try:
        clean = assistant.check_question(question)
    except QuestionError as exc:
        assert str(exc) and "(" in str(exc)  # Korean message with the English one in brackets
        with pytest.raises(QuestionError):
            assistant.ask(question)
        return
    assert clean == clean.strip() and 0 < len(clean) <= len(question)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in clean)
    ans = assistant.ask(question)
    assert isinstance(ans, Answer) and ans.kind in ("fact", "passage", "none")
    body = ans.to_dict()
    body.pop("question")  # echoed as given (the Python API); the web API echoes the cleaned question
    _encodable(body)
    _encodable(assistant.ask(clean).to_dict())


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(history=st.lists(nasty_text, max_size=5), question=nasty_text)
def test_api_survives_any_unicode_question_and_history(client, history, question):
    """The same through HTTP, including ``history`` (sent as JSON with \\u escapes, as a browser would)."""
    body = json.dumps({"question": question, "history": history})
    r = client.post("/api/ask", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (200, 413, 422), r.text[:300]
    assert isinstance(r.json()["detail" if r.status_code != 200 else "answer"], str)


# --------------------------------------------------------------------------- leading RTL / format marks
def golden_questions(n: int = 40) -> list[str]:
    rows = [json.loads(line) for line in open(ROOT / "evals" / "golden.jsonl", encoding="utf-8") if line.strip()]
    return [r["q"] for r in rows if "q" in r and not r.get("history")][:n]


@pytest.mark.slow  # 40 questions x 3 variants (6-20 s)
def test_leading_rtl_mark_does_not_change_the_answer(assistant):
    """Before: a leading U+200F (or a zero-width space) changed 1 of these 40 golden answers."""
    def answer(q: str) -> dict:
        d = assistant.ask(q).to_dict()
        d.pop("timing_ms"), d.pop("question")
        return d

    for q in golden_questions():
        plain = answer(q)
        for mark in ("\u200f", "\u200b\u202b\ufeff"):
            assert answer(mark + q) == plain, (mark, q)


# --------------------------------------------------------------------------- schemathesis on /openapi.json
OPERATIONS = [("POST", "/api/ask"), ("GET", "/api/facts"), ("GET", "/api/documents"), ("GET", "/healthz"),
              ("GET", "/api/documents/{doc_id}"), ("POST", "/api/feedback")]


def test_openapi_lists_the_fuzzed_operations(app):
    spec = app.openapi()
    assert {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops} == set(OPERATIONS)


@pytest.mark.parametrize("method,path", OPERATIONS)
def test_api_has_no_server_errors(app, method, path):
    """Each operation of /openapi.json with schemathesis-generated inputs, schema-valid and not (wrong types,
    missing fields, odd strings): never a 5xx, and every error is JSON with a ``detail`` message."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operation = schema[path][method]
    seen = []

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)))
    def check(case):
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
        if response.status_code >= 400:
            assert isinstance(response.json().get("detail"), str)

    check()
    assert seen
