"""The Gradio pages: ``/`` (질문하기 · 사실 표) and ``/embed/`` (the compact chat for portals).

What a page shows that depends on the index (counts, example questions, the facts table and its choices) is
:class:`PageData`, computed once per loaded index and sent on every page load, so a page opened after an
admin upload swapped a new index in shows the new announcements without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from ..text import josa as _josa
from .chat import feedback_handlers
from .html import esc
from .render import fact_value

APP_TITLE = "공고문 QA"
STATIC_DIR = Path(__file__).parent / "static"
CSS = (STATIC_DIR / "app.css").read_text(encoding="utf-8")
EMBED_CSS = CSS + "\n.gradio-container > .main { padding: 4px 6px !important; }\n" \
                  ".qa-embed-title { font-size: 1.05rem; margin: .1rem 0 .3rem; }\n"
JS = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
CHAT_CONCURRENCY = 8  # questions answered at once per page, each in a thread
GENERIC_EXAMPLES = ["지원 규모는 얼마인가요?", "신청 대상은 누구인가요?", "담당 부서는 어디인가요?"]
ALL = "__all__"
FACT_HEADERS = ["대상", "항목", "값", "수치", "원문", "행", "문서"]
# System fonts only (the default theme would otherwise name web fonts); Korean first.
FONTS = ["NanumGothic", "Nanum Gothic", "Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo",
         "Malgun Gothic", "맑은 고딕", "system-ui", "sans-serif"]
MONO_FONTS = ["NanumGothicCoding", "D2Coding", "DejaVu Sans Mono", "monospace"]


def theme() -> gr.themes.Base:
    """Gradio's default theme with AA contrast: white on #1d4ed8 (6.7:1) for the ask button, not #3b82f6."""
    return gr.themes.Default(primary_hue="blue", font=FONTS, font_mono=MONO_FONTS).set(
        button_primary_background_fill="#1d4ed8", button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="#ffffff", button_primary_background_fill_dark="#1d4ed8",
        button_primary_text_color_dark="#ffffff", link_text_color="#1d4ed8", link_text_color_hover="#1e3a8a")


