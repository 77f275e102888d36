"""Admin upload and delete (qa/admin.py): token, type by content, size limit, atomic save, background
rebuild that swaps in while the old index keeps answering."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from qa.admin import AdminError, LiveAssistant, Rebuilder, admin_router, check_upload, delete_document, safe_stem, save_upload
from qa.config import Config

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "tests" / "data" / "formats"
SEED_ID = "molit_2025_smart_city_selection"
URBAN = "molit_2025_urban_regeneration"


@pytest.fixture
def config(tmp_path) -> Config:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in (ROOT / "corpus").iterdir():
        shutil.copy(f, corpus / f.name)
    return Config.load(env={}, corpus_dir=corpus, index_dir=tmp_path / "index", admin_token="s3cret")


def client(config: Config, rebuilder=None) -> TestClient:
    app = FastAPI()
    live = LiveAssistant(object())
    app.include_router(admin_router(config, live, rebuilder or _NoBuild(config, live)))
    return TestClient(app)


class _NoBuild(Rebuilder):
    """Records rebuild requests without building (route tests)."""

    def _run(self) -> None:
        with self._lock:
            for job in self._queue:
                job.state = "done"
            self._queue = []
            self._worker = None


AUTH = {"Authorization": "Bearer s3cret"}


def test_upload_is_off_without_a_token(config):
    c = client(dataclasses.replace(config, admin_token=""))
    r = c.post("/api/documents", files={"file": ("a.txt", "□ 본문".encode())}, headers=AUTH)
    assert r.status_code == 404 and "QA_ADMIN_TOKEN" in r.json()["detail"]
    assert c.delete(f"/api/documents/{SEED_ID}", headers=AUTH).status_code == 404
    assert (Path(config.corpus_dir) / f"{SEED_ID}.txt").exists()


def test_token_is_required_and_checked(config):
    c = client(config)
    files = {"file": ("a.txt", "□ 본문".encode())}
    assert c.post("/api/documents", files=files).status_code == 401
    assert c.post("/api/documents", files=files, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert c.delete(f"/api/documents/{SEED_ID}", headers={"X-Admin-Token": "nope"}).status_code == 403
    assert not (Path(config.corpus_dir) / "a.txt").exists()


def test_type_is_decided_by_content(config):
    c = client(config)
    pdf = (FORMATS / "pdf" / f"{URBAN}.pdf").read_bytes()
    r = c.post("/api/documents", files={"file": ("notice.txt", pdf)}, headers=AUTH)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["file"] == {"name": "notice.pdf", "doc_id": "notice", "type": "pdf", "lines": 28}
    assert body["job"]["state"] in ("queued", "running", "done")
    assert (Path(config.corpus_dir) / "notice.pdf").read_bytes() == pdf
    assert not list(Path(config.corpus_dir).glob(".upload-*"))  # the temporary file is gone


@pytest.mark.parametrize("name,data,status,words", [
    ("x.pdf", b"\x89PNG\r\n\x1a\n" + bytes(100), 415, "지원하지 않는 형식"),
    ("x.zip", b"PK\x03\x04" + bytes(100), 415, "지원하지 않는 형식"),
    ("x.txt", b"", 422, "빈 파일"),
    ("scan.pdf", (FORMATS / "bad" / "scanned.pdf").read_bytes(), 422, "no text layer"),
    ("locked.hwp", (FORMATS / "bad" / "encrypted.hwp").read_bytes(), 422, "password"),
])
def test_bad_uploads_are_refused_with_the_reason(config, name, data, status, words):
    before = sorted(p.name for p in Path(config.corpus_dir).iterdir())
    r = client(config).post("/api/documents", files={"file": (name, data)}, headers=AUTH)
    assert r.status_code == status and words in r.json()["detail"]
    assert sorted(p.name for p in Path(config.corpus_dir).iterdir()) == before


def test_size_limit(config):
    small = dataclasses.replace(config, max_file_mb=0.01)
    with pytest.raises(AdminError) as exc:
        check_upload("big.txt", "□ 본문\n".encode() * 5000, small)
    assert exc.value.status == 413
    r = client(small).post("/api/documents", files={"file": ("big.txt", "□ 본문\n".encode() * 5000)}, headers=AUTH)
    assert r.status_code == 413


def test_existing_name_needs_replace(config):
    data = (ROOT / "corpus" / f"{SEED_ID}.txt").read_bytes()
    with pytest.raises(AdminError) as exc:
        save_upload(config, f"{SEED_ID}.txt", data)
    assert exc.value.status == 409
    hwpx = (FORMATS / "hwpx" / f"{SEED_ID}.hwpx").read_bytes()
    saved = save_upload(config, f"{SEED_ID}.hwpx", hwpx, replace=True)
    assert saved["name"] == f"{SEED_ID}.hwpx"
    assert sorted(p.name for p in Path(config.corpus_dir).iterdir()) == [f"{SEED_ID}.hwpx", f"{SEED_ID}.json"]


def test_safe_names():
    assert safe_stem("../../etc/passwd") == "passwd"
    assert safe_stem("C:\\temp\\보도자료 (최종).hwpx") == "보도자료_최종"
    assert safe_stem(".hidden.txt") == "hidden"
    assert safe_stem("") == "upload"


def test_delete(config):
    c = client(config)
    assert c.delete("/api/documents/no_such_doc", headers=AUTH).status_code == 404
    r = c.delete(f"/api/documents/{SEED_ID}", headers=AUTH)
    assert r.status_code == 202 and sorted(r.json()["removed"]) == [f"{SEED_ID}.json", f"{SEED_ID}.txt"]
    assert not any(Path(config.corpus_dir).iterdir())
    with pytest.raises(AdminError):
        delete_document(config, SEED_ID)


def test_live_assistant_swaps_in_one_step():
    class A:
        def __init__(self, name):
            self.name = name

        def ask(self, q):
            return f"{self.name}:{q}"

    live = LiveAssistant(A("old"))
    ask_old = live.ask  # a request already running keeps the assistant it started with
    assert live.swap(A("new")).name == "old"
    assert (ask_old("q"), live.ask("q"), live.name) == ("old:q", "new:q", "new")


@pytest.mark.slow
def test_upload_rebuilds_in_the_background_and_answers_from_the_new_document(config, cached_embedder):
    from qa import Assistant
    from qa.assistant import build

    build(config, embedder=cached_embedder)
    live = LiveAssistant(Assistant.load(config, rebuild="never"))
    old = live.current
    question = "도시재생 혁신지구로 선정된 지자체는?"
    assert URBAN not in {s.doc_id for s in old.ask(question).sources}
    rebuilder = Rebuilder(config, live, embedder=cached_embedder)
    c = client(config, rebuilder)
    r = c.post("/api/documents", files={"file": (f"{URBAN}.hwpx", (FORMATS / "hwpx" / f"{URBAN}.hwpx").read_bytes())},
               headers=AUTH)
    assert r.status_code == 202
    job_id = r.json()["job"]["job_id"]
    assert old.ask(question).answer  # the old index keeps answering while the new one builds
    assert rebuilder.wait(600)
    job = c.get(f"/api/documents/jobs/{job_id}", headers=AUTH).json()
    assert job["state"] == "done", job
    assert {f["name"]: f["status"] for f in job["files"]} == {f"{SEED_ID}.txt": "ok", f"{URBAN}.hwpx": "ok"}
    assert live.current is not old
    ans = live.ask(question)
    assert ans.sources[0].doc_id == URBAN and "안산" in ans.answer
    r = c.delete(f"/api/documents/{URBAN}", headers=AUTH)
    assert r.status_code == 202 and rebuilder.wait(600)
    assert URBAN not in {d.doc_id for d in live.documents}


@pytest.mark.slow
def test_web_app_routes_exist_only_with_a_token(config, cached_embedder, tmp_path):
    """ui.py wiring: no token → POST /api/documents is a wrong method (405); with a token, an upload larger
    than the app's 64 KB request limit is accepted up to max_file_mb, and the job runs."""
    import ui
    from qa import Assistant
    from qa.assistant import build

    build(config, embedder=cached_embedder)
    assistant = Assistant.load(config, rebuild="never")
    pdf = (FORMATS / "pdf" / f"{URBAN}.pdf").read_bytes()
    assert len(pdf) > config.max_body_bytes
    with TestClient(ui.create_app(dataclasses.replace(config, admin_token="", rate_limit=""), assistant=assistant)) as c:
        assert c.post("/api/documents", files={"file": ("a.pdf", pdf)}, headers=AUTH).status_code in (405, 413)
        assert c.post("/api/ask", json={"question": "가" * 10, "history": ["x" * 70000]}).status_code == 413
    app = ui.create_app(dataclasses.replace(config, rate_limit=""), assistant=assistant)
    with TestClient(app) as c:
        r = c.post("/api/documents", files={"file": (f"{URBAN}.pdf", pdf)}, headers=AUTH)
        assert r.status_code == 202, r.text
        assert (Path(config.corpus_dir) / f"{URBAN}.pdf").exists()
        assert c.post("/api/ask", json={"question": "가" * 10, "history": ["x" * 70000]}).status_code == 413


