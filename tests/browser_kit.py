"""What the browser tests share: Debian's chromium through Playwright, the app served by uvicorn on a free
localhost port, a request recorder, asking a question in a chat, and axe-core (axe-playwright-python)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS = ROOT / "docs"  # screenshots the README shows
LAUNCH_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT = 30_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """An ASGI app served by uvicorn in a thread on ``127.0.0.1:port``; ``stop()`` ends it."""

    def __init__(self, app: Any, port: int) -> None:
        import uvicorn

        self.base = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.time() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class Recorder:
    """Every request a page makes, and page errors."""

    def __init__(self, page: Any) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def outside(self, *origins: str) -> list[str]:
        return [u for u in self.urls
                if not any(u == o or u.startswith(o + "/") for o in origins) and not u.startswith(("data:", "blob:"))]


def ask(scope: Any, question: str, timeout: int = TIMEOUT) -> Any:
    """Type a question into a chat (page or frame) and wait for the answer bubble; returns the last answer."""
    from playwright.sync_api import expect

    answers = scope.locator("#qa-chat .qa-answer")
    before = answers.count()
    scope.locator("#qa-question textarea").fill(question)
    scope.locator("#qa-ask-btn").click()
    expect(answers).to_have_count(before + 1, timeout=timeout)
    return answers.nth(before)


def axe_violations(page: Any) -> list[dict]:
    """axe-core's violations on the page as it is now (every rule axe runs by default: WCAG 2.0–2.2 A and AA
    and the best practices), each as ``{id, impact, help, targets}``."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]} for v in result.response["violations"]]
