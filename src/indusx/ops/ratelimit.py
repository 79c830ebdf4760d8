"""A per-client request rate limit against bulk extraction: about a sliding minute per address.

The caller is the client address (an IPv6 client its /64, which one subscriber usually
holds whole), as uvicorn's proxy headers give it from the app host's nginx (docs/deploy.md).
Credentials are not looked at: they are checked only later, so counting by them would give
anyone sending a made-up cookie or token a fresh allowance with every request.

Each address keeps two counters, this minute's and the last one's; the last minute's count
is weighted by the part of it still inside the sliding minute (Cloudflare's estimate). Over
`INDUSX_API_RATE_PER_MINUTE` answers 429 with Retry-After. At most `MAX_KEYS` addresses are
remembered, the least recently seen forgotten first, so memory stays bounded whatever the
number of addresses. The counts live in this process: with several server processes each
counts its own share, so the fleet-wide control is nginx `limit_req` (docs/deploy.md).
Probes, /metrics and static files are not counted.
"""

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response

from indusx.ops import metrics

WINDOW_SECONDS = 60.0
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
EXEMPT_PREFIXES = ("/static/",)
# About 310 bytes an address (key, counters and LRU link, measured): at most about 20 MB.
MAX_KEYS = 65_536
# Float slack, so that a weight of exactly the limit is not refused for rounding.
EPSILON = 1e-9


class SlidingWindow:
    """Two fixed-minute counters per caller; at most `limit` requests in the sliding minute.

    `counts[key]` is [start of the current minute, last minute's count, this minute's]. Used
    from the event loop only (the middleware is async), so it needs no lock.
    """

    def __init__(
        self, limit: int, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS,
    ) -> None:
        self.limit = limit
        self.clock = clock
        self.max_keys = max_keys
        self.counts: OrderedDict[str, list[float]] = OrderedDict()

    def hit(self, key: str) -> int | None:
        """Count a request; return seconds to wait when the caller is over the limit."""
        now = self.clock()
        start = math.floor(now / WINDOW_SECONDS) * WINDOW_SECONDS
        entry = self.counts.get(key)
        if entry is None:
            entry = self.counts[key] = [start, 0.0, 0.0]
            if len(self.counts) > self.max_keys:
                self.counts.popitem(last=False)
        else:
            self.counts.move_to_end(key)
            if entry[0] != start:
                # The minute turned: this minute's count becomes the last one's, unless the
                # caller was away for longer than a whole minute.
                previous = entry[2] if entry[0] == start - WINDOW_SECONDS else 0.0
                entry[:] = [start, previous, 0.0]
        _, previous, current = entry
        elapsed = (now - start) / WINDOW_SECONDS
        allowed = self.limit - 1  # what may already be in use for one more to pass
        if previous * (1 - elapsed) + current <= allowed + EPSILON:
            entry[2] = current + 1
            return None
        # When the weighted count leaves room for one more request: later this minute while
        # this minute's own count leaves room, else some way into the next minute.
        if current <= allowed:
            fraction = 1 - (allowed - current) / previous
            ready = start + fraction * WINDOW_SECONDS
        else:
            ready = start + WINDOW_SECONDS + (1 - allowed / current) * WINDOW_SECONDS
        return max(1, math.ceil(ready - now - EPSILON))


def caller_key(request: Request) -> str:
    """Return who is calling, for counting: the client address, an IPv6 one as its /64."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{host}/64", strict=False))
    return str(getattr(address, "ipv4_mapped", None) or address)


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
    """Refuse a client's request with 429 and Retry-After when over its requests a minute."""
    window = None if is_exempt(request.url.path) else _window(request)
    wait = window.hit(caller_key(request)) if window is not None else None
    if wait is None:
        return await call_next(request)
    from indusx.accounts.security_pages import too_many_attempts
    from indusx.accounts.throttle import TooManyAttempts

    metrics.RATE_LIMITED.labels("api").inc()
    assert window is not None
    refusal = TooManyAttempts(
        wait, f"Too many requests: at most {window.limit} a minute from one address. "
              f"Try again in {wait} seconds.",
    )
    return await too_many_attempts(request, refusal)
