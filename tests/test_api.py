"""The web app without a browser: JSON API, health, CORS / embedding headers, and the HTML rendering helpers."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # ui.py lives at the repo root

import ui  # noqa: E402
from qa import Fact  # noqa: E402

ALLOWED = "http://portal.allowed.example"
EVIL = "http://evil.example"
QUESTION = "전주시가 받는 국비는?"


@pytest.fixture(scope="module")
def app(seed_config, assistant):
    """The app over the session-built index (no rebuild), one allowed embedding origin; a rate limit high
    enough for this module's requests (the limit itself: tests/test_security.py)."""
    return ui.create_app(seed_config.replace(allowed_origins=(ALLOWED + "/",), rate_limit="1000/minute"),
                         assistant=assistant)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:
        yield c


# --------------------------------------------------------------------------- /api/ask
def test_ask_answers_with_sources(client):
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"question", "answer", "kind", "rule", "facts", "sources", "timing_ms"}
    assert body["question"] == QUESTION
    assert body["kind"] in ("fact", "passage", "none")
    assert body["sources"], "an answer must come with source passages"
    assert "160억" in body["answer"] or any("160억" in s["text"] for s in body["sources"])
    src = body["sources"][0]
    assert {"doc_id", "title", "published", "chunk_id", "section", "lines", "text", "score", "highlights"} <= set(src)
    for s, e in src["highlights"]:
        assert 0 <= s < e <= len(src["text"])


def test_ask_is_exactly_answer_to_dict(client, assistant):
    body = client.post("/api/ask", json={"question": QUESTION}).json()
    expected = assistant.ask(QUESTION).to_dict()
    body.pop("timing_ms"), expected.pop("timing_ms")
    assert body == expected


def test_ask_with_history_and_k(client):
    r = client.post("/api/ask", json={"question": "강소형은?", "history": [QUESTION], "k": 2})
    assert r.status_code == 200, r.text
    assert 1 <= len(r.json()["sources"]) <= 2


def test_list_answers_page(seed_config, assistant):
    """With ``answer_list_items`` = 2 the seed's list of selected cities is cut: the text shows two names with
    "외 N건 (총 M건)", ``page`` holds them, and ``offset``/``limit`` page through the rest in order."""
    from qa import Assistant

    config = seed_config.replace(answer_list_items=2, rate_limit="")
    small = Assistant(config, assistant.index)
    full = assistant.ask("강소형 선정 도시는?").to_dict()
    assert "page" not in full and "외 " not in full["answer"]  # short lists are shown whole, as before
    with TestClient(ui.create_app(config, assistant=small)) as c:
        body = c.post("/api/ask", json={"question": "강소형 선정 도시는?"}).json()
        page = body["page"]
        assert page["offset"] == 0 and page["limit"] == 2 and page["total"] >= 3 and page["next_offset"] == 2
        assert re.search(rf"외 {page['total'] - 2}건 \(총 {page['total']}건\)", body["answer"])
        assert all(name in body["answer"] for name in page["items"])
        names = list(page["items"])
        offset = page["next_offset"]
        while offset is not None:
            nxt = c.post("/api/ask", json={"question": "강소형 선정 도시는?", "offset": offset, "limit": 1}).json()
            assert nxt["page"]["offset"] == offset and len(nxt["page"]["items"]) == 1
            names += nxt["page"]["items"]
            offset = nxt["page"]["next_offset"]
        assert len(names) == page["total"] == len(set(names))
        assert all(n in full["answer"] for n in names)  # the pages hold exactly what the whole list says
        assert c.post("/api/ask", json={"question": "q", "limit": 0}).status_code == 422
        assert c.post("/api/ask", json={"question": "q", "offset": -1}).status_code == 422
        spec = c.get("/openapi.json").json()
        props = spec["components"]["schemas"]["AskRequest"]["properties"]
        assert {"offset", "limit"} <= set(props)


@pytest.mark.parametrize("question", ["", "   ", "\n\t ", "가" * 2000])
def test_bad_questions_are_4xx_with_a_message(client, question):
    r = client.post("/api/ask", json={"question": question})
    assert 400 <= r.status_code < 500
    detail = r.json()["detail"]
    assert isinstance(detail, str) and detail
    assert re.search(r"[가-힣]", detail) and re.search(r"[A-Za-z]{4}", detail)  # Korean + English