# --------------------------------------------------------------------------- token before validation, replace, jobs
@pytest.mark.parametrize("headers,status", [({}, 401), ({"Authorization": "Bearer nope"}, 403),
                                            ({"X-Admin-Token": "nope"}, 403)])
def test_a_refused_token_comes_before_any_422(config, headers, status):
    """Before: a wrong token with no file got 422 (the body was validated first)."""
    c = client(config)
    for body in ({}, {"data": {"replace": "maybe"}}, {"content": b"not multipart"}):
        r = c.post("/api/documents", headers=headers, **body)
        assert r.status_code == status, (body, r.text)
    assert c.get("/api/admin/jobs", headers=headers).status_code == status
    assert c.get("/api/admin/documents", headers=headers).status_code == status
    assert c.post("/api/documents", headers=AUTH).status_code == 422  # with the token: the missing file


def test_replace_a_document_by_its_id(config):
    """``doc_id`` replaces that document with the file, whatever the file is called (and its sidecar stays)."""
    c = client(config)
    hwpx = (FORMATS / "hwpx" / f"{SEED_ID}.hwpx").read_bytes()
    r = c.post("/api/documents", files={"file": ("새 보도자료.hwpx", hwpx)}, data={"doc_id": SEED_ID}, headers=AUTH)
    assert r.status_code == 202, r.text
    assert r.json()["file"]["name"] == f"{SEED_ID}.hwpx"
    assert sorted(p.name for p in Path(config.corpus_dir).iterdir()) == [f"{SEED_ID}.hwpx", f"{SEED_ID}.json"]


