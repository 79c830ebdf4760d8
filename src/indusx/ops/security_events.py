"""Access refusals as audit events (`access.denied`), written in their own short transaction.

The request's own transaction rolls back with the refusal, so the event is written after that,
in a fresh session: by `note_refusal` from `deps.get_session` for a Forbidden that escapes the
route, and by `note_answered_403` from the metrics middleware for any other 403 answered (a
page that caught the refusal and drew itself again with 403, /metrics).

A caller looping on a refused address would otherwise fill the log, so what is written is
bounded: one event a minute per signed-in user and route; one a minute per address, whatever
the route, for callers not signed in (a bogus cookie makes every form post a CSRF refusal);
and at most WRITES_PER_MINUTE events a minute per server process in all. The rest are counted
only by the metrics `indusx_access_denied_total` and `indusx_access_denied_unaudited_total`.

The step-up prompt (StepUpRequired) and the second-factor set-up redirect are Forbidden
subclasses but steps of signing in, not refusals: neither audited nor counted as 403s.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from indusx.accounts.step_up import StepUpRequired
from indusx.accounts.totp import SecondFactorRequired
from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.db import session_scope, utcnow
from indusx.errors import Forbidden
from indusx.ops import metrics
from indusx.ops.metrics import route_template

log = logging.getLogger(__name__)

ACTION = "access.denied"
DEDUPE_WINDOW = timedelta(minutes=1)
# Per process: 60 a minute is 86,400 rows a day at most, whatever the flood.
WRITES_PER_MINUTE = 60
# request.state.forbidden: what became of a Forbidden, so the middleware does not repeat it.
NOTED, PROMPT = "noted", "prompt"
ANSWERED_403 = "answered 403 by the page"
PROMPTS = (SecondFactorRequired, StepUpRequired)


class WriteCap:
    """A fixed-minute budget of audit writes shared by the process's threads.

    One caller (a user, or an address) may use at most `per_caller` of the minute's writes,
    and anonymous callers together at most half of them, so no caller can use up the budget
    and leave a signed-in user's probing of other people's objects unrecorded.
    """

    def __init__(
        self, per_minute: int, per_caller: int = 10,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_minute = per_minute
        self.per_caller = per_caller
        self.clock = clock
        self._lock = threading.Lock()
        self._minute = -1
        self._used = 0
        self._anonymous = 0
        self._by_caller: dict[str, int] = {}

    def take(self, caller: str = "", *, signed_in: bool = True) -> bool:
        """Return whether one more write by this caller fits in this minute (and count it)."""
        minute = int(self.clock() // 60)
        with self._lock:
            if minute != self._minute:
                self._minute, self._used, self._anonymous = minute, 0, 0
                self._by_caller.clear()
            if (self._used >= self.per_minute
                    or self._by_caller.get(caller, 0) >= self.per_caller
                    or (not signed_in and self._anonymous >= self.per_minute // 2)):
                return False
            self._used += 1
            self._anonymous += not signed_in
            self._by_caller[caller] = self._by_caller.get(caller, 0) + 1
            return True


_CAP_LOCK = threading.Lock()


def cap_of(app: Any) -> WriteCap:
    """Return the app's write cap (one app per server process: the cap is per process)."""
    with _CAP_LOCK:
        cap: WriteCap | None = getattr(app.state, "refusal_cap", None)
        if cap is None:
            cap = app.state.refusal_cap = WriteCap(WRITES_PER_MINUTE)
        return cap


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused request: the route template, the object it named and why it was refused."""

    method: str
    route: str
    object_type: str
    object_id: str
    reason: str
    params: dict[str, str]

    @property
    def key(self) -> str:
        """Return the summary prefix that identifies the route (the dedupe key with the actor)."""
        return f"refused {self.method} {self.route}:"


def _object(params: dict[str, str]) -> tuple[str, str]:
    """Return the most specific object a route names: its last `*_id` (or slug) parameter."""
    for name in reversed(list(params)):
        if name.endswith("_id"):
            return name.removesuffix("_id"), params[name][:64]
        if name == "slug":
            return "challenge", params[name][:64]
    return "route", ""


def refusal_of(request: Request, reason: str) -> Refusal:
    """Return what a refused request asked for, by route template rather than raw path."""
    params = {name: str(value)[:64] for name, value in request.path_params.items()}
    object_type, object_id = _object(params)
    return Refusal(method=request.method, route=route_template(request), object_type=object_type,
                   object_id=object_id, reason=reason[:300], params=params)


def actor_of(request: Request) -> Actor:
    """Return who was refused: the signed-in principal, else the address."""
    ip = request.client.host if request.client else ""
    via = "api" if request.url.path.startswith("/api/") else "web"
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        try:
            return Actor(user_id=principal.user.id, email=principal.user.email, via=via, ip=ip)
        except Exception:  # the user was expired by a failed flush: fall back to the address
            log.debug("refused principal no longer readable", exc_info=True)
    return Actor(user_id=None, email="anonymous", via=via, ip=ip)


def record_refusal(
    *, session: Session, actor: Actor, refusal: Refusal, cap: WriteCap | None = None
) -> bool:
    """Audit a refusal unless this caller's was audited within a minute, or the cap is hit.

    A signed-in caller is deduplicated per route, an anonymous one per address across routes.
    Return whether an event was written.
    """
    since = utcnow() - DEDUPE_WINDOW
    if actor.user_id is not None:
        same = (AuditEvent.actor_id == actor.user_id) & AuditEvent.summary.startswith(
            refusal.key, autoescape=True)
    else:
        same = AuditEvent.actor_id.is_(None) & (AuditEvent.ip == actor.ip)
    recent = session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == ACTION, AuditEvent.at >= since, same)
        .limit(1)
    )
    if recent is not None:
        return False
    caller = f"user:{actor.user_id}" if actor.user_id is not None else f"ip:{actor.ip}"
    if cap is not None and not cap.take(caller, signed_in=actor.user_id is not None):
        metrics.ACCESS_DENIED_UNAUDITED.inc()
        return False
    audit.record(
        session=session, actor=actor, action=ACTION, object_type=refusal.object_type,
        object_id=refusal.object_id, summary=f"{refusal.key} {refusal.reason}",
        after={"method": refusal.method, "route": refusal.route, "params": refusal.params},
    )
    return True


def _write(request: Request, reason: str) -> None:
    """Audit a refusal in a fresh transaction; log, never raise, a failure to."""
    try:
        refusal = refusal_of(request, reason)
        with session_scope(request.app.state.sessionmaker) as session:
            record_refusal(session=session, actor=actor_of(request), refusal=refusal,
                           cap=cap_of(request.app))
    except Exception:
        log.exception("could not audit an access refusal on %s", request.url.path)


def note_refusal(request: Request, exc: BaseException) -> None:
    """Audit a 403 raised while serving a request; never raises, so the refusal still goes out.

    Call it after the request's transaction has rolled back (deps.get_session does).
    """
    if not isinstance(exc, Forbidden):
        return
    if isinstance(exc, PROMPTS):
        request.state.forbidden = PROMPT  # a step of signing in, not a refusal
        return
    request.state.forbidden = NOTED
    _write(request, exc.message)


def is_prompt(request: Request) -> bool:
    """Return whether the request's 403 was a sign-in prompt (step-up, second-factor set-up)."""
    return getattr(request.state, "forbidden", None) == PROMPT


async def note_answered_403(request: Request) -> None:
    """Audit a 403 answer that note_refusal did not see (a page re-drawn with 403, /metrics)."""
    if getattr(request.state, "forbidden", None) is not None:
        return
    request.state.forbidden = NOTED
    await run_in_threadpool(_write, request, ANSWERED_403)
