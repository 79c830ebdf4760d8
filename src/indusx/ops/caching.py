"""What browsers and proxies may keep: nothing private, and no page at all.

Every answer to a signed-in caller (a session cookie or a bearer token), every API answer,
every answer that sets a cookie and every HTML page is marked `no-store`, so that a shared
computer's cache or a proxy never holds a page, a token or an API answer after sign-out. The
API is covered whole because some of its answers carry credentials to callers that sent none
(POST /api/v1/auth/login's access token; RFC 6749 section 5.1). Static assets under /static
carry nothing private and keep caching.
"""

from starlette.requests import Request
from starlette.responses import Response

from indusx.deps import SESSION_COOKIE

STATIC_PREFIX = "/static/"
API_PREFIX = "/api/"


def signed_in_caller(request: Request) -> bool:
    """Return whether the request carries credentials (a session cookie or a bearer token)."""
    return bool(request.cookies.get(SESSION_COOKIE) or request.headers.get("authorization"))


def must_not_store(request: Request, response: Response) -> bool:
    """Return whether the response needs `Cache-Control: no-store` (and lacks it)."""
    if request.url.path.startswith(STATIC_PREFIX):
        return False
    if "no-store" in response.headers.get("cache-control", ""):
        return False
    html = response.headers.get("content-type", "").startswith("text/html")
    sets_cookie = "set-cookie" in response.headers
    return (html or sets_cookie or request.url.path.startswith(API_PREFIX)
            or signed_in_caller(request))
