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
