"""What browsers and proxies may keep: nothing private, and no page at all.

Every answer to a signed-in caller (a session cookie or a bearer token) and every HTML page
is marked `no-store`, so that a shared computer's cache or a proxy never holds a page or an
API answer after sign-out. Static assets under /static carry nothing private and keep
caching.
"""

from starlette.requests import Request
from starlette.responses import Response

from indusx.deps import SESSION_COOKIE

STATIC_PREFIX = "/static/"


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
    return html or signed_in_caller(request)
