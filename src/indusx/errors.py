"""Domain errors that carry their HTTP status, and the one place that renders them.

API requests (paths under /api, or clients that accept JSON) get RFC 9457 problem+json;
browsers get an HTML page. A database outage becomes 503, never a traceback, and anything
unexpected a generic 500 that quotes the request id (the traceback goes to the log only).
"""

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from indusx.ops import logging as ops_logging

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
BIGINT_MAX = 2**63 - 1

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}


# What to say when the framework raised an error with nothing more specific than its title.
DETAILS = {
    404: "There is nothing at this address. It may have been moved or deleted.",
    405: "This address does not accept that kind of request.",
}


class DomainError(Exception):
    """An error a user can act on; `status` is its HTTP status, `errors` name the fields."""

    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.errors = errors or []


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class NotAuthenticated(DomainError):
    status = 401


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422

    @classmethod
    def field(cls, field: str, message: str) -> "Invalid":
        """Return an error about one field."""
        return cls(f"{field}: {message}", errors=[{"field": field, "message": message}])


class ContentTooLarge(StarletteHTTPException):
    """A request body over the size limit of its address (raised while the body is read)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request is larger than the limit of {_size(limit)}.")
        self.limit = limit


def _size(size: int) -> str:
    from indusx.uploads import megabytes

    return megabytes(size)


def wants_json(request: Request) -> bool:
    """Return whether the client should get problem+json rather than an HTML page."""
    if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json",):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def problem(
    status: int, detail: str, *, errors: list[dict[str, str]] | None = None, **extra: Any
) -> JSONResponse:
    """Return an RFC 9457 problem response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    """Return pydantic's errors as [{field, message}], the field a dotted path."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        if err.get("type") == "json_invalid":
            # pydantic names the character offset of a JSON syntax error as its "field".
            loc = ["body"]
        msg = str(err.get("msg", "invalid"))
        msg = msg.removeprefix("Value error, ")
        out.append({"field": ".".join(loc) or "body", "message": msg})
    return out


def error_response(request: Request, status: int, detail: str, **extra: Any) -> Response:
    """Return problem+json (with `extra` members) or the HTML error page, as the client wants."""
    if wants_json(request):
        return problem(status, detail, **extra)
    return _html_error(request, status, detail)


def _html_error(request: Request, status: int, detail: str) -> Response:
    from indusx.templating import render

    _forget_expired_principal(request)
    return render(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "Error"), "detail": detail},
        status_code=status,
    )


def _forget_expired_principal(request: Request) -> None:
    from sqlalchemy import inspect

    principal = getattr(request.state, "principal", None)
    # A failed flush expires all the session had loaded, and the session is closed by now:
    # the page is drawn without the signed-in menus rather than failing on the user.
    if principal is not None and inspect(principal.user).expired_attributes:
        request.state.principal = None


_INTEGER = re.compile(r"[+-]?[0-9]+")


def out_of_range_fields(request: Request) -> list[str]:
    """Return the address's path and query parameters whose integers overflow 64 bits."""
    values = [*request.path_params.items(), *request.query_params.multi_items()]
    out = []
    for name, value in values:
        text = str(value).strip()
        # ASCII digits with at most one sign: int() refuses '²' and '--1', which isdigit and
        # lstrip would let through.
        if (_INTEGER.fullmatch(text)
                and not -BIGINT_MAX - 1 <= int(text) <= BIGINT_MAX):
            out.append(name)
    return out


def integrity_facts(exc: IntegrityError) -> tuple[str, str]:
    """Return the violated constraint's name and the SQLSTATE of an integrity error.

    Never the driver's message: PostgreSQL's quotes the row's key values ("Key (email)=(...)
    already exists"), which can be personal data. SQLite names no constraint and has no
    SQLSTATE: its extended error name (SQLITE_CONSTRAINT_UNIQUE) stands in for the code.
    """
    orig = exc.orig
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    return str(constraint or "unknown"), str(code or "unknown")


