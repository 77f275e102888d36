"""The web app without a browser: JSON API, health, CORS / embedding headers, and the HTML rendering helpers."""

from __future__ import annotations

import html
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
ADDED = {"lang", "suggestions", "not_found"}  # what the web app adds to Answer.to_dict() (qa/web/answers.py)
ADDED_TO_SOURCES = {"url", "view", "table"}


def test_ask_answers_with_sources(client, assistant):
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"question", "answer", "kind", "rule", "facts", "sources", "timing_ms", "lang", "suggestions"} <= set(body)
    assert set(body) <= {"question", "answer", "kind", "rule", "facts", "sources", "timing_ms", "page"} | ADDED
    assert body["question"] == QUESTION and body["lang"] == "ko"
    assert body["kind"] in ("fact", "passage", "none")
    assert body["sources"], "an answer must come with source passages"
    assert "160억" in body["answer"] or any("160억" in s["text"] for s in body["sources"])
    src = body["sources"][0]
    assert {"doc_id", "title", "published", "chunk_id", "section", "lines", "text", "score", "highlights", "url",
            "view"} <= set(src)
    for s, e in src["highlights"]:
        assert 0 <= s < e <= len(src["text"])
    doc = {d.doc_id: d for d in assistant.documents}[src["doc_id"]]
    assert all(s["url"] == doc.source for s in body["sources"] if s["doc_id"] == doc.doc_id)  # the original URL
    assert src["view"].startswith(f"/doc/{src['doc_id']}?from={src['lines'][0]}")


def test_ask_is_answer_to_dict_plus_the_web_fields(client, assistant):
    """The API answer is exactly ``Answer.to_dict()`` with fields added, none changed."""
    body = client.post("/api/ask", json={"question": QUESTION}).json()
    expected = assistant.ask(QUESTION).to_dict()
    body.pop("timing_ms"), expected.pop("timing_ms")
    for key in ADDED:
        body.pop(key, None)
    for src in body["sources"]:
        for key in ADDED_TO_SOURCES:
            src.pop(key, None)
    assert body == expected


def test_answers_validate_against_the_openapi_models(client):
    """Real answers (found, not found, English, follow-up) fit the documented ``Answer`` model."""
    from qa.web.models import Answer

    for question in (QUESTION, "서울시 국비는?", "How much national funding does Jeonju get?", "강소형 경쟁률은?"):
        body = client.post("/api/ask", json={"question": question}).json()
        Answer.model_validate(body)
        assert (body["kind"] == "none") == (body.get("not_found") is not None)


def test_source_lines_open_the_cited_lines_of_the_document(client):
    """``sources[].view`` names lines and spans; ``GET /api/documents/{id}?start&end`` returns those lines,
    and the highlighted text is in them."""
    from urllib.parse import parse_qs, urlparse

    body = client.post("/api/ask", json={"question": QUESTION}).json()
    src = next(s for s in body["sources"] if s["highlights"])
    query = parse_qs(urlparse(src["view"]).query)
    start, end = int(query["from"][0]), int(query["to"][0])
    assert [start, end] == src["lines"]
    doc = client.get(f"/api/documents/{src['doc_id']}", params={"start": start, "end": end}).json()
    cited = " ".join(line["text"] for line in doc["cited"]["lines"])
    for s, e in src["highlights"]:
        assert src["text"][s:e] in cited
    n, a, b = (int(x) for x in query["hl"][0].split(",")[0].split(":"))
    assert doc["lines"][n - 1]["text"][a:b] == src["text"][src["highlights"][0][0]:src["highlights"][0][1]]


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
    assert "/" not in body["index_dir"] and not re.search(r"(^|\s|\")/[\w.-]+/", r.text)  # no server paths


def test_healthz_names_folders_without_their_path(client, seed_config):
    from qa.web.api import scrub_paths

    folder = str(seed_config.corpus_dir.resolve())
    assert scrub_paths(f"corpus folder not found: {folder}", seed_config) == "corpus folder not found: corpus"
    assert scrub_paths("x.txt changed (/srv/qa/data/x.txt)", seed_config) == "x.txt changed (x.txt)"


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


