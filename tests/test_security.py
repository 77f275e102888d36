"""No request can hold the service and no input gives a 500: body, question and history bounds, the rate
limit, Gradio's upload and event routes, wrong methods, headers, ``/healthz`` staleness and skipped files,
serving the previous index when a rebuild fails, and ``ask --batch`` with undecodable lines.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # ui.py lives at the repo root

import qa.embed  # noqa: E402
import ui  # noqa: E402
from qa import Assistant  # noqa: E402
from qa.cli import main as cli_main  # noqa: E402
from qa.index import IndexLocationError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "전주시가 받는 국비는?"
SEED_FILES = ("molit_2025_smart_city_selection.txt", "molit_2025_smart_city_selection.json")


def raw_post(client, path: str, obj) -> object:
    """POST JSON with \\u escapes (how a browser sends a lone surrogate: httpx refuses to encode one)."""
    return client.post(path, content=json.dumps(obj), headers={"Content-Type": "application/json"})


def korean_and_english(detail: str) -> bool:
    return any("가" <= c <= "힣" for c in detail) and any(c.isascii() and c.isalpha() for c in detail)


# --------------------------------------------------------------------------- request bounds
def test_body_over_the_limit_is_413_before_parsing(client):
    r = client.post("/api/ask", content=b'{"question": "' + b" " * 70_000 + b'x"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and korean_and_english(r.json()["detail"])


def test_body_limit_also_without_content_length(client):
    def chunks():
        for _ in range(20):
            yield b" " * 5000

    r = client.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_body_limit_is_configurable(seed_config, assistant):
    app = ui.create_app(seed_config.replace(max_body_bytes=200, rate_limit=""), assistant=assistant)
    with TestClient(app) as c:
        assert c.post("/api/ask", json={"question": QUESTION}).status_code == 200
        r = c.post("/api/ask", json={"question": QUESTION, "history": ["강소형 경쟁률은?"] * 8})
        assert r.status_code == 413 and "200" in r.json()["detail"]


def test_question_is_measured_before_stripping(client, assistant):
    """Before: 10 MB of spaces around a short question was accepted and echoed back."""
    padded = " " * 600 + QUESTION + " " * 600
    r = client.post("/api/ask", json={"question": padded})
    assert r.status_code == 422 and "too long" in r.json()["detail"]
    ok = client.post("/api/ask", json={"question": "  " + QUESTION + "\n"})
    assert ok.status_code == 200 and ok.json()["question"] == QUESTION


@pytest.mark.parametrize("history,problem", [
    (["강소형은?"] * 21, "at most 20 items"),
    (["가" * 501], "at most 500 characters"),
    ([123], "valid string"),
])
def test_history_is_bounded(client, history, problem):
    """Before: a 1.7 MB history took 17 s while every other question waited."""
    r = client.post("/api/ask", json={"question": QUESTION, "history": history})
    assert r.status_code == 422 and problem in r.json()["detail"]


def test_history_at_the_limits_is_answered_fast(client):
    history = ["김해시 국비는?" + " " * 490] * 20  # 20 items of 500 characters: the most a request may carry
    t = time.perf_counter()
    r = client.post("/api/ask", json={"question": "강소형은?", "history": history})
    assert r.status_code == 200
    assert time.perf_counter() - t < 5


def test_openapi_documents_the_history_bounds(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["AskRequest"]["properties"]["history"]
    arr = next(s for s in schema["anyOf"] if s.get("type") == "array")
    assert arr["maxItems"] == 20 and arr["items"]["maxLength"] == 500


# --------------------------------------------------------------------------- no input gives a 500
@pytest.mark.parametrize("question", ["\ud800 국비", "전주시\udfff 국비는?", "\x00\x1b[2J국비", "\u202e국비\u202c",
                                      "\ufeff전주시가 받는 국비는?", "\uffff", "\ud800"])
def test_hostile_characters_never_give_500(client, question):
    r = raw_post(client, "/api/ask", {"question": question})
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        body = r.json()
        assert not any(0xD800 <= ord(c) <= 0xDFFF or ord(c) < 32 for c in body["question"])
    else:
        assert korean_and_english(r.json()["detail"])


def test_surrogates_in_history_never_give_500(client):
    r = raw_post(client, "/api/ask", {"question": "김해는?", "history": ["\ud800", QUESTION + "\udc00"]})
    assert r.status_code in (200, 422) and isinstance(r.json()["detail" if r.status_code == 422 else "answer"], str)


def test_lone_surrogate_question_is_cleaned(client, assistant):
    """Before: ``{"question": "\\ud800 국비"}`` gave a 500 from the tokenizer."""
    r = raw_post(client, "/api/ask", {"question": "\ud800 " + QUESTION})
    assert r.status_code == 200
    expected = assistant.ask(QUESTION).to_dict()
    body = r.json()
    assert body["answer"] == expected["answer"] and body["question"] == QUESTION


def test_check_question_cleans_and_bounds(assistant):
    assert assistant.check_question("\u200f\ufeff 전주시가\u200b 받는 국비는?\x00") == "전주시가 받는 국비는?"
    assert assistant.check_question("전주\ud800시") == "전주시"
    for bad in ("", "   ", "\u200f\u200e", "\ud800", "\x00\x01", None):
        with pytest.raises(qa.QuestionError):
            assistant.check_question(bad)
    with pytest.raises(qa.QuestionError, match="too long"):
        assistant.check_question(" " * 10_000 + "국비")
    with pytest.raises(qa.QuestionError):
        assistant.check_question(123)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rate limit
def test_rate_limit_answers_429_with_a_message(seed_config, assistant):
    app = ui.create_app(seed_config.replace(rate_limit="3/minute"), assistant=assistant)
    with TestClient(app) as c:
        codes = [c.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.post("/api/ask", json={"question": QUESTION})
        assert r.status_code == 429 and korean_and_english(r.json()["detail"]) and "3/minute" in r.json()["detail"]
        assert int(r.headers["Retry-After"]) == 60
        assert c.get("/healthz").status_code == 200  # only questions are limited
        assert c.get("/api/facts").status_code == 200


def test_rate_limit_counts_gradio_chat_events(seed_config, assistant):
    app = ui.create_app(seed_config.replace(rate_limit="2/minute"), assistant=assistant)
    with TestClient(app) as c:
        chat_fn = min(app.state.gradio_events[""][1])
        body = {"data": [QUESTION, [], None], "fn_index": chat_fn, "session_hash": "s1"}
        codes = [c.post("/gradio_api/queue/join", json=body).status_code for _ in range(3)]
        assert codes[:2] == [200, 200] and codes[2] == 429


def test_bad_rate_limit_setting_is_refused(seed_config, assistant):
    with pytest.raises(ValueError, match="rate_limit"):
        ui.create_app(seed_config.replace(rate_limit="lots"), assistant=assistant)


# --------------------------------------------------------------------------- Gradio routes
@pytest.mark.parametrize("path", ["/gradio_api/upload", "/embed/gradio_api/upload", "/gradio_api/upload/",
                                  "/gradio_api/process_recording"])
def test_gradio_upload_is_switched_off(client, path, tmp_path):
    """Before: 200 MB files were accepted into a temp folder and never removed."""
    r = client.post(path, files={"files": ("x.txt", b"x" * 1000, "text/plain")})
    assert r.status_code == 403 and korean_and_english(r.json()["detail"])


@pytest.mark.parametrize("prefix", ["", "/embed"])
@pytest.mark.parametrize("fn_index", [999, -1, 2**40, "0", True])
def test_unknown_gradio_fn_index_is_4xx(client, prefix, fn_index):
    """Before: an unknown fn_index gave a 500 (KeyError inside Gradio)."""
    r = client.post(f"{prefix}/gradio_api/queue/join", json={"data": [], "fn_index": fn_index, "session_hash": "x"})
    assert 400 <= r.status_code < 500, r.text


def test_known_gradio_event_still_runs(client, app):
    fn = min(app.state.gradio_events[""][1])
    r = client.post("/gradio_api/queue/join", json={"data": [QUESTION, [], None], "fn_index": fn, "session_hash": "ok"})
    assert r.status_code == 200 and "event_id" in r.json()


def test_gradio_temp_files_are_cleaned(app):
    assert ui.GRADIO_TEMP_CLEANUP[0] > 0 and ui.GRADIO_TEMP_CLEANUP[1] > 0


# --------------------------------------------------------------------------- methods and headers
@pytest.mark.parametrize("method,path,allow", [
    ("GET", "/api/ask", "POST"), ("PUT", "/api/ask", "POST"), ("DELETE", "/api/facts", "GET"),
    ("POST", "/api/documents", "GET"), ("POST", "/healthz", "GET"),
])
def test_wrong_method_is_405(client, method, path, allow):
    r = client.request(method, path)
    assert r.status_code == 405 and allow in r.headers["Allow"]
    assert korean_and_english(r.json()["detail"])


def test_unknown_api_path_is_json_404(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and korean_and_english(r.json()["detail"])


def test_x_frame_options_only_without_an_allow_list(client, seed_config, assistant):
    for path in ("/", "/embed/", "/api/facts", "/healthz"):
        assert client.get(path).headers["x-frame-options"] == "SAMEORIGIN"
    app = ui.create_app(seed_config.replace(allowed_origins=("https://portal.example.go.kr",), rate_limit=""),
                        assistant=assistant)
    with TestClient(app) as c:
        r = c.get("/embed/")
        assert "x-frame-options" not in r.headers  # it cannot name the portal; CSP frame-ancestors does
        assert "https://portal.example.go.kr" in r.headers["content-security-policy"]


# --------------------------------------------------------------------------- /healthz
def test_healthz_reports_fresh_index(client):
    body = client.get("/healthz").json()
    assert body["ok"] is True and body["stale"] is False and body["stale_reasons"] == [] and body["skipped"] == []


@pytest.fixture
def private_index(seed_config, tmp_path):
    """A copy of the seed corpus and index, so tests can edit either."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in SEED_FILES:
        shutil.copy2(ROOT / "corpus" / name, corpus / name)
    shutil.copytree(seed_config.index_dir, tmp_path / "index")
    return seed_config.replace(corpus_dir=corpus, index_dir=tmp_path / "index", rate_limit="")