@pytest.mark.parametrize("body", [{}, {"question": None}, {"question": 3.5}, {"question": "q", "k": 0},
                                  {"question": "q", "history": "not a list"}])
def test_malformed_requests_are_422_with_a_message(client, body):
    r = client.post("/api/ask", json=body)
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str) and "Invalid request" in r.json()["detail"]


def test_not_json_is_4xx(client):
    r = client.post("/api/ask", content=b"not json", headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500


# --------------------------------------------------------------------------- /healthz, /api/facts, /api/documents
def test_healthz(client, assistant):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True
    assert body["index_loaded"] is True
    assert body["documents"] == len(assistant.documents) >= 1
    assert body["chunks"] > 0
    assert {"facts", "built_at", "embedder", "index_dir"} <= set(body)
    assert body["stale"] is False and body["stale_reasons"] == [] and body["skipped"] == []


def test_facts_is_a_list(client, assistant):
    r = client.get("/api/facts")
    assert r.status_code == 200
    facts = r.json()
    assert isinstance(facts, list)
    assert len(facts) == len(assistant.facts())
    for f in facts:
        assert {"fact_id", "doc_id", "subject", "attribute", "value", "unit", "text", "raw", "chunk_id", "line",
                "span", "qualifiers"} <= set(f)
    doc_id = assistant.documents[0].doc_id
    assert client.get("/api/facts", params={"doc_id": doc_id}).json() == [f.to_dict() for f in assistant.facts(doc_id)]
    assert client.get("/api/facts", params={"doc_id": "no-such-document"}).json() == []
    if facts:
        f = facts[0]
        got = client.get("/api/facts", params={"subject": f["subject"], "attribute": f["attribute"]}).json()
        assert got and all(g["subject"] == f["subject"] and g["attribute"] == f["attribute"] for g in got)


def test_documents(client, assistant):
    docs = client.get("/api/documents").json()
    assert [d["doc_id"] for d in docs] == [d.doc_id for d in assistant.documents]
    assert all("path" not in d for d in docs)  # no server paths


# --------------------------------------------------------------------------- pages, docs, web component
def test_pages_are_served(client):
    for path in ("/", "/embed/"):
        r = client.get(path)
        assert r.status_code == 200 and "<gradio-app" in r.text
    r = client.get("/embed", follow_redirects=False)
    assert r.status_code in (301, 302, 307, 308) and r.headers["location"].endswith("/embed/")
    assert client.get("/config").json()["title"] == ui.APP_TITLE
    assert client.get("/embed/config").status_code == 200


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/facts", "/healthz"} <= set(spec["paths"])
    r = client.get("/docs")
    assert r.status_code == 200
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", r.text) + re.findall(r"url:\s*'([^']+)'", r.text)
    assert urls, r.text[:500]
    assert all(not re.match(r"(https?:)?//", u) for u in urls), urls  # nothing from a CDN
    for u in urls:
        if u.startswith("/docs-static/"):
            assert client.get(u).status_code == 200, u


def test_docs_fallback_without_fastapi_offline(monkeypatch):
    """Without the fastapi-offline package /docs is a plain local page (still no CDN)."""
    from fastapi import FastAPI

    monkeypatch.setitem(sys.modules, "fastapi_offline", None)  # import fails
    bare = FastAPI(docs_url=None, redoc_url=None)

    @bare.get("/api/ping", summary="핑")
    def ping() -> dict:
        return {}

    ui._docs_routes(bare)
    r = TestClient(bare).get("/docs")
    assert r.status_code == 200 and "/api/ping" in r.text and "핑" in r.text
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", r.text)


def test_web_component_script_is_served_locally(client):
    r = client.get("/gradio.js", headers={"Origin": ALLOWED})
    assert r.status_code == 200
    assert "javascript" in r.headers["content-type"]
    assert r.headers.get("access-control-allow-origin") == ALLOWED  # module scripts are fetched with CORS
    imports = re.findall(r"""import\(\s*["'`]\./([^"'`]+)""", r.text)
    assert imports, r.text
    for rel in imports:
        asset = client.get("/" + rel, headers={"Origin": ALLOWED})
        assert asset.status_code == 200, rel
        assert asset.headers.get("access-control-allow-origin") == ALLOWED


