"""A per-caller request rate limit against bulk extraction: a sliding minute per caller.

The caller is the bearer token, else the session cookie, else the client address (each kept
as a hash prefix, never the secret). Over `INDUSX_API_RATE_PER_MINUTE` requests in the last
60 seconds answer 429 with Retry-After. The window lives in this process: with several server
processes each counts its own share, so the fleet-wide control is nginx `limit_req`
(docs/deploy.md). Probes, /metrics and static files are not counted.
"""

import hashlib
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response

from indusx.ops import metrics

WINDOW_SECONDS = 60.0
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
EXEMPT_PREFIXES = ("/static/",)
# Callers idle this long are forgotten at the next sweep; a sweep runs every SWEEP requests.
SWEEP = 4096


class SlidingWindow:
    """Request times per caller over the last minute; at most `limit` are let through.

    Used from the event loop only (the middleware is async), so it needs no lock.
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self.calls = 0

    def hit(self, key: str) -> int | None:
        """Count a request; return seconds to wait when the caller is over the limit."""
        now = self.clock()
        self.calls += 1
        if self.calls % SWEEP == 0:
            self._sweep(now)
        times = self.hits.setdefault(key, deque())
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if len(times) >= self.limit:
            return max(1, math.ceil(times[0] + WINDOW_SECONDS - now))
        times.append(now)
        return None

    def _sweep(self, now: float) -> None:
        idle = [key for key, times in self.hits.items()
                if not times or times[-1] <= now - WINDOW_SECONDS]
        for key in idle:
            del self.hits[key]


def caller_key(request: Request) -> str:
    """Return who is calling, for counting: token, else session cookie, else address."""
    from indusx.deps import SESSION_COOKIE

    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return "token:" + hashlib.sha256(value.strip().encode()).hexdigest()[:24]
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return "session:" + hashlib.sha256(cookie.encode()).hexdigest()[:24]
    return "ip:" + (request.client.host if request.client else "")


def is_exempt(path: str) -> bool:
    """Return whether a path is left out of the limit (probes, metrics, static files)."""
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


def _window(request: Request) -> SlidingWindow | None:
    limit = request.app.state.settings.api_rate_per_minute
    if not limit:
        return None
    window: SlidingWindow | None = getattr(request.app.state, "rate_window", None)
    if window is None or window.limit != limit:
        window = SlidingWindow(limit)
        request.app.state.rate_window = window
    return window


async def rate_limit(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Refuse a caller's request with 429 and Retry-After when over its requests a minute."""
    window = None if is_exempt(request.url.path) else _window(request)
    wait = window.hit(caller_key(request)) if window is not None else None
    if wait is None:
        return await call_next(request)
    from indusx.accounts.security_pages import too_many_attempts
    from indusx.accounts.throttle import TooManyAttempts

    metrics.RATE_LIMITED.labels("api").inc()
    assert window is not None
    refusal = TooManyAttempts(
        wait, f"Too many requests: at most {window.limit} a minute per caller (setting "
              f"INDUSX_API_RATE_PER_MINUTE). Try again in {wait} seconds.",
    )
    return await too_many_attempts(request, refusal)