def test_one_document_whole(client, assistant):
    """``GET /api/documents/{id}``: every line, tables with their rows filled down, sections, metadata and the
    file report; 404 JSON for an unknown id."""
    doc = assistant.documents[0]
    body = client.get(f"/api/documents/{doc.doc_id}").json()
    assert body["doc_id"] == doc.doc_id and body["title"] == doc.title and body["url"] == doc.source
    assert [line["text"] for line in body["lines"]] == list(doc.lines) and body["n_lines"] == len(doc.lines)
    assert body["tables"], "the seed announcement has a table"
    table = body["tables"][0]
    assert table["header"] and all(len(r["cells"]) == len(table["header"]) for r in table["rows"])
    assert any(r["cells"][0] == "강소형" and "김천시" in r["cells"][1] for r in table["rows"])  # merged cell filled
    assert any(b["type"] == "heading" and "거점형" in b["text"] for b in body["blocks"])
    assert body["file"]["name"].startswith(doc.doc_id) and body["file"]["status"] == "ok"
    assert "path" not in body and "path" not in body["file"]
    assert "cited" not in body
    r = client.get("/api/documents/no-such-doc")
    assert r.status_code == 404 and "No such document" in r.json()["detail"]


def test_document_viewer_page(client, assistant):
    """``/doc/{id}``: the whole announcement as HTML, lang=ko, h1 title, tables as tables, the cited lines
    marked and the span highlighted, a link to the original."""
    doc = assistant.documents[0]
    line = next(n for n, t in enumerate(doc.lines, 1) if "160억원" in t)
    start = doc.lines[line - 1].index("160억원")
    r = client.get(f"/doc/{doc.doc_id}", params={"from": line, "to": line, "hl": f"{line}:{start}:{start + len('160억원')}"})
    assert r.status_code == 200 and '<html lang="ko">' in r.text
    assert f"<h1>{doc.title}</h1>" in r.text and "<table>" in r.text and "<th scope=\"col\">" in r.text
    assert re.search(rf'id="L{line}" class="[^"]*qa-cited', r.text)
    assert "<mark>160억원</mark>" in r.text and f'href="{html.escape(doc.source)}"' in r.text
    assert f'href="#L{line}"' in r.text  # skip link to the cited lines
    bad = client.get("/doc/nothing", params={"hl": "<script>"})
    assert bad.status_code == 404 and "<script>" not in bad.text
    assert client.get(f"/doc/{doc.doc_id}", params={"hl": "1:0:5,<b>x</b>,9:9:1"}).status_code == 200


# --------------------------------------------------------------------------- pages, docs, web component
def test_pages_are_served(client):
    for path in ("/", "/embed/"):
        r = client.get(path)
        assert r.status_code == 200 and "<gradio-app" in r.text
        assert re.search(r'<html[^>]*\slang="ko"', r.text) and 'lang="en"' not in r.text[:300]  # Korean pages
        assert int(r.headers["content-length"]) == len(r.content)
    r = client.get("/embed", follow_redirects=False)
    assert r.status_code in (301, 302, 307, 308) and r.headers["location"].endswith("/embed/")
    assert client.get("/config").json()["title"] == ui.APP_TITLE
    assert client.get("/embed/config").status_code == 200


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/facts", "/healthz", "/api/feedback", "/api/documents/{doc_id}"} <= set(spec["paths"])
    r = client.get("/docs")
    assert r.status_code == 200 and re.search(r'<html[^>]*lang="ko"', r.text)
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


