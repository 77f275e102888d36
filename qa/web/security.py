"""What bounds a client before any route runs: body size and pace, the admin upload's token (checked before its
body is read), Gradio's upload and event routes, the rate limit on questions, HEAD wherever GET is,
frame-ancestors / nosniff headers, allowed origins, and the served pages' ``lang``.

Pure ASGI middleware (no request object is built), so a refused request costs nothing beyond its headers.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterable

from limits import parse_many
from slowapi import Limiter

from ..admin import UPLOAD_PATH, token_refusal, upload_limit
from ..config import Config

# Gradio routes that accept files; the UI has no upload component, so they are switched off
UPLOAD_ROUTES = ("/gradio_api/upload", "/gradio_api/process_recording")
# Gradio routes that run an event (a question); counted by the rate limit when the event is the chat
EVENT_ROUTE_RE = re.compile(r"^(?P<prefix>.*?)/gradio_api/(?:queue/join|(?:run|api|call(?:/v2)?)/(?P<api>[^/]+))/?$")
UPLOAD_OFF = "파일 업로드는 지원하지 않습니다. (File upload is switched off.)"

# Headers the browser may send cross-origin: the API's JSON body and what Gradio's JS client sends
# (the web component marks its calls with X-Gradio-User; run history with X-Gradio-History-Bucket).
CORS_ALLOW_HEADERS = [
    "Accept", "Accept-Language", "Authorization", "Cache-Control", "Content-Language", "Content-Type",
    "Last-Event-ID", "X-Requested-With", "X-Gradio-User", "X-Gradio-History-Bucket",
]
CORS_ALLOW_METHODS = ["GET", "HEAD", "POST", "OPTIONS"]

_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
# Gradio's page template says lang="en"; the pages are Korean (screen readers pick the voice from it)
_HTML_LANG = re.compile(rb'<html(\s[^>]*?)?\slang="en"', re.S)
MAX_REWRITE = 2 * 2**20  # HTML pages larger than this are passed on untouched


def normalize_origins(origins: Iterable[str]) -> tuple[str, ...]:
    """``scheme://host[:port]`` origins, trailing slashes removed; anything else is a configuration error."""
    out: list[str] = []
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


def printable(text: str) -> str:
    """Text that any JSON encoder accepts: lone surrogates (only a hostile client sends them) become "?"."""
    return text.encode("utf-8", "replace").decode("utf-8", "replace") if isinstance(text, str) else ""


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


def too_slow_message(timeout: float, min_rate: int) -> str:
    return (f"요청 본문이 너무 느리게 도착합니다 ({timeout:g}초). (Request body too slow: nothing for {timeout:g} s, or "
            f"under {min_rate / 1024:g} KB/s after it; body_timeout, min_body_rate.)")


def rate_limited_message(limit: str) -> str:
    return (f"요청이 너무 많습니다 ({limit}). 잠시 후 다시 시도해 주세요. "
            f"(Too many requests from this client: {limit}; please retry later.)")


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


