"""Structured logs: one JSON object a line, each carrying the request id of its request."""

import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect
from starlette.requests import Request
from starlette.responses import Response

from indusx.config import LogFormat, Settings

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept only if it is short and plain, so it cannot forge log lines.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Request fields that may appear in a line; anything else passed as `extra` stays out, so a
# careless call cannot put a header, cookie or form field into the log.
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id", "job_id",
          "job_kind")

request_id_var: ContextVar[str | None] = ContextVar("indusx_request_id", default=None)
access_log = logging.getLogger("indusx.access")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message and request fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Format a record for a terminal, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [{request_id}]" if request_id else line


def handler_for(log_format: LogFormat) -> logging.Handler:
    """Return a stderr handler in the given format that stamps request ids."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format is LogFormat.JSON else TextFormatter())
    handler.addFilter(_RequestIdFilter())
    return handler


def configure(settings: Settings) -> None:
    """Send every log (ours and uvicorn's) to stderr in the configured format."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler_for(settings.log_format_used))
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # Our access line replaces uvicorn's, which prints the query string (it may hold a token).
    logging.getLogger("uvicorn.access").disabled = True


def new_request_id() -> str:
    """Return a fresh random request id."""
    return secrets.token_hex(8)


def request_id_of(request: Request) -> str:
    """Return the caller's X-Request-ID when it is sane, else a fresh one."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if _SANE_ID.fullmatch(incoming) else new_request_id()


def _user_id(request: Request) -> int | None:
    user = getattr(getattr(request.state, "principal", None), "user", None)
    if user is None:
        return None
    # Read the key without loading: a failed write rolls the request's session back, which
    # expires the user, and the session is closed by now.
    identity = inspect(user).identity
    return int(identity[0]) if identity else None


async def request_logging(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Tag the request with an id, echo it back and write one access line (no query string)."""
    request_id = request_id_of(request)
    token = request_id_var.set(request_id)
    request.state.request_id = request_id
    started = time.perf_counter()
    status = 500
    try:
        response = await call_next(request)
        status = response.status_code
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
    finally:
        access_log.info(
            "%s %s %s", request.method, request.url.path, status,
            extra={"method": request.method, "path": request.url.path, "status": status,
                   "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                   "user_id": _user_id(request)},
        )
        request_id_var.reset(token)
