"""Jinja2 rendering for the web UI: the layout's context, CSRF tokens and flash messages."""

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import object_session

from indusx import __version__
from indusx.accounts.secrets import csrf_token_for
from indusx.orgs.taxonomy import (
    COUNTRY_LABELS,
    KIND_LABELS,
    SEEKING_LABELS,
    STAGE_LABELS,
)

TEMPLATES_DIR = Path(__file__).parent / "templates"
FLASH_COOKIE = "indusx_flash"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(
    COUNTRY_LABELS={k.value: v for k, v in COUNTRY_LABELS.items()},
    KIND_LABELS={k.value: v for k, v in KIND_LABELS.items()},
    SEEKING_LABELS={k.value: v for k, v in SEEKING_LABELS.items()},
    STAGE_LABELS={k.value: v for k, v in STAGE_LABELS.items()},
    version=__version__,
)


def _query_with(request: Request, **changes: Any) -> str:
    """Return the current query string with some parameters replaced (None removes)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for key, value in changes.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            items += [(key, str(v)) for v in value]
        else:
            items.append((key, str(value)))
    return "?" + urlencode(items)


templates.env.globals["query_with"] = _query_with


def csrf_token(request: Request) -> str:
    """Return the CSRF token for forms on this page, creating the browser's cookie if needed."""
    from indusx.deps import CSRF_COOKIE

    cookie = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if cookie is None:
        cookie = secrets.token_urlsafe(32)
        request.state.new_csrf_cookie = cookie
    return csrf_token_for(request.app.state.settings.secret_key, cookie)


def _pending_introductions(request: Request, principal: Any) -> int:
    """Return how many introductions wait for the signed-in user's answer (for the nav)."""
    cached = getattr(request.state, "pending_introductions", None)
    if cached is not None:
        return int(cached)
    if principal is None or principal.via != "web":
        return 0
    # The request's session is the one the principal was loaded in; on error pages it has
    # been rolled back and the user detached, and the badge is left out.
    session = object_session(principal.user)
    if session is None or not session.is_active:
        return 0
    from indusx.matching import introductions

    count = introductions.pending_count(session=session, principal=principal)
    request.state.pending_introductions = count
    return count


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page (or, for HTMX requests, the partial the caller chose) with the layout."""
    principal = getattr(request.state, "principal", None)
    ctx: dict[str, Any] = {
        "request": request,
        "principal": principal,
        "user": principal.user if principal else None,
        "csrf_token": csrf_token(request),
        "flash": unquote(request.cookies.get(FLASH_COOKIE, "")),
        "is_htmx": request.headers.get("HX-Request") == "true",
    }
    unread = getattr(request.state, "unread_notifications", None)
    ctx["unread_notifications"] = unread or 0
    ctx["pending_introductions"] = _pending_introductions(request, principal)
    ctx.update(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if ctx["flash"]:
        response.delete_cookie(FLASH_COOKIE)
    return response


def wants_partial(request: Request) -> bool:
    """Return whether HTMX asks for a fragment (not a history restore, which needs a page)."""
    return (request.headers.get("HX-Request") == "true"
            and not request.headers.get("HX-History-Restore-Request"))


# What stays as written in a local address: the characters a URL may hold (RFC 3986) and "%",
# so an address already percent-encoded is not encoded twice.
_URL_CHARACTERS = "/?#[]@!$&'()*+,;=:%"


def local_path(url: str) -> str | None:
    r"""Return a same-site path (one leading "/") ready for a header, or None for any other.

    "//host" and "/\host" lead browsers to another site, and they drop tabs and line breaks
    from an address ("/\t/host" is "//host"), so control characters refuse it outright;
    other characters a header value or a URL cannot hold (spaces, non-ASCII) are
    percent-encoded.
    """
    if (not url.startswith("/") or url.startswith("//") or "\\" in url
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url)):
        return None
    return quote(url, safe=_URL_CHARACTERS)


def safe_back(url: str | None, default: str) -> str:
    """Return a local path to send someone back to (see local_path), else the default."""
    return (local_path(url) if url else None) or default


def redirect(url: str, *, flash: str | None = None, request: Request | None = None) -> Response:
    """Return a 303 redirect (or HX-Redirect for HTMX) to a local path, optionally with a flash.

    Raises ValueError for any address that is not a same-site path (local_path): callers
    pass their own addresses or ones they have checked with safe_back.
    """
    target = local_path(url)
    if target is None:
        raise ValueError(f"not a same-site path: {url!r}")
    if request is not None and request.headers.get("HX-Request") == "true":
        response: Response = Response(status_code=204, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash), max_age=60, httponly=True,
                            samesite="lax")
    return response
