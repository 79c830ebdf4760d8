"""A short-lived cache of a dashboard per (database, name, range), kept fresh by a marker.

A dashboard that misses its time budget at scale is wrapped here. Its marker is a cheap query
(counts and maxima of ids and `updated_at` over the tables the dashboard reads) that changes
with every insert, update or delete they see; an entry is served only while its marker is
unchanged and it is younger than the TTL, so an edit shows on the next load and anything the
marker could miss (e.g. a row edited without bumping `updated_at`) within the TTL.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date

from sqlalchemy.orm import Session

from indusx.dashboards.charts import Dashboard

TTL_SECONDS = 60.0
MAX_ENTRIES = 64

_lock = threading.Lock()
_entries: OrderedDict[tuple[int, str, date, date], tuple[Hashable, float, Dashboard]] = (
    OrderedDict()
)


def cached(
    *, session: Session, name: str, start: date, end: date, marker: Hashable,
    build: Callable[[], Dashboard],
) -> Dashboard:
    """Return the cached dashboard if its marker is unchanged and it is fresh, else build it."""
    key = (id(session.get_bind()), name, start, end)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit is not None and hit[0] == marker and now - hit[1] < TTL_SECONDS:
            _entries.move_to_end(key)
            return hit[2]
    fresh = build()
    with _lock:
        _entries[key] = (marker, now, fresh)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return fresh


def clear() -> None:
    """Forget every cached dashboard."""
    with _lock:
        _entries.clear()
