"""The real app in Debian's chromium (Playwright): chat, highlights, no outside requests, embedding, XSS, phone width.

The app runs in uvicorn on a free localhost port, built from the session's already-loaded assistant; a second
localhost port serves an "outside portal" page that embeds /embed/ in an iframe and as a <gradio-app> web
component. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import re
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # ui.py lives at the repo root

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTION = "전주시가 받는 국비는?"
XSS_QUESTION = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1"> 전주시 국비는?'
HOSTILE_PASSAGE = '악성 <script>window.__xss=2</script> 문단 <img src=x onerror="window.__xss=2"> 끝'
TIMEOUT = 30_000

if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium fonts-nanum)",
                allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HostilePassages:
    """The real assistant; for questions containing ``<script>`` it adds a passage with markup in its text,
    so the browser shows how a hostile announcement would render (the UI path is the real one)."""

    def __init__(self, assistant) -> None:
        self._a = assistant

    def __getattr__(self, name):
        return getattr(self._a, name)

    def ask(self, question, history=None, k=None, retriever=None):
        ans = self._a.ask(question, history=history, k=k, retriever=retriever)
        if "<script>" not in question or not ans.sources:
            return ans
        evil = dataclasses.replace(ans.sources[0], title="제목 <b>굵게</b>", text=HOSTILE_PASSAGE,
                                   highlights=((3, 40),))
        return dataclasses.replace(ans, sources=(evil, *ans.sources))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def servers(seed_config, assistant, tmp_path_factory):
    """(app base URL, outside portal base URL): the app allows the portal's origin to embed it."""
    import uvicorn

    import ui

    port, outer_port = _free_port(), _free_port()
    base, outer = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{outer_port}"
    config = seed_config.replace(host="127.0.0.1", port=port, allowed_origins=(outer,))
    app = ui.create_app(config, assistant=HostilePassages(assistant))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    site = tmp_path_factory.mktemp("portal")
    head = '<!doctype html><html lang="ko"><meta charset="utf-8"><link rel="icon" href="data:,">'
    (site / "iframe.html").write_text(
        f'{head}<title>포털 (iframe)</title><h3>기관 포털 — iframe</h3>'
        f'<iframe id="qa-frame" title="공고문 QA" src="{base}/embed/" '
        f'style="width:100%;max-width:480px;height:640px;border:1px solid #ccc"></iframe>', encoding="utf-8")
    (site / "webcomponent.html").write_text(
        f'{head}<title>포털 (web component)</title><h3>기관 포털 — web component</h3>'
        f'<script type="module" src="{base}/gradio.js"></script>'
        f'<gradio-app src="{base}/embed"></gradio-app>', encoding="utf-8")
    portal = http.server.ThreadingHTTPServer(("127.0.0.1", outer_port),
                                             functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=portal.serve_forever, daemon=True).start()

    deadline = time.time() + 60
    while not server.started:
        if not thread.is_alive() or time.time() > deadline:
            pytest.fail("the app did not start")
        time.sleep(0.05)
    yield base, outer, outer_port
    server.should_exit = True
    portal.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


