"""The whole web app: one FastAPI app with the JSON API, the document viewer, the maintainer page and the two
Gradio pages mounted on it (:func:`create_app`)."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from limits import parse_many
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address

from .. import Assistant, Config
from ..admin import LiveAssistant, admin_router
from ..feedback import FeedbackLog
from ..index import CorpusWatch, IndexError_, IndexLocationError, load_index
from ..readers import budget
from ..worker import stop_all
from .admin_page import add_admin_page, feedback_router
from .answers import Answers
from .api import Web, _document, add_api_routes, add_fallback_routes
from .chat import make_chat_handler
from .docs import _docs_routes
from .follow import IndexFollower
from .html import STATIC
from .pages import APP_TITLE, CSS, EMBED_CSS, JS, STATIC_DIR, PageData, build_embed_blocks, build_main_blocks, theme
from .security import (
    CORS_ALLOW_HEADERS,
    CORS_ALLOW_METHODS,
    HeadAsGet,
    KoreanPages,
    RequestGuard,
    SecurityHeaders,
    normalize_origins,
    printable,
    rate_limited_message,
)
from .viewer import not_found_page, viewer_page

log = logging.getLogger("qa.ui")

EMBED_PATH = "/embed"
WEB_COMPONENT_PATH = "/gradio.js"
GRADIO_TEMP_CLEANUP = (3600, 3600)  # every hour, delete Gradio temp files older than an hour
DESCRIPTION = ("정부 보도자료·공고문 질의응답 API. 답은 `qa.Answer.to_dict()`에 출처 주소(`sources[].url`), 문서 보기 "
               "링크(`sources[].view`), 못 찾은 이유와 도움(`not_found`), 이어서 물어볼 질문(`suggestions`)을 더한 "
               "것입니다. 관리 API(문서 추가·교체·삭제, 작업, 의견)는 `QA_ADMIN_TOKEN`이 있을 때만 있으며 "
               "`Authorization: Bearer <token>` 또는 `X-Admin-Token` 헤더가 필요합니다.")


def load_assistant(config: Config) -> tuple[Assistant, str | None]:
    """``Assistant.load`` (building a missing or stale index); when that fails but the index folder holds an
    intact index, serve that one rather than nothing, and say why (shown by ``/healthz``)."""
    try:
        return Assistant.load(config), None
    except IndexLocationError:
        raise
    except Exception as exc:  # noqa: BLE001 - a failed (re)build must not take the service down
        try:
            index = load_index(config, check_corpus=False)
        except (IndexError_, IndexLocationError):
            raise exc from None
        problem = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
        log.warning("serving the existing index in %s: the rebuild failed (%s)", config.index_dir, problem)
        return Assistant(config, index), problem


def web_component_script() -> Path:
    """The web-component loader inside the installed gradio package (imports ``./assets/index-*.js``)."""
    return Path(gr.__file__).resolve().parent / "templates" / "frontend" / "gradio.js"


def _middleware(app: FastAPI, config: Config, origins: tuple[str, ...], limiter: Limiter, events: dict) -> None:
    # Innermost first: the guard, then CORS (so a 413/429 still carries CORS headers), then security headers.
    app.add_middleware(RequestGuard, max_body=config.max_body_bytes, events=events, limiter=limiter,
                       limit=config.rate_limit, body_timeout=config.body_timeout,
                       min_body_rate=config.min_body_rate, admin=config)
    # CORS: only the configured origins. A parent CORSMiddleware also makes Gradio skip its own CORS
    # handling for the mounted apps (which would otherwise let any origin through on a non-localhost host).
    app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_credentials=True,
                       allow_methods=CORS_ALLOW_METHODS, allow_headers=CORS_ALLOW_HEADERS, max_age=600)
    app.add_middleware(KoreanPages)
    app.add_middleware(SecurityHeaders, frame_ancestors=" ".join(["'self'", *origins]),
                       frame_options=None if origins else "SAMEORIGIN")
    app.add_middleware(HeadAsGet)  # outermost: every layer below sees the GET it answers


def _error_handlers(app: FastAPI, config: Config) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return JSONResponse(status_code=422, content={
            "detail": printable(f"요청 형식이 올바르지 않습니다. (Invalid request: {where[:1000]})"),
            "errors": [{"loc": [printable(str(x)) for x in e.get("loc", ())], "msg": printable(str(e.get("msg"))),
                        "type": e.get("type")} for e in exc.errors()][:20]})

    @app.exception_handler(RateLimitExceeded)
    async def too_many(request: Request, exc: RateLimitExceeded) -> JSONResponse:
        return JSONResponse(status_code=429, content={"detail": rate_limited_message(config.rate_limit)},
                            headers={"Retry-After": str(exc.limit.limit.get_expiry())})


def _page_routes(app: FastAPI, web: Web) -> None:
    """The web component's script, ``/embed`` → ``/embed/``, the document viewer, ``/admin``, static files."""
    script = web_component_script()
    app.mount(STATIC, StaticFiles(directory=STATIC_DIR), name="qa-static")

    @app.get(WEB_COMPONENT_PATH, include_in_schema=False)
    def gradio_js() -> FileResponse:
        return FileResponse(script, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get(EMBED_PATH, include_in_schema=False)
    def embed_slash(request: Request) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{EMBED_PATH}/{query}", status_code=307)

    @app.get("/admin/", include_in_schema=False)
    def admin_slash() -> RedirectResponse:
        return RedirectResponse("/admin", status_code=307)

    @app.get("/doc/{doc_id}", include_in_schema=False)
    def view_document(doc_id: str, start: int | None = Query(None, alias="from", ge=1, le=10**6),
                      end: int | None = Query(None, alias="to", ge=1, le=10**6),
                      hl: str | None = Query(None, max_length=2000)) -> HTMLResponse:
        found = _document(web, doc_id)
        if found is None:
            return HTMLResponse(not_found_page(doc_id), status_code=404)
        doc, report = found
        cited = (start, end or start) if start else None
        return HTMLResponse(viewer_page(doc, web.assistant.index, report, cited, hl))

    add_admin_page(app, web.config)
    _docs_routes(app)


def _mount_gradio(app: FastAPI, web: Web, events: dict) -> None:
    """The Gradio pages (after every other route: ``/`` is a catch-all)."""
    max_chat = web.config.max_body_bytes // 2
    common = dict(theme=theme(), run_history=False, footer_links=[], show_error=False, ssr_mode=False,
                  mcp_server=False, pwa=False, server_name=web.config.host, server_port=web.config.port,
                  max_file_size=web.config.max_body_bytes, js=JS)
    pages = ((EMBED_PATH, "embed", build_embed_blocks, EMBED_CSS), ("/", "ui", build_main_blocks, CSS))
    for path, origin, build, css in pages:
        ask = make_chat_handler(web.assistant, max_chat_bytes=max_chat, answers=web.answers, origin=origin)
        blocks = build(web.assistant, ask, web.pages, feedback=web.feedback)
        blocks.delete_cache = GRADIO_TEMP_CLEANUP
        events["" if path == "/" else path] = (set(blocks.fns), {i for i, f in blocks.fns.items()
                                                                 if getattr(f, "fn", None) is ask})
        gr.mount_gradio_app(app, blocks, path=path, css=css, **common)


def _check_rate_limit(config: Config) -> None:
    try:
        parse_many(config.rate_limit) if config.rate_limit else None
    except ValueError:
        raise ValueError(f"rate_limit must look like '60/minute' or '10/second;500/day', got {config.rate_limit!r}") \
            from None


def create_app(config: Config | None = None, *, assistant: Assistant | None = None) -> FastAPI:
    """The whole web app. Loads the index once (``Assistant.load``) unless a loaded ``assistant`` is given."""
    if config is None:
        config = assistant.config if assistant is not None else Config.load()
    origins = normalize_origins(config.allowed_origins)
    _check_rate_limit(config)
    budget.configure_from(config)  # a build at start-up reads the corpus here
    load_problem = None
    if assistant is None:
        assistant, load_problem = load_assistant(config)
    live = LiveAssistant(assistant)  # admin uploads swap a rebuilt index in (qa/admin.py)
    feedback = FeedbackLog.for_config(config)
    limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", enabled=bool(config.rate_limit))
    web = Web(config=config, assistant=live, answers=Answers(live, feedback), feedback=feedback,
              pages=PageData(live), watch=CorpusWatch(live.index.manifest, Path(config.corpus_dir)),
              limiter=limiter, load_problem=load_problem)
    web.follower = IndexFollower(web)
    web.pages.before = web.follow

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        url = getattr(app.state, "public_url", None)
        if url:
            print(f"{APP_TITLE}: {url}  (embed: {url}embed/ · API docs: {url}docs)", flush=True)
        try:
            yield
        finally:
            stop_all()  # a check or a rebuild still running in a worker process ends with the app

    app = FastAPI(title=f"{APP_TITLE} API", version="0.2.0", docs_url=None, redoc_url=None, lifespan=lifespan,
                  description=DESCRIPTION)
    app.state.assistant, app.state.config, app.state.allowed_origins = live, config, origins
    app.state.limiter, app.state.web = limiter, web
    events: dict[str, tuple[set[int], set[int]]] = {}  # filled once the Gradio apps are built (below)
    app.state.gradio_events = events
    _middleware(app, config, origins, limiter, events)
    _error_handlers(app, config)
    if config.admin_token:  # admin routes first: /api/admin/… and /api/documents/jobs/… before the public ones
        router = admin_router(config, live, on_swap=web.on_swap)
        app.state.rebuilder = web.rebuilder = router.rebuilder
        app.include_router(router)
        app.include_router(feedback_router(config, feedback))
    add_api_routes(app, web)
    add_fallback_routes(app)
    _page_routes(app, web)
    _mount_gradio(app, web, events)
    return app