def test_settings_from_env_empty_is_unset_and_a_bad_value_is_named(tmp_path):
    """QA_THREADS= (empty) leaves the default; QA_THREADS=abc is refused with the setting's name, not a traceback
    of int(); an empty text setting (QA_RATE_LIMIT=, "off") stays a value."""
    from qa import Config

    none = tmp_path / "none.toml"
    assert Config.load(none, env={"QA_THREADS": ""}).threads == Config().threads
    with pytest.raises(ValueError, match=r"threads \(QA_THREADS\): 'abc' is not a whole number"):
        Config.load(none, env={"QA_THREADS": "abc"})
    assert Config.load(none, env={"QA_RATE_LIMIT": ""}).rate_limit == ""


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
    hostile_url = dict(ans["sources"][0], url='javascript:alert(1)" onclick="x', view='/doc/d?x="><script>')
    out = ui.render_answer(dict(ans, sources=[hostile_url]))
    assert "<script" not in out.lower() and 'onclick="' not in out and "javascript:" not in out
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


# --------------------------------------------------------------------------- a "not found" that helps
def test_not_found_carries_its_reason_and_help(client, assistant):
    """"서울시 국비는?": the reason in plain Korean (naming 서울시 and the places the announcement does name),
    the announcements covered, close questions that do answer, the contact office; the rule's reason code."""
    body = client.post("/api/ask", json={"question": "서울시 국비는?"}).json()
    assert body["kind"] == "none" and body["rule"].startswith("not_found:")
    help_ = body["not_found"]
    assert help_["reason"] == body["rule"].split(":", 1)[1]
    assert re.search(r"[가-힣]", help_["message"]) and "<" not in help_["message"]
    if help_["reason"] == "unknown_name":
        assert "서울시" in help_["message"] and "전주시" in help_["message"]
    titles = {d.title for d in assistant.documents}
    assert help_["covered"]["total"] == len(titles) and {d["title"] for d in help_["covered"]["documents"]} <= titles
    assert help_["suggestions"] and body["suggestions"] == help_["suggestions"]
    for q in help_["suggestions"]:
        assert assistant.ask(q).kind != "none", q  # built from the facts table and checked to answer
    assert help_["contact"]["office"]


def test_found_answers_suggest_follow_ups_that_answer_differently(client, assistant):
    """Follow-ups when asked for (``"suggest": true``; the chat always asks): each answers, differently; by
    default a found answer carries none (they cost a question each the first time), a "not found" does."""
    assert client.post("/api/ask", json={"question": QUESTION}).json()["suggestions"] == []
    body = client.post("/api/ask", json={"question": QUESTION, "suggest": True}).json()
    assert body["kind"] != "none" and "not_found" not in body
    assert body["suggestions"] and QUESTION not in body["suggestions"]
    for q in body["suggestions"]:
        ans = assistant.ask(q)
        assert ans.kind != "none" and ans.answer != body["answer"], q
    quiet = client.post("/api/ask", json={"question": QUESTION, "suggest": False}).json()
    assert quiet["suggestions"] == []


def test_the_reason_table_covers_every_reason_and_degrades_to_a_generic_sentence():
    """Every reason the pipeline can give has a Korean and an English sentence; an unknown reason gets the
    generic one; a sentence whose value is missing falls back to its plain form (never a "{name}" left)."""
    from qa.answer.generators.not_found import REASONS as ASKED
    from qa.answer.pipeline import _REJECTED
    from qa.web.helpful import REASONS, reason_of, reason_sentence

    for reason in (*ASKED, *(r for _, _, r in _REJECTED), "no_passage", "no_answer"):
        assert {"ko", "en"} <= set(REASONS[reason]), reason
        for lang in ("ko", "en"):
            assert "{" not in reason_sentence(reason, lang, {}), (reason, lang)
    generic = reason_sentence("_generic", "ko", {})
    assert reason_sentence("some_new_reason", "ko", {}) == generic and generic
    assert reason_of("not_found:unknown_name") == "unknown_name" and reason_of("lookup") is None
    assert reason_of("not_found:") == "_generic"
    text = reason_sentence("unknown_name", "ko", {"name": "서울시", "eun": "는", "known": "전주시, 김해시"})
    assert text.startswith("‘서울시’는") and "전주시, 김해시" in text