# --------------------------------------------------------------------------- CORS and embedding
GRADIO_ROUTES = ["/config", "/gradio_api/info", "/embed/config", "/embed/gradio_api/info", "/theme.css"]


def test_frame_ancestors_header(client):
    for path in ("/", "/embed/", "/api/facts", "/healthz", "/config"):
        csp = client.get(path).headers.get("content-security-policy", "")
        assert "frame-ancestors" in csp, path
        assert "'self'" in csp and ALLOWED in csp and EVIL not in csp


def test_cors_preflight_on_api(client):
    req = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = client.options("/api/ask", headers={"Origin": ALLOWED, **req})
    assert ok.status_code == 200
    assert ok.headers.get("access-control-allow-origin") == ALLOWED
    assert "content-type" in ok.headers.get("access-control-allow-headers", "").lower()
    bad = client.options("/api/ask", headers={"Origin": EVIL, **req})
    assert "access-control-allow-origin" not in bad.headers


def test_cors_simple_request_on_api(client):
    ok = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": ALLOWED})
    assert ok.status_code == 200 and ok.headers.get("access-control-allow-origin") == ALLOWED
    bad = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in bad.headers
    for path in ("/api/facts", "/healthz"):
        assert client.get(path, headers={"Origin": ALLOWED}).headers.get("access-control-allow-origin") == ALLOWED
        assert "access-control-allow-origin" not in client.get(path, headers={"Origin": EVIL}).headers