# --------------------------------------------------------------------------- examples and facts table
def _short(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def example_questions(assistant: Any, limit: int = 6) -> list[str]:
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
        add(f"{_short(doc.title)}의 주요 내용은?")
    if len(out) < 3:
        for q in GENERIC_EXAMPLES:
            add(q)
    return out


def fact_rows(facts: Iterable[Any], titles: dict[str, str]) -> list[list[Any]]:
    rows = []
    for f in facts:
        d = f.to_dict()
        number = "" if f.value is None else f"{_number(f.value)}{f.unit or ''}"
        rows.append([f.subject, f.attribute, fact_value(d), number, f.raw or "",
                     f.line if f.line is not None else "", titles.get(f.doc_id, f.doc_id)])
    return rows


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def filter_facts(assistant: Any, doc_id: str | None = None, subject: str | None = None,
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


class PageData:
    """The index-dependent parts of the pages, computed once per loaded index (thread-safe)."""

    def __init__(self, assistant: Any, before: Callable[[], None] | None = None) -> None:
        self.assistant = assistant
        self.before = before  # e.g. pick up an index another worker rebuilt
        self._lock = threading.Lock()
        self._index: Any = None  # the index the data is of (held, so compared by identity)
        self._data: dict[str, Any] = {}

    def get(self) -> dict[str, Any]:
        if self.before is not None:
            self.before()
        with self._lock:
            index = getattr(self.assistant, "index", None)
            if index is not self._index or not self._data:
                self._data = self._compute()
                self._index = index
            return self._data

    def _compute(self) -> dict[str, Any]:
        a = self.assistant
        docs, facts = list(a.documents), a.facts()
        titles = {d.doc_id: d.title for d in docs}
        return {"status": a.status(), "examples": example_questions(a), "examples_embed": example_questions(a, 3),
                "docs": [(_short(d.title, 60), d.doc_id) for d in docs], "titles": titles, "n_facts": len(facts),
                "rows": fact_rows(facts, titles), "subjects": _choices(f.subject for f in facts),
                "attributes": _choices(f.attribute for f in facts)}


def header_html(data: dict[str, Any]) -> str:
    st = data["status"]
    return (f'<div class="qa-head-title"><h1>{esc(APP_TITLE)} <small>정부 보도자료·공고문 질의응답</small></h1>'
            f'<div class="qa-status">문서 {st["documents"]}건 · 구절 {st["chunks"]}개 · 사실 {st["facts"]}건'
            f' · <a href="/docs" target="_blank" rel="noopener">API 문서<span class="qa-sr"> (새 창)</span></a>'
            f'</div></div>')


# --------------------------------------------------------------------------- the chat
def _picked(data: gr.SelectData) -> str:
    """The question of a clicked follow-up button (a message option)."""
    value = data.value
    if isinstance(value, dict):
        value = value.get("value") or value.get("label")
    return str(value or "")


def chat_widgets(ask: Callable, examples: Sequence[str], *, height: int | str, compact: bool,
                 feedback: Any = None, origin: str = "ui") -> SimpleNamespace:
    """Question box (first in reading and tab order), example questions, the conversation, the comment box
    that opens after 👍/👎. Returns the components."""
    with gr.Row(elem_id="qa-ask-row", equal_height=True):
        box = gr.Textbox(label="질문", show_label=True, placeholder="예: 지원 금액은 얼마인가요?", lines=1,
                         max_lines=4, scale=5, min_width=160, elem_id="qa-question", autofocus=not compact)
        send = gr.Button("질문하기", variant="primary", scale=0, min_width=96, elem_id="qa-ask-btn")
    examples_ds = gr.Dataset(components=[box], samples=[[q] for q in examples], label="예시 질문",
                             elem_id="qa-examples", samples_per_page=max(1, len(examples)), visible=bool(examples))
    chatbot = gr.Chatbot(
        label="대화", show_label=False, height=height, elem_id="qa-chat", render_markdown=False,
        sanitize_html=True, latex_delimiters=[], allow_tags=False, buttons=[], feedback_options=("Like", "Dislike"),
        group_consecutive_messages=False, layout="panel", autoscroll=True,
        placeholder="공고문에 대해 물어보세요. 답과 함께 출처 문장을 보여 드립니다.")
    history = gr.State([])
    with gr.Row(visible=False, elem_id="qa-feedback") as fb_row:
        fb_text = gr.Textbox(label="의견 (선택)", lines=2, max_lines=6, scale=5, elem_id="qa-feedback-text",
                             placeholder="무엇이 틀렸거나 부족했나요?")
        fb_send = gr.Button("의견 보내기", scale=0, min_width=110, elem_id="qa-feedback-send")
    fb_status = gr.Markdown("", elem_id="qa-feedback-status")
    fb_id = gr.State(None)
    # Assistant.ask is re-entrant (tests/test_concurrency.py): questions of different visitors run side by side
    # instead of waiting behind each other (Gradio's default is one at a time per event)
    io = dict(inputs=[box, chatbot, history], outputs=[chatbot, box, history], show_progress="hidden",
              concurrency_limit=CHAT_CONCURRENCY)
    gr.on([box.submit, send.click], ask, api_visibility="undocumented", api_name="chat", **io)
    examples_ds.click(lambda sample: sample[0] if sample else "", inputs=[examples_ds], outputs=[box],
                      api_visibility="private", queue=False).then(ask, api_visibility="private", **io)
    chatbot.option_select(_picked, inputs=None, outputs=[box], api_visibility="private",
                          queue=False).then(ask, api_visibility="private", **io)
    on_like, on_comment = feedback_handlers(feedback, origin)
    chatbot.like(on_like, inputs=[chatbot], outputs=[fb_row, fb_id, fb_status], api_visibility="private")
    gr.on([fb_send.click, fb_text.submit], on_comment, inputs=[fb_id, fb_text],
          outputs=[fb_row, fb_id, fb_status, fb_text], api_visibility="private")
    # the chatbot's own clear (trash) button also forgets the conversation's questions
    chatbot.clear(lambda: [], outputs=[history], api_visibility="private", queue=False)
    return SimpleNamespace(box=box, chatbot=chatbot, history=history, examples=examples_ds)


def _facts_tab(assistant: Any, data: dict[str, Any]) -> SimpleNamespace:
    if not data["rows"]:
        gr.Markdown("아직 추출된 사실이 없습니다. 질문하기 탭에서 본문 검색으로 답을 찾을 수 있습니다. "
                    "(No facts have been extracted yet.)")
    with gr.Row():
        doc_dd = gr.Dropdown([("전체", ALL)] + data["docs"], value=ALL, label="문서", min_width=200,
                             elem_id="facts-doc")
        subj_dd = gr.Dropdown(data["subjects"], value=ALL, label="대상", min_width=140, elem_id="facts-subject")
        attr_dd = gr.Dropdown(data["attributes"], value=ALL, label="항목", min_width=140, elem_id="facts-attribute")
        text_tb = gr.Textbox(label="검색", placeholder="예: 국비", min_width=140, elem_id="facts-search")
    count_md = gr.Markdown(f"사실 {data['n_facts']}건")
    table = gr.Dataframe(value=data["rows"], headers=FACT_HEADERS, datatype="str", interactive=False, wrap=True,
                         max_height=520, elem_id="facts-table", label="사실 표",
                         column_widths=["100px", "100px", "160px", "110px", "360px", "56px", "260px"])

    def refresh(doc_id, subject, attribute, text):
        rows = filter_facts(assistant, doc_id, subject, attribute, text)
        return fact_rows(rows, {d.doc_id: d.title for d in assistant.documents}), \
            f"사실 {len(assistant.facts())}건 중 {len(rows)}건"

    def on_doc(doc_id, text):  # narrow the subject / attribute choices to the document
        scoped = filter_facts(assistant, doc_id)
        subj = gr.Dropdown(choices=_choices(f.subject for f in scoped), value=ALL)
        attr = gr.Dropdown(choices=_choices(f.attribute for f in scoped), value=ALL)
        rows, count = refresh(doc_id, ALL, ALL, text)
        return subj, attr, rows, count

    doc_dd.change(on_doc, inputs=[doc_dd, text_tb], outputs=[subj_dd, attr_dd, table, count_md],
                  api_visibility="private")
    gr.on([subj_dd.change, attr_dd.change, text_tb.submit], refresh, inputs=[doc_dd, subj_dd, attr_dd, text_tb],
          outputs=[table, count_md], api_visibility="private")
    return SimpleNamespace(doc=doc_dd, subject=subj_dd, attribute=attr_dd, table=table, count=count_md)


def build_main_blocks(assistant: Any, ask: Callable, pages: PageData, feedback: Any = None) -> gr.Blocks:
    data = pages.get()
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as blocks:
        header = gr.HTML(header_html(data), apply_default_css=True, js_on_load=None, elem_id="qa-header")
        with gr.Tabs():
            with gr.Tab("질문하기", id="ask"):
                chat = chat_widgets(ask, data["examples"], height="60vh", compact=False, feedback=feedback)
            with gr.Tab("사실 표", id="facts"):
                facts = _facts_tab(assistant, data)

        def on_load():  # the page as of the index loaded now (an admin upload may have swapped it)
            d = pages.get()
            return (header_html(d), gr.Dataset(samples=[[q] for q in d["examples"]], visible=bool(d["examples"])),
                    gr.Dropdown(choices=[("전체", ALL)] + d["docs"], value=ALL),
                    gr.Dropdown(choices=d["subjects"], value=ALL), gr.Dropdown(choices=d["attributes"], value=ALL),
                    d["rows"], f"사실 {d['n_facts']}건")

        blocks.load(on_load, outputs=[header, chat.examples, facts.doc, facts.subject, facts.attribute, facts.table,
                                      facts.count], api_visibility="private", queue=False)
    return blocks


def build_embed_blocks(assistant: Any, ask: Callable, pages: PageData, feedback: Any = None) -> gr.Blocks:
    data = pages.get()
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False, fill_height=True) as blocks:
        gr.HTML(f'<h1 class="qa-embed-title">{esc(APP_TITLE)}</h1>', apply_default_css=True, js_on_load=None)
        chat = chat_widgets(ask, data["examples_embed"], height="max(260px, calc(100vh - 290px))", compact=True,
                            feedback=feedback, origin="embed")
        blocks.load(lambda: gr.Dataset(samples=[[q] for q in pages.get()["examples_embed"]]), outputs=[chat.examples],
                    api_visibility="private", queue=False)
    return blocks