def test_healthz_says_stale_when_the_corpus_changes_and_keeps_answering(private_index, embedder):
    a = Assistant.load(private_index, rebuild="never")
    app = ui.create_app(private_index, assistant=a)
    with TestClient(app) as c:
        assert c.get("/healthz").json()["stale"] is False
        txt = Path(private_index.corpus_dir) / SEED_FILES[0]
        txt.write_text(txt.read_text(encoding="utf-8") + "\n□ 추가된 문장\n", encoding="utf-8")
        body = c.get("/healthz").json()
        assert body["stale"] is True and SEED_FILES[0] in body["stale_reasons"][0]
        assert c.post("/api/ask", json={"question": QUESTION}).status_code == 200  # still answering
        (Path(private_index.corpus_dir) / "new.txt").write_text("□ 새 공고\n", encoding="utf-8")
        assert "new.txt" in c.get("/healthz").json()["stale_reasons"][0]


def test_healthz_lists_skipped_files_from_files_json(private_index, embedder):
    a = Assistant.load(private_index, rebuild="never")
    reports = [{"name": SEED_FILES[0], "type": "txt", "encoding": "utf-8", "lines": 36, "tables": 1, "facts": 41,
                "status": "ok", "reason": ""},
               {"name": "broken.hwp", "type": "hwp", "encoding": None, "lines": 0, "tables": 0, "facts": 0,
                "status": "skipped", "reason": "encrypted"}]
    (Path(private_index.index_dir) / "files.json").write_text(json.dumps(reports), encoding="utf-8")
    with TestClient(ui.create_app(private_index, assistant=a)) as c:
        assert c.get("/healthz").json()["skipped"] == [{"name": "broken.hwp", "reason": "encrypted"}]


