"""Request body limits: a body over its address's limit is refused with 413, never read whole.

Most addresses take at most `INDUSX_MAX_REQUEST_BYTES` (an attachment at its upload limit and
the form around it); the administrators' restricted-party list imports take
`INDUSX_MAX_LIST_IMPORT_BYTES`. A declared Content-Length over the limit is refused before
the application runs; a body without one (chunked) is counted as it is read, and reading stops
with 413 as soon as the count passes the limit.
"""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indusx.config import Settings
from indusx.errors import ContentTooLarge, error_response

# The addresses that import restricted-party lists (API and page): several files of up to
# 200 MB each.
LIST_IMPORT_PATHS = frozenset({"/api/v1/screening/lists/import", "/screening/lists"})


def limit_for(settings: Settings, method: str, path: str) -> int:
    """Return the most bytes a request body to this address may hold."""
    if method == "POST" and path.rstrip("/") in LIST_IMPORT_PATHS:
        return settings.max_list_import_bytes
    return settings.max_request_bytes


def declared_length(scope: Scope) -> int | None:
    """Return the request's Content-Length, or None when it sends none (or nonsense)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


class BodyLimit:
    """ASGI middleware that refuses request bodies over their address's limit."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(self.settings, scope["method"], scope["path"])
        length = declared_length(scope)
        if length is not None and length > limit:
            # Answered without reading a byte of the body; the server closes the connection.
            too_large = ContentTooLarge(limit)
            response = error_response(Request(scope), 413, str(too_large.detail),
                                      max_bytes=limit)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException: FastAPI re-raises it from body parsing and the app's
                    # handler answers 413 problem+json or the error page.
                    raise ContentTooLarge(limit)
            return message

        await self.app(scope, counted, send)