def test_jobs_are_listed_newest_first(config):
    c = client(config)
    for name in ("a.txt", "b.txt"):
        assert c.post("/api/documents", files={"file": (name, "□ 본문 한 줄\n".encode())}, headers=AUTH).status_code == 202
    jobs = c.get("/api/admin/jobs", headers=AUTH).json()
    assert [j["reason"] for j in jobs[:2]] == ["upload b.txt", "upload a.txt"]
    assert all({"job_id", "state", "progress", "elapsed", "created"} <= set(j) for j in jobs)


def test_progress_lines_become_the_running_jobs_progress():
    import logging
    import threading

    from qa.admin import Job, ProgressCapture

    job = Job(job_id="j", reason="r", state="running")
    capture = ProgressCapture([job])
    with capture.attached():
        logging.getLogger("qa.progress").info("embedding: 270/540 chunks (12.3s, ~12s left)")
        other = threading.Thread(target=lambda: logging.getLogger("qa.progress").info("embedding: 1/9 chunks (0.1s)"))
        other.start(), other.join()  # another thread's build is not this job's
    assert job.progress == {"stage": "embedding", "done": 270, "total": 540, "unit": "chunks"}
    assert logging.getLogger("qa.progress").handlers == [] or capture not in logging.getLogger("qa.progress").handlers


def test_admin_documents_carry_their_build_report(config, assistant):
    app = FastAPI()
    live = LiveAssistant(assistant)
    app.include_router(admin_router(config, live, _NoBuild(config, live)))
    docs = TestClient(app).get("/api/admin/documents", headers=AUTH).json()
    assert docs and {"name", "type", "encoding", "lines", "tables", "facts", "status", "reason", "title"} <= set(docs[0])
    seed = next(d for d in docs if d["doc_id"] == SEED_ID)
    assert seed["status"] == "ok" and seed["facts"] == len(assistant.facts(SEED_ID)) and seed["title"]


def test_openapi_declares_the_bearer_scheme_and_every_status(config, assistant):
    import ui

    app = ui.create_app(dataclasses.replace(config, rate_limit=""), assistant=assistant)
    spec = app.openapi()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["adminBearer"]["scheme"] == "bearer" and schemes["adminToken"]["in"] == "header"
    expected = {("post", "/api/documents"): {"202", "401", "403", "404", "409", "413", "415", "422"},
                ("delete", "/api/documents/{doc_id}"): {"202", "401", "403", "404"},
                ("get", "/api/documents/jobs/{job_id}"): {"200", "401", "403", "404"},
                ("get", "/api/admin/jobs"): {"200", "401", "403", "404"},
                ("get", "/api/admin/documents"): {"200", "401", "403", "404"},
                ("get", "/api/admin/feedback"): {"200", "401", "403", "404"},
                ("get", "/api/admin/feedback.csv"): {"200", "401", "403", "404"}}
    for (method, path), statuses in expected.items():
        op = spec["paths"][path][method]
        assert statuses <= set(op["responses"]), (path, sorted(op["responses"]))
        assert {"adminBearer", "adminToken"} <= {k for s in op["security"] for k in s}, path