def test_healthz_stale_check_is_cheap(private_index, embedder, monkeypatch):
    """Unchanged names, sizes and mtimes: no file is hashed."""
    a = Assistant.load(private_index, rebuild="never")
    app = ui.create_app(private_index, assistant=a)
    calls = []
    real = qa.index.corpus_hash
    monkeypatch.setattr(qa.index, "corpus_hash", lambda d: calls.append(d) or real(d))
    with TestClient(app) as c:
        assert c.get("/healthz").json()["stale"] is False  # first look (hashes unless the build recorded stats)
        calls.clear()
        for _ in range(5):
            assert c.get("/healthz").json()["stale"] is False
    assert calls == []
    txt = Path(private_index.corpus_dir) / SEED_FILES[1]
    txt.touch()  # same bytes, new mtime: hashed once, still fresh
    with TestClient(app) as c:
        assert c.get("/healthz").json()["stale"] is False
        assert c.get("/healthz").json()["stale"] is False
    assert len(calls) == 1


def test_server_starts_on_the_previous_index_when_the_rebuild_fails(private_index, cached_embedder, monkeypatch):
    """A starting server keeps answering from what it has: the corpus edit makes the index stale, the rebuild
    fails (here: every announcement removed), and the intact previous index is served, reported stale."""
    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: cached_embedder)
    for name in SEED_FILES:
        (Path(private_index.corpus_dir) / name).unlink()
    (Path(private_index.corpus_dir) / "empty.txt").write_text("", encoding="utf-8")
    app = ui.create_app(private_index)
    with TestClient(app) as c:
        assert c.post("/api/ask", json={"question": QUESTION}).status_code == 200
        body = c.get("/healthz").json()
        assert body["ok"] is True and body["stale"] is True
        assert body["stale_reasons"][0].startswith("rebuild failed, serving the previous index")


