"""Request body limits: a body over its address's limit is refused with 413, never read whole.

Most addresses take at most `INDUSX_MAX_REQUEST_BYTES` (an attachment at its upload limit and
the form around it); the administrators' restricted-party list imports take
`INDUSX_MAX_LIST_IMPORT_BYTES`. A declared Content-Length over the limit is refused before
the application runs; a body without one (chunked) is counted as it is read, and reading stops
with 413 as soon as the count passes the limit.

The list-import limit is only a ceiling until the caller is known: such a request is read at
the ordinary limit unless the route lets it grow (`allow_list_import`, called once a
stepped-up administrator is recognised), so that no anonymous caller or member can make the
server spool hundreds of megabytes to disk before being refused. An administrator whose
password proof has lapsed is asked for it before the body is read (the step-up prompt, not
a 413 that would read as "the file is too big"): screening.routes.recognise_list_importer.
"""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indusx.config import Settings
from indusx.errors import ContentTooLarge, error_response

# The addresses that import restricted-party lists (API and page): several files of up to
# 200 MB each.
LIST_IMPORT_PATHS = frozenset({"/api/v1/screening/lists/import", "/screening/lists"})


# Where in the request's scope state the allowance of the body being read is kept.
ALLOWANCE_KEY = "indusx_body_allowance"


class Allowance:
    """The bytes a request body may still grow to: raised by the route once access is known."""

    def __init__(self, limit: int, ceiling: int) -> None:
        self.limit = limit
        self.ceiling = ceiling


def limit_for(settings: Settings, method: str, path: str) -> int:
    """Return the most bytes a request body to this address may ever hold."""
    if method == "POST" and path.rstrip("/") in LIST_IMPORT_PATHS:
        return settings.max_list_import_bytes
    return settings.max_request_bytes


def allow_list_import(request: Request) -> None:
    """Let this request's body grow to its address's ceiling (the list-import limit)."""
    allowance = request.scope.get("state", {}).get(ALLOWANCE_KEY)
    if isinstance(allowance, Allowance):
        allowance.limit = allowance.ceiling


def declared_length(scope: Scope) -> int | None:
    """Return the request's Content-Length, or None when it sends none (or nonsense)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else None
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
        ceiling = limit_for(self.settings, scope["method"], scope["path"])
        allowance = Allowance(min(ceiling, self.settings.max_request_bytes), ceiling)
        scope.setdefault("state", {})[ALLOWANCE_KEY] = allowance
        length = declared_length(scope)
        if length is not None and length > ceiling:
            # Answered without reading a byte of the body; the server closes the connection.
            too_large = ContentTooLarge(ceiling)
            response = error_response(Request(scope), 413, str(too_large.detail),
                                      max_bytes=ceiling)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowance.limit:
                    # An HTTPException: FastAPI re-raises it from body parsing and the app's
                    # handler answers 413 problem+json or the error page.
                    raise ContentTooLarge(allowance.limit)
            return message

        await self.app(scope, counted, send)