def test_admin_page_and_feedback_routes(config, assistant):
    """``/admin`` is served with a token configured (the token itself never appears in it or in a URL);
    the feedback summary and CSV need the token."""
    import ui

    app = ui.create_app(dataclasses.replace(config, rate_limit=""), assistant=assistant)
    with TestClient(app) as c:
        page = c.get("/admin")
        assert page.status_code == 200 and '<html lang="ko">' in page.text and "<h1>" in page.text
        assert "s3cret" not in page.text and 'type="password"' in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert c.get("/admin/", follow_redirects=False).status_code == 307
        assert c.get("/api/admin/feedback").status_code == 401
        c.post("/api/feedback", json={"question": "=cmd()", "answer": "a", "rule": "lookup", "rating": "down"})
        c.post("/api/ask", json={"question": "서울시 국비는?"})
        summary = c.get("/api/admin/feedback", headers=AUTH).json()
        assert summary["counts"]["down"] == 1 and summary["counts"]["not_found"] >= 1
        assert {u["question"] for u in summary["unanswered"]} >= {"=cmd()"}
        csv = c.get("/api/admin/feedback.csv", headers=AUTH)
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert "question" in csv.text.splitlines()[0] and "'=cmd()" in csv.text  # no formula injection
    off = ui.create_app(dataclasses.replace(config, admin_token="", rate_limit=""), assistant=assistant)
    with TestClient(off) as c:
        r = c.get("/admin")
        assert r.status_code == 404 and "QA_ADMIN_TOKEN" in r.text
        assert c.get("/api/admin/feedback", headers=AUTH).status_code == 404


@pytest.mark.slow
def test_pages_show_the_new_index_after_an_upload_without_a_restart(config, cached_embedder):
    """The public pages' counts, examples and facts come from the index loaded now: after an upload is
    rebuilt and swapped in, the next page load shows the new announcement (no restart)."""
    import ui
    from qa import Assistant
    from qa.assistant import build

    build(config, embedder=cached_embedder)
    assistant = Assistant.load(config, rebuild="never")
    app = ui.create_app(dataclasses.replace(config, rate_limit=""), assistant=assistant)
    app.state.web.answers.assistant.current.index.embedder = cached_embedder
    pages = app.state.web.pages
    before = pages.get()
    assert before["status"]["documents"] == 1
    with TestClient(app) as c:
        r = c.post("/api/documents", files={"file": (f"{URBAN}.txt", (ROOT / "tests" / "data" / "announcements" /
                                                                      f"{URBAN}.txt").read_bytes())}, headers=AUTH)
        assert r.status_code == 202, r.text
        assert app.state.rebuilder.wait(600)
        after = pages.get()
        assert after["status"]["documents"] == 2 and after["n_facts"] > before["n_facts"]
        assert any(URBAN in row[-1] or "도시재생" in row[-1] for row in after["rows"])
        assert c.get("/healthz").json()["documents"] == 2
        assert {d["doc_id"] for d in c.get("/api/documents").json()} == {SEED_ID, URBAN}
        job = c.get("/api/admin/jobs", headers=AUTH).json()[0]
        assert job["state"] == "done" and job["progress"]["stage"] == "done" and job["elapsed"] is not None


@pytest.mark.slow
def test_other_workers_follow_an_index_rebuilt_by_one(config, cached_embedder):
    """``--workers N``: the worker that took the upload rebuilds and swaps; another worker (here a second app
    over the same folders) loads the new index on its next request, without a restart."""
    import ui
    from qa import Assistant
    from qa.assistant import build
    from qa.index import load_index

    build(config, embedder=cached_embedder)
    cfg = dataclasses.replace(config, rate_limit="")
    one = ui.create_app(cfg, assistant=Assistant(cfg, load_index(cfg, embedder=cached_embedder)))
    other = ui.create_app(cfg, assistant=Assistant(cfg, load_index(cfg, embedder=cached_embedder)))
    other.state.web.follower.interval = 0
    with TestClient(one) as a, TestClient(other) as b:
        assert len(b.get("/api/documents").json()) == 1
        r = a.post("/api/documents", files={"file": (f"{URBAN}.txt", (ROOT / "tests" / "data" / "announcements" /
                                                                      f"{URBAN}.txt").read_bytes())}, headers=AUTH)
        assert r.status_code == 202 and one.state.rebuilder.wait(600)
        assert {d["doc_id"] for d in b.get("/api/documents").json()} == {SEED_ID, URBAN}
        assert b.get("/healthz").json()["documents"] == 2 and other.state.web.pages.get()["status"]["documents"] == 2
        before = other.state.web.assistant.current
        b.get("/api/documents")
        assert other.state.web.assistant.current is before  # nothing new on disk: nothing loaded