def test_ui_main_refuses_an_unsafe_index_path_with_one_line(private_index, capsys):
    code = ui.main(["--corpus", str(private_index.corpus_dir), "--index", str(private_index.corpus_dir)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error:") and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in Path(private_index.corpus_dir).iterdir()) == sorted(SEED_FILES)


def test_location_error_is_not_retried_as_a_rebuild(private_index):
    with pytest.raises(IndexLocationError):
        ui.load_assistant(private_index.replace(index_dir=Path(private_index.corpus_dir)))


# --------------------------------------------------------------------------- ask --batch
def test_batch_names_an_undecodable_line_and_continues(private_index, embedder, monkeypatch, capsys, tmp_path):
    """Before: --batch stopped at the first undecodable line without naming it."""
    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: embedder)
    batch = tmp_path / "q.txt"
    batch.write_bytes("\ufeff전주시가 받는 국비는?\n".encode() + "김해시 국비는?\n".encode("cp949") + b"\n"
                      + "강소형 경쟁률은?\n".encode() + b"\xff\xfe\x00\n" + ("가" * 600 + "\n").encode())
    code = cli_main(["ask", "--batch", str(batch), "--json", "--index", str(private_index.index_dir),
                     "--corpus", str(private_index.corpus_dir), "--no-rebuild"])
    out, err = capsys.readouterr()
    assert code == 0
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert len(rows) == 5
    assert rows[0]["question"] == QUESTION and "answer" in rows[0]
    assert rows[1]["line"] == 2 and "line 2" in rows[1]["error"] and "UTF-8" in rows[1]["error"]
    assert "answer" in rows[2] and rows[2]["question"] == "강소형 경쟁률은?"
    assert rows[3]["line"] == 5 and "line 5" in rows[3]["error"]
    assert rows[4]["line"] == 6 and "too long" in rows[4]["error"]
    assert "line 2" in err and "line 5" in err and "Traceback" not in err


def test_batch_from_stdin_with_bad_bytes(private_index, embedder, monkeypatch, capsys):
    import io

    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: embedder)
    stdin = io.TextIOWrapper(io.BytesIO("전주시가 받는 국비는?\n".encode() + b"\xc3\x28\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code = cli_main(["ask", "--batch", "-", "--json", "--index", str(private_index.index_dir),
                     "--corpus", str(private_index.corpus_dir), "--no-rebuild"])
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert code == 0 and "answer" in rows[0] and rows[1]["line"] == 2


# read by tests that monkeypatch qa.index
import qa  # noqa: E402
import qa.index  # noqa: E402,F401


def test_long_chat_stays_under_the_body_limit(assistant):
    """The browser sends the whole chat with each question: it is trimmed to whole recent turns."""
    respond = ui.make_chat_handler(assistant, max_chat_bytes=20_000)
    chat, history = [], []
    for _ in range(15):
        *_, (chat, box, history) = respond("전주시가 받는 국비는?", chat, history)
    size = len(json.dumps(chat, ensure_ascii=False).encode("utf-8"))
    assert size <= 20_000 and chat[0]["role"] == "user" and chat[-1]["role"] == "assistant"
    assert len(chat) >= 2 and len(history) <= ui.MAX_HISTORY