@pytest.mark.parametrize("path", GRADIO_ROUTES)
def test_cors_on_gradio_routes(client, path):
    """Gradio's own CORS handling would let any origin in on a non-localhost host; ours must win."""
    ok = client.get(path, headers={"Origin": ALLOWED})
    assert ok.status_code == 200 and ok.headers.get("access-control-allow-origin") == ALLOWED
    for host in ("testserver", "127.0.0.1:7860", "qa.example.go.kr"):
        bad = client.get(path, headers={"Origin": EVIL, "Host": host})
        assert bad.status_code == 200
        assert "access-control-allow-origin" not in bad.headers, (path, host)
    pre = client.options(path, headers={"Origin": EVIL, "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in pre.headers


def test_gradio_headers_allowed_in_preflight(client):
    """What the web component sends cross-origin (X-Gradio-User on queue/join, JSON bodies)."""
    r = client.options("/embed/gradio_api/queue/join", headers={
        "Origin": ALLOWED, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-gradio-user"})
    assert r.status_code == 200
    assert r.headers.get("access-control-allow-origin") == ALLOWED
    allowed = r.headers.get("access-control-allow-headers", "").lower()
    assert "x-gradio-user" in allowed and "content-type" in allowed


def test_default_is_same_origin_only(seed_config, assistant):
    app = ui.create_app(seed_config.replace(allowed_origins=()), assistant=assistant)
    with TestClient(app) as c:
        r = c.get("/", headers={"Origin": ALLOWED})
        assert r.headers["content-security-policy"] == "frame-ancestors 'self'"
        assert r.headers["x-frame-options"] == "SAMEORIGIN"  # older browsers without CSP
        assert "access-control-allow-origin" not in r.headers
        for path in ("/config", "/gradio_api/info"):
            assert "access-control-allow-origin" not in c.get(path, headers={"Origin": "http://localhost:9"}).headers
        r = c.post("/api/ask", json={"question": QUESTION}, headers={"Origin": ALLOWED})
        assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("origin", ["*", "portal.example", "http://a.example/path", "javascript:alert(1)",
                                    "http://a.example; script-src *"])
def test_bad_origins_are_rejected(origin):
    with pytest.raises(ValueError):
        ui.normalize_origins([origin])


def test_origins_from_env(monkeypatch):
    from qa import Config

    cfg = Config.load(env={"QA_ALLOWED_ORIGINS": "https://a.example, https://b.example:8443/"})
    assert ui.normalize_origins(cfg.allowed_origins) == ("https://a.example", "https://b.example:8443")


# --------------------------------------------------------------------------- rendering (no browser)
HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1"> & "quotes"'


def test_highlight_escapes_every_segment():
    text = "앞 <b>굵게</b> 뒤 <script>x()</script>"
    out = ui.highlight_html(text, [[2, 11], [0, 1], [100, 200], [5, 3], "junk"])
    assert "<b>" not in out and "<script>" not in out
    assert out.count("<mark>") == 2
    assert out.startswith("<mark>앞</mark>")
    assert "<mark>&lt;b&gt;굵게&lt;/b&gt;</mark>" in out
    assert ui.highlight_html("a\nb", [[0, 3]]) == "<mark>a<br>b</mark>"
    assert ui.highlight_html("abc", [[0, 2], [1, 3]]) == "<mark>abc</mark>"  # overlaps merge


def test_render_answer_is_escaped():
    ans = {"question": HOSTILE, "answer": HOSTILE, "kind": "fact",
           "facts": [{"subject": HOSTILE, "attribute": "국비", "value": 160e8, "unit": "원", "text": "160억원",
                      "line": 16, "qualifiers": {"기간": "3년"}}],
           "sources": [{"doc_id": "d", "title": HOSTILE, "published": "2025-06-19", "chunk_id": "d#1",
                        "section": HOSTILE, "lines": [16, 18], "text": "본문 " + HOSTILE, "score": 1.0,
                        "highlights": [[3, 20]]}]}
    out = ui.render_answer(ans)
    assert "<script" not in out.lower() and "<img" not in out.lower() and 'onerror="' not in out
    assert "&lt;script&gt;" in out and "&lt;img" in out
    assert "사실" in out and "출처" in out and "16–18행" in out and "2025-06-19" in out and "<mark>" in out
    assert "160억원" in out and "기간: 3년" in out
    q = ui.render_question(HOSTILE)
    assert "<script" not in q and "&lt;script&gt;" in q


def test_render_none_answer_shows_related_passages():
    ans = {"answer": "공고문에서 찾을 수 없습니다.", "kind": "none", "facts": [],
           "sources": [{"title": "t", "published": None, "lines": [3, 3], "text": "x", "highlights": []}]}
    out = ui.render_answer(ans)
    assert "없음" in out and "관련 내용" in out and "3행" in out


def _fact(subject, attribute, value, doc="d1", i=0):
    return Fact(fact_id=f"f{i}", doc_id=doc, subject=subject, attribute=attribute, value=value, unit="원",
                text="", raw="", chunk_id="c", line=1, span=(0, 1))


def test_example_questions_from_facts_and_titles():
    docs = [SimpleNamespace(doc_id="d1", title="2025년 어떤 사업 공모 결과"),
            SimpleNamespace(doc_id="d2", title="둘째")]
    facts = [_fact("전주시", "국비", 1.6e10, i=1), _fact("강소형", "경쟁률", 5.3, i=2),
             _fact("전주시", "사업명", None, i=3), _fact("안산시", "국비", 8e9, i=4)]
    stub = SimpleNamespace(facts=lambda doc_id=None: facts, documents=docs)
    qs = ui.example_questions(stub, limit=6)
    assert "전주시 국비는?" in qs and "강소형 경쟁률은?" in qs and "안산시 국비는?" in qs
    assert not any("사업명" in q for q in qs)  # only numeric facts
    assert "2025년 어떤 사업 공모 결과의 주요 내용은?" in qs
    assert len(qs) == len(set(qs)) <= 6


def test_example_questions_fallback_without_facts():
    stub = SimpleNamespace(facts=lambda doc_id=None: [], documents=[])
    assert ui.example_questions(stub) == ui.GENERIC_EXAMPLES


def test_example_questions_for_the_loaded_corpus(assistant):
    qs = ui.example_questions(assistant)
    assert 3 <= len(qs) <= 6
    assert any(assistant.documents[0].title[:10] in q for q in qs)


def test_filter_facts_for_the_table(assistant):
    facts = assistant.facts()
    assert ui.filter_facts(assistant) == facts
    assert ui.filter_facts(assistant, ui.ALL, ui.ALL, ui.ALL, "") == facts
    assert ui.filter_facts(assistant, "no-such-document") == []
    rows = ui.fact_rows(facts, {d.doc_id: d.title for d in assistant.documents})
    assert all(len(r) == len(ui.FACT_HEADERS) for r in rows)
    if facts:
        f = facts[0]
        got = ui.filter_facts(assistant, f.doc_id, f.subject, f.attribute)
        assert f in got and all(g.subject == f.subject and g.attribute == f.attribute for g in got)
        assert f in ui.filter_facts(assistant, text=f.subject)
