"""Access refusals as audit events (`access.denied`), written in their own short transaction.

The request's own transaction rolls back with the refusal, so the event is written after that,
in a fresh session. A caller looping on a refused address would otherwise fill the log: one
event per caller (user, or address when nobody is signed in) and route per minute is kept,
and the rest are counted only by the metric `indusx_access_denied_total`.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.totp import SecondFactorRequired
from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.db import session_scope, utcnow
from indusx.errors import Forbidden
from indusx.ops.metrics import route_template

log = logging.getLogger(__name__)

ACTION = "access.denied"
DEDUPE_WINDOW = timedelta(minutes=1)


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


def refusal_of(request: Request, exc: Forbidden) -> Refusal:
    """Return what a refused request asked for, by route template rather than raw path."""
    params = {name: str(value)[:64] for name, value in request.path_params.items()}
    object_type, object_id = _object(params)
    return Refusal(method=request.method, route=route_template(request), object_type=object_type,
                   object_id=object_id, reason=exc.message[:300], params=params)


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


def record_refusal(*, session: Session, actor: Actor, refusal: Refusal) -> bool:
    """Audit a refusal unless the same caller was refused on the same route within a minute.

    Return whether an event was written.
    """
    since = utcnow() - DEDUPE_WINDOW
    who = (AuditEvent.actor_id == actor.user_id if actor.user_id is not None
           else (AuditEvent.actor_id.is_(None)) & (AuditEvent.ip == actor.ip))
    recent = session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == ACTION, AuditEvent.at >= since, who,
            AuditEvent.summary.startswith(refusal.key, autoescape=True),
        ).limit(1)
    )
    if recent is not None:
        return False
    audit.record(
        session=session, actor=actor, action=ACTION, object_type=refusal.object_type,
        object_id=refusal.object_id, summary=f"{refusal.key} {refusal.reason}",
        after={"method": refusal.method, "route": refusal.route, "params": refusal.params},
    )
    return True


def note_refusal(request: Request, exc: BaseException) -> None:
    """Audit a 403 raised while serving a request; never raises, so the refusal still goes out.

    Call it after the request's transaction has rolled back (deps.get_session does).
    """
    if not isinstance(exc, Forbidden) or isinstance(exc, SecondFactorRequired):
        return  # the second-factor set-up redirect is a step of signing in, not a refusal
    try:
        refusal = refusal_of(request, exc)
        with session_scope(request.app.state.sessionmaker) as session:
            record_refusal(session=session, actor=actor_of(request), refusal=refusal)
    except Exception:
        log.exception("could not audit an access refusal on %s", request.url.path)
