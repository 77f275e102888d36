# Everything installs into .venv in the repo root.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
STAMP   := .venv/.installed
HOST    ?= 127.0.0.1
PORT    ?= 7860

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test test-fast install browser-deps postgres-deps eval build clean bench

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## run: install, build the index on first run, serve the assistant (web UI + JSON API);
## WORKERS=N forks N processes sharing the loaded index (0 = one per core; see README "Performance")
WORKERS ?= 1
run: $(STAMP)
	$(PY) ui.py --host $(HOST) --port $(PORT) --workers $(WORKERS)

## test: install (with chromium for the browser tests), lint (ruff) and run the whole suite, slow tests included,
## in two processes (pytest-xdist), each taking whole test files so a module's session indexes are built once
test: $(STAMP) browser-deps postgres-deps
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n 2 --dist loadfile --durations=25

test-fast: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -m "not slow"

browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi nanum || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null) \
	    || echo "warning: could not install chromium/fonts-nanum; browser tests will be skipped"; }

## postgres-deps: Debian's PostgreSQL binaries for the PostgreSQL store tests (pytest-postgresql starts a throwaway
## server from them); without them those tests are skipped
postgres-deps:
	@command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
	    || echo "warning: could not install postgresql; the PostgreSQL store tests will be skipped"; }

build: $(STAMP)
	$(PY) -m qa build

eval: $(STAMP)
	$(PY) -m evals --compare

clean:
	rm -rf index/*.faiss index/bm25 index/*.json index/*.jsonl index/*.sqlite tests/artifacts

## bench: cold start, warm latency per stage vs a bare query embedding (idle / one core busy), build time,
## peak RSS, requests/s, retrieval alone at 100k chunks; SCALE=100,1000 adds the scaling table (slow)
SCALE ?=
bench: $(STAMP)
	$(PY) -m benchmarks $(if $(SCALE),--scale $(SCALE))
