"""Command line: ``python -m qa build | ask | facts``.

Every interpreter that imports ``qa`` pays ~8 s of imports (torch, sentence-transformers) plus model loading,
so the subprocesses are few and start together (module fixture):

* ``ask --json`` runs as a real ``python -m qa`` process;
* the ``--help`` of every subcommand, ``ask --batch``, the empty question and the missing corpus run as
  ``python -m qa`` invocations inside one more interpreter (``runpy.run_module("qa", run_name="__main__")``
  is what ``-m`` does), each with its own stdout/stderr and exit code, any uncaught exception recorded as
  a traceback.

Everything else calls ``qa.cli.main`` in-process with the session's model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import qa.embed
import qa.index
from qa.cli import main

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "전주시가 받는 국비는 얼마인가요?"
BATCH = ["전주시가 받는 국비는?", "", "강소형 경쟁률은?", "   ", "김해는 무슨 사업을 해?", "가" * 600, "김천 부제"]
SUBCOMMANDS = ("build", "ask", "facts")

# Runs several `python -m qa ARGS…` invocations in one interpreter; prints {name: {code, out, err, traceback}}.
DRIVER = """
import contextlib, io, json, logging, runpy, sys, traceback
logging.basicConfig(stream=sys.__stderr__, level=logging.WARNING)
results = {}
for name, argv in json.loads(sys.argv[1]).items():
    out, err, tb = io.StringIO(), io.StringIO(), None
    sys.argv = ["python -m qa", *argv]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_module("qa", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            code, tb = 1, traceback.format_exc()
    results[name] = {"code": code, "out": out.getvalue(), "err": err.getvalue(), "traceback": tb}
print("DRIVER-RESULTS " + json.dumps(results, ensure_ascii=True))
"""


class Proc:
    """A started subprocess whose output goes to files (no pipe can fill up while others run)."""

    def __init__(self, name: str, args: list[str], folder: Path) -> None:
        self.out_path, self.err_path = folder / f"{name}.out", folder / f"{name}.err"
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONIOENCODING": "utf-8",
               # these processes share the CPUs with each other and pytest: don't let OpenMP threads spin
               "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
        env.pop("QA_CONFIG", None)
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.popen = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=err,
                                          stdin=subprocess.DEVNULL)

    def result(self, timeout: float = 600) -> tuple[int, str, str]:
        code = self.popen.wait(timeout=timeout)
        return code, self.out_path.read_text(encoding="utf-8"), self.err_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cli(assistant, seed_config, tmp_path_factory):
    """Start every CLI subprocess at once against the session's seed index; tests collect the results."""
    folder = tmp_path_factory.mktemp("cli")
    batch = folder / "questions.txt"
    batch.write_text("\n".join(BATCH) + "\n", encoding="utf-8")
    index = str(seed_config.index_dir)
    invocations = {
        **{f"help-{cmd}": [cmd, "--help"] for cmd in SUBCOMMANDS},
        # --no-rebuild: should the index look stale (an edited qa/facts.py), only the `ask` process rebuilds it
        "batch": ["ask", "--batch", str(batch), "--json", "--index", index, "--corpus", "corpus", "--no-rebuild"],
        "empty": ["ask", "", "--index", index, "--corpus", "corpus", "--no-rebuild"],
        "missing": ["ask", QUESTION, "--index", str(folder / "no-index"), "--corpus", str(folder / "no-corpus")],
    }
    procs = {
        "ask": Proc("ask", ["-m", "qa", "ask", QUESTION, "--json", "--index", index, "--corpus", "corpus"], folder),
        "driver": Proc("driver", ["-c", DRIVER, json.dumps(invocations)], folder),
    }
    yield procs
    for p in procs.values():  # only the processes started here
        if p.popen.poll() is None:
            p.popen.kill()
            p.popen.wait()


@pytest.fixture(scope="module")
def driven(cli) -> dict[str, dict]:
    code, out, err = cli["driver"].result()
    assert code == 0, err[-3000:]
    line = next(x for x in out.splitlines() if x.startswith("DRIVER-RESULTS "))
    return json.loads(line.removeprefix("DRIVER-RESULTS "))


@pytest.fixture
def same_model(embedder, monkeypatch):
    """In-process CLI runs reuse the session's model instead of loading another copy."""
    monkeypatch.setattr(qa.embed, "load_embedder", lambda name: embedder)


# ----------------------------------------------------------------------------- in-process
@pytest.mark.usefixtures("cli")  # starts the subprocesses first, so they run while the in-process tests do
@pytest.mark.parametrize("cmd", SUBCOMMANDS)
def test_help_in_process(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        main([cmd, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m qa {cmd}")
    if cmd == "ask":
        assert "--batch FILE" in out and "--json" in out and "--no-rebuild" in out


def test_no_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_ask_text_output_names_the_source_lines(assistant, seed_config, same_model, capsys):
    code = main(["ask", QUESTION, "--index", str(seed_config.index_dir), "--corpus", str(ROOT / "corpus")])
    assert code == 0
    out = capsys.readouterr().out
    assert "2025년 스마트도시 조성사업 공모 선정 결과" in out
    assert "16행" in out  # the source's line span, e.g. "16-16행"


def test_ask_ascii_json(assistant, seed_config, same_model, capsys):
    code = main(["ask", QUESTION, "--json", "--ascii", "--index", str(seed_config.index_dir),
                 "--corpus", str(ROOT / "corpus")])
    assert code == 0
    out = capsys.readouterr().out
    assert out.isascii()
    assert json.loads(out)["question"] == QUESTION


def test_too_long_question_exits_2(assistant, seed_config, same_model, capsys):
    code = main(["ask", "가" * 600, "--index", str(seed_config.index_dir), "--corpus", str(ROOT / "corpus")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_build_with_missing_corpus_fails_clearly(tmp_path, capsys):
    code = main(["build", "--corpus", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index")])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: corpus folder not found")
    assert not (tmp_path / "index").exists()


def test_build_with_only_an_unreadable_file_names_it(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "garbage.txt").write_bytes(bytes(range(256)) * 4)  # (CP949 text is read: tests/test_ingest.py)
    assert main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "index")]) == 1
    err = capsys.readouterr().err
    assert "garbage.txt" in err and "binary" in err and "Traceback" not in err


def test_batch_file_not_found_is_a_clear_error(assistant, seed_config, same_model, tmp_path, capsys):
    code = main(["ask", "--batch", str(tmp_path / "missing.txt"), "--json", "--index", str(seed_config.index_dir),
                 "--corpus", str(ROOT / "corpus")])
    assert code == 1
    assert "missing.txt" in capsys.readouterr().err


def test_missing_corpus_error_names_the_corpus_folder(tmp_path, capsys):
    code = main(["ask", QUESTION, "--index", str(tmp_path / "no-index"), "--corpus", str(tmp_path / "no-corpus")])
    assert code == 1
    assert "no-corpus" in capsys.readouterr().err


# ----------------------------------------------------------------------------- subprocesses
@pytest.mark.parametrize("cmd", SUBCOMMANDS)
def test_every_subcommand_has_help_via_python_m_qa(driven, cmd):
    r = driven[f"help-{cmd}"]
    assert r["code"] == 0 and r["traceback"] is None, r
    assert r["out"].startswith(f"usage: python -m qa {cmd}")
    for flag in ("--corpus", "--index", "--config", "--embedder"):
        assert flag in r["out"]


def test_ask_json(cli):
    code, out, err = cli["ask"].result()
    assert code == 0, err[-2000:]
    assert "Traceback" not in err
    answer = json.loads(out)
    assert {"question", "answer", "kind", "facts", "sources", "timing_ms"} <= set(answer)
    assert answer["question"] == QUESTION
    assert isinstance(answer["answer"], str) and answer["answer"]
    assert answer["kind"] in ("fact", "passage", "none")  # what it says is test_answer.py's business
    assert any("국비 160억원" in s["text"] for s in answer["sources"])
    src = next(s for s in answer["sources"] if "국비 160억원" in s["text"])
    assert src["lines"][0] <= 16 <= src["lines"][1]
    assert src["doc_id"] == "molit_2025_smart_city_selection"
    assert src["title"] == "2025년 스마트도시 조성사업 공모 선정 결과"
    assert set(answer["timing_ms"]) and all(v >= 0 for v in answer["timing_ms"].values())


def test_ask_batch_writes_one_json_per_line_in_order(driven):
    r = driven["batch"]
    assert r["code"] == 0 and r["traceback"] is None, r["traceback"] or r["err"][-2000:]
    out = r["out"]
    asked = [q.strip() for q in BATCH if q.strip()]  # blank lines are skipped
    lines = out.strip().splitlines()
    assert len(lines) == len(asked)
    rows = [json.loads(line) for line in lines]
    assert [r["question"] for r in rows] == asked
    too_long = rows[asked.index("가" * 600)]
    assert "error" in too_long and "answer" not in too_long  # a bad question does not stop the batch
    for r in rows:
        if "error" not in r:
            assert {"answer", "kind", "facts", "sources", "timing_ms"} <= set(r)
    assert any("국비 160억원" in s["text"] for s in rows[0]["sources"])


def test_empty_question_fails_with_a_message(driven):
    r = driven["empty"]
    assert r["code"] != 0
    assert r["traceback"] is None and "Traceback" not in r["err"]
    assert "질문을 입력해 주세요" in r["err"]
    assert r["out"].strip() == ""


def test_missing_corpus_and_index_fail_clearly(driven):
    r = driven["missing"]
    assert r["code"] == 1
    assert r["traceback"] is None and "Traceback" not in r["err"]
    assert r["err"].startswith("error:")
    assert "no-index" in r["err"] and "python -m qa build" in r["err"]
