"""Form stamps for tests of the human-pace check: read one from a page, or make an older one."""

import re
import time

from indusx.config import Settings
from indusx.pacing import FIELD, Flow, make_stamp
from tests.conftest import CSRF_COOKIE_VALUE

# Far above any test's run time: a stamp taken from a page is always "too fast" under it.
SLOW = 3600.0


def stamp_in(page: str) -> str:
    """Return the stamp of the (first) paced form on a page."""
    found = re.search(rf'name="{FIELD}" value="([^"]+)"', page)
    assert found is not None, "the page has no form stamp"
    return found.group(1)


def stamp_from(
    settings: Settings, flow: Flow, *, seconds_ago: float, browser: str = CSRF_COOKIE_VALUE
) -> str:
    """Return the stamp a form of `flow` got when shown `seconds_ago` to a browser."""
    return make_stamp(secret_key=settings.secret_key, flow=flow, browser=browser,
                      at=time.time() - seconds_ago)