def request_id(request: Request) -> str:
    """Return the request's id: the logging middleware's, else a fresh one (kept for later)."""
    found = getattr(request.state, "request_id", None) or ops_logging.request_id_var.get()
    if not found:
        found = ops_logging.new_request_id()
        request.state.request_id = found
    return str(found)


async def unexpected(request: Request, exc: Exception) -> Response:
    """Answer an error nothing else handled: 500, a generic text and the request id."""
    rid = request_id(request)
    # The traceback only in the log, tied to the id the user is asked to quote.
    log.error("unexpected error on %s %s", request.method, request.url.path,
              exc_info=exc, extra={"request_id": rid})
    detail = ("Something went wrong on our side and has been logged. If it keeps happening, "
              f"quote this id: {rid}")
    response: Response
    if wants_json(request):
        response = problem(500, detail, request_id=rid)
    else:
        try:
            response = _html_error(request, 500, detail)
        except Exception:  # the page itself failed: a bare page still gives the id
            log.exception("the error page failed", extra={"request_id": rid})
            response = HTMLResponse(
                f"<!doctype html><title>Server error</title><h1>Server error</h1>"
                f"<p>{detail}</p>", status_code=500)
    response.headers[ops_logging.REQUEST_ID_HEADER] = rid
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn errors into problem+json or HTML pages."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if wants_json(request):
            return problem(exc.status, exc.message, errors=exc.errors)
        if exc.status == 401:
            from fastapi.responses import RedirectResponse

            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _html_error(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = validation_errors(exc)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        if wants_json(request):
            return problem(422, detail, errors=errors)
        return _html_error(request, 422, detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail) if exc.detail else ""
        if not detail or detail.lower() == TITLES.get(exc.status_code, "").lower():
            detail = DETAILS.get(exc.status_code, detail or "Something went wrong.")
        if wants_json(request):
            return problem(exc.status_code, detail)
        return _html_error(request, exc.status_code, detail)

    @app.exception_handler(ContentTooLarge)
    async def _too_large(request: Request, exc: ContentTooLarge) -> Response:
        return error_response(request, 413, str(exc.detail), max_bytes=exc.limit)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # A value the database cannot hold: an id past its 64-bit integers (SQLite raises
        # OverflowError when binding it, PostgreSQL a DataError). It is the input's fault, so
        # 422 naming the field where the field is in the address, never "unavailable".
        # The error's class and SQLSTATE only: PostgreSQL's message quotes the rejected value.
        orig = getattr(exc, "orig", exc)
        log.warning("value out of range on %s %s: %s, SQLSTATE %s", request.method,
                    request.url.path, type(orig).__name__, getattr(orig, "sqlstate", None) or "-")
        fields = out_of_range_fields(request)
        detail = "A number in the request is too large."
        if isinstance(exc, DataError) and not fields:
            detail = "A value in the request is out of range or malformed."
        errors = [{"field": f, "message": "too large"} for f in fields]
        if fields:
            detail = "; ".join(f"{f}: too large" for f in fields)
        if wants_json(request):
            return problem(422, detail, errors=errors)
        return _html_error(request, 422, detail)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        constraint, code = integrity_facts(exc)
        log.warning("integrity error on %s %s: constraint %s, SQLSTATE %s",
                    request.method, request.url.path, constraint, code)
        detail = "The change conflicts with existing data (a duplicate or a missing reference)."
        if wants_json(request):
            return problem(409, detail)
        return _html_error(request, 409, detail)

    # Errors the handlers above leave: Starlette runs this one outermost, outside the user
    # middlewares; the app's own header middleware calls `unexpected` itself first.
    app.add_exception_handler(Exception, unexpected)

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: Exception) -> Response:
        log.error("database error on %s %s: %s", request.method, request.url.path, exc)
        detail = "The database is unavailable. Please try again shortly."
        if wants_json(request):
            return problem(503, detail)
        return _html_error(request, 503, detail)
