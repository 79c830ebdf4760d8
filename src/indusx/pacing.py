"""Human pace for web forms: a signed render time that refuses a form sent back too soon.

The forms of sign-up, introduction requests, proposal submission and uploads carry a stamp in a
hidden field: the time the form was shown (milliseconds) and an HMAC-SHA256, keyed by
INDUSX_SECRET_KEY, over that time, the form's name and the browser's CSRF cookie. A stamp
cannot be made up, moved to another form or handed to another browser. The handler refuses
(422, the form shown again with what was typed and a fresh stamp) a stamp younger than
INDUSX_FORM_MIN_SECONDS, older than a day, missing or not matching; 0 turns the check off.
Each refusal is counted (`indusx_form_pace_refusals_total{form, reason}`) and logged.

The JSON API is for programs by design and has no such check: tokens, the per-address rate
limit (ops/ratelimit.py) and the daily quotas (ops/quotas.py) hold it.
"""

import hashlib
import hmac
import logging
import time
from enum import StrEnum

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from prometheus_client import Counter

from indusx import templating
from indusx.deps import CSRF_COOKIE, client_ip
from indusx.errors import Invalid

log = logging.getLogger(__name__)

FIELD = "form_stamp"
MAX_AGE_SECONDS = 24 * 60 * 60

REFUSALS = Counter(
    "indusx_form_pace_refusals_total",
    "Web form submissions refused for their stamp: too fast, too old, missing or invalid",
    ["form", "reason"],
)


class Flow(StrEnum):
    """The forms whose submissions must come at a person's pace."""

    SIGNUP = "signup"
    INTRODUCTION = "introduction"
    PROPOSAL_SUBMIT = "proposal-submit"
    PROPOSAL_ATTACHMENT = "proposal-attachment"
    DATAROOM_UPLOAD = "dataroom-upload"


class Refusal(StrEnum):
    """Why a stamp was refused (the metric's `reason`)."""

    MISSING = "missing"
    INVALID = "invalid"  # made up, or made for another form or another browser
    TOO_FAST = "too_fast"
    TOO_OLD = "too_old"


TOO_FAST = "That was quicker than a person fills in this form. Check it and send it again."
_RELOADED = "It has been reloaded: check it and send it again."
MESSAGES = {
    Refusal.TOO_FAST: TOO_FAST,
    Refusal.TOO_OLD: f"This form was loaded more than a day ago. {_RELOADED}",
    Refusal.MISSING: f"This form does not match the page this browser loaded. {_RELOADED}",
    Refusal.INVALID: f"This form does not match the page this browser loaded. {_RELOADED}",
}


def _mac(secret_key: str, flow: Flow, browser: str, at_ms: int) -> bytes:
    # A prefix of its own, so that no other HMAC of the secret key (CSRF tokens) can pass.
    message = f"indusx-form-stamp\n{flow.value}\n{browser}\n{at_ms}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest().encode()


def make_stamp(*, secret_key: str, flow: Flow, browser: str, at: float) -> str:
    """Return the stamp of a form shown at `at` (seconds since the epoch) to one browser."""
    at_ms = int(at * 1000)
    return f"{at_ms}.{_mac(secret_key, flow, browser, at_ms).decode()}"


def judge(
    *, secret_key: str, flow: Flow, browser: str, stamp: str, now: float, min_seconds: float
) -> Refusal | None:
    """Return why a stamp sent back at `now` is refused, or None when it passes."""
    if not stamp:
        return Refusal.MISSING
    shown, _, mac = stamp.partition(".")
    if not (browser and shown.isascii() and shown.isdigit() and len(shown) <= 15):
        return Refusal.INVALID
    if not hmac.compare_digest(mac.encode(), _mac(secret_key, flow, browser, int(shown))):
        return Refusal.INVALID
    age = now - int(shown) / 1000
    if age < min_seconds:
        return Refusal.TOO_FAST
    if age > MAX_AGE_SECONDS:
        return Refusal.TOO_OLD
    return None


def _browser(request: Request) -> str:
    # The CSRF cookie names the browser; on a first visit rendering the page has just made it.
    cookie = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", "")
    return str(cookie or "")


@pass_context
def stamp_field(context: Context, flow: str) -> Markup:
    """Return the hidden input carrying a form's stamp (the template global `form_stamp`)."""
    request: Request = context["request"]
    templating.csrf_token(request)  # makes the browser's cookie if it has none yet
    value = make_stamp(secret_key=request.app.state.settings.secret_key, flow=Flow(flow),
                       browser=_browser(request), at=time.time())
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, value)


templating.templates.env.globals["form_stamp"] = stamp_field


def check(request: Request, flow: Flow, stamp: str) -> None:
    """Refuse with Invalid (422) a form whose stamp is missing, foreign, too young or too old."""
    min_seconds: float = request.app.state.settings.form_min_seconds
    if min_seconds <= 0:
        return
    refusal = judge(secret_key=request.app.state.settings.secret_key, flow=flow,
                    browser=request.cookies.get(CSRF_COOKIE) or "", stamp=stamp,
                    now=time.time(), min_seconds=min_seconds)
    if refusal is None:
        return
    REFUSALS.labels(flow.value, refusal.value).inc()
    log.warning("form %s refused: stamp %s, from %s", flow.value, refusal.value,
                client_ip(request))
    raise Invalid(MESSAGES[refusal])