def test_not_found_for_a_year_names_the_years_covered(client):
    body = client.post("/api/ask", json={"question": "2019년 국비는?"}).json()
    if body["kind"] == "none" and body["rule"] == "not_found:year_not_in_corpus":
        assert "2019년" in body["not_found"]["message"] and "2025년" in body["not_found"]["message"]


def test_not_found_is_logged_without_the_client_address(client, app):
    """Every "not found" answer from the API is a row of the unanswered log: question, answer, rule, time."""
    log = app.state.web.feedback
    before = log.summary()["counts"]["not_found"]
    client.post("/api/ask", json={"question": "서울시 국비는?"}, headers={"X-Forwarded-For": "203.0.113.9"})
    rows = log.rows()
    assert log.summary()["counts"]["not_found"] == before + 1
    last = rows[-1]
    assert last["question"] == "서울시 국비는?" and last["rule"].startswith("not_found:") and last["time"]
    assert "203.0.113.9" not in str(rows) and "testclient" not in str(rows)


# --------------------------------------------------------------------------- English questions
def test_english_questions_get_english_labels_and_korean_values(client):
    body = client.post("/api/ask", json={"question": "How much national funding does Jeonju get?"}).json()
    assert body["lang"] == "en"
    out = ui.render_answer(body)
    assert 'lang="en"' in out and ("Sources" in out or "Related passages" in out)
    assert "출처" not in out and "사용한 사실" not in out  # the labels are English …
    assert re.search(r"[가-힣]", out.split('class="qa-text"')[1][:200])  # … the value and passages stay Korean
    ko = ui.render_answer(client.post("/api/ask", json={"question": QUESTION}).json())
    assert 'lang="ko"' in ko and "출처" in ko


# --------------------------------------------------------------------------- feedback
def test_feedback_is_stored(client, app):
    log = app.state.web.feedback
    r = client.post("/api/feedback", json={"question": QUESTION, "answer": "전주시 국비: 160억원", "rule": "lookup",
                                           "rating": "down", "comment": "기간도 알려 주세요"})
    assert r.status_code == 201 and r.json()["stored"] is True
    row = next(x for x in log.rows() if x["id"] == r.json()["id"])
    assert (row["rating"], row["comment"], row["origin"], row["kind"]) == ("down", "기간도 알려 주세요", "api", "feedback")
    summary = log.summary()
    assert any(u["question"] == QUESTION for u in summary["unanswered"])  # a 👎 counts as unanswered
    for bad in ({"question": QUESTION, "rating": "meh"}, {"rating": "up"}, {"question": "", "rating": "up"},
                {"question": QUESTION, "rating": "up", "comment": "x" * 5000}):
        r = client.post("/api/feedback", json=bad)
        assert r.status_code == 422 and isinstance(r.json()["detail"], str)


# --------------------------------------------------------------------------- OpenAPI
def test_openapi_documents_the_answer_and_its_rule(client):
    from qa.web.models import NOT_FOUND_REASONS

    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"Answer", "Source", "Fact", "Feedback", "NotFound", "DocumentDetail"} <= set(schemas)
    rule = schemas["Answer"]["properties"]["rule"]["description"]
    assert "not_found:" in rule and all(r in rule for r in NOT_FOUND_REASONS)
    assert set(schemas["Answer"]["properties"]["kind"]["enum"]) == {"fact", "passage", "none"}
    assert {"url", "view"} <= set(schemas["Source"]["properties"])
    ok = spec["paths"]["/api/ask"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/Answer")
    assert "/api/admin/jobs" not in spec["paths"]  # no admin routes without a token


# --------------------------------------------------------------------------- phone line breaks
@pytest.mark.parametrize("token", ["국비:지방비=1:1", "2025-06-19", "5.3:1", "044-201-3701"])
def test_ratio_and_date_tokens_do_not_break(token):
    out = ui.render_question(f"질문 {token} 끝")
    assert f'<span class="qa-keep">{token}</span>' in out
    assert ui.render_question("<b>x=1</b>").count("&lt;b&gt;") == 1  # never inside an escape
