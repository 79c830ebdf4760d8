"""Who hears of each step of a request, and what they are told (kinds start with "sos_").

- raised: the owners and editors of each routed supplier, and programme officers;
- answered: the raiser and officers;
- status changed: everyone concerned (raiser, suppliers' owners and editors, officers) who
  did not already hear of it through the answer that caused it.
A supplier is never told another supplier's notes.
"""

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, PlatformRole, User
from indusx.accounts.permissions import EDIT_ROLES
from indusx.notifications import service as outbox
from indusx.supply.sos.models import STATUS_LABELS, RequestStatus, SosRequest

RAISED = "sos_raised"
ANSWERED = "sos_answered"
STATUS = "sos_status"
OVERDUE = "sos_overdue"


def link(request: SosRequest) -> str:
    """Return the request page's address."""
    return f"/supply/requests/{request.id}"


def supplier_editors(session: Session, org_ids: Iterable[int]) -> list[User]:
    """Return the active owners and editors of the given organisations."""
    ids = list(org_ids)
    if not ids:
        return []
    return list(session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id.in_(ids), Membership.role.in_(EDIT_ROLES), User.is_active)
        .order_by(User.id)
        .distinct()
    ))


def officers(session: Session) -> list[User]:
    """Return the active programme officers (they follow every request)."""
    return list(session.scalars(
        select(User)
        .where(User.platform_role == PlatformRole.OFFICER, User.is_active)
        .order_by(User.id)
    ))


def raiser(session: Session, request: SosRequest) -> list[User]:
    """Return the raiser, when the account still exists."""
    user = session.get(User, request.raised_by_id) if request.raised_by_id else None
    return [user] if user is not None and user.is_active else []


def send(
    session: Session,
    users: Sequence[User],
    *,
    kind: str,
    subject: str,
    body: str,
    request: SosRequest,
    skip: Iterable[int] = (),
) -> set[int]:
    """Queue one message per user (once each, leaving out `skip`); return who was told."""
    told: set[int] = set(skip)
    sent: set[int] = set()
    for user in users:
        if user.id in told:
            continue
        told.add(user.id)
        sent.add(user.id)
        outbox.enqueue(session=session, to_email=user.email, user_id=user.id, kind=kind,
                       subject=subject, body=body, link=link(request))
    return sent


def subject(request: SosRequest, text: str) -> str:
    """Return a subject line that starts with the reference and carries the marking."""
    return f"[{request.marking.value}] {request.reference}: {text}"


def status_body(request: SosRequest, old: RequestStatus, reason: str) -> str:
    """Return the message about a change of status."""
    body = (f"Security of Supply request {request.reference} ({request.item}) moved from "
            f"{STATUS_LABELS[old]} to {STATUS_LABELS[request.status]}.")
    if reason:
        body += f"\n\nReason: {reason}"
    return body
