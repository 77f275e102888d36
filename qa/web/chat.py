"""The chat's server side, shared by ``/`` and ``/embed/``: a question in, its bubble and a typing indicator at
once, then the answer (with follow-up questions as the message's option buttons); 👍/👎 and comments into
the feedback log.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

import gradio as gr

from .. import QuestionError
from ..feedback import FeedbackLog
from .answers import Answers
from .labels import language
from .render import render_answer, render_notice, render_question, render_typing
from .security import printable

log = logging.getLogger("qa.web")
MAX_HISTORY = 20  # earlier questions passed to Assistant.ask from the chat UI (the API: config.max_history_items)
INTERNAL_ERROR = "답변을 만드는 중 오류가 발생했습니다. 잠시 후 다시 시도해 주세요. (An internal error occurred.)"


def base_url(request: Any) -> str:
    """``""`` (links relative to the page) unless the chat runs inside another site's page (the web
    component), whose links must name this app: then ``scheme://host`` of the request."""
    headers = getattr(request, "headers", None) or {}
    host = headers.get("x-forwarded-host") or headers.get("host")
    origin = headers.get("origin")
    if not host or not origin:
        return ""
    scheme = headers.get("x-forwarded-proto") or getattr(getattr(request, "url", None), "scheme", "http")
    own = f"{scheme}://{host}"
    return "" if origin.rstrip("/") == own else own


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


def message_of(d: dict) -> dict:
    """The chat message of an enriched answer; its suggestions become the message's option buttons."""
    options = [{"label": q, "value": q} for q in d.get("suggestions") or ()]
    return {"role": "assistant", "content": render_answer(d), "options": options}


def make_chat_handler(assistant: Any, *, max_chat_bytes: int = 32_000, answers: Answers | None = None,
                      origin: str = "ui"):
    """The chat handler (a generator function, so Gradio streams it): first the question bubble and a typing
    indicator, then the answer with its follow-up questions (checked to answer: a few more questions to the
    assistant the first time, remembered after). One answer per event: a later yield of an earlier event would
    overwrite a newer turn of the chat. Assistant.ask is re-entrant: no lock around it.

    The browser sends the whole chat back with every question, so the oldest turns are dropped once it
    exceeds ``max_chat_bytes`` (kept below the request body limit, or a long conversation would get 413)."""
    answers = answers or Answers(assistant)

    def respond(question: str | None, chat: list[dict] | None, history: list[str] | None,
                request: gr.Request = None):
        chat = list(chat or [])
        history = list(history or [])[-MAX_HISTORY:]
        question = printable(question or "")
        typing = bool(question.strip())
        if typing:
            chat.append({"role": "user", "content": render_question(question)})
            chat.append({"role": "assistant", "content": render_typing(language(question))})
            yield chat, "", history
        try:
            ans = assistant.ask(question, history=history or None)
            d = answers.enrich(ans.to_dict(), base=base_url(request), suggest=True)
            answers.record(d, origin)
            message, box = message_of(d), None
        except QuestionError as exc:
            message, box = {"role": "assistant", "content": render_notice(str(exc))}, question if typing else ""
        except Exception:  # never a traceback in the UI
            log.exception("ask failed")
            message, box = {"role": "assistant", "content": render_notice(INTERNAL_ERROR)}, question
        if typing:
            chat[-1] = message  # the answer takes the typing indicator's place
        else:
            chat.append(message)
        if box is not None:
            yield chat, box, history
            return
        yield trim_chat(chat, max_chat_bytes), "", (history + [assistant.check_question(question)])[-MAX_HISTORY:]

    return respond


# --------------------------------------------------------------------------- feedback from the chat
_TEXT = re.compile(r'<div class="qa-text"[^>]*>(.*?)</div>', re.S)
_CITES = re.compile(r'<span class="qa-cites">.*', re.S)
_RULE = re.compile(r'<span class="qa-rule">(.*?)</span>', re.S)
_QUESTION = re.compile(r'<div class="qa-question">(.*?)</div>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return html.unescape(_TAGS.sub("", fragment.replace("<br>", "\n"))).strip()


def _content(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else getattr(message, "content", "")
    if isinstance(content, list):  # Gradio 6 keeps a message's content as a list of parts
        content = "".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content)
    return str(content or "")


def liked_turn(chat: list[Any], index: Any) -> dict[str, str] | None:
    """Question, answer text and rule of the answer at ``index`` of the chat (read off its own HTML)."""
    try:
        i = int(index[0] if isinstance(index, (list, tuple)) else index)
        body = _content(chat[i])
    except (TypeError, ValueError, IndexError):
        return None
    text, rule = _TEXT.search(body), _RULE.search(body)
    if text is None:
        return None
    question = ""
    for prev in reversed(chat[:i]):
        m = _QUESTION.search(_content(prev))
        if m:
            question = _plain(m.group(1))
            break
    return {"question": question, "answer": _plain(_CITES.sub("", text.group(1))),
            "rule": _plain(rule.group(1)) if rule else ""}


def feedback_handlers(feedback: FeedbackLog | None, origin: str):
    """``(on_like, on_comment)`` for the chatbot's like event and the comment box."""

    def on_like(chat: list[Any], data: gr.LikeData):
        turn = liked_turn(chat or [], data.index)
        if feedback is None or turn is None or data.liked not in (True, False):
            return gr.update(visible=False), None, ""
        rating = "up" if data.liked else "down"
        try:
            row = feedback.feedback(turn["question"], turn["answer"], turn["rule"], rating, origin=origin)
        except Exception:  # noqa: BLE001 - the log must never break the chat
            log.exception("could not store feedback")
            return gr.update(visible=False), None, "의견을 저장하지 못했습니다. (Feedback could not be stored.)"
        thanks = "고맙습니다. 무엇이 좋았는지 적어 주셔도 됩니다 (선택)." if rating == "up" else \
            "고맙습니다. 무엇이 틀렸거나 부족했는지 적어 주시면 고치는 데 씁니다 (선택)."
        return gr.update(visible=True), row, thanks

    def on_comment(row: int | None, comment: str | None):
        comment = printable(comment or "").strip()
        if feedback is None or row is None or not comment:
            return gr.update(visible=row is not None), row, "의견을 입력해 주세요.", comment
        feedback.set_comment(int(row), comment)
        return gr.update(visible=False), None, "의견을 저장했습니다. 고맙습니다.", ""

    return on_like, on_comment
