"""``/docs`` without a CDN: Swagger UI from the ``fastapi-offline`` package (Korean ``lang``, AA colours for
its text), else a plain local page listing the operations.

Swagger UI's own widget structure (an expand button holding links, content outside landmarks) is a
developer tool outside the WCAG claim of the citizen and maintainer pages; the plain page has none of it.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from .html import STATIC, esc

APP_TITLE = "공고문 QA"


def _swagger_static() -> Path | None:
    try:
        import fastapi_offline  # type: ignore[import-not-found]
    except ImportError:
        return None
    static = Path(fastapi_offline.__file__).parent / "static"
    return static if (static / "swagger-ui-bundle.js").is_file() else None


def _docs_routes(app: FastAPI) -> None:
    """``/docs``: Swagger UI served locally when fastapi-offline is installed, else the plain page."""
    static = _swagger_static()
    if static is not None:
        from fastapi.openapi.docs import get_swagger_ui_html
        from fastapi.staticfiles import StaticFiles

        app.mount("/docs-static", StaticFiles(directory=static), name="docs-static")

        @app.get("/docs", include_in_schema=False)
        def swagger() -> HTMLResponse:
            page = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{APP_TITLE} API",
                                       swagger_js_url="/docs-static/swagger-ui-bundle.js",
                                       swagger_css_url="/docs-static/swagger-ui.css",
                                       swagger_favicon_url="/docs-static/favicon.png")
            html = page.body.decode("utf-8").replace("<html>", '<html lang="ko">', 1).replace(
                "</head>", f'<link rel="stylesheet" href="{STATIC}/swagger.css"></head>', 1)
            html = re.sub(r'<div id="swagger-ui">\s*</div>', '<main id="swagger-ui"></main>', html, count=1)
            return HTMLResponse(html)
        return

    @app.get("/docs", include_in_schema=False)
    def plain_docs() -> HTMLResponse:
        spec = app.openapi()
        rows = []
        for path, ops in spec.get("paths", {}).items():
            for method, op in ops.items():
                rows.append(f"<tr><td><code>{esc(method.upper())}</code></td><td><code>{esc(path)}</code></td>"
                            f"<td>{esc(op.get('summary', ''))}<br><small>{esc(op.get('description', ''))}</small>"
                            f"</td></tr>")
        return HTMLResponse(f"<!doctype html><html lang='ko'><meta charset='utf-8'><title>{esc(APP_TITLE)} API</title>"
                            f"<body style='font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem'><main>"
                            f"<h1>{esc(APP_TITLE)} API</h1><p>전체 명세: <a href='/openapi.json'>/openapi.json</a></p>"
                            f"<table border='1' cellpadding='6' style='border-collapse:collapse'>"
                            f"<tr><th scope='col'>메서드</th><th scope='col'>경로</th><th scope='col'>설명</th></tr>"
                            f"{''.join(rows)}</table></main></body></html>")
