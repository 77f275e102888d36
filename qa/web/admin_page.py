"""The maintainer page ``/admin`` and its feedback routes.

The page itself holds no data: after the maintainer types the admin token (kept in the tab's session storage,
never in a URL), its script calls the token-protected JSON routes — the documents with their build reports,
upload (several files at once, by drag and drop), replace, delete, the rebuild jobs with live progress, the
feedback counts, the most frequent unanswered questions and the CSV export.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse, Response

from ..admin import AUTH_RESPONSES, admin_auth
from ..feedback import FeedbackLog
from .html import page

APP_TITLE = "공고문 QA"
ACCEPT = ".hwpx,.hwp,.pdf,.docx,.html,.htm,.txt,.md"
# the maintainer page runs only its own script and is never framed (not even by an allowed portal)
ADMIN_CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
             "frame-ancestors 'none'")

_LOGIN = """
<section id="qa-login" aria-labelledby="h-login">
  <h2 id="h-login">관리자 확인</h2>
  <form id="qa-login-form">
    <p><label for="qa-token">관리자 토큰 (QA_ADMIN_TOKEN)</label><br>
    <input id="qa-token" name="token" type="password" autocomplete="current-password" required size="32"></p>
    <p><button type="submit">들어가기</button></p>
  </form>
  <p id="qa-login-status" role="status"></p>
</section>"""

_UPLOAD = f"""
<section aria-labelledby="h-upload">
  <h2 id="h-upload">공고문 올리기</h2>
  <div id="qa-drop" class="qa-drop">
    <p>공고문 파일(HWPX, HWP, PDF, DOCX, HTML, TXT, MD)을 여기에 끌어다 놓거나 고르세요. 여러 개를 한 번에 올릴 수 있습니다.</p>
    <p><input id="qa-files" class="qa-sr" type="file" multiple accept="{ACCEPT}">
    <label for="qa-files" class="qa-file-button">파일 고르기</label></p>
    <p><input id="qa-replace" type="checkbox"> <label for="qa-replace">같은 이름의 문서가 있으면 바꾸기</label></p>
  </div>
  <ul id="qa-upload-list" class="qa-list" aria-live="polite"></ul>
  <input id="qa-replace-file" type="file" accept="{ACCEPT}" hidden>
</section>"""

_JOBS = """
<section aria-labelledby="h-jobs">
  <h2 id="h-jobs">색인 작업</h2>
  <p>올리거나 지운 뒤 색인을 다시 만듭니다. 그동안 이전 색인이 계속 답하고, 끝나면 바로 바뀝니다.</p>
  <div class="qa-table-wrap" tabindex="0" role="region" aria-label="색인 작업 표">
  <table><thead><tr><th scope="col">시작</th><th scope="col">이유</th><th scope="col">상태</th>
  <th scope="col">진행</th><th scope="col">걸린 시간</th><th scope="col">내용</th></tr></thead>
  <tbody id="qa-jobs"><tr><td colspan="6">작업이 없습니다.</td></tr></tbody></table></div>
</section>"""

_DOCS = """
<section aria-labelledby="h-docs">
  <h2 id="h-docs">문서</h2>
  <p id="qa-docs-count" role="status"></p>
  <div class="qa-table-wrap" tabindex="0" role="region" aria-label="문서 표">
  <table><thead><tr><th scope="col">파일</th><th scope="col">제목</th><th scope="col">형식</th>
  <th scope="col">인코딩</th><th scope="col">행</th><th scope="col">표</th><th scope="col">사실</th>
  <th scope="col">결과</th><th scope="col">관리</th></tr></thead>
  <tbody id="qa-docs"></tbody></table></div>