class KoreanPages:
    """Pure ASGI middleware: ``<html lang="ko">`` in the HTML pages Gradio serves (its template says "en").

    Only ``text/html`` responses to GET are read whole (at most :data:`MAX_REWRITE` bytes); everything else
    streams through untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        parts: list[bytes] = []
        passing = False

        async def rewrite(message):
            nonlocal start, passing
            if message["type"] == "http.response.start":
                ctype = next((v for k, v in message.get("headers", []) if k.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html"):
                    start = message
                    return
                passing = True
            if passing or start is None:
                await send(message)
                return
            parts.append(message.get("body", b""))
            size = sum(len(p) for p in parts)
            if message.get("more_body", False) and size <= MAX_REWRITE:
                return
            body = b"".join(parts)
            if size <= MAX_REWRITE:
                body = _HTML_LANG.sub(lambda m: b"<html" + (m.group(1) or b"") + b' lang="ko"', body, count=1)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            if not message.get("more_body", False):
                headers.append((b"content-length", str(len(body)).encode()))
            passing = True
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": message.get("more_body", False)})

        await self.app(scope, receive, rewrite)


class BodyTooSlow(Exception):
    """The client stopped sending its body, or sends it too slowly (answered 408)."""


class RequestGuard:
    """Pure ASGI middleware bounding what a client can make the service do, before any route runs.

    * every request body is read here up to ``max_body`` bytes (413 beyond, also without Content-Length),
      then replayed to the app; a body that stalls for ``body_timeout`` seconds (or averages under
      ``min_body_rate`` bytes a second after them) gets 408, whichever route it is for;
    * an admin upload (``admin``: the config, when uploads are on) is checked for its token from the headers
      alone: without the right one it gets 401/403 at once and its body is never read; with it, the body is
      passed to the route as it arrives (never held here), counted up to ``max_file_mb`` (413 beyond);
    * Gradio's file-upload routes answer 403 (the UI has no upload component, and uploads would pile up
      in a temp folder);
    * a Gradio event whose ``fn_index`` the app does not have gets 422 (Gradio itself answers 500);
    * Gradio events that run the chat count against the same per-client rate limit as ``/api/ask``.

    Args:
        events: mount prefix ("" or "/embed") → (all event ids of that Blocks, the ids of chat events).
        limiter, limit: the slowapi limiter and the limit string; ``limit=""`` turns rate limiting off.
    """

    def __init__(self, app, *, max_body: int, events: dict[str, tuple[set[int], set[int]]],
                 limiter: Limiter | None = None, limit: str = "", body_timeout: float = 20.0,
                 min_body_rate: int = Config.min_body_rate, admin=None) -> None:
        self.app = app
        self.max_body = max_body
        self.events = events
        self.limiter = limiter
        self.limit = limit
        self.items = parse_many(limit) if limit else []
        self.body_timeout = body_timeout
        self.min_body_rate = min_body_rate
        self.admin = admin if admin is not None and getattr(admin, "admin_token", "") else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if any(path.rstrip("/").endswith(r) for r in UPLOAD_ROUTES):
            await send_json(send, 403, {"detail": UPLOAD_OFF})
            return
        upload = self.admin is not None and scope.get("method") == "POST" and path.rstrip("/") == UPLOAD_PATH
        if upload:
            refusal = token_refusal(self.admin, _headers(scope))
            if refusal is not None:  # before a byte of the body is read
                status, detail, headers = refusal
                await send_json(send, status, {"detail": detail}, headers)
                return
        max_body = upload_limit(self.admin) if upload else self.max_body
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None and (not length.strip().isdigit() or int(length) > max_body):
            status = 413 if length.strip().isdigit() else 400
            await send_json(send, status, {"detail": too_large_message(max_body) if status == 413 else
                                           "잘못된 Content-Length입니다. (Invalid Content-Length.)"})
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
        elif upload:
            await self._pass_through(scope, receive, send, max_body)
        else:
            await self._buffered(scope, receive, send, path, max_body)

    async def _buffered(self, scope, receive, send, path: str, max_body: int) -> None:
        body = await self._read_body(receive, send, max_body)
        if body is None:
            return
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

    async def _next(self, receive, started: float, size: int) -> dict:
        """The next message of a body, or :class:`BodyTooSlow` (a stall, or too slow an average)."""
        try:
            message = await asyncio.wait_for(receive(), self.body_timeout)
        except TimeoutError:
            raise BodyTooSlow from None
        elapsed = time.monotonic() - started
        if elapsed > self.body_timeout and size / elapsed < self.min_body_rate and message.get("more_body", False):
            raise BodyTooSlow
        return message

    async def _read_body(self, receive, send, max_body: int) -> bytes | None:
        """The whole body, or None when the client left, it passed ``max_body`` (413 sent) or it came too
        slowly (408 sent)."""
        chunks, size, started = [], 0, time.monotonic()
        while True:
            try:
                message = await self._next(receive, started, size)
            except BodyTooSlow:
                slow = too_slow_message(self.body_timeout, self.min_body_rate)
                await send_json(send, 408, {"detail": slow}, {"Connection": "close"})
                return None
            if message["type"] == "http.disconnect":
                return None
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > max_body:
                await send_json(send, 413, {"detail": too_large_message(max_body)})
                return None
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _pass_through(self, scope, receive, send, max_body: int) -> None:
        """The app reads the body as it arrives (the upload route streams it to disk); past ``max_body`` or
        too slow, the app sees the client leave and the client gets 413 / 408 instead of its response."""
        size, started, refused, responded = 0, time.monotonic(), 0, False

        async def counted():
            nonlocal size, refused
            if refused:
                return {"type": "http.disconnect"}
            try:
                message = await self._next(receive, started, size)
            except BodyTooSlow:
                refused = 408
                return {"type": "http.disconnect"}
            size += len(message.get("body", b""))
            if size > max_body:
                refused = 413
                return {"type": "http.disconnect"}
            return message

        async def guarded(message):
            nonlocal responded
            if refused:
                return  # the app's answer to a body it never got whole
            responded = responded or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not refused:
                raise
        if refused and not responded:
            detail = (too_large_message(max_body) if refused == 413
                      else too_slow_message(self.body_timeout, self.min_body_rate))
            await send_json(send, refused, {"detail": detail}, {"Connection": "close"})

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


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


class HeadAsGet:
    """Pure ASGI middleware: ``HEAD`` is answered wherever ``GET`` is, as the ``GET`` response without its body
    (a load balancer that checks ``/healthz`` with HEAD must not see 404)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message):
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