class Recorder:
    """Every request a page makes, and page errors."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def outside(self, *origins: str) -> list[str]:
        return [u for u in self.urls
                if not any(u == o or u.startswith(o + "/") for o in origins) and not u.startswith(("data:", "blob:"))]


def _ask(scope, question: str):
    """Type a question into a chat (page or frame) and wait for the answer bubble; returns the last answer."""
    answers = scope.locator("#qa-chat .qa-answer")
    before = answers.count()
    box = scope.locator("#qa-question textarea")
    box.fill(question)
    scope.locator("#qa-ask-btn").click()
    expect(answers).to_have_count(before + 1, timeout=TIMEOUT)
    return answers.nth(before)


def test_ui_answers_with_highlighted_source_and_no_outside_requests(servers, browser, assistant):
    base, _, _ = servers
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    rec = Recorder(page)
    page.goto(base + "/")
    expect(page.locator("#qa-question textarea")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#qa-examples")).to_have_count(1, timeout=TIMEOUT)  # example questions from the corpus

    answer = _ask(page, QUESTION)
    assert answer.locator(".qa-badge").inner_text().strip() in ("사실", "본문", "없음")
    expect(answer.locator(".qa-text")).not_to_be_empty()
    mark = answer.locator(".qa-source mark").first
    expect(mark).to_be_visible()
    assert "160억" in answer.inner_text()
    head = answer.locator(".qa-doc-group .qa-doc-head").first.inner_text()
    assert "스마트도시" in head and "2025-06-19" in head  # the announcement's title and date, once per group
    assert "행" in answer.locator(".qa-src-meta").first.inner_text()  # line numbers, a link to them
    user = page.locator("#qa-chat .qa-question").last.inner_text()
    assert user.strip() == QUESTION

    # a follow-up (history is passed), then an example question: clicking it asks it
    _ask(page, "강소형은?")
    answers = page.locator("#qa-chat .qa-answer")
    example = page.locator("#qa-examples button").first
    example_text = example.inner_text().strip()
    assert example_text
    example.click()
    expect(answers).to_have_count(3, timeout=TIMEOUT)
    assert page.locator("#qa-chat .qa-question").last.inner_text().strip() == example_text
    page.screenshot(path=str(ARTIFACTS / "ui-desktop.png"), full_page=True)
    page.get_by_role("tab", name="사실 표").click()
    expect(page.locator("#facts-table")).to_be_visible(timeout=TIMEOUT)
    if assistant.facts():  # filter by a search word: the count line changes to "사실 N건 중 M건"
        word = assistant.facts()[0].attribute
        page.locator("#facts-search textarea, #facts-search input").first.fill(word)
        page.locator("#facts-search textarea, #facts-search input").first.press("Enter")
        expect(page.get_by_text(re.compile(r"사실 \d+건 중 \d+건"))).to_be_visible(timeout=TIMEOUT)
        expect(page.locator("#facts-table")).to_contain_text(word)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "ui-facts.png"), full_page=True)

    assert rec.urls, "no requests recorded"
    assert rec.outside(base) == [], f"requests outside the app: {rec.outside(base)}"
    assert not rec.errors, rec.errors
    page.close()


def test_question_and_passage_markup_show_as_text(servers, browser):
    base, _, _ = servers
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    rec = Recorder(page)
    page.goto(base + "/")
    expect(page.locator("#qa-question textarea")).to_be_visible(timeout=TIMEOUT)
    answer = _ask(page, XSS_QUESTION)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__xss") is None
    chat = page.locator("#qa-chat")
    assert chat.locator("script").count() == 0 and chat.locator("img[src='x']").count() == 0
    assert chat.locator(".qa-question").last.inner_text().strip() == XSS_QUESTION
    hostile = answer.locator(".qa-source").first
    assert HOSTILE_PASSAGE in hostile.inner_text().replace("\n", "")
    assert "<b>굵게</b>" in answer.locator(".qa-doc-group").first.locator(".qa-doc-title").inner_text()
    assert "<script>" in hostile.locator("mark").inner_text()  # the highlight spans escaped markup
    assert not any(u.rstrip("/").endswith("/x") for u in rec.urls), "the <img src=x> was loaded"
    assert not rec.errors, rec.errors
    page.screenshot(path=str(ARTIFACTS / "ui-xss.png"), full_page=True)
    page.close()


def test_empty_question_is_a_friendly_message(servers, browser):
    base, _, _ = servers
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    page.goto(base + "/")
    expect(page.locator("#qa-question textarea")).to_be_visible(timeout=TIMEOUT)
    answer = _ask(page, "   ")
    expect(answer).to_contain_text("질문을 입력해 주세요")
    assert "Traceback" not in page.content()
    page.close()


def test_phone_width(servers, browser):
    base, _, _ = servers
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                            has_touch=True, locale="ko-KR")
    rec = Recorder(page)
    page.goto(base + "/")
    expect(page.locator("#qa-question textarea")).to_be_visible(timeout=TIMEOUT)
    answer = _ask(page, QUESTION)
    expect(answer.locator("mark").first).to_be_visible()
    page.wait_for_timeout(300)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 392, f"horizontal overflow at phone width: {width}px"
    box = page.locator("#qa-ask-btn").bounding_box()
    assert box and box["x"] + box["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "ui-phone.png"), full_page=True)
    page.get_by_role("tab", name="사실 표").click()
    expect(page.locator("#facts-table")).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 392
    page.screenshot(path=str(ARTIFACTS / "ui-phone-facts.png"), full_page=False)
    assert rec.outside(base) == []
    page.close()


def test_api_docs_work_offline(servers, browser):
    base, _, _ = servers
    page = browser.new_page()
    rec = Recorder(page)
    page.goto(base + "/docs")
    try:
        import fastapi_offline  # noqa: F401  (ships Swagger UI's files)
    except ImportError:  # ui.py then serves a plain local page
        expect(page.locator("body")).to_contain_text("/api/ask", timeout=TIMEOUT)
    else:
        expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=TIMEOUT)
        expect(page.locator(".swagger-ui")).to_contain_text("/api/ask")
    assert rec.outside(base) == [], rec.outside(base)
    page.close()


def test_embed_in_iframe_from_allowed_origin(servers, browser):
    base, outer, _ = servers
    page = browser.new_page(viewport={"width": 900, "height": 800})
    rec = Recorder(page)
    page.goto(outer + "/iframe.html")
    frame = page.frame_locator("#qa-frame")
    expect(frame.locator("#qa-question textarea")).to_be_visible(timeout=TIMEOUT)
    answer = _ask(frame, QUESTION)
    expect(answer.locator("mark").first).to_be_visible()
    assert "160억" in answer.inner_text()
    page.screenshot(path=str(ARTIFACTS / "embed-iframe.png"), full_page=True)
    assert rec.outside(base, outer) == [], rec.outside(base, outer)
    page.close()


def test_embed_refused_in_iframe_from_other_origin(servers, browser):
    """Same portal page, but from http://localhost:<port> — not in the allowlist, so frame-ancestors blocks it."""
    _, _, outer_port = servers
    page = browser.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(f"http://localhost:{outer_port}/iframe.html")
    deadline = time.time() + 10
    while not refused and time.time() < deadline:
        page.wait_for_timeout(200)
    assert refused, "chromium did not report a frame-ancestors refusal"
    assert page.frame_locator("#qa-frame").locator("#qa-question").count() == 0
    page.close()


def test_embed_as_web_component(servers, browser):
    base, outer, _ = servers
    page = browser.new_page(viewport={"width": 900, "height": 900})
    rec = Recorder(page)
    page.goto(outer + "/webcomponent.html")
    app = page.locator("gradio-app")
    expect(app.locator("#qa-question textarea")).to_be_visible(timeout=TIMEOUT)
    answer = _ask(app, QUESTION)
    expect(answer.locator("mark").first).to_be_visible()
    assert "160억" in answer.inner_text()
    page.screenshot(path=str(ARTIFACTS / "embed-webcomponent.png"), full_page=True)
    assert rec.outside(base, outer) == [], rec.outside(base, outer)
    assert any(u.startswith(base + "/gradio.js") for u in rec.urls)
    assert not rec.errors, rec.errors
    page.close()