</section>"""

_FEEDBACK = """
<section aria-labelledby="h-feedback">
  <h2 id="h-feedback">의견과 못 찾은 질문</h2>
  <p id="qa-fb-counts" role="status"></p>
  <p><button id="qa-csv" type="button" class="qa-secondary">CSV로 내려받기</button></p>
  <h3 id="h-unanswered">자주 묻지만 답하지 못한 질문</h3>
  <div class="qa-table-wrap" tabindex="0" role="region" aria-label="답하지 못한 질문 표">
  <table><thead><tr><th scope="col">질문</th><th scope="col">횟수</th><th scope="col">마지막</th>
  <th scope="col">이유</th></tr></thead><tbody id="qa-unanswered"></tbody></table></div>
  <h3 id="h-recent">최근 의견</h3>
  <div class="qa-table-wrap" tabindex="0" role="region" aria-label="최근 의견 표">
  <table><thead><tr><th scope="col">시각</th><th scope="col">평가</th><th scope="col">질문</th>
  <th scope="col">답</th><th scope="col">의견</th></tr></thead><tbody id="qa-recent"></tbody></table></div>
</section>"""


def admin_html() -> str:
    body = (f'<header><p class="qa-app"><a href="/">{APP_TITLE}</a></p><h1>{APP_TITLE} 관리</h1>'
            f'<p>공고문을 올리고 바꾸고 지우며, 색인 작업과 사용자의 의견을 봅니다.</p></header>'
            f'<main id="qa-admin">{_LOGIN}<div id="qa-panel" hidden>'
            f'<p><button id="qa-logout" type="button" class="qa-secondary">나가기</button></p>'
            f'{_UPLOAD}{_JOBS}{_DOCS}{_FEEDBACK}</div></main>')
    return page(f"관리 — {APP_TITLE}", body, css=("page.css", "admin.css"), scripts=("admin.js",))


def off_html() -> str:
    return page(f"관리 — {APP_TITLE}", f'<main><h1>{APP_TITLE} 관리</h1><p>관리 기능이 꺼져 있습니다. 서버에 '
                                       f'QA_ADMIN_TOKEN(관리자 토큰)을 설정하면 켜집니다. <a href="/">질문하기로 '
                                       f'돌아가기</a></p></main>')


def feedback_router(config: Any, feedback: FeedbackLog) -> APIRouter:
    """``GET /api/admin/feedback`` (counts, frequent unanswered questions, latest feedback) and
    ``GET /api/admin/feedback.csv`` (every row), behind the admin token."""
    router = APIRouter(dependencies=[Depends(admin_auth(config))], tags=["admin"])

    def summary(top: int = 20, recent: int = 20) -> dict[str, Any]:
        """Counts (not found, 👍, 👎, comments), the most frequent unanswered questions (not found or 👎)
        and the latest feedback, within the retention period."""
        return feedback.summary(top=max(1, min(top, 200)), recent=max(1, min(recent, 200)))

    def export() -> Response:
        """Every row of the log as CSV (UTF-8 with BOM): id, time, kind, rating, question, answer, rule,
        comment, origin."""
        return Response(feedback.csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="feedback.csv"',
                                 "Cache-Control": "no-store"})

    router.add_api_route("/api/admin/feedback", summary, methods=["GET"], responses=dict(AUTH_RESPONSES),
                         summary="의견과 못 찾은 질문 (admin: feedback and unanswered questions)")
    router.add_api_route("/api/admin/feedback.csv", export, methods=["GET"], response_class=Response,
                         responses={200: {"content": {"text/csv": {}}, "description": "CSV"}, **AUTH_RESPONSES},
                         summary="의견 CSV 내보내기 (admin: feedback log as CSV)")
    return router


def add_admin_page(app: FastAPI, config: Any) -> None:
    """``/admin``: the page when the admin token is set, else a 404 page saying how to turn it on."""
    on = bool(config.admin_token)

    @app.get("/admin", include_in_schema=False)
    def admin() -> HTMLResponse:
        if not on:
            return HTMLResponse(off_html(), status_code=404)
        return HTMLResponse(admin_html(), headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                                   "Content-Security-Policy": ADMIN_CSP, "X-Frame-Options": "DENY"})
