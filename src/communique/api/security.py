"""Guards in front of every route: writes refused unless allowed and authenticated, and
bounded requests (URL and body sizes).

They run before routing and before the body is read, so a request that may not write
costs the server nothing, and no request makes it hold more than ``max_body`` bytes.
Security headers (CSP, nosniff, frame-ancestors, referrer policy) and the Host check
are set in :mod:`communique.api.app`; CORS is closed because no middleware adds it.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from communique.api.auth import WRITE_METHODS, EditSettings, refusal

MAX_BODY_BYTES = 64 * 1024  # a correction is a few hundred bytes
MAX_QUERY_BYTES = 8 * 1024  # every filter at its longest fits in a few kilobytes


class WriteGuard:
    """POST, PUT, PATCH and DELETE: 403 on a read-only server, 401 without the right token."""

    def __init__(self, app: ASGIApp, settings: EditSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITE_METHODS:
            authorization = _header(scope, b"authorization")
            refused = refusal(self.settings, authorization)
            if refused is not None:
                status, why = refused
                headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
                await JSONResponse({"detail": why}, status_code=status, headers=headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SizeLimits:
    """414 for a query string over ``max_query`` bytes, 413 for a body over ``max_body``
    (announced by Content-Length, or counted as it arrives)."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES, max_query: int = MAX_QUERY_BYTES) -> None:
        self.app = app
        self.max_body = max_body
        self.max_query = max_query

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_query:
            await _refuse(scope, receive, send, 414, f"the query string is longer than {self.max_query} bytes")
            return
        announced = _header(scope, b"content-length")
        if announced is not None:
            if not announced.isdigit():
                await _refuse(scope, receive, send, 400, "Content-Length is not a number")
                return
            if int(announced) > self.max_body:
                await _refuse(scope, receive, send, 413, f"the request body is larger than {self.max_body} bytes")
                return
        await self.app(scope, _counting(receive, self.max_body), send)


def _counting(receive: Receive, limit: int) -> Callable[[], Awaitable[Message]]:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:  # raised where the route reads its body: answered 413 by the app
                raise HTTPException(413, f"the request body is larger than {limit} bytes")
        return message

    return counted


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, why: str) -> None:
    await JSONResponse({"detail": why}, status_code=status)(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def install(app: Any, settings: EditSettings) -> None:
    """Add the guards to a FastAPI app (call before the middlewares that must wrap them)."""
    app.add_middleware(WriteGuard, settings=settings)
    app.add_middleware(SizeLimits)  # outside the write guard: sizes are checked first
